"""Walking respondent pages in Chromium: by mouse, by keyboard alone, and checking them.

Every walker returns the answers it chose, in the form :func:`stored_answers` reads
them back from the database, so a test can check that what was picked is what was kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import Draft, Response

#: WCAG 2.2 A and AA, as DESIGN.md section 5 asks
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SCRIPT = Axe().axe_script

TEXT = "Things are mostly fine."
NUMBER = "12"
DATE = ("14", "3", "2021")

Answers = dict[str, Any]


# ---------------------------------------------------------------- axe-core

def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, WCAG 2.2 A and AA rules only.

    The page must have finished loading: a test that clicked a link waits for the new
    URL first (``page.wait_for_url``), and one that posted a form back to the address it
    is on clicks with :func:`click_and_wait`, or axe may run on the page being left
    (``wait_for_load_state`` here only covers a page that is still loading).
    """
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return result["violations"]


def describe_violations(violations: Iterable[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['id']}] impact={v['impact']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"      target={node['target']} :: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def assert_accessible(page, what: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.2 AA violation(s) on "
        f"{what or page.url} ({page.url}):\n{describe_violations(violations)}")


# ---------------------------------------------------------------- reading pages

def questions_on(page) -> list[dict]:
    """The questions on a page: key, what kind of control, and its first choice."""
    return read_page(page)["questions"]


def read_page(page) -> dict:
    """The page's error summary (or None) and its questions, in one trip to the browser."""
    return page.evaluate("""() => {
      const summary = document.querySelector('.error-summary');
      const questions = Array.from(
        document.querySelectorAll('main form .form-group[id$="-group"]')).map(g => {
          const key = g.id.slice(0, -'-group'.length);
          const choice = g.querySelector('input[type=radio], input[type=checkbox]');
          const texts = Array.from(g.querySelectorAll('input[type=text]')).map(i => i.id);
          const box = g.querySelector('input[type=text]');
          const numeric = !!box && box.inputMode === 'numeric';
          return {key, textarea: !!g.querySelector('textarea'), texts, numeric,
                  choiceId: choice && choice.id, choiceType: choice && choice.type,
                  choiceValue: choice && choice.value};
        });
      return {error: summary && summary.innerText, questions};
    }""")


def is_thanks(page) -> bool:
    return re.split(r"[?#]", page.url)[0].endswith("/thank-you")


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
                id: e.id || '', value: e.value || '', checked: !!e.checked,
                href: e.getAttribute('href') || '', cls: e.className || '',
                text: (e.textContent || '').trim().slice(0, 60)}; }""")


# ---------------------------------------------------------------- by mouse

# The middle of the element's biggest box: a link that wraps onto a second line has a box
# on each line, and the middle of the two together can be on the words around it. The
# point must be on the element (or, for a label, on its control), or the click misses.
_BOX = """sel => { const e = document.querySelector(sel);
    if (!e) return null;
    e.scrollIntoView({block: 'center', inline: 'nearest'});
    let r = e.getBoundingClientRect();
    const boxes = Array.from(e.getClientRects());
    if (boxes.length > 1) {
      r = boxes.reduce((a, b) => b.width * b.height > a.width * a.height ? b : a);
    }
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {x, y, w: r.width, h: r.height,
            on: !!hit && (e.contains(hit) || (!!e.control && e.control === hit)),
            hit: hit ? hit.outerHTML.slice(0, 80) : null}; }"""


def click_centre(page, selector: str) -> None:
    """A real mouse click in the middle of what a person sees (a label, a face, a box)."""
    box = page.evaluate(_BOX, selector)
    assert box and box["w"] and box["h"], f"nothing to click at {selector} on {page.url}"
    assert box["on"], f"the middle of {selector} is covered by {box['hit']} on {page.url}"
    page.mouse.click(box["x"], box["y"])


def _replace_text(page, text: str) -> None:
    """Type into the focused box, replacing what is there (a page seen again keeps it)."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def answer_by_mouse(page, text: str = TEXT, choose: Mapping[str, str] | None = None,
                    skip: Iterable[str] = (), questions: list[dict] | None = None) -> Answers:
    """Answer every question on the page with the mouse: the first choice (or the one in
    ``choose``) by clicking its label or face, clicking into text boxes and typing."""
    chosen: Answers = {}
    ticked: list[tuple[str, str]] = []
    for q in questions if questions is not None else questions_on(page):
        key = q["key"]
        if key in skip:
            continue
        if q["textarea"]:
            click_centre(page, f"textarea#{key}")
            _replace_text(page, text)
            chosen[key] = text
        elif len(q["texts"]) == 3:  # a date: day, month, year
            for part, value in zip(("day", "month", "year"), DATE, strict=True):
                click_centre(page, f"#{key}-{part}")
                _replace_text(page, value)
            chosen[key] = f"{DATE[2]}-{int(DATE[1]):02d}-{int(DATE[0]):02d}"
        elif q["texts"]:
            click_centre(page, f"#{q['texts'][0]}")
            value = NUMBER if q["numeric"] else "a few words"
            _replace_text(page, value)
            chosen[key] = value
        elif q["choiceId"]:
            value = (choose or {}).get(key, q["choiceValue"])
            input_id = key if value == q["choiceValue"] else f"{key}-{value}"
            click_centre(page, f'label[for="{input_id}"]')
            ticked.append((input_id, value))
            chosen[key] = [value] if q["choiceType"] == "checkbox" else value
    if ticked:
        unticked = page.evaluate(
            "ids => ids.filter(id => !document.getElementById(id).checked)",
            [i for i, _ in ticked])
        assert not unticked, f"clicking the labels of {unticked} did not select them"
    return chosen


def click_and_wait(page, target) -> None:
    """Click ``target`` (a locator: a submit button or a link) and wait until the page it
    leads to has loaded.

    Playwright's actions wait for what they act on, but reads (``page.url``, ``count()``,
    ``all_inner_texts()``, ``evaluate``, ``is_visible()``) return at once: straight after
    a click that navigates they can see the page being left or half of the new one. A
    URL wait cannot tell the pages apart when the form posts back to the address it is
    on (an error shown, a POST-redirect-GET to the same page), so wait for the
    navigation itself."""
    with page.expect_navigation():
        target.click()


def press_button(page, action: str = "continue") -> None:
    """Click Continue / Send my answers (or Save and come back later) and wait."""
    with page.expect_navigation():
        click_centre(page, f'main button[name="action"][value="{action}"]')


def start_survey(page, survey_key: str) -> None:
    page.goto(f"/s/{survey_key}")
    with page.expect_navigation():
        click_centre(page, "main button.button-start")
    assert f"/s/{survey_key}/q/" in page.url, page.url


def walk_by_mouse(page, survey_key: str, text: str = TEXT,
                  choose: Mapping[str, str] | None = None,
                  on_page: Callable[[Any], None] | None = None) -> tuple[Answers, list[str]]:
    """Start a survey and answer every page by mouse until the thank-you page.

    ``on_page`` is called on each question page before it is answered."""
    start_survey(page, survey_key)
    return continue_by_mouse(page, text, choose, on_page)


def continue_by_mouse(page, text: str = TEXT, choose: Mapping[str, str] | None = None,
                      on_page: Callable[[Any], None] | None = None
                      ) -> tuple[Answers, list[str]]:
    """Answer by mouse from the current question page to the thank-you page."""
    chosen: Answers = {}
    visited: list[str] = []
    for _ in range(80):
        if is_thanks(page):
            return chosen, visited
        assert "/q/" in page.url, f"expected a question page, got {page.url}"
        if on_page:
            on_page(page)
        shown = read_page(page)
        assert not shown["error"], f"unexpected error on {page.url}: {shown['error']}"
        visited.append(page.url)
        chosen.update(answer_by_mouse(page, text, choose, questions=shown["questions"]))
        press_button(page)
    raise AssertionError(f"never reached the thank-you page from {visited[0]}")


# ---------------------------------------------------------------- by keyboard alone

def tab_until(page, matches: Callable[[dict], bool], what: str, limit: int = 80,
              key: str = "Tab") -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        el = focused(page)
        if matches(el):
            return el
    raise AssertionError(f"pressing {key} {limit} times never reached {what} on {page.url}")


def is_button(action: str) -> Callable[[dict], bool]:
    return lambda el: el["tag"] == "button" and el["value"] == action


def answer_by_keyboard(page, text: str = TEXT, choose: Mapping[str, str] | None = None,
                       skip: Iterable[str] = (), answered: Answers | None = None,
                       arrows: bool = True, skip_link: bool = False) -> Answers:
    """Tab from wherever focus is through the page, answering each question with the
    keyboard alone, and stop with focus on the Continue button.

    Radios: Space picks the focused (first) one; the first group on a page also goes
    Down and Up again with the arrow keys; ``choose`` moves with ArrowDown to a value.
    Checkboxes: Space on the first. Text boxes: typing. With ``skip_link``, when the
    first Tab reaches "Skip to main content", Enter on it jumps over the header."""
    chosen: Answers = dict(answered or {})
    skip = set(skip)
    used_arrows = not arrows
    for step in range(150):
        page.keyboard.press("Tab")
        el = focused(page)
        if step == 0 and skip_link and el["href"] == "#main":
            page.keyboard.press("Enter")
            assert focused(page)["tag"] == "main", "the skip link did not move focus to main"
            continue
        # (After the skip link, later pages load with #main in their address, so the
        # first Tab already starts inside the main content.)
        name = el["name"]
        if el["tag"] == "button" and el["value"] == "continue":
            return {k: v for k, v in chosen.items() if k not in (answered or {})}
        if not name or name in chosen or name in skip:
            continue
        if el["type"] == "radio":
            target = (choose or {}).get(name)
            if target:
                for _ in range(20):
                    if focused(page)["value"] == target:
                        break
                    page.keyboard.press("ArrowDown")
                if not focused(page)["checked"]:
                    page.keyboard.press("Space")
            else:
                page.keyboard.press("Space")
                if not used_arrows and page.locator(f'input[name="{name}"]').count() > 1:
                    first = focused(page)["value"]
                    page.keyboard.press("ArrowDown")
                    moved = focused(page)
                    assert moved["checked"] and moved["value"] != first, (
                        f"ArrowDown did not move to the next answer of {name}")
                    page.keyboard.press("ArrowUp")
                    used_arrows = True
            now = focused(page)
            assert now["checked"] and now["name"] == name, f"{name}: nothing chosen ({now})"
            assert not target or now["value"] == target, f"{name}: could not reach {target}"
            chosen[name] = now["value"]
        elif el["type"] == "checkbox":
            page.keyboard.press("Space")
            assert focused(page)["checked"], f"Space did not tick {name}"
            chosen[name] = [el["value"]]
        elif el["tag"] == "textarea":
            _replace_text(page, text)
            chosen[name] = text
        elif el["tag"] == "input" and el["type"] == "text":
            if re.search(r"-(day|month|year)$", name):
                continue  # no library survey asks for a date; answered by mouse if one does
            numeric = page.evaluate("document.activeElement.inputMode") == "numeric"
            value = NUMBER if numeric else "a few words"
            _replace_text(page, value)
            chosen[name] = value
    raise AssertionError(f"never reached the Continue button on {page.url}")


def submit_by_keyboard(page, action: str = "continue") -> None:
    """With focus on Continue: Tab on, Shift+Tab back (focus must return), then Enter.
    For ``save``, Tab on to Save and come back later and press Enter there."""
    el = focused(page)
    assert is_button("continue")(el), f"focus is not on Continue but on {el}"
    if action == "save":
        el = tab_until(page, is_button("save"), "Save and come back later", limit=1)
    else:
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        el = focused(page)
        assert is_button("continue")(el), f"Shift+Tab did not come back to Continue: {el}"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def start_by_keyboard(page, survey_key: str) -> None:
    page.goto(f"/s/{survey_key}")
    tab_until(page, lambda el: el["tag"] == "button" and "button-start" in el["cls"],
              "the Start now button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/s/{survey_key}/q/" in page.url, page.url


def walk_by_keyboard(page, chosen: Answers | None = None, text: str = TEXT,
                     choose: Mapping[str, str] | None = None,
                     on_page: Callable[[Any], None] | None = None,
                     stop: Callable[[Any], bool] | None = None) -> Answers:
    """Answer the pages from the current one until the thank-you page (or ``stop``)."""
    chosen = dict(chosen or {})
    for _ in range(80):
        if is_thanks(page) or (stop and stop(page)):
            return chosen
        assert "/q/" in page.url, f"expected a question page, got {page.url}"
        assert not page.locator(".error-summary").count(), f"unexpected error on {page.url}"
        if on_page:
            on_page(page)
        chosen.update(answer_by_keyboard(page, text, choose, skip_link=True))
        submit_by_keyboard(page)
    raise AssertionError("the survey never reached the thank-you page")


# ---------------------------------------------------------------- the database

def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def stored_answers(server) -> Answers:
    """The one response stored: question key -> value (or text). Fails unless exactly one
    response is stored and no draft is left behind."""
    with server.app.app_context():
        try:
            responses = list(db.session.scalars(select(Response)))
            assert len(responses) == 1, f"expected exactly one response, found {len(responses)}"
            drafts = list(db.session.scalars(select(Draft)))
            assert not drafts, "a draft was left behind after the answers were sent"
            return {a.question_key: _plain(a.text if a.value is None else a.value)
                    for a in responses[0].answers}
        finally:
            db.session.remove()


def assert_stored(server, chosen: Answers) -> None:
    stored = stored_answers(server)
    expected = {k: _plain(v) for k, v in chosen.items()}
    assert stored == expected, (
        "stored answers differ from the ones chosen:\n"
        f"  only chosen: { {k: v for k, v in expected.items() if stored.get(k) != v} }\n"
        f"  only stored: { {k: v for k, v in stored.items() if expected.get(k) != v} }")
