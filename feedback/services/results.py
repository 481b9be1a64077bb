"""Results for the workspace: the one place that reads responses for analysis.

Pages, exports and the board report all call the functions here; none of them
reads :class:`~feedback.models.Response` rows itself. Everything returned has
been through :mod:`analysis.stats` suppression with the wave's survey settings
(``min_group_score`` for scores and counts, ``min_group_comments`` for comment
themes): a group that is too small, or that could be worked out from the others,
is :class:`analysis.stats.Hidden`, which carries no number at all.

**Team scope.** Every function takes ``team``: ``None`` for the whole service,
or the one team a team manager may see (:func:`feedback.admin.scope.team_scope`).
Scores for a team are computed with ``where={"team": team}`` on *all* the wave's
responses, so suppression is decided on the whole team breakdown: a team hidden
to protect a smaller one stays hidden in its own view too (docs/statistics.md,
section 4). Asking for another team in ``filters`` raises :class:`OutsideTeam`
(a :class:`~feedback.services.NotFound`: show 404); a segment or value the survey
does not have raises :class:`BadFilter`.

**Caching.** Loaded records and computed results are kept in a small in-process
LRU keyed by the wave's *data version* (:func:`data_version`: the number and
highest id of its responses), so a new response makes the next request compute
afresh; the cache holds nothing a web worker could lose. Chart bytes are cached
on disk, keyed by the chart's own data (:mod:`feedback.services.results_charts`).

The API (stable; the board report and exports build on it):

=============================  ============================================================
:func:`load_responses`         a wave's (or waves') responses as ``ResponseRecord``
:func:`load_comments`          free-text answers as redacted ``CommentRecord`` with themes
:func:`wave_results`           every question's score (``WaveResults``), with filters
:func:`score_breakdown`        scores by a segment (``analysis.stats.ScoreTable``)
:func:`response_rates`         responses against targets, overall and by segment
:func:`question_trends`        favourable shares across a survey's waves (``Trend``)
:func:`compare_waves`          this wave against another (``ComparisonSet``)
:func:`compare_team_with_rest`  a team against the rest of the service
:func:`compare_audiences`      two audiences on their shared core questions
:func:`compare_benchmark`      a wave against pasted external figures
:func:`wave_themes`            free-text themes of a wave with counts, shares, quotes
:func:`participation_figures`  the overview's strategy figures with their trends
=============================  ============================================================
"""

from feedback.services.results_comments import load_comments
from feedback.services.results_compare import (
    ComparisonSet,
    compare_audiences,
    compare_benchmark,
    compare_team_with_rest,
    compare_waves,
    verdict,
)
from feedback.services.results_data import (
    MAX_FILTERS,
    TEAM,
    BadFilter,
    OutsideTeam,
    QuestionResult,
    WaveResults,
    clear_cache,
    data_version,
    definition,
    get_wave,
    has_teams,
    load_responses,
    response_rates,
    scope_where,
    score_breakdown,
    segments,
    survey_waves,
    surveys_with_waves,
    targeted_segments,
    wave_records,
    wave_results,
)
from feedback.services.results_overview import (
    Figure,
    WaveProgress,
    participation_figures,
    wave_progress,
)
from feedback.services.results_themes import ThemeSummary, WaveThemes, wave_themes
from feedback.services.results_trends import question_trends

__all__ = [
    "MAX_FILTERS", "TEAM", "BadFilter", "ComparisonSet", "Figure", "OutsideTeam",
    "QuestionResult", "ThemeSummary", "WaveProgress", "WaveResults", "WaveThemes",
    "clear_cache", "compare_audiences", "compare_benchmark", "compare_team_with_rest",
    "compare_waves", "data_version", "definition", "get_wave", "has_teams", "load_comments",
    "load_responses", "participation_figures", "question_trends", "response_rates",
    "score_breakdown", "scope_where", "segments", "survey_waves", "surveys_with_waves",
    "targeted_segments", "verdict", "wave_progress", "wave_records", "wave_results",
    "wave_themes",
]
