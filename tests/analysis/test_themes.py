"""ThemeClusterer with the tfidf backend: contract, outputs and edge cases."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from analysis.themes import NON_ANSWER_ID, SubTheme, Theme, ThemeClusterer

FOOD = ["the food was cold", "cold food at dinner", "food was cold again", "dinner was cold food",
        "cold dinners every night", "the food is always cold"]
STAFF = ["staff were kind and caring", "kind caring staff", "the staff are so kind",
         "caring staff were kind to me", "really kind staff", "staff kind and caring"]
WAIT = ["waiting times too long", "long wait to be seen", "we had a long wait",
        "the wait was too long", "long waiting times", "waiting far too long"]
NON = ["n/a", "Nothing.", "-"]
CORPUS = FOOD + STAFF + WAIT + NON


def fit(texts=CORPUS, **params):
    params = {"backend": "tfidf", "random_state": 0, **params}
    return ThemeClusterer(**params).fit(texts)


# --- estimator contract -----------------------------------------------------

def test_sklearn_checks_that_apply_to_a_text_estimator():
    name = ThemeClusterer.__name__
    check_parameters_default_constructible(name, ThemeClusterer())
    check_no_attributes_set_in_init(name, ThemeClusterer())
    check_get_params_invariance(name, ThemeClusterer())
    check_set_params(name, ThemeClusterer())


def test_clone_keeps_parameters_and_drops_fitted_state():
    model = fit(n_themes=3)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "labels_")


def test_set_params_round_trips():
    model = ThemeClusterer().set_params(n_themes=5, backend="tfidf")
    assert model.get_params()["n_themes"] == 5 and model.backend == "tfidf"


def test_fit_returns_self():
    model = ThemeClusterer(backend="tfidf", n_themes=3, random_state=0)
    assert model.fit(CORPUS) is model


def test_fit_predict_equals_labels():
    model = ThemeClusterer(backend="tfidf", n_themes=3, random_state=0)
    assert np.array_equal(model.fit_predict(CORPUS), model.labels_)


def test_same_random_state_gives_the_same_themes():
    first, second = fit(n_themes=3, random_state=7), fit(n_themes=3, random_state=7)
    assert np.array_equal(first.labels_, second.labels_)
    assert first.themes_ == second.themes_


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        ThemeClusterer(backend="bert").fit(CORPUS)


@pytest.mark.parametrize("n_themes", [0, -2, 2.5, True])
def test_bad_n_themes_is_refused(n_themes):
    with pytest.raises(ValueError, match="n_themes"):
        ThemeClusterer(n_themes=n_themes, backend="tfidf").fit(CORPUS)


def test_a_single_string_is_refused():
    with pytest.raises(TypeError):
        ThemeClusterer(backend="tfidf").fit("one comment")


def test_predict_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ThemeClusterer().predict(["x"])


def test_fitted_model_pickles():
    model = fit(n_themes=3)
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict(CORPUS), model.predict(CORPUS))


# --- what a fit produces ------------------------------------------------------

def test_three_obvious_topics_are_found():
    labels = fit(n_themes=3).labels_
    groups = [set(labels[i:i + 6]) for i in (0, 6, 12)]
    assert all(len(g) == 1 for g in groups)  # each topic in one theme
    assert len(set.union(*groups)) == 3  # and three different themes


def test_labels_are_aligned_with_input_and_non_answers_get_their_own_id():
    model = fit(n_themes=3)
    assert model.labels_.shape == (len(CORPUS),)
    assert list(model.labels_[-3:]) == [NON_ANSWER_ID] * 3
    assert (model.labels_[:-3] >= 0).all()  # no answer left unassigned


def test_codebook_counts_add_up():
    model = fit(n_themes=3)
    assert model.n_themes_ == 3
    assert [t.id for t in model.themes_] == [0, 1, 2, NON_ANSWER_ID]
    assert sum(t.size for t in model.themes_) == len(CORPUS)
    assert sum(t.share for t in model.themes_) == pytest.approx(1.0)
    for theme in model.themes_:
        assert theme.size == int((model.labels_ == theme.id).sum())


def test_themes_are_numbered_by_decreasing_size():
    texts = FOOD * 3 + STAFF + WAIT * 2
    sizes = [t.size for t in fit(texts, n_themes=3).themes_]
    assert sizes == sorted(sizes, reverse=True)


def test_theme_records_are_frozen_and_described():
    model = fit(n_themes=3)
    food = model.themes_[int(model.labels_[0])]
    assert isinstance(food, Theme)
    with pytest.raises(AttributeError):
        food.label = "x"  # type: ignore[misc]
    assert "cold" in " ".join(food.keywords)
    assert "cold" in food.label.lower()
    assert 3 <= len(food.quotes) <= 5
    assert set(food.quotes) <= set(FOOD)
    assert len(set(food.quotes)) == len(food.quotes)


def test_non_answer_theme_lists_the_forms_used():
    non = fit(n_themes=3).themes_[-1]
    assert non.is_non_answer and non.size == 3 and non.keywords == ()
    assert set(non.quotes) == {"n/a", "Nothing.", "-"}


def test_large_themes_get_subthemes():
    texts = [f"{t} {extra}" for t in FOOD for extra in ("at lunch", "at tea", "on sunday")]
    texts += [f"{t} {extra}" for t in STAFF for extra in ("at night", "today", "this week")]
    model = fit(texts, n_themes=2, min_subtheme_size=4)
    for theme in model.themes_:
        assert 2 <= len(theme.subthemes) <= 4
        assert all(isinstance(s, SubTheme) for s in theme.subthemes)
        assert sum(s.size for s in theme.subthemes) == theme.size
        members = model.labels_ == theme.id
        assert set(model.subtheme_labels_[members]) == set(range(len(theme.subthemes)))


def test_quotes_are_redacted():
    texts = [f"{t}, my social worker Sarah Jones said" for t in STAFF] + FOOD
    model = fit(texts, n_themes=2)
    quotes = " ".join(q for t in model.themes_ for q in t.quotes)
    assert "Sarah" not in quotes and "[name]" in quotes


def test_predict_assigns_new_comments_to_fitted_themes():
    model = fit(n_themes=3)
    food, staff, wait = (int(model.labels_[i]) for i in (0, 6, 12))
    predicted = model.predict(["cold food", "kind staff", "such a long wait", "N/A"])
    assert list(predicted) == [food, staff, wait, NON_ANSWER_ID]


def test_predict_on_training_comments_gives_labels():
    model = fit(n_themes=3)
    assert np.array_equal(model.predict(CORPUS), model.labels_)


def test_n_themes_none_picks_between_eight_and_twelve_on_a_larger_survey():
    rng = np.random.default_rng(0)
    topics = [["food", "cold", "dinner"], ["staff", "kind", "caring"], ["wait", "long", "queue"],
              ["room", "noisy", "night"], ["parking", "car", "space"], ["doctor", "explained"],
              ["school", "teacher", "homework"], ["family", "contact", "visits"],
              ["phone", "call", "back"], ["money", "pocket", "allowance"]]
    texts = [" ".join(rng.choice(words, 4)) + " " + " ".join(rng.choice(topics[i % 10], 1))
             for i, words in enumerate([topics[i % 10] for i in range(300)])]
    model = fit(texts)
    assert 8 <= model.n_themes_ <= 12


# --- edge cases ---------------------------------------------------------------

def test_empty_input():
    model = fit([])
    assert model.labels_.shape == (0,) and model.themes_ == [] and model.n_themes_ == 0
    assert model.predict(["anything"]).tolist() == [NON_ANSWER_ID]


def test_all_non_answers():
    model = fit(["n/a", "nothing", "-", "No comment"])
    assert model.labels_.tolist() == [NON_ANSWER_ID] * 4
    assert [t.id for t in model.themes_] == [NON_ANSWER_ID] and model.n_themes_ == 0


def test_fewer_comments_than_themes():
    model = fit(["cold food", "kind staff"], n_themes=10)
    assert model.n_themes_ == 2 and sorted(model.labels_.tolist()) == [0, 1]


def test_identical_comments_make_one_theme():
    model = fit(["kind staff"] * 5, n_themes=3)
    assert model.n_themes_ == 1 and model.labels_.tolist() == [0] * 5


def test_very_long_comments_are_clustered_and_quotes_shortened():
    long = " ".join(["the food was cold and the portions were small"] * 60)
    model = fit(FOOD + STAFF + [long], n_themes=2)
    assert (model.labels_ >= 0).all()
    assert max(len(q) for t in model.themes_ for q in t.quotes) <= 302


def test_emoji_and_other_languages():
    texts = ["😀😀", "👍 staff", "la comida estaba fría", "la comida fría otra vez",
             "食物很冷", "食物很冷 😞", "kind staff", "staff kind 👍"]
    model = fit(texts, n_themes=3)
    assert model.labels_[0] == NON_ANSWER_ID  # emoji alone says nothing in words
    assert (model.labels_[1:] >= 0).all()
    assert sum(t.size for t in model.themes_) == len(texts)


def test_no_words_at_all_still_assigns_every_answer():
    model = fit(["食", "水"], n_themes=2)  # single characters: no token for TF-IDF
    assert (model.labels_ >= 0).all()


# --- quotable: comments that must never be quoted -------------------------------

def fit_quotable(quotable):
    return ThemeClusterer(n_themes=3, backend="tfidf", random_state=0).fit(
        CORPUS, quotable=quotable)


def _theme_of(model, text):
    return next(t for t in model.themes_ if t.id == model.labels_[CORPUS.index(text)])


def test_a_comment_that_may_not_be_quoted_still_counts_but_is_never_a_quote():
    free = fit(n_themes=3)
    food = _theme_of(free, FOOD[0])
    central = food.quotes[0]  # the food theme's most central comment
    assert central in FOOD
    quotable = [text != central for text in CORPUS]
    kept = fit_quotable(quotable)
    np.testing.assert_array_equal(kept.labels_, free.labels_)
    np.testing.assert_array_equal(kept.subtheme_labels_, free.subtheme_labels_)
    assert [(t.id, t.size, t.keywords) for t in kept.themes_] == [
        (t.id, t.size, t.keywords) for t in free.themes_]
    quotes = [q for t in kept.themes_ for q in (*t.quotes, *(q for s in t.subthemes
                                                              for q in s.quotes))]
    assert central not in quotes
    assert set(_theme_of(kept, FOOD[0]).quotes) <= set(FOOD)
    assert len(_theme_of(kept, FOOD[0]).quotes) >= 3  # the others stand in


def test_quotable_defaults_to_every_comment():
    everything = fit_quotable([True] * len(CORPUS))
    assert [t.quotes for t in everything.themes_] == [t.quotes for t in fit(n_themes=3).themes_]


def test_a_theme_none_of_whose_comments_may_be_quoted_has_no_quotes():
    quotable = [text not in FOOD for text in CORPUS]
    model = fit_quotable(quotable)
    food = _theme_of(model, FOOD[0])
    assert food.quotes == () and food.size == len(FOOD) and food.label


def test_non_answers_that_may_not_be_quoted_are_not_listed():
    quotable = [text != "Nothing." for text in CORPUS]
    model = fit_quotable(quotable)
    non = model.themes_[-1]
    assert non.is_non_answer and non.size == 3
    assert "nothing." not in {q.lower() for q in non.quotes} and len(non.quotes) == 2


@pytest.mark.parametrize("quotable, error", [
    ([True] * 3, ValueError), ("yes", TypeError), ([1] * len(CORPUS), TypeError)])
def test_quotable_must_be_one_bool_per_comment(quotable, error):
    with pytest.raises(error):
        fit_quotable(quotable)
