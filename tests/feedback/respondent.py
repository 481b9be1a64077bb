"""Helpers for walking respondent pages with Flask's test client."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import surveys
from feedback.extensions import db
from feedback.services.clock import today
from feedback.services.library import load_library
from feedback.services.waves import create_wave

#: every survey of the shipped library
LIBRARY = [s.key for s in surveys.load_library()]


def open_waves_now(keys: list[str] | tuple[str, ...]) -> None:
    """Open a wave of each survey named (``<key>-now``, from three days ago for ten days
    from today) and commit. The surveys must be in the database already."""
    day = today()
    for key in keys:
        create_wave(key, f"{key}-now", "Now", day - dt.timedelta(days=3),
                    day + dt.timedelta(days=10))
    db.session.commit()


def open_every_library_survey() -> None:
    """Load the survey library into the database and open a wave of each survey."""
    load_library()
    open_waves_now(LIBRARY)


class FormReader(HTMLParser):
    """Collects the inputs of the first POST form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[dict[str, str]]] = {}
        self.textareas: list[str] = []
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form = True
        elif self.in_form and tag == "input":
            self.fields.setdefault(a.get("name", ""), []).append(a)
        elif self.in_form and tag == "textarea":
            self.textareas.append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def first_answers(html: str, text: str = "Things are mostly fine.") -> dict[str, list[str]]:
    """A plausible answer to every question on a page: the first option, a number, text."""
    form = read_form(html)
    data: dict[str, list[str]] = {}
    for name, inputs in form.fields.items():
        if name in ("", "csrf_token", "submission"):
            data[name] = [inputs[0].get("value", "")]
            continue
        kinds = {i.get("type") for i in inputs}
        if kinds & {"radio", "checkbox"}:
            data[name] = [inputs[0]["value"]]
        elif name.endswith("-day"):
            data[name] = ["14"]
        elif name.endswith("-month"):
            data[name] = ["3"]
        elif name.endswith("-year"):
            data[name] = ["2021"]
        elif inputs[0].get("inputmode") == "numeric":
            data[name] = ["12"]
        else:
            data[name] = ["a few words"]
    for name in form.textareas:
        data[name] = [text]
    data.pop("", None)
    return data


def start(client, survey_key: str, **extra) -> str:
    """Open a survey's landing page, press Start; returns the first page's URL."""
    page = client.get(f"/s/{survey_key}")
    assert page.status_code == 200, page.text[:300]
    response = client.post(f"/s/{survey_key}/start",
                           data={"csrf_token": csrf_token(page.text), **extra})
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def complete(client, survey_key: str, text: str = "Things are mostly fine.", **extra) -> list[str]:
    """Answer every page with :func:`first_answers`; returns the URLs visited."""
    url = start(client, survey_key, **extra)
    visited = []
    for _ in range(200):
        if "/thank-you" in url:
            return visited
        visited.append(url)
        page = client.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        response = client.post(url, data={**first_answers(page.text, text), "action": "continue"})
        assert response.status_code == 302, (url, response.text[:2000])
        url = response.headers["Location"]
    raise AssertionError("the survey never ended")


def session_token(client) -> str:
    """A valid CSRF token for the client's session, for posts to pages without a form."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    app = client.application
    with app.test_request_context():
        token = generate_csrf()
        raw = session[app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")]
    with client.session_transaction() as sess:
        sess[app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")] = raw
    return token
