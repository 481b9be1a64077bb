"""Reading the audit log (administrators only)."""

from __future__ import annotations

from flask import render_template, request

from feedback.admin import bp, nav_item
from feedback.auth.roles import Permission, requires
from feedback.services import audit

PER_PAGE = 50


@bp.get("/audit")
@requires(Permission.VIEW_AUDIT)
def audit_log():
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip()[:254]
    # Bounded, so that a huge page number is an empty page, not an overflow in the database.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 1_000_000)
    events, total = audit.events(action=action or None, actor=actor or None, page=page,
                                 per_page=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("admin/audit.html", events=events, total=total, page=page,
                           pages=pages, action=action, actor=actor,
                           actions=audit.actions_recorded())


nav_item(100, "admin.audit_log", "Audit log", Permission.VIEW_AUDIT)
