"""Which results a signed-in person may see.

Team managers see their own team's results only: every query that reads
responses for the workspace passes :func:`team_scope` on to the results
services, which keep only responses whose ``team`` segment answer is that team
(surveys without a team question show a team manager nothing). Suppression of
small groups still applies on top.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Role, Survey

#: the segment that names a team in every survey definition that has one
TEAM_SEGMENT = "team"


def team_scope() -> str | None:
    """The only team the current person may see, or None for every team."""
    if current_user.role == Role.MANAGER:
        return current_user.team or "\x00no team\x00"
    return None


def known_teams() -> list[tuple[str, str]]:
    """Every team named by a ``team`` segment in the surveys' latest versions."""
    teams: dict[str, str] = {}
    for survey in db.session.scalars(select(Survey).order_by(Survey.key)):
        if not survey.versions:
            continue
        for question in survey.latest_version.parsed().questions():
            if question.type == "segment" and question.options.get("segment") == TEAM_SEGMENT:
                for choice in question.choices:
                    teams.setdefault(choice.value, choice.label)
    return sorted(teams.items(), key=lambda item: item[1])
