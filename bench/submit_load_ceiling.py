"""The ceiling for bench/submit_load.py: the least a Flask app can do per POST.

``GET /form`` returns a tiny page with a token; ``POST /form`` inserts the
request body as one row and redirects back, as Chorus's pages do. It runs
under gunicorn with the same workers, driver and engine options as Chorus, so
the ratio between the two is the cost of Chorus itself.

    CEILING_DATABASE_URL=sqlite:////tmp/x.db gunicorn -w 4 'submit_load_ceiling:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, redirect, request
from sqlalchemy import create_engine, event, text

PAGE = ('<!doctype html><title>ceiling</title><form method="post">'
        '<input type="hidden" name="csrf_token" value="ceiling-token">'
        '<input type="hidden" name="submission" value="ceiling">'
        '<button>Continue</button></form>')
TABLE = "ceiling_row"


def engine_for(url: str):
    """An engine with the options Chorus itself uses for this kind of database."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def create_table(url: str) -> None:
    engine = engine_for(url)
    key = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "SERIAL PRIMARY KEY"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, body TEXT)"))
    engine.dispose()


def create_app() -> Flask:
    app = Flask(__name__)
    engine = engine_for(os.environ["CEILING_DATABASE_URL"])
    insert = text(f"INSERT INTO {TABLE} (body) VALUES (:body)")

    @app.get("/form")
    def form():
        return PAGE

    @app.post("/form")
    def store():
        with engine.begin() as connection:
            connection.execute(insert, {"body": request.get_data(as_text=True)})
        return redirect("/form", code=302)

    return app
