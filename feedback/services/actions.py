"""'You said, we did': actions taken because of what people told the service.

An action answers one audience (staff, families, foster carers, young people in
care or care leavers) and may be linked to questions of that audience's surveys,
or to themes of a free-text question (by theme number, which stays the same
across refits, see :mod:`feedback.services.themes`). It carries the service's
RAG status: Blue completed, Green on track, Amber delayed with a plan, Red
delayed without one. ``completed_on`` is set on the day it turns Blue.

Only the public wording (``public_said``, ``public_did``), the status in words
and the completion date ever leave the workspace: :func:`published_for` hands
the public page :class:`PublicAction` records that hold nothing else.
Every change is recorded in the audit log (the action's title and which fields
changed, never respondents' words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Action, ActionLink, RagStatus, Survey
from feedback.services import NotFound, ServiceError, audit
from feedback.services.clock import now
from feedback.services.themes import current_run
from surveys import Audience
from surveys.types import N_, get_type

#: What each status means, for the workspace (word first: colour is never the only cue).
RAG_MEANINGS = {
    RagStatus.BLUE: "Completed",
    RagStatus.GREEN: "On track",
    RagStatus.AMBER: "Delayed, with a plan",
    RagStatus.RED: "Delayed, without a plan",
}

#: The status in plain words on the public page (translated there).
PUBLIC_STATUS = {
    RagStatus.BLUE: N_("Done"),
    RagStatus.GREEN: N_("We are doing this now"),
    RagStatus.AMBER: N_("Taking longer than we planned"),
    RagStatus.RED: N_("Held up: we are working out what to do next"),
}

#: Audiences whose public wording should read at about the level of a 9-year-old.
YOUNG_AUDIENCES = frozenset({Audience.YOUNG_PEOPLE, Audience.CARE_LEAVERS})

_LINK_SEPARATOR = "|"


class ActionError(ServiceError):
    """An action cannot be saved as given; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ActionDetails:
    """What a person writes about an action (everything but its links)."""

    title: str
    owner: str
    status: str = RagStatus.GREEN.value
    due_on: dt.date | None = None
    you_said: str = ""
    evidence: str = ""
    public_said: str = ""
    public_did: str = ""
    published: bool = False


@dataclass(frozen=True)
class LinkChoice:
    """A question of a survey, or one theme of its comments."""

    survey_key: str
    question_key: str
    theme_number: int | None = None

    @property
    def value(self) -> str:
        """The form value naming this link: ``survey|question`` or ``survey|question|3``."""
        parts = [self.survey_key, self.question_key]
        if self.theme_number is not None:
            parts.append(str(self.theme_number))
        return _LINK_SEPARATOR.join(parts)

    @classmethod
    def parse(cls, value: str) -> LinkChoice:
        parts = value.split(_LINK_SEPARATOR)
        if len(parts) not in (2, 3) or not all(parts):
            raise ActionError("link", "Choose a question or a theme from the list")
        try:
            number = int(parts[2]) if len(parts) == 3 else None
        except ValueError:
            raise ActionError("link", "Choose a question or a theme from the list") from None
        return cls(parts[0], parts[1], number)


@dataclass(frozen=True)
class LinkGroup:
    """The questions and themes of one survey that an action can answer, for a form."""

    survey_title: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PublicAction:
    """What the public page may show of an action: its plain words and status, nothing else."""

    said: str
    did: str
    status: RagStatus
    status_words: str
    completed_on: dt.date | None


# -- reading -------------------------------------------------------------------------

def get_action(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None:
        raise NotFound(f"no action {action_id}")
    return action


def is_overdue(action: Action, today: dt.date) -> bool:
    """Past its due date and not completed."""
    return (action.due_on is not None and action.due_on < today
            and action.status != RagStatus.BLUE)


def find_actions(today: dt.date, *, audience: str | None = None, status: str | None = None,
                 overdue: bool = False) -> list[Action]:
    """Actions, open ones soonest due first (undated last), then completed ones."""
    query = select(Action)
    if audience:
        query = query.where(Action.audience == audience)
    if status:
        query = query.where(Action.status == status)
    if overdue:
        query = query.where(Action.due_on < today, Action.status != RagStatus.BLUE.value)
    rows = db.session.scalars(query.order_by(Action.id))
    return sorted(rows, key=lambda a: (a.status == RagStatus.BLUE, a.due_on is None,
                                       a.due_on or dt.date.max, a.id))


def published_for(audience: Audience) -> list[PublicAction]:
    """The audience's published actions in plain words: what is being done first,
    then what is done (most recently completed first)."""
    rows = db.session.scalars(select(Action).where(Action.audience == audience.value,
                                                   Action.published.is_(True))
                              .order_by(Action.updated_at.desc(), Action.id.desc()))
    records = [PublicAction(a.public_said.strip(), a.public_did.strip(), RagStatus(a.status),
                            PUBLIC_STATUS[RagStatus(a.status)], a.completed_on)
               for a in rows if a.public_said.strip() and a.public_did.strip()]
    return sorted(records, key=lambda r: (r.status == RagStatus.BLUE,
                                          -(r.completed_on or dt.date.min).toordinal()))


def audience_surveys(audience: str) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.audience == audience)
                                   .order_by(Survey.key)))


def link_options(audience: str) -> list[LinkGroup]:
    """Every question of the audience's surveys, each followed by the themes of its
    comments from the current theme run (non-answers and merged themes left out)."""
    groups = []
    for survey in audience_surveys(audience):
        if not survey.versions:
            continue
        options: list[tuple[str, str]] = []
        for question in survey.latest_version.parsed().questions():
            if question.type == "segment":
                continue
            options.append((LinkChoice(survey.key, question.key).value,
                            f"Question: {_short(question.text)}"))
            run = current_run(survey, question.key) if get_type(question.type).themed else None
            for theme in run.themes if run else ():
                if theme.is_non_answer or theme.merged_into is not None:
                    continue
                options.append((LinkChoice(survey.key, question.key, theme.number).value,
                                f"Theme of those answers: {theme.label}"))
        groups.append(LinkGroup(survey.title, tuple(options)))
    return groups


def describe_link(link: ActionLink) -> str:
    """A link in words: the survey, the question, and the theme when there is one."""
    survey = link.survey
    try:
        question = _short(survey.latest_version.parsed().question(link.question_key).text)
    except (KeyError, IndexError):
        question = link.question_key
    words = f"{survey.title}: {question}"
    if link.theme_number is not None:
        run = current_run(survey, link.question_key)
        label = next((t.label for t in run.themes if t.number == link.theme_number),
                     None) if run else None
        words += f" (theme: {label or f'theme {link.theme_number}, no longer in the themes'})"
    return words


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


# -- changing --------------------------------------------------------------------------

def create_action(audience: str, details: ActionDetails, links: Sequence[LinkChoice],
                  today: dt.date) -> Action:
    """Record a new action (added to the session; the caller commits)."""
    _check_audience(audience)
    _check(details)
    stamp = now()
    action = Action(audience=audience, created_at=stamp, updated_at=stamp,
                    completed_on=today if details.status == RagStatus.BLUE else None,
                    **_columns(details))
    for choice in links:
        action.links.append(_link(audience, choice))
    db.session.add(action)
    db.session.flush()
    audit.record("action.create", _target(action), audience=audience, status=action.status,
                 published=action.published, links=len(action.links))
    return action


def update_action(action: Action, details: ActionDetails, today: dt.date, *,
                  add: Sequence[LinkChoice] = (), remove: Sequence[int] = ()) -> list[str]:
    """Apply a person's changes; returns the names of the fields that changed."""
    _check(details)
    before_status = action.status
    values = _columns(details)
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    for name in changed:
        setattr(action, name, values[name])
    if action.status != before_status:
        action.completed_on = today if action.status == RagStatus.BLUE else None
    dropped = set(remove)
    gone = [link for link in action.links if link.id in dropped]
    for link in gone:
        action.links.remove(link)
    known = {LinkChoice(x.survey.key, x.question_key, x.theme_number) for x in action.links}
    fresh = [c for c in dict.fromkeys(add) if c not in known]
    for choice in fresh:
        action.links.append(_link(action.audience, choice))
    if gone or fresh:
        changed.append("links")
    if changed:
        action.updated_at = now()
        detail: dict[str, Any] = {"changed": changed}
        if "status" in changed:
            detail["status"] = f"{before_status} -> {action.status}"
        if "published" in changed:
            detail["published"] = action.published
        audit.record("action.update", _target(action), **detail)
    return changed


def delete_action(action: Action) -> None:
    audit.record("action.delete", _target(action), audience=action.audience)
    db.session.delete(action)


def _target(action: Action) -> str:
    return f"action {action.id}: {action.title}"


def _columns(details: ActionDetails) -> dict[str, object]:
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    for name in ("title", "owner", "you_said", "evidence", "public_said", "public_did"):
        values[name] = str(values[name] or "").strip()
    return values


def _check_audience(audience: str) -> None:
    try:
        Audience(audience)
    except ValueError:
        raise ActionError("audience", "Choose who the action answers") from None


def _check(details: ActionDetails) -> None:
    if not details.title.strip():
        raise ActionError("title", "Enter a short title")
    if not details.owner.strip():
        raise ActionError("owner", "Enter who owns the action")
    if details.status not in {s.value for s in RagStatus}:
        raise ActionError("status", "Choose a status")
    if details.published and not (details.public_said.strip() and details.public_did.strip()):
        field = "public_said" if not details.public_said.strip() else "public_did"
        raise ActionError(field, "Write what people said and what we did in plain words "
                                 "before publishing the action")


def _link(audience: str, choice: LinkChoice) -> ActionLink:
    survey = db.session.scalar(select(Survey).where(Survey.key == choice.survey_key))
    if survey is None or not survey.versions:
        raise ActionError("link", "Choose a question or a theme from the list")
    if survey.audience != audience:
        raise ActionError("link", f"{survey.title} is not for the people this action "
                                  "answers; choose one of their surveys")
    try:
        survey.latest_version.parsed().question(choice.question_key)
    except KeyError:
        raise ActionError("link", f"{survey.title} has no such question") from None
    if choice.theme_number is not None:
        run = current_run(survey, choice.question_key)
        numbers = {t.number for t in run.themes if not t.is_non_answer} if run else set()
        if choice.theme_number not in numbers:
            raise ActionError("link", "That theme is not among the question's current themes")
    return ActionLink(survey=survey, question_key=choice.question_key,
                      theme_number=choice.theme_number)


# -- plain words -------------------------------------------------------------------------

#: Words the service uses that children and many parents do not (with a plainer choice).
JARGON = {
    "lac": "children in care", "cic": "children in care", "cla": "children in care",
    "iro": "the person who chairs your reviews", "pa": "personal adviser",
    "ehcp": "plan for your education and health", "statutory": "the law says we must",
    "implement": "start", "implemented": "started", "facilitate": "help",
    "stakeholders": "people", "placement": "home", "placements": "homes",
    "utilise": "use", "commence": "start", "commenced": "started",
    "engagement": "taking part", "multi-agency": "people from different services",
    "safeguarding": "keeping people safe", "pathway": "plan",
}
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
MAX_SENTENCE_WORDS = 15
LONG_WORD_LETTERS = 12


def plain_words_advice(text: str) -> list[str]:
    """Tips for public wording meant for young people (reading age about 9).

    A rough check, not a score: sentences over 15 words, words of 12 letters or
    more, and the service's jargon with a plainer choice.
    """
    tips: list[str] = []
    sentences = [s.strip() for s in _SENTENCE.findall(text) if _WORD.search(s)]
    for number, sentence in enumerate(sentences, start=1):
        count = len(_WORD.findall(sentence))
        if count > MAX_SENTENCE_WORDS:
            tips.append(f"Sentence {number} has {count} words: try to keep sentences "
                        f"under {MAX_SENTENCE_WORDS}.")
    words = _WORD.findall(text)
    long_words = sorted({w for w in words if len(w) >= LONG_WORD_LETTERS}, key=str.lower)
    if long_words:
        tips.append("Long words a child may stumble on: " + ", ".join(long_words) + ".")
    for word in dict.fromkeys(w.lower() for w in words):
        if word in JARGON:
            tips.append(f"Instead of \u201c{word}\u201d, try \u201c{JARGON[word]}\u201d.")
    return tips
