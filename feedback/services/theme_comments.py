"""One theme's comments in the workspace: redacted, filtered, searched, paged and
audited, within a person's team scope (the rules are in
:mod:`feedback.services.theme_explorer`)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from feedback.models import Theme, ThemeRun
from feedback.services import NotFound, audit
from feedback.services.theme_edits import active_themes
from feedback.services.theme_explorer import (
    MAX_SEARCH,
    PER_PAGE,
    SPLIT_LIMIT,
    Question,
    Row,
    redacted_texts,
    run_of,
    run_waves,
    themed_rows,
)

# -- one theme's comments --------------------------------------------------------------

@dataclass(frozen=True)
class ShownComment:
    answer_id: int
    text: str
    #: the wave's title (not shown to team managers)
    wave: str | None
    pinned: bool


@dataclass(frozen=True)
class SubthemeCount:
    id: int
    label: str
    keywords: tuple[str, ...]
    #: None: not shown (a team manager's view)
    count: int | None


@dataclass(frozen=True)
class CommentPage:
    question: Question
    run: ThemeRun
    theme: Theme
    team: str | None
    #: comments of the theme in scope (None: not shown, fewer than min_n)
    total: int | None
    #: comments left by the filters and the search
    matched: int
    comments: tuple[ShownComment, ...]
    page: int
    pages: int
    #: why no comments are shown, if they are not
    hidden: str
    waves: tuple[tuple[str, str, int | None], ...]
    subthemes: tuple[SubthemeCount, ...]
    wave: str | None
    sub: int | None
    search: str

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.comments else 0

    @property
    def last(self) -> int:
        return self.first + len(self.comments) - 1 if self.comments else 0


def _small(count: int, min_n: int) -> bool:
    return 0 < count < min_n


def _why_hidden(in_scope: int, chosen: int, min_n: int) -> str:
    """Why a team manager may not read these comments ("" when they may)."""
    if in_scope < min_n:
        return (f"Fewer than {min_n} comments from your team are in this theme, so they "
                "are not shown.")
    if _small(chosen, min_n) or _small(in_scope - chosen, min_n):
        return (f"These filters leave fewer than {min_n} comments on one side, so the "
                "comments are not shown. Remove a filter to read them.")
    return ""


def _search(rows: list[Row], search: str) -> tuple[list[Row], dict[int, str]]:
    """The rows whose redacted text contains ``search`` (any case), and those texts."""
    if not search:
        return rows, {}
    texts = redacted_texts([r.answer_id for r in rows])
    needle = search.casefold()
    return [r for r in rows if needle in texts[r.answer_id].casefold()], texts


def theme_comments(q: Question, number: int, team: str | None, *, wave: str | None = None,
                   sub: int | None = None, search: str = "", page: int = 1) -> CommentPage:
    """A page of a theme's comments in a person's scope, and the audit entry for it."""
    run = run_of(q)
    theme = next((t for t in active_themes(run) if t.number == number), None)
    if theme is None:
        raise NotFound(f"there is no theme {number}")
    search = " ".join(search.split())[:MAX_SEARCH]
    scoped = team is not None
    rows = [r for r in themed_rows(q, run, number) if not scoped or r.team == team]
    waves = run_waves(q, run)
    by_wave = Counter(r.wave_key for r in rows)
    by_sub = Counter(r.subtheme for r in rows)
    wave_options = tuple((w.key, w.title, None if scoped else by_wave[w.key]) for w in waves)
    if wave not in {w.key for w in waves}:
        wave = None
    if sub is not None and sub not in {int(s["id"]) for s in theme.subthemes}:
        sub = None
    subthemes = tuple(SubthemeCount(int(s["id"]), str(s["label"]), tuple(s.get("keywords", ())),
                                    None if scoped else by_sub[int(s["id"])])
                      for s in theme.subthemes)
    chosen = [r for r in rows if (wave is None or r.wave_key == wave)
              and (sub is None or r.subtheme == sub)]
    hidden = _why_hidden(len(rows), len(chosen), q.min_n) if scoped else ""
    shown: list[ShownComment] = []
    matched, pages = 0, 1
    if not hidden:
        chosen, texts = _search(chosen, search)
        matched = len(chosen)
        pages = max(math.ceil(matched / PER_PAGE), 1)
        page = min(max(page, 1), pages)
        on_page = chosen[(page - 1) * PER_PAGE: page * PER_PAGE]
        texts = texts or redacted_texts([r.answer_id for r in on_page])
        titles = {w.key: w.title for w in waves}
        shown = [ShownComment(r.answer_id, texts[r.answer_id],
                              None if scoped else titles.get(r.wave_key), r.pinned)
                 for r in on_page]
    audit.record("comments.view", f"{q.survey.key}/{q.key}/theme {number}", theme=number,
                 page=page, shown=len(shown), wave=wave or "all", subtheme=sub,
                 searched=bool(search), team=team)
    total = None if scoped and len(rows) < q.min_n else len(rows)
    return CommentPage(q, run, theme, team, total, matched, tuple(shown), page, pages, hidden,
                       wave_options, subthemes, wave, sub, search)


def split_candidates(q: Question, number: int, search: str = ""
                     ) -> tuple[list[tuple[int, str]], int]:
    """Comments of a theme to choose from when splitting it (everyone's; for people
    who edit themes), matching ``search``: at most :data:`SPLIT_LIMIT`, and how many
    matched. The view is audited."""
    run = run_of(q)
    rows = themed_rows(q, run, number)
    texts = redacted_texts([r.answer_id for r in rows])
    needle = " ".join(search.split())[:MAX_SEARCH].casefold()
    found = [(r.answer_id, texts[r.answer_id]) for r in rows
             if not needle or needle in texts[r.answer_id].casefold()]
    audit.record("comments.view", f"{q.survey.key}/{q.key}/theme {number}", theme=number,
                 view="split", shown=min(len(found), SPLIT_LIMIT), searched=bool(needle))
    return found[:SPLIT_LIMIT], len(found)
