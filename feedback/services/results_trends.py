"""Trends across a survey's waves, for the workspace.

Part of :mod:`feedback.services.results` (import from there).
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import stats
from analysis.stats import Trend
from feedback.models import Survey
from feedback.services.results_data import (
    _CACHE,
    TEAM,
    data_version,
    definition,
    survey_waves,
    wave_records,
)


def question_trends(survey: Survey, *, team: str | None = None,
                    question_keys: Sequence[str] | None = None) -> list[Trend]:
    """Favourable share (Wilson 95% interval, n) of each scored question in every wave.

    Uses the newest definition's questions; a question a wave did not ask is a gap
    (``asked=False``), a group too small in a wave a hidden point.
    """
    waves = survey_waves(survey)
    if not waves:
        return []
    where = {TEAM: team} if team is not None else None
    key = ("trends", survey.id, tuple((w.id, data_version(w)) for w in waves), team,
           tuple(question_keys or ()))

    def compute() -> list[Trend]:
        records = [r for w in waves for r in wave_records(w)]
        latest = survey.latest_version.parsed()
        known = {q.key for q in latest.questions()}
        keys = [k for k in question_keys if k in known] if question_keys else None
        return stats.question_trends(
            latest, [w.record() for w in waves], records, question_keys=keys, where=where,
            definitions={w.key: definition(w) for w in waves})

    return _CACHE.get(key, compute)
