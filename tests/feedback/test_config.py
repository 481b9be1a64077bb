"""Configuration layers: defaults, instance file, environment, test dictionary."""

from pathlib import Path

import pytest

from feedback import config, create_app

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_used_without_anything_else(tmp_path, monkeypatch):
    for s in config.SETTINGS:
        monkeypatch.delenv(f"CHORUS_{s.name}", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app(instance_path=tmp_path)
    assert app.config["TIMEZONE"] == "Europe/London"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'chorus.db'}"
    assert app.config["REDIS_URL"] is None


def test_instance_file_then_environment_then_test_config_win_in_that_order(tmp_path, monkeypatch):
    (tmp_path / "chorus.toml").write_text(
        'SERVICE_NAME = "From file"\nTIMEZONE = "Europe/Dublin"\nLOG_LEVEL = "DEBUG"\n')
    monkeypatch.setenv("CHORUS_TIMEZONE", "UTC")
    monkeypatch.setenv("CHORUS_LOG_LEVEL", "WARNING")
    app = create_app({"LOG_LEVEL": "ERROR"}, instance_path=tmp_path)
    assert app.config["SERVICE_NAME"] == "From file"
    assert app.config["TIMEZONE"] == "UTC"
    assert app.config["LOG_LEVEL"] == "ERROR"


def test_unknown_setting_in_instance_file_is_refused(tmp_path):
    (tmp_path / "chorus.toml").write_text('SERVCE_NAME = "typo"\n')
    with pytest.raises(config.ConfigError, match="SERVCE_NAME"):
        create_app(instance_path=tmp_path)


def test_plain_database_url_is_read_and_pointed_at_psycopg(tmp_path, monkeypatch):
    monkeypatch.delenv("CHORUS_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/chorus")
    app = create_app(instance_path=tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/chorus"


def test_boolean_settings_parse_from_environment(monkeypatch):
    monkeypatch.setenv("CHORUS_SESSION_COOKIE_SECURE", "true")
    assert config.from_environment({"CHORUS_SESSION_COOKIE_SECURE": "true"}) == {
        "SESSION_COOKIE_SECURE": True}
    assert config.from_environment({"CHORUS_SESSION_COOKIE_SECURE": "0"}) == {
        "SESSION_COOKIE_SECURE": False}


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("CHORUS_SECRET_KEY", raising=False)
    first = create_app(instance_path=tmp_path).config["SECRET_KEY"]
    second = create_app(instance_path=tmp_path).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_every_setting_is_documented_exactly_as_in_the_code():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert config.settings_markdown() in doc, (
        "docs/configuration.md is out of date: paste the output of "
        "`python -c 'from feedback.config import settings_markdown as m; print(m())'`")
