"""Choice answers that raise a concern: which answers of a response match, worked by hand."""

from __future__ import annotations

import pytest

import surveys
from surveys import Survey, concern_answers, loads_survey
from surveys.concerns import concern_problems
from tests.factories import make_question

SURVEY = """\
key: home
title: Your home
audience: young_people
sections:
- key: home
  title: Home
  questions:
  - key: feel_safe
    type: smiley
    text: How safe do you feel where you live?
    options: {faces: 5}
    rather_not_say: true
    concern: [sad, very_sad]
  - key: trusted_adult
    type: yes_no
    text: Is there an adult you trust?
    concern: ["no"]
  - key: happy_at_school
    type: smiley
    text: How do you feel at school?
  - key: worries
    type: multiple_choice
    text: What worries you?
    choices: [School, Friends, Someone at home, Money]
    concern: [someone_at_home, money]
  - key: tell_us
    type: long_text
    text: Anything else?
"""


@pytest.fixture(scope="module")
def survey() -> Survey:
    return loads_survey(SURVEY, "home.yaml")


def test_nothing_worrying_raises_nothing(survey: Survey) -> None:
    answers = {"feel_safe": "happy", "trusted_adult": "yes", "happy_at_school": "sad",
               "worries": ("school",), "tell_us": "I am sad at school"}
    # a sad face at school is dissatisfaction, not a concern; free text is screened elsewhere
    assert concern_answers(survey, answers) == []


def test_each_worst_face_raises_a_concern(survey: Survey) -> None:
    assert concern_answers(survey, {"feel_safe": "sad"}) == [("feel_safe", "sad")]
    assert concern_answers(survey, {"feel_safe": "very_sad"}) == [("feel_safe", "very_sad")]
    assert concern_answers(survey, {"feel_safe": "okay"}) == []


def test_rather_not_say_and_no_answer_raise_nothing(survey: Survey) -> None:
    assert concern_answers(survey, {"feel_safe": "rather_not_say"}) == []
    assert concern_answers(survey, {"feel_safe": None, "trusted_adult": None}) == []
    assert concern_answers(survey, {}) == []


def test_pairs_come_in_question_order(survey: Survey) -> None:
    # given in the reverse order; the survey asks trusted_adult after feel_safe
    answers = {"trusted_adult": "no", "feel_safe": "very_sad"}
    assert concern_answers(survey, answers) == [("feel_safe", "very_sad"),
                                                ("trusted_adult", "no")]


def test_multiple_choice_gives_a_pair_for_each_chosen_concern(survey: Survey) -> None:
    assert concern_answers(survey, {"worries": ("school", "money")}) == [("worries", "money")]
    # as stored in the database: a list, not a tuple
    assert concern_answers(survey, {"worries": ["someone_at_home", "friends", "money"]}) == [
        ("worries", "someone_at_home"), ("worries", "money")]
    assert concern_answers(survey, {"worries": ("school", "friends")}) == []


def test_a_whole_response(survey: Survey) -> None:
    answers = {"feel_safe": "sad", "trusted_adult": "yes", "happy_at_school": "very_sad",
               "worries": ("someone_at_home",), "tell_us": "no"}
    assert concern_answers(survey, answers) == [("feel_safe", "sad"),
                                                ("worries", "someone_at_home")]


def test_keys_that_are_not_questions_are_ignored(survey: Survey) -> None:
    assert concern_answers(survey, {"gone": "sad", "trusted_adult": "no"}) == [
        ("trusted_adult", "no")]


def test_it_is_part_of_the_public_interface() -> None:
    assert surveys.concern_answers is concern_answers
    assert "concern_answers" in surveys.__all__


def test_problems_of_a_question_built_in_code() -> None:
    """The editor builds questions without the loader; the same rule applies to them."""
    assert concern_problems(make_question(type="yes_no", concern=("no",))) == []
    assert concern_problems(make_question(type="yes_no", concern=("no", "no"))) == [
        "'no' is listed twice"]
    assert concern_problems(make_question(type="long_text", concern=("sad",))) == [
        "a long_text question cannot raise a concern (free-text answers are screened "
        "instead); only agreement, multiple_choice, single_choice, smiley, yes_no "
        "questions can"]
    assert concern_problems(make_question(concern=("dont_know",))) == [
        "'dont_know' cannot raise a concern: anyone may choose not to answer"]
