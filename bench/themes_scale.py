"""Benchmark: fit time and peak memory of ThemeClusterer as comments grow.

Run with, for example::

    .venv/bin/python bench/themes_scale.py --backend tfidf --sizes 1000,10000,100000
    .venv/bin/python bench/themes_scale.py --backend minilm --sizes 1000,10000

Each size runs in a fresh Python process so that its peak resident memory
(``ru_maxrss``) is its own; the figure includes the interpreter and libraries,
whose share is printed as "baseline". Then a re-run on the same comments with
10 % of them replaced by new ones, sharing the embedding cache, is timed.
Comments are synthetic (seeded): short sentences about 40 topics, with 5 %
non-answers. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OPENINGS = ["I think", "To be honest", "Sometimes", "Mostly", "The best thing is", "I wish",
            "My worry is", "It would help if", "I liked that", "Not happy that", ""]
SUBJECTS = ["the food", "my social worker", "the staff", "school", "my room", "contact with mum",
            "pocket money", "the house rules", "bedtime", "my foster carer", "the phone",
            "meetings", "my review", "the car journeys", "clubs", "homework", "the garden",
            "visits", "my key worker", "the internet", "holidays", "my bedroom", "the other kids",
            "dinner", "breakfast", "my PA", "college", "the doctor", "therapy", "my plan",
            "the TV", "bus passes", "my brother", "my sister", "the dog", "my friends",
            "the rules", "money", "my clothes", "the shower"]
PREDICATES = ["is really good", "is not good enough", "could be better", "never changes",
              "helps me a lot", "makes me feel safe", "is always late", "is too strict",
              "listens to me", "does not listen", "is fun", "is boring", "is too far away",
              "was cancelled again", "is kind", "is rubbish", "feels fair", "is not fair"]
NON_ANSWERS = ["n/a", "nothing", "no comment", "-", "Nothing to add", "none", "nope"]


def synthetic_comments(n: int, seed: int) -> list[str]:
    """``n`` reproducible comments about 40 topics, 5 % of them non-answers."""
    rng = random.Random(seed)
    comments = []
    for i in range(n):
        if rng.random() < 0.05:
            comments.append(rng.choice(NON_ANSWERS))
            continue
        parts = [rng.choice(OPENINGS), rng.choice(SUBJECTS), rng.choice(PREDICATES)]
        if rng.random() < 0.4:
            parts += ["and", rng.choice(SUBJECTS), rng.choice(PREDICATES)]
        comments.append(" ".join(p for p in parts if p) + rng.choice([".", "!", "", " (" +
                        str(i) + ")"]))
    return comments


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_one(backend: str, size: int, seed: int) -> dict:
    """Fit once cold, then re-fit with 10 % new comments; return figures."""
    from analysis.themes import InMemoryEmbeddingCache, ThemeClusterer

    baseline = _max_rss_mib()
    comments = synthetic_comments(size, seed)
    cache = InMemoryEmbeddingCache()
    started = time.perf_counter()
    model = ThemeClusterer(backend=backend, random_state=seed, cache=cache).fit(comments)
    cold = time.perf_counter() - started
    peak = _max_rss_mib()
    n_new = size // 10
    rerun_comments = comments[n_new:] + synthetic_comments(n_new, seed + 1000 + size)
    started = time.perf_counter()
    again = ThemeClusterer(backend=backend, random_state=seed, cache=cache).fit(rerun_comments)
    rerun = time.perf_counter() - started
    return {
        "backend": model.backend_, "size": size, "themes": model.n_themes_,
        "cold_s": cold, "embed_s": model.embedding_seconds_, "embedded": model.n_embedded_,
        "rerun_s": rerun, "rerun_embed_s": again.embedding_seconds_,
        "rerun_embedded": again.n_embedded_, "baseline_mib": baseline, "peak_mib": peak,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="tfidf", choices=["tfidf", "minilm"])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated numbers of comments")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.one:
        print(json.dumps(run_one(args.backend, sizes[0], args.seed)))
        return

    print(f"{'backend':8} {'comments':>9} {'themes':>6} {'cold s':>8} {'embed s':>8} "
          f"{'per 1k s':>8} {'rerun s':>8} {'re-emb':>7} {'peak MiB':>9} {'baseline':>9}")
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--one", "--backend", args.backend,
             "--sizes", str(size), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(f"{row['backend']:8} {row['size']:>9} {row['themes']:>6} {row['cold_s']:>8.1f} "
              f"{row['embed_s']:>8.1f} {1000 * row['cold_s'] / row['size']:>8.2f} "
              f"{row['rerun_s']:>8.1f} {row['rerun_embedded']:>7} {row['peak_mib']:>9.0f} "
              f"{row['baseline_mib']:>9.0f}", flush=True)
    print("targets: tfidf 100k under 60 s and 2 GiB; re-run with 10 % new comments under 5 s")


if __name__ == "__main__":
    main()
