"""Trends across waves: missing points, hidden points, renamed teams, theme shares."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.stats import question_trends, theme_prevalence, theme_trends
from surveys import (
    Audience,
    CommentRecord,
    Question,
    ResponseRecord,
    Section,
    Survey,
    WaveRecord,
)

AGREE = Question("supported", "agreement", "I feel supported")
NEW = Question("wellbeing", "yes_no", "Is your wellbeing looked after?")


def make_survey(*questions: Question) -> Survey:
    return Survey("staff", "Staff survey", Audience.STAFF,
                  sections=(Section("main", "Main", questions=questions or (AGREE, NEW)),))


WAVES = [WaveRecord(f"w{y}", "staff", str(y), dt.date(y, 9, 1), dt.date(y, 9, 28))
         for y in (2023, 2024, 2025)]
_ids = iter(range(1, 10**9))


def make_response(**overrides) -> ResponseRecord:
    fields = dict(response_id=next(_ids), survey_key="staff", wave_key="w2025",
                  submitted_on=dt.date(2025, 9, 2), answers={}, segments={})
    fields.update(overrides)
    return ResponseRecord(**fields)


def make_responses(wave: str, favourable: int, unfavourable: int, *, new: bool = True,
                   team: str | None = None) -> list[ResponseRecord]:
    seg = {"team": team} if team else {}
    def answers(fav: bool) -> dict:
        a = {"supported": "agree" if fav else "disagree"}
        if new:
            a["wellbeing"] = "yes" if fav else "no"
        return a
    return ([make_response(wave_key=wave, answers=answers(True), segments=seg)
             for _ in range(favourable)]
            + [make_response(wave_key=wave, answers=answers(False), segments=seg)
               for _ in range(unfavourable)])


def test_trend_points_have_wilson_intervals_and_n():
    # 2023: 81 of 263 favourable. Wilson 95%: 0.2553 to 0.3662 (Newcombe 1998).
    responses = make_responses("w2023", 81, 182) + make_responses("w2024", 15, 133)
    [trend] = question_trends(make_survey(AGREE), WAVES[:2], responses)
    first, second = trend.points
    assert (first.count, first.n) == (81, 263)
    assert first.share == pytest.approx(81 / 263)
    assert first.ci == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert second.ci == pytest.approx((0.0624, 0.1605), abs=5e-5)  # 15 of 148


def test_question_added_in_a_later_wave_is_missing_not_zero():
    responses = (make_responses("w2023", 20, 10, new=False)
                 + make_responses("w2024", 20, 10) + make_responses("w2025", 25, 5))
    trends = {t.key: t for t in question_trends(make_survey(), WAVES, responses)}
    wellbeing = trends["wellbeing"]
    assert [p.asked for p in wellbeing.points] == [False, True, True]
    assert wellbeing.shares() == [None, pytest.approx(20 / 30), pytest.approx(25 / 30)]
    assert trends["supported"].points[0].share == pytest.approx(20 / 30)


def test_definitions_per_wave_decide_what_was_asked():
    responses = make_responses("w2023", 20, 10) + make_responses("w2024", 20, 10)
    definitions = {"w2023": make_survey(AGREE), "w2024": make_survey()}
    trends = {t.key: t for t in question_trends(make_survey(), WAVES[:2], responses,
                                                definitions=definitions)}
    assert [p.asked for p in trends["wellbeing"].points] == [False, True]


def test_team_renamed_between_waves_is_followed():
    # 2023 and 2024 call the team "north-east"; it became "north" in 2025.
    responses = (make_responses("w2023", 6, 4, team="north-east")
                 + make_responses("w2024", 8, 2, team="north-east")
                 + make_responses("w2025", 9, 1, team="north")
                 + make_responses("w2023", 20, 20, team="south")
                 + make_responses("w2024", 20, 20, team="south")
                 + make_responses("w2025", 20, 20, team="south"))
    [trend] = question_trends(make_survey(AGREE), WAVES, responses, where={"team": "north"},
                              renames={"north-east": "north"})
    assert trend.group == "north"
    assert trend.shares() == pytest.approx([0.6, 0.8, 0.9])
    [unrenamed] = question_trends(make_survey(AGREE), WAVES, responses,
                                  where={"team": "north"})
    assert [p.n for p in unrenamed.points] == [0, 0, 10]  # without the map: no history


def test_small_group_in_one_wave_is_a_hidden_point():
    responses = (make_responses("w2023", 2, 1, team="north") + make_responses(
        "w2023", 20, 20, team="south") + make_responses("w2023", 15, 15, team="east")
                 + make_responses("w2024", 8, 2, team="north")
                 + make_responses("w2024", 20, 20, team="south"))
    [trend] = question_trends(make_survey(AGREE), WAVES[:2], responses, where={"team": "north"})
    assert trend.points[0].hidden and trend.points[0].share is None
    assert trend.points[1].share == pytest.approx(0.8)


def test_no_responses_at_all():
    [trend] = question_trends(make_survey(AGREE), WAVES, [])
    assert all(not p.asked for p in trend.points)


def make_comment(wave: str, theme: int | None, response_id: int | None = None,
                 **overrides) -> CommentRecord:
    fields = dict(response_id=response_id or next(_ids), survey_key="staff", wave_key=wave,
                  question_key="improve", text="More time with families", theme_id=theme)
    fields.update(overrides)
    return CommentRecord(**fields)


def test_theme_prevalence_share_of_themed_comments():
    # 6 on theme 1, 3 on theme 2, 1 on theme 3, 2 unassigned: base n = 10 themed comments
    comments = ([make_comment("w2025", 1) for _ in range(6)]
                + [make_comment("w2025", 2) for _ in range(3)]
                + [make_comment("w2025", 3), make_comment("w2025", None),
                   make_comment("w2025", None)])
    shares = theme_prevalence(comments, wave_key="w2025", themes={1: "Workload", 2: "Pay"})
    assert [(s.label, s.count, s.n) for s in shares] == [
        ("Workload", 6, 10), ("Pay", 3, 10), ("Theme 3", 1, 10)]
    assert shares[0].share == pytest.approx(0.6)


def test_theme_prevalence_hidden_below_comment_threshold():
    comments = [make_comment("w2025", 1) for _ in range(9)]
    assert theme_prevalence(comments, wave_key="w2025", min_n=10) is None
    # the same person writing twice still counts as one person
    twice = [make_comment("w2025", 1, response_id=7) for _ in range(12)]
    assert theme_prevalence(twice, wave_key="w2025", min_n=10) is None


def test_theme_trends_across_waves_with_a_new_theme():
    # 2023: 10 comments, 5 on theme 1. 2024: 20 comments, 5 on theme 1, 15 on theme 2
    # (new that year: 0 in 2023, a real zero since people did comment). 2025: none.
    comments = ([make_comment("w2023", 1) for _ in range(5)]
                + [make_comment("w2023", 3) for _ in range(5)]
                + [make_comment("w2024", 1) for _ in range(5)]
                + [make_comment("w2024", 2) for _ in range(15)])
    trends = {t.key: t for t in theme_trends(comments, WAVES, themes={1: "Workload"})}
    assert trends["1"].label == "Workload"
    assert trends["1"].shares()[:2] == pytest.approx([0.5, 0.25])
    assert trends["2"].shares()[:2] == pytest.approx([0.0, 0.75])
    assert not trends["1"].points[2].asked  # no comments in 2025: a gap, not a zero
    assert trends["1"].points[0].ci == pytest.approx((0.2366, 0.7634), abs=1e-4)  # 5 of 10


def test_theme_trend_for_a_team_is_suppressed_and_renamed():
    comments = ([make_comment("w2023", 1, segments={"team": "old"}) for _ in range(12)]
                + [make_comment("w2023", 1, segments={"team": "south"}) for _ in range(30)]
                + [make_comment("w2024", 1, segments={"team": "new"}) for _ in range(4)]
                + [make_comment("w2024", 1, segments={"team": "south"}) for _ in range(30)]
                + [make_comment("w2024", 2, segments={"team": "east"}) for _ in range(30)])
    # the team's 2024 comments (4 people) are hidden, so only theme 1 is known for it
    [t1] = theme_trends(comments, WAVES[:2], where={"team": "new"}, renames={"old": "new"})
    assert t1.points[0].share == pytest.approx(1.0) and t1.points[0].n == 12
    assert t1.points[1].hidden
