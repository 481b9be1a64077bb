"""Storing responses: once each, with nothing about the device or the time of day."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from feedback.extensions import db
from feedback.models import Answer, Draft, Response, Wave, WaveState
from feedback.services import Conflict
from feedback.services.access import use_invitation
from feedback.services.safeguarding import raise_concerns
from surveys import AnswerValue, concern_answers, get_type

log = logging.getLogger(__name__)


def answer_row(question_type: str, value: AnswerValue) -> dict[str, object]:
    """Column values of an :class:`Answer`: free text in ``text``, the rest in ``value``."""
    if get_type(question_type).free_text:
        return {"value": None, "text": value}
    return {"value": list(value) if isinstance(value, tuple) else value, "text": None}


def store_response(wave: Wave, answers: Mapping[str, AnswerValue], idempotency_key: str,
                   today: dt.date, language: str = "en", *, draft: Draft | None = None
                   ) -> tuple[Response, bool]:
    """Store validated answers as one response to ``wave``.

    Returns the response and whether it is new. The same ``idempotency_key``
    sent again (a double tap, a resubmitted page) returns the response already
    stored instead of a second one. With a ``draft``, its invitation code is
    used up and the draft deleted in the same transaction, so a code cannot
    be used twice and nothing links it to the answers afterwards.
    Raises :class:`Conflict` when the wave is not open or the code was used.
    """
    existing = db.session.scalar(select(Response).where(Response.idempotency_key ==
                                                        idempotency_key))
    if existing is not None:
        return existing, False
    if wave.state(today) is not WaveState.OPEN:
        raise Conflict("this survey is not open")
    if wave.requires_code and (draft is None or not draft.invitation_hash):
        raise Conflict("this survey needs an invitation code")
    definition = wave.version.parsed()
    response = Response(wave=wave, version=wave.version, submitted_on=today,
                        idempotency_key=idempotency_key, language=language)
    free_text, others = [], []
    for key, value in answers.items():
        if value is not None:
            row = {"question_key": key, **answer_row(definition.question(key).type, value)}
            (others if row["text"] is None else free_text).append(row)
    # Free text goes in as objects, which a safeguarding flag can point to; the rest
    # (most of a survey) in one statement.
    response.answers.extend(Answer(**row) for row in free_text)
    db.session.add(response)
    db.session.flush()
    if others:
        db.session.execute(insert(Answer), [{"response_id": response.id, **row}
                                            for row in others])
        if concern_answers(definition, answers):
            db.session.expire(response, ["answers"])  # the worrying choices are screened too
    # Screened in the same transaction: an acknowledged answer always has its item.
    item = raise_concerns(response, today)
    if draft is not None:
        if draft.invitation_hash and not use_invitation(wave, draft.invitation_hash, today):
            db.session.rollback()
            raise Conflict("this invitation code has already been used")
        db.session.delete(draft)
    try:
        db.session.commit()
    except IntegrityError:
        # Two requests with the same key raced; the other one won.
        db.session.rollback()
        winner = db.session.scalar(select(Response).where(Response.idempotency_key ==
                                                          idempotency_key))
        if winner is None:
            raise
        return winner, False
    db.session.expire(response, ["answers"])  # read them all back when asked
    if item is not None:
        notify_safeguarding_lead()
    return response, True


def notify_safeguarding_lead() -> None:
    """Send the notice of new flags (queued on Redis when configured). The response
    is already stored: a failure here is logged and retried, never shown to the
    respondent."""
    from feedback import jobs

    try:
        jobs.submit("safeguarding.notify")
    except Exception:  # noqa: BLE001 - the answer is safe; the notice is retried later
        log.exception("could not queue the safeguarding notice")
