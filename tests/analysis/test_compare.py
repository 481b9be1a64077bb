"""Comparisons and the tests behind them, checked against published worked examples."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analysis.stats import (
    BenchmarkError,
    Comparison,
    Hidden,
    benjamini_hochberg,
    cohens_h,
    compare_audiences,
    compare_group_with_rest,
    compare_scores,
    compare_waves,
    compare_with_benchmark,
    holm,
    one_sample_z_test,
    parse_benchmark,
    score_question,
    score_table,
    two_proportion_z_test,
    wilson_interval,
)
from analysis.stats.proportions import Z_95, effect_size_label
from surveys import Audience, Question, ResponseRecord, Section, Survey, WaveRecord

AGREE = Question("supported", "agreement", "I feel supported", dont_know=True)
SAFE = Question("safe", "yes_no", "Do you feel safe?", core=True)


def make_survey(**overrides) -> Survey:
    fields = dict(key="staff", title="Staff survey", audience=Audience.STAFF,
                  sections=(Section("main", "Main", questions=(AGREE, SAFE)),))
    fields.update(overrides)
    return Survey(**fields)


_ids = iter(range(1, 10**9))


def make_response(**overrides) -> ResponseRecord:
    fields = dict(response_id=next(_ids), survey_key="staff", wave_key="w1",
                  submitted_on=dt.date(2025, 9, 2), answers={}, segments={})
    fields.update(overrides)
    return ResponseRecord(**fields)


def make_responses(favourable: int, unfavourable: int, **overrides) -> list[ResponseRecord]:
    return ([make_response(answers={"supported": "agree", "safe": "yes"}, **overrides)
             for _ in range(favourable)]
            + [make_response(answers={"supported": "disagree", "safe": "no"}, **overrides)
               for _ in range(unfavourable)])


def make_wave(key: str, year: int) -> WaveRecord:
    return WaveRecord(key, "staff", str(year), dt.date(year, 9, 1), dt.date(year, 9, 28))


# --- the statistics, by hand ---------------------------------------------------------


def test_two_proportion_z_test_matches_montgomery_and_runger():
    # Montgomery & Runger, Applied Statistics and Probability for Engineers (Wiley),
    # section 10-6 "Inference on two population proportions", St. John's Wort example:
    # 27 of 100 patients improved on the extract, 19 of 100 on placebo.
    #   pooled p = (27 + 19) / 200 = 0.23
    #   se = sqrt(0.23 * 0.77 * (1/100 + 1/100)) = sqrt(0.003542) = 0.059515
    #   z = (0.27 - 0.19) / 0.059515 = 1.344   (the book: z0 = 1.34)
    #   p = 2 * (1 - Phi(1.344)) = 0.179       (the book: P-value = 0.18)
    result = two_proportion_z_test(27, 100, 19, 100)
    assert result.z == pytest.approx(1.344, abs=1e-3)
    assert result.p_value == pytest.approx(0.179, abs=1e-3)


def test_two_proportion_z_test_without_variation_or_base():
    assert two_proportion_z_test(10, 10, 5, 5) is None  # pooled p = 1: nothing to test
    assert two_proportion_z_test(0, 0, 5, 10) is None


def test_one_sample_z_test_by_hand():
    # 60 of 100 against a benchmark of 50%: se = sqrt(0.5 * 0.5 / 100) = 0.05,
    # z = (0.6 - 0.5) / 0.05 = 2.0, two-sided p = 2 * (1 - Phi(2)) = 0.0455.
    result = one_sample_z_test(60, 100, 0.5)
    assert result.z == pytest.approx(2.0)
    assert result.p_value == pytest.approx(0.0455, abs=1e-4)
    assert one_sample_z_test(5, 10, 1.0) is None


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17:857-872: its four worked examples, method 3 (Wilson score
    # interval without continuity correction)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombe(x, n, low, high):
    lo, hi = wilson_interval(x, n)
    assert lo == pytest.approx(low, abs=5e-5) and hi == pytest.approx(high, abs=5e-5)


def test_z_95_is_scipys_97_5th_percentile():
    # written out in analysis.stats.proportions so importing it does not load SciPy
    from scipy.stats import norm

    assert float(norm.ppf(0.975)) == Z_95


def test_wilson_interval_edge_cases():
    assert wilson_interval(0, 0) is None
    lo, hi = wilson_interval(1, 1)  # one favourable answer: p = 1 but the interval is wide
    assert hi == 1.0 and lo == pytest.approx(0.2065, abs=1e-4)  # 1/(1 + 1.96^2) = 0.2065
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_cohens_h_by_hand():
    # 2 asin(sqrt(0.5)) - 2 asin(sqrt(0.25)) = 2(pi/4) - 2(pi/6) = pi/6 = 0.5236
    assert cohens_h(0.5, 0.25) == pytest.approx(math.pi / 6)
    assert cohens_h(0.25, 0.5) == pytest.approx(-math.pi / 6)
    assert effect_size_label(math.pi / 6) == "medium"
    assert effect_size_label(0.1) == "negligible"
    assert effect_size_label(-0.3) == "small"
    assert effect_size_label(1.0) == "large"


def test_holm_by_hand():
    # p = [0.01, 0.04, 0.03, 0.005]; sorted 0.005, 0.01, 0.03, 0.04 with m = 4:
    #   0.005 * 4 = 0.02; 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; 0.04 * 1 = 0.04 -> 0.06 (monotone)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.01, None]) == [0.01, None]  # untestable comparisons do not count


def test_benjamini_hochberg_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04, m = 4: p * m / rank =
    #   0.005*4/1 = 0.02; 0.01*4/2 = 0.02; 0.03*4/3 = 0.04; 0.04*4/4 = 0.04
    # (then the running minimum from the largest down changes nothing)
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx(
        [0.02, 0.04, 0.04, 0.02])
    # 0.03*3/2 = 0.045 > 0.04*3/3 = 0.04, so the running minimum lowers it to 0.04
    assert benjamini_hochberg([0.03, 0.04, 0.001]) == pytest.approx([0.04, 0.04, 0.003])


# --- comparisons ---------------------------------------------------------------------


def test_compare_scores_reports_change_test_effect_and_small_base():
    # this wave 27/100 favourable, last wave 19/100: +8.0 points, z = 1.344 as above
    now = score_question(AGREE, make_responses(27, 73))
    before = score_question(AGREE, make_responses(19, 81))
    [c] = compare_scores([now], [before], "2025 vs 2024")
    assert isinstance(c, Comparison)
    assert c.change_points == pytest.approx(8.0)
    assert c.z == pytest.approx(1.344, abs=1e-3)
    assert c.p_adjusted == pytest.approx(c.p_value)  # one question: nothing to adjust
    assert not c.significant and not c.small_base
    assert c.cohens_h == pytest.approx(2 * math.asin(0.27 ** 0.5) - 2 * math.asin(0.19 ** 0.5))
    small = compare_scores([score_question(AGREE, make_responses(8, 2))],
                           [score_question(AGREE, make_responses(20, 80))], "x")
    assert small[0].small_base  # n = 10 < 30


def test_hidden_side_gives_hidden_and_unanswerable_is_left_out():
    now = score_question(AGREE, make_responses(27, 73))
    [c] = compare_scores([now], [Hidden("south", 5, "supported")], "x")
    assert isinstance(c, Hidden)
    assert compare_scores([score_question(AGREE, [])], [now], "x") == []


def test_compare_waves_latest_against_previous_and_first():
    survey = make_survey()
    waves = [make_wave("w3", 2025), make_wave("w1", 2023), make_wave("w2", 2024)]
    responses = (make_responses(50, 50, wave_key="w1") + make_responses(60, 40, wave_key="w2")
                 + make_responses(80, 20, wave_key="w3"))
    result = compare_waves(survey, waves, responses)
    previous = {c.question_key: c for c in result["previous"]}
    first = {c.question_key: c for c in result["first"]}
    assert previous["supported"].label == "2025 vs 2024"
    assert previous["supported"].change_points == pytest.approx(20.0)
    assert first["supported"].change_points == pytest.approx(30.0)
    # two questions per comparison: BH with two equal p-values leaves them unchanged
    assert previous["safe"].p_adjusted == pytest.approx(previous["safe"].p_value)
    assert first["supported"].significant


def test_team_against_rest_of_service():
    # north 20/30 favourable; service 50/100; rest = 30/70. change = (0.6667-0.4286)*100
    responses = (make_responses(20, 10, segments={"team": "north"})
                 + make_responses(30, 40, segments={"team": "south"}))
    table = score_table(make_survey(), responses, by="team")
    comparisons = compare_group_with_rest(table, "north")
    c = next(c for c in comparisons if c.question_key == "supported")
    assert c.n == 30 and c.other_n == 70
    assert c.change_points == pytest.approx((20 / 30 - 30 / 70) * 100)
    assert c.label == "north vs rest of service"


def test_audiences_compared_on_shared_items_only():
    young = make_survey(key="yp8", title="Ages 8-11", audience=Audience.YOUNG_PEOPLE,
                        sections=(Section("s", "S", questions=(SAFE,)),))
    older = make_survey(key="yp11", title="Ages 11-17", audience=Audience.YOUNG_PEOPLE)
    responses_young = make_responses(40, 10, survey_key="yp8")
    responses_older = make_responses(30, 30, survey_key="yp11")
    [c] = compare_audiences(young, responses_young, older, responses_older)
    assert c.question_key == "safe"
    assert c.change_points == pytest.approx((0.8 - 0.5) * 100)


def test_benchmark_csv_parsing():
    text = "question_key,favourable_share\nsupported,0.72\nsafe,81%\n\n"
    assert parse_benchmark(text) == {"supported": 0.72, "safe": pytest.approx(0.81)}


def test_benchmark_bad_rows_are_reported_with_line_numbers():
    text = ("question_key,favourable_share\n"
            "supported,0.72\n"
            "safe,1.5\n"          # line 3: out of range
            "supported,0.5\n"     # line 4: duplicate
            "bad key!,0.3\n"      # line 5: not a key
            "lonely\n"            # line 6: one value
            "listened,lots\n")    # line 7: not a number
    with pytest.raises(BenchmarkError) as error:
        parse_benchmark(text)
    assert [n for n, _ in error.value.problems] == [3, 4, 5, 6, 7]
    assert "line 3" in str(error.value)
    with pytest.raises(BenchmarkError, match="line 1"):
        parse_benchmark("key,share\nsupported,0.5\n")


def test_compare_with_benchmark_uses_one_sample_test():
    # 60 of 100 against 50%: z = 2.0 as worked above; the safe question is not in the
    # benchmark and is left out.
    score = score_question(AGREE, make_responses(60, 40))
    [c] = compare_with_benchmark([score], {"supported": 0.5})
    assert c.test == "one-sample proportion z-test"
    assert c.other_n is None
    assert c.z == pytest.approx(2.0) and c.significant
    assert c.change_points == pytest.approx(10.0)


def test_holm_can_be_chosen():
    now = [score_question(AGREE, make_responses(60, 40)), score_question(SAFE, make_responses(
        60, 40))]
    result = compare_with_benchmark(now, {"supported": 0.5, "safe": 0.5}, correction="holm")
    assert all(c.correction == "holm" for c in result)
    assert result[0].p_adjusted == pytest.approx(2 * result[0].p_value)
    with pytest.raises(ValueError):
        compare_with_benchmark(now, {"safe": 0.5}, correction="bonferroni")
