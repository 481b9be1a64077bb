"""Anonymity: primary and secondary suppression, worked by hand and attacked at random."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analysis.stats.suppression import (
    ALL,
    CountTable,
    Hidden,
    _exposed_cells,
    hidden_note,
    suppress,
    suppress_groups,
)

K = 5


# --- hand-worked examples -------------------------------------------------------------


def test_large_groups_hide_nothing():
    assert suppress_groups({"north": 12, "south": 9, "east": 20}, K) == frozenset()


def test_one_small_team_hides_the_next_smallest_too():
    # south (3) < 5 is hidden. With the total (35) shown, south = 35 - 12 - 20, so one
    # more team must go: the smallest shown, north (12). Now 35 - 20 = 15 = north + south
    # and neither can be told apart; 15 >= 5 so their combined answers are safe to expose.
    assert suppress_groups({"north": 12, "south": 3, "east": 20}, K) == {"north", "south"}


def test_two_small_teams_together_below_threshold_hide_a_third():
    # a=1 and b=1 are both hidden, but total - c - d = 2 reveals the pooled answers of
    # two people. The rule "hidden cells of a line reach k together" hides c (20).
    assert suppress_groups({"a": 1, "b": 1, "c": 20, "d": 30}, K) == {"a", "b", "c"}


def test_two_small_teams_that_reach_the_threshold_together_are_enough():
    # 3 + 4 = 7 >= 5: the pooled answers of 7 people may be worked out, not one team's.
    assert suppress_groups({"a": 3, "b": 4, "c": 20}, K) == {"a", "b"}


def test_empty_group_is_not_used_as_cover():
    # b (3) needs a partner; a (0) is smaller but hiding a known-empty group protects
    # nobody, so the smallest non-empty group c (10) is hidden instead.
    assert suppress_groups({"a": 0, "b": 3, "c": 10, "d": 12}, K) == {"b", "c"}


def test_whole_selection_below_threshold_hides_the_total():
    assert suppress_groups({"north": 3}, K) == {"north", ALL}
    assert suppress_groups({"north": 2, "south": 1}, K) == {"north", "south", ALL}


def test_comment_threshold_is_just_another_k():
    # comments use min_group_comments = 10: 9 is hidden, 12 (next smallest) covers it
    assert suppress_groups({"a": 9, "b": 12, "c": 30}, 10) == {"a", "b"}


def test_forced_cells_are_hidden_and_covered():
    # a question's table must hide the teams hidden in the respondent counts
    assert suppress_groups({"a": 8, "b": 9, "c": 30}, K, also_hide=["a"]) == {"a", "b"}


def test_team_by_role_margins():
    # counts:        x    y  | team total
    #   a            3   10  |  13
    #   b           10   10  |  20
    #   c            7    9  |  16
    #   role total  20   29  |  49
    # (a,x)=3 is primary. Row a: hide its smallest other cell (a,y)=10. Column x: hide
    # (c,x)=7 (smaller than b's 10). Column y now has (a,y) alone hidden: hide (c,y)=9.
    # Rows a and c each have two hidden cells (13, 16 >= 5), columns x and y too.
    t = CountTable.two_way({("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 10, ("b", "y"): 10,
                            ("c", "x"): 7, ("c", "y"): 9})
    result = suppress(t, K)
    assert result.primary == {("a", "x")}
    assert result.hidden == {("a", "x"), ("a", "y"), ("c", "x"), ("c", "y")}
    assert not result.is_hidden("a")  # the team total 13 is shown
    assert result.shown()[(ALL, ALL)] == 49


def test_small_margin_is_hidden_with_its_cells():
    # team a has 4 people in total (2 + 2): its margin is primary too.
    t = CountTable.two_way({("a", "x"): 2, ("a", "y"): 2, ("b", "x"): 10, ("b", "y"): 12})
    result = suppress(t, K)
    assert {("a", "x"), ("a", "y"), ("a", ALL)} <= result.hidden
    assert _attacks(t, result) == []


def test_audit_finds_a_cell_exposed_by_two_rows_minus_two_columns():
    # Two 2x2 cycles of hidden cells joined by one hidden cell (r1, c3). Every line has
    # two or more hidden cells, yet row1 + row2 - col1 - col2 isolates (r1, c3).
    cells = {(f"r{i}", f"c{j}"): 10 for i in range(1, 5) for j in range(1, 5)}
    t = CountTable.two_way(cells)
    hidden = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"), ("r3", "c3"),
              ("r3", "c4"), ("r4", "c3"), ("r4", "c4"), ("r1", "c3")}
    assert _exposed_cells(hidden, t.lines()) == [("r1", "c3")]


def test_hidden_result_carries_no_numbers():
    h = Hidden("south", 5, "supported")
    assert h.label == "fewer than 5"
    assert set(vars(h)) == {"group", "min_n", "subject"}
    assert "worked out" in hidden_note(5)


# --- the attacker ---------------------------------------------------------------------


def _equations(table: CountTable, hidden: frozenset) -> tuple[list, np.ndarray, np.ndarray]:
    values = table.values()
    order = sorted(hidden)
    a_rows, b = [], []
    for parts, total in table.lines():
        row = [(1.0 if c in parts else -1.0 if c == total else 0.0) for c in order]
        known = sum(values[c] for c in parts if c not in hidden) - (
            0 if total in hidden else values[total])
        if any(row):
            a_rows.append(row)
            b.append(-known)
    return order, np.array(a_rows, dtype=float), np.array(b, dtype=float)


def _attacks(table: CountTable, result) -> list[str]:
    """Every way we know to recover a hidden count; empty when all fail."""
    values = table.values()
    hidden = result.hidden
    found = []
    for parts, total in table.lines():  # 1. subtraction along a line
        hidden_cells = [c for c in (*parts, total) if c in hidden]
        if len(hidden_cells) == 1:
            found.append(f"subtraction reveals {hidden_cells[0]}")
        if hidden_cells and total not in hidden:
            pooled = sum(values[c] for c in parts if c in hidden)
            if 0 < pooled < result.min_n:
                found.append(f"pooled hidden cells of a line total only {pooled}")
    if not hidden:
        return found
    order, a, b = _equations(table, hidden)
    rank = np.linalg.matrix_rank(a) if a.size else 0
    for j, cell in enumerate(order):  # 2. any linear combination of lines
        e = np.zeros(len(order))
        e[j] = 1
        if a.size and np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            found.append(f"a combination of lines reveals {cell}")
    for j, cell in enumerate(order):  # 3. bounds from counts being >= 0
        if cell not in result.primary or not a.size:
            continue
        c = np.zeros(len(order))
        c[j] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if lo.status == 0 and hi.status == 0 and abs(-hi.fun - lo.fun) < 1e-6:
            found.append(f"bounds pin {cell} to {lo.fun}")
    return found


small_counts = st.one_of(st.integers(0, 4), st.integers(5, 12), st.integers(13, 60))


@st.composite
def breakdowns(draw) -> CountTable:
    rows = draw(st.integers(1, 6))
    cols = draw(st.sampled_from([0, 2, 3, 4]))
    if cols == 0:
        return CountTable.one_way({f"t{i}": draw(small_counts) for i in range(rows)})
    return CountTable.two_way({(f"t{i}", f"r{j}"): draw(small_counts)
                               for i, j in itertools.product(range(rows), range(cols))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=breakdowns(), k=st.sampled_from([5, 10]))
def test_no_hidden_count_can_be_recovered(table, k):
    result = suppress(table, k)
    values = table.values()
    assert {c for c, v in values.items() if 0 < v < k} <= result.hidden  # primary rule
    if table.columns:  # the margins agree with the one-way breakdowns shown on their own
        rows = suppress(CountTable.one_way({r: values[(r, ALL)] for r in table.rows}), k)
        assert {r for r, c in result.hidden if c == ALL} == {r for r, _ in rows.hidden}
    if result.safe:
        assert _attacks(table, result) == []
    else:  # the caller hides the whole table; it must at least know it has to
        assert _attacks(table, result) or any(v == 0 for v in values.values())


@settings(max_examples=60, deadline=None)
@given(table=breakdowns())
def test_suppression_is_deterministic_and_minimal_when_safe(table):
    first, again = suppress(table, K), suppress(table, K)
    assert first == again
    if all(v == 0 or v >= K for v in table.values().values()):
        assert first.hidden == frozenset()


@pytest.mark.parametrize("k", [5, 10])
def test_25_teams_by_five_roles_is_protected(k):
    rng = np.random.default_rng(3)
    counts = {(f"team{i}", f"role{j}"): int(rng.poisson(6)) for i in range(25) for j in range(5)}
    t = CountTable.two_way(counts)
    result = suppress(t, k)
    assert _attacks(t, result) == []


def test_two_way_margins_follow_the_one_way_breakdown():
    #            x    y | team
    #   a        2    2 |   4     one-way teams {a: 4, b: 22, c: 18}: a is primary and
    #   b       10   12 |  22     c (18) covers it, so the margins (a, All) and (c, All)
    #   c        9    9 |  18     are hidden here too. Inside: (a, x) and (a, y) are
    #   role    21   23 |  44     primary; row c has its margin alone hidden, so its
    # smallest cell (c, x) = 9 goes; column y then has (a, y) alone: (c, y) = 9 (< 12).
    t = CountTable.two_way({("a", "x"): 2, ("a", "y"): 2, ("b", "x"): 10, ("b", "y"): 12,
                            ("c", "x"): 9, ("c", "y"): 9})
    result = suppress(t, K)
    assert suppress_groups({"a": 4, "b": 22, "c": 18}, K) == {"a", "c"}
    assert result.hidden == {("a", "x"), ("a", "y"), ("a", ALL), ("c", ALL), ("c", "x"),
                             ("c", "y")}
    assert result.safe and _attacks(t, result) == []
