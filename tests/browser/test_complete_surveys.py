"""Every library survey can be completed by mouse on a phone and on a desktop, and what
was picked is exactly what is stored."""

import pytest

from tests.browser.conftest import LIBRARY
from tests.browser.walk import assert_stored, walk_by_mouse

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("survey_key", LIBRARY)
def test_every_survey_can_be_completed_by_mouse(server, page, survey_key):
    chosen, visited = walk_by_mouse(page, survey_key)

    assert len(visited) >= 3, visited
    assert page.locator("h1").inner_text() == "Thank you"
    assert page.get_by_text("Your answers have been sent.").is_visible()
    assert chosen, "no question was answered"
    assert_stored(server, chosen)
