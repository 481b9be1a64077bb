"""Anonymity in one place: which groups may be shown.

Every figure about a group of people passes through :func:`suppress` before anyone sees
it; :mod:`analysis.stats.scores`, :mod:`analysis.stats.trends` and
:mod:`analysis.stats.compare` call it and return :class:`Hidden` in place of any result
it hides, so a page, chart, export or API response cannot show a hidden number by
accident.

The rules (DESIGN.md rule 1; worked examples in ``docs/statistics.md``):

1. **Primary**: a cell (a group, or a margin such as "team North, all roles") with
   ``0 < n < min_n`` is hidden. Empty cells are shown as empty: there is nobody to protect.
2. **Secondary, lines**: a *line* is a set of cells that add up to another cell: the
   groups of a breakdown and their total, a row of a team-by-role table and its row
   margin, a column and its column margin, the margins and the grand total. In every
   line, hidden cells must number none or at least two, and when the line's total is
   shown, the hidden cells must together reach ``min_n`` (subtraction from the total
   reveals their combined answers, so that combined group must itself be big enough).
   Otherwise the smallest shown non-empty cell of the line is hidden too. Repeat until
   no line breaks the rule.
3. **Secondary, audit**: the published cells give linear equations in the hidden ones
   (one per line). A hidden cell whose value follows from any combination of them (for
   example two rows minus two columns) is exposed; then the smallest shown non-empty
   cell in one of its lines is hidden, and the audit runs again until nothing is exposed.
4. **Margins agree with the one-way views**: in a team-by-role table the team totals are
   hidden exactly as the team breakdown on its own hides them (and the role totals as the
   role breakdown does); secondary cells are then chosen inside the table, never among
   the margins. Should a table be impossible to protect that way (not seen in testing),
   :attr:`Suppression.safe` is ``False`` and callers hide the whole table.

Secondary cells are chosen smallest first, skipping empty groups while any other is left,
so as little as possible is lost. Hidden cells all carry the same label, "fewer than 5":
telling primary from secondary cells would itself give counts away (a cell known to be
at least 5 next to one known to be below 5, with their sum 6, must be 5 and 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: The label of a margin: "all teams", "all roles", the whole service.
ALL = "All"
#: The group of respondents who did not answer a segment question.
NOT_GIVEN = "not given"

Cell = tuple[str, str]


@dataclass(frozen=True)
class Hidden:
    """Stands in for a result that must not be shown.

    It carries no count at all: neither the size of the group nor any answer.
    """

    group: str
    min_n: int
    subject: str = ""

    @property
    def label(self) -> str:
        """What to print in place of the figure: ``"fewer than 5"``."""
        return f"fewer than {self.min_n}"

    @property
    def note(self) -> str:
        """The footnote that explains hidden cells, primary and secondary alike."""
        return hidden_note(self.min_n)


def hidden_note(min_n: int) -> str:
    """Footnote for any table or chart with hidden cells."""
    return (
        f"Hidden: fewer than {min_n} answers, or hidden so that a group of fewer than "
        f"{min_n} cannot be worked out from the others."
    )


@dataclass(frozen=True)
class CountTable:
    """Counts of a breakdown with one or two dimensions; margins are implied.

    ``rows`` are the groups of the first dimension; ``columns`` those of the second, or
    empty for a one-way breakdown. ``counts[i][j]`` is the count of ``rows[i]`` and
    ``columns[j]`` (one-way tables have a single count per row).
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @classmethod
    def one_way(cls, counts: Mapping[str, int]) -> CountTable:
        """A breakdown by one segment, such as team: ``{"north": 12, "south": 3}``."""
        return cls(tuple(counts), (), tuple((int(v),) for v in counts.values()))

    @classmethod
    def two_way(cls, counts: Mapping[Cell, int]) -> CountTable:
        """A breakdown by two segments, such as ``{("north", "manager"): 4, ...}``."""
        rows = tuple(dict.fromkeys(r for r, _ in counts))
        cols = tuple(dict.fromkeys(c for _, c in counts))
        return cls(rows, cols, tuple(tuple(int(counts.get((r, c), 0)) for c in cols)
                                     for r in rows))

    def values(self) -> dict[Cell, int]:
        """Every cell, margins included, keyed by ``(row, column)`` with :data:`ALL`."""
        out: dict[Cell, int] = {}
        if not self.columns:
            for r, (v,) in zip(self.rows, self.counts, strict=True):
                out[(r, ALL)] = v
        else:
            for r, line in zip(self.rows, self.counts, strict=True):
                for c, v in zip(self.columns, line, strict=True):
                    out[(r, c)] = v
                out[(r, ALL)] = sum(line)
            for j, c in enumerate(self.columns):
                out[(ALL, c)] = sum(line[j] for line in self.counts)
        out[(ALL, ALL)] = sum(sum(line) for line in self.counts)
        return out

    def lines(self) -> list[tuple[list[Cell], Cell]]:
        """Each set of cells that adds up to another cell, as ``(parts, total)``."""
        lines = [([(r, ALL) for r in self.rows], (ALL, ALL))]
        if self.columns:
            lines += [([(r, c) for c in self.columns], (r, ALL)) for r in self.rows]
            lines += [([(r, c) for r in self.rows], (ALL, c)) for c in self.columns]
            lines.append(([(ALL, c) for c in self.columns], (ALL, ALL)))
        return lines


@dataclass(frozen=True)
class Suppression:
    """The outcome of :func:`suppress`: which cells of a table may be shown."""

    table: CountTable
    min_n: int
    hidden: frozenset[Cell]
    primary: frozenset[Cell] = field(default=frozenset())
    #: ``False`` when the table could only be protected by hiding a margin that other
    #: views show; the caller must then hide the whole table (``score_table`` does).
    safe: bool = True

    def is_hidden(self, row: str = ALL, column: str = ALL) -> bool:
        """Whether the cell ``(row, column)`` is hidden (margins use :data:`ALL`)."""
        return (row, column) in self.hidden

    def shown(self) -> dict[Cell, int]:
        """The cells that may be published, with their counts."""
        return {c: v for c, v in self.table.values().items() if c not in self.hidden}


def suppress(table: CountTable, min_n: int, *, also_hide: Iterable[Cell] = ()) -> Suppression:
    """Hide the cells of ``table`` that would identify a group smaller than ``min_n``.

    Parameters
    ----------
    table : CountTable
        The breakdown; its margins are part of what gets published.
    min_n : int
        The survey's minimum group size (``Settings.min_group_score`` for scores,
        ``Settings.min_group_comments`` for comments).
    also_hide : iterable of cells
        Cells that must be hidden whatever their count, for example the groups hidden
        in the respondent counts when suppressing one question's answer counts.

    Returns
    -------
    Suppression
        The hidden cells (primary and secondary) and the primary ones on their own.
    """
    values = table.values()
    forced = {c for c in also_hide if c in values}
    if table.columns:
        forced |= _one_way_margins(table, min_n, forced)
    primary = {c for c, v in values.items() if 0 < v < min_n} | forced
    hidden = set(primary)
    lines = table.lines()
    while True:
        if _enforce_lines(hidden, values, lines, min_n):
            continue
        exposed = _exposed_cells(hidden, lines)
        if not exposed or not _protect(exposed, hidden, values, lines):
            break
    safe = not _broken_lines(hidden, values, lines, min_n) and not _exposed_cells(hidden, lines)
    return Suppression(table, min_n, frozenset(hidden), frozenset(primary), safe)


def _one_way_margins(table: CountTable, min_n: int, forced: set[Cell]) -> set[Cell]:
    """The margins hidden by the one-way tables of each dimension.

    The team totals of a team-by-role table are exactly the team breakdown shown on its
    own, so they must be hidden exactly as that breakdown hides them; secondary
    suppression inside the two-way table then never touches a margin.
    """
    values = table.values()
    by_row = CountTable.one_way({r: values[(r, ALL)] for r in table.rows})
    by_col = CountTable.one_way({c: values[(ALL, c)] for c in table.columns})
    rows = suppress(by_row, min_n, also_hide=[(r, ALL) for r, c in forced if c == ALL])
    cols = suppress(by_col, min_n, also_hide=[(c, ALL) for r, c in forced if r == ALL])
    return ({(r, ALL) for r, _ in rows.hidden} | {(ALL, c) for c, _ in cols.hidden})


def _smallest_shown(cells: Sequence[Cell], hidden: set[Cell], values: Mapping[Cell, int],
                    margins: set[Cell]) -> Cell | None:
    """The next cell to hide: the smallest shown group, never a margin.

    Margins (team totals, role totals, the service total) are what the one-way views
    show; choosing one here would make this table disagree with them. An empty group is
    used only when no other is left: hiding a group that is known to be empty protects
    little, but it does stop plain subtraction.
    """
    shown = [c for c in cells if c not in hidden and c not in margins]
    nonzero = [c for c in shown if values[c] > 0] or shown
    return min(nonzero, key=lambda c: values[c], default=None)


def _broken_lines(hidden: set[Cell], values: Mapping[Cell, int],
                  lines: list[tuple[list[Cell], Cell]], min_n: int) -> bool:
    for parts, total in lines:
        hidden_parts = [c for c in parts if c in hidden]
        n_hidden = len(hidden_parts) + (total in hidden)
        if n_hidden == 1 or (n_hidden and total not in hidden
                             and sum(values[c] for c in hidden_parts) < min_n):
            return True
    return False


def _enforce_lines(hidden: set[Cell], values: Mapping[Cell, int],
                   lines: list[tuple[list[Cell], Cell]], min_n: int) -> bool:
    """Apply rule 2 once over every line; ``True`` when something more was hidden."""
    changed = False
    for parts, total in lines:
        cells = [*parts, total]
        hidden_parts = [c for c in parts if c in hidden]
        n_hidden = len(hidden_parts) + (total in hidden)
        if n_hidden == 0:
            continue
        too_few = n_hidden == 1
        too_small = total not in hidden and sum(values[c] for c in hidden_parts) < min_n
        if too_few or too_small:
            extra = _smallest_shown(cells, hidden, values, {t for _, t in lines})
            if extra is not None:
                hidden.add(extra)
                changed = True
    return changed


def _exposed_cells(hidden: set[Cell], lines: list[tuple[list[Cell], Cell]]) -> list[Cell]:
    """Hidden cells whose value follows from the shown ones by linear algebra.

    With ``A x = b`` the line equations restricted to the hidden cells ``x``, a cell is
    determined exactly when every vector of the null space of ``A`` is zero there.
    """
    # numpy and SciPy load on first use: the web app imports this module in every worker
    import numpy as np
    from scipy.linalg import null_space

    order = sorted(hidden)
    index = {c: i for i, c in enumerate(order)}
    rows = []
    for parts, total in lines:
        row = np.zeros(len(order))
        for c in parts:
            if c in index:
                row[index[c]] = 1.0
        if total in index:
            row[index[total]] = -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    basis = null_space(np.array(rows))
    if basis.size == 0:
        return order
    free = np.abs(basis).max(axis=1) > 1e-9
    return [c for c, f in zip(order, free, strict=True) if not f]


def _protect(exposed: list[Cell], hidden: set[Cell], values: Mapping[Cell, int],
             lines: list[tuple[list[Cell], Cell]]) -> bool:
    """Hide one more cell next to the first exposed one; ``False`` when none is left."""
    for cell in exposed:
        candidates = [c for parts, total in lines if cell in (*parts, total)
                      for c in (*parts, total)]
        extra = _smallest_shown(candidates, hidden, values, {t for _, t in lines})
        if extra is not None:
            hidden.add(extra)
            return True
    return False


def suppress_groups(counts: Mapping[str, int], min_n: int, *,
                    also_hide: Iterable[str] = ()) -> frozenset[str]:
    """One-way shortcut: the groups of ``counts`` to hide (with :data:`ALL` for the total).

    Examples
    --------
    >>> sorted(suppress_groups({"north": 12, "south": 3, "east": 20}, 5))
    ['north', 'south']
    """
    result = suppress(CountTable.one_way(counts), min_n,
                      also_hide=[(g, ALL) for g in also_hide])
    return frozenset(r for r, _ in result.hidden)
