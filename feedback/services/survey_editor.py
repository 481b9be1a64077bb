"""Survey management: creating surveys, editing drafts, publishing, running waves.

A survey's *draft* is its latest version while that is not frozen. Every edit
writes a whole new definition, checked by the loader, onto the draft; editing
a survey whose latest version is published (frozen) starts a new draft version,
so the wording a wave ran with never changes. Publishing freezes the draft.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

import surveys
from feedback.extensions import db
from feedback.models import Survey, SurveyVersion, Wave, WaveState
from feedback.models.survey import definition_hash
from feedback.services import Conflict, NotFound, audit
from feedback.services.access import generate_invitations, invitation_counts
from feedback.services.clock import now
from feedback.services.library import all_surveys, store_definition
from feedback.services.waves import close_wave, create_wave, list_waves, open_wave
from surveys.editing import EditError, checked, copy_survey


class EditRefused(Conflict):
    """An edit that cannot be made. ``field`` names the part of the question at fault
    (``choices``, ``show_if``, ``options``...) when the loader said which."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _question_field(key_path: str) -> str:
    """``sections[1].questions[2].show_if.question`` -> ``show_if``."""
    tail = re.split(r"questions\[\d+\]\.?", key_path)[-1] if "questions[" in key_path else ""
    return re.split(r"[.\[]", tail)[0] if tail else ""


@dataclass
class WaveSummary:
    wave: Wave
    state: WaveState
    responses: int


@dataclass
class SurveySummary:
    """One row of the surveys list."""

    survey: Survey
    latest: SurveyVersion
    published: SurveyVersion | None
    waves: list[WaveSummary] = field(default_factory=list)

    @property
    def draft(self) -> SurveyVersion | None:
        return None if self.latest.is_frozen else self.latest


def published_version(survey: Survey) -> SurveyVersion | None:
    """The newest frozen version, the one waves run."""
    return next((v for v in reversed(survey.versions) if v.is_frozen), None)


def draft_version(survey: Survey) -> SurveyVersion | None:
    """The latest version if it is still a draft, else ``None``."""
    return None if survey.latest_version.is_frozen else survey.latest_version


def summaries(today: dt.date) -> list[SurveySummary]:
    """Every survey with its versions and waves (newest wave first)."""
    waves: dict[int, list[WaveSummary]] = {}
    for wave, count in list_waves():
        waves.setdefault(wave.survey_id, []).append(
            WaveSummary(wave, wave.state(today), count))
    return [SurveySummary(s, s.latest_version, published_version(s), waves.get(s.id, []))
            for s in all_surveys()]


def summary(survey: Survey, today: dt.date) -> SurveySummary:
    waves = [WaveSummary(w, w.state(today), n) for w, n in list_waves(survey.key)]
    return SurveySummary(survey, survey.latest_version, published_version(survey), waves)


def find(key: str) -> Survey:
    survey = db.session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        raise NotFound(f"There is no survey {key!r}")
    return survey


# -- creating ------------------------------------------------------------------------

def templates() -> list[surveys.Survey]:
    """The surveys of the library a new survey can start from."""
    return surveys.load_library()


#: keys that would collide with the workspace's own addresses (/admin/surveys/new...)
RESERVED_KEYS = frozenset({"new", "upload"})


def _key_line(text: str) -> int | None:
    match = re.search(r"^key\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def create_from_text(text: str, source: str = "pasted YAML") -> Survey:
    """A new survey from a YAML definition, stored as a draft.

    Raises :class:`surveys.DefinitionError` (with its line and key) for a bad
    definition or a key that another survey already has.
    """
    parsed = surveys.loads_survey(text, source)
    if parsed.key in RESERVED_KEYS:
        raise surveys.DefinitionError(f"{parsed.key!r} cannot be a survey's key; choose "
                                      "another", source=source, line=_key_line(text), key="key")
    if db.session.scalar(select(Survey.id).where(Survey.key == parsed.key)) is not None:
        raise surveys.DefinitionError(
            f"a survey called {parsed.key!r} already exists: give this one a new key, or "
            "edit that survey instead", source=source, line=_key_line(text), key="key")
    version, _ = store_definition(text, source)
    audit.record("survey.create", parsed.key, version=version.number)
    return version.survey


def create_from_template(template_key: str, key: str, title: str) -> Survey:
    """A new survey copied from the library survey ``template_key``."""
    template = next((t for t in templates() if t.key == template_key), None)
    if template is None:
        raise NotFound(f"There is no library survey {template_key!r}")
    if key in RESERVED_KEYS:
        raise Conflict(f"{key!r} cannot be a survey's key; choose another")
    if db.session.scalar(select(Survey.id).where(Survey.key == key)) is not None:
        raise Conflict(f"A survey called {key!r} already exists; choose another key")
    try:
        _, text = checked(copy_survey(template, key, title), source=key)
    except EditError as e:
        raise Conflict(str(e)) from None
    version, _ = store_definition(text, key)
    audit.record("survey.create", key, version=version.number, template=template_key)
    return version.survey


# -- editing the draft ----------------------------------------------------------------

def working_definition(survey: Survey) -> surveys.Survey:
    """The definition being edited: the draft, or the published one a new draft copies."""
    return survey.latest_version.parsed()


def save_text(survey: Survey, text: str, source: str = "YAML") -> SurveyVersion:
    """Store ``text`` (a whole definition) as ``survey``'s draft; returns the draft.

    Raises :class:`surveys.DefinitionError` for a bad definition, or one whose
    key is not this survey's.
    """
    parsed = surveys.loads_survey(text, source)
    if parsed.key != survey.key:
        raise surveys.DefinitionError(
            f"the key must stay {survey.key!r}; to make a new survey, use "
            "“Create a survey” instead", source=source, line=_key_line(text), key="key")
    latest = survey.latest_version
    if latest.definition == text:
        return latest
    if latest.is_frozen:
        latest = SurveyVersion(number=latest.number + 1, definition=text,
                               definition_hash=definition_hash(text), created_at=now())
        survey.versions.append(latest)
    else:
        latest.definition, latest.definition_hash = text, definition_hash(text)
    survey.title, survey.audience = parsed.title, parsed.audience.value
    audit.record("survey.edit", survey.key, version=latest.number)
    return latest


def edit(survey: Survey, change: Callable[[surveys.Survey], surveys.Survey]) -> SurveyVersion:
    """Apply ``change`` (a function from :mod:`surveys.editing`) to the draft.

    Raises :class:`EditRefused` with a message for a person when the change
    cannot be made or would leave the definition invalid.
    """
    try:
        _, text = checked(change(working_definition(survey)), source=survey.key)
    except EditError as e:
        raise EditRefused(str(e)) from None
    except surveys.DefinitionError as e:
        # The line is in YAML the person never saw: the key path says what is wrong.
        field = _question_field(e.key)
        message = e.message[:1].upper() + e.message[1:]
        raise EditRefused(message if field else f"{e.key}: {e.message}", field) from None
    return save_text(survey, text, survey.key)


def publish(survey: Survey) -> SurveyVersion:
    """Freeze the draft: from now on it is the version new waves run."""
    draft = draft_version(survey)
    if draft is None:
        raise Conflict(f"Version {survey.latest_version.number} is already published; "
                       "edit the survey to start a new draft")
    draft.frozen_at = now()
    audit.record("survey.publish", survey.key, version=draft.number)
    return draft


# -- waves and invitations ------------------------------------------------------------

def segment_targets(definition: surveys.Survey) -> list[tuple[str, surveys.Question]]:
    """``(segment name, question)`` for every breakdown a wave can set targets for."""
    return [(str(q.options["segment"]), q) for q in definition.segment_questions()]


def new_wave(survey: Survey, key: str, title: str, opens_on: dt.date, closes_on: dt.date,
             targets: Mapping[str, Mapping[str, int]], target_total: int | None,
             requires_code: bool) -> Wave:
    """A wave of the published version. A draft must be published first."""
    if draft_version(survey) is not None:
        raise Conflict(f"Version {survey.latest_version.number} is a draft: publish it "
                       "before making a wave, so respondents see the wording you checked")
    wave = create_wave(survey.key, key, title, opens_on, closes_on, targets, target_total)
    wave.requires_code = requires_code
    audit.record("wave.create", key, survey=survey.key, opens_on=opens_on.isoformat(),
                 closes_on=closes_on.isoformat())
    return wave


def find_wave(survey: Survey, key: str) -> Wave:
    wave = next((w for w in survey.waves if w.key == key), None)
    if wave is None:
        raise NotFound(f"{survey.title} has no wave {key!r}")
    return wave


def open_now(wave: Wave, today: dt.date, closes_on: dt.date | None = None) -> Wave:
    open_wave(wave.key, today, closes_on)
    audit.record("wave.open", wave.key, closes_on=wave.closes_on.isoformat())
    return wave


def close_now(wave: Wave, today: dt.date) -> Wave:
    close_wave(wave.key, today)
    audit.record("wave.close", wave.key)
    return wave


def make_invitations(wave: Wave, count: int, today: dt.date) -> list[str]:
    """New codes for ``wave``: shown once, only their hashes are kept. Audited by count."""
    codes = generate_invitations(wave, count, today)
    audit.record("invitations.create", wave.key, count=len(codes))
    return codes


def invitation_status(wave: Wave) -> tuple[int, int]:
    """``(made, used)``."""
    return invitation_counts(wave)
