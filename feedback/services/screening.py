"""The safeguarding screen this app uses, and whether it is working in full.

One place builds the screen (the shipped phrase lists, the service's own phrase
files, and the sentence model's layer) and says what state it is in, so the
respondent pages, the queue, ``/healthz`` and the workspace all agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from analysis.safeguarding import Screener, default_screener


@dataclass(frozen=True)
class ScreenStatus:
    """What the screen can do now.

    ``degraded`` is True when part of it is missing (the sentence model did not
    load): answers are then screened by the phrase lists alone, and the
    safeguarding lead must be told loudly, never left to assume otherwise.
    """

    phrases: bool
    meaning: bool
    problem: str | None = None

    @property
    def degraded(self) -> bool:
        return not (self.phrases and self.meaning)


def screener() -> Screener:
    """The screen for this app: shipped phrase lists plus the service's own files.

    Building one takes about a second, so the shipped screen is built once per
    process (and before gunicorn forks its workers) and an extended one once per app.
    """
    extra = [p.strip() for p in current_app.config["SAFEGUARDING_PHRASE_FILES"].split(",")
             if p.strip()]
    if not extra:
        return default_screener()
    cached = current_app.extensions.get("chorus.screener")
    if cached is None:
        cached = current_app.extensions["chorus.screener"] = Screener.from_files(extra)
    return cached


def screen_status() -> ScreenStatus:
    """Whether the phrase lists and the sentence model's layer are both working."""
    return ScreenStatus(phrases=True, meaning=False,
                        problem="the sentence model's layer is not built yet")
