"""Migrations are the schema: ``upgrade head`` must give exactly the models' tables, and
data migrations keep what was there."""

import datetime as dt

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from feedback import database
from feedback.extensions import db
from tests.conftest import fresh_database_url, make_app


def schema_differences():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_head_matches_the_models(app_ctx):
    assert database.is_up_to_date()
    assert schema_differences() == []


def test_downgrade_to_base_and_upgrade_again(tmp_path_factory, tmp_path):
    app = make_app(fresh_database_url(tmp_path_factory, "updown"), tmp_path)
    with app.app_context():
        database.upgrade()
        assert "answer" in inspect(db.engine).get_table_names()
        database.downgrade("base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        database.upgrade()
        assert schema_differences() == []
        db.engine.dispose()


# -- 0005: safeguarding flags become findings of one item per response ----------------------

D = dt.date


def _at_0004(conn) -> None:
    """Four responses: the first with a new and a reviewed flag, the second with one
    decided on, the third with none (its answer in a theme), the fourth with a referred
    and a reviewed flag; decisions with notes, as 0004 stored them."""
    meta = sa.MetaData()
    meta.reflect(conn)
    t = meta.tables
    when = dt.datetime(2026, 11, 1, 9, 0)
    conn.execute(t["survey"].insert(), [{"id": 1, "key": "views", "title": "Your views",
                                         "audience": "young_people", "created_at": when}])
    conn.execute(t["survey_version"].insert(), [{
        "id": 1, "survey_id": 1, "number": 1, "definition": "key: views", "definition_hash":
        "0" * 64, "created_at": when, "frozen_at": when}])
    conn.execute(t["wave"].insert(), [{
        "id": 1, "key": "views-2026", "survey_id": 1, "version_id": 1, "title": "Autumn",
        "opens_on": D(2026, 11, 1), "closes_on": D(2026, 11, 30), "targets": {},
        "requires_code": False}])
    conn.execute(t["response"].insert(), [
        {"id": r, "wave_id": 1, "version_id": 1, "submitted_on": D(2026, 11, r),
         "idempotency_key": f"k{r}", "language": "en"} for r in (1, 2, 3, 4)])
    conn.execute(t["answer"].insert(), [
        {"id": a, "response_id": r, "question_key": q, "text": f"words {a}", "value": None}
        for a, r, q in ((1, 1, "change"), (2, 1, "else"), (3, 2, "change"), (4, 3, "change"),
                        (5, 4, "change"), (6, 4, "else"))])
    conn.execute(t["user"].insert(), [{
        "id": 7, "email": "dsl@example.org", "name": "Grace", "password_hash": "x",
        "role": "safeguarding", "active": True, "created_at": when, "session_version": 1}])
    reasons = [{"category": "bullying", "label": "Bullying", "matched": "picked on"}]
    conn.execute(t["safeguarding_flag"].insert(), [
        {"id": f, "answer_id": a, "raised_on": raised, "reasons": reasons, "status": status,
         "notified": notified}
        for f, a, raised, status, notified in (
            (1, 1, D(2026, 11, 5), "reviewed", True), (2, 2, D(2026, 11, 3), "new", False),
            (3, 3, D(2026, 11, 4), "no_further_action", True),
            (4, 5, D(2026, 11, 6), "referred", True), (5, 6, D(2026, 11, 7), "reviewed", True))])
    conn.execute(t["safeguarding_note"].insert(), [
        {"id": n, "flag_id": f, "at": at, "user_id": 7, "status": status, "note": f"note {n}"}
        for n, f, at, status in (
            (1, 1, dt.datetime(2026, 11, 6, 10), "reviewed"),
            (2, 3, dt.datetime(2026, 11, 8, 9), "no_further_action"),
            (3, 4, dt.datetime(2026, 11, 9, 16), "referred"),
            (4, 5, dt.datetime(2026, 11, 7, 11), "reviewed"))])
    conn.execute(t["theme_run"].insert(), [{
        "id": 1, "survey_id": 1, "question_key": "change", "wave_keys": [], "backend": "tfidf",
        "parameters": {}, "created_at": when, "status": "done", "progress": "",
        "n_comments": 1}])
    conn.execute(t["comment_theme"].insert(), [{
        "id": 1, "run_id": 1, "answer_id": 4, "theme_number": 1, "subtheme_number": 0,
        "pinned": True}])


def _rows(conn, sql: str) -> list[tuple]:
    return [tuple(row) for row in conn.execute(sa.text(sql))]


def _dates(rows: list[tuple]) -> list[tuple]:
    """Dates as ``datetime.date`` (SQLite hands raw text columns back as strings)."""
    return [tuple(D.fromisoformat(v) if isinstance(v, str) and v[:2] == "20" else v
                  for v in row) for row in rows]


def test_flags_become_one_item_per_response_and_go_back_on_downgrade(tmp_path_factory,
                                                                     tmp_path):
    app = make_app(fresh_database_url(tmp_path_factory, "items"), tmp_path)
    with app.app_context():
        database.upgrade("0004")
        with db.engine.begin() as conn:
            _at_0004(conn)
        database.upgrade()
        with db.engine.connect() as conn:
            # the most pressing status (new > referred > reviewed > no further action), the
            # earliest day, notified only if all were, decided the day of the first decision
            assert _dates(_rows(conn, "SELECT response_id, raised_on, status, notified, "
                                      "decided_on FROM safeguarding_item ORDER BY response_id")
                          ) == [(1, D(2026, 11, 3), "new", False, None),
                                (2, D(2026, 11, 4), "no_further_action", True, D(2026, 11, 8)),
                                (4, D(2026, 11, 6), "referred", True, D(2026, 11, 7))]
            items = dict(_rows(conn, "SELECT response_id, id FROM safeguarding_item"))
            assert _rows(conn, "SELECT id, answer_id, item_id FROM safeguarding_flag "
                               "ORDER BY id") == [(1, 1, items[1]), (2, 2, items[1]),
                                                  (3, 3, items[2]), (4, 5, items[4]),
                                                  (5, 6, items[4])]
            assert _rows(conn, "SELECT id, item_id FROM safeguarding_note ORDER BY id") == [
                (1, items[1]), (2, items[2]), (3, items[4]), (4, items[4])]
            # copying tables on SQLite must not take the rows that refer to them along
            assert _rows(conn, "SELECT answer_id, pinned FROM comment_theme") == [(4, True)]
            assert _rows(conn, "SELECT count(*) FROM answer WHERE read_on IS NULL "
                               "AND read_by_id IS NULL") == [(6,)]
        assert schema_differences() == []

        database.downgrade("0004")
        with db.engine.connect() as conn:
            assert _dates(_rows(conn, "SELECT id, raised_on, status, notified FROM "
                                      "safeguarding_flag ORDER BY id")) == [
                (1, D(2026, 11, 3), "new", False), (2, D(2026, 11, 3), "new", False),
                (3, D(2026, 11, 4), "no_further_action", True),
                (4, D(2026, 11, 6), "referred", True), (5, D(2026, 11, 6), "referred", True)]
            assert _rows(conn, "SELECT id, flag_id FROM safeguarding_note ORDER BY id") == [
                (1, 1), (2, 3), (3, 4), (4, 4)]
            assert _rows(conn, "SELECT answer_id, pinned FROM comment_theme") == [(4, True)]
        database.upgrade()
        assert schema_differences() == []
        db.engine.dispose()
