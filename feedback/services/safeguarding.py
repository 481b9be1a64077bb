"""Safeguarding: every free-text answer screened at submission, flags in a queue.

A flag is created in the same transaction as the response, so an acknowledged
answer is never without its flag. The notice email goes after the commit, as a
job (RQ when configured, inline otherwise); if it cannot be sent the flag stays
``notified=False`` and ``chorus safeguarding notify`` (or the worker) retries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback.extensions import db
from feedback.models import (
    Answer,
    FlagStatus,
    Response,
    SafeguardingFlag,
    SafeguardingNote,
    User,
    Wave,
)
from feedback.services import NotFound, ServiceError, audit
from feedback.services.clock import now
from feedback.services.screening import screener
from surveys import Mode

log = logging.getLogger(__name__)


def screen_answers(answers: Iterable[Answer], day: dt.date) -> list[SafeguardingFlag]:
    """Flag the free-text answers the screen picks out (added to the session)."""
    screen = screener()
    flags = []
    for answer in answers:
        if not answer.text:
            continue
        result = screen.screen(answer.text)
        if result.flagged:
            flag = SafeguardingFlag(answer=answer, raised_on=day, reasons=[
                {"category": r.category, "label": r.label, "matched": r.matched}
                for r in result.reasons])
            db.session.add(flag)
            flags.append(flag)
    return flags


def screen_unscreened() -> int:
    """Screen stored free text that has no flag yet (demo data, phrase lists extended)."""
    flagged = select(SafeguardingFlag.answer_id)
    answers = db.session.scalars(
        select(Answer).options(selectinload(Answer.response))
        .where(Answer.text.is_not(None), Answer.id.not_in(flagged)))
    return len([f for a in answers for f in screen_answers([a], a.response.submitted_on)])


# -- notification ------------------------------------------------------------------

def notify_new_flags() -> int:
    """Email the safeguarding lead about flags not yet notified; returns how many.

    The email names the survey, the day and the kind of concern, with a link to
    the queue; it never includes the answer.
    """
    from feedback.mail import MailNotConfigured, send

    pending = list(db.session.scalars(select(SafeguardingFlag)
                                      .where(SafeguardingFlag.notified.is_(False))
                                      .order_by(SafeguardingFlag.id)))
    if not pending:
        return 0
    recipients = [e.strip() for e in current_app.config["SAFEGUARDING_EMAILS"].split(",")
                  if e.strip()]
    lines = [f"{len(pending)} new item(s) need review in the Chorus safeguarding queue.", ""]
    for flag in pending:
        wave = flag.answer.response.wave
        kinds = ", ".join(sorted({r["label"] for r in flag.reasons}))
        lines.append(f"- {wave.survey.title} ({wave.title}), {flag.raised_on:%d %B %Y}: "
                     f"{kinds}. {_link(flag)}")
    lines += ["", "Sign in to read the answers. This email does not contain them."]
    try:
        send(recipients, f"Safeguarding: {len(pending)} new item(s) to review", "\n".join(lines))
    except MailNotConfigured:
        log.warning("%d safeguarding flag(s) raised; email is not configured", len(pending))
        return 0
    except Exception as e:  # noqa: BLE001 - any SMTP or network failure: retry later
        log.error("safeguarding email failed (%s); will retry", type(e).__name__)
        return 0
    for flag in pending:
        flag.notified = True
    db.session.commit()
    return len(pending)


def _link(flag: SafeguardingFlag) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    path = "/admin/safeguarding/" + str(flag.id)
    if has_request_context():
        path = url_for("admin.safeguarding_item", flag_id=flag.id)
    return base + path


# -- the queue -----------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    flag: SafeguardingFlag
    survey_title: str
    wave_title: str


def count_new() -> int:
    return db.session.scalar(select(func.count()).select_from(SafeguardingFlag)
                             .where(SafeguardingFlag.status == FlagStatus.NEW.value)) or 0


def queue(status: str | None = None) -> list[QueueItem]:
    """Flags, new first and then the most recent; optionally one status only."""
    query = (select(SafeguardingFlag)
             .options(selectinload(SafeguardingFlag.answer).selectinload(Answer.response)
                      .selectinload(Response.wave).selectinload(Wave.survey)))
    if status:
        query = query.where(SafeguardingFlag.status == status)
    new_first = (SafeguardingFlag.status != FlagStatus.NEW.value)
    flags = db.session.scalars(query.order_by(new_first, SafeguardingFlag.raised_on.desc(),
                                              SafeguardingFlag.id.desc()))
    return [QueueItem(f, f.answer.response.wave.survey.title, f.answer.response.wave.title)
            for f in flags]


@dataclass(frozen=True)
class FlagDetail:
    flag: SafeguardingFlag
    answer_text: str | None
    question_text: str
    survey_title: str
    wave_title: str
    identified: bool
    #: (question, answer) pairs the safeguarding lead may see: everything in
    #: identified mode; in anonymous mode only the groups (age band, team...)
    known: list[tuple[str, str]]


def flag_detail(flag_id: int) -> FlagDetail:
    flag = db.session.get(SafeguardingFlag, flag_id)
    if flag is None:
        raise NotFound(f"No safeguarding item {flag_id}")
    response = flag.answer.response
    definition = response.version.parsed()
    identified = definition.settings.mode is Mode.IDENTIFIED
    known = []
    for answer in sorted(response.answers, key=lambda a: a.id):
        question = definition.question(answer.question_key)
        if answer.id == flag.answer_id:
            continue
        if identified or question.type == "segment":
            known.append((question.text, _shown(question, answer)))
    audit.record("safeguarding.view", f"flag {flag.id}")
    db.session.commit()
    return FlagDetail(flag, flag.answer.text, definition.question(flag.answer.question_key).text,
                      definition.title, response.wave.title, identified, known)


def _shown(question, answer: Answer) -> str:
    if answer.text is not None:
        return answer.text
    values = answer.value if isinstance(answer.value, list) else [answer.value]
    labels = {c.value: c.label for c in question.choices}
    return ", ".join(labels.get(str(v), str(v)) for v in values if v is not None)


def set_status(flag_id: int, status: str, note: str, user: User) -> SafeguardingFlag:
    """Record a decision: the new status and why (a note is required)."""
    flag = db.session.get(SafeguardingFlag, flag_id)
    if flag is None:
        raise NotFound(f"No safeguarding item {flag_id}")
    try:
        status = FlagStatus(status).value
    except ValueError:
        raise ServiceError(f"Unknown status {status!r}") from None
    if not note.strip():
        raise ServiceError("Write a note saying what was done and why")
    flag.status = status
    flag.notes.append(SafeguardingNote(at=now(), user_id=user.id, status=status,
                                       note=note.strip()))
    audit.record("safeguarding.status", f"flag {flag.id}", status=status)
    db.session.commit()
    return flag
