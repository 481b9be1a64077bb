"""Touch targets on question pages: every choice label, button and link in the main
content (and the back link) is at least 24x24 CSS pixels (WCAG 2.5.8); we aim for 44."""

import pytest

from tests.browser.walk import answer_by_mouse, is_thanks, press_button, start_survey

pytestmark = pytest.mark.browser

MINIMUM = 24

_TARGETS = """() => {
  const sel = 'main .radios-label, main .checkboxes-label, main .smiley-label, ' +
              'main .rating-label, main button, main a, .back-link';
  return Array.from(document.querySelectorAll(sel))
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .map(e => { const r = e.getBoundingClientRect();
      const text = e.textContent.trim().slice(0, 30);
      return {what: `${e.tagName.toLowerCase()}.${e.className} "${text}"`,
              w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10}; });
}"""


def small_targets(page) -> list[str]:
    return [f"{t['what']} is {t['w']}x{t['h']} on {page.url}"
            for t in page.evaluate(_TARGETS) if t["w"] < MINIMUM or t["h"] < MINIMUM]


@pytest.mark.parametrize("survey_key, choose", [
    ("young-people-4-7", {}),
    ("young-people-8-11", {}),
    ("staff-annual", {"intention_to_stay": "leave_service"}),
    ("families-feedback", {}),
])
def test_every_target_on_question_pages_is_big_enough(server, phone_page, survey_key, choose):
    page = phone_page
    start_survey(page, survey_key)
    press_button(page)  # also measures the error summary's links where there is an error
    problems, measured = [], 0
    while not is_thanks(page):
        problems += small_targets(page)
        measured += len(page.evaluate(_TARGETS))
        answer_by_mouse(page, choose=choose)
        press_button(page)
    assert measured > 20
    assert not problems, "touch targets smaller than 24x24 CSS px:\n" + "\n".join(problems)
