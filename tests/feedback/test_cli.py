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
    ["demo"], ["serve"], ["invitations", "create"], ["invitations", "status"],
    ["drafts", "purge"]])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    if command and command[-1] not in ("surveys", "waves", "invitations", "drafts"):
        assert "Example" in result.output


def test_invitation_codes_are_made_once_used_once_and_counted(initialised, app, client, tmp_path):
    from tests.feedback.respondent import complete

    with app.app_context():
        day = today()
    initialised.invoke(args=["waves", "create", "foster-carers", "fc-now", "--title", "Now",
                             "--opens", str(day), "--closes", str(day + dt.timedelta(days=9))])
    out = tmp_path / "codes.txt"
    result = initialised.invoke(args=["invitations", "create", "fc-now", "-n", "3", "-o",
                                      str(out)])
    assert "Wrote 3 codes" in result.output
    codes = out.read_text().split()
    assert len(set(codes)) == 3 and all(len(c) == 9 and c[4] == "-" for c in codes)
    complete(client, "foster-carers", invitation=codes[0].lower().replace("-", " "))
    status = initialised.invoke(args=["invitations", "status", "fc-now"]).output
    assert "3 codes, 1 used, 2 unused" in status


def test_closing_a_wave_discards_its_unsent_drafts(initialised, app, client):
    from feedback.models import Draft
    from tests.feedback.respondent import start

    with app.app_context():
        day = today()
    initialised.invoke(args=["waves", "create", "care-leavers", "cl-now", "--title", "Now",
                             "--opens", str(day), "--closes", str(day + dt.timedelta(days=9))])
    start(client, "care-leavers")
    result = initialised.invoke(args=["waves", "close", "cl-now"])
    assert "Unsent saved answers discarded: 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    assert "Discarded 0" in initialised.invoke(args=["drafts", "purge"]).output
