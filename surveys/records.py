"""Plain record types handed from the application to :mod:`analysis`.

``feedback`` turns database rows into these; ``analysis`` reads nothing else.
They carry no names, no device details and no time of day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

#: What a validated answer can be: a choice value, several choice values,
#: a whole number, an ISO date string, free text, or nothing (skipped).
AnswerValue = str | int | tuple[str, ...] | None



def _no_mapping() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class WaveRecord:
    """One run of a survey.

    ``targets`` maps a segment name to head-counts per segment value, for
    example ``{"team": {"north": 40, "south": 35}}``; ``target_total`` is the
    whole head-count when known. Waves sort by ``opens_on``.
    """

    key: str
    survey_key: str
    title: str
    opens_on: date
    closes_on: date
    targets: Mapping[str, Mapping[str, int]] = field(default_factory=_no_mapping)
    target_total: int | None = None


@dataclass(frozen=True)
class ResponseRecord:
    """One submitted response.

    ``segments`` maps a segment name (``team``, ``role``, ``age_band``...) to
    the respondent's answer, copied out of ``answers`` so breakdowns need not
    know which question asked it. ``answers`` maps question keys to values.
    """

    response_id: int
    survey_key: str
    wave_key: str
    submitted_on: date
    answers: Mapping[str, AnswerValue] = field(default_factory=_no_mapping)
    segments: Mapping[str, str] = field(default_factory=_no_mapping)


@dataclass(frozen=True)
class CommentRecord:
    """One free-text answer, already redacted for analysts.

    ``theme_id`` is set when a theme run has assigned the comment.
    """

    response_id: int
    survey_key: str
    wave_key: str
    question_key: str
    text: str
    segments: Mapping[str, str] = field(default_factory=_no_mapping)
    theme_id: int | None = None
