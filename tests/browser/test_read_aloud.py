"""The read-aloud button: only where speech synthesis exists (so never without
JavaScript), only for young people and care leavers, and it reads the question."""

import pytest

from tests.browser.walk import start_survey

pytestmark = pytest.mark.browser

RECORD_SPEECH = """
if ('speechSynthesis' in window) {
  window.__spoken = [];
  window.speechSynthesis.speak = u => { window.__spoken.push(u.text); };
}
"""


def test_no_button_without_javascript(server, nojs_page):
    start_survey(nojs_page, "young-people-8-11")
    holder = nojs_page.locator("main .read-aloud")
    assert holder.count() == 1 and holder.get_attribute("hidden") is not None
    assert not nojs_page.locator("[data-read-aloud]").is_visible()


def test_button_shown_only_with_speech_synthesis_and_reads_the_question(server, make_context):
    context = make_context("phone")
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    start_survey(page, "young-people-4-7")
    button = page.locator("[data-read-aloud]")
    supported = page.evaluate(
        "'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined'")
    if not supported:
        assert not button.is_visible(), "shown although speech synthesis is missing"
        return
    assert button.is_visible()
    assert button.get_attribute("type") == "button", "it must not submit the form"
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1
    question = page.locator("main .question-text").inner_text()
    assert question in spoken[0]
    for word in page.locator("main .smiley-word").all_inner_texts():
        assert word in spoken[0]
    assert "/q/" in page.url, "pressing the button must not leave the page"


def test_staff_and_families_pages_have_no_read_aloud_button(server, phone_page):
    page = phone_page
    for survey_key in ("staff-annual", "families-feedback"):
        start_survey(page, survey_key)
        assert page.locator("[data-read-aloud]").count() == 0
