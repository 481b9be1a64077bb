""""Exit this page": forget the survey this browser was answering, and go somewhere dull.

The button at the top of every respondent page is a plain link to ``GET /exit``, so it
leaves without JavaScript too. Chorus drops the session's link to its drafts (the
``drafts`` map that ``feedback.respond.routes`` keeps, wave id -> draft token), so a
question page asked for again, by Back or from the history list, finds no draft and
goes to the survey's start page, and then redirects to ``EXIT_URL``. The drafts
themselves stay in the database: someone with a resume code can still carry on, and
unfinished drafts expire as they always do. With JavaScript, ``static/exit-this-page.js``
first hides the page and empties its fields, and replaces the page in the history.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, session
from flask.blueprints import BlueprintSetupState
from flask.sessions import SessionMixin
from werkzeug.wrappers import Response

from feedback.config import ConfigError
from feedback.services import help as help_now

bp = Blueprint("exit", __name__)

#: what the session holds of a respondent's survey: the links to drafts
#: (``routes._remember``), a resume code waiting to be shown (``routes.saved``), and
#: help still to be offered after a worrying answer (which Back would otherwise bring
#: back on the thank-you page)
RESPONDENT_SESSION_KEYS = ("drafts", "resume_code", help_now.SESSION_KEY)


@bp.record_once
def _check_exit_url(state: BlueprintSetupState) -> None:
    # A typo here ("www.bbc.co.uk", no scheme) would be a relative redirect back into
    # Chorus: refuse to start rather than strand a child on a page of ours.
    url = state.app.config["EXIT_URL"]
    if not is_exit_url(url):
        raise ConfigError(f"EXIT_URL must be a full http:// or https:// address, not {url!r}")


def is_exit_url(url: object) -> bool:
    """Whether ``url`` is an absolute http(s) address a browser can be sent to."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def forget_survey(store: SessionMixin) -> None:
    """Remove from ``store`` (the Flask session) everything that links this browser to
    survey answers: its drafts, a resume code not yet shown, help still to be offered,
    and a workspace preview's answers (a member of staff trying the button expects Back
    to show nothing either).

    A signed-in workspace session is left alone: the button is for respondents."""
    # Imported here: feedback.admin imports the respondent forms, so a module-level
    # import would be circular while the respond package loads.
    from feedback.admin.survey_preview import SESSION_KEY as PREVIEW_KEY

    for key in (*RESPONDENT_SESSION_KEYS, PREVIEW_KEY):
        store.pop(key, None)


@bp.get("/exit")
def leave() -> Response:
    """Forget the survey, then send the browser to ``EXIT_URL``."""
    forget_survey(session)
    response = redirect(current_app.config["EXIT_URL"], code=303)
    # Never cached, not even the redirect: every exit must reach Chorus to forget.
    response.headers["Cache-Control"] = "no-store"
    return response
