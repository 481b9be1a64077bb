"""Chart bytes for the workspace, cached on disk, and the comparison chart.

Drawing a chart costs about a second of CPU, so the bytes are kept in the
instance folder (``chart-cache/``), named by a hash of what the chart shows: its
kind, format, title, alt text and data table. The same figures always give the
same file and different figures a different one, so a cached chart can never be
stale; several web workers share the folder. Exports and the board report call
:func:`chart_bytes` too.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from flask import current_app
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from analysis.charts import ChartDisplay, safe_text
from analysis.charts._base import FAVOURABLE_DARK, draw_hidden, percent
from analysis.stats import Comparison, Hidden, hidden_note

#: change when drawing changes, so old files are not served
CACHE_VERSION = "1"
#: image formats and their media types
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
#: most files kept; the oldest are removed beyond this
MAX_FILES = 2000
PNG_DPI = 110


def cache_dir() -> Path:
    path = Path(current_app.instance_path) / "chart-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def chart_key(display: ChartDisplay, fmt: str) -> str:
    """The file name of a chart: a hash of everything it shows."""
    parts = [CACHE_VERSION, type(display).__name__, fmt, display.title, display.alt_text,
             repr(display.data_table()), repr(display._size())]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def chart_bytes(display: ChartDisplay, fmt: str = "png") -> bytes:
    """The chart as PNG or SVG bytes, drawn once and then read from the cache."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}")
    path = cache_dir() / f"{chart_key(display, fmt)}.{fmt}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = display.to_png(dpi=PNG_DPI) if fmt == "png" else display.to_svg().encode("utf-8")
    _write(path, data)
    return data


def _write(path: Path, data: bytes) -> None:
    # write then rename: another worker never reads half a file
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    _prune(path.parent)


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.*g"))
    if len(files) <= MAX_FILES:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[: len(files) - MAX_FILES // 2]:
        old.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Row:
    label: str
    share: float | None
    other: float | None
    n: int | None
    other_n: int | None
    significant: bool


class ChangeDisplay(ChartDisplay):
    """Dot plot of changes: for each question, the other side's favourable share (open
    circle) joined to this side's (filled), significant changes in bold with a star.

    Built from a comparison's rows (:class:`analysis.stats.Comparison` or Hidden);
    hidden rows are drawn as hatched boxes labelled "fewer than 5".
    """

    def __init__(self, rows: list[_Row], title: str, current: str, other: str,
                 min_n: int) -> None:
        self.rows, self.title, self.current, self.other = rows, title, current, other
        self.min_n = min_n
        self.alt_text = self._describe()

    @classmethod
    def from_comparisons(cls, rows: Sequence[Comparison | Hidden], texts: dict[str, str], *,
                         title: str, current: str, other: str, min_n: int = 5
                         ) -> ChangeDisplay:
        out = []
        for r in rows:
            if isinstance(r, Hidden):
                out.append(_Row(texts.get(r.subject, r.subject), None, None, None, None, False))
            else:
                out.append(_Row(texts.get(r.question_key, r.question_text), r.share,
                                r.other_share, r.n, r.other_n, r.significant))
        return cls(out, title, current, other, min_n)

    def _describe(self) -> str:
        parts = [f"Dot plot: {self.title}. Favourable share, {self.current} against "
                 f"{self.other}; starred changes are unlikely to be chance."]
        for r in self.rows:
            if r.share is None or r.other is None:
                parts.append(f"{r.label}: hidden (fewer than {self.min_n}).")
                continue
            base = f"n={r.n}" + (f" and {r.other_n}" if r.other_n is not None else "")
            parts.append(f"{r.label}: {percent(r.share)} against {percent(r.other)} "
                         f"({(r.share - r.other) * 100:+.0f} points, {base})"
                         + (", significant." if r.significant else "."))
        return " ".join(parts)

    def data_table(self) -> list[dict[str, Any]]:
        return [{"question": r.label, "share": r.share, "n": r.n, "other_share": r.other,
                 "other_n": r.other_n, "significant": r.significant,
                 "note": "" if r.share is not None else f"fewer than {self.min_n}"}
                for r in self.rows]

    def _size(self) -> tuple[float, float]:
        return (10.0, 1.8 + 0.62 * max(1, len(self.rows)))

    def _draw(self, ax: Axes) -> None:
        ys = np.arange(len(self.rows))[::-1]
        for y, r in zip(ys, self.rows, strict=True):
            if r.share is None or r.other is None:
                draw_hidden(ax, 0.0, y - 0.3, 1.0, 0.6, f"fewer than {self.min_n}", 11)
                continue
            colour = FAVOURABLE_DARK if r.significant else "#6F777B"
            ax.plot([r.other, r.share], [y, y], color=colour, linewidth=3 if r.significant
                    else 1.5, solid_capstyle="round")
            ax.plot(r.other, y, "o", markersize=9, markerfacecolor="white",
                    markeredgecolor=colour, markeredgewidth=2)
            ax.plot(r.share, y, "o", markersize=9, color=colour)
            change = (r.share - r.other) * 100
            ax.text(1.03, y, f"{change:+.0f}{' *' if r.significant else ''}", va="center",
                    fontsize=12, fontweight="bold" if r.significant else "normal",
                    in_layout=False)
        ax.set_yticks(ys, [safe_text(r.label, 40) for r in self.rows])
        # room on the right for the change in points, inside the axes
        ax.set_xlim(0, 1.14)
        ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_ylim(-0.7, len(self.rows) - 0.3)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel(safe_text(f"Favourable share: ● {self.current}, ○ {self.other}", 70))
        ax.set_title(safe_text(self.title, 60))
        ax.grid(axis="x", color="#DDDDDD")
        ax.text(1.03, len(self.rows) - 0.45, "points", fontsize=11, va="bottom",
                in_layout=False)
        if any(r.share is None for r in self.rows):
            ax.text(0, -0.12, safe_text(hidden_note(self.min_n), 90), fontsize=10,
                    transform=ax.transAxes, va="top", in_layout=False)
