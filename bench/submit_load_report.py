"""Figures of bench/submit_load.py: one app under load, the database check, the report."""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections import Counter

from sqlalchemy import create_engine, text
from submit_load_client import Limits, Outcome, Respondent, drive
from submit_load_servers import Gunicorn, machine_cpu

WAVE = "staff-load-bench"
MARKER = re.compile(r"\[(bench [^\]]+)\]")
STEPS = ("landing", "start", "page", "post", "final", "thanks")


# -- running one phase ----------------------------------------------------------------------

class Phase:
    """One server under load: its samples, window, CPU and crash events."""

    def __init__(self, name: str, server: Gunicorn) -> None:
        self.name, self.server = name, server
        self.outcomes: list[Outcome] = []
        self.window = (0.0, 0.0)
        self.cpu = (0.0, 0.0)
        self.client_cpu = (0.0, 0.0)
        self.events: list[dict] = []
        self.machine = (0.0, 0.0, 0.0)  # busy, idle, iowait seconds in the window
        self.warmup_seconds = 0.0

    def run(self, kind: type[Respondent], survey, args, run_id: str, crash=None,
            on_window=None) -> None:
        hard_stop = time.perf_counter() + args.warmup_timeout + args.duration
        limits = Limits(args.duration, args.requests, hard_stop)
        snapshots: dict[str, tuple] = {}
        threads: list[threading.Thread] = []

        def snapshot(label: str) -> None:
            snapshots[label] = (self.server.cpu_seconds(), time.process_time(), machine_cpu())

        def window_opened(start: float) -> None:
            snapshot("start")
            if on_window:
                on_window()
            if crash:
                threads.append(threading.Thread(target=crash, args=(self, start, limits)))
                threads[-1].start()

        self.outcomes = drive(kind, self.server.port, survey, args.clients, limits, run_id,
                              args.seed, args.warmup, args.warmup_timeout, args.ramp,
                              window_opened)
        if not limits.window_open.is_set():  # stopped before the warm-up was over
            window_opened(limits.open_window())
        snapshot("end")
        for t in threads:
            t.join()
        window_start = limits.counted_from
        end = min(limits.deadline, max((s.started + s.seconds for o in self.outcomes
                                        for s in o.samples), default=window_start))
        self.window = (window_start, max(end, window_start + 1e-9))
        self.warmup_seconds = window_start - (hard_stop - args.warmup_timeout - args.duration)
        (cpu0, client0, machine0), (cpu1, client1, machine1) = (snapshots["start"],
                                                                 snapshots["end"])
        self.cpu, self.client_cpu = (cpu0, cpu1), (client0, client1)
        self.machine = tuple(b - a for a, b in zip(machine0, machine1, strict=True))

    # figures ------------------------------------------------------------------------------

    def samples(self, step: str | None = None, method: str | None = None):
        lo, hi = self.window
        return [s for o in self.outcomes for s in o.samples
                if lo <= s.started and s.started + s.seconds <= hi and 0 < s.status < 400
                and (step is None or s.step == step) and (method is None or s.method == method)]

    @property
    def seconds(self) -> float:
        return self.window[1] - self.window[0]

    def rate(self, step: str | None = None, method: str | None = None) -> float:
        return len(self.samples(step, method)) / self.seconds

    def latency(self, step: str | None = None) -> tuple[float, float, float, float]:
        values = sorted(s.seconds * 1000 for s in self.samples(step))
        return tuple(_percentile(values, p) for p in (50, 95, 99, 100))  # type: ignore

    def failures(self):
        return [s for o in self.outcomes for s in o.samples if s.status == 0 or s.status >= 500]

    def acknowledged(self) -> list[str]:
        return [k for o in self.outcomes for k in o.acknowledged]

    def abandoned(self) -> Counter:
        total: Counter = Counter()
        for o in self.outcomes:
            total.update(o.abandoned)
        return total


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


# -- checking the database ----------------------------------------------------------------

def check_responses(url: str, phase: Phase) -> dict[str, int]:
    """Every acknowledged response is stored exactly once, whole, with its own answers."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT r.idempotency_key, COUNT(a.id), "
            "MAX(CASE WHEN a.question_key = 'most_difference' THEN a.text END) "
            "FROM response r JOIN wave w ON w.id = r.wave_id "
            "LEFT JOIN answer a ON a.response_id = r.id "
            "WHERE w.key = :wave GROUP BY r.id, r.idempotency_key"), {"wave": WAVE}).all()
    engine.dispose()
    sent = {k: v for o in phase.outcomes for k, v in o.sent.items()}
    stored: dict[str, list[tuple[int, str]]] = {}
    markers: Counter = Counter()
    for key, n_answers, comment in rows:
        stored.setdefault(key, []).append((n_answers, comment or ""))
        markers.update(MARKER.findall(comment or ""))
    acknowledged = phase.acknowledged()
    ack_set = set(acknowledged)
    lost = [k for k in ack_set if k not in stored]
    duplicated = [k for k in ack_set if len(stored.get(k, [])) > 1
                  or markers[sent[k][0]] > 1] + [k for k, n in Counter(acknowledged).items()
                                                  if n > 1]
    half = [k for k, found in stored.items()
            if k not in sent or any(n != sent[k][1] for n, _ in found)]
    mixed_up = [k for k in ack_set if k in stored
                and not any(f"[{sent[k][0]}]" in c for _, c in stored[k])]
    whole = [k for k in ack_set if k not in lost and k not in duplicated and k not in half
             and k not in mixed_up]
    return {"acknowledged": len(acknowledged), "exactly once and whole": len(whole),
            "lost": len(lost), "duplicated": len(duplicated), "half-written": len(half),
            "answers of another submission": len(mixed_up),
            "stored but not acknowledged": len([k for k in stored if k not in ack_set]),
            "responses in the wave": len(rows)}


def count_ceiling_rows(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        n = connection.execute(text("SELECT COUNT(*) FROM ceiling_row")).scalar_one()
    engine.dispose()
    return n


# -- report ---------------------------------------------------------------------------------

def report(args, ceiling: Phase, app: Phase, checks: dict[str, int], ceiling_rows: int,
           setup: dict) -> None:
    def row(label: str, a: str, b: str, c: str = "") -> None:
        print(f"  {label:<38} {a:>18} {b:>18} {c:>8}")

    def ms(values) -> str:
        return "/".join(f"{v:.0f}" for v in values[:3])

    print()
    print(f"Chorus submission load: {args.database} ({setup['database']}), gunicorn "
          f"{args.workers} sync workers each, {args.clients} clients, "
          f"{args.duration:g} s after a warm-up of {args.warmup} submission(s) per client "
          f"({ceiling.warmup_seconds:.0f} s and {app.warmup_seconds:.0f} s)"
          + (f", at most {args.requests} requests" if args.requests else ""))
    print(f"machine: {os.cpu_count()} CPUs, load average {setup['load_before']} before, "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after; "
          f"{setup['ratelimit']}")
    print()
    row("", "ceiling (1 row/POST)", "Chorus", "ratio")
    row("measured for (s)", f"{ceiling.seconds:.1f}", f"{app.seconds:.1f}")
    for label, step, method in (("full submissions/s", "final", None),
                                ("row-storing POSTs/s", None, "POST"),
                                ("HTTP requests/s (GET and POST)", None, None)):
        a, b = ceiling.rate(step, method), app.rate(step, method)
        row(label, f"{a:.1f}", f"{b:.1f}", f"{b / a:.0%}" if a else "")
    pages = setup["pages"]
    print(f"  (a full submission is {2 * pages + 3} requests: {pages + 2} GET, {pages + 1} POST "
          "that store a row;\n  a window of a few submissions per client counts completed ones"
          " coarsely: the rates below are steadier.\n  ratio: Chorus / ceiling for rates, "
          "ceiling / Chorus for CPU: either way Chorus's share of the ceiling)")
    row("submission POST p50/p95/p99 ms", ms(ceiling.latency("final")), ms(app.latency("final")))
    row("all requests p50/p95/p99 ms", ms(ceiling.latency()), ms(app.latency()))
    row("slowest request ms", f"{ceiling.latency()[3]:.0f}", f"{app.latency()[3]:.0f}")
    row("machine CPU busy (all processes)", *(
        f"{p.machine[0] / sum(p.machine):.0%}" + (f", iowait {p.machine[2] / sum(p.machine):.0%}"
                                                   if p.machine[2] / sum(p.machine) >= 0.01
                                                   else "")
        for p in (ceiling, app)))
    per_submission = 2 * pages + 3
    for label, scale, phase_cpu in (
            ("server CPU ms per request", 1, lambda p: p.cpu),
            (f"server CPU ms per submission (x{per_submission})", per_submission,
             lambda p: p.cpu),
            ("load generator CPU ms per request", 1, lambda p: p.client_cpu)):
        values = []
        for p in (ceiling, app):
            n = len(p.samples())
            lo, hi = phase_cpu(p)
            values.append((hi - lo) / n * 1000 * scale if n else float("nan"))
        ratio = f"{values[0] / values[1]:.0%}" if label.startswith("server") else ""
        row(label, *(f"{v:.2f}" for v in values), ratio)
    print()
    print("  Chorus by step (successful replies in the window): count, p50/p95/p99 ms")
    for step in STEPS:
        samples = app.samples(step)
        print(f"    {step:<8} {len(samples):>6}  {ms(app.latency(step)):>16}")
    print()
    print("  Chorus responses in the database after the run:")
    for label, n in checks.items():
        print(f"    {label:<32} {n}")
    acked_posts = sum(1 for o in ceiling.outcomes for s in o.samples
                      if s.method == "POST" and s.status == 302)
    print(f"  ceiling rows stored: {ceiling_rows} (POSTs acknowledged, warm-up included: "
          f"{acked_posts})")
    failures = app.failures()
    print()
    print(f"  failed requests (connection error or 5xx, each retried): Chorus {len(failures)}, "
          f"ceiling {len(ceiling.failures())}")
    if failures:
        print("    by step: " + ", ".join(f"{step} {n}" for step, n in
                                         Counter(s.step for s in failures).items()))
    for event in app.events:
        inside = [s for s in failures
                  if event["start"] <= s.started + s.seconds <= event["end"] + 1]
        struck = [s for o in app.outcomes for s in o.samples if s.method == "POST"
                  and s.started <= event["start"] <= s.started + s.seconds]
        print(f"    {event['what']} at {event['start'] - app.window[0]:.1f} s: "
              f"{event['note']}; {len(struck)} POSTs were awaiting a reply "
              f"({sum(s.step == 'final' for s in struck)} of them submissions); "
              f"{len(inside)} requests failed during it (or within 1 s after)")
    retried = sum(o.retried_finals for o in app.outcomes)
    if retried:
        print(f"  submissions acknowledged only when their POST was sent again: {retried}")
    abandoned = app.abandoned()
    if abandoned:
        print("  submissions given up: " + ", ".join(f"{r} x{n}" for r, n in abandoned.items()))
    if ceiling.abandoned():
        print("  ceiling submissions given up: " + ", ".join(
            f"{r} x{n}" for r, n in ceiling.abandoned().items()))

    ceiling_posts = ceiling.rate(method="POST")
    ratio = app.rate(method="POST") / ceiling_posts if ceiling_posts else 0.0
    p99 = app.latency("final")[2]
    safe = checks["acknowledged"] == checks["exactly once and whole"]
    print()
    print("Targets (issue 8; printed, not asserted):")
    print(f"  submission throughput at least half of the ceiling (row-storing POSTs/s): "
          f"{ratio:.0%} "
          f"({'met' if ratio >= 0.5 else 'NOT MET'})")
    print(f"  p99 of the submission POST under 250 ms at 32 clients: {p99:.0f} ms at "
          f"{args.clients} clients ({'met' if p99 < 250 else 'NOT MET'})")
    print(f"  zero lost or duplicated acknowledged responses"
          f"{' with the crash' if args.crash else ''}: "
          f"{'met' if safe else 'NOT MET'}")


