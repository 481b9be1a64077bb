""""Exit this page" through the test client: /exit forgets which survey the browser was
answering and redirects to EXIT_URL carrying nothing; the draft itself stays; respondent
pages are never cached and their text boxes are never refilled by the browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from feedback.config import ConfigError
from feedback.extensions import db
from feedback.models import Draft
from feedback.respond.exit import is_exit_url
from tests.conftest import make_app
from tests.feedback.respondent import (
    LIBRARY,
    complete,
    csrf_token,
    first_answers,
    open_every_library_survey,
    start,
)
from tests.feedback.workspace import make_user, sign_in

DISCLOSURE = "my mums boyfriend hurts me when she is at work"
YOUNG = "young-people-11-17"
#: the young people's survey's first free-text question, a page of its own
FREE_TEXT_PAGE = f"/s/{YOUNG}/q/best_thing"


@pytest.fixture
def open_waves(app_ctx):
    """Every library survey with a wave open today; answers screened by the phrase lists
    only (the sentence model takes minutes to load, and these tests are about leaving)."""
    app_ctx.config["SAFEGUARDING_MEANING"] = False
    open_every_library_survey()
    return app_ctx


def write_disclosure(client) -> None:
    """Start the survey and send the first free-text page with a disclosure in it."""
    start(client, YOUNG)
    page = client.get(FREE_TEXT_PAGE)
    assert '<textarea class="textarea" id="best_thing"' in page.text
    sent = client.post(FREE_TEXT_PAGE, data={**first_answers(page.text, DISCLOSURE),
                                             "action": "continue"})
    assert sent.status_code == 302
    assert DISCLOSURE in client.get(FREE_TEXT_PAGE).text  # the page is drawn from the draft


def test_exit_forgets_the_survey_and_its_pages_go_back_to_the_start(open_waves, client):
    write_disclosure(client)

    left = client.get("/exit")

    assert left.status_code == 303
    assert left.headers["Location"] == "https://www.bbc.co.uk/weather"
    with client.session_transaction() as session:
        assert "drafts" not in session
    again = client.get(FREE_TEXT_PAGE)
    assert again.status_code == 302 and again.headers["Location"] == f"/s/{YOUNG}"
    landing = client.get(f"/s/{YOUNG}").text
    assert "Start now" in landing and "Continue where you left off" not in landing
    assert DISCLOSURE not in landing


def test_exit_keeps_the_draft_in_the_database(open_waves, client):
    write_disclosure(client)
    client.get("/exit")
    [draft] = db.session.scalars(select(Draft)).all()
    assert draft.answers["best_thing"] == DISCLOSURE


def test_a_draft_saved_with_a_code_can_still_be_resumed_after_exit(open_waves, client, app):
    url = start(client, "staff-annual")
    page = client.get(url)
    answers = first_answers(page.text)
    saved = client.post(url, data={**answers, "action": "save"})
    code_page = client.get(saved.headers["Location"]).text
    code = re.search(r'<strong class="code"[^>]*>([A-Z0-9-]+)</strong>', code_page).group(1)
    client.get("/exit")
    assert client.get(url).headers["Location"] == "/s/staff-annual"

    resume = client.get("/s/staff-annual/resume")
    carried = client.post("/s/staff-annual/resume",
                          data={"csrf_token": csrf_token(resume.text), "code": code})
    assert carried.status_code == 302
    assert f'value="{answers["team"][0]}" checked' in client.get(url).text
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1


def test_exit_forgets_every_survey_and_a_resume_code_but_not_a_workspace_sign_in(
        open_waves, client):
    start(client, YOUNG)
    start(client, "care-leavers")
    user = make_user("lead")
    sign_in(client, user)
    with client.session_transaction() as session:
        assert len(session["drafts"]) == 2
        session["resume_code"] = "ABCD-EFGH"
        session["help_now"] = {"1": {"survey": YOUNG, "next": True}}
        session["survey_preview"] = {"survey": YOUNG, "answers": {"best_thing": DISCLOSURE},
                                     "path": ["best_thing"]}
        session["lang"] = "pl"

    client.get("/exit")

    with client.session_transaction() as session:
        assert not {"drafts", "resume_code", "help_now", "survey_preview"} & set(session)
        assert session["lang"] == "pl"
        assert session["_user_id"] == user.get_id()


def test_exit_without_a_survey_still_leaves(open_waves, client):
    left = client.get("/exit")
    assert left.status_code == 303
    assert left.headers["Location"] == "https://www.bbc.co.uk/weather"


@pytest.mark.parametrize("app", [{"EXIT_URL": "https://example.org/news"}], indirect=True)
def test_the_redirect_is_exactly_the_exit_url_and_carries_nothing_from_the_survey(
        open_waves, client):
    write_disclosure(client)
    left = client.get(f"/exit?from={YOUNG}&text=boyfriend",
                      headers={"Referer": f"http://localhost{FREE_TEXT_PAGE}"})
    assert left.headers["Location"] == "https://example.org/news"
    assert left.headers["Referrer-Policy"] == "no-referrer"
    assert left.headers["Cache-Control"] == "no-store"
    assert "boyfriend" not in left.get_data(as_text=True)


@pytest.mark.parametrize("url", ["www.bbc.co.uk/weather", "/help", "javascript:alert(1)",
                                 "https://", ""])
def test_an_exit_url_that_is_not_a_full_web_address_stops_chorus(database_url, tmp_path, url):
    with pytest.raises(ConfigError, match="EXIT_URL"):
        make_app(database_url, tmp_path, EXIT_URL=url)


def test_full_web_addresses_are_exit_urls():
    assert is_exit_url("https://www.bbc.co.uk/weather")
    assert is_exit_url("http://intranet.council.example/news")
    assert not is_exit_url(None)


# -- the pages -------------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The exit link, the scripts, and every typed field of the page's POST form."""

    def __init__(self) -> None:
        super().__init__()
        self.exit_links: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self.status_regions: list[dict[str, str]] = []
        self.form: dict[str, str] | None = None
        self.typed: list[dict[str, str]] = []  # text inputs and textareas in the form
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "data-exit-this-page" in a:
            self.exit_links.append(a)
        elif tag == "script":
            self.scripts.append(a.get("src", ""))
        elif "data-exit-this-page-status" in a:
            self.status_regions.append(a)
        elif tag == "form" and a.get("method", "").lower() == "post":
            self._in_form, self.form = True, a
        elif self._in_form and (tag == "textarea" or (tag == "input"
                                                     and a.get("type") == "text")):
            self.typed.append({"tag": tag, **a})

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def read(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


@pytest.fixture
def every_page(open_waves, app):
    """Every respondent page met while answering every library survey: (url, response)."""
    seen: list[tuple[str, object]] = []

    def record(response):
        from flask import request
        seen.append((request.full_path, response))
        return response

    app.after_request_funcs.setdefault(None, []).append(record)
    client = app.test_client()
    for key in LIBRARY:
        complete(client, key)
        client.get(f"/s/{key}/thank-you")
    url = start(client, "staff-annual")
    page = client.get(url)
    client.post(url, data={**first_answers(page.text), "action": "save"})
    client.get("/s/staff-annual/saved")
    client.get("/s/staff-annual/resume")
    return [(url, r) for url, r in seen if url.startswith("/s/")]


def test_every_respondent_page_is_never_cached(every_page):
    assert len(every_page) > 100
    for url, response in every_page:
        assert response.headers["Cache-Control"] == "no-store", url


def test_every_text_box_on_every_question_page_is_never_refilled_by_the_browser(every_page):
    boxes = 0
    textareas = 0
    for url, response in every_page:
        if response.status_code != 200 or "/q/" not in url:
            continue
        page = read(response.get_data(as_text=True))
        assert page.form and page.form.get("autocomplete") == "off", url
        for box in page.typed:
            assert box.get("autocomplete") == "off", (url, box)
            boxes += 1
            textareas += box["tag"] == "textarea"
    assert textareas >= 5 and boxes > textareas  # free text, numbers, dates and short text


def test_every_respondent_page_has_the_exit_link_its_messages_and_its_script(every_page):
    pages = [(u, r) for u, r in every_page if r.status_code == 200]
    assert len(pages) > 50
    for url, response in pages:
        page = read(response.get_data(as_text=True))
        [link] = page.exit_links
        assert link["href"] == "/exit", url
        assert link["data-press-two"] == "Shift, press 2 more times to exit.", url
        assert link["data-press-one"] == "Shift, press 1 more time to exit.", url
        assert link["data-leaving"] and link["data-timed-out"], url
        [region] = page.status_regions
        assert region["role"] == "status" and region["aria-live"] == "polite", url
        assert "/static/exit-this-page.js" in page.scripts, url


def test_public_pages_have_the_exit_link_and_workspace_pages_do_not(open_waves, client):
    for url in ("/", "/help", "/privacy", "/no-such-page"):
        page = read(client.get(url).get_data(as_text=True))
        assert [a["href"] for a in page.exit_links] == ["/exit"], url
        assert "/static/exit-this-page.js" in page.scripts, url
    sign_in_page = read(client.get("/admin/sign-in").get_data(as_text=True))
    assert sign_in_page.exit_links == []
    assert "/static/exit-this-page.js" not in sign_in_page.scripts


def test_the_script_is_served_from_chorus_itself(client):
    script = client.get("/static/exit-this-page.js")
    assert script.status_code == 200
    assert "location.replace" in script.get_data(as_text=True)
    script.close()
