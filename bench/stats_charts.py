"""Benchmark: time to compute every statistic and render every chart.

Run with ``.venv/bin/python bench/stats_charts.py``. Prints figures; asserts nothing.

(a) the demo data from ``feedback.demo.generate_demo(seed=1)``, when it exists;
(b) a synthetic staff survey: 20,000 responses, 40 teams, 5 roles, 5 waves.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.charts import (  # noqa: E402
    AgreementDisplay,
    ChartDisplay,
    HeatmapDisplay,
    ResponseRateDisplay,
    SmallMultiplesDisplay,
    ThemePrevalenceDisplay,
    ThemeTrendDisplay,
    TrendDisplay,
)
from analysis.stats import (  # noqa: E402
    ALL,
    compare_group_with_rest,
    compare_waves,
    question_trends,
    response_rates,
    score_table,
    theme_prevalence,
    theme_trends,
)
from surveys import (  # noqa: E402
    Audience,
    Choice,
    CommentRecord,
    Question,
    ResponseRecord,
    Section,
    Survey,
    WaveRecord,
)

#: The synthetic survey, small enough to read: 40 teams, 5 roles, 5 waves of 4,000.
SYNTHETIC = {
    "teams": 40, "roles": ["social worker", "senior practitioner", "team manager",
                           "family support", "business support"],
    "waves": [2021, 2022, 2023, 2024, 2025], "responses_per_wave": 4_000,
    "agreement_items": 24, "comment_share": 0.35, "themes": 12, "seed": 7,
}


def synthetic_data() -> tuple[Survey, list[WaveRecord], list[ResponseRecord],
                              list[CommentRecord]]:
    """Build the synthetic staff survey from :data:`SYNTHETIC`."""
    d: dict[str, Any] = SYNTHETIC
    rng = random.Random(d["seed"])
    teams = [f"team {i:02d}" for i in range(d["teams"])]
    # a few big teams, many middling ones, and three tiny ones that must be hidden
    weights = [rng.paretovariate(1.2) for _ in teams]
    for i in (5, 17, 33):
        weights[i] = 0.02
    items = [Question(f"q{i:02d}", "agreement", f"Statement {i} about working here",
                      dont_know=True) for i in range(d["agreement_items"])]
    items.append(Question("recommend", "rating", "Would you recommend working here?"))
    items.append(Question("improve", "long_text", "What one thing would you improve?"))
    segs = (Question("team", "segment", "Team", options={"segment": "team"},
                     choices=tuple(Choice(t, t.title()) for t in teams)),
            Question("role", "segment", "Role", options={"segment": "role"},
                     choices=tuple(Choice(r, r) for r in d["roles"])))
    survey = Survey("staff", "Staff survey", Audience.STAFF,
                    sections=(Section("about", "About you", questions=segs),
                              Section("work", "Your work", questions=tuple(items))))
    scale = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
    waves, responses, comments = [], [], []
    rid = 0
    for w, year in enumerate(d["waves"]):
        key = f"staff-{year}"
        head = {t: max(3, int(wt * 30)) for t, wt in zip(teams, weights, strict=True)}
        waves.append(WaveRecord(key, "staff", f"Staff survey {year}", dt.date(year, 9, 1),
                                dt.date(year, 9, 28), targets={"team": head},
                                target_total=sum(head.values())))
        for _ in range(d["responses_per_wave"]):
            rid += 1
            team = rng.choices(teams, weights)[0]
            seg = {"team": team, "role": rng.choice(d["roles"])}
            lift = 0.03 * w
            answers: dict[str, Any] = dict(seg)
            for q in items[:-2]:
                answers[q.key] = rng.choices(scale, [0.2 + lift, 0.3, 0.2, 0.15 - lift / 2,
                                                     0.1 - lift / 2, 0.05])[0]
            answers["recommend"] = rng.randint(0, 10)
            responses.append(ResponseRecord(rid, "staff", key, dt.date(year, 9, 10), answers,
                                            seg))
            if rng.random() < d["comment_share"]:
                comments.append(CommentRecord(rid, "staff", key, "improve", "More time",
                                              seg, rng.randrange(d["themes"])))
    return survey, waves, responses, comments


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, str]:
    """Run ``fn``; wall-clock and CPU seconds (CPU is steadier on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return result, f"{wall:6.2f} s wall, {used:6.2f} s CPU"


def analyse(survey: Survey, waves: Sequence[WaveRecord], responses: list[ResponseRecord],
            comments: list[CommentRecord]) -> dict[str, Any]:
    """Every result the dashboard shows for one survey."""
    mine = sorted((w for w in waves if w.survey_key == survey.key), key=lambda w: w.opens_on)
    if not mine:
        return {}
    latest = mine[-1]
    segment = next((q.options.get("segment") for q in survey.segment_questions()), None)
    segment = segment if isinstance(segment, str) else None
    out: dict[str, Any] = {"survey": survey, "waves": mine}
    out["table"] = score_table(survey, responses, wave_key=latest.key, by=segment)
    out["rates"] = response_rates(survey, latest, responses, segment=segment)
    out["compare"] = compare_waves(survey, mine, responses)
    if segment and out["table"].groups:
        out["rest"] = compare_group_with_rest(out["table"], out["table"].groups[0])
        second = next((q.options.get("segment") for q in survey.segment_questions()[1:]), None)
        if isinstance(second, str):
            out["within"] = score_table(survey, responses, wave_key=latest.key, by=second,
                                        where={segment: out["table"].groups[0]})
    out["trends"] = question_trends(survey, mine, responses)
    k = survey.settings.min_group_comments
    out["themes"] = theme_prevalence(comments, wave_key=latest.key, survey_key=survey.key,
                                     min_n=k)
    out["theme_trends"] = theme_trends([c for c in comments if c.survey_key == survey.key],
                                       mine, min_n=k)
    return out


def charts(result: dict[str, Any]) -> list[ChartDisplay]:
    if not result:
        return []
    title = result["survey"].title
    made: list[ChartDisplay] = [
        AgreementDisplay.from_scores(result["table"].for_group(ALL), title=title),
        ResponseRateDisplay.from_rates(result["rates"]),
        TrendDisplay.from_trends(result["trends"][:4], title=title),
        SmallMultiplesDisplay.from_trends(result["trends"], title=title),
        ThemePrevalenceDisplay.from_shares(result["themes"]),
        ThemeTrendDisplay.from_trends(result["theme_trends"][:5]),
    ]
    if result["table"].groups:
        made.append(HeatmapDisplay.from_score_table(result["table"], title=title))
    return made


def render(displays: Iterable[ChartDisplay]) -> tuple[int, int]:
    png = svg = 0
    for d in displays:
        png += len(d.to_png(dpi=100))
        svg += len(d.to_svg())
    return png, svg


def run(label: str, surveys: Sequence[Survey], waves: Sequence[WaveRecord],
        responses: list[ResponseRecord], comments: list[CommentRecord]) -> None:
    results, t_stats = timed("stats", lambda: [analyse(s, waves, responses, comments)
                                                for s in surveys])
    displays, t_build = timed("charts", lambda: [d for r in results for d in charts(r)])
    (png, svg), t_render = timed("render", lambda: render(displays))
    hidden = sum(1 for r in results if r for v in r["table"].scores.values()
                 if not hasattr(v, "n"))
    print(f"{label}: {len(surveys)} surveys, {len(waves)} waves, {len(responses):,} responses,"
          f" {len(comments):,} comments")
    print(f"  statistics (scores, rates, comparisons, trends, themes): {t_stats}"
          f"  ({hidden} group scores hidden)")
    print(f"  charts built (from_*):                                   {t_build}")
    print(f"  {len(displays):2d} charts drawn to PNG (100 dpi) and SVG:          {t_render}"
          f"  ({png / 1e6:.1f} MB PNG, {svg / 1e6:.1f} MB SVG)")


def main() -> None:
    try:
        from feedback.demo import generate_demo
        demo = generate_demo(seed=1)
    except (ImportError, AttributeError) as error:
        print(f"(a) demo data not available ({error.__class__.__name__}: {error})")
    else:
        run("(a) demo data", demo.surveys, demo.waves, list(demo.responses),
            list(demo.comments))
    data, t_build = timed("build", synthetic_data)
    print(f"(b) synthetic data built in {t_build}")
    survey, waves, responses, comments = data
    run("(b) synthetic staff survey", [survey], waves, responses, comments)


if __name__ == "__main__":
    main()
