"""A disclosure written on a phone reaches the safeguarding lead: it is in the queue,
an email goes out at once (to a local SMTP server), and the decision is audited."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import AuditEvent, SafeguardingFlag
from tests.browser.conftest import new_context
from tests.browser.walk import assert_accessible, is_thanks, walk_by_mouse
from tests.feedback.workspace import PASSWORD, make_user
from tests.mailbox import local_smtp

DISCLOSURE = "i dont feel safe at home my mums boyfriend hurts me"


@pytest.fixture
def mailed_server(server):
    config = server.app.config
    saved = {k: config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SAFEGUARDING_EMAILS")}
    with local_smtp() as inbox:
        config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port,
                      SAFEGUARDING_EMAILS="dsl@example.org")
        yield server, inbox
    config.update(saved)


def test_a_disclosure_reaches_the_queue_and_the_inbox_and_its_handling_is_audited(
        browser, mailed_server):
    server, inbox = mailed_server
    child = new_context(browser, server, "phone").new_page()
    walk_by_mouse(child, "young-people-11-17", text=DISCLOSURE)
    assert is_thanks(child)
    child.context.close()

    inbox.wait()
    [(_, message)] = inbox.messages
    body = message.get_content()
    assert "safeguarding queue" in body and "boyfriend" not in body

    with server.app.app_context():
        make_user("safeguarding", email="dsl@example.org")
    lead = new_context(browser, server, "desktop").new_page()
    lead.goto("/admin/sign-in")
    lead.get_by_label("Email address").fill("dsl@example.org")
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Sign in").click()
    lead.wait_for_url("**/admin/safeguarding")
    assert_accessible(lead, "safeguarding queue")
    lead.get_by_role("link", name="Open").first.click()
    expect(lead.get_by_text(DISCLOSURE)).to_be_visible()
    assert_accessible(lead, "safeguarding item")
    lead.get_by_label("Referred").check()
    lead.get_by_label("Note").fill("Rang the front door; referral made.")
    lead.get_by_role("button", name="Record decision").click()
    lead.wait_for_url("**/admin/safeguarding")
    assert lead.get_by_text("Decision recorded.").is_visible()
    lead.context.close()

    with server.app.app_context():
        # the walk wrote the disclosure in both free-text questions: two items, one email
        flags = db.session.scalars(select(SafeguardingFlag)).all()
        assert sorted(f.status for f in flags) == ["new", "referred"]
        assert all(f.notified for f in flags)
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-4:] == ["safeguarding.list", "safeguarding.view",
                                "safeguarding.status", "safeguarding.list"]
