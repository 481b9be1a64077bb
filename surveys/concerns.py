"""Choice answers that raise a concern.

A question may name some of its own answers as a reason to worry about the person
answering (``concern: [sad]`` on "Do you feel safe where you live?"). Free text is
screened for disclosures elsewhere; this is the rule for answers chosen from a list:
the respondent is offered help at once, and the answer can reach the safeguarding
lead as a flagged comment does.
"""

from __future__ import annotations

from collections.abc import Mapping

from surveys.model import SPECIAL_VALUES, Question, Survey
from surveys.types import REGISTRY, get_type


def concern_problems(question: Question) -> list[str]:
    """What is wrong with ``question.concern``, as messages for a person (empty if nothing).

    Only agreement, smiley, yes/no, single and multiple choice questions may raise a
    concern, and only with their own answers: never "I don't know" or "I'd rather not
    say", which anyone may choose.
    """
    if not question.concern:
        return []
    qtype = get_type(question.type)
    if not qtype.concern_choices:
        able = ", ".join(sorted(name for name, t in REGISTRY.items() if t.concern_choices))
        why = " (free-text answers are screened instead)" if qtype.free_text else ""
        return [f"a {qtype.name} question cannot raise a concern{why}; only {able} "
                "questions can"]
    answers = [c.value for c in qtype.base_choices(question)]
    problems = []
    for i, value in enumerate(question.concern):
        if value in question.concern[:i]:
            problems.append(f"{value!r} is listed twice")
        elif value in SPECIAL_VALUES:
            problems.append(f"{value!r} cannot raise a concern: anyone may choose not to "
                            "answer")
        elif value not in answers:
            problems.append(f"{value!r} is not an answer to this question (answers: "
                            f"{', '.join(answers)})")
    return problems


def concern_answers(definition: Survey, answers: Mapping[str, object]
                    ) -> list[tuple[str, object]]:
    """The ``(question key, value)`` pairs among ``answers`` that raise a concern.

    ``answers`` maps question keys to values as validated or as stored (a multiple
    choice answer may be a tuple or a list). A multiple choice answer gives one pair
    for each chosen value in the question's ``concern`` list. Pairs come in the order
    of the questions, and keys that are not questions of ``definition`` are ignored.

    >>> from surveys import loads_survey
    >>> survey = loads_survey('''
    ... key: home
    ... title: Home
    ... audience: young_people
    ... sections:
    ... - key: home
    ...   title: Home
    ...   questions:
    ...   - {key: feel_safe, type: yes_no, text: Do you feel safe?, concern: ["no"]}
    ... ''')
    >>> concern_answers(survey, {"feel_safe": "no"})
    [('feel_safe', 'no')]
    >>> concern_answers(survey, {"feel_safe": "yes"})
    []
    """
    found: list[tuple[str, object]] = []
    for question in definition.questions():
        value = answers.get(question.key)
        if not question.concern or value is None:
            continue
        chosen = value if isinstance(value, list | tuple) else [value]
        found.extend((question.key, v) for v in chosen if str(v) in question.concern)
    return found
