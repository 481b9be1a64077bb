"""Charts as Display objects (scikit-learn's plotting API), drawn with matplotlib's Agg.

Each chart is computed once by a ``from_*`` classmethod; ``plot(ax=None)`` draws it and
stores ``ax_`` and ``figure_``; ``to_png()`` and ``to_svg()`` give the output;
``alt_text`` describes it in words and ``data_table()`` gives the rows behind it.
"""

from analysis.charts._base import OKABE_ITO, ChartDisplay, safe_text
from analysis.charts.bars import AgreementDisplay, ResponseRateDisplay, ThemePrevalenceDisplay
from analysis.charts.heatmap import HeatmapDisplay
from analysis.charts.lines import SmallMultiplesDisplay, ThemeTrendDisplay, TrendDisplay

#: Chart kinds by name, for code that picks a chart from a setting or a URL.
CHARTS: dict[str, type[ChartDisplay]] = {
    "agreement": AgreementDisplay,
    "heatmap": HeatmapDisplay,
    "response_rates": ResponseRateDisplay,
    "small_multiples": SmallMultiplesDisplay,
    "theme_prevalence": ThemePrevalenceDisplay,
    "theme_trend": ThemeTrendDisplay,
    "trend": TrendDisplay,
}

__all__ = [
    "CHARTS", "OKABE_ITO", "AgreementDisplay", "ChartDisplay", "HeatmapDisplay",
    "ResponseRateDisplay", "SmallMultiplesDisplay", "ThemePrevalenceDisplay",
    "ThemeTrendDisplay", "TrendDisplay", "safe_text",
]
