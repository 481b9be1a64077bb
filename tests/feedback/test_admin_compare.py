"""The comparisons page: waves, a team against the rest, audiences and a pasted
benchmark, each with the change, its significance and the n of both sides, as a chart
and a table; a team manager compares within their own team only."""

from __future__ import annotations

import re
import textwrap

import pytest

from feedback.extensions import db
from feedback.models import Role
from feedback.services import results
from feedback.services.library import store_definition
from tests.feedback.respondent import csrf_token
from tests.feedback.test_admin_results import text_of
from tests.feedback.test_results_service import LEAVERS, STAFF, YOUNG, add, wave_of
from tests.feedback.workspace import sign_in_as

WAVES = "/admin/compare?mode=waves&wave=staff-results-2025&other=staff-results-2024"


@pytest.fixture
def data(app_ctx):
    """2024: North 10 of 25 favourable; 2025: North 20 of 25, South 0 of 10, East 3 agree.
    Young people 6 of 10 yes; care leavers 3 of 10 agree."""
    results.clear_cache()
    for text in (STAFF, YOUNG, LEAVERS):
        store_definition(textwrap.dedent(text))
    db.session.commit()
    then = wave_of("staff-results", 2024, title="Staff 2024")
    add(then, 10, team="north", morale="agree")
    add(then, 15, team="north", morale="disagree")
    now_ = wave_of("staff-results", 2025, title="Staff 2025")
    add(now_, 20, team="north", morale="agree")
    add(now_, 5, team="north", morale="disagree")
    add(now_, 10, team="south", morale="disagree")
    add(now_, 3, team="east", morale="agree")
    young = wave_of("yp-results", 2025, title="Young people 2025")
    add(young, 6, listened_to="yes")
    add(young, 4, listened_to="no")
    leavers = wave_of("cl-results", 2025, title="Care leavers 2025")
    add(leavers, 3, listened_to="agree")
    add(leavers, 7, listened_to="disagree")
    yield
    results.clear_cache()


def test_the_page_starts_with_two_waves_of_one_survey_chosen(client, data):
    sign_in_as(client, Role.LEAD)
    html = client.get("/admin/compare").get_data(as_text=True)
    assert re.search(r'<option selected value="staff-results-2025">', html)
    assert re.search(r'<option selected value="staff-results-2024">', html)
    assert '<label class="label label-bold" for="wave">This wave</label>' in html


def test_two_waves_show_the_change_significance_and_n(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.get(WAVES)
    assert response.status_code == 200
    page = text_of(response)
    # 2025: 20 + 0 + 3 = 23 of 38 favourable (61%); 2024: 10 of 25 (40%)
    assert "38 responses in Staff 2025 and 25 in Staff 2024" in page
    assert "I enjoy my work 61% (n=38) 40% (n=25) +21" in page
    assert "Staff 2025 compared with Staff 2024" in page
    html = response.get_data(as_text=True)
    chart = re.search(r'<img src="([^"]+)" alt="([^"]+)"', html)
    assert chart and "I enjoy my work: 61% against 40%" in chart.group(2)
    image = client.get(chart.group(1).replace("&amp;", "&"))
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert '<th scope="col" class="numeric">p (adjusted)</th>' in html


def test_a_significant_change_is_listed_in_plain_words(client, data):
    # North only: 20/25 against 10/25, p = 0.004 (see test_results_service)
    sign_in_as(client, Role.MANAGER, team="north")
    page = text_of(client.get(WAVES))
    assert "You compare your own team's results, North, only" in page
    assert ("I enjoy my work : 80% (n=25) against 40% (n=25), +40 points. Better, and "
            "unlikely to be chance (small numbers: read with care); large effect.") in page
    assert "0.004 Large (h=0.84)" in page


def test_team_against_the_rest(client, data):
    sign_in_as(client, Role.LEAD)
    page = text_of(client.get("/admin/compare?mode=team&wave=staff-results-2025&group=north"))
    # North 20 of 25 against the rest (South 10 + East 3): 3 of 13 favourable
    assert "North (Staff 2025) compared with the rest of the service" in page
    assert "25 responses in North (Staff 2025) and 13 in the rest of the service" in page
    assert "I enjoy my work 80% (n=25) 23% (n=13) +57" in page


def test_team_against_the_rest_for_a_hidden_team_says_so(client, data):
    sign_in_as(client, Role.LEAD)
    # East (3) is below 5, and South (10) is hidden with it so that East cannot be
    # worked out from the total: neither can be compared
    for group in ("east", "south"):
        page = text_of(client.get(
            f"/admin/compare?mode=team&wave=staff-results-2025&group={group}"))
        assert "too few answers to compare" in page
        assert "fewer than 5 responses in" in page and "(n=10)" not in page


def test_two_audiences_on_their_shared_core_questions(client, data):
    sign_in_as(client, Role.LEAD)
    page = text_of(client.get(
        "/admin/compare?mode=audiences&wave=yp-results-2025&other=cl-results-2025"))
    assert "Young people 2025 compared with Care leavers 2025" in page
    assert "Do adults listen to you? 60% (n=10) 30% (n=10) +30" in page
    assert "Higher, but could be chance" in page


def test_two_waves_of_different_surveys_is_an_error_not_a_crash(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.get("/admin/compare?mode=waves&wave=staff-results-2025"
                          "&other=yp-results-2025")
    assert response.status_code == 400
    assert "choose two waves of the same survey" in response.get_data(as_text=True)


def test_a_benchmark_is_pasted_with_csrf_and_compared(client, data):
    sign_in_as(client, Role.LEAD)
    form = client.get("/admin/compare?mode=benchmark").get_data(as_text=True)
    response = client.post("/admin/compare?mode=benchmark", data={
        "csrf_token": csrf_token(form), "wave": "staff-results-2025", "label": "National",
        "benchmark": "question_key,favourable_share\nmorale,50%\n"})
    assert response.status_code == 200
    page = text_of(response)
    # 23 of 38 against 50%: +11 points
    assert "Staff 2025 compared with National" in page
    assert "I enjoy my work 61% (n=38) 50% +11" in page
    assert 'src="data:image/png;base64,' in response.get_data(as_text=True)


def test_a_bad_benchmark_line_is_shown_with_its_number(client, data):
    sign_in_as(client, Role.LEAD)
    form = client.get("/admin/compare?mode=benchmark").get_data(as_text=True)
    response = client.post("/admin/compare?mode=benchmark", data={
        "csrf_token": csrf_token(form), "wave": "staff-results-2025",
        "benchmark": "question_key,favourable_share\nmorale,lots\n"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Line 2: &#39;lots&#39; is not a share" in html


def test_a_benchmark_without_csrf_is_refused(client, data):
    sign_in_as(client, Role.LEAD)
    response = client.post("/admin/compare?mode=benchmark", data={
        "wave": "staff-results-2025", "benchmark": "question_key,favourable_share\n"})
    assert response.status_code == 400
    assert "compared with" not in response.get_data(as_text=True)


def test_a_team_manager_compares_within_their_team_only(client, data):
    sign_in_as(client, Role.MANAGER, team="north")
    html = client.get("/admin/compare").get_data(as_text=True)
    assert "A team against the rest" not in html and "Two audiences" not in html
    for url in ["/admin/compare?mode=team",
                "/admin/compare?mode=team&wave=staff-results-2025&group=north",
                "/admin/compare?mode=audiences&wave=yp-results-2025&other=cl-results-2025",
                "/admin/compare?mode=waves&wave=yp-results-2025&other=staff-results-2024",
                "/admin/charts/compare.png?mode=team&wave=staff-results-2025&group=south",
                "/admin/charts/compare.png?mode=waves&wave=yp-results-2025&other=cl-results-2025"]:
        assert client.get(url).status_code == 404, url
    # the team's own waves: 80% against 40%, not the service's 61%
    page = text_of(client.get(WAVES))
    assert "I enjoy my work 80% (n=25) 40% (n=25) +40" in page and "61%" not in page
    chart = client.get("/admin/charts/compare.png?mode=waves&wave=staff-results-2025"
                       "&other=staff-results-2024")
    assert chart.status_code == 200
