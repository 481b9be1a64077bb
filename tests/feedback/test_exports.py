"""Responses as CSV and Excel: labels not codes, small groups merged or withheld, free
text redacted and withheld for small groups, formula-like cells made inert, audited;
and the exports page with its permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import textwrap
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, AuditEvent, Response, Role
from feedback.services import results
from feedback.services.exports import (
    OTHER,
    ExportRefused,
    export_responses,
    neutralise,
    response_table,
)
from feedback.services.library import store_definition
from feedback.services.waves import create_wave
from tests.feedback.respondent import csrf_token
from tests.feedback.workspace import sign_in_as

DAY = dt.date(2025, 9, 10)

SURVEY = """\
key: staff-export
title: Staff export survey
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
    choices: [North, South, East, West]
  - key: role
    type: segment
    text: What is your role?
    options: {segment: role}
    choices: [Social worker, Manager]
  - key: morale
    type: agreement
    text: I enjoy my work
  - key: helps
    type: multiple_choice
    text: "=What helps?"
    choices: [Supervision, "-Training"]
  - key: caseload
    type: number
    text: How many children are you working with?
  - key: improve
    type: long_text
    text: What would help most?
"""

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3", "@SUM(A1:A9)",
           "<script>alert(1)</script>", "Call my social worker Sarah Jones on 07700 900123"]


def add(wave, team=None, role=None, text=None, **answers):
    response = Response(wave=wave, version=wave.version, submitted_on=DAY,
                        idempotency_key=uuid.uuid4().hex)
    values = {"team": team, "role": role, **answers}
    for key, value in values.items():
        if value is not None:
            response.answers.append(Answer(question_key=key, value=value))
    if text is not None:
        response.answers.append(Answer(question_key="improve", text=text))
    db.session.add(response)
    return response


@pytest.fixture
def wave(app_ctx):
    results.clear_cache()  # ids repeat between tests; cached records must not
    store_definition(textwrap.dedent(SURVEY))
    made = create_wave("staff-export", "staff-export-2025", "Staff survey 2025", DAY,
                       DAY + dt.timedelta(days=20))
    db.session.commit()
    yield made
    results.clear_cache()


def fill(wave, *, managers_north=0, managers_other=0):
    """North 12, South 5, East 3, West 1: 21 responses, social workers unless told.

    Suppression of the team column by hand: East (3) and West (1) are below 5; hidden
    together they are 4, which subtraction from the total of 21 would reveal, so the
    smallest shown group, South (5), is hidden too. Other (small groups) = 9 rows.
    """
    for i in range(12):
        role = "manager" if i < managers_north else "social_worker"
        add(wave, "north", role, text=HOSTILE[i] if i < len(HOSTILE) else f"North comment {i}",
            morale="agree" if i % 2 else "disagree", helps=["supervision", "training"],
            caseload=10 + i)
    others = ["south"] * 5 + ["east"] * 3 + ["west"]
    for i, team in enumerate(others):
        role = "manager" if i < managers_other else "social_worker"
        add(wave, team, role, text=f"Small team comment {i}", morale="dont_know")
    db.session.commit()


def rows_by_team(table):
    team = table.keys.index("team")
    out: dict[str, list] = {}
    for row in table.rows:
        out.setdefault(row[team], []).append(row)
    return out


def test_neutralise_makes_formula_starts_inert():
    for raw in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "  =1+1", "|cmd", "%x"]:
        assert neutralise(raw) == "'" + raw
    assert neutralise("a\x00b\x07c\u202e") == "abc"
    assert neutralise("\x00=1") == "'=1"  # control characters cannot hide a formula
    assert neutralise("Fine, thanks") == "Fine, thanks"
    assert neutralise(-3) == -3 and neutralise(None) is None  # numbers stay numbers


def test_one_row_per_response_one_column_per_question_with_labels(wave):
    fill(wave, managers_north=5)  # North: 5 managers and 7 social workers
    table = response_table(wave)
    assert table.keys == ("team", "role", "morale", "helps", "caseload", "improve")
    assert table.headers[3] == "=What helps?"
    assert len(table.rows) == 21
    north = rows_by_team(table)["North"]
    assert len(north) == 12
    first = next(r for r in north if r[4] == 11)
    assert first[1:5] == ("Manager", "Agree", "Supervision; -Training", 11)
    other = rows_by_team(table)[OTHER]
    assert {r[2] for r in other} == {"I don't know"}
    assert all(r[4] is None for r in other)  # unanswered is empty
    # Team and role together make groups of 5, 7 and 9: all under 10, so no comments.
    assert {r[5] for r in table.rows} == {"[withheld: fewer than 10 people in this group]"}


def test_small_teams_are_merged_with_enough_others_that_none_can_be_worked_out(wave):
    fill(wave)
    table = response_table(wave)
    teams = rows_by_team(table)
    assert set(teams) == {"North", OTHER}  # South (5) is merged to protect East and West
    assert len(teams[OTHER]) == 9
    assert any("Other (small groups)" in note for note in table.notes)


def test_a_column_is_withheld_when_two_columns_together_pick_out_a_small_group(wave):
    # Roles alone: 5 managers (4 North, 1 elsewhere), 16 social workers: both shown.
    # Together with team: North managers 4 and other managers 1, both below 5. Without
    # the role column every team group is big enough; without the team column too, so
    # the later column (role) goes.
    fill(wave, managers_north=4, managers_other=1)
    table = response_table(wave)
    role = table.keys.index("role")
    assert {r[role] for r in table.rows} == {"[withheld]"}
    assert set(rows_by_team(table)) == {"North", OTHER}
    assert any(n.startswith("What is your role?: withheld") for n in table.notes)


def test_free_text_is_redacted_and_withheld_for_groups_under_the_comments_threshold(wave):
    fill(wave)
    table = response_table(wave)
    teams = rows_by_team(table)
    north_text = {r[5] for r in teams["North"]}
    assert "Call my social worker [name] on [phone]" in north_text
    assert not any("Sarah" in str(t) or "07700" in str(t) for t in north_text)
    assert {r[5] for r in teams[OTHER]} == {"[withheld: fewer than 10 people in this group]"}


def test_rows_say_nothing_about_when_people_answered(wave):
    fill(wave)
    table = response_table(wave)
    caseloads = [r[4] for r in rows_by_team(table)["North"]]
    assert caseloads != sorted(caseloads)  # not in the order they were stored
    assert "2025-09-10" not in repr(table.rows)


def test_a_wave_with_too_few_responses_is_not_exported(wave):
    for _ in range(4):
        add(wave, "north", "manager")
    db.session.commit()
    with pytest.raises(ExportRefused):
        response_table(wave)


def test_csv_has_no_formula_leading_cell_and_is_audited(wave):
    fill(wave)
    export = export_responses(wave, "csv")
    db.session.commit()
    assert export.filename == "staff-export-2025-responses.csv" and export.rows == 21
    assert export.data.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read UTF-8
    cells = [c for row in csv.reader(io.StringIO(export.data.decode("utf-8-sig")))
             for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    assert "'=What helps?" in cells and "'+1+2" in cells and "'-3" in cells
    assert "<script>alert(1)</script>" in cells  # plain text in a CSV
    assert not {"South", "East", "West"} & set(cells)
    [entry] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "export.responses")).all()
    assert entry.target == "staff-export-2025"
    assert entry.detail == {"format": "csv", "rows": 21}


def test_excel_cells_are_text_never_formulas_and_a_sheet_explains_what_was_held_back(wave):
    fill(wave)
    export = export_responses(wave, "xlsx")
    book = load_workbook(io.BytesIO(export.data))
    sheet = book["Responses"]
    values = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in values if c.data_type == "f"]
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]
    assert "'=What helps?" in texts and "Supervision; '-Training" not in texts
    assert "Supervision; -Training" in texts  # only the start of a cell matters
    assert [c.value for c in sheet[1]][0] == "Which team are you in?"
    assert sheet.max_row == 22
    assert any(isinstance(c.value, int) for c in values)  # numbers stay numbers
    about = [r for r in book["About this export"].iter_rows(values_only=True)]
    assert ("Responses", 21) in about
    assert any(r[0] == "Note" and "Other (small groups)" in r[1] for r in about)
    assert ("Which team are you in?", "team") in about


# -- the page ------------------------------------------------------------------------------

def test_the_lead_downloads_responses_from_the_page(wave, client):
    fill(wave)
    sign_in_as(client, Role.LEAD)
    page = client.get("/admin/exports").text
    assert "Download the responses" in page and "Download the board report" in page
    assert '<optgroup label="Staff export survey">' in page
    sent = client.post("/admin/exports/responses", data={
        "responses-csrf_token": csrf_token(page), "responses-wave": "staff-export-2025",
        "responses-format": "xlsx"})
    assert sent.status_code == 200
    assert sent.headers["Content-Disposition"] == (
        'attachment; filename="staff-export-2025-responses.xlsx"')
    assert sent.headers["Cache-Control"] == "no-store"
    load_workbook(io.BytesIO(sent.data))


def test_refusals_and_mistakes_show_as_form_errors(wave, client):
    add(wave, "north", "manager")
    db.session.commit()
    sign_in_as(client, Role.LEAD)
    page = client.get("/admin/exports").text
    sent = client.post("/admin/exports/responses", data={
        "responses-csrf_token": csrf_token(page), "responses-wave": "staff-export-2025",
        "responses-format": "csv"})
    assert sent.status_code == 400
    assert 'href="#responses-wave"' in sent.text and "too few to export" in sent.text
    sent = client.post("/admin/exports/responses", data={
        "responses-csrf_token": csrf_token(page), "responses-wave": "no-such-wave",
        "responses-format": "pdf"})
    assert sent.status_code == 400 and 'href="#responses-format"' in sent.text
    assert client.post("/admin/exports/responses", data={
        "responses-wave": "staff-export-2025", "responses-format": "csv"}).status_code == 400
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "export.responses")) is None


@pytest.mark.parametrize(("role", "page", "responses"), [
    (Role.ADMIN, 200, True), (Role.LEAD, 200, True), (Role.MANAGER, 200, False),
    (Role.VIEWER, 200, False), (Role.SAFEGUARDING, 403, False),
])
def test_who_may_export_what(wave, client, role, page, responses):
    fill(wave)
    sign_in_as(client, role)
    got = client.get("/admin/exports")
    assert got.status_code == page
    assert ("Download the responses" in got.text) is responses
    if not responses and page == 200:
        assert client.post("/admin/exports/responses", data={
            "responses-csrf_token": csrf_token(got.text), "responses-wave": "staff-export-2025",
            "responses-format": "csv"}).status_code == 403
