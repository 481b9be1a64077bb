"""The ``chorus`` command. Each command wraps one service function.

Domain errors become ``click.ClickException`` with the service's message.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

import surveys
from feedback import create_app
from feedback.extensions import db
from feedback.services import ServiceError
from feedback.services.clock import today


def domain_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn service and definition errors into clean command-line errors."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except (ServiceError, surveys.DefinitionError) as e:
            db.session.rollback()
            raise click.ClickException(str(e)) from None

    return wrapper


def _date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2025-09-01") from None


@click.group()
@click.version_option(package_name="chorus")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Chorus: surveys and participation feedback for children's services.

    \b
    Start here:
      chorus demo            create a database with demo data and serve it
      chorus init            create or upgrade the database, load the survey library

    Settings come from CHORUS_* environment variables or chorus.toml in the
    instance folder (see docs/configuration.md).
    """
    if ctx.obj is None:  # the test runner hands in its own app
        ctx.obj = ScriptInfo(create_app=lambda: create_app())


@main.command()
@with_appcontext
@domain_errors
def init() -> None:
    """Create or upgrade the database and load the survey library.

    Safe to run again: it applies new migrations and stores changed
    definitions as new versions.

    \b
    Example:
      chorus init
    """
    from feedback import database
    from feedback.services.library import load_library

    database.upgrade()
    changed = [v for v, was_changed in load_library() if was_changed]
    db.session.commit()
    click.echo(f"Database ready ({_safe_url()}).")
    click.echo(f"Survey library: {len(changed)} definition(s) stored or updated.")


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@main.group("surveys")
def surveys_group() -> None:
    """List, load and export survey definitions."""


@surveys_group.command("list")
@with_appcontext
def surveys_list() -> None:
    """List surveys with their latest version.

    \b
    Example:
      chorus surveys list
    """
    from feedback.services.library import all_surveys

    rows = all_surveys()
    if not rows:
        click.echo("No surveys yet. Run `chorus init` to load the survey library.")
    for s in rows:
        v = s.latest_version
        state = "published" if v.is_frozen else "draft"
        click.echo(f"{s.key:<24} v{v.number:<3} {state:<9} {s.audience:<14} {s.title}")


@surveys_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@domain_errors
def surveys_load(file: Path) -> None:
    """Check a YAML definition FILE and store it.

    A changed definition becomes a new version once a wave has used the
    current one.

    \b
    Example:
      chorus surveys load my-survey.yaml
    """
    from feedback.services.library import load_file

    version, changed = load_file(file)
    db.session.commit()
    if changed:
        click.echo(f"Stored {version.survey.key} version {version.number}.")
    else:
        click.echo(f"{version.survey.key} is unchanged (version {version.number}).")


@surveys_group.command("export")
@click.argument("key")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of the screen.")
@with_appcontext
@domain_errors
def surveys_export(key: str, output: Path | None) -> None:
    """Print the YAML definition of the survey KEY (its latest version).

    \b
    Example:
      chorus surveys export staff-annual -o staff-annual.yaml
    """
    from feedback.services.library import export_definition

    text = export_definition(key)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)


@main.group("waves")
def waves_group() -> None:
    """List, create, open and close waves (runs of a survey)."""


@waves_group.command("list")
@click.option("--survey", "survey_key", help="Only waves of this survey.")
@with_appcontext
@domain_errors
def waves_list(survey_key: str | None) -> None:
    """List waves with their dates, state and number of responses.

    \b
    Example:
      chorus waves list --survey staff-annual
    """
    from feedback.services.waves import list_waves

    day = today()
    rows = list_waves(survey_key)
    if not rows:
        click.echo("No waves yet. Create one with `chorus waves create`.")
    for wave, n in rows:
        closes = wave.closed_early_on or wave.closes_on
        click.echo(f"{wave.key:<30} {wave.state(day).value:<8} {wave.opens_on} to {closes}  "
                   f"{n:>5} responses  {wave.title}")


@waves_group.command("create")
@click.argument("survey_key")
@click.argument("key")
@click.option("--title", required=True, help="The name people see, e.g. 'Staff survey 2026'.")
@click.option("--opens", "opens_on", callback=_date, required=True, help="First day, YYYY-MM-DD.")
@click.option("--closes", "closes_on", callback=_date, required=True, help="Last day, YYYY-MM-DD.")
@click.option("--targets", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON file of head-counts: {"team": {"assessment": 30, ...}}.')
@with_appcontext
@domain_errors
def waves_create(survey_key: str, key: str, title: str, opens_on: dt.date, closes_on: dt.date,
                 targets: Path | None) -> None:
    """Create wave KEY of survey SURVEY_KEY; it uses (and freezes) the latest version.

    \b
    Example:
      chorus waves create staff-annual staff-2026 --title "Staff survey 2026" \\
          --opens 2026-09-01 --closes 2026-09-28 --targets staff-targets.json
    """
    from feedback.services.waves import create_wave

    counts = json.loads(targets.read_text()) if targets else {}
    total = sum(sum(v.values()) for v in counts.values()) if counts else None
    wave = create_wave(survey_key, key, title, opens_on, closes_on, counts, total)
    db.session.commit()
    click.echo(f"Created {wave.key}: {wave.opens_on} to {wave.closes_on}.")


@waves_group.command("open")
@click.argument("key")
@click.option("--until", "closes_on", callback=_date, help="New last day, YYYY-MM-DD.")
@with_appcontext
@domain_errors
def waves_open(key: str, closes_on: dt.date | None) -> None:
    """Open wave KEY today (or reopen it, with --until).

    \b
    Example:
      chorus waves open staff-2026 --until 2026-10-15
    """
    from feedback.services.waves import open_wave

    wave = open_wave(key, today(), closes_on)
    db.session.commit()
    click.echo(f"{wave.key} is open until {wave.closes_on}.")


@waves_group.command("close")
@click.argument("key")
@with_appcontext
@domain_errors
def waves_close(key: str) -> None:
    """Close wave KEY now; new answers are refused from today.

    \b
    Example:
      chorus waves close staff-2026
    """
    from feedback.services.access import purge_drafts
    from feedback.services.waves import close_wave

    wave = close_wave(key, today())
    db.session.commit()
    discarded = purge_drafts(today())
    click.echo(f"{wave.key} is closed. Unsent saved answers discarded: {discarded}.")


@main.group("invitations")
def invitations_group() -> None:
    """Single-use invitation codes for a wave."""


@invitations_group.command("create")
@click.argument("wave_key")
@click.option("--count", "-n", type=click.IntRange(1, 5000), required=True,
              help="How many codes to make.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the codes to this file, one a line (default: the screen).")
@with_appcontext
@domain_errors
def invitations_create(wave_key: str, count: int, output: Path | None) -> None:
    """Make COUNT single-use codes for WAVE_KEY; from now on the wave asks for one.

    Codes are shown once and stored only as hashes: keep the list safe, and
    hand one code to each person. Nothing links a used code to the answers.

    \b
    Example:
      chorus invitations create foster-carers-2026 --count 200 -o codes.txt
    """
    from feedback.services.access import generate_invitations
    from feedback.services.waves import get_wave

    codes = generate_invitations(get_wave(wave_key), count, today())
    db.session.commit()
    text = "\n".join(codes) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(codes)} codes for {wave_key} to {output}.")
    else:
        click.echo(text, nl=False)


@invitations_group.command("status")
@click.argument("wave_key")
@with_appcontext
@domain_errors
def invitations_status(wave_key: str) -> None:
    """How many codes a wave has, and how many were used.

    \b
    Example:
      chorus invitations status foster-carers-2026
    """
    from feedback.services.access import invitation_counts
    from feedback.services.waves import get_wave

    made, used = invitation_counts(get_wave(wave_key))
    click.echo(f"{wave_key}: {made} codes, {used} used, {made - used} unused.")


@main.group("drafts")
def drafts_group() -> None:
    """Saved, unsent answers (save and resume)."""


@drafts_group.command("purge")
@with_appcontext
def drafts_purge() -> None:
    """Delete saved answers of waves that have closed. Run daily (e.g. from cron).

    \b
    Example:
      chorus drafts purge
    """
    from feedback.services.access import purge_drafts

    click.echo(f"Discarded {purge_drafts(today())} unsent draft(s) of closed waves.")


@main.group("themes")
def themes_group() -> None:
    """Themes in free-text answers."""


@themes_group.command("refresh")
@click.option("--survey", "survey_key", help="Only this survey (default: every survey).")
@click.option("--question", "question_key", help="Only this free-text question.")
@click.option("--refit", is_flag=True,
              help="Fit the themes afresh (matched to the old ones) instead of adding new "
                   "comments to them.")
@click.option("--backend", type=click.Choice(["auto", "tfidf", "minilm"]), default="auto",
              show_default=True, help="How comments are compared.")
@click.option("--seed", default=0, show_default=True, help="Same seed, same themes.")
@click.option("--background", is_flag=True,
              help="Queue the work for `chorus worker` (needs CHORUS_REDIS_URL).")
@with_appcontext
@domain_errors
def themes_refresh(survey_key: str | None, question_key: str | None, refit: bool,
                   backend: str, seed: int, background: bool) -> None:
    """Group free-text answers into themes, or bring existing themes up to date.

    New comments join the existing themes, so names and trends carry over;
    --refit finds themes afresh and reports which are new and which are gone.

    \b
    Examples:
      chorus themes refresh
      chorus themes refresh --survey staff-annual --question most_difference --refit
    """
    from feedback import jobs
    from feedback.services.library import all_surveys, get_survey
    from feedback.services.themes import refresh_question, themed_questions

    if question_key and not survey_key:
        raise click.UsageError("--question needs --survey")
    targets = [get_survey(survey_key)] if survey_key else all_surveys()
    if background:
        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("--background needs CHORUS_REDIS_URL")
        for survey in targets:
            job = jobs.submit("themes.refresh", survey_key=survey.key,
                              question_key=question_key, refit=refit, backend=backend,
                              seed=seed)
            click.echo(f"Queued themes of {survey.key} (job {job.job_id}).")
        return
    for survey in targets:
        for key in [question_key] if question_key else themed_questions(survey):
            result = refresh_question(survey, key, refit=refit, backend=backend, seed=seed)
            run = result.run
            line = (f"{survey.key} {key}: {result.action}; {run.n_comments} comments, "
                    f"{sum(not t.is_non_answer for t in run.themes)} themes ({run.backend})")
            click.echo(line)
            for name in result.new_themes:
                click.echo(f"  new theme: {name}")
            for name in result.gone_themes:
                click.echo(f"  gone: {name}")


@themes_group.command("list")
@click.option("--survey", "survey_key", required=True, help="The survey.")
@click.option("--question", "question_key", help="Only this free-text question.")
@with_appcontext
@domain_errors
def themes_list(survey_key: str, question_key: str | None) -> None:
    """Show the current themes of a survey's free-text questions.

    \b
    Example:
      chorus themes list --survey young-people-11-17
    """
    from feedback.services.library import get_survey
    from feedback.services.themes import current_run, themed_questions

    survey = get_survey(survey_key)
    for key in [question_key] if question_key else themed_questions(survey):
        run = current_run(survey, key)
        if run is None:
            click.echo(f"{key}: no themes yet (run `chorus themes refresh`)")
            continue
        click.echo(f"{key}: {run.n_comments} comments, waves {', '.join(run.wave_keys)}")
        for theme in sorted(run.themes, key=lambda t: -t.size):
            mark = " (new)" if theme.is_new else ""
            click.echo(f"  {theme.share:6.1%}  {theme.size:>5}  {theme.label}{mark}")
            click.echo(f"          keywords: {', '.join(theme.keywords[:6])}")


@main.command()
@with_appcontext
def worker() -> None:
    """Run a background worker for queued jobs (themes, safeguarding notices), on
    CHORUS_REDIS_URL. It also runs the daily housekeeping at 02:00: retention, stale
    drafts, and safeguarding notices that could not be sent.

    \b
    Example:
      CHORUS_REDIS_URL=redis://127.0.0.1:6379/0 chorus worker
    """
    from redis import Redis
    from rq import Worker

    from feedback.jobs import QUEUE

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("set CHORUS_REDIS_URL to run a worker")
    # Daily housekeeping (retention, stale drafts, unsent safeguarding notices) at 02:00.
    from feedback.jobs import schedule_daily

    schedule_daily(today())
    schedule_daily(today() + dt.timedelta(days=1))
    Worker([QUEUE], connection=Redis.from_url(url)).work(with_scheduler=True)


@main.command()
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@click.option("--today", "on", callback=_date, help="Pretend today is this date (YYYY-MM-DD).")
@click.option("--themes-backend", type=click.Choice(["auto", "tfidf", "minilm"]),
              default="auto", show_default=True,
              help="How the demo's comments are grouped into themes.")
@click.option("--no-serve", is_flag=True, help="Create the data and stop.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
@domain_errors
def demo(seed: int, on: dt.date | None, themes_backend: str, no_serve: bool, host: str,
         port: int) -> None:
    """Create the database, fill it with synthetic demo data, then serve Chorus.

    The demo needs an empty database: point CHORUS_DATABASE_URL or
    CHORUS_INSTANCE_PATH somewhere new to keep real data apart.

    \b
    Examples:
      chorus demo
      chorus demo --no-serve --seed 1
    """
    from feedback import database
    from feedback.demo import generate_demo, load_demo
    from feedback.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts

    database.upgrade()
    from feedback.services.library import all_surveys
    from feedback.services.themes import refresh_survey

    counts = load_demo(generate_demo(seed, on or today()), seed)
    click.echo("Demo data: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
    runs = [r for s in all_surveys() for r in refresh_survey(s, backend=themes_backend,
                                                             seed=seed)]
    click.echo(f"Themes: {len(runs)} free-text questions grouped "
               f"({runs[0].run.backend if runs else 'none'}).")
    create_demo_accounts()
    from feedback.demo.actions import create_demo_actions

    click.echo(f"You said, we did: {create_demo_actions(on or today())} actions.")
    db.session.commit()
    click.echo(f"Workspace: sign in at http://{host}:{port}/admin/ as "
               + ", ".join(email for email, *_ in DEMO_ACCOUNTS)
               + f" (one per role), password {DEMO_PASSWORD}")
    if not no_serve:
        _serve(host, port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--production", is_flag=True,
              help="Serve with gunicorn: several worker processes, graceful shutdown.")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes with --production (default: 2 per CPU core + 1).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker with --production.")
@click.option("--graceful-timeout", type=click.IntRange(1, 600), default=30,
              show_default=True,
              help="Seconds requests in flight get to finish after SIGTERM (--production).")
@click.pass_context
@with_appcontext
def serve(ctx: click.Context, host: str, port: int, production: bool, workers: int | None,
          threads: int, graceful_timeout: int) -> None:
    """Serve Chorus on HOST:PORT: one process, or gunicorn with --production.

    With --production each worker builds its own app and database pool; SIGTERM
    lets requests in flight finish; the access log has no query strings, bodies,
    addresses or user agents. Put it behind an HTTPS proxy and set
    CHORUS_TRUSTED_PROXIES=1.

    \b
    Examples:
      chorus serve --port 8000
      chorus serve --production --host 0.0.0.0 --port 8000 --workers 4
    """
    if not production:
        _serve(host, port)
        return
    from feedback import serving

    db.engine.dispose()  # no connection of this process is inherited by the workers
    n = workers or serving.default_workers()
    click.echo(f"Chorus (production, {n} workers) at http://{host}:{port}/  (SIGTERM to stop)")
    factory = ctx.ensure_object(ScriptInfo).create_app or create_app
    serving.serve_production(factory, serving.gunicorn_options(
        host, port, n, threads, graceful_timeout, current_app.config["LOG_LEVEL"]))


def _serve(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from feedback.services.screening import screen_status

    status = screen_status()  # built before the first answer arrives, not during it
    if status.degraded:
        click.secho(f"WARNING: the safeguarding screen runs on {status.describe()}",
                    fg="red", bold=True, err=True)
    else:
        click.echo(f"Safeguarding screen: {status.describe()}")
    click.echo(f"Chorus is running at http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, current_app._get_current_object(), threaded=True)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@domain_errors
def backup(path: Path) -> None:
    """Back up the whole database to PATH, a new file. Safe while Chorus runs.

    SQLite is copied with its online backup (a consistent snapshot);
    PostgreSQL is dumped with pg_dump in its custom format.

    \b
    Example:
      chorus backup /var/backups/chorus/chorus-$(date +%F).backup
    """
    from feedback.services.backup import backup as make_backup

    make_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    size = path.stat().st_size
    click.echo(f"Backed up {_safe_url()} to {path} ({size / 1e6:.1f} MB).")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking first.")
@with_appcontext
@domain_errors
def restore(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup PATH.

    Anything stored after the backup was made is lost, so it asks first
    (--yes does not). Requests wait while it runs; a failed PostgreSQL restore
    changes nothing.

    \b
    Example:
      chorus restore /var/backups/chorus/chorus-2026-09-01.backup
    """
    from feedback import database
    from feedback.services.backup import restore as restore_backup

    if not yes:
        click.confirm(f"Replace everything in {_safe_url()} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # this process holds no connection while the data is replaced
    restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    click.echo(f"Restored {path} into {_safe_url()}.")
    if not database.is_up_to_date():
        click.echo("The backup was made by another version of Chorus: run `chorus init`.")


def _register_groups() -> None:
    # Commands that live with their feature, added here so `chorus --help` lists them.
    from feedback.auth.cli import users_group
    from feedback.data_protection_cli import retention_group, safeguarding_group

    main.add_command(users_group)
    main.add_command(retention_group)
    main.add_command(safeguarding_group)


_register_groups()
