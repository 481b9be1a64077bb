"""Help in the moment: after answers that may mean a respondent is at risk (a concern
choice, or free text the screen flags), the next page offers help once, and the
thank-you page offers it again, saying honestly whether anyone can follow up."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from feedback.extensions import db
from feedback.services.clock import today
from feedback.services.help import (
    SESSION_KEY,
    HelpLine,
    concern_on_page,
    forget,
    help_offer,
    help_on_page,
    help_on_thanks,
    note_page,
)
from feedback.services.library import load_library, store_definition
from feedback.services.waves import create_wave
from surveys import loads_survey
from tests.feedback.respondent import first_answers, open_waves_now, start

DISCLOSURE = "my step dad hits me when mum is out"
ORDINARY = "Things are mostly fine."

PANEL = 'id="help-now-title"'
ANONYMOUS = "We do not know who you are. This means we cannot come and check that you are OK."

#: a small identified survey: one question a page, a concern choice, then free text
CHECK_IN = """\
key: check-in
title: Checking in
audience: young_people
settings:
  mode: identified
  page_mode: one_question
  help_contacts:
    - {name: Childline, phone: "0800 1111"}
    - {name: Your leaving care team, phone: "01632 960111", description: Weekdays 9 to 5.}
sections:
- key: you
  title: You
  questions:
  - {key: feel_safe, type: yes_no, text: Do you feel safe where you live?, concern: ["no"]}
  - {key: school, type: yes_no, text: Do you like school?}
  - {key: tell_us, type: long_text, text: Is there anything else you want to tell us?}
"""


@pytest.fixture
def open_waves(app_ctx):
    """The library and the identified check-in survey, each with a wave open today."""
    load_library()
    store_definition(CHECK_IN, "check-in.yaml")
    open_waves_now(("young-people-4-7", "young-people-8-11", "families-feedback", "check-in"))
    return app_ctx


def walk(client, survey_key: str, text: str = ORDINARY, **chosen: str
         ) -> tuple[list[tuple[str, str]], str]:
    """Answer every page (the first choice, ``text`` in text boxes, ``chosen`` where
    given) to the end: ``([(page key, html as shown)], thank-you html)``."""
    url = start(client, survey_key)
    seen = []
    for _ in range(40):
        if "/thank-you" in url:
            return seen, client.get(url).text
        page = client.get(url)
        assert page.status_code == 200, url
        seen.append((url.rsplit("/q/", 1)[-1], page.text))
        data = {**first_answers(page.text, text), "action": "continue"}
        data.update({k: [v] for k, v in chosen.items() if k in data})
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, response.text[:500])
        url = response.headers["Location"]
    raise AssertionError("the survey never ended")


def with_panel(seen: list[tuple[str, str]]) -> list[str]:
    return [key for key, html in seen if PANEL in html]


def panel(html: str) -> str:
    """The help panel's HTML (the page around it also has a footer with help in it)."""
    match = re.search(r'<div class="help-now".*?</ul>\s*<p>.*?</p>\s*</div>', html, re.S)
    assert match, "no help panel on the page"
    return match.group(0)


def test_a_sad_face_to_feel_safe_offers_help_on_the_next_page_only(open_waves, client):
    seen, thanks = walk(client, "young-people-4-7", feel_safe="sad")
    assert [key for key, _ in seen][1:3] == ["feel_safe", "trusted_adult"]
    assert with_panel(seen) == ["trusted_adult"], "once, on the page after, not on every page"
    html = dict(seen)["trusted_adult"]
    assert html.count(PANEL) == 1
    # at the top: before the page's own question
    assert html.index(PANEL) < html.index('<fieldset')
    # and again on the thank-you page, since the response raised a concern
    assert thanks.count(PANEL) == 1


def test_the_panel_offers_childline_first_then_out_of_hours_then_999(open_waves, client):
    seen, _ = walk(client, "young-people-4-7", feel_safe="sad")
    html = panel(dict(seen)["trusted_adult"])
    calls = re.findall(r'href="tel:([0-9+]+)"', html)
    assert calls == ["08001111", "01632960000", "999"]
    assert "Childline" in html and "Free and private, any time" in html
    assert "Out-of-hours social care team" in html
    assert "If you are in danger now, call 999." in html
    assert ANONYMOUS in html
    assert 'href="/help"' in html
    assert 'role="region" aria-labelledby="help-now-title"' in html
    assert "<h2" in html and "error" not in html


def test_an_ordinary_response_never_offers_the_panel(open_waves, client):
    seen, thanks = walk(client, "young-people-4-7", feel_safe="happy")
    assert len(seen) >= 8
    assert with_panel(seen) == []
    assert PANEL not in thanks
    assert "What happens next" in thanks, "the thank-you page is otherwise unchanged"


def test_rather_not_say_is_not_a_concern(open_waves, client):
    seen, thanks = walk(client, "young-people-4-7", feel_safe="rather_not_say")
    assert with_panel(seen) == [] and PANEL not in thanks


def test_a_disclosure_on_the_last_page_offers_help_on_the_thank_you_page(open_waves, client):
    seen, thanks = walk(client, "young-people-4-7", text=DISCLOSURE)
    assert seen[-1][0] == "tell_us"
    assert with_panel(seen) == []
    html = panel(thanks)
    assert ANONYMOUS in html
    assert "working day" not in html, "nobody can follow up an anonymous answer"
    # nothing on the page says what was written, or that it was noticed
    assert DISCLOSURE not in thanks
    for word in ("flag", "worried about what you", "you told us", "you wrote"):
        assert word not in html.lower()


def test_the_thank_you_page_offers_help_once_and_then_forgets(open_waves, client):
    _, thanks = walk(client, "young-people-4-7", text=DISCLOSURE)
    assert PANEL in thanks
    with client.session_transaction() as session:
        assert SESSION_KEY not in session, "cleared once shown on the thank-you page"
    assert PANEL not in client.get("/s/young-people-4-7/thank-you").text


def test_a_new_response_does_not_inherit_help_from_an_abandoned_one(open_waves, client):
    url = start(client, "young-people-8-11")
    page = client.get(url)
    client.post(url, data={**first_answers(page.text), "action": "continue"})
    url = "/s/young-people-8-11/q/feel_safe"
    page = client.get(url)
    client.post(url, data={**first_answers(page.text), "feel_safe": ["no"],
                           "action": "continue"})
    with client.session_transaction() as session:
        assert session[SESSION_KEY]  # help is owed to this response...
        session.pop("drafts")  # ...but the browser leaves it, and later starts again
    seen, thanks = walk(client, "young-people-8-11")
    assert with_panel(seen) == [] and PANEL not in thanks


def test_yes_no_concern_in_the_eight_to_elevens_survey(open_waves, client):
    seen, thanks = walk(client, "young-people-8-11", trusted_adult="no")
    keys = [key for key, _ in seen]
    after = keys[keys.index("trusted_adult") + 1]
    assert with_panel(seen) == [after]
    assert PANEL in thanks


def test_identified_survey_says_who_reads_it_and_when(open_waves, client):
    seen, thanks = walk(client, "check-in", feel_safe="no")
    assert with_panel(seen) == ["school"]
    html = panel(dict(seen)["school"])
    assert ("Someone whose job is to keep people safe will read your answers within "
            "1 working day.") in html
    assert "They may get in touch with you, or with the people who look after you." in html
    assert "We do not know who you are" not in html
    # the survey's own contacts, after Childline and before the out-of-hours team
    assert re.findall(r'href="tel:([0-9+]+)"', html) == [
        "08001111", "01632960111", "01632960000", "999"]
    assert "Your leaving care team" in html and "Weekdays 9 to 5." in html
    assert "working day" in panel(thanks)


@pytest.mark.parametrize("app", [{"SAFEGUARDING_TARGET_DAYS": 3,
                                  "OUT_OF_HOURS_PHONE": "0300 123 4567"}], indirect=True)
def test_identified_wording_takes_the_target_days_and_phone_from_configuration(
        open_waves, client):
    _, thanks = walk(client, "check-in", text=DISCLOSURE)
    html = panel(thanks)
    assert "will read your answers within 3 working days." in html
    assert 'href="tel:03001234567">' in html and "0300 123 4567" in html


def test_polish_respondents_get_the_panel_in_polish(open_waves, client):
    client.get("/s/families-feedback?lang=pl")
    seen, thanks = walk(client, "families-feedback", text=DISCLOSURE)
    assert "Powiedz nam" in seen[0][1], "the survey is shown in Polish"
    html = panel(thanks)
    # the panel's structure, whatever is translated yet: heading, the ways to call, help
    assert html.count("<h2") == 1 and 'href="/help"' in html
    assert re.findall(r'href="tel:([0-9+]+)"', html) == ["01632960000", "999"], (
        "a parents' survey: its out-of-hours team and 999, not Childline")
    # wording Chorus already has in Polish is shown in Polish
    assert "Jeśli grozi ci teraz niebezpieczeństwo, zadzwoń pod numer 999." in html
    assert "Dyżurny zespół pracowników socjalnych" in html
    assert "If you are in danger now" not in html


# -- the service ---------------------------------------------------------------------


HOME = loads_survey("""\
key: home
title: Home
audience: young_people
sections:
- key: home
  title: Home
  questions:
  - {key: feel_safe, type: smiley, text: Safe?, options: {faces: 5}, concern: [sad, very_sad]}
  - {key: tell_us, type: long_text, text: Anything else?}
  - {key: name, type: short_text, text: Your name}
""")


def test_concern_on_page_reads_choices_and_screens_free_text(app_ctx):
    q = {q.key: q for q in HOME.questions()}
    assert concern_on_page(HOME, [q["feel_safe"]], {"feel_safe": "very_sad"})
    assert not concern_on_page(HOME, [q["feel_safe"]], {"feel_safe": "okay"})
    assert concern_on_page(HOME, [q["tell_us"]], {"tell_us": DISCLOSURE})
    assert concern_on_page(HOME, [q["name"]], {"name": "i want to kill myself"})
    assert not concern_on_page(HOME, [q["tell_us"], q["name"]],
                               {"tell_us": "more trips out please", "name": "Sam"})
    # only this page's questions count: an earlier page's answer was offered help already
    assert not concern_on_page(HOME, [q["tell_us"]], {"feel_safe": "sad", "tell_us": "ok"})
    assert not concern_on_page(HOME, [q["feel_safe"], q["tell_us"]], {})


def test_help_offer_for_adults_lists_their_contacts_without_childline(open_waves):
    from surveys import load_library

    staff = next(s for s in load_library() if s.key == "staff-annual")
    offer = help_offer(staff)
    assert [line.kind for line in offer.lines] == ["contact", "out_of_hours"]
    assert offer.lines[0].name == "Employee Assistance Programme"
    assert offer.lines[0].tel == "08081570000"
    assert not offer.identified and offer.target_days == 1


def test_help_offer_keeps_only_web_links(app_ctx):
    survey = loads_survey("""\
key: odd
title: Odd
audience: families
settings:
  help_contacts:
    - {name: Sneaky, url: "javascript:alert(1)"}
    - {name: Family Lives, url: "https://www.familylives.org.uk"}
sections:
- key: s
  title: S
  questions:
  - {key: q, type: yes_no, text: Q?}
""")
    lines = help_offer(survey).lines
    assert lines[:2] == (HelpLine("contact", name="Sneaky"),
                         HelpLine("contact", name="Family Lives",
                                  url="https://www.familylives.org.uk"))


def test_what_the_session_remembers_page_by_page():
    store: dict = {}
    note_page(store, 7, "young-people-4-7", False)
    assert store == {}, "an ordinary page leaves no trace"
    note_page(store, 7, "young-people-4-7", True)
    assert store == {SESSION_KEY: {"7": {"survey": "young-people-4-7", "next": True}}}
    assert help_on_page(store, 8) is False, "another wave owes nothing"
    assert help_on_page(store, 7) is True
    assert help_on_page(store, 7) is False, "once"
    note_page(store, 7, "young-people-4-7", False)  # a later, ordinary page undoes nothing
    assert help_on_thanks(store, "foster-carers") is False
    assert help_on_thanks(store, "young-people-4-7") is True
    assert store == {}, "forgotten once the thank-you page has offered it"
    assert help_on_thanks(store, "young-people-4-7") is False


def test_a_fresh_start_forgets_only_its_own_wave():
    store: dict = {}
    note_page(store, 7, "young-people-4-7", True)
    note_page(store, 9, "care-leavers", True)
    forget(store, 7)
    assert store == {SESSION_KEY: {"9": {"survey": "care-leavers", "next": True}}}
    forget(store, 9)
    assert store == {}


def test_saving_after_a_worrying_answer_offers_help_on_the_saved_page(open_waves, client):
    """"Save and come back later" leads to the saved page, the next page seen: it offers
    help (the staff survey is the library's one that can be saved)."""
    day = today()
    create_wave("staff-annual", "staff-now", "Now", day - dt.timedelta(days=3),
                day + dt.timedelta(days=10))
    db.session.commit()
    url = start(client, "staff-annual")
    for _ in range(20):
        page = client.get(url).text
        if "<textarea" in page:
            break
        response = client.post(url, data={**first_answers(page, ORDINARY), "action": "continue"})
        url = response.headers["Location"]
    else:
        raise AssertionError("the staff survey has no free-text page")
    saved = client.post(url, data={**first_answers(page, "I saw a colleague slap a child in "
                                                         "the contact room and nobody did "
                                                         "anything"), "action": "save"})
    assert saved.headers["Location"].endswith("/s/staff-annual/saved")
    html = client.get(saved.headers["Location"]).text
    assert "Your answers are saved" in html and html.count(PANEL) == 1
