"""Database models. Singular class names; tables named after them."""

from feedback.models.access import Draft, InvitationCode
from feedback.models.response import Answer, Response
from feedback.models.survey import Survey, SurveyVersion, Wave, WaveState

__all__ = [
    "Answer", "Draft", "InvitationCode", "Response", "Survey", "SurveyVersion", "Wave",
    "WaveState",
]
