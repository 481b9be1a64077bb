"""Every child's words read by a person: the free text of children's and care leavers'
surveys that nobody has read yet, marking it read, and raising a concern the screen
missed.

An answer counts as read when the safeguarding lead marks it so on the "To read" page,
or opens the safeguarding item of its response (:func:`safeguarding.item_detail`).
Functions here change the session and flush; the view commits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from feedback.extensions import db
from feedback.models import Answer, Response, SafeguardingItem, Survey, User, Wave, WaveState
from feedback.services import NotFound, audit
from feedback.services.safeguarding import PERSON, SafeguardingError, mark_read, raise_concerns
from feedback.services.screening import screener
from surveys import Audience

#: audiences whose every written answer a person reads
READ_BY_A_PERSON = (Audience.YOUNG_PEOPLE.value, Audience.CARE_LEAVERS.value)
PER_PAGE = 50
#: the most answers one batch may mark (a page shows PER_PAGE)
BATCH_LIMIT = 500
#: ids outside this range are no answer (and too big for an INTEGER column)
_MAX_ID = 2**31 - 1


def _readable():
    """Free-text answers of the surveys whose every answer a person reads, words kept."""
    return (select(Answer).join(Response, Answer.response_id == Response.id)
            .join(Wave, Response.wave_id == Wave.id).join(Survey, Wave.survey_id == Survey.id)
            .where(Survey.audience.in_(READ_BY_A_PERSON), Answer.text.is_not(None)))


def _unread(wave_key: str | None = None):
    query = _readable().where(Answer.read_on.is_(None))
    return query.where(Wave.key == wave_key) if wave_key else query


@dataclass(frozen=True)
class ToRead:
    answer: Answer
    question: str
    survey_title: str
    wave_title: str
    #: the response's safeguarding item, when it has one
    item_id: int | None


@dataclass(frozen=True)
class WaveToRead:
    key: str
    survey_title: str
    wave_title: str
    unread: int


@dataclass(frozen=True)
class ToReadPage:
    rows: list[ToRead]
    #: unread answers in all (of the wave chosen, if one was)
    total: int
    page: int
    pages: int
    #: waves with answers left to read, for the filter
    waves: list[WaveToRead]
    #: how much of the open (or latest) waves has been read
    shares: list[ReadShare]


def to_read(today: dt.date, page: int = 1, wave_key: str | None = None) -> ToReadPage:
    """A page of the answers nobody has read, oldest first, optionally of one wave, and
    how much of each open wave has been read. Audited as a list (how many answers were
    shown, never what). Flushes."""
    total = db.session.scalar(select(func.count()).select_from(
        _unread(wave_key).subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    answers = db.session.scalars(
        _unread(wave_key)
        .options(selectinload(Answer.response).selectinload(Response.wave)
                 .selectinload(Wave.survey),
                 selectinload(Answer.response).selectinload(Response.version))
        .order_by(Response.submitted_on, Response.id, Answer.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    items = dict(db.session.execute(
        select(SafeguardingItem.response_id, SafeguardingItem.id)
        .where(SafeguardingItem.response_id.in_({a.response_id for a in answers}))).all())
    rows = [ToRead(a, _question(a), a.response.wave.survey.title, a.response.wave.title,
                   items.get(a.response_id)) for a in answers]
    audit.record("safeguarding.list", "to read", wave=wave_key or "all", page=page,
                 count=len(rows))
    db.session.flush()
    return ToReadPage(rows, total, page, pages, waves_to_read(), read_shares(today))


def waves_to_read() -> list[WaveToRead]:
    """Waves with answers nobody has read, oldest first, with how many."""
    unread = _unread().subquery()
    rows = db.session.execute(
        select(Wave.key, Survey.title, Wave.title, func.count(unread.c.id))
        .join(Response, Response.id == unread.c.response_id)
        .join(Wave, Wave.id == Response.wave_id).join(Survey, Survey.id == Wave.survey_id)
        .group_by(Wave.key, Survey.title, Wave.title, Wave.opens_on)
        .order_by(Wave.opens_on, Wave.key))
    return [WaveToRead(*row) for row in rows]


def _question(answer: Answer) -> str:
    try:
        return answer.response.version.parsed().question(answer.question_key).text
    except KeyError:
        return answer.question_key


def mark_batch_read(answer_ids: Iterable[int], reader: User, today: dt.date) -> int:
    """Mark these answers read (those still unread, of children's and care leavers'
    surveys); returns how many were marked. Audited with the count. Flushes."""
    ids = sorted({i for i in answer_ids if 0 < i <= _MAX_ID})[:BATCH_LIMIT]
    if not ids:
        raise SafeguardingError("answer", "Choose the answers you have read")
    marked = mark_read(db.session.scalars(_unread().where(Answer.id.in_(ids))), reader, today)
    audit.record("safeguarding.read", "to read", count=marked)
    db.session.flush()
    return marked


@dataclass(frozen=True)
class AnswerToRaise:
    answer: Answer
    question: str
    survey_title: str
    wave_title: str
    #: category key -> label, from the screen
    categories: dict[str, str]


def answer_to_raise(answer_id: int) -> AnswerToRaise:
    """An answer a person may raise a concern about: free text still held, of a
    children's or care leavers' survey. Its viewing is audited. Flushes."""
    answer = db.session.scalar(_readable().where(Answer.id == answer_id))
    if answer is None:
        raise NotFound(f"No answer {answer_id} to read")
    audit.record("safeguarding.view", f"answer {answer.id}")
    db.session.flush()
    wave = answer.response.wave
    return AnswerToRaise(answer, _question(answer), wave.survey.title, wave.title,
                         dict(screener().categories))


def raise_by_person(answer_id: int, category: str, reader: User, today: dt.date
                    ) -> SafeguardingItem:
    """A concern the screen missed, raised by the person who read the answer: a finding
    with source ``"person"`` (in the item of the response, made if need be). The answer
    counts as read. Audited with the category, never the words. Flushes."""
    answer = db.session.scalar(_readable().where(Answer.id == answer_id))
    if answer is None:
        raise NotFound(f"No answer {answer_id} to read")
    labels = screener().categories
    if category not in labels:
        raise SafeguardingError("category", "Choose what the answer may show")
    reason = {"category": category, "label": labels[category], "matched": "",
              "source": PERSON}
    item = raise_concerns(answer.response, today, [(answer, [reason])]) or db.session.scalars(
        # raised by a person for this already: the item has it
        select(SafeguardingItem).where(SafeguardingItem.response_id == answer.response_id)
    ).one()
    mark_read([answer], reader, today)
    audit.record("safeguarding.raise", f"item {item.id}", answer=answer.id, category=category)
    db.session.flush()
    return item


@dataclass(frozen=True)
class ReadShare:
    """How many of a wave's free-text answers a person has read."""

    wave_key: str
    survey_title: str
    wave_title: str
    read: int
    total: int

    @property
    def percent(self) -> int | None:
        """Rounded, but never 100 while one is unread nor 0 once one is read."""
        if not self.total:
            return None
        share = round(100 * self.read / self.total)
        if self.read < self.total:
            share = min(share, 99)
        return max(share, 1) if self.read else 0


def read_shares(today: dt.date) -> list[ReadShare]:
    """For each children's and care leavers' survey, its open waves (or, when none is
    open, its latest wave to have opened): how many of its free-text answers were read.
    Answers whose words were deleted count too, read or not."""
    waves: list[Wave] = []
    for survey in db.session.scalars(select(Survey).where(Survey.audience.in_(
            READ_BY_A_PERSON)).order_by(Survey.title, Survey.key)):
        opened = [w for w in survey.waves if w.opens_on <= today]
        waves += [w for w in opened if w.state(today) is WaveState.OPEN] or opened[-1:]
    counted = dict((wave_id, (read, total)) for wave_id, read, total in db.session.execute(
        select(Response.wave_id, func.count(Answer.read_on), func.count(Answer.id))
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.wave_id.in_([w.id for w in waves]),
               or_(Answer.text.is_not(None), Answer.text_deleted_on.is_not(None)))
        .group_by(Response.wave_id)))
    return [ReadShare(w.key, w.survey.title, w.title, *counted.get(w.id, (0, 0)))
            for w in waves]
