"""The participation lead builds and runs a survey, in real Chromium at desktop and phone
size, with axe-core checking every page: copy a library survey, add a question, move it,
preview it, publish it, create and open a wave, and print invitation codes. A YAML file
with a mistake shows the line and the key."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEvent, InvitationCode, Response, Wave
from tests.browser.conftest import sign_in_page
from tests.browser.walk import assert_accessible, click_and_wait

pytestmark = pytest.mark.browser

WORDING = "How often do you get a break from caring?"


@pytest.fixture(params=["desktop", "phone"])
def lead(request, browser, demo_data):
    page = sign_in_page(browser, demo_data, "lead@example.org", request.param)
    yield page
    page.context.close()


def question_order(page) -> list[str]:
    return page.locator("#section-about_you + ol .question-wording").all_inner_texts()


def walk_preview(page) -> list[str]:
    """Continue through every preview page, answering only what must be answered."""
    seen = []
    for _ in range(40):
        if "/preview/done" in page.url:
            return seen
        assert "Preview: answers are not saved." in page.locator(".preview-banner").inner_text()
        seen.append(page.locator("main").inner_text())
        # each page posts back to its own address, and shows its errors there: a wait for
        # the navigation, not for a URL, tells the next page (or the errors) from this one
        click_and_wait(page, page.get_by_role("button", name=re.compile(
            "Continue|Send my answers")))
        if page.locator(".error-summary").count():
            for group in page.locator(".form-group-error").all():
                group.locator("input[type=radio], input[type=checkbox]").first.check()
            click_and_wait(page, page.get_by_role("button", name=re.compile(
                "Continue|Send my answers")))
    raise AssertionError("the preview never ended")


def test_build_preview_publish_and_run_a_survey(lead, demo_data):
    page = lead
    page.goto("/admin/")
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Surveys").click()
    page.wait_for_url("**/admin/surveys")
    assert_accessible(page, "surveys list")

    # A copy of the foster carers' survey, under a new key and title.
    page.get_by_role("link", name="Create a survey from the library").click()
    page.get_by_label("Foster carers' survey (Foster carers)").check()
    page.get_by_label("Key").fill("foster-carers-2027")
    page.get_by_label("Title").fill("Foster carers 2027")
    assert_accessible(page, "create from the library")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/admin/surveys/foster-carers-2027")
    assert page.get_by_text("Created Foster carers 2027 as a draft").is_visible()
    assert_accessible(page, "the new survey")

    # Add a question at the end of "About you", then move it up above the one before.
    page.get_by_role("link", name="Add a question to About you").click()
    page.get_by_label("Key").fill("breaks")
    page.get_by_label("Type of question").select_option("single_choice")
    page.get_by_label("Wording").fill(WORDING)
    page.get_by_label("Choices (for choice and segment questions)").fill(
        "weekly: Every week\nmonthly: Every month\nNever")
    assert_accessible(page, "add a question")
    page.get_by_role("button", name="Add the question").click()
    page.wait_for_url("**/admin/surveys/foster-carers-2027")
    before = question_order(page)
    assert before[-1] == WORDING
    page.get_by_role("button", name=f"Move up “{WORDING}”").click()
    page.wait_for_url("**/admin/surveys/foster-carers-2027#q-breaks")
    assert question_order(page) == [*before[:-2], WORDING, before[-2]]
    assert page.get_by_text("Moved breaks up.").is_visible()

    # The preview reads the draft, page by page, and stores nothing.
    page.get_by_role("link", name="Preview the draft").click()
    expect(page.locator(".preview-banner")).to_be_visible()
    assert_accessible(page, "preview landing page")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/preview/q/**")
    assert page.get_by_text(WORDING).is_visible()
    assert page.get_by_label("Every month").is_visible()
    assert_accessible(page, "preview question page")
    pages = walk_preview(page)
    assert len(pages) >= 3 and WORDING in pages[0]
    assert page.get_by_text("End of the preview").is_visible()
    assert_accessible(page, "end of the preview")
    with demo_data.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response).join(Wave).where(
            Wave.key.startswith("foster-carers-2027"))) == 0

    # Publish: the version freezes.
    page.get_by_role("link", name="Back to the survey editor").first.click()
    page.get_by_role("link", name="Publish version 1").click()
    page.wait_for_url("**/admin/surveys/foster-carers-2027/publish")
    assert_accessible(page, "publish")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Published version 1.")).to_be_visible()

    # A wave that opens next week, with a target, opened now.
    day = dt.date.today()
    page.get_by_role("link", name="Create a wave").click()
    page.get_by_label("Key").fill("foster-carers-2027-spring")
    page.get_by_label("Title").fill("Spring 2027")
    page.get_by_label("Opens on").fill((day + dt.timedelta(7)).isoformat())
    page.get_by_label("Closes on").fill((day + dt.timedelta(35)).isoformat())
    page.get_by_label("How many people are asked, in all (optional)").fill("150")
    page.get_by_label("Mainstream foster carer").fill("90")
    page.get_by_label("Respondents need a single-use invitation code").check()
    assert_accessible(page, "create a wave")
    page.get_by_role("button", name="Create the wave").click()
    page.wait_for_url("**/admin/surveys/foster-carers-2027#waves")
    row = page.locator("tr", has_text="Spring 2027")
    assert "Upcoming" in row.inner_text()
    # Posts and comes back to the same address, #waves and all; the row being left also
    # says "Open" (its "Open now" button) and "0 of 150": wait for the page to come back.
    click_and_wait(page, row.get_by_role("button", name="Open now Spring 2027"))
    row = page.locator("tr", has_text="Spring 2027")
    expect(row.locator(".tag")).to_have_text("Open")
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text("0 of 150")
    assert_accessible(page, "the survey with an open wave")

    # Invitation codes: shown once, printed from the page.
    row.get_by_role("link", name="Invitation codes for Spring 2027").click()
    expect(page.get_by_text("Codes are shown once")).to_be_visible()
    page.get_by_label("How many codes").fill("4")
    click_and_wait(page, page.get_by_role("button", name="Make the codes"))  # same address
    expect(page.locator(".code-card-code")).to_have_count(4)
    codes = page.locator(".code-card-code").all_inner_texts()
    assert len(codes) == 4
    assert all(re.search(r"(^|\s)[A-Z2-9]{4}-[A-Z2-9]{4}$", c.strip()) for c in codes), codes
    assert_accessible(page, "the codes")
    page.emulate_media(media="print")
    assert not page.locator(".workspace-nav").is_visible()
    assert page.locator(".code-card").first.is_visible()
    page.emulate_media(media="screen")
    with demo_data.app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.key == "foster-carers-2027-spring"))
        assert wave.targets == {"carer_type": {"mainstream": 90}} and wave.requires_code
        assert db.session.scalar(select(func.count()).select_from(InvitationCode).where(
            InvitationCode.wave_id == wave.id)) == 4
        actions = set(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target.startswith("foster-carers-2027"))))
        assert {"survey.create", "survey.edit", "survey.publish", "wave.create", "wave.open",
                "invitations.create"} <= actions


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


def test_a_yaml_mistake_shows_the_line_and_the_key(lead):
    page = lead
    page.goto("/admin/surveys/upload")
    assert_accessible(page, "upload a definition")
    page.get_by_label("Or paste the YAML here").fill(BAD_YAML)
    click_and_wait(page, page.get_by_role("button", name="Check and create the draft"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert "Line 9, at sections[0].questions[0].type: unknown question type 'agremeent'" in \
        summary.inner_text()
    expect(page).to_have_title(re.compile(r"^Error:"))
    marked = page.locator(".yaml-error")
    assert marked.get_attribute("id") == "line-9"
    assert "type: agremeent" in marked.inner_text()
    assert_accessible(page, "a definition with a mistake")
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#line-9$"))
    # Put right in the box, it is created.
    page.get_by_label("Or paste the YAML here").fill(BAD_YAML.replace("agremeent", "agreement"))
    page.get_by_role("button", name="Check and create the draft").click()
    page.wait_for_url(re.compile(r".*/admin/surveys/pupils(#line-9)?$"))  # the fragment stays
    assert page.get_by_text("I like school", exact=True).is_visible()
