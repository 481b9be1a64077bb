"""The workspace's front door: each role lands where its work is."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from feedback.admin import NAV, bp
from feedback.auth.roles import Permission, can, requires


@bp.get("/")
@requires(Permission.SIGNED_IN)
def home():
    """Send each person to the first area their role can use."""
    for item in NAV:
        if can(current_user.role, item.permission) and item.endpoint != "admin.home":
            return redirect(url_for(item.endpoint))
    return render_template("admin/home.html")
