"""Matching codebooks across refits, carrying ids over, and the stability score."""

import numpy as np
import pytest

from analysis.themes import (
    NON_ANSWER_ID,
    InMemoryEmbeddingCache,
    Theme,
    ThemeClusterer,
    carry_over,
    match_themes,
    similarity_matrix,
    stability_score,
)


def theme(id, centroid=(), label=None, profile=(), space="test", non=False):
    return Theme(id=id, label=label or f"theme {id}", keywords=(), quotes=(), size=1, share=0.1,
                 centroid=tuple(centroid), space=space, profile=tuple(profile), is_non_answer=non)


# Old codebook: three themes along the axes of a 3-d space.
OLD = [theme(0, (1, 0, 0), "Food"), theme(1, (0, 1, 0), "Staff"), theme(2, (0, 0, 1), "Waiting")]


def test_reordered_themes_are_matched_by_centroid():
    # New fit found the same themes in another order: new 0 = old 2, new 1 = old 0, new 2 = old 1.
    new = [theme(0, (0, 0, 1)), theme(1, (1, 0, 0)), theme(2, (0, 1, 0))]
    match = match_themes(OLD, new)
    assert match.method == "centroid"
    assert match.mapping == {0: 2, 1: 0, 2: 1}
    assert match.new == () and match.gone == ()
    assert all(similarity == pytest.approx(1.0) for _, _, similarity in match.pairs)


def test_hungarian_prefers_the_best_total_not_the_greedy_pair():
    # Similarities (old rows, new columns): [[0.7, 0.6], [0.6, 0.0]].
    # Greedy takes old 0 - new 0 (0.7) and is left with old 1 - new 1 (0.0): total 0.7.
    # The best one-to-one pairing is old 0 - new 1 and old 1 - new 0: 0.6 + 0.6 = 1.2.
    old = [theme(0, (1, 0, 0)), theme(1, (0, 1, 0))]
    new = [theme(0, (0.7, 0.6, np.sqrt(1 - 0.49 - 0.36))), theme(1, (0.6, 0, 0.8))]
    sims, _ = similarity_matrix(old, new)
    assert sims == pytest.approx(np.array([[0.7, 0.6], [0.6, 0.0]]))
    match = match_themes(old, new, min_similarity=0.5)
    assert match.mapping == {1: 0, 0: 1}


def test_new_and_gone_themes_are_reported():
    # Staff stayed (slightly moved), food and waiting went, two new themes arrived:
    # new 1 is 0.7 and 0.714 alike to food and waiting, below the 0.8 needed.
    new = [theme(0, (0.1, 0.99, 0)), theme(1, (0.7, 0, np.sqrt(0.51))), theme(2, (-1, 0, 0))]
    match = match_themes(OLD, new)
    assert match.mapping == {0: 1}
    assert match.new == (1, 2) and match.gone == (0, 2)


def test_a_pair_below_the_threshold_does_not_pull_a_theme_away():
    # Similarities (old rows, new columns): [[0.85, 0.82], [0.5, 0.1]].
    # The best total over all pairs is new 0 - old 1 (0.5, too low) + new 1 - old 0 (0.82);
    # among pairs of at least 0.8 only old 0 counts, and its best partner is new 0.
    old = [theme(0, (1, 0, 0)), theme(1, (0, 1, 0))]
    new = [theme(0, (0.85, 0.5, np.sqrt(1 - 0.85**2 - 0.5**2))),
           theme(1, (0.82, 0.1, np.sqrt(1 - 0.82**2 - 0.1**2)))]
    match = match_themes(old, new)
    assert match.mapping == {0: 0}
    assert match.new == (1,) and match.gone == (1,)


def test_non_answer_groups_always_match():
    old = [*OLD, theme(NON_ANSWER_ID, non=True, space="")]
    new = [theme(0, (1, 0, 0)), theme(NON_ANSWER_ID, non=True, space="")]
    match = match_themes(old, new)
    assert (NON_ANSWER_ID, NON_ANSWER_ID, 1.0) in match.pairs
    assert match.gone == (1, 2)


def test_themes_from_different_spaces_are_matched_by_keyword_profile():
    old = [theme(0, (1, 0), profile=[("cold food", 0.6), ("dinner", 0.2)], space="tfidf:a"),
           theme(1, (0, 1), profile=[("kind staff", 0.5), ("caring", 0.3)], space="tfidf:a")]
    new = [theme(0, (0, 1, 0), profile=[("kind staff", 0.4), ("friendly", 0.4)], space="tfidf:b"),
           theme(1, (1, 0, 0), profile=[("cold food", 0.5)], space="tfidf:b")]
    match = match_themes(old, new)
    assert match.method == "profile"
    assert match.mapping == {0: 1, 1: 0}
    # cosine of (0.5,0.3) and (0.4,0.4) on "kind staff" only: 0.2 / (0.583 * 0.566) = 0.606
    assert dict((n, s) for _, n, s in match.pairs)[0] == pytest.approx(0.606, abs=1e-3)


def test_carry_over_keeps_old_ids_and_labels_and_numbers_new_themes_after_them():
    new = [theme(0, (0, 1, 0), "Kind staff"), theme(1, (0.7, 0, np.sqrt(0.51)), "Parking")]
    themes, ids = carry_over(OLD, new)
    assert ids == {0: 1, 1: 3}
    assert [(t.id, t.label, t.is_new) for t in themes] == [
        (1, "Staff", False), (3, "Parking", True)]


def test_match_themes_on_two_fits_of_the_same_comments():
    texts = (["the food was cold", "cold food again", "dinner was cold"] * 3
             + ["kind staff", "the staff were kind", "staff so kind"] * 3)
    first = ThemeClusterer(n_themes=2, backend="tfidf", random_state=0).fit(texts)
    second = ThemeClusterer(n_themes=2, backend="tfidf", random_state=3).fit(texts[::-1])
    match = match_themes(first.themes_, second.themes_)
    assert match.new == () and match.gone == ()
    relabelled = np.vectorize(carry_over(first.themes_, second.themes_, match)[1].get)(
        second.labels_[::-1])
    assert np.array_equal(relabelled, first.labels_)


def test_stability_score_is_one_for_unambiguous_topics():
    texts = ["cold food", "the food was cold", "kind staff", "staff were kind", "n/a"] * 4
    assert stability_score(texts, n_themes=2, backend="tfidf") == pytest.approx(1.0)


def test_stability_score_shares_one_cache_between_the_fits():
    cache = InMemoryEmbeddingCache()
    stability_score(["a b", "c d"], n_themes=1, backend="tfidf", cache=cache)
    assert len(cache) == 0  # tfidf embeds nothing
