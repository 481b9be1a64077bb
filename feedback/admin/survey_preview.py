"""The draft of a survey as a respondent sees it, page by page, answers never saved.

The preview renders the respondent templates themselves (``respond/landing.html``,
``respond/page.html``, ``respond/thanks.html``) through small templates that add a
"Preview: answers are not saved" banner. Answers are checked exactly as they are
for respondents; the ones that decide which questions show (show-if) are kept in
the signed session cookie for the length of the preview, and nothing is written
to the database.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from flask import abort, redirect, render_template, request, session, url_for

from feedback.admin import bp
from feedback.admin.survey_forms import ConfirmForm
from feedback.admin.surveys import MANAGE, _survey
from feedback.auth.roles import requires
from feedback.i18n import survey_language, translate_message
from feedback.respond.forms import build_form, question_views, raw_answers
from feedback.services import survey_editor
from feedback.services.clock import today
from surveys import AnswerValue, get_type, validate_answers
from surveys.pages import estimated_minutes, next_page, page_position, plan_pages

SESSION_KEY = "survey_preview"
#: free text kept for the way back is cut short: the session is a cookie
KEPT_TEXT = 200


def _state(survey_key: str) -> dict[str, Any]:
    state = session.get(SESSION_KEY) or {}
    if state.get("survey") != survey_key:
        state = {"survey": survey_key, "answers": {}, "path": []}
    return state


def _answers(state: dict[str, Any]) -> dict[str, AnswerValue]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in state["answers"].items()}


def _keep(state: dict[str, Any], page_key: str, questions: list[str],
          answers: dict[str, AnswerValue]) -> None:
    kept = {k: v for k, v in state["answers"].items() if k not in questions}
    for key, value in answers.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, str):
            value = value[:KEPT_TEXT]
        kept[key] = value
    state["answers"] = kept
    state["path"] = [p for p in state["path"] if p != page_key] + [page_key]
    session[SESSION_KEY] = state


@bp.route("/surveys/<survey_key>/preview", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_preview(survey_key: str):
    """The landing page; starting again forgets the preview's answers."""
    survey = _survey(survey_key)
    definition = survey_editor.working_definition(survey)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        session[SESSION_KEY] = {"survey": survey.key, "answers": {}, "path": []}
        first = next_page(definition, None, {})
        return redirect(url_for("admin.surveys_preview_page", survey_key=survey.key,
                                page_key=first.key if first else "none"))
    wave = SimpleNamespace(closes_on=today() + dt.timedelta(days=28), requires_code=False)
    return render_template("admin/surveys/preview_landing.html", survey=survey, wave=wave,
                           definition=definition, draft=None,
                           minutes=estimated_minutes(definition),
                           language=survey_language(definition), code_error=None,
                           preview_start=url_for("admin.surveys_preview", survey_key=survey.key),
                           version=survey.latest_version)


@bp.route("/surveys/<survey_key>/preview/q/<page_key>", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_preview_page(survey_key: str, page_key: str):
    survey = _survey(survey_key)
    definition = survey_editor.working_definition(survey)
    pages = {p.key: p for p in plan_pages(definition)}
    current = pages.get(page_key) or abort(404)
    state = _state(survey.key)
    answers = _answers(state)
    questions = current.visible(answers)
    if not questions:
        return _next(survey.key, definition, page_key, answers)
    form = build_form(questions, request.form if request.method == "POST" else None,
                      answers, "preview")
    errors: dict[str, str] = {}
    saved_note = False
    if request.method == "POST" and form.validate_on_submit():
        result = validate_answers(definition, raw_answers(form, questions),
                                  only=[q.key for q in questions], earlier=answers)
        errors = dict(result.errors)
        if request.form.get("action") == "save":
            saved_note = True  # a respondent would get a resume code; a preview saves nothing
        elif not errors:
            _keep(state, page_key, [q.key for q in questions], result.answers)
            return _next(survey.key, definition, page_key, _answers(state))
    language = survey_language(definition)
    position, total = page_position(definition, page_key, answers)
    path = state["path"][:state["path"].index(page_key)] if page_key in state["path"] \
        else state["path"]
    back_url = (url_for("admin.surveys_preview_page", survey_key=survey.key, page_key=path[-1])
                if path else url_for("admin.surveys_preview", survey_key=survey.key))
    return render_template(
        "admin/surveys/preview_page.html", survey=survey, definition=definition, page=current,
        form=form, views=question_views(form, questions, errors, language, translate_message),
        errors=errors, position=position, total=total, language=language, back_url=back_url,
        is_last=next_page(definition, page_key, answers) is None,
        shows_notice=_first_free_text_page(definition) == page_key, saved_note=saved_note,
        version=survey.latest_version)


@bp.get("/surveys/<survey_key>/preview/done")
@requires(MANAGE)
def surveys_preview_done(survey_key: str):
    survey = _survey(survey_key)
    session.pop(SESSION_KEY, None)
    return render_template("admin/surveys/preview_done.html", survey=survey,
                           definition=survey_editor.working_definition(survey),
                           version=survey.latest_version)


def _next(survey_key: str, definition, page_key: str, answers: dict[str, AnswerValue]):
    following = next_page(definition, page_key, answers)
    if following is None:
        return redirect(url_for("admin.surveys_preview_done", survey_key=survey_key))
    return redirect(url_for("admin.surveys_preview_page", survey_key=survey_key,
                            page_key=following.key))


def _first_free_text_page(definition) -> str | None:
    for p in plan_pages(definition):
        if any(get_type(q.type).free_text for q in p.questions):
            return p.key
    return None
