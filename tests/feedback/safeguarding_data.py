"""Surveys and responses for the safeguarding tests: a young people's survey with two
free-text questions and a "do you feel safe" question, in either mode, and a staff
survey whose answers the safeguarding lead does not read unless they raise an item."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Answer, Response, SafeguardingItem, Wave
from feedback.services.library import store_definition
from feedback.services.responses import store_response
from feedback.services.waves import create_wave

SURVEY = """\
key: views
title: Your views
audience: young_people
settings: {{mode: {mode}}}
sections:
- key: about
  title: About you
  questions:
  - key: age_band
    type: segment
    text: How old are you?
    options: {{segment: age_band}}
    choices: [11-13, 14-17]
  - key: name
    type: short_text
    text: Your name
  - key: feel_safe
    type: yes_no
    text: Do you feel safe where you live?
    concern: ["no"]
  - key: change
    type: long_text
    text: If you could change one thing, what would it be?
  - key: anything_else
    type: long_text
    text: Is there anything else you want to tell us?
"""

STAFF_SURVEY = """\
key: staff-views
title: Staff views
audience: staff
sections:
- key: work
  title: Work
  questions:
  - key: improve
    type: long_text
    text: What would you improve?
"""

@pytest.fixture
def phrase_lists_only(app):
    """The screen without its meaning layer: these tests are about the queue, so the
    reasons are the phrase lists' (worked out by hand), and no test waits a minute or
    two for the sentence model to embed its example bank."""
    app.config["SAFEGUARDING_MEANING"] = False
    return app


DISCLOSURE = "my step dad hits me when mum is out"
SELF_HARM = "i want to kill myself"
ORDINARY = "more trips out please"
#: how long before "today" the test waves open, so answers can be sent on earlier days
OPENED_DAYS_AGO = 60


def open_wave(today: dt.date, mode: str = "anonymous", key: str = "views") -> Wave:
    """The young people's survey (or, with ``key="staff-views"``, the staff one) open."""
    store_definition(SURVEY.format(mode=mode) if key == "views" else STAFF_SURVEY)
    wave = create_wave(key, f"{key}-2026", "Autumn 2026",
                       today - dt.timedelta(days=OPENED_DAYS_AGO), today + dt.timedelta(days=9))
    db.session.commit()
    return wave


def submit(wave: Wave, key: str, day: dt.date, change: str | None = ORDINARY,
           **others: object) -> Response:
    """A response to the young people's survey, sent on ``day``."""
    answers = {"age_band": "14-17", "feel_safe": "not_sure", "change": change, **others}
    return store_response(wave, {k: v for k, v in answers.items() if v is not None},
                          key, day)[0]


def items() -> list[SafeguardingItem]:
    return list(db.session.scalars(select(SafeguardingItem).order_by(SafeguardingItem.id)))


def answer_of(response_id: int, question_key: str) -> Answer:
    return db.session.scalar(select(Answer).where(Answer.response_id == response_id,
                                                  Answer.question_key == question_key))
