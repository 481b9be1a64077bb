"""Long work in the background: RQ on Redis when ``REDIS_URL`` is set, inline otherwise.

Jobs are named in :data:`JOBS`; a job runs in a fresh app context built from
the same configuration as the web app, so a worker needs only the same
environment. Start workers with ``chorus worker``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

QUEUE = "chorus"


def _refresh_themes(survey_key: str, question_key: str | None = None, **options: Any) -> str:
    from feedback.services.library import get_survey
    from feedback.services.themes import refresh_survey

    results = refresh_survey(get_survey(survey_key), question_key, **options)
    return "; ".join(f"{r.run.question_key}: {r.action}, {r.assigned} comments"
                     for r in results)


def _notify_safeguarding() -> str:
    from feedback.services.safeguarding import notify_new_flags

    return f"{notify_new_flags()} safeguarding item(s) notified"


def _run_theme_refresh(run_id: int) -> str:
    from feedback.services.themes import run_refresh

    return run_refresh(run_id)


def _daily() -> str:
    """Housekeeping once a day: retention, stale drafts, unsent safeguarding notices."""
    from feedback.services.access import purge_drafts
    from feedback.services.clock import today
    from feedback.services.retention import apply_retention
    from feedback.services.safeguarding import notify_new_flags

    retained = apply_retention(today())
    drafts = purge_drafts(today())
    notified = notify_new_flags()
    if current_app.config.get("REDIS_URL"):
        schedule_daily(today() + dt.timedelta(days=1))
    return (f"retention: {retained.total} text(s) deleted; {drafts} draft(s) purged; "
            f"{notified} safeguarding notice(s) sent")


#: job name -> function run inside an app context
JOBS: dict[str, Callable[..., str]] = {"themes.refresh": _refresh_themes,
                                       "themes.run": _run_theme_refresh,
                                       "safeguarding.notify": _notify_safeguarding,
                                       "daily": _daily}

#: when the daily housekeeping runs, in the service's time zone
DAILY_AT = dt.time(2, 0)


def schedule_daily(day: dt.date) -> str | None:
    """Queue the daily housekeeping for ``day`` at 02:00 (once, whatever the number of
    workers: the job id names the day). Needs a worker started with its scheduler,
    as ``chorus worker`` does. Returns the job id, or None if it was already queued."""
    from zoneinfo import ZoneInfo

    from redis import Redis
    from rq import Queue
    from rq.job import Job

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    job_id = f"chorus-daily-{day.isoformat()}"
    if Job.exists(job_id, connection=connection):
        return None
    when = dt.datetime.combine(day, DAILY_AT, ZoneInfo(current_app.config["TIMEZONE"]))
    Queue(QUEUE, connection=connection).enqueue_at(
        when, run_job, "daily", {}, job_id=job_id, job_timeout=3600, result_ttl=7 * 86400)
    return job_id


@dataclass(frozen=True)
class Submitted:
    """What happened to a job: queued (with its RQ id) or already done (with its result)."""

    queued: bool
    job_id: str | None = None
    result: str | None = None


def submit(name: str, **kwargs: Any) -> Submitted:
    """Queue job ``name`` on Redis when configured; otherwise run it now."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    url = current_app.config.get("REDIS_URL")
    if not url:
        return Submitted(False, result=JOBS[name](**kwargs))
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE, connection=Redis.from_url(url))
    job = queue.enqueue(run_job, name, kwargs, job_timeout=3600, result_ttl=86400)
    return Submitted(True, job_id=job.id)


def run_job(name: str, kwargs: dict[str, Any]) -> str:
    """What a worker runs: the job inside an app built from the environment."""
    from feedback import create_app

    app = create_app()
    with app.app_context():
        log.info("job %s started", name)
        return JOBS[name](**kwargs)
