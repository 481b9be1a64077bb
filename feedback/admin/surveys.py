"""Survey management: the list of surveys, creating one, editing its draft, publishing.

Every view needs :attr:`Permission.MANAGE_SURVEYS`. Edits go through
:mod:`feedback.services.survey_editor`, which checks each new definition with
the loader and never changes a published version. Waves and invitation codes
are in :mod:`feedback.admin.waves`; the respondent's-eye preview is in
:mod:`feedback.admin.survey_preview`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

import surveys
from feedback.admin import bp, nav_item
from feedback.admin.survey_forms import (
    TYPE_LABELS,
    ConfirmForm,
    QuestionForm,
    TemplateForm,
    UploadForm,
    YamlForm,
    question_from_form,
    translation_form,
)
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.models import Survey
from feedback.services import Conflict, NotFound, survey_editor
from feedback.services.clock import today
from feedback.services.survey_editor import EditRefused
from surveys import editing

MANAGE = Permission.MANAGE_SURVEYS


def _survey(survey_key: str) -> Survey:
    try:
        return survey_editor.find(survey_key)
    except NotFound:
        abort(404)


def _problem(error: surveys.DefinitionError) -> tuple[str, str]:
    """The error summary's entry for a definition error: where, then what."""
    where = f"Line {error.line}" if error.line else "The definition"
    if error.key:
        where += f", at {error.key}"
    anchor = f"line-{error.line}" if error.line else "definition"
    return anchor, f"{where}: {error.message}"


@bp.get("/surveys", endpoint="surveys")
@requires(MANAGE)
def surveys_list():
    return render_template("admin/surveys/list.html", rows=survey_editor.summaries(today()))


@bp.route("/surveys/new", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_new():
    templates = survey_editor.templates()
    form = TemplateForm()
    form.template.choices = [SelectChoice(t.key, f"{t.title} ({t.audience.label})")
                             for t in templates]
    if form.validate_on_submit():
        try:
            survey = survey_editor.create_from_template(form.template.data or "",
                                                        form.key.data or "", form.title.data or "")
        except NotFound as e:
            form.template.errors = [str(e)]
        except Conflict as e:
            form.key.errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Created {survey.title} as a draft. Edit it, preview it, then publish it.",
                  "success")
            return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/new.html", form=form), (400 if form.errors else 200)


@bp.route("/surveys/upload", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_upload():
    form = UploadForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        source, text = "pasted YAML", form.definition.data or ""
        if upload is not None and getattr(upload, "filename", ""):
            source = upload.filename
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                form.file.errors = ["The file is not UTF-8 text; save it as UTF-8 and try again"]
        if not form.errors and not text.strip():
            form.definition.errors = ["Choose a file or paste a definition"]
        elif not form.errors:
            try:
                survey = survey_editor.create_from_text(text, source)
            except surveys.DefinitionError as e:
                problem = e
                form.definition.data = text
                form.definition.errors = [_problem(e)[1]]
            else:
                db.session.commit()
                flash(f"Created {survey.title} as a draft.", "success")
                return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/upload.html", form=form, problem=problem,
                           summary=_summary(form, problem)), (400 if form.errors else 200)


def _summary(form, problem: surveys.DefinitionError | None) -> list[tuple[str, str]]:
    """Error summary entries: a definition error links to its line in the listing."""
    entries = []
    for f in form:
        for message in f.errors:
            if problem is not None and f.name == "definition":
                entries.append(_problem(problem))
            else:
                entries.append((f.id, message))
    return entries


@bp.get("/surveys/<survey_key>")
@requires(MANAGE)
def surveys_view(survey_key: str):
    survey = _survey(survey_key)
    return render_template("admin/surveys/view.html", survey=survey,
                           summary=survey_editor.summary(survey, today()),
                           definition=survey_editor.working_definition(survey),
                           type_labels=TYPE_LABELS, confirm=ConfirmForm(), today_date=today())


@bp.route("/surveys/<survey_key>/yaml", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_yaml(survey_key: str):
    survey = _survey(survey_key)
    form = YamlForm(data={"definition": survey.latest_version.definition})
    problem = None
    if form.validate_on_submit():
        try:
            version = survey_editor.save_text(survey, form.definition.data or "")
        except surveys.DefinitionError as e:
            problem = e
            form.definition.errors = [_problem(e)[1]]
        else:
            db.session.commit()
            flash(f"Saved the YAML as draft version {version.number}.", "success")
            return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/yaml.html", survey=survey, form=form,
                           problem=problem, summary=_summary(form, problem),
                           draft=survey_editor.draft_version(survey)
                           ), (400 if form.errors else 200)


@bp.route("/surveys/<survey_key>/publish", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_publish(survey_key: str):
    survey = _survey(survey_key)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            version = survey_editor.publish(survey)
        except Conflict as e:
            flash(str(e), "error")
        else:
            db.session.commit()
            flash(f"Published version {version.number}. Its wording can no longer change; "
                  "editing the survey starts a new draft.", "success")
        return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/publish.html", survey=survey, form=form,
                           draft=survey_editor.draft_version(survey))


# -- questions ------------------------------------------------------------------------

def _earlier(definition: surveys.Survey, before: str | None) -> list[surveys.Question]:
    """Questions a show-if may look back at: those before ``before`` (all when None)."""
    out = []
    for q in definition.questions():
        if q.key == before:
            break
        out.append(q)
    return out


def _save_question(survey: Survey, form: QuestionForm, change, done: str):
    """Apply an edit built from the form; a refusal becomes an error on its field."""
    try:
        survey_editor.edit(survey, change)
    except EditRefused as e:
        target = getattr(form, e.field, None) if e.field else None
        (target if target is not None else form.text).errors = [str(e)]
        return None
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("admin.surveys_view", survey_key=survey.key))


@bp.route("/surveys/<survey_key>/sections/<section_key>/questions/new",
          methods=["GET", "POST"])
@requires(MANAGE)
def surveys_question_new(survey_key: str, section_key: str):
    survey = _survey(survey_key)
    definition = survey_editor.working_definition(survey)
    try:
        section = editing.section(definition, section_key)
    except editing.EditError:
        abort(404)
    form = QuestionForm()
    form.set_earlier(list(definition.questions()))
    if form.validate_on_submit():
        try:
            question = question_from_form(form, None)
        except editing.EditError as e:
            getattr(form, e.field, form.choices).errors = [str(e)]
        else:
            done = _save_question(
                survey, form, lambda d: editing.add_question(d, section_key, question),
                f"Added the question “{question.text}” to {section.title}.")
            if done is not None:
                return done
    return render_template("admin/surveys/question.html", survey=survey, form=form,
                           section=section, question=None), (400 if form.errors else 200)


@bp.route("/surveys/<survey_key>/questions/<question_key>", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_question_edit(survey_key: str, question_key: str):
    survey = _survey(survey_key)
    definition = survey_editor.working_definition(survey)
    try:
        old = definition.question(question_key)
    except KeyError:
        abort(404)
    form = QuestionForm(data={
        "key": old.key, "type": old.type, "text": old.text, "hint": old.hint,
        "required": old.required, "choices": editing.choices_text(old),
        "dont_know": old.dont_know, "rather_not_say": old.rather_not_say,
        "concern": editing.concern_text(old),
        "show_if_question": old.show_if.question if old.show_if else "",
        "show_if_values": ", ".join(old.show_if.values) if old.show_if else "",
        "options": editing.options_text(old)})
    form.key.data = old.key  # the key never changes, whatever was sent
    form.set_earlier(_earlier(definition, question_key))
    if form.validate_on_submit():
        try:
            question = question_from_form(form, old)
        except editing.EditError as e:
            getattr(form, e.field, form.options).errors = [str(e)]
        else:
            done = _save_question(
                survey, form, lambda d: editing.replace_question(d, question_key, question),
                f"Saved the question “{question.text}”.")
            if done is not None:
                return done
    return render_template("admin/surveys/question.html", survey=survey, form=form,
                           section=None, question=old), (400 if form.errors else 200)


@bp.post("/surveys/<survey_key>/questions/<question_key>/move")
@requires(MANAGE)
def surveys_question_move(survey_key: str, question_key: str):
    survey = _survey(survey_key)
    form = ConfirmForm()
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if not form.validate_on_submit() or step is None:
        abort(400)
    try:
        survey_editor.edit(survey, lambda d: editing.move_question(d, question_key, step))
    except EditRefused as e:
        flash(f"Could not move {question_key}: {e}", "error")
    else:
        db.session.commit()
        flash(f"Moved {question_key} {'up' if step < 0 else 'down'}.", "success")
    return redirect(url_for("admin.surveys_view", survey_key=survey.key,
                            _anchor=f"q-{question_key}"))


@bp.route("/surveys/<survey_key>/questions/<question_key>/remove", methods=["GET", "POST"])
@requires(MANAGE)
def surveys_question_remove(survey_key: str, question_key: str):
    survey = _survey(survey_key)
    try:
        question = survey_editor.working_definition(survey).question(question_key)
    except KeyError:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            survey_editor.edit(survey, lambda d: editing.remove_question(d, question_key))
        except EditRefused as e:
            flash(f"Could not remove {question_key}: {e}", "error")
        else:
            db.session.commit()
            flash(f"Removed the question {question_key}.", "success")
        return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/remove.html", survey=survey, question=question,
                           form=form)


@bp.route("/surveys/<survey_key>/questions/<question_key>/translations",
          methods=["GET", "POST"])
@requires(MANAGE)
def surveys_question_translations(survey_key: str, question_key: str):
    survey = _survey(survey_key)
    definition = survey_editor.working_definition(survey)
    try:
        question = definition.question(question_key)
    except KeyError:
        abort(404)
    languages = list(definition.settings.languages[1:])
    data = {}
    for lang, wording in question.translations.items():
        data[f"text_{lang}"], data[f"hint_{lang}"] = wording.text, wording.hint
    form = translation_form(languages)(data=data)
    if languages and form.validate_on_submit():
        def change(d: surveys.Survey) -> surveys.Survey:
            for lang in languages:
                d = editing.set_translation(d, question_key, lang, form[f"text_{lang}"].data or "",
                                            form[f"hint_{lang}"].data or "")
            return d
        try:
            survey_editor.edit(survey, change)
        except EditRefused as e:
            form[f"text_{languages[0]}"].errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Saved the translations of {question_key}.", "success")
            return redirect(url_for("admin.surveys_view", survey_key=survey.key))
    return render_template("admin/surveys/translations.html", survey=survey, form=form,
                           question=question, languages=languages
                           ), (400 if form.errors else 200)


nav_item(60, "admin.surveys", "Surveys", MANAGE)

from feedback.admin import survey_preview, waves  # noqa: E402,F401  (register their views)
