"""Rate limits on sign-in and on sending a survey, read from settings at request time.

The limits themselves are settings (``LOGIN_RATE_LIMIT``, ``SUBMISSION_RATE_LIMIT``);
counters are kept in Redis when ``REDIS_URL`` is set, so every worker shares them, and
in memory otherwise. A client past a limit gets a 429 page (``errors/429.html``).

To limit a view by a setting::

    from feedback.ratelimit import rate_limit

    @bp.route("/sign-in", methods=["GET", "POST"])
    @rate_limit("LOGIN_RATE_LIMIT")
    def sign_in(): ...
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, current_app
from flask_limiter import RouteLimit

from feedback.extensions import limiter


def init_app(app: Flask) -> None:
    """Bind the limiter: Redis when configured, memory otherwise."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # An unreachable Redis must not turn away a survey: the request goes through, logged.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "chorus")
    limiter.init_app(app)


@limiter.request_filter
def _limits_off_for_this_app() -> bool:
    # The limiter is one object for the process; several apps in one process (tests)
    # each keep their own RATELIMIT_ENABLED.
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def rate_limit(setting: str, methods: Sequence[str] | None = ("POST",)) -> RouteLimit:
    """A limit read from the setting ``setting`` on each request (default: POSTs only).

    Use it as a decorator on a view, or on a plain function called from a view:
    calling it then counts one hit for the client, and raises 429 past the limit.
    """
    return limiter.limit(lambda: current_app.config[setting],
                         methods=list(methods) if methods else None)


#: For the lead's sign-in view: ``@login_rate_limit`` under the route decorator.
login_rate_limit = rate_limit("LOGIN_RATE_LIMIT")


@rate_limit("SUBMISSION_RATE_LIMIT")
def count_submission() -> None:
    """Count one completed survey from this client; 429 past ``SUBMISSION_RATE_LIMIT``.

    Called just before a response is stored, so earlier pages and saving a draft
    never count, and a client turned away keeps its draft to send later.
    """
