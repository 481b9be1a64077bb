"""``chorus retention`` and ``chorus safeguarding``: data protection from the command line."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from feedback.services.clock import today


@click.group("retention")
def retention_group() -> None:
    """Deleting free text after each survey's retention period."""


@retention_group.command("apply")
@click.option("--today", "on", default=None, help="Pretend today is this date (YYYY-MM-DD).")
@with_appcontext
def retention_apply(on: str | None) -> None:
    """Delete the words of free-text answers older than their survey's retention period.

    Counts and themes are kept. Run it daily (cron, a systemd timer, or `chorus worker
    --schedule`).

    \b
    Example:
      chorus retention apply
    """
    from feedback.services.retention import apply_retention

    day = dt.date.fromisoformat(on) if on else today()
    result = apply_retention(day)
    per_survey = ", ".join(f"{k}: {n}" for k, n in sorted(result.deleted.items())) or "none"
    click.echo(f"Deleted the text of {result.total} answer(s) ({per_survey}); "
               f"{result.held_for_safeguarding} held until the safeguarding lead decides.")


@click.group("safeguarding")
def safeguarding_group() -> None:
    """The safeguarding screen and its notices."""


@safeguarding_group.command("notify")
@with_appcontext
def safeguarding_notify() -> None:
    """Email the safeguarding lead about flags not yet notified (retries failed emails)."""
    from feedback.services.safeguarding import notify_new_flags

    click.echo(f"{notify_new_flags()} item(s) notified.")


@safeguarding_group.command("screen")
@with_appcontext
def safeguarding_screen() -> None:
    """Screen stored answers that have not been screened (after extending the phrase lists)."""
    from feedback.extensions import db
    from feedback.services.safeguarding import screen_unscreened

    count = screen_unscreened()
    db.session.commit()
    click.echo(f"{count} new item(s) flagged.")
