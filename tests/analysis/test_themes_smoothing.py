"""Neighbour smoothing, first clauses, the catch-all guard and the file cache."""

import numpy as np
import pytest
from sklearn.cluster import KMeans

from analysis.themes import FileEmbeddingCache, clustering, smoothing
from analysis.themes.backends import TextFeatures, lead_clause, words_and_phrases
from analysis.themes.clustering import _break_up_catch_all, catch_alls, split_into_themes
from analysis.themes.smoothing import NeighbourSmoother

E1, E2, E3, E4 = np.eye(4, dtype=np.float32)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Nothing, the staff were lovely.", "Nothing"),
        ("No. Everything was fine", "No"),
        ("Very kind staff! Food was cold", "Very kind staff"),
        ("Nothing to add", None),  # one clause
        # a long first clause is still the point made first
        ("The staff on the ward were kind, food cold", "The staff on the ward were kind"),
        # an opener is not the point: the clause after it is
        ("Honestly, my sw keeps changing", "my sw keeps changing"),
        ("For me, the food", "the food"),
    ],
)
def test_lead_clause(text, lead):
    assert lead_clause(text) == lead


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Kind staff. Food cold", ["kind", "staff", "kind staff", "food", "cold", "food cold"]),
        # stop words drop out before pairing, as in scikit-learn's own analyser
        ("the staff were kind", ["staff", "kind", "staff kind"]),
        # no phrase across a full stop, a comma or a dash between words ...
        ("It isn't broken. Joking aside", ["isn't", "broken", "isn't broken", "joking",
                                           "aside", "joking aside"]),
        ("tea, coffee - cake", ["tea", "coffee", "cake"]),
        # ... but a hyphen inside a word is not a break, and placeholders are not words
        ("a drop-in, thanks [name]", ["drop", "thanks"]),
    ],
)
def test_words_and_phrases_pair_words_within_a_clause(text, terms):
    assert words_and_phrases(text) == terms


def test_tfidf_vocabulary_has_no_phrase_across_sentences():
    texts = ["The coffee machine is broken. Joking aside, my colleagues"] * 2
    terms = set(TextFeatures().fit(texts).terms)
    assert {"coffee machine", "joking aside", "colleagues"} <= terms
    assert "broken joking" not in terms and "aside colleagues" not in terms


def test_each_vector_becomes_the_mean_of_itself_and_its_nearest_neighbour():
    # Rows e1, x = (e1 + 2 e2) / sqrt(5) and e2. Cosines: e1.x = 0.447,
    # x.e2 = 0.894, e1.e2 = 0: e1's nearest other row is x, x's and e2's are
    # each other.
    x = np.array([1, 2, 0, 0], dtype=np.float32) / np.sqrt(5)
    features = np.vstack([E1, x, E2])
    smoother = NeighbourSmoother(n_neighbors=1, n_steps=1)
    smoothed = smoother.fit_transform(features)
    e1_x = (E1 + x) / np.linalg.norm(E1 + x)
    x_e2 = (x + E2) / np.linalg.norm(x + E2)
    assert np.allclose(smoothed, [e1_x, x_e2, x_e2], atol=1e-6)
    # fitted rows get the same vectors again; a new row near e2 averages
    # its two nearest fitted rows, e2 and x
    assert np.allclose(smoother.transform(features), smoothed, atol=1e-6)
    assert np.allclose(smoother.transform(E2[None, :]), [x_e2], atol=1e-6)


def test_copies_of_a_comment_are_not_its_neighbours():
    # [e1, e1, e2]: the e1s' nearest *other* comment is e2, so both become
    # (e1 + e2) / |e1 + e2|, and so does e2 (its nearest is an e1).
    features = np.vstack([E1, E1, E2])
    smoothed = NeighbourSmoother(n_neighbors=1, n_steps=1).fit_transform(features)
    half = np.sqrt(0.5)
    assert np.allclose(smoothed, [[half, half, 0, 0]] * 3, atol=1e-6)


def test_two_steps_average_the_averages():
    # The rows of the first test: step 1 gives e1 -> u = unit(e1 + x) and
    # x, e2 -> v = unit(x + e2); step 2 averages e1's row over the same
    # neighbours again: unit(u + v).
    x = np.array([1, 2, 0, 0], dtype=np.float32) / np.sqrt(5)
    features = np.vstack([E1, x, E2])
    smoothed = NeighbourSmoother(n_neighbors=1, n_steps=2).fit_transform(features)
    u = (E1 + x) / np.linalg.norm(E1 + x)
    v = (x + E2) / np.linalg.norm(x + E2)
    assert np.allclose(smoothed[0], (u + v) / np.linalg.norm(u + v), atol=1e-6)


def test_no_smoothing_when_turned_off():
    features = np.vstack([E1, E2, E3])
    smoother = NeighbourSmoother(n_neighbors=0)
    assert np.array_equal(smoother.fit_transform(features), features)
    assert np.array_equal(smoother.transform(features), features)


def test_large_inputs_search_neighbours_within_blocks(monkeypatch):
    monkeypatch.setattr(smoothing, "EXACT_MAX", 10)
    monkeypatch.setattr(smoothing, "BLOCK_SIZE", 10)
    rng = np.random.default_rng(0)
    # 20 rows near e1 and 20 near e2: two blocks, and no neighbour crosses over
    noise = 0.05 * rng.standard_normal((40, 4))
    features = np.vstack([np.tile(E1, (20, 1)), np.tile(E2, (20, 1))]) + noise
    features = (features / np.linalg.norm(features, axis=1, keepdims=True)).astype(np.float32)
    smoother = NeighbourSmoother(n_neighbors=3, n_steps=1)
    smoothed = smoother.fit_transform(features)
    assert smoother.blocks_ is not None
    assert (smoothed[:20, 0] > 0.95).all() and (smoothed[20:, 1] > 0.95).all()
    assert np.allclose(smoother.transform(features), smoothed, atol=1e-6)


def _fitted(features, labels):
    """A KMeans standing for a fit that gave ``labels``."""
    k = int(labels.max()) + 1
    model = KMeans(k, n_init=1, random_state=0)
    model.labels_ = labels.copy()
    model.cluster_centers_ = np.vstack([features[labels == j].mean(axis=0) for j in range(k)])
    model.n_clusters = k
    return model


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# Eight directions: one theme each, and a catch-all mixing two of them.
DIRS = np.eye(8, dtype=np.float32)


def test_a_catch_all_theme_is_split_and_the_closest_pair_merged():
    # Five themes: 10 rows at e1, 10 at e2, 10 at e5, 10 at e6 (each about one
    # thing, spread 0) and a loose 40 (20 at e3, 20 at e4: spread 1 - cos 45
    # degrees = 0.29, above the median spread 0), 50% of the rows. It is split
    # into its e3 and e4 halves, and the closest pair of the others (all are
    # equally far apart: the first, e1 and e2) merged: sizes 20, 20, 20, 10, 10.
    features = np.vstack([np.tile(DIRS[i], (n, 1)) for i, n in
                          [(0, 10), (1, 10), (4, 10), (5, 10), (2, 20), (3, 20)]])
    labels = np.repeat([0, 1, 2, 3, 4], [10, 10, 10, 10, 40])
    assert catch_alls(features, labels, 5) == [4]
    labels = _break_up_catch_all(features, _fitted(features, labels), seed=0).labels_
    assert sorted(np.bincount(labels).tolist()) == [10, 10, 20, 20, 20]
    assert labels[0] == labels[10]  # e1 and e2 together
    assert labels[40] != labels[60]  # e3 and e4 apart
    assert catch_alls(features, labels, 5) == []


def _theme(a, b, n):
    """``n`` rows, every other one at e_a and the rest leaning towards e_b."""
    return _unit([DIRS[a] + 0.5 * DIRS[b] if i % 2 else DIRS[a] for i in range(n)])


def test_a_large_theme_about_one_thing_is_left_alone():
    # 40 of 80 people said nearly the same thing (spread 0.0001); the four
    # other themes are looser (spread 0.05): a big theme, not a catch-all.
    close = _unit([[1, 0.02 * (i % 3), 0, 0, 0, 0, 0, 0] for i in range(40)])
    features = np.vstack([close, _theme(2, 6, 10), _theme(3, 6, 10), _theme(4, 7, 10),
                          _theme(5, 7, 10)])
    labels = np.repeat([0, 1, 2, 3, 4], [40, 10, 10, 10, 10])
    assert catch_alls(features, labels, 5) == []
    after = _break_up_catch_all(features, _fitted(features, labels), 0).labels_
    assert np.array_equal(after, labels)


def test_merging_never_makes_a_new_catch_all():
    # A loose 30 (15 at e1, 15 at e2) among themes of 25, 25, 10 and 10 rows,
    # each spread out a little (made of two nearby directions). The closest
    # pair is the two 25s (they share a direction), but together they would
    # hold 50 of 100 rows; the 10s are merged instead.
    features = np.vstack([
        _theme(2, 6, 25), _theme(3, 6, 25), _theme(4, 7, 10), _theme(5, 0, 10),
        np.tile(DIRS[0], (15, 1)), np.tile(DIRS[1], (15, 1)),
    ])
    labels = np.repeat([0, 1, 2, 3, 4], [25, 25, 10, 10, 30])
    assert catch_alls(features, labels, 5) == [4]
    after = _break_up_catch_all(features, _fitted(features, labels), seed=0).labels_
    assert sorted(np.bincount(after).tolist()) == [15, 15, 20, 25, 25]
    assert after[0] != after[25]  # the two 25s stay apart
    assert after[50] == after[60]  # the two 10s are merged


def test_with_fewer_than_four_themes_there_is_no_catch_all():
    # Three themes: one of them must hold a third, so none is a catch-all.
    features = np.vstack([np.tile(DIRS[0], (10, 1)), np.tile(DIRS[1], (10, 1)),
                          np.tile(DIRS[2], (20, 1)), np.tile(DIRS[3], (20, 1))])
    labels = np.repeat([0, 1, 2], [10, 10, 40])
    assert catch_alls(features, labels, 3) == []


def test_automatic_choice_takes_more_themes_rather_than_leave_a_catch_all(monkeypatch):
    # Five tight groups of 12 rows (e1-e5) and a loose group of 60 rows spread
    # over e6, e7 and e8: 120 rows, a quarter is 30. With four themes the
    # five tight groups and three loose directions cannot all fit without a
    # theme over 30 that mixes directions, so when the silhouette would pick
    # 4, the next numbers are tried until no catch-all is left.
    monkeypatch.setattr(clustering, "choose_n_themes", lambda f, fl, cuts, seed: min(cuts))
    rng = np.random.default_rng(0)
    groups = [np.tile(DIRS[i], (12, 1)) for i in range(5)]
    loose = _unit(DIRS[5 + np.arange(60) % 3] + 0.05 * rng.random((60, 8)))
    features = np.vstack(groups + [loose]).astype(np.float32)
    split = split_into_themes(features, [4, 5, 6, 7], n_fine=20, seed=0)
    sizes = np.bincount(split.labels)
    assert len(sizes) > 4
    assert sizes.max() <= 0.25 * len(features)
    assert catch_alls(features, split.labels, len(sizes)) == []


def test_smoothing_looks_past_copies_of_a_comment():
    # Ten copies of e1, one e2 and one e3: e1's nearest other comment is e2 or
    # e3 (its copies are not "other comments"), so it is pulled towards them.
    features = np.vstack([np.tile(E1, (10, 1)), E2, E3])
    smoothed = NeighbourSmoother(n_neighbors=1, n_steps=1).fit_transform(features)
    assert (smoothed[:10, 0] < 0.99).all()
    assert np.allclose(smoothed[:10], smoothed[0])  # copies stay copies


def test_file_cache_keeps_vectors_between_instances(tmp_path):
    path = tmp_path / "emb" / "cache.npz"
    cache = FileEmbeddingCache(path)
    cache.put_many({"a": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0])})
    again = FileEmbeddingCache(path)
    assert len(again) == 2
    assert np.array_equal(again.get_many(["b", "c"])["b"], [0.0, 1.0])
