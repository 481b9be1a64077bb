"""The theme explorer: themes of each free-text question, a theme's comments, and
people's edits (rename, merge, split, move a comment), and refreshing themes.

Reading is in :mod:`feedback.services.theme_explorer` (team scope, thresholds,
redaction, the audit of every view of comments); edits are in
:mod:`feedback.services.theme_edits` (each audited, and kept across updates and
refits); refreshing runs as a job (:mod:`feedback.jobs`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from feedback import jobs
from feedback.admin import bp, nav_item
from feedback.admin.fields import MultiCheckboxField
from feedback.admin.scope import team_scope
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.services import Conflict, NotFound, theme_comments, theme_edits, theme_explorer
from feedback.services import themes as theme_runs
from feedback.services.theme_edits import EditError
from feedback.services.theme_explorer import Question

NAME_RULES = [DataRequired("Enter a name for the theme"),
              Length(max=200, message="Use 200 characters or fewer for the name")]


class RenameForm(FlaskForm):
    label = StringField("New name", validators=NAME_RULES)


class MoveForm(FlaskForm):
    to = SelectField("Move this comment to", coerce=int)


class MergeForm(FlaskForm):
    themes = MultiCheckboxField("Themes to merge", coerce=int, validators=[Optional()])
    into = RadioField("Keep the number, history and links of", coerce=int, validators=[
        InputRequired("Choose the theme the others are merged into")],
        description="Comments of the other themes move to this one, and so do comments "
                    "later waves would have put in them.")
    label = StringField("Name of the merged theme (optional)", validators=[
        Optional(), Length(max=200, message="Use 200 characters or fewer for the name")],
        description="Leave it empty to keep the name of the theme you chose above.")


class SplitSubthemesForm(FlaskForm):
    subthemes = MultiCheckboxField("Sub-themes that become themes of their own", coerce=int,
                                   validators=[Optional()])


class SplitCommentsForm(FlaskForm):
    comments = MultiCheckboxField("Comments for the new theme", coerce=int,
                                  validators=[Optional()])
    label = StringField("Name of the new theme", validators=NAME_RULES)


class RefreshForm(FlaskForm):
    how = RadioField("How", default="update", choices=[
        SelectChoice("update", "Add new comments to these themes (quick)"),
        SelectChoice("refit", "Find the themes again from all comments (slower; names people "
                              "gave, merges, splits and moved comments are kept)")])


def _question(survey_key: str, question_key: str) -> Question:
    try:
        return theme_explorer.question(survey_key, question_key)
    except NotFound:
        abort(404)


def _run(q: Question):
    try:
        return theme_explorer.run_of(q)
    except NotFound:
        abort(404)


def _theme_url(question: Question, number: int, **args: Any) -> str:
    return url_for("admin.themes_theme", survey_key=question.survey.key,
                   question_key=question.key, number=number, **args)


def _back_args() -> dict[str, str]:
    """The theme page's filters, carried through an edit made from it."""
    return {k: v for k, v in request.args.items() if k in ("wave", "sub", "q", "page") and v}


# -- reading ------------------------------------------------------------------------------

@bp.get("/themes")
@requires(Permission.VIEW_RESULTS)
def themes():
    """Every free-text question with themes, by survey."""
    return render_template("admin/themes/index.html",
                           surveys=theme_explorer.index(team_scope()), team=team_scope())


@bp.get("/themes/<survey_key>/<question_key>")
@requires(Permission.VIEW_RESULTS)
def themes_question(survey_key: str, question_key: str):
    """A question's themes: shares by wave with n, keywords and quotes."""
    q = _question(survey_key, question_key)
    view = theme_explorer.overview(q, team_scope())
    db.session.commit()  # the audit entry for quotes read
    return render_template("admin/themes/question.html", view=view, q=q,
                           refresh_form=RefreshForm())


def _render_theme(q: Question, number: int, *, rename: RenameForm | None = None,
                  status: int = 200):
    sub = request.args.get("sub", type=int)
    try:
        view = theme_comments.theme_comments(
            q, number, team_scope(), wave=request.args.get("wave") or None, sub=sub,
            search=request.args.get("q", ""), page=request.args.get("page", 1, type=int) or 1)
    except NotFound:
        abort(404)
    db.session.commit()  # the audit entry for this view
    others = [t for t in theme_edits.active_themes(view.run) if t.number != number]
    moves = {}
    for comment in view.comments:
        form = MoveForm(prefix=f"move-{comment.answer_id}", formdata=None)
        form.to.choices = [SelectChoice(t.number, t.label) for t in others]
        moves[comment.answer_id] = form
    rename = rename or RenameForm(prefix="rename", formdata=None, label=view.theme.label)
    return render_template("admin/themes/theme.html", view=view, q=q, moves=moves,
                           rename=rename, filters=_back_args()), status


@bp.get("/themes/<survey_key>/<question_key>/<int:number>")
@requires(Permission.READ_COMMENTS)
def themes_theme(survey_key: str, question_key: str, number: int):
    """A theme's comments, redacted, paged, searched and filtered."""
    return _render_theme(_question(survey_key, question_key), number)


# -- edits --------------------------------------------------------------------------------

@bp.post("/themes/<survey_key>/<question_key>/<int:number>/rename")
@requires(Permission.EDIT_THEMES)
def themes_rename(survey_key: str, question_key: str, number: int):
    """Rename a theme (kept across refits)."""
    q = _question(survey_key, question_key)
    run = _run(q)
    form = RenameForm(prefix="rename")
    if form.validate_on_submit():
        try:
            theme = theme_edits.rename(run, number, form.label.data or "")
        except NotFound:
            abort(404)
        except EditError as e:
            form.label.errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Renamed the theme \u201c{theme.label}\u201d.", "success")
            return redirect(_theme_url(q, number, **_back_args()))
    return _render_theme(q, number, rename=form, status=400)


@bp.post("/themes/<survey_key>/<question_key>/<int:number>/comments/<int:answer_id>/move")
@requires(Permission.EDIT_THEMES)
def themes_move(survey_key: str, question_key: str, number: int, answer_id: int):
    """Move one comment to another theme, where it is pinned."""
    q = _question(survey_key, question_key)
    run = _run(q)
    form = MoveForm(prefix=f"move-{answer_id}")
    form.to.choices = [SelectChoice(t.number, t.label)
                      for t in theme_edits.active_themes(run)]
    if not form.validate_on_submit():
        flash("Choose a theme to move the comment to.", "error")
        return redirect(_theme_url(q, number, **_back_args()))
    try:
        theme_edits.move_comment(run, answer_id, form.to.data)
    except NotFound:
        abort(404)
    except EditError as e:
        flash(f"{e}.", "error")
        return redirect(_theme_url(q, number, **_back_args()))
    db.session.commit()
    label = next(t.label for t in run.themes if t.number == form.to.data)
    flash(f"Moved the comment to \u201c{label}\u201d. It stays there when themes are "
          "refreshed.", "success")
    return redirect(_theme_url(q, number, **_back_args()))


@bp.route("/themes/<survey_key>/<question_key>/merge", methods=["GET", "POST"])
@requires(Permission.EDIT_THEMES)
def themes_merge(survey_key: str, question_key: str):
    """Merge two or more themes into one of them."""
    q = _question(survey_key, question_key)
    run = _run(q)
    active = theme_edits.active_themes(run)
    form = MergeForm()
    choices = [SelectChoice(t.number, f"{t.label} ({t.size} comments)") for t in active]
    form.themes.choices = form.into.choices = choices
    if request.method == "GET":
        first = request.args.get("theme", type=int)
        form.themes.data = [first] if first is not None else []
        form.into.data = first
    if form.validate_on_submit():
        try:
            target = theme_edits.merge(run, form.themes.data or [], form.into.data,
                                       form.label.data)
        except NotFound:
            abort(404)
        except EditError as e:
            field = form.label if "name" in str(e) else form.themes
            field.errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Merged {len(set(form.themes.data or []) | {target.number})} themes into "
                  f"\u201c{target.label}\u201d.", "success")
            return redirect(_theme_url(q, target.number))
    return render_template("admin/themes/merge.html", q=q, form=form), (
        400 if form.errors else 200)


@bp.route("/themes/<survey_key>/<question_key>/<int:number>/split", methods=["GET", "POST"])
@requires(Permission.EDIT_THEMES)
def themes_split(survey_key: str, question_key: str, number: int):
    """Split a theme by its sub-themes, or by chosen comments into a named theme."""
    q = _question(survey_key, question_key)
    run = _run(q)
    try:
        theme = theme_edits.active_theme(run, number)
    except NotFound:
        abort(404)
    search = request.args.get("q", "")
    candidates, found = theme_comments.split_candidates(q, number, search)
    by_sub = SplitSubthemesForm(prefix="sub")
    by_sub.subthemes.choices = [
        SelectChoice(int(s["id"]), f"{s['label']} ({s['size']} comments)")
        for s in theme.subthemes]
    by_comments = SplitCommentsForm(prefix="pick")
    by_comments.comments.choices = [SelectChoice(i, text) for i, text in candidates]
    made = None
    by = request.form.get("by")
    try:
        if by == "subthemes" and by_sub.validate_on_submit():
            made = theme_edits.split_by_subthemes(run, number, by_sub.subthemes.data or [])
        elif by == "comments" and by_comments.validate_on_submit():
            made = [theme_edits.split_by_comments(run, number, by_comments.comments.data or [],
                                                  by_comments.label.data or "")]
    except EditError as e:
        target = by_sub.subthemes if "sub-theme" in str(e) else (
            by_comments.label if "name" in str(e) else by_comments.comments)
        target.errors = [str(e)]
    if made:
        db.session.commit()
        flash(f"Split \u201c{theme.label}\u201d: new theme"
              f"{'s' if len(made) > 1 else ''} "
              + ", ".join(f"\u201c{t.label}\u201d" for t in made) + ".", "success")
        return redirect(_theme_url(q, number))
    db.session.commit()  # the audit entry for the comments listed
    failed = bool(by_sub.errors or by_comments.errors) and request.method == "POST"
    return render_template("admin/themes/split.html", q=q, theme=theme, by_sub=by_sub,
                           by_comments=by_comments, found=found, search=search,
                           limit=theme_explorer.SPLIT_LIMIT), 400 if failed else 200


# -- refreshing ---------------------------------------------------------------------------

@bp.post("/themes/<survey_key>/<question_key>/refresh")
@requires(Permission.EDIT_THEMES)
def themes_refresh(survey_key: str, question_key: str):
    """Queue a refresh of the question's themes (run inline without Redis)."""
    q = _question(survey_key, question_key)
    form = RefreshForm()
    back = url_for("admin.themes_question", survey_key=q.survey.key, question_key=q.key)
    if not form.validate_on_submit():
        flash("Choose how to refresh the themes.", "error")
        return redirect(back)
    try:
        ticket = theme_runs.start_refresh(q.survey, q.key, refit=form.how.data == "refit")
    except Conflict as e:
        flash(f"{str(e)[:1].upper()}{str(e)[1:]}.", "error")
        return redirect(back)
    run_id = ticket.id
    try:
        jobs.submit("themes.run", run_id=run_id)
    except Exception:  # the queue is down: say so, and let it be tried again
        db.session.rollback()
        theme_runs.fail_refresh(run_id, "The job queue could not be reached")
        flash("The themes could not be refreshed: the job queue could not be reached.",
              "error")
        return redirect(back)
    return redirect(url_for("admin.themes_progress", survey_key=q.survey.key,
                            question_key=q.key, run_id=run_id))


@bp.get("/themes/<survey_key>/<question_key>/refresh/<int:run_id>")
@requires(Permission.EDIT_THEMES)
def themes_progress(survey_key: str, question_key: str, run_id: int):
    """What a refresh is doing; a "Check progress" link reloads it."""
    q = _question(survey_key, question_key)
    try:
        state = theme_explorer.refresh_state(q, run_id)
    except NotFound:
        abort(404)
    return render_template("admin/themes/progress.html", q=q, state=state, run_id=run_id)


@bp.get("/themes/<survey_key>/<question_key>/refresh/<int:run_id>/status")
@requires(Permission.EDIT_THEMES)
def themes_progress_status(survey_key: str, question_key: str, run_id: int):
    """The same as JSON, for theme-progress.js."""
    q = _question(survey_key, question_key)
    try:
        state = theme_explorer.refresh_state(q, run_id)
    except NotFound:
        abort(404)
    return jsonify(status=state.status, progress=state.progress, finished=state.finished)


nav_item(40, "admin.themes", "Themes", Permission.VIEW_RESULTS)
