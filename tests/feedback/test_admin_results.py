"""The overview and the results pages: figures with their n, charts with alt text and a
data table, filters that respect suppression, themes, and a team manager kept to their
own team (404 for any other, however the URL is edited)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import AuditEvent, Role
from feedback.services import results
from feedback.services.library import store_definition
from tests.feedback.test_results_service import (
    STAFF,
    YOUNG,
    add,
    standard_wave,
    wave_of,
)
from tests.feedback.workspace import sign_in_as

TODAY = dt.date(2025, 9, 10)


@pytest.fixture
def data(app_ctx, monkeypatch):
    """The staff survey's 2025 wave (open on TODAY) and a young people's survey."""
    results.clear_cache()
    monkeypatch.setattr("feedback.admin.overview.today", lambda: TODAY)
    store_definition(textwrap.dedent(STAFF))
    store_definition(textwrap.dedent(YOUNG))
    db.session.commit()
    wave = standard_wave()
    young = wave_of("yp-results", 2025, title="Young people 2025")
    add(young, 6, listened_to="yes")
    yield wave
    results.clear_cache()


def text_of(response) -> str:
    """The page's main content as text, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


# -- the overview ---------------------------------------------------------------------

def test_the_lead_lands_on_the_overview(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.endswith("/admin/overview")


def test_overview_shows_open_waves_with_rates_and_the_strategy_figures(client, data):
    sign_in_as(client, Role.LEAD)
    page = text_of(client.get("/admin/overview"))
    assert "Survey 2025 Open" in page
    # 15 responses of a target of 25; North 7 of 10; South and East hidden
    assert "Responses so far: 15 of 25 (60%)" in page
    assert "North 7 10 70% of 10" in page
    assert "South fewer than 5 10" in page and "East fewer than 5 5" in page
    assert "Hidden: fewer than 5 answers" in page
    assert "Responses from children and young people" in page
    assert "Children and young people who say they are listened to" in page
    # 6 of 6 young people said yes
    assert "100% Children and young people who say they are listened to, 2025" in page
    assert "6 of 6 who answered (n=6)" in page
    assert "Actions completed in response" in page


def test_a_team_manager_sees_only_their_team_on_the_overview(client, data):
    sign_in_as(client, Role.MANAGER, team="north")
    page = text_of(client.get("/admin/overview"))
    assert "7 of 10 (70%)" in page and "North" in page
    assert "South" not in page and "East" not in page and "15 of 25" not in page
    # the young people's survey has no teams, and the strategy figures are service-wide
    assert "Participation figures" not in page and "Survey 2025" in page
    assert "Young people 2025" not in page


@pytest.mark.parametrize("role", [Role.SAFEGUARDING])
def test_roles_without_results_cannot_open_them(client, data, role):
    sign_in_as(client, role)
    for url in ["/admin/overview", "/admin/results", "/admin/results/staff-results-2025",
                "/admin/compare", "/admin/charts/results/staff-results-2025/0.png"]:
        assert client.get(url).status_code == 403, url


# -- results --------------------------------------------------------------------------

def test_results_index_lists_surveys_and_picks_a_wave(client, data):
    sign_in_as(client, Role.LEAD)
    page = client.get("/admin/results").get_data(as_text=True)
    assert "Staff results survey" in page and "Young people&#39;s results survey" in page
    response = client.get("/admin/results?wave=staff-results-2025")
    assert response.location.endswith("/admin/results/staff-results-2025")
    assert client.get("/admin/results?wave=nope").status_code == 404


def test_a_wave_shows_every_question_with_its_chart_table_and_n(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.get("/admin/results/staff-results-2025")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "15 responses" in page
    # morale: 9 favourable (60%), 2 neutral (13%), 4 unfavourable (27%) of 15
    assert "I enjoy my work 60% 13% 27% 15 0" in page
    img = re.search(r'<img src="(/admin/charts/results/staff-results-2025/0\.png)" alt="([^"]+)"',
                    html)
    assert img and "I enjoy my work: 60% favourable" in img.group(2) and "n=15" in img.group(2)
    assert '<th scope="col" class="numeric">n</th>' in html and "<caption>" in html
    assert "Nobody has answered" not in page
    chart = client.get(img.group(1))
    assert chart.status_code == 200 and chart.mimetype == "image/png"
    assert chart.data.startswith(b"\x89PNG")
    svg = client.get("/admin/charts/results/staff-results-2025/0.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_charts_are_drawn_once_then_served_from_the_cache(client, data, app):
    sign_in_as(client, Role.LEAD)
    first = client.get("/admin/charts/results/staff-results-2025/0.png").data
    files = list((Path(app.instance_path) / "chart-cache").glob("*.png"))
    assert len(files) == 1
    again = client.get("/admin/charts/results/staff-results-2025/0.png")
    assert again.data == first and again.headers["Cache-Control"] == "no-store"
    unchanged = client.get("/admin/charts/results/staff-results-2025/0.png",
                           headers={"If-None-Match": again.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data
    add(data, team="north", morale="agree")
    changed = client.get("/admin/charts/results/staff-results-2025/0.png").data
    assert changed != first  # new figures, a new chart: never a stale one
    assert len(list((Path(app.instance_path) / "chart-cache").glob("*.png"))) == 2


def test_a_segment_filter_shows_the_group_or_the_suppression_note(client, data):
    sign_in_as(client, Role.LEAD)
    north = text_of(client.get("/admin/results/staff-results-2025?team=north"))
    assert "7 responses from this group" in north
    assert "I enjoy my work 57% 29% 14% 7 0" in north  # 4, 2 and 1 of 7
    response = client.get("/admin/results/staff-results-2025?team=east")
    east = text_of(response)
    assert response.status_code == 200
    assert "Too few responses to show results for this group" in east
    assert "I enjoy my work" not in east and "%" not in east
    # a chart of a hidden group does not exist
    assert client.get("/admin/charts/results/staff-results-2025/0.png?team=east"
                      ).status_code == 404


def test_a_bad_filter_is_an_error_on_the_page(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.get("/admin/results/staff-results-2025?team=west")
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_a_team_manager_sees_their_team_and_404_for_any_other(client, data):
    sign_in_as(client, Role.MANAGER, team="north")
    mine = text_of(client.get("/admin/results/staff-results-2025"))
    assert "7 responses from this group" in mine and "Team: North (your team)" in mine
    assert client.get("/admin/results/staff-results-2025?team=north").status_code == 200
    for url in ["/admin/results/staff-results-2025?team=south",
                "/admin/results/staff-results-2025?team=east&role=manager",
                "/admin/charts/results/staff-results-2025/0.png?team=south",
                # a survey without teams is not theirs either
                "/admin/results/yp-results-2025",
                "/admin/results?wave=yp-results-2025"]:
        assert client.get(url).status_code == 404, url
    assert "Young people" not in client.get("/admin/results").get_data(as_text=True)


def comment_wave(wave, count=12):
    from feedback.services.themes import refresh_question

    for i in range(count):
        add(wave, team="north", morale="agree",
            text="Less paperwork and admin" if i % 2 else "More time for visits")
    refresh_question(wave.survey, "improve", backend="tfidf", seed=0)


def test_themes_show_with_quotes_for_the_lead_and_the_view_is_audited(client, data):
    comment_wave(data)
    sign_in_as(client, Role.LEAD)
    html = client.get("/admin/results/staff-results-2025").get_data(as_text=True)
    assert "Themes in what people wrote" in html and 'class="quote"' in html
    assert "/admin/charts/themes/staff-results-2025/improve.png" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comments.view"))
    assert event is not None and event.target == "results staff-results-2025"
    assert "paperwork" not in str(event.detail) and "visits" not in str(event.detail)
    chart = client.get("/admin/charts/themes/staff-results-2025/improve.png")
    assert chart.status_code == 200


def test_a_viewer_sees_theme_counts_without_quotes(client, data):
    comment_wave(data)
    sign_in_as(client, Role.VIEWER)
    html = client.get("/admin/results/staff-results-2025").get_data(as_text=True)
    assert "Themes in what people wrote" in html and 'class="quote"' not in html
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "comments.view")) is None


def test_free_text_in_quotes_is_escaped(client, data):
    from feedback.services.themes import refresh_question

    for _ in range(12):
        add(data, team="north", morale="agree", text="<script>alert(1)</script> more staff")
    refresh_question(data.survey, "improve", backend="tfidf", seed=0)
    sign_in_as(client, Role.LEAD)
    html = client.get("/admin/results/staff-results-2025").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
