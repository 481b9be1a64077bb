"""Respondent pages through the test client: every survey can be completed, and the
rules around waves, codes, double submission and CSRF hold."""

import datetime as dt

import pytest
from sqlalchemy import func, inspect, select

import surveys
from feedback.extensions import db
from feedback.models import Answer, Draft, Response
from feedback.services.clock import today
from feedback.services.library import load_library
from feedback.services.waves import create_wave
from tests.feedback.respondent import (
    complete,
    csrf_token,
    first_answers,
    session_token,
    start,
)

LIBRARY = [s.key for s in surveys.load_library()]


@pytest.fixture
def open_waves(app_ctx):
    """Every library survey with a wave open today."""
    load_library()
    day = today()
    for key in LIBRARY:
        create_wave(key, f"{key}-now", "Now", day - dt.timedelta(days=3),
                    day + dt.timedelta(days=10))
    db.session.commit()
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
