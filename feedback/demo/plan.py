"""What the demo data looks like: waves, head-counts, response rates and trends.

Everything here is invented. The shape follows the seed documents: an annual
staff survey over three years across eight teams, with some items improving,
some falling and one team diverging; young people's surveys in three age bands
and for care leavers; foster carers; and families giving feedback after an
assessment, a plan or an audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Staff head-counts per team: the targets response rates are measured against.
STAFF_TEAMS = {
    "front_door": 45, "assessment": 60, "child_protection_north": 52,
    "child_protection_south": 50, "children_in_care": 55, "care_leavers": 30,
    "fostering": 25, "disabled_children": 28,
}

#: The team whose results pull away from the rest of the service.
DIVERGING_TEAM = "child_protection_south"

#: Change in the chance of a favourable answer per staff wave, by question.
STAFF_TRENDS = {
    "supervision_regular": 0.11, "supervision_reflective": 0.09,
    "senior_leaders_visible": 0.12, "practice_model_confident": 0.1,
    "feel_listened_to": 0.06, "training_helps": 0.05,
    "workload_manageable": -0.11, "caseload_allows_direct_work": -0.09,
    "wellbeing_supported": -0.06,
}

#: Young people: feeling listened to is improving, knowing how to complain is not.
YOUNG_PEOPLE_TRENDS = {"listened_to": 0.07, "say_in_reviews": 0.05,
                       "know_how_to_complain": -0.04, "know_social_worker": 0.03}

#: How the share of free-text themes shifts per wave (weight change per wave).
THEME_TRENDS = {
    ("staff-annual", "most_difference"): {"caseload": 0.6, "supervision": -0.35,
                                          "admin_systems": 0.25, "management_visibility": -0.3},
    ("young-people-11-17", "change_one_thing"): {"social_worker_changes": -0.4,
                                                 "being_listened_to": -0.2},
}


@dataclass(frozen=True)
class WavePlan:
    """One demo wave: when it runs (days relative to today) and who answers."""

    suffix: str
    title: str
    opens: int
    closes: int
    rate: tuple[float, float]
    #: segment name -> value -> head-count (the wave's targets)
    targets: dict[str, dict[str, int]] = field(default_factory=dict)
    #: responses when there is no head-count to take a rate of
    count: int = 0


@dataclass(frozen=True)
class SurveyPlan:
    survey_key: str
    #: the segment whose targets decide how many answer from each group
    by_segment: str | None
    waves: tuple[WavePlan, ...]
    #: chance of a favourable answer before trends, and of writing a comment
    base_favourable: float = 0.62
    comment_rate: float = 0.5
    trends: dict[str, float] = field(default_factory=dict)


def _staff_waves(year: int) -> tuple[WavePlan, ...]:
    """Three annual waves: two Septembers gone, and this year's, open now."""
    targets = {"team": dict(STAFF_TEAMS)}
    return (
        WavePlan(str(year - 2), f"Staff survey {year - 2}", -730, -702, (0.40, 0.70), targets),
        WavePlan(str(year - 1), f"Staff survey {year - 1}", -365, -337, (0.50, 0.80), targets),
        WavePlan(str(year), f"Staff survey {year}", -10, 18, (0.45, 0.60), targets),
    )


def _yearly(title: str, year: int, targets: dict[str, dict[str, int]], rate: tuple[float, float],
            count: int = 0) -> tuple[WavePlan, ...]:
    """Last year's wave (closed) and this year's (open now, part way through)."""
    return (
        WavePlan(str(year - 1), f"{title} {year - 1}", -386, -344, rate, targets, count),
        WavePlan(str(year), f"{title} {year}", -21, 35, (rate[0] * 0.6, rate[1] * 0.6), targets,
                 int(count * 0.6)),
    )


def survey_plans(year: int) -> tuple[SurveyPlan, ...]:
    placements = {"foster_care": 0, "kinship_care": 0, "childrens_home": 0, "other": 0}

    def children(total: int) -> dict[str, dict[str, int]]:
        shares = {"foster_care": 0.68, "kinship_care": 0.16, "childrens_home": 0.11,
                  "other": 0.05}
        return {"placement_type": {k: round(total * shares[k]) for k in placements}}

    return (
        SurveyPlan("staff-annual", "team", _staff_waves(year), 0.6, 0.55, STAFF_TRENDS),
        SurveyPlan("families-feedback", None,
                   _yearly("Family feedback", year, {}, (0, 0), count=520), 0.58, 0.5),
        SurveyPlan("foster-carers", "carer_type",
                   _yearly("Foster carers' survey", year, {"carer_type": {
                       "mainstream": 120, "kinship_connected_person": 45, "short_breaks": 15,
                       "other": 8}}, (0.45, 0.75)), 0.55, 0.55),
        SurveyPlan("young-people-4-7", "placement_type",
                   _yearly("Young people 4-7", year, {}, (0, 0), count=70), 0.74, 0.35,
                   YOUNG_PEOPLE_TRENDS),
        SurveyPlan("young-people-8-11", "placement_type",
                   _yearly("Young people 8-11", year, children(110), (0.55, 0.85)), 0.68, 0.45,
                   YOUNG_PEOPLE_TRENDS),
        SurveyPlan("young-people-11-17", "placement_type",
                   _yearly("Young people 11-17", year, children(230), (0.45, 0.75)), 0.6, 0.55,
                   YOUNG_PEOPLE_TRENDS),
        SurveyPlan("care-leavers", "age_band",
                   _yearly("Care leavers", year, {"age_band": {"16_17": 60, "18_20": 120,
                                                               "21_25": 90}},
                           (0.40, 0.65)), 0.57, 0.55, {"listened_to": 0.05}),
    )
