"""Weight and render time of every respondent page.

Prints, for each page a respondent can meet, the bytes a browser downloads
(HTML plus the stylesheet and scripts it links, uncompressed) and the median
server time to render it. The target is every page under 60 KB.

    python bench/respondent_pages.py [--repeat 20]

It builds a throwaway SQLite database with the survey library and an open
wave for every survey; nothing else is needed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedback import create_app, database  # noqa: E402
from feedback.extensions import db  # noqa: E402
from feedback.services.clock import today  # noqa: E402
from feedback.services.library import load_library  # noqa: E402
from feedback.services.waves import create_wave  # noqa: E402
from tests.feedback.respondent import csrf_token, first_answers  # noqa: E402

LIMIT = 60 * 1024


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def page_weight(client, url: str, cache: dict[str, int]) -> int:
    html = client.get(url).data
    total = len(html)
    for asset in assets_of(html.decode()):
        if asset not in cache:
            cache[asset] = len(client.get(asset).data)
        total += cache[asset]
    return total


def median_ms(client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def survey_pages(client, key: str) -> list[str]:
    """Walk a survey answering the first option everywhere; returns its page URLs."""
    landing = client.get(f"/s/{key}")
    url = client.post(f"/s/{key}/start", data={"csrf_token": csrf_token(landing.text)}
                      ).headers["Location"]
    urls = [f"/s/{key}"]
    while "thank-you" not in url:
        urls.append(url)
        page = client.get(url)
        url = client.post(url, data={**first_answers(page.text), "action": "continue"}
                          ).headers["Location"]
    return [*urls, url]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="renders per page (median)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chorus-bench-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False},
                     instance_path=folder)
    with app.app_context():
        database.upgrade()
        keys = [v.survey.key for v, _ in load_library()]
        for key in keys:
            create_wave(key, f"{key}-bench", "Bench", today() - dt.timedelta(days=1),
                        today() + dt.timedelta(days=9))
        db.session.commit()

    client = app.test_client()
    pages = ["/", "/help", "/you-said-we-did/young_people"]
    for key in keys:
        pages.extend(survey_pages(client, key))
    walker = app.test_client()  # a session with a draft for each survey, to render pages
    for key in keys:
        landing = walker.get(f"/s/{key}")
        walker.post(f"/s/{key}/start", data={"csrf_token": csrf_token(landing.text)})

    cache: dict[str, int] = {}
    rows = []
    for url in dict.fromkeys(pages):
        rows.append((url, page_weight(walker, url, cache), median_ms(walker, url, args.repeat)))
    width = max(len(u) for u, _, _ in rows)
    print(f"{'page':<{width}}  {'bytes':>7}  {'median ms':>9}")
    for url, size, ms in rows:
        print(f"{url:<{width}}  {size:>7,}  {ms:>9.1f}")
    largest = max(rows, key=lambda r: r[1])
    print()
    print(f"pages: {len(rows)}; assets: " +
          ", ".join(f"{a} {n:,} B" for a, n in sorted(cache.items())))
    print(f"largest page: {largest[0]} at {largest[1]:,} bytes "
          f"({'under' if largest[1] < LIMIT else 'OVER'} the 60 KB target)")
    print(f"median render time over all pages: "
          f"{statistics.median(ms for _, _, ms in rows):.1f} ms; slowest: "
          f"{max(ms for _, _, ms in rows):.1f} ms")


if __name__ == "__main__":
    main()
