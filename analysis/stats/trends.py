"""Trends across waves: favourable shares per question, theme shares per wave.

A question not asked in a wave gives a *missing* point (``asked=False``), never a zero;
a group too small in a wave gives a *hidden* point. Renamed teams are followed with a
rename map (see :func:`analysis.stats.scores.resolve_renames`), applied to every wave
before grouping, so older waves are reported under the newest name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from analysis.stats.proportions import wilson_interval
from analysis.stats.scores import QuestionScore, resolve_renames
from analysis.stats.suppression import ALL, NOT_GIVEN, CountTable, suppress
from analysis.stats.tables import score_table
from surveys import CommentRecord, ResponseRecord, Survey, WaveRecord, get_type


@dataclass(frozen=True)
class TrendPoint:
    """One wave of a trend.

    ``share`` is the favourable share (question trends) or the share of comments in the
    theme (theme trends), with ``count`` of ``n`` and the Wilson 95% interval ``ci``.
    ``asked`` is ``False`` when the question was not in that wave; ``hidden`` is ``True``
    when the group was too small. Either way the numbers are ``None``.
    """

    wave_key: str
    wave_title: str
    opens_on: date
    asked: bool = True
    hidden: bool = False
    count: int | None = None
    n: int | None = None
    share: float | None = None
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class Trend:
    """A series of points, one per wave in date order."""

    key: str
    label: str
    group: str
    kind: str
    min_n: int
    points: tuple[TrendPoint, ...]

    def shares(self) -> list[float | None]:
        """The shares in wave order, ``None`` where missing or hidden."""
        return [p.share for p in self.points]


def _point(wave: WaveRecord, count: int, n: int) -> TrendPoint:
    share = count / n if n else None
    return TrendPoint(wave.key, wave.title, wave.opens_on, count=count, n=n, share=share,
                      ci=wilson_interval(count, n))


def _asked(wave: WaveRecord, key: str, definitions: Mapping[str, Survey] | None,
           responses: Sequence[ResponseRecord]) -> bool:
    if definitions is not None and wave.key in definitions:
        return any(q.key == key for q in definitions[wave.key].questions())
    return any(key in r.answers for r in responses if r.wave_key == wave.key)


def question_trends(survey: Survey, waves: Sequence[WaveRecord],
                    responses: Iterable[ResponseRecord], *,
                    question_keys: Sequence[str] | None = None,
                    where: Mapping[str, str] | None = None,
                    renames: Mapping[str, str] | None = None,
                    definitions: Mapping[str, Survey] | None = None) -> list[Trend]:
    """Favourable share with Wilson 95% intervals and n, per scored question and wave.

    Parameters
    ----------
    survey : surveys.Survey
        The newest definition: it names the questions and the threshold.
    waves : sequence of WaveRecord
        The waves to plot; those of other surveys are ignored. Sorted by ``opens_on``.
    responses : iterable of ResponseRecord
    question_keys : sequence of str, optional
        Defaults to every scored question of ``survey``.
    where : mapping, optional
        One group, e.g. ``{"team": "north"}``, suppressed wave by wave.
    renames : mapping, optional
        ``{old_value: new_value}`` for segment values in older waves.
    definitions : mapping, optional
        The definition used in each wave, by wave key. Without it, a question counts as
        asked in a wave when any response in that wave has it among its answers.
    """
    keys = list(question_keys) if question_keys else [
        q.key for q in survey.questions() if get_type(q.type).scored]
    ordered = sorted((w for w in waves if w.survey_key == survey.key), key=lambda w: w.opens_on)
    responses = list(responses)
    group = ", ".join(resolve_renames(renames).get(v, v) for v in (where or {}).values()) or ALL
    points: dict[str, list[TrendPoint]] = {k: [] for k in keys}
    for wave in ordered:
        asked = [k for k in keys if _asked(wave, k, definitions, responses)]
        table = score_table(survey, responses, wave_key=wave.key, where=where,
                            renames=renames, question_keys=asked) if asked else None
        for k in keys:
            score = table.overall[k] if table and k in asked else None
            if score is None:
                points[k].append(TrendPoint(wave.key, wave.title, wave.opens_on, asked=False))
            elif not isinstance(score, QuestionScore):
                points[k].append(TrendPoint(wave.key, wave.title, wave.opens_on, hidden=True))
            else:
                points[k].append(_point(wave, score.favourable, score.n))
    k_min = survey.settings.min_group_score
    return [Trend(k, survey.question(k).text, group, "question", k_min, tuple(points[k]))
            for k in keys]


def _comment_group(c: CommentRecord, dims: Sequence[str], renames: Mapping[str, str]
                   ) -> tuple[str, str]:
    values = [renames.get(v, v) for v in (c.segments.get(d) or NOT_GIVEN for d in dims)]
    return (values[0] if values else ALL, values[1] if len(values) > 1 else ALL)


def _comments_hidden(comments: Sequence[CommentRecord], where: Mapping[str, str],
                     renames: Mapping[str, str], min_n: int) -> bool:
    """Whether the selection's comments must be hidden: respondents who commented, by group."""
    dims = list(where)[:2]
    people: dict[tuple[str, str], set[int]] = {}
    for c in comments:
        people.setdefault(_comment_group(c, dims, renames), set()).add(c.response_id)
    counts = {cell: len(ids) for cell, ids in people.items()}
    if len(dims) == 2:
        table = CountTable.two_way(counts)
    else:
        table = CountTable.one_way({cell[0]: v for cell, v in counts.items()} if dims
                                   else {"everyone": sum(counts.values())})
    sel = (where[dims[0]], where[dims[1]] if len(dims) == 2 else ALL) if dims else (ALL, ALL)
    result = suppress(table, min_n)
    return not result.safe or result.is_hidden(*sel)


@dataclass(frozen=True)
class ThemeShare:
    """How many comments of a wave fall in one theme, out of ``n`` themed comments."""

    theme_id: int
    label: str
    count: int
    n: int

    @property
    def share(self) -> float | None:
        return self.count / self.n if self.n else None

    @property
    def ci(self) -> tuple[float, float] | None:
        return wilson_interval(self.count, self.n)


def _select_comments(comments: Iterable[CommentRecord], wave_key: str | None,
                     question_key: str | None, survey_key: str | None) -> list[CommentRecord]:
    return [c for c in comments if (wave_key is None or c.wave_key == wave_key)
            and (question_key is None or c.question_key == question_key)
            and (survey_key is None or c.survey_key == survey_key)]


def theme_prevalence(comments: Iterable[CommentRecord], *, wave_key: str | None = None,
                     question_key: str | None = None, survey_key: str | None = None,
                     themes: Mapping[int, str] | None = None,
                     where: Mapping[str, str] | None = None,
                     renames: Mapping[str, str] | None = None,
                     min_n: int = 10) -> list[ThemeShare] | None:
    """Theme counts and shares for one wave (and question), biggest first.

    The base ``n`` is the number of comments with a theme assigned. Returns ``None`` when
    the selection is hidden (fewer than ``min_n`` people commented, or hidden to protect
    a smaller group; ``min_n`` is the survey's ``min_group_comments``).
    """
    names = resolve_renames(renames)
    where = {s: names.get(v, v) for s, v in (where or {}).items()}
    pool = _select_comments(comments, wave_key, question_key, survey_key)
    if _comments_hidden(pool, where, names, min_n):
        return None
    dims = list(where)
    mine = [c for c in pool if not where or
            _comment_group(c, dims, names)[:len(dims)] == tuple(where[d] for d in dims)]
    themed = Counter(c.theme_id for c in mine if c.theme_id is not None)
    n = sum(themed.values())
    labels = themes or {}
    return sorted((ThemeShare(t, labels.get(t, f"Theme {t}"), k, n) for t, k in themed.items()),
                  key=lambda s: (-s.count, s.theme_id))


def theme_trends(comments: Iterable[CommentRecord], waves: Sequence[WaveRecord], *,
                 question_key: str | None = None, themes: Mapping[int, str] | None = None,
                 where: Mapping[str, str] | None = None,
                 renames: Mapping[str, str] | None = None, min_n: int = 10) -> list[Trend]:
    """Share of themed comments in each theme, per wave (Wilson 95% intervals).

    A theme with no comments in a wave has a share of 0 there (the question was asked and
    people wrote about other things); a wave with no comments at all gives missing points.
    """
    ordered = sorted(waves, key=lambda w: w.opens_on)
    comments = list(comments)
    per_wave = {w.key: theme_prevalence(comments, wave_key=w.key, question_key=question_key,
                                        survey_key=w.survey_key, themes=themes, where=where,
                                        renames=renames, min_n=min_n) for w in ordered}
    ids = sorted({s.theme_id for shares in per_wave.values() for s in shares or []})
    if themes:
        ids = sorted(set(ids) | set(themes))
    labels = themes or {}
    group = ", ".join(resolve_renames(renames).get(v, v) for v in (where or {}).values()) or ALL
    trends = []
    for t in ids:
        points = []
        for w in ordered:
            shares = per_wave[w.key]
            if shares is None:
                points.append(TrendPoint(w.key, w.title, w.opens_on, hidden=True))
                continue
            n = shares[0].n if shares else 0
            if n == 0:
                points.append(TrendPoint(w.key, w.title, w.opens_on, asked=False))
                continue
            count = next((s.count for s in shares if s.theme_id == t), 0)
            points.append(_point(w, count, n))
        trends.append(Trend(str(t), labels.get(t, f"Theme {t}"), group, "theme", min_n,
                            tuple(points)))
    return trends
