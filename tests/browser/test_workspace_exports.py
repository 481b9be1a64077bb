"""Exports in real Chromium on the demo data: the participation lead downloads the board
report through the page and the test reads the PDF; the responses CSV holds no cell a
spreadsheet would run and no small group; a team manager's report is their team's."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, Response, Wave
from feedback.services import results
from tests.browser.conftest import sign_in_page
from tests.browser.walk import assert_accessible

pytestmark = pytest.mark.browser

HOSTILE = "=cmd|' /C calc'!A0 please fix the system"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def latest_staff_wave(server) -> tuple[str, str, str]:
    """The newest staff survey wave's key and title, and the top theme of its comments."""
    with server.app.app_context():
        wave = db.session.scalar(select(Wave).join(Wave.survey)
                                 .where(Wave.key.startswith("staff-annual"))
                                 .order_by(Wave.opens_on.desc()).limit(1))
        top = next(q.themes[0].label for q in results.wave_themes(wave) if q.themes)
        return wave.key, wave.title, top


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_exports_page_is_accessible(browser, demo_server, viewport):
    page = sign_in_page(browser, demo_server, "lead@example.org", viewport)
    page.get_by_role("link", name="Reports and exports").click()
    page.wait_for_url("**/admin/exports")
    page.get_by_text("What is held back, and why").click()
    assert_accessible(page, "reports and exports")
    # A team report of a survey that does not ask about teams: an error, not a file.
    with demo_server.app.app_context():
        carers = db.session.scalar(select(Wave.key).where(Wave.key.startswith("foster-carers")))
    page.locator("#report-wave").select_option(carers)
    page.get_by_label("For").select_option(index=1)
    page.get_by_role("button", name="Download the board report").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "reports and exports with an error")
    page.context.close()


def test_export_the_board_report(browser, demo_server, lead_page, tmp_path):
    key, title, theme = latest_staff_wave(demo_server)
    page = lead_page
    page.goto("/admin/exports")
    page.locator("#report-wave").select_option(key)
    page.get_by_label("For").select_option("")
    with page.expect_download(timeout=60_000) as info:  # the click waits for it too
        page.get_by_role("button", name="Download the board report").click(timeout=60_000)
    download = info.value
    assert download.suggested_filename == f"{key}-board-report.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    reader = PdfReader(saved)
    text = flat("\n".join(p.extract_text() for p in reader.pages))
    assert "Staff survey" in text and title in text
    assert re.search(r"Everyone \d+ of \d+ \(\d+%\)", text), "no overall response rate"
    assert flat(theme) in text
    assert "Cap caseloads in the assessment teams" in text
    assert "Amber: delayed, with a plan" in text and "Blue: completed" in text
    assert "Higher, but could be chance" in text or "and unlikely to be chance" in text


def test_a_team_managers_report_is_their_teams(browser, demo_server, tmp_path):
    key, _, _ = latest_staff_wave(demo_server)
    page = sign_in_page(browser, demo_server, "manager@example.org")
    page.goto("/admin/exports")
    assert page.get_by_text("Your reports are for your team only").is_visible()
    assert page.get_by_label("For").count() == 0
    assert page.get_by_role("button", name="Download the responses").count() == 0
    page.locator("#report-wave").select_option(key)
    with page.expect_download(timeout=60_000) as info:  # the click waits for it too
        page.get_by_role("button", name="Download the board report").click(timeout=60_000)
    assert info.value.suggested_filename == f"{key}-assessment-board-report.pdf"
    text = flat("\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages))
    assert "Team: Assessment" in text
    page.context.close()


def test_the_responses_csv_has_no_formula_and_no_small_group(browser, demo_data, lead_page):
    key, _, _ = latest_staff_wave(demo_data)
    with demo_data.app.app_context():  # someone writes a formula into a comment
        wave = db.session.scalar(select(Wave).where(Wave.key == key))
        response = Response(wave=wave, version=wave.version, submitted_on=wave.opens_on,
                            idempotency_key=uuid.uuid4().hex)
        response.answers = [Answer(question_key="team", value="assessment"),
                            Answer(question_key="most_difference", text=HOSTILE)]
        db.session.add(response)
        db.session.commit()
        definition = wave.version.parsed()
        segments = [q.text for q in definition.segment_questions()]
        threshold = definition.settings.min_group_score
    page = lead_page
    page.goto("/admin/exports")
    page.locator("#responses-wave").select_option(key)
    page.get_by_label("CSV").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the responses").click()
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    header, body = rows[0], rows[1:]
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + HOSTILE in cells
    columns = [header.index(text) for text in segments]
    for i in columns:  # every group in a segment column is big enough...
        small = {v: n for v, n in Counter(r[i] for r in body).items() if n < threshold}
        assert not small, f"{header[i]}: {small}"
    combos = Counter(tuple(r[i] for i in columns) for r in body)  # ...and together
    assert not {c: n for c, n in combos.items() if n < threshold}
