"""How long a reviewer waits: publishing a reviewed article (write its source, rebuild the graph) against
a plain rebuild of the same sources, and the review page of a candidate; writes its section of
docs/benchmarks.md.

    .venv/bin/python bench/bench_review.py [--runs 5]

The article is one of the team's held-out texts (tests/fixtures/ingest/heldout/), pasted as staff paste it:
the real extractor makes the candidate (timed too), every fact is accepted.
Every figure is the median of ``--runs`` runs after a warm-up, measured in the same run as its baseline.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import DOC, median_ms, replace_section  # noqa: E402

from graph.build import build  # noqa: E402
from graph.resources import source_files  # noqa: E402
from webapp.review import candidate as cand  # noqa: E402
from webapp.review import create_review_app, publish  # noqa: E402
from webapp.review.extract import extract  # noqa: E402
from webapp.review.folder import ReviewFolder  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HEADING = "## Publishing a review (`danvan review`)"
ARTICLE = REPO / "tests" / "fixtures" / "ingest" / "heldout" / "h2-thai-binh-truc-tuyen.txt"
META = {"url": "https://bao-thu-nghiem.example/thai-binh", "publisher": "Báo Thử Nghiệm", "date": "2026-04-18",
        "headline": "Thái Bình quán triệt Chỉ thị 08-CT/TU"}


def interleaved_ms(a, b, runs: int) -> tuple[float, float]:
    """Medians in milliseconds of ``a`` and ``b`` called in turn ``runs`` times each, after a warm-up."""
    a(), b()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = tmp / "sources"
        sources.mkdir()
        for f in source_files():
            (sources / f.name).write_bytes(f.read_bytes())
        store = tmp / "store"
        build(store, sources=sorted(sources.glob("*.ttl")))
        folder = ReviewFolder(tmp / "folder")
        folder.ensure()
        text = ARTICLE.read_text(encoding="utf-8")
        pasted = []
        paste_ms = median_ms(lambda: pasted.append(
            folder.add(text, lambda article, number: extract(article, sources, number, **META), sources)), args.runs)
        slug = pasted[-1].slug
        c = pasted[-1].candidate()
        d = cand.Decisions({f.key: "accepted" for f in c.facts})

        def publish_once():
            outcome = publish.publish(c, d, "bench", sources, store, "vi")
            assert outcome.ok, outcome.report

        # the baseline builds the same files, the reviewed article's among them; the two alternate, so a
        # change in the machine's load falls on both
        def rebuild_once():
            build(store, sources=sorted(sources.glob("*.ttl")))

        published, rebuild = interleaved_ms(publish_once, rebuild_once, args.runs)

        token = "bench-token-bench-token"
        app = create_review_app({"DANVAN_REVIEW_TOKEN": token, "DANVAN_REVIEW_DIR": str(tmp / "folder"),
                                 "DANVAN_SOURCES": str(sources), "DANVAN_STORE": str(store)})
        client = app.test_client()
        origin = {"Origin": "http://localhost"}
        login = client.get("/review/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        client.post("/review/login", data={"csrf_token": csrf, "name": "bench", "token": token}, headers=origin)

        def page():
            r = client.get(f"/review/items/{slug}")
            assert r.status_code == 200

        page_ms = median_ms(page, args.runs * 4)
        sources_count = len(list(sources.glob("*.ttl")))

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    text = f"""{HEADING}

`bench/bench_review.py`, {when}, {platform.machine()} with {os.cpu_count()} cores (load average {load:.1f}: other jobs
shared the machine), Python {platform.python_version()};
median of {args.runs} runs after a warm-up ({args.runs * 4} for the page). The packaged sources plus one reviewed
article ({sources_count} files): `{ARTICLE.name}` pasted, its candidate made by the real extractor
({len(c.facts)} facts), all accepted.

| step | time | against |
|---|---|---|
| rebuild of the same sources (`graph.build.build`), the baseline | {rebuild:.0f} ms | 1.00 |
| paste: keep the article, extract and link its candidate (`graph.ingest`) | {paste_ms:.0f} ms | {paste_ms / rebuild:.3f} × the rebuild |
| publish: write the reviewed source, rebuild, swap in | {published:.0f} ms | {published / rebuild:.2f} × the rebuild |
| the review page of the candidate (names, conflicts, highlights) | {page_ms:.1f} ms | {page_ms / rebuild:.3f} × the rebuild |

Accept → rebuilt site is the publish row: a full build, because incremental builds are not in main yet;
they would make it proportional to the article, not the graph.
"""
    replace_section(DOC, HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
