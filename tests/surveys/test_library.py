"""The survey library shipped in surveys/library/: every file loads and keeps its promises.

These tests pin the parts other code and other years rely on: survey keys and audiences,
the core items shared by the young people's surveys, segment values, free-text keys, and
the safeguarding notice and help contacts shown before free text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import surveys
from surveys import Audience, Survey

EXPECTED = {
    "staff-annual": Audience.STAFF,
    "families-feedback": Audience.FAMILIES,
    "foster-carers": Audience.FOSTER_CARERS,
    "young-people-4-7": Audience.YOUNG_PEOPLE,
    "young-people-8-11": Audience.YOUNG_PEOPLE,
    "young-people-11-17": Audience.YOUNG_PEOPLE,
    "care-leavers": Audience.CARE_LEAVERS,
}

YOUNG_PEOPLE = ("young-people-4-7", "young-people-8-11", "young-people-11-17")
CORE_KEYS = ("feel_safe", "trusted_adult", "know_social_worker", "listened_to",
             "say_in_reviews", "know_how_to_complain")
CARE_LEAVERS_CORE = ("listened_to", "know_how_to_complain")

FREE_TEXT_KEYS = {
    "staff-annual": {"most_difference", "working_well"},
    "families-feedback": {"what_went_well", "could_be_better"},
    "foster-carers": {"support_comments", "anything_else"},
    "young-people-4-7": {"tell_us"},
    "young-people-8-11": {"best_thing", "change_one_thing"},
    "young-people-11-17": {"best_thing", "change_one_thing"},
    "care-leavers": {"helped_most", "could_be_better"},
}

STAFF_TEAMS = ["front_door", "assessment", "child_protection_north", "child_protection_south",
               "children_in_care", "care_leavers", "fostering", "disabled_children"]
STAFF_ROLES = ["social_worker", "senior_practitioner", "team_manager",
               "family_support_worker", "other"]

# (survey, question key, segment name, choice values). Values such as 16_17 must be quoted
# in YAML, which otherwise reads them as the number 1617: these checks catch that.
SEGMENTS = [
    ("families-feedback", "involvement", "involvement",
     ["assessment", "child_in_need_plan", "child_protection_plan", "audit", "ehc_plan", "other"]),
    ("foster-carers", "carer_type", "carer_type",
     ["mainstream", "kinship_connected_person", "short_breaks", "other"]),
    ("foster-carers", "years_fostering", "years_fostering",
     ["less_than_2", "2_to_5", "6_to_10", "over_10"]),
    ("young-people-8-11", "placement_type", "placement_type",
     ["foster_care", "kinship_care", "childrens_home", "other"]),
    ("young-people-11-17", "placement_type", "placement_type",
     ["foster_care", "kinship_care", "childrens_home", "other"]),
    ("young-people-11-17", "age_group", "age_band", ["11_14", "15_17"]),
    ("care-leavers", "age_band", "age_band", ["16_17", "18_20", "21_25"]),
]

AGE_BANDS = {"young-people-4-7": "4-7", "young-people-8-11": "8-11",
             "young-people-11-17": "11-17", "care-leavers": "16-25"}

#: phrases a safeguarding notice must never use (no promise of full confidentiality)
NO_PROMISES = ("completely confidential", "fully confidential", "strictly confidential",
               "100% confidential", "totally confidential", "will not tell anyone",
               "won't tell anyone", "nobody will see", "no one will see")

PATHS = surveys.library_paths()


@pytest.fixture(scope="module")
def library() -> dict[str, Survey]:
    return {s.key: s for s in surveys.load_library()}


def _free_text(survey: Survey) -> set[str]:
    return {q.key for q in survey.questions() if surveys.get_type(q.type).free_text}


def test_library_has_files() -> None:
    assert len(PATHS) >= len(EXPECTED)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_every_file_loads(path: Path) -> None:
    survey = surveys.load_survey(path)
    assert path.stem == survey.key, "the file name is the survey key"
    assert survey.title and survey.description


def test_survey_keys_and_audiences(library: dict[str, Survey]) -> None:
    assert {k: library[k].audience for k in EXPECTED if k in library} == EXPECTED


@pytest.mark.parametrize("key", YOUNG_PEOPLE)
def test_young_people_share_core_items(library: dict[str, Survey], key: str) -> None:
    survey = library[key]
    for core_key in CORE_KEYS:
        assert survey.question(core_key).core, f"{key}: {core_key} must be core: true"
        assert surveys.get_type(survey.question(core_key).type).scored, core_key
    assert survey.settings.age_band == AGE_BANDS[key]
    assert survey.settings.page_mode is surveys.PageMode.ONE_QUESTION


def test_core_keys_mean_the_same_everywhere(library: dict[str, Survey]) -> None:
    """A key marked core in one survey is core wherever else it appears."""
    core = {q.key for s in library.values() for q in s.questions() if q.core}
    assert core == set(CORE_KEYS)
    for survey in library.values():
        for q in survey.questions():
            if q.key in core and survey.audience in (Audience.YOUNG_PEOPLE,
                                                     Audience.CARE_LEAVERS):
                assert q.core, f"{survey.key}: {q.key} should be core: true"


def test_care_leavers_core(library: dict[str, Survey]) -> None:
    survey = library["care-leavers"]
    for core_key in CARE_LEAVERS_CORE:
        assert survey.question(core_key).core
    assert survey.settings.age_band == AGE_BANDS["care-leavers"]


def test_youngest_use_three_faces(library: dict[str, Survey]) -> None:
    survey = library["young-people-4-7"]
    for core_key in CORE_KEYS:
        q = survey.question(core_key)
        assert q.type == "smiley" and q.options.get("faces") == 3, core_key
    assert len(list(survey.questions())) <= 9


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_free_text_comes_with_safeguarding_notice_and_help(path: Path) -> None:
    survey = surveys.load_survey(path)
    if not _free_text(survey):
        return
    assert survey.settings.safeguarding_notice.strip()
    assert survey.settings.help_contacts
    notice = survey.settings.safeguarding_notice.lower()
    for promise in NO_PROMISES:
        assert promise not in notice, "never promise full confidentiality"
    assert "safe" in notice and any(w in notice for w in ("share", "pass", "tell")), (
        "say what happens to an answer that makes us worried")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_out_of_hours_team_for_everyone(path: Path) -> None:
    survey = surveys.load_survey(path)
    phones = {c.name: c.phone for c in survey.settings.help_contacts}
    assert phones.get("Out-of-hours social care team") == "01632 960000"


@pytest.mark.parametrize("key", YOUNG_PEOPLE + ("care-leavers",))
def test_childline_for_young_people(library: dict[str, Survey], key: str) -> None:
    childline = [c for c in library[key].settings.help_contacts if c.name == "Childline"]
    assert childline and childline[0].phone == "0800 1111"
    assert childline[0].url == "https://www.childline.org.uk"


def test_staff_have_employee_assistance(library: dict[str, Survey]) -> None:
    names = [c.name for c in library["staff-annual"].settings.help_contacts]
    assert "Employee Assistance Programme" in names


def test_staff_segments(library: dict[str, Survey]) -> None:
    survey = library["staff-annual"]
    team, role = survey.question("team"), survey.question("role")
    assert team.type == role.type == "segment"
    assert team.options["segment"] == "team" and role.options["segment"] == "role"
    assert [c.value for c in team.choices] == STAFF_TEAMS
    assert [c.value for c in role.choices] == STAFF_ROLES
    assert team.required
    assert role.rather_not_say
    first_section = [q.key for q in survey.sections[0].questions]
    assert first_section[:2] == ["team", "role"], "segments come first"


def test_staff_settings(library: dict[str, Survey]) -> None:
    s = library["staff-annual"].settings
    assert s.mode is surveys.Mode.ANONYMOUS
    assert s.page_mode is surveys.PageMode.SECTIONS
    assert s.allow_resume
    assert (s.min_group_score, s.min_group_comments) == (5, 10)
    scored = [q for q in library["staff-annual"].questions() if surveys.get_type(q.type).scored]
    assert 20 <= len(scored) <= 25
    caseload = library["staff-annual"].question("current_caseload")
    assert caseload.type == "number" and caseload.rather_not_say


@pytest.mark.parametrize(("key", "question", "segment", "values"), SEGMENTS,
                         ids=[f"{s[0]}:{s[1]}" for s in SEGMENTS])
def test_segments(library: dict[str, Survey], key: str, question: str, segment: str,
                  values: list[str]) -> None:
    q = library[key].question(question)
    assert q.type == "segment" and q.options["segment"] == segment
    assert [c.value for c in q.choices] == values


def test_required_only_for_staff_team(library: dict[str, Survey]) -> None:
    required = {(s.key, q.key) for s in library.values() for q in s.questions() if q.required}
    assert required == {("staff-annual", "team")}


@pytest.mark.parametrize("key", sorted(FREE_TEXT_KEYS))
def test_free_text_keys(library: dict[str, Survey], key: str) -> None:
    assert _free_text(library[key]) == FREE_TEXT_KEYS[key]


def test_free_text_wording(library: dict[str, Survey]) -> None:
    staff = library["staff-annual"]
    assert staff.question("most_difference").text == (
        "What one change would make the most difference to your work?")
    assert staff.question("working_well").text == "What is working well in your team?"
    assert library["foster-carers"].question("support_comments").text == (
        "What would help you most as a foster carer?")
    tell_us = library["young-people-4-7"].question("tell_us")
    assert tell_us.text == "Is there anything else you want to tell us?"
    assert "grown-up" in tell_us.hint


@pytest.mark.parametrize("key", YOUNG_PEOPLE)
def test_feel_safe_offers_rather_not_say(library: dict[str, Survey], key: str) -> None:
    q = library[key].question("feel_safe")
    offered = [c.value for c in surveys.get_type(q.type).offered(q)]
    assert surveys.RATHER_NOT_SAY in offered


def test_care_leavers_loneliness_is_optional_to_say(library: dict[str, Survey]) -> None:
    assert library["care-leavers"].question("feel_lonely").rather_not_say


@pytest.mark.parametrize("key", YOUNG_PEOPLE)
def test_young_people_wording_avoids_jargon(library: dict[str, Survey], key: str) -> None:
    survey = library[key]
    texts = [survey.title, survey.description, survey.settings.safeguarding_notice]
    for section in survey.sections:
        texts += [section.title, section.intro]
        for q in section.questions:
            texts += [q.text, q.hint] + [c.label for c in q.choices]
    words = " ".join(texts).lower()
    for jargon in ("placement", "looked after", "lac ", "iro", "confidential"):
        assert jargon not in words, f"{key}: avoid {jargon!r}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_keys_are_lower_snake_case(path: Path) -> None:
    survey = surveys.load_survey(path)
    for section in survey.sections:
        assert section.key.isidentifier() and section.key == section.key.lower()
        for q in section.questions:
            assert q.key.isidentifier() and q.key == q.key.lower()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_dump_then_load_is_equal(path: Path) -> None:
    survey = surveys.load_survey(path)
    assert surveys.loads_survey(surveys.dump_survey(survey), source=path.name) == survey


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_every_choice_is_answerable(path: Path) -> None:
    """Every option offered passes answer validation (no hidden mismatch in values)."""
    survey = surveys.load_survey(path)
    for q in survey.questions():
        qtype = surveys.get_type(q.type)
        for choice in qtype.offered(q):
            assert qtype.parse(q, [choice.value]) is not None, (q.key, choice.value)


def test_follow_up_questions_show_when_they_should(library: dict[str, Survey]) -> None:
    yp = library["young-people-11-17"].question("pathway_planning")
    assert not surveys.is_shown(yp, {"age_group": "11_14"})
    assert surveys.is_shown(yp, {"age_group": "15_17"})
    assert surveys.is_shown(yp, {}), "shown to anyone who skips the age question"
    pa = library["care-leavers"].question("pa_support")
    assert surveys.is_shown(pa, {"has_pa": "yes"})
    assert not surveys.is_shown(pa, {"has_pa": "no"})
    leaving = library["staff-annual"].question("reasons_for_leaving")
    assert surveys.is_shown(leaving, {"intention_to_stay": "leave_service"})
    assert not surveys.is_shown(leaving, {"intention_to_stay": "stay_in_role"})


# -- answers that raise a concern ---------------------------------------------------

#: (survey, question) -> the answers that may mean a child is at risk: "No" to feeling
#: safe where they live (the Looked After Children Strategy's own measure, "children who
#: report feeling safe in their placement"), and "No" to having an adult to tell.
CONCERNS = {
    ("young-people-4-7", "feel_safe"): ("sad",),
    ("young-people-4-7", "trusted_adult"): ("sad",),
    ("young-people-8-11", "feel_safe"): ("no",),
    ("young-people-8-11", "trusted_adult"): ("no",),
    ("young-people-11-17", "feel_safe"): ("disagree", "strongly_disagree"),
    ("young-people-11-17", "trusted_adult"): ("disagree", "strongly_disagree"),
}


def test_the_core_safety_questions_raise_a_concern(library: dict[str, Survey]) -> None:
    marked = {(s.key, q.key): q.concern for s in library.values() for q in s.questions()
              if q.concern}
    # and nothing else: "No" to seeing family or being listened to is a thing to improve,
    # and none of the adults' surveys nor the care leavers' asks whether they feel safe
    assert marked == CONCERNS


@pytest.mark.parametrize(("key", "question"), sorted(CONCERNS))
def test_a_concern_is_always_an_unfavourable_answer(library: dict[str, Survey], key: str,
                                                    question: str) -> None:
    q = library[key].question(question)
    qtype = surveys.get_type(q.type)
    assert all(qtype.favourability(q, v) == "unfavourable" for v in q.concern)
    labels = {c.value: c.label for c in qtype.offered(q)}
    if q.type != "agreement":  # the faces and yes/no of the younger ones read "No"
        assert [labels[v] for v in q.concern] == ["No"]
