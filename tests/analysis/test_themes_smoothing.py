"""Neighbour smoothing, first clauses, the catch-all guard and the file cache."""

import numpy as np
import pytest
from sklearn.cluster import KMeans

from analysis.themes import FileEmbeddingCache, smoothing
from analysis.themes.backends import lead_clause
from analysis.themes.clustering import _break_up_catch_all
from analysis.themes.smoothing import NeighbourSmoother

E1, E2, E3, E4 = np.eye(4, dtype=np.float32)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Nothing, the staff were lovely.", "Nothing"),
        ("No. Everything was fine", "No"),
        ("Very kind staff! Food was cold", "Very kind staff"),
        ("Nothing to add", None),  # one clause
        ("The staff on the ward were kind, food cold", None),  # first clause too long
        ("Honestly, my sw keeps changing", None),  # an opener, not the point
        ("For me, the food", None),
    ],
)
def test_lead_clause(text, lead):
    assert lead_clause(text) == lead


def test_each_vector_becomes_the_mean_of_itself_and_its_nearest_neighbour():
    # Two copies of e1 and one e2: an e1's nearest other row is the other e1,
    # so it stays e1; e2's nearest is an e1 (cosine 0 against -inf for none),
    # so it becomes (e1 + e2) / 2, made unit length.
    features = np.vstack([E1, E1, E2])
    smoother = NeighbourSmoother(n_neighbors=1, n_steps=1)
    smoothed = smoother.fit_transform(features)
    half = np.sqrt(0.5)
    assert np.allclose(smoothed, [[1, 0, 0, 0], [1, 0, 0, 0], [half, half, 0, 0]], atol=1e-6)
    # fitted rows get the same vectors again; a new e2 averages its two nearest
    # fitted rows, the e2 and one e1
    assert np.allclose(smoother.transform(features), smoothed, atol=1e-6)
    assert np.allclose(smoother.transform(E2[None, :]), [[half, half, 0, 0]], atol=1e-6)


def test_two_steps_average_the_averages():
    features = np.vstack([E1, E1, E2])
    smoothed = NeighbourSmoother(n_neighbors=1, n_steps=2).fit_transform(features)
    # step 2 for the e2 row: mean of its step-1 vector (h, h) and the e1's (1, 0)
    expected = np.array([1 + np.sqrt(0.5), np.sqrt(0.5)])
    assert np.allclose(smoothed[2, :2], expected / np.linalg.norm(expected), atol=1e-6)


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


def test_a_catch_all_theme_is_split_and_the_closest_pair_merged():
    # Themes: 10 rows at e1, 10 at e2, and a loose 40 (20 at e3, 20 at e4)
    # holding 67% of the rows. It is split into its e3 and e4 halves, and the
    # only other pair, e1 and e2, is merged: sizes 20, 20, 20. Splitting the
    # merged pair again would bring back a theme of 40, so that is not done.
    features = np.vstack([np.tile(E1, (10, 1)), np.tile(E2, (10, 1)),
                          np.tile(E3, (20, 1)), np.tile(E4, (20, 1))])
    model = KMeans(3, n_init=1, random_state=0)
    model.labels_ = np.repeat([0, 1, 2], [10, 10, 40])
    model.cluster_centers_ = np.vstack(
        [features[model.labels_ == j].mean(axis=0) for j in range(3)]
    )
    model.n_clusters = 3
    labels = _break_up_catch_all(features, model, seed=0).labels_
    assert sorted(np.bincount(labels).tolist()) == [20, 20, 20]
    assert labels[0] == labels[10]  # e1 and e2 together
    assert labels[20] != labels[40]  # e3 and e4 apart


def test_file_cache_keeps_vectors_between_instances(tmp_path):
    path = tmp_path / "emb" / "cache.npz"
    cache = FileEmbeddingCache(path)
    cache.put_many({"a": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0])})
    again = FileEmbeddingCache(path)
    assert len(again) == 2
    assert np.array_equal(again.get_many(["b", "c"])["b"], [0.0, 1.0])
