"""'You said, we did': recording actions, their RAG status and links, who may change them,
and the public page that shows only their plain words."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Action, AuditEvent, RagStatus, Role, Theme, ThemeRun
from feedback.services import actions as service
from feedback.services.actions import ActionDetails, ActionError, LinkChoice
from feedback.services.clock import now, today
from feedback.services.library import get_survey, store_definition
from surveys import Audience
from tests.feedback.respondent import csrf_token
from tests.feedback.workspace import sign_in_as

DAY = dt.date(2026, 3, 10)

STAFF_YAML = """\
key: staff-small
title: Staff survey
audience: staff
sections:
- key: about
  title: About you
  questions:
  - key: team
    type: segment
    text: Which team are you in?
    options: {segment: team}
    choices: [North, South]
  - key: workload
    type: agreement
    text: My workload is manageable
  - key: improve
    type: long_text
    text: What one change would help most?
"""

FAMILIES_YAML = """\
key: families-small
title: Families feedback
audience: families
sections:
- key: about
  title: About
  questions:
  - key: listened
    type: agreement
    text: I felt listened to
"""


@pytest.fixture
def surveys(app_ctx):
    """A staff survey whose free-text question has themes 0 (caseload), 1 (supervision),
    2 (merged into 0) and the non-answers (-1); and a families survey."""
    for text in (STAFF_YAML, FAMILIES_YAML):
        store_definition(textwrap.dedent(text))
    staff = get_survey("staff-small")
    run = ThemeRun(survey=staff, question_key="improve", backend="tfidf", created_at=now(),
                   status="done")
    run.themes = [Theme(number=0, label="Caseload pressure", size=5, share=0.5),
                  Theme(number=1, label="Supervision", size=3, share=0.3),
                  Theme(number=2, label="Old caseload theme", size=0, share=0.0,
                        merged_into=0),
                  Theme(number=-1, label="Nothing to add", size=2, share=0.2,
                        is_non_answer=True)]
    db.session.add(run)
    db.session.commit()
    return app_ctx


def details(**overrides) -> ActionDetails:
    values = {"title": "Cut caseloads", "owner": "Head of Assessment",
              "status": RagStatus.GREEN.value, "due_on": DAY + dt.timedelta(days=30),
              "you_said": "Caseloads too high", "evidence": "Board paper 12",
              "public_said": "You said you had too many cases.",
              "public_did": "We hired six social workers.", "published": True}
    values.update(overrides)
    return ActionDetails(**values)


def audit_entries(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# -- the service -----------------------------------------------------------------------

def test_a_new_action_is_stored_with_its_links_and_audited(surveys):
    action = service.create_action(
        "staff", details(), [LinkChoice("staff-small", "workload"),
                             LinkChoice("staff-small", "improve", 0)], DAY)
    db.session.commit()
    assert action.id and action.created_at == action.updated_at
    assert action.completed_on is None
    assert [(x.question_key, x.theme_number) for x in action.links] == [
        ("workload", None), ("improve", 0)]
    [entry] = audit_entries("action.create")
    assert entry.target == f"action {action.id}: Cut caseloads"
    assert entry.detail == {"audience": "staff", "status": "green", "published": True,
                            "links": 2}


def test_turning_blue_sets_the_completion_date_and_leaving_blue_clears_it(surveys):
    action = service.create_action("staff", details(), [], DAY)
    changed = service.update_action(action, details(status="blue"), DAY + dt.timedelta(days=3))
    assert changed == ["status"]
    assert action.completed_on == DAY + dt.timedelta(days=3)
    # Saving again while Blue keeps the day it was completed.
    service.update_action(action, details(status="blue", owner="Someone else"),
                          DAY + dt.timedelta(days=9))
    assert action.completed_on == DAY + dt.timedelta(days=3)
    service.update_action(action, details(status="amber"), DAY + dt.timedelta(days=10))
    assert action.completed_on is None
    # Recorded as Blue from the start: completed the day it is recorded.
    done = service.create_action("staff", details(status="blue"), [], DAY)
    assert done.completed_on == DAY


def test_every_change_is_audited_with_the_fields_changed_and_never_the_words(surveys):
    action = service.create_action("staff", details(published=False), [], DAY)
    service.update_action(action, details(status="red", published=True,
                                          public_did="We are hiring."), DAY)
    [entry] = audit_entries("action.update")
    assert entry.detail == {"changed": ["status", "public_did", "published"],
                            "status": "green -> red", "published": True}
    assert "hiring" not in str(entry.detail) and "hiring" not in entry.target
    assert service.update_action(action, details(status="red", published=True,
                                                 public_did="We are hiring."), DAY) == []
    assert len(audit_entries("action.update")) == 1  # nothing changed, nothing recorded
    service.delete_action(action)
    db.session.commit()
    assert db.session.scalar(select(Action)) is None
    assert [e.detail for e in audit_entries("action.delete")] == [{"audience": "staff"}]


def test_links_are_added_and_removed(surveys):
    action = service.create_action("staff", details(), [LinkChoice("staff-small", "workload")],
                                   DAY)
    db.session.flush()
    first = action.links[0].id
    changed = service.update_action(action, details(), DAY,
                                    add=[LinkChoice("staff-small", "improve", 1),
                                         LinkChoice("staff-small", "improve", 1)],
                                    remove=[first])
    assert changed == ["links"]
    assert [(x.question_key, x.theme_number) for x in action.links] == [("improve", 1)]
    assert service.describe_link(action.links[0]) == (
        "Staff survey: What one change would help most? (theme: Supervision)")


@pytest.mark.parametrize(("audience", "link", "field", "words"), [
    ("staff", LinkChoice("families-small", "listened"), "link", "is not for the people"),
    ("staff", LinkChoice("staff-small", "nope"), "link", "has no such question"),
    ("staff", LinkChoice("staff-small", "improve", 7), "link", "not among"),
    ("staff", LinkChoice("staff-small", "improve", -1), "link", "not among"),
    ("staff", LinkChoice("no-survey", "improve"), "link", "Choose a question"),
    ("pets", LinkChoice("staff-small", "workload"), "audience", "Choose who"),
])
def test_links_must_fit_the_audience_and_the_current_themes(surveys, audience, link, field,
                                                            words):
    with pytest.raises(ActionError) as caught:
        service.create_action(audience, details(), [link], DAY)
    assert caught.value.field == field and words in str(caught.value)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": "  "}, "title"),
    ({"owner": ""}, "owner"),
    ({"status": "purple"}, "status"),
    ({"public_said": " ", "published": True}, "public_said"),
    ({"public_did": "", "published": True}, "public_did"),
])
def test_an_action_needs_a_title_an_owner_a_status_and_public_words_to_publish(
        surveys, overrides, field):
    with pytest.raises(ActionError) as caught:
        service.create_action("staff", details(**overrides), [], DAY)
    assert caught.value.field == field


def test_unpublished_actions_may_leave_the_public_wording_for_later(surveys):
    action = service.create_action("staff", details(public_said="", public_did="",
                                                    published=False), [], DAY)
    assert action.public_said == "" and not action.published


def test_link_parsing():
    assert LinkChoice.parse("staff-small|improve|3") == LinkChoice("staff-small", "improve", 3)
    assert LinkChoice.parse("staff-small|workload").value == "staff-small|workload"
    for bad in ("", "staff-small", "a|b|c|d", "a||1", "a|b|x"):
        with pytest.raises(ActionError):
            LinkChoice.parse(bad)


def test_link_options_offer_questions_then_their_current_themes(surveys):
    [group] = service.link_options("staff")
    assert group.survey_title == "Staff survey"
    assert list(group.options) == [
        ("staff-small|workload", "Question: My workload is manageable"),
        ("staff-small|improve", "Question: What one change would help most?"),
        ("staff-small|improve|0", "Theme of those answers: Caseload pressure"),
        ("staff-small|improve|1", "Theme of those answers: Supervision"),
    ]  # no segment question, no merged theme, no non-answers
    assert [g.survey_title for g in service.link_options("families")] == ["Families feedback"]
    assert service.link_options("care_leavers") == []


def test_overdue_means_past_its_due_date_and_not_completed(surveys):
    def action(due, status="green"):
        return Action(due_on=due, status=status)

    yesterday, tomorrow = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)
    assert service.is_overdue(action(yesterday), DAY)
    assert service.is_overdue(action(yesterday, "amber"), DAY)
    assert not service.is_overdue(action(yesterday, "blue"), DAY)
    assert not service.is_overdue(action(DAY), DAY)
    assert not service.is_overdue(action(tomorrow), DAY)
    assert not service.is_overdue(action(None), DAY)


def test_finding_actions_by_audience_status_and_overdue(surveys):
    def make(title, audience="staff", due=None, status="green"):
        return service.create_action(audience, details(title=title, due_on=due, status=status),
                                     [], DAY)

    late = make("Late", due=DAY - dt.timedelta(days=2), status="amber")
    make("Done late", due=DAY - dt.timedelta(days=5), status="blue")
    soon = make("Soon", due=DAY + dt.timedelta(days=1))
    undated = make("Undated")
    families = make("Families", audience="families", due=DAY + dt.timedelta(days=40))
    titles = [a.title for a in service.find_actions(DAY)]
    assert titles == ["Late", "Soon", "Families", "Undated", "Done late"]
    assert service.find_actions(DAY, audience="families") == [families]
    assert service.find_actions(DAY, overdue=True) == [late]
    assert service.find_actions(DAY, status="green", audience="staff") == [soon, undated]


def test_the_public_records_hold_the_plain_words_and_the_status_only(surveys):
    service.create_action("staff", details(title="In progress"), [], DAY)
    service.create_action("staff", details(title="Done", status="blue",
                                           public_did="We did it."), [], DAY)
    service.create_action("staff", details(title="Hidden", published=False), [], DAY)
    service.create_action("families", details(title="Other audience"), [], DAY)
    found = service.published_for(Audience.STAFF)
    assert [(a.did, a.status_words) for a in found] == [
        ("We hired six social workers.", "We are doing this now"), ("We did it.", "Done")]
    assert not hasattr(found[0], "owner") and not hasattr(found[0], "evidence")


def test_plain_words_advice_for_young_people():
    assert service.plain_words_advice("You said your social worker changes. We listened.") == []
    long_sentence = " ".join(["word"] * 16) + "."
    assert service.plain_words_advice(long_sentence) == [
        "Sentence 1 has 16 words: try to keep sentences under 15."]
    tips = service.plain_words_advice("We implemented a multi-agency placement review.")
    assert tips == ["Long words a child may stumble on: multi-agency.",
                    "Instead of \u201cimplemented\u201d, try \u201cstarted\u201d.",
                    "Instead of \u201cmulti-agency\u201d, try \u201cpeople from different "
                    "services\u201d.",
                    "Instead of \u201cplacement\u201d, try \u201chome\u201d."]


# -- the pages -------------------------------------------------------------------------

def form_data(page: str, **values) -> dict:
    data = {"csrf_token": csrf_token(page), "title": "Cut caseloads", "owner": "Head of Service",
            "status": "green", "due_on": "2026-05-01", "you_said": "Caseloads",
            "evidence": "Board paper", "public_said": "You said you had too many cases.",
            "public_did": "We are hiring.", "published": "y", "link": ""}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_the_lead_records_an_action_in_two_steps(surveys, client):
    sign_in_as(client, Role.LEAD)
    first = client.get("/admin/actions/new")
    assert first.status_code == 200 and "Who does the action answer?" in first.text
    unchosen = client.get("/admin/actions/new?audience=")
    assert unchosen.status_code == 400 and 'href="#audience-0"' in unchosen.text
    page = client.get("/admin/actions/new?audience=staff").text
    assert '<optgroup label="Staff survey">' in page
    assert "Theme of those answers: Caseload pressure" in page
    assert "Families feedback" not in page  # another audience's survey
    sent = client.post("/admin/actions/new?audience=staff",
                       data=form_data(page, link="staff-small|improve|0"))
    assert sent.status_code == 302, sent.text
    action = db.session.scalar(select(Action))
    assert action is not None, sent.headers["Location"]
    assert sent.headers["Location"].endswith(f"/admin/actions/{action.id}")
    assert (action.audience, action.title, action.due_on) == ("staff", "Cut caseloads",
                                                              dt.date(2026, 5, 1))
    assert action.published and action.links[0].theme_number == 0
    shown = client.get(f"/admin/actions/{action.id}").text
    assert "Caseload pressure" in shown and "Green" in shown and "On track" in shown


def test_form_errors_are_listed_at_the_top_and_nothing_is_stored(surveys, client):
    sign_in_as(client, Role.LEAD)
    page = client.get("/admin/actions/new?audience=staff").text
    sent = client.post("/admin/actions/new?audience=staff",
                       data=form_data(page, title="", public_did="", link="staff-small|nope"))
    assert sent.status_code == 400
    assert 'href="#title"' in sent.text and "Enter a short title" in sent.text
    assert db.session.scalar(select(Action)) is None
    sent = client.post("/admin/actions/new?audience=staff", data=form_data(page, public_did=""))
    assert sent.status_code == 400 and 'href="#public_did"' in sent.text
    assert "before publishing" in sent.text


def test_editing_changes_status_and_links_and_is_audited(surveys, client):
    sign_in_as(client, Role.LEAD)
    action = service.create_action("staff", details(), [LinkChoice("staff-small", "workload")],
                                   DAY)
    db.session.commit()
    link_id = action.links[0].id
    page = client.get(f"/admin/actions/{action.id}/edit").text
    assert "It answers now (tick any to remove)" in page
    assert "Also answers (optional)" in page
    sent = client.post(f"/admin/actions/{action.id}/edit",
                       data=form_data(page, status="blue", remove_links=str(link_id),
                                      link="staff-small|improve|1", title="Cut caseloads",
                                      owner="Head of Assessment", due_on="2026-04-09",
                                      you_said="Caseloads too high", evidence="Board paper 12",
                                      public_said="You said you had too many cases.",
                                      public_did="We hired six social workers."))
    assert sent.status_code == 302
    db.session.refresh(action)
    assert action.status == "blue" and action.completed_on == today()
    assert [(x.question_key, x.theme_number) for x in action.links] == [("improve", 1)]
    [entry] = audit_entries("action.update")
    assert entry.detail == {"changed": ["status", "links"], "status": "green -> blue"}


def test_the_list_filters_and_shows_overdue_and_status_in_words(surveys, client):
    sign_in_as(client, Role.VIEWER)
    service.create_action("staff", details(title="Late one", status="amber",
                                           due_on=today() - dt.timedelta(days=3)), [], DAY)
    service.create_action("families", details(title="Families one", status="red",
                                              due_on=None), [], DAY)
    db.session.commit()
    page = client.get("/admin/actions").text
    assert "Late one" in page and "Families one" in page
    assert "Overdue" in page and "Delayed, with a plan" in page
    assert "Record an action" not in page  # a viewer reads only
    page = client.get("/admin/actions?overdue=1").text
    assert "Late one" in page and "Families one" not in page
    page = client.get("/admin/actions?audience=families&status=red").text
    assert "Families one" in page and "Late one" not in page
    page = client.get("/admin/actions?audience=nobody&status=purple").text
    assert "Late one" in page and "Families one" in page  # unknown filters are ignored


@pytest.mark.parametrize(("role", "read", "change"), [
    (Role.ADMIN, 200, 200), (Role.LEAD, 200, 200), (Role.MANAGER, 200, 403),
    (Role.VIEWER, 200, 403), (Role.SAFEGUARDING, 403, 403),
])
def test_who_may_read_and_change_actions(surveys, client, role, read, change):
    action = service.create_action("staff", details(), [], DAY)
    db.session.commit()
    sign_in_as(client, role)
    assert client.get("/admin/actions").status_code == read
    assert client.get(f"/admin/actions/{action.id}").status_code == read
    assert client.get("/admin/actions/new?audience=staff").status_code == change
    assert client.get(f"/admin/actions/{action.id}/edit").status_code == change
    assert client.get(f"/admin/actions/{action.id}/delete").status_code == change


def test_deleting_needs_the_form_and_its_csrf_token(surveys, client):
    sign_in_as(client, Role.LEAD)
    action = service.create_action("staff", details(), [], DAY)
    db.session.commit()
    assert client.post(f"/admin/actions/{action.id}/delete").status_code == 400
    assert db.session.get(Action, action.id) is not None
    page = client.get(f"/admin/actions/{action.id}/delete").text
    sent = client.post(f"/admin/actions/{action.id}/delete",
                       data={"csrf_token": csrf_token(page)})
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id) is None
    assert client.get(f"/admin/actions/{action.id}").status_code == 404


def test_the_young_peoples_form_and_page_ask_for_plain_words(surveys, client):
    sign_in_as(client, Role.LEAD)
    page = client.get("/admin/actions/new?audience=young_people").text
    assert "9-year-old" in page
    action = service.create_action("young_people", details(
        public_did="We implemented a statutory review."), [], DAY)
    db.session.commit()
    shown = client.get(f"/admin/actions/{action.id}").text
    assert "Plain words check" in shown and "try \u201cthe law says we must\u201d" in shown


# -- the public page ---------------------------------------------------------------------

def test_the_public_page_shows_published_plain_words_and_nothing_internal(surveys, client):
    service.create_action("staff", details(
        title="Internal title", owner="Jo Bloggs, Head of Assessment",
        evidence="Secret board paper", you_said="Internal summary",
        public_said="You said <script>alert(1)</script> caseloads were high.",
        public_did="We hired six social workers."), [], DAY)
    service.create_action("staff", details(title="Done one", status="blue",
                                           public_said="You said supervision was rushed.",
                                           public_did="Supervision is now monthly."), [], DAY)
    service.create_action("staff", details(public_said="Unpublished words", published=False),
                          [], DAY)
    service.create_action("families", details(public_said="Families words"), [], DAY)
    db.session.commit()
    page = client.get("/you-said-we-did/staff").text
    assert "We hired six social workers." in page and "Supervision is now monthly." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "We are doing this now" in page and "Done" in page
    assert page.index("Changes we are making") < page.index("Changes we have made")
    for hidden in ("Jo Bloggs", "Secret board paper", "Internal summary", "Internal title",
                   "Unpublished words", "Families words", "Nothing to show yet"):
        assert hidden not in page
    assert "Nothing to show yet" in client.get("/you-said-we-did/care_leavers").text
    assert client.get("/you-said-we-did/pets").status_code == 404


def test_the_public_page_in_polish_marks_the_english_wording(surveys, client):
    service.create_action("staff", details(), [], DAY)
    db.session.commit()
    page = client.get("/you-said-we-did/staff?lang=pl").text
    assert '<p lang="en">We hired six social workers.</p>' in page
    assert "Właśnie nad tym pracujemy" in page  # the status in words, in Polish


def test_the_thank_you_page_links_to_the_audiences_page(app_ctx, client):
    from feedback.services.library import load_library
    from feedback.services.waves import create_wave

    load_library()
    create_wave("families-feedback", "families-now", "Now", today() - dt.timedelta(days=1),
                today() + dt.timedelta(days=5))
    db.session.commit()
    page = client.get("/s/families-feedback/thank-you").text
    assert 'href="/you-said-we-did/families"' in page


def test_demo_actions_cover_every_audience_published_and_not(surveys):
    from feedback.demo.actions import DEMO_ACTIONS, create_demo_actions
    from feedback.services.library import load_library

    load_library()
    made = create_demo_actions(DAY)
    db.session.commit()
    assert made == len(DEMO_ACTIONS)
    assert create_demo_actions(DAY) == 0  # once only
    for audience in Audience:
        published = service.published_for(audience)
        assert published, audience
        found = service.find_actions(DAY, audience=audience.value)
        assert any(not a.published for a in found), audience
        assert all(a.links for a in found), audience
    statuses = {a.status for a in service.find_actions(DAY)}
    assert statuses == {s.value for s in RagStatus}
    assert service.find_actions(DAY, overdue=True)
    done = service.find_actions(DAY, status="blue")
    assert all(a.completed_on and a.completed_on <= DAY for a in done)
