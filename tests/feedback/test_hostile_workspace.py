"""Hostile input in the workspace: random and adversarial data sent, as an administrator,
to every /admin route never causes a 500 or an error in the log, and a request that is
turned away (400, 403, 404, 405, 413, 429) changes nothing in the database.

Routes are found by walking the app's URL map (as tests/feedback/test_role_matrix.py
does), so a page added later is covered without touching this file. Each route's
valid submission is the form that posts to it, found by reading every workspace page
once; hypothesis then mangles it (tests/feedback/test_hostile_input.py, ``submissions``).
The workspace holds demo data, themes, actions, safeguarding items and a draft
survey, so the views get past their "not found" checks.
"""

from __future__ import annotations

import logging
import re
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, literal, select, union_all

from feedback import create_app
from feedback.demo import load_demo
from feedback.demo.actions import create_demo_actions
from feedback.demo.generate import generate_demo
from feedback.extensions import db
from feedback.models import (
    Action,
    AuditEvent,
    CommentTheme,
    Response,
    Role,
    SafeguardingItem,
)
from feedback.services import survey_editor, theme_edits
from feedback.services.clock import today
from feedback.services.library import get_survey
from feedback.services.themes import refresh_question
from tests.conftest import FreshContextClient, make_app
from tests.feedback.test_hostile_input import (
    ADVERSARIAL,
    HOSTILE_SURVEY,
    HYPOTHESIS,
    SCRIPT,
    hostile_keys,
    hostile_values,
    submissions,
)
from tests.feedback.workspace import make_user, signed_in_client

#: the demo surveys loaded: one with teams (staff), one for young people
SURVEYS = {"staff-annual", "care-leavers"}
THEMED = ("staff-annual", "most_difference")
#: answered when a request is turned away: such a request must change nothing
REJECTED = {400, 403, 404, 405, 413, 429}
#: audit entries that record reading, not changing (a rejected request may still show a page)
READS = {"comments.view", "safeguarding.view", "safeguarding.list", "erasure.search",
         "sign_in.failed"}
#: tables no workspace form changes in place (rows added or removed show in the counts)
NOT_EDITED = {"audit_event", "embedding", "response", "answer", "draft"}
#: ends the walk's session; it has tests of its own (test_auth.py)
SKIPPED = {"auth.sign_out"}
#: what an integer in a path may be sent as
HUGE_NUMBERS = ("0", "00", "2147483648", "9223372036854775808", "9" * 40)
#: names the workspace reads from query strings, besides the fields of its GET forms
QUERY_NAMES = ("wave", "other", "status", "q", "page", "audience", "theme", "sub", "search",
               "overdue", "next", "mode", "actor", "action", "group", "team", "lang", "format")
#: in a learned form, the name of its CSRF field (a form with a prefix has its own name)
TOKEN_NAME = "\x00token name"
#: pages the walk does not reach by itself (a form's second step)
EXTRA_PAGES = ("/admin/actions/new?audience=staff",)


@dataclass
class Workspace:
    app: Flask
    admin_id: int
    #: a real value for every URL argument
    arguments: dict[str, object]
    #: path -> the URL a form posts to and a valid submission of it (without the token)
    forms: dict[str, tuple[str, dict[str, list[str]]]] = field(default_factory=dict)
    #: names of the fields of GET forms (filters), used as query string keys
    query_names: set[str] = field(default_factory=set)
    #: tables with too many rows to compare row by row (their counts are compared)
    big_tables: set[str] = field(default_factory=set)
    #: the database as the last request turned away left it, if nothing was sent since
    last: dict[str, object] | None = None

    def client(self) -> FreshContextClient:
        return signed_in_client(self.app, self.admin_id)


# -- reading forms -------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The forms of a page: method, action and what a browser would send as they are."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append((a.get("method", "get").lower(), a.get("action", ""), self._form))
        if self._form is None:
            return
        if tag == "option":
            self._option(a)
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "radio" and ("checked" in a or name not in self._form):
                self._form[name] = [a.get("value", "on")]
            elif kind == "checkbox" and ("checked" in a or name not in self._form):
                self._form.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("radio", "checkbox", "submit", "button", "file", "image",
                              "reset"):
                self._form.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and a.get("value"):
            self._form.setdefault(name, [a["value"]])
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "textarea":
            self._textarea = name
            self._form[name] = [""]

    def _option(self, a: dict[str, str]) -> None:
        if self._select is None or self._form is None:
            return
        value = a.get("value", "")
        if self._select_first is None and value:
            self._select_first = value
        if "selected" in a:
            self._form[self._select] = [value]
            self._select_chosen = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form[self._select] = [self._select_first]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[self._textarea][0] += data


def read_forms(html: str) -> list[tuple[str, str, dict[str, list[str]]]]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


# -- the workspace -------------------------------------------------------------------------


def workspace_rules(app: Flask, method: str) -> list:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/admin") and method in rule.methods
                   and rule.endpoint not in SKIPPED), key=lambda rule: rule.rule)


_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def build(rule, arguments: dict[str, object], **changed: str) -> str:
    """The rule's URL with ``arguments`` (quoted), ``changed`` ones put in as they are."""
    def value(match: re.Match) -> str:
        name = match.group(2)
        if name in changed:
            return changed[name]
        assert name in arguments, f"add a value for {name} (route {rule.rule})"
        return urllib.parse.quote(str(arguments[name]), safe="")
    return _ARGUMENT.sub(value, rule.rule)


def string_arguments(rule) -> list[str]:
    return [m.group(2) for m in _ARGUMENT.finditer(rule.rule)
            if m.group(1) in (None, "string", "default")]


def int_arguments(rule) -> list[str]:
    return [m.group(2) for m in _ARGUMENT.finditer(rule.rule) if m.group(1) == "int"]


def _fill(app: Flask) -> tuple[int, dict[str, object]]:
    """Demo data, themes, actions, flags, accounts and a draft survey; the URL arguments."""
    data = generate_demo(1, today())
    load_demo(replace(data, responses=[r for r in data.responses if r.survey_key in SURVEYS]),
              1)
    survey = get_survey(THEMED[0])
    run = refresh_question(survey, THEMED[1], backend="tfidf", seed=0).run
    refresh_question(get_survey("care-leavers"), "could_be_better", backend="tfidf", seed=0)
    create_demo_actions(today())
    survey_editor.create_from_text(HOSTILE_SURVEY, "hostile.yaml")
    db.session.commit()
    admin = make_user(Role.ADMIN, email="admin@example.org")
    viewer = make_user(Role.VIEWER, email="viewer@example.org")
    theme = next(t for t in theme_edits.active_themes(run) if not t.is_non_answer)
    answer_id = db.session.scalar(select(CommentTheme.answer_id).where(
        CommentTheme.run_id == run.id, CommentTheme.theme_number == theme.number).limit(1))
    definition = survey_editor.working_definition(survey_editor.find(THEMED[0]))
    arguments = {
        "user_id": viewer.id, "survey_key": THEMED[0], "wave_key": f"{THEMED[0]}-2026",
        "question_key": THEMED[1], "number": theme.number, "run_id": run.id,
        "action_id": db.session.scalar(select(func.min(Action.id))),
        "item_id": db.session.scalar(select(func.min(SafeguardingItem.id))),
        "section_key": definition.sections[0].key, "page_key": definition.sections[0].key,
        "index": 0, "fmt": "svg", "answer_id": answer_id,
        "response_id": db.session.scalar(select(func.min(Response.id))),
    }
    return admin.id, arguments


def _learn_forms(space: Workspace) -> None:
    """Read every workspace page once: the forms that post, and the filters of GET forms."""
    client = space.client()
    pages = [build(rule, space.arguments) for rule in workspace_rules(space.app, "GET")]
    for url in [*EXTRA_PAGES, *pages]:
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.content_type:
            continue
        for method, action, fields in read_forms(page.text):
            for name in [n for n in fields if n.endswith("csrf_token")]:
                fields[TOKEN_NAME] = [name]  # where the form wants its token
                del fields[name]
            if method == "post":
                target = action or url
                space.forms.setdefault(target.split("?")[0], (target, fields))
            else:
                space.query_names.update(fields)


@pytest.fixture(scope="module")
def workspace(database_url, tmp_path_factory) -> Iterator[Workspace]:
    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        admin_id, arguments = _fill(app)
        space = Workspace(app, admin_id, arguments)
        space.big_tables = {t.name for t in db.metadata.sorted_tables
                            if db.session.scalar(select(func.count()).select_from(t)) > 2000}
    _learn_forms(space)
    yield space
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def snapshot(space: Workspace) -> dict[str, object]:
    """The number of rows of every table, every row of the tables the workspace edits in
    place, and the newest audit entry (the audit log is compared apart)."""
    with space.app.app_context():
        db.session.remove()
        tables = db.metadata.sorted_tables
        counts = union_all(*(select(literal(t.name).label("name"),
                                    func.count().label("n")).select_from(t) for t in tables))
        seen: dict[str, object] = dict(tuple(row) for row in db.session.execute(counts))
        seen[AuditEvent.__tablename__] = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        for table in tables:
            if table.name not in space.big_tables and table.name not in NOT_EDITED:
                seen[table.name + " rows"] = [tuple(row) for row in db.session.execute(
                    select(table).order_by(*table.primary_key.columns))]
        return seen


def changes(space: Workspace, before: dict[str, object]
            ) -> tuple[dict[str, object], dict[str, object]]:
    """What differs from ``before`` (leaving out audit entries that record reading), and
    the state now."""
    after = snapshot(space)
    changed = {name: (before[name], after[name]) for name in before
               if name != AuditEvent.__tablename__ and before[name] != after[name]}
    with space.app.app_context():
        written = set(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.id > before[AuditEvent.__tablename__]))) - READS
        db.session.remove()
    if written:
        changed["audit entries"] = sorted(written)
    return changed, after


def assert_no_error_logged(records: list[logging.LogRecord], where: str) -> None:
    errors = [r.getMessage()[:300] for r in records if r.levelno >= logging.ERROR]
    assert errors == [], where


def post_rules(space: Workspace) -> list:
    return workspace_rules(space.app, "POST")


def test_the_walk_finds_the_workspace_and_its_forms(workspace):
    """The walk proves something only if it reaches the forms of the workspace."""
    urls = {build(rule, workspace.arguments) for rule in post_rules(workspace)}
    found = urls & set(workspace.forms)
    assert len(urls) >= 25
    assert len(found) >= 0.75 * len(urls), sorted(urls - found)
    assert {"/admin/actions/new", "/admin/users/new", "/admin/surveys/upload",
            "/admin/exports/responses"} <= set(workspace.forms)
    assert {"status", "wave"} <= workspace.query_names


# -- posting -------------------------------------------------------------------------------


def _endpoints(method: str) -> list[str]:
    """The workspace's endpoints, read from an app made at collection time (no database)."""
    with tempfile.TemporaryDirectory(prefix="chorus-routes-") as instance:
        app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"},
                         instance_path=instance)
        return [rule.endpoint for rule in workspace_rules(app, method)]


POST_ENDPOINTS = _endpoints("POST")
GET_ENDPOINTS = _endpoints("GET")


def rule_of(space: Workspace, endpoint: str):
    return next(r for r in space.app.url_map.iter_rules() if r.endpoint == endpoint)


def form_of(space: Workspace, rule) -> tuple[str, dict[str, list[str]]]:
    """Where the route's form posts to (with its query string) and what it sends."""
    url = build(rule, space.arguments)
    return space.forms.get(url, (url, {}))


def fresh_token(client) -> str:
    return csrf_token(client.get("/admin/account/password").text)


def check(space: Workspace, client, url: str, records, *, method: str = "GET",
          must_refuse: bool = False, **request) -> int:
    """Send one request: never a 500 nor a logged error; turned away, nothing changed."""
    # The state after a request turned away is the state before the next one.
    before = (space.last or snapshot(space)) if method != "GET" else {}
    space.last = None
    del records[:]
    response = client.open(url, method=method, **request)
    where = f"{method} {url[:300]}"
    assert response.status_code < 500, (where, response.status_code)
    assert_no_error_logged(records, where)
    if must_refuse:
        assert response.status_code == 400, (where, response.status_code)
    if method != "GET" and response.status_code in REJECTED:
        changed, space.last = changes(space, before)
        assert changed == {}, where
    return response.status_code


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_hostile_posts_never_fail_and_rejected_ones_change_nothing(workspace, endpoint,
                                                                   caplog):
    caplog.set_level(logging.ERROR)
    rule = rule_of(workspace, endpoint)
    url, valid_fields = form_of(workspace, rule)

    @settings(HYPOTHESIS, max_examples=10)
    @given(data=st.data())
    def post_something(data):
        client = workspace.client()
        fields = dict(valid_fields)
        token_name = fields.pop(TOKEN_NAME, ["csrf_token"])[0]
        csrf, request = data.draw(submissions({**fields, "csrf_token": [fresh_token(client)]}))
        form = request.get("data")
        if isinstance(form, dict) and "csrf_token" in form:
            form[token_name] = form.pop("csrf_token")
        check(workspace, client, url, caplog.records, method="POST",
              must_refuse=csrf != "valid", **request)

    post_something()


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_each_field_of_a_valid_form_with_nul_or_a_huge_number_never_fails(workspace, endpoint,
                                                                         caplog):
    """The rest of the form valid, so the value gets as far as the database."""
    caplog.set_level(logging.ERROR)
    url, fields = form_of(workspace, rule_of(workspace, endpoint))
    token_name = fields.get(TOKEN_NAME, ["csrf_token"])[0]
    fields = {k: v for k, v in fields.items() if k != TOKEN_NAME}
    client = workspace.client()
    token = fresh_token(client)
    for name in fields:
        for value in ((fields[name][0] if fields[name] else "") + "\x00", "9" * 30):
            check(workspace, client, url, caplog.records, method="POST",
                  data={**fields, name: value, token_name: token})


#: what a path argument that takes any text may be sent as
path_texts = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from([*ADVERSARIAL, "..", "\x00", "%ff", "x" * 3000, "staff-annual",
                     "care-leavers", "hostile-test", "staff-annual-2025", "most_difference",
                     "could_be_better", "about", "svg", "png", "pdf", "csv"]).filter(bool),
)
raw_path_texts = st.sampled_from(["%ff", "%c0%af", "%00", "%2e%2e", "%zz", "%", "%2f", "~",
                                  "%E2%82"])


@st.composite
def paths(draw, rule, arguments: dict[str, object]) -> str:
    changed: dict[str, str] = {}
    for name in string_arguments(rule):
        if draw(st.booleans()):
            changed[name] = draw(st.one_of(
                path_texts.map(lambda t: urllib.parse.quote(t, safe="")), raw_path_texts))
    for name in int_arguments(rule):
        if draw(st.booleans()):
            changed[name] = draw(st.sampled_from(HUGE_NUMBERS))
    return build(rule, arguments, **changed)


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_hostile_query_strings_and_paths_never_fail(workspace, endpoint, caplog):
    caplog.set_level(logging.ERROR)
    rule = rule_of(workspace, endpoint)
    names = sorted(workspace.query_names | set(QUERY_NAMES))
    client = workspace.client()

    @settings(HYPOTHESIS, max_examples=8)
    @given(path=paths(rule, workspace.arguments),
           query=st.lists(st.tuples(st.one_of(st.sampled_from(names), hostile_keys),
                                    hostile_values.filter(lambda v: len(v) < 2000)),
                          max_size=4))
    def get_something(path, query):
        url = path + "?" + urllib.parse.urlencode(query)
        check(workspace, client, url, caplog.records)

    get_something()


#: values every query string name gets in turn, besides the random ones
NASTY = ("\x00", "a\x00b", "9" * 30, "-1", "%ff", "\udcff", SCRIPT, "x" * 5000, "")


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_every_query_name_with_nasty_values_never_fails(workspace, endpoint, caplog):
    """Every name the workspace reads set to each nasty value."""
    caplog.set_level(logging.ERROR)
    rule = rule_of(workspace, endpoint)
    url = build(rule, workspace.arguments)
    names = sorted(workspace.query_names | set(QUERY_NAMES))
    client = workspace.client()
    for i, value in enumerate(NASTY):
        same = {name: value for name in names}
        # every name gets every value once, each time beside different others
        mixed = {name: NASTY[(i + j) % len(NASTY)] for j, name in enumerate(names)}
        for query in (same, mixed):
            check(workspace, client, url + "?" + urllib.parse.urlencode(
                query, errors="surrogatepass"), caplog.records)


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_posts_to_adversarial_paths_never_fail_and_change_nothing(workspace, endpoint,
                                                                   caplog):
    caplog.set_level(logging.ERROR)
    rule = rule_of(workspace, endpoint)
    if not string_arguments(rule) and not int_arguments(rule):
        pytest.skip("no arguments in the path")
    client = workspace.client()
    token = fresh_token(client)

    @settings(HYPOTHESIS, max_examples=5)
    @given(path=paths(rule, workspace.arguments))
    def post_to(path):
        fields = {k: v for k, v in form_of(workspace, rule)[1].items() if k != TOKEN_NAME}
        if path == build(rule, workspace.arguments):
            return  # the route itself: the test above
        check(workspace, client, path, caplog.records, method="POST",
              data={**fields, "csrf_token": token})

    post_to()


def test_odd_methods_on_every_workspace_route_change_nothing(workspace, caplog):
    caplog.set_level(logging.ERROR)
    client = workspace.client()
    token = fresh_token(client)
    before = snapshot(workspace)
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"):
        for rule in workspace_rules(workspace.app, "GET") + workspace_rules(workspace.app,
                                                                            "POST"):
            url = build(rule, workspace.arguments)
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == (200 if method == "OPTIONS" else 405), (method, url)
            assert_no_error_logged(caplog.records, f"{method} {url}")
    assert changes(workspace, before)[0] == {}
