"""Writing definitions back to YAML: ``loads_survey(dump_survey(s)) == s``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
import textwrap
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import dump_survey, get_type, loads_survey, survey_to_dict
from surveys.loader import CHOICE_VALUE, FIELD_KEY, SURVEY_KEY
from surveys.model import (
    Audience,
    Choice,
    HelpContact,
    Mode,
    PageMode,
    Question,
    Section,
    Settings,
    ShowIf,
    Survey,
    Translation,
)
from tests.factories import make_question, make_section, make_survey

EVERY_FEATURE = """\
key: young-people-11-15
version: 4
title: Your life in care
description: |-
  A survey for young people aged 11 to 15.
  It takes about ten minutes.
audience: young_people
translations:
  cy:
    title: Dy fywyd mewn gofal
    description: Arolwg i bobl ifanc
settings:
  mode: identified
  page_mode: one_question
  min_group_score: 7
  min_group_comments: 15
  retention_days: 400
  age_band: 11-15
  allow_resume: false
  languages: [en, cy, pl]
  safeguarding_notice: |-
    If you tell us something that makes us worried about your safety,
    we will talk to someone who can help.
  help_contacts:
  - name: Childline
    phone: 0800 1111
    url: https://www.childline.org.uk
    description: Free, any time
  - name: Out of hours team
    phone: "01234567"
sections:
- key: home
  title: Where you live
  intro: Questions about home.
  translations:
    cy:
      title: Lle rwyt ti'n byw
      intro: Cwestiynau am gartref.
  questions:
  - key: feel_safe
    type: smiley
    text: How safe do you feel where you live?
    hint: Pick a face.
    required: true
    core: true
    rather_not_say: true
    options: {faces: 5}
    concern: [sad, very_sad]
    translations:
      cy:
        text: Pa mor ddiogel wyt ti'n teimlo?
        hint: Dewis wyneb.
      pl:
        text: Jak bezpiecznie się czujesz?
  - key: placement
    type: segment
    text: Where do you live?
    options: {segment: placement_type}
    choices:
    - value: foster_care
      label: With foster carers
      translations: {cy: Gyda gofalwyr maeth, pl: U rodziny zastępczej}
    - value: 16_17_home
      label: Semi-independent (16-17)
    - Children's home
  - key: why_unsafe
    type: long_text
    text: What would help you feel safer?
    options: {max_length: 1000}
    show_if: {question: feel_safe, in: [sad, very_sad]}
  - key: worker
    type: agreement
    text: My social worker listens to me
    dont_know: false
    show_if: {question: placement, equals: foster_care}
- key: school
  title: School
  questions:
  - key: school_help
    type: multiple_choice
    text: Who helps you at school?
    dont_know: true
    choices: [Teacher, Friends, Family]
    concern: [family]
  - key: school_rating
    type: rating
    text: How much do you like school?
    options: {low_label: Not at all, high_label: Loads}
    show_if: {question: school_help, not_in: [dont_know]}
  - key: age
    type: number
    text: How old are you?
    options: {min: 11, max: 15, unit: years}
  - key: moved_in
    type: date
    text: When did you move in?
    options: {min: 2000-01-01, max: "2025-12-31"}
  - key: name_of_school
    type: short_text
    text: |-
      What is your school called?
      You can leave this out.
  - key: go_to_clubs
    type: yes_no
    text: Do you go to any clubs?
    dont_know: true
"""


def roundtrip(survey: Survey) -> Survey:
    return loads_survey(dump_survey(survey), source="dumped.yaml")


def test_every_feature_survives_a_round_trip() -> None:
    survey = loads_survey(EVERY_FEATURE)
    assert roundtrip(survey) == survey


def test_the_every_feature_file_means_what_it_says() -> None:
    # a few spot checks, so that the round trip above is not comparing two empty things
    survey = loads_survey(EVERY_FEATURE)
    assert survey.settings.languages == ("en", "cy", "pl")
    assert survey.settings.help_contacts[1] == HelpContact("Out of hours team", "01234567")
    assert survey.question("placement").choices[1] == Choice("16_17_home",
                                                             "Semi-independent (16-17)")
    assert survey.question("school_rating").show_if == ShowIf("school_help", ("dont_know",),
                                                              negate=True)
    assert survey.question("why_unsafe").show_if == ShowIf("feel_safe", ("sad", "very_sad"))
    assert survey.question("feel_safe").concern == ("sad", "very_sad")
    assert survey.question("school_help").concern == ("family",)
    assert survey.question("moved_in").options["min"] == dt.date(2000, 1, 1)
    assert survey.question("name_of_school").text == (
        "What is your school called?\nYou can leave this out.")
    assert [q.dont_know for q in survey.questions()] == [
        False, False, False, False, True, False, False, False, False, True]


def test_dump_writes_only_what_differs_from_the_defaults() -> None:
    survey = make_survey([make_question()])
    assert survey_to_dict(survey) == {
        "key": "staff-annual", "version": 1, "title": "Staff survey 2025", "audience": "staff",
        "sections": [{"key": "about", "title": "About you", "questions": [
            {"key": "morale", "type": "agreement", "text": "I enjoy my work"}]}],
    }


def test_dump_writes_dont_know_when_it_differs_from_the_type_default() -> None:
    survey = make_survey([
        make_question(key="a", dont_know=False),
        make_question(key="b", type="yes_no", dont_know=True),
        make_question(key="c", type="yes_no"),
    ])
    questions = survey_to_dict(survey)["sections"][0]["questions"]
    assert [q.get("dont_know") for q in questions] == [False, True, None]


def test_show_if_is_written_in_its_shortest_form() -> None:
    survey = make_survey([
        make_question(key="supervised", type="yes_no"),
        make_question(key="a", show_if=ShowIf("supervised", ("yes",))),
        make_question(key="b", show_if=ShowIf("supervised", ("yes", "not_sure"))),
        make_question(key="c", show_if=ShowIf("supervised", ("yes",), negate=True)),
    ])
    questions = survey_to_dict(survey)["sections"][0]["questions"]
    assert [q["show_if"] for q in questions[1:]] == [
        {"question": "supervised", "equals": "yes"},
        {"question": "supervised", "in": ["yes", "not_sure"]},
        {"question": "supervised", "not_in": ["yes"]},
    ]
    assert roundtrip(survey) == survey


def test_concern_is_written_as_a_list_and_read_back() -> None:
    survey = make_survey([
        make_question(key="feel_safe", type="yes_no", concern=("no",)),
        make_question(key="trusted_adult", concern=("disagree", "strongly_disagree")),
        make_question(key="morale"),
    ])
    questions = survey_to_dict(survey)["sections"][0]["questions"]
    assert [q.get("concern") for q in questions] == [
        ["no"], ["disagree", "strongly_disagree"], None]
    assert roundtrip(survey) == survey


def test_multi_line_text_is_a_literal_block() -> None:
    survey = make_survey([make_question(text="Line one\nLine two")])
    assert "    text: |-\n      Line one\n      Line two\n" in dump_survey(survey)
    assert roundtrip(survey) == survey


def test_text_that_yaml_would_read_as_something_else_is_quoted() -> None:
    tricky = ["yes", "No", "null", "~", "3", "1.5", "2025-09-01", "16_17", "0800", "- a",
              "a: b", "#hash", "'quoted'", '"double"', "[x]", "{y}", "*star", "&amp", "!bang",
              "%pc", "@at", "`tick", "a\u2028b", "a\x85b", "a\rb", "tab\there", "trailing \nspace",
              "Bore da, sut wyt ti? Dw i'n iawn 🙂", "ŵ ŷ â"]
    survey = make_survey([make_question(key=f"q{i}", text=t) for i, t in enumerate(tricky)])
    assert [q.text for q in roundtrip(survey).questions()] == tricky


def test_hand_built_survey_round_trips() -> None:
    survey = make_survey(
        sections=[
            make_section([
                make_question(key="team", type="segment", choices=["north", "south"],
                              options={"segment": "team"}),
                make_question(key="morale", translations={"cy": Translation("Morâl", "Awgrym")}),
            ], key="about", translations={"cy": Translation("Amdanat ti")}),
            make_section([make_question(key="why", type="long_text",
                                        show_if=ShowIf("morale", ("disagree",)))],
                         key="more", title="More", intro="Tell us more."),
        ],
        audience=Audience.FOSTER_CARERS,
        description="For foster carers.",
        translations={"cy": Translation("Arolwg gofalwyr maeth", "Ar gyfer gofalwyr")},
        settings={"languages": ("en", "cy"), "mode": Mode.IDENTIFIED, "retention_days": 90,
                  "help_contacts": (HelpContact("Fostering team", url="https://example.org"),)},
    )
    assert roundtrip(survey) == survey


def test_dump_of_a_loaded_file_is_stable() -> None:
    once = dump_survey(loads_survey(EVERY_FEATURE))
    assert dump_survey(loads_survey(once)) == once


def test_dumped_text_is_readable_yaml() -> None:
    text = dump_survey(make_survey([make_question()]))
    assert text == textwrap.dedent("""\
        key: staff-annual
        version: 1
        title: Staff survey 2025
        audience: staff
        sections:
        - key: about
          title: About you
          questions:
          - key: morale
            type: agreement
            text: I enjoy my work
        """)


# -- random valid surveys -----------------------------------------------------------

# Any Unicode except surrogates; the loader strips text, so generated text is stripped.
_chars = st.characters(blacklist_categories=("Cs",))
text = st.text(_chars, min_size=1, max_size=24).map(str.strip).filter(bool)
optional_text = st.one_of(st.just(""), text)
words = st.text(string.ascii_letters + string.digits + " -'", min_size=1, max_size=16).map(
    str.strip).filter(bool)
field_keys = st.from_regex(FIELD_KEY, fullmatch=True).filter(lambda k: len(k) <= 20)
choice_values = st.from_regex(CHOICE_VALUE, fullmatch=True).filter(lambda k: len(k) <= 12)
survey_keys = st.from_regex(SURVEY_KEY, fullmatch=True).filter(lambda k: len(k) <= 30)
extra_languages = st.lists(st.sampled_from(["cy", "pl", "ro", "ur", "so", "pt-BR", "gd"]),
                           unique=True, max_size=3)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))

CHOICE_TYPES = ("single_choice", "multiple_choice", "segment")
TEXT_TYPES = ("short_text", "long_text")
ALL_TYPES = ("agreement", "smiley", "yes_no", "rating", "number", "date", *CHOICE_TYPES,
             *TEXT_TYPES)


def translations(draw: st.DrawFn, languages: tuple[str, ...]) -> MappingProxyType:
    chosen = draw(st.lists(st.sampled_from(languages), unique=True)) if languages else []
    return MappingProxyType({lang: Translation(draw(text), draw(optional_text))
                             for lang in chosen})


@st.composite
def choice_lists(draw: st.DrawFn, languages: tuple[str, ...]) -> tuple[Choice, ...]:
    values = draw(st.lists(choice_values, min_size=1, max_size=5, unique=True))
    return tuple(
        Choice(v, draw(text), MappingProxyType({
            lang: draw(text) for lang in draw(st.lists(st.sampled_from(languages), unique=True))
        }) if languages else MappingProxyType({}))
        for v in values
    )


@st.composite
def options_for(draw: st.DrawFn, qtype: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if qtype == "smiley" and draw(st.booleans()):
        options["faces"] = draw(st.sampled_from([3, 5]))
    elif qtype == "segment":
        options["segment"] = draw(field_keys)
    elif qtype == "rating":
        for name in ("low_label", "high_label"):
            if draw(st.booleans()):
                options[name] = draw(text)
    elif qtype == "number":
        low, high = sorted(draw(st.lists(st.integers(-1000, 1000), min_size=2, max_size=2)))
        if draw(st.booleans()):
            options["min"] = low
        if draw(st.booleans()):
            options["max"] = high
        if draw(st.booleans()):
            options["unit"] = draw(text)
    elif qtype == "date":
        low, high = sorted(draw(st.lists(dates, min_size=2, max_size=2)))
        if draw(st.booleans()):
            options["min"] = low
        if draw(st.booleans()):
            options["max"] = high
    elif qtype in TEXT_TYPES and draw(st.booleans()):
        options["max_length"] = draw(st.integers(1, 10_000))
    return options


@st.composite
def show_ifs(draw: st.DrawFn, earlier: list[Question]) -> ShowIf | None:
    if not earlier or draw(st.booleans()):
        return None
    target = draw(st.sampled_from(earlier))
    offered = [c.value for c in get_type(target.type).offered(target)]
    pool = st.sampled_from(offered) if offered else text
    values = tuple(draw(st.lists(pool, min_size=1, max_size=3, unique=True)))
    return ShowIf(target.key, values, negate=draw(st.booleans()))


@st.composite
def concerns(draw: st.DrawFn, question: Question) -> Question:
    """``question`` with some of its own answers raising a concern, where its type allows."""
    qtype = get_type(question.type)
    if not qtype.concern_choices:
        return question
    values = [c.value for c in qtype.base_choices(question)]
    chosen = draw(st.lists(st.sampled_from(values), unique=True, max_size=len(values)))
    return dataclasses.replace(question, concern=tuple(chosen))


@st.composite
def questions(draw: st.DrawFn, key: str, languages: tuple[str, ...],
              earlier: list[Question]) -> Question:
    qtype = draw(st.sampled_from(ALL_TYPES))
    specials = qtype not in TEXT_TYPES
    return draw(concerns(Question(
        key=key,
        type=qtype,
        text=draw(text),
        hint=draw(optional_text),
        required=draw(st.booleans()),
        choices=draw(choice_lists(languages)) if qtype in CHOICE_TYPES else (),
        dont_know=specials and draw(st.booleans()),
        rather_not_say=specials and draw(st.booleans()),
        show_if=draw(show_ifs(earlier)),
        core=draw(st.booleans()),
        options=MappingProxyType(draw(options_for(qtype))),
        translations=translations(draw, languages),
    )))


@st.composite
def survey_settings(draw: st.DrawFn) -> Settings:
    contacts = draw(st.lists(st.builds(HelpContact, text, optional_text, optional_text,
                                       optional_text), max_size=2))
    return Settings(
        mode=draw(st.sampled_from(Mode)),
        page_mode=draw(st.sampled_from(PageMode)),
        min_group_score=draw(st.integers(1, 50)),
        min_group_comments=draw(st.integers(1, 50)),
        retention_days=draw(st.integers(1, 5000)),
        safeguarding_notice=draw(optional_text),
        help_contacts=tuple(contacts),
        languages=("en", *draw(extra_languages)),
        age_band=draw(st.one_of(st.just(""), words)),
        allow_resume=draw(st.booleans()),
    )


@st.composite
def surveys(draw: st.DrawFn) -> Survey:
    the_settings = draw(survey_settings())
    languages = the_settings.languages[1:]
    section_keys = draw(st.lists(field_keys, min_size=1, max_size=3, unique=True))
    sizes = [draw(st.integers(1, 4)) for _ in section_keys]
    question_keys = iter(draw(st.lists(field_keys, min_size=sum(sizes), max_size=sum(sizes),
                                       unique=True)))
    earlier: list[Question] = []
    sections = []
    for key, size in zip(section_keys, sizes, strict=True):
        section_questions = []
        for _ in range(size):
            q = draw(questions(next(question_keys), languages, earlier))
            earlier.append(q)
            section_questions.append(q)
        sections.append(Section(key, draw(text), draw(optional_text), tuple(section_questions),
                                translations(draw, languages)))
    return Survey(
        key=draw(survey_keys),
        title=draw(text),
        audience=draw(st.sampled_from(Audience)),
        version=draw(st.integers(1, 100)),
        description=draw(optional_text),
        settings=the_settings,
        sections=tuple(sections),
        translations=translations(draw, languages),
    )


@settings(max_examples=100, deadline=None)
@given(surveys())
def test_any_valid_survey_survives_a_round_trip(survey: Survey) -> None:
    assert roundtrip(survey) == survey
