"""Public pages: the start page, help, and "you said, we did"."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from feedback.models import RagStatus
from feedback.respond.waves import open_surveys
from feedback.services.actions import published_for
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
    # Only the public wording and the status in words: never owner or evidence.
    found = published_for(who)
    doing = [a for a in found if a.status is not RagStatus.BLUE]
    done = [a for a in found if a.status is RagStatus.BLUE]
    return render_template("public/you_said.html", audience=who, doing=doing, done=done)
