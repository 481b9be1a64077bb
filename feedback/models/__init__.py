"""Database models. Singular class names; tables named after them."""

from feedback.models.access import Draft, InvitationCode
from feedback.models.response import Answer, Response
from feedback.models.survey import Survey, SurveyVersion, Wave, WaveState
from feedback.models.theme import CommentTheme, Embedding, Theme, ThemeRun

__all__ = [
    "Answer", "CommentTheme", "Draft", "Embedding", "InvitationCode", "Response", "Survey",
    "SurveyVersion", "Theme", "ThemeRun", "Wave", "WaveState",
]
