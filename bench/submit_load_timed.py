"""Chorus with a stopwatch, for ``bench/submit_load.py --profile``.

Wraps :func:`feedback.create_app` without changing it. For every request it
records, in each gunicorn worker, the wall time and the worker's CPU time; the
wall time spent in SQL statements, in commits and in pool pre-pings; and the
CPU time spent rendering templates. The first worker also runs cProfile (on
CPU time). Each worker writes its figures to ``CHORUS_BENCH_PROFILE_DIR``
every 100 requests and when it stops, for :func:`summarise` to read.
"""

from __future__ import annotations

import atexit
import cProfile
import json
import os
import time
from collections import defaultdict
from pathlib import Path

from flask import before_render_template, template_rendered
from sqlalchemy import event

from feedback import create_app as create_chorus
from feedback.extensions import db

PARTS = ("wall", "cpu", "sql", "commit", "ping", "render")


class Stopwatch:
    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.window_open = False

    def add(self, part: str, seconds: float) -> None:
        self.current[part] += seconds

    def timed(self, part: str, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(part, time.perf_counter() - start)

        return wrapper


def step_of(method: str, path: str, status: str, location: str) -> str:
    """The same step names as bench/submit_load_client.py uses."""
    if path.endswith("/start"):
        return "start"
    if path.endswith("/thank-you"):
        return "thanks"
    if "/q/" in path:
        if method == "GET":
            return "page"
        return "final" if location.endswith("/thank-you") else "post"
    return "landing" if path.startswith("/s/") else "other"


def create_app():
    """Chorus as ``feedback:create_app()`` makes it, timed; for gunicorn."""
    app = create_chorus()
    out = Path(os.environ["CHORUS_BENCH_PROFILE_DIR"])
    profiler = None
    try:  # the first worker to get here also runs cProfile
        os.close(os.open(out / "profiled-worker", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        profiler = cProfile.Profile(time.thread_time)  # CPU: waits show in the table
    except FileExistsError:
        pass
    name = "profiled-worker" if profiler is not None else "worker"

    def dump(watch: Stopwatch) -> None:
        data = {step: dict(parts) for step, parts in watch.totals.items()}
        (out / f"{name}-{os.getpid()}.json").write_text(json.dumps(data))
        if profiler is not None:
            profiler.dump_stats(out / f"{name}-{os.getpid()}.pstats")

    watch = instrument(app, profiler, every=100, dump=dump, window=out / "window-open")
    atexit.register(dump, watch)
    return app


def instrument(app, profiler: cProfile.Profile | None = None, every: int = 0,
               dump=None, window: Path | None = None) -> Stopwatch:
    """Time every request of ``app`` by step and part; returns the running totals.

    When the file ``window`` appears (the measured window has opened), the
    figures of the warm-up are dropped, once.
    """
    watch = Stopwatch()
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect
        dialect.do_commit = watch.timed("commit", dialect.do_commit)
        dialect.do_ping = watch.timed("ping", dialect.do_ping)

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            watch.add("sql", time.perf_counter() - conn.info.pop("bench_started"))
            watch.add("statements", 1)

    def render_started(sender, template, context, **extra):
        watch.current["render_started"] = time.thread_time()

    def render_ended(sender, template, context, **extra):
        watch.add("render", time.thread_time() - watch.current.pop("render_started"))

    before_render_template.connect(render_started, app, weak=False)
    template_rendered.connect(render_ended, app, weak=False)
    inner = app.wsgi_app

    def timed_wsgi(environ, start_response):
        if window is not None and not watch.window_open and window.exists():
            watch.window_open = True
            watch.totals.clear()
            if profiler is not None:
                profiler.clear()
        watch.current.clear()
        seen: dict[str, str] = {}

        def remember(status, headers, *args):
            seen["status"] = status
            seen["location"] = dict(headers).get("Location", "")
            return start_response(status, headers, *args)

        wall, cpu = time.perf_counter(), time.thread_time()
        if profiler is not None:
            profiler.enable()
        try:
            body = b"".join(inner(environ, remember))
        finally:
            if profiler is not None:
                profiler.disable()
        parts = watch.totals[step_of(environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                     seen.get("status", ""), seen.get("location", ""))]
        parts["wall"] += time.perf_counter() - wall
        parts["cpu"] += time.thread_time() - cpu
        for part in ("sql", "commit", "ping", "render", "statements"):
            parts[part] += watch.current.get(part, 0.0)
        parts["count"] += 1
        if every and dump and sum(p["count"] for p in watch.totals.values()) % every == 0:
            dump(watch)
        return [body]

    app.wsgi_app = timed_wsgi
    return watch


def print_table(totals: dict[str, dict[str, float]]) -> None:
    print(f"    {'step':<8} {'count':>6} " + " ".join(f"{p:>7}" for p in PARTS) +
          "  statements")
    for step in ("landing", "start", "page", "post", "final", "thanks", "other"):
        parts = totals.get(step)
        if not parts or not parts["count"]:
            continue
        n = parts["count"]
        print(f"    {step:<8} {int(n):>6} " + " ".join(
            f"{parts[p] / n * 1000:>7.2f}" for p in PARTS) +
            f"  {parts['statements'] / n:>10.1f}")


def summarise(folder: Path, top: int = 25) -> None:
    """Print the per-step breakdown of every worker, and the profile of the first."""
    import pstats

    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in folder.glob("worker-*.json"):
        for step, parts in json.loads(path.read_text()).items():
            for part, value in parts.items():
                totals[step][part] += value
    print()
    print("  Where a Chorus request spends its time inside a worker: mean ms per request in the")
    print("  measured window, over the workers without cProfile. wall: from the worker taking")
    print("  the request to its last byte (not the wait in the listen queue); cpu: the worker's")
    print("  CPU; sql: SQL statements; commit: COMMIT (fsync); ping: pool pre-ping; render: CPU")
    print("  in templates; statements: SQL statements per request")
    print_table(totals)
    for path in folder.glob("profiled-worker-*.pstats"):
        stats = pstats.Stats(str(path))
        own: dict[str, float] = defaultdict(float)
        for (filename, _, function), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore
            own[package_of(filename, function)] += tottime
        total = sum(own.values())
        print()
        print(f"  cProfile of one worker ({path.name}, {total:.1f} CPU s profiled): own CPU "
              "time by package")
        for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:14]:
            print(f"    {name:<34} {seconds:6.2f} s {seconds / total:6.1%}")
        print(f"  Chorus functions, top {top} by cumulative CPU time:")
        stats.sort_stats("cumulative").print_stats(r"/(feedback|surveys|templates)/", top)


def package_of(filename: str, function: str = "") -> str:
    """Where a profiled function lives: a site-package, a Chorus package, or the stdlib."""
    if filename == "~":  # C functions: name the driver's, lump the rest
        for driver in ("sqlite3", "psycopg", "socket"):
            if driver in function:
                return f"{driver} (C)"
        return "other C built-ins"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].split(".", 1)[0]
    for mine in ("feedback", "surveys", "analysis", "templates"):
        if f"/{mine}/" in filename:
            return f"chorus {mine}/"
    if filename.startswith("<"):
        return "generated code (jinja2 templates, sqlalchemy)"
    return "python stdlib " + Path(filename).stem
