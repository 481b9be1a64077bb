"""Theme runs in the application: fitting, updating and storing themes of comments.

A run covers one free-text question of a survey across its waves. The first
run fits a codebook. Later refreshes assign only comments the run has not
seen, with the fitted model (``predict``), so themes keep their names and
their history; ``refit=True`` fits afresh and matches the new themes to the
old ones (:func:`analysis.themes.carry_over`), reporting new and gone themes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import func, insert, select

from analysis.themes import NON_ANSWER_ID, ThemeClusterer, carry_over
from analysis.themes import SubTheme as SubThemeRecord
from analysis.themes import Theme as ThemeRecord
from feedback.extensions import db
from feedback.models import (
    Answer,
    CommentTheme,
    Embedding,
    Response,
    Survey,
    Theme,
    ThemeRun,
    Wave,
)
from feedback.services import Conflict
from feedback.services.clock import now
from surveys import get_type

log = logging.getLogger(__name__)


class DatabaseEmbeddingCache:
    """Embeddings kept in the ``embedding`` table, so a re-run embeds only new text.

    Holds nothing but the model name: it uses the session of the app context
    it is called in (and so pickles with a fitted model).
    """

    def __init__(self, model: str = "all-MiniLM-L6-v2") -> None:
        self.model = model

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), 500):
            rows = db.session.execute(select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model == self.model, Embedding.text_hash.in_(keys[start:start + 500])))
            for key, vector in rows:
                found[key] = np.frombuffer(vector, dtype="<f4")
        return found

    def put_many(self, mapping: Mapping[str, np.ndarray]) -> None:
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

def refresh_question(survey: Survey, question_key: str, *, refit: bool = False,
                     backend: str = "auto", seed: int = 0,
                     n_themes: int | None = None) -> RefreshResult:
    """Bring the question's themes up to date with its comments."""
    if question_key not in themed_questions(survey):
        raise Conflict(f"{survey.key} has no free-text question {question_key!r} "
                       f"(it has: {', '.join(themed_questions(survey)) or 'none'})")
    comments = comments_for(survey, question_key)
    previous = current_run(survey, question_key)
    if previous is not None and not refit and previous.model:
        model = load_model(previous.model)
        if model is not None:
            return _update(previous, model, comments)
    return _fit(survey, question_key, comments, previous, backend, seed, n_themes)


def _fit(survey: Survey, question_key: str, comments: list[Comment],
         previous: ThemeRun | None, backend: str, seed: int,
         n_themes: int | None) -> RefreshResult:
    run = ThemeRun(survey=survey, question_key=question_key, backend=backend,
                   parameters={"n_themes": n_themes, "random_state": seed},
                   created_at=now(), status="running", progress="Finding themes",
                   wave_keys=list(dict.fromkeys(c.wave_key for c in comments)),
                   n_comments=len(comments), previous_id=previous.id if previous else None)
    db.session.add(run)
    db.session.flush()
    model = ThemeClusterer(n_themes=n_themes, backend=backend, random_state=seed,
                           cache=DatabaseEmbeddingCache())
    model.fit([c.text for c in comments])
    records, labels = list(model.themes_), [int(x) for x in model.labels_]
    new_names: tuple[str, ...] = ()
    gone_names: tuple[str, ...] = ()
    if previous is not None and previous.themes:
        old = [theme_record(t) for t in previous.themes]
        records, ids = carry_over(old, records)
        labels = [ids.get(x, x) for x in labels]
        kept = {r.id for r in records}
        new_names = tuple(r.label for r in records if r.is_new)
        gone_names = tuple(t.label for t in old if t.id not in kept)
    run.backend = model.backend_
    run.themes = [_row(r) for r in records]
    _store_assignments(run, comments, labels, [int(x) for x in model.subtheme_labels_])
    run.model = dump_model(model)
    run.status, run.progress = "done", f"{len(comments)} comments in {model.n_themes_} themes"
    db.session.commit()
    return RefreshResult(run, "refitted" if previous else "fitted", len(comments),
                         new_names, gone_names)


def _update(run: ThemeRun, model: ThemeClusterer, comments: list[Comment]) -> RefreshResult:
    seen = set(db.session.scalars(select(CommentTheme.answer_id)
                                  .where(CommentTheme.run_id == run.id)))
    fresh = [c for c in comments if c.answer_id not in seen]
    if not fresh:
        return RefreshResult(run, "unchanged", 0)
    labels = [int(x) for x in model.predict([c.text for c in fresh])]
    numbers = {t.number for t in run.themes}
    if NON_ANSWER_ID in labels and NON_ANSWER_ID not in numbers:
        run.themes.append(Theme(number=NON_ANSWER_ID, label="Nothing to add", size=0,
                                share=0.0, is_non_answer=True))
    _store_assignments(run, fresh, labels, [0] * len(fresh))
    run.wave_keys = list(dict.fromkeys([*run.wave_keys, *(c.wave_key for c in fresh)]))
    recount(run)
    run.progress = f"{run.n_comments} comments; {len(fresh)} added"
    db.session.commit()
    return RefreshResult(run, "updated", len(fresh))


def _store_assignments(run: ThemeRun, comments: list[Comment], labels: list[int],
                       sublabels: list[int]) -> None:
    rows = [{"run_id": run.id, "answer_id": c.answer_id, "theme_number": label,
             "subtheme_number": max(sub, 0)}
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
