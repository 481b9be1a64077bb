"""Loading survey definitions into the database, and reading them back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

import surveys
from feedback.extensions import db
from feedback.models import Survey, SurveyVersion
from feedback.models.survey import definition_hash
from feedback.services import NotFound
from feedback.services.clock import now


def workspace_title(definition: surveys.Survey) -> str:
    """The survey's name in the workspace: its title, with the age band when it has one,
    since the age-banded young people's surveys share a title ("Your life, your say").
    Respondents see the definition's own title."""
    band = definition.settings.age_band
    return f"{definition.title} (ages {band})" if band else definition.title


def store_definition(text: str, source: str = "<definition>") -> tuple[SurveyVersion, bool]:
    """Check a YAML definition and store it as the survey's latest version.

    Returns the version and whether anything changed. An unchanged definition
    stores nothing; a changed one updates the latest version while it is a
    draft, and adds a new version once the latest is frozen by a wave.
    Raises :class:`surveys.DefinitionError` for a bad definition.
    """
    parsed = surveys.loads_survey(text, source)
    digest = definition_hash(text)
    survey = db.session.scalar(select(Survey).where(Survey.key == parsed.key))
    if survey is None:
        survey = Survey(key=parsed.key, title=workspace_title(parsed),
                        audience=parsed.audience.value, created_at=now())
        db.session.add(survey)
    else:
        survey.title, survey.audience = workspace_title(parsed), parsed.audience.value
    latest = survey.versions[-1] if survey.versions else None
    if latest is not None and latest.definition_hash == digest:
        return latest, False
    if latest is not None and not latest.is_frozen:
        latest.definition, latest.definition_hash = text, digest
        return latest, True
    version = SurveyVersion(number=(latest.number + 1) if latest else 1, definition=text,
                            definition_hash=digest, created_at=now())
    survey.versions.append(version)
    return version, True


def load_file(path: str | Path) -> tuple[SurveyVersion, bool]:
    """Store the definition in ``path``; see :func:`store_definition`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise surveys.DefinitionError(f"cannot read the file ({e})", source=path.name) from None
    return store_definition(text, path.name)


def load_library() -> list[tuple[SurveyVersion, bool]]:
    """Store every definition shipped in the survey library."""
    return [load_file(p) for p in surveys.library_paths()]


def get_survey(key: str) -> Survey:
    survey = db.session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        raise NotFound(f"no survey with key {key!r}; `chorus surveys list` shows them")
    return survey


def all_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.audience, Survey.key)))


def export_definition(key: str) -> str:
    """The latest version's YAML, as stored (comments and layout kept)."""
    return get_survey(key).latest_version.definition
