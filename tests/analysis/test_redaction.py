"""Redaction of personal details (analysis.redaction), by kind, and on its test set."""

import csv
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.text
from analysis.redaction import PLACEHOLDERS, RedactionSpan, redact, redact_spans

DATA = Path(__file__).parent / "data" / "redaction.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 0161-496-0000 today", "call [phone] today"),
        ("home tel 01632960333", "home tel [phone]"),
        ("mobile: 07700.900.555", "mobile: [phone]"),
        ("tel:07700900123", "tel:[phone]"),
        ("WhatsApp +447700900444", "WhatsApp [phone]"),
        ("+44 (0) 7700 900606 or 07700 900 020", "[phone] or [phone]"),
        ("freephone 08081 570123", "freephone [phone]"),
        ("my cousin in the US is +1 202 555 0173", "my cousin in the US is [phone]"),
    ],
)
def test_phone_numbers_in_other_forms(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIKEY.P@EXAMPLE.COM is mine", "[email] is mine"),
        ("email grace.o'neill@example.com", "email [email]"),
        ("(email ben.r@example.org)", "(email [email])"),
        ("it's leo @ example.com", "it's [email]"),
        ("sophie dot williams at example dot com", "[email]"),
        ("zara [at] example [dot] com is best", "[email] is best"),
        ("noah(at)example(dot)org", "[email]"),
        ("kieran at example dot org", "[email]"),
    ],
)
def test_emails_also_when_spelt_out(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("postcode", ["LS6 3QH", "bd7 1dp", "ls63qh", "W1A 0AX", "EC1A 1BB",
                                      "CR2 6XH", "Rg1 3Jb", "GIR 0AA", "M4  5BT"])
def test_postcodes_in_every_format(postcode):
    assert redact(f"we moved to {postcode} in May") == "we moved to [postcode] in May"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I live at 12 Acacia Avenue with my nan", "I live at [address] with my nan"),
        ("flat 3 45 high st is my new place", "[address] is my new place"),
        ("my address is Flat 2, 18 Station Road", "my address is [address]"),
        ("I live on Elm Road", "I live on [address]"),
        ("i live at 3 willow way", "i live at [address]"),
        ("the home on Brook Street is noisy", "the home on [address] is noisy"),
        ("3 The Crescent is where I grew up", "[address] is where I grew up"),
        ("I live in 14 Rowan Close, WF1 2AB", "I live in [address], [postcode]"),
    ],
)
def test_addresses(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d.o.b 01-02-2008", "d.o.b [date of birth]"),
        ("born 2009-06-14 in Leeds", "born [date of birth] in Leeds"),
        ("I was born on the 5th of November 2007", "I was born on the [date of birth]"),
        ("my bday is 29th feb", "my bday is [date of birth]"),
        ("b day 13th may", "b day [date of birth]"),
        ("I was born in March 2010", "I was born in [date of birth]"),
        ("born on Dec 25th 2008 so", "born on [date of birth] so"),
        ("my date of birth is wrong, it should be 15/10/2009",
         "my date of birth is wrong, it should be [date of birth]"),
    ],
)
def test_dates_of_birth(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[name] is my social worker", "[name] is my social worker"),
        ("Priya is my social worker", "[name] is my social worker"),
        ("sarah jones is my social worker", "[name] is my social worker"),
        ("Hannah, my key worker, sorted it", "[name], my key worker, sorted it"),
        ("Tom (my PA) is good", "[name] (my PA) is good"),
        ("my IRO is Jamal", "my IRO is [name]"),
        ("my social worker is kelly and she's ok", "my social worker is [name] and she's ok"),
        ("My mum's boyfriend Wayne scares me", "My mum's boyfriend [name] scares me"),
        ("my teacher mr hughes is strict", "my teacher [name] is strict"),
        ("Mrs J. Smith rang", "[name] rang"),
        ("Miss K is the best", "[name] is the best"),
        ("I see Uncle Dave on Sundays", "I see [name] on Sundays"),
        ("thank you Chloe for everything", "thank you [name] for everything"),
        ("Could be better. Thanks, Sarah", "Could be better. Thanks, [name]"),
        ("The food could be better - Tom", "The food could be better - [name]"),
        ("Love it here. Love, Ellie x", "Love it here. Love, [name] x"),
        ("my sw is called kerry-ann she never rings", "my sw is called [name] she never rings"),
        ("My friend Will is nice", "My friend [name] is nice"),
        ("MY SOCIAL WORKER DARREN IS RUDE", "MY SOCIAL WORKER [name] IS RUDE"),
        ("My Key Worker Becky Is Lovely", "My Key Worker [name] Is Lovely"),
        ("my social worker sarah jones rang", "my social worker [name] rang"),
        ("Sarah's car broke down", "[name]'s car broke down"),
        ("i told jess about it", "i told [name] about it"),
    ],
)
def test_names(text, expected):
    assert redact(text) == expected


def test_school_names():
    assert redact("I moved to St Bede's High School in Year 8") == "I moved to [school] in Year 8"
    assert redact("at Greenbank Primary the teachers were kind") == (
        "at [school] the teachers were kind")


@pytest.mark.parametrize(
    "text",
    [
        "I've been in care since 2019", "The trip cost £1,500", "I've moved 3 times in 2 years",
        "Meetings at 3:30 are hard", "I'm 15", "contact is on the 12th", "I'm in Year 10",
        "The M1 was busy", "In Y10 2nd term was the hardest", "see you b4 5pm",
        "On 12/03/2024 my review was cancelled", "the meeting on 01.02.2024 10.30 was late",
        "I have 2 close friends at school", "It's a 15 minute walk to school",
        "It was a 2 hour drive to contact", "we walked 3 miles to the park",
        "I live on my own now", "I live with my nan", "call 999 in an emergency",
        "ring 111 if you feel ill", "I was born in Leeds", "Nobody asked my date of birth",
        "my birthday is next week", "my social worker is great", "My Social Worker Is Great",
        "my dad hits me when he drinks", "my foster carer hurt my feelings",
        "my mum house is far away", "my foster carers landline is broken",
        "I was called fat at school", "they called me names", "the teacher called me stupid",
        "She is my social worker", "i miss my mum", "I miss home", "Thank you all",
        "- Anonymous", "From a young person in care", "look at bbc dot co dot uk",
        "High school is hard", "I go to sixth form college", "We meet at 0930 on Mondays",
        "my IRO meeting is 2x a year", "the 07:30 bus is always late",
    ],
)
def test_text_without_personal_details_is_kept(text):
    assert redact(text) == text


def test_spans_give_kind_and_offsets():
    text = "Ring Sarah on 07700 900123 or email s.jones@example.org"
    assert redact_spans(text) == [
        RedactionSpan("name", 5, 10),
        RedactionSpan("phone", 14, 26),
        RedactionSpan("email", 36, 55),
    ]


def test_overlapping_findings_become_one_span_of_the_first_kind():
    # "Sarah" is a first name, but it is inside an email address
    assert redact_spans("sarah.jones@example.com") == [RedactionSpan("email", 0, 23)]


def test_redaction_and_its_placeholders_are_reexported_by_analysis_text():
    assert analysis.text.redact is redact
    assert analysis.text.redact_spans is redact_spans
    assert analysis.text.PLACEHOLDERS is PLACEHOLDERS
    assert analysis.text.tfidf_preprocess("at [address] near [school]").split() == ["at", "near"]


def test_prepare_normalises_spaces_before_redacting():
    assert analysis.text.prepare("ring\u00a007700\n900123") == "ring [phone]"


def test_case_changing_characters_do_not_shift_offsets():
    # "İ" lower-cases to two characters; offsets must still refer to the text
    text = "İİİ, İzmir and my social worker Sarah"
    assert redact(text) == "İİİ, İzmir and my social worker [name]"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_spans_are_ordered_disjoint_and_inside_the_text(text):
    spans = redact_spans(text)
    ends = [0]
    for span in spans:
        assert span.kind in PLACEHOLDERS
        assert ends[-1] <= span.start < span.end <= len(text)
        ends.append(span.end)
    rebuilt, done = [], 0
    for span in spans:
        rebuilt += [text[done : span.start], PLACEHOLDERS[span.kind]]
        done = span.end
    assert redact(text) == "".join(rebuilt) + text[done:]


_WORDS = st.sampled_from(["my", "social", "worker", "is", "Sarah", "called", "07700", "900123",
                          "M1", "1AE", "at", "dot", "com", "12", "Road", "Mr", "-", "born",
                          "3/4/10", "X", "x", "@", "(", ")", ",", ".", "and", "the"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join))
def test_redacting_again_keeps_every_placeholder(text):
    # A second pass may find a little more (the placeholders change how much
    # capitals say), but it never touches what the first pass wrote.
    once = redact(text)
    twice = redact(once)
    placeholder = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
    for m in placeholder.finditer(once):
        assert not any(s.start < m.end() and m.start() < s.end for s in redact_spans(once))
    assert Counter(placeholder.findall(once)) <= Counter(placeholder.findall(twice))


def test_redacting_the_test_set_twice_changes_nothing_more():
    for _, text, _ in read_test_set():
        once = redact(text)
        assert redact(once) == once


@pytest.mark.parametrize(
    "hostile",
    ["a" * 50_000 + "@", "a dot " * 8_000 + " at x", "0 " * 25_000, "my social worker " * 3_000,
     "Mr " * 15_000, "- " * 25_000 + "Tom", "born " * 10_000 + "12/12/2012", "12 " * 15_000 + "rd",
     "(0" * 15_000, "Ab " * 15_000 + "School"],
)
def test_hostile_input_takes_time_in_step_with_its_length(hostile):
    started = time.perf_counter()
    redact(hostile)
    assert time.perf_counter() - started < 2.0  # about 0.2 s; a quadratic scan takes minutes


# --- the test set -------------------------------------------------------------

def read_test_set() -> list[tuple[str, str, list[RedactionSpan]]]:
    """(category, text, expected spans) for every row of the CSV."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    examples = []
    for row in rows:
        text, spans = "", []
        for piece in re.split(r"(\[\[\w+:.*?\]\])", row["text"]):
            if marked := re.fullmatch(r"\[\[(\w+):(.*)\]\]", piece):
                spans.append(RedactionSpan(marked[1], len(text), len(text) + len(marked[2])))
                piece = marked[2]
            text += piece
        examples.append((row["category"], text, spans))
    return examples


def test_the_test_set_is_as_large_as_promised():
    counts = Counter(category for category, _, _ in read_test_set())
    assert counts["phone"] >= 40 and counts["email"] >= 40 and counts["postcode"] >= 40
    assert counts["name"] >= 30 and counts["address"] >= 20 and counts["dob"] >= 20
    assert counts["none"] >= 80


def test_the_test_set_parses_as_documented():
    category, text, spans = next(row for row in read_test_set() if row[0] == "phone")
    assert "[[" not in text and [text[s.start : s.end] for s in spans] == ["07700 900123"]


FLOORS = {"phone": 0.95, "email": 0.95, "postcode": 0.95, "address": 0.85, "dob": 0.85,
          "name": 0.85}


def test_recall_and_false_positives_on_the_test_set_stay_above_their_floors():
    expected, covered, flagged_none = Counter(), Counter(), 0
    for category, text, spans in read_test_set():
        found = redact_spans(text)
        for span in spans:
            expected[span.kind] += 1
            covered[span.kind] += any(f.start <= span.start and span.end <= f.end for f in found)
        flagged_none += category == "none" and bool(found)
    recall = {kind: covered[kind] / expected[kind] for kind in FLOORS}
    assert all(recall[kind] >= floor for kind, floor in FLOORS.items()), recall
    assert flagged_none <= 3


def test_the_names_module_knows_every_placeholder():
    from analysis._redaction_names import _PLACEHOLDER

    assert all(_PLACEHOLDER.fullmatch(p) for p in PLACEHOLDERS.values())
