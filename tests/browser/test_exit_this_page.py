""""Exit this page" in Chromium: it leaves at once, by the button or by pressing Shift three
times, and Back (once or more) never brings back what was typed, with or without JavaScript.

EXIT_URL points at a stand-in for the real exit site: a tiny web server of the test's own,
reached as ``localhost`` (another site than Chorus's ``127.0.0.1``, as the real one would
be), which records what it is sent. Requests for anywhere else are stopped, so the browser
never reaches the internet.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Draft
from feedback.services.screening import screener
from tests.browser.walk import assert_accessible, click_centre, press_button, start_survey

pytestmark = pytest.mark.browser

YOUNG = "young-people-11-17"
FREE_TEXT_PAGE = f"/s/{YOUNG}/q/best_thing"
#: sent on the first free-text page: kept in the draft, shown there while the draft is linked
SENT = "Playing football with my youth worker"
#: typed on the next page and never sent
DISCLOSURE = "my mums boyfriend hurts me when she is at work"

LIGHTS = ".button-exit .exit-this-page-light"
STATUS = "[data-exit-this-page-status]"
WEATHER = b"<!doctype html><html lang=en><title>Weather</title><h1>Sunny intervals</h1></html>"


class ExitSite:
    """The page Exit leads to in these tests, recording every request it gets (path and
    headers); and what the browser asked Chorus for."""

    def __init__(self, server) -> None:
        self.server = server
        self.received: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                site.received.append((self.path, dict(self.headers)))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(WEATHER)))
                self.end_headers()
                self.wfile.write(WEATHER)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_port}/weather"
        #: anywhere but the live server and this site (matched in the browser, so requests
        #: for those two never pass through Python)
        self.elsewhere = re.compile(rf"^(?!http://127\.0\.0\.1:{urlsplit(server.url).port}/"
                                    rf"|http://localhost:{self.httpd.server_port}/)")
        self.requests: list = []
        self.stopped: list[str] = []

    def watch(self, page) -> None:
        page.on("request", lambda request: self.requests.append(request))
        page.context.route(self.elsewhere, self._stop)

    def _stop(self, route) -> None:
        self.stopped.append(route.request.url)
        route.abort()

    def exits(self) -> list:
        """The browser's requests for Chorus's /exit."""
        return [r for r in self.requests if urlsplit(r.url).path == "/exit"]


@pytest.fixture
def exit_site(server) -> Iterator[ExitSite]:
    site = ExitSite(server)
    thread = threading.Thread(target=site.httpd.serve_forever, daemon=True)
    thread.start()
    config = server.app.config
    saved = {k: config[k] for k in ("EXIT_URL", "SAFEGUARDING_MEANING")}
    # The screen without its meaning layer (the sentence model would first embed its
    # example bank, a minute or two): these tests are about leaving, not the screen.
    config.update(EXIT_URL=site.url, SAFEGUARDING_MEANING=False)
    with server.app.app_context():
        screener()  # built once per process: here, not during a page's 10-second wait
    yield site
    config.update(saved)
    site.httpd.shutdown()
    site.httpd.server_close()
    assert site.stopped == [], f"the browser tried to leave this machine: {site.stopped}"


def assert_exit_site_got_nothing(site: ExitSite) -> None:
    """The exit site was asked for its own address only: no Referer, nothing added."""
    assert site.received, "the exit site was never reached"
    for path, headers in site.received:
        assert path == "/weather"
        assert "Referer" not in headers, headers
        assert "Cookie" not in headers, headers


def write_disclosure(page, site: ExitSite) -> int:
    """Start the young people's survey, send a first free-text answer, and type a
    disclosure into the next text box without sending it. Returns the history's length."""
    site.watch(page)
    start_survey(page, YOUNG)
    page.goto(FREE_TEXT_PAGE)
    click_centre(page, "textarea#best_thing")
    page.keyboard.type(SENT)
    press_button(page)
    assert page.url.endswith(f"/s/{YOUNG}/q/change_one_thing"), page.url
    click_centre(page, "textarea#change_one_thing")
    page.keyboard.type(DISCLOSURE)
    expect(page.locator("textarea#change_one_thing")).to_have_value(DISCLOSURE)
    return page.evaluate("history.length")


def stop_the_clock(page) -> None:
    """Stop the page's timers (``page.clock.install()`` must come before the page loads),
    so that a slow test machine cannot let the 5 seconds between presses run out."""
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)


def assert_no_trace(page) -> None:
    """Nothing typed or sent is in the page, its title, or any of its fields."""
    shown = page.evaluate("""() => document.title + '\\n' + document.documentElement.outerHTML
        + '\\n' + Array.from(document.querySelectorAll('input, textarea'))
                       .map(f => f.value).join('\\n')""")
    for words in (DISCLOSURE, SENT, "boyfriend", "football"):
        assert words not in shown, f"{words!r} is on {page.url} after leaving"


def back_twice_finds_nothing(page, server) -> None:
    """Back, and Back again: the survey's pages come back as its start page, empty."""
    landing = f"{server.url}/s/{YOUNG}"
    for _ in range(2):
        page.go_back()
        expect(page).to_have_url(landing)
        assert_no_trace(page)
        expect(page.locator("main button.button-start")).to_have_text("Start now")


def assert_forgotten_but_kept(page, server) -> None:
    """The browser is no longer linked to the draft; the draft, with its answer, stays."""
    page.goto(f"/s/{YOUNG}/q/best_thing")
    expect(page).to_have_url(f"{server.url}/s/{YOUNG}")
    assert_no_trace(page)
    with server.app.app_context():
        [draft] = db.session.scalars(select(Draft)).all()
        assert draft.answers.get("best_thing") == SENT
        db.session.remove()


def test_the_button_leaves_the_page_out_of_history_and_back_shows_nothing(page, exit_site):
    server = exit_site.server
    length = write_disclosure(page, exit_site)

    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(exit_site.url)

    assert page.evaluate("history.length") == length, "the survey page was not replaced"
    [exit_request] = exit_site.exits()
    assert "referer" not in exit_request.headers
    assert_exit_site_got_nothing(exit_site)
    assert_no_trace(page)
    back_twice_finds_nothing(page, server)
    assert_forgotten_but_kept(page, server)


def test_the_page_is_hidden_and_emptied_before_the_browser_leaves(phone_page, exit_site):
    page = phone_page
    write_disclosure(page, exit_site)
    # /exit answered with "204 No Content": the browser stays on the page it was leaving,
    # so the page can be read as it was when the next site would have started loading.
    asked = []
    page.route("**/exit", lambda route: (asked.append(route.request.url),
                                         route.fulfill(status=204)))

    page.get_by_role("link", name="Exit this page").click()

    overlay = page.locator(".exit-this-page-overlay")
    expect(overlay).to_have_text("Loading.")
    expect(overlay).to_have_attribute("role", "alert")
    expect(overlay).to_be_visible()
    expect(page.locator("main")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("textarea#change_one_thing")).to_have_value("")
    assert asked == [exit_site.server.url + "/exit"]
    assert page.url.endswith("/q/change_one_thing")

    # A page a browser brings back from its back-forward cache is shown again, usable.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(overlay).to_have_count(0)
    expect(page.locator("main")).to_be_visible()
    expect(page.get_by_role("link", name="Exit this page")).to_be_visible()


def test_pressing_shift_three_times_leaves_the_same_way(phone_page, exit_site):
    page = phone_page
    page.clock.install()
    length = write_disclosure(page, exit_site)
    stop_the_clock(page)
    lights = page.locator(LIGHTS)
    status = page.locator(STATUS)
    expect(lights.first).to_be_hidden()

    page.keyboard.press("Shift")  # focus is still in the text box
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    expect(page.locator(f"{LIGHTS}.is-on")).to_have_count(1)
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    expect(page.locator(f"{LIGHTS}.is-on")).to_have_count(2)
    page.keyboard.press("Shift")
    page.wait_for_url(exit_site.url)

    assert page.evaluate("history.length") == length
    assert len(exit_site.exits()) == 1
    assert_exit_site_got_nothing(exit_site)
    assert_no_trace(page)
    back_twice_finds_nothing(page, exit_site.server)
    assert_forgotten_but_kept(page, exit_site.server)


def test_shift_pressed_too_slowly_or_for_capital_letters_does_not_leave(phone_page, exit_site):
    page = phone_page
    page.clock.install()
    write_disclosure(page, exit_site)
    stop_the_clock(page)
    box = page.locator("textarea#change_one_thing")
    status = page.locator(STATUS)

    for _ in range(3):  # three presses, each more than 5 seconds after the last
        page.keyboard.press("Shift")
        expect(status).to_have_text("Shift, press 2 more times to exit.")
        page.clock.run_for(5_500)
        expect(page.locator(LIGHTS).first).to_be_hidden()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5_500)  # a pause before the third press starts again
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("a")  # any other key starts again too
    expect(page.locator(LIGHTS).first).to_be_hidden()

    page.keyboard.press("Control+A")
    page.keyboard.press("Shift+H")
    page.keyboard.type("ello ")
    page.keyboard.press("Shift+W")
    page.keyboard.type("orld, ")
    page.keyboard.down("Shift")  # held for a word in capitals
    for key in "OK":
        page.keyboard.press(f"Key{key}")
    page.keyboard.up("Shift")
    page.keyboard.type(" ")
    for key in "ABC":  # three capitals in a row, Shift pressed for each
        page.keyboard.press(f"Shift+{key}")
    expect(page.locator(LIGHTS).first).to_be_hidden()  # not one press counted
    page.keyboard.press("Control+Shift")  # switching the keyboard's language
    page.keyboard.press("Control+Shift")
    page.keyboard.press("Control+Shift")

    expect(box).to_have_value("Hello World, OK ABC")
    page.wait_for_timeout(300)  # time for a navigation to begin, if one had been started
    assert page.url.endswith("/q/change_one_thing")
    assert exit_site.exits() == []
    expect(page.locator(".exit-this-page-overlay")).to_have_count(0)
    expect(page.locator(LIGHTS).first).to_be_hidden()

    page.keyboard.press("Shift")  # three presses in time still work afterwards
    page.keyboard.press("Shift")
    page.clock.run_for(4_000)
    page.keyboard.press("Shift")
    page.wait_for_url(exit_site.url)


def test_without_javascript_the_link_leaves_through_chorus_and_back_shows_nothing(
        nojs_page, exit_site):
    page = nojs_page
    length = write_disclosure(page, exit_site)
    link = page.get_by_role("link", name="Exit this page")
    expect(link).to_have_attribute("href", "/exit")

    link.click()
    page.wait_for_url(exit_site.url)

    assert page.evaluate("history.length") == length + 1  # no script: the page stays in history
    assert len(exit_site.exits()) == 1
    assert_exit_site_got_nothing(exit_site)
    assert_no_trace(page)
    page.go_back()  # the page the words were typed into, asked for again
    expect(page).to_have_url(f"{exit_site.server.url}/s/{YOUNG}")
    assert_no_trace(page)
    back_twice_finds_nothing(page, exit_site.server)
    assert_forgotten_but_kept(page, exit_site.server)


def check_with_presses_shown(page, presses: int, check) -> None:
    """Press Shift ``presses`` times and run ``check`` while the lights show them.

    axe-core needs the page's timers, so the clock cannot be stopped as in the tests
    above; if the 5 seconds run out during ``check`` (the lights go out), it is done
    again, so that it is known to have run on the page with the presses shown."""
    lit = page.locator(f"{LIGHTS}.is-on")
    for _ in range(3):
        page.keyboard.press("Escape")  # any other key: the count starts from none
        expect(lit).to_have_count(0)
        for _ in range(presses):
            page.keyboard.press("Shift")
        expect(lit).to_have_count(presses)
        check()
        if lit.count() == presses:
            return
    raise AssertionError(f"could not check the page with {presses} presses shown")


def test_the_button_is_a_big_focusable_link_and_its_presses_pass_axe(phone_page, exit_site):
    page = phone_page
    exit_site.watch(page)
    start_survey(page, YOUNG)
    link = page.get_by_role("link", name="Exit this page", exact=True)
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box

    def one_press_shown() -> None:
        expect(page.locator(STATUS)).to_have_text("Shift, press 2 more times to exit.")
        expect(page.locator(LIGHTS).first).to_be_visible()
        assert_accessible(page, "a question page with one press of Shift shown")

    check_with_presses_shown(page, 1, one_press_shown)
    check_with_presses_shown(page, 2, lambda: assert_accessible(
        page, "a question page with two presses of Shift shown"))

    link.focus()
    expect(link).to_have_css("background-color", "rgb(255, 221, 0)")  # the focus colour
    page.keyboard.press("Enter")
    page.wait_for_url(exit_site.url)
    assert len(exit_site.exits()) == 1
