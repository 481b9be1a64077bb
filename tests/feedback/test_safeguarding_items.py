"""Raising safeguarding items: one per response, findings added to it, and the rule for
answers chosen from a list (a worrying choice raises an item alone only in an identified
survey; in an anonymous one it joins an item something else raised)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, insert, select

from analysis.safeguarding import Reason
from feedback.extensions import db
from feedback.models import Answer, Response, SafeguardingFlag, SafeguardingItem
from feedback.services import safeguarding as service
from feedback.services.clock import today
from tests.feedback.safeguarding_data import (
    DISCLOSURE,
    ORDINARY,
    SELF_HARM,
    answer_of,
    items,
    open_wave,
    phrase_lists_only,  # noqa: F401  (a fixture)
    submit,
)

UNSAFE = {"category": "chosen_answer", "label": "A worrying answer chosen",
          "matched": "No", "source": "choice"}

pytestmark = pytest.mark.usefixtures("phrase_lists_only")


def test_a_worrying_choice_alone_raises_an_item_in_an_identified_survey(app_ctx):
    assert items() == []
    response = submit(open_wave(today(), "identified"), "a", today(), ORDINARY,
                      feel_safe="no")
    [item] = items()
    assert item.response is response
    [finding] = item.findings
    assert finding.answer.question_key == "feel_safe" and finding.reasons == [UNSAFE]
    assert (item.status, item.notified, item.raised_on) == ("new", False, today())


def test_a_choice_the_survey_does_not_name_raises_nothing(app_ctx):
    submit(open_wave(today(), "identified"), "a", today(), ORDINARY, feel_safe="not_sure")
    assert items() == []


def test_a_worrying_choice_alone_raises_nothing_in_an_anonymous_survey(app_ctx):
    submit(open_wave(today(), "anonymous"), "a", today(), ORDINARY, feel_safe="no")
    assert items() == []
    assert db.session.scalar(select(func.count()).select_from(SafeguardingFlag)) == 0


def test_in_an_anonymous_survey_a_worrying_choice_joins_what_free_text_raised(app_ctx):
    wave = open_wave(today(), "anonymous")
    submit(wave, "a", today(), DISCLOSURE, feel_safe="no")
    [item] = items()
    assert [(f.answer.question_key, [r["source"] for r in f.reasons])
            for f in item.findings] == [("change", ["phrase"]), ("feel_safe", ["choice"])]
    assert item.findings[1].reasons == [UNSAFE]


def test_new_findings_put_a_decided_item_back_in_the_queue(app_ctx):
    wave = open_wave(today(), "identified")
    response = submit(wave, "a", today(), DISCLOSURE)
    [item] = items()
    item.status, item.notified, item.decided_on = "no_further_action", True, today()
    change = answer_of(response.id, "change")
    person = {"category": "neglect", "label": "Neglect", "matched": "", "source": "person"}
    assert service.raise_concerns(response, today(), [(change, [person])]) is item
    assert (item.status, item.notified, item.decided_on) == ("new", False, today())


def test_the_same_findings_again_add_nothing(app_ctx):
    wave = open_wave(today(), "identified")
    response = submit(wave, "a", today(), DISCLOSURE, feel_safe="no")
    [item] = items()
    item.status = "reviewed"
    db.session.expire(response, ["answers"])  # every answer, not only the free text
    assert service.raise_concerns(response, today()) is None  # screened again: known
    assert item.status == "reviewed" and [len(f.reasons) for f in item.findings] == [1, 1]


def test_a_finding_gains_the_reasons_it_did_not_have(app_ctx):
    wave = open_wave(today(), "identified")
    response = submit(wave, "a", today(), DISCLOSURE)
    change = answer_of(response.id, "change")
    person = {"category": "neglect", "label": "Neglect", "matched": "", "source": "person"}
    service.raise_concerns(response, today(), [(change, [person])])
    [finding] = items()[0].findings
    assert [(r["source"], r["category"]) for r in finding.reasons] == [
        ("phrase", "harm_from_others"), ("person", "neglect")]


def test_raising_concerns_flushes_and_leaves_the_commit_to_the_caller(app_ctx):
    response = submit(open_wave(today(), "identified"), "a", today(), ORDINARY)
    response_id = response.id
    change = answer_of(response_id, "change")
    person = {"category": "neglect", "label": "Neglect", "matched": "", "source": "person"}
    service.raise_concerns(response, today(), [(change, [person])])
    assert db.session.scalar(select(func.count()).select_from(SafeguardingItem)) == 1
    db.session.rollback()
    assert db.session.scalar(select(SafeguardingItem).where(
        SafeguardingItem.response_id == response_id)) is None


@dataclass(frozen=True)
class ReasonWithMore:
    category: str
    label: str
    matched: str
    source: str
    examples: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class Screening:
    reasons: tuple


def test_what_the_screen_adds_to_a_reason_is_kept():
    plain = Screening((Reason("bullying", "Bullying", "picked on"),))
    assert service.reasons_of(plain) == [{"category": "bullying", "label": "Bullying",
                                          "matched": "picked on", "source": "phrase"}]
    meaning = Screening((ReasonWithMore("self_harm", "Self-harm", "", "meaning",
                                        ("i want to disappear",), 0.71),))
    assert service.reasons_of(meaning) == [{
        "category": "self_harm", "label": "Self-harm", "matched": "", "source": "meaning",
        "examples": ["i want to disappear"], "score": 0.71}]


def test_stored_answers_are_screened_into_items_once(app_ctx):
    """As the demo and `chorus safeguarding screen` do: answers stored without a screen."""
    wave = open_wave(today())
    day = today() - dt.timedelta(days=10)
    rows = [("x", DISCLOSURE, SELF_HARM), ("y", ORDINARY, None), ("z", SELF_HARM, None)]
    for key, change, other in rows:
        [response_id] = db.session.scalars(insert(Response).returning(Response.id), [{
            "wave_id": wave.id, "version_id": wave.version_id, "submitted_on": day,
            "idempotency_key": key, "language": "en"}]).all()
        db.session.execute(insert(Answer), [
            {"response_id": response_id, "question_key": k, "text": t, "value": None}
            for k, t in (("change", change), ("anything_else", other)) if t])
    assert service.screen_unscreened() == 2
    assert [(i.response.idempotency_key, i.raised_on, len(i.findings)) for i in items()] == [
        ("x", day, 2), ("z", day, 1)]
    assert service.screen_unscreened() == 0


def test_the_screen_command_raises_items_for_stored_answers_and_saves_them(app, runner):
    with app.app_context():
        wave = open_wave(today())
        [response_id] = db.session.scalars(insert(Response).returning(Response.id), [{
            "wave_id": wave.id, "version_id": wave.version_id, "submitted_on": today(),
            "idempotency_key": "stored", "language": "en"}]).all()
        db.session.execute(insert(Answer), [
            {"response_id": response_id, "question_key": k, "text": t, "value": None}
            for k, t in (("change", DISCLOSURE), ("anything_else", SELF_HARM))])
        db.session.commit()
    result = runner.invoke(args=["safeguarding", "screen"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 new item(s) flagged."
    with app.app_context():
        db.session.remove()
        [item] = items()
        assert (item.response_id, len(item.findings)) == (response_id, 2)
