"""Free-text answers as :class:`surveys.CommentRecord`, redacted, with their themes.

Part of :mod:`feedback.services.results` (import from there). Reading comments is
reading what people wrote: callers that *show* them must check
``Permission.READ_COMMENTS`` and record the view with :func:`feedback.services.audit.record`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import select

from analysis.text import prepare
from feedback.extensions import db
from feedback.models import Answer, CommentTheme, Response, ThemeRun, Wave
from feedback.services import results_data as _r
from feedback.services.themes import NON_ANSWER_ID, current_run
from surveys import CommentRecord


@functools.lru_cache(maxsize=20_000)
def redacted(text: str) -> str:
    """``text`` normalised and redacted for analysts (cached: redaction is the slow part
    of a results page, and the same text always gives the same result)."""
    return prepare(text)


def theme_numbers(run: ThemeRun, answer_ids: Sequence[int], *,
                  include_non_answers: bool = False) -> dict[int, int]:
    """answer id -> theme number in ``run``, following merges; non-answers left out
    unless ``include_non_answers`` (they are then :data:`NON_ANSWER_ID`, -1)."""
    merged = {t.number: t.merged_into for t in run.themes if t.merged_into is not None}
    found: dict[int, int] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 900):
        for answer_id, number in db.session.execute(
                select(CommentTheme.answer_id, CommentTheme.theme_number)
                .where(CommentTheme.run_id == run.id,
                       CommentTheme.answer_id.in_(ids[start:start + 900]))):
            seen = {number}
            while number in merged and merged[number] not in seen:
                number = merged[number]  # type: ignore[assignment]
                seen.add(number)
            if number != NON_ANSWER_ID or include_non_answers:
                found[answer_id] = number
    return found


def load_comments(waves: Wave | Sequence[Wave], *, question_key: str | None = None,
                  team: str | None = None, include_non_answers: bool = False
                  ) -> list[CommentRecord]:
    """Free-text answers of the waves, redacted (names, phones, emails, addresses).

    ``theme_id`` is the comment's theme number in the question's latest theme run
    (merged themes followed), or ``None`` when not yet themed or a non-answer
    ("nothing", "n/a"; kept as -1 with ``include_non_answers``). With ``team``, only
    that team's comments; to report on a team's themes, pass every comment to
    :func:`analysis.stats.theme_prevalence` with ``where`` (see :func:`wave_themes`).
    """
    chosen = [waves] if isinstance(waves, Wave) else sorted(waves, key=lambda w: w.opens_on)
    out: list[CommentRecord] = []
    for wave in chosen:
        segments = {r.response_id: r.segments for r in _r.wave_records(wave)}
        query = (select(Answer.id, Answer.response_id, Answer.question_key, Answer.text)
                 .join(Response, Answer.response_id == Response.id)
                 .where(Response.wave_id == wave.id, Answer.text.is_not(None))
                 .order_by(Answer.id))
        if question_key is not None:
            query = query.where(Answer.question_key == question_key)
        rows = [r for r in db.session.execute(query)
                if team is None or segments.get(r.response_id, {}).get(_r.TEAM) == team]
        themes: dict[int, int] = {}
        for key in dict.fromkeys(r.question_key for r in rows):
            run = current_run(wave.survey, key)
            if run is not None:
                themes.update(theme_numbers(run, [r.id for r in rows if r.question_key == key],
                                            include_non_answers=include_non_answers))
        out.extend(CommentRecord(r.response_id, wave.survey.key, wave.key, r.question_key,
                                 redacted(r.text or ""), segments.get(r.response_id, {}),
                                 themes.get(r.id))
                   for r in rows if (r.text or "").strip())
    return out
