"""Sign in, sign out and change password."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from feedback.auth import bp
from feedback.auth.forms import PasswordForm, SignInForm
from feedback.extensions import db
from feedback.ratelimit import login_rate_limit
from feedback.services import accounts, audit
from feedback.services.accounts import PasswordError


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send someone off-site after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/admin") \
                and not target.startswith("//"):
            return target
    return url_for("admin.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@login_rate_limit
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("admin.home"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            audit.record("sign_in.failed", accounts.normalise_email(form.email.data or ""),
                         actor="anonymous")
            db.session.commit()
            error = "The email address or password is not right"
        else:
            session.clear()  # a fresh session: nothing from before signing in carries over
            login_user(user)
            session["started"] = session["seen"] = time.time()
            session.permanent = True
            audit.record("sign_in", user.email, user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("admin/sign_in.html", form=form, error=error), \
        (200 if not error and not form.errors else 400)


@bp.post("/sign-out")
@login_required
def sign_out():
    audit.record("sign_out", current_user.email)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data or "", form.new.data or "")
        except PasswordError as e:
            field = form.current if "current" in str(e) else form.new
            field.errors = [*field.errors, str(e)]
        else:
            db.session.commit()
            login_user(current_user)  # the new session version keeps this session
            flash("Your password has been changed. You have been signed out everywhere else.",
                  "success")
            return redirect(url_for("admin.home"))
    return render_template("admin/password.html", form=form), (400 if form.errors else 200)
