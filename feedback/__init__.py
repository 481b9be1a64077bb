"""The Chorus web application: app factory, models, forms, admin, CLI and jobs."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from feedback import config, i18n, ratelimit, security
from feedback.extensions import csrf, db
from feedback.i18n import LANGUAGES, current_language, long_date, survey_language

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(test_config: Mapping[str, Any] | None = None,
               instance_path: str | os.PathLike[str] | None = None) -> Flask:
    """Build the application.

    Configuration is layered: defaults, the instance file ``chorus.toml``,
    ``CHORUS_*`` environment variables, then ``test_config``.
    """
    instance = instance_path or os.environ.get("CHORUS_INSTANCE_PATH")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()) if instance else None,
                instance_relative_config=True, template_folder=str(TEMPLATES))
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    settings = config.defaults()
    settings.update(config.from_instance_file(Path(app.instance_path)))
    settings.update(config.from_environment(os.environ))
    settings.update(test_config or {})
    app.config.update(settings)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.secret_key(Path(app.instance_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("SQLALCHEMY_DATABASE_URI") or \
        config.database_uri(app.config["DATABASE_URL"], Path(app.instance_path))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], int(app.config["DATABASE_POOL_SIZE"])))

    _configure_logging(app)
    db.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language,
                                 survey_language=survey_language)
    app.jinja_env.filters["longdate"] = long_date
    _register_sqlite_pragmas(app)

    from feedback import admin, auth, errors, health, policies, public, respond

    app.register_blueprint(health.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(policies.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(respond.exit_bp)
    auth.init_app(app)
    app.register_blueprint(admin.bp)
    errors.register(app)
    return app


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` within a database integer's range: a huge id in a URL is a 404,
    not an overflow in the database driver (a 500)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = 2**31 - 1, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class TextConverter(UnicodeConverter):
    """A path segment without NUL, which no key has and PostgreSQL cannot store or compare
    (``/admin/surveys/%00`` is a 404, not a driver error)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def _engine_options(uri: str, pool_size: int = 5) -> dict[str, Any]:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True, "pool_size": pool_size, "max_overflow": 10}


def _register_sqlite_pragmas(app: Flask) -> None:
    """WAL and foreign keys for SQLite, so readers do not block the writer."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()


def _configure_logging(app: Flask) -> None:
    """Logging is configured once, here. Answers are never logged anywhere."""
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    logging.getLogger("feedback").setLevel(level)
    app.logger.setLevel(level)
