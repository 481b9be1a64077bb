"""The safeguarding queue: one item per response that may show someone is at risk, the
whole response in full, for the safeguarding lead only. The "To read" pages are in
:mod:`feedback.admin.safeguarding_reading`."""

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
from feedback.services import NotFound
from feedback.services import safeguarding as service
from feedback.services.clock import today
from feedback.services.screening import screen_status

STATUS_HINTS = {
    FlagStatus.NEW: "Not looked at yet.",
    FlagStatus.REVIEWED: "Read and considered; no referral needed yet, or more to find out.",
    FlagStatus.REFERRED: "Passed to the front door, the police or another service.",
    FlagStatus.NO_FURTHER_ACTION: "Not a safeguarding concern.",
}
#: what the queue can be narrowed to: value -> label
FILTERS = {service.OVERDUE: "Overdue only",
           **{s.value: f"{s.label} only" for s in FlagStatus}}


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
    """The queue: overdue items first, then new ones, then the rest, newest first."""
    status = request.args.get("status", "")
    if status not in FILTERS:
        status = ""
    rows = service.queue(today(), status or None)
    db.session.commit()
    return render_template("admin/safeguarding/queue.html", rows=rows, status=status,
                           filters=FILTERS)


@bp.route("/safeguarding/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.SAFEGUARDING)
def safeguarding_item(item_id: int):
    """One item: the whole response, why it was raised, and the decision on it."""
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            service.set_status(item_id, form.status.data or "", form.note.data or "",
                               current_user, today())
        except NotFound:
            abort(404)
        except service.SafeguardingError as e:
            getattr(form, e.field).errors = [str(e)]
        else:
            db.session.commit()
            flash("Decision recorded.", "success")
            return redirect(url_for("admin.safeguarding"))
    try:
        detail = service.item_detail(item_id, current_user, today())
    except NotFound:
        abort(404)
    db.session.commit()  # the view is audited, and the response's words are now read
    return render_template("admin/safeguarding/item.html", detail=detail, form=form,
                           hints=STATUS_HINTS), (400 if form.errors else 200)


nav_item(55, "admin.safeguarding", "Safeguarding", Permission.SAFEGUARDING,
         count=service.count_new)


@bp.app_context_processor
def safeguarding_helpers():
    return {"safeguarding_waiting": service.count_new,
            "safeguarding_counts": lambda: service.counts(today()),
            "screen_status": screen_status}


# The "To read" pages register their views when imported.
from feedback.admin import safeguarding_reading  # noqa: E402,F401
