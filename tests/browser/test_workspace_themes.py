"""The theme explorer in real Chromium on the demo data, at desktop and phone size, with
axe-core finding nothing: the participation lead opens a theme and reads (and searches)
its comments, merges two themes and refreshes the themes, watching the progress with and
without JavaScript; a team manager sees only their own team's comments."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, AuditEvent, CommentTheme
from feedback.services.library import get_survey
from feedback.services.themes import current_run, run_refresh, start_refresh
from tests.browser.conftest import sign_in_page
from tests.browser.walk import assert_accessible

pytestmark = pytest.mark.browser

QUESTION_TEXT = "What one change would make the most difference to your work?"


@pytest.fixture(params=["desktop", "phone"])
def lead(request, browser, demo_server):
    page = sign_in_page(browser, demo_server, "lead@example.org", request.param)
    yield page
    page.context.close()


def open_question(page) -> None:
    """From the workspace's navigation to the staff survey's "one change" themes."""
    page.goto("/admin/")
    nav = page.get_by_role("navigation", name="Workspace")
    if not nav.get_by_role("link", name="Themes").is_visible():  # a narrow screen wraps it
        nav.get_by_role("link", name="Themes").scroll_into_view_if_needed()
    nav.get_by_role("link", name="Themes").click()
    page.wait_for_url("**/admin/themes")
    assert_accessible(page, "the questions with themes")
    page.get_by_role("link", name=QUESTION_TEXT).first.click()
    page.wait_for_url("**/admin/themes/staff-annual/most_difference")
    assert page.get_by_role("heading", level=1, name=QUESTION_TEXT).is_visible()


def fits(page, width: int = 320) -> None:
    """Nothing but tables (which scroll in their own box) is wider than the screen."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 700})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(f"""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > {width + 2} && !e.closest('.table-scroll'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    page.set_viewport_size(size)
    assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px: {wide}"


def audit_actions(server, action: str) -> list[AuditEvent]:
    with server.app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_open_a_theme_and_read_its_comments(lead, demo_server):
    page = lead
    open_question(page)
    assert_accessible(page, "the themes of a question")
    table = page.get_by_role("table", name=re.compile("Share of comments in each theme"))
    assert table.is_visible() and "n=" in table.inner_text()
    assert page.locator("blockquote.quote").count() >= 3
    fits(page)
    first = page.locator("section.theme-card").first
    label = first.get_by_role("heading", level=3).inner_text()
    first.get_by_role("link", name=re.compile("^Read the comments")).click()
    page.wait_for_url(re.compile(r".*/most_difference/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith(label.split(" New")[0])
    comments = page.locator(".comment-text")
    assert comments.count() > 0
    assert_accessible(page, "a theme's comments")
    fits(page)
    # search for a word of the first comment: every comment found contains it
    word = max(re.findall(r"[A-Za-z]{5,}", comments.first.inner_text()), key=len)
    page.get_by_label("Search the comments").fill(word)
    page.get_by_role("button", name="Show comments").click()
    page.wait_for_url(re.compile(r".*\?q="))
    found = page.locator(".comment-text").all_inner_texts()
    assert found and all(word.lower() in text.lower() for text in found)
    assert f"containing “{word}”" in page.get_by_role("status").inner_text()
    assert_accessible(page, "searched comments")
    views = audit_actions(demo_server, "comments.view")
    assert any(v.detail.get("searched") and v.actor == "lead@example.org" for v in views)
    assert all(word not in str(v.detail) for v in views)


def test_merge_two_themes(lead, demo_data):
    page = lead
    server = demo_data
    open_question(page)
    page.get_by_role("link", name="Merge themes").click()
    page.wait_for_url("**/merge")
    assert_accessible(page, "the merge form")
    themes = page.get_by_role("group", name="Themes to merge").get_by_role("checkbox")
    source_label = themes.nth(1).evaluate("e => e.labels[0].textContent")
    themes.nth(0).check()
    themes.nth(1).check()
    target = page.get_by_role("group", name=re.compile("^Keep the number")).get_by_role("radio")
    target.nth(0).check()
    target_value, source_value = (int(themes.nth(i).get_attribute("value")) for i in (0, 1))
    with server.app.app_context():
        run = current_run(get_survey("staff-annual"), "most_difference")
        moving = set(db.session.scalars(select(CommentTheme.answer_id).where(
            CommentTheme.run_id == run.id, CommentTheme.theme_number == source_value)))
        staying = set(db.session.scalars(select(CommentTheme.answer_id).where(
            CommentTheme.run_id == run.id, CommentTheme.theme_number == target_value)))
    assert moving
    page.get_by_label("Name of the merged theme (optional)").fill("Merged in the browser")
    page.get_by_role("button", name="Merge themes").click()
    page.wait_for_url(re.compile(rf".*/most_difference/{target_value}$"))
    assert "Merged 2 themes into “Merged in the browser”" in page.get_by_role("status").first \
        .inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Merged in the browser"
    total = len(moving) + len(staying)
    assert f"{total} comments" in page.locator("main").inner_text()
    assert_accessible(page, "the merged theme")
    with server.app.app_context():
        run = current_run(get_survey("staff-annual"), "most_difference")
        now = dict(db.session.execute(select(CommentTheme.answer_id, CommentTheme.theme_number)
                                      .where(CommentTheme.run_id == run.id)).all())
        assert {now[a] for a in moving | staying} == {target_value}
        merged = next(t for t in run.themes if t.number == source_value)
        assert merged.merged_into == target_value
    [entry] = audit_actions(server, "theme.merge")
    assert entry.actor == "lead@example.org"
    assert entry.detail == {"into": target_value, "merged": [source_value],
                            "label": "Merged in the browser"}
    assert source_label.split(" (")[0] not in page.locator("main h1").inner_text()


def test_refresh_the_themes_from_the_page(browser, demo_data):
    page = sign_in_page(browser, demo_data, "lead@example.org", "desktop")
    try:
        open_question(page)
        page.get_by_role("button", name="Refresh the themes").click()
        page.wait_for_url(re.compile(r".*/refresh/\d+$"))
        assert page.get_by_role("heading", level=1).inner_text() == "Themes refreshed"
        assert_accessible(page, "refresh progress")
        page.get_by_role("link", name="See the themes").click()
        page.wait_for_url("**/most_difference")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_team_manager_sees_only_their_teams_comments(browser, demo_server, viewport):
    page = sign_in_page(browser, demo_server, "manager@example.org", viewport)
    # Other tests on this server may have left audit entries of their own (the results
    # page records its quotes as comments.view too): only this test's count.
    before = max((e.id for e in audit_actions(demo_server, "comments.view")), default=0)
    try:
        open_question(page)
        assert "Your team only." in page.locator("main").inner_text()
        assert_accessible(page, "a team manager's themes")
        cards = page.locator("section.theme-card")
        opened = 0
        for i in range(cards.count()):
            link = cards.nth(i).get_by_role("link", name=re.compile("^Read the comments"))
            if link.count() == 0:
                continue
            link.click()
            page.wait_for_url(re.compile(r".*/most_difference/\d+$"))
            shown = [int(i.split("-")[1]) for i in
                     page.locator(".comment-list > li").evaluate_all("ls => ls.map(l => l.id)")]
            if shown:
                with demo_server.app.app_context():
                    responses = select(Answer.response_id).where(Answer.id.in_(shown))
                    teams = set(db.session.scalars(select(Answer.value).where(
                        Answer.response_id.in_(responses), Answer.question_key == "team")))
                assert teams == {"assessment"}, "another team's comments were shown"
                assert len(shown) >= 10 or "page" in page.url
                opened += 1
            else:
                assert "Fewer than 10 comments from your team" in page.locator("main") \
                    .inner_text()
            assert_accessible(page, "a team manager's theme")
            page.go_back()
            page.wait_for_url("**/most_difference")
        assert opened >= 1, "no theme had enough of the team's comments to show"
        views = [v for v in audit_actions(demo_server, "comments.view")
                 if v.actor == "manager@example.org" and v.id > before]
        assert views and all(v.detail.get("team") == "assessment" for v in views)
    finally:
        page.context.close()


def signed_in_page(browser, server, email: str, viewport: str, **options):
    """A page signed in as ``email`` in a context of its own (JavaScript may be off)."""
    return sign_in_page(browser, server, email, viewport, **options)


def queue_refresh(server) -> int:
    """A refresh of the "one change" themes, queued as a worker would find it."""
    with server.app.app_context():
        ticket = start_refresh(get_survey("staff-annual"), "most_difference")
        return ticket.id


def finish_refresh(server, run_id: int) -> None:
    with server.app.app_context():
        run_refresh(run_id)
        db.session.remove()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_refresh_progress_is_visible_while_the_job_runs(browser, demo_data, javascript):
    page = signed_in_page(browser, demo_data, "lead@example.org", "phone",
                          java_script_enabled=javascript)
    try:
        run_id = queue_refresh(demo_data)
        page.goto(f"/admin/themes/staff-annual/most_difference/refresh/{run_id}")
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Finding themes…"
        assert page.get_by_role("status").inner_text() == "Waiting to start."
        check = page.get_by_role("link", name="Check progress")
        assert check.is_visible()
        if javascript:
            assert_accessible(page, "a refresh waiting to start")
        page.goto("/admin/themes/staff-annual/most_difference")
        assert page.get_by_role("link", name="See the progress").is_visible()
        page.go_back()
        finish_refresh(demo_data, run_id)
        if javascript:  # the page asks for the status itself and says when it is done
            expect(heading).to_have_text("Themes refreshed", timeout=10_000)
            expect(check).to_be_hidden()
        else:
            check.click()
            expect(heading).to_have_text("Themes refreshed")
        expect(page.get_by_role("status")).to_have_text(re.compile(r"^Done"),
                                                        use_inner_text=True)
    finally:
        page.context.close()
