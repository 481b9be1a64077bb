"""Benchmark: how many disclosures the safeguarding screen catches, and how fast it runs.

Run with, for example::

    .venv/bin/python bench/safeguarding_screen.py
    .venv/bin/python bench/safeguarding_screen.py \
        --data tests/analysis/data/safeguarding_screen_holdout.csv
    .venv/bin/python bench/safeguarding_screen.py --phrases local.yaml   # a service's own file
    .venv/bin/python bench/safeguarding_screen.py --examples local.yaml  # its own examples
    .venv/bin/python bench/safeguarding_screen.py --no-meaning            # phrase lists alone
    .venv/bin/python bench/safeguarding_screen.py \
        --unlabelled ../shared/data/themes/nhs_fft_phase1_dev.csv          # queue load only

The screen is the phrase lists and the meaning layer (the sentence model), as the
app builds it; the example bank's vectors are kept in ``bench/out/`` between runs.
Recall is also printed for each layer alone. Latency is per answer, screened one
at a time with the model warm on one thread, as in a web worker (``--threads``).

The CSV has the columns ``text``, ``flag`` (1 = a possible disclosure that must
reach the safeguarding lead, 0 = an ordinary answer) and ``category`` (the
expected category key of a disclosure; several may be joined with ``;``).

Overall, recall is the share of disclosures flagged and precision the share of
flagged answers that are disclosures. Per category: *recall* is the share of
that category's disclosures flagged at all (what matters for the queue),
*named* the share where that category is among the reasons, *precision* the
share of answers given that category that are disclosures of any kind, and F1
combines *named* and precision. False negatives are printed in full so the
service can extend the phrase lists. ``--unlabelled`` screens any CSV with a
``text`` column (for example last year's answers) and prints how many would
have reached the queue, by category: the load on the safeguarding lead, not a
measure of accuracy. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.embeddings import use_threads  # noqa: E402
from analysis.safeguarding import Screener, Screening, build_screener  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "analysis" / "data" / "safeguarding_screen.csv"
VECTORS = ROOT / "bench" / "out" / "screen-vectors.npz"
TARGET_RECALL = 0.95
TARGET_PRECISION = 0.75
TARGET_P95_MS = 50


def read_labelled(path: Path) -> list[tuple[str, bool, tuple[str, ...]]]:
    """Rows of (text, is a disclosure, expected categories)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            categories = tuple(c.strip() for c in row["category"].split(";") if c.strip())
            rows.append((row["text"], row["flag"].strip() == "1", categories))
    return rows


def f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def ratio(part: int, whole: int) -> float:
    """``part / whole``, or 0 when ``whole`` is 0 (printed with its counts)."""
    return part / whole if whole else 0.0


def latencies(screener: Screener, texts: list[str]) -> list[float]:
    """Milliseconds to screen each answer once, one at a time (the model already warm)."""
    for text in texts[:20]:
        screener.screen(text)
    out = []
    for text in texts:
        started = time.perf_counter()
        screener.screen(text)
        out.append(1000 * (time.perf_counter() - started))
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mib() -> float:
    """This process's resident memory now, in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def print_categories(
    screener: Screener, rows: list[tuple[str, bool, tuple[str, ...]]], results: list[Screening]
) -> None:
    """The per-category table."""
    expected: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    named: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    given_right: dict[str, int] = defaultdict(int)
    for (_, is_disclosure, categories), result in zip(rows, results, strict=True):
        for category in categories:
            expected[category] += 1
            flagged[category] += result.flagged
            named[category] += category in result.categories
        for category in result.categories:
            given[category] += 1
            given_right[category] += is_disclosure
    print(f"\n{'category':<17}{'n':>4}{'recall':>9}{'named':>8}{'given':>7}{'precision':>11}"
          f"{'F1':>7}")
    for key in sorted(set(screener.categories) | set(expected)):
        recall = ratio(flagged[key], expected[key])
        named_rate = ratio(named[key], expected[key])
        precision = ratio(given_right[key], given[key])
        print(f"{key:<17}{expected[key]:>4}{recall:>9.3f}{named_rate:>8.3f}{given[key]:>7}"
              f"{precision:>11.3f}{f1(precision, named_rate):>7.3f}")


def print_queue_load(screener: Screener, path: Path) -> None:
    """How many answers of an unlabelled CSV (column ``text``) would be flagged, by category."""
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row.get("text")]
    results = screener.screen_many(texts)  # one batch: the model reads them together
    flagged = sum(r.flagged for r in results)
    by_category: dict[str, int] = defaultdict(int)
    for result in results:
        for category in result.categories:
            by_category[category] += 1
    print(f"\nunlabelled      {path.name}: {flagged}/{len(texts)} flagged "
          f"({1000 * ratio(flagged, len(texts)):.1f} per 1,000 answers)")
    for key, count in sorted(by_category.items(), key=lambda item: -item[1]):
        print(f"  {key:<17}{count:>6}")


def counts(rows, flagged: list[bool]) -> tuple[int, int, int, int]:
    """(true positives, false positives, false negatives, true negatives)."""
    tp = sum(f and d for (_, d, _), f in zip(rows, flagged, strict=True))
    fp = sum(f and not d for (_, d, _), f in zip(rows, flagged, strict=True))
    fn = sum(d and not f for (_, d, _), f in zip(rows, flagged, strict=True))
    return tp, fp, fn, len(rows) - tp - fp - fn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="CSV with text,flag,category")
    parser.add_argument("--phrases", type=Path, action="append", default=[],
                        help="an extra phrase file, read after the shipped ones (repeatable)")
    parser.add_argument("--examples", type=Path, action="append", default=[],
                        help="an extra example file for the meaning layer (repeatable)")
    parser.add_argument("--no-meaning", action="store_true",
                        help="the phrase lists alone, without the sentence model")
    parser.add_argument("--recall", type=float, default=0.9,
                        help="the meaning layer's operating point (default 0.9, as the app)")
    parser.add_argument("--threads", type=int, default=1,
                        help="PyTorch threads (default 1, as in each web worker)")
    parser.add_argument("--show-false-alarms", action="store_true",
                        help="also print every ordinary answer that was flagged")
    parser.add_argument("--unlabelled", type=Path, default=None,
                        help="also screen this CSV's text column and print the flag rate")
    args = parser.parse_args(argv)

    before = rss_mib()
    use_threads(args.threads)
    cold = not VECTORS.exists()
    started = time.perf_counter()
    screener = build_screener(args.phrases, args.examples, meaning=not args.no_meaning,
                              cache_path=VECTORS, recall=args.recall)
    build = time.perf_counter() - started
    built = rss_mib()
    rows = read_labelled(args.data)
    results = [screener.screen(text) for text, _, _ in rows]

    tp, fp, fn, tn = counts(rows, [r.flagged for r in results])
    recall, precision = ratio(tp, tp + fn), ratio(tp, tp + fp)
    try:
        shown = args.data.resolve().relative_to(ROOT)
    except ValueError:
        shown = args.data

    print(f"data            {shown} ({len(rows)} answers: {tp + fn} disclosures, "
          f"{fp + tn} ordinary)")
    print(f"screen          phrase files shipped{''.join(f' + {p}' for p in args.phrases)}; "
          + ("no meaning layer" if screener.meaning is None else
             f"meaning layer on {len(screener.meaning.example_texts_)} example disclosures "
             f"(recall {args.recall}, threshold {screener.meaning.threshold_:.3f})")
          + f"; {len(screener.categories)} categories")
    print(f"recall          {recall:.3f}  ({tp}/{tp + fn} disclosures flagged; "
          f"target >= {TARGET_RECALL})")
    print(f"precision       {precision:.3f}  ({tp}/{tp + fp} flagged answers are disclosures; "
          f"target >= {TARGET_PRECISION})")
    print(f"F1              {f1(precision, recall):.3f}")
    print(f"false alarms    {fp}/{fp + tn} ordinary answers flagged")
    if screener.meaning is not None:
        for layer in ("phrase", "meaning"):
            alone = [any(r.source == layer for r in result.reasons) for result in results]
            ltp, lfp, lfn, _ = counts(rows, alone)
            print(f"  by {layer + 's' if layer == 'phrase' else layer:<9} recall "
                  f"{ratio(ltp, ltp + lfn):.3f} ({ltp}/{ltp + lfn}), "
                  f"{lfp} false alarms")
    print_categories(screener, rows, results)

    print(f"\nfalse negatives {fn}")
    for (text, is_disclosure, categories), result in zip(rows, results, strict=True):
        if is_disclosure and not result.flagged:
            print(f"  [{';'.join(categories) or '?'}] {text}")
    if args.show_false_alarms:
        print(f"\nfalse alarms    {fp}")
        for (text, is_disclosure, _), result in zip(rows, results, strict=True):
            if result.flagged and not is_disclosure:
                reasons = "; ".join(f"{r.category} ({r.source}): {r.matched!r}"
                                    for r in result.reasons)
                print(f"  {text}  <- {reasons}")

    if args.unlabelled is not None:
        print_queue_load(screener, args.unlabelled)

    times = latencies(screener, [text for text, _, _ in rows])
    how = ("cold: the example bank embedded" if cold
           else f"the example bank's vectors read from {VECTORS.relative_to(ROOT)}")
    print(f"\nbuild           {build:.1f} s ({how})")
    print(f"latency         p50 {percentile(times, 0.5):.1f} ms, "
          f"p95 {percentile(times, 0.95):.1f} ms, p99 {percentile(times, 0.99):.1f} ms "
          f"per answer, {args.threads} thread(s), "
          f"model warm (target p95 < {TARGET_P95_MS} ms); "
          f"mean {sum(len(t) for t, _, _ in rows) / len(rows):.0f} characters")
    print(f"memory          {built:.0f} MiB resident after building "
          f"({built - before:+.0f} MiB for the screen and the model)")


if __name__ == "__main__":
    main()
