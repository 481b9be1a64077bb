"""Script in the workspace is shown as text: payloads put where people and respondents can
put words (free-text answers, a survey's title, wording and choice labels, theme names,
actions, account names) come back escaped on every workspace page that shows them, in the
public "you said, we did" page, in CSV and Excel exports (where formulas are made inert),
in the PDF report (as literal text, with no script or link actions) and in chart SVG.

Everything is entered the way people enter it: the survey as a YAML definition, answers
through the respondent's service, and themes, actions and accounts through the
workspace's own forms.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pypdf
import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Role, SafeguardingItem, User
from feedback.services import results, theme_edits
from feedback.services.clock import today
from feedback.services.library import get_survey, store_definition
from feedback.services.responses import store_response
from feedback.services.themes import refresh_question
from feedback.services.waves import create_wave
from tests.conftest import FreshContextClient, make_app
from tests.feedback.respondent import csrf_token
from tests.feedback.test_hostile_input import IMG, SCRIPT, read_page
from tests.feedback.workspace import make_user, signed_in_client

JS = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
PAYLOADS = (SCRIPT, IMG, JS, TEMPLATE)
#: one piece of text with every payload in it
HOSTILE = f"{SCRIPT} {IMG} {JS} {TEMPLATE}"


def marked(source: str) -> str:
    """The payloads with where they were put, so a page shows which ones it shows."""
    return f"{source}: {HOSTILE}"


WORDING, ANSWER, THEME, ACTION, PUBLIC, ACCOUNT = (
    marked(s) for s in ("wording", "answer", "theme", "action", "public", "account"))
#: cells a spreadsheet would run as a formula
FORMULAS = ('=HYPERLINK("http://evil.example","click")', "+1", "-1", "@SUM(A1:A2)")
DISCLOSURE = "my step dad hits me when mum is out"

SURVEY_KEY, WAVE_KEY, QUESTION = "xss-staff", "xss-staff-2026", "story"


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SURVEY = f"""\
key: {SURVEY_KEY}
title: {_yaml(WORDING + ' survey')}
audience: staff
description: {_yaml(WORDING)}
settings:
  min_group_score: 5
  min_group_comments: 10
  safeguarding_notice: {_yaml(WORDING)}
sections:
  - key: words
    title: {_yaml(WORDING + ' section')}
    questions:
      - key: enjoy
        type: agreement
        text: {_yaml(WORDING + ' enjoy')}
      - key: supported
        type: agreement
        text: {_yaml(WORDING + ' supported')}
      - key: pick
        type: single_choice
        text: {_yaml(WORDING + ' pick')}
        choices:
          - {{value: a, label: {_yaml(WORDING + ' A')}}}
          - {{value: b, label: {_yaml(WORDING + ' B')}}}
  - key: comments
    title: Comments
    questions:
      - key: {QUESTION}
        type: long_text
        text: {_yaml(WORDING + ' story')}
"""

#: free-text answers: the payloads, formulas, and ordinary comments so themes form
ANSWERS = [ANSWER, *PAYLOADS, *FORMULAS, DISCLOSURE + " " + ANSWER,
           *(f"Caseloads are too high {i}" for i in range(6)),
           *(f"More training on the new system please {i}" for i in range(6))]


@dataclass
class Hostile:
    app: Flask
    admin_id: int
    #: the account made through the form, its name the payloads
    account_id: int
    action_id: int
    flag_id: int
    theme_number: int

    def client(self) -> FreshContextClient:
        return signed_in_client(self.app, self.admin_id)


def _post_form(client, page: str, data: dict, url: str | None = None, prefix: str = ""):
    """Fill in a workspace form as a person would: its page first, for the token."""
    token = csrf_token(client.get(page).text)
    response = client.post(url or page, data={**data, f"{prefix}csrf_token": token})
    assert response.status_code == 302, (url or page, response.status_code,
                                         response.text[:2000])
    return response


@pytest.fixture(scope="module")
def hostile(database_url, tmp_path_factory) -> Iterator[Hostile]:
    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        day = today()
        results.clear_cache()
        store_definition(SURVEY, "xss.yaml")
        wave = create_wave(SURVEY_KEY, WAVE_KEY, WORDING + " wave", day - dt.timedelta(days=5),
                           day + dt.timedelta(days=5))
        db.session.commit()
        for i, text in enumerate(ANSWERS):
            store_response(wave, {"enjoy": "agree" if i % 2 else "disagree",
                                  "supported": "strongly_agree", "pick": "ab"[i % 2],
                                  QUESTION: text}, f"xss-{i}", day)
        db.session.commit()
        run = refresh_question(get_survey(SURVEY_KEY), QUESTION, backend="tfidf", seed=0).run
        db.session.commit()
        number = next(t.number for t in theme_edits.active_themes(run) if not t.is_non_answer)
        flag_id = db.session.scalar(select(SafeguardingItem.id))
        admin = make_user(Role.ADMIN, email="admin@example.org", name=ACCOUNT)
    space = Hostile(app, admin.id, 0, 0, flag_id, number)
    client = space.client()
    base = f"/admin/themes/{SURVEY_KEY}/{QUESTION}"
    _post_form(client, f"{base}/{number}", {"rename-label": THEME},
               url=f"{base}/{number}/rename", prefix="rename-")
    made = _post_form(client, "/admin/actions/new?audience=staff", {
        "title": ACTION, "you_said": ACTION, "owner": ACTION, "status": "green",
        "evidence": ACTION, "public_said": PUBLIC, "public_did": PUBLIC,
        "published": "y", "link": f"{SURVEY_KEY}|{QUESTION}|{number}"})
    space.action_id = int(made.location.rstrip("/").rsplit("/", 1)[1])
    _post_form(client, "/admin/users/new", {
        "name": ACCOUNT, "email": "xss@example.org", "role": "viewer", "team": "",
        "active": "y", "password": "a long enough password for the test"})
    with app.app_context():
        space.account_id = db.session.scalar(select(User.id).where(
            User.email == "xss@example.org"))
    yield space
    with app.app_context():
        results.clear_cache()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def shown_as_text(html: str, where: str, payloads=PAYLOADS) -> None:
    """No element, attribute or link came from a payload, and each payload reads as text."""
    page = read_page(html)
    assert page.problems == [], where
    seen = "".join(page.text) + "\n".join(page.values)
    for payload in payloads:
        assert payload in seen, f"{where}: {payload!r} is not shown as text"
    assert "<script>" not in html.replace("&lt;script&gt;", ""), where


_Q = f"{SURVEY_KEY}/{QUESTION}"
#: each page that shows the payloads (filled in by ``url``), and whose payloads it shows;
#: every workspace page also shows the signed-in person's name (ACCOUNT)
PAGES = {
    "results": (f"/admin/results/{WAVE_KEY}", (WORDING, THEME)),
    "themes of the survey": ("/admin/themes", (WORDING,)),
    "a question's themes": (f"/admin/themes/{_Q}", (WORDING, THEME, ANSWER)),
    "a theme's comments": (f"/admin/themes/{_Q}/{{theme}}", (THEME, ANSWER)),
    "splitting a theme": (f"/admin/themes/{_Q}/{{theme}}/split", (THEME, ANSWER)),
    "merging themes": (f"/admin/themes/{_Q}/merge", (THEME,)),
    "actions": ("/admin/actions", (ACTION,)),
    "an action": ("/admin/actions/{action}", (ACTION, PUBLIC)),
    "editing an action": ("/admin/actions/{action}/edit", (ACTION, PUBLIC)),
    "public you said, we did": ("/you-said-we-did/staff", (PUBLIC,)),
    "safeguarding queue": ("/admin/safeguarding", (WORDING,)),
    "safeguarding item": ("/admin/safeguarding/{flag}", (WORDING, ANSWER)),
    "audit log": ("/admin/audit", (ACCOUNT,)),
    "accounts": ("/admin/users", (ACCOUNT,)),
    "an account": ("/admin/users/{account}", (ACCOUNT,)),
    "surveys": ("/admin/surveys", (WORDING,)),
    "survey editor": (f"/admin/surveys/{SURVEY_KEY}", (WORDING,)),
    "survey YAML": (f"/admin/surveys/{SURVEY_KEY}/yaml", (WORDING,)),
    "question editor": (f"/admin/surveys/{SURVEY_KEY}/questions/pick", (WORDING,)),
    "preview": (f"/admin/surveys/{SURVEY_KEY}/preview", (WORDING,)),
    "preview of a page": (f"/admin/surveys/{SURVEY_KEY}/preview/q/words", (WORDING,)),
    "exports": ("/admin/exports", (WORDING,)),
    "overview": ("/admin/overview", ()),
}


def url(space: Hostile, name: str) -> str:
    return PAGES[name][0].format(theme=space.theme_number, action=space.action_id,
                                 flag=space.flag_id, account=space.account_id)


@pytest.mark.parametrize("name", list(PAGES))
def test_payloads_are_shown_as_text_on_every_page(hostile, name):
    public = name.startswith("public")
    client = hostile.app.test_client() if public else hostile.client()
    response = client.get(url(hostile, name))
    assert response.status_code == 200, (name, response.status_code)
    signed_in = () if public or name.startswith("preview") else (ACCOUNT,)  # as respondents
    shown_as_text(response.text, name, PAGES[name][1] + signed_in)


# -- exports, the PDF report and charts ----------------------------------------------------


def _download(space: Hostile, form: str, data: dict) -> bytes:
    client = space.client()
    token = csrf_token(client.get("/admin/exports").text)
    response = client.post(f"/admin/exports/{form}",
                           data={**data, f"{form}-csrf_token": token})
    assert response.status_code == 200, response.text[:2000]
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def _inert(cells: list[str], where: str) -> None:
    """No cell starts as a formula; the formulas answered are there, made inert with '."""
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == [], where
    for formula in FORMULAS:
        assert "'" + formula in cells, f"{where}: {formula!r} is not there, made inert"
    for payload in (ANSWER, SCRIPT, IMG, JS, TEMPLATE):
        assert payload in cells, f"{where}: {payload!r} is not kept as text"
    assert any(WORDING in c for c in cells[:20]), f"{where}: the question wording"


def test_csv_export_keeps_payloads_as_text_and_makes_formulas_inert(hostile):
    data = _download(hostile, "responses", {"responses-wave": WAVE_KEY,
                                            "responses-format": "csv"})
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    _inert(cells, "CSV")


def test_excel_export_keeps_payloads_as_text_and_makes_formulas_inert(hostile):
    data = _download(hostile, "responses", {"responses-wave": WAVE_KEY,
                                            "responses-format": "xlsx"})
    book = load_workbook(io.BytesIO(data))
    found = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    _inert([c.value for c in found if isinstance(c.value, str)], "Excel")


def test_pdf_report_shows_payloads_only_as_literal_text(hostile):
    data = _download(hostile, "report", {"report-wave": WAVE_KEY, "report-team": ""})
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for payload in PAYLOADS:  # in the survey's title and wording, at least
        assert payload in text, f"{payload!r} is not in the report as text"
    # Nothing a reader could run or follow: no script, no actions, no javascript: links.
    actions = re.findall(rb"/(?:JavaScript|JS|AA|Launch|SubmitForm|ImportData)(?=[\s/<>\[\]()])",
                         data)
    assert actions == []
    opening = reader.trailer["/Root"].get("/OpenAction")
    assert opening is None or isinstance(opening.get_object(), pypdf.generic.ArrayObject), (
        "the report opens at a page (a destination), never with an action")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "javascript" not in str(action.get("/URI", "")).lower()


def _svg_shows_text_only(svg: bytes, where: str, payload: str) -> None:
    assert b"<script" not in svg.lower(), where
    root = ET.fromstring(svg)
    problems, texts = [], []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "img", "iframe", "a"):
            problems.append(tag)
        problems += [name for name in element.attrib
                     if name.rsplit("}", 1)[-1].lower().startswith("on")]
        problems += [value for value in element.attrib.values()
                     if value.strip().lower().startswith("javascript:")]
        texts.append("".join(element.itertext()))
    assert problems == [], where
    assert any(payload in t for t in texts), f"{where}: {payload!r} is not shown as text"


@pytest.mark.parametrize("chart, payload", [
    (f"/admin/charts/results/{WAVE_KEY}/0.svg", SCRIPT),  # the section's title
    (f"/admin/charts/themes/{WAVE_KEY}/{QUESTION}.svg", SCRIPT),  # a theme's name
])
def test_chart_svg_has_no_script_and_shows_payloads_as_text(hostile, chart, payload):
    response = hostile.client().get(chart)
    assert response.status_code == 200, chart
    assert response.mimetype == "image/svg+xml"
    _svg_shows_text_only(response.data, chart, payload)
