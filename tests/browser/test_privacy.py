"""Respondent pages load nothing from anywhere else and set no cookie but the session."""

import pytest

from tests.browser.walk import click_centre, is_thanks, walk_by_mouse

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("survey_key", ["care-leavers", "staff-annual"])
def test_only_the_server_is_asked_and_only_the_session_cookie_is_set(
        server, make_context, survey_key):
    context = make_context("phone")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto("/")
    page.goto("/help")
    page.goto(f"/s/{survey_key}/resume")
    _, visited = walk_by_mouse(page, survey_key)
    assert is_thanks(page)
    click_centre(page, 'main a[href^="/you-said-we-did/"]')
    page.wait_for_url("**/you-said-we-did/*")  # (the thank-you page is loaded already)

    assert len(requests) > len(visited)
    elsewhere = [u for u in requests if not u.startswith(server.url + "/")]
    assert not elsewhere, f"requests to other origins: {elsewhere}"
    cookies = context.cookies()
    assert {c["name"] for c in cookies} == {"session"}, cookies
    session = cookies[0]
    assert session["httpOnly"], "the session cookie must not be readable by scripts"
    assert session["expires"] == -1, "the session cookie must not outlive the browser session"
