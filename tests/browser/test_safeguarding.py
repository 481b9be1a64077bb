"""A disclosure written on a phone reaches the safeguarding lead: one item for the response
in the queue, an email at once (to a local SMTP server), the whole response on the item's
page, and the decision audited. An item left new past the target is marked overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import AuditEvent, SafeguardingItem
from feedback.services.clock import today
from feedback.services.library import get_survey
from feedback.services.responses import store_response
from feedback.services.screening import screener
from tests.browser.conftest import new_context
from tests.browser.walk import assert_accessible, click_and_wait, is_thanks, walk_by_mouse
from tests.feedback.workspace import PASSWORD, make_user
from tests.mailbox import local_smtp

DISCLOSURE = "i dont feel safe at home my mums boyfriend hurts me"


@pytest.fixture(autouse=True)
def phrase_lists_only(server):
    """The screen without its meaning layer (the sentence model would embed its example
    bank first, a minute or two): these tests are about the queue, not the screen."""
    config = server.app.config
    saved = config["SAFEGUARDING_MEANING"]
    config["SAFEGUARDING_MEANING"] = False
    with server.app.app_context():
        screener()  # built now, not while a page waits for it
    yield server
    config["SAFEGUARDING_MEANING"] = saved


@pytest.fixture
def mailed_server(server):
    config = server.app.config
    saved = {k: config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SAFEGUARDING_EMAILS")}
    with local_smtp() as inbox:
        config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port,
                      SAFEGUARDING_EMAILS="dsl@example.org")
        yield server, inbox
    config.update(saved)


def lead_page(browser, server, viewport="desktop", **options):
    """The safeguarding lead, signed in (the workspace opens on the queue)."""
    with server.app.app_context():
        make_user("safeguarding", email="dsl@example.org")
    page = new_context(browser, server, viewport, **options).new_page()
    page.goto("/admin/sign-in")
    page.get_by_label("Email address").fill("dsl@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/safeguarding")
    return page


def test_a_disclosure_is_one_item_whose_page_shows_the_whole_response(browser, mailed_server):
    server, inbox = mailed_server
    child = new_context(browser, server, "phone").new_page()
    # the walk writes the disclosure in both free-text questions: one response, one item
    walk_by_mouse(child, "young-people-11-17", text=DISCLOSURE)
    assert is_thanks(child)
    child.context.close()

    inbox.wait()
    [(_, message)] = inbox.messages
    body = message.get_content()
    assert "safeguarding queue" in body and "boyfriend" not in body
    assert len([line for line in body.splitlines() if line.startswith("- ")]) == 1

    lead = lead_page(browser, server)
    assert_accessible(lead, "safeguarding queue")
    expect(lead.get_by_role("link", name="Open")).to_have_count(1)
    expect(lead.locator("tbody tr")).to_contain_text("Feeling unsafe or scared where they live")
    click_and_wait(lead, lead.get_by_role("link", name="Open"))
    expect(lead.get_by_role("heading", name="The whole response")).to_be_visible()
    # both answers that raised it, marked, and the rest of the response
    expect(lead.locator(".answer-flagged")).to_have_count(2)
    expect(lead.locator(".answer-flagged").first).to_contain_text(DISCLOSURE)
    expect(lead.locator(".response-in-full")).to_contain_text("I feel safe where I live.")
    assert lead.locator(".response-in-full .summary-list-row").count() > 10
    assert_accessible(lead, "safeguarding item")
    lead.get_by_label("Referred").check()
    lead.get_by_label("Note").fill("Rang the front door; referral made.")
    lead.get_by_role("button", name="Record decision").click()
    lead.wait_for_url("**/admin/safeguarding")
    expect(lead.get_by_text("Decision recorded.")).to_be_visible()
    lead.context.close()

    with server.app.app_context():
        [item] = db.session.scalars(select(SafeguardingItem)).all()
        assert (item.status, item.notified, len(item.findings)) == ("referred", True, 2)
        assert item.decided_on == today()
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-4:] == ["safeguarding.list", "safeguarding.view",
                                "safeguarding.status", "safeguarding.list"]


def raise_items(server) -> None:
    """A disclosure sent three days ago (overdue) and one sent today (not yet)."""
    with server.app.app_context():
        wave = get_survey("young-people-11-17").waves[-1]
        for key, age in (("old", 3), ("new", 0)):
            store_response(wave, {"change_one_thing": f"{DISCLOSURE} ({key})"}, key,
                           today() - dt.timedelta(days=age))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_overdue_item_is_marked_and_comes_first(browser, server, viewport):
    raise_items(server)
    lead = lead_page(browser, server, viewport)
    rows = lead.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("3 days ago")
    expect(rows.first.locator(".tag-overdue")).to_have_text("Overdue")
    expect(rows.nth(1)).to_contain_text("today")
    expect(rows.nth(1).locator(".tag-overdue")).to_have_count(0)
    expect(lead.locator(".lead")).to_have_text("2 new items to review, 1 of them overdue.")
    # with the meaning layer off, every safeguarding page says so
    expect(lead.get_by_role("alert")).to_contain_text("phrase lists only")
    assert_accessible(lead, f"safeguarding queue ({viewport})")
    click_and_wait(lead, lead.get_by_role("link", name="Open").first)
    expect(lead.locator(".item-status")).to_contain_text("Raised 3 days ago. Overdue")
    assert_accessible(lead, f"an overdue item ({viewport})")
    lead.context.close()
