"""A health endpoint for load balancers and monitoring.

It checks that the database answers (503 if not) and says what the safeguarding
screen can do. A screen running on its phrase lists alone (the sentence model
did not load) is reported as ``"status": "degraded"`` with the reason, still
with 200: respondents can go on answering, and monitoring that reads the body
(and the safeguarding lead's workspace) shows the problem loudly.
"""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from feedback.extensions import db
from feedback.services.screening import screen_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    screen = screen_status()
    return jsonify(status="degraded" if screen.degraded else "ok", database="ok",
                   safeguarding_screen=screen.describe())
