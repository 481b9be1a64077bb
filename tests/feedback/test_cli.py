"""The chorus command: init, surveys, waves. Each test runs a real command."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

import surveys
from feedback.extensions import db
from feedback.models import Survey, SurveyVersion, Wave
from feedback.services.clock import today


@pytest.fixture
def initialised(runner, app):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    return runner


def test_init_loads_every_library_survey_once(initialised, app):
    with app.app_context():
        keys = set(db.session.scalars(select(Survey.key)))
        assert keys == {s.key for s in surveys.load_library()}
    again = initialised.invoke(args=["init"])
    assert "0 definition(s) stored or updated" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyVersion)) == len(keys)


def test_surveys_list_shows_key_version_and_audience(initialised):
    out = initialised.invoke(args=["surveys", "list"]).output
    assert "staff-annual" in out and "v1" in out and "staff" in out


def test_surveys_load_reports_a_broken_file_precisely(initialised, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("key: broken\ntitle: Broken\naudience: staff\nsections:\n"
                   "  - key: s\n    title: S\n    questions:\n"
                   "      - key: q\n        type: agremeent\n        text: Q\n")
    result = initialised.invoke(args=["surveys", "load", str(bad)])
    assert result.exit_code == 1
    assert "broken.yaml, line 9: sections[0].questions[0].type: unknown question type" \
        in result.output


def test_surveys_export_then_load_is_unchanged(initialised, tmp_path):
    out = tmp_path / "staff.yaml"
    assert initialised.invoke(args=["surveys", "export", "staff-annual", "-o", str(out)]
                              ).exit_code == 0
    assert surveys.load_survey(out).key == "staff-annual"
    result = initialised.invoke(args=["surveys", "load", str(out)])
    assert "unchanged (version 1)" in result.output


def test_a_changed_definition_after_a_wave_becomes_version_2(initialised, app, tmp_path):
    day = dt.date(2026, 9, 1)
    initialised.invoke(args=["waves", "create", "foster-carers", "fc-2026", "--title", "FC",
                             "--opens", str(day), "--closes", str(day + dt.timedelta(27))])
    text = initialised.invoke(args=["surveys", "export", "foster-carers"]).output
    changed = tmp_path / "fc.yaml"
    changed.write_text(text.replace("title:", "title: Our", 1))
    assert "Stored foster-carers version 2" in initialised.invoke(
        args=["surveys", "load", str(changed)]).output
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.key == "fc-2026"))
        assert wave.version.number == 1 and wave.version.is_frozen


def test_unknown_survey_is_a_clean_error(initialised):
    result = initialised.invoke(args=["surveys", "export", "nope"])
    assert result.exit_code == 1
    assert "no survey with key 'nope'" in result.output
    assert "Traceback" not in result.output


def test_waves_create_open_close_and_list(initialised, app, tmp_path):
    with app.app_context():
        day = today()
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps({"team": {"assessment": 30, "fostering": 12}}))
    result = initialised.invoke(args=[
        "waves", "create", "staff-annual", "staff-next", "--title", "Staff survey next year",
        "--opens", str(day + dt.timedelta(days=30)), "--closes", str(day + dt.timedelta(days=58)),
        "--targets", str(targets)])
    assert result.exit_code == 0, result.output
    assert "upcoming" in initialised.invoke(args=["waves", "list"]).output

    assert "is open until" in initialised.invoke(args=["waves", "open", "staff-next"]).output
    listing = initialised.invoke(args=["waves", "list", "--survey", "staff-annual"]).output
    assert "staff-next" in listing and "open" in listing and "0 responses" in listing

    assert "is closed" in initialised.invoke(args=["waves", "close", "staff-next"]).output
    again = initialised.invoke(args=["waves", "close", "staff-next"])
    assert again.exit_code == 1 and "is not open" in again.output
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.key == "staff-next"))
        assert wave.opens_on == day and wave.closed_early_on == day
        assert wave.targets == {"team": {"assessment": 30, "fostering": 12}}
        assert wave.target_total == 42


def test_waves_create_rejects_targets_for_a_missing_segment(initialised, tmp_path):
    targets = tmp_path / "t.json"
    targets.write_text(json.dumps({"shoe_size": {"nine": 3}}))
    result = initialised.invoke(args=["waves", "create", "staff-annual", "w", "--title", "W",
                                      "--opens", "2026-01-01", "--closes", "2026-01-20",
                                      "--targets", str(targets)])
    assert result.exit_code == 1 and "no 'shoe_size' segment" in result.output


def test_waves_create_rejects_closing_before_opening(initialised):
    result = initialised.invoke(args=["waves", "create", "staff-annual", "w", "--title", "W",
                                      "--opens", "2026-02-01", "--closes", "2026-01-20"])
    assert result.exit_code == 1 and "cannot close before it opens" in result.output


@pytest.mark.parametrize("command", [
    [], ["init"], ["surveys"], ["surveys", "list"], ["surveys", "load"], ["surveys", "export"],
    ["waves"], ["waves", "list"], ["waves", "create"], ["waves", "open"], ["waves", "close"],
    ["demo"], ["serve"]])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    if command and command[-1] not in ("surveys", "waves"):
        assert "Example" in result.output
