"""Results for a wave: every question with its chart and n, filters by segment, themes.

Team managers see their own team only: the team is fixed by
:func:`feedback.admin.scope.team_scope`, and any other team in the URL or the
query string is a 404. Suppression is applied by :mod:`feedback.services.results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

import surveys
from analysis.stats import ALL, NOT_GIVEN, ThemeShare
from feedback.admin import bp, nav_item
from feedback.admin.scope import team_scope
from feedback.auth.roles import Permission, can, requires
from feedback.extensions import db
from feedback.models import Wave
from feedback.services import NotFound, audit, results
from surveys import get_type

if TYPE_CHECKING:
    from analysis.charts import ThemePrevalenceDisplay

#: themes shown per free-text question (the theme explorer has them all)
THEMES_SHOWN = 8


# -- helpers shared by the results, comparison and overview pages ---------------------

def scoped_wave(key: str) -> Wave:
    """The wave, or 404 when it does not exist or is outside a team manager's scope."""
    try:
        return results.get_wave(key, team=team_scope())
    except NotFound:
        abort(404)


def choice_labels(definition: surveys.Survey) -> dict[str, dict[str, str]]:
    """segment -> value -> label, with the groups analysis adds ("All", "not given")."""
    out = {name: {c.value: c.label for c in q.choices}
           for name, q in results.segments(definition).items()}
    for labels in out.values():
        labels.update({ALL: "Everyone", NOT_GIVEN: "Not given"})
    return out


def wave_choices(team: str | None) -> list[SelectChoice]:
    """Waves by survey, newest first, for a select with one group per survey.

    Surveys that share a title (the age-banded young people's surveys) are told
    apart by their key.
    """
    found = results.surveys_with_waves(team=team)
    titles = [s.title for s in found]
    return [SelectChoice(w.key, w.title,
                         optgroup=s.title if titles.count(s.title) == 1 else f"{s.title} ({s.key})")
            for s in found for w in reversed(results.survey_waves(s))]


def requested_filters(definition: surveys.Survey, args: Mapping[str, str]) -> dict[str, str]:
    """Segment filters from the query string; 404 for another team than the scope's."""
    scope = team_scope()
    chosen = {name: args.get(name, "") for name in results.segments(definition)}
    if scope is not None and args.get(results.TEAM, scope) not in ("", scope):
        abort(404)  # another team, edited into the query string
    return {k: v for k, v in chosen.items() if v and not (scope and k == results.TEAM)}


class WaveForm(FlaskForm):
    """Pick a wave (GET)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    wave = SelectField("Wave")


class FilterForm(FlaskForm):
    """One select per segment of the wave's survey (built at run time)."""

    class Meta:
        csrf = False  # a GET form that changes nothing


def filter_form(definition: surveys.Survey, args: Mapping[str, str]) -> FlaskForm:
    scope = team_scope()

    class Form(FilterForm):
        pass

    for name, question in results.segments(definition).items():
        if scope is not None and name == results.TEAM:
            continue
        setattr(Form, name, SelectField(
            question.text, choices=[SelectChoice("", "Everyone"),
                                    *[SelectChoice(c.value, c.label) for c in question.choices]]))
    return Form(formdata=args or None)


# -- pages ----------------------------------------------------------------------------

@bp.get("/results", endpoint="results")
@requires(Permission.VIEW_RESULTS)
def results_index():
    """Pick a survey and a wave."""
    team = team_scope()
    wanted = request.args.get("wave", "")
    if wanted:
        return redirect(url_for("admin.results_wave", wave_key=scoped_wave(wanted).key))
    listing = [(s, list(reversed(results.survey_waves(s))))
               for s in results.surveys_with_waves(team=team)]
    form = WaveForm(formdata=None)
    form.wave.choices = wave_choices(team)
    return render_template("admin/results/index.html", listing=listing, form=form, team=team)


@bp.get("/results/<wave_key>")
@requires(Permission.VIEW_RESULTS)
def results_wave(wave_key: str):
    """Every question of a wave with its chart, data table and n; filters; themes."""
    # matplotlib loads on first use, not in every web worker
    from analysis.charts import AgreementDisplay

    wave = scoped_wave(wave_key)
    definition = results.definition(wave)
    filters = requested_filters(definition, request.args)
    form = filter_form(definition, request.args)
    team = team_scope()
    error = None
    try:
        found = results.wave_results(wave, team=team, filters=filters)
    except results.OutsideTeam:
        abort(404)
    except results.BadFilter as e:
        error, filters = str(e), {}
        found = results.wave_results(wave, team=team)
    may_read = can(current_user.role, Permission.READ_COMMENTS)
    themes = [] if found.hidden else results.wave_themes(
        wave, team=team, filters=filters, quotes=2 if may_read else 0, limit=THEMES_SHOWN)
    quotes = sum(len(t.quotes) for w in themes for t in w.themes or ())
    if quotes:
        audit.record("comments.view", f"results {wave.key}", quotes=quotes,
                     where=dict(found.where))
        db.session.commit()
    charts = {title: AgreementDisplay.from_scores(
        [q.score for q in group if q.scored], title=title)
        for title, group in found.sections()}
    return render_template(
        "admin/results/wave.html", wave=wave, found=found, form=form, filters=filters,
        error=error, team=team, labels=choice_labels(definition), charts=charts,
        themes=themes, theme_alt=_theme_alt(themes), may_read=may_read,
        get_type=get_type, explorer=_explorer(wave)), (400 if error else 200)


def _explorer(wave: Wave) -> dict[str, str]:
    """Links to the theme explorer, by question key, when that area is installed."""
    views = current_app.view_functions
    if "admin.themes_question" in views:
        return {q.key: url_for("admin.themes_question", survey_key=wave.survey.key,
                               question_key=q.key)
                for q in results.definition(wave).questions() if get_type(q.type).themed}
    return {"": url_for("admin.themes")} if "admin.themes" in views else {}


def _theme_alt(themes: list[results.WaveThemes]) -> dict[str, str]:
    """Alt text of each question's theme chart."""
    return {w.question_key: theme_display(w).alt_text for w in themes if w.themes}


def theme_display(found: results.WaveThemes) -> ThemePrevalenceDisplay:
    """The chart of one question's themes in a wave (hidden when too few commented)."""
    from analysis.charts import ThemePrevalenceDisplay

    shares = None if found.themes is None else [
        ThemeShare(t.number, t.label, t.count, t.n) for t in found.themes]
    return ThemePrevalenceDisplay.from_shares(shares, title=found.question_text,
                                              min_n=found.min_n)


nav_item(20, "admin.results", "Results", Permission.VIEW_RESULTS)
