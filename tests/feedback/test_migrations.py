"""Migrations are the schema: ``upgrade head`` must give exactly the models' tables."""

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
