"""Survey management in the workspace: create, edit the draft, preview, publish, waves,
invitation codes. Every form is sent with its CSRF token, as a browser would."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEvent, Draft, InvitationCode, Response, Role, Wave
from feedback.services.clock import today
from feedback.services.library import get_survey, load_library
from feedback.services.waves import create_wave
from tests.feedback.respondent import csrf_token
from tests.feedback.workspace import sign_in_as

BAD_YAML = textwrap.dedent("""\
    key: pupils
    title: Pupils' voice
    audience: young_people
    sections:
      - key: school
        title: School
        questions:
          - key: like_school
            type: agremeent
            text: I like school
    """)
GOOD_YAML = BAD_YAML.replace("agremeent", "agreement")


@pytest.fixture
def lead(app_ctx, client):
    load_library()
    db.session.commit()
    return sign_in_as(client, Role.LEAD)


def send(client, page_url: str, data: dict, url: str | None = None, **kwargs):
    """Open ``page_url`` and send its form (to ``url`` if given) with the page's token."""
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    return client.post(url or page_url, data={"csrf_token": csrf_token(page.text), **data},
                       **kwargs)


def audit_actions() -> list[tuple[str, str, dict]]:
    return [(e.action, e.target, e.detail)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def new_from_template(client, key="foster-carers-2026", title="Foster carers 2026"):
    return send(client, "/admin/surveys/new",
                {"template": "foster-carers", "key": key, "title": title})


# -- the list ---------------------------------------------------------------------------

def test_the_list_shows_versions_states_and_waves(lead, client):
    day = today()
    wave = create_wave("staff-annual", "staff-2025", "Staff survey 2025", day - dt.timedelta(2),
                       day + dt.timedelta(10))
    create_wave("staff-annual", "staff-2024", "Staff survey 2024", dt.date(2024, 9, 1),
                dt.date(2024, 9, 28))
    db.session.add_all([Response(wave=wave, version=wave.version, submitted_on=day,
                                 idempotency_key=f"k{i}",
                                 language="en") for i in range(3)])
    db.session.commit()
    page = client.get("/admin/surveys")
    assert page.status_code == 200
    html = page.text
    assert html.count("<tr>") == 1 + 7  # the head row and the seven library surveys
    assert "Staff survey 2025: " in html and "3 responses" in html
    assert "Staff survey 2024: 1 Sep 2024 to 28 Sep 2024, 0 responses" in html
    assert ">Open</strong>" in html and ">Closed</strong>" in html
    assert html.count(">Draft</strong>") == 6  # staff-annual was frozen by its waves
    assert html.count(">Published</strong>") == 1
    assert 'aria-current="page">Surveys' in html


def test_only_those_who_manage_surveys_get_in(app_ctx, client):
    load_library()
    db.session.commit()
    sign_in_as(client, Role.VIEWER)
    assert client.get("/admin/surveys").status_code == 403
    assert client.get("/admin/surveys/staff-annual/preview").status_code == 403


# -- creating ---------------------------------------------------------------------------

def test_create_from_a_library_template(lead, client):
    response = new_from_template(client)
    assert response.status_code == 302
    assert response.location.endswith("/admin/surveys/foster-carers-2026")
    survey = get_survey("foster-carers-2026")
    assert survey.title == "Foster carers 2026" and survey.audience == "foster_carers"
    assert [v.number for v in survey.versions] == [1]
    assert not survey.versions[0].is_frozen
    original = get_survey("foster-carers").latest_version.parsed()
    copy = survey.latest_version.parsed()
    assert [q.key for q in copy.questions()] == [q.key for q in original.questions()]
    assert ("survey.create", "foster-carers-2026",
            {"version": 1, "template": "foster-carers"}) in audit_actions()
    page = client.get(response.location)
    assert "Foster carers 2026" in page.text and ">Draft</strong> version 1" in page.text


def test_a_template_copy_needs_a_new_key(lead, client):
    response = new_from_template(client, key="foster-carers")
    assert response.status_code == 400
    assert "already exists" in response.text
    response = new_from_template(client, key="new")  # /admin/surveys/new is a page
    assert response.status_code == 400 and "cannot be a survey" in response.text
    response = new_from_template(client, key="Foster Carers")
    assert response.status_code == 400 and "lower-case letters" in response.text


def test_a_yaml_mistake_shows_its_line_and_key(lead, client):
    response = send(client, "/admin/surveys/upload", {"definition": BAD_YAML})
    assert response.status_code == 400
    html = response.text
    # in the error summary, linked to the line in the listing
    assert ('<a href="#line-9">Line 9, at sections[0].questions[0].type: unknown question '
            "type &#39;agremeent&#39;") in html
    assert '<li id="line-9" class="yaml-error">' in html
    assert "<code>        type: agremeent</code>" in html
    assert '<li id="line-8">' in html
    assert db.session.scalar(
        select(func.count()).select_from(AuditEvent)) == 0
    # the YAML is kept in the box to be put right
    assert "type: agremeent\n" in html.split('id="definition"')[1]


def test_paste_a_good_definition(lead, client):
    response = send(client, "/admin/surveys/upload", {"definition": GOOD_YAML})
    assert response.status_code == 302
    assert get_survey("pupils").latest_version.definition == GOOD_YAML


def test_upload_a_file(lead, client):
    from io import BytesIO

    page = client.get("/admin/surveys/upload")
    response = client.post("/admin/surveys/upload", data={
        "csrf_token": csrf_token(page.text),
        "file": (BytesIO(GOOD_YAML.encode()), "pupils.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert get_survey("pupils").title == "Pupils' voice"


def test_a_definition_cannot_take_another_surveys_key(lead, client):
    response = send(client, "/admin/surveys/upload",
                    {"definition": GOOD_YAML.replace("key: pupils", "key: staff-annual")})
    assert response.status_code == 400
    assert '<a href="#line-1">Line 1, at key: a survey called' in response.text


# -- editing the draft ------------------------------------------------------------------

QUESTION = {"key": "respite", "type": "single_choice", "text": "How often do you get a break?",
            "hint": "", "choices": "weekly: Every week\nEvery month\nNever", "options": ""}


def test_add_a_question_to_a_section(lead, client):
    new_from_template(client)
    section = get_survey("foster-carers-2026").latest_version.parsed().sections[0]
    url = f"/admin/surveys/foster-carers-2026/sections/{section.key}/questions/new"
    response = send(client, url, {**QUESTION, "required": "y"})
    assert response.status_code == 302
    survey = get_survey("foster-carers-2026")
    assert [v.number for v in survey.versions] == [1]  # still the draft
    definition = survey.latest_version.parsed()
    assert definition.sections[0].questions[-1].key == "respite"
    question = definition.question("respite")
    assert question.required is True
    assert [(c.value, c.label) for c in question.choices] == [
        ("weekly", "Every week"), ("every_month", "Every month"), ("never", "Never")]


def test_a_bad_question_is_refused_next_to_its_field(lead, client):
    new_from_template(client)
    url = "/admin/surveys/foster-carers-2026/sections/about_you/questions/new"
    response = send(client, url, {**QUESTION, "choices": ""})
    assert response.status_code == 400
    assert 'id="choices-error"' in response.text
    assert "A single_choice question needs at least one choice" in response.text
    response = send(client, url, {**QUESTION, "text": ""})
    assert response.status_code == 400 and "Enter the question" in response.text


def test_move_a_question_up_and_down(lead, client):
    new_from_template(client)
    before = [q.key for q in get_survey("foster-carers-2026").latest_version.parsed()
              .sections[0].questions]
    second = before[1]
    view = "/admin/surveys/foster-carers-2026"
    response = send(client, view, {"direction": "up"},
                    url=f"{view}/questions/{second}/move")
    assert response.status_code == 302 and response.location.endswith(f"#q-{second}")
    after = [q.key for q in get_survey("foster-carers-2026").latest_version.parsed()
             .sections[0].questions]
    assert after == [before[1], before[0], *before[2:]]
    send(client, view, {"direction": "down"}, url=f"{view}/questions/{second}/move")
    assert [q.key for q in get_survey("foster-carers-2026").latest_version.parsed()
            .sections[0].questions] == before


def test_edit_and_remove_a_question(lead, client):
    new_from_template(client)
    definition = get_survey("foster-carers-2026").latest_version.parsed()
    key = next(q.key for q in definition.questions() if q.type == "agreement")
    qtype = "agreement"
    url = f"/admin/surveys/foster-carers-2026/questions/{key}"
    page = client.get(url)
    assert f"<code>{key}</code>" in page.text  # the key is shown, not editable
    response = send(client, url, {"key": "renamed", "type": qtype, "text": "Reworded?",
                                  "choices": "", "options": ""})
    assert response.status_code == 302
    edited = get_survey("foster-carers-2026").latest_version.parsed()
    assert edited.question(key).text == "Reworded?"
    response = send(client, f"{url}/remove", {})
    assert response.status_code == 302
    with pytest.raises(KeyError):
        get_survey("foster-carers-2026").latest_version.parsed().question(key)


def test_editing_a_published_survey_starts_a_new_draft(lead, client):
    survey = get_survey("staff-annual")
    create_wave("staff-annual", "staff-2025", "2025", dt.date(2025, 9, 1), dt.date(2025, 9, 28))
    db.session.commit()
    published = survey.latest_version.definition
    key = survey.latest_version.parsed().sections[0].questions[0].key
    response = send(client, f"/admin/surveys/staff-annual/questions/{key}/remove", {})
    assert response.status_code == 302
    db.session.expire_all()
    survey = get_survey("staff-annual")
    assert [(v.number, v.is_frozen) for v in survey.versions] == [(1, True), (2, False)]
    assert survey.versions[0].definition == published
    assert survey.waves[0].version.number == 1


def test_a_polish_translation(lead, client):
    definition = get_survey("families-feedback").latest_version.parsed()
    key = next(q.key for q in definition.questions() if q.type == "agreement")
    url = f"/admin/surveys/families-feedback/questions/{key}/translations"
    page = client.get(url)
    assert "Wording in Polski" in page.text and 'lang="pl"' in page.text
    response = send(client, url, {"text_pl": "Czy zostałeś wysłuchany?", "hint_pl": ""})
    assert response.status_code == 302
    edited = get_survey("families-feedback").latest_version.parsed()
    assert edited.question(key).wording("pl").text == "Czy zostałeś wysłuchany?"


def test_edit_the_yaml_directly(lead, client):
    send(client, "/admin/surveys/upload", {"definition": GOOD_YAML})
    url = "/admin/surveys/pupils/yaml"
    response = send(client, url, {"definition": GOOD_YAML.replace("I like school",
                                                                  "I like my school")})
    assert response.status_code == 302
    assert get_survey("pupils").latest_version.parsed().question("like_school").text == \
        "I like my school"
    response = send(client, url, {"definition": GOOD_YAML + "    extra: 1\n"})
    assert response.status_code == 400
    assert "Line 11, at sections[0].extra: unknown key" in response.text
    response = send(client, url, {"definition": GOOD_YAML.replace("key: pupils", "key: other")})
    assert response.status_code == 400 and "the key must stay" in response.text


def test_hostile_wording_is_escaped(lead, client):
    send(client, "/admin/surveys/upload", {"definition": GOOD_YAML.replace(
        "I like school", '"<script>alert(1)</script>"')})
    for url in ("/admin/surveys/pupils", "/admin/surveys/pupils/preview/q/school"):
        client.post("/admin/surveys/pupils/preview", data={
            "csrf_token": csrf_token(client.get("/admin/surveys/pupils/preview").text)})
        html = client.get(url).text
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- preview, publish -------------------------------------------------------------------

def test_preview_walks_the_draft_and_saves_nothing(lead, client):
    send(client, "/admin/surveys/upload", {"definition": GOOD_YAML})
    landing = client.get("/admin/surveys/pupils/preview")
    assert "Preview: answers are not saved." in landing.text
    assert 'action="/admin/surveys/pupils/preview"' in landing.text  # not the live survey
    start = client.post("/admin/surveys/pupils/preview",
                        data={"csrf_token": csrf_token(landing.text)})
    assert start.location.endswith("/admin/surveys/pupils/preview/q/school")
    page = client.get(start.location)
    assert "Preview: answers are not saved." in page.text
    assert "I like school" in page.text and "Page 1 of 1" in page.text
    done = client.post(start.location, data={"csrf_token": csrf_token(page.text),
                                              "submission": "preview",
                                              "like_school": "agree", "action": "continue"})
    assert done.location.endswith("/admin/surveys/pupils/preview/done")
    end = client.get(done.location)
    assert "End of the preview" in end.text and "Preview: answers are not saved." in end.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_preview_checks_answers_as_respondents_get_them(lead, client):
    send(client, "/admin/surveys/upload", {"definition": GOOD_YAML.replace(
        "text: I like school", "text: I like school\n        required: true")})
    landing = client.get("/admin/surveys/pupils/preview")
    client.post("/admin/surveys/pupils/preview", data={"csrf_token": csrf_token(landing.text)})
    page = client.get("/admin/surveys/pupils/preview/q/school")
    again = client.post("/admin/surveys/pupils/preview/q/school",
                        data={"csrf_token": csrf_token(page.text), "submission": "preview",
                              "action": "continue"})
    assert again.status_code == 200
    assert 'class="error-summary"' in again.text


def test_publish_freezes_the_draft(lead, client):
    new_from_template(client)
    response = send(client, "/admin/surveys/foster-carers-2026/publish", {})
    assert response.status_code == 302
    survey = get_survey("foster-carers-2026")
    assert survey.latest_version.is_frozen
    assert ("survey.publish", "foster-carers-2026", {"version": 1}) in audit_actions()
    page = client.get("/admin/surveys/foster-carers-2026/publish")
    assert "Nothing to publish" in page.text


# -- waves and invitation codes ---------------------------------------------------------

def make_staff_wave(client, **extra):
    send(client, "/admin/surveys/staff-annual/publish", {})
    data = {"key": "staff-2026", "title": "Staff survey 2026", "opens_on": "2026-09-01",
            "closes_on": "2026-09-28", "target_total": "120", **extra}
    return send(client, "/admin/surveys/staff-annual/waves/new", data)


def test_create_a_wave_with_targets(lead, client):
    definition = get_survey("staff-annual").latest_version.parsed()
    segment = definition.segment_questions()[0]
    name, first = segment.options["segment"], segment.choices[0].value
    response = make_staff_wave(client, **{f"target__{name}__{first}": "30",
                                          "requires_code": "y"})
    assert response.status_code == 302
    wave = db.session.scalar(select(Wave).where(Wave.key == "staff-2026"))
    assert (wave.opens_on, wave.closes_on) == (dt.date(2026, 9, 1), dt.date(2026, 9, 28))
    assert wave.targets == {name: {first: 30}} and wave.target_total == 120
    assert wave.requires_code is True
    assert ("wave.create", "staff-2026", {"survey": "staff-annual", "opens_on": "2026-09-01",
                                          "closes_on": "2026-09-28"}) in audit_actions()


def test_a_wave_needs_the_draft_published(lead, client):
    response = send(client, "/admin/surveys/staff-annual/waves/new",
                    {"key": "staff-2026", "title": "2026", "opens_on": "2026-09-01",
                     "closes_on": "2026-09-28"}, follow_redirects=False)
    assert response.status_code == 200
    assert "publish it before making a wave" in response.text
    assert db.session.scalar(select(func.count()).select_from(Wave)) == 0


def test_a_wave_cannot_close_before_it_opens(lead, client):
    response = make_staff_wave(client, closes_on="2026-08-01")
    assert response.status_code == 400
    assert 'id="closes_on-error"' in response.text


def test_open_and_close_a_wave(lead, client):
    day = today()
    make_staff_wave(client, opens_on=(day + dt.timedelta(5)).isoformat(),
                    closes_on=(day + dt.timedelta(30)).isoformat())
    view = "/admin/surveys/staff-annual"
    response = send(client, view, {}, url=f"{view}/waves/staff-2026/open")
    assert response.status_code == 302
    wave = db.session.scalar(select(Wave).where(Wave.key == "staff-2026"))
    assert wave.opens_on == day
    response = send(client, view, {}, url=f"{view}/waves/staff-2026/close")
    db.session.refresh(wave)
    assert wave.closed_early_on == day
    actions = [a for a, _, _ in audit_actions()]
    assert actions[-2:] == ["wave.open", "wave.close"]


def test_invitation_codes_are_shown_once_and_stored_as_hashes(lead, client):
    make_staff_wave(client)
    url = "/admin/surveys/staff-annual/waves/staff-2026/invitations"
    page = client.get(url)
    assert "only a scrambled form (a hash)" in page.text
    response = send(client, url, {"count": "3"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = [line.split("</span>")[1].strip() for line in response.text.splitlines()
             if 'class="code-card-code"' in line]
    assert len(codes) == 3 and all(len(c) == 9 and c[4] == "-" for c in codes)
    hashes = set(db.session.scalars(select(InvitationCode.code_hash)))
    assert len(hashes) == 3 and not set(codes) & hashes
    event = [e for e in audit_actions() if e[0] == "invitations.create"]
    assert event == [("invitations.create", "staff-2026", {"count": 3})]
    again = client.get(url)
    assert "3 codes have been made for this wave; 0 have been used" in again.text
    assert not any(code in again.text for code in codes)


def test_too_many_codes_are_refused(lead, client):
    make_staff_wave(client)
    url = "/admin/surveys/staff-annual/waves/staff-2026/invitations"
    response = send(client, url, {"count": "5001"})
    assert response.status_code == 400 and "between 1 and 5,000" in response.text


def test_a_question_can_say_which_answers_raise_a_concern(lead, client):
    new_from_template(client)
    url = "/admin/surveys/foster-carers-2026/sections/about_you/questions/new"
    response = send(client, url, {**QUESTION, "key": "feel_heard", "concern": "never"})
    assert response.status_code == 302
    question = get_survey("foster-carers-2026").latest_version.parsed().question("feel_heard")
    assert question.concern == ("never",)
    edit = client.get("/admin/surveys/foster-carers-2026/questions/feel_heard").text
    assert 'name="concern"' in edit and 'value="never"' in edit


@pytest.mark.parametrize("concern, message", [
    ("Never!", "is not an answer value"),            # not a value at all (the form's parser)
    ("sometimes", "is not an answer to this question"),  # not one of its choices (loader)
])
def test_a_bad_concern_is_refused_next_to_its_field(lead, client, concern, message):
    new_from_template(client)
    url = "/admin/surveys/foster-carers-2026/sections/about_you/questions/new"
    response = send(client, url, {**QUESTION, "key": "feel_heard", "concern": concern})
    assert response.status_code == 400
    error = re.search(r'id="concern-error"[^>]*>(.*?)</p>', response.text, re.S)
    assert error and message in re.sub(r"<[^>]+>", "", error.group(1))
