"""The theme explorer in the workspace: themes with shares, n, trends and quotes; a
theme's comments (redacted, paged, searched, filtered, audited) within a team
manager's scope and thresholds; edits by form with CSRF; refreshing as a job.

Themes come from :class:`tests.feedback.test_theme_edits.RuleClusterer` (a theme per
keyword), so the figures below are worked out by hand. The data (``staff_data``):

=========  ======================================  ===========================
wave       assessment team                          fostering team
=========  ======================================  ===========================
2025       10 caseload, 2 laptop                    2 caseload, 3 laptop,
                                                    2 parking, 1 "n/a"
2026       6 caseload, 2 parking                    2 laptop
=========  ======================================  ===========================

so caseloads 12 of 20 in 2025 (60%), 6 of 10 in 2026 (60%), 18 of 30 overall (60%);
laptops 5/20 (25%), 2/10 (20%), 7/30 (23%); parking 2/20 (10%), 2/10 (20%), 4/30 (13%).
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import AuditEvent, CommentTheme, Role
from feedback.services import theme_edits
from feedback.services import themes as theme_runs
from tests.feedback.test_theme_edits import (
    QUESTION,
    RuleClusterer,
    add_comments,
    add_wave,
    placed,
    rules,  # noqa: F401  (a fixture)
    sizes,
    staff_survey,
    theme,
)
from tests.feedback.workspace import make_user, sign_in

BASE = f"/admin/themes/staff-annual/{QUESTION}"
#: the one comment with personal details (the fostering team's first about laptops)
EMAIL = "Laptop is slow, email me at jo.bloggs@example.org"
FOSTERING_ONLY = "Laptop from fostering 0"


def caseload(team: str, n: int, start: int = 0) -> list[tuple[str, str]]:
    """Even ones say "high" (sub-theme 0), odd ones ask for a cap (sub-theme 1)."""
    return [(team, f"My caseload is high, {team} case {i}" if i % 2 == 0 else
             f"Caseload cap please, {team} case {i}") for i in range(start, start + n)]


def others(team: str, word: str, n: int) -> list[tuple[str, str]]:
    return [(team, f"{word.capitalize()} from {team} {i}") for i in range(n)]


@pytest.fixture
def staff_data(app_ctx, rules):  # noqa: F811
    """The table above, themed; returns the answer ids by wave and team."""
    survey = staff_survey()
    ids = {}
    ids["2025"] = add_comments(add_wave(2025), [
        *caseload("assessment", 10), *others("assessment", "laptop", 2),
        *caseload("fostering", 2, start=1), ("fostering", EMAIL),
        *others("fostering", "laptop", 2), *others("fostering", "parking", 2),
        ("fostering", "n/a")])
    ids["2026"] = add_comments(add_wave(2026), [
        *caseload("assessment", 6, start=10), *others("assessment", "parking", 2),
        *others("fostering", "laptop", 2)])
    theme_runs.refresh_question(survey, QUESTION)
    return ids


def signed_in(client, role, **kwargs):
    user = make_user(role, **kwargs)
    sign_in(client, user)
    return user


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def csrf(html: str) -> str:
    return re.search(r'name="[\w-]*csrf_token"[^>]* value="([^"]+)"', html).group(1)


def views() -> list[dict]:
    return [e.detail for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "comments.view").order_by(AuditEvent.id))]


def trend_row(html: str, label: str) -> list[str]:
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{label}</a>.*?</tr>", html, re.S)
    return [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]


# -- the list of themes ----------------------------------------------------------------------

def test_the_index_lists_free_text_questions_with_their_themes(client, staff_data):
    signed_in(client, Role.LEAD)
    page = client.get("/admin/themes").text
    assert f'href="{BASE}"' in page
    assert "3 themes, 30 comments" in text_of(page)  # the "n/a" included
    assert "No themes yet" in page  # the other free-text question


def test_the_lead_sees_each_theme_with_share_n_trend_keywords_and_quotes(client, staff_data):
    signed_in(client, Role.LEAD)
    response = client.get(BASE)
    assert response.status_code == 200
    page, words = response.text, text_of(response.text)
    assert "30 comments across 2 waves (Staff survey 2025, Staff survey 2026), in 3 themes" \
        in words
    assert "Staff survey 2025 n=20" in words and "Staff survey 2026 n=10" in words
    assert "All waves n=30" in words
    assert trend_row(page, "Caseloads") == ["60% (12)", "60% (6)", "60% (18)"]
    assert trend_row(page, "Laptops") == ["25% (5)", "20% (2)", "23% (7)"]
    assert trend_row(page, "Parking") == ["10% (2)", "20% (2)", "13% (4)"]
    assert "18 comments , 60% of 30" in words
    assert "1 comment (3% of 30) had nothing to add" in words
    # quotes: the first three comments of each theme, redacted
    assert "My caseload is high, assessment case 0" in words
    assert "Laptop is slow, email me at [email]" in words
    assert "jo.bloggs" not in page
    assert page.count('<blockquote class="quote">') == 3 + 3 + 3
    assert f'href="{BASE}/0"' in page  # read the comments
    assert views()[-1] == {"view": "quotes", "shown": 9, "team": None}


def test_new_themes_are_flagged(client, staff_data):
    survey = staff_survey()
    add_comments(survey.waves[-1], [("assessment", "Training please"),
                                    ("fostering", "More training")])
    theme_runs.refresh_question(survey, QUESTION, refit=True)
    signed_in(client, Role.LEAD)
    page = client.get(BASE).text
    assert re.search(r"Training</a> <strong class=\"tag tag-yellow\">New</strong>", page)


def test_a_viewer_sees_themes_but_cannot_open_comments(client, staff_data):
    signed_in(client, Role.VIEWER)
    page = client.get(BASE).text
    assert trend_row(page, "Caseloads") == ["60% (12)", "60% (6)", "60% (18)"]
    assert f'href="{BASE}/0"' not in page and "Change the themes" not in page
    assert client.get(f"{BASE}/0").status_code == 403


def test_a_team_manager_sees_their_teams_figures_and_quotes_only(client, staff_data):
    signed_in(client, Role.MANAGER, team="assessment")
    page = client.get(BASE).text
    words = text_of(page)
    assert "20 comments from your team" in words and "All waves n=20" in words
    # each wave alone is too small for the fostering team, so it is hidden for both
    assert trend_row(page, "Caseloads") == ["hidden", "hidden", "80% (16)"]
    assert trend_row(page, "Laptops") == ["hidden", "hidden", "10% (2)"]
    assert "My caseload is high, assessment case 0" in words
    assert "fostering" not in words  # no other team's quotes
    assert "[email]" not in words
    assert words.count("Quotes are not shown: fewer than 10 comments from your team") == 2


def test_a_team_with_fewer_comments_than_the_threshold_sees_a_note(client, staff_data):
    # fostering: 10 people wrote (enough), but fewer than 10 in any one theme
    signed_in(client, Role.MANAGER, team="fostering")
    words = text_of(client.get(BASE).text)
    assert "10 comments from your team" in words and "Laptop from fostering" not in words
    assert words.count("Quotes are not shown") == 3 and "[email]" not in words
    assert "Fewer than 10 comments from your team" in text_of(client.get(f"{BASE}/0").text)
    signed_in(client, Role.MANAGER, team="front_door")  # nobody wrote
    words = text_of(client.get(BASE).text)
    assert "No comments from your team yet" in words and "Caseloads" not in words


# -- a theme's comments ------------------------------------------------------------------------

def test_a_theme_shows_all_its_comments_redacted_with_subthemes(client, staff_data):
    signed_in(client, Role.LEAD)
    page = client.get(f"{BASE}/0").text
    words = text_of(page)
    assert "18 comments." in words and "Showing 1 to 18 of 18 comments" in words
    assert page.count('class="comment-text"') == 18
    assert "Caseload cap please, fostering case 1" in words
    # newest wave first
    assert page.index("assessment case 10</p>") < page.index("assessment case 0</p>")
    assert "High caseloads (9 comments)" in words and "Fewer cases (9 comments)" in words
    assert views()[-1] == {"theme": 0, "page": 1, "shown": 18, "wave": "all",
                           "subtheme": None, "searched": False, "team": None}


def test_comments_are_paged_25_at_a_time(client, app_ctx, rules):  # noqa: F811
    survey = staff_survey()
    add_comments(add_wave(2025), caseload("assessment", 30))
    theme_runs.refresh_question(survey, QUESTION)
    signed_in(client, Role.LEAD)
    first = client.get(f"{BASE}/0").text
    assert "Showing 1 to 25 of 30 comments" in text_of(first)
    assert first.count('class="comment-text"') == 25 and 'rel="next"' in first
    second = client.get(f"{BASE}/0?page=2").text
    assert "Showing 26 to 30 of 30 comments" in text_of(second)
    assert second.count('class="comment-text"') == 5 and 'rel="prev"' in second
    assert [v["page"] for v in views()] == [1, 2]
    assert "Showing 26 to 30" in text_of(client.get(f"{BASE}/0?page=99").text)


def test_search_looks_in_the_redacted_text(client, staff_data):
    signed_in(client, Role.LEAD)
    words = text_of(client.get(f"{BASE}/0?q=CAP+please").text)
    assert "Showing 1 to 9 of 9 comments containing “CAP please”" in words
    laptops = client.get(f"{BASE}/1").text
    assert "Laptop is slow, email me at [email]" in laptops and "jo.bloggs" not in laptops
    nothing = text_of(client.get(f"{BASE}/1?q=jo.bloggs").text)
    assert "No comments containing “jo.bloggs”" in nothing and "email me" not in nothing
    assert "Showing 1 to 1 of 1 comment" in text_of(client.get(f"{BASE}/1?q=%5Bemail%5D").text)
    assert views()[-1]["searched"] is True
    logged = json.dumps(views())
    assert "jo.bloggs" not in logged and "CAP" not in logged


def test_filters_by_wave_and_subtheme(client, staff_data):
    signed_in(client, Role.LEAD)
    assert "Showing 1 to 6 of 6 comments" in text_of(
        client.get(f"{BASE}/0?wave=staff-annual-2026").text)
    words = text_of(client.get(f"{BASE}/0?sub=1&wave=staff-annual-2025").text)
    assert "Showing 1 to 6 of 6 comments" in words  # 5 assessment + 1 fostering caps
    assert views()[-1]["wave"] == "staff-annual-2025" and views()[-1]["subtheme"] == 1


def test_a_team_manager_reads_only_their_teams_comments(client, staff_data):
    signed_in(client, Role.MANAGER, team="assessment")
    page = client.get(f"{BASE}/0").text
    words = text_of(page)
    assert "16 comments from your team" in words and page.count('class="comment-text"') == 16
    assert "fostering" not in words and "[email]" not in words
    assert "Staff survey 2025" not in re.sub(r"<option.*?</option>", "", page, flags=re.S)
    assert views()[-1]["team"] == "assessment"
    # laptops: 2 of theirs, fewer than 10
    laptops = text_of(client.get(f"{BASE}/1").text)
    assert "Fewer than 10 comments from your team are in this theme" in laptops
    assert "Laptop from assessment" not in laptops
    # 2025 alone leaves 10, but 6 on the other side: hidden
    filtered = text_of(client.get(f"{BASE}/0?wave=staff-annual-2025").text)
    assert "These filters leave fewer than 10 comments" in filtered
    assert "case 0" not in filtered
    assert client.get(f"{BASE}/0/split").status_code == 403


def test_unknown_or_merged_themes_are_not_found(client, staff_data):
    signed_in(client, Role.LEAD)
    assert client.get(f"{BASE}/9").status_code == 404
    assert client.get("/admin/themes/staff-annual/team").status_code == 404
    assert client.get("/admin/themes/nope/most_difference").status_code == 404
    run = theme_runs.current_run(staff_survey(), QUESTION)
    theme_edits.merge(run, [2], into=1)
    db.session.commit()
    assert client.get(f"{BASE}/2").status_code == 404


# -- edits ----------------------------------------------------------------------------------

def test_rename_by_form_needs_csrf_and_is_audited(client, staff_data):
    signed_in(client, Role.LEAD)
    token = csrf(client.get(f"{BASE}/1").text)
    assert client.post(f"{BASE}/1/rename", data={"rename-label": "IT"}).status_code == 400
    response = client.post(f"{BASE}/1/rename?page=1",
                           data={"rename-label": "IT kit", "rename-csrf_token": token})
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/1?page=1")
    run = theme_runs.current_run(staff_survey(), QUESTION)
    assert theme(run, 1).label == "IT kit" and theme(run, 1).label_edited
    empty = client.post(f"{BASE}/1/rename", data={"rename-label": " ",
                                                  "rename-csrf_token": token})
    assert empty.status_code == 400 and "Enter a name for the theme" in empty.text
    assert 'href="#rename-label"' in empty.text  # the error summary links to the field
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.rename"))
    assert entry.actor == "lead@example.org" and entry.detail["new"] == "IT kit"


def test_merge_by_form(client, staff_data):
    signed_in(client, Role.LEAD)
    form = client.get(f"{BASE}/merge?theme=1").text
    assert re.search(r'<input checked class="checkboxes-input" id="themes-1" name="themes" '
                     r'type="checkbox" value="1">', form)
    token = csrf(form)
    lonely = client.post(f"{BASE}/merge", data={"themes": ["1"], "into": "1",
                                                "csrf_token": token})
    assert lonely.status_code == 400 and "Choose at least two themes to merge" in lonely.text
    no_target = client.post(f"{BASE}/merge", data={"themes": ["1", "2"], "csrf_token": token})
    assert no_target.status_code == 400
    assert "Choose the theme the others are merged into" in no_target.text
    into_zero = client.post(f"{BASE}/merge", data={"themes": ["0", "2"], "into": "0",
                                                   "csrf_token": token})
    assert into_zero.status_code == 302  # theme 0 is a theme like any other
    stale = client.post(f"{BASE}/merge", data={"themes": ["1", "2"], "into": "1",
                                               "csrf_token": token})
    assert stale.status_code == 400  # 2 was merged into 0 already: no longer a choice
    response = client.post(f"{BASE}/merge", data={"themes": ["1", "0"], "into": "1",
                                                  "label": "Kit and parking",
                                                  "csrf_token": token})
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/1")
    run = theme_runs.current_run(staff_survey(), QUESTION)
    assert theme(run, 2).merged_into == 1 and theme(run, 0).merged_into == 1
    assert sizes(run)[1] == 18 + 4 + 7
    page = text_of(client.get(f"{BASE}/1").text)
    assert "Kit and parking" in page and "29 comments." in page
    assert "Parking from fostering 0" in text_of(client.get(f"{BASE}/1?q=parking").text)
    entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "theme.merge"))
    assert [e.detail for e in entries] == [
        {"into": 0, "merged": [2], "label": "Caseloads"},
        {"into": 1, "merged": [0], "label": "Kit and parking"}]


def test_split_by_form(client, staff_data):
    signed_in(client, Role.LEAD)
    page = client.get(f"{BASE}/0/split?q=fostering").text
    assert "2 comments containing “fostering”" in text_of(page)
    token = csrf(page)
    nothing = client.post(f"{BASE}/0/split", data={"by": "subthemes", "sub-csrf_token": token})
    assert nothing.status_code == 400 and "Choose at least one sub-theme" in nothing.text
    assert 'href="#sub-subthemes"' in nothing.text
    response = client.post(f"{BASE}/0/split", data={"sub-subthemes": ["1"], "by": "subthemes",
                                                    "sub-csrf_token": token})
    assert response.status_code == 302
    run = theme_runs.current_run(staff_survey(), QUESTION)
    assert theme(run, 3).label == "Fewer cases" and sizes(run)[3] == 9 and sizes(run)[0] == 9
    ids = [a for a, (t, _, _) in placed(run).items() if t == 0][:2]
    missing_name = client.post(f"{BASE}/0/split", data={
        "pick-comments": [str(i) for i in ids], "pick-label": "", "by": "comments",
        "pick-csrf_token": token})
    assert missing_name.status_code == 400 and "Enter a name for the theme" in missing_name.text
    response = client.post(f"{BASE}/0/split", data={
        "pick-comments": [str(i) for i in ids], "pick-label": "Two of them", "by": "comments",
        "pick-csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert theme(run, 4).label == "Two of them" and sizes(run)[4] == 2
    assert [e.detail["by"] for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "theme.split"))] == ["sub-themes",
                                                                             "comments"]


def test_move_a_comment_by_form(client, staff_data):
    signed_in(client, Role.LEAD)
    answer = staff_data["2025"][0]
    page = client.get(f"{BASE}/0?q=assessment+case+0").text
    assert "Showing 1 to 1 of 1 comment" in text_of(page)
    assert f'id="move-{answer}-to"' in page and f'for="move-{answer}-to"' in page
    token = csrf(page)
    response = client.post(f"{BASE}/0/comments/{answer}/move?q=assessment+case+0",
                           data={f"move-{answer}-to": "2", f"move-{answer}-csrf_token": token})
    assert response.status_code == 302 and "q=assessment+case+0" in response.location
    row = db.session.scalar(select(CommentTheme).where(CommentTheme.answer_id == answer))
    assert (row.theme_number, row.pinned) == (2, True)
    assert "It stays there when themes are refreshed" in client.get(response.location).text
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.move_comment"))
    assert entry.detail == {"answer": answer, "moved_from": 0, "moved_to": 2}
    assert client.post(f"{BASE}/0/comments/{10**6}/move", data={
        f"move-{10**6}-to": "2", f"move-{10**6}-csrf_token": token}).status_code == 404


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_only_people_who_edit_themes_can_change_them(client, staff_data, role):
    signed_in(client, role)
    token = csrf(client.get(BASE).text)  # the sign-out form's
    for path in ("/1/rename", "/merge", "/0/split", "/0/comments/1/move", "/refresh"):
        assert client.post(BASE + path, data={"csrf_token": token}).status_code == 403, path


# -- refreshing ------------------------------------------------------------------------------

def test_refresh_from_the_page_runs_inline_without_redis(client, staff_data):
    signed_in(client, Role.LEAD)
    add_comments(theme_runs.current_run(staff_survey(), QUESTION).survey.waves[-1],
                 [("assessment", "Parking is awful")])
    token = csrf(client.get(BASE).text)
    response = client.post(f"{BASE}/refresh", data={"how": "update", "csrf_token": token})
    assert response.status_code == 302 and "/refresh/" in response.location
    progress = client.get(response.location).text
    assert "Themes refreshed" in progress and "Done: 31 comments; 1 added." in text_of(progress)
    assert client.get(response.location + "/status").json == {
        "status": "done", "progress": "31 comments; 1 added", "finished": True}
    run = theme_runs.current_run(staff_survey(), QUESTION)
    assert sizes(run)[2] == 5


def test_refresh_through_the_job_queue_shows_its_progress(app, client, staff_data,
                                                          database_url, monkeypatch):
    redis = pytest.importorskip("redis")
    from rq import Queue, SimpleWorker

    from feedback import jobs

    url = "redis://127.0.0.1:6379/14"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    connection.flushdb()
    app.config["REDIS_URL"] = url
    monkeypatch.setenv("CHORUS_DATABASE_URL", database_url)
    monkeypatch.setenv("CHORUS_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("CHORUS_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("CHORUS_RATELIMIT_ENABLED", "false")
    signed_in(client, Role.LEAD)
    token = csrf(client.get(BASE).text)
    response = client.post(f"{BASE}/refresh", data={"how": "refit", "csrf_token": token})
    waiting = client.get(response.location).text
    assert "<title>Finding themes… – " in waiting
    assert "Waiting to start." in waiting and ">Check progress</a>" in waiting
    assert "theme-progress.js" in waiting
    assert client.get(response.location + "/status").json["status"] == "queued"
    assert "being refreshed" in client.get(BASE).text
    again = client.post(f"{BASE}/refresh", data={"how": "refit", "csrf_token": token})
    assert "already being refreshed" in client.get(again.location).text
    worker = SimpleWorker([Queue(jobs.QUEUE, connection=connection)], connection=connection)
    assert worker.work(burst=True)
    db.session.expire_all()
    done = client.get(response.location).text
    assert "Themes refreshed" in done and "30 comments in 3 themes" in done
    run = theme_runs.current_run(staff_survey(), QUESTION)
    assert run.previous_id is not None and sizes(run)[0] == 18
    connection.flushdb()


def test_another_questions_refresh_is_not_found(client, staff_data):
    signed_in(client, Role.LEAD)
    run_id = theme_runs.current_run(staff_survey(), QUESTION).id
    assert client.get(f"/admin/themes/staff-annual/working_well/refresh/{run_id}"
                      ).status_code == 404
    assert RuleClusterer.order == (0, 1, 2, 3)
