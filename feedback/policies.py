"""The privacy notice and the accessibility statement, written from configuration.

Both are linked from every respondent page. Retention periods come from the
surveys' own settings, so the notice says what the service really does.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from feedback.services.library import all_surveys

bp = Blueprint("policies", __name__)


@bp.get("/privacy")
def privacy():
    surveys = []
    for survey in all_surveys():
        if not survey.versions:
            continue
        settings = survey.latest_version.parsed().settings
        surveys.append((survey.title, settings.mode.value, _period(settings.retention_days),
                        settings.min_group_score, settings.min_group_comments))
    return render_template("public/privacy.html", surveys=surveys)


@bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


def _period(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days % 30 == 0:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{days} days"
