"""Answer validation: required questions, show_if, paging, and what a form sends."""

from __future__ import annotations

from surveys import ShowIf, Survey, is_shown, validate_answers, visible_questions
from tests.factories import make_question, make_section, make_survey


def supervision_survey() -> Survey:
    """supervised -> (yes) supervision_useful; (not yes) barriers -> (workload) detail."""
    return make_survey([
        make_question(key="supervised", type="yes_no", text="Do you have supervision?",
                      required=True),
        make_question(key="supervision_useful", text="My supervision is useful", required=True,
                      show_if=ShowIf("supervised", ("yes",))),
        make_question(key="barriers", type="multiple_choice", text="What gets in the way?",
                      choices=["time", "workload", "manager"], required=True,
                      show_if=ShowIf("supervised", ("yes",), negate=True)),
        make_question(key="barriers_detail", type="long_text", text="Tell us more",
                      required=True, show_if=ShowIf("barriers", ("workload", "manager"))),
        make_question(key="years", type="number", text="Years in post"),
    ])


def test_all_answered() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": ["yes"], "supervision_useful": ["agree"], "years": ["4"]})
    assert result.ok
    assert result.errors == {}
    assert result.answers == {"supervised": "yes", "supervision_useful": "agree", "years": 4}


def test_optional_question_left_blank_is_answered_with_none() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": "yes", "supervision_useful": "agree", "years": ""})
    assert result.ok
    assert result.answers == {"supervised": "yes", "supervision_useful": "agree", "years": None}


def test_required_questions() -> None:
    result = validate_answers(supervision_survey(), {})
    # supervised is unanswered, so barriers shows (not_in yes) and is required too;
    # barriers_detail stays hidden because barriers has no answer
    assert not result.ok
    assert result.errors == {"supervised": "Choose an answer",
                             "barriers": "Choose at least one answer"}
    assert result.answers == {"years": None}


def test_required_free_text_message() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": "no", "barriers": ["workload"], "barriers_detail": "   "})
    assert result.errors == {"barriers_detail": "Answer this question"}


def test_parse_errors_are_reported_per_question() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": "perhaps", "barriers": ["time"], "years": "many"})
    assert result.errors == {"supervised": "Choose one of the answers shown",
                             "years": "Enter a whole number, like 3"}
    assert result.answers == {"barriers": ("time",)}


def test_show_if_hides_a_question_and_drops_its_value() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": "no", "supervision_useful": "strongly_agree", "barriers": "time"})
    assert result.ok
    assert result.answers == {"supervised": "no", "barriers": ("time",), "years": None}


def test_hidden_required_question_is_not_required() -> None:
    result = validate_answers(supervision_survey(), {"supervised": "yes",
                                                     "supervision_useful": "neither"})
    assert result.ok
    assert "barriers" not in result.answers


def test_not_in_shows_for_other_answers() -> None:
    result = validate_answers(supervision_survey(), {"supervised": "not_sure",
                                                     "barriers": ["manager"],
                                                     "barriers_detail": "Too busy"})
    assert result.ok
    assert result.answers["barriers"] == ("manager",)
    assert result.answers["barriers_detail"] == "Too busy"


def test_multiple_choice_show_if_matches_any_chosen_value() -> None:
    survey = supervision_survey()
    shown = validate_answers(survey, {"supervised": "no", "barriers": ["time", "workload"],
                                      "barriers_detail": "Caseloads"})
    assert shown.answers["barriers_detail"] == "Caseloads"
    hidden = validate_answers(survey, {"supervised": "no", "barriers": ["time"],
                                       "barriers_detail": "Caseloads"})
    assert hidden.ok
    assert "barriers_detail" not in hidden.answers


def test_hiding_cascades_down_a_chain() -> None:
    # barriers is hidden, so barriers_detail (which depends on it) is hidden too,
    # even though the value sent for barriers would have shown it
    result = validate_answers(supervision_survey(), {
        "supervised": "yes", "supervision_useful": "agree", "barriers": ["workload"],
        "barriers_detail": "Caseloads"})
    assert result.ok
    assert result.answers == {"supervised": "yes", "supervision_useful": "agree", "years": None}


def test_only_validates_one_page() -> None:
    result = validate_answers(supervision_survey(), {"years": "3"}, only=["years"])
    # supervised is required but not on this page
    assert result.ok
    assert result.answers == {"years": 3}


def test_earlier_answers_drive_show_if_on_later_pages() -> None:
    survey = supervision_survey()
    page = ["supervision_useful", "barriers"]
    after_yes = validate_answers(survey, {}, only=page, earlier={"supervised": "yes"})
    assert after_yes.errors == {"supervision_useful": "Choose an answer"}
    after_no = validate_answers(survey, {"supervision_useful": "agree"}, only=page,
                                earlier={"supervised": "no"})
    assert after_no.errors == {"barriers": "Choose at least one answer"}
    assert after_no.answers == {}


def test_earlier_answers_are_not_returned_again() -> None:
    result = validate_answers(supervision_survey(), {"supervision_useful": "agree"},
                              only=["supervision_useful"], earlier={"supervised": "yes"})
    assert result.answers == {"supervision_useful": "agree"}


def test_earlier_answer_to_a_now_hidden_question_does_not_show_later_ones() -> None:
    # the respondent said "no" and chose workload, then went back and said "yes":
    # the stale barriers answer must not show barriers_detail on the next page
    result = validate_answers(
        supervision_survey(), {"barriers_detail": "Caseloads"}, only=["barriers_detail"],
        earlier={"supervised": "yes", "supervision_useful": "agree",
                 "barriers": ("workload",)})
    assert result.ok
    assert result.answers == {}


def test_unknown_keys_are_ignored() -> None:
    result = validate_answers(supervision_survey(), {
        "supervised": "yes", "supervision_useful": "agree", "csrf_token": "abc",
        "not_a_question": ["x", "y"]})
    assert result.ok
    assert set(result.answers) == {"supervised", "supervision_useful", "years"}


def test_a_string_is_one_submitted_value() -> None:
    survey = supervision_survey()
    as_str = validate_answers(survey, {"supervised": "no", "barriers": "workload",
                                       "barriers_detail": "Line one\r\nLine two"})
    as_list = validate_answers(survey, {"supervised": ["no"], "barriers": ["workload"],
                                        "barriers_detail": ["Line one\r\nLine two"]})
    assert as_str == as_list
    assert as_str.answers["barriers"] == ("workload",)
    assert as_str.answers["barriers_detail"] == "Line one\nLine two"


def test_a_string_is_not_split_into_characters() -> None:
    # "yes" as a list of characters would be three answers and fail "Choose one answer"
    result = validate_answers(supervision_survey(), {"supervised": "yes",
                                                     "supervision_useful": "agree"})
    assert result.answers["supervised"] == "yes"


def test_questions_across_sections_are_validated_in_order() -> None:
    survey = make_survey(sections=[
        make_section([make_question(key="supervised", type="yes_no")], key="one"),
        make_section([make_question(key="useful", show_if=ShowIf("supervised", ("yes",)),
                                    required=True)], key="two"),
    ])
    assert validate_answers(survey, {"supervised": "yes"}).errors == {
        "useful": "Choose an answer"}
    assert validate_answers(survey, {"supervised": "no"}).ok


def test_is_shown_and_visible_questions() -> None:
    survey = supervision_survey()
    useful = survey.question("supervision_useful")
    assert is_shown(useful, {"supervised": "yes"})
    assert not is_shown(useful, {"supervised": "no"})
    assert not is_shown(useful, {})
    assert [q.key for q in visible_questions(survey, {})] == ["supervised", "barriers", "years"]
    assert [q.key for q in visible_questions(survey, {"supervised": "no",
                                                      "barriers": ("manager",)})] == [
        "supervised", "barriers", "barriers_detail", "years"]


def test_show_if_on_a_number_compares_the_text() -> None:
    survey = make_survey([
        make_question(key="children", type="number"),
        make_question(key="which_school", type="short_text", show_if=ShowIf("children",
                                                                            ("1", "2"))),
    ])
    assert validate_answers(survey, {"children": "2", "which_school": "Hill"}).answers == {
        "children": 2, "which_school": "Hill"}
    assert validate_answers(survey, {"children": "3", "which_school": "Hill"}).answers == {
        "children": 3}
