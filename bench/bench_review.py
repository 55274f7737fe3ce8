"""How long a reviewer waits: from "publish" on the review page to the public site showing the new
article's event, on the site `make run` serves (the packaged sources and the whole country's national
reference data), against a full rebuild of the same graph; writes its section of docs/benchmarks.md.

    .venv/bin/python bench/bench_review.py [--runs 3] [--national all]

The article is one of the team's held-out texts (tests/fixtures/ingest/heldout/), pasted as staff paste it:
the real extractor makes the candidate (timed too), every fact is accepted. A full build of the site without
the article is the baseline (one run: minutes with the whole country). Each run takes the article out again
(an incremental build), then publishes it through the review app (the route the page posts to), which
builds incrementally from the live build; a real `danvan serve` over the same store is asked for the
event's page until it shows the article's headline. Then one more publication with the process's caches
emptied (the national data generated, the shapes compiled: a review surface's first publication).
Every figure is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import DOC, median_ms, replace_section, served  # noqa: E402

from graph.build import build  # noqa: E402
from graph.load import folder_sources  # noqa: E402
from graph.resources import source_files  # noqa: E402
from webapp.review import create_review_app  # noqa: E402
from webapp.review.extract import extract  # noqa: E402
from webapp.review.folder import ReviewFolder  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HEADING = "## Publishing a review (`danvan review`)"
ARTICLE = REPO / "tests" / "fixtures" / "ingest" / "heldout" / "h2-thai-binh-truc-tuyen.txt"
META = {"url": "https://bao-thu-nghiem.example/thai-binh", "publisher": "Báo Thử Nghiệm", "date": "2026-04-18",
        "headline": "Thái Bình quán triệt Chỉ thị 08-CT/TU"}
ID = "https://w3id.org/danvan/id/"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--national", default="all", help="DANVAN_NATIONAL for the builds (default all, as make run)")
    args = ap.parse_args()
    os.environ["DANVAN_NATIONAL"] = args.national
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = tmp / "sources"
        sources.mkdir()
        for f in source_files():
            (sources / f.name).write_bytes(f.read_bytes())
        store = tmp / "store"

        def full_build():
            build(store, sources=folder_sources(sources), incremental=False)

        start = time.perf_counter()
        full_build()
        full = time.perf_counter() - start
        folder = ReviewFolder(tmp / "folder")
        folder.ensure()
        text = ARTICLE.read_text(encoding="utf-8")
        pasted = []
        paste_ms = median_ms(lambda: pasted.append(
            folder.add(text, lambda article, number: extract(article, sources, number, **META), sources)), args.runs)
        item = pasted[-1]
        c = item.candidate()
        event = next(f.triple.subject.value for f in c.facts
                     if f.triple.predicate.value.endswith("#disseminates"))
        written = sources / f"{item.slug}.ttl"

        token = "bench-token-bench-token"
        app = create_review_app({"DANVAN_REVIEW_TOKEN": token, "DANVAN_REVIEW_DIR": str(tmp / "folder"),
                                 "DANVAN_SOURCES": str(sources), "DANVAN_STORE": str(store)})
        client = app.test_client()
        origin = {"Origin": "http://localhost"}
        login = client.get("/review/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        client.post("/review/login", data={"csrf_token": csrf, "name": "bench", "token": token}, headers=origin)
        page = f"/review/items/{item.slug}"

        def csrf_of(path: str) -> str:
            return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

        assert client.post(f"{page}/accept-undecided", data={"csrf_token": csrf_of(page)},
                           headers=origin).status_code == 303
        review_ms = median_ms(lambda: client.get(page), args.runs * 4)

        times: dict[str, list[float]] = {"unpublish": [], "publish": [], "visible": []}
        stages: list[dict] = []
        with served(store, tmp / "serve.log") as base:
            url = base + "/id/" + event[len(ID):]
            for _ in range(args.runs):
                # the site without the article again (an incremental build too: the full one is timed once)
                written.unlink(missing_ok=True)
                start = time.perf_counter()
                build(store, sources=folder_sources(sources))
                times["unpublish"].append(time.perf_counter() - start)
                assert fetch(url)[0] == 404  # the site has not got the article
                csrf = csrf_of(page)
                start = time.perf_counter()
                r = client.post(f"{page}/publish", data={"csrf_token": csrf}, headers=origin)
                published = time.perf_counter()
                assert r.status_code == 303 and "Đã ghi" in client.get(page).get_data(as_text=True)
                while True:  # the public server sees the new build on its next request
                    status, body = fetch(url)
                    if status == 200 and META["headline"] in body:
                        break
                    assert time.perf_counter() - published < 60, status
                times["publish"].append(published - start)
                times["visible"].append(time.perf_counter() - start)
                info = json.loads((store.resolve() / "build.json").read_text(encoding="utf-8"))
                assert info["incremental"], "the publication fell back to a full build"
                stages.append(info["timings"])
                triples = info["triples"]
            # a fresh process's first publication: nothing generated, compiled or parsed yet
            written.unlink(missing_ok=True)
            build(store, sources=folder_sources(sources))
            from graph.national.source import _turtle
            from graph.shacl_compile import algebra_of
            from graph.validate import _COMPILED

            _turtle.cache_clear(), algebra_of.cache_clear(), _COMPILED.clear()
            start = time.perf_counter()
            assert client.post(f"{page}/publish", data={"csrf_token": csrf_of(page)}, headers=origin).status_code == 303
            first = time.perf_counter() - start
        sources_count = len(list(sources.glob("*.ttl")))

    unpublish, publish, visible = (statistics.median(times[k]) for k in ("unpublish", "publish", "visible"))
    stage = {k: statistics.median(s.get(k, 0.0) for s in stages) for k in stages[-1]}
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    spread = {k: f"{min(v):.1f}–{max(v):.1f} s" for k, v in times.items()}
    text = f"""{HEADING}

`bench/bench_review.py --national {args.national}`, {when}, {platform.machine()} with {os.cpu_count()} cores (load
average {load:.1f} at the end: other jobs shared the machine), Python {platform.python_version()}; median of
{args.runs} runs (the full build: one run). The site `make run` serves: the packaged sources and the national reference data
(`DANVAN_NATIONAL={args.national}`), {triples:,} triples in the default graph after publication, plus one reviewed
article ({sources_count} files): `{ARTICLE.name}` pasted, its candidate made by the real extractor ({len(c.facts)}
facts), all accepted. Each run takes the article out again, then publishes it through the review app's
publish route, as the page's button does, in the same process (`danvan review` builds in its own); a real `danvan serve` over the store is asked for the event's page until it cites the
article.

| step | time (min–max) | against the full rebuild |
|---|---|---|
| full build of the site without the article (`build(..., incremental=False)`, one run), the baseline | {full:.1f} s | 1.00 |
| paste: keep the article, extract and link its candidate (`graph.ingest`) | {paste_ms:.0f} ms | {paste_ms / 1000 / full:.4f} × |
| the review page of the candidate (names, conflicts, highlights) | {review_ms:.1f} ms | {review_ms / 1000 / full:.4f} × |
| take the article out again (an incremental build), between runs | {unpublish:.1f} s ({spread["unpublish"]}) | {unpublish / full:.3f} × |
| publish: write the reviewed source, incremental build, swap in | {publish:.1f} s ({spread["publish"]}) | {publish / full:.3f} × |
| **accept → the public site shows the event**, citing the article | **{visible:.1f} s** ({spread["visible"]}) | {visible / full:.3f} × |
| publish, the first in a fresh process (national data generated, shapes compiled), one run | {first:.1f} s | {first / full:.3f} × |

The publication's build stages (median, s): {", ".join(f"{k} {v:.2f}" for k, v in stage.items())}.
Before incremental builds (and before the review's build read the national data: it used to drop it),
publishing was a full build of the same size, the baseline row.
"""
    replace_section(DOC, HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
