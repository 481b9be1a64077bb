"""The safeguarding screen (analysis.safeguarding): phrases, negation, extension, file errors."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest

from analysis.safeguarding import (
    DEFAULT_PHRASE_DIR,
    PhraseFileError,
    Reason,
    Screener,
    Screening,
    default_phrase_files,
    default_screener,
    screen,
)
from analysis.safeguarding.grammar import MAX_GAP, PhraseSyntaxError, compile_phrase
from analysis.safeguarding.tokens import canonical_text, canonical_words, squash

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
#: the ten categories the three older labelled sets were written for
FIRST_CATEGORIES = {
    "harm_from_others", "sexual_harm", "self_harm", "feeling_unsafe", "going_missing",
    "exploitation", "bullying", "neglect", "domestic_abuse", "secrets",
}
CATEGORIES = FIRST_CATEGORIES | {"harmful_practices", "allegation_against_staff",
                                 "radicalisation"}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


def read_set(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- hand-worked examples, one block per category -----------------------------

@pytest.mark.parametrize(
    ("text", "category", "matched"),
    [
        ("my step dad hits me", "harm_from_others", "hits me"),
        ("He keeps KICKING me", "harm_from_others", "KICKING me"),
        ("they lock me in my room", "harm_from_others", "lock me in"),
        ("he makes me do things i dont want", "harm_from_others",
         "makes me do things i dont want"),
        ("he touched my privates", "sexual_harm", "touched my privates"),
        ("a man online keeps asking me for pics of me", "sexual_harm", "asking me for pics of me"),
        ("i want to kill myself", "self_harm", "kill myself"),
        ("i dont want to be here anymore", "self_harm", "dont want to be here"),
        ("everyone would be better off without me", "self_harm", "better off without me"),
        ("I don't feel safe at home", "feeling_unsafe", "don't feel safe"),
        ("im scared of my mums boyfriend", "feeling_unsafe", "scared of my mums boyfriend"),
        ("i ran away from my placement", "going_missing", "ran away"),
        ("went missing for 3 days", "going_missing", "went missing"),
        ("older boys give me weed to hold stuff for them", "exploitation", "older boys give me"),
        ("they make me carry packages", "exploitation", "make me carry"),
        ("i get bullied every day", "bullying", "bullied"),
        ("people call me names", "bullying", "call me names"),
        ("there is no food in the house", "neglect", "there is no food"),
        ("mum leaves us on our own at night", "neglect", "leaves us on our own"),
        ("he keeps hitting my mum", "domestic_abuse", "hitting my mum"),
        ("my mum and dad fight all the time", "domestic_abuse", "mum and dad fight"),
        ("he says its our secret", "secrets", "our secret"),
        ("im scared to tell anyone", "secrets", "scared to tell anyone"),
    ],
)
def test_each_category_catches_a_plain_disclosure(screener, text, category, matched):
    result = screener.screen(text)
    assert result.flagged
    reason = next(r for r in result.reasons if r.category == category)
    assert reason.matched == matched
    assert reason.label == screener.categories[category]


@pytest.mark.parametrize(
    "text",
    [
        "I feel safe with my foster carer",
        "my leg hurt at football",
        "I want to go home more",
        "the food is nice",
        "I miss my mum",
        "I'm missing my family",
        "my brother beats me at fifa",
        "I want to keep in touch with my sister",
        "this survey is killing me lol",
        "my mum would kill me if I failed",
        "I hurt myself on the trampoline",
        "I'm doing a dog grooming course",
        "The domestic abuse training was useful",
        "We need training on county lines and exploitation",
        "we did secret santa",
        "I'm scared of spiders",
        "please help me with my CV",
        "We'd like more trips",
        "there were odd days",
        "",
        "   ",
        "n/a",
    ],
)
def test_ordinary_answers_are_not_flagged(screener, text):
    assert screener.screen(text) == Screening(flagged=False, reasons=())


# --- general forms added after the first held-out set ---------------------------

@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the first held-out set's misses, kept as regression cases
        ("im holding a knife for someone", "exploitation"),
        ("they send me horrible messages every night", "bullying"),
        ("no one washes my clothes and i have no shoes that fit", "neglect"),
        ("dad goes to the pub and leaves us with no dinner", "neglect"),
        ("police had to come and find me again last weekend", "going_missing"),
        ("i lock myself in the bathroom when he comes home", "feeling_unsafe"),
        ("I was made to do stuff with a man for money", "exploitation"),
        ("i want to tell someone something but im frightened what will happen", "secrets"),
        # the same kinds of wording, written differently
        ("my cousin makes me stash bags under my bed for his mates", "exploitation"),
        ("i owe them 300 and they keep messaging me", "exploitation"),
        ("some lad i met on snapchat wants me to meet up", "exploitation"),
        ("a guy online keeps asking me to send him pics", "sexual_harm"),
        ("he pulled a blade on me at the park", "harm_from_others"),
        ("she pushed me down and kicked me", "harm_from_others"),
        ("they left us outside all night in the cold", "harm_from_others"),
        ("i cut my hips so nobody sees", "self_harm"),
        ("im so tired of living", "self_harm"),
        ("i havent eaten since friday", "neglect"),
        ("we have not got any warm clothes for winter", "neglect"),
        ("if i tell my teacher he will hurt me", "secrets"),
        ("im scared of what he will do", "feeling_unsafe"),
        ("she says he will kill mum one day", "domestic_abuse"),
        ("nobody knows where i go at night", "going_missing"),
    ],
)
def test_general_forms_of_wording_no_phrase_anticipated(screener, text, category):
    assert category in screener.screen(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "we had a knife and fork at dinner",
        "I use a knife to cut the veg when I help cook",
        "my teacher pushed me to do better in science",
        "my dad pushes me on the swings",
        "I got hurt playing rugby but the coach helped me",
        "I got locked out of my phone",
        "I'm always hungry after football lol",
        "it's not safe to leave bikes outside school",
        "I was cold at night when we went camping",
        "my mum will kill me if I leave my room messy",
        "I did something stupid and got a detention",
        "I go out at night with my mates at weekends",
        "I'm worried what will happen in my exams",
        "I push my mum's wheelchair to the shops",
        "the teacher asked us to send pictures of our project",
        "I can't sleep because of the noise from the road",
        "I want to tell you something good, I passed my test",
        "I cut myself shaving",
        "I'm scared of what will happen when I leave care",
        "my carer checks my phone every night",
        "we talked about knife crime in PSHE",
    ],
)
def test_ordinary_answers_near_the_new_phrases_are_not_flagged(screener, text):
    assert not screener.screen(text).flagged


# --- negation -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I feel safe", False),
        ("I don't feel safe", True),
        ("i dont feel safe at home", True),
        ("not safe", True),
        ("I do not always feel safe", True),
        ("I've never felt so safe", False),
        ("not really, I feel safe", False),
        ("I don't feel unsafe", False),
        ("I am not scared at home", False),
        ("I'm not bullied", False),
        ("no bullying at my school", False),
        ("nobody bullies me", False),
        ("I don't get picked on", False),
        ("I'm never left alone", False),
        ("i was left alone all night", True),
        # the negation belongs to another clause
        ("nobody helps when I'm bullied", True),
        ("there is no bullying at my school but i got bullied at my old one", True),
        ("no, i am bullied", True),
    ],
)
def test_negation_cancels_only_listed_phrases_in_the_same_clause(screener, text, flagged):
    assert screener.screen(text).flagged is flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Decided: negation never cancels self-harm or abuse. A child may minimise or be
        # testing the water, and a false alarm costs one review.
        ("nobody hurts me", "harm_from_others"),
        ("I don't get hit at home", "harm_from_others"),
        ("I don't want to kill myself", "self_harm"),
        ("I have never self harmed", "self_harm"),
        ("I am not scared of my dad", "feeling_unsafe"),
        ("he never touches me", "sexual_harm"),
    ],
)
def test_negation_never_cancels_self_harm_or_abuse(screener, text, category):
    assert category in screener.screen(text).categories


# --- the way children and young people write ----------------------------------

@pytest.mark.parametrize(
    ("text", "category", "matched"),
    [
        ("kms", "self_harm", "kms"),
        ("i wanna die", "self_harm", "wanna die"),
        ("sometimes i think about sucide", "self_harm", "sucide"),
        ("i will kil my self", "self_harm", "kil my self"),
        ("I WANT TO KILLLL MYSELF", "self_harm", "KILLLL MYSELF"),
        ("been self-harming again", "self_harm", "self-harming"),
        ("he hurtin me", "harm_from_others", "hurtin me"),
        ("ppl call me names bc im in care", "bullying", "call me names"),
        ("i dnt feel safe wiv him", "feeling_unsafe", "dnt feel safe"),
        ("bulied loads at skool", "bullying", "bulied"),
        ("im scared 2 go home", "feeling_unsafe", "scared 2 go home"),
        ("i want to. die", "self_harm", "want to. die"),
        ("my boyfriend is 22", "exploitation", "boyfriend is 22"),
    ],
)
def test_text_speak_misspellings_and_capitals(screener, text, category, matched):
    reasons = {r.category: r.matched for r in screener.screen(text).reasons}
    assert reasons.get(category) == matched


def test_matched_words_are_shown_as_the_answer_wrote_them(screener):
    result = screener.screen("My Step-Dad HITS me!!")
    assert result.reasons == (
        Reason("harm_from_others", "Being hurt or made to do things by someone", "HITS me"),
    )
    # Curly quotes are straightened by analysis.text.normalise first.
    assert screener.screen("I don\u2019t feel safe").reasons[0].matched == "don't feel safe"


def test_reasons_are_one_per_category_in_the_order_they_appear(screener):
    result = screener.screen("i get bullied at school and i want to die, i want to die")
    assert result.categories == ("bullying", "self_harm")
    assert [r.matched for r in result.reasons] == ["bullied", "want to die"]


def test_results_are_frozen(screener):
    result = screener.screen("kms")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flagged = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.reasons[0].category = "x"  # type: ignore[misc]


def test_module_level_screen_uses_one_cached_default_screener():
    assert default_screener() is default_screener()
    assert screen("i want to die").categories == ("self_harm",)


def test_the_shipped_categories_and_labels(screener):
    assert set(screener.categories) == CATEGORIES
    assert screener.categories["self_harm"] == "Self-harm or suicidal thoughts"
    assert all(label and label[0].isupper() for label in screener.categories.values())


# --- canonical text and the phrase language -------------------------------------

def test_squash_and_canonical_words():
    assert squash("KILLL") == "kil"
    assert squash("Don't") == "dont"
    assert canonical_words("wanna", {"wana": ("want", "to")}) == ("want", "to")
    assert canonical_words("self-harm") == ("self", "harm")


def test_canonical_text_marks_clauses_and_maps_words_back():
    canon = canonical_text("No. I'm fine,  really", {"im": ("i", "am")})
    assert canon.text == " no , i am fine , realy "
    assert canon.source == "No. I'm fine, really"
    start = canon.text.index("i am")
    assert canon.original(start, start + len("i am fine")) == "I'm fine"


def rx(phrase: str, groups: dict | None = None) -> re.Pattern[str]:
    return re.compile(compile_phrase(phrase, lambda w: canonical_words(w), groups).regex)


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("hit* me", " he hits me ", True),
        ("hit* me", " he hitched me ", True),
        ("hit* me", " white me ", False),
        ("scared [really|so] much", " scared so much ", True),
        ("scared [really|so] much", " scared much ", True),
        ("(step dad|mums boyfriend) hit*", " mums boyfriend hits ", True),
        ("not ... safe", " not " + "x " * MAX_GAP + "safe ", True),
        ("not ... safe", " not " + "x " * (MAX_GAP + 1) + "safe ", False),
        ("not ... safe", " not realy , i fel safe ", False),
        ("want to die", " want to , die ", True),
    ],
)
def test_phrase_language(phrase, text, matches):
    assert bool(rx(phrase).search(text)) is matches


def test_phrase_knows_the_words_it_can_start_with():
    compiled = compile_phrase("[please] help* me", lambda w: (w,))
    assert compiled.firsts == {("please", False), ("help", True)}


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        ("", "empty"),
        ("(no food", "')' is missing"),
        ("no food)", "unexpected ')'"),
        ("hit ...", "gap"),
        ("... hit", "gap"),
        ("hit ... ... me", "two gaps"),
        ("[really]", "needs a word"),
        ("<nope> food", "unknown group <nope>"),
        ("*", "unexpected '*'"),
    ],
)
def test_phrase_syntax_errors_say_why(phrase, problem):
    with pytest.raises(PhraseSyntaxError, match=re.escape(problem)):
        compile_phrase(phrase, lambda w: canonical_words(w))


# --- phrase files: extension and errors ------------------------------------------

def write(tmp_path: Path, text: str, name: str = "local.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_service_file_extends_a_category_groups_spellings_and_negations(tmp_path):
    local = write(tmp_path, """
spellings:
  ganja: weed
negations: [nae]
groups:
  parent: [foster nan]
categories:
  neglect:
    phrases: [nae (scran|grub)]
  bullying:
    negatable: [slagged off]
  harm_from_others:
    phrases: ["<parent> ... skelp* me"]
""")
    before = Screener.default()
    after = Screener.from_files([local])
    text = "there is nae scran in the hoose"
    assert not before.screen(text).flagged
    assert after.screen(text).categories == ("neglect",)
    assert after.screen("my foster nan skelps me").categories == ("harm_from_others",)
    assert "exploitation" in after.screen("smoking ganja every day").categories
    assert after.screen("i get slagged off").categories == ("bullying",)
    assert not after.screen("i nae get slagged off").flagged
    # The shipped phrases are still there.
    assert after.screen("kms").categories == ("self_harm",)


def test_a_service_file_adds_a_category_and_can_replace_the_defaults(tmp_path):
    local = write(tmp_path, """
categories:
  radicalisation:
    label: Radicalisation or extremism
    phrases: [(join|joined) ... (isis|extremists)]
""")
    extended = Screener.from_files([local])
    assert extended.categories["radicalisation"] == "Radicalisation or extremism"
    assert extended.screen("he wants me to join the extremists").categories == ("radicalisation",)
    alone = Screener.from_files([local], include_default=False)
    assert list(alone.categories) == ["radicalisation"]
    assert not alone.screen("kms").flagged


@pytest.mark.parametrize(
    ("content", "key", "problem"),
    [
        ("categories: [a]", "categories", "expected a mapping"),
        ("phrases: [a]", "phrases", "unknown key"),
        ("categories:\n  self_harm:\n    phrase: [x]\n", "categories.self_harm.phrase",
         "unknown key"),
        ("categories:\n  new_thing:\n    phrases: [x]\n", "categories.new_thing.label",
         "needs a label"),
        ("categories:\n  Self Harm:\n    label: x\n", "categories.Self Harm", "lower case"),
        ("categories:\n  neglect:\n    phrases: ['(no food']\n", "categories.neglect.phrases[0]",
         "')' is missing"),
        ("categories:\n  neglect:\n    phrases: [ok, '<nope> food']\n",
         "categories.neglect.phrases[1]", "unknown group <nope>"),
        ("categories:\n  neglect:\n    phrases: [no]\n", "categories.neglect.phrases[0]",
         "write it in quotes"),
        ("categories:\n  neglect:\n    phrases: hungry\n", "categories.neglect.phrases",
         "expected a list"),
        ("categories:\n  neglect:\n    patterns: ['(']\n", "categories.neglect.patterns[0]",
         "not a valid regular expression"),
        ("groups:\n  loop: [<loop> x]\n", "groups.loop[0]", "refers to itself"),
        ("groups:\n  adult: [<nope>]\n", "groups.adult[0]", "unknown group <nope>"),
        ("negations: ['no way']\n", "negations[0]", "one word"),
        ("spellings:\n  dont do: do not\n", "spellings.dont do", "one word"),
        ("spellings: [a]\n", "spellings", "expected a mapping"),
    ],
)
def test_format_errors_name_the_file_and_the_key(tmp_path, content, key, problem):
    path = write(tmp_path, content)
    with pytest.raises(PhraseFileError) as caught:
        Screener.from_files([path])
    assert caught.value.path == str(path)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("categories: [\n", "is not valid YAML"),
        ("categories:\n  neglect:\n    phrases: [a]\n  neglect:\n    phrases: [b]\n",
         "written twice"),
        ("- a list\n", "must be a mapping"),
    ],
)
def test_whole_file_errors_name_the_file(tmp_path, content, problem):
    path = write(tmp_path, content)
    with pytest.raises(PhraseFileError, match=re.escape(problem)) as caught:
        Screener.from_files([path])
    assert str(caught.value).startswith(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(PhraseFileError, match="cannot be read") as caught:
        Screener.from_files([tmp_path / "absent.yaml"])
    assert "absent.yaml" in str(caught.value)


def test_every_shipped_file_documents_the_format_at_the_top():
    files = default_phrase_files()
    assert {f.parent for f in files} == {DEFAULT_PHRASE_DIR}
    assert len(files) == len(CATEGORIES) + 1
    for path in files:
        head = path.read_text(encoding="utf-8").splitlines()[:12]
        assert head[0].startswith("# Chorus safeguarding screen")
        assert any("Format" in line for line in head), path.name


def test_the_documentation_covers_categories_format_and_figures():
    doc = (ROOT / "docs" / "safeguarding.md").read_text(encoding="utf-8")
    for key in CATEGORIES:
        assert f"`{key}`" in doc
    for term in ("phrases:", "negatable:", "ignore:", "patterns:", "groups:", "spellings:",
                 "negations:", "bench/safeguarding_screen.py", "safeguarding_screen_holdout.csv"):
        assert term in doc


def test_the_documented_example_file_loads_and_works(tmp_path):
    doc = (ROOT / "docs" / "safeguarding.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    local = Screener.from_files([write(tmp_path, example.group(1))])
    assert local.screen("there's nae scran").categories == ("neglect",)
    assert local.screen("he wants me to join the extremists").categories == ("radicalisation",)
    assert not local.screen("county lines awareness day was good").flagged


# --- the labelled sets ------------------------------------------------------------

def test_the_labelled_sets_have_the_promised_shape():
    main = read_set("safeguarding_screen.csv")
    ordinary = [r for r in main if r["flag"] == "0"]
    assert len(main) >= 200 and len(ordinary) >= 90
    holdout = read_set("safeguarding_screen_holdout.csv")
    disclosures = sum(r["flag"] == "1" for r in holdout)
    assert len(holdout) >= 60 and 0.4 <= disclosures / len(holdout) <= 0.6
    for row in main + holdout:
        assert row["flag"] in {"0", "1"}
        assert (row["category"] == "") == (row["flag"] == "0"), row["text"]
        assert set(filter(None, row["category"].split(";"))) <= CATEGORIES
    assert not {r["text"] for r in main} & {r["text"] for r in holdout}


def test_the_second_held_out_set_has_the_promised_shape():
    holdout2 = read_set("safeguarding_screen_holdout2.csv")
    disclosures = [r for r in holdout2 if r["flag"] == "1"]
    assert len(holdout2) >= 120 and len(disclosures) >= 70
    for row in holdout2:
        assert row["flag"] in {"0", "1"}
        assert (row["category"] == "") == (row["flag"] == "0"), row["text"]
        assert set(filter(None, row["category"].split(";"))) <= CATEGORIES
    covered = {c for r in disclosures for c in r["category"].split(";")}
    assert covered == FIRST_CATEGORIES
    texts = {r["text"] for r in holdout2}
    assert not texts & {r["text"] for r in read_set("safeguarding_screen_holdout.csv")}
    # Written before the main set was read; two answers came out word for word the same.
    assert texts & {r["text"] for r in read_set("safeguarding_screen.csv")} == {
        "im scared to go home after school", "i sleep with a chair against my door"}


def test_recall_on_the_main_set_is_at_least_095(screener):
    # A quality floor (regression guard), not a timing; the figures are printed by
    # bench/safeguarding_screen.py.
    rows = [r for r in read_set("safeguarding_screen.csv") if r["flag"] == "1"]
    caught = sum(screener.screen(r["text"]).flagged for r in rows)
    assert caught / len(rows) >= 0.95
