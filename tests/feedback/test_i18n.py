"""Chorus in Polish: the catalogue is complete, current and compiled, and respondents
see Polish wording end to end when they ask for it with ``?lang=pl``."""

from __future__ import annotations

import datetime as dt
import gettext
import html
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from feedback.extensions import db
from feedback.services.clock import today
from feedback.services.library import load_library
from feedback.services.waves import create_wave
from tests.feedback.respondent import csrf_token, first_answers, open_waves_now, start

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "feedback" / "translations"
PO = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def read_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def extract_keywords() -> list[str]:
    """The ``-k`` options ``make translations`` uses, read from the Makefile itself."""
    match = re.search(r"^BABEL_KEYWORDS\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(),
                      re.MULTILINE)
    assert match, "the Makefile defines no BABEL_KEYWORDS"
    return shlex.split(match.group(1))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Chorus's wording as it is in the code now, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
                           "-F", "babel.cfg", *extract_keywords(), "-o", str(pot), "."],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return read_catalog(pot)


@pytest.fixture(scope="module")
def polish():
    return read_catalog(PO)


def test_the_catalogue_covers_the_wording_that_matters(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    for expected in ("Strongly agree", "I don't know", "Parents and families",
                     "Choose one of the answers shown", "Enter a date on or after %(date)s",
                     "Answer this question", "Start now", "It takes about %(num)s minute."):
        assert expected in ids


def test_every_string_chorus_shows_has_a_polish_translation(extracted, polish):
    """Fails when wording was added or changed without `make translations` and a translator."""
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = polish.get(message.id)
        if translated is None:
            problems.append(f"not in the .po: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif isinstance(translated.string, tuple | list):
            if len(translated.string) != polish.num_plurals or not all(translated.string):
                problems.append(f"plural forms missing: {message.id!r}")
        elif not translated.string:
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


def test_polish_has_three_plural_forms(polish):
    assert polish.num_plurals == 3
    plural = gettext.c2py(polish.plural_expr)
    forms = [plural(n) for n in (1, 2, 4, 5, 12, 22, 25, 101, 112)]
    assert forms == [0, 1, 1, 2, 2, 1, 2, 2, 2]


def test_placeholders_in_every_translation_match_the_english(polish):
    problems = []
    for message in polish:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append((message.id, string))
            if "%" in PLACEHOLDER.sub("", string).replace("%%", ""):
                problems.append((message.id, f"stray %: {string}"))
    assert problems == []


def messages_of(catalogue: gettext.GNUTranslations) -> tuple[dict, str | None]:
    """What a compiled catalogue gives a reader: every message with its translation, and
    the plural rule. The header entry (msgid "") is left out: it names the tool and
    version that compiled it, which says nothing about the translations."""
    messages = {key: text for key, text in catalogue._catalog.items()  # type: ignore[attr-defined]
                if key != "" and key != ("", 0)}
    return messages, catalogue._info.get("plural-forms")  # type: ignore[attr-defined]


def test_the_compiled_catalogue_is_up_to_date_with_the_po(polish):
    """The committed .mo holds exactly what the .po says (run `make translations`)."""
    fresh = io.BytesIO()
    write_mo(fresh, polish)
    fresh.seek(0)
    with MO.open("rb") as f:
        committed = gettext.GNUTranslations(f)
    expected = gettext.GNUTranslations(fresh)
    assert messages_of(committed) == messages_of(expected)
    minutes = ("It takes about %(num)s minute.", "It takes about %(num)s minutes.")
    assert committed.ngettext(*minutes, 5).endswith("%(num)s minut.")  # plurals compiled


def test_the_catalogue_comparison_ignores_the_compilers_version_only(polish):
    """A new Babel release writes its own version into the header of the .mo (as a new
    project version does); that alone must not count as a stale catalogue, while a changed
    translation must."""
    def compiled(catalogue) -> gettext.GNUTranslations:
        out = io.BytesIO()
        write_mo(out, catalogue)
        out.seek(0)
        return gettext.GNUTranslations(out)

    before = compiled(polish)
    with PO.open("rb") as f:
        other = read_po(f)
    other.version = "9.9.9"
    assert compiled(other)._catalog[""] != before._catalog[""]  # type: ignore[attr-defined]
    assert messages_of(compiled(other)) == messages_of(before)
    changed = next(m for m in other if m.id and isinstance(m.string, str) and m.string)
    changed.string = changed.string + " (changed)"
    assert messages_of(compiled(other)) != messages_of(before)


# -- pages ---------------------------------------------------------------------------------


@pytest.fixture
def waves(app_ctx):
    """The families survey (offered in Polish) and the foster carers' (English only), open."""
    load_library()
    open_waves_now(("families-feedback", "foster-carers"))
    return app_ctx


def test_the_families_landing_page_is_in_polish(waves, client):
    page = client.get("/s/families-feedback?lang=pl").text
    assert '<html lang="pl">' in page
    assert "Powiedz nam, jak nam poszło" in page  # the survey's own title, translated
    assert "Tell us how we did" not in page
    assert "Zacznij teraz" in page and "Start now" not in page  # Chorus's wording
    assert "Zajmie ci to mniej więcej" in page
    assert "Czytamy wszystko, co piszesz." in page  # the safeguarding notice
    assert "We read everything you write." not in page


def test_question_pages_and_their_errors_are_in_polish(waves, client):
    client.get("/?lang=pl")
    url = start(client, "families-feedback")
    page = client.get(url).text
    assert "Czego dotyczy twoja opinia?" in page
    assert "What is your feedback about?" not in page
    assert "Plan ochrony dziecka" in page and "A child protection plan" not in page
    assert "Strona 1 z" in page

    sent = client.post(url, data={"csrf_token": csrf_token(page), "submission": "",
                                  "involvement": "not_a_choice", "action": "continue"})
    assert sent.status_code == 200
    assert "Jest problem" in sent.text
    assert "Wybierz jedną z podanych odpowiedzi" in sent.text
    assert "Choose one of the answers shown" not in sent.text

    follow = client.post(url, data={**first_answers(page), "action": "continue"})
    scale = client.get(follow.headers["Location"]).text
    assert "Traktowano mnie z szacunkiem." in scale
    assert "Zdecydowanie się zgadzam" in scale and "Nie wiem" in scale  # built-in scale
    assert "Strongly agree" not in scale and "I was treated with respect." not in scale


def test_the_language_choice_is_kept_across_pages(waves, client):
    client.get("/s/families-feedback?lang=pl")
    assert "Powiedz nam, co myślisz" in client.get("/").text  # no ?lang this time
    assert "Uzyskaj pomoc" in client.get("/help").text
    landing = client.get("/s/families-feedback").text
    assert "Powiedz nam, jak nam poszło" in landing
    client.get("/?lang=en")
    assert "Tell us how we did" in client.get("/s/families-feedback").text


def test_a_survey_without_polish_keeps_its_english_wording(waves, client):
    client.get("/?lang=pl")
    landing = client.get("/s/foster-carers").text
    assert "Zacznij teraz" in landing  # Chorus's own wording follows the choice
    assert "Uzyskaj pomoc" in landing
    title = re.search(r'<h1 class="heading-xl">(.*?)</h1>', landing).group(1)
    assert html.unescape(title) == "Foster carers' survey"  # the survey's wording stays English
    assert 'href="?lang=en"' in landing  # and there is a way back to English

    start_page = client.get("/").text
    assert "Powiedz nam, jak nam poszło" in start_page  # families, in Polish
    assert "Foster carers&#39; survey" in start_page  # foster carers, in English

    url = start(client, "foster-carers")
    question = client.get(url).text
    assert "Dalej" in question and "Continue" not in question
    assert "What kind of fostering do you do?" in question


def test_an_unknown_language_falls_back_to_english(waves, client):
    page = client.get("/s/families-feedback?lang=xx").text
    assert '<html lang="en">' in page and "Tell us how we did" in page


def test_an_english_only_survey_on_a_polish_page_is_marked_english_throughout(app_ctx, client):

    from feedback.services.library import load_library
    from tests.feedback.respondent import csrf_token, start

    load_library()
    create_wave("staff-annual", "staff-now", "Now", today() - dt.timedelta(days=1),
                today() + dt.timedelta(days=5))
    db.session.commit()
    client.get("/?lang=pl")
    url = start(client, "staff-annual")
    html = client.get(url).text
    assert '<html lang="pl">' in html
    assert 'lang="en"' in html  # each question says which language it is in
    assert "Strongly agree" in html or "Social worker" in html
    sent = client.post(url, data={"action": "continue", "csrf_token": csrf_token(html)})
    assert "Choose an answer" in sent.text  # the error is in the question's language
