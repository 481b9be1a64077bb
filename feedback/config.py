"""Every setting Chorus reads, with its default and help, in one place.

Layers, each overriding the one before: the defaults below, then the instance
file ``chorus.toml`` in the instance folder, then ``CHORUS_<NAME>`` environment
variables (and plain ``DATABASE_URL`` / ``REDIS_URL``, as hosting platforms set
them), then a test's own dictionary. ``docs/configuration.md`` is generated
from this list and a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL of the database. Default: SQLite file chorus.db in the instance "
            "folder. Production: postgresql+psycopg://user:password@host/dbname."),
    Setting("SECRET_KEY", None,
            "Signs sessions and CSRF tokens. Default: a random key generated on first run and "
            "kept in the instance folder (file secret_key). Set it explicitly when running "
            "several servers."),
    Setting("REDIS_URL", None,
            "Redis for the background job queue (RQ) and shared rate limits. When unset, long "
            "jobs run inline."),
    Setting("TIMEZONE", "Europe/London",
            "The service's time zone. Waves open and close on whole days in this zone."),
    Setting("SERVICE_NAME", "Children's Services",
            "The name of the service shown to respondents and on reports."),
    Setting("OUT_OF_HOURS_PHONE", "01632 960000",
            "Phone number of the local out-of-hours social care team, shown on every "
            "respondent page."),
    Setting("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    Setting("SESSION_COOKIE_SECURE", False,
            "Send cookies over HTTPS only. Turn on in production behind HTTPS.", _bool),
)

SETTING_NAMES = frozenset(s.name for s in SETTINGS)
#: read without the CHORUS_ prefix too, as hosting platforms set them
PLAIN_ENVIRONMENT = ("DATABASE_URL", "REDIS_URL")


class ConfigError(ValueError):
    """A configuration value cannot be used."""


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


def from_instance_file(instance_path: Path) -> dict[str, Any]:
    """Settings from ``chorus.toml`` in the instance folder, if it exists."""
    path = instance_path / "chorus.toml"
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None
    unknown = set(data) - SETTING_NAMES
    if unknown:
        raise ConfigError(f"{path}: unknown settings {sorted(unknown)}; see docs/configuration.md")
    return data


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``CHORUS_*`` variables, plus plain ``DATABASE_URL`` and ``REDIS_URL``."""
    out: dict[str, Any] = {}
    for setting in SETTINGS:
        names = [f"CHORUS_{setting.name}"]
        if setting.name in PLAIN_ENVIRONMENT:
            names.append(setting.name)
        value = next((environ[n] for n in names if environ.get(n)), None)
        if value is not None:
            out[setting.name] = setting.parse(value)
    return out


def secret_key(instance_path: Path) -> str:
    """The instance's own secret key, made on first use and kept private to its owner."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def database_uri(url: str | None, instance_path: Path) -> str:
    """The SQLAlchemy URI, defaulting to SQLite in the instance folder.

    ``postgres://`` and ``postgresql://`` URLs are pointed at the psycopg 3 driver.
    """
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'chorus.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def settings_markdown() -> str:
    """The settings table of ``docs/configuration.md``, generated from :data:`SETTINGS`."""
    rows = ["| environment variable | default | what it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = "(see text)" if s.default is None else f"`{s.default}`"
        rows.append(f"| `CHORUS_{s.name}` | {default} | {s.help} |")
    return "\n".join(rows) + "\n"
