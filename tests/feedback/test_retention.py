"""Retention deletes old free text but keeps counts and themes; erasure on request."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import (
    Answer,
    AuditEvent,
    CommentTheme,
    Response,
    SafeguardingFlag,
    SafeguardingItem,
    Theme,
)
from feedback.services import ServiceError
from feedback.services.library import get_survey, store_definition
from feedback.services.responses import store_response
from feedback.services.retention import apply_retention, erase_response, find_identified
from feedback.services.themes import recount, refresh_question
from feedback.services.waves import create_wave

SURVEY = """\
key: views
title: Your views
audience: families
settings: {{mode: {mode}, retention_days: 365}}
sections:
- key: main
  title: Your views
  questions:
  - key: name
    type: short_text
    text: Your name
  - key: liked
    type: yes_no
    text: Did the plan help?
  - key: comment
    type: long_text
    text: Tell us more
"""

OLD, RECENT = dt.date(2024, 3, 1), dt.date(2025, 9, 1)
TODAY = dt.date(2025, 10, 1)
COMMENTS = ["the social worker listened to us", "meetings were at times we could make",
            "we waited too long for a reply", "nothing", "the plan was clear and kind",
            "phone calls were never returned", "i felt listened to", "too many changes of worker"]


def load(mode: str = "anonymous") -> None:
    store_definition(SURVEY.format(mode=mode))
    create_wave("views", "views-old", "Spring 2024", OLD, OLD + dt.timedelta(days=20))
    create_wave("views", "views-new", "Autumn 2025", RECENT, RECENT + dt.timedelta(days=40))
    db.session.commit()
    from feedback.services.waves import get_wave

    for i, text in enumerate(COMMENTS):
        wave, day = (get_wave("views-old"), OLD) if i < 5 else (get_wave("views-new"), RECENT)
        store_response(wave, {"name": f"Person {i}", "liked": "yes", "comment": text},
                       f"key-{i}", day)


def texts() -> dict[str, str | None]:
    rows = db.session.execute(select(Answer.text, Answer.question_key, Response.idempotency_key)
                              .join(Response).where(Answer.question_key == "comment"))
    return {key: text for text, _, key in rows}


def test_text_past_its_retention_is_deleted_and_counts_and_themes_survive(app_ctx):
    load()
    run = refresh_question(get_survey("views"), "comment", backend="tfidf", seed=0).run
    sizes = {t.number: t.size for t in run.themes}
    result = apply_retention(TODAY)
    # five comments and the five names given with them: all free text goes
    assert result.deleted == {"views": 10} and result.held_for_safeguarding == 0
    kept = texts()
    assert [kept[f"key-{i}"] for i in range(5)] == [None] * 5
    assert [kept[f"key-{i}"] for i in range(5, 8)] == COMMENTS[5:]
    deleted_on = db.session.scalars(select(Answer.text_deleted_on)
                                    .where(Answer.text.is_(None),
                                           Answer.question_key == "comment")).all()
    assert deleted_on == [TODAY] * 5
    # the choice answers and the theme assignments are untouched
    assert db.session.scalar(select(func.count()).select_from(Answer)
                             .where(Answer.question_key == "liked")) == 8
    assert db.session.scalar(select(func.count()).select_from(CommentTheme)) == 8
    recount(run)
    assert {t.number: t.size for t in db.session.scalars(select(Theme))} == sizes
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.apply"))
    assert event.detail == {"deleted": {"views": 10}, "held": 0}
    assert apply_retention(TODAY).total == 0  # nothing left to delete


def test_an_answer_awaiting_the_safeguarding_lead_is_held(app_ctx):
    load()
    answer = db.session.scalar(select(Answer).join(Response).where(
        Response.idempotency_key == "key-0", Answer.question_key == "comment"))
    db.session.add(SafeguardingItem(response=answer.response, raised_on=OLD, findings=[
        SafeguardingFlag(answer=answer, reasons=[])]))
    db.session.commit()
    result = apply_retention(TODAY)
    assert result.deleted == {"views": 9} and result.held_for_safeguarding == 1
    assert texts()["key-0"] == COMMENTS[0]


def test_erasure_finds_a_person_in_an_identified_survey_and_deletes_their_response(app_ctx):
    load("identified")
    [match] = find_identified("person 6")
    assert match.details == [("Your name", "Person 6")]
    erase_response(match.response_id)
    assert db.session.get(Response, match.response_id) is None
    assert db.session.scalar(select(func.count()).select_from(Response)) == 7
    assert find_identified("Person 6") == []
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["erasure.search", "erasure.erase", "erasure.search"]
    assert "Person" not in str(db.session.scalars(select(AuditEvent.detail)).all())


def test_anonymous_answers_are_never_searched_or_erased_on_request(app_ctx):
    load("anonymous")
    assert find_identified("Person 6") == []
    response_id = db.session.scalar(select(Response.id))
    with pytest.raises(ServiceError, match="cannot be told apart"):
        erase_response(response_id)
    with pytest.raises(ServiceError, match="at least 3 characters"):
        find_identified("P")


def test_retention_apply_command(app, runner):
    with app.app_context():
        load()
    result = runner.invoke(args=["retention", "apply", "--today", "2025-10-01"])
    assert result.exit_code == 0, result.output
    assert "Deleted the text of 10 answer(s) (views: 10); 0 held" in result.output


def test_the_daily_housekeeping_applies_retention(app_ctx, monkeypatch):
    from feedback import jobs

    load()
    monkeypatch.setattr("feedback.services.clock.today", lambda: TODAY)
    assert jobs.JOBS["daily"]().startswith("retention: 10 text(s) deleted; 0 draft(s) purged")


def test_the_daily_housekeeping_is_scheduled_once_per_day_on_redis(app):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from rq import Queue
    from rq.job import Job

    from feedback import jobs

    connection.flushdb()
    app.config["REDIS_URL"] = url
    try:
        with app.app_context():
            assert jobs.schedule_daily(TODAY) == "chorus-daily-2025-10-01"
            assert jobs.schedule_daily(TODAY) is None  # a second worker starting
        job = Job.fetch("chorus-daily-2025-10-01", connection=connection)
        assert job.args == ("daily", {})
        scheduled = Queue(jobs.QUEUE, connection=connection).scheduled_job_registry
        assert scheduled.get_job_ids() == ["chorus-daily-2025-10-01"]
        when = scheduled.get_scheduled_time(job)
        assert when.isoformat().startswith("2025-10-01T01:00")  # 02:00 BST is 01:00 UTC
    finally:
        connection.flushdb()
