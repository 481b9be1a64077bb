"""Ward's merge of fine clusters, plain and weighted by cluster sizes."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import cut_tree, linkage

from analysis.themes.clustering import split_into_themes, ward_tree


def _unit(degrees):
    """Unit vectors in the plane at these angles."""
    angles = np.radians(degrees)
    return np.column_stack([np.cos(angles), np.sin(angles)])


def test_without_sizes_it_is_scipys_ward():
    centres = _unit([0, 10, 50, 90, 100])
    np.testing.assert_allclose(ward_tree(centres), linkage(centres, method="ward"))


def test_sizes_change_which_pair_merges_first_worked_by_hand():
    # Unit vectors at 0, 60 and 130 degrees: squared distances are
    # 2 - 2 cos(angle), so d(A, B)^2 = 1 and d(B, C)^2 = 2 - 2 cos(70) = 1.316.
    centres = _unit([0, 60, 130])
    # One comment each: A and B merge first (cost 1/2 * 1 = 0.5 < 0.658).
    first = ward_tree(centres, np.array([1, 1, 1]))[0]
    assert first[:2].tolist() == [0, 1]
    np.testing.assert_allclose(first[2], np.sqrt(2 * 0.5))
    # A holds 100 comments: A with B costs 100/101 * 1 = 0.990, more than
    # B with C at 1/2 * 1.316 = 0.658, so B and C merge first.
    first = ward_tree(centres, np.array([100, 1, 1]))[0]
    assert first[:2].tolist() == [1, 2]
    np.testing.assert_allclose(first[2], np.sqrt(2 * 0.5 * (2 - 2 * np.cos(np.radians(70)))))
    assert first[3] == 2  # counts centres, not comments


def test_weighted_tree_is_scipys_ward_over_the_comments_moved_to_their_centres():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(12, 5))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    sizes = rng.integers(1, 9, size=12)
    tree = ward_tree(centres, sizes)
    # Ward over every comment, each at its centre: copies merge at height 0,
    # then the groups merge as the weighted tree says.
    comments = np.repeat(centres, sizes, axis=0)
    owner = np.repeat(np.arange(12), sizes)
    full = linkage(comments, method="ward")
    for k in range(1, 12):
        ours = cut_tree(tree, n_clusters=k).ravel()
        theirs = cut_tree(full, n_clusters=k).ravel()
        # the same partition of the centres, whatever the numbering
        as_pairs = {(ours[i], theirs[np.flatnonzero(owner == i)[0]]) for i in range(12)}
        assert len(as_pairs) == len(set(ours)) == k
    np.testing.assert_allclose(np.sort(tree[:, 2]), np.sort(full[sizes.sum() - 12 :, 2]))


@pytest.mark.parametrize("weighted", [False, True])
def test_one_centre_is_one_group(weighted):
    split = split_into_themes(_unit([0, 1, 2]), [1], n_fine=1, seed=0, weighted=weighted)
    assert split.labels.tolist() == [0] * 3
