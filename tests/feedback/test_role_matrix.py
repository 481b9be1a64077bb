"""Every workspace route against every role: the role table in feedback/auth/roles.py
is the only thing that decides who gets in, and nothing is reachable by accident.

Routes are found by walking the app's URL map, so a page added later is covered
without touching this file; a route whose argument has no sample value below
fails the test until one is added.
"""

from __future__ import annotations

import pytest
from flask import url_for

from feedback.auth.roles import ROLE_PERMISSIONS, Permission, required_permission
from feedback.models import Role
from tests.feedback.workspace import make_user, sign_in

#: a value for every URL argument a workspace route may take; they need not exist
#: (a 404 after the role check still shows the role was let in)
SAMPLE_ARGUMENTS = {
    "user_id": 1, "survey_key": "staff-annual", "wave_key": "staff-annual-2025",
    "question_key": "improve", "theme_number": 1, "number": 1, "run_id": 1, "action_id": 1,
    "item_id": 1, "audience": "staff", "key": "staff-annual", "page": 1, "fmt": "csv",
    "format": "csv", "chart": "agreement", "version": 1, "code": "x", "section_key": "about",
    "page_key": "about", "index": 0, "team": "north", "kind": "png", "job_id": "x",
    "answer_id": 1, "response_id": 1, "filename": "chorus.css", "version_number": 1, "position": 0,
}

#: endpoints outside the role table: signing in is for everyone
PUBLIC_ENDPOINTS = {"auth.sign_in"}
#: signing out ends the walk's own session; it has tests of its own (test_auth.py)
SKIPPED_ENDPOINTS = {"auth.sign_out"}


def workspace_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/admin")
                   and rule.endpoint not in PUBLIC_ENDPOINTS | SKIPPED_ENDPOINTS),
                  key=lambda rule: rule.rule)


def build(app, rule) -> str:
    missing = [a for a in rule.arguments if a not in SAMPLE_ARGUMENTS]
    assert not missing, f"add sample values for {missing} (route {rule.rule})"
    with app.test_request_context():
        return url_for(rule.endpoint, **{a: SAMPLE_ARGUMENTS[a] for a in rule.arguments})


def method_of(rule) -> str:
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


@pytest.fixture
def matrix_app(app):
    # CSRF off (read per request) so that a POST reaches the role check; CSRF has tests
    # of its own.
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_every_admin_view_declares_one_permission(app):
    undeclared = [rule.endpoint for rule in workspace_rules(app)
                  if rule.endpoint.startswith("admin.")
                  and required_permission(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


def test_the_workspace_has_pages_for_every_role(app):
    # Sanity check on the walk below: it must find the areas, or it proves nothing.
    endpoints = {rule.endpoint for rule in workspace_rules(app)}
    assert {"admin.home", "admin.users", "admin.audit_log", "auth.change_password"} <= endpoints


def test_anyone_not_signed_in_is_sent_to_sign_in(matrix_app):
    client = matrix_app.test_client()
    for rule in workspace_rules(matrix_app):
        response = client.open(build(matrix_app, rule), method=method_of(rule))
        assert response.status_code == 302, rule.rule
        assert "/admin/sign-in" in response.location, rule.rule


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_reaches_exactly_what_its_permissions_allow(matrix_app, role):
    client = matrix_app.test_client()
    with matrix_app.app_context():
        user = make_user(role)
        sign_in(client, user)
    allowed = ROLE_PERMISSIONS[role]
    wrong = []
    for rule in workspace_rules(matrix_app):
        view = matrix_app.view_functions[rule.endpoint]
        permission = required_permission(view)
        should_enter = permission is None or permission in allowed  # auth.* pages: signed in
        response = client.open(build(matrix_app, rule), method=method_of(rule))
        entered = response.status_code not in (401, 403) and not (
            response.status_code == 302 and "/admin/sign-in" in (response.location or ""))
        if entered != should_enter or response.status_code >= 500:
            wrong.append((rule.rule, method_of(rule), response.status_code, should_enter))
    assert wrong == []


#: the safeguarding queue, an item (the whole response), the answers to read and raising
#: a concern: children's words in full, for the safeguarding lead (and administrators)
SAFEGUARDING_ENDPOINTS = {"admin.safeguarding", "admin.safeguarding_item",
                          "admin.safeguarding_to_read", "admin.safeguarding_raise"}


def test_the_safeguarding_pages_are_for_the_safeguarding_lead_only(app):
    endpoints = {rule.endpoint for rule in workspace_rules(app)}
    assert endpoints >= SAFEGUARDING_ENDPOINTS
    for endpoint in SAFEGUARDING_ENDPOINTS:
        assert required_permission(app.view_functions[endpoint]) is Permission.SAFEGUARDING
    assert {role for role, allowed in ROLE_PERMISSIONS.items()
            if Permission.SAFEGUARDING in allowed} == {Role.SAFEGUARDING, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_meets_the_safeguarding_pages_as_its_permissions_say(matrix_app, role):
    """GET and POST to every safeguarding route: refused, or let in, and never a 500."""
    client = matrix_app.test_client()
    with matrix_app.app_context():
        sign_in(client, make_user(role))
    let_in = Permission.SAFEGUARDING in ROLE_PERMISSIONS[role]
    for rule in workspace_rules(matrix_app):
        if rule.endpoint not in SAFEGUARDING_ENDPOINTS:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(build(matrix_app, rule), method=method)
            assert response.status_code < 500, (rule.rule, method)
            assert (response.status_code != 403) == let_in, (rule.rule, method)
