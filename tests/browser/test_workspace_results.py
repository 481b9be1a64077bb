"""Results, comparisons and the overview in real Chromium on the demo data, at desktop and
phone size, with axe-core finding nothing: the participation lead reviews this year's
staff survey against last year's, filters results by a segment, reads the overview; a
team manager sees only their own team and gets a 404 for any other."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from feedback.services.clock import today
from tests.browser.conftest import sign_in_page
from tests.browser.walk import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def year(demo_server) -> int:
    with demo_server.app.app_context():
        return today().year


@pytest.fixture(params=["desktop", "phone"])
def lead(request, browser, demo_server):
    page = sign_in_page(browser, demo_server, "lead@example.org", request.param)
    yield page
    page.context.close()


@pytest.fixture
def manager(browser, demo_server):
    page = sign_in_page(browser, demo_server, "manager@example.org", "phone")
    yield page
    page.context.close()


def images_loaded(page) -> bool:
    """Every chart image on the page has loaded (lazy ones scrolled into view first)."""
    images = page.locator("figure.chart img")
    for image in images.all():
        image.scroll_into_view_if_needed()
    # retried by Playwright (wait_for_function would eval in the page, which the CSP
    # forbids): each image complete, and with a picture in it
    for image in images.all():
        expect(image, f"a chart image did not load on {page.url}").to_have_js_property(
            "complete", True, timeout=30_000)
        expect(image, f"a chart image is empty on {page.url}").not_to_have_js_property(
            "naturalWidth", 0, timeout=30_000)
    return images.count() > 0


def fits(page, width: int = 320) -> None:
    """Nothing but tables (which scroll in their own box) is wider than the screen."""
    page.set_viewport_size({"width": width, "height": 700})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {width} && !e.closest('.table-scroll'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                         Math.round(e.getBoundingClientRect().right))""")
    assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px: {wide}"


def test_review_this_years_staff_survey_against_last_years(lead, year):
    page = lead
    page.goto("/admin/")
    page.wait_for_url("**/admin/overview")
    page.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name="Comparisons").click()
    page.wait_for_url("**/admin/compare")
    assert_accessible(page, "comparisons, nothing chosen yet")
    page.get_by_label("This wave").select_option(label=f"Staff survey {year}")
    page.get_by_label("Compared with").select_option(label=f"Staff survey {year - 1}")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/admin/compare?**")
    heading = f"Staff survey {year} compared with Staff survey {year - 1}"
    assert page.get_by_role("heading", name=heading).is_visible()
    changes = page.locator(".significant-change")
    assert changes.count() >= 1
    listed = " ".join(changes.all_inner_texts())
    # the demo's workload item falls and the practice model rises year on year
    assert "My workload is manageable." in listed and "unlikely to be chance" in listed
    assert "(n=" in listed
    table = page.get_by_role("table", name=heading)
    assert table.locator("tbody tr").count() >= 20
    assert "p (adjusted)" in table.locator("thead").inner_text()
    assert images_loaded(page)
    alt = page.locator("figure.chart img").get_attribute("alt") or ""
    assert "My workload is manageable" in alt and "n=" in alt
    assert_accessible(page, "staff survey this year against last year")
    fits(page)


def test_results_for_a_wave_with_a_segment_filter(lead, year):
    page = lead
    page.goto("/admin/results")
    assert_accessible(page, "results: choose a wave")
    page.get_by_role("link", name=f"Staff survey {year}", exact=True).click()
    page.wait_for_url(f"**/admin/results/staff-annual-{year}")
    assert page.get_by_role("heading", name=f"Staff survey {year}", level=1).is_visible()
    workload = page.get_by_role("table", name="Answers to the questions in “Workload and "
                                              "caseload”: favourable, neutral and "
                                              "unfavourable shares of n")
    assert workload.get_by_role("rowheader", name="My workload is manageable.").is_visible()
    assert images_loaded(page)
    assert page.get_by_role("heading", name="Themes in what people wrote").is_visible()
    assert page.locator(".quote").count() > 0
    assert_accessible(page, "results of this year's staff survey")

    page.get_by_label("What is your role?").select_option(label="Social worker")
    page.get_by_role("button", name="Show results for this group").click()
    page.wait_for_url("**role=social_worker**")
    intro = page.locator("main > p").first.inner_text()
    assert "responses from this group" in intro
    assert images_loaded(page)
    assert_accessible(page, "results for social workers")

    # Fostering's team managers are too few: the suppression note, not numbers
    page.get_by_label("Which team do you work in?").select_option(label="Fostering")
    page.get_by_label("What is your role?").select_option(label="Team manager")
    page.get_by_role("button", name="Show results for this group").click()
    page.wait_for_url("**team=fostering**")
    note = page.locator("#suppressed")
    assert note.is_visible() and "Too few responses" in note.inner_text()
    assert page.locator("table").count() == 0 and page.locator("figure.chart").count() == 0
    assert_accessible(page, "results for a group too small to show")
    page.get_by_role("link", name="Show everyone").click()
    page.wait_for_url(f"**/admin/results/staff-annual-{year}")
    fits(page)


def test_the_overview_shows_waves_and_strategy_figures(lead, year):
    page = lead
    page.goto("/admin/overview")
    assert page.get_by_role("heading", name="Overview", level=1).is_visible()
    figures = page.locator(".figure")
    assert figures.count() == 3
    text = figures.all_inner_texts()
    assert any("say they are listened to" in t and "n=" in t for t in text)
    assert page.get_by_role("table", name="Participation figures by year").is_visible()
    staff = page.get_by_role("table", name=f"Response rates of Staff survey {year} by the "
                                           "answer to “Which team do you work in?”")
    assert staff.get_by_role("rowheader", name="Assessment").is_visible()
    assert_accessible(page, "overview")
    page.get_by_role("link", name=f"Results so far for Staff survey {year}").click()
    page.wait_for_url(f"**/admin/results/staff-annual-{year}")
    fits(page)


def test_a_team_manager_sees_only_their_team(manager, demo_server, year):
    page = manager
    page.goto("/admin/")
    page.wait_for_url("**/admin/overview")
    main = page.locator("main").inner_text()
    assert "Overview: Assessment" in main and "Fostering" not in main
    assert "Participation figures" not in main
    assert_accessible(page, "a team manager's overview")

    page.goto(f"/admin/results/staff-annual-{year}")
    assert "Team: Assessment (your team)" in page.locator("main").inner_text()
    assert page.get_by_label("Which team do you work in?").count() == 0
    assert images_loaded(page)
    assert_accessible(page, "a team manager's results")

    page.goto(f"/admin/compare?mode=waves&wave=staff-annual-{year}"
              f"&other=staff-annual-{year - 1}")
    assert page.get_by_role("heading", name=f"Staff survey {year} compared with").is_visible()
    assert_accessible(page, "a team manager's comparison")

    for url in [f"/admin/results/staff-annual-{year}?team=fostering",
                f"/admin/results/staff-annual-{year}?role=social_worker&team=front_door",
                f"/admin/charts/results/staff-annual-{year}/0.png?team=fostering",
                f"/admin/compare?mode=team&wave=staff-annual-{year}&group=fostering",
                f"/admin/results/young-people-11-17-{year}"]:
        response = page.goto(url)
        assert response is not None and response.status == 404, url


def test_comparisons_work_without_javascript(browser, demo_server, year):
    page = sign_in_page(browser, demo_server, "lead@example.org", "phone",
                        java_script_enabled=False)
    page.goto("/admin/compare?mode=team")
    page.get_by_label("Wave").select_option(label=f"Staff survey {year}")
    page.get_by_label("Team").select_option(label="Child Protection South")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Child Protection South (Staff survey "
                                            f"{year}) compared with the rest of the "
                                            "service")).to_be_visible()
    page.context.close()
