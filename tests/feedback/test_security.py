"""Security headers on every page, session cookie flags, no inline code in templates,
and rate limits on sending surveys and on signing in."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import Draft, Response
from feedback.ratelimit import rate_limit
from feedback.security import client_key
from feedback.services.clock import today
from feedback.services.waves import close_wave
from surveys import Audience
from tests.conftest import FreshContextClient, make_app
from tests.feedback.respondent import (
    LIBRARY,
    complete,
    csrf_token,
    first_answers,
    open_every_library_survey,
    start,
)

ROOT = Path(__file__).resolve().parents[2]
LIMITS_ON = {"RATELIMIT_ENABLED": True, "SUBMISSION_RATE_LIMIT": "2 per minute",
             "LOGIN_RATE_LIMIT": "3 per minute"}


class RecordingClient(FreshContextClient):
    """Keeps every response it receives, with the URL asked for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[tuple[str, object]] = []

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        url = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "?")
        self.seen.append((url, response))
        return response


@pytest.fixture
def open_waves(app_ctx):
    open_every_library_survey()
    return app_ctx


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def csp_directives(header: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def assert_protected(response, url: str, *, https: bool = False) -> None:
    """The headers every response carries, worked out from the policy we want."""
    headers = response.headers
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    assert csp.get("script-src") == "'self'", url
    assert csp.get("style-src") == "'self'", url
    assert csp.get("frame-ancestors") == "'none'", url
    assert csp.get("base-uri") == "'none'", url
    assert csp.get("object-src") == "'none'", url
    assert csp.get("form-action") == "'self'", url
    assert csp.get("default-src") in ("'none'", "'self'"), url
    assert "unsafe" not in headers["Content-Security-Policy"], url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "no-referrer", url
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", url
    policy = headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in policy, (url, feature)
    if https:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), url
    else:
        assert "Strict-Transport-Security" not in headers, url


# -- headers ---------------------------------------------------------------------------------


def test_every_respondent_and_public_page_carries_the_security_headers(open_waves):
    app = open_waves
    app.test_client_class = RecordingClient
    client = app.test_client()
    for key in LIBRARY:  # landing, start, every question page, thank-you
        complete(client, key)
    for audience in Audience:
        client.get(f"/you-said-we-did/{audience.value}")
    for url in ("/", "/help", "/healthz", "/static/chorus.css", "/static/read-aloud.js",
                "/s/no-such-survey", "/you-said-we-did/nobody", f"/s/{LIBRARY[0]}/saved",
                f"/s/{LIBRARY[0]}/resume", "/?lang=pl"):
        client.get(url)
    client.post(f"/s/{LIBRARY[0]}/start", data={})  # no CSRF token: the CSRF error page
    page = client.get(f"/s/{LIBRARY[0]}/resume")
    client.post(f"/s/{LIBRARY[0]}/resume", data={"csrf_token": csrf_token(page.text),
                                                 "code": "WRONG-CODE"})
    url = start(client, "staff-annual")  # a page with errors, then save and come back
    page = client.get(url)
    client.post(url, data={"csrf_token": csrf_token(page.text), "team": "not-a-team",
                           "action": "continue"})
    saved = client.post(url, data={**first_answers(page.text), "action": "save"})
    client.get(saved.headers["Location"])
    close_wave("foster-carers-now", today())
    db.session.commit()
    client.get("/s/foster-carers")  # closed

    statuses = {r.status_code for _, r in client.seen}
    assert {200, 302, 400, 404} <= statuses
    assert len(client.seen) > 100
    for url, response in client.seen:
        assert_protected(response, url)


@pytest.mark.parametrize("app", [{"PROPAGATE_EXCEPTIONS": False}], indirect=True)
def test_the_error_page_of_a_crash_carries_them_too(app):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.text
    assert_protected(response, "/broken")


@pytest.mark.parametrize("app", [{"SESSION_COOKIE_SECURE": True}], indirect=True)
def test_https_adds_strict_transport_security_and_secure_cookies(app, open_waves):
    client = app.test_client()
    start(client, "staff-annual")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert cookie.same_site == "Lax"
    assert_protected(client.get("/"), "/", https=True)


def test_the_session_cookie_is_http_only_and_same_site_lax(open_waves, client):
    page = client.get("/s/staff-annual")
    sent = client.post("/s/staff-annual/start", data={"csrf_token": csrf_token(page.text)})
    header = next(v for k, v in sent.headers.items() if k == "Set-Cookie")
    attributes = {a.strip().split("=")[0].lower() for a in header.split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes  # plain HTTP by default (SESSION_COOKIE_SECURE off)


INLINE_CODE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_have_no_inline_script_or_style():
    """The CSP would block them; they would break pages silently in browsers."""
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for name, pattern in INLINE_CODE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert problems == []


# -- rate limits -----------------------------------------------------------------------------


def test_the_client_key_is_a_keyed_hash_never_the_address(app):
    def key(address: str, secret: str = "test-secret") -> str:
        app.config["SECRET_KEY"] = secret
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return client_key()

    first = key("203.0.113.9")
    assert "203" not in first and "113" not in first and len(first) == 24
    assert key("203.0.113.9") == first
    assert key("203.0.113.10") != first
    assert key("203.0.113.9", secret="another") != first


@pytest.mark.parametrize("app", [LIMITS_ON], indirect=True)
def test_submissions_past_the_limit_get_a_friendly_429_and_keep_the_draft(open_waves, client):
    complete(client, "young-people-8-11")
    complete(client, "young-people-8-11")
    assert count(Response) == 2

    with pytest.raises(AssertionError, match="Please wait a few minutes"):
        complete(client, "young-people-8-11")  # refused on its last page
    assert count(Response) == 2
    assert count(Draft) == 1, "the turned-away answers stay, to send later"

    refused = _answer_from(client, _carry_on_url(client, "young-people-8-11"))
    assert refused.status_code == 429
    assert "Please wait a few minutes" in refused.text
    assert "your answers are kept" in refused.text
    assert 'href="/help"' in refused.text  # the respondent layout: help one tap away
    assert int(refused.headers["Retry-After"]) > 0
    assert_protected(refused, "the last page")
    assert count(Response) == 2 and count(Draft) == 1

    other = open_waves.test_client()  # another network has its own allowance
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    complete(other, "young-people-8-11")
    assert count(Response) == 3


def _answer_from(client, url: str):
    """Answer page after page from ``url``; returns the response that does not move on."""
    for _ in range(100):
        page = client.get(url)
        response = client.post(url, data={**first_answers(page.text), "action": "continue"})
        if response.status_code != 302 or "/thank-you" in response.headers["Location"]:
            return response
        url = response.headers["Location"]
    raise AssertionError("the survey never ended")


def _carry_on_url(client, survey_key: str) -> str:
    """The page a respondent with a draft is on: Start carries on from the draft."""
    page = client.get(f"/s/{survey_key}")
    carried = client.post(f"/s/{survey_key}/start", data={"csrf_token": csrf_token(page.text)})
    return carried.headers["Location"]


@pytest.mark.parametrize("app", [LIMITS_ON], indirect=True)
def test_pages_before_the_last_and_saving_are_not_counted(open_waves):
    for _ in range(4):  # more respondents saving a page than the limit allows surveys
        client = open_waves.test_client()
        url = start(client, "staff-annual")
        page = client.get(url)
        saved = client.post(url, data={**first_answers(page.text), "action": "save"})
        assert saved.status_code == 302
    client = open_waves.test_client()
    complete(client, "staff-annual")
    complete(client, "staff-annual")
    assert count(Response) == 2


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": False,
                                  "SUBMISSION_RATE_LIMIT": "1 per minute"}], indirect=True)
def test_limits_can_be_turned_off(open_waves, client):
    for _ in range(3):
        complete(client, "young-people-4-7")
    assert count(Response) == 3


@rate_limit("LOGIN_RATE_LIMIT")
def _sign_in():
    """Stands in for the sign-in view: limited by LOGIN_RATE_LIMIT as the real one is."""
    return "signed in?"


def login_app(database_url, instance_path, **settings) -> Flask:
    app = make_app(database_url, instance_path, WTF_CSRF_ENABLED=False,
                   **{**LIMITS_ON, **settings})
    app.add_url_rule("/test-sign-in", "test_sign_in", _sign_in, methods=["GET", "POST"])
    return app


def test_login_attempts_past_the_limit_get_429(database_url, tmp_path):
    client = login_app(database_url, tmp_path / "instance").test_client()
    for _ in range(5):
        assert client.get("/test-sign-in").status_code == 200  # looking is not trying
    assert [client.post("/test-sign-in").status_code for _ in range(4)] == [200, 200, 200, 429]
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert other.post("/test-sign-in").status_code == 200


def test_an_app_with_limits_off_stays_unlimited_beside_one_with_them_on(database_url, tmp_path):
    """The limiter is one object per process: a live test server made with limits off
    must stay unlimited after another test makes an app with them on."""
    off = login_app(database_url, tmp_path / "off", RATELIMIT_ENABLED=False).test_client()
    on = login_app(database_url, tmp_path / "on").test_client()
    assert [off.post("/test-sign-in").status_code for _ in range(5)] == [200] * 5
    assert [on.post("/test-sign-in").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(database_url, tmp_path):
    client = login_app(database_url, tmp_path / "instance", TRUSTED_PROXIES=1).test_client()

    def post(address: str) -> int:
        return client.post("/test-sign-in", headers={"X-Forwarded-For": address}).status_code

    assert [post("192.0.2.1") for _ in range(4)] == [200, 200, 200, 429]
    assert post("192.0.2.2") == 200


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(database_url, tmp_path):
    client = login_app(database_url, tmp_path / "instance").test_client()
    codes = [client.post("/test-sign-in", headers={"X-Forwarded-For": f"192.0.2.{n}"}
                         ).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]  # a client cannot pick a new address per attempt


def test_limits_are_kept_in_redis_when_it_is_configured(database_url, tmp_path):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    # A secret of its own, so no earlier run's counters (kept for a minute) are seen.
    app = login_app(database_url, tmp_path / "instance", REDIS_URL=url,
                    SECRET_KEY=uuid.uuid4().hex)
    assert app.config["RATELIMIT_STORAGE_URI"] == url
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        key = client_key()
    try:
        codes = [app.test_client().post("/test-sign-in").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert connection.keys(f"*{key}*"), "no counter in Redis"
        assert not connection.keys("*127.0.0.1*"), "addresses are hashed"
    finally:
        for k in connection.keys(f"*{key}*"):
            connection.delete(k)


def test_an_unreachable_redis_turns_nobody_away(database_url, tmp_path):
    app = login_app(database_url, tmp_path / "instance", REDIS_URL="redis://127.0.0.1:1/0")
    client = app.test_client()
    assert [client.post("/test-sign-in").status_code for _ in range(4)] == [200] * 4


def test_without_redis_limits_are_kept_in_memory(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_pages_with_answers_or_workspace_data_are_never_cached(open_waves, client):
    # A shared tablet's Back button must not bring back the last person's answers.
    survey = client.get("/s/staff-annual")
    assert survey.headers["Cache-Control"] == "no-store"
    assert client.get("/admin/sign-in").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/help").headers.get("Cache-Control", "")
