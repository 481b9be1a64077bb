"""A comment the safeguarding screen flagged is never a theme's quote: not when the
themes are fitted, and not when the flag comes after the fit. It still counts in its
theme, and people who may read comments still find it (redacted) in the theme's list.

Themes come from :class:`tests.feedback.test_theme_edits.RuleClusterer` (a theme per
keyword; its quotes are the first three quotable comments of the theme), so without
this protection the disclosure, the first caseload comment, would be the first quote.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from analysis.text import prepare
from feedback.extensions import db
from feedback.models import Answer, CommentTheme, Role, SafeguardingFlag, SafeguardingItem, User
from feedback.services import results
from feedback.services import themes as theme_runs
from feedback.services.library import get_survey
from feedback.services.report import build_report
from feedback.services.safeguarding import raise_concerns
from tests.feedback.test_theme_edits import (
    QUESTION,
    SURVEY,
    add_comments,
    add_wave,
    rules,  # noqa: F401  (a fixture)
    staff_survey,
)
from tests.feedback.workspace import make_user, sign_in

BASE = f"/admin/themes/{SURVEY}/{QUESTION}"
WAVE = f"{SURVEY}-2026"
DISCLOSURE = "My caseload is high and my step dad hits me when mum is out"
WORDS = "step dad hits me"
TODAY = dt.date(2026, 11, 25)


def comments() -> list[tuple[str, str]]:
    """The disclosure first, then 11 more about caseloads (all from the assessment
    team) and 10 about laptops (the fostering team: enough for each team to be shown)."""
    return [("assessment", DISCLOSURE),
            *(("assessment", f"My caseload is high, case {i}") for i in range(11)),
            *(("fostering", f"Laptop from fostering {i}") for i in range(10))]


def flag(answer_id: int) -> None:
    raised = raise_concerns(db.session.get(Answer, answer_id).response, TODAY)
    assert [f.answer_id for f in raised.findings] == [answer_id]
    db.session.commit()


def stored_quotes(run) -> list[str]:
    return [q for t in run.themes
            for q in (*t.quotes, *(q for s in t.subthemes for q in s["quotes"]))]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def report_text() -> str:
    results.clear_cache()
    made = build_report(WAVE, None, service_name="Anytown", today=TODAY)
    reader = PdfReader(io.BytesIO(made.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def as_user(client, role: Role, team: str | None = None) -> None:
    email = f"{role.value}-{team or 'all'}@example.org"
    user = db.session.scalar(select(User).where(User.email == email))
    sign_in(client, user or make_user(role, team=team, email=email))


def shown_everywhere(client, team: str | None = None) -> list[str]:
    """Where the disclosure's words appear among quotes: the theme page (the lead's
    and a team manager's), the results' themes and the board report."""
    places = []
    as_user(client, Role.LEAD)
    if WORDS in text_of(client.get(BASE).text):
        places.append("theme page")
    as_user(client, Role.MANAGER, team="assessment")
    if WORDS in text_of(client.get(BASE).text):
        places.append("team manager's theme page")
    wave = get_survey(SURVEY).waves[0]
    results.clear_cache()
    if any(WORDS in q for w in results.wave_themes(wave, quotes=5) for t in w.themes or ()
           for q in t.quotes):
        places.append("results")
    if WORDS in report_text():
        places.append("board report")
    return places


def test_a_flagged_comment_is_counted_but_never_chosen_as_a_quote(client, app_ctx,
                                                                   rules):  # noqa: F811
    survey = staff_survey()
    ids = add_comments(add_wave(2026), comments())
    flag(ids[0])
    run = theme_runs.refresh_question(survey, QUESTION).run
    caseloads = next(t for t in run.themes if t.label == "Caseloads")
    assert caseloads.size == 12  # the disclosure counts in its theme
    assert db.session.scalar(select(CommentTheme.theme_number)
                             .where(CommentTheme.answer_id == ids[0])) == caseloads.number
    assert caseloads.quotes and prepare(DISCLOSURE) not in stored_quotes(run)
    assert not any(WORDS in q for q in stored_quotes(run))
    assert shown_everywhere(client) == []
    # people who may read comments still find it in the theme's list
    as_user(client, Role.LEAD)
    assert WORDS in text_of(client.get(f"{BASE}/{caseloads.number}").text)


def test_a_flag_raised_after_the_fit_takes_the_quote_off_every_page(client, app_ctx,
                                                                     rules):  # noqa: F811
    survey = staff_survey()
    ids = add_comments(add_wave(2026), comments())
    run = theme_runs.refresh_question(survey, QUESTION).run
    assert prepare(DISCLOSURE) in stored_quotes(run)  # not flagged yet: it is quote 1
    assert set(shown_everywhere(client)) == {"theme page", "team manager's theme page",
                                              "results", "board report"}
    flag(ids[0])  # e.g. a later screen over old answers with a longer phrase list
    assert db.session.scalar(select(SafeguardingFlag.answer_id)) == ids[0]
    assert shown_everywhere(client) == []
    # the other caseload comments stand in, on the page and in the report
    as_user(client, Role.LEAD)
    assert "My caseload is high, case 0" in text_of(client.get(BASE).text)
    assert "My caseload is high, case 0" in report_text()


def test_a_flag_whatever_its_status_keeps_the_comment_out_of_quotes(client, app_ctx,
                                                                     rules):  # noqa: F811
    survey = staff_survey()
    ids = add_comments(add_wave(2026), comments())
    flag(ids[0])
    db.session.scalar(select(SafeguardingItem)).status = "no_further_action"
    db.session.commit()
    run = theme_runs.refresh_question(survey, QUESTION).run
    assert prepare(DISCLOSURE) not in stored_quotes(run)
    assert shown_everywhere(client) == []


def test_a_long_flagged_comment_cut_short_in_the_quotes_is_left_out_too(app_ctx):
    survey = staff_survey()
    long = DISCLOSURE + ", " + " ".join(["and then it goes on and on"] * 50)
    [answer_id] = add_comments(add_wave(2026), [("assessment", long)])
    flag(answer_id)
    flagged = theme_runs.flagged_texts(survey.id, QUESTION)
    cut = prepare(long)[:300].rsplit(" ", 1)[0] + " …"
    assert flagged.quotes([cut, "Something else", prepare(long)]) == ["Something else"]
    assert flagged.quotes([long]) == []  # a quote stored as written, not redacted
    assert flagged.comments([prepare(long), "Something else"]) == ["Something else"]
    assert theme_runs.flagged_texts(survey.id, "other_question").quotes([cut]) == [cut]


def test_the_real_estimator_leaves_the_flagged_comment_out_of_its_quotes(app_ctx):
    survey = staff_survey()
    ids = add_comments(add_wave(2026), [("assessment", DISCLOSURE),
                                        *comments()[1:], *comments()[1:]])
    flag(ids[0])
    run = theme_runs.refresh_question(survey, QUESTION, backend="tfidf", seed=0).run
    assert sum(t.size for t in run.themes) == len(ids)
    assert stored_quotes(run) and not any(WORDS in q for q in stored_quotes(run))
