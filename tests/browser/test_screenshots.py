"""Full-page screenshots at phone size for the README.

They are written to a temporary folder on every run (so that taking them is tested);
with ``CHORUS_UPDATE_SCREENSHOTS=1`` they replace the ones in ``docs/screenshots/``.
"""

import os
from pathlib import Path

import pytest

from tests.browser.walk import answer_by_mouse, press_button, start_survey

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    if os.environ.get("CHORUS_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path


def test_phone_screenshots(server, phone_page, folder):
    page = phone_page
    shots = []

    page.goto("/")
    shots.append(folder / "start-phone.png")
    page.screenshot(path=shots[-1], full_page=True)

    start_survey(page, "young-people-4-7")
    answer_by_mouse(page)  # one face chosen, so the picture shows what choosing looks like
    shots.append(folder / "smiley-phone.png")
    page.screenshot(path=shots[-1], full_page=True)

    start_survey(page, "staff-annual")
    answer_by_mouse(page, skip={"team"})
    press_button(page)
    assert page.locator(".error-summary").count() == 1
    shots.append(folder / "staff-error-phone.png")
    page.screenshot(path=shots[-1], full_page=True)

    for shot in shots:
        data = shot.read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, shot


def test_workspace_screenshots(browser, demo_server, folder):
    """The participation lead's main pages on the demo data, at laptop size, and the
    safeguarding queue as its lead sees it."""
    from tests.browser.conftest import sign_in_page

    page = sign_in_page(browser, demo_server, "lead@example.org")
    shots = []

    def shot(name: str, path: str, full_page: bool = True) -> None:
        page.goto(path)
        shots.append(folder / f"{name}.png")
        page.screenshot(path=shots[-1], full_page=full_page)

    shot("workspace-overview", "/admin/overview")
    page.goto("/admin/results")
    page.locator("main a[href*='/admin/results/staff-annual-']").first.click()
    page.wait_for_url("**/admin/results/staff-annual-*")
    shots.append(folder / "workspace-results.png")
    page.screenshot(path=shots[-1], full_page=False)
    shot("workspace-themes", "/admin/themes/staff-annual/most_difference", full_page=False)
    shot("workspace-actions", "/admin/actions")
    page.context.close()

    page = sign_in_page(browser, demo_server, "safeguarding@example.org")
    shot("workspace-safeguarding", "/admin/safeguarding")
    page.context.close()

    for image in shots:
        data = image.read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, image
