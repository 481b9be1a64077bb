"""People's edits to themes (rename, merge, split, move a comment), audited, and kept
when later waves are assigned (update) and when the codebook is refitted.

The clustering is replaced by :class:`RuleClusterer`, which puts a comment in a theme
by a keyword, so every count below can be worked out by hand. One test at the end
uses the real estimator on the demo data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import select

import analysis.themes
from analysis.text import is_non_answer, prepare
from analysis.themes import NON_ANSWER_ID
from analysis.themes import SubTheme as SubThemeRecord
from analysis.themes import Theme as ThemeRecord
from feedback.extensions import db
from feedback.models import Answer, AuditEvent, CommentTheme, Response, ThemeRun, Wave
from feedback.services import NotFound, theme_edits
from feedback.services import themes as theme_runs
from feedback.services.library import get_survey, load_file
from feedback.services.theme_edits import EditError
from feedback.services.waves import create_wave
from surveys import LIBRARY_DIR

SURVEY, QUESTION = "staff-annual", "most_difference"
TOPICS = {0: ("caseload", "Caseloads"), 1: ("laptop", "Laptops"), 2: ("parking", "Parking"),
          3: ("training", "Training")}
_keys = itertools.count()


class RuleClusterer:
    """A stand-in for ThemeClusterer: a comment's theme is the first topic word in it.

    Topics are numbered in ``order`` (a refit can be given another order, so model
    ids differ from the run's numbers); every theme's centroid is one-hot in a space
    of its own, so refits match themes exactly. Caseload comments that say "high"
    are sub-theme 0 of their theme, the others sub-theme 1.
    """

    order: tuple[int, ...] = (0, 1, 2, 3)
    fail = False

    def __init__(self, n_themes=None, backend="auto", random_state=None, cache=None):
        self.n_themes, self.backend, self.random_state, self.cache = (
            n_themes, backend, random_state, cache)

    @staticmethod
    def topic(text: str) -> int:
        if is_non_answer(prepare(text)):
            return NON_ANSWER_ID
        return next((t for t, (word, _) in TOPICS.items() if word in text.lower()), 0)

    def fit(self, texts, y=None, *, quotable=None):
        if RuleClusterer.fail:
            raise RuntimeError("the clustering broke")
        texts = list(texts)
        may_quote = [True] * len(texts) if quotable is None else list(quotable)
        topics = [self.topic(t) for t in texts]
        present = [t for t in RuleClusterer.order if t in topics]
        self.ids_ = {topic: i for i, topic in enumerate(present)}
        self.labels_ = np.array([self.ids_.get(t, NON_ANSWER_ID) for t in topics])
        self.subtheme_labels_ = np.array(
            [NON_ANSWER_ID if t < 0 else (0 if "high" in x.lower() else 1) if t == 0 else 0
             for t, x in zip(topics, texts, strict=True)])
        themes = []
        for topic in present:
            members = [x for x, t in zip(texts, topics, strict=True) if t == topic]
            quotable_members = [x for x, t, ok in zip(texts, topics, may_quote, strict=True)
                                if t == topic and ok]
            subthemes = ()
            if topic == 0:
                high = [x for x in members if "high" in x.lower()]
                subthemes = (SubThemeRecord(0, "High caseloads", ("high",), (), len(high), 0.0),
                             SubThemeRecord(1, "Fewer cases", ("fewer",), (),
                                            len(members) - len(high), 0.0))
            themes.append(ThemeRecord(
                id=self.ids_[topic], label=TOPICS[topic][1], keywords=(TOPICS[topic][0],),
                quotes=tuple(prepare(x) for x in quotable_members[:3]), size=len(members),
                share=len(members) / len(texts), subthemes=subthemes,
                centroid=tuple(1.0 if i == topic else 0.0 for i in range(4)), space="rules",
                profile=((TOPICS[topic][0], 1.0),)))
        nothing = [x for x, t in zip(texts, topics, strict=True) if t == NON_ANSWER_ID]
        if nothing:
            themes.append(ThemeRecord(NON_ANSWER_ID, "No answer", (), (), len(nothing),
                                      len(nothing) / len(texts), is_non_answer=True))
        self.themes_ = themes
        self.n_themes_ = len(present)
        self.backend_ = "rules"
        return self

    def predict(self, texts):
        return np.array([self.ids_.get(self.topic(t), NON_ANSWER_ID if self.topic(t) < 0
                                       else 0) for t in texts])


@pytest.fixture
def rules(monkeypatch):
    """Theme fitting by :class:`RuleClusterer`, in the order given by ``rules(order)``."""
    # feedback.services.themes imports the estimator where it fits (not in every web worker)
    monkeypatch.setattr(analysis.themes, "ThemeClusterer", RuleClusterer)
    monkeypatch.setattr(RuleClusterer, "order", (0, 1, 2, 3))
    monkeypatch.setattr(RuleClusterer, "fail", False)

    def order(*topics: int) -> None:
        monkeypatch.setattr(RuleClusterer, "order", topics)

    return order


# -- data ------------------------------------------------------------------------------

def staff_survey():
    """The library's staff survey (it asks for a team and has free-text questions)."""
    load_file(LIBRARY_DIR / "staff-annual.yaml")
    db.session.commit()
    return get_survey(SURVEY)


def add_wave(year: int) -> Wave:
    wave = create_wave(SURVEY, f"{SURVEY}-{year}", f"Staff survey {year}",
                       dt.date(year, 9, 1), dt.date(year, 9, 28))
    db.session.commit()
    return wave


def add_comments(wave: Wave, comments: list[tuple[str, str]]) -> list[int]:
    """One response per ``(team, text)`` to the wave; returns the answers' ids."""
    ids = []
    for team, text in comments:
        response = Response(wave=wave, version=wave.version, submitted_on=wave.opens_on,
                            idempotency_key=f"k{next(_keys)}", language="en")
        response.answers.append(Answer(question_key="team", value=team))
        answer = Answer(question_key=QUESTION, text=text)
        response.answers.append(answer)
        db.session.add(response)
        db.session.flush()
        ids.append(answer.id)
    db.session.commit()
    return ids


#: the first wave: 4 about caseloads (2 "high"), 3 laptops, 2 parking, 1 non-answer
FIRST = [("assessment", "Caseloads are too high"), ("assessment", "My caseload is high"),
         ("fostering", "Fewer cases per worker, a caseload cap"),
         ("fostering", "Caseload weighting that is fair"),
         ("assessment", "A laptop that works"), ("fostering", "My laptop crashes daily"),
         ("assessment", "Laptop battery dies on visits, call me on 07700 900123"),
         ("fostering", "Free parking at the office"), ("assessment", "Parking for visits"),
         ("fostering", "n/a")]


def first_run(survey) -> tuple[ThemeRun, list[int]]:
    ids = add_comments(add_wave(2025), FIRST)
    run = theme_runs.refresh_question(survey, QUESTION).run
    return run, ids


def placed(run: ThemeRun) -> dict[int, tuple[int, int, bool]]:
    """answer id -> (theme number, sub-theme number, pinned)."""
    return {a: (t, s, p) for a, t, s, p in db.session.execute(
        select(CommentTheme.answer_id, CommentTheme.theme_number, CommentTheme.subtheme_number,
               CommentTheme.pinned).where(CommentTheme.run_id == run.id))}


def theme(run: ThemeRun, number: int):
    return next(t for t in run.themes if t.number == number)


def sizes(run: ThemeRun) -> dict[int, int]:
    return {t.number: t.size for t in run.themes}


def audit_entries(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# -- the edits ---------------------------------------------------------------------------

def test_the_rule_clusterer_gives_the_themes_worked_out_by_hand(app_ctx, rules):
    run, ids = first_run(staff_survey())
    assert sizes(run) == {0: 4, 1: 3, 2: 2, NON_ANSWER_ID: 1}
    assert [t.label for t in run.themes] == ["No answer", "Caseloads", "Laptops", "Parking"]
    assert placed(run)[ids[0]] == (0, 0, False) and placed(run)[ids[2]] == (0, 1, False)
    assert run.parameters["theme_ids"] == {"0": 0, "1": 1, "2": 2, "-1": -1}


def test_rename_sets_the_name_and_is_audited(app_ctx, rules):
    run, _ = first_run(staff_survey())
    theme_edits.rename(run, 1, "  IT   kit ")
    db.session.commit()
    assert theme(run, 1).label == "IT kit" and theme(run, 1).label_edited
    [entry] = audit_entries("theme.rename")
    assert entry.target == "staff-annual/most_difference/theme 1"
    assert entry.detail == {"theme": 1, "old": "Laptops", "new": "IT kit"}
    with pytest.raises(EditError, match="Enter a name"):
        theme_edits.rename(run, 1, "   ")
    with pytest.raises(EditError, match="200 characters"):
        theme_edits.rename(run, 1, "x" * 201)
    with pytest.raises(NotFound):
        theme_edits.rename(run, 9, "Nine")


def test_merge_moves_comments_and_keeps_the_merged_theme_as_a_pointer(app_ctx, rules):
    run, ids = first_run(staff_survey())
    target = theme_edits.merge(run, [2, 1], into=1, label="Kit and travel")
    db.session.commit()
    assert target.number == 1 and target.label == "Kit and travel" and target.label_edited
    assert theme(run, 2).merged_into == 1 and theme(run, 2).size == 0
    assert sizes(run) == {0: 4, 1: 5, 2: 0, NON_ANSWER_ID: 1}
    assert theme(run, 1).share == pytest.approx(0.5)
    # the laptop comments are the first sub-theme, the parking ones the second
    assert [placed(run)[a][:2] for a in ids[4:9]] == [(1, 0)] * 3 + [(1, 1)] * 2
    assert [s["label"] for s in theme(run, 1).subthemes] == ["Laptops", "Parking"]
    assert theme(run, 1).keywords == ["laptop", "parking"]
    [entry] = audit_entries("theme.merge")
    assert entry.detail == {"into": 1, "merged": [2], "label": "Kit and travel"}


def test_a_merge_needs_two_themes_that_are_still_there(app_ctx, rules):
    run, _ = first_run(staff_survey())
    with pytest.raises(EditError, match="at least two"):
        theme_edits.merge(run, [1], into=1)
    theme_edits.merge(run, [1, 2], into=1)
    with pytest.raises(NotFound):  # 2 is merged already
        theme_edits.merge(run, [2, 0], into=0)
    with pytest.raises(NotFound):  # the non-answers are not a theme to merge
        theme_edits.merge(run, [NON_ANSWER_ID], into=0)


def test_merging_into_a_theme_that_absorbed_others_keeps_one_step(app_ctx, rules):
    run, _ = first_run(staff_survey())
    theme_edits.merge(run, [2], into=1)
    theme_edits.merge(run, [1], into=0)
    assert theme(run, 1).merged_into == 0 and theme(run, 2).merged_into == 0
    assert sizes(run)[0] == 9
    # predictions for either go straight to theme 0
    assert theme_edits.route_predictions(run, [2, 1, 0, -1]) == [0, 0, 0, -1]


def test_split_by_subthemes_makes_new_themes_of_pinned_comments(app_ctx, rules):
    run, ids = first_run(staff_survey())
    with pytest.raises(EditError, match="Leave at least one"):
        theme_edits.split_by_subthemes(run, 0, [0, 1])
    with pytest.raises(EditError, match="Choose at least one"):
        theme_edits.split_by_subthemes(run, 0, [])
    [made] = theme_edits.split_by_subthemes(run, 0, [1])
    db.session.commit()
    assert made.number == 3 and made.label == "Fewer cases" and not made.centroid
    assert sizes(run) == {0: 2, 1: 3, 2: 2, 3: 2, NON_ANSWER_ID: 1}
    assert placed(run)[ids[2]] == (3, 0, True) and placed(run)[ids[3]] == (3, 0, True)
    assert placed(run)[ids[0]] == (0, 0, False)
    assert theme(run, 0).subthemes == []  # one sub-theme left is no sub-theme
    assert theme(run, 0).quotes == ["Caseloads are too high", "My caseload is high"]
    [entry] = audit_entries("theme.split")
    assert entry.detail == {"theme": 0, "by": "sub-themes", "subthemes": [1], "into": [3]}
    with pytest.raises(EditError, match="no sub-themes"):
        theme_edits.split_by_subthemes(run, 0, [0])


def test_split_by_chosen_comments_makes_a_named_theme(app_ctx, rules):
    run, ids = first_run(staff_survey())
    new = theme_edits.split_by_comments(run, 1, [ids[6]], "Batteries")
    db.session.commit()
    assert (new.number, new.label, new.label_edited) == (3, "Batteries", True)
    assert placed(run)[ids[6]] == (3, 0, True)
    assert sizes(run)[1] == 2 and sizes(run)[3] == 1
    # quotes are redacted; the moved comment's quote left its old theme
    assert new.quotes == ["Laptop battery dies on visits, call me on [phone]"]
    assert all("battery" not in q for q in theme(run, 1).quotes)
    entry = audit_entries("theme.split")[0]
    assert entry.detail == {"theme": 1, "by": "comments", "comments": 1, "into": [3],
                            "label": "Batteries"}
    with pytest.raises(EditError, match="comments of this theme"):
        theme_edits.split_by_comments(run, 1, [ids[0]], "Wrong")
    with pytest.raises(EditError, match="Leave at least one"):
        theme_edits.split_by_comments(run, 1, ids[4:6], "All")


def test_moving_a_comment_pins_it_and_is_audited(app_ctx, rules):
    run, ids = first_run(staff_survey())
    theme_edits.move_comment(run, ids[3], 2)
    db.session.commit()
    assert placed(run)[ids[3]] == (2, theme_edits.NO_SUBTHEME, True)
    assert sizes(run) == {0: 3, 1: 3, 2: 3, NON_ANSWER_ID: 1}
    [entry] = audit_entries("theme.move_comment")
    assert entry.detail == {"answer": ids[3], "moved_from": 0, "moved_to": 2}
    with pytest.raises(EditError, match="different theme"):
        theme_edits.move_comment(run, ids[3], 2)
    with pytest.raises(NotFound):
        theme_edits.move_comment(run, 10**6, 2)


def test_audit_entries_never_hold_what_people_wrote(app_ctx, rules):
    run, ids = first_run(staff_survey())
    theme_edits.rename(run, 0, "Workload")
    theme_edits.merge(run, [1, 2], into=1)
    theme_edits.split_by_comments(run, 1, [ids[7]], "Parking again")
    theme_edits.move_comment(run, ids[0], 1)
    db.session.commit()
    logged = json.dumps([[e.target, e.detail] for e in db.session.scalars(select(AuditEvent))])
    for _, text in FIRST:
        assert text not in logged and prepare(text) not in logged


# -- kept across updates -------------------------------------------------------------------

def test_an_update_sends_comments_for_a_merged_theme_to_its_target(app_ctx, rules):
    survey = staff_survey()
    run, ids = first_run(survey)
    theme_edits.merge(run, [2], into=1)
    theme_edits.move_comment(run, ids[0], 1)
    db.session.commit()
    later = add_comments(add_wave(2026), [("assessment", "Parking is awful"),
                                          ("fostering", "The laptop is slow"),
                                          ("assessment", "Caseloads too big"),
                                          ("fostering", "nothing")])
    result = theme_runs.refresh_question(survey, QUESTION)
    assert result.action == "updated" and result.run.id == run.id
    now = placed(run)
    assert [now[a][0] for a in later] == [1, 1, 0, NON_ANSWER_ID]
    assert now[later[0]][1] == theme_edits.NO_SUBTHEME  # no sub-theme known for them
    assert now[ids[0]] == (1, theme_edits.NO_SUBTHEME, True)  # the pinned one stayed
    assert sizes(run) == {0: 4, 1: 8, 2: 0, NON_ANSWER_ID: 2}


# -- kept across refits ------------------------------------------------------------------

def test_a_refit_keeps_names_merges_and_moved_comments(app_ctx, rules):
    survey = staff_survey()
    run, ids = first_run(survey)
    theme_edits.rename(run, 1, "IT kit")
    theme_edits.merge(run, [2], into=1)
    theme_edits.move_comment(run, ids[3], 1)
    db.session.commit()
    rules(2, 1, 0, 3)  # the refit numbers parking 0, laptops 1, caseloads 2
    result = theme_runs.refresh_question(survey, QUESTION, refit=True)
    new = result.run
    assert result.action == "refitted" and new.id != run.id and new.previous_id == run.id
    assert new.parameters["theme_ids"] == {"0": 2, "1": 1, "2": 0, "-1": -1}
    assert theme(new, 1).label == "IT kit" and theme(new, 1).label_edited
    assert theme(new, 0).label == "Caseloads" and not theme(new, 0).label_edited
    assert theme(new, 2).merged_into == 1
    now = placed(new)
    assert [now[a][0] for a in ids] == [0, 0, 0, 1, 1, 1, 1, 1, 1, NON_ANSWER_ID]
    assert now[ids[3]][2] and not now[ids[2]][2]  # pinned again; others not
    assert sizes(new) == {0: 3, 1: 6, 2: 0, NON_ANSWER_ID: 1}
    assert result.new_themes == () and result.gone_themes == ()
    # and an update after the refit maps the new model's ids, then the merge
    later = add_comments(add_wave(2026), [("assessment", "Parking is awful"),
                                          ("assessment", "Caseloads too big")])
    theme_runs.refresh_question(survey, QUESTION)
    assert [placed(new)[a][0] for a in later] == [1, 0]


def test_a_refit_brings_back_split_themes_and_numbers_new_themes_above_them(app_ctx, rules):
    survey = staff_survey()
    run, ids = first_run(survey)
    [split] = theme_edits.split_by_subthemes(run, 0, [1])
    theme_edits.rename(run, split.number, "Caseload caps")
    db.session.commit()
    training = add_comments(add_wave(2026), [("assessment", "More training on court work"),
                                             ("fostering", "Training budget")])
    result = theme_runs.refresh_question(survey, QUESTION, refit=True)
    new = result.run
    assert theme(new, 3).label == "Caseload caps" and not theme(new, 3).is_new
    assert theme(new, 4).label == "Training" and theme(new, 4).is_new
    assert result.new_themes == ("Training",) and result.gone_themes == ()
    now = placed(new)
    assert [now[a][0] for a in ids[:4]] == [0, 0, 3, 3]
    assert [now[a][0] for a in training] == [4, 4]
    assert sizes(new) == {0: 2, 1: 3, 2: 2, 3: 2, 4: 2, NON_ANSWER_ID: 1}


def test_a_merge_into_a_theme_the_refit_lost_brings_the_target_back(app_ctx, rules):
    survey = staff_survey()
    run, ids = first_run(survey)
    theme_edits.merge(run, [2], into=1)  # parking into laptops
    db.session.commit()
    for answer in db.session.scalars(select(Answer).where(Answer.id.in_(ids[4:7]))):
        answer.text = None  # deleted by the retention rule: no laptop comments are left
    db.session.commit()
    result = theme_runs.refresh_question(survey, QUESTION, refit=True)
    new = result.run
    assert theme(new, 1).label == "Laptops" and theme(new, 1).merged_into is None
    assert theme(new, 2).merged_into == 1
    assert [placed(new)[a][0] for a in ids[7:9]] == [1, 1]
    assert sizes(new) == {0: 4, 1: 2, 2: 0, NON_ANSWER_ID: 1}


# -- refreshing as a job ------------------------------------------------------------------

def test_a_refresh_job_fills_in_its_queued_run(app_ctx, rules):
    survey = staff_survey()
    add_comments(add_wave(2025), FIRST)
    ticket = theme_runs.start_refresh(survey, QUESTION)
    assert (ticket.status, ticket.progress) == ("queued", "Waiting to start")
    assert theme_runs.pending_refresh(survey, QUESTION).id == ticket.id
    with pytest.raises(theme_runs.Conflict, match="already being refreshed"):
        theme_runs.start_refresh(survey, QUESTION)
    assert theme_runs.run_refresh(ticket.id) == "most_difference: fitted, 10 comments"
    run = theme_runs.current_run(survey, QUESTION)
    assert run.id == ticket.id and run.status == "done" and sizes(run)[0] == 4
    assert theme_runs.pending_refresh(survey, QUESTION) is None


def test_an_update_job_adds_to_the_current_run_and_drops_its_ticket(app_ctx, rules):
    survey = staff_survey()
    run, _ = first_run(survey)
    add_comments(add_wave(2026), [("assessment", "Parking is awful")])
    ticket_id = theme_runs.start_refresh(survey, QUESTION).id
    assert theme_runs.run_refresh(ticket_id) == "most_difference: updated, 1 comments"
    assert db.session.get(ThemeRun, ticket_id) is None
    assert theme_runs.current_run(survey, QUESTION).id == run.id and sizes(run)[2] == 3


def test_a_failing_job_says_so(app_ctx, rules, monkeypatch):
    survey = staff_survey()
    add_comments(add_wave(2025), FIRST)
    ticket_id = theme_runs.start_refresh(survey, QUESTION, refit=True).id
    monkeypatch.setattr(RuleClusterer, "fail", True)
    assert theme_runs.run_refresh(ticket_id) == f"theme run {ticket_id} failed"
    failed = db.session.get(ThemeRun, ticket_id)
    assert failed.status == "failed" and failed.error == "RuntimeError: the clustering broke"
    assert theme_runs.current_run(survey, QUESTION) is None
    assert theme_runs.pending_refresh(survey, QUESTION) is None  # may be tried again


# -- the real estimator --------------------------------------------------------------------

def test_edits_survive_a_real_refit_of_the_demo_comments(app_ctx):
    from feedback.demo import generate_demo, load_demo

    data = generate_demo(1, dt.date(2026, 11, 25))
    load_demo(replace(data, responses=[r for r in data.responses
                                       if r.survey_key == "care-leavers"]), 1)
    survey = get_survey("care-leavers")
    run = theme_runs.refresh_question(survey, "helped_most", backend="tfidf", seed=0).run
    biggest, second, third = sorted(theme_edits.active_themes(run), key=lambda t: -t.size)[:3]
    theme_edits.rename(run, biggest.number, "Named by the lead")
    theme_edits.merge(run, [third.number], into=second.number)
    moved = next(a for a, (t, _, _) in placed(run).items() if t == biggest.number)
    theme_edits.move_comment(run, moved, second.number)
    db.session.commit()
    new = theme_runs.refresh_question(survey, "helped_most", backend="tfidf", seed=0,
                                      refit=True).run
    # same seed, same comments: every theme is matched, so every edit comes back
    assert theme(new, biggest.number).label == "Named by the lead"
    assert theme(new, third.number).merged_into == second.number
    assert theme(new, third.number).size == 0
    assert placed(new)[moved] == (second.number, theme_edits.NO_SUBTHEME, True)
    assert sizes(new) == sizes(run)
