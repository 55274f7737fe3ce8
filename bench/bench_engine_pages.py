"""Entity, hub, search and browse pages on an external engine at thousands of source graphs: how the
store reads ``GRAPH`` patterns, before (every graph of the build named in each request) and after (the build's
dataset written into the query, graph/stores.py ``scope_to_build``), against the embedded store, one run.

    .venv/bin/python bench/bench_engine_pages.py --store S --manifest DIR/manifest.json [--runs 5] [--write]

``S`` is a built store over ``bench/synthetic.py``'s DIR (``manifest.json`` names the sample entities and
hubs). Both engines are started on loopback by ``tests/engines.py`` and loaded by ``graph.remote_load.publish``;
each page is fetched through the Flask test client (``DANVAN_ENDPOINT`` for an engine), the median of
``--runs`` after one warm-up (one run when a page took over 20 s). *Before* is :class:`Listed`: the same
store, every query with ``GRAPH`` sent as user SPARQL is (``listed=True``). ``--write`` replaces the section
"## Pages on an engine, by source graphs" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchkit import DOC, replace_section  # noqa: E402
from graph import store as builds  # noqa: E402
from graph import terms as ox  # noqa: E402
from graph.remote_load import publish  # noqa: E402
from graph.stores import Endpoint, RemoteStore  # noqa: E402
from tests.engines import OxigraphServer, Virtuoso  # noqa: E402

HEADING = "## Pages on an engine, by source graphs"


class Listed(RemoteStore):
    """The remote store as it was: every query with a ``GRAPH`` pattern, and every lookup in the named
    graphs, sent with ``named-graph-uri`` = each of the build's graphs."""

    def query(self, text, **kwargs):
        kwargs["listed"] = True
        return super().query(text, **kwargs)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None):
        if isinstance(graph_name, ox.DefaultGraph) or any(isinstance(t, ox.BlankNode) for t in (subject, object)):
            return super().quads_for_pattern(subject, predicate, object, graph_name)
        s, p, o = (t if t is not None else ox.Variable(v) for t, v in ((subject, "s"), (predicate, "p"), (object, "o")))
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {graph_name or '?g'} {{ {s} {p} {o} }} }}")
        out = [ox.Quad(subject or r["s"], predicate or r["p"], object if object is not None else r["o"],
                       graph_name or r["g"]) for r in rows]
        if graph_name is None:
            out += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in dict.fromkeys(q.triple for q in out)]
        return out


def pages(manifest: dict) -> list[tuple[str, str]]:
    s, h = manifest["samples"], manifest["hubs"]
    path = lambda iri: "/id/" + iri.split("/id/", 1)[1]  # noqa: E731 - the site serves the entity IRIs' paths
    return [(path(s["person"]), "entity: a person"), (path(s["document"]), "entity: a document"),
            (path(s["event"]), "entity: an event"), (path(s["source"]), "entity: a source"),
            (path(h["organization"]), "hub: the organization with most facts"),
            (path(h["place"]), "hub: the place with most events"),
            ("/search?q=" + quote(s["rare_name"]), "search: a rare name"),
            ("/browse/person", "browse: people")]


def median_ms(fn, runs: int) -> float:
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(1 if first > 20 else runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Requests:
    """How many queries a page sends the engine, and how many of them name every graph of the build."""

    def __init__(self):
        self.sent = self.listing = 0
        self.post = RemoteStore._post_query

    def __enter__(self):
        counter = self

        def counted(store, text, deadline_s, accept=None, default_graph=None, named_graphs=None, dataset=True,
                    graph_patterns=True):
            counter.sent += 1
            listing = dataset and default_graph is None and named_graphs is None and graph_patterns
            counter.listing += listing
            kwargs = {"accept": accept} if accept else {}
            return counter.post(store, text, deadline_s, default_graph=default_graph, named_graphs=named_graphs,
                                dataset=dataset, graph_patterns=graph_patterns, **kwargs)

        RemoteStore._post_query = counted
        return self

    def __exit__(self, *_):
        RemoteStore._post_query = self.post


def measure(config: dict, paths: list[tuple[str, str]], runs: int) -> dict[str, tuple[float | str, int, int]]:
    """path → (median ms or the page's error, queries sent to the engine, of which naming every graph) for
    one fetch (re-reads of the build's identity, every 2 s, count among the queries)."""
    from webapp import create_app

    client = create_app({"DANVAN_QUERY_TIMEOUT": 600, **config}).test_client()
    out = {}
    for path, _label in paths:
        def get(path=path):
            r = client.get(path, headers={"Accept": "text/html", "Accept-Language": "vi"})
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}")
        with Requests() as sent:
            try:
                get()
            except RuntimeError as e:  # a page that fails is a result too
                out[path] = (str(e), sent.sent, sent.listing)
                print(json.dumps({path: out[path]}), flush=True)
                continue
        out[path] = (median_ms(get, runs), sent.sent, sent.listing)
        print(json.dumps({path: out[path]}), flush=True)
    return out


@contextmanager
def virtuoso(folder: Path):
    """Virtuoso as tests/engines.py starts it, with room for the switch's MOVE of a large union graph in one
    transaction (its default after-image limit, 50 MB, aborts it: "SR325 … log after image size")."""
    engine = Virtuoso(folder, memory_mb=1024, timeout=600)
    ini = engine.folder / "virtuoso.ini"
    ini.write_text(ini.read_text(encoding="utf-8").replace(
        "[Parameters]\n", "[Parameters]\nTransactionAfterImageLimit = 1500000000\n"), encoding="utf-8")
    try:
        engine.start()
        yield engine
    finally:
        engine.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--engines", default="Oxigraph server,Virtuoso", help="which engines, comma-separated")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    import webapp

    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    paths = pages(manifest)
    live = builds.live_build_dir(args.store)
    info = json.loads((live / "build.json").read_text(encoding="utf-8"))
    load_before = os.getloadavg()[0]
    results = {"embedded": measure({"DANVAN_STORE": str(args.store)}, paths, args.runs)}
    engines = {"Oxigraph server": (lambda tmp: OxigraphServer.running(Path(tmp) / "ox", timeout=600),
                                   lambda e: Endpoint(e.query_url, e.store_url)),
               "Virtuoso": (lambda tmp: virtuoso(Path(tmp) / "v"),
                            lambda e: Endpoint(e.auth_url, e.store_url, user="dba", password="dba"))}
    graphs = None
    for name, (running, loader) in engines.items():
        if name not in args.engines.split(","):
            continue
        with tempfile.TemporaryDirectory() as tmp, running(tmp) as engine:
            publish(live, loader(engine))
            graphs = len(RemoteStore(Endpoint(engine.query_url)).named_graphs())
            config = {"DANVAN_STORE": str(args.store), "DANVAN_ENDPOINT": engine.query_url}
            try:
                webapp.RemoteStore = Listed
                results[f"{name}, before"] = measure(config, paths, args.runs)
            finally:
                webapp.RemoteStore = RemoteStore
            results[f"{name}, after"] = measure(config, paths, args.runs)
    load_after = os.getloadavg()[0]
    columns = list(results)

    def cell(ms: float | str, sent: int, listing: int) -> str:
        took = ms if isinstance(ms, str) else f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"
        return f"{took} ({listing}/{sent})" if sent else took

    lines = [HEADING, "",
             f"`bench/bench_engine_pages.py --runs {args.runs}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
             f"build {info.get('build_id')} ({info.get('triples'):,} triples in the default graph, {graphs:,} named "
             f"graphs; {manifest.get('generated_triples', 0):,} synthetic triples in {manifest.get('files', 0):,} "
             f"source files, `bench/synthetic.py`), {platform.machine()}, {os.cpu_count()} cores shared with other "
             f"work (load average {load_before:.1f} before, {load_after:.1f} after), Python "
             f"{platform.python_version()}. Each page through the Flask test client, median of the runs after a "
             "warm-up. *Before*: each query with `GRAPH` and each lookup in the named graphs sent with "
             "`named-graph-uri` = every graph of the build; *after*: sent with no dataset, the build's written into "
             "the query (`scope_to_build`) or kept by the store (`quads_for_pattern`), graph/stores.py. In brackets: "
             "the queries naming every graph / the queries one fetch of the page sends the engine. Virtuoso *before* "
             "is measured with `_allow_headers` (it echoes a response header per graph named; without it, Python's "
             "HTTP client refused the answers and these pages failed with HTTP 500).", "",
             "| page | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for path, label in paths:
        lines.append(f"| {label} (`{path}`) | " + " | ".join(cell(*results[c][path]) for c in columns) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        replace_section(DOC, HEADING, text)


if __name__ == "__main__":
    main()
