"""Bar charts: diverging agreement bars, response rates against targets, theme prevalence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis.charts._base import (
    FAVOURABLE_DARK,
    FAVOURABLE_LIGHT,
    HIDDEN_FACE,
    HIDDEN_HATCH,
    NEUTRAL_GREY,
    UNFAVOURABLE_DARK,
    UNFAVOURABLE_LIGHT,
    ChartDisplay,
    draw_hidden,
    percent,
    safe_text,
)
from analysis.stats.scores import QuestionScore
from analysis.stats.suppression import Hidden, hidden_note
from analysis.stats.tables import ResponseRate
from analysis.stats.trends import ThemeShare

_COLOURS = {
    ("unfavourable", 2): (UNFAVOURABLE_DARK, UNFAVOURABLE_LIGHT),
    ("unfavourable", 1): (UNFAVOURABLE_DARK,),
    ("favourable", 2): (FAVOURABLE_LIGHT, FAVOURABLE_DARK),
    ("favourable", 1): (FAVOURABLE_DARK,),
}


@dataclass(frozen=True)
class _Segment:
    label: str
    share: float
    count: int
    colour: str
    side: str


def _segments(score: QuestionScore) -> list[_Segment]:
    """Options from least to most favourable, coloured; more than five are grouped."""
    options = [o for o in score.options if o.favourability is not None]
    n = score.n or 1
    if len(options) > 5:  # a 0-10 rating: three bands read better than eleven colours
        bands = [("unfavourable", score.unfavourable, "Unfavourable"),
                 ("neutral", score.neutral, "Neutral"), ("favourable", score.favourable,
                                                         "Favourable")]
        colours = {"unfavourable": UNFAVOURABLE_DARK, "neutral": NEUTRAL_GREY,
                   "favourable": FAVOURABLE_DARK}
        return [_Segment(label, k / n, k, colours[side], side) for side, k, label in bands]
    ordered = list(reversed(options))  # definitions list the most favourable first
    out = []
    for side in ("unfavourable", "neutral", "favourable"):
        group = [o for o in ordered if o.favourability == side]
        palette = _COLOURS.get((side, len(group)), (NEUTRAL_GREY,) * len(group))
        out += [_Segment(o.label, o.count / n, o.count, c, side)
                for o, c in zip(group, palette, strict=False)]
    return out


class AgreementDisplay(ChartDisplay):
    """Diverging stacked bars: unfavourable answers left of zero, favourable right.

    The neutral answer straddles zero. Each bar is labelled with its n and the number
    who said "don't know" or "rather not say" (left out of the shares). Hidden groups
    are drawn as hatched boxes labelled "fewer than 5".

    Use :meth:`from_scores`; then :meth:`plot`, :meth:`to_png` or :meth:`to_svg`.
    """

    def __init__(self, rows: list[tuple[str, QuestionScore | Hidden]], title: str = "") -> None:
        self.rows = rows
        self.title = title
        self.alt_text = self._describe()

    @classmethod
    def from_scores(cls, scores: Sequence[QuestionScore | Hidden], *, title: str = "",
                    label_by: str = "question") -> AgreementDisplay:
        """One bar per score; ``label_by="group"`` labels bars by group instead of question.

        Scores of unscored questions (free choice, numbers) are left out.
        """
        rows: list[tuple[str, QuestionScore | Hidden]] = []
        for s in scores:
            if isinstance(s, QuestionScore) and not s.scored:
                continue
            if isinstance(s, Hidden):
                rows.append((s.group if label_by == "group" else s.subject, s))
            else:
                rows.append((s.group if label_by == "group" else s.question_text, s))
        return cls(rows, title)

    def _size(self) -> tuple[float, float]:
        return (10.0, 1.6 + 1.1 * max(1, len(self.rows)))

    def _describe(self) -> str:
        parts = [f"Diverging bar chart{': ' + self.title if self.title else ''}."]
        for label, s in self.rows:
            if isinstance(s, Hidden):
                parts.append(f"{label}: hidden ({s.label}).")
            else:
                parts.append(f"{label}: {percent(s.favourable_share)} favourable, "
                             f"{percent(s.neutral_share)} neutral, "
                             f"{percent(s.unfavourable_share)} unfavourable (n={s.n}).")
        return " ".join(parts)

    def data_table(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for label, s in self.rows:
            if isinstance(s, Hidden):
                rows.append({"row": label, "answer": None, "count": None, "share": None,
                             "n": None, "note": s.label})
                continue
            for seg in _segments(s):
                rows.append({"row": label, "answer": seg.label, "count": seg.count,
                             "share": seg.share, "n": s.n, "note": ""})
        return rows

    def _draw(self, ax: Axes) -> None:
        legend: dict[str, str] = {}
        for i, (_, s) in enumerate(self.rows):
            y = len(self.rows) - 1 - i
            if isinstance(s, Hidden):
                draw_hidden(ax, -1.0, y - 0.35, 2.0, 0.7, s.label)
                continue
            segs = _segments(s)
            if not s.n:
                ax.text(0, y, "no answers", ha="center", va="center")
                continue
            neutral = sum(g.share for g in segs if g.side == "neutral")
            left = -sum(g.share for g in segs if g.side == "unfavourable") - neutral / 2
            for g in segs:
                if g.share > 0:
                    ax.barh(y, g.share, left=left, color=g.colour, height=0.7,
                            edgecolor="white", linewidth=0.5)
                    if g.share >= 0.08:
                        dark = g.colour in (FAVOURABLE_DARK, UNFAVOURABLE_DARK)
                        ax.text(left + g.share / 2, y, percent(g.share), ha="center",
                                va="center", fontsize=11, color="white" if dark else "black",
                                in_layout=False)
                legend.setdefault(g.label, g.colour)
                left += g.share
            extra = s.dont_know + s.rather_not_say
            note = f"n={s.n}" + (f"\n+{extra} don't know /\nrather not say" if extra else "")
            ax.text(1.03, y, note, va="center", ha="left", fontsize=11)
        ax.set_yticks(range(len(self.rows)),
                      [safe_text(label, 34) for label, _ in reversed(self.rows)])
        ax.set_xlim(-1.0, 1.0)
        ax.axvline(0, color="#444444", linewidth=1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0%}"))
        ax.set_title(safe_text(self.title, 60))
        handles = [Patch(facecolor=c, label=safe_text(k, 20)) for k, c in legend.items()]
        if any(isinstance(s, Hidden) for _, s in self.rows):
            handles.append(Patch(facecolor=HIDDEN_FACE, hatch=HIDDEN_HATCH, edgecolor="#777777",
                                 label=safe_text(hidden_note(_min_n(self.rows)), 40)))
        if handles:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12),
                      ncol=min(3, len(handles)), frameon=False)


def _min_n(rows: Sequence[tuple[str, QuestionScore | Hidden]]) -> int:
    return next((s.min_n for _, s in rows if isinstance(s, Hidden)), 5)


class ResponseRateDisplay(ChartDisplay):
    """Response counts per group against the wave's target head-counts.

    The pale outlined bar is the target; the blue bar the responses, labelled like
    "25 of 40 (63%)". Hidden counts show a hatched target bar labelled "fewer than 5".
    """

    def __init__(self, rates: list[ResponseRate], overall: ResponseRate | None,
                 title: str) -> None:
        self.rates = rates
        self.overall = overall
        self.title = title
        summary = f" Overall {overall.label}." if overall else ""
        note = f" {hidden_note(rates[0].min_n)}" if any(r.hidden for r in rates) else ""
        self.alt_text = (f"Bar chart of responses against targets{': ' + title if title else ''}."
                         f"{summary} " + " ".join(f"{r.group}: {r.label}." for r in rates)
                         + note)

    @classmethod
    def from_rates(cls, rates: Sequence[ResponseRate], *, title: str = "Response rates"
                   ) -> ResponseRateDisplay:
        """Bars for each group; the overall rate (group ``All``) goes into the title."""
        overall = next((r for r in rates if r.group == "All"), None)
        groups = [r for r in rates if r.group != "All"] or ([overall] if overall else [])
        return cls(groups, overall if len(rates) > 1 else None, title)

    def _size(self) -> tuple[float, float]:
        return (9.0, 1.8 + 0.75 * max(1, len(self.rates)))

    def data_table(self) -> list[dict[str, Any]]:
        return [{"group": r.group, "responses": r.responses, "target": r.target,
                 "rate": r.rate, "label": r.label} for r in self.rates]

    def _draw(self, ax: Axes) -> None:
        top = max([r.target or 0 for r in self.rates] + [r.responses or 0 for r in self.rates]
                  + [1])
        for i, r in enumerate(self.rates):
            y = len(self.rates) - 1 - i
            if r.target:
                ax.barh(y, r.target, height=0.7, color="#E8E8E8", edgecolor="#555555",
                        hatch=HIDDEN_HATCH if r.hidden else None, gid="target")
            if r.hidden:
                ax.text(top * 0.02, y, r.label, va="center", fontsize=12,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
                continue
            ax.barh(y, r.responses or 0, height=0.45, color=FAVOURABLE_DARK, gid="responses")
            ax.text((r.responses or 0) + top * 0.02, y, r.label, va="center", fontsize=12)
        ax.set_yticks(range(len(self.rates)),
                      [safe_text(r.group, 24) for r in reversed(self.rates)])
        ax.set_xlim(0, top * 1.45)
        ax.set_xlabel("Responses (bar) and target head-count (outline)")
        if any(r.hidden for r in self.rates):
            ax.legend(handles=[Patch(facecolor=HIDDEN_FACE, hatch=HIDDEN_HATCH,
                                     edgecolor="#777777",
                                     label=safe_text(hidden_note(self.rates[0].min_n), 50))],
                      loc="lower right", frameon=False, fontsize=11)
        title = self.title + (f" (overall {self.overall.label})" if self.overall else "")
        ax.set_title(safe_text(title, 60))


class ThemePrevalenceDisplay(ChartDisplay):
    """Horizontal bars: the share of comments in each theme, with counts and n."""

    def __init__(self, shares: list[ThemeShare] | None, title: str, min_n: int) -> None:
        self.shares = shares
        self.title = title
        self.min_n = min_n
        if shares is None:
            self.alt_text = f"Theme chart{': ' + title if title else ''}: hidden " \
                            f"(fewer than {min_n} people commented)."
        else:
            n = shares[0].n if shares else 0
            self.alt_text = (f"Bar chart of themes{': ' + title if title else ''}, "
                             f"{n} comments. " + " ".join(
                                 f"{s.label}: {percent(s.share)} ({s.count})." for s in shares))

    @classmethod
    def from_shares(cls, shares: Sequence[ThemeShare] | None, *, title: str = "Themes",
                    min_n: int = 10) -> ThemePrevalenceDisplay:
        """From :func:`analysis.stats.theme_prevalence` (``None`` when hidden)."""
        return cls(None if shares is None else list(shares), title, min_n)

    def _size(self) -> tuple[float, float]:
        return (9.0, 1.8 + 0.75 * max(1, len(self.shares or [])))

    def data_table(self) -> list[dict[str, Any]]:
        if self.shares is None:
            return [{"theme": None, "count": None, "n": None, "share": None,
                     "note": f"fewer than {self.min_n}"}]
        return [{"theme": s.label, "count": s.count, "n": s.n, "share": s.share, "note": ""}
                for s in self.shares]

    def _draw(self, ax: Axes) -> None:
        ax.set_title(safe_text(self.title, 60))
        if self.shares is None:
            draw_hidden(ax, 0.0, 0.0, 1.0, 1.0, f"fewer than {self.min_n} people commented")
            ax.set_yticks([])
            return
        shares = self.shares
        ys = np.arange(len(shares))[::-1]
        for y, s in zip(ys, shares, strict=True):
            ax.barh(y, s.share or 0, height=0.7, color=FAVOURABLE_DARK)
            ax.text((s.share or 0) + 0.01, y, f"{percent(s.share)} ({s.count} of {s.n})",
                    va="center", fontsize=12)
        ax.set_yticks(ys, [safe_text(s.label, 28) for s in shares])
        ax.set_xlim(0, min(1.0, max([s.share or 0 for s in shares] + [0.1]) * 1.5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel("Share of comments")
