"""Signing in and out, passwords, session expiry, accounts and the audit log."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import AuditEvent, Role, User
from feedback.services import ServiceError, accounts
from feedback.services.accounts import PasswordError
from feedback.services.library import store_definition
from tests.factories import SMALL_SURVEY_YAML
from tests.feedback.workspace import PASSWORD, make_user, sign_in


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def post_sign_in(client, email: str, password: str, next_path: str = ""):
    token = csrf(client, "/admin/sign-in")
    url = "/admin/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_with_the_right_password_lands_in_the_workspace(app, client):
    with app.app_context():
        make_user(Role.ADMIN, email="ada@example.org")
    response = post_sign_in(client, "ADA@example.org ", PASSWORD)
    assert response.status_code == 302 and response.location == "/admin/"
    assert client.get("/admin/users").status_code == 200
    assert audit_actions(app) == ["sign_in"]


def test_a_wrong_password_or_unknown_email_says_the_same_and_is_audited(app, client):
    with app.app_context():
        make_user(Role.LEAD, email="lead@example.org")
    wrong = post_sign_in(client, "lead@example.org", "not the password")
    unknown = post_sign_in(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The email address or password is not right" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert audit_actions(app) == ["sign_in.failed", "sign_in.failed"]


def test_a_deactivated_account_cannot_sign_in(app, client):
    with app.app_context():
        make_user(Role.LEAD, email="gone@example.org", active=False)
    assert post_sign_in(client, "gone@example.org", PASSWORD).status_code == 400


def test_next_only_ever_leads_inside_the_workspace(app, client):
    with app.app_context():
        make_user(Role.ADMIN)
    response = post_sign_in(client, "admin@example.org", PASSWORD, "//evil.example/admin")
    assert response.location == "/admin/"
    client.post("/admin/sign-out", data={"csrf_token": csrf(client, "/admin/account/password")})
    response = post_sign_in(client, "admin@example.org", PASSWORD, "/admin/audit")
    assert response.location == "/admin/audit"


def test_sign_out_ends_the_session_and_needs_a_post(app, client):
    with app.app_context():
        user = make_user(Role.ADMIN)
    sign_in(client, user)
    assert client.get("/admin/sign-out").status_code == 405
    token = csrf(client, "/admin/account/password")
    assert client.post("/admin/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/users").status_code == 302


def test_an_idle_session_ends(app, client):
    with app.app_context():
        user = make_user(Role.ADMIN)
    sign_in(client, user)
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/admin/sign-in" in response.location
    assert client.get("/admin/users").status_code == 302  # and stays ended


def test_a_session_ends_after_its_longest_life_however_busy(app, client):
    with app.app_context():
        user = make_user(Role.ADMIN)
    sign_in(client, user)
    with client.session_transaction() as session:
        session["started"] = time.time() - 11 * 3600
    assert client.get("/admin/users").status_code == 302


def test_changing_the_password_ends_other_sessions_but_not_this_one(app):
    with app.app_context():
        user = make_user(Role.LEAD)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    token = csrf(here, "/admin/account/password")
    response = here.post("/admin/account/password", data={
        "current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase",
        "csrf_token": token})
    assert response.status_code == 302
    assert here.get("/admin/account/password").status_code == 200
    assert elsewhere.get("/admin/account/password").status_code == 302
    with app.app_context():
        assert accounts.authenticate("lead@example.org", "a brand new passphrase") is not None


@pytest.mark.parametrize("current, new, message", [
    ("wrong one", "a brand new passphrase", "Your current password is not right"),
    (PASSWORD, "short", "Use at least 12 characters"),
    (PASSWORD, "password1234", "too easy to guess"),
])
def test_password_change_mistakes_are_explained(app, client, current, new, message):
    with app.app_context():
        user = make_user(Role.LEAD)
    sign_in(client, user)
    token = csrf(client, "/admin/account/password")
    response = client.post("/admin/account/password", data={
        "current": current, "new": new, "confirm": new, "csrf_token": token})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2_hashes(app_ctx):
    user = accounts.create_user("sam@example.org", "Sam", Role.LEAD, "three random words")
    assert user.password_hash.startswith("$argon2id$")
    assert "three random words" not in user.password_hash


def test_team_managers_need_a_team_and_only_they_have_one(app_ctx):
    with pytest.raises(ServiceError, match="needs a team"):
        accounts.create_user("m@example.org", "M", Role.MANAGER, "three random words")
    with pytest.raises(ServiceError, match="Only team managers"):
        accounts.create_user("l@example.org", "L", Role.LEAD, "three random words", team="x")
    with pytest.raises(PasswordError):
        accounts.create_user("p@example.org", "P", Role.LEAD, "p@example.org-long")


def test_a_role_change_is_audited_and_ends_that_persons_sessions(app):
    with app.app_context():
        store_definition(SMALL_SURVEY_YAML)  # its team question names North and South
        admin = make_user(Role.ADMIN)
        lead = make_user(Role.LEAD)
        lead_id = lead.id
    admin_client, lead_client = app.test_client(), app.test_client()
    sign_in(admin_client, admin)
    sign_in(lead_client, lead)
    assert lead_client.get("/admin/account/password").status_code == 200
    token = csrf(admin_client, f"/admin/users/{lead_id}")
    response = admin_client.post(f"/admin/users/{lead_id}", data={
        "name": "Lead", "email": "lead@example.org", "role": "manager", "team": "north",
        "active": "y", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert lead_client.get("/admin/account/password").status_code == 302
    with app.app_context():
        changed = db.session.get(User, lead_id)
        assert (changed.role, changed.team) == ("manager", "north")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
        assert event.actor == "admin@example.org"
        assert event.detail == {"before": ["lead", None], "after": ["manager", "north"]}


def test_the_audit_log_lists_and_filters_entries_for_admins(app, client):
    with app.app_context():
        admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    post_sign_in(app.test_client(), "nobody@example.org", "whatever")
    page = client.get("/admin/audit?action=sign_in.failed").get_data(as_text=True)
    assert "1 entry" in page and "nobody@example.org" in page


def test_users_cli_creates_the_first_administrator(app, runner, monkeypatch):
    monkeypatch.setenv("CHORUS_NEW_PASSWORD", "three random words")
    result = runner.invoke(args=["users", "create", "--email", "First@Example.org",
                                 "--name", "First Admin"])
    assert result.exit_code == 0, result.output
    assert "Created first@example.org (Administrator)" in result.output
    result = runner.invoke(args=["users", "create", "--email", "first@example.org"])
    assert result.exit_code != 0 and "already an account" in result.output
    result = runner.invoke(args=["users", "set-role", "first@example.org", "manager"])
    assert result.exit_code != 0 and "needs a team" in result.output
    result = runner.invoke(args=["users", "list"])
    assert "first@example.org\tadmin\tactive" in result.output
    with app.app_context():
        assert audit_actions(app) == ["user.create"]
        event = db.session.scalar(select(AuditEvent))
        assert event.actor == "command line"


def test_a_nul_in_the_sign_in_form_is_refused_not_a_server_error(app, client):
    # PostgreSQL cannot compare text holding NUL; the request never reaches the query.
    token = csrf(client, "/admin/sign-in")
    response = client.post("/admin/sign-in", data={
        "email": "a\x00@example.org", "password": "x", "csrf_token": token})
    assert response.status_code == 400
