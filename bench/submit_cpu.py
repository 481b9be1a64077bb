"""CPU per survey submission, in one process, against the one-row-per-POST ceiling.

The load benchmark (bench/submit_load.py) measures rates and latencies under
gunicorn, which move with whatever else the machine is doing. This one
measures what they come down to: the CPU time Chorus spends on each request
of a real submission, with no HTTP server and no concurrency. The same
virtual respondents as the load benchmark (bench/submit_load_client.py) answer
the whole staff survey through Flask's test client, first against the ceiling
app (bench/submit_load_ceiling.py), then against Chorus, in the same process
on the same kind of database. The ratio of the two CPU times is the
throughput Chorus can reach as a share of the ceiling's on a CPU-bound
machine.

    python bench/submit_cpu.py [--submissions 60] [--rounds 3] [--database sqlite|postgresql]
    python bench/submit_cpu.py --profile 30      # the 30 costliest functions, Chorus only

PostgreSQL runs use two scratch databases on --pg-server, made and dropped
by the run, as bench/submit_load.py does.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import submit_load_ceiling as ceiling_app  # noqa: E402
from submit_load_client import CeilingRespondent, ChorusRespondent, Limits  # noqa: E402
from submit_load_servers import create_databases, drop_databases  # noqa: E402
from submit_load_timed import step_of  # noqa: E402

import surveys  # noqa: E402

SURVEY = "staff-annual"
WAVE = "staff-cpu-bench"


class TestClientBrowser:
    """The load client's Browser, over a Flask test client: same calls, no HTTP."""

    def __init__(self, app, watch: dict[str, list[float]]) -> None:
        self.client = app.test_client()
        self.watch = watch

    def send(self, method: str, path: str, body: str | None = None):
        kwargs = {"headers": {"User-Agent": "chorus-bench"}}
        if body is not None:
            kwargs.update(data=body, content_type="application/x-www-form-urlencoded")
        started = time.process_time()
        response = self.client.open(path, method=method, **kwargs)
        text = response.get_data(as_text=True)
        location = response.headers.get("Location") or ""
        self.watch[step_of(method, path, response.status, location)].append(
            time.process_time() - started)
        return response.status_code, response.headers.get("Location"), text


def run(kind, app, survey, submissions: int, warmup: int, seed: int
        ) -> tuple[dict[str, list[float]], float, int]:
    """CPU seconds per step, total CPU and the number of requests of ``submissions``."""
    watch: dict[str, list[float]] = defaultdict(list)
    limits = Limits(duration=1e9, requests=None, hard_stop=float("inf"))
    respondent = kind(0, 0, survey, limits, secrets.token_hex(3), seed)
    for n in range(warmup):  # every page once, templates compiled, caches filled
        respondent.browser = TestClientBrowser(app, defaultdict(list))
        respondent.submit(n)
    started = time.process_time()
    for n in range(warmup, warmup + submissions):
        respondent.browser = TestClientBrowser(app, watch)
        respondent.submit(n)
    total = time.process_time() - started
    return watch, total, sum(len(v) for v in watch.values())


def chorus_app(url: str | None, folder: Path):
    os.environ.pop("CHORUS_DATABASE_URL", None)
    from feedback import create_app, database
    from feedback.extensions import db
    from feedback.services.clock import today
    from feedback.services.library import load_library
    from feedback.services.waves import create_wave, open_wave

    settings = {"SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    if url:
        settings["DATABASE_URL"] = url
    app = create_app(settings, instance_path=folder / "instance")
    with app.app_context():
        database.upgrade()
        load_library()
        create_wave(SURVEY, WAVE, "CPU benchmark", today() + dt.timedelta(days=2),
                    today() + dt.timedelta(days=30))
        db.session.commit()
        open_wave(WAVE, today())
        db.session.commit()
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3,
                        help="ceiling and Chorus in turns this many times; the median "
                             "round is shown")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="cProfile Chorus's measured submissions; print the N costliest "
                             "functions by cumulative CPU time")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="chorus-cpu-"))
    names = [f"chorus_bench_{os.getpid()}", f"chorus_bench_{os.getpid()}_ceiling"]
    survey = surveys.load_survey(next(p for p in surveys.library_paths() if p.stem == SURVEY))
    try:
        if args.database == "postgresql":
            create_databases(args.pg_server, names)
            app_url, ceiling_url = (f"{args.pg_server}/{n}" for n in names)
        else:
            app_url, ceiling_url = None, f"sqlite:///{folder / 'ceiling.db'}"
        ceiling_app.create_table(ceiling_url)
        os.environ["CEILING_DATABASE_URL"] = ceiling_url
        ceiling = ceiling_app.create_app()
        app = chorus_app(app_url, folder)

        profiler = cProfile.Profile(time.process_time) if args.profile else None
        rounds = []  # (ceiling, Chorus), in turns, so that both meet the same machine
        for r in range(args.rounds):
            warmup = args.warmup if r == 0 else 0
            base = run(CeilingRespondent, ceiling, survey, args.submissions, warmup,
                       args.seed + r)
            if profiler:
                profiler.enable()
            mine = run(ChorusRespondent, app, survey, args.submissions, warmup, args.seed + r)
            if profiler:
                profiler.disable()
            rounds.append((base, mine))
        # the round with the median ratio stands for the run
        rounds.sort(key=lambda pair: (pair[0][1] / pair[0][2]) / (pair[1][1] / pair[1][2]))
        (base_steps, base_total, base_requests), (steps, total, requests) = \
            rounds[len(rounds) // 2]
        ratios = [(b[1] / b[2]) / (m[1] / m[2]) for b, m in rounds]
    finally:
        if args.database == "postgresql":
            drop_databases(args.pg_server, names)
        shutil.rmtree(folder, ignore_errors=True)

    per_request = total / requests * 1000
    base_per_request = base_total / base_requests * 1000
    print(f"{args.submissions} submissions of the staff survey on {args.database} in each of "
          f"{args.rounds} rounds, in process (Flask test client, no HTTP)"
          f"{'; cProfile on' if profiler else ''}")
    print(f"{'':<12}{'requests':>9}{'CPU ms/request':>16}{'CPU ms/submission':>19}")
    print(f"{'ceiling':<12}{base_requests:>9}{base_per_request:>16.2f}"
          f"{base_total / args.submissions * 1000:>19.1f}")
    print(f"{'Chorus':<12}{requests:>9}{per_request:>16.2f}"
          f"{total / args.submissions * 1000:>19.1f}")
    print(f"\nChorus per step (CPU ms): {'count':>6} {'mean':>7} {'median':>7} {'max':>7}")
    for step in ("landing", "start", "page", "post", "final", "thanks"):
        values = [v * 1000 for v in steps.get(step, [])]
        if values:
            print(f"  {step:<24}{len(values):>6} {statistics.fmean(values):>7.2f} "
                  f"{statistics.median(values):>7.2f} {max(values):>7.2f}")
    print(f"\nthroughput bound by CPU, as a share of the ceiling's: "
          f"{base_per_request / per_request:.0%} (target: at least 50%); every round: "
          + ", ".join(f"{r:.0%}" for r in ratios))
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
