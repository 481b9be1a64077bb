"""Virtual respondents for bench/submit_load.py: plain http.client, one session each.

A :class:`ChorusRespondent` does what a member of staff does in a browser:
opens the staff survey, presses Start, and on every page takes the CSRF token
and the submission key from the HTML, answers the questions shown and posts
the page, following each redirect, until the thank-you page. A
:class:`CeilingRespondent` sends the same requests (the same form bodies, in
the same order) to the ceiling app, which stores each POST as one row.

A request that fails (connection reset, 5xx) is sent again after a short wait,
as a person presses the button again; the failures are counted.
"""

from __future__ import annotations

import http.client
import itertools
import math
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from surveys import Question, Survey
from surveys.pages import next_page, plan_pages

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission"[^>]*value="([^"]*)"')
FIELD_NAMES = re.compile(r'name="([^"]+)"')
_NAMES = {CSRF: "CSRF token", SUBMISSION: "submission key"}

AGREEMENT = (("strongly_agree", 15), ("agree", 35), ("neither", 20), ("disagree", 15),
             ("strongly_disagree", 7), ("dont_know", 8))
COMMENTS = {
    "most_difference": [
        "Lower caseloads so I can spend proper time with children and families.",
        "Fewer forms to fill in and a recording system that does not crash.",
        "More regular supervision that is reflective and not only about tasks.",
        "Admin support in the team so social workers can do social work.",
        "Better cover when colleagues are off so the work does not pile up.",
    ],
    "working_well": [
        "The team is supportive and we cover for each other.",
        "My manager is approachable and helps me think cases through.",
        "Group supervision has been really useful this year.",
        "Training on the practice model gave us a shared language with families.",
        "Nothing much, it has been a hard year.",
    ],
}


class Abandon(Exception):
    """The respondent gives up on this submission (too many failures, or a wrong page)."""


class Stop(Exception):
    """The run is over: no more requests."""


@dataclass
class Sample:
    step: str         # landing, start, page, post, final, thanks
    method: str
    started: float    # time.perf_counter()
    seconds: float
    status: int       # 0 when the connection failed


@dataclass
class Outcome:
    """What one virtual respondent sent and what it was told."""

    samples: list[Sample] = field(default_factory=list)
    #: submission key -> (marker, answers sent), for every final POST that was sent
    sent: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: submission keys that got the thank-you redirect
    acknowledged: list[str] = field(default_factory=list)
    abandoned: dict[str, int] = field(default_factory=dict)
    #: submission POSTs that failed at first and were acknowledged when sent again
    retried_finals: int = 0


class Limits:
    """When the load stops: ``duration`` seconds, or ``requests`` requests, after the
    measured window opens (at the end of the warm-up)."""

    def __init__(self, duration: float, requests: int | None, hard_stop: float) -> None:
        self.duration = duration
        self.budget = requests
        self.counted_from = math.inf
        self.deadline = hard_stop
        self._counter = itertools.count()
        self.window_open = threading.Event()
        self.stopped = threading.Event()

    def open_window(self) -> float:
        now = time.perf_counter()
        self.counted_from, self.deadline = now, now + self.duration
        self.window_open.set()
        return now

    def next_request(self) -> None:
        now = time.perf_counter()
        if self.stopped.is_set() or now >= self.deadline:
            raise Stop
        if self.budget is not None and now >= self.counted_from and \
                next(self._counter) >= self.budget:
            self.stopped.set()
            raise Stop


class Browser:
    """One connection and one cookie jar, like a browser tab."""

    def __init__(self, port: int, timeout: float) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: str | None = None
             ) -> tuple[int, str | None, str]:
        headers = {"User-Agent": "chorus-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or "01 jan 1970" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if response.will_close:
            self.connection.close()
        return response.status, response.headers.get("Location"), text


class Respondent:
    """Shared plumbing: timed requests with retries, and realistic answers."""

    retry_waits = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)

    def __init__(self, number: int, port: int, survey: Survey, limits: Limits,
                 run_id: str, seed: int, timeout: float = 30.0) -> None:
        self.number = number
        self.port = port
        self.survey = survey
        self.limits = limits
        self.run_id = run_id
        self.random = random.Random(seed * 1000 + number)
        self.timeout = timeout
        self.outcome = Outcome()
        self.pages = {p.key: p for p in plan_pages(survey)}
        self.browser = Browser(port, timeout)

    def run(self, delay: float = 0.0) -> Outcome:
        time.sleep(delay)  # a ramp, so that respondents are not all on the same page
        for n in itertools.count():
            self.browser = Browser(self.port, self.timeout)  # a new respondent, no cookie
            try:
                self.submit(n)
            except Stop:
                break
            except Abandon as e:
                reason = str(e)
                self.outcome.abandoned[reason] = self.outcome.abandoned.get(reason, 0) + 1
        return self.outcome

    def call(self, step: str, method: str, path: str, body: str | None = None,
             expect: int = 200) -> tuple[str | None, str]:
        for attempt, wait in enumerate((*self.retry_waits, None)):
            self.limits.next_request()
            started = time.perf_counter()
            try:
                status, location, text = self.browser.send(method, path, body)
            except (OSError, http.client.HTTPException):
                status, location, text = 0, None, ""
            self.outcome.samples.append(
                Sample(step, method, started, time.perf_counter() - started, status))
            if status == expect:
                if step == "final" and attempt:
                    self.outcome.retried_finals += 1
                return location, text
            if status and status < 500:
                raise Abandon(f"{step}: HTTP {status}")
            if wait is None:
                raise Abandon(f"{step}: failed {len(self.retry_waits) + 1} times")
            time.sleep(wait)
        raise AssertionError("unreachable")

    def page_answers(self, questions: list[Question], marker: str) -> dict[str, list[str]]:
        """Plausible answers from a member of staff to the questions of one page."""
        pick = self.random.choices
        out: dict[str, list[str]] = {}
        for q in questions:
            values = [c.value for c in q.choices]
            if q.type == "agreement":
                out[q.key] = pick([v for v, _ in AGREEMENT], [w for _, w in AGREEMENT])
            elif q.type in ("segment", "single_choice"):
                out[q.key] = [self.random.choice(values)]
            elif q.type == "multiple_choice":
                out[q.key] = self.random.sample(values, self.random.randint(1, 3))
            elif q.type == "rating":
                out[q.key] = [str(min(10, max(0, round(self.random.gauss(6, 2.5)))))]
            elif q.type == "number":
                out[q.key] = [str(self.random.randint(0, 24))]
            elif q.type == "long_text":
                text = self.random.choice(COMMENTS.get(q.key, ["No comment."]))
                out[q.key] = [f"{text} [{marker}]" if q.key == "most_difference" else text]
            else:
                raise AssertionError(f"the benchmark cannot answer {q.type} questions yet")
        return out

    def answered(self, page_key: str, answers: dict[str, object], marker: str
                 ) -> tuple[list[Question], dict[str, list[str]]]:
        page = self.pages.get(page_key)
        if page is None:
            raise Abandon(f"unknown page {page_key}")
        questions = page.visible(answers)
        sent = self.page_answers(questions, marker)
        for key, values in sent.items():
            answers[key] = tuple(values) if len(values) > 1 else values[0]
        return questions, sent

    def submit(self, n: int) -> None:
        raise NotImplementedError


def form_body(fields: dict[str, str], answers: dict[str, list[str]]) -> str:
    pairs = list(fields.items()) + [(k, v) for k, values in answers.items() for v in values]
    return urlencode([*pairs, ("action", "continue")])


class ChorusRespondent(Respondent):
    """Answers the whole staff survey through Chorus's respondent pages."""

    def submit(self, n: int) -> None:
        key = self.survey.key
        _, landing = self.call("landing", "GET", f"/s/{key}")
        location, _ = self.call("start", "POST", f"/s/{key}/start",
                                urlencode({"csrf_token": _token(CSRF, landing)}), expect=302)
        marker = f"bench {self.run_id}-{self.number}-{n}"
        answers: dict[str, object] = {}
        submission = None
        while True:
            path = urlsplit(location or "").path
            page_key = path.rsplit("/", 1)[-1]
            if "/q/" not in path:
                raise Abandon(f"start or page: redirected to {path}")
            _, html = self.call("page", "GET", path)
            submission = _token(SUBMISSION, html)
            questions, sent = self.answered(page_key, answers, marker)
            missing = {q.key for q in questions} - set(FIELD_NAMES.findall(html))
            if missing:
                raise Abandon(f"page {page_key}: no fields for {sorted(missing)}")
            last = next_page(self.survey, page_key, answers) is None
            if last:
                self.outcome.sent[submission] = (marker, len(answers))
            body = form_body({"csrf_token": _token(CSRF, html), "submission": submission},
                             sent)
            location, _ = self.call("final" if last else "post", "POST", path, body,
                                    expect=302)
            if last:
                break
        thanks = urlsplit(location or "").path
        if not thanks.endswith("/thank-you"):
            raise Abandon(f"final page: redirected to {thanks}")
        self.outcome.acknowledged.append(submission)
        self.call("thanks", "GET", thanks)


class CeilingRespondent(Respondent):
    """The same requests, with the same form bodies, to the one-row-per-POST app."""

    def submit(self, n: int) -> None:
        _, page = self.call("landing", "GET", "/form")
        self.call("start", "POST", "/form", urlencode({"csrf_token": _token(CSRF, page)}),
                  expect=302)
        marker = f"bench {self.run_id}-{self.number}-{n}"
        answers: dict[str, object] = {}
        current = next_page(self.survey, None, answers)
        while current is not None:
            _, page = self.call("page", "GET", "/form")
            _, sent = self.answered(current.key, answers, marker)
            current = next_page(self.survey, current.key, answers)
            body = form_body({"csrf_token": _token(CSRF, page),
                              "submission": _token(SUBMISSION, page)}, sent)
            self.call("post" if current else "final", "POST", "/form", body, expect=302)
        self.outcome.acknowledged.append(marker)
        self.call("thanks", "GET", "/form")


def _token(pattern: re.Pattern[str], html: str) -> str:
    match = pattern.search(html)
    if not match:
        raise Abandon(f"no {_NAMES[pattern]} on the page")
    return match.group(1)


def drive(kind: type[Respondent], port: int, survey: Survey, clients: int, limits: Limits,
          run_id: str, seed: int, warmup: int, warmup_timeout: float, ramp: float = 5.0,
          on_window: Callable[[float], None] = lambda start: None) -> list[Outcome]:
    """Run ``clients`` respondents in threads until ``limits`` stop them.

    Respondents start one after another over ``ramp`` seconds. The measured
    window opens once they have sent ``warmup``
    submissions each on average (so that every worker has served every kind of
    page; the faster respondents are then ahead of the slower ones rather than
    all in step), or after ``warmup_timeout`` seconds.
    """
    respondents = [kind(i, port, survey, limits, run_id, seed) for i in range(clients)]
    threads = [threading.Thread(target=r.run, args=(i * ramp / clients,), daemon=True)
               for i, r in enumerate(respondents)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    while not limits.window_open.is_set() and any(t.is_alive() for t in threads):
        warm = sum(len(r.outcome.acknowledged) for r in respondents) >= warmup * clients
        if warm or time.perf_counter() - started >= warmup_timeout:
            on_window(limits.open_window())
        else:
            time.sleep(0.02)
    for t in threads:
        t.join()
    return [r.outcome for r in respondents]
