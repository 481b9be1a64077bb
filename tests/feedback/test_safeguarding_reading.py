"""Every child's words read by a person: the "To read" page lists the free text of
children's and care leavers' surveys nobody has read, oldest first; the safeguarding lead
marks it read in batches, or raises a concern the screen missed; the overview says how
much has been read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import insert, select

from feedback.extensions import db
from feedback.models import Answer, AuditEvent, Response, Wave
from feedback.services import safeguarding_reading as reading
from feedback.services.clock import today
from feedback.services.responses import store_response
from feedback.services.waves import create_wave
from tests.feedback.safeguarding_data import (
    DISCLOSURE,
    ORDINARY,
    answer_of,
    items,
    open_wave,
    phrase_lists_only,  # noqa: F401  (a fixture)
    submit,
)
from tests.feedback.workspace import make_user, sign_in

TO_READ = "/admin/safeguarding/to-read"

pytestmark = pytest.mark.usefixtures("phrase_lists_only")


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def text_of(html: str) -> str:
    inline = re.sub(r"</?(?:strong|span|a|em)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def listed(page: str) -> list[int]:
    """The ids of the answers on a "To read" page, in order."""
    return [int(n) for n in re.findall(r'name="answer" value="(\d+)"', page)]


def some_answers() -> dict[str, int]:
    """Young people's answers sent 3, 1 and 2 days ago (two in the first response), and a
    staff answer, which the safeguarding lead does not read."""
    wave = open_wave(today())
    first = submit(wave, "a", days_ago(3), "first change", anything_else="first else")
    last = submit(wave, "b", days_ago(1), "last change")
    middle = submit(wave, "c", days_ago(2), "middle change")
    staff = open_wave(today(), key="staff-views")
    [staff_response, _] = store_response(staff, {"improve": "more time"}, "s", days_ago(4))
    return {"first change": answer_of(first.id, "change").id,
            "first else": answer_of(first.id, "anything_else").id,
            "middle": answer_of(middle.id, "change").id,
            "last": answer_of(last.id, "change").id,
            "staff": answer_of(staff_response.id, "improve").id}


@pytest.fixture
def lead_client(app, client):
    with app.app_context():
        ids = some_answers()
        lead = make_user("safeguarding")
    sign_in(client, lead)
    client.ids, client.lead = ids, lead
    return client


def test_the_answers_nobody_has_read_are_listed_oldest_first(app, lead_client):
    ids = lead_client.ids
    page = lead_client.get(TO_READ).text
    assert listed(page) == [ids["first change"], ids["first else"], ids["middle"], ids["last"]]
    shown = text_of(page)
    assert "4 answers to read" in shown
    with app.app_context():
        sent = days_ago(3)
    assert (f"Your views, Autumn 2026, sent {sent.day} {sent:%b %Y} If you could change one "
            "thing, what would it be? first change") in shown
    assert "Is there anything else you want to tell us? first else" in shown
    assert "more time" not in shown  # staff answers are not read here
    with app.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.target, event.detail) == (
            "safeguarding.list", "to read", {"wave": "all", "page": 1, "count": 4})


def test_the_ticked_answers_are_marked_read_without_javascript(app, lead_client):
    ids = lead_client.ids
    token = csrf(lead_client.get(TO_READ).text)
    response = lead_client.post(TO_READ, data={
        "csrf_token": token, "mark": "selected", "answer": [ids["first else"], ids["last"]],
        "shown": [ids["first change"], ids["first else"], ids["middle"], ids["last"]]})
    assert response.status_code == 302 and response.location.endswith(TO_READ)
    page = lead_client.get(TO_READ).text
    assert "2 answers marked as read." in page
    assert listed(page) == [ids["first change"], ids["middle"]]
    with app.app_context():
        for key in ("first else", "last"):
            answer = db.session.get(Answer, ids[key])
            assert (answer.read_on, answer.read_by_id) == (today(), lead_client.lead.id)
        assert db.session.get(Answer, ids["middle"]).read_on is None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "safeguarding.read"))
        assert event.detail == {"count": 2}


def test_mark_all_on_this_page_marks_what_was_shown(app, lead_client):
    ids = lead_client.ids
    token = csrf(lead_client.get(TO_READ).text)
    lead_client.post(TO_READ, data={"csrf_token": token, "mark": "page",
                                    "answer": [ids["middle"]],
                                    "shown": [ids["first change"], ids["middle"]]})
    assert listed(lead_client.get(TO_READ).text) == [ids["first else"], ids["last"]]


def test_nothing_ticked_is_an_error_that_says_what_to_do(app, lead_client):
    ids = lead_client.ids
    token = csrf(lead_client.get(TO_READ).text)
    response = lead_client.post(TO_READ, data={"csrf_token": token, "mark": "selected",
                                               "shown": [ids["first change"]]})
    assert response.status_code == 400
    assert f'<a href="#answer-{ids["first change"]}">Choose the answers you have read</a>' in \
        response.text
    assert len(listed(response.text)) == 4


def test_answers_already_read_or_not_for_reading_here_are_left_alone(app, lead_client):
    ids = lead_client.ids
    with app.app_context():
        lead = db.session.merge(lead_client.lead)
        assert reading.mark_batch_read([ids["middle"]], lead, days_ago(1)) == 1
        assert reading.mark_batch_read([ids["middle"], ids["staff"], 2**40], lead, today()) == 0
        assert db.session.get(Answer, ids["middle"]).read_on == days_ago(1)  # the first
        assert db.session.get(Answer, ids["staff"]).read_on is None
        with pytest.raises(reading.SafeguardingError) as raised:
            reading.mark_batch_read([], lead, today())
        assert raised.value.field == "answer"


def test_a_page_shows_fifty_and_marking_it_leaves_the_rest(app, client):
    with app.app_context():
        wave = open_wave(today())
        responses = db.session.scalars(insert(Response).returning(Response.id), [
            {"wave_id": wave.id, "version_id": wave.version_id, "submitted_on": days_ago(5),
             "idempotency_key": f"k{i}", "language": "en"} for i in range(55)]).all()
        db.session.execute(insert(Answer), [{"response_id": r, "question_key": "change",
                                             "text": f"answer {i}", "value": None}
                                            for i, r in enumerate(responses)])
        db.session.commit()
        lead = make_user("safeguarding")
    sign_in(client, lead)
    page = client.get(TO_READ).text
    assert len(listed(page)) == 50 and "Page 1 of 2" in page
    assert len(listed(client.get(TO_READ + "?page=2").text)) == 5
    client.post(TO_READ, data={"csrf_token": csrf(page), "mark": "page",
                               "shown": listed(page)})
    page = client.get(TO_READ).text
    assert "5 answers to read" in text_of(page) and len(listed(page)) == 5


def test_the_list_can_show_one_wave(app, lead_client):
    page = lead_client.get(TO_READ + "?wave=views-2026").text
    assert len(listed(page)) == 4
    assert '<option value="views-2026" selected>Your views, Autumn 2026 (4 to read)' in page
    assert listed(lead_client.get(TO_READ + "?wave=nothing-here").text) == []


# -- raising a concern the screen missed --------------------------------------------------------

def test_the_lead_raises_a_concern_about_an_answer_the_screen_missed(app, lead_client):
    ids = lead_client.ids
    url = f"{TO_READ}/{ids['middle']}/raise"
    page = lead_client.get(url).text
    assert "middle change" in page and "Bullying" in page and "Self-harm or suicidal" in page
    response = lead_client.post(url, data={"csrf_token": csrf(page), "category": "neglect"})
    with app.app_context():
        [item] = items()
        assert response.status_code == 302
        assert response.location.endswith(f"/admin/safeguarding/{item.id}")
        [finding] = item.findings
        assert finding.answer_id == ids["middle"]
        assert finding.reasons == [{"category": "neglect", "label": "Neglect: not fed, left "
                                    "alone or not looked after", "matched": "",
                                    "source": "person"}]
        assert (item.status, item.raised_on) == ("new", today())
        assert db.session.get(Answer, ids["middle"]).read_on == today()
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "safeguarding.raise"))
        assert (event.target, event.detail) == (f"item {item.id}",
                                                {"answer": ids["middle"], "category": "neglect"})
    page = lead_client.get(f"/admin/safeguarding/{item.id}").text
    assert "raised by a person who read the answer" in page


def test_a_concern_about_another_answer_joins_the_responses_item(app, lead_client):
    ids = lead_client.ids
    url = f"{TO_READ}/{ids['first else']}/raise"
    with app.app_context():
        lead = db.session.merge(lead_client.lead)
        reading.raise_by_person(ids["first change"], "bullying", lead, today())
        reading.raise_by_person(ids["first else"], "secrets", lead, today())
        db.session.commit()
        [item] = items()
        assert [f.answer_id for f in item.findings] == [ids["first change"], ids["first else"]]
    page = lead_client.get(url).text
    response = lead_client.post(url, data={"csrf_token": csrf(page), "category": "nonsense"})
    assert response.status_code == 400
    assert "Choose what the answer may show" in response.text


def test_only_childrens_and_care_leavers_answers_can_be_raised_here(app, lead_client):
    assert lead_client.get(f"{TO_READ}/{lead_client.ids['staff']}/raise").status_code == 404
    assert lead_client.get(f"{TO_READ}/999999/raise").status_code == 404


@pytest.mark.parametrize("role", ["lead", "manager", "viewer"])
def test_nobody_but_the_safeguarding_lead_reaches_the_answers_to_read(app, client, role):
    with app.app_context():
        ids = some_answers()
        user = make_user(role)
    sign_in(client, user)
    assert client.get(TO_READ).status_code == 403
    assert client.get(f"{TO_READ}/{ids['middle']}/raise").status_code == 403
    assert client.post(TO_READ, data={"mark": "page", "shown": [ids["middle"]]}
                       ).status_code in (400, 403)
    with app.app_context():
        assert db.session.get(Answer, ids["middle"]).read_on is None


# -- how much has been read ---------------------------------------------------------------------

@pytest.mark.parametrize(("read", "total", "percent"), [
    (412, 530, 78), (2, 3, 67), (529, 530, 99), (530, 530, 100), (1, 530, 1), (0, 5, 0),
    (0, 0, None)])
def test_the_share_read_is_rounded_but_never_claims_all_or_none_wrongly(read, total, percent):
    assert reading.ReadShare("w", "s", "t", read, total).percent == percent


def test_the_share_read_counts_the_open_wave_or_else_the_latest(app_ctx):
    wave = open_wave(today())
    for key, text in (("a", DISCLOSURE), ("b", ORDINARY), ("c", "third")):
        submit(wave, key, today(), text)
    first = db.session.scalar(select(Answer).where(Answer.text == ORDINARY))
    first.read_on = today()
    gone = db.session.scalar(select(Answer).where(Answer.text == "third"))
    gone.text, gone.text_deleted_on = None, today()  # counted, and never read
    # a closed earlier wave of the same survey is not counted while one is open
    create_wave("views", "views-2025", "Autumn 2025", days_ago(400), days_ago(370))
    staff = open_wave(today(), key="staff-views")
    store_response(staff, {"improve": "more time"}, "s", today())
    [share] = reading.read_shares(today())
    assert (share.wave_key, share.read, share.total) == ("views-2026", 1, 3)
    # with no wave open, the latest to have opened
    db.session.scalar(select(Wave).where(Wave.key == "views-2026")).closed_early_on = today()
    [share] = reading.read_shares(today())
    assert (share.wave_key, share.read, share.total) == ("views-2026", 1, 3)


def test_the_overview_says_how_much_of_the_childrens_words_was_read(app, client):
    with app.app_context():
        wave = open_wave(today())
        for key in "abc":
            submit(wave, key, today(), f"answer {key}")
        db.session.scalar(select(Answer).where(Answer.text == "answer a")).read_on = today()
        db.session.scalar(select(Answer).where(Answer.text == "answer b")).read_on = today()
        db.session.commit()
        admin = make_user("admin")
    sign_in(client, admin)
    assert "Your views, Autumn 2026: 2 of 3 read, 67 %" in text_of(
        client.get("/admin/overview").text)
    assert "2 of 3 read, 67 %" in text_of(client.get(TO_READ).text)


def test_hostile_words_are_shown_as_text(app, client):
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    with app.app_context():
        wave = open_wave(today())
        response = submit(wave, "a", today(), hostile)
        answer_id = answer_of(response.id, "change").id
        lead = make_user("safeguarding")
    sign_in(client, lead)
    for url in (TO_READ, f"{TO_READ}/{answer_id}/raise"):
        page = client.get(url).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x" in page, url
        assert "<script>alert" not in page and "<img src=x" not in page, url
