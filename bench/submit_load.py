"""Submission load on Chorus under gunicorn, against a one-row-per-POST ceiling.

Starts Chorus under gunicorn on loopback with a fresh database (SQLite in WAL
mode, or scratch PostgreSQL databases made and dropped by the run), and a
minimal Flask app that stores one row per POST (bench/submit_load_ceiling.py)
under the same gunicorn settings. Both get the same load: CLIENTS virtual
members of staff, each opening the staff survey, taking the CSRF token from
every page, answering every page and submitting, then starting again with a
new session. Prints requests per second, latency percentiles, CPU per request,
the ratio to the ceiling, and checks in the database that every acknowledged
response is there exactly once and whole.

With --crash, a Chorus worker is killed with SIGKILL during the load and, on
PostgreSQL, the server is restarted too; failed requests are sent again, as a
person presses the button again. With --profile, Chorus runs under a stopwatch
(bench/submit_load_timed.py) that shows where a request spends its time.

    python bench/submit_load.py --database sqlite --clients 32 --duration 20
    python bench/submit_load.py --database postgresql --clients 32 --duration 20 --crash

Exits 1 if an acknowledged response is lost, stored twice or half-written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from submit_load_ceiling import create_table  # noqa: E402
from submit_load_client import CeilingRespondent, ChorusRespondent, Limits  # noqa: E402
from submit_load_report import (  # noqa: E402
    WAVE,
    Phase,
    check_responses,
    count_ceiling_rows,
    report,
)
from submit_load_servers import (  # noqa: E402
    BENCH,
    ROOT,
    Gunicorn,
    chorus,
    create_databases,
    drop_databases,
    restart_postgres,
    wait_postgres,
)
from submit_load_timed import summarise  # noqa: E402

import surveys  # noqa: E402
from feedback import config  # noqa: E402
from surveys.pages import plan_pages  # noqa: E402

SURVEY = "staff-annual"


def crasher(database: str, server_url: str | None, duration: float, kills: int,
            pg_mode: str):
    """A crash plan for the Chorus phase: kill workers, then restart PostgreSQL."""

    def crash(phase: Phase, window_start: float, limits: Limits) -> None:
        def sleep_until(fraction: float) -> bool:
            while time.perf_counter() < window_start + fraction * duration:
                if limits.stopped.is_set():
                    return False
                time.sleep(0.01)
            return True

        serving = set(phase.server.worker_pids())  # never kill a replacement still loading
        loads = "" if "--preload" in phase.server.extra else " (it loads the app before serving)"
        for k in range(kills):
            if not sleep_until(0.15 + 0.4 * k / kills):
                return
            t = time.perf_counter()
            pid = phase.server.kill_worker(among=serving)
            back = phase.server.wait_replaced(pid)
            phase.events.append({"what": f"kill -9 worker {pid}", "start": t,
                                 "end": t + back, "note": f"new worker forked after "
                                 f"{back:.2f} s{loads}"})
        if database == "postgresql" and sleep_until(0.6):
            t = time.perf_counter()
            command = restart_postgres(server_url, pg_mode)
            back = wait_postgres(server_url)
            phase.events.append({"what": command, "start": t,
                                 "end": time.perf_counter(), "note": f"accepting connections "
                                 f"{time.perf_counter() - t:.2f} s after the restart began "
                                 f"({back:.2f} s after the command returned)"})

    return crash


# -- main -----------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (no database name); scratch databases "
                             "chorus_bench_<pid> are made there and dropped")
    parser.add_argument("--clients", type=int, default=32, help="concurrent respondents")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds per app")
    parser.add_argument("--requests", type=int, help="stop each app after this many requests")
    parser.add_argument("--warmup", type=int, default=1,
                        help="submissions per client (on average) before the measured window")
    parser.add_argument("--warmup-timeout", type=float, default=60,
                        help="open the measured window after this many seconds anyway")
    parser.add_argument("--ramp", type=float, default=5,
                        help="seconds over which the clients start, one after another")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per app")
    parser.add_argument("--gunicorn-arg", action="append", default=[],
                        help="extra gunicorn option for both apps, e.g. --gunicorn-arg=--preload")
    parser.add_argument("--crash", action="store_true",
                        help="kill -9 a Chorus worker mid-run (and restart PostgreSQL)")
    parser.add_argument("--kills", type=int, default=1,
                        help="with --crash: how many workers to kill, one after another")
    parser.add_argument("--pg-restart-mode", choices=["fast", "immediate"], default="fast",
                        help="with --crash and PostgreSQL: pg_ctlcluster's shutdown mode "
                             "(immediate = as after a power cut: crash recovery on start)")
    parser.add_argument("--profile", action="store_true",
                        help="time SQL, commits and templates in every Chorus worker and "
                             "cProfile one of them (bench/submit_load_timed.py); slower")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


class Setup:
    """The temporary folder, environment and databases of one run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(tempfile.mkdtemp(prefix="chorus-load-"))
        self.names = [f"chorus_bench_{os.getpid()}", f"chorus_bench_{os.getpid()}_ceiling"]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CHORUS_") and k not in ("DATABASE_URL", "REDIS_URL")}
        # PYTHONPATH: the servers and commands run this checkout's code, whatever the venv has
        env.update(PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None,
                                                                  [env.get("PYTHONPATH")])]),
                   CHORUS_INSTANCE_PATH=str(self.folder / "instance"),
                   CHORUS_LOG_LEVEL="WARNING", CHORUS_SECRET_KEY=secrets.token_hex(32))
        self.env = env
        self.facts = {"load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
                      "ratelimit": _disable_rate_limits(env)}
        if args.database == "postgresql":
            create_databases(args.pg_server, self.names)
            app_url, ceiling_url = (f"{args.pg_server}/{n}" for n in self.names)
            env["CHORUS_DATABASE_URL"] = app_url
            self.facts["database"] = f"scratch databases {', '.join(self.names)}"
        else:
            app_url, ceiling_url = None, f"sqlite:///{self.folder / 'ceiling.db'}"
            self.facts["database"] = "WAL files in a temporary folder"
        self.app_db = config.database_uri(app_url, self.folder / "instance")
        self.ceiling_db = config.database_uri(ceiling_url, self.folder)

    def prepare(self) -> None:
        """Chorus's database with the survey library and an open wave; the ceiling's table."""
        chorus(self.env, "init")
        today = dt.date.today()
        # made for later, then opened today, as a participation lead opens a survey early
        chorus(self.env, "waves", "create", SURVEY, WAVE, "--title", "Load benchmark",
               "--opens", str(today + dt.timedelta(days=2)),
               "--closes", str(today + dt.timedelta(days=30)))
        chorus(self.env, "waves", "open", WAVE)
        create_table(self.ceiling_db)

    def servers(self) -> tuple[Gunicorn, Gunicorn]:
        args, env = self.args, dict(self.env)
        if args.profile:
            (self.folder / "profile").mkdir()
            env["CHORUS_BENCH_PROFILE_DIR"] = str(self.folder / "profile")
        app = Gunicorn("chorus", "submit_load_timed:create_app()" if args.profile else
                       "feedback:create_app()", env, args.workers,
                       self.folder / "chorus-gunicorn.log", args.gunicorn_arg,
                       BENCH if args.profile else None)
        ceiling = Gunicorn("ceiling", "submit_load_ceiling:create_app()",
                           {**self.env, "CEILING_DATABASE_URL": self.ceiling_db}, args.workers,
                           self.folder / "ceiling-gunicorn.log", args.gunicorn_arg, BENCH)
        return app, ceiling

    def clean_up(self, keep: bool) -> None:
        if self.args.database == "postgresql":
            drop_databases(self.args.pg_server, self.names)
        if keep:
            print(f"\nlogs and files kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    args = parse_args()
    if importlib.util.find_spec("gunicorn") is None:
        print("gunicorn is not installed: pip install -e . (it is a dependency of Chorus)")
        return 2
    setup = Setup(args)
    servers: list[Gunicorn] = []
    code = 0
    try:
        print(f"setting up in {setup.folder} ...", flush=True)
        setup.prepare()
        app, ceiling = servers = list(setup.servers())
        for s in servers:
            s.start()
        ceiling.wait_ready("/form")
        app.wait_ready("/healthz")
        survey = surveys.load_survey(next(p for p in surveys.library_paths()
                                          if p.stem == SURVEY))
        setup.facts["pages"] = len(plan_pages(survey))
        run_id = secrets.token_hex(3)

        print(f"ceiling: {args.clients} clients for {args.duration:g} s ...", flush=True)
        ceiling_phase = Phase("ceiling", ceiling)
        ceiling_phase.run(CeilingRespondent, survey, args, run_id)
        ceiling.stop()
        print(f"Chorus: {args.clients} clients for {args.duration:g} s"
              f"{' with crashes' if args.crash else ''} ...", flush=True)
        app_phase = Phase("chorus", app)
        crash = (crasher(args.database, args.pg_server, args.duration, args.kills,
                         args.pg_restart_mode) if args.crash else None)
        window_file = setup.folder / "profile" / "window-open"
        app_phase.run(ChorusRespondent, survey, args, run_id, crash,
                      window_file.touch if args.profile else None)
        app.stop()

        checks = check_responses(setup.app_db, app_phase)
        report(args, ceiling_phase, app_phase, checks, count_ceiling_rows(setup.ceiling_db),
               setup.facts)
        if args.profile:
            summarise(setup.folder / "profile")
        if not checks["acknowledged"]:
            print("\nNo submission was acknowledged: the benchmark did not run properly.")
            code = 2
        elif checks["acknowledged"] != checks["exactly once and whole"]:
            code = 1
    except BaseException:
        code = 3  # keep the logs
        raise
    finally:
        for s in servers:
            s.stop()
        setup.clean_up(args.keep or code != 0)
    return code


def _disable_rate_limits(env: dict[str, str]) -> str:
    """Rate limits would turn the load into 429s; the benchmark measures the app without them."""
    names = [s.name for s in config.SETTINGS if "RATELIMIT" in s.name or "RATE_LIMIT" in s.name]
    if not names:
        return "no rate limiter in this version of Chorus"
    if "RATELIMIT_ENABLED" in names:
        env["CHORUS_RATELIMIT_ENABLED"] = "false"
        return "rate limits disabled for the run (CHORUS_RATELIMIT_ENABLED=false)"
    return f"rate limit settings {', '.join(names)} left as they are"


if __name__ == "__main__":
    sys.exit(main())
