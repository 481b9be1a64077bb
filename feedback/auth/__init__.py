"""Signing in and out of the workspace, password changes and session expiry.

Respondents never sign in; only staff who run surveys and read results do.
Sessions end after ``ADMIN_IDLE_MINUTES`` without a request and after
``ADMIN_SESSION_HOURS`` in all; a password or role change ends every other
session of that person (the session version is part of the login id).
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user

from feedback.extensions import db
from feedback.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to use the workspace."
login_manager.login_message_category = "info"
# "strong" would end sessions on any change of network; the idle and absolute
# limits below are what protect a shared office computer.
login_manager.session_protection = "basic"

bp = Blueprint("auth", __name__, url_prefix="/admin")


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    user_id, _, version = login_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def init_app(app: Flask) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(
        hours=int(app.config["ADMIN_SESSION_HOURS"]))
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_refuse_nul)
    app.before_request(_expire_idle_sessions)


def _refuse_nul():
    """NUL is never typed, no key or text holds one, and PostgreSQL can neither store nor
    compare it: a workspace request (sign-in included) whose query string or form carries
    one is refused (400) before any view reads it, rather than failing in the database
    driver (a 500)."""
    if not request.path.startswith("/admin"):
        return None
    for values in (*request.args.listvalues(), *request.form.listvalues()):
        if any("\x00" in value for value in values):
            abort(400)
    return None


def _expire_idle_sessions():
    """End a workspace session that was idle too long or is too old."""
    if not request.path.startswith("/admin") or not current_user.is_authenticated:
        return None
    from flask import current_app

    now = time.time()
    idle = current_app.config["ADMIN_IDLE_MINUTES"] * 60
    longest = current_app.config["ADMIN_SESSION_HOURS"] * 3600
    last_seen = session.get("seen", now)
    started = session.get("started", now)
    if now - last_seen > idle or now - started > longest:
        logout_user()
        session.pop("seen", None)
        session.pop("started", None)
        flash("You were signed out because the session had ended. Sign in again.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))
    session["seen"] = now
    return None


from feedback.auth import routes  # noqa: E402,F401  (registers the views)
