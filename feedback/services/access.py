"""Invitation codes, drafts and resume codes.

Codes are random, shown once, and stored only as hashes. Drafts hold answers
given so far on the server, so the only thing in a respondent's cookie is a
random token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from feedback.extensions import db
from feedback.models import Draft, InvitationCode, Wave, WaveState
from feedback.services import Conflict
from surveys import AnswerValue, Survey, is_shown

#: No 0/O, 1/I/L or 5/S: codes are read aloud, copied from paper and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_code(length: int = 8) -> str:
    """A random code like ``K7QF-M2XP``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces, one hyphen in the middle."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


# -- invitation codes ------------------------------------------------------------------

def generate_invitations(wave: Wave, count: int, today: dt.date) -> list[str]:
    """``count`` new single-use codes for ``wave``, which from now on requires one."""
    if not 1 <= count <= 5000:
        raise Conflict("make between 1 and 5,000 codes at a time")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    for code in sorted(codes):
        db.session.add(InvitationCode(wave=wave, code_hash=_hash(code), created_on=today))
    wave.requires_code = True
    return sorted(codes)


def invitation_is_valid(wave_id: int, code: str) -> bool:
    """Whether ``code`` belongs to the wave and has not been used."""
    found = db.session.scalar(select(InvitationCode).where(
        InvitationCode.wave_id == wave_id,
        InvitationCode.code_hash == _hash(normalise_code(code))))
    return found is not None and found.used_on is None


def use_invitation(wave: Wave, code_hash: str, today: dt.date) -> bool:
    """Mark a code used; ``False`` when someone else used it first."""
    result = db.session.execute(
        update(InvitationCode)
        .where(InvitationCode.wave_id == wave.id, InvitationCode.code_hash == code_hash,
               InvitationCode.used_on.is_(None))
        .values(used_on=today))
    return result.rowcount == 1  # type: ignore[attr-defined]


def invitation_counts(wave: Wave) -> tuple[int, int]:
    """``(made, used)`` for a wave."""
    codes = db.session.scalars(select(InvitationCode.used_on).where(
        InvitationCode.wave_id == wave.id)).all()
    return len(codes), sum(u is not None for u in codes)


# -- drafts --------------------------------------------------------------------------

def start_draft(wave_id: int, today: dt.date, language: str = "en",
                invitation: str | None = None) -> tuple[Draft, str]:
    """A new draft and the token that identifies it (kept in the session cookie)."""
    token = secrets.token_urlsafe(24)
    draft = Draft(wave_id=wave_id, token_hash=_hash(token), idempotency_key=secrets.token_hex(16),
                  answers={}, path=[], language=language, updated_on=today,
                  invitation_hash=_hash(normalise_code(invitation)) if invitation else None)
    db.session.add(draft)
    db.session.commit()
    return draft, token


def find_draft(wave_id: int, token: str | None) -> Draft | None:
    """The draft of the wave that the browser's ``token`` opens, if any."""
    if not token:
        return None
    return db.session.scalar(_FIND_DRAFT, {"wave": wave_id, "token": _hash(token)})


_FIND_DRAFT = select(Draft).where(Draft.wave_id == bindparam("wave"),
                                  Draft.token_hash == bindparam("token"))


def draft_answers(survey: Survey, draft: Draft) -> dict[str, AnswerValue]:
    """The draft's answers as validated values (lists back to tuples)."""
    out: dict[str, AnswerValue] = {}
    for key, value in (draft.answers or {}).items():
        out[key] = tuple(value) if isinstance(value, list) else value
    return out


def save_page(survey: Survey, draft: Draft, page_key: str,
              answers: Mapping[str, AnswerValue], page_questions: list[str],
              today: dt.date, *, commit: bool = True) -> None:
    """Keep one page's answers; answers to questions now hidden are dropped.

    With ``commit=False`` the change waits for the caller's commit (the last page
    is stored with the response, in one transaction).
    """
    merged = draft_answers(survey, draft)
    for key in page_questions:
        merged.pop(key, None)
    merged.update({k: v for k, v in answers.items() if v is not None})
    shown: dict[str, AnswerValue] = {}
    for q in survey.questions():
        if q.key in merged and is_shown(q, shown):
            shown[q.key] = merged[q.key]
    values = {
        "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in shown.items()},
        "path": [*(p for p in (draft.path or []) if p != page_key), page_key],
        "updated_on": today,
    }
    # One UPDATE of the row, without the unit of work: every page a respondent
    # sends comes here, and a flush cost more than the statement.
    db.session.execute(_SAVE_DRAFT, {"draft": draft.id, **{f"new_{k}": v
                                                          for k, v in values.items()}})
    for name, value in values.items():
        set_committed_value(draft, name, value)
    if commit:
        db.session.commit()


_SAVE_DRAFT = (update(Draft.__table__).where(Draft.__table__.c.id == bindparam("draft"))
               .values(answers=bindparam("new_answers"), path=bindparam("new_path"),
                       updated_on=bindparam("new_updated_on")))


def resume_code(draft: Draft) -> str:
    """A new code to carry on later; any earlier code for this draft stops working."""
    code = new_code()
    draft.resume_hash = _hash(code)
    db.session.commit()
    return code


def resume_draft(wave_id: int, code: str, today: dt.date) -> tuple[Draft, str] | None:
    """The draft saved under ``code`` with a fresh browser token, or ``None``."""
    draft = db.session.scalar(select(Draft).where(
        Draft.wave_id == wave_id, Draft.resume_hash == _hash(normalise_code(code))))
    if draft is None:
        return None
    token = secrets.token_urlsafe(24)
    draft.token_hash, draft.updated_on = _hash(token), today
    db.session.commit()
    return draft, token


def purge_drafts(today: dt.date) -> int:
    """Delete drafts of waves that have closed: answers never sent are not kept."""
    waves = db.session.scalars(select(Wave).where(Wave.id.in_(select(Draft.wave_id)))).all()
    closed = [w.id for w in waves if w.state(today) is WaveState.CLOSED]
    if not closed:
        return 0
    result = db.session.execute(delete(Draft).where(Draft.wave_id.in_(closed)))
    db.session.commit()
    return result.rowcount  # type: ignore[attr-defined]
