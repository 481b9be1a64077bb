"""The overview: the workspace's landing page for everyone who reads results.

Waves open now or opening soon with responses so far and response rates by segment,
and the participation-strategy figures the service reports on, each with its trend.
A team manager sees their own team's waves and figures only. Those who may open the
safeguarding queue also see how many items wait (and are overdue), how much of the
children's written answers a person has read, and whether the screen is whole.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from feedback.admin import bp, nav_item
from feedback.admin.compare import team_label
from feedback.admin.results import choice_labels
from feedback.admin.scope import team_scope
from feedback.auth.roles import Permission, can, requires
from feedback.services import results
from feedback.services.clock import today
from feedback.services.safeguarding_reading import read_shares


@bp.get("/overview")
@requires(Permission.VIEW_RESULTS)
def overview():
    """Open and upcoming waves, and the strategy figures with their trends."""
    team = team_scope()
    day = today()
    progress = results.wave_progress(day, team=team)
    labels = {p.wave.id: choice_labels(results.definition(p.wave)) for p in progress}
    figures = [] if team is not None else results.participation_figures(day)
    # how much of children's words a person has read: for those who read them
    reading = read_shares(day) if can(current_user.role, Permission.SAFEGUARDING) else []
    return render_template("admin/overview.html", progress=progress, labels=labels,
                           figures=figures, team=team, reading=reading,
                           team_label=team_label(team), today=day)


nav_item(10, "admin.overview", "Overview", Permission.VIEW_RESULTS)
