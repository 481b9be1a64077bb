"""The board report as PDF: contents worked out by hand on a small survey of two waves,
one per team for team managers, hostile and Polish text printed as written, audited."""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from analysis.text import prepare
from feedback.extensions import db
from feedback.models import Answer, AuditEvent, CommentTheme, Response, Role, Theme, ThemeRun
from feedback.services import NotFound, results
from feedback.services.actions import ActionDetails, LinkChoice, create_action
from feedback.services.clock import now
from feedback.services.library import get_survey, store_definition
from feedback.services.report import build_report, export_report
from feedback.services.waves import create_wave
from tests.feedback.respondent import csrf_token
from tests.feedback.workspace import sign_in_as

TODAY = dt.date(2025, 10, 1)

SURVEY = """\
key: staff-report
title: Staff survey – Zażółć gęślą jaźń
audience: staff
settings:
  min_group_score: 5
  min_group_comments: 10
  safeguarding_notice: We read every comment.
sections:
- key: about
  title: About you
  questions:
  - key: team
    type: segment
    text: Which team are you in?
    options: {segment: team}
    choices: [North, South]
  - key: morale
    type: agreement
    text: I enjoy my work
  - key: improve
    type: long_text
    text: What would help most?
"""

NO_TEAMS = """\
key: carers-report
title: Foster carers report survey
audience: foster_carers
sections:
- key: main
  title: Main
  questions:
  - key: supported
    type: agreement
    text: I feel supported
"""

CASELOAD = ["Lower caseloads please, I have 28 children",
            "=HYPERLINK(\"http://evil.example\") caseloads",
            "Caseloads are too high to do direct work",
            "Caseload cap that is held to", "Fewer cases", "Caseloads, honestly",
            "My manager Sarah Jones says caseloads will fall"]
SUPERVISION = ["Regular supervision", "Supervision that happens", "Reflective supervision",
               "Group supervision back", "Supervision notes on time"]


def add(wave, team, morale, text=None):
    response = Response(wave=wave, version=wave.version, submitted_on=wave.opens_on,
                        idempotency_key=uuid.uuid4().hex)
    response.answers.append(Answer(question_key="team", value=team))
    response.answers.append(Answer(question_key="morale", value=morale))
    if text:
        response.answers.append(Answer(question_key="improve", text=text))
    db.session.add(response)
    return response


@pytest.fixture
def survey(app_ctx):
    """2024: North 10 (5 agree), South 8 (3 agree). 2025: North 12 (10 agree), South 6
    (3 agree), targets North 20, South 15, 35 in all; North wrote 12 comments in two
    themes (7 caseload, 5 supervision)."""
    results.clear_cache()
    store_definition(textwrap.dedent(SURVEY))
    targets = {"team": {"north": 20, "south": 15}}
    old = create_wave("staff-report", "staff-report-2024", "Staff survey 2024",
                      dt.date(2024, 9, 1), dt.date(2024, 9, 28), targets, 35)
    new = create_wave("staff-report", "staff-report-2025", "Staff survey 2025",
                      dt.date(2025, 9, 1), dt.date(2025, 9, 28), targets, 35)
    for i in range(10):
        add(old, "north", "agree" if i < 5 else "disagree")
    for i in range(8):
        add(old, "south", "agree" if i < 3 else "disagree")
    texts = CASELOAD + SUPERVISION
    comments = [add(new, "north", "agree" if i < 10 else "disagree", texts[i])
                for i in range(12)]
    for i in range(6):
        add(new, "south", "agree" if i < 3 else "neither")
    db.session.flush()
    run = ThemeRun(survey=get_survey("staff-report"), question_key="improve",
                   backend="tfidf", created_at=now(), status="done")
    run.themes = [
        Theme(number=0, label="Caseload pressure", size=7, share=7 / 12,
              quotes=[prepare(CASELOAD[1]), prepare(CASELOAD[6]), prepare(CASELOAD[0])]),
        Theme(number=1, label="Supervision <b>time</b>", size=5, share=5 / 12,
              quotes=[prepare(SUPERVISION[0]), prepare(SUPERVISION[2])])]
    db.session.add(run)
    db.session.flush()
    for i, response in enumerate(comments):
        answer = next(a for a in response.answers if a.question_key == "improve")
        db.session.add(CommentTheme(run_id=run.id, answer_id=answer.id,
                                    theme_number=0 if i < 7 else 1))
    create_action("staff", ActionDetails(
        title="Cut caseloads <script>alert(1)</script>", owner="Head of Assessment",
        status="blue", public_said="You said", public_did="We did"),
        [LinkChoice("staff-report", "improve", 0)], TODAY)
    create_action("staff", ActionDetails(title="Bring back group supervision",
                                         owner="Principal Social Worker", status="amber",
                                         due_on=TODAY - dt.timedelta(days=3)), [], TODAY)
    store_definition(textwrap.dedent(NO_TEAMS))
    create_wave("carers-report", "carers-report-2025", "Carers 2025", dt.date(2025, 9, 1),
                dt.date(2025, 9, 28))
    db.session.commit()
    yield new
    results.clear_cache()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_service_report_holds_every_part_worked_out_by_hand(survey):
    made = build_report("staff-report-2025", None, service_name="Anytown Children's Services",
                        today=TODAY)
    assert made.filename == "staff-report-2025-board-report.pdf"
    assert made.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(made.data))
    assert reader.metadata.title == ("Board report: Staff survey – Zażółć gęślą jaźń, "
                                     "Staff survey 2025")
    text = flat(pdf_text(made.data))
    # the title page
    assert "Anytown Children's Services" in text
    assert "Staff survey – Zażółć gęślą jaźń" in text
    assert "Staff survey 2025: 1 September 2025 to 28 September 2025" in text
    assert "Responses: 18" in text
    # response rates: 18 of 35, North 12 of 20, South 6 of 15
    assert "18 of 35 (51%)" in text
    assert "12 of 20 (60%)" in text and "6 of 15 (40%)" in text
    # key scores: 13 of 18 agree now (72%), 8 of 18 before (44%): +28 points, which a
    # z-test on 18 and 18 answers cannot tell from chance (z = 1.69)
    assert "72% n=18" in text and "44% n=18" in text
    assert "+28 pts" in text
    assert "Higher, but could be chance (small numbers: read with care)" in text
    # themes: 7 and 5 of the 12 who wrote, with redacted quotes
    assert "Caseload pressure" in text and "7 of 12 (58%)" in text
    assert "Supervision <b>time</b>" in text and "5 of 12 (42%)" in text
    assert "My manager [name] says caseloads will fall" in text
    assert "Sarah Jones" not in text
    assert '“=HYPERLINK("http://evil.example") caseloads”' in text
    # actions with their RAG status in words
    assert "Cut caseloads <script>alert(1)</script>" in text
    assert "Blue: completed" in text
    assert "Amber: delayed, with a plan" in text and "OVERDUE" in text
    # notes
    assert "no figure is shown for a group of fewer than 5 people" in text
    assert len(reader.outline) >= 5  # headings are bookmarks


def test_a_team_report_has_the_teams_figures_only(survey):
    made = build_report("staff-report-2025", "north", service_name="Anytown", today=TODAY)
    assert made.filename == "staff-report-2025-north-board-report.pdf"
    text = flat(pdf_text(made.data))
    assert "Team: North" in text
    assert "12 of 20 (60%)" in text and "6 of 15" not in text and "18 of 35" not in text
    # North: 10 of 12 agree now (83%), 5 of 10 before (50%)
    assert "83% n=12" in text and "50% n=10" in text and "+33 pts" in text


def test_a_team_report_of_a_survey_without_teams_is_refused(survey):
    with pytest.raises(NotFound):
        build_report("carers-report-2025", "north", service_name="Anytown", today=TODAY)


def test_a_team_that_wrote_nothing_says_so(survey):
    made = build_report("staff-report-2025", "south", service_name="Anytown", today=TODAY)
    text = flat(pdf_text(made.data))
    assert "Nobody wrote an answer to this question in this wave." in text
    assert "Caseload pressure" not in text


def test_too_few_comments_hide_the_themes_and_a_group_that_would_give_them_away(survey):
    # South writes 3 comments: below 10, so hidden; and North's 12 are hidden too,
    # or the 3 could be worked out as the service's 15 minus North's 12.
    run = db.session.scalar(select(ThemeRun))
    for text in ("Supervision please", "More supervision", "Supervision time"):
        answer = next(a for a in add(survey, "south", "agree", text).answers
                      if a.question_key == "improve")
        db.session.flush()
        db.session.add(CommentTheme(run_id=run.id, answer_id=answer.id, theme_number=1))
    db.session.commit()
    north = flat(pdf_text(build_report("staff-report-2025", "north", service_name="Anytown",
                                       today=TODAY).data))
    assert "Hidden: fewer than 10 people commented" in north
    assert "Caseload pressure" not in north
    service = flat(pdf_text(build_report("staff-report-2025", None, service_name="Anytown",
                                         today=TODAY).data))
    assert "7 of 15 (47%)" in service and "8 of 15 (53%)" in service


def test_the_export_is_audited(survey):
    export_report("staff-report-2025", "north", service_name="Anytown", today=TODAY)
    db.session.commit()
    [entry] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "export.report")).all()
    assert entry.target == "staff-report-2025" and entry.detail["team"] == "north"


def post_report(client, **data):
    page = client.get("/admin/exports").text
    return client.post("/admin/exports/report", data={
        "report-csrf_token": csrf_token(page), **{f"report-{k}": v for k, v in data.items()}})


def test_a_viewer_downloads_the_service_report_from_the_page(survey, client):
    sign_in_as(client, Role.VIEWER)
    sent = post_report(client, wave="staff-report-2025", team="")
    assert sent.status_code == 200 and sent.mimetype == "application/pdf"
    assert sent.headers["Content-Disposition"] == (
        'attachment; filename="staff-report-2025-board-report.pdf"')
    assert "18 of 35 (51%)" in flat(pdf_text(sent.data))


def test_a_team_manager_only_ever_gets_their_own_teams_report(survey, client):
    sign_in_as(client, Role.MANAGER, team="north")
    page = client.get("/admin/exports").text
    assert "Your reports are for your team only" in page
    assert "Foster carers report survey" not in page  # no teams in it
    sent = post_report(client, wave="staff-report-2025", team="south")  # ignored
    assert sent.status_code == 200
    assert sent.headers["Content-Disposition"].endswith('-north-board-report.pdf"')
    text = flat(pdf_text(sent.data))
    assert "Team: North" in text and "6 of 15" not in text
    refused = post_report(client, wave="carers-report-2025")
    assert refused.status_code == 400


def test_a_team_report_of_a_survey_without_teams_is_a_form_error(survey, client):
    sign_in_as(client, Role.LEAD)
    sent = post_report(client, wave="carers-report-2025", team="north")
    assert sent.status_code == 400
    assert 'href="#report-team"' in sent.text and "does not ask which team" in sent.text


def test_a_first_wave_without_responses_still_makes_an_honest_report(survey):
    made = build_report("carers-report-2025", None, service_name="Anytown", today=TODAY)
    text = flat(pdf_text(made.data))
    assert "Foster carers report survey" in text
    assert "Responses: 0" in text and "Everyone 0 (no target)" in text
    assert "I feel supported hidden" in text  # no answers: no figure
    assert "in this wave, with the change" in text
    assert "No earlier wave to compare" in text
    assert "This survey has no questions for written answers." in text
    assert "No actions have been recorded yet." in text
