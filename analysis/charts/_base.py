"""What every Chorus chart shares: the Display contract, palette, fonts, safe text, output.

Charts follow scikit-learn's Display API: a ``from_*`` classmethod computes everything
once, :meth:`ChartDisplay.plot` draws onto ``ax`` (or a new figure) and stores ``ax_``
and ``figure_``. Figures are made with :class:`matplotlib.figure.Figure` and the Agg
canvas, never with ``pyplot``, so nothing is kept between requests.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
#: Line colours, in order (yellow left out: too pale on white).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
#: Blue (favourable) to orange (unfavourable), from the same palette; grey in the middle.
FAVOURABLE_DARK, FAVOURABLE_LIGHT = "#0072B2", "#56B4E9"
NEUTRAL_GREY = "#BBBBBB"
UNFAVOURABLE_LIGHT, UNFAVOURABLE_DARK = "#E69F00", "#D55E00"
HIDDEN_FACE = "#F2F2F2"
HIDDEN_HATCH = "///"

#: Large enough to read on a phone when a 6.4-inch-wide figure is shown 320 px wide.
STYLE: dict[str, Any] = {
    "font.size": 14, "axes.titlesize": 16, "axes.labelsize": 14, "xtick.labelsize": 13,
    "ytick.labelsize": 13, "legend.fontsize": 12, "text.usetex": False,
    "svg.fonttype": "none", "svg.hashsalt": "chorus", "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def chart_style() -> Iterator[None]:
    """The rc settings of every Chorus chart (fonts, real text in SVG, no TeX)."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def safe_text(text: object, width: int = 30) -> str:
    """Free text made safe for a matplotlib label.

    Long text wraps at ``width`` characters (textwrap); every ``$`` is escaped so
    mathtext never interprets it (``$x$`` shows as typed). Markup such as ``<script>`` is
    left as it is: it is drawn as characters, and the SVG writer escapes it.
    """
    raw = " ".join(str(text).split())
    wrapped = "\n".join(textwrap.wrap(raw, width=width, break_long_words=True)) if width else raw
    return wrapped.replace("$", r"\$")


def percent(share: float | None) -> str:
    """``0.724`` gives ``"72%"``; ``None`` gives ``"–"``."""
    return "–" if share is None else f"{share * 100:.0f}%"


class ChartDisplay:
    """Base class: subclasses fill their fields in ``from_*`` and implement :meth:`_draw`.

    Attributes set by :meth:`plot`: ``ax_`` and ``figure_``.
    """

    #: figure size in inches when :meth:`plot` makes its own figure
    figsize: tuple[float, float] = (8.0, 5.0)
    alt_text: str = ""
    title: str = ""
    ax_: Axes
    figure_: Figure

    def _draw(self, ax: Axes) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def data_table(self) -> list[dict[str, Any]]:
        """The rows behind the chart, one dict per drawn value (also for hidden ones)."""
        raise NotImplementedError

    def _size(self) -> tuple[float, float]:
        return self.figsize

    def plot(self, ax: Axes | None = None) -> Self:
        """Draw the chart onto ``ax``, or onto a new figure when ``ax`` is ``None``.

        Returns
        -------
        self
            With ``ax_`` and ``figure_`` set.
        """
        with chart_style():
            if ax is None:
                fig = Figure(figsize=self._size(), layout="constrained")
                FigureCanvasAgg(fig)
                ax = fig.add_subplot()
            self.ax_ = ax
            self.figure_ = ax.get_figure()  # type: ignore[assignment]
            self._draw(ax)
        return self

    def _ensure_plotted(self) -> Figure:
        if not hasattr(self, "figure_"):
            self.plot()
        return self.figure_

    def to_png(self, dpi: int = 150) -> bytes:
        """The chart as PNG bytes (drawn first if :meth:`plot` has not been called)."""
        fig = self._ensure_plotted()
        buf = io.BytesIO()
        with chart_style():
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def to_svg(self) -> str:
        """The chart as SVG text, with labels as real (escaped) text for screen readers."""
        fig = self._ensure_plotted()
        buf = io.StringIO()
        with chart_style():
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return buf.getvalue()


def draw_hidden(ax: Axes, x: float, y: float, width: float, height: float, label: str,
                fontsize: float = 12) -> None:
    """A hatched box with ``label`` (e.g. "fewer than 5") where a hidden value would be."""
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x, y), width, height, facecolor=HIDDEN_FACE, edgecolor="#777777",
                           hatch=HIDDEN_HATCH, linewidth=0.8, gid="hidden"))
    # in-axes labels stay out of the layout engine: it would measure thousands of them
    ax.text(x + width / 2, y + height / 2, label, ha="center", va="center", fontsize=fontsize,
            color="#333333", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            in_layout=False)
