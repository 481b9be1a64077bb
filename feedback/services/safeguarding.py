"""Safeguarding: every response screened at submission, one item per response in a queue.

A response that may show someone is at risk gets one :class:`SafeguardingItem`, with a
finding (:class:`SafeguardingFlag`) for each answer that raised it. The item is created
in the same transaction as the response, so an acknowledged answer is never without it.
The notice email goes after the commit, as a job (RQ when configured, inline
otherwise); if it cannot be sent the item stays ``notified=False`` and ``chorus
safeguarding notify`` (or the worker) retries.

Functions here change the session and flush; the view, command or job that calls them
commits. The exception is :func:`notify_new_flags`, which saves ``notified`` the moment
the email has gone, so that a later failure cannot send it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import selectinload

from feedback.extensions import db
from feedback.models import (
    Answer,
    FlagStatus,
    Response,
    SafeguardingFlag,
    SafeguardingItem,
    SafeguardingNote,
    User,
    Wave,
)
from feedback.services import NotFound, ServiceError, audit
from feedback.services.clock import now
from feedback.services.screening import screener
from surveys import Mode, Question, concern_answers, get_type

log = logging.getLogger(__name__)

#: an answer and the reasons it may show risk: what a finding is made of
Finding = tuple[Answer, list[dict[str, Any]]]
#: the source of a reason found in an answer chosen from a list (``concern: [sad]``)
CHOICE = "choice"
#: the source of a reason a person gave, having read the answer
PERSON = "person"
#: the category of an answer chosen from a list that the survey names as a worry
CHOSEN = "chosen_answer"
CHOSEN_LABEL = "A worrying answer chosen"
NEW = FlagStatus.NEW.value


class SafeguardingError(ServiceError):
    """A safeguarding form cannot be accepted; ``field`` names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def reasons_of(screening: Any) -> list[dict[str, Any]]:
    """A screening's reasons as stored: category, label and the words matched, with
    where they came from (``"phrase"`` unless the screen says otherwise) and, when the
    screen gives them, the nearest ``examples`` and a ``score``."""
    reasons = []
    for r in screening.reasons:
        reason = {"category": r.category, "label": r.label, "matched": r.matched,
                  "source": getattr(r, "source", None) or "phrase"}
        if getattr(r, "examples", None):
            reason["examples"] = [str(e) for e in r.examples]
        if getattr(r, "score", None) is not None:
            reason["score"] = float(r.score)
        reasons.append(reason)
    return reasons


def raise_concerns(response: Response, today: dt.date, extra: Iterable[Finding] = (), *,
                   screenings: Mapping[str, Any] | None = None) -> SafeguardingItem | None:
    """Screen the response's free text and raise its item, or add to the one it has.

    Each flagged answer becomes a finding, and so does each answer chosen from a list
    that the survey names as a worry (:func:`choice_findings`). ``extra`` adds findings
    found another way, as ``(answer, reasons)``: a person who read the answer (reasons
    with source ``"person"``). A finding made of choices alone raises an
    item only in an identified survey: in an anonymous one nobody could follow it up,
    so it is only added to an item that something else raised. New findings on an item
    already decided put it back in the queue as new. Returns the item findings were
    added to, or None when nothing new was found. ``screenings`` maps texts to their
    screening when they were screened together beforehand. Flushes; the caller commits.
    """
    texts = [a.text for a in response.answers if a.text]
    if screenings is None:
        screenings = dict(zip(texts, screener().screen_many(texts), strict=True))
    found = [(a, reasons_of(result)) for a in response.answers if a.text
             for result in [screenings[a.text]] if result.flagged]
    found += choice_findings(response)
    found += [(a, list(reasons)) for a, reasons in extra if reasons]
    if not found:
        return None
    item = db.session.scalar(select(SafeguardingItem)
                             .where(SafeguardingItem.response_id == response.id))
    if item is None and all(_from_choices(r) for _, r in found) and not _identified(response):
        return None
    if item is None:
        item = SafeguardingItem(response=response, raised_on=today, status=NEW, notified=False)
        db.session.add(item)
    if not _add_findings(item, found):
        return None
    if item.status != NEW:
        item.status, item.notified = NEW, False
    db.session.flush()
    return item


def choice_findings(response: Response) -> list[Finding]:
    """The response's answers chosen from a list that its survey names as a worry
    (``concern: ["no"]`` on "Do you feel safe where you live?"), one finding each, with
    the chosen answers' wording as the words matched."""
    definition = response.version.parsed()
    stored = {a.question_key: a for a in response.answers if a.value is not None}
    chosen: dict[str, list[str]] = {}
    for key, value in concern_answers(definition, {k: a.value for k, a in stored.items()}):
        chosen.setdefault(key, []).append(str(value))
    found: list[Finding] = []
    for key, values in chosen.items():
        question = definition.question(key)
        labels = {c.value: c.label for c in get_type(question.type).base_choices(question)}
        matched = ", ".join(labels.get(v, v) for v in values)
        found.append((stored[key], [{"category": CHOSEN, "label": CHOSEN_LABEL,
                                     "matched": matched, "source": CHOICE}]))
    return found


def _from_choices(reasons: list[dict[str, Any]]) -> bool:
    return all(r.get("source") == CHOICE for r in reasons)


def _identified(response: Response) -> bool:
    return response.version.parsed().settings.mode is Mode.IDENTIFIED


def _add_findings(item: SafeguardingItem, found: list[Finding]) -> bool:
    """Add each answer's reasons to its finding (made if need be); True if any was new."""
    findings = {f.answer_id: f for f in item.findings}
    added = False
    for answer, reasons in found:
        finding = findings.get(answer.id)
        if finding is None:
            finding = findings[answer.id] = SafeguardingFlag(answer=answer, reasons=[])
            item.findings.append(finding)
        known = {(r.get("source", "phrase"), r["category"]) for r in finding.reasons}
        new = [r for r in reasons if (r.get("source", "phrase"), r["category"]) not in known]
        if new:
            finding.reasons = [*finding.reasons, *new]  # a new list: JSON is not tracked
            added = True
    return added


def screen_unscreened() -> int:
    """Screen stored free text that has no finding yet (demo data, phrase lists
    extended); returns how many items were raised or added to. Flushes."""
    screened = select(SafeguardingFlag.answer_id)
    ids = db.session.scalars(select(Answer.response_id).distinct().where(
        Answer.text.is_not(None), Answer.id.not_in(screened)).order_by(Answer.response_id)).all()
    raised = 0
    for start in range(0, len(ids), 500):
        responses = db.session.scalars(
            select(Response).where(Response.id.in_(ids[start:start + 500]))
            .options(selectinload(Response.answers)).order_by(Response.id)).all()
        texts = list(dict.fromkeys(a.text for r in responses for a in r.answers if a.text))
        found = dict(zip(texts, screener().screen_many(texts), strict=True))
        # as if screened when sent: the day the item is raised is the day of the answer
        raised += sum(raise_concerns(r, r.submitted_on, screenings=found) is not None
                      for r in responses)
    return raised


# -- notification ------------------------------------------------------------------

def notify_new_flags() -> int:
    """Email the safeguarding lead about items not yet notified, one line each; returns
    how many. The email names the survey, the day and the kinds of concern, with a link
    to each item; it never includes an answer. Commits what it marks as notified."""
    from feedback.mail import MailNotConfigured, send

    pending = list(db.session.scalars(select(SafeguardingItem)
                                      .where(SafeguardingItem.notified.is_(False))
                                      .order_by(SafeguardingItem.id)))
    if not pending:
        return 0
    recipients = [e.strip() for e in current_app.config["SAFEGUARDING_EMAILS"].split(",")
                  if e.strip()]
    lines = [f"{len(pending)} new item(s) need review in the Chorus safeguarding queue.", ""]
    for item in pending:
        wave = item.response.wave
        lines.append(f"- {wave.survey.title} ({wave.title}), {item.raised_on:%d %B %Y}: "
                     f"{', '.join(categories(item))}. {_link(item)}")
    lines += ["", "Sign in to read the answers. This email does not contain them."]
    try:
        send(recipients, f"Safeguarding: {len(pending)} new item(s) to review", "\n".join(lines))
    except MailNotConfigured:
        log.warning("%d safeguarding item(s) raised; email is not configured", len(pending))
        return 0
    except Exception as e:  # noqa: BLE001 - any SMTP or network failure: retry later
        log.error("safeguarding email failed (%s); will retry", type(e).__name__)
        return 0
    for item in pending:
        item.notified = True
    db.session.commit()
    return len(pending)


def _link(item: SafeguardingItem) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    path = "/admin/safeguarding/" + str(item.id)
    if has_request_context():
        path = url_for("admin.safeguarding_item", item_id=item.id)
    return base + path


def categories(item: SafeguardingItem) -> list[str]:
    """The labels of the kinds of concern found in the item, each once, in order."""
    return list(dict.fromkeys(r["label"] for f in item.findings for r in f.reasons))


# -- the queue -----------------------------------------------------------------------

def overdue_before(today: dt.date) -> dt.date:
    """Items still new that were raised before this day are overdue: one raised on day
    D is overdue once day D + ``SAFEGUARDING_TARGET_DAYS`` has ended."""
    return today - dt.timedelta(days=current_app.config["SAFEGUARDING_TARGET_DAYS"])


def _overdue(today: dt.date) -> ColumnElement[bool]:
    return and_(SafeguardingItem.status == NEW, SafeguardingItem.raised_on < overdue_before(today))


def raised_ago(day: dt.date, today: dt.date) -> str:
    """When an item was raised, as a person says it: "today", "yesterday", "3 days ago",
    and from two weeks on the date, "on 12 Mar 2026"."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"on {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class QueueCounts:
    new: int
    overdue: int


def counts(today: dt.date) -> QueueCounts:
    """How many items are new, and how many of those are overdue."""
    row = db.session.execute(select(
        func.count().filter(SafeguardingItem.status == NEW),
        func.count().filter(_overdue(today)))).one()
    return QueueCounts(row[0] or 0, row[1] or 0)


def count_new() -> int:
    return db.session.scalar(select(func.count()).select_from(SafeguardingItem)
                             .where(SafeguardingItem.status == NEW)) or 0


@dataclass(frozen=True)
class QueueRow:
    item: SafeguardingItem
    survey_title: str
    wave_title: str
    categories: list[str]
    raised: str
    overdue: bool


#: what the queue can be narrowed to, besides each status
OVERDUE = "overdue"


def queue(today: dt.date, status: str | None = None) -> list[QueueRow]:
    """Items, overdue first, then new, then the rest, newest first; optionally one
    status (or ``"overdue"``) only. Audited as a list. Flushes."""
    overdue = _overdue(today)
    query = select(SafeguardingItem).options(
        selectinload(SafeguardingItem.findings),
        selectinload(SafeguardingItem.response).selectinload(Response.wave)
        .selectinload(Wave.survey))
    if status == OVERDUE:
        query = query.where(overdue)
    elif status:
        query = query.where(SafeguardingItem.status == status)
    order = case((overdue, 0), (SafeguardingItem.status == NEW, 1), else_=2)
    items = db.session.scalars(query.order_by(order, SafeguardingItem.raised_on.desc(),
                                              SafeguardingItem.id.desc()))
    cutoff = overdue_before(today)
    rows = [QueueRow(i, i.response.wave.survey.title, i.response.wave.title, categories(i),
                     raised_ago(i.raised_on, today), i.status == NEW and i.raised_on < cutoff)
            for i in items]
    audit.record("safeguarding.list", status or "all", count=len(rows))
    db.session.flush()
    return rows


@dataclass(frozen=True)
class ShownAnswer:
    """One answer of the response, as the safeguarding lead reads it."""

    question: str
    #: the words or the answers chosen; None when the words were deleted
    answer: str | None
    free_text: bool
    #: why this answer raised the item (empty when it did not)
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class ItemDetail:
    item: SafeguardingItem
    survey_title: str
    wave_title: str
    identified: bool
    raised: str
    overdue: bool
    #: every answer of the response, in the survey's order
    answers: list[ShownAnswer]

    @property
    def findings(self) -> list[ShownAnswer]:
        return [a for a in self.answers if a.reasons]


def item_detail(item_id: int, reader: User, today: dt.date) -> ItemDetail:
    """The whole response of an item, its findings marked, for the safeguarding lead (in
    anonymous surveys too). Opening it counts as reading the response's free text, and
    is audited. Flushes; the view commits."""
    item = db.session.get(SafeguardingItem, item_id)
    if item is None:
        raise NotFound(f"No safeguarding item {item_id}")
    response = item.response
    definition = response.version.parsed()
    reasons = {f.answer_id: f.reasons for f in item.findings}
    by_key = {a.question_key: a for a in response.answers}
    shown = [_shown_answer(q, by_key[q.key], reasons) for q in definition.questions()
             if q.key in by_key]
    read = mark_read(response.answers, reader, today)
    audit.record("safeguarding.view", f"item {item.id}", read=read)
    db.session.flush()
    return ItemDetail(item, definition.title, response.wave.title,
                      definition.settings.mode is Mode.IDENTIFIED,
                      raised_ago(item.raised_on, today),
                      item.status == NEW and item.raised_on < overdue_before(today), shown)


def mark_read(answers: Iterable[Answer], reader: User, today: dt.date) -> int:
    """Mark the free-text answers among these that nobody had read as read by
    ``reader`` today; returns how many. The first reading is the one kept."""
    unread = [a for a in answers if a.text and a.read_on is None]
    for answer in unread:
        answer.read_on, answer.read_by_id = today, reader.id
    return len(unread)


def _shown_answer(question: Question, answer: Answer,
                  reasons: dict[int, list[dict[str, Any]]]) -> ShownAnswer:
    qtype = get_type(question.type)
    return ShownAnswer(question.text, shown_value(question, answer), qtype.free_text,
                       reasons.get(answer.id, []))


def shown_value(question: Question, answer: Answer) -> str | None:
    """An answer as words: its text, or the labels of the answers chosen."""
    if answer.value is None:
        return answer.text
    values = answer.value if isinstance(answer.value, list) else [answer.value]
    labels = {c.value: c.label for c in get_type(question.type).offered(question)}
    return ", ".join(labels.get(str(v), str(v)) for v in values if v is not None)


def set_status(item_id: int, status: str, note: str, user: User, today: dt.date
               ) -> SafeguardingItem:
    """Record a decision: the new status and why (a note is required). Flushes."""
    item = db.session.get(SafeguardingItem, item_id)
    if item is None:
        raise NotFound(f"No safeguarding item {item_id}")
    try:
        status = FlagStatus(status).value
    except ValueError:
        raise SafeguardingError("status", "Choose what you decided") from None
    if not note.strip():
        raise SafeguardingError("note", "Write a note saying what was done and why")
    item.status = status
    if status != NEW and item.decided_on is None:
        item.decided_on = today
    item.notes.append(SafeguardingNote(at=now(), user_id=user.id, status=status,
                                       note=note.strip()))
    audit.record("safeguarding.status", f"item {item.id}", status=status)
    db.session.flush()
    return item
