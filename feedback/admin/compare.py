"""Comparisons: two waves, a team against the rest, two audiences, or a benchmark.

Each shows the change in points, the p-value after Benjamini-Hochberg, the effect
size and a plain-words verdict, as a chart and a table, with the n of both sides.
A team manager compares their own team's waves (and their team with a benchmark);
team-against-rest and audience comparisons, and any other team, are a 404.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING

from flask import abort, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from analysis.stats import BenchmarkError
from feedback.admin import bp, nav_item
from feedback.admin.results import scoped_wave, wave_choices
from feedback.admin.scope import known_teams, team_scope
from feedback.auth.roles import Permission, requires
from feedback.services import results

if TYPE_CHECKING:
    from feedback.services.results_charts import ChangeDisplay

#: the kinds of comparison, in the order they are offered: (mode, label, team managers)
MODES = (
    ("waves", "Two waves", True),
    ("team", "A team against the rest", False),
    ("audiences", "Two audiences", False),
    ("benchmark", "A benchmark", True),
)


class _GetForm(FlaskForm):
    class Meta:
        csrf = False  # GET forms that change nothing


class WavesForm(_GetForm):
    wave = SelectField("This wave", validators=[DataRequired("Choose a wave")])
    other = SelectField("Compared with", validators=[DataRequired("Choose a wave")])


class TeamForm(_GetForm):
    wave = SelectField("Wave", validators=[DataRequired("Choose a wave")])
    group = SelectField("Team", validators=[DataRequired("Choose a team")])


class AudiencesForm(_GetForm):
    wave = SelectField("This audience's wave", validators=[DataRequired("Choose a wave")])
    other = SelectField("Compared with", validators=[DataRequired("Choose a wave")])


class BenchmarkForm(FlaskForm):
    wave = SelectField("Wave", validators=[DataRequired("Choose a wave")])
    label = StringField("Name of the benchmark", validators=[Optional(), Length(max=80)],
                        description="For example: national staff survey 2024.")
    benchmark = TextAreaField(
        "Benchmark figures", validators=[DataRequired("Paste the benchmark figures"),
                                         Length(max=20_000)],
        description="One line per question: question_key,favourable_share. The first "
                    "line is the header question_key,favourable_share; shares as 0.72 or 72%.")


FORMS = {"waves": WavesForm, "team": TeamForm, "audiences": AudiencesForm}


def _modes(team: str | None) -> list[tuple[str, str]]:
    return [(m, label) for m, label, managers in MODES if team is None or managers]


def _form(mode: str, args: Mapping[str, str], team: str | None) -> FlaskForm:
    """The GET form of ``mode`` with its choices, filled from the query string."""
    form = FORMS[mode](formdata=args if "wave" in args else None)
    waves = wave_choices(team)
    form.wave.choices = waves
    if hasattr(form, "other"):
        form.other.choices = waves
    if hasattr(form, "group"):
        form.group.choices = [SelectChoice(v, label) for v, label in known_teams()]
    if "wave" not in args:
        _defaults(form, waves)
    return form


def _defaults(form: FlaskForm, waves: list[SelectChoice]) -> None:
    """Start from the newest wave of a survey with two, against the one before."""
    groups: dict[str | None, list[str]] = {}
    for choice in waves:
        groups.setdefault(choice.optgroup, []).append(choice.value)
    pair = next((g for g in groups.values() if len(g) > 1), None) or next(
        iter(groups.values()), [])
    if pair:
        form.wave.data = pair[0]
    if hasattr(form, "other") and len(pair) > 1:
        form.other.data = pair[1]


def comparison_from_args(args: Mapping[str, str]) -> results.ComparisonSet | None:
    """The comparison a GET query asks for, or ``None`` when it is incomplete.

    404 for a wave or team outside the person's scope; :class:`results.BadFilter` for
    a comparison that cannot be made (two waves of different surveys...).
    """
    team = team_scope()
    mode = args.get("mode", "waves")
    if mode not in FORMS or (team is not None and mode not in dict(_modes(team))):
        abort(404)
    if not args.get("wave"):
        return None
    wave = scoped_wave(args["wave"])
    try:
        if mode == "team":
            group = args.get("group", "")
            return results.compare_team_with_rest(wave, group, team=team) if group else None
        if not args.get("other"):
            return None
        other = scoped_wave(args["other"])
        if mode == "audiences":
            return results.compare_audiences(wave, other, team=team)
        return results.compare_waves(wave, other, team=team)
    except results.OutsideTeam:
        abort(404)


@bp.route("/compare", methods=["GET", "POST"])
@requires(Permission.VIEW_RESULTS)
def compare():
    """Pick what to compare; see the changes with their significance."""
    team = team_scope()
    mode = request.args.get("mode", "waves")
    if mode not in dict(_modes(team)):
        abort(404)
    for name in ("wave", "other"):  # outside a team manager's scope: 404, not a form error
        if request.values.get(name):
            scoped_wave(request.values[name])
    if mode == "benchmark":
        form, found = _benchmark(team)
        chart = _inline_chart(change_display(found)) if found is not None else None
    else:
        if request.method == "POST":
            abort(405)
        form, found = _by_query(mode, team)
        chart = url_for("admin.chart_compare", fmt="png", **request.args) if found else None
    return render_template(
        "admin/compare/index.html", mode=mode, modes=_modes(team), form=form, found=found,
        chart=chart, display=change_display(found) if found is not None else None,
        team=team, team_label=team_label(team)), (400 if form.errors else 200)


def _by_query(mode: str, team: str | None) -> tuple[FlaskForm, results.ComparisonSet | None]:
    form = _form(mode, request.args, team)
    if "wave" not in request.args or not form.validate():
        return form, None
    try:
        return form, comparison_from_args(request.args)
    except results.BadFilter as e:
        (form.other if hasattr(form, "other") else form.group).errors = [str(e)]
        return form, None


def _benchmark(team: str | None) -> tuple[FlaskForm, results.ComparisonSet | None]:
    form = BenchmarkForm()
    form.wave.choices = wave_choices(team)
    if not form.validate_on_submit():
        return form, None
    try:
        return form, results.compare_benchmark(
            scoped_wave(form.wave.data or ""), form.benchmark.data or "", team=team,
            label=form.label.data or "the benchmark")
    except BenchmarkError as e:
        form.benchmark.errors = [f"Line {n}: {m}" if n else m for n, m in e.problems]
    except results.OutsideTeam:
        abort(404)
    return form, None


def change_display(found: results.ComparisonSet) -> ChangeDisplay:
    """The dot plot of a comparison."""
    # matplotlib loads on first use, not in every web worker
    from feedback.services.results_charts import ChangeDisplay

    return ChangeDisplay.from_comparisons(found.rows, dict(found.question_text),
                                          title=found.title, current=found.current_label,
                                          other=found.other_label, min_n=found.min_n)


def _inline_chart(display: ChangeDisplay) -> str:
    """A benchmark's chart as a data: URL (pasted figures cannot go in a chart URL)."""
    from feedback.services.results_charts import chart_bytes

    return "data:image/png;base64," + base64.b64encode(chart_bytes(display, "png")).decode()


def team_label(team: str | None) -> str | None:
    """The team manager's team as people name it."""
    if team is None:
        return None
    return dict(known_teams()).get(team, team)


nav_item(30, "admin.compare", "Comparisons", Permission.VIEW_RESULTS)
