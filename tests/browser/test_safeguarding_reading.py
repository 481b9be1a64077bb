"""Every child's words read by a person: the safeguarding lead marks a batch of answers
read and raises a concern the screen missed, with JavaScript switched off; the pages pass
axe-core at phone and desktop sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, SafeguardingItem
from feedback.services.clock import today
from feedback.services.library import get_survey
from feedback.services.responses import store_response
from tests.browser.test_safeguarding import (
    lead_page,
    phrase_lists_only,  # noqa: F401  (autouse)
)
from tests.browser.walk import assert_accessible, click_and_wait

WORDS = ["I like my room", "More trips to the seaside", "my foster carer never gives me dinner",
         "Football on Saturdays"]


def send_answers(server) -> None:
    """Four answers nobody has read, sent one a day from three days ago (so the third,
    which the screen does not flag, is not the newest)."""
    with server.app.app_context():
        wave = get_survey("young-people-11-17").waves[-1]
        for age, words in zip((3, 2, 1, 0), WORDS, strict=True):
            store_response(wave, {"best_thing": words}, f"k{age}",
                           today() - dt.timedelta(days=age))


def answers_on(page) -> list[str]:
    return page.locator(".to-read-words").all_inner_texts()


def test_a_batch_is_marked_read_without_javascript(browser, server):
    send_answers(server)
    lead = lead_page(browser, server, "phone", java_script_enabled=False)
    click_and_wait(lead, lead.get_by_role("navigation", name="Safeguarding")
                   .get_by_role("link", name="To read"))
    expect(lead.get_by_role("heading", name="4 answers to read")).to_be_visible()
    assert answers_on(lead) == WORDS  # oldest first
    expect(lead.locator("table")).to_contain_text("0 of 4 read, 0 %")

    lead.get_by_label("Read: answer 1").check()
    lead.get_by_label("Read: answer 2").check()
    click_and_wait(lead, lead.get_by_role("button", name="Mark selected as read"))
    expect(lead.get_by_text("2 answers marked as read.")).to_be_visible()
    assert answers_on(lead) == WORDS[2:]
    expect(lead.locator("table")).to_contain_text("2 of 4 read, 50 %")

    click_and_wait(lead, lead.get_by_role("button", name="Mark selected as read"))
    expect(lead.locator(".error-summary")).to_contain_text("Choose the answers you have read")

    click_and_wait(lead, lead.get_by_role("button", name="Mark all on this page as read"))
    expect(lead.get_by_text("2 answers marked as read.")).to_be_visible()
    expect(lead.get_by_text("Nothing left to read.")).to_be_visible()
    lead.context.close()
    with server.app.app_context():
        assert db.session.scalars(select(Answer.read_on).where(
            Answer.text.is_not(None))).all() == [today()] * 4


def test_a_concern_the_screen_missed_is_raised_without_javascript(browser, server):
    send_answers(server)
    lead = lead_page(browser, server, "phone", java_script_enabled=False)
    lead.goto("/admin/safeguarding/to-read")
    click_and_wait(lead, lead.get_by_role("link", name="Raise a concern about answer 3"))
    expect(lead.locator(".answer-in-full")).to_have_text(WORDS[2])
    lead.get_by_label("Neglect: not fed, left alone or not looked after").check()
    click_and_wait(lead, lead.get_by_role("button", name="Raise a concern"))
    expect(lead.get_by_text("Concern raised.")).to_be_visible()
    expect(lead.locator(".answer-flagged")).to_contain_text(WORDS[2])
    expect(lead.get_by_text("raised by a person who read the answer")).to_be_visible()
    lead.goto("/admin/safeguarding/to-read")
    assert answers_on(lead) == [WORDS[0], WORDS[1], WORDS[3]]
    lead.context.close()
    with server.app.app_context():
        [item] = db.session.scalars(select(SafeguardingItem)).all()
        assert [r["source"] for f in item.findings for r in f.reasons] == ["person"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_reading_pages_pass_axe(browser, server, viewport):
    """axe-core needs JavaScript, so the pages the tests above use without it are
    checked here with it."""
    send_answers(server)
    lead = lead_page(browser, server, viewport)
    lead.goto("/admin/safeguarding/to-read")
    expect(lead.get_by_role("heading", name="4 answers to read")).to_be_visible()
    assert_accessible(lead, f"answers to read ({viewport})")
    click_and_wait(lead, lead.get_by_role("button", name="Mark selected as read"))
    expect(lead.locator(".error-summary")).to_be_visible()
    assert_accessible(lead, f"answers to read, nothing ticked ({viewport})")
    click_and_wait(lead, lead.get_by_role("link", name="Raise a concern about answer 3"))
    expect(lead.locator(".answer-in-full")).to_have_text(WORDS[2])
    assert_accessible(lead, f"raise a concern ({viewport})")
    click_and_wait(lead, lead.get_by_role("button", name="Raise a concern"))
    expect(lead.locator(".error-summary")).to_contain_text("Choose what the answer may show")
    assert_accessible(lead, f"raise a concern, nothing chosen ({viewport})")
    lead.get_by_label("Neglect: not fed, left alone or not looked after").check()
    click_and_wait(lead, lead.get_by_role("button", name="Raise a concern"))
    expect(lead.get_by_text("Concern raised.")).to_be_visible()
    assert_accessible(lead, f"the item a person raised ({viewport})")
    lead.context.close()
