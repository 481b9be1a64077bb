"""Loading definitions: what a good file becomes, and where a bad one is wrong.

Every error test counts lines by hand. Most files start with ``HEAD`` (7 lines), so
the first question's ``- key:`` is on line 8.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from surveys import DefinitionError, load_survey, loads_survey
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
from tests.factories import SMALL_SURVEY_YAML, make_survey_from_yaml

HEAD = """\
key: staff-annual
title: Staff survey 2025
audience: staff
sections:
- key: about
  title: About you
  questions:
"""

KNOWN_TYPES = ("agreement, date, long_text, multiple_choice, number, rating, segment, "
               "short_text, single_choice, smiley, yes_no")


def error_of(text: str, source: str = "staff.yaml") -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        loads_survey(text, source=source)
    return info.value


def assert_error(err: DefinitionError, *, line: int | None, key: str, message: str) -> None:
    """The error's parts, and the one-line message a person reads."""
    assert err.source == "staff.yaml"
    assert err.line == line
    assert err.key == key
    assert err.message == message
    where = "staff.yaml" if line is None else f"staff.yaml, line {line}"
    assert str(err) == f"{where}: {key + ': ' if key else ''}{message}"


# -- a good definition --------------------------------------------------------------


FULL = """\
key: young-people-11-15
version: 3
title: Your life in care
description: A survey for young people aged 11 to 15.
audience: young_people
translations:
  cy:
    title: Dy fywyd mewn gofal
settings:
  mode: identified
  page_mode: one_question
  min_group_score: 6
  min_group_comments: 12
  retention_days: 365
  age_band: 11-15
  allow_resume: false
  languages: [en, cy]
  safeguarding_notice: If you tell us something that worries us, we will share it.
  help_contacts:
  - name: Childline
    phone: 0800 1111
sections:
- key: home
  title: Where you live
  intro: Questions about home.
  questions:
  - key: feel_safe
    type: agreement
    text: I feel safe where I live
    required: true
    core: true
    translations:
      cy:
        text: Rwy'n teimlo'n ddiogel
  - key: placement
    type: segment
    text: Where do you live?
    options: {segment: placement_type}
    choices:
    - value: foster_care
      label: With foster carers
      translations: {cy: Gyda gofalwyr maeth}
    - Children's home
  - key: why_unsafe
    type: long_text
    text: What would help you feel safer?
    hint: You can skip this.
    show_if:
      question: feel_safe
      in: [disagree, strongly_disagree]
"""


def test_a_full_definition_loads_into_the_model() -> None:
    expected = Survey(
        key="young-people-11-15",
        version=3,
        title="Your life in care",
        description="A survey for young people aged 11 to 15.",
        audience=Audience.YOUNG_PEOPLE,
        translations={"cy": Translation("Dy fywyd mewn gofal")},
        settings=Settings(
            mode=Mode.IDENTIFIED,
            page_mode=PageMode.ONE_QUESTION,
            min_group_score=6,
            min_group_comments=12,
            retention_days=365,
            age_band="11-15",
            allow_resume=False,
            languages=("en", "cy"),
            safeguarding_notice="If you tell us something that worries us, we will share it.",
            help_contacts=(HelpContact("Childline", phone="0800 1111"),),
        ),
        sections=(Section(
            key="home", title="Where you live", intro="Questions about home.",
            questions=(
                Question("feel_safe", "agreement", "I feel safe where I live", required=True,
                         core=True, dont_know=True,
                         translations={"cy": Translation("Rwy'n teimlo'n ddiogel")}),
                Question("placement", "segment", "Where do you live?",
                         options={"segment": "placement_type"},
                         choices=(Choice("foster_care", "With foster carers",
                                         {"cy": "Gyda gofalwyr maeth"}),
                                  Choice("children_s_home", "Children's home"))),
                Question("why_unsafe", "long_text", "What would help you feel safer?",
                         hint="You can skip this.",
                         show_if=ShowIf("feel_safe", ("disagree", "strongly_disagree"))),
            ),
        ),),
    )
    assert loads_survey(FULL) == expected


def test_defaults_are_the_privacy_preserving_ones() -> None:
    survey = make_survey_from_yaml()
    assert survey.settings == Settings()
    assert survey.settings.mode is Mode.ANONYMOUS
    assert survey.settings.min_group_score == 5
    assert survey.settings.min_group_comments == 10
    assert survey.version == 1


def test_agreement_offers_dont_know_unless_switched_off() -> None:
    survey = loads_survey(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
  - key: valued
    type: agreement
    text: I feel valued
    dont_know: false
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
""")
    assert [q.dont_know for q in survey.questions()] == [True, False, False]


def test_shorthand_choices_take_a_value_from_the_label() -> None:
    survey = loads_survey(HEAD + """\
  - key: age_band
    type: single_choice
    text: How old are you?
    choices: [Under 16, 16-17, 18+, 21]
""")
    assert survey.question("age_band").choices == (
        Choice("under_16", "Under 16"), Choice("16_17", "16-17"), Choice("18", "18+"),
        Choice("21", "21"),
    )


def test_choice_values_may_start_with_a_digit() -> None:
    survey = loads_survey(HEAD + """\
  - key: age_band
    type: single_choice
    text: How old are you?
    choices:
    - {value: 16_17, label: 16 or 17}
""")
    assert survey.question("age_band").choices == (Choice("16_17", "16 or 17"),)


def test_date_options_may_be_dates_or_quoted_text() -> None:
    survey = loads_survey(HEAD + """\
  - key: started
    type: date
    text: When did you start?
    options: {min: 2000-01-01, max: "2025-09-28"}
""")
    assert dict(survey.question("started").options) == {
        "min": dt.date(2000, 1, 1), "max": "2025-09-28"}


def test_load_survey_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "staff.yaml"
    path.write_text(SMALL_SURVEY_YAML, encoding="utf-8")
    assert load_survey(path) == make_survey_from_yaml()

    path.write_text(SMALL_SURVEY_YAML.replace("audience: staff", "audience: staf"),
                    encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_survey(str(path))
    assert info.value.source == "staff.yaml"
    assert str(info.value).startswith("staff.yaml, line 3: audience: 'staf' is not one of")


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as info:
        load_survey(tmp_path / "nowhere.yaml")
    assert info.value.source == "nowhere.yaml"
    assert info.value.line is None
    assert info.value.message.startswith("cannot read the file")


# -- questions ----------------------------------------------------------------------


def test_unknown_question_type_lists_the_known_ones() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agremeent
    text: I enjoy my work
""")
    assert_error(err, line=9, key="sections[0].questions[0].type",
                 message=f"unknown question type 'agremeent' (known types: {KNOWN_TYPES})")


def test_duplicate_question_key_in_one_section() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
  - key: morale
    type: yes_no
    text: Would you recommend working here?
""")
    assert_error(err, line=11, key="sections[0].questions[1].key",
                 message="duplicate question key 'morale'")


def test_duplicate_question_key_across_sections() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
- key: team_work
  title: Your team
  questions:
  - key: morale
    type: yes_no
    text: Is morale good in your team?
""")
    assert_error(err, line=14, key="sections[1].questions[0].key",
                 message="duplicate question key 'morale'")


def test_duplicate_section_key() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
- key: about
  title: About you again
  questions:
  - key: role
    type: short_text
    text: Your role
""")
    assert_error(err, line=11, key="sections[1].key", message="duplicate section key 'about'")


def test_duplicate_yaml_key_in_a_mapping() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
    text: I like my job
""")
    assert_error(err, line=11, key="sections[0].questions[0].text",
                 message="the key 'text' appears twice")


def test_duplicate_yaml_key_at_the_top() -> None:
    err = error_of("key: staff-annual\ntitle: One\ntitle: Two\n")
    assert_error(err, line=3, key="title", message="the key 'title' appears twice")


def test_a_list_as_a_mapping_key() -> None:
    err = error_of("key: staff-annual\n? [a, b]\n: c\n")
    assert_error(err, line=2, key="",
                 message="a key must be a single word, not a list or mapping")


def test_show_if_pointing_forward() -> None:
    err = error_of(HEAD + """\
  - key: supervision_useful
    type: agreement
    text: My supervision is useful
    show_if:
      question: supervised
      equals: "yes"
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
""")
    assert_error(err, line=12, key="sections[0].questions[0].show_if.question",
                 message="'supervised' is not an earlier question; show_if can only look back")


def test_show_if_pointing_at_a_missing_question() -> None:
    err = error_of(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
  - key: supervision_useful
    type: agreement
    text: My supervision is useful
    show_if:
      question: supervison
      equals: "yes"
""")
    assert_error(err, line=15, key="sections[0].questions[1].show_if.question",
                 message="'supervison' is not an earlier question; show_if can only look back")


def test_show_if_pointing_at_itself() -> None:
    err = error_of(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
    show_if: {question: supervised, equals: "yes"}
""")
    assert err.line == 11
    assert err.key == "sections[0].questions[0].show_if.question"


def test_show_if_value_that_is_not_an_answer() -> None:
    err = error_of(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
  - key: supervision_useful
    type: agreement
    text: My supervision is useful
    show_if:
      question: supervised
      in: ["yes", maybe]
""")
    assert_error(err, line=16, key="sections[0].questions[1].show_if.in",
                 message="'maybe' is not an answer to 'supervised' (answers: no, not_sure, yes)")


def test_show_if_bare_yes_means_the_answer_yes() -> None:
    # YAML 1.2 rule: only true/false are booleans, so an unquoted yes is the text "yes"
    survey = loads_survey(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
  - key: supervision_useful
    type: agreement
    text: My supervision is useful
    show_if: {question: supervised, equals: yes}
""", "t.yaml")
    assert survey.question("supervision_useful").show_if.values == ("yes",)


def test_required_yes_is_not_a_boolean() -> None:
    err = error_of(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
    required: yes
""")
    assert err.line == 11
    assert err.key == "sections[0].questions[0].required"
    assert err.message == "must be true or false"


def test_show_if_needs_exactly_one_condition() -> None:
    err = error_of(HEAD + """\
  - key: supervised
    type: yes_no
    text: Do you have regular supervision?
  - key: supervision_useful
    type: agreement
    text: My supervision is useful
    show_if:
      question: supervised
      equals: "yes"
      not_in: ["no"]
""")
    # the show_if mapping starts with its first key, on line 15
    assert_error(err, line=15, key="sections[0].questions[1].show_if",
                 message="give exactly one of equals, in or not_in")


def test_empty_choices_on_single_choice() -> None:
    err = error_of(HEAD + """\
  - key: role
    type: single_choice
    text: What is your role?
    choices: []
""")
    assert_error(err, line=11, key="sections[0].questions[0].choices",
                 message="a single_choice question needs at least one choice")


def test_missing_choices_on_multiple_choice_points_at_the_question() -> None:
    err = error_of(HEAD + """\
  - key: barriers
    type: multiple_choice
    text: What gets in the way?
""")
    assert_error(err, line=8, key="sections[0].questions[0].choices",
                 message="a multiple_choice question needs at least one choice")


def test_choices_on_a_type_with_its_own_scale() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
    choices: [Lots, Little]
""")
    assert_error(err, line=11, key="sections[0].questions[0].choices",
                 message="agreement questions set their own choices")


def test_duplicate_choice_values() -> None:
    err = error_of(HEAD + """\
  - key: role
    type: single_choice
    text: What is your role?
    choices:
    - value: social_worker
      label: Social worker
    - value: social_worker
      label: Senior social worker
""")
    assert_error(err, line=11, key="sections[0].questions[0].choices",
                 message="duplicate value 'social_worker'")


def test_shorthand_choices_that_slug_to_the_same_value() -> None:
    err = error_of(HEAD + """\
  - key: team
    type: single_choice
    text: Which team?
    choices: [North East, north-east]
""")
    assert_error(err, line=11, key="sections[0].questions[0].choices",
                 message="duplicate value 'north_east'")


def test_bare_yes_no_in_shorthand_choices_are_text() -> None:
    survey = loads_survey(HEAD + """\
  - key: happy
    type: single_choice
    text: Are you happy?
    choices: [Yes, No, "Maybe"]
""", "t.yaml")
    assert [(c.value, c.label) for c in survey.question("happy").choices] == [
        ("yes", "Yes"), ("no", "No"), ("maybe", "Maybe")]


def test_bare_true_in_shorthand_choices_must_be_quoted() -> None:
    err = error_of(HEAD + """\
  - key: happy
    type: single_choice
    text: Are you happy?
    choices: [true, "Maybe"]
""")
    assert_error(err, line=11, key="sections[0].questions[0].choices",
                 message='write this choice in quotes, like "Yes"')


def test_bad_choice_value() -> None:
    err = error_of(HEAD + """\
  - key: role
    type: single_choice
    text: What is your role?
    choices:
    - value: Social Worker
      label: Social worker
""")
    assert_error(err, line=12, key="sections[0].questions[0].choices[0].value",
                 message="use lower-case letters, digits and underscores")


def test_smiley_with_four_faces() -> None:
    err = error_of(HEAD + """\
  - key: happy_at_home
    type: smiley
    text: How do you feel at home?
    options:
      faces: 4
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.faces",
                 message="a smiley scale has 3 or 5 faces")


def test_option_not_used_by_the_type() -> None:
    err = error_of(HEAD + """\
  - key: happy_at_home
    type: smiley
    text: How do you feel at home?
    options: {faces: 3, colour: yellow}
""")
    assert_error(err, line=11, key="sections[0].questions[0].options",
                 message="not used by smiley questions: ['colour']")


def test_unknown_question_field() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
    mandatory: true
""")
    assert_error(err, line=11, key="sections[0].questions[0].mandatory",
                 message="unknown key (allowed here: key, type, text, hint, required, choices, "
                         "dont_know, rather_not_say, show_if, core, options, translations, "
                         "concern)")


@pytest.mark.parametrize("missing", ["key", "type", "text"])
def test_missing_required_question_field(missing: str) -> None:
    fields = {"key": "key: morale", "type": "type: agreement", "text": "text: I enjoy my work"}
    del fields[missing]
    first, second = fields.values()
    err = error_of(HEAD + f"  - {first}\n    {second}\n")
    assert_error(err, line=8, key=f"sections[0].questions[0].{missing}", message="is required")


def test_empty_required_field_points_at_its_line() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: ""
""")
    assert_error(err, line=10, key="sections[0].questions[0].text", message="is required")


def test_bad_question_key() -> None:
    err = error_of(HEAD + """\
  - key: Feel-Safe
    type: agreement
    text: I feel safe
""")
    assert_error(err, line=8, key="sections[0].questions[0].key",
                 message="use lower-case letters, digits and underscores, like feel_safe")


def test_text_question_with_dont_know() -> None:
    err = error_of(HEAD + """\
  - key: anything_else
    type: long_text
    text: Is there anything else you want to tell us?
    dont_know: true
""")
    assert_error(err, line=11, key="sections[0].questions[0].dont_know",
                 message="text questions are optional instead")


def test_text_question_with_rather_not_say() -> None:
    err = error_of(HEAD + """\
  - key: anything_else
    type: short_text
    text: Is there anything else you want to tell us?
    rather_not_say: true
""")
    assert_error(err, line=11, key="sections[0].questions[0].rather_not_say",
                 message="text questions are optional instead")


def test_text_max_length_must_be_positive() -> None:
    err = error_of(HEAD + """\
  - key: anything_else
    type: short_text
    text: Anything else?
    options:
      max_length: 0
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.max_length",
                 message="must be a whole number above 0")


def test_segment_without_options_segment() -> None:
    err = error_of(HEAD + """\
  - key: team
    type: segment
    text: Which team are you in?
    choices: [North, South]
""")
    assert_error(err, line=8, key="sections[0].questions[0].options",
                 message="name the breakdown, e.g. team, role or age_band")


def test_segment_name_must_be_a_word() -> None:
    err = error_of(HEAD + """\
  - key: team
    type: segment
    text: Which team are you in?
    choices: [North, South]
    options:
      segment: my team
""")
    assert_error(err, line=13, key="sections[0].questions[0].options.segment",
                 message="name the breakdown, e.g. team, role or age_band")


def test_number_with_min_greater_than_max() -> None:
    err = error_of(HEAD + """\
  - key: years_in_post
    type: number
    text: How many years have you worked here?
    options:
      min: 40
      max: 0
""")
    assert_error(err, line=11, key="sections[0].questions[0].options",
                 message="min is greater than max")


def test_number_bound_must_be_a_whole_number() -> None:
    err = error_of(HEAD + """\
  - key: years_in_post
    type: number
    text: How many years have you worked here?
    options:
      min: true
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.min",
                 message="must be a whole number")


def test_number_unit_must_be_text() -> None:
    err = error_of(HEAD + """\
  - key: years_in_post
    type: number
    text: How many years have you worked here?
    options:
      unit: {en: years}
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.unit",
                 message="must be text")


def test_date_bound_that_is_not_a_date() -> None:
    err = error_of(HEAD + """\
  - key: started
    type: date
    text: When did you start?
    options:
      max: "2025-13-01"
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.max",
                 message="must be a date like 2025-09-01")


def test_impossible_date_anywhere_in_the_file() -> None:
    # the YAML parser itself turns 2025-02-30 into a date, and fails
    err = error_of(HEAD + """\
  - key: started
    type: date
    text: When did you start?
    options:
      max: 2025-02-30
""")
    assert_error(err, line=12, key="sections[0].questions[0].options.max",
                 message="'2025-02-30' is not a real date (day is out of range for month)")


def test_numbers_with_underscores_colons_or_leading_zeros_stay_text() -> None:
    # YAML 1.1 would read these as 1617, 630 and 83
    survey = loads_survey(HEAD + """\
  - key: age_band
    type: single_choice
    text: How old are you?
    choices:
    - {value: 16_17, label: 16 or 17}
    - {value: 10_30, label: 10:30}
    - {value: "0123", label: 0123}
""")
    assert survey.question("age_band").choices == (
        Choice("16_17", "16 or 17"), Choice("10_30", "10:30"), Choice("0123", "0123"))


def test_date_with_min_after_max() -> None:
    err = error_of(HEAD + """\
  - key: started
    type: date
    text: When did you start?
    options: {min: 2025-09-28, max: 2025-09-01}
""")
    assert_error(err, line=11, key="sections[0].questions[0].options",
                 message="min is after max")


# -- the survey and its settings ----------------------------------------------------


def test_unknown_top_level_key() -> None:
    err = error_of("""\
key: staff-annual
title: Staff survey 2025
audience: staff
colour: blue
sections: []
""")
    assert_error(err, line=4, key="colour",
                 message="unknown key (allowed here: key, title, audience, sections, version, "
                         "description, settings, translations)")


def test_missing_sections() -> None:
    err = error_of("key: staff-annual\ntitle: Staff survey 2025\naudience: staff\n")
    assert_error(err, line=1, key="sections", message="is required")


def test_empty_sections() -> None:
    err = error_of("key: staff-annual\ntitle: Staff survey 2025\naudience: staff\nsections: []\n")
    assert_error(err, line=4, key="sections", message="must not be empty")


def test_bad_survey_key_format() -> None:
    err = error_of(HEAD.replace("key: staff-annual", "key: Staff_Annual") + """\
  - key: morale
    type: agreement
    text: I enjoy my work
""")
    assert_error(err, line=1, key="key",
                 message="use lower-case letters, digits and hyphens, like staff-annual")


def test_bad_audience() -> None:
    err = error_of(HEAD.replace("audience: staff", "audience: social_workers") + """\
  - key: morale
    type: agreement
    text: I enjoy my work
""")
    assert_error(err, line=3, key="audience",
                 message="'social_workers' is not one of: staff, families, foster_carers, "
                         "young_people, care_leavers")


def with_settings(settings: str) -> str:
    """HEAD with a settings block after line 3; each settings line pushes the rest down."""
    return HEAD.replace("sections:", f"settings:\n{settings}sections:") + """\
  - key: morale
    type: agreement
    text: I enjoy my work
"""


def test_bad_mode() -> None:
    err = error_of(with_settings("  mode: secret\n"))
    assert_error(err, line=5, key="settings.mode",
                 message="'secret' is not one of: anonymous, identified")


def test_bad_page_mode() -> None:
    err = error_of(with_settings("  retention_days: 30\n  page_mode: slides\n"))
    assert_error(err, line=6, key="settings.page_mode",
                 message="'slides' is not one of: one_question, sections")


def test_bad_language_code() -> None:
    err = error_of(with_settings("  languages:\n  - en\n  - Welsh\n"))
    assert_error(err, line=5, key="settings.languages",
                 message="'Welsh' is not a language code like en or cy")


def test_english_comes_first() -> None:
    err = error_of(with_settings("  languages: [cy, en]\n"))
    assert_error(err, line=5, key="settings.languages", message="English (en) comes first")


def test_min_group_score_zero() -> None:
    err = error_of(with_settings("  min_group_score: 0\n"))
    assert_error(err, line=5, key="settings.min_group_score",
                 message="must be a whole number of at least 1")


def test_allow_resume_must_be_true_or_false() -> None:
    err = error_of(with_settings("  allow_resume: sometimes\n"))
    assert_error(err, line=5, key="settings.allow_resume", message="must be true or false")


def test_help_contact_needs_a_name() -> None:
    err = error_of(with_settings("  help_contacts:\n  - phone: 0800 1111\n"))
    assert_error(err, line=6, key="settings.help_contacts[0].name", message="is required")


def test_question_translation_to_a_language_not_in_settings() -> None:
    err = error_of(HEAD + """\
  - key: morale
    type: agreement
    text: I enjoy my work
    translations:
      cy:
        text: Rwy'n mwynhau fy ngwaith
""")
    assert_error(err, line=12, key="sections[0].questions[0].translations.cy",
                 message="'cy' is not in settings.languages (en)")


def test_survey_translation_to_a_language_not_in_settings() -> None:
    err = error_of(with_settings("  languages: [en, cy]\n").replace(
        "audience: staff\n", "audience: staff\ntranslations:\n  pl: {title: Ankieta}\n"))
    assert_error(err, line=5, key="translations.pl",
                 message="'pl' is not in settings.languages (en, cy)")


def test_choice_translation_to_a_language_not_in_settings() -> None:
    err = error_of(with_settings("  languages: [en, cy]\n").replace("""\
  - key: morale
    type: agreement
""", """\
  - key: morale
    type: single_choice
    choices:
    - value: lots
      label: Lots
      translations:
        pl: Dużo
"""))
    # settings take lines 4-5, so the question starts on line 10
    assert_error(err, line=16, key="sections[0].questions[0].choices[0].translations.pl",
                 message="'pl' is not in settings.languages (en, cy)")


def test_translation_needs_its_text() -> None:
    err = error_of(with_settings("  languages: [en, cy]\n").replace(
        "audience: staff\n", "audience: staff\ntranslations:\n  cy: {description: Arolwg}\n"))
    assert_error(err, line=5, key="translations.cy.title", message="is required")


# -- the file as a whole ------------------------------------------------------------


def assert_syntax_error(err: DefinitionError, *, line: int, words: tuple[str, ...]) -> None:
    # the wording is the parser's own: libyaml's when installed, else PyYAML's
    assert err.source == "staff.yaml"
    assert err.line == line
    assert err.key == ""
    assert err.message.startswith("not valid YAML: ")
    assert any(w in err.message for w in words), err.message
    assert str(err) == f"staff.yaml, line {line}: {err.message}"


def test_invalid_yaml_syntax_takes_the_line_from_the_parser() -> None:
    err = error_of("key: staff-annual\ntitle: Staff survey\n  audience: staff\n")
    assert_syntax_error(err, line=3, words=("mapping values are not allowed",))


def test_tab_indentation() -> None:
    err = error_of("key: staff-annual\n\ttitle: Staff survey\n")
    assert_syntax_error(err, line=2, words=("tab character", "'\\t'"))


def test_unclosed_list() -> None:
    err = error_of("key: staff-annual\ntitle: [Staff survey\naudience: staff\n")
    assert_syntax_error(err, line=3, words=("expected ',' or ']'",))


def test_non_mapping_document() -> None:
    err = error_of("# The staff survey\n- key: staff-annual\n- title: Staff survey\n")
    assert_error(err, line=2, key="",
                 message="a definition must be a mapping of keys to values, starting with key, "
                         "title, audience and sections")


def test_empty_document() -> None:
    err = error_of("# nothing yet\n")
    assert err.line is None
    assert err.message.startswith("a definition must be a mapping")


def test_source_defaults_to_a_placeholder() -> None:
    with pytest.raises(DefinitionError) as info:
        loads_survey("key: x\n")
    assert info.value.source == "<definition>"
    assert str(info.value).startswith("<definition>, line 1: ")


def test_smiley_choices_give_the_faces_other_words() -> None:
    survey = loads_survey(HEAD + """\
  - key: feel_safe
    type: smiley
    text: Do you feel safe?
    choices:
    - {value: happy, label: "Yes"}
    - {value: okay, label: Sometimes}
    - {value: sad, label: "No"}
""", "t.yaml")
    q = survey.question("feel_safe")
    from surveys import get_type
    assert [(c.value, c.label) for c in get_type("smiley").offered(q)] == [
        ("happy", "Yes"), ("okay", "Sometimes"), ("sad", "No")]
    assert get_type("smiley").favourability(q, "happy") == "favourable"


def test_smiley_choices_must_be_the_faces_in_order() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: smiley
    text: Do you feel safe?
    choices: [Sad, Happy, Okay]
""")
    assert err.key == "sections[0].questions[0].choices"
    assert err.message == "smiley choices relabel the faces: give values happy, okay, sad"


def test_safeguarding_notice_translations() -> None:
    survey = loads_survey("""\
key: families
title: Families
audience: families
settings:
  languages: [en, pl]
  safeguarding_notice: We read everything.
  safeguarding_notice_translations:
    pl: Czytamy wszystko.
sections:
- key: s
  title: S
  questions:
  - {key: q, type: long_text, text: Tell us}
""", "t.yaml")
    assert survey.settings.safeguarding_notice_translations == {"pl": "Czytamy wszystko."}


def test_safeguarding_notice_translation_needs_a_declared_language() -> None:
    err = error_of("""\
key: families
title: Families
audience: families
settings:
  safeguarding_notice: We read everything.
  safeguarding_notice_translations:
    pl: Czytamy wszystko.
sections:
- key: s
  title: S
  questions:
  - {key: q, type: long_text, text: Tell us}
""")
    assert err.line == 7
    assert err.key == "settings.safeguarding_notice_translations.pl"


# -- answers that raise a concern ---------------------------------------------------


def test_concern_names_answers_of_the_question() -> None:
    survey = loads_survey(HEAD + """\
  - key: feel_safe
    type: smiley
    text: Do you feel safe where you live?
    options: {faces: 5}
    concern: [sad, very_sad]
  - key: at_home
    type: yes_no
    text: Do you feel safe at home?
    concern: "no"
  - key: worries
    type: multiple_choice
    text: What worries you?
    choices: [School, Home, Nothing]
    concern: [home]
""", "t.yaml")
    assert survey.question("feel_safe").concern == ("sad", "very_sad")
    assert survey.question("at_home").concern == ("no",), "one bare value is a list of one"
    assert survey.question("worries").concern == ("home",)


def test_concern_is_empty_unless_given() -> None:
    assert make_survey_from_yaml().question("morale").concern == ()


def test_concern_on_agreement_and_single_choice() -> None:
    survey = loads_survey(HEAD + """\
  - key: trusted_adult
    type: agreement
    text: There is an adult I trust.
    concern: [disagree, strongly_disagree]
  - key: nights_away
    type: single_choice
    text: How often do you stay out all night?
    choices: [Never, Sometimes, Often]
    concern: [often]
""", "t.yaml")
    assert survey.question("trusted_adult").concern == ("disagree", "strongly_disagree")
    assert survey.question("nights_away").concern == ("often",)


@pytest.mark.parametrize(("qtype", "why"), [
    ("long_text", " (free-text answers are screened instead)"),
    ("short_text", " (free-text answers are screened instead)"),
    ("number", ""),
    ("date", ""),
    ("rating", ""),
])
def test_concern_is_refused_where_there_is_no_list_of_answers(qtype: str, why: str) -> None:
    err = error_of(HEAD + f"""\
  - key: worry
    type: {qtype}
    text: Anything?
    concern: [sad]
""")
    assert_error(err, line=11, key="sections[0].questions[0].concern",
                 message=f"a {qtype} question cannot raise a concern{why}; only agreement, "
                         "multiple_choice, single_choice, smiley, yes_no questions can")


def test_concern_is_refused_on_a_segment() -> None:
    err = error_of(HEAD + """\
  - key: team
    type: segment
    text: Which team?
    options: {segment: team}
    choices: [North, South]
    concern: [north]
""")
    assert err.line == 13 and err.key == "sections[0].questions[0].concern"
    assert err.message.startswith("a segment question cannot raise a concern;")


def test_concern_value_that_is_not_an_answer() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: smiley
    text: Do you feel safe where you live?
    concern: [very_sad]
""")
    # three faces by default: very_sad is a face of the five-face scale only
    assert_error(err, line=11, key="sections[0].questions[0].concern",
                 message="'very_sad' is not an answer to this question "
                         "(answers: happy, okay, sad)")


def test_concern_value_of_a_yes_no_question_written_as_a_label() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: yes_no
    text: Do you feel safe where you live?
    rather_not_say: true
    concern: ["No"]
""")
    assert_error(err, line=12, key="sections[0].questions[0].concern",
                 message="'No' is not an answer to this question (answers: yes, no, not_sure)")


def test_concern_cannot_be_rather_not_say() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: yes_no
    text: Do you feel safe where you live?
    rather_not_say: true
    concern: ["no", rather_not_say]
""")
    assert_error(err, line=12, key="sections[0].questions[0].concern",
                 message="'rather_not_say' cannot raise a concern: anyone may choose not "
                         "to answer")


def test_concern_value_listed_twice() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: yes_no
    text: Do you feel safe where you live?
    concern: ["no", "no"]
""")
    assert_error(err, line=11, key="sections[0].questions[0].concern",
                 message="'no' is listed twice")


def test_concern_must_be_a_list_of_values() -> None:
    err = error_of(HEAD + """\
  - key: feel_safe
    type: yes_no
    text: Do you feel safe where you live?
    concern: {value: "no"}
""")
    assert_error(err, line=11, key="sections[0].questions[0].concern",
                 message="list the answer values that raise a concern, like [sad]")
