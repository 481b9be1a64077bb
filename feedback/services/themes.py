"""Theme runs in the application: fitting, updating and storing themes of comments.

A run covers one free-text question of a survey across its waves. The first
run fits a codebook. Later refreshes assign only comments the run has not
seen, with the fitted model (``predict``), so themes keep their names and
their history; ``refit=True`` fits afresh and matches the new themes to the
old ones (:func:`analysis.themes.carry_over`), reporting new and gone themes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, insert, select

from feedback.extensions import db
from feedback.models import (
    Answer,
    CommentTheme,
    Embedding,
    Response,
    SafeguardingFlag,
    Survey,
    Theme,
    ThemeRun,
    Wave,
)
from feedback.services import Conflict, theme_edits
from feedback.services.clock import now
from surveys import get_type

if TYPE_CHECKING:
    import numpy as np

    from analysis.themes import Theme as ThemeRecord
    from analysis.themes import ThemeClusterer

# analysis.themes (scikit-learn, SciPy) and numpy are imported in the functions that fit,
# store or match a model: every web worker imports this module, few of them fit themes.

log = logging.getLogger(__name__)

#: The theme number of comments that answer nothing ("nothing to add"): the same as
#: :data:`analysis.themes.NON_ANSWER_ID` (a test keeps them equal), here so that pages
#: reading stored themes need not import the analysis stack.
NON_ANSWER_ID = -1


class DatabaseEmbeddingCache:
    """Embeddings kept in the ``embedding`` table, so a re-run embeds only new text.

    Holds nothing but the model name: it uses the session of the app context
    it is called in (and so pickles with a fitted model).
    """

    def __init__(self, model: str = "all-MiniLM-L6-v2") -> None:
        self.model = model

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        import numpy as np

        found: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), 500):
            rows = db.session.execute(select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model == self.model, Embedding.text_hash.in_(keys[start:start + 500])))
            for key, vector in rows:
                found[key] = np.frombuffer(vector, dtype="<f4")
        return found

    def put_many(self, mapping: Mapping[str, np.ndarray]) -> None:
        import numpy as np

        known = set(self.get_many(list(mapping)))
        rows = [{"model": self.model, "text_hash": k,
                 "vector": np.asarray(v, dtype="<f4").tobytes()}
                for k, v in mapping.items() if k not in known]
        if rows:
            db.session.execute(insert(Embedding), rows)
            db.session.flush()


@dataclass(frozen=True)
class Comment:
    answer_id: int
    wave_key: str
    text: str


@dataclass(frozen=True)
class RefreshResult:
    run: ThemeRun
    #: "fitted", "refitted", "updated" or "unchanged"
    action: str
    assigned: int
    new_themes: tuple[str, ...] = ()
    gone_themes: tuple[str, ...] = ()


def themed_questions(survey: Survey) -> list[str]:
    """Keys of the survey's questions whose answers are grouped into themes."""
    return [q.key for q in survey.latest_version.parsed().questions()
            if get_type(q.type).themed]


def comments_for(survey: Survey, question_key: str) -> list[Comment]:
    """Every stored free-text answer to the question, oldest wave first."""
    rows = db.session.execute(
        select(Answer.id, Wave.key, Answer.text)
        .join(Response, Answer.response_id == Response.id)
        .join(Wave, Response.wave_id == Wave.id)
        .where(Wave.survey_id == survey.id, Answer.question_key == question_key,
               Answer.text.is_not(None))
        .order_by(Wave.opens_on, Answer.id))
    return [Comment(a, w, t) for a, w, t in rows]


# -- safeguarding: a possible disclosure is never a quote -----------------------------

#: how :func:`analysis.themes.describe.pick_quotes` marks a quote it cut short
_CUT = " …"


def _flagged_answers(survey_id: int, question_key: str):
    """The question's answers with a safeguarding flag, whatever its status: (id, text)."""
    return db.session.execute(
        select(Answer.id, Answer.text)
        .join(SafeguardingFlag, SafeguardingFlag.answer_id == Answer.id)
        .join(Response, Answer.response_id == Response.id)
        .join(Wave, Response.wave_id == Wave.id)
        .where(Wave.survey_id == survey_id, Answer.question_key == question_key))


def flagged_answer_ids(survey_id: int, question_key: str) -> set[int]:
    """Ids of the question's answers with a safeguarding flag, whatever its status."""
    return {answer_id for answer_id, _ in _flagged_answers(survey_id, question_key)}


@dataclass(frozen=True)
class FlaggedTexts:
    """The redacted texts (:func:`analysis.text.prepare`, the form quotes are stored
    and shown in) of a question's flagged answers: what no quote may be."""

    texts: frozenset[str]

    def __contains__(self, text: object) -> bool:
        """Whether ``text`` (redacted) is a flagged answer, or a quote cut from one."""
        if not isinstance(text, str) or not self.texts:
            return False
        if text in self.texts:
            return True
        if text.endswith(_CUT):  # a long comment cut at 300 characters
            start = text[: -len(_CUT)]
            return any(t.startswith(start) for t in self.texts)
        return False

    def quotes(self, quotes: Sequence[str]) -> list[str]:
        """Stored ``quotes`` without the flagged ones, in order (a quote is also
        redacted before it is compared, in case it was stored as written)."""
        if not self.texts:
            return list(quotes)
        from analysis.text import prepare

        return [q for q in quotes if q not in self and prepare(q) not in self]

    def comments(self, texts: Sequence[str]) -> list[str]:
        """Redacted comment ``texts`` without the flagged ones, in order (to top up
        a theme's quotes with other comments)."""
        return [t for t in texts if t not in self.texts] if self.texts else list(texts)


def flagged_texts(survey_id: int, question_key: str) -> FlaggedTexts:
    """The question's flagged answers as :class:`FlaggedTexts` (one query).

    Flags can be raised after a run was fitted (a later screen over old answers, a
    longer phrase list), so every page, export and report that shows a theme's quotes,
    or tops them up with other comments, leaves these out.
    """
    from analysis.text import prepare

    return FlaggedTexts(frozenset(prepare(text) for _, text in
                                  _flagged_answers(survey_id, question_key) if text))


def current_run(survey: Survey, question_key: str) -> ThemeRun | None:
    """The latest finished run for the question."""
    return db.session.scalar(
        select(ThemeRun).where(ThemeRun.survey_id == survey.id,
                               ThemeRun.question_key == question_key,
                               ThemeRun.status == "done")
        .order_by(ThemeRun.id.desc()).limit(1))


# -- the fitted model, stored signed ------------------------------------------------

def _signature(payload: bytes) -> bytes:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, payload, hashlib.sha256).digest()


def dump_model(model: ThemeClusterer) -> bytes:
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    return _signature(payload) + payload


def load_model(blob: bytes) -> ThemeClusterer | None:
    """The stored model, or ``None`` when its signature does not match this app's key."""
    signature, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _signature(payload)):
        log.warning("a stored theme model has a bad signature; it will be refitted")
        return None
    return pickle.loads(payload)  # noqa: S301 - written and signed by this app only


# -- records <-> rows ----------------------------------------------------------------

def _row(record: ThemeRecord) -> Theme:
    return Theme(number=record.id, label=record.label[:200], keywords=list(record.keywords),
                 quotes=list(record.quotes), size=record.size, share=record.share,
                 subthemes=[{"id": s.id, "label": s.label, "keywords": list(s.keywords),
                             "quotes": list(s.quotes), "size": s.size, "share": s.share}
                            for s in record.subthemes],
                 centroid=[float(x) for x in record.centroid], space=record.space,
                 profile=[[t, float(w)] for t, w in record.profile],
                 is_non_answer=record.is_non_answer, is_new=record.is_new)


def theme_record(row: Theme) -> ThemeRecord:
    """A stored theme as the analysis record (with any label people gave it)."""
    from analysis.themes import SubTheme as SubThemeRecord
    from analysis.themes import Theme as ThemeRecord

    return ThemeRecord(
        id=row.number, label=row.label, keywords=tuple(row.keywords),
        quotes=tuple(row.quotes), size=row.size, share=row.share,
        subthemes=tuple(SubThemeRecord(s["id"], s["label"], tuple(s["keywords"]),
                                       tuple(s["quotes"]), s["size"], s["share"])
                        for s in row.subthemes),
        centroid=tuple(row.centroid), space=row.space,
        profile=tuple((t, w) for t, w in row.profile),
        is_non_answer=row.is_non_answer, is_new=row.is_new)


# -- refreshing ----------------------------------------------------------------------

#: a queued or running refresh older than this is taken to have died with its worker
STALE_AFTER = dt.timedelta(hours=2)


def refresh_question(survey: Survey, question_key: str, *, refit: bool = False,
                     backend: str = "auto", seed: int = 0, n_themes: int | None = None,
                     ticket: ThemeRun | None = None) -> RefreshResult:
    """Bring the question's themes up to date with its comments.

    People's edits are kept (see :mod:`feedback.services.theme_edits`): an update
    sends comments predicted for a merged theme to the theme it was merged into,
    and a refit re-applies names, merges and moved comments. ``ticket`` is a
    queued run made by :func:`start_refresh`: a fit fills it in, reporting its
    progress as it goes; an update (which changes the current run) deletes it.
    """
    if question_key not in themed_questions(survey):
        raise Conflict(f"{survey.key} has no free-text question {question_key!r} "
                       f"(it has: {', '.join(themed_questions(survey)) or 'none'})")
    comments = comments_for(survey, question_key)
    previous = current_run(survey, question_key)
    if previous is not None and not refit and previous.model:
        model = load_model(previous.model)
        if model is not None:
            if ticket is not None:
                _progress(ticket, f"Adding new comments to the themes ({len(comments)} in all)")
            result = _update(previous, model, comments)
            if ticket is not None:
                db.session.delete(ticket)
                db.session.commit()
            return result
    return _fit(survey, question_key, comments, previous, backend, seed, n_themes, ticket)


def _progress(run: ThemeRun, words: str) -> None:
    """Say what the job is doing, where the progress page (another process) can read it."""
    run.status, run.progress = "running", words[:200]
    db.session.commit()


def _fit(survey: Survey, question_key: str, comments: list[Comment],
         previous: ThemeRun | None, backend: str, seed: int,
         n_themes: int | None, ticket: ThemeRun | None = None) -> RefreshResult:
    from analysis.themes import ThemeClusterer

    run = ticket if ticket is not None else ThemeRun(survey=survey, question_key=question_key,
                                                     created_at=now())
    run.backend, run.parameters = backend, {"n_themes": n_themes, "random_state": seed}
    run.wave_keys = list(dict.fromkeys(c.wave_key for c in comments))
    run.n_comments, run.previous_id = len(comments), previous.id if previous else None
    run.status, run.progress = "running", f"Finding themes in {len(comments)} comments"
    db.session.add(run)
    db.session.flush()
    if ticket is not None:
        db.session.commit()
    model = ThemeClusterer(n_themes=n_themes, backend=backend, random_state=seed,
                           cache=DatabaseEmbeddingCache())
    flagged = flagged_answer_ids(survey.id, question_key)
    model.fit([c.text for c in comments],
              quotable=[c.answer_id not in flagged for c in comments])
    if ticket is not None:
        _progress(run, "Matching the themes with earlier ones and keeping people's edits")
    records, labels = list(model.themes_), [int(x) for x in model.labels_]
    ids = {r.id: r.id for r in records}
    if previous is not None and previous.themes:
        records, ids = _carry_over(previous, records)
        labels = [ids.get(x, x) for x in labels]
    run.backend = model.backend_
    run.parameters = {**run.parameters, "theme_ids": {str(k): v for k, v in ids.items()}}
    run.themes = [_row(r) for r in records]
    db.session.flush()
    _store_assignments(run, comments, labels, [int(x) for x in model.subtheme_labels_])
    new_names: tuple[str, ...] = ()
    gone_names: tuple[str, ...] = ()
    if previous is not None and previous.themes:
        theme_edits.reapply(previous, run)
        recount(run)
        kept = {t.number for t in run.themes if t.merged_into is None}
        new_names = tuple(t.label for t in run.themes if t.is_new and t.merged_into is None)
        gone_names = tuple(t.label for t in previous.themes
                           if t.merged_into is None and t.number not in kept)
    run.model = dump_model(model)
    run.status, run.progress = "done", f"{len(comments)} comments in {model.n_themes_} themes"
    db.session.commit()
    return RefreshResult(run, "refitted" if previous else "fitted", len(comments),
                         new_names, gone_names)


def _carry_over(previous: ThemeRun, records: list[ThemeRecord]
                ) -> tuple[list[ThemeRecord], dict[int, int]]:
    """Match a new codebook to the previous run's themes (:func:`carry_over`).

    Themes people made by splitting have no centroid or profile, so they take no
    part in matching (they live on through the comments pinned to them), and new
    themes are numbered above every number the previous run used, so they never
    take the number of such a theme. The non-answer group is always -1.
    """
    from analysis.themes import carry_over

    matchable = [theme_record(t) for t in previous.themes
                 if t.centroid or t.profile or t.is_non_answer]
    records, ids = carry_over(matchable, records)
    highest = max(t.number for t in previous.themes)
    start = max([t.id for t in matchable] + [-1]) + 1
    shift = max(highest + 1 - start, 0)
    renumber: dict[int, int] = {}
    for record in records:
        if record.is_non_answer:
            renumber[record.id] = NON_ANSWER_ID
        elif record.is_new:
            renumber[record.id] = record.id + shift
    records = [replace(r, id=renumber.get(r.id, r.id), is_new=r.is_new and not r.is_non_answer)
               for r in records]
    ids = {k: renumber.get(v, v) for k, v in ids.items()}
    return records, ids


def _update(run: ThemeRun, model: ThemeClusterer, comments: list[Comment]) -> RefreshResult:
    seen = set(db.session.scalars(select(CommentTheme.answer_id)
                                  .where(CommentTheme.run_id == run.id)))
    fresh = [c for c in comments if c.answer_id not in seen]
    if not fresh:
        return RefreshResult(run, "unchanged", 0)
    predicted = [int(x) for x in model.predict([c.text for c in fresh])]
    labels = theme_edits.route_predictions(run, predicted)
    numbers = {t.number for t in run.themes}
    if NON_ANSWER_ID in labels and NON_ANSWER_ID not in numbers:
        run.themes.append(Theme(number=NON_ANSWER_ID, label="Nothing to add", size=0,
                                share=0.0, is_non_answer=True))
    # which sub-theme a later comment belongs to is not known: none of them
    _store_assignments(run, fresh, labels, [-1] * len(fresh))
    run.wave_keys = list(dict.fromkeys([*run.wave_keys, *(c.wave_key for c in fresh)]))
    recount(run)
    run.progress = f"{run.n_comments} comments; {len(fresh)} added"
    db.session.commit()
    return RefreshResult(run, "updated", len(fresh))


def _store_assignments(run: ThemeRun, comments: list[Comment], labels: list[int],
                       sublabels: list[int]) -> None:
    rows = [{"run_id": run.id, "answer_id": c.answer_id, "theme_number": label,
             "subtheme_number": sub}
            for c, label, sub in zip(comments, labels, sublabels, strict=True)]
    if rows:
        db.session.execute(insert(CommentTheme), rows)


def recount(run: ThemeRun) -> None:
    """Sizes and shares from the run's assignments (after an update or an edit)."""
    counts = dict(db.session.execute(
        select(CommentTheme.theme_number, func.count())
        .where(CommentTheme.run_id == run.id).group_by(CommentTheme.theme_number)).all())
    total = sum(counts.values())
    run.n_comments = total
    for theme in run.themes:
        theme.size = counts.get(theme.number, 0)
        theme.share = theme.size / total if total else 0.0


def refresh_survey(survey: Survey, question_key: str | None = None,
                   **options: object) -> list[RefreshResult]:
    keys = [question_key] if question_key else themed_questions(survey)
    return [refresh_question(survey, key, **options) for key in keys]  # type: ignore[arg-type]


# -- refreshing from the workspace: a queued run is the ticket ------------------------------

def pending_refresh(survey: Survey, question_key: str) -> ThemeRun | None:
    """A refresh of the question that is queued or running (and not stale)."""
    return db.session.scalar(
        select(ThemeRun).where(ThemeRun.survey_id == survey.id,
                               ThemeRun.question_key == question_key,
                               ThemeRun.status.in_(("queued", "running")),
                               ThemeRun.created_at >= now() - STALE_AFTER)
        .order_by(ThemeRun.id.desc()).limit(1))


def start_refresh(survey: Survey, question_key: str, *, refit: bool = False,
                  backend: str | None = None, seed: int | None = None) -> ThemeRun:
    """A queued run standing for a refresh the job queue will do (:func:`run_refresh`).

    A refit uses the backend and seed of the current run unless told otherwise, so
    themes are compared in the same way as before. Raises :class:`Conflict` when the
    question has no themes to find or a refresh of it is already under way.
    """
    if question_key not in themed_questions(survey):
        raise Conflict(f"{survey.key} has no free-text question {question_key!r}")
    if pending_refresh(survey, question_key) is not None:
        raise Conflict("the themes of this question are already being refreshed")
    previous = current_run(survey, question_key)
    if backend is None:
        from analysis.themes import BACKENDS

        backend = previous.backend if previous and previous.backend in BACKENDS else "auto"
    if seed is None:
        seed = int((previous.parameters or {}).get("random_state") or 0) if previous else 0
    ticket = ThemeRun(survey=survey, question_key=question_key, backend=backend,
                      parameters={"refit": refit, "random_state": seed, "n_themes": None},
                      created_at=now(), status="queued", progress="Waiting to start",
                      wave_keys=[], n_comments=0, previous_id=previous.id if previous else None)
    db.session.add(ticket)
    db.session.commit()
    return ticket


def run_refresh(run_id: int) -> str:
    """The job behind :func:`start_refresh`: refresh, recording progress and failure."""
    ticket = db.session.get(ThemeRun, run_id)
    if ticket is None or ticket.status != "queued":
        return f"theme run {run_id} is not waiting to run"
    options = ticket.parameters or {}
    _progress(ticket, "Reading the comments")
    try:
        result = refresh_question(ticket.survey, ticket.question_key,
                                  refit=bool(options.get("refit")), backend=ticket.backend,
                                  seed=int(options.get("random_state") or 0), ticket=ticket)
    except Exception as e:  # the job must leave a state people can read
        log.exception("refreshing theme run %s failed", run_id)
        db.session.rollback()
        failed = db.session.get(ThemeRun, run_id)
        if failed is not None:
            failed.status, failed.progress = "failed", "Stopped with an error"
            failed.error = f"{type(e).__name__}: {e}"[:1000]
            db.session.commit()
        return f"theme run {run_id} failed"
    return f"{result.run.question_key}: {result.action}, {result.assigned} comments"


def fail_refresh(run_id: int, reason: str) -> None:
    """Mark a queued refresh as failed (its job could not be queued)."""
    ticket = db.session.get(ThemeRun, run_id)
    if ticket is not None and ticket.status in ("queued", "running"):
        ticket.status, ticket.progress, ticket.error = "failed", "Not started", reason
        db.session.commit()
