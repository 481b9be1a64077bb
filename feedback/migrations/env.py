"""Alembic environment. Chorus runs migrations through ``feedback.database``,
which hands over an open connection; this file never builds its own engine."""

from alembic import context

import feedback.models  # noqa: F401  (registers every table on the metadata)
from feedback.extensions import db

config = context.config
target_metadata = db.metadata


def run_migrations() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `chorus init`")
run_migrations()
