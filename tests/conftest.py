"""Fixtures shared by every test: an app per test on a database migrated once.

The database is SQLite by default. Set ``CHORUS_TEST_DATABASE_URL`` to a
PostgreSQL URL (``.ci/run`` does) to run the same tests on PostgreSQL; each
pytest-xdist worker then gets a database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from feedback import create_app, database
from feedback.extensions import db

POSTGRES_URL = os.environ.get("CHORUS_TEST_DATABASE_URL", "")
#: The safeguarding screen's example-bank vectors, shared by every test app and run:
#: embedding the bank takes a minute or two; reading this file, a second.
SCREEN_VECTORS = Path(__file__).resolve().parents[1] / ".pytest_cache" / "chorus" / \
    "screen-vectors.npz"


def _worker() -> str:
    """This process's part of a database name: the xdist worker, after the run's tag.

    ``CHORUS_TEST_DATABASE_TAG`` keeps two runs on one PostgreSQL server (two checkouts,
    or two people) from dropping each other's databases."""
    tag = os.environ.get("CHORUS_TEST_DATABASE_TAG", "")
    return f"{tag}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}".lstrip("_")


def fresh_postgres_database(name: str) -> str:
    """Drop and create database ``name`` on the test server; returns its URL."""
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def fresh_database_url(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    """A new, empty database on whichever server the suite runs against."""
    if POSTGRES_URL:
        return fresh_postgres_database(f"chorus_{name}_{_worker()}")
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'chorus.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head once per test session (and xdist worker)."""
    url = fresh_database_url(tmp_path_factory, "suite")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"},
                     instance_path=tmp_path_factory.mktemp("instance"))
    with app.app_context():
        database.upgrade()
        db.engine.dispose()
    return url


def make_app(database_url: str, instance_path, **overrides):
    # Tests post many times from 127.0.0.1; tests of the limits turn them back on.
    settings = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                "RATELIMIT_ENABLED": False, "SAFEGUARDING_VECTORS_FILE": str(SCREEN_VECTORS)}
    settings.update(overrides)
    return create_app(settings, instance_path=instance_path)


@pytest.fixture
def app(database_url: str, tmp_path, request) -> Iterator:
    """A fresh app on the session database; every table is emptied afterwards.

    Settings can be changed per test with
    ``@pytest.mark.parametrize("app", [{"NAME": value}], indirect=True)``.
    """
    application = make_app(database_url, tmp_path / "instance", **getattr(request, "param", {}))
    application.test_client_class = FreshContextClient
    yield application
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


class FreshContextClient(FlaskClient):
    """A test client whose requests never share ``flask.g``.

    Tests that hold an app context (to query the database) would otherwise
    make every request reuse that context's ``g``, so one client's cached
    CSRF token would leak into another client's pages.
    """

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


class ChorusRunner(FlaskCliRunner):
    """Runs the ``chorus`` command (not ``flask``) against the test's app."""

    def invoke(self, cli=None, args=None, **kwargs):
        from feedback.cli import main

        return super().invoke(cli or main, args, **kwargs)


@pytest.fixture
def runner(app):
    return ChorusRunner(app)
