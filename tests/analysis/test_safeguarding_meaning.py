"""The meaning layer of the safeguarding screen: its example bank, how it reads an answer
in parts, and the estimator, with a small embedding whose vectors are worked out by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from analysis.safeguarding import (
    ORDINARY,
    ExampleBank,
    ExampleFileError,
    MeaningScreen,
    MeaningUnavailable,
    Reason,
    Screener,
    answer_parts,
    build_screener,
    load_phrase_files,
)
from analysis.safeguarding import building as building_module

# -- answer parts ------------------------------------------------------------------------


def test_a_short_answer_is_one_part():
    assert answer_parts("my uncle hurts me") == ["my uncle hurts me"]


def test_two_sentences_are_read_whole_and_one_by_one():
    assert answer_parts("School is fine. My uncle hurts me.") == [
        "School is fine. My uncle hurts me.", "School is fine.", "My uncle hurts me."]


def test_three_sentences_are_also_read_in_neighbouring_pairs():
    parts = answer_parts("I like art. He says its our game\nHe is my coach!")
    assert parts == ["I like art. He says its our game He is my coach!", "I like art.",
                     "He says its our game", "He is my coach!",
                     "I like art. He says its our game", "He says its our game He is my coach!"]


def test_a_long_sentence_is_also_read_in_overlapping_windows_of_forty_words():
    words = [f"w{i}" for i in range(70)]
    parts = answer_parts(" ".join(words))
    # the whole, then windows starting every 20 words: 0-39, 20-59, 40-69
    assert parts == [" ".join(words), " ".join(words[:40]), " ".join(words[20:60]),
                     " ".join(words[40:70])]


def test_a_dash_between_spaces_ends_a_sentence_but_a_hyphen_does_not():
    assert answer_parts("drop-in is good - he hits me") == [
        "drop-in is good - he hits me", "drop-in is good", "he hits me"]


# -- the example bank --------------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_bank_has_every_category_and_ordinary_answers():
    bank = ExampleBank.default()
    assert ORDINARY in bank.categories
    assert {"self_harm", "neglect", "harmful_practices", "allegation_against_staff",
            "radicalisation"} <= set(bank.concern_categories)
    assert all(bank.categories.count(c) >= 100 for c in bank.concern_categories)
    assert bank.labels["allegation_against_staff"] == "A worker or carer may be harming a child"


def test_a_services_file_extends_the_bank_and_changes_its_version(tmp_path):
    shipped = ExampleBank.default()
    local = write(tmp_path, "local.yaml", "category: neglect\nexamples:\n"
                  "  - the leccy has been off all week\n  - 'nae scran in the house'\n")
    extended = ExampleBank.from_files([local])
    assert len(extended) == len(shipped) + 2
    assert extended.categories[-1] == "neglect" and extended.texts[-1] == "nae scran in the house"
    assert extended.version != shipped.version and len(extended.version) == 12


def test_a_new_category_brings_its_label_and_a_text_given_twice_keeps_its_first(tmp_path):
    first = write(tmp_path, "a.yaml", "category: online_harm\nlabel: Harm online\n"
                  "examples: [a stranger asked for my address]\n")
    second = write(tmp_path, "b.yaml", "category: ordinary\n"
                   "examples: ['a  stranger asked for my address', my game crashed]\n")
    bank = ExampleBank.from_files([first, second], include_default=False)
    assert bank.texts == ("a stranger asked for my address", "my game crashed")
    assert bank.categories == ("online_harm", ORDINARY)
    assert bank.labels == {"online_harm": "Harm online"}


@pytest.mark.parametrize("text, message", [
    ("category: neglect\n", "a.yaml: examples: must be a list of at least one answer"),
    ("category: Neglect\nexamples: [x]\n", "a.yaml: category: must be a key"),
    ("category: neglect\nexamples: [x, '  ']\n", "a.yaml: examples[1]: must be a non-empty text"),
    ("category: neglect\nexampels: [x]\n", "a.yaml: exampels: unknown key"),
    ("- just a list\n", "a.yaml: must be a mapping"),
    ("category: [\n", "a.yaml: is not valid YAML"),
])
def test_a_broken_example_file_is_refused_naming_the_file_and_key(tmp_path, text, message):
    with pytest.raises(ExampleFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ExampleBank.from_files([write(tmp_path, "a.yaml", text)], include_default=False)


# -- the estimator, with a hand-made embedding -------------------------------------------

#: Each word a dimension: a text's vector is its words counted and scaled to length 1.
WORDS = ["hurts", "hits", "kicks", "hungry", "food", "fine", "good", "school", "art", "me"]


def embed(texts):
    vectors = np.zeros((len(texts), len(WORDS) + 1))
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            column = WORDS.index(word) if word in WORDS else len(WORDS)
            vectors[row, column] += 1
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


CONCERNS = [("he hurts me", "harm"), ("dad hits me", "harm"), ("she kicks me", "harm"),
            ("he hurts", "harm"), ("hits me again", "harm"),
            ("always hungry", "neglect"), ("no food", "neglect"), ("hungry no food", "neglect"),
            ("so hungry", "neglect"), ("food never", "neglect")]
ORDINARIES = ["school is fine", "art is good", "all fine", "good school", "fine",
              "school good", "art fine", "good good", "fine school art", "art"]


@pytest.fixture(scope="module")
def fitted() -> MeaningScreen:
    texts = [t for t, _ in CONCERNS] + ORDINARIES
    categories = [c for _, c in CONCERNS] + [ORDINARY] * len(ORDINARIES)
    return MeaningScreen(embed, recall=0.9).fit(texts, categories)


def test_fit_learns_the_categories_and_a_threshold_from_held_out_scores(fitted):
    assert fitted.categories_ == ["harm", "neglect"]
    assert 0.0 < fitted.threshold_ < 1.0
    assert len(fitted.example_texts_) == 10 and fitted.example_vectors_.shape == (10, 11)


def test_an_answer_near_the_examples_of_harm_is_explained_by_them(fitted):
    result = fitted.explain("he kicks me")
    assert result is not None and result.categories == ("harm",)
    assert result.part == "he kicks me"
    # "she kicks me" has the same words but one (cosine 1); "he hurts me", "dad hits me"
    # and "hits me again" share two of three (2/3): ties keep the bank's order
    assert result.examples == ("she kicks me", "he hurts me")


def test_an_ordinary_answer_is_not_flagged(fitted):
    assert fitted.explain("art at school is good") is None
    assert fitted.scores(["art at school is good"])[0] < fitted.threshold_


def test_a_disclosure_in_the_middle_of_a_long_answer_is_found_by_its_sentence(fitted):
    answer = "School is fine. Art is good. He hits me. Art is fine."
    result = fitted.explain(answer)
    assert result is not None and result.part == "He hits me." and "harm" in result.categories


def test_fit_refuses_a_bank_without_both_kinds():
    with pytest.raises(ValueError, match="both disclosures and ordinary"):
        MeaningScreen(embed).fit(["he hurts me"], ["harm"])


def test_a_long_example_disclosure_teaches_its_worst_sentence():
    """The long example is one worrying sentence among ordinary ones: its best part
    joins the disclosures, so a later answer with only that sentence is caught."""
    long_example = "school is fine. art is good. she kicks me. fine."
    texts = [long_example, "he hurts me", "dad hits me", "hits me", "he hurts", "hurts me"]
    texts += ORDINARIES
    categories = ["harm"] * 6 + [ORDINARY] * len(ORDINARIES)
    # one neighbour: so few examples that ten would be most of the bank
    screen = MeaningScreen(embed, n_neighbors=1, recall=0.8).fit(texts, categories)
    assert screen.explain("she kicks") is not None


def test_the_score_is_the_mean_of_each_views_rank_on_its_own_scale():
    screen = MeaningScreen(embed)
    screen.scales_ = [np.array([0.1, 0.2, 0.3, 0.4]), np.array([-1.0, 0.0, 1.0, 2.0])]
    # 0.25 is above 2 of the 4 regression scores (rank 0.5); a margin of 1.5 is above 3
    # of 4 (0.75); a score equal to a scale's value counts it as below
    raw = np.array([[0.25, 1.5], [0.4, -2.0], [0.05, 2.0]])
    assert screen._combine(raw).tolist() == [0.625, 0.5, 0.5]


def test_recall_outside_its_range_is_refused():
    with pytest.raises(ValueError, match="recall must be from 0.5"):
        MeaningScreen(embed, recall=1.0).fit(["he hurts me", "fine"], ["harm", ORDINARY])


def test_the_screener_adds_meaning_reasons_only_for_kinds_the_phrases_missed(fitted):
    screener = Screener(load_phrase_files([]), meaning=fitted,
                        labels={"harm": "Harm", "neglect": "Neglect"})
    # no phrase file: every reason is the meaning layer's
    result = screener.screen("always hungry, no food")
    assert result.flagged and result.categories == ("neglect",)
    reason = result.reasons[0]
    assert reason == Reason("neglect", "Neglect", "always hungry, no food", "meaning",
                            reason.examples, reason.score)
    # "hungry no food" shares three of its words (cosine 4 / sqrt(18)), the rest two
    assert reason.examples == ("hungry no food", "always hungry")
    assert screener.screen_phrases("always hungry, no food").flagged is False
    assert screener.categories == {"harm": "Harm", "neglect": "Neglect"}


def test_a_phrase_found_category_is_not_repeated_by_the_meaning_layer(fitted, tmp_path):
    phrases = write(tmp_path, "p.yaml", "categories:\n  harm:\n    label: Harm\n"
                    "    phrases: [hits me]\n")
    screener = Screener(load_phrase_files([phrases]), meaning=fitted)
    result = screener.screen("dad hits me")
    assert [(r.category, r.source, r.matched) for r in result.reasons] == [
        ("harm", "phrase", "hits me")]


def test_without_the_sentence_model_building_the_screen_says_why(monkeypatch):
    monkeypatch.setattr(building_module, "minilm_available", lambda: False)
    with pytest.raises(MeaningUnavailable, match="sentence model is not installed"):
        build_screener()
    assert build_screener(meaning=False).meaning is None
