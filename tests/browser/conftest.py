"""A live Chorus server per test session (and xdist worker), real Chromium, and pages.

The server is built once on the session database and serves from a thread; every
test gets fresh data: each library survey with a wave open today, and every table
emptied afterwards, as the ``app`` fixture of ``tests/conftest.py`` does.

Chromium comes from Debian (``/usr/bin/chromium``): Playwright cannot download its own
browsers here. Without it the browser tests skip, except in CI (``CI=true``) where
they fail: browser tests must never be skipped silently there.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

import surveys
from feedback.extensions import db
from feedback.services.clock import today
from feedback.services.library import load_library
from feedback.services.waves import create_wave
from tests.conftest import make_app

CHROMIUM = Path(os.environ.get("CHORUS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: every survey shipped in the library, in file order
LIBRARY = [s.key for s in surveys.load_library()]

#: name -> (viewport, device scale factor)
VIEWPORTS = {
    "phone": ({"width": 360, "height": 740}, 2),
    "desktop": ({"width": 1280, "height": 800}, 1),
}


class QuietHandler(WSGIRequestHandler):
    """No request log: it would only repeat URLs in the test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """The running app: its base URL, and the app itself for database work."""

    def __init__(self, app, url: str) -> None:
        self.app = app
        self.url = url


def warm_up(app) -> None:
    """Build the safeguarding screen (the sentence model and its meaning layer) before
    serving, as ``chorus serve`` does, so no test's first answer waits for it."""
    from feedback.services.screening import screen_status

    with app.app_context():
        screen_status()


def serve_in_thread(app, name: str) -> Iterator[LiveServer]:
    """Serve ``app`` with werkzeug from a thread until the generator is closed."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory) -> Iterator[LiveServer]:
    """Chorus on the session database, served by werkzeug from a thread."""
    # Static files cached for an hour, as behind a real web server: no revalidation
    # request for the stylesheet on every page.
    app = make_app(database_url, tmp_path_factory.mktemp("browser-instance"),
                   SEND_FILE_MAX_AGE_DEFAULT=3600)
    warm_up(app)
    yield from serve_in_thread(app, "chorus-live")


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _open_every_survey(app) -> None:
    with app.app_context():
        load_library()
        day = today()
        for key in LIBRARY:
            create_wave(key, f"{key}-now", "Now", day - dt.timedelta(days=3),
                        day + dt.timedelta(days=10))
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def opening_rows(live_server: LiveServer) -> dict[str, list[dict]]:
    """The rows of every library survey with a wave open today, made once per session
    (loading the library parses every definition) and copied back in before each test."""
    app = live_server.app
    _empty_tables(app)
    _open_every_survey(app)
    with app.app_context(), db.engine.connect() as conn:
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in db.metadata.sorted_tables}
    _empty_tables(app)
    return {name: r for name, r in rows.items() if r}


@pytest.fixture
def server(live_server: LiveServer, opening_rows) -> Iterator[LiveServer]:
    """The live server with every library survey open today; every table is emptied
    afterwards, as other tests on this worker share the database."""
    app = live_server.app
    _empty_tables(app)  # whatever an earlier test on this worker may have left
    with app.app_context(), db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in opening_rows:
                conn.execute(table.insert(), opening_rows[table.name])
    yield live_server
    _empty_tables(app)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once per session (and xdist worker)."""
    if not CHROMIUM.exists():
        reason = (f"Chromium is not installed at {CHROMIUM}: install the Debian package "
                  "'chromium' (Playwright cannot download browsers here)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}; browser tests must not be skipped in CI",
                        pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser, server: LiveServer, viewport="phone", **options):
    """A fresh browsing context (cookies and all) on the live server."""
    size, scale = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
    context = browser.new_context(base_url=server.url, viewport=size,
                                  device_scale_factor=scale, locale="en-GB", **options)
    # Generous, so that CI passes on a loaded machine: a wait ends as soon as what it
    # waits for happens, so these only matter when something is really slow or wrong.
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    return context


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def context(browser, server, viewport):
    ctx = new_context(browser, server, viewport)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page at phone (360x740) and at desktop (1280x800) size, JavaScript on."""
    return context.new_page()


@pytest.fixture
def phone_page(browser, server):
    """A phone-sized page, for checks where the screen size makes no difference."""
    ctx = new_context(browser, server, "phone")
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def make_context(browser, server):
    """Makes extra contexts (another device, another viewport); closes them afterwards."""
    made = []

    def make(viewport="phone", **options):
        ctx = new_context(browser, server, viewport, **options)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def nojs_page(browser, server):
    """A phone-sized page in a context with JavaScript switched off."""
    ctx = new_context(browser, server, "phone", java_script_enabled=False)
    yield ctx.new_page()
    ctx.close()


# -- the workspace on demo data -------------------------------------------------------

@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Chorus on a database of its own holding the demo data (themes fitted with the
    tf-idf backend, for speed) and one account per role (``feedback.demo.accounts``).

    Tests that change data use ``demo_data`` as well, which puts it back afterwards.
    """
    from feedback import database
    from feedback.demo import generate_demo, load_demo
    from feedback.demo.accounts import create_demo_accounts
    from feedback.demo.actions import create_demo_actions
    from feedback.services.library import all_surveys
    from feedback.services.themes import refresh_survey
    from tests.conftest import fresh_database_url

    url = fresh_database_url(tmp_path_factory, "demo")
    app = make_app(url, tmp_path_factory.mktemp("demo-instance"),
                   SEND_FILE_MAX_AGE_DEFAULT=3600)
    with app.app_context():
        database.upgrade()
        load_demo(generate_demo(1, today()), 1)
        for survey in all_surveys():
            refresh_survey(survey, backend="tfidf", seed=1)
        create_demo_accounts()
        create_demo_actions(today())
        db.session.commit()
        db.session.remove()
    warm_up(app)
    yield from serve_in_thread(app, "chorus-demo")


@pytest.fixture(scope="session")
def demo_rows(demo_server: LiveServer) -> dict[str, list[dict]]:
    with demo_server.app.app_context(), db.engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in db.metadata.sorted_tables}


@pytest.fixture
def demo_data(demo_server: LiveServer, demo_rows) -> Iterator[LiveServer]:
    """The demo server, for a test that changes its data: restored afterwards."""
    yield demo_server
    _empty_tables(demo_server.app)
    with demo_server.app.app_context(), db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if demo_rows.get(table.name):
                conn.execute(table.insert(), demo_rows[table.name])
        if conn.dialect.name == "postgresql":  # ids go on from where they were
            for table in db.metadata.sorted_tables:
                if "id" in table.c and demo_rows.get(table.name):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"(SELECT MAX(id) FROM \"{table.name}\"))")


#: any workspace page but the sign-in page itself
SIGNED_IN = re.compile(r"^[a-z]+://[^/]+/admin/(?!sign-in\b)")


def sign_in(page, email: str, password: str) -> None:
    """Sign in on ``page`` and wait for the workspace page that signing in leads to.

    (A wait for ``**/admin/**`` would not do: the sign-in page matches it, so the wait
    would end at once and the next ``goto`` could cancel the sign-in on its way.)"""
    page.goto("/admin/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(SIGNED_IN)


def sign_in_page(browser, server: LiveServer, email: str, viewport="desktop", **options):
    """A new page signed in to the workspace as ``email`` (a demo account), in a context
    of its own (``options`` go to :func:`new_context`, e.g. JavaScript switched off)."""
    from feedback.demo.accounts import DEMO_PASSWORD

    page = new_context(browser, server, viewport, **options).new_page()
    sign_in(page, email, DEMO_PASSWORD)
    return page


@pytest.fixture
def lead_page(browser, demo_server):
    """The participation lead, signed in on a desktop-sized page."""
    page = sign_in_page(browser, demo_server, "lead@example.org")
    yield page
    page.context.close()
