"""Team-by-question heatmap of favourable shares, hidden cells hatched and labelled."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Patch

from analysis.charts._base import (
    HIDDEN_FACE,
    HIDDEN_HATCH,
    ChartDisplay,
    draw_hidden,
    percent,
    safe_text,
)
from analysis.stats.scores import QuestionScore
from analysis.stats.suppression import Hidden, hidden_note
from analysis.stats.tables import ScoreTable

#: cividis is designed to read the same with and without colour-vision deficiency
CMAP = "cividis"


class HeatmapDisplay(ChartDisplay):
    """Favourable share for each group (rows) and scored question (columns).

    Each cell shows the share and its n; a hidden cell is hatched and labelled "fewer
    than 5" (the footnote explains that some are hidden to protect a smaller group).
    """

    def __init__(self, groups: list[str], questions: list[tuple[str, str]],
                 cells: dict[tuple[str, str], QuestionScore | Hidden], min_n: int,
                 title: str) -> None:
        self.groups = groups
        self.questions = questions
        self.cells = cells
        self.min_n = min_n
        self.title = title
        hidden = sum(isinstance(c, Hidden) for c in cells.values())
        self.alt_text = (
            f"Heatmap of favourable shares{': ' + title if title else ''}, "
            f"{len(groups)} groups by {len(questions)} questions; {hidden} cells hidden. "
            + " ".join(f"{g}, {text}: {self._cell_text(g, key)}."
                       for g in groups for key, text in questions)
            + (f" {hidden_note(min_n)}" if hidden else ""))

    @classmethod
    def from_score_table(cls, table: ScoreTable, *, title: str = "",
                         labels: dict[str, str] | None = None) -> HeatmapDisplay:
        """From :func:`analysis.stats.score_table` with ``by=`` a segment such as team.

        ``labels`` maps question keys to short column labels; the question text (or the
        key, for hidden columns) is used otherwise.
        """
        questions = []
        for key in table.question_keys:
            overall = table.get("All", key)
            if isinstance(overall, QuestionScore) and not overall.scored:
                continue
            text = (labels or {}).get(key) or (
                overall.question_text if isinstance(overall, QuestionScore) else key)
            questions.append((key, text))
        cells = {(g, key): table.get(g, key) for g in table.groups for key, _ in questions}
        return cls(list(table.groups), questions, cells, table.min_n, title)

    def _cell_text(self, group: str, key: str) -> str:
        c = self.cells[(group, key)]
        if isinstance(c, Hidden):
            return c.label
        return "no answers" if c.favourable_share is None else \
            f"{percent(c.favourable_share)} (n={c.n})"

    def _size(self) -> tuple[float, float]:
        return (3.0 + 1.3 * max(1, len(self.questions)), 2.5 + 0.6 * max(1, len(self.groups)))

    def data_table(self) -> list[dict[str, Any]]:
        rows = []
        for g in self.groups:
            for key, text in self.questions:
                c = self.cells[(g, key)]
                row: dict[str, Any] = {"group": g, "question_key": key, "question": text}
                if isinstance(c, Hidden):
                    row.update(favourable_share=None, n=None, note=c.label)
                else:
                    row.update(favourable_share=c.favourable_share, n=c.n, note="")
                rows.append(row)
        return rows

    def _draw(self, ax: Axes) -> None:
        values = np.full((len(self.groups), len(self.questions)), np.nan)
        for i, g in enumerate(self.groups):
            for j, (key, _) in enumerate(self.questions):
                c = self.cells[(g, key)]
                if isinstance(c, QuestionScore) and c.favourable_share is not None:
                    values[i, j] = c.favourable_share
        cmap = colormaps[CMAP]
        norm = Normalize(0, 1)
        image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest",
                          interpolation_stage="data")
        for i, g in enumerate(self.groups):
            for j, (key, _) in enumerate(self.questions):
                c = self.cells[(g, key)]
                if isinstance(c, Hidden):
                    draw_hidden(ax, j - 0.5, i - 0.5, 1.0, 1.0, c.label, fontsize=11)
                    continue
                if np.isnan(values[i, j]):
                    ax.text(j, i, "no answers", ha="center", va="center", fontsize=10,
                            in_layout=False)
                    continue
                r, g_, b, _ = cmap(norm(values[i, j]))
                dark = 0.299 * r + 0.587 * g_ + 0.114 * b < 0.5
                ax.text(j, i, f"{percent(values[i, j])}\nn={c.n}", ha="center", va="center",
                        fontsize=12, color="white" if dark else "black", in_layout=False)
        ax.set_xticks(range(len(self.questions)),
                      [safe_text(text, 16) for _, text in self.questions], fontsize=11)
        ax.set_yticks(range(len(self.groups)), [safe_text(g, 22) for g in self.groups])
        ax.xaxis.tick_top()
        ax.set_title(safe_text(self.title, 70), pad=12)
        ax.figure.colorbar(image, ax=ax, label="Favourable", shrink=0.8,
                           format="{x:.0%}", location="bottom")
        if any(isinstance(c, Hidden) for c in self.cells.values()):
            ax.legend(handles=[Patch(facecolor=HIDDEN_FACE, hatch=HIDDEN_HATCH,
                                     edgecolor="#777777",
                                     label=safe_text(hidden_note(self.min_n), 60))],
                      loc="upper center", bbox_to_anchor=(0.5, -0.02), frameon=False)
