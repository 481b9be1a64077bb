"""Serving Chorus in production: gunicorn with several workers and graceful shutdown.

Each worker builds its own app after the fork, so no database connection is shared
between processes. On SIGTERM gunicorn stops accepting connections and lets
requests in flight finish (up to the graceful timeout), so an answer being sent
when a deployment restarts Chorus is still stored and acknowledged.

The access log has the time, method, path, status, size and duration only: no
query string, body, client address, referrer or user agent (Chorus keeps nothing
about a respondent's device or network).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

#: %(U)s is the path without its query string.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def default_workers() -> int:
    """gunicorn's rule of thumb: two per CPU core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_options(host: str, port: int, workers: int, threads: int,
                     graceful_timeout: int, log_level: str = "info") -> dict[str, Any]:
    return {
        "bind": [f"{host}:{port}"],
        "workers": workers,
        # Threads let a worker serve others while a phone on a slow network uploads.
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": graceful_timeout,
        "keepalive": 5,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "proc_name": "chorus",
        "preload_app": False,  # each worker creates its own app and database pool
        # Several instances (tests, benchmarks) on one machine must not share a socket.
        "control_socket_disable": True,
    }


class ChorusServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running the app that ``factory`` builds, once in each worker."""

    def __init__(self, factory: Callable[[], Flask], options: Mapping[str, Any]) -> None:
        self.factory = factory
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if name in self.cfg.settings:  # older gunicorn lacks some settings
                self.cfg.set(name, value)

    def load(self) -> Flask:
        return self.factory()


def _one_thread_per_worker(server: Any, worker: Any) -> None:
    """gunicorn's post_fork hook: PyTorch on one thread in each worker.

    A worker forked after the sentence model was loaded hangs on its first
    embedding while it uses the thread pool it inherited; and several workers on
    a small machine should not each start a pool of their own anyway.
    """
    from analysis.embeddings import use_threads

    use_threads(1)


def serve_production(factory: Callable[[], Flask], options: Mapping[str, Any]) -> None:
    """Run gunicorn in the foreground until SIGTERM or SIGINT."""
    # Built once here, before the fork: every worker (and every replacement of a
    # crashed one) inherits the safeguarding screen, with the sentence model and its
    # fitted meaning layer, and the app's modules, instead of spending CPU and memory
    # on them at its first request. Not the rest of the analysis stack (matplotlib):
    # a worker loads it when it first draws a chart or fits themes.
    from feedback import admin  # noqa: F401
    from feedback.services.screening import screen_status

    app = factory()
    with app.app_context():
        status = screen_status()
        app.logger.info("safeguarding screen: %s", status.describe())
    ChorusServer(factory, {**options, "post_fork": _one_thread_per_worker}).run()
