"""The workspace under ``/admin/``: results, themes, actions, surveys and reports.

Every view declares the permission it needs with
:func:`feedback.auth.roles.requires`; :func:`check_access` runs before each
request, sends anyone not signed in to the sign-in page and refuses any view
that declares no permission. Team managers are further limited to their own
team by :mod:`feedback.admin.scope` in every query that reads results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user

from feedback.auth.roles import Permission, can, required_permission

bp = Blueprint("admin", __name__, url_prefix="/admin")


@dataclass(frozen=True, order=True)
class NavItem:
    order: int
    endpoint: str
    label: str
    permission: Permission
    #: a number shown beside the label, such as new items waiting
    count: Callable[[], int] | None = field(default=None, compare=False)


#: The workspace's navigation, kept in ``order``. Each area adds its own entry:
#: overview 10, results 20, comparisons 30, themes 40, actions 50, safeguarding 55,
#: surveys 60, reports 70, accounts 90, audit log 100.
NAV: list[NavItem] = []


def nav_item(order: int, endpoint: str, label: str, permission: Permission,
             count: Callable[[], int] | None = None) -> None:
    if not any(item.endpoint == endpoint for item in NAV):
        NAV.append(NavItem(order, endpoint, label, permission, count))
        NAV.sort()


@bp.before_request
def check_access():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))
    view = current_app.view_functions.get(request.endpoint or "")
    permission = required_permission(view) if view else None
    if permission is None or not can(current_user.role, permission):
        abort(403)
    return None


@bp.app_context_processor
def workspace_helpers():
    def allowed(permission: Permission) -> bool:
        return current_user.is_authenticated and can(current_user.role, permission)

    def navigation() -> list[NavItem]:
        return [item for item in NAV if allowed(item.permission)
                and item.endpoint in current_app.view_functions]

    return {"allowed": allowed, "navigation": navigation, "Permission": Permission}


# Each area registers its views (and its navigation entry) when imported.
from feedback.admin import (  # noqa: E402,F401
    actions,
    audit_log,
    charts,
    compare,
    erasure,
    exports,
    home,
    overview,
    results,
    safeguarding,
    surveys,
    themes,
    users,
)
