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
    Setting("EXIT_URL", "https://www.bbc.co.uk/weather",
            "Where the \"Exit this page\" button on every respondent page leads, after Chorus "
            "has forgotten which survey answers the browser was linked to. Choose an everyday "
            "site that gives nothing away, as a full http:// or https:// address; nothing "
            "from the survey is added to it. See docs/safeguarding.md."),
    Setting("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    Setting("SAFEGUARDING_EMAILS", "",
            "Who is emailed the moment a free-text answer is flagged (comma-separated). "
            "The email says where to look, never what was written."),
    Setting("SMTP_HOST", "",
            "SMTP server for safeguarding notices. When empty no email is sent; flags still "
            "reach the queue and its count in the workspace."),
    Setting("SMTP_PORT", 25, "SMTP server port (587 with SMTP_STARTTLS).", int),
    Setting("SMTP_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS.", _bool),
    Setting("SMTP_USERNAME", "", "SMTP user name, if the server needs one."),
    Setting("SMTP_PASSWORD", "", "SMTP password. Keep it in the environment, not in files."),
    Setting("MAIL_FROM", "chorus@localhost", "The From address of Chorus's emails."),
    Setting("PUBLIC_URL", "",
            "The address people reach Chorus at, e.g. https://chorus.council.example, used "
            "for links in emails. Default: the address of the request."),
    Setting("SAFEGUARDING_PHRASE_FILES", "",
            "The service's own phrase files for the safeguarding screen, added to the "
            "shipped ones (paths separated by commas). See docs/safeguarding.md."),
    Setting("SAFEGUARDING_EXAMPLE_FILES", "",
            "The service's own example files for the safeguarding screen's meaning layer, "
            "added to the shipped example bank (paths separated by commas). See "
            "docs/safeguarding.md."),
    Setting("SAFEGUARDING_MEANING", True,
            "Screen answers by meaning (the sentence model) as well as by the phrase lists. "
            "Turning it off leaves the phrase lists alone; the workspace and /healthz then "
            "say the screen is degraded.", _bool),
    Setting("SAFEGUARDING_MEANING_RECALL", 0.9,
            "How much of its example bank the meaning layer must catch (0.5 to 0.99), which "
            "sets how readily it flags: 0.9 flagged about 6 to 9 ordinary answers in 100 on "
            "the test sets, 0.95 about 15, 0.85 about 4 to 5. See docs/safeguarding.md, "
            "\"Figures\".", float),
    Setting("SAFEGUARDING_VECTORS_FILE", "",
            "Where the sentence vectors of the safeguarding screen's example bank are kept "
            "between starts (embedding the bank takes a minute or two on two cores; with the "
            "file, a start takes seconds). Default: cache/screen-vectors.npz in the instance "
            "folder."),
    Setting("SAFEGUARDING_TARGET_DAYS", 1,
            "Days within which the safeguarding lead decides a new item in the queue: an item "
            "raised on a Monday and still undecided at the end of Tuesday is overdue (with the "
            "default of 1). Respondents in identified surveys are told this when they write "
            "something worrying.", int),
    Setting("PRIVACY_CONTROLLER", "Example Council",
            "The data controller named in the privacy notice."),
    Setting("PRIVACY_CONTACT", "dataprotection@council.example",
            "How to contact the data protection officer, in the privacy notice."),
    Setting("ACCESSIBILITY_CONTACT", "participation@council.example",
            "Where to report an accessibility problem, in the accessibility statement."),
    Setting("ADMIN_IDLE_MINUTES", 30,
            "A workspace session ends after this many minutes without a request (a shared "
            "office computer left signed in).", int),
    Setting("ADMIN_SESSION_HOURS", 10,
            "A workspace session ends this many hours after signing in, however active.", int),
    Setting("SESSION_COOKIE_SECURE", False,
            "Send cookies over HTTPS only. Turn on in production behind HTTPS. Also sends "
            "Strict-Transport-Security, so browsers keep to HTTPS for a year.", _bool),
    Setting("TRUSTED_PROXIES", 0,
            "How many reverse proxies (load balancer, nginx) stand in front of Chorus and set "
            "X-Forwarded-For and X-Forwarded-Proto. Rate limits count per client address: "
            "behind a proxy set this to 1, or every respondent shares the proxy's address. "
            "Never set it higher than the real number, or clients can choose their own "
            "address.", int),
    Setting("DATABASE_POOL_SIZE", 5,
            "PostgreSQL connections each web process keeps open (up to 10 more in bursts). "
            "The server needs (pool size + 10) x workers connections at most, within its "
            "max_connections (100 by default).", int),
    Setting("RATELIMIT_ENABLED", True,
            "Apply the rate limits below. Limits are counted per client address (kept only "
            "as a keyed hash) in Redis when REDIS_URL is set, shared by every worker; "
            "otherwise in each process's memory. Turn off only for tests and benchmarks.",
            _bool),
    Setting("SUBMISSION_RATE_LIMIT", "60 per minute;1000 per hour",
            "Completed survey submissions allowed from one client address (limits separated "
            "by ';'). Generous on purpose: a youth group of 30 on one wifi sends within the "
            "same minute from one address, and a council office's staff share one address "
            "when the staff survey opens; a script sending junk is still slowed to 60 a "
            "minute. Pages before the last, and saving, are not counted."),
    Setting("LOGIN_RATE_LIMIT", "10 per minute;50 per hour",
            "Sign-in attempts allowed from one client address (limits separated by ';')."),
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
