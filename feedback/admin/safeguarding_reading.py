"""Every child's words read by a person: the free text of children's and care leavers'
surveys nobody has read yet, marked read in batches (without JavaScript), and a concern
raised by the person who read an answer the screen missed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import DataRequired

from feedback.admin import bp
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.services import NotFound
from feedback.services import safeguarding_reading as service
from feedback.services.clock import today
from feedback.services.responses import notify_safeguarding_lead
from feedback.services.safeguarding import SafeguardingError


class ReadForm(FlaskForm):
    """The batch of answers read: the ids come as ``answer`` (the ones ticked) and
    ``shown`` (every one on the page); the form only checks the CSRF token."""


class RaiseForm(FlaskForm):
    # the service checks the choice against the screen's categories (a field error)
    category = RadioField("What may this answer show?", validate_choice=False,
                          validators=[DataRequired("Choose what the answer may show")])


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name)
            if v.isascii() and v.isdigit() and len(v) < 12]


def _page_args() -> dict[str, object]:
    """The wave and page asked for, kept across a batch so the lead stays where they were."""
    wave = request.args.get("wave", "")[:100] or None
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 1_000_000)
    return {"wave": wave, "page": page}


@bp.route("/safeguarding/to-read", methods=["GET", "POST"])
@requires(Permission.SAFEGUARDING)
def safeguarding_to_read():
    """Answers nobody has read, oldest first; tick those read, or mark the whole page."""
    args = _page_args()
    form = ReadForm()
    error = None
    if form.validate_on_submit():
        whole_page = request.form.get("mark") == "page"
        try:
            marked = service.mark_batch_read(_ids("shown" if whole_page else "answer"),
                                             current_user, today())
        except SafeguardingError as e:
            error = str(e)
        else:
            db.session.commit()
            flash(f"{marked} {'answer' if marked == 1 else 'answers'} marked as read.",
                  "success")
            return redirect(url_for("admin.safeguarding_to_read",
                                    **{k: v for k, v in args.items() if v and v != 1}))
    elif request.method == "POST":
        abort(400)  # no form of this page posts without its token
    view = service.to_read(today(), args["page"], args["wave"])
    db.session.commit()  # the list is audited
    return render_template("admin/safeguarding/to_read.html", view=view, form=form,
                           wave=args["wave"], error=error), (400 if error else 200)


@bp.route("/safeguarding/to-read/<int:answer_id>/raise", methods=["GET", "POST"])
@requires(Permission.SAFEGUARDING)
def safeguarding_raise(answer_id: int):
    """Raise a concern about an answer the screen did not flag."""
    try:
        target = service.answer_to_raise(answer_id)
    except NotFound:
        abort(404)
    form = RaiseForm()
    form.category.choices = [SelectChoice(k, v) for k, v in target.categories.items()]
    if form.validate_on_submit():
        try:
            item = service.raise_by_person(answer_id, form.category.data or "",
                                           current_user, today())
        except SafeguardingError as e:
            form.category.errors = [str(e)]
        else:
            db.session.commit()
            notify_safeguarding_lead()
            flash("Concern raised. Record what you decide below.", "success")
            return redirect(url_for("admin.safeguarding_item", item_id=item.id))
    db.session.commit()  # the view of the answer is audited
    return render_template("admin/safeguarding/raise.html", target=target, form=form), (
        400 if form.errors else 200)
