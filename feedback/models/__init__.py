"""Database models. Singular class names; tables named after them."""

from feedback.models.access import Draft, InvitationCode
from feedback.models.action import Action, ActionLink, RagStatus
from feedback.models.response import Answer, Response
from feedback.models.safeguarding import (
    FlagStatus,
    SafeguardingFlag,
    SafeguardingItem,
    SafeguardingNote,
)
from feedback.models.survey import Survey, SurveyVersion, Wave, WaveState
from feedback.models.theme import CommentTheme, Embedding, Theme, ThemeRun
from feedback.models.user import AuditEvent, Role, User

__all__ = [
    "Action", "ActionLink", "Answer", "AuditEvent", "CommentTheme", "Draft", "Embedding",
    "FlagStatus", "InvitationCode", "RagStatus", "Response", "Role", "SafeguardingFlag",
    "SafeguardingItem", "SafeguardingNote", "Survey", "SurveyVersion", "Theme", "ThemeRun",
    "User", "Wave", "WaveState",
]
