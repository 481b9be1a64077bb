"""axe-core (WCAG 2.2 A and AA rules) finds nothing on any respondent page, in English and
in Polish: public pages, landing pages, every question page of every survey, errors,
save and resume, not-open pages and the thank-you page.

Pages are checked at phone size (mobile first); violations are collected over a whole
walk and reported together with rule id, impact and target selectors.
"""

import datetime as dt
import itertools
import re

import pytest

from feedback.extensions import db
from feedback.services.access import generate_invitations
from feedback.services.clock import today
from feedback.services.waves import close_wave, create_wave, get_wave
from surveys import Audience
from tests.browser.conftest import LIBRARY
from tests.browser.walk import (
    AXE_SCRIPT,
    axe_violations,
    click_centre,
    describe_violations,
    is_thanks,
    press_button,
    start_survey,
    walk_by_mouse,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "pl"]
#: answers that show the conditional questions, so that their pages are checked too
SHOW_CONDITIONAL = {"intention_to_stay": "leave_service", "age_group": "15_17",
                    "has_pa": "yes"}


class Audit:
    """Runs axe on each page visited and keeps what it finds, page by page."""

    def __init__(self, page) -> None:
        self.page = page
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def __call__(self, page=None, what: str = "") -> None:
        page = page or self.page
        name = f"{what or page.url} [{page.evaluate('document.documentElement.lang')}]"
        self.checked.append(name)
        violations = axe_violations(page)
        if violations:
            self.found[name] = violations

    def assert_clean(self) -> None:
        report = "\n".join(f"{name}:\n{describe_violations(v)}" for name, v in self.found.items())
        assert not self.found, (f"axe-core found violations on {len(self.found)} of "
                                f"{len(self.checked)} pages:\n{report}")


def switch_language(page, language: str) -> None:
    """Choose a language as a respondent does: ``?lang=`` on the page they are on."""
    page.goto(re.split(r"[?#]", page.url)[0] + f"?lang={language}")
    assert page.evaluate("document.documentElement.lang") == language
    current = page.locator(".language-switch [aria-current]")
    if current.count():
        assert current.get_attribute("lang") == language, "the language switch did not take"


@pytest.fixture
def audit(make_context):
    """A phone-sized page with axe-core preloaded."""
    context = make_context("phone")
    context.add_init_script(AXE_SCRIPT)
    return Audit(context.new_page())


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_and_entry_pages(server, audit, language):
    page = audit.page
    page.goto("/")
    switch_language(page, language)
    audit(what="/")
    for path in ["/help", *(f"/you-said-we-did/{a.value}" for a in Audience),
                 *(f"/s/{key}" for key in LIBRARY), "/s/no-such-survey"]:
        page.goto(path)
        audit(what=path)
    page.goto("/s/families-feedback/thank-you")
    audit(what="thank-you page")

    # An error state: the staff survey's first page sent without the required team.
    start_survey(page, "staff-annual")
    press_button(page)
    assert page.locator(".error-summary").count() == 1
    audit(what="staff page with an error")

    # Save and come back later: the page with the code.
    press_button(page, "save")
    assert page.locator("main .code").count() == 1
    audit(what="saved-code page")

    # The resume page, then its two errors.
    page.goto("/s/staff-annual/resume")
    audit(what="resume page")
    with page.expect_navigation():
        click_centre(page, "main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    audit(what="resume page, no code")
    click_centre(page, "#code")
    page.keyboard.type("ZZZZ-ZZZZ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").count() == 1
    audit(what="resume page, wrong code")

    # Surveys that cannot be answered today, and one that asks for an invitation code.
    with server.app.app_context():
        day = today()
        close_wave("care-leavers-now", day)
        close_wave("young-people-11-17-now", day)
        create_wave("young-people-11-17", "young-people-11-17-next", "Next",
                    day + dt.timedelta(days=5), day + dt.timedelta(days=30))
        generate_invitations(get_wave("foster-carers-now"), 1, day)
        db.session.commit()
        db.session.remove()
    page.goto("/s/care-leavers")
    assert page.locator("main .lead").count() == 1
    audit(what="closed survey page")
    page.goto("/s/young-people-11-17")
    audit(what="upcoming survey page")
    page.goto("/s/foster-carers")
    assert page.locator("#invitation").count() == 1
    audit(what="landing page asking for an invitation code")
    with page.expect_navigation():
        click_centre(page, "main button.button-start")
    assert page.locator(".error-summary").count() == 1
    audit(what="landing page, missing invitation code")

    assert len(audit.checked) >= 25
    assert all(name.endswith(f"[{language}]") for name in audit.checked), audit.checked
    audit.assert_clean()


@pytest.mark.parametrize("survey_key", LIBRARY)
def test_every_question_page_in_english_and_in_polish(server, audit, survey_key):
    """Walk the survey; check each page in one language, switch to the other on that page
    (as a respondent may), check it again, answer in that language and go on."""
    page = audit.page
    languages = itertools.cycle(["pl", "en"])  # it starts in English

    def both_languages(p):
        audit(p)
        switch_language(p, next(languages))
        audit(p)

    _, visited = walk_by_mouse(page, survey_key, choose=SHOW_CONDITIONAL, on_page=both_languages)
    assert is_thanks(page)
    audit(what=f"{survey_key} thank-you page")
    switch_language(page, next(languages))
    audit(what=f"{survey_key} thank-you page")

    assert len(audit.checked) == 2 * len(visited) + 2
    audit.assert_clean()
