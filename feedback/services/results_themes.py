"""A wave's free-text themes: label, count, share and a couple of quotes per theme.

Part of :mod:`feedback.services.results` (import from there). Counts and shares go
through :func:`analysis.stats.theme_prevalence`, so a selection where fewer than the
survey's ``min_group_comments`` people commented (or one hidden to protect a smaller
group) shows no themes at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis import stats
from feedback.models import Wave
from feedback.services import results_data as _r
from feedback.services.results_comments import load_comments
from feedback.services.themes import FlaggedTexts, current_run, flagged_texts
from surveys import get_type


@dataclass(frozen=True)
class ThemeSummary:
    """One theme in one wave's selection: ``count`` of ``n`` themed comments."""

    number: int
    label: str
    count: int
    n: int
    quotes: tuple[str, ...] = ()
    is_new: bool = False

    @property
    def share(self) -> float | None:
        return self.count / self.n if self.n else None


@dataclass(frozen=True)
class WaveThemes:
    """The themes of one free-text question in a wave.

    ``themes`` is ``None`` when the selection is hidden (too few people commented);
    ``fitted`` is ``False`` when themes have not been found for the question yet.
    ``comments`` counts the selection's comments (``None`` when hidden).
    """

    question_key: str
    question_text: str
    fitted: bool
    themes: tuple[ThemeSummary, ...] | None
    comments: int | None
    min_n: int

    @property
    def hidden(self) -> bool:
        return self.themes is None and self.fitted

    @property
    def hidden_note(self) -> str:
        return (f"Hidden: fewer than {self.min_n} people commented, or hidden so that a "
                f"group of fewer than {self.min_n} cannot be worked out from the others.")


def wave_themes(wave: Wave, *, team: str | None = None,
                filters: Mapping[str, str] | None = None, quotes: int = 2,
                limit: int | None = None) -> list[WaveThemes]:
    """The themes of every free-text question of the wave, biggest first.

    Quotes (``quotes`` per theme, 0 for none) are the theme's representative quotes
    that were written in this selection, else its first comments here; all redacted.
    Answers with a safeguarding flag are never quotes (:func:`~feedback.services.themes.
    flagged_texts`), though they count. Show quotes only to people who may read
    comments, and audit the view.
    """
    survey = _r.definition(wave)
    where = _r.scope_where(survey, team=team, filters=filters)
    min_n = survey.settings.min_group_comments
    out: list[WaveThemes] = []
    everything = load_comments(wave)
    for question in survey.questions():
        if not get_type(question.type).themed:
            continue
        run = current_run(wave.survey, question.key)
        if run is None:
            out.append(WaveThemes(question.key, question.text, False, None, None, min_n))
            continue
        comments = [c for c in everything if c.question_key == question.key]
        labels = {t.number: t.label for t in run.themes if not t.is_non_answer}
        shares = stats.theme_prevalence(comments, wave_key=wave.key,
                                        question_key=question.key, themes=labels,
                                        where=where, min_n=min_n)
        if shares is None:
            out.append(WaveThemes(question.key, question.text, True, None, None, min_n))
            continue
        mine = [c for c in comments if all(c.segments.get(k) == v for k, v in where.items())]
        rows = run.themes
        flagged = flagged_texts(wave.survey_id, question.key) if quotes > 0 else None
        summaries = tuple(
            ThemeSummary(s.theme_id, s.label, s.count, s.n,
                         _quotes(s.theme_id, mine, rows, quotes, flagged),
                         next((t.is_new for t in rows if t.number == s.theme_id), False))
            for s in shares[:limit] if s.theme_id in labels)
        out.append(WaveThemes(question.key, question.text, True, summaries, len(mine), min_n))
    return out


def _quotes(number: int, comments: list, rows: list, k: int,
            flagged: FlaggedTexts | None) -> tuple[str, ...]:
    if k <= 0 or flagged is None:
        return ()
    texts = flagged.comments([c.text for c in comments if c.theme_id == number])
    present = set(texts)
    representative = flagged.quotes(next((t.quotes for t in rows if t.number == number), []))
    chosen = [q for q in representative if q in present][:k]
    for text in texts:
        if len(chosen) >= k:
            break
        if text not in chosen:
            chosen.append(text)
    return tuple(chosen)
