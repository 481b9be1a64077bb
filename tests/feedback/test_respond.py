"""Respondent pages through the test client: every survey can be completed, and the
rules around waves, codes, double submission and CSRF hold."""

import datetime as dt

import pytest
from sqlalchemy import func, inspect, select

from feedback.extensions import db
from feedback.models import Answer, Draft, Response
from feedback.services.clock import today
from feedback.services.library import load_library
from feedback.services.waves import create_wave
from tests.feedback.respondent import (
    LIBRARY,
    complete,
    csrf_token,
    first_answers,
    open_every_library_survey,
    session_token,
    start,
)


@pytest.fixture
def open_waves(app_ctx):
    """Every library survey with a wave open today."""
    open_every_library_survey()
    return app_ctx


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("survey_key", LIBRARY)
def test_every_library_survey_can_be_completed(open_waves, client, survey_key):
    visited = complete(client, survey_key)
    assert len(visited) >= 3
    assert count(Response) == 1
    response = db.session.scalar(select(Response))
    assert response.submitted_on == today()
    stored = {a.question_key for a in response.answers}
    assert stored, "no answers stored"
    assert count(Draft) == 0, "the draft must go once answers are sent"


def test_thank_you_page_says_what_happens_next_and_links_you_said_we_did(open_waves, client):
    complete(client, "young-people-8-11")
    page = client.get("/s/young-people-8-11/thank-you").text
    assert "What happens next" in page
    assert 'href="/you-said-we-did/young_people"' in page
    public = client.get("/you-said-we-did/young_people")
    assert public.status_code == 200 and "Nothing to show yet" in public.text


def test_start_page_lists_open_surveys_by_audience(open_waves, client):
    page = client.get("/").text
    for heading in ("Staff", "Parents and families", "Foster carers", "Care leavers"):
        assert heading in page
    assert page.count('href="/s/') == len(LIBRARY)


def test_start_page_is_kind_when_nothing_is_open(app_ctx, client):
    page = client.get("/")
    assert page.status_code == 200
    assert "There are no surveys open right now" in page.text


def test_a_closed_wave_refuses_answers_and_says_when_it_closed(app_ctx, client):
    load_library()
    day = today()
    create_wave("foster-carers", "fc-old", "Old", day - dt.timedelta(days=40),
                day - dt.timedelta(days=10))
    db.session.commit()
    page = client.get("/s/foster-carers")
    assert "This survey closed on" in page.text
    response = client.post("/s/foster-carers/start",
                           data={"csrf_token": session_token(client)})
    assert "This survey closed on" in response.text
    assert count(Response) == 0 and count(Draft) == 0


def test_an_upcoming_wave_says_when_it_opens(app_ctx, client):
    load_library()
    day = today()
    create_wave("foster-carers", "fc-next", "Next", day + dt.timedelta(days=5),
                day + dt.timedelta(days=30))
    db.session.commit()
    assert "It opens on" in client.get("/s/foster-carers").text


def test_a_wave_closed_while_answering_refuses_the_answers(open_waves, client):
    url = start(client, "families-feedback")
    page = client.get(url)
    from feedback.services.waves import close_wave
    close_wave("families-feedback-now", today())
    db.session.commit()
    response = client.post(url, data={**first_answers(page.text), "action": "continue"})
    assert "This survey closed on" in response.text
    assert count(Response) == 0


def test_double_submission_stores_one_response(open_waves, client):
    url = start(client, "families-feedback")
    last = None
    for _ in range(20):
        page = client.get(url)
        data = {**first_answers(page.text), "action": "continue"}
        response = client.post(url, data=data)
        location = response.headers["Location"]
        if "thank-you" in location:
            last = (url, data)
            break
        url = location
    assert last is not None
    again = client.post(last[0], data=last[1])  # the same final page, sent again
    assert again.status_code == 302 and "thank-you" in again.headers["Location"]
    assert count(Response) == 1


def test_missing_or_wrong_csrf_token_is_refused_kindly_and_nothing_is_stored(open_waves, app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    url = start(client, "care-leavers")
    page = client.get(url)
    data = {**first_answers(page.text), "action": "continue"}
    for token in (None, "not-a-token"):
        sent = {k: v for k, v in data.items() if k != "csrf_token"}
        if token:
            sent["csrf_token"] = token
        response = client.post(url, data=sent)
        assert response.status_code == 400
        assert "your answers were not sent" in response.text
    assert db.session.scalar(select(Draft)).answers == {}
    assert count(Response) == 0


def test_errors_are_summarised_and_linked_to_their_fields(open_waves, client):
    url = start(client, "staff-annual")
    page = client.get(url)
    response = client.post(url, data={"csrf_token": csrf_token(page.text),
                                      "action": "continue"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert '<a href="#team">Choose an answer</a>' in response.text
    assert "<title>Error:" in response.text


def test_a_wrong_answer_value_is_an_error_not_a_crash(open_waves, client):
    url = start(client, "young-people-8-11")
    page = client.get(url)
    data = first_answers(page.text)
    key = next(k for k in data if k not in ("csrf_token", "submission"))
    data[key] = ["<script>alert(1)</script>"]
    response = client.post(url, data={**data, "action": "continue"})
    assert response.status_code == 200
    assert "Choose one of the answers shown" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_free_text_is_stored_exactly_and_shown_back_escaped(open_waves, client):
    complete(client, "care-leavers", text="<b>my PA</b> & me")
    texts = set(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
    assert "<b>my PA</b> & me" in texts


def test_no_ip_address_user_agent_or_time_of_day_is_stored(open_waves, client):
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.77",
                                "HTTP_USER_AGENT": "Mozilla/5.0 SpyPhone"})
    complete(client, "staff-annual")
    tables = inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        for table in tables:
            for row in conn.execute(db.text(f'SELECT * FROM "{table}"')):
                text = " ".join(str(v) for v in row)
                assert "203.0.113.77" not in text and "SpyPhone" not in text, table
    columns = {c["name"] for c in inspect(db.engine).get_columns("response")}
    assert columns == {"id", "wave_id", "version_id", "submitted_on", "idempotency_key",
                       "language"}
    assert isinstance(db.session.scalar(select(Response.submitted_on)), dt.date)


@pytest.fixture
def coded_wave(open_waves):
    from feedback.services.access import generate_invitations
    from feedback.services.waves import get_wave

    codes = generate_invitations(get_wave("foster-carers-now"), 2, today())
    db.session.commit()
    return codes


def test_a_wave_with_codes_asks_for_one_and_refuses_a_wrong_one(coded_wave, client):
    landing = client.get("/s/foster-carers")
    assert "Your invitation code" in landing.text
    token = csrf_token(landing.text)
    missing = client.post("/s/foster-carers/start", data={"csrf_token": token})
    assert "Enter the invitation code you were given" in missing.text
    wrong = client.post("/s/foster-carers/start", data={"csrf_token": token,
                                                        "invitation": "AAAA-AAAA"})
    assert "This code is not right, or it has already been used" in wrong.text
    assert count(Draft) == 0


def test_a_used_invitation_code_is_refused(coded_wave, app):
    complete(app.test_client(), "foster-carers", invitation=coded_wave[0])
    assert count(Response) == 1
    other = app.test_client()
    landing = other.get("/s/foster-carers")
    again = other.post("/s/foster-carers/start", data={"csrf_token": csrf_token(landing.text),
                                                       "invitation": coded_wave[0]})
    assert "already been used" in again.text
    assert count(Response) == 1


def test_a_code_shared_by_two_people_lets_only_the_first_send(coded_wave, app):
    first, second = app.test_client(), app.test_client()
    url = start(second, "foster-carers", invitation=coded_wave[1])  # starts, then waits
    complete(first, "foster-carers", invitation=coded_wave[1])
    for _ in range(30):
        page = second.get(url)
        response = second.post(url, data={**first_answers(page.text), "action": "continue"})
        if response.status_code != 302:
            break
        url = response.headers["Location"]
    assert response.status_code == 409 and "already been used" in response.text
    assert count(Response) == 1


def test_used_codes_are_not_linked_to_answers(coded_wave, client):
    from feedback.models import InvitationCode

    complete(client, "foster-carers", invitation=coded_wave[0])
    columns = {c["name"] for c in inspect(db.engine).get_columns("invitation_code")}
    assert columns == {"id", "wave_id", "code_hash", "created_on", "used_on"}
    assert all(coded_wave[0] not in (c.code_hash or "")
               for c in db.session.scalars(select(InvitationCode)))


def test_save_and_resume_on_another_device_keeps_answers(open_waves, app):
    phone, laptop = app.test_client(), app.test_client()
    url = start(phone, "staff-annual")
    page = phone.get(url)
    answers = first_answers(page.text)
    saved = phone.post(url, data={**answers, "action": "save"})
    assert saved.headers["Location"].endswith("/s/staff-annual/saved")
    code_page = phone.get(saved.headers["Location"]).text
    import re
    code = re.search(r'<strong class="code"[^>]*>([A-Z0-9-]+)</strong>', code_page).group(1)
    resume = laptop.get("/s/staff-annual/resume")
    wrong = laptop.post("/s/staff-annual/resume", data={"csrf_token": csrf_token(resume.text),
                                                        "code": "ZZZZ-ZZZZ"})
    assert "We cannot find answers saved with that code" in wrong.text
    carried = laptop.post("/s/staff-annual/resume", data={"csrf_token": csrf_token(resume.text),
                                                          "code": code.lower()})
    assert carried.status_code == 302
    second_page = laptop.get(carried.headers["Location"])
    back = re.search(r'class="back-link" href="([^"]+)"', second_page.text).group(1)
    first_page = laptop.get(back).text
    team = answers["team"][0]
    assert f'value="{team}" checked' in first_page


def test_back_link_keeps_answers_on_a_one_question_survey(open_waves, client):
    import re

    url = start(client, "young-people-8-11")
    page = client.get(url)
    answers = first_answers(page.text)
    nxt = client.post(url, data={**answers, "action": "continue"}).headers["Location"]
    back = re.search(r'class="back-link" href="([^"]+)"', client.get(nxt).text).group(1)
    assert back == url
    key, value = next((k, v[0]) for k, v in answers.items()
                      if k not in ("csrf_token", "submission"))
    assert f'name="{key}" type="radio" value="{value}" checked' in client.get(back).text


def test_progress_is_shown_in_words(open_waves, client):
    url = start(client, "young-people-4-7")
    assert "Question 1 of 9" in client.get(url).text
    url = start(client, "staff-annual")
    assert "Page 1 of" in client.get(url).text


def test_conditional_question_appears_only_after_the_answer_that_asks_for_it(open_waves, client):
    url = start(client, "staff-annual")
    seen = []
    for _ in range(30):
        page = client.get(url)
        data = first_answers(page.text)
        if "intention_to_stay" in data:
            data["intention_to_stay"] = ["leave_service"]
        seen.extend(k for k in data if k not in ("csrf_token", "submission"))
        response = client.post(url, data={**data, "action": "continue"})
        url = response.headers["Location"]
        if "thank-you" in url:
            break
    assert seen.index("reasons_for_leaving") > seen.index("intention_to_stay")
    stored = db.session.scalar(select(Answer).where(Answer.question_key == "reasons_for_leaving"))
    assert stored is not None and stored.value


def test_a_hidden_question_is_skipped_and_nothing_is_stored_for_it(open_waves, client):
    complete(client, "staff-annual")  # the first choice of intention_to_stay is to stay
    keys = set(db.session.scalars(select(Answer.question_key)))
    assert "intention_to_stay" in keys and "reasons_for_leaving" not in keys


def test_each_survey_shows_its_own_help_contacts(open_waves, client):
    staff = client.get(start(client, "staff-annual")).text
    assert "Employee Assistance Programme" in staff and "Childline" not in staff
    young = client.get(start(client, "young-people-11-17")).text
    assert "Childline" in young and "0800 1111" in young
