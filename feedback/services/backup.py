"""Backing up and restoring the whole database, safely while Chorus is running.

SQLite is copied with its online backup API, which takes a consistent snapshot
(answers still in the write-ahead log included) while other processes read and
write. PostgreSQL goes through ``pg_dump --format=custom`` and
``pg_restore --clean --if-exists`` in one transaction, so a failed restore
leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from feedback.services import ServiceError

#: Where Debian puts the PostgreSQL client tools; found on PATH otherwise.
PG_BIN = Path("/usr/bin")
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(ServiceError):
    """A backup or restore could not be made; the message says why."""


def backup(database_url: str, path: Path) -> Path:
    """Write a backup of the database at ``database_url`` to ``path`` (a new file)."""
    url = make_url(database_url)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_file(url), path)
    elif url.get_backend_name() == "postgresql":
        partial = path.with_name(path.name + ".partial")
        try:
            _run_pg("pg_dump", url, ["--format=custom", "--no-owner", "--no-privileges",
                                     f"--file={partial}"])
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    return path


def restore(database_url: str, path: Path) -> None:
    """Replace everything in the database at ``database_url`` with the backup ``path``."""
    url = make_url(database_url)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as f:
        head = f.read(16)
    if url.get_backend_name() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup made by `chorus backup`")
        _sqlite_restore(path, _sqlite_file(url))
    elif url.get_backend_name() == "postgresql":
        if not head.startswith(PG_CUSTOM_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup made by `chorus backup`")
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                    "--single-transaction", "--exit-on-error", str(path)])
    else:
        raise BackupError(f"cannot restore a {url.get_backend_name()} database")


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_backup(source: Path, path: Path) -> None:
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    # Written beside the target and renamed, so a backup file is never half-written.
    fd, partial = tempfile.mkstemp(prefix=path.name, suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        with _connect(source) as src, _connect(Path(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _check_sqlite(Path(partial))
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)


def _sqlite_restore(path: Path, target: Path) -> None:
    _check_sqlite(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API writes into the live database under its lock: running
    # processes see either the old database or the restored one, never a mix.
    with _connect(path) as src, _connect(target) as dst:
        src.backup(dst)


class _connect:
    """A sqlite3 connection that waits for writers and is always closed."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _check_sqlite(path: Path) -> None:
    try:
        with _connect(path) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} is not a usable SQLite database: {e}") from None
    if ok != "ok":
        raise BackupError(f"{path} is damaged: {ok}")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Chorus database (no alembic_version table)")


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = PG_BIN / name if (PG_BIN / name).exists() else shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return str(found)


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the driver suffix or password, and the password as PGPASSWORD.

    The password goes in the environment so it never shows in a process list.
    """
    env = {"PGPASSWORD": url.password} if url.password else {}
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), env


def _run_pg(tool: str, url: URL, args: list[str]) -> None:
    dbname, extra_env = libpq_connection(url)
    command = [_pg_tool(tool), f"--dbname={dbname}", *args]
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, **extra_env}, check=False)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise BackupError(f"{tool} failed: {message[-1] if message else done.returncode}")
