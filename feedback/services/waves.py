"""Creating, opening and closing waves."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import Response, Wave, WaveState
from feedback.services import Conflict, NotFound
from feedback.services.clock import now
from feedback.services.library import get_survey

WAVE_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def create_wave(survey_key: str, key: str, title: str, opens_on: dt.date, closes_on: dt.date,
                targets: Mapping[str, Mapping[str, int]] | None = None,
                target_total: int | None = None) -> Wave:
    """A new wave of the survey's latest version, which it freezes."""
    if not WAVE_KEY.match(key):
        raise Conflict(f"wave key {key!r}: use lower-case letters, digits and hyphens")
    if closes_on < opens_on:
        raise Conflict("a wave cannot close before it opens")
    if db.session.scalar(select(Wave).where(Wave.key == key)) is not None:
        raise Conflict(f"a wave called {key!r} already exists")
    survey = get_survey(survey_key)
    _check_targets(survey.latest_version.parsed(), targets or {})
    version = survey.latest_version
    if version.frozen_at is None:
        version.frozen_at = now()
    wave = Wave(key=key, survey=survey, version=version, title=title, opens_on=opens_on,
                closes_on=closes_on, targets=dict(targets or {}), target_total=target_total)
    db.session.add(wave)
    return wave


def _check_targets(definition, targets: Mapping[str, Mapping[str, int]]) -> None:
    segments = {q.options["segment"]: q for q in definition.segment_questions()}
    for name, counts in targets.items():
        if name not in segments:
            raise Conflict(f"targets: the survey has no {name!r} segment "
                           f"(it has: {', '.join(sorted(segments)) or 'none'})")
        values = {c.value for c in segments[name].choices}
        for value, count in counts.items():
            if value not in values:
                raise Conflict(f"targets: {value!r} is not a {name} in this survey")
            if not isinstance(count, int) or count < 0:
                raise Conflict(f"targets: {name} {value} needs a whole number of people")


def get_wave(key: str) -> Wave:
    wave = db.session.scalar(select(Wave).where(Wave.key == key))
    if wave is None:
        raise NotFound(f"no wave with key {key!r}; `chorus waves list` shows them")
    return wave


def open_wave(key: str, today: dt.date, closes_on: dt.date | None = None) -> Wave:
    """Open a wave today: brings an upcoming wave forward, or reopens a closed one."""
    wave = get_wave(key)
    if wave.state(today) is WaveState.OPEN and closes_on is None:
        raise Conflict(f"{key} is already open until {wave.closes_on:%-d %B %Y}")
    wave.opens_on = min(wave.opens_on, today)
    wave.closed_early_on = None
    if closes_on is not None:
        if closes_on < today:
            raise Conflict("the closing date is in the past")
        wave.closes_on = closes_on
    elif wave.closes_on < today:
        raise Conflict(f"{key} closed on {wave.closes_on:%-d %B %Y}; give a new closing date")
    return wave


def close_wave(key: str, today: dt.date) -> Wave:
    """Close an open wave now; answers are refused from today."""
    wave = get_wave(key)
    if wave.state(today) is not WaveState.OPEN:
        raise Conflict(f"{key} is not open")
    wave.closed_early_on = today
    return wave


def list_waves(survey_key: str | None = None) -> list[tuple[Wave, int]]:
    """Waves with their response counts, newest first within each survey."""
    counts = (select(Response.wave_id, func.count().label("n"))
              .group_by(Response.wave_id).subquery())
    query = (select(Wave, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.wave_id == Wave.id)
             .order_by(Wave.survey_id, Wave.opens_on.desc()))
    if survey_key:
        query = query.where(Wave.survey_id == get_survey(survey_key).id)
    return [(w, n) for w, n in db.session.execute(query)]
