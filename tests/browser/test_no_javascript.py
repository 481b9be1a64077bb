"""With JavaScript switched off, surveys still work: one question a page, sections, a
question that only appears after an earlier answer, and the thank-you page."""

import pytest

from tests.browser.walk import assert_stored, is_thanks, walk_by_mouse

pytestmark = pytest.mark.browser


def test_young_people_8_11_without_javascript(server, nojs_page):
    chosen, visited = walk_by_mouse(nojs_page, "young-people-8-11")

    assert len(visited) == 15, visited
    assert is_thanks(nojs_page)
    assert_stored(server, chosen)


def test_staff_survey_sections_and_condition_without_javascript(server, nojs_page):
    seen = []

    def note(p):
        seen.append((p.url.rsplit("/q/", 1)[-1],
                     p.locator("#reasons_for_leaving-group").count() == 1))

    chosen, _ = walk_by_mouse(nojs_page, "staff-annual",
                              choose={"intention_to_stay": "leave_social_care"}, on_page=note)

    pages = dict(seen)
    assert pages["future"] is False and pages["future-2"] is True, seen
    assert chosen["reasons_for_leaving"] == ["workload"]
    assert is_thanks(nojs_page)
    assert_stored(server, chosen)


def test_the_no_javascript_context_really_has_no_javascript(server, nojs_page):
    nojs_page.goto("/s/young-people-8-11")
    nojs_page.set_content("<p id=x>before</p><script>document.getElementById('x')"
                          ".textContent = 'after'</script>")
    assert nojs_page.locator("#x").inner_text() == "before"


@pytest.mark.parametrize("survey_key", ["young-people-4-7", "young-people-11-17",
                                        "care-leavers", "families-feedback", "foster-carers"])
def test_every_other_survey_without_javascript(server, nojs_page, survey_key):
    chosen, _ = walk_by_mouse(nojs_page, survey_key)

    assert is_thanks(nojs_page)
    assert_stored(server, chosen)
