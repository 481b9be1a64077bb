"""Reports and exports: the board report as PDF, and a wave's responses as CSV or Excel.

The page needs ``EXPORT_REPORTS``; downloading responses needs ``EXPORT_RESPONSES``.
A team manager's report is always their own team's (:func:`team_scope`). Downloads
are forms sent with POST, so each carries a CSRF token, and each is audited by its
service (``export.report``, ``export.responses``).
"""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from feedback.admin import bp, nav_item
from feedback.admin.scope import known_teams, team_scope
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.services import ServiceError, results
from feedback.services import exports as export_service
from feedback.services.clock import today
from feedback.services.report import export_report

WHOLE_SERVICE = ""


def wave_choices(team: str | None) -> list[SelectChoice]:
    """Every wave, newest first, grouped by survey (for a team manager, surveys with teams)."""
    return [SelectChoice(w.key, w.title, optgroup=s.title)
            for s in results.surveys_with_waves(team=team)
            for w in reversed(results.survey_waves(s))]


class ReportForm(FlaskForm):
    wave = SelectField("Survey and wave", validators=[DataRequired("Choose a wave")])
    team = SelectField("For", validators=[Optional()],
                       description="The whole service, or one team (for surveys that ask "
                                   "which team people are in).")

    def prepare(self, scope: str | None) -> None:
        self.wave.choices = wave_choices(scope)
        if scope is not None:
            del self.team
        else:
            self.team.choices = [SelectChoice(WHOLE_SERVICE, "The whole service"),
                                 *(SelectChoice(v, label) for v, label in known_teams())]


class ResponsesForm(FlaskForm):
    wave = SelectField("Survey and wave", validators=[DataRequired("Choose a wave")])
    format = RadioField("Format", default="csv", validators=[DataRequired("Choose a format")],
                        choices=[SelectChoice("csv", "CSV (any spreadsheet or statistics "
                                                     "program)"),
                                 SelectChoice("xlsx", "Excel workbook, with a sheet saying "
                                                      "what was held back")])

    def prepare(self) -> None:
        self.wave.choices = wave_choices(None)


def _forms(report: ReportForm | None = None, responses: ResponsesForm | None = None
           ) -> tuple[ReportForm, ResponsesForm]:
    # Each form has its own prefix, so sending one never validates the other.
    report = report or ReportForm(prefix="report", formdata=None)
    report.prepare(team_scope())
    responses = responses or ResponsesForm(prefix="responses", formdata=None)
    responses.prepare()
    return report, responses


def _page(report: ReportForm, responses: ResponsesForm, status: int = 200):
    return render_template("admin/exports/index.html", report=report, responses=responses,
                           scope=team_scope(), scope_label=dict(known_teams()).get(
                               team_scope() or "", team_scope())), status


def download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/exports")
@requires(Permission.EXPORT_REPORTS)
def exports():
    report, responses = _forms()
    chosen = request.args.get("wave", "")
    for form in (report, responses):
        if any(c.value == chosen for c in form.wave.choices):
            form.wave.data = chosen
    return _page(report, responses)


@bp.post("/exports/report")
@requires(Permission.EXPORT_REPORTS)
def exports_report():
    form = ReportForm(prefix="report")
    form.prepare(team_scope())
    if form.validate_on_submit():
        scope = team_scope()
        team = scope if scope is not None else (form.team.data or None)
        try:
            made = export_report(form.wave.data, team,
                                 service_name=current_app.config["SERVICE_NAME"],
                                 today=today())
        except ServiceError as e:
            db.session.rollback()
            if form.team and team:  # a team report of a survey without teams
                form.team.errors = ["That survey does not ask which team people are in: "
                                    "choose the whole service"]
            else:
                form.wave.errors = [str(e)]
        else:
            db.session.commit()
            return download(made.data, made.filename, "application/pdf")
    return _page(*_forms(report=form), status=400)


@bp.post("/exports/responses")
@requires(Permission.EXPORT_RESPONSES)
def exports_responses():
    form = ResponsesForm(prefix="responses")
    form.prepare()
    if form.validate_on_submit():
        try:
            made = export_service.export_responses(results.get_wave(form.wave.data),
                                            form.format.data or "")
        except ServiceError as e:
            db.session.rollback()
            form.wave.errors = [str(e)]
        else:
            db.session.commit()
            return download(made.data, made.filename, made.mimetype)
    return _page(*_forms(responses=form), status=400)


nav_item(70, "admin.exports", "Reports and exports", Permission.EXPORT_REPORTS)
