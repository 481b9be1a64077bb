"""Scores, response rates and suppressed score tables, with figures worked by hand."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from analysis.stats import (
    ALL,
    NOT_GIVEN,
    Hidden,
    QuestionScore,
    resolve_renames,
    response_rates,
    score_question,
    score_table,
    score_wave,
)
from analysis.stats.scores import add_scores
from surveys import (
    DONT_KNOW,
    RATHER_NOT_SAY,
    Audience,
    Choice,
    Question,
    ResponseRecord,
    Section,
    Settings,
    Survey,
    WaveRecord,
)

AGREE = Question("supported", "agreement", "I feel supported", dont_know=True,
                 rather_not_say=True)
RATING = Question("recommend", "rating", "How likely are you to recommend us?", dont_know=True)
SMILEY = Question("happy", "smiley", "How do you feel at home?", options={"faces": 5})
YES_NO = Question("listened", "yes_no", "Do people listen to you?")
NUMBER = Question("years", "number", "Years in the service", options={"min": 0})
CHOICES = Question("learn", "multiple_choice", "How do you like to learn?",
                   choices=(Choice("online", "Online"), Choice("class", "In a class")))
TEAM = Question("team", "segment", "Team", options={"segment": "team"},
                choices=(Choice("north", "North"), Choice("south", "South"),
                         Choice("east", "East")))
ROLE = Question("role", "segment", "Role", options={"segment": "role"},
                choices=(Choice("worker", "Worker"), Choice("manager", "Manager")))


def make_survey(**overrides) -> Survey:
    fields = dict(key="staff", title="Staff survey", audience=Audience.STAFF,
                  sections=(Section("main", "Main", questions=(TEAM, ROLE, AGREE, RATING,
                                                               NUMBER, CHOICES)),))
    fields.update(overrides)
    return Survey(**fields)


_ids = iter(range(1, 10**9))


def make_response(**overrides) -> ResponseRecord:
    fields = dict(response_id=next(_ids), survey_key="staff", wave_key="w2025",
                  submitted_on=dt.date(2025, 9, 2), answers={}, segments={})
    fields.update(overrides)
    return ResponseRecord(**fields)


def make_responses(n: int, seed: int, **segments: list[str]) -> list[ResponseRecord]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        seg = {name: rng.choice(values) for name, values in segments.items()}
        out.append(make_response(segments=seg, answers={
            "supported": rng.choice(["strongly_agree", "agree", "neither", "disagree",
                                     "strongly_disagree", DONT_KNOW]),
            "recommend": rng.randint(0, 10), **seg}))
    return out


def answers(key: str, *values) -> list[ResponseRecord]:
    return [make_response(answers={key: v}) for v in values]


# --- one question --------------------------------------------------------------------


def test_agreement_shares_leave_out_dont_know_and_rather_not_say():
    # 3 strongly agree + 2 agree = 5 favourable; 1 neither; 2 disagree; plus 1 don't know
    # and 1 rather not say. Base n = 5 + 1 + 2 = 8 (the 2 special answers are left out):
    # favourable 5/8 = 0.625, neutral 1/8 = 0.125, unfavourable 2/8 = 0.25.
    score = score_question(AGREE, answers(
        "supported", "strongly_agree", "strongly_agree", "strongly_agree", "agree", "agree",
        "neither", "disagree", "strongly_disagree", DONT_KNOW, RATHER_NOT_SAY, None))
    assert score.answered == 10  # the skipped (None) answer is not counted
    assert (score.dont_know, score.rather_not_say) == (1, 1)
    assert score.n == 8
    assert score.favourable_share == pytest.approx(0.625)
    assert score.neutral_share == pytest.approx(0.125)
    assert score.unfavourable_share == pytest.approx(0.25)
    assert score.count("strongly_agree") == 3 and score.count("disagree") == 1
    assert [o.value for o in score.options][:5] == [
        "strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
    assert score.options[-1].value == RATHER_NOT_SAY


def test_rating_mean_and_nps_bands():
    # 10, 9 favourable; 8, 7 neutral; 6, 0 unfavourable; one don't know.
    # mean = (10+9+8+7+6+0)/6 = 40/6 = 6.667; favourable 2/6.
    score = score_question(RATING, answers("recommend", 10, 9, 8, 7, 6, 0, DONT_KNOW))
    assert score.mean == pytest.approx(40 / 6)
    assert score.mean_n == 6
    assert (score.favourable, score.neutral, score.unfavourable) == (2, 2, 2)
    assert score.favourable_share == pytest.approx(1 / 3)
    assert score.count("10") == 1


def test_smiley_and_yes_no_are_scored():
    smiley = score_question(SMILEY, answers("happy", "very_happy", "happy", "okay", "sad"))
    assert smiley.favourable_share == pytest.approx(0.5)  # 2 of 4
    yes_no = score_question(YES_NO, answers("listened", "yes", "no", "not_sure", "yes"))
    assert (yes_no.favourable, yes_no.neutral, yes_no.unfavourable) == (2, 1, 1)


def test_numbers_and_multiple_choice_have_means_and_counts_but_no_shares():
    years = score_question(NUMBER, answers("years", 1, 2, 6))
    assert years.mean == pytest.approx(3.0) and years.favourable_share is None
    learn = score_question(CHOICES, answers("learn", ("online",), ("online", "class")))
    assert learn.count("online") == 2 and learn.count("class") == 1 and learn.n == 2


def test_no_responses():
    score = score_question(AGREE, [])
    assert score.answered == 0 and score.n == 0
    assert score.favourable_share is None and score.favourable_ci is None


def test_one_response():
    score = score_question(AGREE, answers("supported", "agree"))
    assert score.n == 1 and score.favourable_share == 1.0


def test_everyone_dont_know():
    score = score_question(AGREE, answers("supported", DONT_KNOW, DONT_KNOW, DONT_KNOW))
    assert score.answered == 3 and score.dont_know == 3
    assert score.n == 0 and score.favourable_share is None


def test_rest_of_service_is_total_minus_group():
    total = score_question(AGREE, answers("supported", "agree", "agree", "disagree", "neither"))
    team = score_question(AGREE, answers("supported", "agree", "disagree"))
    rest = add_scores(total, team, sign=-1, group="rest")
    assert (rest.favourable, rest.neutral, rest.unfavourable) == (1, 1, 0)
    assert rest.count("agree") == 1


# --- tables: grouping and suppression ------------------------------------------------


def _team_responses(sizes: dict[str, int]) -> list[ResponseRecord]:
    out = []
    for team, size in sizes.items():
        for i in range(size):
            out.append(make_response(segments={"team": team}, answers={
                "team": team, "supported": "agree" if i % 2 == 0 else "disagree"}))
    return out


def test_score_table_hides_a_small_team_and_its_cover():
    # north 12, south 3, east 20. south < 5 (primary); north (12) is hidden so that
    # south cannot be worked out as total - north - east.
    survey = make_survey()
    table = score_table(survey, _team_responses({"north": 12, "south": 3, "east": 20}),
                        wave_key="w2025", by="team")
    assert table.groups == ("east", "north", "south")
    assert isinstance(table.get("south", "supported"), Hidden)
    assert isinstance(table.get("north", "supported"), Hidden)
    east = table.get("east", "supported")
    assert isinstance(east, QuestionScore)
    assert east.n == 20 and east.favourable_share == pytest.approx(0.5)  # 10 of 20
    assert table.respondents[ALL] == 35
    assert isinstance(table.respondents["south"], Hidden)


def test_team_hidden_as_cover_stays_hidden_in_its_own_view():
    # A team manager of north sees north only; north must still be hidden, or the
    # participation lead's view (east + total) would give south away.
    responses = _team_responses({"north": 12, "south": 3, "east": 20})
    scores = score_wave(make_survey(), responses, "w2025", where={"team": "north"})
    assert all(isinstance(s, Hidden) for s in scores)
    east = score_wave(make_survey(), responses, "w2025", where={"team": "east"})
    assert isinstance(east[0], QuestionScore) and east[0].question_key == "supported"


def test_question_level_base_is_also_suppressed():
    # east has 20 respondents but only 4 answered "supported": that cell is hidden, and
    # north (the next smallest answered count, 12) covers it for this question only.
    responses = _team_responses({"north": 12, "east": 20, "west": 30})
    for r in [r for r in responses if r.segments["team"] == "east"][4:]:
        r.answers.pop("supported")  # type: ignore[attr-defined]
    table = score_table(make_survey(), responses, by="team", question_keys=["supported"])
    assert isinstance(table.get("east", "supported"), Hidden)
    assert isinstance(table.get("north", "supported"), Hidden)
    assert isinstance(table.get("west", "supported"), QuestionScore)
    assert table.respondents["east"] == 20  # the head-count itself is fine to show


def test_breakdown_within_a_team_uses_team_by_role_margins():
    responses = make_responses(80, seed=4, team=["north", "south"], role=["worker", "manager"])
    table = score_table(make_survey(), responses, by="role", where={"team": "north"})
    assert table.groups == ("manager", "worker")
    overall = table.get(ALL, "supported")
    expected = sum(1 for r in responses if r.segments["team"] == "north"
                   and r.answers["supported"] != DONT_KNOW)
    assert isinstance(overall, QuestionScore) and overall.n == expected


def test_three_segments_at_once_is_refused():
    with pytest.raises(ValueError, match="at most two"):
        score_table(make_survey(), [], by="role", where={"team": "north", "band": "a"})


def test_missing_segment_is_its_own_group():
    responses = _team_responses({"north": 10}) + [
        make_response(answers={"supported": "agree"}) for _ in range(6)]
    table = score_table(make_survey(), responses, by="team")
    assert NOT_GIVEN in table.groups
    assert table.respondents[NOT_GIVEN] == 6


def test_no_responses_gives_empty_scores_not_errors():
    table = score_table(make_survey(), [], by="team")
    assert table.groups == ()
    overall = table.get(ALL, "supported")
    assert isinstance(overall, QuestionScore) and overall.n == 0


def test_one_response_is_hidden():
    scores = score_wave(make_survey(), [make_response(answers={"supported": "agree"})], "w2025")
    assert all(isinstance(s, Hidden) for s in scores)


def test_survey_threshold_is_used():
    survey = make_survey(settings=Settings(min_group_score=10))
    table = score_table(survey, _team_responses({"north": 9, "east": 9, "west": 30}), by="team")
    assert isinstance(table.get("north", "supported"), Hidden)
    assert table.min_n == 10


def test_renamed_teams_are_merged_before_suppression():
    # "north-a" (3) and "north-b" (4) merged into "north" (7 >= 5): shown.
    responses = _team_responses({"north-a": 3, "north-b": 4, "east": 20})
    table = score_table(make_survey(), responses, by="team",
                        renames={"north-a": "north", "north-b": "north"})
    assert table.groups == ("east", "north")
    north = table.get("north", "supported")
    assert isinstance(north, QuestionScore) and north.answered == 7


def test_rename_chains_are_followed_and_cycles_refused():
    assert resolve_renames({"a": "b", "b": "c"}) == {"a": "c", "b": "c"}
    with pytest.raises(ValueError, match="cycle"):
        resolve_renames({"a": "b", "b": "a"})


# --- response rates -------------------------------------------------------------------


def make_wave(**overrides) -> WaveRecord:
    fields = dict(key="w2025", survey_key="staff", title="2025", opens_on=dt.date(2025, 9, 1),
                  closes_on=dt.date(2025, 9, 28),
                  targets={"team": {"north": 40, "south": 10, "east": 25}}, target_total=80)
    fields.update(overrides)
    return WaveRecord(**fields)


def test_response_rates_against_targets():
    # north 30/40 = 75%; east 20/25 = 80%; south 3 of 10 is hidden with its cover (the
    # smallest other team, east 20); overall 53/80 = 66.25%.
    responses = _team_responses({"north": 30, "south": 3, "east": 20})
    rates = {r.group: r for r in response_rates(make_survey(), make_wave(), responses,
                                                segment="team")}
    assert rates[ALL].responses == 53 and rates[ALL].rate == pytest.approx(53 / 80)
    assert rates["north"].rate == pytest.approx(0.75)
    assert rates["north"].label == "30 of 40 (75%)"
    assert rates["south"].hidden and rates["south"].label == "fewer than 5 of 10"
    assert rates["east"].hidden and rates["east"].target == 25


def test_response_rates_merge_targets_of_renamed_teams_and_keep_untargeted_groups():
    wave = make_wave(targets={"team": {"n1": 20, "n2": 20}}, target_total=None)
    responses = _team_responses({"north": 30, "other": 8})
    rates = {r.group: r for r in response_rates(make_survey(), wave, responses, segment="team",
                                                renames={"n1": "north", "n2": "north"})}
    assert rates["north"].target == 40 and rates["north"].rate == pytest.approx(0.75)
    assert rates["other"].target is None and rates["other"].label == "8 (no target)"
    assert rates[ALL].rate is None


def test_overall_response_rate_without_segment():
    rates = response_rates(make_survey(), make_wave(), _team_responses({"a": 40}))
    assert len(rates) == 1 and rates[0].rate == pytest.approx(0.5)


def test_team_by_role_view_keeps_the_team_view_hidden_groups():
    # north (12) is hidden in the team breakdown as south's cover; looking at north's
    # roles must not bring north's total back.
    responses = []
    for team, size in {"north": 12, "south": 3, "east": 20}.items():
        for i in range(size):
            role = "worker" if i % 3 else "manager"
            responses.append(make_response(segments={"team": team, "role": role},
                                           answers={"supported": "agree"}))
    table = score_table(make_survey(), responses, by="role", where={"team": "north"})
    assert isinstance(table.get(ALL, "supported"), Hidden)
    assert all(isinstance(table.get(g, "supported"), Hidden) for g in table.groups)
