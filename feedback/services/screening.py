"""The safeguarding screen this app uses, and whether it is working in full.

One place builds the screen (the shipped phrase lists and example bank, the
service's own files, and the sentence model's meaning layer) and says what state
it is in, so the respondent pages, the queue, ``/healthz`` and the workspace all
agree. The screen is built once per process and shared by its threads: in
production before gunicorn forks its workers (``feedback.serving``).

If the meaning layer cannot run (the sentence model is missing or fails to load,
or ``SAFEGUARDING_MEANING`` is off) answers are still screened by the phrase
lists, and :func:`screen_status` says the screen is degraded and why: never a
silent fall-back.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from analysis.safeguarding import Screener

log = logging.getLogger(__name__)

_lock = threading.Lock()
#: (phrase files, example files, meaning on, vectors file, recall) -> (screen, status)
_built: dict[tuple, tuple[Screener, ScreenStatus]] = {}


@dataclass(frozen=True)
class ScreenStatus:
    """What the screen can do now.

    ``degraded`` is True when part of it is missing (the sentence model did not
    load, or the meaning layer was turned off): answers are then screened by the
    phrase lists alone, and the safeguarding lead must be told loudly, never left
    to assume otherwise.
    """

    phrases: bool
    meaning: bool
    problem: str | None = None

    @property
    def degraded(self) -> bool:
        return not (self.phrases and self.meaning)

    def describe(self) -> str:
        """One line for /healthz and logs."""
        if not self.degraded:
            return "phrase lists and meaning"
        return f"phrase lists only: {self.problem}"


def _files(setting: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in current_app.config[setting].split(",") if p.strip())


def _settings() -> tuple:
    config = current_app.config
    vectors = config["SAFEGUARDING_VECTORS_FILE"] or str(
        Path(current_app.instance_path) / "cache" / "screen-vectors.npz")
    return (_files("SAFEGUARDING_PHRASE_FILES"), _files("SAFEGUARDING_EXAMPLE_FILES"),
            bool(config["SAFEGUARDING_MEANING"]), vectors,
            float(config["SAFEGUARDING_MEANING_RECALL"]))


def _build(settings: tuple) -> tuple[Screener, ScreenStatus]:
    # imported here: the meaning layer brings NumPy, scikit-learn and torch, which a
    # process that never screens (a worker forked after the build) need not import
    from analysis.safeguarding import MeaningUnavailable, build_screener

    phrases, examples, meaning, vectors, recall = settings
    if not meaning:
        return (build_screener(phrases, examples, meaning=False),
                ScreenStatus(True, False, "the meaning layer is turned off "
                                          "(CHORUS_SAFEGUARDING_MEANING)"))
    try:
        return (build_screener(phrases, examples, cache_path=vectors, recall=recall),
                ScreenStatus(True, True))
    except MeaningUnavailable as e:
        log.error("safeguarding screen degraded to the phrase lists: %s", e)
        return build_screener(phrases, examples, meaning=False), ScreenStatus(True, False, str(e))


def _screen_and_status() -> tuple[Screener, ScreenStatus]:
    settings = _settings()
    found = _built.get(settings)
    if found is None:
        with _lock:  # one build per process, however many requests arrive first
            found = _built.get(settings)
            if found is None:
                found = _built[settings] = _build(settings)
    return found


def screener() -> Screener:
    """The screen for this app: phrase lists and meaning, built once per process."""
    return _screen_and_status()[0]


def screen_status() -> ScreenStatus:
    """Whether the phrase lists and the meaning layer are both working."""
    return _screen_and_status()[1]
