"""Charts: what was drawn (bars, labels, hatching, text), never pixels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.charts import (
    CHARTS,
    AgreementDisplay,
    HeatmapDisplay,
    ResponseRateDisplay,
    SmallMultiplesDisplay,
    ThemePrevalenceDisplay,
    ThemeTrendDisplay,
    TrendDisplay,
    safe_text,
)
from analysis.stats import (
    Hidden,
    ResponseRate,
    ThemeShare,
    Trend,
    TrendPoint,
    score_question,
    score_table,
)
from surveys import Audience, Question, ResponseRecord, Section, Survey

AGREE = Question("supported", "agreement", "I feel supported", dont_know=True)
RATING = Question("recommend", "rating", "How likely are you to recommend us?")
EVIL = "<script>alert(1)</script> costs $5 or $x^2$"
_ids = iter(range(1, 10**9))


def make_response(**overrides) -> ResponseRecord:
    fields = dict(response_id=next(_ids), survey_key="staff", wave_key="w1",
                  submitted_on=dt.date(2025, 9, 2), answers={}, segments={})
    fields.update(overrides)
    return ResponseRecord(**fields)


def make_responses(values: list[str], **overrides) -> list[ResponseRecord]:
    return [make_response(answers={"supported": v, "recommend": 9}, **overrides)
            for v in values]


def bars(ax) -> list[Rectangle]:
    """Bars drawn by barh/bar (not the hidden boxes, not the axes background)."""
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() != "hidden"]


def hidden_boxes(ax) -> list[Rectangle]:
    return [p for p in ax.patches if p.get_gid() == "hidden"]


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# --- diverging bars -------------------------------------------------------------------


def test_agreement_bars_one_segment_per_non_empty_answer():
    # 2 strongly agree, 1 agree, 1 neither, 1 disagree, 0 strongly disagree, 1 don't know
    score = score_question(AGREE, make_responses(
        ["strongly_agree", "strongly_agree", "agree", "neither", "disagree", "dont_know"]))
    display = AgreementDisplay.from_scores([score], title="Staff").plot()
    assert len(bars(display.ax_)) == 4  # the empty "strongly disagree" is not drawn
    # the neutral fifth straddles zero: it starts at -(1/5 + 1/10) = -0.3
    neither = next(b for b in bars(display.ax_) if b.get_width() == pytest.approx(0.2)
                   and b.get_x() == pytest.approx(-0.3))
    assert neither is not None
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["I feel supported"]
    assert "n=5\n+1 don't know /\nrather not say" in texts(display.ax_)
    assert "60% favourable" in display.alt_text and "(n=5)" in display.alt_text
    rows = display.data_table()
    assert [(r["answer"], r["count"]) for r in rows] == [
        ("Strongly disagree", 0), ("Disagree", 1), ("Neither agree nor disagree", 1),
        ("Agree", 1), ("Strongly agree", 2)]


def test_agreement_bars_show_hidden_groups_as_hatched_boxes():
    score = score_question(AGREE, make_responses(["agree"] * 6, segments={"team": "east"}),
                           group="east")
    display = AgreementDisplay.from_scores([score, Hidden("north", 5, "supported")],
                                           label_by="group").plot()
    [box] = hidden_boxes(display.ax_)
    assert box.get_hatch() == "///"
    assert "fewer than 5" in texts(display.ax_)
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["north", "east"]
    assert "north: hidden (fewer than 5)" in display.alt_text
    assert display.data_table()[-1] == {"row": "north", "answer": None, "count": None,
                                        "share": None, "n": None, "note": "fewer than 5"}


def test_rating_is_drawn_in_three_bands():
    responses = [make_response(answers={"recommend": v}) for v in (10, 9, 8, 3)]
    display = AgreementDisplay.from_scores([score_question(RATING, responses)]).plot()
    assert [round(b.get_width(), 2) for b in bars(display.ax_)] == [0.25, 0.25, 0.5]


# --- heatmap ------------------------------------------------------------------------


def make_survey() -> Survey:
    return Survey("staff", "Staff survey", Audience.STAFF,
                  sections=(Section("m", "Main", questions=(AGREE, RATING)),))


def test_heatmap_hatches_and_labels_hidden_cells():
    # north 12, south 3, east 20: south and (as its cover) north are hidden
    responses = (make_responses(["agree"] * 12, segments={"team": "north"})
                 + make_responses(["agree"] * 3, segments={"team": "south"})
                 + make_responses(["agree", "disagree"] * 10, segments={"team": "east"}))
    table = score_table(make_survey(), responses, by="team")
    display = HeatmapDisplay.from_score_table(table, title="Teams").plot()
    ax = display.ax_
    boxes = hidden_boxes(ax)
    assert len(boxes) == 4  # 2 teams x 2 questions
    assert all(b.get_hatch() == "///" for b in boxes)
    assert texts(ax).count("fewer than 5") == 4
    assert "50%\nn=20" in texts(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["east", "north", "south"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "I feel supported", "How likely are\nyou to recommend\nus?"]
    assert "4 cells hidden" in display.alt_text and "worked out" in display.alt_text
    rows = display.data_table()
    assert len(rows) == 6
    assert {r["note"] for r in rows if r["group"] == "south"} == {"fewer than 5"}
    assert all(r["n"] is None for r in rows if r["note"])


# --- trends -------------------------------------------------------------------------


def make_trend(shares: list[float | None], *, label: str = "I feel supported",
               hidden_at: int | None = None) -> Trend:
    points = []
    for i, s in enumerate(shares):
        wave = (f"w{i}", str(2023 + i), dt.date(2023 + i, 9, 1))
        if i == hidden_at:
            points.append(TrendPoint(*wave, hidden=True))
        elif s is None:
            points.append(TrendPoint(*wave, asked=False))
        else:
            points.append(TrendPoint(*wave, count=int(s * 100), n=100, share=s,
                                     ci=(s - 0.1, s + 0.1)))
    return Trend("supported", label, "All", "question", 5, tuple(points))


def test_trend_line_has_gaps_for_missing_and_hidden_waves():
    display = TrendDisplay.from_trends([make_trend([None, 0.5, 0.6, 0.0], hidden_at=3)]).plot()
    [line] = display.ax_.get_lines()
    y = line.get_ydata()
    assert np.isnan(y[0]) and np.isnan(y[3]) and list(y[1:3]) == [0.5, 0.6]
    assert "not asked" in texts(display.ax_) and "hidden" in texts(display.ax_)
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == [
        "2023", "2024", "2025", "2026"]
    assert len(display.ax_.collections) == 1  # the confidence band
    assert "2023 not asked, 2024 50% (n=100)" in display.alt_text
    assert [r["note"] for r in display.data_table()] == ["not asked", "", "", "fewer than 5"]


def test_theme_trend_one_line_per_theme_with_legend():
    display = ThemeTrendDisplay.from_trends(
        [make_trend([0.2, 0.3], label="Workload"), make_trend([0.5, 0.4], label="Pay")]).plot()
    assert len(display.ax_.get_lines()) == 2
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == ["Workload", "Pay"]
    assert display.ax_.get_ylabel() == "Share of comments"


def test_small_multiples_one_panel_per_question():
    trends = [make_trend([0.2, 0.3], label=f"Question {i}") for i in range(3)]
    display = SmallMultiplesDisplay.from_trends(trends, title="Young people 8-11").plot()
    assert len(display.axes_) == 3
    assert [ax.get_title() for ax in display.axes_] == ["Question 0", "Question 1",
                                                        "Question 2"]
    assert display.figure_._suptitle.get_text() == "Young people 8-11"
    with pytest.raises(ValueError):
        display.plot(ax=display.ax_)


# --- bars: response rates and themes --------------------------------------------------


def test_response_rate_bars_against_targets():
    rates = [ResponseRate("All", 53, 80), ResponseRate("north", 30, 40),
             ResponseRate("south", None, 10), ResponseRate("bank", 8, None)]
    display = ResponseRateDisplay.from_rates(rates).plot()
    ax = display.ax_
    targets = [p for p in ax.patches if p.get_gid() == "target"]
    got = [p for p in ax.patches if p.get_gid() == "responses"]
    assert len(targets) == 2 and len(got) == 2  # no target for bank, no count for south
    assert next(p for p in targets if p.get_hatch() == "///").get_width() == 10
    assert {"30 of 40 (75%)", "fewer than 5 of 10", "8 (no target)"} <= set(texts(ax))
    assert "Overall 53 of 80 (66%)" in display.alt_text
    assert [r["group"] for r in display.data_table()] == ["north", "south", "bank"]


def test_theme_prevalence_bars_and_hidden_theme_chart():
    shares = [ThemeShare(1, "Workload", 6, 10), ThemeShare(2, "Pay", 4, 10)]
    display = ThemePrevalenceDisplay.from_shares(shares).plot()
    assert [round(b.get_width(), 2) for b in bars(display.ax_)] == [0.6, 0.4]
    assert "60% (6 of 10)" in texts(display.ax_)
    hidden = ThemePrevalenceDisplay.from_shares(None, min_n=10).plot()
    assert len(hidden_boxes(hidden.ax_)) == 1
    assert "fewer than 10" in hidden.alt_text


# --- output and hostile text ----------------------------------------------------------


def test_png_and_svg_output():
    display = AgreementDisplay.from_scores([score_question(AGREE, make_responses(["agree"]))])
    assert display.to_png().startswith(b"\x89PNG")
    assert display.to_svg().lstrip().startswith("<?xml")


def test_hostile_labels_are_escaped_in_svg_and_never_mathtext():
    score = score_question(Question("supported", "agreement", EVIL),
                           make_responses(["agree", "disagree"]))
    display = AgreementDisplay.from_scores([score], title=EVIL)
    svg = display.to_svg()
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "$x^2$" in svg  # drawn as typed, not as a formula
    label = display.ax_.get_title()
    assert label.count(r"\$") == 3 and not label.replace(r"\$", "").count("$")


def test_long_labels_wrap():
    text = "How much do you agree that your manager makes time to listen to you " * 2
    assert all(len(line) <= 30 for line in safe_text(text).split("\n"))
    assert safe_text("a $b$") == r"a \$b\$"


def test_plot_onto_a_given_axes_and_registry():
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    display = AgreementDisplay.from_scores([score_question(AGREE, make_responses(["agree"]))])
    assert display.plot(ax=ax).ax_ is ax and display.figure_ is fig
    assert set(CHARTS) >= {"agreement", "heatmap", "trend", "theme_prevalence",
                           "theme_trend", "response_rates", "small_multiples"}
