"""Demo data: repeatable, realistic in shape, and loaded by `chorus demo`."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace

import pytest
from sqlalchemy import select

import surveys
from feedback.demo import comment_bank, generate_demo
from feedback.demo.plan import DIVERGING_TEAM, STAFF_TEAMS
from feedback.extensions import db
from feedback.models import Answer, Response, SurveyVersion, Theme, ThemeRun, Wave
from surveys import get_type
from tests.conftest import fresh_database_url, make_app

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo():
    return generate_demo(seed=1, today=TODAY)


def favourable_share(demo, wave_key, question_key, team=None):
    survey = {s.key: s for s in demo.surveys}[wave_key.rsplit("-", 1)[0]]
    q = survey.question(question_key)
    readings = [get_type(q.type).favourability(q, r.answers.get(q.key))
                for r in demo.responses
                if r.wave_key == wave_key and (team is None or r.segments.get("team") == team)]
    scored = [x for x in readings if x is not None]
    return sum(x == "favourable" for x in scored) / len(scored)


def test_same_seed_same_data_and_another_seed_differs(demo):
    assert generate_demo(seed=1, today=TODAY) == demo
    assert generate_demo(seed=2, today=TODAY).responses != demo.responses


def test_thousands_of_responses_for_every_audience(demo):
    audiences = {s.key: s.audience for s in demo.surveys}
    per_audience = Counter(audiences[r.survey_key] for r in demo.responses)
    assert set(per_audience) == set(surveys.Audience)
    assert len(demo.responses) >= 2000


def test_three_staff_waves_and_the_latest_wave_of_every_survey_is_open_today(demo):
    staff = sorted((w for w in demo.waves if w.survey_key == "staff-annual"),
                   key=lambda w: w.opens_on)
    assert [w.opens_on.year for w in staff] == [2024, 2025, 2026]
    latest = {}
    for w in demo.waves:
        if w.survey_key not in latest or w.opens_on > latest[w.survey_key].opens_on:
            latest[w.survey_key] = w
    assert set(latest) == {s.key for s in surveys.load_library()}
    assert all(w.opens_on <= TODAY <= w.closes_on for w in latest.values())


def test_no_response_is_dated_outside_its_wave_or_in_the_future(demo):
    waves = {w.key: w for w in demo.waves}
    for r in demo.responses:
        assert waves[r.wave_key].opens_on <= r.submitted_on <= min(waves[r.wave_key].closes_on,
                                                                    TODAY)


def test_closed_staff_waves_have_team_response_rates_between_40_and_85_percent(demo):
    counts = Counter((r.wave_key, r.segments["team"]) for r in demo.responses
                     if r.survey_key == "staff-annual")
    for wave in ("staff-annual-2024", "staff-annual-2025"):
        for team, headcount in STAFF_TEAMS.items():
            assert 0.40 <= counts[wave, team] / headcount <= 0.85, (wave, team)


def test_trends_are_built_in(demo):
    waves = ["staff-annual-2024", "staff-annual-2025", "staff-annual-2026"]
    supervision = [favourable_share(demo, w, "supervision_regular") for w in waves]
    workload = [favourable_share(demo, w, "workload_manageable") for w in waves]
    assert supervision[2] - supervision[0] > 0.05
    assert workload[0] - workload[1] > 0.1 and workload[1] - workload[2] > 0.1
    others = favourable_share(demo, waves[2], "proud_to_work")
    diverging = favourable_share(demo, waves[2], "proud_to_work", team=DIVERGING_TEAM)
    assert others - diverging > 0.1


def test_comments_come_from_a_bank_of_over_300_hand_written_answers(demo):
    bank = comment_bank()
    texts = {c.text.lower() for comments in bank.values() for c in comments}
    assert len(texts) >= 300
    themes = {c.theme for comments in bank.values() for c in comments}
    assert "non_answer" in themes
    by_question = defaultdict(set)
    for c in demo.comments:
        by_question[c.survey_key, c.question_key].add(c.text)
    assert all(len(v) >= 15 for v in by_question.values())


def test_bank_questions_exist_and_are_free_text_in_the_library():
    library = {s.key: s for s in surveys.load_library()}
    for survey_key, question_key in comment_bank():
        q = library[survey_key].question(question_key)
        assert get_type(q.type).themed, (survey_key, question_key)


def test_every_safeguarding_comment_appears_in_an_open_wave(demo):
    flagged = {c.text for comments in comment_bank().values() for c in comments
               if c.safeguarding}
    assert len(flagged) >= 10
    open_waves = {w.key for w in demo.waves if w.opens_on <= TODAY <= w.closes_on}
    seen = {c.text for c in demo.comments if c.wave_key in open_waves}
    assert flagged <= seen


def table_dump():
    """Every stored row except administrative timestamps, in a stable order."""
    out = {}
    for model, order in ((Wave, Wave.key), (Response, Response.idempotency_key),
                         (SurveyVersion, SurveyVersion.definition_hash)):
        rows = db.session.scalars(select(model).order_by(order))
        out[model.__name__] = [
            {c.key: getattr(row, c.key) for c in model.__table__.columns
             if c.key not in ("created_at", "frozen_at")} for row in rows]
    answers = db.session.execute(
        select(Response.idempotency_key, Answer.question_key, Answer.value, Answer.text)
        .join(Answer.response).order_by(Response.idempotency_key, Answer.question_key))
    out["Answer"] = [tuple(a) for a in answers]
    themes = db.session.execute(
        select(ThemeRun.survey_id, ThemeRun.question_key, Theme.number, Theme.label,
               Theme.size, Theme.keywords)
        .join(Theme.run).order_by(ThemeRun.survey_id, ThemeRun.question_key, Theme.number))
    out["Theme"] = [tuple(t) for t in themes]
    return out


@pytest.mark.slow
def test_chorus_demo_twice_on_fresh_databases_gives_identical_data(tmp_path_factory, tmp_path):
    from feedback.cli import main

    dumps = []
    for run in ("first", "second"):
        app = make_app(fresh_database_url(tmp_path_factory, f"demo_{run}"), tmp_path / run)
        result = app.test_cli_runner().invoke(
            main, ["demo", "--no-serve", "--seed", "1", "--today", str(TODAY),
                   "--themes-backend", "tfidf"])
        assert result.exit_code == 0, result.output
        assert "responses" in result.output
        with app.app_context():
            dumps.append(table_dump())
            db.engine.dispose()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["Response"]) == len(generate_demo(1, TODAY).responses)
    assert len({row[:2] for row in dumps[0]["Theme"]}) == 13  # every free-text question


def test_demo_refuses_a_database_that_has_responses(app_ctx, demo):
    from feedback.demo import load_demo
    from feedback.services import Conflict

    small = replace(demo, responses=demo.responses[:5])
    assert load_demo(small, 1)["responses"] == 5
    with pytest.raises(Conflict, match="already has responses"):
        load_demo(small, 1)
