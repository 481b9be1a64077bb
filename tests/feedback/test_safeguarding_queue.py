"""Safeguarding in the app: flags raised at submission, the email, the queue, decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEvent, Response, SafeguardingFlag
from feedback.services.library import store_definition
from feedback.services.responses import store_response
from feedback.services.safeguarding import notify_new_flags
from feedback.services.waves import create_wave
from tests.feedback.workspace import make_user, sign_in
from tests.mailbox import free_port, local_smtp

TODAY = dt.date(2026, 11, 25)

SURVEY = """\
key: views
title: Your views
audience: young_people
settings: {{mode: {mode}}}
sections:
- key: about
  title: About you
  questions:
  - key: age_band
    type: segment
    text: How old are you?
    options: {{segment: age_band}}
    choices: [11-13, 14-17]
  - key: name
    type: short_text
    text: Your name
  - key: change
    type: long_text
    text: If you could change one thing, what would it be?
"""

DISCLOSURE = "my step dad hits me when mum is out"


@pytest.fixture
def inbox():
    with local_smtp() as handler:
        yield handler, handler.port


@pytest.fixture
def mail_app(app, inbox):
    _, port = inbox
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, PUBLIC_URL="https://chorus.example",
                      SAFEGUARDING_EMAILS="dsl@example.org, deputy@example.org")
    return app


def open_wave(mode: str = "anonymous"):
    store_definition(SURVEY.format(mode=mode))
    wave = create_wave("views", "views-2026", "Autumn 2026", TODAY - dt.timedelta(days=1),
                       TODAY + dt.timedelta(days=9))
    db.session.commit()
    return wave


def submit(wave, text: str, key: str, **others):
    return store_response(wave, {"age_band": "14-17", "change": text, **others}, key, TODAY)[0]


def flags():
    return list(db.session.scalars(select(SafeguardingFlag).order_by(SafeguardingFlag.id)))


def test_a_disclosure_is_flagged_with_its_reason_and_an_ordinary_answer_is_not(app_ctx):
    wave = open_wave()
    submit(wave, "more trips out please", "a")
    response = submit(wave, DISCLOSURE, "b")
    [flag] = flags()
    assert flag.answer.response_id == response.id and flag.answer.question_key == "change"
    assert flag.status == "new" and flag.raised_on == TODAY
    assert [r["category"] for r in flag.reasons] == ["harm_from_others"]
    assert flag.notified is False  # email is not configured in the default test app


def test_the_same_submission_twice_flags_once(app_ctx):
    wave = open_wave()
    submit(wave, DISCLOSURE, "same")
    submit(wave, DISCLOSURE, "same")
    assert len(flags()) == 1


def test_the_safeguarding_lead_is_emailed_at_once_without_the_answer(mail_app, inbox):
    handler, _ = inbox
    with mail_app.app_context():
        wave = open_wave()
        submit(wave, DISCLOSURE, "k1")
        [flag] = flags()
        flag_id = flag.id
        assert flag.notified is True
    handler.wait()
    [(recipients, message)] = handler.messages
    assert recipients == ["dsl@example.org", "deputy@example.org"]
    body = message.get_content()
    assert "Your views (Autumn 2026), 25 November 2026" in body
    assert "Being hurt" in body or "hurt" in body.lower()
    assert f"https://chorus.example/admin/safeguarding/{flag_id}" in body
    assert "step dad" not in body and "hits" not in body
    assert "step dad" not in message["Subject"]


def test_a_failed_email_is_retried_later(mail_app, inbox):
    handler, port = inbox
    mail_app.config["SMTP_PORT"] = free_port()  # nothing listens there
    with mail_app.app_context():
        wave = open_wave()
        submit(wave, DISCLOSURE, "k1")
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert flags()[0].notified is False
        mail_app.config["SMTP_PORT"] = port
        assert notify_new_flags() == 1
        assert flags()[0].notified is True
        assert notify_new_flags() == 0
    assert len(handler.messages) == 1


def test_the_queue_shows_new_items_first_and_the_answer_in_full(app, client):
    with app.app_context():
        wave = open_wave()
        submit(wave, "i want to die", "a")
        submit(wave, DISCLOSURE, "b")
        first, second = flags()
        first.status = "reviewed"
        db.session.commit()
        first_id, second_id = first.id, second.id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    queue = client.get("/admin/safeguarding").get_data(as_text=True)
    assert queue.index(f"/admin/safeguarding/{second_id}") < \
        queue.index(f"/admin/safeguarding/{first_id}")
    assert "1 new item to review" in queue
    item = client.get(f"/admin/safeguarding/{second_id}").get_data(as_text=True)
    assert DISCLOSURE in item
    assert "anonymous" in item and "14-17" in item
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events == ["safeguarding.list", "safeguarding.view"]


def test_identified_mode_shows_who_wrote_it(app, client):
    with app.app_context():
        wave = open_wave("identified")
        submit(wave, DISCLOSURE, "a", name="Jo Example")
        flag_id = flags()[0].id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    item = client.get(f"/admin/safeguarding/{flag_id}").get_data(as_text=True)
    assert "identified mode" in item and "Jo Example" in item


def test_a_decision_needs_a_note_and_is_audited(app, client):
    with app.app_context():
        wave = open_wave()
        submit(wave, DISCLOSURE, "a")
        flag_id = flags()[0].id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get(f"/admin/safeguarding/{flag_id}").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/safeguarding/{flag_id}",
                           data={"status": "referred", "note": " ", "csrf_token": token})
    assert response.status_code == 400
    assert "Write a note" in response.get_data(as_text=True)
    response = client.post(f"/admin/safeguarding/{flag_id}", data={
        "status": "referred", "note": "Referred to the front door at 10:05.", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        flag = flags()[0]
        assert flag.status == "referred"
        assert [(n.status, n.note) for n in flag.notes] == [
            ("referred", "Referred to the front door at 10:05.")]
        event = db.session.scalar(select(AuditEvent)
                                  .where(AuditEvent.action == "safeguarding.status"))
        assert event.detail == {"status": "referred"} and event.actor == lead.email
        assert "front door" not in str(event.detail)


def test_the_count_of_new_items_is_in_the_navigation(app, client):
    with app.app_context():
        wave = open_wave()
        submit(wave, DISCLOSURE, "a")
        submit(wave, "i want to kill myself", "b")
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get("/admin/safeguarding").get_data(as_text=True)
    assert '<span class="nav-count">2<span class="visually-hidden"> new</span></span>' in page


def test_the_overview_tells_an_administrator_how_many_items_wait(app, client):
    with app.app_context():
        wave = open_wave()
        submit(wave, DISCLOSURE, "a")
        admin = make_user("admin")
        lead = make_user("lead")
    sign_in(client, admin)
    assert "1 new safeguarding item</strong> waiting" in client.get("/admin/overview").text
    other = app.test_client()
    sign_in(other, lead)
    assert "safeguarding" not in other.get("/admin/overview").text.lower()
