"""Statistics for Chorus: scores, comparisons, trends, and anonymity in one place.

Everything a page shows about a group goes through :func:`suppress`; the functions
exported here return :class:`Hidden` in place of any group they may not show.
"""

from analysis.stats.compare import (
    BenchmarkError,
    Comparison,
    compare_audiences,
    compare_group_with_rest,
    compare_scores,
    compare_waves,
    compare_with_benchmark,
    parse_benchmark,
)
from analysis.stats.proportions import (
    benjamini_hochberg,
    cohens_h,
    holm,
    one_sample_z_test,
    two_proportion_z_test,
    wilson_interval,
)
from analysis.stats.scores import OptionCount, QuestionScore, resolve_renames, score_question
from analysis.stats.suppression import (
    ALL,
    NOT_GIVEN,
    CountTable,
    Hidden,
    Suppression,
    hidden_note,
    suppress,
    suppress_groups,
)
from analysis.stats.tables import ResponseRate, ScoreTable, response_rates, score_table, score_wave
from analysis.stats.trends import (
    ThemeShare,
    Trend,
    TrendPoint,
    question_trends,
    theme_prevalence,
    theme_trends,
)

__all__ = [
    "ALL", "NOT_GIVEN", "BenchmarkError", "Comparison", "CountTable", "Hidden", "OptionCount",
    "QuestionScore", "ResponseRate", "ScoreTable", "Suppression", "ThemeShare", "Trend",
    "TrendPoint", "benjamini_hochberg", "cohens_h", "compare_audiences",
    "compare_group_with_rest", "compare_scores", "compare_waves", "compare_with_benchmark",
    "hidden_note", "holm", "one_sample_z_test", "parse_benchmark", "question_trends",
    "resolve_renames", "response_rates", "score_question", "score_table", "score_wave",
    "suppress", "suppress_groups", "theme_prevalence", "theme_trends",
    "two_proportion_z_test", "wilson_interval",
]
