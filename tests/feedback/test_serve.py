"""Production serving: gunicorn starts, answers /healthz, logs no query strings and stops
cleanly on SIGTERM; SQLite runs in WAL mode with a busy timeout; PostgreSQL uses a pool."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from feedback import _engine_options, serving
from feedback.extensions import db
from tests.conftest import SCREEN_VECTORS, make_app

CHORUS = Path(sys.executable).with_name("chorus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, deadline: float) -> bytes:
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError as e:
            last = e
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time: {last}")


def test_production_server_answers_healthz_and_stops_cleanly_on_sigterm(database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "CHORUS_DATABASE_URL": database_url,
           "CHORUS_INSTANCE_PATH": str(tmp_path), "CHORUS_SECRET_KEY": "serve-test",
           "CHORUS_SAFEGUARDING_VECTORS_FILE": str(SCREEN_VECTORS)}
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen([str(CHORUS), "serve", "--production", "--port", str(port),
                               "--workers", "2", "--graceful-timeout", "5"],
                              stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    try:
        # the master builds the safeguarding screen before it forks (the example bank's
        # vectors are shared by the test run; the first build embeds them, a minute or two)
        body = wait_for(f"http://127.0.0.1:{port}/healthz?private=query-text",
                        time.monotonic() + 240)
        assert b'"database":"ok"' in body and b'"status":"ok"' in body
        assert b'"safeguarding_screen":"phrase lists and meaning"' in body
        wait_for(f"http://127.0.0.1:{port}/help", time.monotonic() + 10)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    log.seek(0)
    output = log.read()
    assert output.count("Booting worker") == 2
    assert '"GET /healthz" 200' in output
    assert "query-text" not in output and "private" not in output  # no query strings
    assert "127.0.0.1 -" not in output  # no client addresses
    assert "Shutting down" in output


def test_gunicorn_options_give_a_graceful_timeout_and_a_private_access_log():
    options = serving.gunicorn_options("127.0.0.1", 8000, workers=3, threads=4,
                                       graceful_timeout=20)
    assert options["workers"] == 3 and options["graceful_timeout"] == 20
    assert options["bind"] == ["127.0.0.1:8000"] and not options["preload_app"]
    for field in ("%(h)s", "%(r)s", "%(q)s", "%(a)s", "%(f)s"):
        assert field not in options["access_log_format"]
    assert "%(U)s" in options["access_log_format"]  # the path without its query string
    assert serving.default_workers() >= 3


@pytest.fixture
def sqlite_app(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    app = make_app(database_url, tmp_path / "instance")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_writer_waits_for_another_instead_of_failing(sqlite_app):
    """Two workers writing at once: the second waits (busy timeout), it is not refused."""
    with sqlite_app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS busy_probe (n INTEGER)"))
        locked = threading.Event()

        def hold_the_write_lock() -> None:
            with sqlite_app.app_context(), db.engine.connect() as holder:
                holder.exec_driver_sql("BEGIN IMMEDIATE")
                holder.exec_driver_sql("INSERT INTO busy_probe VALUES (1)")
                locked.set()
                time.sleep(0.5)
                holder.exec_driver_sql("COMMIT")

        other = threading.Thread(target=hold_the_write_lock)
        other.start()
        try:
            assert locked.wait(timeout=10)
            started = time.monotonic()
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO busy_probe VALUES (2)"))
            waited = time.monotonic() - started
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT n FROM busy_probe ORDER BY n")).scalars().all()
            assert rows == [1, 2] and waited >= 0.3
        finally:
            other.join(timeout=10)
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE busy_probe"))


def test_postgresql_uses_a_pool_of_the_configured_size(database_url, tmp_path):
    options = _engine_options("postgresql+psycopg://u@h/db", 7)
    assert options["pool_size"] == 7 and options["pool_pre_ping"]
    if not database_url.startswith("postgresql"):
        return
    app = make_app(database_url, tmp_path / "instance", DATABASE_POOL_SIZE=3)
    with app.app_context():
        assert isinstance(db.engine.pool, QueuePool)
        assert db.engine.pool.size() == 3
        db.engine.dispose()
