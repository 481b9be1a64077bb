"""Save and resume on another device, and errors that lead straight to their field."""

import re

import pytest

from tests.browser.walk import (
    answer_by_mouse,
    assert_stored,
    click_centre,
    continue_by_mouse,
    is_thanks,
    press_button,
    start_survey,
)

pytestmark = pytest.mark.browser


def _key(page) -> str:
    return re.split(r"[?#]", page.url)[0].rsplit("/", 1)[-1]


def test_resume_on_another_device_keeps_earlier_answers(server, make_context):
    phone = make_context("phone").new_page()
    start_survey(phone, "staff-annual")
    chosen = answer_by_mouse(phone, choose={"team": "fostering"})
    press_button(phone)
    chosen.update(answer_by_mouse(phone))
    press_button(phone, "save")
    assert _key(phone) == "saved"
    code = phone.locator("main .code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code

    laptop = make_context("desktop").new_page()
    laptop.goto("/s/staff-annual/resume")
    click_centre(laptop, "#code")
    laptop.keyboard.type(code.lower())  # typed the way people type it
    with laptop.expect_navigation():
        click_centre(laptop, "main button[type=submit]")
    assert _key(laptop) == "supervision"

    # Back twice: the answers given on the phone are there.
    with laptop.expect_navigation():
        click_centre(laptop, ".back-link")
    assert _key(laptop) == "workload"
    assert laptop.locator("#current_caseload").input_value() == "12"
    assert laptop.locator("#workload_manageable").is_checked()
    with laptop.expect_navigation():
        click_centre(laptop, ".back-link")
    assert _key(laptop) == "about_you"
    assert laptop.locator("#team-fostering").is_checked()

    more, _ = continue_by_mouse(laptop)
    chosen.update(more)
    assert is_thanks(laptop)
    assert_stored(server, chosen)


def test_a_wrong_resume_code_is_explained_and_its_link_focuses_the_box(server, phone_page):
    page = phone_page
    page.goto("/s/staff-annual/resume")
    click_centre(page, "#code")
    page.keyboard.type("ZZZZ-ZZZZ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("main > .error-summary")
    assert "We cannot find answers saved with that code" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert page.locator("#code").get_attribute("aria-describedby") == "code-hint code-error"
    click_centre(page, 'main .error-summary a[href="#code"]')
    page.wait_for_function("document.activeElement.id === 'code'", timeout=3000)


def test_an_impossible_number_is_an_error_linked_to_its_box(server, phone_page):
    page = phone_page
    start_survey(page, "staff-annual")
    answer_by_mouse(page)
    press_button(page)
    click_centre(page, "#current_caseload")
    page.keyboard.type("1000")
    answer_by_mouse(page, skip={"current_caseload"})
    press_button(page)
    assert _key(page) == "workload"
    link = page.locator('main .error-summary a[href="#current_caseload"]')
    assert link.count() == 1
    assert page.locator("#current_caseload-group.form-group-error .error-message").count() == 1
    click_centre(page, 'main .error-summary a[href="#current_caseload"]')
    page.wait_for_function("document.activeElement.id === 'current_caseload'", timeout=3000)
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    press_button(page)
    assert _key(page) == "supervision"


def test_a_child_can_finish_without_answering_anything(server, phone_page):
    """Every young people's question may be skipped: Continue on each page still ends
    on the thank-you page, with nothing stored but the response itself."""
    page = phone_page
    start_survey(page, "young-people-4-7")
    while not is_thanks(page):
        assert not page.locator(".error-summary").count(), page.url
        press_button(page)
    assert_stored(server, {})
