"""People's edits to a codebook of themes, and keeping them when themes are refreshed.

Four edits, each made on the question's current run and recorded in the audit log
(never with anyone's words): :func:`rename` (``theme.rename``), :func:`merge`
(``theme.merge``), :func:`split_by_subthemes` and :func:`split_by_comments`
(``theme.split``), and :func:`move_comment` (``theme.move_comment``).

How they last:

- a renamed theme has ``label_edited`` set; a refit keeps the name for the theme
  matched to it (:func:`reapply`);
- a merged theme keeps its row with ``merged_into`` set: comments a later update
  predicts for it go to the theme it was merged into (:func:`route_predictions`),
  and after a refit the theme matched to it is merged again;
- a comment a person moved (by hand, or by splitting a theme) is *pinned*: updates
  never move it, and a refit puts it back where the person put it, bringing the
  theme along when the refit did not find it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import case, select, update

from analysis.text import prepare
from feedback.extensions import db
from feedback.models import Answer, CommentTheme, Theme, ThemeRun
from feedback.services import Conflict, NotFound, audit
from feedback.services import themes as theme_runs

MAX_LABEL = 200
MAX_KEYWORDS = 10
MAX_QUOTES = 5
#: sub-theme number of a comment that is in its theme but in none of its sub-themes
NO_SUBTHEME = -1


class EditError(Conflict):
    """An edit that cannot be made as asked; the message says why."""


def _target(run: ThemeRun, number: int | str = "") -> str:
    where = f"{run.survey.key}/{run.question_key}"
    return f"{where}/theme {number}" if number != "" else where


def clean_label(label: str | None) -> str:
    """A theme's name as typed, on one line; raises :class:`EditError` when empty."""
    words = " ".join((label or "").split())
    if not words:
        raise EditError("Enter a name for the theme")
    if len(words) > MAX_LABEL:
        raise EditError(f"Use {MAX_LABEL} characters or fewer for the name")
    return words


def active_themes(run: ThemeRun) -> list[Theme]:
    """Themes comments can be in: not merged away, not the non-answer group."""
    return [t for t in run.themes if t.merged_into is None and not t.is_non_answer]


def active_theme(run: ThemeRun, number: int) -> Theme:
    theme = next((t for t in active_themes(run) if t.number == number), None)
    if theme is None:
        raise NotFound(f"there is no theme {number} to change")
    return theme


def _next_number(run: ThemeRun) -> int:
    return max([t.number for t in run.themes] + [-1]) + 1


def _subthemes_of(theme: Theme) -> list[dict[str, Any]]:
    """The theme's sub-themes; a theme without any counts as one sub-theme of itself."""
    if theme.subthemes:
        return [dict(s) for s in theme.subthemes]
    return [{"id": 0, "label": theme.label, "keywords": list(theme.keywords[:5]),
             "quotes": list(theme.quotes[:3]), "size": theme.size, "share": 1.0}]


def _interleave(lists: Iterable[Sequence[str]], limit: int) -> list[str]:
    queues = [list(items) for items in lists]
    out: list[str] = []
    while any(queues) and len(out) < limit:
        for queue in queues:
            if queue and len(out) < limit:
                item = queue.pop(0)
                if item not in out:
                    out.append(item)
    return out


def _member_texts(run: ThemeRun, number: int) -> dict[int, str]:
    """Answer id -> redacted text of every comment in the theme."""
    rows = db.session.execute(
        select(CommentTheme.answer_id, Answer.text)
        .join(Answer, Answer.id == CommentTheme.answer_id)
        .where(CommentTheme.run_id == run.id, CommentTheme.theme_number == number,
               Answer.text.is_not(None)))
    return {a: prepare(t or "") for a, t in rows}


def _refresh_quotes(run: ThemeRun, theme: Theme) -> None:
    """Keep the quotes still in the theme; top up from its comments to at least three."""
    texts = _member_texts(run, theme.number)
    present = set(texts.values())
    flagged = theme_runs.flagged_texts(run.survey_id, run.question_key)
    quotes = [q for q in flagged.quotes(theme.quotes) if q in present]
    for _, text in sorted(texts.items()):
        if len(quotes) >= 3:
            break
        if text and text not in quotes and text not in flagged.texts:
            quotes.append(text)
    theme.quotes = quotes[:MAX_QUOTES]


# -- the edits -----------------------------------------------------------------------

def rename(run: ThemeRun, number: int, label: str) -> Theme:
    """Give a theme a person's name for it (kept across refits)."""
    theme = active_theme(run, number)
    label = clean_label(label)
    if label != theme.label:
        audit.record("theme.rename", _target(run, number), theme=number, old=theme.label,
                     new=label)
        theme.label = label
    theme.label_edited = True
    return theme


def merge(run: ThemeRun, numbers: Iterable[int], into: int, label: str | None = None) -> Theme:
    """Merge themes into theme ``into``: their comments move there, and later
    comments predicted for them go there too. ``label`` renames the result."""
    chosen = sorted(set(numbers) | {into})
    if len(chosen) < 2:
        raise EditError("Choose at least two themes to merge")
    target = active_theme(run, into)
    sources = [active_theme(run, n) for n in chosen if n != into]
    name = clean_label(label) if label and label.strip() else target.label
    merge_rows(run, target, sources)
    if name != target.label:
        target.label, target.label_edited = name, True
    theme_runs.recount(run)
    audit.record("theme.merge", _target(run, into), into=into,
                 merged=[s.number for s in sources], label=target.label)
    return target


def merge_rows(run: ThemeRun, target: Theme, sources: Sequence[Theme]) -> None:
    """Move the sources' comments into ``target``, each source's comments becoming
    sub-themes of it (so splitting by sub-themes can undo a merge)."""
    subthemes = _subthemes_of(target)
    db.session.flush()
    for source in sources:
        shift = max(s["id"] for s in subthemes) + 1
        for sub in _subthemes_of(source):
            subthemes.append({**sub, "id": sub["id"] + shift})
        db.session.execute(
            update(CommentTheme)
            .where(CommentTheme.run_id == run.id, CommentTheme.theme_number == source.number)
            .values(theme_number=target.number,
                    subtheme_number=case((CommentTheme.subtheme_number >= 0,
                                          CommentTheme.subtheme_number + shift),
                                         else_=NO_SUBTHEME)))
        source.merged_into = target.number
        for other in run.themes:  # keep merges one step deep
            if other.merged_into == source.number:
                other.merged_into = target.number
    target.subthemes = subthemes
    target.keywords = list(dict.fromkeys(
        [*target.keywords, *(k for s in sources for k in s.keywords)]))[:MAX_KEYWORDS]
    target.quotes = _interleave([target.quotes, *(s.quotes for s in sources)], MAX_QUOTES)


def split_by_subthemes(run: ThemeRun, number: int, subtheme_ids: Iterable[int]) -> list[Theme]:
    """Make each chosen sub-theme a theme of its own; the rest stay in the theme."""
    theme = active_theme(run, number)
    by_id = {int(s["id"]): s for s in theme.subthemes}
    chosen = sorted(set(subtheme_ids))
    if not by_id:
        raise EditError("This theme has no sub-themes: choose comments to split off instead")
    if not chosen:
        raise EditError("Choose at least one sub-theme to make a theme of its own")
    if any(c not in by_id for c in chosen):
        raise EditError("Choose sub-themes of this theme")
    if len(chosen) == len(by_id):
        raise EditError("Leave at least one sub-theme in the theme")
    made = []
    db.session.flush()
    for sub_id in chosen:
        sub = by_id[sub_id]
        new = Theme(number=_next_number(run), label=str(sub["label"])[:MAX_LABEL],
                    keywords=list(sub.get("keywords", [])), quotes=list(sub.get("quotes", [])),
                    size=0, share=0.0, subthemes=[], centroid=[], space="", profile=[])
        run.themes.append(new)
        db.session.flush()
        db.session.execute(
            update(CommentTheme)
            .where(CommentTheme.run_id == run.id, CommentTheme.theme_number == number,
                   CommentTheme.subtheme_number == sub_id)
            .values(theme_number=new.number, subtheme_number=0, pinned=True))
        made.append(new)
    remaining = [s for s in theme.subthemes if int(s["id"]) not in chosen]
    theme.subthemes = remaining if len(remaining) >= 2 else []
    _refresh_quotes(run, theme)
    theme_runs.recount(run)
    audit.record("theme.split", _target(run, number), theme=number, by="sub-themes",
                 subthemes=chosen, into=[t.number for t in made])
    return made


def split_by_comments(run: ThemeRun, number: int, answer_ids: Iterable[int],
                      label: str) -> Theme:
    """Move the chosen comments of a theme into a new theme named ``label``."""
    theme = active_theme(run, number)
    name = clean_label(label)
    chosen = set(answer_ids)
    members = set(db.session.scalars(select(CommentTheme.answer_id).where(
        CommentTheme.run_id == run.id, CommentTheme.theme_number == number)))
    if not chosen:
        raise EditError("Choose the comments that go in the new theme")
    if not chosen <= members:
        raise EditError("Choose comments of this theme")
    if chosen == members:
        raise EditError("Leave at least one comment in the theme")
    new = Theme(number=_next_number(run), label=name, keywords=[], quotes=[], size=0,
                share=0.0, subthemes=[], centroid=[], space="", profile=[], label_edited=True)
    run.themes.append(new)
    db.session.flush()
    db.session.execute(
        update(CommentTheme)
        .where(CommentTheme.run_id == run.id, CommentTheme.answer_id.in_(sorted(chosen)))
        .values(theme_number=new.number, subtheme_number=0, pinned=True))
    _refresh_quotes(run, new)
    _refresh_quotes(run, theme)
    theme_runs.recount(run)
    audit.record("theme.split", _target(run, number), theme=number, by="comments",
                 comments=len(chosen), into=[new.number], label=name)
    return new


def move_comment(run: ThemeRun, answer_id: int, to_number: int) -> CommentTheme:
    """Move one comment to another theme, where later updates and refits keep it."""
    row = db.session.scalar(select(CommentTheme).where(CommentTheme.run_id == run.id,
                                                       CommentTheme.answer_id == answer_id))
    if row is None:
        raise NotFound("that comment is not in these themes")
    source = active_theme(run, row.theme_number)
    target = active_theme(run, to_number)
    if target.number == source.number:
        raise EditError("Choose a different theme to move the comment to")
    row.theme_number, row.subtheme_number, row.pinned = target.number, NO_SUBTHEME, True
    db.session.flush()
    _refresh_quotes(run, source)
    theme_runs.recount(run)
    audit.record("theme.move_comment", _target(run, source.number), answer=answer_id,
                 moved_from=source.number, moved_to=target.number)
    return row


# -- keeping the edits ---------------------------------------------------------------

def _final(merged: dict[int, int], number: int) -> int:
    seen = {number}
    while number in merged and merged[number] not in seen:
        number = merged[number]
        seen.add(number)
    return number


def route_predictions(run: ThemeRun, predicted: Sequence[int]) -> list[int]:
    """Theme numbers in ``run`` for the fitted model's predictions: the model's ids
    mapped to the run's numbers (they differ after a refit), then through merges."""
    ids = {int(k): int(v) for k, v in (run.parameters or {}).get("theme_ids", {}).items()}
    merged = {t.number: t.merged_into for t in run.themes if t.merged_into is not None}
    return [_final(merged, ids.get(p, p)) for p in predicted]


def _copy(run: ThemeRun, old: Theme, *, subthemes: bool = True) -> Theme:
    """The previous run's theme, brought into ``run`` as it was (without sub-themes
    when it is brought back only for a merge to be made again)."""
    theme = Theme(number=old.number, label=old.label, keywords=list(old.keywords),
                  quotes=list(old.quotes), size=0, share=0.0,
                  subthemes=[dict(s) for s in old.subthemes] if subthemes else [],
                  centroid=list(old.centroid),
                  space=old.space, profile=[list(p) for p in old.profile],
                  is_non_answer=old.is_non_answer, is_new=False, label_edited=old.label_edited)
    run.themes.append(theme)
    db.session.flush()
    return theme


def reapply(previous: ThemeRun, run: ThemeRun) -> None:
    """Carry people's edits of ``previous`` over to ``run``, a refit matched to it.

    Matched themes keep names people gave; themes matched to merged ones are merged
    again into the same theme; pinned comments go back to their themes (a theme the
    refit did not find comes back as it was). Sizes are not recounted here.
    """
    old = {t.number: t for t in previous.themes}
    new = {t.number: t for t in run.themes}
    for number, theme in new.items():
        if number in old and old[number].label_edited:
            theme.label, theme.label_edited = old[number].label, True
    merged = {n: t.merged_into for n, t in old.items() if t.merged_into is not None}
    groups: dict[int, list[int]] = {}
    for number in new:
        if number in merged:
            groups.setdefault(_final(merged, number), []).append(number)
    for into, sources in sorted(groups.items()):
        if into not in new and into not in old:
            continue
        target = new.get(into) or _copy(run, old[into], subthemes=False)
        new[into] = target
        merge_rows(run, target, [new[s] for s in sorted(sources)])
    _restore_pins(previous, run, old, new, merged)


def _restore_pins(previous: ThemeRun, run: ThemeRun, old: dict[int, Theme],
                  new: dict[int, Theme], merged: dict[int, int]) -> None:
    pins = db.session.execute(select(CommentTheme.answer_id, CommentTheme.theme_number,
                                     CommentTheme.subtheme_number)
                              .where(CommentTheme.run_id == previous.id,
                                     CommentTheme.pinned.is_(True))).all()
    rows: dict[int, CommentTheme] = {}
    ids = [p.answer_id for p in pins]
    for start in range(0, len(ids), 500):
        rows.update((r.answer_id, r) for r in db.session.scalars(select(CommentTheme).where(
            CommentTheme.run_id == run.id, CommentTheme.answer_id.in_(ids[start:start + 500]))))
    copied: set[int] = set()
    for answer_id, number, sub in pins:
        number = _final(merged, number)
        row = rows.get(answer_id)
        if row is None:  # the answer's text has since been deleted
            continue
        if number not in new and number in old:
            new[number] = _copy(run, old[number])
            copied.add(number)
        if number not in new:
            continue
        if number in copied:
            row.subtheme_number = sub
        elif row.theme_number != number:
            row.subtheme_number = NO_SUBTHEME
        row.theme_number, row.pinned = number, True
    db.session.flush()
