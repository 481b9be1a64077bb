"""Normalisation, redaction, non-answers and stop words (analysis.text)."""

import hashlib

import pytest

from analysis.text import (
    STOP_WORDS,
    is_non_answer,
    normalise,
    prepare,
    redact,
    text_key,
    tfidf_preprocess,
)


def test_normalise_collapses_spaces_and_straightens_quotes():
    assert normalise("  Nothing\u2019s\n\n wrong\t ") == "Nothing's wrong"


def test_normalise_applies_nfkc_and_drops_control_characters():
    assert normalise("\ufb01ne\u200b day\x07") == "fine day"


def test_text_key_is_sha256_of_the_normalised_text():
    expected = hashlib.sha256(b"kind staff").hexdigest()
    assert text_key("  kind   staff ") == expected


def test_a_text_key_variant_is_hashed_before_the_text():
    assert text_key("kind staff", "int8") == hashlib.sha256(b"int8\0kind staff").hexdigest()
    assert text_key("kind staff", "int8") != text_key("kind staff")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My social worker Sarah Jones rang me", "My social worker [name] rang me"),
        ("my foster carer, Tom, is kind", "my foster carer, [name], is kind"),
        ("my social worker sarah never listens", "my social worker [name] never listens"),
        ("a boy called Jack was mean", "a boy called [name] was mean"),
        ("the new boy is named rex", "the new boy is named [name]"),
        ("My worker Jo is nice but my teacher Mr Smith is not",
         "My worker [name] is nice but my teacher [name] is not"),
        ("staff at XXXX ward", "staff at [name] ward"),
    ],
)
def test_names_after_a_cue_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my social worker is great",
        "My Social Worker Is Great",
        "They called me back",
        "They called the police",
        "They called Social Services",
        "My mum is nice",
    ],
)
def test_words_that_are_not_names_are_kept(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "07700900123", "07700-900-123", "0161 496 0000", "(01632) 960123",
     "+44 7700 900123", "+44 (0)20 7946 0000", "0044 20 7946 0000"],
)
def test_uk_phone_numbers_are_redacted(number):
    assert redact(f"ring me on {number} please") == "ring me on [phone] please"


def test_helpline_numbers_are_redacted_like_any_other_number():
    # Every number shaped like a phone number is redacted: who owns it cannot be
    # told from the text (see docs/redaction.md).
    assert redact("ring childline 0800 1111") == "ring childline [phone]"


def test_emails_are_redacted():
    assert redact("write to jo.bloggs+x@mail.example.co.uk now") == "write to [email] now"


@pytest.mark.parametrize("postcode", ["NG7 2UH", "ng1 5ab", "SW1A 1AA", "M1 1AE", "B338TH"])
def test_uk_postcodes_are_redacted(postcode):
    assert redact(f"I live at {postcode}.") == "I live at [postcode]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB: 12/03/2009", "DOB: [date of birth]"),
        ("I was born on 3rd March 2010 and", "I was born on [date of birth] and"),
        ("date of birth 12 May 09", "date of birth [date of birth]"),
        ("my birthday is March 3rd", "my birthday is [date of birth]"),
    ],
)
def test_dates_of_birth_are_redacted(text, expected):
    assert redact(text) == expected


def test_other_dates_are_kept():
    assert redact("the meeting on 12/03/2024 was late") == "the meeting on 12/03/2024 was late"


def test_prepare_normalises_then_redacts():
    assert prepare("  email\u00a0me: a@b.com ") == "email me: [email]"


@pytest.mark.parametrize(
    "text",
    ["nothing", "Nothing.", "NOTHING!!", "nothng", "nothin", "Nothimg 6", "no", "No.", "n/a",
     "N/A", "n.a.", "na", "none", "None.", "no comment", "No comments", "nothing to add",
     "Nothing to add.", "nope", "Nope 😀", "not really", "Not really.", "-", ".", "...", "?",
     "😀", "", "   ", "I don't know", "Not sure?", "nothing at all", "no thanks",
     "Nothing else to say", "nothing x", "Can't think of anything right now",
     "can't think of anything", "cant think of anything", "Not that I can think of.",
     "nothing I can think of", "No idea", "no idea tbh", "Prefer not to say", "Unsure",
     "not sure what to put", "i don't know what to put", "i dont want to say",
     "Don't really know yet, I'm new", "Not sure what to write"],
)
def test_non_answers(text):
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    ["Nothing to improve", "No complaints", "No, all good", "None of the staff listened",
     "Thank you", "nothing works", "No one listens to me", "Not enough activities",
     "nothing nothing nothing nothing nothing nothing nothing nothing nothing",
     "Can't get hold of my social worker", "I can't think straight in meetings",
     "No idea who my PA is", "cannot see my family", "I don't want to move again",
     "Not sure what happens next", "no new social worker please"],
)
def test_answers_are_not_non_answers(text):
    assert not is_non_answer(text)


def test_stop_words_keep_negations_and_quantifiers():
    for word in ["not", "no", "never", "nothing", "none", "all", "everything", "every", "more"]:
        assert word not in STOP_WORDS


def test_stop_words_drop_function_words_and_placeholders():
    for word in ["the", "and", "was", "[name]", "[phone]", "[date of birth]"]:
        assert word in STOP_WORDS


def test_tfidf_preprocess_drops_placeholders():
    assert tfidf_preprocess("Ask [name] on [phone]").split() == ["ask", "on"]
