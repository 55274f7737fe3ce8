"""The SPARQL endpoint's overhead over raw pyoxigraph for the named queries; updates its own section of
docs/benchmarks.md ("## SPARQL endpoint overhead") and leaves the others as they are.

    .venv/bin/python bench/bench_endpoint.py [--runs 9] [--store DIR]

Each named query gets its parameters' defaults, written into the text as a VALUES block at the start
of its WHERE group (the endpoint has no substitutions), and the very same text is timed two ways:
raw ``Store.query(...).serialize(JSON)`` in this process, and ``POST /sparql`` (Accept: SPARQL JSON)
to a real ``danvan serve`` on loopback — protocol parsing, text checks, the worker round trip, the
row-cap pass and HTTP. Medians of ``--runs`` runs after one warm-up, same machine, same store.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import median_ms, replace_section, served  # noqa: E402
from graph import named_queries  # noqa: E402
from graph.store import open_store  # noqa: E402

HEADING = "## SPARQL endpoint overhead"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(text: str, subs: dict) -> str:
    if not subs:
        return text
    names = " ".join(f"?{v.value}" for v in subs)
    values = " ".join(str(t) for t in subs.values())
    m = _WHERE.search(text) or re.search(r"\{", text)
    return f"{text[:m.end()]} VALUES ({names}) {{ ({values}) }} {text[m.end():]}"


def measure(store_dir: Path, runs: int) -> list[tuple[str, int, float, float, str]]:
    store = open_store(store_dir)
    rows = []
    with served(store_dir) as base:
        session = requests.Session()
        for name, q in sorted(named_queries.all_queries().items()):
            try:
                subs = named_queries.bind(q, {})
            except Exception as e:  # noqa: BLE001 - a required parameter without default
                rows.append((name, 0, float("nan"), float("nan"), f"skipped: {e}"))
                continue
            text = with_values(q.text, subs)

            def raw():
                return store.query(text).serialize(format=ox.QueryResultsFormat.JSON)

            def http():
                r = session.post(base + "/sparql", data=text.encode(), timeout=120, headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
                r.raise_for_status()
                return r.content

            body = raw()
            same = "same bytes" if http() == body else "DIFFERENT output"
            n = len(list(store.query(text)))
            rows.append((name, n, median_ms(raw, runs), median_ms(http, runs), same))
    return rows


def section(rows, runs: int) -> str:
    lines = [HEADING, "",
             f"Median of {runs} runs (after a warm-up) on {platform.machine()} with {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else ''}, "
             "the seed store. *raw* is `Store.query(text).serialize(JSON)` in-process; *endpoint* is "
             "`POST /sparql` over loopback to `danvan serve` (waitress, worker processes) for the same "
             "text. Produced by `bench/bench_endpoint.py`.", "",
             "| named query | rows | raw (ms) | endpoint (ms) | overhead (ms) | output |",
             "|---|---:|---:|---:|---:|---|"]
    overheads = []
    for name, n, raw, http, same in rows:
        if raw != raw:  # NaN: skipped
            lines.append(f"| {name} | – | – | – | – | {same} |")
            continue
        overheads.append(http - raw)
        lines.append(f"| {name} | {n} | {raw:.2f} | {http:.2f} | {http - raw:.2f} | {same} |")
    if overheads:
        lines += ["", f"Median overhead over the named queries: **{statistics.median(overheads):.2f} ms** "
                      f"(max {max(overheads):.2f} ms)."]
    return "\n".join(lines) + "\n"


def write(doc: Path, text: str) -> None:
    replace_section(doc, HEADING, text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--store", type=Path, help="a built store (default: build the seed data into a temp dir)")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store
        if store_dir is None:
            from graph.build import build

            store_dir = Path(tmp) / "store"
            build(store_dir)
        rows = measure(store_dir, args.runs)
    text = section(rows, args.runs)
    write(args.doc, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
