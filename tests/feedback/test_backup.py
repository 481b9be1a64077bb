"""`chorus backup` and `chorus restore`: a round trip gives back every row of every table.

Runs on SQLite, and on PostgreSQL when CHORUS_TEST_DATABASE_URL is set, always on a
scratch database of its own (never the suite's shared one).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url

from feedback import database
from feedback.demo import generate_demo, load_demo
from feedback.extensions import db
from feedback.models import Answer, Draft, Response, Survey, Wave
from feedback.services.access import generate_invitations
from feedback.services.backup import BackupError, backup, libpq_connection, restore
from feedback.services.clock import today
from feedback.services.library import get_survey
from feedback.services.themes import refresh_survey
from tests.conftest import POSTGRES_URL, ChorusRunner, fresh_database_url, make_app
from tests.feedback.respondent import complete, first_answers, start

TODAY = dt.date(2026, 11, 25)
SURVEYS = {"young-people-4-7", "care-leavers"}


@pytest.fixture(scope="module")
def demo_data():
    data = generate_demo(1, TODAY)
    return replace(data, responses=[r for r in data.responses if r.survey_key in SURVEYS])


def scratch_app(tmp_path_factory, name: str, migrate: bool = True):
    url = fresh_database_url(tmp_path_factory, name)
    app = make_app(url, tmp_path_factory.mktemp(f"{name}-instance"))
    if migrate:
        with app.app_context():
            database.upgrade()
    return app


def drop(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        url = db.engine.url
    if url.get_backend_name() == "postgresql":
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def source(tmp_path_factory, demo_data):
    """A scratch database with demo responses, themes, drafts and invitation codes."""
    app = scratch_app(tmp_path_factory, "backup")
    with app.app_context():
        load_demo(demo_data, 1)
        refresh_survey(get_survey("care-leavers"), backend="tfidf", seed=1)
        closed = db.session.scalars(select(Wave).where(Wave.closes_on < today())).first()
        generate_invitations(closed, 3, today())
        db.session.commit()
    client = app.test_client()
    url = start(client, "care-leavers")  # a draft, half answered
    page = client.get(url)
    client.post(url, data={**first_answers(page.text, "I'd like to say <b>more</b>"),
                           "action": "continue"})
    yield app
    drop(app)


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table in the database (not only the models'), in a fixed order."""
    with app.app_context():
        url = db.engine.url
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        rows = {name: sorted((tuple(r) for r in conn.execute(table.select())), key=repr)
                for name, table in metadata.tables.items()}
    engine.dispose()
    return rows


def damage(app) -> None:
    """What a bad day does: responses deleted, a survey renamed, a draft lost."""
    with app.app_context():
        db.session.execute(delete(Answer).where(Answer.response_id.in_(
            select(Response.id).limit(5))))
        db.session.execute(delete(Response).where(~Response.answers.any()))
        db.session.execute(update(Survey).values(title="Renamed by mistake"))
        db.session.execute(delete(Draft))
        db.session.commit()
        db.session.remove()


def test_a_round_trip_gives_back_every_row_of_every_table(source, tmp_path):
    before = snapshot(source)
    assert len(before["response"]) > 50 and before["answer"] and before["draft"]
    assert before["invitation_code"] and before["theme_run"] and before["alembic_version"]

    path = tmp_path / "chorus.backup"
    with source.app_context():
        backup(db.engine.url.render_as_string(hide_password=False), path)
    damage(source)
    assert snapshot(source) != before

    with source.app_context():
        db.engine.dispose()
        restore(db.engine.url.render_as_string(hide_password=False), path)
    after = snapshot(source)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


def test_restored_data_takes_new_responses(source, tmp_path):
    """Sequences (PostgreSQL) and the schema come back too: the app works on afterwards."""
    path = tmp_path / "chorus.backup"
    with source.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        backup(url, path)
        db.session.remove()
        db.engine.dispose()
        restore(url, path)
        before = db.session.scalar(select(func.count(Response.id)))
        assert database.is_up_to_date()
    complete(source.test_client(), "young-people-4-7")
    with source.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == before + 1


def test_a_backup_restores_into_a_new_empty_database(source, tmp_path, tmp_path_factory):
    """Disaster recovery: the backup is all a new server needs."""
    path = tmp_path / "chorus.backup"
    with source.app_context():
        backup(db.engine.url.render_as_string(hide_password=False), path)
    target = scratch_app(tmp_path_factory, "restored", migrate=False)
    try:
        with target.app_context():
            restore(db.engine.url.render_as_string(hide_password=False), path)
        assert snapshot(target) == snapshot(source)
    finally:
        drop(target)


def test_the_cli_backs_up_and_asks_before_restoring(source, tmp_path):
    runner = ChorusRunner(source)
    path = tmp_path / "nightly.backup"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert f"to {path}" in made.output and "MB" in made.output
    before = snapshot(source)

    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code == 1 and "already exists" in again.output

    damage(source)
    damaged = snapshot(source)
    declined = runner.invoke(args=["restore", str(path)], input="n\n")
    assert declined.exit_code == 1 and "Replace everything in" in declined.output
    assert snapshot(source) == damaged, "nothing changes without a yes"
    no_terminal = runner.invoke(args=["restore", str(path)])  # no answer at all
    assert no_terminal.exit_code == 1 and snapshot(source) == damaged

    done = runner.invoke(args=["restore", str(path), "--yes"])
    assert done.exit_code == 0, done.output
    assert "Restored" in done.output and "chorus init" not in done.output
    assert snapshot(source) == before


def test_restore_refuses_a_file_that_is_not_a_backup(source, tmp_path):
    before = snapshot(source)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup\n")
    result = ChorusRunner(source).invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "is not a" in result.output
    assert snapshot(source) == before


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite only")
def test_sqlite_backup_includes_answers_still_in_the_write_ahead_log(source, tmp_path):
    """A file copy of chorus.db would miss them; the online backup does not."""
    with source.app_context():
        db.session.execute(update(Survey).values(title="Only in the WAL so far"))
        db.session.commit()
        holder = db.engine.connect()  # an open connection keeps the WAL from checkpointing
        live = Path(db.engine.url.database)
        try:
            assert os.path.getsize(f"{live}-wal") > 0
            path = backup(db.engine.url.render_as_string(), tmp_path / "live.backup")
        finally:
            holder.close()
    with sqlite3.connect(path) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM survey")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert titles == {"Only in the WAL so far"}
    assert mode == "delete", "a backup is one self-contained file"


def test_postgres_passwords_go_in_the_environment_not_the_command_line():
    url = make_url("postgresql+psycopg://chorus:s3cret@db.internal:5433/chorus?sslmode=require")
    dbname, env = libpq_connection(url)
    assert dbname == "postgresql://chorus@db.internal:5433/chorus?sslmode=require"
    assert env == {"PGPASSWORD": "s3cret"}


def test_an_in_memory_or_unknown_database_is_a_clear_error(tmp_path):
    with pytest.raises(BackupError, match="in-memory"):
        backup("sqlite://", tmp_path / "x.backup")
    with pytest.raises(BackupError, match="mysql"):
        backup("mysql://u@h/db", tmp_path / "x.backup")
