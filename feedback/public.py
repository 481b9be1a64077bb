"""Public pages: the start page, help, and "you said, we did"."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from feedback.respond.waves import open_surveys
from feedback.services.clock import today
from feedback.services.library import all_surveys
from surveys import Audience

bp = Blueprint("public", __name__)


@bp.get("/")
def start():
    """Surveys open now, grouped by who they are for."""
    grouped: dict[Audience, list] = {}
    for survey, wave in open_surveys(all_surveys(), today()):
        definition = wave.version.parsed()
        grouped.setdefault(definition.audience, []).append((survey, wave, definition))
    groups = [(a, grouped[a]) for a in Audience if a in grouped]
    return render_template("public/start.html", groups=groups)


@bp.get("/help")
def help_page():
    return render_template("public/help.html")


@bp.get("/you-said-we-did/<audience>")
def you_said(audience: str):
    try:
        who = Audience(audience)
    except ValueError:
        abort(404)
    # Actions are recorded by the participation lead (a later part of Chorus); until
    # then the page says honestly that there is nothing to show yet.
    actions: list = []
    return render_template("public/you_said.html", audience=who, actions=actions)
