"""Erasing a person's answers on request (surveys in identified mode only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from feedback.admin import bp, nav_item
from feedback.auth.roles import Permission, requires
from feedback.services import NotFound, ServiceError, retention


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the response to erase is in the URL."""


@bp.get("/erasure")
@requires(Permission.ERASE_RESPONSES)
def erasure():
    search = request.args.get("search", "").strip()[:200]
    matches, error = [], None
    if search:
        try:
            matches = retention.find_identified(search)
        except ServiceError as e:
            error = str(e)
    return render_template("admin/erasure.html", search=search, matches=matches, error=error,
                           form=ConfirmForm()), (400 if error else 200)


@bp.post("/erasure/<int:response_id>")
@requires(Permission.ERASE_RESPONSES)
def erasure_erase(response_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        retention.erase_response(response_id)
    except NotFound:
        abort(404)
    except ServiceError as e:
        flash(str(e), "error")
        return redirect(url_for("admin.erasure"))
    flash("The response and all its answers have been erased.", "success")
    return redirect(url_for("admin.erasure"))


nav_item(95, "admin.erasure", "Erasure requests", Permission.ERASE_RESPONSES)
