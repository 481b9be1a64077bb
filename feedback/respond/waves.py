"""Which wave of a survey a respondent meets today."""

from __future__ import annotations

import datetime as dt

from feedback.models import Survey, Wave, WaveState


def current_wave(survey: Survey, today: dt.date) -> tuple[Wave | None, str]:
    """The wave to show and its state: the open one (latest opened), else the next
    upcoming one, else the last closed one; ``(None, "none")`` when it never ran."""
    by_state: dict[WaveState, list[Wave]] = {s: [] for s in WaveState}
    for wave in survey.waves:
        by_state[wave.state(today)].append(wave)
    if by_state[WaveState.OPEN]:
        return max(by_state[WaveState.OPEN], key=lambda w: w.opens_on), "open"
    if by_state[WaveState.UPCOMING]:
        return min(by_state[WaveState.UPCOMING], key=lambda w: w.opens_on), "upcoming"
    if by_state[WaveState.CLOSED]:
        return max(by_state[WaveState.CLOSED], key=lambda w: w.opens_on), "closed"
    return None, "none"


def open_surveys(surveys: list[Survey], today: dt.date) -> list[tuple[Survey, Wave]]:
    """Surveys that can be answered today, with their open wave."""
    out = []
    for survey in surveys:
        wave, state = current_wave(survey, today)
        if state == "open" and wave is not None:
            out.append((survey, wave))
    return out
