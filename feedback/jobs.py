"""Long work in the background: RQ on Redis when ``REDIS_URL`` is set, inline otherwise.

Jobs are named in :data:`JOBS`; a job runs in a fresh app context built from
the same configuration as the web app, so a worker needs only the same
environment. Start workers with ``chorus worker``.
"""

from __future__ import annotations

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


#: job name -> function run inside an app context
JOBS: dict[str, Callable[..., str]] = {"themes.refresh": _refresh_themes}


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
