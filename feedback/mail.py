"""Sending email through the configured SMTP server (standard library only).

Chorus sends one kind of email: a notice to the safeguarding lead that a new
item is in the queue. It never contains a respondent's words, only where to
look, because email leaves the service's control.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """SMTP_HOST or the recipients are not set."""


def send(to: Sequence[str], subject: str, body: str) -> None:
    """Send a plain-text email; raises :class:`smtplib.SMTPException` or ``OSError``."""
    config = current_app.config
    if not config["SMTP_HOST"] or not to:
        raise MailNotConfigured("set SMTP_HOST and SAFEGUARDING_EMAILS to send email")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
    log.info("email sent to %d recipient(s): %s", len(to), subject)
