"""The page lookups through graph/stores.py: the embedded store bare (``ox.Store``) and wrapped
(``EmbeddedStore``) — the wrapper must cost nothing — and the same lookups on Oxigraph server and
Virtuoso over the SPARQL Protocol (loopback), same data: the seed build, loaded by graph/remote_load.py.

    .venv/bin/python bench/bench_stores.py [--runs 7] [--write]

``--write`` replaces the "## Store interface" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from bench.benchkit import replace_section, DOC  # noqa: E402
from graph import store as builds  # noqa: E402
from graph.build import build  # noqa: E402
from graph.remote_load import publish  # noqa: E402
from graph.stores import EmbeddedStore, Endpoint, RemoteStore  # noqa: E402
from tests.engines import OxigraphServer, Virtuoso  # noqa: E402

DV = "https://w3id.org/danvan/ontology#"


def lookups(store, entities: list[ox.NamedNode]) -> None:
    """What an entity page asks of the store: its statements both ways, and its title by a bound query."""
    title = ox.NamedNode(DV + "title")
    for e in entities:
        list(store.quads_for_pattern(e, None, None, None))
        list(store.quads_for_pattern(None, None, e, None))
        list(store.query(f"SELECT ?s ?t WHERE {{ ?s <{title.value}> ?t }}", substitutions={ox.Variable("s"): e}))


def timed(fn, runs: int) -> float:
    fn()  # warm: caches, the first connection
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / "store"
        build(link)
        live, db, info = builds.open_live(link)
        entities = sorted({q.subject for q in db.quads_for_pattern(None, ox.NamedNode(DV + "title"), None, None)},
                          key=str)[:20]
        # bare and wrapped alternate run by run, so drift on a shared machine falls on both alike
        wrapped = EmbeddedStore(db, info)
        # (and which goes first alternates too)
        bare, wrap = [], []
        for i in range(args.runs * 3):
            order = ((db, bare), (wrapped, wrap)) if i % 2 else ((wrapped, wrap), (db, bare))
            for store, times in order:
                start = time.perf_counter()
                lookups(store, entities)
                times.append(time.perf_counter() - start)
        rows = {"embedded, bare ox.Store": statistics.median(bare),
                "embedded, EmbeddedStore": statistics.median(wrap)}
        with OxigraphServer.running(Path(tmp) / "ox") as o, Virtuoso.running(Path(tmp) / "v", memory_mb=256) as v:
            publish(live, Endpoint(o.query_url, o.store_url))
            publish(live, Endpoint(v.auth_url, v.store_url, user="dba", password="dba"))
            for name, url in (("Oxigraph server (HTTP)", o.query_url), ("Virtuoso (HTTP)", v.query_url)):
                remote = RemoteStore(Endpoint(url))
                rows[name] = timed(lambda: lookups(remote, entities), args.runs)
    base = rows["embedded, bare ox.Store"]
    lines = ["## Store interface", "",
             f"`bench/bench_stores.py`: the lookups of {len(entities)} entity pages (statements as subject and "
             "as object, the title by a bound SELECT) on the seed build; median of "
             f"{args.runs} runs ({args.runs * 3} for the two embedded rows, alternating), one run of the script; {platform.machine()}, {platform.python_version()}, "
             "loopback HTTP for the engines.", "",
             "| store | time for all lookups | per page | vs bare embedded |", "|---|---|---|---|"]
    for name, t in rows.items():
        lines.append(f"| {name} | {t * 1000:.2f} ms | {t * 1000 / len(entities):.3f} ms | {t / base:.2f}× |")
    lines += ["", "The wrapper costs nothing measurable (its lookups are pyoxigraph's own methods). Over HTTP every "
              "lookup is a request (Virtuoso also compiles each query with the build's dataset, one "
              "`named-graph-uri` per source): pages meant for an engine should ask for many entities in one "
              "query (`VALUES`) rather than one lookup per entity."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        replace_section(DOC, "## Store interface", text)


if __name__ == "__main__":
    main()
