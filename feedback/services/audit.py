"""The audit log: who signed in, exported, edited themes, changed roles, or read
comments and safeguarding items.

Entries go to the ``audit_event`` table and to the ``feedback.audit`` logger.
Neither ever holds a respondent's words: only what was done, to what, by whom.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEvent, User
from feedback.services.clock import now

log = logging.getLogger("feedback.audit")


def record(action: str, target: str = "", *, user: User | None = None,
           actor: str | None = None, **detail: Any) -> AuditEvent:
    """Add an audit entry to the session (committed with the change it records)."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
    who = actor or (user.email if user is not None else
                    "anonymous" if has_request_context() else "command line")
    event = AuditEvent(at=now(), user_id=user.id if user is not None else None, actor=who,
                       action=action, target=target[:200], detail=detail)
    db.session.add(event)
    log.info("%s %s %s", who, action, target)
    return event


def events(*, action: str | None = None, actor: str | None = None, page: int = 1,
           per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """A page of entries, newest first, and the number of entries that match."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actor:
        query = query.where(AuditEvent.actor.contains(actor.lower()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def actions_recorded() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)))
