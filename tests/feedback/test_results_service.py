"""The results service: records loaded from the database, scores, rates, comparisons,
trends, themes and the overview's figures, all after suppression and within a team's
scope. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
import uuid

import pytest

from analysis.stats import BenchmarkError, Comparison, Hidden, QuestionScore
from feedback.extensions import db
from feedback.models import Action, Answer, RagStatus, Response
from feedback.services import results
from feedback.services.clock import now
from feedback.services.library import store_definition
from feedback.services.waves import create_wave

DAY = dt.date(2025, 9, 10)

STAFF = """\
key: staff-results
title: Staff results survey
audience: staff
settings:
  safeguarding_notice: We read every comment.
sections:
- key: about
  title: About you
  questions:
  - key: my_team
    type: segment
    text: Which team are you in?
    options: {segment: team}
    choices: [North, South, East]
  - key: role
    type: segment
    text: What is your role?
    options: {segment: role}
    choices: [Social worker, Manager]
- key: work
  title: Your work
  questions:
  - key: morale
    type: agreement
    text: I enjoy my work
  - key: helps
    type: multiple_choice
    text: What helps?
    choices: [Supervision, Training]
  - key: improve
    type: long_text
    text: What would help most?
"""

YOUNG = """\
key: yp-results
title: Young people's results survey
audience: young_people
sections:
- key: say
  title: Your say
  questions:
  - key: listened_to
    type: yes_no
    text: Do adults listen to you?
    core: true
"""

LEAVERS = """\
key: cl-results
title: Care leavers' results survey
audience: care_leavers
sections:
- key: say
  title: Your say
  questions:
  - key: listened_to
    type: agreement
    text: Adults who make decisions listen to me.
    core: true
"""


@pytest.fixture
def staff(app_ctx):
    results.clear_cache()
    store_definition(textwrap.dedent(STAFF))
    db.session.commit()
    yield
    results.clear_cache()


def wave_of(survey_key: str, year: int, *, opens: dt.date | None = None, days: int = 20,
            targets=None, target_total=None, title: str | None = None):
    opens = opens or dt.date(year, 9, 1)
    made = create_wave(survey_key, f"{survey_key}-{year}", title or f"Survey {year}", opens,
                       opens + dt.timedelta(days=days), targets, target_total)
    db.session.commit()
    return made


def add(wave, n: int = 1, *, team=None, role=None, morale=None, helps=None, text=None,
        **answers) -> None:
    """``n`` responses with the same answers (None leaves a question unanswered)."""
    for _ in range(n):
        response = Response(wave=wave, version=wave.version, submitted_on=DAY,
                            idempotency_key=uuid.uuid4().hex)
        values = {"my_team": team, "role": role, "morale": morale, "helps": helps, **answers}
        for key, value in values.items():
            if value is not None:
                response.answers.append(Answer(question_key=key, value=value))
        if text is not None:
            response.answers.append(Answer(question_key="improve", text=text))
        db.session.add(response)
    db.session.commit()


def standard_wave(year: int = 2025):
    """North 7 (4 agree, 2 neither, 1 disagree), South 6 (3 agree, 3 disagree), East 2
    (both agree): 15 responses, 9 favourable of 15 overall."""
    wave = wave_of("staff-results", year, targets={"team": {"north": 10, "south": 10,
                                                            "east": 5}}, target_total=25)
    add(wave, 4, team="north", role="social_worker", morale="agree")
    add(wave, 2, team="north", role="social_worker", morale="neither")
    add(wave, 1, team="north", role="manager", morale="disagree")
    add(wave, 3, team="south", role="social_worker", morale="strongly_agree")
    add(wave, 3, team="south", role="social_worker", morale="disagree")
    add(wave, 2, team="east", role="manager", morale="agree")
    return wave


# -- loading -------------------------------------------------------------------------

def test_records_carry_segments_by_segment_name_and_leave_free_text_out(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, team="north", role="manager", morale="agree", helps=["supervision", "training"],
        text="More time")
    add(wave, team="south", morale="dont_know")
    records = results.load_responses(wave)
    assert len(records) == 2
    first = records[0]
    # the question is "my_team"; its segment is "team"
    assert first.segments == {"team": "north", "role": "manager"}
    assert first.answers["helps"] == ("supervision", "training")
    assert "improve" not in first.answers
    assert (first.survey_key, first.wave_key) == ("staff-results", "staff-results-2025")
    assert records[1].segments == {"team": "south"}
    assert [r.segments["team"] for r in results.load_responses(wave, team="south")] == ["south"]


def queries_to_load(wave) -> int:
    from sqlalchemy import event

    results.clear_cache()
    db.session.expire_all()
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        results.load_responses(wave)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_loading_a_wave_takes_a_few_queries_not_one_per_response(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, 10, team="north", morale="agree", helps=["training"])
    few = queries_to_load(wave)
    add(wave, 30, team="south", morale="agree", helps=["training"])
    assert queries_to_load(wave) == few <= 8


def test_records_of_some_questions_only_keep_the_segments(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, team="north", role="manager", morale="agree", helps=["training"])
    [partial] = results.wave_records(wave, only=["morale"])
    assert partial.answers == {"my_team": "north", "role": "manager", "morale": "agree"}
    assert partial.segments == {"team": "north", "role": "manager"}
    [whole] = results.wave_records(wave)
    assert whole.answers["helps"] == ("training",)
    # once the whole wave is cached, it serves the partial requests too
    assert results.wave_records(wave, only=()) == (whole,)


def test_comments_are_redacted_with_their_segments(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, team="north", text="Email me at sam@example.org please")
    add(wave, team="south", text="   ")
    add(wave, team="south", text="Less paperwork")
    comments = results.load_comments(wave)
    assert [c.text for c in comments] == ["Email me at [email] please", "Less paperwork"]
    assert comments[0].segments == {"team": "north"} and comments[0].theme_id is None
    assert [c.text for c in results.load_comments(wave, team="south")] == ["Less paperwork"]


# -- a wave's results -----------------------------------------------------------------

def test_wave_results_give_every_question_with_its_n(staff):
    wave = standard_wave()
    found = results.wave_results(wave)
    assert found.respondents == 15 and not found.hidden
    morale = found.get("morale").score
    # favourable: 4 agree + 3 strongly agree + 2 agree = 9 of 15
    assert isinstance(morale, QuestionScore)
    assert (morale.favourable, morale.neutral, morale.unfavourable, morale.n) == (9, 2, 4, 15)
    assert [q.question.key for q in found.questions] == ["morale", "helps"]
    assert [title for title, _ in found.sections()] == ["Your work"]


def test_a_team_hidden_to_protect_a_smaller_one_stays_hidden_in_its_own_view(staff):
    wave = standard_wave()
    # East (2) is below 5; South (6) is the smallest other team, hidden so that East
    # cannot be worked out as 15 - 7 - 6. North (7) is shown.
    south = results.wave_results(wave, team="south")
    assert south.hidden and all(q.hidden for q in south.questions)
    north = results.wave_results(wave, team="north")
    assert north.respondents == 7
    score = north.get("morale").score
    assert (score.favourable, score.n) == (4, 7)


def test_a_filter_that_makes_a_group_too_small_hides_it(staff):
    wave = standard_wave()
    # managers: north 1 + east 2 = 3, below 5; social workers (12) are hidden too,
    # or 15 - 12 would give the managers' answers away
    assert results.wave_results(wave, filters={"role": "manager"}).hidden
    assert results.wave_results(wave, filters={"role": "social_worker"}).hidden
    add(wave, 2, team="north", role="manager", morale="agree")
    workers = results.wave_results(wave, filters={"role": "social_worker"})
    assert workers.respondents == 12
    assert workers.get("morale").score.favourable == 7  # 4 agree + 3 strongly agree
    managers = results.wave_results(wave, filters={"role": "manager"})
    assert managers.respondents == 5 and managers.get("morale").score.favourable == 4


def test_filters_are_checked_and_another_team_is_refused(staff):
    wave = standard_wave()
    with pytest.raises(results.OutsideTeam):
        results.wave_results(wave, team="north", filters={"team": "south"})
    with pytest.raises(results.BadFilter):
        results.wave_results(wave, filters={"placement": "foster"})
    with pytest.raises(results.BadFilter):
        results.wave_results(wave, filters={"team": "west"})
    # the team manager's own team named again is fine
    assert results.wave_results(wave, team="north", filters={"team": "north"}).respondents == 7


def test_results_are_never_stale_after_a_new_response(staff):
    wave = standard_wave()
    assert results.wave_results(wave).respondents == 15
    add(wave, team="north", morale="agree")
    assert results.wave_results(wave).respondents == 16
    assert results.data_version(wave)[0] == 16


def test_breakdown_by_team_is_suppressed_and_refused_to_a_team_manager(staff):
    wave = standard_wave()
    table = results.score_breakdown(wave, "team")
    assert table.respondents["north"] == 7
    assert isinstance(table.respondents["south"], Hidden)
    assert isinstance(table.respondents["east"], Hidden)
    with pytest.raises(results.OutsideTeam):
        results.score_breakdown(wave, "team", team="north")
    by_role = results.score_breakdown(wave, "role", team="north")
    # North: 6 social workers shown, 1 manager hidden, and then the workers too
    # (6 = 7 - 1 would reveal the manager): both hidden
    assert isinstance(by_role.respondents["manager"], Hidden)
    assert isinstance(by_role.respondents["social_worker"], Hidden)


def test_response_rates_by_segment_and_for_a_team_manager(staff):
    wave = standard_wave()
    overall, *teams = results.response_rates(wave, segment="team")
    assert (overall.responses, overall.target) == (15, 25)
    by_team = {r.group: r for r in teams}
    assert by_team["north"].label == "7 of 10 (70%)"
    assert by_team["south"].hidden and by_team["east"].hidden
    assert by_team["east"].target == 5
    [mine] = results.response_rates(wave, team="north")
    assert (mine.group, mine.responses, mine.target) == ("north", 7, 10)
    assert results.targeted_segments(wave) == ["team"]


# -- comparisons ---------------------------------------------------------------------

def two_years():
    """2024: 10 of 25 favourable; 2025: 20 of 25 favourable, all in North."""
    then = wave_of("staff-results", 2024)
    add(then, 10, team="north", morale="agree")
    add(then, 15, team="north", morale="disagree")
    now_ = wave_of("staff-results", 2025)
    add(now_, 20, team="north", morale="agree")
    add(now_, 5, team="north", morale="disagree")
    return now_, then


def test_compare_waves_gives_the_change_its_significance_and_n(staff):
    now_, then = two_years()
    found = results.compare_waves(now_, then)
    [row] = found.rows
    assert isinstance(row, Comparison)
    # 0.8 vs 0.4: +40 points; pooled p 0.6, se sqrt(0.6*0.4*(2/25)) = 0.13856,
    # z = 2.887, p = 0.0039 (one question: the adjustment changes nothing)
    assert row.change_points == pytest.approx(40)
    assert row.z == pytest.approx(0.4 / math.sqrt(0.6 * 0.4 * 2 / 25))
    assert row.p_adjusted == pytest.approx(0.00389, abs=1e-4)
    # Cohen's h = 2 asin(sqrt(.8)) - 2 asin(sqrt(.4)) = 0.845: large
    assert row.cohens_h == pytest.approx(0.8449, abs=1e-3) and row.effect == "large"
    assert (row.n, row.other_n) == (25, 25)
    assert found.significant() == [row]
    assert found.verdict(row) == "Better, and unlikely to be chance (small numbers: read with care)"
    assert (found.current_n, found.other_n) == (25, 25)
    assert found.text(row) == "I enjoy my work"


def test_compare_waves_for_a_team_uses_the_team_only(staff):
    now_, then = two_years()
    add(now_, 5, team="south", morale="disagree")
    add(then, 5, team="south", morale="agree")
    north = results.compare_waves(now_, then, team="north")
    [row] = north.rows
    assert (row.share, row.other_share) == (pytest.approx(0.8), pytest.approx(0.4))
    with pytest.raises(results.BadFilter):
        results.compare_waves(now_, now_)


def test_team_against_the_rest_and_not_for_team_managers(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, 10, team="north", morale="agree")
    add(wave, 10, team="south", morale="disagree")
    add(wave, 10, team="east", morale="agree")
    found = results.compare_team_with_rest(wave, "south")
    [row] = found.rows
    # South 0 of 10 against the rest 20 of 20: -100 points
    assert row.change_points == pytest.approx(-100) and (row.n, row.other_n) == (10, 20)
    assert (found.current_n, found.other_n) == (10, 20)
    with pytest.raises(results.OutsideTeam):
        results.compare_team_with_rest(wave, "north", team="north")


def test_benchmark_from_pasted_figures(staff):
    wave = wave_of("staff-results", 2025)
    add(wave, 16, team="north", morale="agree")
    add(wave, 4, team="north", morale="disagree")
    found = results.compare_benchmark(wave, "question_key,favourable_share\nmorale,50%\n",
                                      label="national")
    [row] = found.rows
    # 0.8 against 0.5: z = 0.3 / sqrt(0.25 / 20) = 2.683
    assert row.change_points == pytest.approx(30)
    assert row.z == pytest.approx(0.3 / math.sqrt(0.25 / 20))
    assert found.other_label == "national" and found.other_n is None
    with pytest.raises(BenchmarkError):
        results.compare_benchmark(wave, "question_key,favourable_share\nnope,50%\n")
    with pytest.raises(BenchmarkError):
        results.compare_benchmark(wave, "question_key,favourable_share\nmorale,lots\n")


def test_audiences_compare_core_questions_asked_on_different_scales(staff):
    store_definition(textwrap.dedent(YOUNG))
    store_definition(textwrap.dedent(LEAVERS))
    db.session.commit()
    young = wave_of("yp-results", 2025)
    leavers = wave_of("cl-results", 2025)
    add(young, 6, listened_to="yes")
    add(young, 4, listened_to="no")
    add(leavers, 3, listened_to="agree")
    add(leavers, 7, listened_to="disagree")
    found = results.compare_audiences(young, leavers)
    [row] = found.rows
    assert row.change_points == pytest.approx(30)  # 60% yes against 30% agree
    with pytest.raises(results.OutsideTeam):
        results.compare_audiences(young, leavers, team="north")


# -- trends --------------------------------------------------------------------------

def test_question_trends_across_waves_with_a_hidden_point(staff):
    now_, then = two_years()
    add(now_, 3, team="east", morale="agree")
    survey = now_.survey
    [trend] = results.question_trends(survey)
    assert [p.share for p in trend.points] == [pytest.approx(0.4), pytest.approx(23 / 28)]
    assert [p.n for p in trend.points] == [25, 28]
    [east] = results.question_trends(survey, team="east")
    # East: nobody in 2024 (an empty group, shown as such), 3 in 2025 (hidden)
    assert east.points[1].hidden


# -- themes --------------------------------------------------------------------------

def test_themes_need_a_theme_run_and_enough_people_commenting(staff):
    from feedback.services.themes import refresh_question

    wave = wave_of("staff-results", 2025)
    [before] = results.wave_themes(wave)
    assert not before.fitted and before.themes is None
    for i in range(12):
        add(wave, team="north" if i < 9 else "south", morale="agree",
            text=("More time for visits" if i % 2 else "Less paperwork and admin"))
    refresh_question(wave.survey, "improve", backend="tfidf", seed=0)
    [found] = results.wave_themes(wave, quotes=1)
    assert found.fitted and found.comments == 12
    assert sum(t.count for t in found.themes) == found.themes[0].n == 12
    assert all(len(t.quotes) == 1 for t in found.themes)
    # North alone: 9 people commented, fewer than 10
    [north] = results.wave_themes(wave, team="north")
    assert north.hidden and north.themes is None


# -- the overview ---------------------------------------------------------------------

def test_participation_figures_count_children_and_listened_to_by_year(staff):
    store_definition(textwrap.dedent(YOUNG))
    store_definition(textwrap.dedent(LEAVERS))
    db.session.commit()
    last = wave_of("yp-results", 2024)
    add(last, 6, listened_to="yes")
    add(last, 4, listened_to="no")
    this = wave_of("yp-results", 2025)
    add(this, 8, listened_to="yes")
    add(this, 2, listened_to="not_sure")
    leavers = wave_of("cl-results", 2025)
    add(leavers, 3, listened_to="agree")
    add(leavers, 2, listened_to="disagree")
    tiny = wave_of("cl-results", 2024)
    add(tiny, 2, listened_to="agree")  # too few to count
    day = now()
    for status, completed in [(RagStatus.BLUE, dt.date(2025, 3, 1)),
                              (RagStatus.BLUE, dt.date(2024, 3, 1)),
                              (RagStatus.BLUE, dt.date(2025, 6, 1)),
                              (RagStatus.GREEN, None)]:
        db.session.add(Action(audience="young_people", title="Act", owner="Lead",
                              status=status.value, completed_on=completed, created_at=day,
                              updated_at=day))
    db.session.commit()
    responses, listened, actions = results.participation_figures(dt.date(2025, 10, 1), years=2)
    # 2024: 10 (the wave of 2 is left out); 2025: 10 + 5
    assert [p.value for p in responses.points] == [10, 15]
    assert responses.change == 5 and responses.note
    # 2024: 6 of 10; 2025: 8 + 3 = 11 of 15
    assert [(p.count, p.n) for p in listened.points] == [(6, 10), (11, 15)]
    assert listened.change == pytest.approx((11 / 15 - 0.6) * 100)
    assert [p.value for p in actions.points] == [1, 2]


def test_wave_progress_lists_open_and_upcoming_waves_within_a_team(staff):
    store_definition(textwrap.dedent(YOUNG))
    db.session.commit()
    day = dt.date(2025, 9, 10)
    wave = standard_wave()  # open 1 to 21 September
    wave_of("yp-results", 2025, opens=dt.date(2025, 10, 1))  # upcoming
    wave_of("staff-results", 2023, opens=dt.date(2023, 9, 1))  # closed
    found = results.wave_progress(day)
    assert [(p.wave.key, p.state.value) for p in found] == [
        ("staff-results-2025", "open"), ("yp-results-2025", "upcoming")]
    assert found[0].responses == 15
    [(segment, _, rates)] = found[0].rates
    assert segment == "team" and [r.group for r in rates] == ["east", "north", "south"]
    [mine] = results.wave_progress(day, team="north")
    assert mine.wave.id == wave.id and mine.responses == 7
    assert [r.group for _, _, rates in mine.rates for r in rates] == ["north"]
