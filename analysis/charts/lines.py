"""Trend charts: shares across waves with 95% intervals, and small multiples per audience."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Self

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.charts._base import SERIES, ChartDisplay, chart_style, percent, safe_text
from analysis.stats.suppression import hidden_note
from analysis.stats.trends import Trend, question_trends
from surveys import ResponseRecord, Survey, WaveRecord


def _waves(trends: Sequence[Trend]) -> list[tuple[str, str]]:
    seen: dict[str, tuple[object, str]] = {}
    for t in trends:
        for p in t.points:
            seen.setdefault(p.wave_key, (p.opens_on, p.wave_title))
    return [(k, title) for k, (_, title) in sorted(seen.items(), key=lambda kv: str(kv[1][0]))]


def _draw_trends(ax: Axes, trends: Sequence[Trend], waves: list[tuple[str, str]],
                 ylabel: str, legend: bool, fontsize: float = 12) -> None:
    if not waves:
        ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        return
    x_of = {k: i for i, (k, _) in enumerate(waves)}
    for i, t in enumerate(trends):
        colour = SERIES[i % len(SERIES)]
        xs = np.array([x_of[p.wave_key] for p in t.points], dtype=float)
        ys = np.array([np.nan if p.share is None else p.share for p in t.points])
        lo = np.array([np.nan if p.ci is None else p.ci[0] for p in t.points])
        hi = np.array([np.nan if p.ci is None else p.ci[1] for p in t.points])
        # NaN breaks the line: a missing or hidden wave is a gap, never a zero
        ax.plot(xs, ys, marker="o", color=colour, linewidth=2.5, markersize=7,
                label=safe_text(t.label, 30), gid=f"trend-{i}")
        ax.fill_between(xs, lo, hi, color=colour, alpha=0.18, linewidth=0)
        for p, x in zip(t.points, xs, strict=True):
            if p.hidden or not p.asked:
                ax.text(x, 0.03 + 0.06 * i, "hidden" if p.hidden else "not asked",
                        ha="center", fontsize=fontsize - 2, color=colour, style="italic",
                        in_layout=False)
            elif p.share is not None and len(trends) == 1:
                ax.annotate(f"{percent(p.share)}\nn={p.n}", (x, p.share),
                            textcoords="offset points", xytext=(0, 10), ha="center",
                            fontsize=fontsize - 1, annotation_clip=False).set_in_layout(False)
    ax.set_xticks(range(len(waves)), [safe_text(title, 14) for _, title in waves])
    ax.set_xlim(-0.5, len(waves) - 0.5)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylabel(ylabel)
    if legend and len(trends) > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)


def _trend_rows(trends: Iterable[Trend]) -> list[dict[str, Any]]:
    rows = []
    for t in trends:
        for p in t.points:
            status = "hidden" if p.hidden else ("not asked" if not p.asked else "")
            rows.append({"key": t.key, "label": t.label, "group": t.group, "wave": p.wave_title,
                         "share": p.share, "ci_low": p.ci[0] if p.ci else None,
                         "ci_high": p.ci[1] if p.ci else None, "count": p.count, "n": p.n,
                         "note": f"fewer than {t.min_n}" if p.hidden else status})
    return rows


def _describe(kind: str, trends: Sequence[Trend], title: str) -> str:
    parts = [f"{kind}{': ' + title if title else ''}."]
    for t in trends:
        pts = [f"{p.wave_title} " + ("hidden" if p.hidden else "not asked" if not p.asked
                                     else f"{percent(p.share)} (n={p.n})") for p in t.points]
        parts.append(f"{t.label}: " + ", ".join(pts) + ".")
    if any(p.hidden for t in trends for p in t.points):
        parts.append(hidden_note(trends[0].min_n))
    return " ".join(parts)


class TrendDisplay(ChartDisplay):
    """Favourable share across waves, one line per question, with Wilson 95% bands.

    Waves where a question was not asked, or the group was hidden, are gaps in the line
    labelled "not asked" or "hidden".
    """

    ylabel = "Favourable"
    kind = "Line chart of favourable shares across waves"

    def __init__(self, trends: list[Trend], title: str = "") -> None:
        self.trends = trends
        self.title = title
        self.alt_text = _describe(self.kind, trends, title)

    @classmethod
    def from_trends(cls, trends: Sequence[Trend], *, title: str = "") -> Self:
        """From :func:`analysis.stats.question_trends` (or ``theme_trends``)."""
        return cls(list(trends), title)

    def data_table(self) -> list[dict[str, Any]]:
        return _trend_rows(self.trends)

    def _draw(self, ax: Axes) -> None:
        _draw_trends(ax, self.trends, _waves(self.trends), self.ylabel, legend=True)
        ax.set_title(safe_text(self.title, 60))


class ThemeTrendDisplay(TrendDisplay):
    """Share of comments in each theme across waves, with Wilson 95% bands."""

    ylabel = "Share of comments"
    kind = "Line chart of theme shares across waves"


class SmallMultiplesDisplay(ChartDisplay):
    """A page of small trend charts, one per question, for one audience's survey.

    ``plot`` draws a whole figure, so it takes ``figure`` instead of ``ax``; ``ax_`` is
    the first panel and ``axes_`` all of them.
    """

    def __init__(self, trends: list[Trend], title: str, ncols: int) -> None:
        self.trends = trends
        self.title = title
        self.ncols = ncols
        self.alt_text = _describe("Small multiples of favourable shares across waves",
                                  trends, title)

    @classmethod
    def from_trends(cls, trends: Sequence[Trend], *, title: str = "", ncols: int = 2
                    ) -> SmallMultiplesDisplay:
        return cls(list(trends), title, ncols)

    @classmethod
    def from_survey(cls, survey: Survey, waves: Sequence[WaveRecord],
                    responses: Iterable[ResponseRecord], *, ncols: int = 2,
                    **trend_options: Any) -> SmallMultiplesDisplay:
        """Every scored question of ``survey`` across its waves (see ``question_trends``)."""
        trends = question_trends(survey, waves, responses, **trend_options)
        return cls(trends, survey.title, ncols)

    def data_table(self) -> list[dict[str, Any]]:
        return _trend_rows(self.trends)

    def _size(self) -> tuple[float, float]:
        rows = max(1, math.ceil(len(self.trends) / self.ncols))
        return (5.0 * self.ncols, 1.0 + 3.6 * rows)

    def plot(self, ax: Axes | None = None, *, figure: Figure | None = None) -> Self:
        """Draw every panel on ``figure`` (a new one when ``None``).

        ``ax`` is accepted for the common Display signature, and must be ``None``:
        a page of panels needs a figure of its own.
        """
        if ax is not None:
            raise ValueError("SmallMultiplesDisplay draws a whole figure: pass figure=")
        with chart_style():
            fig = figure or Figure(figsize=self._size())
            if not isinstance(fig.canvas, FigureCanvasAgg):
                FigureCanvasAgg(fig)
            rows = max(1, math.ceil(len(self.trends) / self.ncols))
            # fixed margins instead of a layout engine: constrained layout measures every
            # panel on each save and costs more than drawing a page of 20 panels
            height = fig.get_figheight()
            axes = fig.subplots(rows, self.ncols, squeeze=False, gridspec_kw={
                "left": 0.1, "right": 0.97, "top": 1 - 1.4 / height, "bottom": 0.6 / height,
                "hspace": 0.75, "wspace": 0.35}).ravel()
            waves = _waves(self.trends)
            for panel, trend in zip(axes, self.trends, strict=False):
                _draw_trends(panel, [trend], waves, "", legend=False, fontsize=11)
                panel.set_title(safe_text(trend.label, 36), fontsize=13)
            for panel in axes[len(self.trends):]:
                panel.set_visible(False)
            fig.suptitle(safe_text(self.title, 60), fontsize=16)
            self.axes_ = list(axes[: max(1, len(self.trends))])
            self.ax_ = axes[0]
            self.figure_ = fig
        return self
