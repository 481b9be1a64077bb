"""``chorus users``: accounts from the command line (the first administrator, above all)."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from feedback.extensions import db
from feedback.models import Role
from feedback.services import accounts


@click.group("users")
def users_group() -> None:
    """Accounts for the workspace at /admin/."""


@users_group.command("create")
@click.option("--email", required=True, help="The person's work email; they sign in with it.")
@click.option("--name", default="", help="Their name, as shown in the workspace.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value,
              show_default=True)
@click.option("--team", default=None, help="A team manager's team (a value of the team "
              "segment, e.g. assessment).")
@with_appcontext
def users_create(email: str, name: str, role: str, team: str | None) -> None:
    """Create an account. Asks for the password (or reads CHORUS_NEW_PASSWORD).

    \b
    Example:
      chorus users create --email lead@council.example --name "Sam Lead" --role lead
    """
    from feedback.cli import domain_errors

    password = os.environ.get("CHORUS_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    user = domain_errors(accounts.create_user)(email, name or email, role, password, team=team)
    db.session.commit()
    click.echo(f"Created {user.email} ({Role(user.role).label}). "
               "Sign in at /admin/sign-in.")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """List accounts with their role, team and whether they can sign in."""
    for user in accounts.all_users():
        state = "active" if user.active else "cannot sign in"
        team = f" team={user.team}" if user.team else ""
        click.echo(f"{user.email}\t{user.role}{team}\t{state}")


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--team", default=None, help="Required for team managers.")
@with_appcontext
def users_set_role(email: str, role: str, team: str | None) -> None:
    """Change someone's role (ends their current sessions).

    \b
    Example:
      chorus users set-role manager@council.example manager --team assessment
    """
    from feedback.cli import domain_errors

    user = accounts.by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}")
    domain_errors(accounts.set_role)(user, role, team)
    db.session.commit()
    click.echo(f"{user.email} is now {Role(role).label}.")
