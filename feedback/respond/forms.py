"""WTForms built per request from a survey page, through a registry of field factories.

WTForms carries the CSRF token and binds submitted or saved values to fields;
the answer rules themselves live in :func:`surveys.validate_answers`, so the
form adds no validators of its own. Templates render each question through
the macro its :class:`QuestionView` names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property

from babel.support import Translations
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    Field,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path

from feedback.i18n import current_language, gettext
from surveys import Choice, Question, UnknownQuestionType, get_type
from surveys.records import AnswerValue


class DateParts(FlaskForm):
    """Day, month and year boxes, as in the GOV.UK date input."""

    class Meta:
        csrf = False

    day = StringField()
    month = StringField()
    year = StringField()


def _radios(key: str) -> UnboundField:
    return RadioField(key, choices=[], validate_choice=False)


def _checkboxes(key: str) -> UnboundField:
    return SelectMultipleField(key, choices=[], validate_choice=False)


def _text(key: str) -> UnboundField:
    return StringField(key)


def _textarea(key: str) -> UnboundField:
    return TextAreaField(key)


def _date(key: str) -> UnboundField:
    return FormField(DateParts, key, separator="-")


#: question type -> (field factory taking the question's key, template macro)
FIELD_FACTORIES: dict[str, tuple[Callable[[str], UnboundField], str]] = {
    "agreement": (_radios, "radios"),
    "smiley": (_radios, "smileys"),
    "yes_no": (_radios, "radios"),
    "single_choice": (_radios, "radios"),
    "segment": (_radios, "radios"),
    "rating": (_radios, "rating"),
    "multiple_choice": (_checkboxes, "checkboxes"),
    "number": (_text, "number"),
    "date": (_date, "date"),
    "short_text": (_text, "text"),
    "long_text": (_textarea, "textarea"),
}


def factory_for_type(qtype: str) -> tuple[Callable[[str], UnboundField], str]:
    try:
        return FIELD_FACTORIES[qtype]
    except KeyError:
        raise UnknownQuestionType(qtype) from None


def factory_for(q: Question) -> tuple[Callable[[str], UnboundField], str]:
    return factory_for_type(q.type)


@cache
def wtforms_translations(locale: str) -> Translations:
    """WTForms' own messages (the CSRF errors) in ``locale``, read from disk once.

    Flask-WTF reads the catalogue again for every form it builds; on a
    respondent page that was about a tenth of the request's CPU.
    """
    return Translations.load(messages_path(), [locale], domain="wtforms")


class PageForm(FlaskForm):
    """Base of every page form: the submission key travels with each page."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations(current_language())

    submission = HiddenField()


@cache
def form_class(fields: tuple[tuple[str, str], ...]) -> type[PageForm]:
    """The form class of a page with these ``(question key, type)`` pairs.

    Made once per kind of page and kept: WTForms binds a new form object to
    each request, so the class holds nothing of a respondent's.
    """
    attrs = {key: factory_for_type(qtype)[0](key) for key, qtype in fields}
    return type("SurveyPageForm", (PageForm,), attrs)


def build_form(questions: list[Question], formdata: MultiDict | None,
               saved: Mapping[str, AnswerValue], submission: str) -> PageForm:
    """A form for ``questions``, bound to what was sent or, on a GET, to saved answers."""
    form_cls = form_class(tuple((q.key, q.type) for q in questions))
    data = {"submission": submission}
    for q in questions:
        value = saved.get(q.key)
        if q.type == "date" and isinstance(value, str):
            year, month, day = value.split("-")
            data[q.key] = {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        elif isinstance(value, tuple | list):
            data[q.key] = list(value)
        elif value is not None:
            data[q.key] = str(value)
    return form_cls(formdata=formdata, data=data)


def raw_answers(form: PageForm, questions: list[Question]) -> dict[str, list[str]]:
    """What was submitted for each question, as :func:`surveys.validate_answers` reads it."""
    raw: dict[str, list[str]] = {}
    for q in questions:
        f: Field = form[q.key]
        if q.type == "date":
            raw[q.key] = [f.day.data or "", f.month.data or "", f.year.data or ""]
        elif isinstance(f.data, list):
            raw[q.key] = [str(v) for v in f.data]
        else:
            raw[q.key] = [f.data] if f.data else []
    return raw


@dataclass
class Option:
    value: str
    label: str
    special: bool = False


@dataclass
class QuestionView:
    """Everything a template needs to render one question."""

    question: Question
    field: Field
    macro: str
    text: str
    hint: str
    options: list[Option] = field(default_factory=list)
    error: str = ""
    is_page_heading: bool = False
    #: the question's language when it is not the page's (for ``lang=``)
    lang: str = ""

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def summary_link(self) -> tuple[str, str]:
        """Where the error summary links to (the first input) and what it says."""
        anchor = f"{self.key}-day" if self.macro == "date" else self.key
        return anchor, self.error

    @cached_property
    def selected(self) -> set[str]:
        """The values chosen, as strings (read once per option by the templates)."""
        data = self.field.data
        if isinstance(data, list):
            return {str(v) for v in data}
        return {str(data)} if data not in (None, "") else set()


def choice_label(choice: Choice, builtin: bool, language: str) -> str:
    """A choice's wording: the definition's translation, or Chorus's own catalogue."""
    if builtin:
        return gettext(choice.label)
    return choice.translations.get(language, choice.label)


def question_views(form: PageForm, questions: list[Question], errors: Mapping[str, str],
                   language: str, translate: Callable[[str], str]) -> list[QuestionView]:
    """Views of the page's questions, wholly in the survey's ``language``.

    Chorus's own words inside a question (scale labels, error messages) follow
    the survey's language too, so a question never mixes two languages; the
    template marks it with ``lang`` when that differs from the page's.
    """
    page_language = current_language()
    with force_locale(language):
        views = _question_views(form, questions, errors, language, translate)
    for view in views:
        view.lang = language if language != page_language else ""
    return views


def _question_views(form: PageForm, questions: list[Question], errors: Mapping[str, str],
                    language: str, translate: Callable[[str], str]) -> list[QuestionView]:
    views = []
    for q in questions:
        qtype = get_type(q.type)
        wording = q.wording(language)
        own = {c.value for c in q.choices}
        options = [Option(c.value, choice_label(c, c.value not in own, language),
                          c.value in ("dont_know", "rather_not_say"))
                   for c in qtype.offered(q)]
        views.append(QuestionView(
            question=q, field=form[q.key], macro=factory_for(q)[1], text=wording.text,
            hint=wording.hint, options=options,
            error=translate(errors[q.key]) if q.key in errors else "",
            is_page_heading=len(questions) == 1))
    return views
