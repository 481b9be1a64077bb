"""The question-type registry: what each type offers, accepts and refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys import AnswerError, UnknownQuestionType, get_type
from surveys.model import Question
from surveys.records import AnswerValue
from surveys.types import FAVOURABLE, NEUTRAL, REGISTRY, UNFAVOURABLE, QuestionType
from tests.factories import make_question


def offered(q: Question) -> list[str]:
    return [c.value for c in get_type(q.type).offered(q)]


def parse(q: Question, *raw: str) -> AnswerValue:
    return get_type(q.type).parse(q, list(raw))


def refuses(q: Question, *raw: str) -> str:
    with pytest.raises(AnswerError) as info:
        parse(q, *raw)
    return str(info.value)


def test_the_registry_holds_every_type_once() -> None:
    assert sorted(REGISTRY) == [
        "agreement", "date", "long_text", "multiple_choice", "number", "rating", "segment",
        "short_text", "single_choice", "smiley", "yes_no",
    ]
    for name, qtype in REGISTRY.items():
        assert isinstance(qtype, QuestionType)
        assert qtype.name == name
        assert get_type(name) is qtype


def test_unknown_type_raises_and_names_the_known_ones() -> None:
    with pytest.raises(UnknownQuestionType) as info:
        get_type("slider")
    assert info.value.name == "slider"
    assert isinstance(info.value, KeyError)
    assert str(info.value) == (
        "unknown question type 'slider' (known types: agreement, date, long_text, "
        "multiple_choice, number, rating, segment, short_text, single_choice, smiley, yes_no)")


def test_type_flags() -> None:
    assert {n for n, t in REGISTRY.items() if t.scored} == {
        "agreement", "smiley", "yes_no", "rating"}
    assert {n for n, t in REGISTRY.items() if t.free_text} == {"short_text", "long_text"}
    assert {n for n, t in REGISTRY.items() if t.themed} == {"long_text"}
    assert {n for n, t in REGISTRY.items() if t.multiple} == {"multiple_choice"}
    assert {n for n, t in REGISTRY.items() if t.own_choices} == {
        "single_choice", "multiple_choice", "segment"}


# -- agreement ------------------------------------------------------------------------


def test_agreement_scale_order_with_dont_know_last() -> None:
    assert offered(make_question()) == [
        "strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
    labels = [c.label for c in get_type("agreement").offered(make_question())]
    assert labels == ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree",
                      "Strongly disagree", "I don't know"]


def test_agreement_without_dont_know_but_with_rather_not_say() -> None:
    q = make_question(dont_know=False, rather_not_say=True)
    assert offered(q) == [
        "strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "rather_not_say"]
    assert refuses(q, "dont_know") == "Choose one of the answers shown"


def test_agreement_parse() -> None:
    q = make_question()
    assert parse(q, "agree") == "agree"
    assert parse(q, " dont_know ") == "dont_know"
    assert parse(q) is None
    assert parse(q, "", "  ") is None
    assert refuses(q, "agree", "disagree") == "Choose one answer"
    assert refuses(q, "Agree") == "Choose one of the answers shown"
    assert refuses(q, "rather_not_say") == "Choose one of the answers shown"


@pytest.mark.parametrize(("value", "reading"), [
    ("strongly_agree", FAVOURABLE), ("agree", FAVOURABLE), ("neither", NEUTRAL),
    ("disagree", UNFAVOURABLE), ("strongly_disagree", UNFAVOURABLE),
    ("dont_know", None), ("rather_not_say", None), (None, None),
])
def test_agreement_favourability(value: str | None, reading: str | None) -> None:
    assert get_type("agreement").favourability(make_question(), value) == reading


# -- smiley and yes/no ----------------------------------------------------------------


def test_smiley_has_three_faces_by_default() -> None:
    q = make_question(type="smiley")
    assert offered(q) == ["happy", "okay", "sad"]
    assert [c.label for c in get_type("smiley").offered(q)] == ["Happy", "Okay", "Sad"]
    assert offered(make_question(type="smiley", options={"faces": 3})) == offered(q)


def test_smiley_with_five_faces() -> None:
    q = make_question(type="smiley", options={"faces": 5}, dont_know=True)
    assert offered(q) == ["very_happy", "happy", "okay", "sad", "very_sad", "dont_know"]
    assert parse(q, "very_sad") == "very_sad"
    assert parse(q, "dont_know") == "dont_know"


def test_smiley_three_faces_refuses_five_face_answers() -> None:
    q = make_question(type="smiley")
    assert parse(q, "sad") == "sad"
    assert refuses(q, "very_happy") == "Choose one of the answers shown"


@pytest.mark.parametrize(("faces", "problems"), [
    (3, []), (5, []), (4, ["options.faces: a smiley scale has 3 or 5 faces"]),
])
def test_smiley_check(faces: int, problems: list[str]) -> None:
    q = make_question(type="smiley", options={"faces": faces})
    assert get_type("smiley").check(q) == problems


@pytest.mark.parametrize(("value", "reading"), [
    ("very_happy", FAVOURABLE), ("happy", FAVOURABLE), ("okay", NEUTRAL),
    ("sad", UNFAVOURABLE), ("very_sad", UNFAVOURABLE), ("dont_know", None),
])
def test_smiley_favourability(value: str, reading: str | None) -> None:
    q = make_question(type="smiley", options={"faces": 5})
    assert get_type("smiley").favourability(q, value) == reading


def test_yes_no() -> None:
    q = make_question(type="yes_no")
    assert offered(q) == ["yes", "no", "not_sure"]
    assert [c.label for c in get_type("yes_no").offered(q)] == ["Yes", "No", "Not sure"]
    assert parse(q, "not_sure") == "not_sure"
    assert refuses(q, "maybe") == "Choose one of the answers shown"
    assert refuses(q, "dont_know") == "Choose one of the answers shown"
    fav = get_type("yes_no").favourability
    assert (fav(q, "yes"), fav(q, "no"), fav(q, "not_sure")) == (FAVOURABLE, UNFAVOURABLE, NEUTRAL)


# -- single choice and segment --------------------------------------------------------


def test_single_choice() -> None:
    q = make_question(key="role", type="single_choice", choices=["social_worker", "manager"],
                      rather_not_say=True)
    assert offered(q) == ["social_worker", "manager", "rather_not_say"]
    assert parse(q, "manager") == "manager"
    assert parse(q, "rather_not_say") == "rather_not_say"
    assert refuses(q, "director") == "Choose one of the answers shown"
    assert refuses(q, "manager", "social_worker") == "Choose one answer"
    assert get_type("single_choice").favourability(q, "manager") is None


def test_segment_parses_like_a_single_choice() -> None:
    q = make_question(key="team", type="segment", choices=["north", "south"],
                      options={"segment": "team"})
    assert get_type("segment").check(q) == []
    assert offered(q) == ["north", "south"]
    assert parse(q, "south") == "south"
    assert refuses(q, "east") == "Choose one of the answers shown"


# -- multiple choice ------------------------------------------------------------------


def barriers(**overrides: object) -> Question:
    return make_question(key="barriers", type="multiple_choice",
                         choices=["time", "workload", "manager"], **overrides)


def test_multiple_choice_keeps_definition_order_without_repeats() -> None:
    q = barriers()
    assert offered(q) == ["time", "workload", "manager"]
    assert parse(q, "manager", "time", "manager") == ("time", "manager")
    assert parse(q, " workload ") == ("workload",)
    assert parse(q, "", " ") is None


def test_multiple_choice_refuses_unknown_values() -> None:
    assert refuses(barriers(), "time", "money") == "Choose from the answers shown"
    assert refuses(barriers(), "dont_know") == "Choose from the answers shown"


def test_multiple_choice_dont_know_is_exclusive() -> None:
    q = barriers(dont_know=True, rather_not_say=True)
    assert offered(q) == ["time", "workload", "manager", "dont_know", "rather_not_say"]
    assert parse(q, "dont_know") == ("dont_know",)
    assert parse(q, "dont_know", "dont_know") == ("dont_know",)
    message = "Choose either your answers or “I don't know” / “I'd rather not say”"
    assert refuses(q, "time", "dont_know") == message
    assert refuses(q, "dont_know", "rather_not_say") == message


# -- rating ---------------------------------------------------------------------------


def test_rating_offers_0_to_10() -> None:
    q = make_question(type="rating", dont_know=True)
    assert offered(q) == [str(i) for i in range(11)] + ["dont_know"]


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("10", 10), (" 7 ", 7), ("dont_know",
                                                                              "dont_know")])
def test_rating_parse(raw: str, value: AnswerValue) -> None:
    assert parse(make_question(type="rating", dont_know=True), raw) == value


@pytest.mark.parametrize(("raw", "message"), [
    ("11", "Enter a number of 10 or less"),
    ("-1", "Enter a number of 0 or more"),
    ("7.5", "Enter a whole number, like 3"),
    ("seven", "Enter a whole number, like 3"),
    ("dont_know", "Enter a whole number, like 3"),  # not offered on this question
])
def test_rating_refuses(raw: str, message: str) -> None:
    assert refuses(make_question(type="rating"), raw) == message


@pytest.mark.parametrize(("value", "reading"), [
    (10, FAVOURABLE), (9, FAVOURABLE), (8, NEUTRAL), (7, NEUTRAL),
    (6, UNFAVOURABLE), (0, UNFAVOURABLE), ("dont_know", None), (None, None),
])
def test_rating_favourability(value: AnswerValue, reading: str | None) -> None:
    assert get_type("rating").favourability(make_question(type="rating"), value) == reading


def test_rating_labels_are_text_and_min_max_are_not_options() -> None:
    check = get_type("rating").check
    assert check(make_question(type="rating", options={"low_label": "Not at all"})) == []
    assert check(make_question(type="rating", options={"high_label": 10})) == [
        "options.high_label: must be text"]
    assert check(make_question(type="rating", options={"max": 5})) == [
        "options: not used by rating questions: ['max']"]


# -- number ---------------------------------------------------------------------------


def years(**options: object) -> Question:
    return make_question(key="years", type="number", options=options)


def test_number_without_bounds() -> None:
    q = years()
    assert offered(q) == []
    assert parse(q, "12") == 12
    assert parse(q, "-4") == -4
    assert parse(q, " ") is None
    assert refuses(q, "twelve") == "Enter a whole number, like 3"
    assert refuses(q, "1.5") == "Enter a whole number, like 3"
    assert refuses(q, "1", "2") == "Give one number"


def test_number_bounds_are_inclusive() -> None:
    q = years(min=0, max=50)
    assert parse(q, "0") == 0
    assert parse(q, "50") == 50
    assert refuses(q, "-1") == "Enter a number of 0 or more"
    assert refuses(q, "51") == "Enter a number of 50 or less"


def test_number_dont_know() -> None:
    q = make_question(key="years", type="number", dont_know=True)
    assert parse(q, "dont_know") == "dont_know"
    assert refuses(q, "rather_not_say") == "Enter a whole number, like 3"


@pytest.mark.parametrize(("options", "problems"), [
    ({"min": 0, "max": 50, "unit": "years"}, []),
    ({"min": 5, "max": 5}, []),
    ({"min": 6, "max": 5}, ["options: min is greater than max"]),
    ({"min": 1.5}, ["options.min: must be a whole number"]),
    ({"max": True}, ["options.max: must be a whole number"]),
    ({"unit": 3}, ["options.unit: must be text"]),
])
def test_number_check(options: dict[str, object], problems: list[str]) -> None:
    assert get_type("number").check(years(**options)) == problems


# -- date -----------------------------------------------------------------------------


def started(**options: object) -> Question:
    return make_question(key="started", type="date", options=options)


def test_date_single_iso_field() -> None:
    assert parse(started(), "2025-09-01") == "2025-09-01"
    assert parse(started(), " 2024-02-29 ") == "2024-02-29"
    assert parse(started()) is None


def test_date_day_month_year_fields() -> None:
    assert parse(started(), "1", "9", "2025") == "2025-09-01"
    assert parse(started(), "29", "02", "2024") == "2024-02-29"


@pytest.mark.parametrize("raw", [
    ("31", "2", "2025"), ("29", "2", "2025"), ("0", "1", "2025"), ("1", "13", "2025"),
    ("1", "9", "25"), ("1", "September", "2025"), ("2025-02-30",), ("1/9/2025",),
    ("tomorrow",), ("1", "9"),
])
def test_date_refuses_impossible_dates(raw: tuple[str, ...]) -> None:
    assert refuses(started(), *raw) == "Enter a real date, like 27 3 2024"


def test_date_min_and_max_are_inclusive() -> None:
    # YAML gives an unquoted date as a date, a quoted one as text: both work
    q = started(min=dt.date(2025, 9, 1), max="2025-09-28")
    assert parse(q, "1", "9", "2025") == "2025-09-01"
    assert parse(q, "2025-09-28") == "2025-09-28"
    assert refuses(q, "31", "8", "2025") == "Enter a date on or after 1 September 2025"
    assert refuses(q, "2025-09-29") == "Enter a date on or before 28 September 2025"


def test_date_dont_know_when_offered() -> None:
    q = make_question(key="started", type="date", dont_know=True)
    assert parse(q, "dont_know") == "dont_know"
    assert refuses(started(), "dont_know") == "Enter a real date, like 27 3 2024"


@pytest.mark.parametrize(("options", "problems"), [
    ({"min": dt.date(2025, 1, 1), "max": "2025-12-31"}, []),
    ({"min": "2025-13-01"}, ["options.min: must be a date like 2025-09-01"]),
    ({"max": 20250101}, ["options.max: must be a date like 2025-09-01"]),
    ({"min": "2025-02-01", "max": "2025-01-01"}, ["options: min is after max"]),
])
def test_date_check(options: dict[str, object], problems: list[str]) -> None:
    assert get_type("date").check(started(**options)) == problems


# -- text -----------------------------------------------------------------------------


def test_short_text_max_length_200() -> None:
    q = make_question(key="role", type="short_text")
    assert offered(q) == []
    assert parse(q, "x" * 200) == "x" * 200
    assert refuses(q, "x" * 201) == "Use 200 characters or fewer (you used 201)"


def test_long_text_max_length_5000_and_option() -> None:
    q = make_question(key="anything_else", type="long_text")
    assert parse(q, "y" * 5000) == "y" * 5000
    assert refuses(q, "y" * 5001) == "Use 5000 characters or fewer (you used 5001)"
    short = make_question(key="anything_else", type="long_text", options={"max_length": 10})
    assert parse(short, "  ten chars!  ") == "ten chars!"
    assert refuses(short, "eleven char") == "Use 10 characters or fewer (you used 11)"


def test_text_is_stripped_and_line_endings_normalised() -> None:
    q = make_question(key="anything_else", type="long_text")
    assert parse(q, "  Line one\r\nLine two \n") == "Line one\nLine two"
    assert parse(q, " \n ") is None
    assert parse(q) is None


def test_text_refuses_nul_bytes() -> None:
    q = make_question(key="role", type="short_text")
    assert refuses(q, "social\x00worker") == "Your answer has a character we cannot store"


def test_text_is_not_scored() -> None:
    q = make_question(key="anything_else", type="long_text")
    assert get_type("long_text").favourability(q, "great") is None


@pytest.mark.parametrize(("overrides", "problems"), [
    ({}, []),
    ({"options": {"max_length": 0}}, ["options.max_length: must be a whole number above 0"]),
    ({"options": {"max_length": True}},
     ["options.max_length: must be a whole number above 0"]),
    ({"dont_know": True}, ["dont_know: text questions are optional instead"]),
    ({"rather_not_say": True}, ["rather_not_say: text questions are optional instead"]),
    ({"choices": ["a"]}, ["choices: short_text questions set their own choices"]),
])
def test_text_check(overrides: dict[str, object], problems: list[str]) -> None:
    q = make_question(key="role", type="short_text", **overrides)
    assert get_type("short_text").check(q) == problems
