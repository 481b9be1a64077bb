"""Accounts and roles (administrators only). Every change is audited."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from feedback.admin import bp, nav_item
from feedback.admin.scope import known_teams
from feedback.auth.roles import Permission, requires
from feedback.extensions import db
from feedback.models import Role
from feedback.models.user import ROLE_LABELS
from feedback.services import ServiceError, accounts

ROLE_HINTS = {
    Role.ADMIN: "Everything, including accounts and the audit log.",
    Role.LEAD: "All surveys and results, themes, actions and exports.",
    Role.MANAGER: "Results and comments for their own team only, above the thresholds.",
    Role.SAFEGUARDING: "The safeguarding queue, with answers in full.",
    Role.VIEWER: "Read-only results and board reports.",
}


class AccountForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name"), Length(max=120)])
    email = EmailField("Email address", validators=[
        DataRequired("Enter an email address"), Length(max=254)],
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    role = RadioField("Role", choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
                      validators=[DataRequired("Choose a role")])
    team = SelectField("Team (team managers only)", validators=[Optional()])
    active = BooleanField("Account can sign in", default=True)
    password = PasswordField("First password", validators=[Optional(), Length(max=1000)],
                             description="Give it to the person in person or by phone; "
                                         "they can change it once signed in.",
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = [SelectChoice("", "No team"),
                             *(SelectChoice(value, label) for value, label in known_teams())]


@bp.get("/users")
@requires(Permission.MANAGE_USERS)
def users():
    teams = dict(known_teams())
    return render_template("admin/users/list.html", users=accounts.all_users(),
                           teams=teams, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_new():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(form.email.data or "", form.name.data or "",
                                 form.role.data or "", form.password.data or "",
                                 team=form.team.data or None)
        except accounts.PasswordError as e:
            form.password.errors = [str(e)]
        except ServiceError as e:
            field = form.team if "team" in str(e) else form.email
            field.errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Account created for {form.email.data}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users/edit.html", form=form, user=None,
                           role_hints=ROLE_HINTS), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_edit(user_id: int):
    try:
        user = accounts.get(user_id)
    except ServiceError:
        return render_template("errors/404.html"), 404
    form = AccountForm(obj=user)
    del form.password
    form.email.render_kw = {**(form.email.render_kw or {}), "readonly": True}
    if form.validate_on_submit():
        try:
            if (form.role.data, form.team.data or None) != (user.role, user.team):
                accounts.set_role(user, form.role.data or "", form.team.data or None)
            if bool(form.active.data) != user.active:
                accounts.set_active(user, bool(form.active.data))
            if form.name.data and form.name.data != user.name:
                user.name = form.name.data
        except ServiceError as e:
            form.team.errors = [str(e)]
        else:
            db.session.commit()
            flash(f"Saved the account of {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users/edit.html", form=form, user=user,
                           role_hints=ROLE_HINTS), (400 if form.errors else 200)


nav_item(90, "admin.users", "Accounts", Permission.MANAGE_USERS)
