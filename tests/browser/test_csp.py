"""The Content-Security-Policy in real Chromium: no page Chorus serves breaks it, and it
does stop inline script and style that might get into a page."""

import pytest

from tests.browser.conftest import LIBRARY
from tests.browser.walk import is_thanks, walk_by_mouse

pytestmark = pytest.mark.browser

#: Reports every violation on the console as it happens (so none is lost to navigation).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', e => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked `
                + `${e.blockedURI || 'inline'} at ${e.sourceFile || location.pathname}`);
});
"""

#: Public pages, and each survey's landing and resume pages. Add new pages here.
PAGES = (["/", "/help", "/you-said-we-did/young_people", "/no-such-page", "/?lang=pl"]
         + [f"/s/{key}" for key in LIBRARY] + [f"/s/{LIBRARY[0]}/resume"])


class Watcher:
    """Console messages about the security policies, Chromium's own and reported."""

    def __init__(self, page) -> None:
        self.messages: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda m: self._console(page, m))

    def _console(self, page, message) -> None:
        # Chromium also complains here about a Permissions-Policy feature it does not know.
        if any(name in message.text for name in ("Content Security Policy",
                                                  "Content-Security-Policy",
                                                  "Permissions-Policy")):
            self.messages.append(f"{page.url}: {message.text}")

    def problems(self) -> list[str]:
        return self.messages


def test_no_public_or_respondent_page_breaks_the_policy(server, make_context):
    page = make_context("phone").new_page()
    watch = Watcher(page)
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("load")
    assert watch.problems() == []


@pytest.mark.parametrize("survey_key", ["young-people-4-7", "staff-annual"])
def test_answering_a_survey_breaks_no_policy(server, make_context, survey_key):
    """Question pages with their script (read aloud), errors and the thank-you page."""
    page = make_context("phone").new_page()
    watch = Watcher(page)
    page.goto(f"/s/{survey_key}")
    _, visited = walk_by_mouse(page, survey_key)
    assert is_thanks(page) and visited
    assert watch.problems() == []


def test_the_policy_blocks_inline_script_and_style(server, make_context):
    """What autoescaping might one day miss, the browser still refuses to run."""
    page = make_context("phone").new_page()
    watch = Watcher(page)
    page.goto("/help")
    page.evaluate("""() => {
      document.body.insertAdjacentHTML('beforeend',
        '<img src="/static/chorus.css" onerror="window.__ran = 1">'
        + '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
      const s = document.createElement('script');
      s.textContent = 'window.__ran = 2';
      document.body.appendChild(s);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None, "inline script ran"
    colour = page.evaluate("getComputedStyle(document.getElementById('styled')).color")
    assert colour != "rgb(255, 0, 0)", "an inline style attribute was applied"
    blocked = " ".join(watch.problems())
    assert "script-src" in blocked and "style-src" in blocked


def test_workspace_pages_break_no_policy(lead_page):
    """Every workspace page a link reaches from the home page, as the participation lead."""
    page = lead_page
    watch = Watcher(page)
    origin = page.url.split("/admin/")[0]
    page.goto("/admin/")
    to_visit, seen = ["/admin/"], set()
    while to_visit and len(seen) < 40:
        url = to_visit.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        page.wait_for_load_state("load")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            path = href.removeprefix(origin).split("#")[0]
            if (href.startswith(origin + "/admin/") and "sign-out" not in path
                    and not path.endswith((".png", ".svg", ".csv", ".xlsx", ".pdf"))):
                to_visit.append(path)
    assert len(seen) > 5
    assert watch.problems() == []
