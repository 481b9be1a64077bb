"""Forms for signing in and changing a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password"), Length(max=1000)],
        render_kw={"autocomplete": "current-password"})


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), Length(max=1000)],
        render_kw={"autocomplete": "current-password"})
    new = PasswordField("New password", validators=[
        DataRequired("Enter a new password"), Length(max=1000)],
        description="At least 12 characters. Three random words work well.",
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Enter the new password again"),
        EqualTo("new", "The two new passwords are different")],
        render_kw={"autocomplete": "new-password"})

