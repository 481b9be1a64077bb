"""The safeguarding queue: flagged answers in full, for the safeguarding lead only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length

from feedback.admin import bp, nav_item
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.models import FlagStatus
from feedback.services import NotFound, ServiceError, audit
from feedback.services import safeguarding as service

STATUS_HINTS = {
    FlagStatus.NEW: "Not looked at yet.",
    FlagStatus.REVIEWED: "Read and considered; no referral needed yet, or more to find out.",
    FlagStatus.REFERRED: "Passed to the front door, the police or another service.",
    FlagStatus.NO_FURTHER_ACTION: "Not a safeguarding concern.",
}


class DecisionForm(FlaskForm):
    status = RadioField("What have you decided?", choices=[
        SelectChoice(s.value, s.label) for s in FlagStatus if s is not FlagStatus.NEW],
        validators=[DataRequired("Choose what you decided")])
    note = TextAreaField("Note", validators=[
        DataRequired("Write a note saying what was done and why"), Length(max=5000)],
        description="What you did, who you spoke to, and why. It is kept with the item.")


@bp.get("/safeguarding")
@requires(Permission.SAFEGUARDING)
def safeguarding():
    status = request.args.get("status", "")
    if status and status not in {s.value for s in FlagStatus}:
        status = ""
    items = service.queue(status or None)
    audit.record("safeguarding.list", status or "all", count=len(items))
    db.session.commit()
    return render_template("admin/safeguarding/queue.html", items=items, status=status,
                           statuses=list(FlagStatus), new=service.count_new())


@bp.route("/safeguarding/<int:flag_id>", methods=["GET", "POST"])
@requires(Permission.SAFEGUARDING)
def safeguarding_item(flag_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            service.set_status(flag_id, form.status.data or "", form.note.data or "",
                               current_user)
        except NotFound:
            abort(404)
        except ServiceError as e:
            form.note.errors = [str(e)]
        else:
            flash("Decision recorded.", "success")
            return redirect(url_for("admin.safeguarding"))
    try:
        detail = service.flag_detail(flag_id)
    except NotFound:
        abort(404)
    return render_template("admin/safeguarding/item.html", detail=detail, form=form,
                           hints=STATUS_HINTS), (400 if form.errors else 200)


nav_item(55, "admin.safeguarding", "Safeguarding", Permission.SAFEGUARDING,
         count=service.count_new)


@bp.app_context_processor
def safeguarding_helpers():
    return {"safeguarding_waiting": service.count_new}
