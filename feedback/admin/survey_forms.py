"""Forms of the survey-management pages, and turning the question form into a question."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

import surveys
from feedback.i18n import LANGUAGES
from surveys.editing import parse_choices, parse_concern, parse_options, question_types

SURVEY_KEY_RULE = Regexp(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
                         message="Use lower-case letters, digits and hyphens, like "
                                 "foster-carers-2026")
QUESTION_KEY_RULE = Regexp(r"^[a-z][a-z0-9_]*$", message="Use lower-case letters, digits and "
                                                         "underscores, like feel_safe")
WAVE_KEY_RULE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                       message="Use lower-case letters, digits and hyphens, like "
                               "staff-annual-2026")
TYPE_LABELS = {
    "agreement": "Agreement scale (5 points and “I don't know”)",
    "smiley": "Smiley faces (3 or 5)",
    "yes_no": "Yes, no, not sure",
    "single_choice": "One choice from a list",
    "multiple_choice": "Several choices from a list",
    "segment": "Segment (a breakdown, like team or age band)",
    "rating": "Rating 0 to 10",
    "number": "Whole number",
    "date": "Date",
    "short_text": "Short text",
    "long_text": "Long free text (a comment)",
}


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class TemplateForm(FlaskForm):
    template = RadioField("Start from", validators=[DataRequired("Choose a survey to copy")])
    key = StringField("Key", validators=[DataRequired("Enter a key"), Length(max=80),
                                         SURVEY_KEY_RULE],
                      description="Used in the survey's web address; it cannot change later.",
                      render_kw={"spellcheck": "false", "autocomplete": "off"})
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])


class UploadForm(FlaskForm):
    file = FileField("A YAML file", description="A survey definition, like the files in "
                                                "the survey library (.yaml).")
    definition = TextAreaField("Or paste the YAML here", validators=[Optional()],
                               render_kw={"spellcheck": "false", "autocomplete": "off"})


class YamlForm(FlaskForm):
    definition = TextAreaField("The definition (YAML)", validators=[
        DataRequired("The definition cannot be empty")],
        render_kw={"spellcheck": "false", "autocomplete": "off"})


class QuestionForm(FlaskForm):
    key = StringField("Key", validators=[DataRequired("Enter a key"), Length(max=60),
                                         QUESTION_KEY_RULE],
                      description="Links answers across waves and audiences; it cannot "
                                  "change once the question exists.",
                      render_kw={"spellcheck": "false", "autocomplete": "off"})
    type = SelectField("Type of question", choices=[
        SelectChoice(name, TYPE_LABELS.get(name, name)) for name in question_types()])
    text = TextAreaField("Wording", validators=[DataRequired("Enter the question's wording"),
                                                Length(max=1000)])
    hint = TextAreaField("Hint (optional)", validators=[Optional(), Length(max=1000)])
    required = BooleanField("An answer is required")
    choices = TextAreaField(
        "Choices (for choice and segment questions)", validators=[Optional()],
        description="One a line, as value: Label (like weekly: Every week), or just the "
                    "label. Smiley scales may relabel their faces here.",
        render_kw={"spellcheck": "false"})
    dont_know = BooleanField("Offer “I don't know”")
    rather_not_say = BooleanField("Offer “I'd rather not say”")
    concern = StringField(
        "Answers that raise a safeguarding concern (optional)", validators=[Optional()],
        description="Answer values separated by commas, like sad or no. A respondent who "
                    "gives one is offered help at once; in identified surveys it also goes "
                    "to the safeguarding queue.",
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    show_if_question = SelectField("Show only when this earlier question…",
                                   validators=[Optional()])
    show_if_values = StringField("…has one of these answers", validators=[Optional()],
                                 description="Answer values separated by commas, like "
                                             "yes, not_sure.",
                                 render_kw={"spellcheck": "false", "autocomplete": "off"})
    options = TextAreaField("Options (optional)", validators=[Optional()],
                            description="One a line: faces: 5 for smiley scales, "
                                        "segment: team for segments, min: 0 and max: 99 "
                                        "for numbers, max_length: 500 for text.",
                            render_kw={"spellcheck": "false"})

    def set_earlier(self, earlier: list[surveys.Question]) -> None:
        self.show_if_question.choices = [SelectChoice("", "Always show this question")] + [
            SelectChoice(q.key, f"{q.key}: {q.text[:60]}") for q in earlier]


def question_from_form(form: QuestionForm, old: surveys.Question | None) -> surveys.Question:
    """The question the form describes; what the form does not show is kept from ``old``.

    Raises :class:`surveys.editing.EditError` for choices or options it cannot read.
    """
    choices = parse_choices(form.choices.data or "")
    if old is not None:  # a choice keeps its translations while its value stays
        kept = {c.value: c.translations for c in old.choices}
        choices = tuple(dataclasses.replace(c, translations=kept[c.value])
                        if c.value in kept else c for c in choices)
    show_if = None
    if form.show_if_question.data:
        values = tuple(v.strip() for v in (form.show_if_values.data or "").split(",")
                       if v.strip())
        show_if = surveys.ShowIf(form.show_if_question.data, values)
    base = old or surveys.Question(key=form.key.data or "", type="short_text", text="")
    return dataclasses.replace(
        base, type=form.type.data or "", text=(form.text.data or "").strip(),
        hint=(form.hint.data or "").strip(), required=bool(form.required.data),
        choices=choices, dont_know=bool(form.dont_know.data),
        rather_not_say=bool(form.rather_not_say.data), show_if=show_if,
        concern=parse_concern(form.concern.data or ""),
        options=MappingProxyType(parse_options(form.options.data or "")))


def translation_form(languages: list[str]) -> type[FlaskForm]:
    """A form with the wording and hint in each of ``languages``."""
    fields = {}
    for lang in languages:
        name = LANGUAGES.get(lang, lang)
        fields[f"text_{lang}"] = TextAreaField(f"Wording in {name}", validators=[
            Optional(), Length(max=1000)], render_kw={"lang": lang})
        fields[f"hint_{lang}"] = TextAreaField(f"Hint in {name} (optional)", validators=[
            Optional(), Length(max=1000)], render_kw={"lang": lang})
    return type("TranslationForm", (FlaskForm,), fields)


class WaveFormBase(FlaskForm):
    key = StringField("Key", validators=[DataRequired("Enter a key"), Length(max=100),
                                         WAVE_KEY_RULE],
                      description="Used in reports and on the command line, like "
                                  "staff-annual-2026.",
                      render_kw={"spellcheck": "false", "autocomplete": "off"})
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)],
                        description="For example: Staff survey 2026")
    opens_on = DateField("Opens on", validators=[DataRequired("Enter the day it opens, "
                                                              "like 2026-09-01")])
    closes_on = DateField("Closes on", validators=[DataRequired("Enter the day it closes, "
                                                                "like 2026-09-28")])
    target_total = IntegerField("How many people are asked, in all (optional)",
                                validators=[Optional(), NumberRange(min=0, message="Enter 0 or "
                                                                    "more")],
                                description="Response rates are worked out from this.")
    requires_code = BooleanField("Respondents need a single-use invitation code",
                                 description="Otherwise anyone with the link can answer.")


def target_field_name(segment: str, value: str) -> str:
    return f"target__{segment}__{value}"


def wave_form(segments: list[tuple[str, surveys.Question]]) -> type[WaveFormBase]:
    """The wave form with a head-count box for every value of every segment."""
    fields = {}
    for segment, question in segments:
        for choice in question.choices:
            fields[target_field_name(segment, choice.value)] = IntegerField(
                choice.label, validators=[Optional(), NumberRange(
                    min=0, message="Enter 0 or more")])
    return type("WaveForm", (WaveFormBase,), fields)


class InvitationForm(FlaskForm):
    count = IntegerField("How many codes", validators=[
        DataRequired("Enter how many codes to make"),
        NumberRange(min=1, max=5000, message="Make between 1 and 5,000 codes at a time")],
        description="One for each person invited. Make more later if you need them.")


class ReopenForm(FlaskForm):
    closes_on = DateField("New closing date (optional)", validators=[Optional()])
