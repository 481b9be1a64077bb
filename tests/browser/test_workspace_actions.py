"""The participation lead records an action and sees it on the public page, in real
Chromium at desktop and phone size, with axe-core finding nothing on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Action, AuditEvent
from tests.browser.conftest import new_context, sign_in_page
from tests.browser.walk import assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_SAID = "You said it is hard to talk to your social worker on your own."
PUBLIC_DID = "Now your social worker will see you on your own at every visit."
OWNER = "Ruth Okafor, Head of Children in Care"
EVIDENCE = "Visit audit, March: 88 of 100 visits had time alone"


@pytest.fixture(params=["desktop", "phone"])
def lead(request, browser, demo_data):
    page = sign_in_page(browser, demo_data, "lead@example.org", request.param)
    yield page
    page.context.close()


def test_record_an_action_and_see_it_on_the_public_page(browser, demo_data, lead):
    page = lead
    page.goto("/admin/")
    page.get_by_role("link", name="You said, we did").first.click()
    page.wait_for_url("**/admin/actions")
    assert page.get_by_text("Keep the same social worker").is_visible()
    assert_accessible(page, "actions list")

    page.get_by_role("link", name="Record an action").click()
    page.wait_for_url("**/admin/actions/new")
    assert_accessible(page, "who the action answers")
    page.get_by_label("Children and young people in care").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/actions/new?audience=young_people")
    assert page.get_by_text("9-year-old").first.is_visible()  # the plain-words hint

    # Sent empty: the error summary links to the fields.
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert_accessible(page, "action form with errors")

    page.get_by_label("Title").fill("Time alone with your social worker")
    page.get_by_label("What people said").fill("Young people want time alone with their worker")
    theme = page.locator("#link option[value*='|change_one_thing|']").first.get_attribute("value")
    page.get_by_label("What it answers (optional)").select_option(theme)
    page.get_by_label("Owner").fill(OWNER)
    page.get_by_label("Due date (optional)").fill("2030-03-31")
    page.get_by_label("Amber: delayed, with a plan").check()
    page.get_by_label("Evidence").fill(EVIDENCE)
    page.get_by_label("You said (public wording)").fill(PUBLIC_SAID)
    page.get_by_label("We did (public wording)").fill(PUBLIC_DID)
    page.get_by_label("Show on the public").check()
    assert_accessible(page, "action form filled in")
    page.get_by_role("button", name="Record the action").click()
    page.wait_for_url(re.compile(r".*/admin/actions/\d+$"))
    assert page.get_by_text("Recorded the action").is_visible()
    assert page.get_by_text("Delayed, with a plan").first.is_visible()
    assert_accessible(page, "the new action")

    # Anyone, not signed in, on the young people's page.
    public = new_context(browser, demo_data, "phone").new_page()
    public.goto("/you-said-we-did/young_people")
    main = public.locator("main").inner_text()
    assert PUBLIC_SAID in main and PUBLIC_DID in main
    assert "Taking longer than we planned" in main
    for internal in (OWNER, EVIDENCE, "Time alone with your social worker", "2030"):
        assert internal not in public.content()
    assert_accessible(public, "public you said, we did page")
    public.context.close()

    with demo_data.app.app_context():
        action = db.session.scalar(select(Action).where(Action.owner == OWNER))
        assert action.published and action.links[0].theme_number is not None
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "action.create",
            AuditEvent.actor == "lead@example.org")) is not None


def test_complete_an_action_and_filter_the_list(browser, demo_data, lead):
    page = lead
    page.goto("/admin/actions?overdue=1")
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    assert all("Overdue" in rows.nth(i).inner_text() for i in range(rows.count()))
    assert_accessible(page, "overdue actions")

    page.goto("/admin/actions")
    page.get_by_role("link", name="Drop-in for care leavers").click()
    page.get_by_role("link", name="Edit the action").click()
    page.get_by_label("Blue: completed").check()
    page.get_by_label("Show on the public").check()
    assert_accessible(page, "editing an action")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/admin/actions/\d+$"))
    assert page.get_by_text("Completed, on").is_visible()

    page.goto("/admin/actions")
    page.get_by_label("Who it answers").select_option("care_leavers")
    page.get_by_label("Status").select_option("blue")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/admin/actions\?.*status=blue"))
    body = page.locator("tbody").inner_text()
    assert "Drop-in for care leavers" in body and "Council tax exemption" in body
    assert "A named housing officer" not in body

    public = new_context(browser, demo_data, "desktop").new_page()
    public.goto("/you-said-we-did/care_leavers")
    done = public.locator("main").inner_text().split("Changes we have made", 1)[1]
    assert "We are opening a weekly drop-in" in done and "Done" in done
    public.context.close()
