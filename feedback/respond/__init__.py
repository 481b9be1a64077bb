"""Respondent pages: the forms children, families, carers and staff fill in."""

from flask import Blueprint

from feedback.extensions import db

bp = Blueprint("respond", __name__, url_prefix="/s")


@bp.before_request
def _keep_loaded_after_commit() -> None:
    # A respondent page commits at most twice and reads back only what it wrote
    # (the draft, whose new values it sets itself), so reloading every object
    # after a commit would cost a query per page for nothing.
    db.session().expire_on_commit = False


from feedback.respond import routes  # noqa: E402,F401  (registers the views)
from feedback.respond.exit import bp as exit_bp  # noqa: E402,F401  (/exit, registered by the app)
