"""Editing a definition step by step: every result is a new, valid definition."""

from __future__ import annotations

import pytest

from surveys import Choice, DefinitionError, Question, ShowIf, loads_survey
from surveys.editing import (
    EditError,
    add_question,
    checked,
    choices_text,
    concern_text,
    copy_survey,
    move_question,
    parse_choices,
    parse_concern,
    parse_options,
    question_types,
    remove_question,
    replace_question,
    set_translation,
)

SMALL = """\
key: small
title: Small survey
audience: families
description: About your plan.
translations:
  pl: {title: Mała ankieta, description: O twoim planie.}
settings:
  languages: [en, pl]
sections:
  - key: first
    title: First
    questions:
      - {key: a, type: yes_no, text: "A?"}
      - {key: b, type: short_text, text: "B?", show_if: {question: a, equals: "no"}}
  - key: second
    title: Second
    questions:
      - {key: c, type: agreement, text: "C?"}
      - {key: d, type: long_text, text: "D?"}
"""


@pytest.fixture
def small():
    return loads_survey(SMALL)


def layout(survey) -> list[tuple[str, list[str]]]:
    return [(s.key, [q.key for q in s.questions]) for s in survey.sections]


def test_the_registry_offers_every_question_type():
    assert question_types() == ["agreement", "date", "long_text", "multiple_choice", "number",
                                "rating", "segment", "short_text", "single_choice", "smiley",
                                "yes_no"]


def test_add_a_question_at_the_end_of_a_section(small):
    new = Question(key="e", type="single_choice", text="E?",
                   choices=(Choice("x", "Ex"), Choice("y", "Why")))
    edited, text = checked(add_question(small, "first", new))
    assert layout(edited) == [("first", ["a", "b", "e"]), ("second", ["c", "d"])]
    assert edited.question("e").choices == (Choice("x", "Ex"), Choice("y", "Why"))
    assert "key: e" in text
    assert layout(small) == [("first", ["a", "b"]), ("second", ["c", "d"])]  # unchanged


def test_a_question_key_is_used_once(small):
    with pytest.raises(EditError, match="already has a question with the key 'c'"):
        add_question(small, "first", Question(key="c", type="short_text", text="Again"))


def test_a_new_question_must_be_valid_for_its_type(small):
    no_choices = Question(key="e", type="single_choice", text="E?")
    with pytest.raises(DefinitionError) as caught:
        checked(add_question(small, "second", no_choices))
    assert caught.value.key == "sections[1].questions[2].choices"
    assert "needs at least one choice" in caught.value.message


def test_move_down_then_up_within_a_section(small):
    moved = move_question(small, "c", 1)
    assert layout(moved) == [("first", ["a", "b"]), ("second", ["d", "c"])]
    assert layout(move_question(moved, "c", -1)) == layout(small)


def test_moving_past_the_edge_of_a_section_changes_section(small):
    up = move_question(small, "c", -1)
    assert layout(up) == [("first", ["a", "b", "c"]), ("second", ["d"])]
    down = move_question(small, "b", 1)
    assert layout(down) == [("first", ["a"]), ("second", ["b", "c", "d"])]


def test_the_first_and_last_question_go_no_further(small):
    with pytest.raises(EditError, match="already first"):
        move_question(small, "a", -1)
    with pytest.raises(EditError, match="already last"):
        move_question(small, "d", 1)


def test_a_question_cannot_move_above_the_one_it_depends_on(small):
    moved = move_question(small, "b", -1)  # b above a, but b looks back at a
    with pytest.raises(DefinitionError) as caught:
        checked(moved)
    assert caught.value.key == "sections[0].questions[0].show_if.question"


def test_remove_a_question(small):
    edited, _ = checked(remove_question(small, "c"))
    assert layout(edited) == [("first", ["a", "b"]), ("second", ["d"])]


def test_a_question_others_depend_on_is_not_removed(small):
    with pytest.raises(EditError, match=r"\('b'\)"):
        remove_question(small, "a")


def test_a_section_keeps_one_question():
    one = loads_survey(SMALL.replace('      - {key: d, type: long_text, text: "D?"}\n', ""))
    with pytest.raises(EditError, match="only question in its section"):
        remove_question(one, "c")
    with pytest.raises(EditError, match="section needs at least one question"):
        move_question(one, "c", -1)


def test_replace_keeps_the_place_and_the_key(small):
    new = Question(key="c", type="agreement", text="C, reworded?", hint="Think of this year",
                   required=True)
    edited, _ = checked(replace_question(small, "c", new))
    assert layout(edited) == layout(small)
    assert edited.question("c").text == "C, reworded?"
    assert edited.question("c").required is True
    with pytest.raises(EditError, match="key cannot change"):
        replace_question(small, "c", Question(key="cc", type="agreement", text="C?"))


def test_set_and_clear_a_polish_translation(small):
    edited, text = checked(set_translation(small, "a", "pl", "Czy A?", "Podpowiedź"))
    assert edited.question("a").wording("pl").text == "Czy A?"
    assert edited.question("a").wording("pl").hint == "Podpowiedź"
    assert "Czy A?" in text
    cleared, _ = checked(set_translation(edited, "a", "pl", "", ""))
    assert "pl" not in cleared.question("a").translations
    with pytest.raises(EditError, match="not offered in 'cy'"):
        set_translation(small, "a", "cy", "Ydy A?")


def test_copy_takes_the_new_key_and_title(small):
    copy, _ = checked(copy_survey(small, "small-2026", "Small survey 2026"))
    assert (copy.key, copy.title, copy.version) == ("small-2026", "Small survey 2026", 1)
    assert copy.translations["pl"].hint == "O twoim planie."  # description still fits
    assert copy.translations["pl"].text == "Small survey 2026"  # old Polish title dropped
    assert layout(copy) == layout(small)
    with pytest.raises(EditError, match="lower-case"):
        copy_survey(small, "Small 2026", "x")


def test_choices_one_a_line():
    assert parse_choices("weekly: Every week\nEvery month\n\n  Never  ") == (
        Choice("weekly", "Every week"), Choice("every_month", "Every month"),
        Choice("never", "Never"))
    # a colon inside wording (not after a value) stays wording
    assert parse_choices("Time: not enough") == (Choice("time_not_enough", "Time: not enough"),)
    assert parse_choices("Not enough time: really") == (
        Choice("not_enough_time_really", "Not enough time: really"),)
    q = Question(key="k", type="single_choice", text="?", choices=parse_choices("a: A\nb: B"))
    assert choices_text(q) == "a: A\nb: B"


def test_options_one_a_line():
    assert parse_options("faces: 5\nsegment: team\n") == {"faces": 5, "segment": "team"}
    with pytest.raises(EditError, match="line 2"):
        parse_options("min: 0\nmax")


def test_show_if_edits_are_checked_against_earlier_answers(small):
    wrong = replace_question(small, "b", Question(key="b", type="short_text", text="B?",
                                                  show_if=ShowIf("a", ("maybe",))))
    with pytest.raises(DefinitionError) as caught:
        checked(wrong)
    assert "'maybe' is not an answer to 'a'" in caught.value.message


def test_concern_answers_one_line_separated_by_commas():
    assert parse_concern("sad, very_sad") == ("sad", "very_sad")
    assert parse_concern("  disagree,strongly_disagree \n") == ("disagree", "strongly_disagree")
    assert parse_concern("") == ()
    with pytest.raises(EditError, match="'No!' is not an answer value"):
        parse_concern("No!")
    question = Question("feel_safe", "smiley", "Safe?", options={"faces": 5},
                        concern=("sad", "very_sad"))
    assert concern_text(question) == "sad, very_sad"


def test_an_edit_that_leaves_a_concern_without_its_answer_is_refused(small):
    question = Question("a", "yes_no", "A?", concern=("no",))
    with_concern, _ = checked(replace_question(small, "a", question))
    assert with_concern.question("a").concern == ("no",)
    as_text = Question("a", "short_text", "A?", concern=("no",))
    with pytest.raises(DefinitionError) as info:
        checked(replace_question(small, "a", as_text))
    assert info.value.key == "sections[0].questions[0].concern"
    assert info.value.message.startswith("a short_text question cannot raise a concern")
