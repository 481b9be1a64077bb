"""Respondent pages: the forms children, families, carers and staff fill in."""

from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/s")

from feedback.respond import routes  # noqa: E402,F401  (registers the views)
