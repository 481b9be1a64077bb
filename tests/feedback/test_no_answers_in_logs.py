"""No answer ever reaches a log: every log record of a whole demo run (loading, theme
fitting, screening, emailing the safeguarding lead), of respondents submitting
answers, and of an error page, is captured at DEBUG level and searched for the words
people wrote."""

from __future__ import annotations

import logging

import pytest

from feedback.demo import comment_bank
from feedback.extensions import db
from tests.feedback.respondent import complete

DISCLOSED = "nobody knows my uncle touches me zqxj"


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def all_logs(app):
    """Every record at DEBUG, from every logger (the app sets its own to LOG_LEVEL)."""
    handler = Everything()
    loggers = [logging.getLogger(), logging.getLogger("feedback"), app.logger]
    previous = [logger.level for logger in loggers]
    loggers[0].addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield handler
    loggers[0].removeHandler(handler)
    for logger, level in zip(loggers, previous, strict=True):
        logger.setLevel(level)


def written_words() -> set[str]:
    """Each demo comment long enough to be unmistakable in a log line."""
    return {c.text for comments in comment_bank().values() for c in comments
            if len(c.text) >= 25}


def test_a_full_demo_run_and_submissions_log_no_answer(app, runner, client, all_logs):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SAFEGUARDING_EMAILS="dsl@example.org")
    result = runner.invoke(args=["demo", "--no-serve", "--themes-backend", "tfidf"])
    assert result.exit_code == 0, result.output
    # a respondent writes a disclosure: screened, flagged, email attempted (and failing)
    complete(client, "young-people-11-17", text=DISCLOSED)
    client.get("/s/no-such-survey")
    assert len(all_logs.lines) > 10  # the capture works: the demo run logs as it goes
    logged = "\n".join(all_logs.lines)
    leaked = [text for text in written_words() | {DISCLOSED} if text in logged]
    assert leaked == []
    with app.app_context():
        db.session.remove()
