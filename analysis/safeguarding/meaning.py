"""The meaning layer of the safeguarding screen: answers compared with example
disclosures by a sentence model, so that wording no phrase foresaw is caught.

:class:`MeaningScreen` is a scikit-learn style estimator. ``fit`` embeds an
:class:`~analysis.safeguarding.bank.ExampleBank` with all-MiniLM-L6-v2, learns a
linear boundary between example disclosures and ordinary answers, and picks the
score at which it flags from out-of-fold scores on the examples. ``explain``
scores each part of an answer (the whole, each sentence, neighbouring pairs),
so a disclosure that is one sentence in the middle of a long answer is scored
on its own; a flag names the kind of concern its nearest examples have and
shows those examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from .bank import ORDINARY

__all__ = ["Embed", "MeaningResult", "MeaningScreen", "answer_parts"]

#: Turns texts into unit vectors, shape (len(texts), dimensions).
Embed = Callable[[Sequence[str]], np.ndarray]

#: Sentence ends, semicolons, new lines, and a dash between spaces.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|\s+[-–—]+\s+")
#: A sentence longer than this is also read in overlapping windows of this many words.
WINDOW_WORDS = 40
#: How many nearest example disclosures name the kind of concern.
NEIGHBOURS = 5
#: No answer is read in more parts than this (a 20,000-character answer is ~1,000 parts).
MAX_PARTS = 400


def answer_parts(text: str) -> list[str]:
    """The parts of an answer the meaning layer scores, the whole answer first.

    A short answer is one part. A longer one is also read sentence by sentence,
    each pair of neighbouring sentences together (a disclosure can need its
    context: "he says it's our game. he's my coach"), and a sentence of more
    than :data:`WINDOW_WORDS` words in overlapping windows, since the model
    reads only the start of a long text.

    Examples
    --------
    >>> answer_parts("School is fine. My uncle hurts me.")
    ['School is fine. My uncle hurts me.', 'School is fine.', 'My uncle hurts me.']
    """
    whole = " ".join(text.split())
    sentences = [" ".join(s.split()) for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    parts = [whole]
    if len(sentences) > 1 or len(whole.split()) > WINDOW_WORDS:
        for sentence in sentences:
            words = sentence.split()
            if len(words) <= WINDOW_WORDS:
                parts.append(sentence)
                continue
            step = WINDOW_WORDS // 2
            for start in range(0, len(words) - step, step):
                parts.append(" ".join(words[start:start + WINDOW_WORDS]))
        for first, second in zip(sentences, sentences[1:], strict=False):
            pair = f"{first} {second}"
            if len(pair.split()) <= WINDOW_WORDS and len(sentences) > 2:
                parts.append(pair)
    return list(dict.fromkeys(p for p in parts if p))[:MAX_PARTS]


@dataclass(frozen=True)
class MeaningResult:
    """Why the meaning layer thinks an answer may be a disclosure.

    Attributes
    ----------
    score : float
        The highest concern score of the answer's parts (0 to 1).
    part : str
        The part of the answer that scored it.
    categories : tuple of str
        The kinds of concern of the nearest examples, most likely first.
    examples : tuple of str
        The nearest example disclosures, nearest first.
    """

    score: float
    part: str
    categories: tuple[str, ...]
    examples: tuple[str, ...]


class MeaningScreen:
    """Flags answers that mean what example disclosures mean.

    Two views of the sentence vectors are combined: a logistic regression (a
    boundary between disclosures and ordinary answers) and a nearest-neighbour
    margin (how much closer the answer is to its nearest example disclosures than
    to its nearest ordinary answers). Each is turned into a rank against its own
    out-of-fold scores on the bank, and the concern score is the mean of the two
    ranks: on the bank and on adults' health comments this flags about half as
    many ordinary answers, at the same recall, as either view alone.

    Parameters
    ----------
    embed : callable
        Texts -> unit vectors (for example ``MiniLMEmbedder(int8=True).encode``,
        or a cached version of it). Not used until :meth:`fit`.
    C : float, default=8.0
        Inverse regularisation of the logistic regression.
    n_neighbors : int, default=10
        How many nearest examples of each kind the margin averages.
    recall : float, default=0.9
        The share of the bank's example disclosures that must score at or above
        the threshold when each is scored by a model fitted without it (5-fold);
        sets :attr:`threshold_`. Higher catches more and flags more ordinary
        answers (see docs/safeguarding.md, "Figures"). The phrase lists catch more
        besides.
    n_examples : int, default=2
        How many nearest examples :meth:`explain` shows.
    random_state : int, default=0
        Seeds the folds that choose the threshold.

    Attributes
    ----------
    categories_ : list of str
        The kinds of concern the bank has examples of.
    threshold_ : float
        The concern score at and above which an answer is flagged.
    classifier_ : LogisticRegression
        Disclosure (1) against ordinary answer (0), on sentence vectors.
    reference_vectors_, reference_labels_ : ndarray
        What the classifier was fitted on, which the margin searches.
    example_texts_ : ndarray of str
        The example disclosures, for :meth:`explain`.
    example_categories_ : ndarray of str
    example_vectors_ : ndarray of shape (n_examples, dimensions)
    n_training_ : int
        How many vectors the classifier was fitted on (texts and parts).
    """

    def __init__(self, embed: Embed, *, C: float = 8.0, n_neighbors: int = 10,
                 recall: float = 0.9, n_examples: int = 2, random_state: int = 0) -> None:
        self.embed = embed
        self.C = C
        self.n_neighbors = n_neighbors
        self.recall = recall
        self.n_examples = n_examples
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------

    def fit(self, texts: Sequence[str], categories: Sequence[str]) -> MeaningScreen:
        """Learn from example disclosures (a category key each) and ordinary answers
        (category :data:`~analysis.safeguarding.bank.ORDINARY`).

        Every part of an ordinary answer is an ordinary example too. A long example
        disclosure is one sentence of concern among ordinary ones, so its best-scoring
        part (under a first fit) joins the disclosures as well.
        """
        texts, categories = list(texts), list(categories)
        if not 0.5 <= self.recall < 1.0:
            raise ValueError(f"recall must be from 0.5 to below 1, not {self.recall}")
        if len(texts) != len(categories):
            raise ValueError("texts and categories differ in length")
        concern = np.array([c != ORDINARY for c in categories])
        if concern.all() or not concern.any():
            raise ValueError("the examples need both disclosures and ordinary answers")
        parts = [answer_parts(t) for t in texts]
        flat = [p for ps in parts for p in ps]
        owner = np.repeat(np.arange(len(texts)), [len(ps) for ps in parts])
        vectors = np.asarray(self.embed(flat), dtype=np.float32)
        whole = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])

        self._choose_threshold(vectors, owner, whole, concern, categories)
        self.classifier_, self.reference_vectors_, self.reference_labels_ = self._fit_views(
            vectors, owner, whole, concern, np.arange(len(texts)))
        self.n_training_ = len(self.reference_labels_)
        self.categories_ = sorted({c for c in categories if c != ORDINARY})
        self.example_texts_ = np.array(texts, dtype=object)[concern]
        self.example_categories_ = np.array(categories, dtype=object)[concern]
        self.example_vectors_ = vectors[whole][concern]
        return self

    def _fit_views(self, vectors: np.ndarray, owner: np.ndarray, whole: np.ndarray,
                   concern: np.ndarray, rows: np.ndarray
                   ) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
        """Fit on ``rows`` of the examples (their wholes, and the parts of ordinary ones),
        then again with the best part of each long disclosure added; returns the
        classifier and the vectors and labels it was fitted on."""
        in_rows = np.isin(owner, rows)
        is_whole = np.zeros(len(owner), bool)
        is_whole[whole] = True
        ordinary_parts = np.flatnonzero(in_rows & ~is_whole & ~concern[owner])
        base = np.r_[whole[rows], ordinary_parts]
        labels = np.r_[concern[rows].astype(int), np.zeros(len(ordinary_parts), int)]
        model = self._new_classifier().fit(vectors[base], labels)
        long_parts = np.flatnonzero(in_rows & ~is_whole & concern[owner])
        if len(long_parts) == 0:
            return model, vectors[base], labels
        scores = model.predict_proba(vectors[long_parts])[:, 1]
        best: dict[int, tuple[float, int]] = {}
        for index, score in zip(long_parts, scores, strict=True):
            if score > best.get(owner[index], (-1.0, 0))[0]:
                best[owner[index]] = (float(score), int(index))
        extra = np.array([index for _, index in best.values()])
        reference = np.r_[vectors[base], vectors[extra]]
        labels = np.r_[labels, np.ones(len(extra), int)]
        return self._new_classifier().fit(reference, labels), reference, labels

    def _new_classifier(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)

    def _margin(self, vectors: np.ndarray, reference: np.ndarray, labels: np.ndarray
                ) -> np.ndarray:
        """Mean similarity to the nearest example disclosures less that to the nearest
        ordinary answers (``n_neighbors`` of each), in chunks to bound memory."""
        k = self.n_neighbors
        out = np.empty(len(vectors))
        positive, negative = reference[labels == 1], reference[labels == 0]
        for start in range(0, len(vectors), 1000):
            chunk = vectors[start:start + 1000]
            near = [np.sort(chunk @ side.T, axis=1)[:, -min(k, len(side)):].mean(axis=1)
                    for side in (positive, negative)]
            out[start:start + 1000] = near[0] - near[1]
        return out

    def _choose_threshold(self, vectors: np.ndarray, owner: np.ndarray, whole: np.ndarray,
                          concern: np.ndarray, categories: list[str]) -> None:
        """Score every part of every example by views fitted without it (5-fold); keep
        each view's out-of-fold scores of whole examples as the scale its ranks are read
        on, and set the threshold that keeps ``recall`` of the example disclosures."""
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=self.random_state)
        raw = np.zeros((len(owner), 2))
        for train, test in folds.split(np.zeros(len(categories)), categories):
            model, reference, labels = self._fit_views(vectors, owner, whole, concern, train)
            tested = np.flatnonzero(np.isin(owner, test))
            raw[tested, 0] = model.predict_proba(vectors[tested])[:, 1]
            raw[tested, 1] = self._margin(vectors[tested], reference, labels)
        self.scales_ = [np.sort(raw[whole, 0]), np.sort(raw[whole, 1])]
        combined = self._combine(raw)
        best = np.full(len(categories), -1.0)
        np.maximum.at(best, owner, combined)
        self.threshold_ = float(np.quantile(best[concern], 1.0 - self.recall, method="lower"))

    def _combine(self, raw: np.ndarray) -> np.ndarray:
        """The concern score: the mean of each view's rank on its out-of-fold scale."""
        ranks = [np.searchsorted(scale, raw[:, i], side="right") / len(scale)
                 for i, scale in enumerate(self.scales_)]
        return (ranks[0] + ranks[1]) / 2

    def _score_vectors(self, vectors: np.ndarray) -> np.ndarray:
        raw = np.column_stack([
            self.classifier_.predict_proba(vectors)[:, 1],
            self._margin(vectors, self.reference_vectors_, self.reference_labels_)])
        return self._combine(raw)

    # -- screening -------------------------------------------------------------------

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The concern score of each text: the highest of its parts'."""
        parts = [answer_parts(t) for t in texts]
        owner = np.repeat(np.arange(len(texts)), [len(ps) for ps in parts])
        flat = [p for ps in parts for p in ps]
        best = np.zeros(len(texts))
        if flat:
            vectors = np.asarray(self.embed(flat), dtype=np.float32)
            np.maximum.at(best, owner, self._score_vectors(vectors))
        return best

    def explain(self, text: str) -> MeaningResult | None:
        """Why ``text`` may be a disclosure, or None when it scores below the threshold."""
        return self.explain_many([text])[0]

    def explain_many(self, texts: Sequence[str]) -> list[MeaningResult | None]:
        """:meth:`explain` for each text, with every part of every text embedded in one
        batch (many times faster than one call per text when screening stored answers)."""
        parts = [answer_parts(t) for t in texts]
        flat = [p for ps in parts for p in ps]
        if not flat:
            return [None] * len(texts)
        vectors = np.asarray(self.embed(flat), dtype=np.float32)
        scores = self._score_vectors(vectors)
        results: list[MeaningResult | None] = []
        start = 0
        for text_parts in parts:
            end = start + len(text_parts)
            results.append(self._result(text_parts, vectors[start:end], scores[start:end])
                           if text_parts else None)
            start = end
        return results

    def _result(self, parts: list[str], vectors: np.ndarray, scores: np.ndarray
                ) -> MeaningResult | None:
        top = int(np.argmax(scores))
        if scores[top] < self.threshold_:
            return None
        similarity = self.example_vectors_ @ vectors[top]
        nearest = np.argsort(-similarity, kind="stable")[:NEIGHBOURS]
        weight: dict[str, float] = {}
        for index in nearest:
            category = str(self.example_categories_[index])
            weight[category] = weight.get(category, 0.0) + float(max(similarity[index], 0.0))
        ranked = sorted(weight, key=lambda c: -weight[c])
        # A second kind of concern is named when its examples weigh half as much.
        named = tuple(c for c in ranked[:2] if weight[c] >= 0.5 * weight[ranked[0]])
        shown = tuple(str(self.example_texts_[i]) for i in nearest
                      if self.example_categories_[i] in named)[: self.n_examples]
        return MeaningResult(float(scores[top]), parts[top], named, shown)

    def __repr__(self) -> str:
        fitted = f", threshold_={self.threshold_:.3f}" if hasattr(self, "threshold_") else ""
        return (f"MeaningScreen(C={self.C}, n_neighbors={self.n_neighbors}, "
                f"recall={self.recall}{fitted})")

    def __getstate__(self) -> dict[str, Any]:
        # The embedding function holds the model; it is given again after unpickling.
        state = dict(self.__dict__)
        state["embed"] = None
        return state
