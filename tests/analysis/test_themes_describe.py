"""Keywords and labels that count distinct comments (analysis.themes.describe)."""

import numpy as np
import pytest

from analysis.themes import NON_ANSWER_ID, ThemeClusterer
from analysis.themes.describe import (
    LABEL_CHARS,
    distinct_rows,
    keyword_scores,
    keywords_for,
    label_from,
    min_support_for,
    text_form,
)

CASELOAD = ["caseload too high", "my caseload is huge", "a cap on my caseload",
            "reduce the caseload", "caseload and supervision"]
VACANT = "A proper plan for vacant posts would help."


def test_text_form_ignores_case_punctuation_and_spacing():
    assert text_form("Fewer cases.  Honestly that's it!") == "fewer cases honestly that's it"
    assert text_form("fewer cases honestly that's it") == "fewer cases honestly that's it"


def test_distinct_rows_keeps_the_first_of_each_form_per_label():
    texts = ["Kind staff.", "kind staff", "cold food", "kind staff"]
    assert distinct_rows(texts).tolist() == [0, 2]
    assert distinct_rows(texts, np.array([0, 0, 1, 1])).tolist() == [0, 2, 3]


@pytest.mark.parametrize(("n_distinct", "expected"), [(1, 1), (4, 1), (5, 2), (40, 2), (60, 3)])
def test_min_support_is_two_comments_and_five_percent(n_distinct, expected):
    assert min_support_for(n_distinct) == expected


def test_a_word_many_comments_use_beats_one_repeated_comment():
    # One theme of 6 distinct comments: "caseload" in 5, "vacant" in 1 (pasted 9 times).
    model = ThemeClusterer(n_themes=1, backend="tfidf", random_state=0).fit(
        CASELOAD + [VACANT] * 9
    )
    theme = model.themes_[0]
    assert theme.keywords[0] == "caseload"
    assert not any("vacant" in k or "plan" in k for k in theme.keywords)
    assert theme.label == "Caseload"


def test_coverage_weights_scores():
    scores = keyword_scores(np.array([0.2, 0.4]), np.array([5, 1]), 6)
    assert scores == pytest.approx([0.2 * 5 / 6, 0.4 / 6])
    assert keyword_scores(np.array([0.2]), np.array([0]), 0).tolist() == [0.0]


def test_numbers_and_filler_are_not_keywords():
    terms = np.array(["24 three", "24", "three", "carrying 24", "tbh", "cancelled three", "cases"])
    support = np.array([3, 3, 3, 3, 3, 3, 3])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.1])
    assert keywords_for(scores, support, terms) == ("cases",)


def test_terms_used_by_too_few_comments_are_not_keywords():
    terms = np.array(["vacant", "caseload"])
    assert keywords_for(np.array([0.9, 0.5]), np.array([1, 5]), terms) == ("caseload",)


def test_a_phrase_replaces_its_words_only_when_most_comments_use_it():
    terms = np.array(["agency", "staff", "agency staff"])
    scores = np.array([0.5, 0.4, 0.3])
    assert keywords_for(scores, np.array([5, 6, 5]), terms) == ("agency staff",)
    # "caseloads help" is used by 2 of the 8 comments with "caseloads": a fragment.
    terms = np.array(["caseloads", "caseloads help", "help"])
    assert keywords_for(np.array([0.5, 0.4, 0.1]), np.array([8, 2, 2]), terms) == (
        "caseloads", "help")


def test_a_phrase_ranked_first_hides_its_words():
    terms = np.array(["cold food", "food", "cold", "dinner"])
    scores = np.array([0.9, 0.5, 0.4, 0.3])
    assert keywords_for(scores, np.array([4, 4, 4, 3]), terms) == ("cold food", "dinner")


def test_phrases_bridged_by_a_dropped_stop_word_are_not_keywords():
    forms = ["a proper plan for vacant caseloads", "plan for vacant posts please",
             "agency staff to stay", "more agency staff"]
    terms = np.array(["plan vacant", "agency staff", "not listened"])
    scores, support = np.array([0.9, 0.5, 0.4]), np.array([2, 2, 2])
    forms += ["not being listened to", "i was not listened to"]
    assert keywords_for(scores, support, terms, forms=forms) == ("agency staff", "not listened")
    assert keywords_for(scores, support, terms)[0] == "plan vacant"  # no texts, no check


def test_label_joins_the_second_keyword_when_the_two_go_together():
    forms = ["caseloads and supervision", "supervision gets cancelled, caseloads too high",
             "caseloads", "no supervision when caseloads are high"]
    assert label_from(("caseloads", "supervision"), "Theme 0", forms, 2) == (
        "Caseloads and supervision")
    apart = ["caseloads", "caseloads too high", "supervision please", "no supervision"]
    assert label_from(("caseloads", "supervision"), "Theme 0", apart, 2) == "Caseloads"
    assert label_from(("caseloads", "supervision"), "Theme 0") == "Caseloads"
    assert label_from((), "Theme 3", forms) == "Theme 3"


def test_labels_stay_short_and_do_not_repeat_words():
    long = ("extraordinarily lengthy", "unbelievably complicated paperwork")
    forms = ["extraordinarily lengthy unbelievably complicated paperwork"] * 3
    assert label_from(long, "x", forms) == "Extraordinarily lengthy"
    assert label_from(("care grant", "grant doesnt"), "x", ["care grant doesnt go far"]) == (
        "Care grant")
    assert len(label_from(("a" * 60,), "x")) <= LABEL_CHARS


def test_stock_phrases_that_say_nothing_are_non_answers_in_a_fit():
    texts = CASELOAD + ["Can't think of anything right now", "not that I can think of",
                        "No idea"]
    labels = ThemeClusterer(n_themes=2, backend="tfidf", random_state=0).fit(texts).labels_
    assert labels[-3:].tolist() == [NON_ANSWER_ID] * 3
