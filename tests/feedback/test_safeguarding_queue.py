"""Safeguarding in the app: one item per response raised at submission, the email, the
queue a lead can work from, the whole response on an item's page, and decisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEvent, Response, SafeguardingFlag, SafeguardingItem, User
from feedback.services import safeguarding as service
from feedback.services.clock import today
from feedback.services.screening import ScreenStatus
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
from tests.feedback.workspace import make_user, sign_in
from tests.mailbox import free_port, local_smtp

pytestmark = pytest.mark.usefixtures("phrase_lists_only")


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


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def text_of(html: str) -> str:
    """The words of a page: inline tags go, the others leave a space."""
    inline = re.sub(r"</?(?:strong|span|a|em)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


# -- raised at submission -----------------------------------------------------------------

def test_one_response_with_two_flagged_answers_is_one_item_with_two_findings(app_ctx):
    wave = open_wave(today())
    submit(wave, "a", today(), ORDINARY)
    response = submit(wave, "b", today(), DISCLOSURE, anything_else=SELF_HARM)
    [item] = items()
    assert item.response_id == response.id
    assert (item.status, item.raised_on, item.notified, item.decided_on) == (
        "new", today(), False, None)  # email is not configured in the default test app
    assert [(f.answer.question_key, [r["category"] for r in f.reasons])
            for f in item.findings] == [("change", ["harm_from_others"]),
                                        ("anything_else", ["self_harm"])]
    assert item.findings[0].reasons == [{
        "category": "harm_from_others", "label": "Being hurt or made to do things by someone",
        "matched": "hits me", "source": "phrase"}]
    assert service.categories(item) == ["Being hurt or made to do things by someone",
                                        "Self-harm or suicidal thoughts"]


def test_the_same_submission_twice_raises_one_item(app_ctx):
    wave = open_wave(today())
    submit(wave, "same", today(), DISCLOSURE)
    submit(wave, "same", today(), DISCLOSURE)
    assert len(items()) == 1
    assert db.session.scalar(select(func.count()).select_from(SafeguardingFlag)) == 1


def test_the_lead_gets_one_email_line_per_item_and_never_the_answer(mail_app, inbox):
    handler, _ = inbox
    with mail_app.app_context():
        wave = open_wave(today())
        submit(wave, "k1", today(), DISCLOSURE, anything_else=SELF_HARM)
        [item] = items()
        item_id, day = item.id, today()
        assert item.notified is True
    handler.wait()
    [(recipients, message)] = handler.messages
    assert recipients == ["dsl@example.org", "deputy@example.org"]
    body = message.get_content()
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert lines == [
        f"- Your views (Autumn 2026), {day:%d %B %Y}: Being hurt or made to do things by "
        "someone, Self-harm or suicidal thoughts. "
        f"https://chorus.example/admin/safeguarding/{item_id}"]
    assert "1 new item(s) need review" in body
    for words in ("step dad", "hits", "kill"):
        assert words not in body and words not in message["Subject"]


def test_a_failed_email_is_retried_later(mail_app, inbox):
    handler, port = inbox
    mail_app.config["SMTP_PORT"] = free_port()  # nothing listens there
    with mail_app.app_context():
        wave = open_wave(today())
        submit(wave, "k1", today(), DISCLOSURE)
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert items()[0].notified is False
        mail_app.config["SMTP_PORT"] = port
        assert service.notify_new_flags() == 1
        assert items()[0].notified is True
        assert service.notify_new_flags() == 0
    assert len(handler.messages) == 1


# -- when an item is due -------------------------------------------------------------------

@pytest.mark.parametrize(("raised", "expected"), [
    (dt.date(2026, 11, 25), "today"), (dt.date(2026, 11, 24), "yesterday"),
    (dt.date(2026, 11, 22), "3 days ago"), (dt.date(2026, 11, 12), "13 days ago"),
    (dt.date(2026, 11, 11), "on 11 Nov 2026"), (dt.date(2025, 11, 25), "on 25 Nov 2025"),
    (dt.date(2026, 3, 2), "on 2 Mar 2026")])
def test_how_long_ago_an_item_was_raised_reads_as_a_person_says_it(raised, expected):
    assert service.raised_ago(raised, dt.date(2026, 11, 25)) == expected


def test_an_item_is_overdue_once_the_day_after_it_was_raised_has_ended(app_ctx):
    # target 1 day: raised on Monday 23 November, it is due by the end of Tuesday 24th,
    # so it is overdue on Wednesday 25th; one raised on the 24th is not (yet)
    assert service.overdue_before(dt.date(2026, 11, 25)) == dt.date(2026, 11, 24)


@pytest.mark.parametrize("app", [{"SAFEGUARDING_TARGET_DAYS": 3}], indirect=True)
def test_the_target_is_the_services_setting(app_ctx):
    assert service.overdue_before(dt.date(2026, 11, 25)) == dt.date(2026, 11, 22)


# -- the queue -----------------------------------------------------------------------------

def five_items() -> dict[str, int]:
    """Items raised 5, 3, 1, 0 and 2 days ago; the first reviewed, the last referred."""
    wave = open_wave(today())
    ids = {}
    for name, age, status in (("A", 5, "reviewed"), ("B", 3, "new"), ("C", 1, "new"),
                              ("D", 0, "new"), ("E", 2, "referred")):
        submit(wave, name, days_ago(age), DISCLOSURE)
        item = items()[-1]
        item.status = status
        ids[name] = item.id
    db.session.commit()
    return ids


def queue_order(page: str, ids: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[int(n)] for n in re.findall(r'href="/admin/safeguarding/(\d+)"', page)]


def rows_of(page: str) -> dict[str, str]:
    """Each table row's text, by the item it opens."""
    return {n: text_of(row) for row in re.findall(r"<tr[ >].*?</tr>", page, re.S)
            for n in re.findall(r'href="/admin/safeguarding/(\d+)"', row)}


def test_the_queue_puts_overdue_items_first_then_new_then_the_rest_newest_first(app, client):
    with app.app_context():
        ids = five_items()
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get("/admin/safeguarding").text
    # B (new, 3 days) is overdue; D and C are new, newest first; E and A were decided
    assert queue_order(page, ids) == ["B", "D", "C", "E", "A"]
    rows = rows_of(page)
    assert rows[str(ids["B"])].startswith("3 days ago")
    assert "Overdue New" in rows[str(ids["B"])]
    assert [n for n in ids if "Overdue" in rows[str(ids[n])]] == ["B"]
    assert rows[str(ids["D"])].startswith("today")
    assert rows[str(ids["C"])].startswith("yesterday")
    assert "Your views Autumn 2026 Being hurt or made to do things by someone" in \
        rows[str(ids["A"])]
    assert "3 new items to review, 1 of them overdue." in text_of(page)


def test_the_queue_can_show_one_status_or_the_overdue_items_only(app, client):
    with app.app_context():
        ids = five_items()
        lead = make_user("safeguarding")
    sign_in(client, lead)
    assert queue_order(client.get("/admin/safeguarding?status=overdue").text, ids) == ["B"]
    assert queue_order(client.get("/admin/safeguarding?status=referred").text, ids) == ["E"]
    assert queue_order(client.get("/admin/safeguarding?status=new").text, ids) == \
        ["B", "D", "C"]
    assert len(queue_order(client.get("/admin/safeguarding?status=nonsense").text, ids)) == 5


def test_overdue_is_a_tag_of_its_own_not_rag_amber(app, client):
    with app.app_context():
        five_items()
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get("/admin/safeguarding").text
    assert '<strong class="tag tag-overdue">Overdue</strong>' in page
    assert "tag-amber" not in page
    css = client.get("/static/workspace.css").text
    overdue = re.search(r"\.tag-overdue \{([^}]*)\}", css).group(1)
    amber = re.search(r"\.tag-amber \{([^}]*)\}", css).group(1)
    assert "var(--error)" in overdue and overdue != amber


# -- an item's page ------------------------------------------------------------------------

def test_an_item_shows_the_whole_response_in_the_surveys_order_in_anonymous_mode(app, client):
    with app.app_context():
        wave = open_wave(today())
        response = submit(wave, "a", days_ago(3), DISCLOSURE, anything_else=ORDINARY)
        [item] = items()
        item_id, response_id = item.id, response.id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get(f"/admin/safeguarding/{item_id}").text
    shown = text_of(page)
    assert "anonymous" in shown and "Raised 3 days ago. Overdue New" in shown
    # every answer, in the order the survey asks: age, feeling safe, the two free texts
    order = [shown.index(s) for s in ("How old are you? 14-17",
                                      "Do you feel safe where you live? Not sure",
                                      f"If you could change one thing, what would it be? "
                                      f"Raised this item {DISCLOSURE}",
                                      f"Is there anything else you want to tell us? {ORDINARY}")]
    assert order == sorted(order)
    assert page.count('class="summary-list-row answer-flagged"') == 1
    assert ("Why it was raised If you could change one thing, what would it be? "
            "Being hurt or made to do things by someone: the words “hits me”") in shown
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.target, e.detail) for e in events] == [
            ("safeguarding.view", f"item {item_id}", {"read": 2})]
        # opening it is reading the response's words
        for key in ("change", "anything_else"):
            answer = answer_of(response_id, key)
            assert (answer.read_on, answer.read_by_id) == (today(), lead.id)


def test_identified_mode_shows_who_wrote_it(app, client):
    with app.app_context():
        wave = open_wave(today(), "identified")
        submit(wave, "a", today(), DISCLOSURE, name="Jo Example")
        item_id = items()[0].id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    item = text_of(client.get(f"/admin/safeguarding/{item_id}").text)
    assert "identified mode" in item and "Your name Jo Example" in item


def test_reasons_from_the_sentence_model_a_choice_and_a_person_are_explained(app, client):
    with app.app_context():
        wave = open_wave(today(), "identified")
        response = submit(wave, "a", today(), DISCLOSURE, feel_safe="no",
                          anything_else="i like school. they laugh at me")
        db.session.expire(response, ["answers"])
        meaning = {"category": "bullying", "label": "Bullying", "matched": "they laugh at me",
                   "source": "meaning", "score": 0.8123,
                   "examples": ["everyone at school calls me names", "they laugh at me"]}
        person = {"category": "neglect", "label": "Neglect: not fed, left alone or not "
                  "looked after", "matched": "", "source": "person"}
        service.raise_concerns(response, today(), [
            (answer_of(response.id, "anything_else"), [meaning, person])])
        db.session.commit()
        item_id = items()[0].id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    shown = text_of(client.get(f"/admin/safeguarding/{item_id}").text)
    # the "no" was found by the survey's concern list when the response was stored
    assert ("Do you feel safe where you live? A worrying answer chosen: "
            "answered “No” to “Do you feel safe where you live?”") in shown
    assert ("Looks like: Bullying, in the words “they laugh at me” (score 0.81) Nearest "
            "examples: “everyone at school calls me names”; “they laugh at me”") in shown
    assert "Neglect: not fed, left alone or not looked after: raised by a person who read " \
        "the answer" in shown
    assert "Being hurt or made to do things by someone: the words “hits me”" in shown


def test_a_missing_item_is_not_found(app, client):
    with app.app_context():
        lead = make_user("safeguarding")
    sign_in(client, lead)
    assert client.get("/admin/safeguarding/999").status_code == 404


# -- decisions -------------------------------------------------------------------------------

def test_a_decision_needs_a_note_is_audited_and_keeps_the_day_it_was_first_made(app, client):
    with app.app_context():
        wave = open_wave(today())
        submit(wave, "a", today(), DISCLOSURE)
        item_id = items()[0].id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    token = csrf(client.get(f"/admin/safeguarding/{item_id}").text)
    response = client.post(f"/admin/safeguarding/{item_id}",
                           data={"status": "referred", "note": " ", "csrf_token": token})
    assert response.status_code == 400
    assert "Write a note" in response.text
    response = client.post(f"/admin/safeguarding/{item_id}", data={
        "status": "referred", "note": "Referred to the front door at 10:05.", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        item = items()[0]
        assert (item.status, item.decided_on) == ("referred", today())
        assert [(n.status, n.note) for n in item.notes] == [
            ("referred", "Referred to the front door at 10:05.")]
        event = db.session.scalar(select(AuditEvent)
                                  .where(AuditEvent.action == "safeguarding.status"))
        assert event.detail == {"status": "referred"} and event.actor == lead.email
        assert event.target == f"item {item_id}"
        assert "front door" not in str(event.detail)


def test_the_safeguarding_service_leaves_the_commit_to_its_caller(app_ctx):
    wave = open_wave(today())
    submit(wave, "a", today(), DISCLOSURE)
    item_id = items()[0].id
    lead = db.session.merge(make_user("safeguarding"))
    service.set_status(item_id, "reviewed", "Spoke to the school.", lead, today())
    service.item_detail(item_id, lead, today())
    db.session.rollback()
    item = db.session.get(SafeguardingItem, item_id)
    assert (item.status, item.notes, item.decided_on) == ("new", [], None)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert answer_of(item.response_id, "change").read_on is None


def test_a_later_decision_keeps_the_day_the_item_first_left_new(app_ctx):
    wave = open_wave(today())
    submit(wave, "a", today(), DISCLOSURE)
    item = items()[0]
    lead = db.session.get(User, make_user("safeguarding").id)
    item.decided_on = days_ago(4)
    service.set_status(item.id, "no_further_action", "Checked with the carer.", lead, today())
    assert item.decided_on == days_ago(4)
    with pytest.raises(service.SafeguardingError) as raised:
        service.set_status(item.id, "maybe", "A note", lead, today())
    assert raised.value.field == "status"


# -- counts and the overview ---------------------------------------------------------------

def test_the_count_of_new_items_is_in_the_navigation(app, client):
    with app.app_context():
        wave = open_wave(today())
        submit(wave, "a", today(), DISCLOSURE, anything_else=SELF_HARM)
        submit(wave, "b", today(), SELF_HARM)
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get("/admin/safeguarding").get_data(as_text=True)
    assert '<span class="nav-count">2<span class="visually-hidden"> new</span></span>' in page
    assert "2 new items to review, none overdue." in text_of(page)


def test_the_overview_tells_an_administrator_how_many_items_wait_and_are_overdue(app, client):
    with app.app_context():
        wave = open_wave(today())
        submit(wave, "a", days_ago(2), DISCLOSURE)
        submit(wave, "b", today(), DISCLOSURE)
        admin = make_user("admin")
        lead = make_user("lead")
    sign_in(client, admin)
    assert "2 new safeguarding items to review, 1 of them overdue." in \
        text_of(client.get("/admin/overview").text)
    other = app.test_client()
    sign_in(other, lead)
    assert "safeguarding" not in other.get("/admin/overview").text.lower()


# -- a screen that is not whole is said loudly ------------------------------------------------

SAFEGUARDING_PAGES = ("/admin/safeguarding", "/admin/safeguarding/{item}",
                      "/admin/safeguarding/to-read", "/admin/safeguarding/to-read/{answer}/raise",
                      "/admin/overview")


def pages_as_admin(app, client) -> list[str]:
    with app.app_context():
        wave = open_wave(today())
        response = submit(wave, "a", today(), DISCLOSURE, anything_else=ORDINARY)
        ids = {"item": items()[0].id, "answer": answer_of(response.id, "anything_else").id}
        admin = make_user("admin")
    sign_in(client, admin)
    pages = []
    for url in SAFEGUARDING_PAGES:
        response = client.get(url.format(**ids))
        assert response.status_code == 200, url
        pages.append(response.text)
    return pages


def test_every_safeguarding_page_warns_when_the_screen_runs_on_phrase_lists_only(
        app, client, monkeypatch):
    monkeypatch.setattr("feedback.admin.safeguarding.screen_status", lambda: ScreenStatus(
        phrases=True, meaning=False, problem="the sentence model could not be loaded"))
    for page in pages_as_admin(app, client):
        banner = re.search(r'<div class="banner banner-error banner-screen" role="alert">'
                           r"(.*?)</div>", page, re.S)
        assert banner, "no warning"
        assert ("The safeguarding screen is running on its phrase lists only. Why: the "
                "sentence model could not be loaded. Answers worded in ways the lists do not "
                "foresee are not being caught") in text_of(banner.group(1))


def test_the_warning_is_gone_when_the_screen_is_whole(app, client, monkeypatch):
    monkeypatch.setattr("feedback.admin.safeguarding.screen_status",
                        lambda: ScreenStatus(phrases=True, meaning=True))
    for page in pages_as_admin(app, client):
        assert "banner-screen" not in page and "phrase lists only" not in page


def test_with_the_meaning_layer_turned_off_every_page_says_so(app, client):
    """The real status, not a stand-in: CHORUS_SAFEGUARDING_MEANING is off in these tests."""
    for page in pages_as_admin(app, client):
        assert "running on its phrase lists only. Why: the meaning layer is turned off" in \
            text_of(page)
