"""Help in the moment, in Chromium: a child on a phone who says they do not feel safe, or
writes something worrying, is offered help on the next page, with or without JavaScript,
and the page still passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.walk import (
    answer_by_mouse,
    assert_accessible,
    is_thanks,
    press_button,
    start_survey,
    walk_by_mouse,
)

pytestmark = pytest.mark.browser

DISCLOSURE = "my step dad hits me when mum is out"
TITLE = "Help if you need it"

#: every link in the panel: its text, address and size on the screen
_CALLS = """() => Array.from(document.querySelectorAll('.help-now a')).map(a => {
    const r = a.getBoundingClientRect();
    return {href: a.getAttribute('href'), w: r.width, h: r.height}; })"""


def panel(page):
    return page.get_by_role("region", name=TITLE)


def choose_sad_face(page) -> None:
    """Start the 4-7s' survey, answer the first page, and pick the sad face ("No") to
    "Do you feel safe where you live?"."""
    start_survey(page, "young-people-4-7")
    answer_by_mouse(page)
    press_button(page)
    page.wait_for_url("**/q/feel_safe")
    expect(panel(page)).to_have_count(0)
    answer_by_mouse(page, choose={"feel_safe": "sad"})
    press_button(page)
    page.wait_for_url("**/q/trusted_adult")


def assert_panel_offers_help(page) -> None:
    help_now = panel(page)
    expect(help_now).to_be_visible()
    expect(help_now.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(help_now).to_contain_text("We do not know who you are.")
    calls = page.evaluate(_CALLS)
    assert [c["href"] for c in calls] == ["tel:08001111", "tel:01632960000", "tel:999", "/help"]
    small = [c for c in calls if c["h"] < 44]
    assert not small, f"links in the help panel shorter than 44 px: {small}"


def test_a_child_on_a_phone_who_does_not_feel_safe_is_offered_help(server, phone_page):
    page = phone_page
    choose_sad_face(page)
    assert_panel_offers_help(page)
    # at the top of the page, read before the next question
    panel_box = panel(page).bounding_box()
    question_box = page.locator("main fieldset").first.bounding_box()
    assert panel_box and question_box and panel_box["y"] < question_box["y"]
    assert panel_box["width"] <= 360, "no sideways scrolling on a 360 px screen"
    assert_accessible(page, "question page with the help panel (phone)")

    # once: the page after it does not offer it again
    answer_by_mouse(page)
    press_button(page)
    page.wait_for_url("**/q/see_family_enough")
    expect(panel(page)).to_have_count(0)


def test_the_help_panel_without_javascript(server, nojs_page, make_context):
    page = nojs_page
    choose_sad_face(page)
    assert_panel_offers_help(page)
    # axe-core is JavaScript: it checks the page as served without it in a browser with
    # it, at the same address (so the stylesheet loads), its scripts left out
    served = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
    checker = make_context("phone").new_page()
    checker.goto(page.url)
    checker.set_content(served)
    expect(panel(checker)).to_be_visible()
    assert_accessible(checker, "question page with the help panel, as served without JavaScript")


def test_the_thank_you_page_after_a_disclosure(server, page):
    """At phone and desktop size: the last page's words reach nobody on screen, but the
    thank-you page offers help."""
    walk_by_mouse(page, "young-people-4-7", text=DISCLOSURE)
    assert is_thanks(page)
    assert_panel_offers_help(page)
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(DISCLOSURE)
    assert_accessible(page, "thank-you page with the help panel")


def test_an_ordinary_thank_you_page_has_no_panel(server, phone_page):
    walk_by_mouse(phone_page, "young-people-4-7")
    assert is_thanks(phone_page)
    expect(phone_page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(panel(phone_page)).to_have_count(0)
