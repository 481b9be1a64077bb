"""Hostile input: random and adversarial data posted to every respondent form and public
route never causes a 500 and never stores anything from a rejected submission; script
in answers and in survey wording is shown as text.

To cover a new form, add a :class:`FormTarget` to ``FORMS`` (and a page to ``PAGES``):
``open`` takes a test client to the form and returns its URL and a valid submission.
"""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, Draft, InvitationCode, Response
from feedback.services.clock import today
from feedback.services.library import load_library, store_definition
from feedback.services.waves import close_wave
from tests.feedback.respondent import csrf_token, first_answers, open_waves_now, start

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

#: A survey whose every piece of wording is hostile, with one question of each kind.
HOSTILE_SURVEY = f"""\
key: hostile-test
title: '{SCRIPT} survey'
audience: staff
description: '{IMG} description'
settings:
  safeguarding_notice: '{SCRIPT} notice'
  help_contacts:
    - {{name: '{IMG}', phone: "0800 1111", url: "javascript:alert(1)",
        description: '{SCRIPT}'}}
sections:
  - key: words
    title: '{SCRIPT} section'
    intro: '{IMG} intro'
    questions:
      - {{key: pick, type: single_choice, text: '{IMG} pick', hint: '{SCRIPT} hint',
          required: true, choices: [{{value: a, label: '{SCRIPT}'}}, {{value: b, label: '{IMG}'}}]}}
      - {{key: short, type: short_text, text: '{SCRIPT} short'}}
      - {{key: story, type: long_text, text: '{IMG} story'}}
      - {{key: which, type: multiple_choice, text: '{SCRIPT} which',
          choices: [{{value: x, label: '{IMG}'}}, {{value: y, label: 'Y'}}]}}
  - key: numbers
    title: '{IMG} numbers'
    questions:
      - {{key: when, type: date, text: '{SCRIPT} when'}}
      - {{key: how_many, type: number, text: '{IMG} how many'}}
      - {{key: agree, type: agreement, text: '{SCRIPT} agree'}}
      - {{key: face, type: smiley, text: '{IMG} face', options: {{faces: 3}}}}
      - {{key: score, type: rating, text: '{SCRIPT} score'}}
      - {{key: yn, type: yes_no, text: '{IMG} yes no'}}
      - {{key: team, type: segment, text: '{SCRIPT} team', options: {{segment: team}},
          choices: [{{value: north, label: '{IMG}'}}, {{value: south, label: South}}]}}
"""

ADVERSARIAL = (
    SCRIPT, IMG, "", " ", "\x00", "\r\n\r\n", "' OR 1=1 --", "%00", "%ff%fe", "../../etc/passwd",
    "{{7*7}}", "${7*7}", "=cmd|' /C calc'!A0", "+SUM(1,1)", "@SUM(1,1)", "\u202egnp.exe",
    "-1", "0", "1e309", "NaN", "inf", "9" * 400, "2026-02-31", "\ufeff", "🙂" * 50, "a\u0301" * 50,
    "true", "null", "[]", "{}", "K7QF-M2XP", "ABCD-EFGH",
)

#: Values people and scripts could send: text, numbers, adversarial strings, huge fields.
hostile_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ADVERSARIAL),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "<", "é", "🙂", "\x00"]),
              st.integers(1_000, 200_000)),
)
hostile_keys = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["csrf_token[]", "a[b][c]", "answers[0][value]", "team[]", "__proto__",
                     "submission", "action", "when-day", "when-year", "lang", "code"]),
)


@dataclass(frozen=True)
class FormTarget:
    name: str
    #: takes a client to the form; returns the URL it posts to and a valid submission
    open: Callable[..., tuple[str, dict[str, list[str]]]]


def _start_form(survey_key: str) -> Callable:
    def open_(client):
        page = client.get(f"/s/{survey_key}")
        return f"/s/{survey_key}/start", {"csrf_token": [csrf_token(page.text)]}
    return open_


def _question_page(survey_key: str) -> Callable:
    def open_(client):
        url = start(client, survey_key)
        page = client.get(url)
        return url, first_answers(page.text, "A few words")
    return open_


def _resume_form(survey_key: str) -> Callable:
    def open_(client):
        page = client.get(f"/s/{survey_key}/resume")
        return (f"/s/{survey_key}/resume",
                {"csrf_token": [csrf_token(page.text)], "code": ["ABCD-EFGH"]})
    return open_


FORMS = [
    FormTarget("start", _start_form("young-people-8-11")),
    FormTarget("question page, every question type", _question_page("hostile-test")),
    FormTarget("question page, staff sections", _question_page("staff-annual")),
    FormTarget("question page, one smiley question", _question_page("young-people-4-7")),
    FormTarget("resume", _resume_form("staff-annual")),
]

PAGES = [
    "/", "/help", "/healthz", "/you-said-we-did/young_people", "/s/hostile-test",
    "/s/hostile-test/resume", "/s/hostile-test/saved", "/s/hostile-test/thank-you",
    "/s/hostile-test/start", "/s/hostile-test/q/words", "/static/chorus.css",
]

HYPOTHESIS = settings(max_examples=25, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow,
                                             HealthCheck.data_too_large])


@pytest.fixture
def open_surveys(app_ctx):
    load_library()
    store_definition(HOSTILE_SURVEY, "hostile.yaml")
    open_waves_now(("young-people-8-11", "young-people-4-7", "staff-annual", "hostile-test"))
    return app_ctx


def stored() -> dict[str, list]:
    """Every row a respondent's request could write."""
    db.session.expire_all()
    return {model.__name__: sorted(repr(tuple(r)) for r in db.session.execute(
        select(*model.__table__.columns)).all())
        for model in (Response, Answer, Draft, InvitationCode)}


# -- forms -----------------------------------------------------------------------------------


@st.composite
def submissions(draw, valid: dict[str, list[str]]) -> tuple[str, dict]:
    """How a client might mangle a valid submission: (CSRF kind, keyword args for post)."""
    form: dict[str, list[str]] = {}
    for key, values in valid.items():
        if key == "csrf_token":
            continue
        choice = draw(st.sampled_from(["keep", "drop", "replace", "duplicate"]))
        if choice == "keep":
            form[key] = values
        elif choice == "replace":
            form[key] = draw(st.lists(hostile_values, min_size=1, max_size=3))
        elif choice == "duplicate":
            form[key] = values + draw(st.lists(hostile_values, min_size=1, max_size=2))
    for key, values in draw(st.lists(st.tuples(hostile_keys, st.lists(hostile_values,
                                                                      max_size=3)), max_size=4)):
        form.setdefault(key, []).extend(values)
    form.setdefault("action", [draw(st.sampled_from(["continue", "save", "", "delete"]))])

    csrf = draw(st.sampled_from(["valid", "valid", "missing", "wrong", "empty", "wrong first",
                                 "nested"]))
    token = valid["csrf_token"][0]
    form["csrf_token"] = {"valid": [token], "missing": [], "wrong": [token[::-1]],
                          "empty": [""], "wrong first": ["x" + token, token],
                          "nested": []}[csrf]
    if csrf == "nested":
        form["csrf_token[value]"] = [token]
    if not form["csrf_token"]:
        del form["csrf_token"]

    encoding = draw(st.sampled_from(["form", "form", "multipart", "raw bytes", "json", "text"]))
    if encoding == "form":
        return csrf, {"data": form}
    if encoding == "multipart":
        return csrf, {"data": {**form, "upload": (io.BytesIO(b"\x00\xff" * 100), "x.exe")},
                      "content_type": "multipart/form-data"}
    if encoding == "json":  # the right fields, the wrong way: the token is ignored there
        return "missing", {"json": form}
    if encoding == "text":
        return "missing", {"data": "csrf_token=" + token, "content_type": "text/plain"}
    raw = draw(st.lists(st.tuples(st.binary(max_size=30), st.binary(max_size=60)), max_size=6))
    pairs = [urllib.parse.quote_from_bytes(k) + "=" + urllib.parse.quote_from_bytes(v)
             for k, v in raw]
    invalid = draw(st.sampled_from([b"%ff%fe=%c0%af", b"\xff\xfe=\xc0\xaf", b"a=%", b"=&&=",
                                    b"%E2%82=%80"]))
    body = "&".join(pairs).encode() + b"&" + invalid
    if csrf == "valid":
        body += b"&csrf_token=" + token.encode()
    return csrf, {"data": body, "content_type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("target", FORMS, ids=[f.name for f in FORMS])
def test_hostile_posts_never_fail_and_rejected_ones_store_nothing(open_surveys, target):
    app = open_surveys

    @HYPOTHESIS
    @given(data=st.data())
    def post_something(data):
        client = app.test_client()
        url, valid = target.open(client)
        csrf, request = data.draw(submissions(valid))
        before = stored()
        response = client.post(url, **request)
        assert response.status_code < 500, response.text[:500]
        if csrf != "valid":
            assert response.status_code == 400, (csrf, response.status_code)
        if response.status_code != 302:  # turned away: nothing was written
            assert stored() == before

    post_something()


def test_a_form_field_without_a_name_is_dropped_not_a_crash(open_surveys):
    """A hand-made multipart body can carry name="\\n", which parses to no name at all."""
    client = open_surveys.test_client()
    url, valid = FORMS[1].open(client)
    before = stored()
    response = client.post(url, data={"\n": [""], **valid, "action": "continue"},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 302)
    missing_token = client.post(url, data={"\n": [""]}, content_type="multipart/form-data")
    assert missing_token.status_code == 400
    assert stored()["Response"] == before["Response"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND",
                                    "HEAD", "CONNECT"])
def test_odd_methods_on_every_page_and_form_are_refused_quietly(open_surveys, method):
    client = open_surveys.test_client()
    urls = PAGES + [target.open(client)[0] for target in FORMS]
    before = stored()
    for url in urls:
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url, response.status_code)
    assert stored() == before


segments = st.one_of(
    st.text(min_size=1, max_size=30).map(lambda t: urllib.parse.quote(t, safe="")),
    st.sampled_from(["..", "%2e%2e", "%00", "%ff", "%c0%af", "s", "q", "staff-annual",
                     "hostile-test", "static", "thank-you", "saved", "start", "resume", "x" * 3000,
                     "%2f", "~", "*", "%", "%zz"]),
)


@HYPOTHESIS
@given(parts=st.lists(segments, min_size=1, max_size=5),
       query=st.dictionaries(hostile_keys, hostile_values.filter(lambda v: len(v) < 2000),
                             max_size=3),
       method=st.sampled_from(["GET", "POST"]))
def test_odd_paths_and_queries_never_fail(open_surveys, parts, query, method):
    client = open_surveys.test_client()
    url = "/" + "/".join(parts) + "?" + urllib.parse.urlencode(query)
    before = stored()
    response = client.open(url, method=method)
    assert response.status_code < 500, (url, response.status_code)
    assert stored() == before


@HYPOTHESIS
@given(query=st.dictionaries(st.sampled_from(["lang", "page", "q", "next", "code"]),
                             hostile_values.filter(lambda v: len(v) < 2000), max_size=3),
       page=st.sampled_from(PAGES))
def test_hostile_query_strings_on_every_page_never_fail(open_surveys, query, page):
    response = open_surveys.test_client().get(page + "?" + urllib.parse.urlencode(query))
    assert response.status_code < 500, (page, query, response.status_code)


# -- script shown as text --------------------------------------------------------------------


class PageReader(HTMLParser):
    """What a browser would see: the elements, their attributes and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.values: list[str] = []
        self._in_textarea = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.problems.append("inline script element")
        if tag == "img" and a.get("src") == "x":
            self.problems.append("an <img> from the payload")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append("javascript: link")
            if name == "value" and value:
                self.values.append(value)
        self._in_textarea = tag == "textarea"

    def handle_endtag(self, tag):
        self._in_textarea = False

    def handle_data(self, data):
        (self.values if self._in_textarea else self.text).append(data)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


def assert_as_text(html: str, where: str, *, shows: tuple[str, ...] = ()) -> None:
    page = read_page(html)
    assert page.problems == [], where
    seen = "".join(page.text) + "\n".join(page.values)
    for payload in shows:
        assert payload in seen, f"{where}: {payload!r} is not shown as text"


def test_script_in_answers_and_in_survey_wording_is_shown_as_text(open_surveys):
    client = open_surveys.test_client()
    assert_as_text(client.get("/").text, "start page", shows=(SCRIPT,))
    landing = client.get("/s/hostile-test").text
    assert_as_text(landing, "landing page", shows=(SCRIPT, IMG))

    url = start(client, "hostile-test")
    page = client.get(url).text
    assert_as_text(page, "first page", shows=(SCRIPT, IMG))

    # Hostile answers, with the required question missing: the page comes back with them.
    answers = {**first_answers(page, IMG), "short": [SCRIPT], "action": "continue"}
    del answers["pick"]
    again = client.post(url, data=answers)
    assert again.status_code == 200 and "There is a problem" in again.text
    assert_as_text(again.text, "page with errors", shows=(SCRIPT, IMG))

    answers["pick"] = ["a"]
    moved = client.post(url, data=answers)
    assert moved.status_code == 302
    second = client.get(moved.headers["Location"]).text
    assert_as_text(second, "second page", shows=(IMG,))
    back = client.get(url).text  # "Back": the stored answers are shown again
    assert_as_text(back, "first page again", shows=(SCRIPT, IMG))

    saved = client.post(url, data={**answers, "action": "save"})
    assert_as_text(client.get(saved.headers["Location"]).text, "saved page")
    assert_as_text(client.get("/s/hostile-test/resume").text, "resume page", shows=(SCRIPT,))
    assert_as_text(client.get("/help").text, "help page")

    close_wave("hostile-test-now", today())
    db.session.commit()
    assert_as_text(client.get("/s/hostile-test").text, "closed survey", shows=(SCRIPT,))
    assert_as_text(client.get("/s/hostile-test/thank-you").text, "thank-you page")

    stored_text = db.session.scalars(select(Draft)).all()
    assert stored_text, "the draft with the hostile answers was kept as it was typed"
