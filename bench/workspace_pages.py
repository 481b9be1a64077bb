"""Render time of every workspace page on the demo data, cold and warm.

Builds the demo data (``chorus demo --no-serve``: the library, three years of
staff surveys and this year's and last year's other surveys, themes fitted with
the tf-idf backend, one account per role) in a throwaway SQLite database, signs
in as the participation lead through the sign-in form, and requests every
``/admin`` page it finds in the app's URL map (every area, so pages added later
are timed too) with sample arguments, plus the query strings of the results and
comparison pages. For each page it prints the median and 95th-percentile server
time and whether the median is under the 300 ms target:

- **cold**: the results cache and the chart cache emptied before each request
  (the first person to open a page after new responses arrive);
- **warm**: the same request again, caches filled.

Chart images are timed separately (drawing one costs about a second of CPU the
first time, then comes from the disk cache). It prints; it never asserts.

    python bench/workspace_pages.py [--cold 3] [--warm 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from feedback import create_app, database  # noqa: E402
from feedback.extensions import db  # noqa: E402
from feedback.services.clock import today  # noqa: E402

TARGET_MS = 300.0
#: endpoints that are not pages to time
SKIP = {"auth.sign_in", "auth.sign_out", "static"}


def build_demo(seed: int) -> tuple[object, Path]:
    """An app on a new SQLite database holding the demo data; returns it and its folder."""
    from feedback.demo import generate_demo, load_demo
    from feedback.demo.accounts import create_demo_accounts
    from feedback.services.library import all_surveys
    from feedback.services.themes import refresh_survey

    folder = Path(tempfile.mkdtemp(prefix="chorus-bench-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'chorus.db'}",
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False},
                     instance_path=folder / "instance")
    with app.app_context():
        database.upgrade()
        counts = load_demo(generate_demo(seed, today()), seed)
        themed = 0
        for survey in all_surveys():
            try:
                themed += len(refresh_survey(survey, backend="tfidf", seed=seed))
            except Exception as e:  # noqa: BLE001 - a bench carries on without themes
                db.session.rollback()
                print(f"  (themes for {survey.key} failed: {type(e).__name__}: {e})")
        create_demo_accounts()
        db.session.commit()
    print("Demo data: " + ", ".join(f"{n} {name}" for name, n in counts.items())
          + f"; themes for {themed} questions.")
    return app, folder


def sign_in(client, email: str) -> None:
    from feedback.demo.accounts import DEMO_PASSWORD

    html = client.get("/admin/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    response = client.post("/admin/sign-in", data={
        "csrf_token": token.group(1) if token else "", "email": email,
        "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email} ({response.status_code})")


def sample_arguments() -> dict[str, object]:
    """A real value from the demo database for every URL argument a page may take."""
    from feedback.models import (
        Action,
        AuditEvent,
        Response,
        SafeguardingFlag,
        Survey,
        ThemeRun,
        User,
        Wave,
    )

    def first(query, default: object = 1) -> object:
        value = db.session.scalar(query.limit(1))
        return default if value is None else value

    staff = db.session.scalar(select(Survey).where(Survey.key == "staff-annual"))
    wave = max(staff.waves, key=lambda w: w.opens_on) if staff else None
    # a theme run of the staff survey, so that wave, question and theme belong together
    run = db.session.scalar(select(ThemeRun).where(
        ThemeRun.status == "done", ThemeRun.survey_id == (staff.id if staff else -1))
        .order_by(ThemeRun.id))
    theme = next((t.number for t in run.themes if not t.is_non_answer), 0) if run else 0
    return {
        "wave_key": wave.key if wave else first(select(Wave.key), "x"),
        "survey_key": "staff-annual", "key": "staff-annual",
        "question_key": run.question_key if run else "most_difference",
        "run_id": run.id if run else 1, "theme_number": theme, "number": theme,
        "user_id": first(select(User.id)), "action_id": first(select(Action.id)),
        "flag_id": first(select(SafeguardingFlag.id)),
        "response_id": first(select(Response.id)), "answer_id": 1,
        "event_id": first(select(AuditEvent.id)), "audience": "staff", "page": 1,
        "index": 0, "section": 0, "fmt": "png", "format": "csv", "kind": "png",
        "team": "assessment", "version": 1, "version_number": 1, "position": 0,
        "section_key": "about", "page_key": "about", "code": "x", "job_id": "x",
        "chart": "agreement", "filename": "workspace.css",
    }


def pages(app) -> list[tuple[str, str]]:
    """(label, url) of every GET page under /admin, with extra query strings for results
    and comparisons; chart images are labelled as such."""
    from flask import url_for

    with app.app_context():
        samples = sample_arguments()
        wave = str(samples["wave_key"])
        year = int(wave.rsplit("-", 1)[1]) if wave[-4:].isdigit() else today().year
    found: list[tuple[str, str]] = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if (not rule.rule.startswith("/admin") or rule.endpoint in SKIP
                    or "GET" not in rule.methods):
                continue
            missing = [a for a in rule.arguments if a not in samples]
            if missing:
                print(f"  (skipped {rule.rule}: no sample for {', '.join(missing)})")
                continue
            url = url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments})
            found.append((rule.endpoint, url))
        extra = [
            ("results, filtered by role", url_for("admin.results_wave", wave_key=wave,
                                                  role="social_worker")),
            ("compare two waves", url_for("admin.compare", mode="waves", wave=wave,
                                          other=f"staff-annual-{year - 1}")),
            ("compare a team with the rest", url_for("admin.compare", mode="team",
                                                     wave=wave, group="assessment")),
            ("compare two audiences", url_for("admin.compare", mode="audiences",
                                              wave=f"young-people-11-17-{year}",
                                              other=f"young-people-8-11-{year}")),
            ("chart: comparison", url_for("admin.chart_compare", fmt="png", mode="waves",
                                          wave=wave, other=f"staff-annual-{year - 1}")),
        ] if "admin.compare" in app.view_functions else []
    return found + extra


def time_requests(client, url: str, repeat: int,
                  before: Callable[[], None] | None = None) -> tuple[list[float], int]:
    times, status = [], 0
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    return times, status


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", type=int, default=3, help="cold requests per page")
    parser.add_argument("--warm", type=int, default=10, help="warm requests per page")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("feedback.audit").setLevel(logging.WARNING)  # one line per request

    from feedback.services import results

    app, folder = build_demo(args.seed)
    chart_dir = Path(app.instance_path) / "chart-cache"

    def empty_caches() -> None:
        results.clear_cache()
        shutil.rmtree(chart_dir, ignore_errors=True)

    # no app context held here: each request gets its own, so the two clients never
    # share flask.g (and with it a CSRF token)
    lead, admin = app.test_client(), app.test_client()
    sign_in(lead, "lead@example.org")
    sign_in(admin, "admin@example.org")
    lead.get("/admin/overview")  # imports, templates compiled: not what we time
    rows = []
    for label, url in pages(app):
        # pages the lead may not open (accounts, audit log, safeguarding): as admin
        client = admin if lead.get(url).status_code == 403 else lead
        who = " [admin]" if client is admin else ""
        cold, status = time_requests(client, url, args.cold, empty_caches)
        warm, _ = time_requests(client, url, args.warm)
        rows.append((label + who, url, status, cold, warm))
    shutil.rmtree(folder, ignore_errors=True)

    print(f"\nWorkspace pages as the participation lead ([admin]: as an administrator, "
          f"for pages the lead may not open); target {TARGET_MS:.0f} ms "
          f"(median). cold = caches emptied before each of {args.cold} requests; "
          f"warm = {args.warm} requests after.\n")
    head = f"{'page':<44} {'status':>6} {'cold med':>9} {'cold p95':>9} " \
           f"{'warm med':>9} {'warm p95':>9}  under 300 ms (cold/warm)"
    print(head)
    print("-" * len(head))
    for label, url, status, cold, warm in rows:
        cm, wm = statistics.median(cold), statistics.median(warm)
        verdict = f"{'yes' if cm < TARGET_MS else 'NO'}/{'yes' if wm < TARGET_MS else 'NO'}"
        kind = " (image)" if "chart" in label else ""
        print(f"{(label + kind)[:44]:<44} {status:>6} {cm:>8.0f}  {p95(cold):>8.0f}  "
              f"{wm:>8.0f}  {p95(warm):>8.0f}   {verdict}")
        print(f"    {url}")
    pages_only = [r for r in rows if "chart" not in r[0] and r[2] == 200]
    slow = [r[0] for r in pages_only if statistics.median(r[4]) >= TARGET_MS]
    print(f"\n{len(pages_only)} pages answered 200; "
          f"{len(pages_only) - len(slow)} under {TARGET_MS:.0f} ms warm"
          + (f"; slower: {', '.join(slow)}" if slow else "") + ".")


if __name__ == "__main__":
    main()
