"""Benchmark: how much of the personal detail in free text redaction finds, and how fast.

Run with, for example::

    .venv/bin/python bench/redaction.py
    .venv/bin/python bench/redaction.py --data tests/analysis/data/redaction.csv --set heldout2

The CSV (format in its header comment) marks every personal detail inline as
``[[kind:detail]]``. Prints, per kind: recall, the share of expected spans
wholly inside redacted spans (of any kind: a phone number redacted as a
postcode is still hidden), with the share redacted as the right kind;
precision, the share of redacted spans that overlap an expected span; then
the false positives on the rows with no personal details, every miss and
every false positive with its text, and throughput in texts per second.
Asserts nothing; the target is recall >= 0.95 for phone numbers, emails and
postcodes.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.redaction import PLACEHOLDERS, RedactionSpan, redact, redact_spans  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "analysis" / "data" / "redaction.csv"
TARGETS = {"phone": 0.95, "email": 0.95, "postcode": 0.95}
_MARK = re.compile(r"\[\[(\w+):(.*?)\]\]")


@dataclass(frozen=True)
class Example:
    """One row of the test set: the plain text and the spans a person marked in it."""

    category: str
    set: str
    text: str
    expected: tuple[RedactionSpan, ...]


def parse_marked(marked: str) -> tuple[str, tuple[RedactionSpan, ...]]:
    """Strip ``[[kind:detail]]`` markers; return the text and the marked spans in it."""
    parts: list[str] = []
    spans: list[RedactionSpan] = []
    done = length = 0
    for m in _MARK.finditer(marked):
        before = marked[done : m.start()]
        parts.append(before)
        length += len(before)
        spans.append(RedactionSpan(m.group(1), length, length + len(m.group(2))))
        parts.append(m.group(2))
        length += len(m.group(2))
        done = m.end()
    parts.append(marked[done:])
    return "".join(parts), tuple(spans)


def read_examples(path: Path) -> list[Example]:
    """The rows of a redaction test set, comment lines skipped."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    examples = []
    for row in csv.DictReader(lines):
        text, spans = parse_marked(row["text"])
        examples.append(Example(row["category"], row["set"], text, spans))
    return examples


def covered(span: RedactionSpan, found: list[RedactionSpan]) -> RedactionSpan | None:
    """The found span that wholly contains ``span``, if any."""
    return next((f for f in found if f.start <= span.start and span.end <= f.end), None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="annotated CSV")
    parser.add_argument("--set", default="all",
                        help="score only the rows of one set: dev, heldout1 or heldout2")
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on throughput")
    args = parser.parse_args(argv)

    examples = [e for e in read_examples(args.data) if args.set in ("all", e.set)]
    expected, hit, right_kind = Counter(), Counter(), Counter()
    predicted, useful = Counter(), Counter()
    misses, false_positives = [], []
    none_rows = none_flagged = 0
    for example in examples:
        found = redact_spans(example.text)
        for span in example.expected:
            expected[span.kind] += 1
            cover = covered(span, found)
            if cover is None:
                misses.append((span, example.text))
            else:
                hit[span.kind] += 1
                right_kind[span.kind] += cover.kind == span.kind
        for span in found:
            predicted[span.kind] += 1
            if any(span.start < e.end and e.start < span.end for e in example.expected):
                useful[span.kind] += 1
            else:
                false_positives.append((span, example.text))
        if example.category == "none":
            none_rows += 1
            none_flagged += bool(found)

    print(f"data          {args.data} ({len(examples)} rows, set {args.set})")
    print(f"{'kind':<10}{'expected':>9}{'recall':>8}{'right kind':>11}"
          f"{'redacted':>10}{'precision':>10}   target")
    for kind in PLACEHOLDERS:
        if not expected[kind] and not predicted[kind]:
            continue
        recall = hit[kind] / expected[kind] if expected[kind] else float("nan")
        kind_share = right_kind[kind] / hit[kind] if hit[kind] else float("nan")
        precision = useful[kind] / predicted[kind] if predicted[kind] else float("nan")
        target = f"recall >= {TARGETS[kind]}" if kind in TARGETS else ""
        print(f"{kind:<10}{expected[kind]:>9}{recall:>8.3f}{kind_share:>11.3f}"
              f"{predicted[kind]:>10}{precision:>10.3f}   {target}")
    total = sum(expected.values())
    print(f"{'all':<10}{total:>9}{sum(hit.values()) / max(total, 1):>8.3f}{'':>11}"
          f"{sum(predicted.values()):>10}"
          f"{sum(useful.values()) / max(sum(predicted.values()), 1):>10.3f}")
    print(f"no-PII rows   {none_rows}, of which {none_flagged} had something redacted "
          f"({len(false_positives)} false-positive spans in all rows)")
    for span, text in misses:
        print(f"  missed {span.kind:<8} {text[span.start:span.end]!r:<32} in {text!r}")
    for span, text in false_positives:
        print(f"  false  {span.kind:<8} {text[span.start:span.end]!r:<32} in {text!r}")

    texts = [e.text for e in examples]
    rounds, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < args.seconds:
        for text in texts:
            redact(text)
        rounds += 1
    mean_chars = sum(map(len, texts)) / max(len(texts), 1)
    print(f"throughput    {rounds * len(texts) / elapsed:,.0f} texts/s "
          f"(redact(), one process, texts of {mean_chars:.0f} characters on average)")
    long_text = " ".join(texts)
    started = time.perf_counter()
    redact(long_text)
    print(f"one long text {len(long_text):,} characters in "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
