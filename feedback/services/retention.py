"""Retention and erasure of free text.

Retention: each survey's ``retention_days`` (its settings) says how long the
words of free-text answers are kept. After that the text is deleted and
``text_deleted_on`` set; the answer row stays, with its theme, so theme counts
and trends survive. An answer that raised a safeguarding item still new is held
until the safeguarding lead has decided on it.

Erasure: in a survey in identified mode, a person can ask for their answers to
be erased; the response is deleted outright (and its theme counts with it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from feedback.extensions import db
from feedback.models import (
    Answer,
    FlagStatus,
    Response,
    SafeguardingFlag,
    SafeguardingItem,
    Survey,
    ThemeRun,
)
from feedback.services import NotFound, ServiceError, audit
from feedback.services.themes import recount
from surveys import Mode, get_type


@dataclass(frozen=True)
class RetentionResult:
    deleted: dict[str, int]
    held_for_safeguarding: int

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def apply_retention(today: dt.date) -> RetentionResult:
    """Delete the words of free-text answers past their survey's retention period."""
    deleted: Counter[str] = Counter()
    held = 0
    waiting = select(SafeguardingFlag.answer_id).join(SafeguardingFlag.item).where(
        SafeguardingItem.status == FlagStatus.NEW.value)
    for survey in db.session.scalars(select(Survey).order_by(Survey.key)):
        for version in survey.versions:
            days = version.parsed().settings.retention_days
            cutoff = today - dt.timedelta(days=days)
            expired = (select(Answer.id).join(Response)
                       .where(Response.version_id == version.id,
                              Response.submitted_on < cutoff, Answer.text.is_not(None)))
            held += len(db.session.scalars(expired.where(Answer.id.in_(waiting))).all())
            ids = db.session.scalars(expired.where(Answer.id.not_in(waiting))).all()
            if ids:
                db.session.execute(update(Answer).where(Answer.id.in_(ids))
                                   .values(text=None, text_deleted_on=today))
                deleted[survey.key] += len(ids)
    audit.record("retention.apply", today.isoformat(), deleted=dict(deleted), held=held)
    db.session.commit()
    return RetentionResult(dict(deleted), held)


# -- erasure on request (identified mode) -----------------------------------------

@dataclass(frozen=True)
class Match:
    response_id: int
    survey_title: str
    wave_title: str
    submitted_on: dt.date
    #: the identifying answers (short text such as a name or contact), to confirm
    details: list[tuple[str, str]]


def find_identified(search: str, limit: int = 50) -> list[Match]:
    """Responses in identified-mode surveys whose short answers contain ``search``."""
    search = search.strip()
    if len(search) < 3:
        raise ServiceError("Enter at least 3 characters of the person's name or contact")
    rows = db.session.scalars(
        select(Response).join(Answer)
        .where(Answer.text.is_not(None), Answer.text.ilike(f"%{_escape(search)}%", escape="\\"))
        .options(selectinload(Response.answers)).distinct().limit(limit * 4))
    matches = []
    for response in rows:
        definition = response.version.parsed()
        if definition.settings.mode is not Mode.IDENTIFIED:
            continue  # anonymous answers are never searched for a person
        details = [(definition.question(a.question_key).text, a.text or "")
                   for a in response.answers if a.text and
                   get_type(definition.question(a.question_key).type).name == "short_text"]
        if not any(search.lower() in text.lower() for _, text in details):
            continue
        matches.append(Match(response.id, definition.title, response.wave.title,
                             response.submitted_on, details))
    audit.record("erasure.search", "identified responses", found=len(matches[:limit]))
    db.session.commit()
    return matches[:limit]


def erase_response(response_id: int) -> None:
    """Delete one response of an identified-mode survey, with all its answers."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise NotFound(f"No response {response_id}")
    definition = response.version.parsed()
    if definition.settings.mode is not Mode.IDENTIFIED:
        raise ServiceError("Only answers to surveys that ask who people are can be erased "
                           "on request; anonymous answers cannot be told apart")
    survey_key = response.wave.survey.key
    runs = db.session.scalars(select(ThemeRun).where(
        ThemeRun.survey_id == response.wave.survey_id)).all()
    db.session.delete(response)
    db.session.flush()
    for run in runs:
        recount(run)
    audit.record("erasure.erase", survey_key, response=response_id)
    db.session.commit()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
