"""Survey definitions: the core of Chorus.

Standard library and PyYAML only; imports nothing from ``feedback`` or ``analysis``.
"""

from pathlib import Path

from surveys.concerns import concern_answers
from surveys.export import dump_survey, survey_to_dict
from surveys.loader import DefinitionError, load_survey, loads_survey
from surveys.model import (
    DONT_KNOW,
    RATHER_NOT_SAY,
    Audience,
    Choice,
    HelpContact,
    Mode,
    PageMode,
    Question,
    Section,
    Settings,
    ShowIf,
    Survey,
    Translation,
)
from surveys.records import AnswerValue, CommentRecord, ResponseRecord, WaveRecord
from surveys.types import AnswerError, QuestionType, UnknownQuestionType, get_type
from surveys.validation import ValidationResult, is_shown, validate_answers, visible_questions

LIBRARY_DIR = Path(__file__).parent / "library"


def library_paths() -> list[Path]:
    """The definition files of the survey library shipped with Chorus, sorted by name."""
    return sorted(LIBRARY_DIR.glob("*.yaml"))


def load_library() -> list[Survey]:
    """Every survey in the library, loaded and checked."""
    return [load_survey(p) for p in library_paths()]


__all__ = [
    "DONT_KNOW", "RATHER_NOT_SAY", "AnswerError", "AnswerValue", "Audience", "Choice",
    "CommentRecord", "DefinitionError", "HelpContact", "LIBRARY_DIR", "Mode", "PageMode",
    "Question", "QuestionType", "ResponseRecord", "Section", "Settings", "ShowIf", "Survey",
    "Translation", "UnknownQuestionType", "ValidationResult", "WaveRecord", "concern_answers",
    "dump_survey", "get_type", "is_shown", "library_paths", "load_library", "load_survey",
    "loads_survey", "survey_to_dict", "validate_answers", "visible_questions",
]
