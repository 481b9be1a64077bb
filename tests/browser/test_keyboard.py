"""Surveys completed with the keyboard alone: Tab and Shift+Tab to move, Space to pick a
radio or tick a box, arrow keys between radios, typing, Enter to send. No mouse at all."""

import re

import pytest

from tests.browser.walk import (
    answer_by_keyboard,
    assert_stored,
    focused,
    is_thanks,
    start_by_keyboard,
    submit_by_keyboard,
    tab_until,
    walk_by_keyboard,
)

pytestmark = pytest.mark.browser


def _path(page) -> str:
    """The page's path, without a query or a #fragment left by an error link."""
    return re.split(r"[?#]", page.url)[0]


def _page_key(page) -> str:
    return _path(page).rsplit("/q/", 1)[-1]


@pytest.mark.parametrize("survey_key", [
    "young-people-4-7", "young-people-8-11", "young-people-11-17", "care-leavers",
    "families-feedback", "foster-carers"])  # staff-annual: its own test below
def test_survey_can_be_completed_with_the_keyboard_alone(server, page, survey_key):
    start_by_keyboard(page, survey_key)
    chosen = walk_by_keyboard(page)

    assert is_thanks(page)
    assert page.locator("h1").inner_text() == "Thank you"
    assert chosen
    assert_stored(server, chosen)


def test_smiley_faces_are_chosen_with_space_and_arrow_keys(server, phone_page):
    page = phone_page
    start_by_keyboard(page, "young-people-4-7")
    el = tab_until(page, lambda e: e["type"] == "radio", "the first face")
    assert el["name"] == "happy_at_school" and not el["checked"]
    faces = page.locator('input[name="happy_at_school"]')
    values = [faces.nth(i).get_attribute("value") for i in range(faces.count())]

    page.keyboard.press("Space")
    assert focused(page)["checked"] and focused(page)["value"] == values[0]
    page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == values[1] and focused(page)["checked"]
    assert page.locator('input[name="happy_at_school"]:checked').count() == 1
    page.keyboard.press("ArrowLeft")
    assert focused(page)["value"] == values[0] and focused(page)["checked"]
    # the chosen face is shown as chosen, not only announced
    label = page.locator(f'label[for="{focused(page)["id"]}"]')
    assert label.evaluate("l => getComputedStyle(l).borderColor") == "rgb(29, 79, 145)"


def test_staff_survey_by_keyboard_with_an_error_a_condition_and_save_and_resume(
        server, page, make_context, viewport):
    start_by_keyboard(page, "staff-annual")
    assert _page_key(page) == "about_you"

    # 1. Send the first page without the one required answer.
    chosen = answer_by_keyboard(page, skip={"team"})
    assert "team" not in chosen
    submit_by_keyboard(page)
    assert _page_key(page) == "about_you"
    assert page.title().startswith("Error:")
    summary = page.locator("main > .error-summary")
    assert summary.count() == 1, "the error summary is not at the top of the main content"
    first_in_main = page.evaluate("document.querySelector('main').firstElementChild.className")
    assert first_in_main == "error-summary"
    link = summary.locator('a[href="#team"]')
    assert link.inner_text() == "Choose an answer"

    # 2. The error link comes before any field in tab order; Enter on it focuses the field.
    el = tab_until(page, lambda e: e["tag"] == "input" or e["href"] == "#team",
                   "the error summary link")
    assert el["href"] == "#team", f"a field was reached before the error summary: {el}"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'team'", timeout=3000)
    assert focused(page)["name"] == "team"

    # 3. Correct it with the keyboard and carry on.
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    chosen["team"] = focused(page)["value"]
    chosen.update(answer_by_keyboard(page, answered=chosen))
    submit_by_keyboard(page)
    assert _page_key(page) == "workload"
    assert not page.locator(".error-summary").count()

    # 4. Save on the second page and read the code.
    chosen.update(answer_by_keyboard(page))
    submit_by_keyboard(page, action="save")
    assert _path(page).endswith("/s/staff-annual/saved")
    code = page.locator("main .code").inner_text().strip()
    assert len(code) >= 8, code

    # 5. Carry on in a fresh browser (no cookies), typing the code.
    other = make_context(viewport).new_page()
    other.goto("/s/staff-annual/resume")
    tab_until(other, lambda e: e["id"] == "code", "the code box")
    other.keyboard.type(code)
    with other.expect_navigation():
        other.keyboard.press("Enter")
    assert _page_key(other) == "supervision", other.url

    # 6. The rest, choosing to leave so that the reasons question appears on a later page.
    seen: list[tuple[str, bool]] = []

    def note(p):
        seen.append((_page_key(p), p.locator("#reasons_for_leaving-group").count() == 1))

    chosen = walk_by_keyboard(other, chosen, choose={"intention_to_stay": "leave_service"},
                              on_page=note)
    keys = [k for k, _ in seen]
    assert "future" in keys and "future-2" in keys, keys
    assert dict(seen)["future"] is False, "reasons_for_leaving is on its condition's page"
    assert dict(seen)["future-2"] is True, "reasons_for_leaving did not appear after 'leave'"
    assert keys.index("future-2") > keys.index("future")
    assert chosen["intention_to_stay"] == "leave_service"
    assert chosen["reasons_for_leaving"] == ["workload"]

    assert is_thanks(other)
    assert other.locator("h1").inner_text() == "Thank you"
    assert_stored(server, chosen)
