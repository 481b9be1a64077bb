"""Keywords and labels that count distinct comments (analysis.themes.describe)."""

import numpy as np
import pytest

from analysis.themes import NON_ANSWER_ID, ThemeClusterer
from analysis.themes.describe import (
    LABEL_CHARS,
    _side_by_side,
    display_case,
    distinct_rows,
    idea_form,
    keyword_scores,
    keywords_for,
    label_from,
    min_support_for,
    names_something,
    quote_label,
    readable_phrases,
    spell_out,
    spelled_out,
    text_form,
)
from analysis.themes.estimator import auto_theme_range

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
    # Used by only 1 of 5 comments (under JOIN_SHARE): not part of the label.
    rare = [*forms, "caseloads are too high"]
    rare[1] = "gets cancelled, caseloads too high"
    rare[3] = "no help when caseloads are high"
    assert label_from(("caseloads", "supervision"), "Theme 0", rare[1:], 1) == "Caseloads"
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


# --- the number of themes from distinct comments ---------------------------------

def test_idea_form_drops_openers_and_sign_offs():
    assert idea_form("Honestly, fewer cases tbh") == idea_form("Fewer cases.") == "fewer cases"
    assert idea_form("I think it's lonely - thanks") == "it's lonely"
    assert idea_form("Thanks") == "thanks"  # nothing left: kept as it is


@pytest.mark.parametrize(("n_ideas", "expected"), [
    (1, (1, 1)), (9, (2, 4)), (25, (4, 6)), (35, (5, 7)), (72, (8, 10)), (100, (8, 12)),
    (8000, (8, 12)),
])
def test_theme_range_grows_with_the_square_root_of_distinct_comments(n_ideas, expected):
    # high = round(1.2 * sqrt(n)) up to 12; low = high - 2 up to 8
    assert auto_theme_range(n_ideas) == expected


def test_theme_range_is_capped_at_one_theme_per_ten_answers():
    assert auto_theme_range(30, n_answers=44) == (2, 4)


def test_repeats_do_not_add_themes():
    # 30 distinct comments, each said 10 times (in three spellings): 300 answers.
    # Counted by answers the range would be 8-12; by ideas it is round(1.2 * sqrt(30)) = 7.
    topics = ["food", "staff", "parking", "noise", "waiting", "doctor"]
    ideas = [f"the {topic} was issue {i} here" for topic in topics for i in range(5)]
    texts = [v for idea in ideas for v in (idea, idea.upper() + ".", f"Honestly, {idea} tbh")]
    model = ThemeClusterer(backend="tfidf", random_state=0).fit(texts * 3 + ideas)
    assert model.n_ideas_ == 30
    assert 5 <= model.n_themes_ <= 7


# --- labels ------------------------------------------------------------------------

@pytest.mark.parametrize(("term", "names"), [
    ("caseloads", True), ("see mum", True), ("more help", True), ("not listened", True),
    ("took months", True), ("see", False), ("long", False), ("nobody", False),
    ("years", False), ("every time", False), ("first time", False), ("few weeks", False),
    ("even saying", False), ("because birthday", False), ("dont", False), ("tbh staff", False),
])
def test_names_something(term, names):
    assert names_something(term) is names


def test_a_generic_first_keyword_becomes_a_phrase_with_it():
    # "see" is the top keyword of a theme about contact with family.
    forms = ["i want to see my mum more", "see mum at weekends", "let me see mum",
             "see my brother", "contact with my brother"]
    phrases = ("see mum", "see brother")
    assert label_from(("see", "brother", "mum"), "", forms, 1, phrases=phrases) == "See mum"
    # Without a phrase, the next keyword that names something.
    assert label_from(("see", "brother"), "", forms, 1) == "Brother"
    # Nothing names anything: the fallback.
    assert label_from(("see", "every time"), "Theme 2", forms, 1) == "Theme 2"


def test_keywords_written_side_by_side_make_one_phrase():
    forms = ["my supervising social worker is great", "supervising social worker visits",
             "supervising social worker never rings back", "a worker who listens"]
    keywords = ("supervising social", "worker", "rings")
    assert label_from(keywords, "", forms, 2) == "Supervising social worker"
    forms = ["more pocket money", "more pocket money please", "money for the bus"]
    assert label_from(("money", "more pocket"), "", forms, 1) == "More pocket money"


def test_one_comment_writing_keywords_side_by_side_does_not_name_the_theme():
    # The 8-11 survey's "change one thing": only one comment has both words.
    forms = ["the kids at school keep calling me names", "keep the same social worker",
             "stop having meetings at school", "my social worker to come more",
             "to go back to my old school"]
    assert _side_by_side("school", "keep", forms, min_together=2) is None
    assert _side_by_side("school", "keep", forms) == "school keep"
    assert label_from(("school", "keep", "social worker"), "", forms, 2) == "School"


def test_keywords_with_stop_words_between_make_the_comments_phrase():
    forms = ["help to open a bank account and save", "i think help to open a bank account",
             "open a bank account", "save money"]
    assert label_from(("bank account", "open", "save"), "", forms, 1) == "Open a bank account"
    # an article may come with the stop word ...
    forms = ["more training in the practice model", "training in the practice model please"]
    assert label_from(("training", "practice model"), "", forms, 1) == (
        "Training in the practice model"
    )
    # ... but two other stop words are too many
    forms = ["my sw keeps changing its so annoying", "keeps changing its so annoying"]
    assert _side_by_side("changing", "annoying", forms) is None
    assert _side_by_side("changing", "annoying", ["changing is annoying"]) == (
        "changing is annoying"
    )
    # and not when most comments using both keep them apart
    forms = ["open the door and my bank account", "bank account then open it", "bank account",
             "open a bank account"]
    assert label_from(("bank account", "open"), "", forms, 1) == "Bank account and open"


def test_a_second_keyword_that_names_nothing_does_not_join():
    forms = ["my pa for years", "pa for years now", "years with the same pa", "pa sorted it"]
    assert label_from(("pa", "years"), "", forms, 1) == "Pa"
    forms = ["pa answers my calls", "my pa is annoying", "pa always answers", "pa sorted it"]
    assert label_from(("pa", "answers"), "", forms, 1) == "Pa answers"  # side by side


def test_readable_phrases_skip_bridged_numeric_and_filler_terms():
    forms = ["i want to see my mum", "see mum more", "plan for vacant posts", "3 weeks tbh",
             "please see mum"]
    terms = np.array(["see mum", "plan vacant", "weeks tbh", "24 three", "mum", "see"])
    scores = np.array([0.5, 0.9, 0.8, 0.7, 0.6, 0.4])
    support = np.array([3, 2, 2, 2, 3, 3])
    assert readable_phrases(scores, support, terms, 2, forms) == ("see mum",)


def test_display_case_follows_how_comments_write_a_word():
    texts = ["My PA helped me", "I rang my PA", "pa was great", "WE NEED A PA"]
    assert display_case("Pa", texts) == "PA"
    assert display_case("Christmas dinner", ["at Christmas we", "Christmas was fun"]) == (
        "Christmas dinner")
    assert display_case("Caseloads", ["Caseloads. Everything follows"]) == "Caseloads"


def test_quote_label_takes_the_best_phrase_of_the_central_comment():
    terms = np.array(["boiler", "boiler fixed", "food vouchers", "getting", "getting boiler"])
    scores = np.array([0.2, 0.1, 0.3, 0.5, 0.4])
    quote = "Getting the boiler fixed and food vouchers. Lonely, turn it on."
    assert quote_label(quote, scores, terms) == "Food vouchers"
    assert quote_label("Supported accommodation taught me", scores, terms) == (
        "Supported accommodation taught")


def test_no_theme_with_comments_is_called_theme_n():
    # Every comment differs: no keyword has the support of two comments.
    texts = ["glow in the dark stars on my ceiling", "my own bed at last",
             "the cat sleeps on my feet", "sunday dinner with everyone",
             "cubs on a tuesday", "swimming lessons"]
    model = ThemeClusterer(n_themes=2, backend="tfidf", random_state=0).fit(texts)
    labels = [t.label for t in model.themes_]
    assert all(label and not label.startswith("Theme") for label in labels)
    assert len(set(labels)) == len(labels)


# -- two-letter words spelled out --------------------------------------------------


def test_a_two_letter_word_is_spelled_out_by_the_phrase_with_its_initials():
    terms = np.array(["sw", "social worker", "support worker", "pa", "pa answers", "tv"])
    counts = np.array([9, 5, 2, 4, 3, 6])
    # "sw": two phrases with initials s, w; "social worker" is used more.
    # "pa": "pa answers" holds the word itself (a word of 2 letters), so it
    # spells nothing out. "tv": no phrase with initials t, v.
    assert spelled_out(terms, counts) == {"sw": "social worker"}


def test_a_phrase_used_once_does_not_spell_out_a_word():
    assert spelled_out(np.array(["sw", "social worker"]), np.array([9, 1])) == {}


def test_labels_are_spelled_out_within_the_length_limit():
    expansions = {"sw": "social worker"}
    assert spell_out("Sw", expansions) == "Social worker"
    assert spell_out("More sw visits", expansions) == "More social worker visits"
    assert spell_out("Sw and school", expansions) == "Social worker and school"
    assert spell_out("PA", expansions) == "PA"
    long_label = "Sw and a very long second keyword here"  # 38 characters
    assert spell_out(long_label, expansions) == long_label  # 49 spelled out


def test_a_theme_about_an_abbreviation_gets_the_phrase_as_its_label():
    comments = (["my sw never turns up"] * 3 + ["change my sw", "sw keeps changing",
                "new sw again", "sw is always late"]
                + ["my social worker is kind", "social worker visits", "the food is cold",
                   "cold food again", "food was cold", "dinner is cold food"])
    model = ThemeClusterer(n_themes=2, backend="tfidf", random_state=0).fit(comments)
    labels = {t.label for t in model.themes_}
    assert "Social worker" in labels


def test_pick_quotes_shows_one_idea_once_in_its_plainest_wording():
    from analysis.themes.describe import pick_quotes

    texts = ["Honestly, i do boxing now, its helped a lot", "i do boxing now, its helped a lot",
             "I do boxing now, its helped a lot.", "football training twice a week"]
    features = np.array([[1.0, 0.0], [0.99, 0.14], [0.98, 0.2], [0.0, 1.0]])
    assert pick_quotes(texts, features, n=3) == (
        "I do boxing now, its helped a lot.", "football training twice a week")
    # without a capitalised copy, the unwrapped one
    assert pick_quotes(texts[:2], features[:2], n=3) == ("i do boxing now, its helped a lot",)


def test_pick_quotes_skips_comments_that_may_not_be_quoted():
    from analysis.themes.describe import pick_quotes

    texts = [f"comment number {i} says quite a lot of words here" for i in range(5)]
    # the first is the centre; the others lie symmetrically around it
    features = np.array([[1.0, 0.0], [0.8, 0.6], [0.8, -0.6], [0.6, 0.8], [0.6, -0.8]])
    assert pick_quotes(texts, features, n=3)[0] == texts[0]
    picked = pick_quotes(texts, features, n=3, quotable=[False, True, True, True, True])
    assert texts[0] not in picked and len(picked) == 3
    assert pick_quotes(texts, features, quotable=[False] * 5) == ()
