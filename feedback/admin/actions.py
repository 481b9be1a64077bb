"""'You said, we did': the list of actions, recording and editing them.

Reading needs ``VIEW_RESULTS``; recording, editing and deleting ``MANAGE_ACTIONS``.
Every change is audited by :mod:`feedback.services.actions`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from feedback.admin import bp, nav_item
from feedback.admin.fields import MultiCheckboxField
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.models import Action, RagStatus
from feedback.services import NotFound
from feedback.services import actions as service
from feedback.services.clock import today
from surveys import Audience

STATUS_CHOICES = [SelectChoice(s.value, f"{s.value.capitalize()}: "
                               f"{service.RAG_MEANINGS[s].lower()}") for s in RagStatus]
STATUS_FILTER = [(c.value, c.label) for c in STATUS_CHOICES]
AUDIENCE_CHOICES = [(a.value, a.label) for a in Audience]

PUBLIC_HINT = ("Shown on the public \u201cyou said, we did\u201d page. Use everyday words "
               "and short sentences.")
YOUNG_HINT = ("Shown to children and young people: write as you would say it to a "
              "9-year-old. Short sentences, everyday words, no initials.")


class ActionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a short title"),
                                             Length(max=200)],
                        description="For the workspace, for example \u201cCut caseloads in "
                                    "the assessment team\u201d.")
    you_said = TextAreaField("What people said", validators=[Length(max=4000)],
                             description="In the service's words, for the workspace.")
    link = SelectField("What it answers (optional)", validators=[Optional()],
                       description="A question of this audience's surveys, or a theme of "
                                   "the answers to it (from the current themes).")
    remove_links = MultiCheckboxField("It answers now (tick any to remove)", choices=[],
                                      validators=[Optional()], coerce=int)
    owner = StringField("Owner", validators=[DataRequired("Enter who owns the action"),
                                             Length(max=120)],
                        description="The person or team responsible.")
    due_on = DateField("Due date (optional)", validators=[Optional()])
    status = RadioField("Status", choices=STATUS_CHOICES, default=RagStatus.GREEN.value,
                        validators=[DataRequired("Choose a status")])
    evidence = TextAreaField("Evidence", validators=[Length(max=4000)],
                             description="What shows it was done: documents, figures, links. "
                                         "Never shown publicly.")
    public_said = TextAreaField("You said (public wording)", validators=[Length(max=1000)])
    public_did = TextAreaField("We did (public wording)", validators=[Length(max=1000)])
    published = BooleanField("Show on the public \u201cyou said, we did\u201d page",
                             description="Only the public wording and the status in words "
                                         "are shown; never the owner or the evidence.")

    def prepare(self, audience: Audience, action: Action | None) -> None:
        """Fill the choices that depend on the audience and the action's links."""
        nothing = "Nothing more" if action and action.links else "Not linked to a survey"
        self.link.choices = [SelectChoice("", nothing)] + [
            SelectChoice(value, label, optgroup=group.survey_title)
            for group in service.link_options(audience.value) for value, label in group.options]
        hint = YOUNG_HINT if audience in service.YOUNG_AUDIENCES else PUBLIC_HINT
        self.public_said.description = hint + " For example: \u201cYou told us that ...\u201d"
        self.public_did.description = hint + " For example: \u201cSo we have ...\u201d"
        if action and action.links:
            self.link.label.text = "Also answers (optional)"
            self.remove_links.choices = [SelectChoice(x.id, service.describe_link(x))
                                         for x in action.links]
        else:
            del self.remove_links

    def details(self) -> service.ActionDetails:
        return service.ActionDetails(
            title=self.title.data or "", owner=self.owner.data or "",
            status=self.status.data or "", due_on=self.due_on.data,
            you_said=self.you_said.data or "", evidence=self.evidence.data or "",
            public_said=self.public_said.data or "", public_did=self.public_did.data or "",
            published=bool(self.published.data))

    def links(self) -> list[service.LinkChoice]:
        return [service.LinkChoice.parse(self.link.data)] if self.link.data else []


def _audience(value: str | None) -> Audience | None:
    try:
        return Audience(value or "")
    except ValueError:
        return None


def _get(action_id: int) -> Action:
    try:
        return service.get_action(action_id)
    except NotFound:
        abort(404)


@bp.get("/actions")
@requires(Permission.VIEW_RESULTS)
def actions():
    audience = _audience(request.args.get("audience"))
    status = request.args.get("status", "")
    status = status if status in {s.value for s in RagStatus} else ""
    overdue = request.args.get("overdue") == "1"
    day = today()
    found = service.find_actions(day, audience=audience.value if audience else None,
                                 status=status or None, overdue=overdue)
    return render_template("admin/actions/list.html", actions=found, today=day,
                           audience=audience, status=status, overdue=overdue,
                           audiences=AUDIENCE_CHOICES, statuses=STATUS_FILTER,
                           meanings=service.RAG_MEANINGS, is_overdue=service.is_overdue,
                           RagStatus=RagStatus, Audience=Audience)


@bp.get("/actions/<int:action_id>")
@requires(Permission.VIEW_RESULTS)
def actions_view(action_id: int):
    action = _get(action_id)
    audience = Audience(action.audience)
    advice = {}
    if audience in service.YOUNG_AUDIENCES:
        advice = {name: service.plain_words_advice(getattr(action, name))
                  for name in ("public_said", "public_did")}
    return render_template("admin/actions/view.html", action=action, audience=audience,
                           status=RagStatus(action.status), meanings=service.RAG_MEANINGS,
                           overdue=service.is_overdue(action, today()), advice=advice,
                           links=[service.describe_link(x) for x in action.links],
                           public_status=service.PUBLIC_STATUS)


@bp.route("/actions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACTIONS)
def actions_new():
    audience = _audience(request.args.get("audience"))
    if audience is None:
        # First step, one question: who the action answers (it decides the surveys offered).
        problem = "audience" in request.args
        return render_template("admin/actions/audience.html", audiences=AUDIENCE_CHOICES,
                               problem=problem), (400 if problem else 200)
    form = ActionForm()
    form.prepare(audience, None)
    if form.validate_on_submit():
        try:
            action = service.create_action(audience.value, form.details(), form.links(),
                                           today())
        except service.ActionError as e:
            _field_error(form, e)
        else:
            db.session.commit()
            flash(f"Recorded the action \u201c{action.title}\u201d.", "success")
            return redirect(url_for("admin.actions_view", action_id=action.id))
    return render_template("admin/actions/edit.html", form=form, action=None,
                           audience=audience), (400 if form.errors else 200)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACTIONS)
def actions_edit(action_id: int):
    action = _get(action_id)
    audience = Audience(action.audience)
    form = ActionForm(obj=action)
    form.prepare(audience, action)
    if request.method == "GET":
        form.link.data = ""
    if form.validate_on_submit():
        try:
            removed = form.remove_links.data if form.remove_links else []
            changed = service.update_action(action, form.details(), today(),
                                            add=form.links(), remove=removed or [])
        except service.ActionError as e:
            db.session.rollback()
            _field_error(form, e)
        else:
            db.session.commit()
            flash(f"Saved \u201c{action.title}\u201d." if changed else "Nothing was changed.",
                  "success")
            return redirect(url_for("admin.actions_view", action_id=action.id))
    return render_template("admin/actions/edit.html", form=form, action=action,
                           audience=audience), (400 if form.errors else 200)


@bp.route("/actions/<int:action_id>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACTIONS)
def actions_delete(action_id: int):
    action = _get(action_id)
    form = FlaskForm()
    if form.validate_on_submit():
        title = action.title
        service.delete_action(action)
        db.session.commit()
        flash(f"Deleted the action \u201c{title}\u201d.", "success")
        return redirect(url_for("admin.actions"))
    return render_template("admin/actions/delete.html", action=action, form=form)


def _field_error(form: ActionForm, error: service.ActionError) -> None:
    field = getattr(form, error.field, None) or form.title
    field.errors = [*field.errors, str(error)]


nav_item(50, "admin.actions", "You said, we did", Permission.VIEW_RESULTS)
