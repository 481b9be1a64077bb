"""A 320 px wide screen and 200% zoom: everything fits, nothing scrolls sideways.

200% zoom is a 640x800 window at twice the size: 320 CSS pixels wide with a device
scale factor of 2 (not CSS zoom, which does not reflow the way browser zoom does)."""

import pytest

from tests.browser.walk import answer_by_mouse, is_thanks, press_button, start_survey

pytestmark = pytest.mark.browser

SCREENS = {
    "320px": ({"width": 320, "height": 640}, 1),
    "zoom-200": ({"width": 320, "height": 400}, 2),
}

_OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || e.closest('.visually-hidden, .skip-link')) continue;
    if (r.right > width + 0.5) {
      wide.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          wide: wide.slice(0, 10)};
}"""


def assert_fits(page, what: str) -> None:
    m = page.evaluate(_OVERFLOW)
    assert m["scrollWidth"] <= m["innerWidth"] and not m["wide"], (
        f"{what} ({page.url}) scrolls sideways at {m['innerWidth']} px: "
        f"scrollWidth={m['scrollWidth']}, too wide: {m['wide']}")


@pytest.fixture(params=list(SCREENS))
def small_page(request, make_context):
    return make_context(SCREENS[request.param]).new_page()


def test_start_help_and_smiley_pages_fit(server, small_page):
    page = small_page
    assert page.evaluate("window.innerWidth") == 320
    for path in ["/", "/help", "/s/young-people-4-7"]:
        page.goto(path)
        assert_fits(page, path)
    start_survey(page, "young-people-4-7")
    assert page.locator(".smiley-label").count() >= 3
    assert_fits(page, "a smiley question page")
    answer_by_mouse(page)
    press_button(page)
    assert_fits(page, "the second smiley question page")


def test_every_staff_section_page_fits_with_an_error_too(server, small_page):
    page = small_page
    start_survey(page, "staff-annual")
    press_button(page)  # the required team left out
    assert page.locator(".error-summary").count() == 1
    assert_fits(page, "the staff first page with an error")
    pages = 0
    while not is_thanks(page):
        assert_fits(page, "a staff section page")
        answer_by_mouse(page, choose={"intention_to_stay": "leave_service"})
        press_button(page)
        pages += 1
    assert pages >= 9
    assert_fits(page, "the thank-you page")
