"""Every named query and the page lookups on the three stores the app can read — embedded, Oxigraph server,
Virtuoso — same build, one run, through the store interface (graph/stores.py), as the app and the CLI ask.

    .venv/bin/python bench/bench_engines.py --store S --manifest DIR/manifest.json [--runs 3] [--write]

``S`` is a built store (e.g. ``danvan build --store S --sources DIR`` over ``bench/synthetic.py``'s DIR, whose
``manifest.json`` names the sample entities that parameters and lookups use). Both engines are started on
loopback by ``tests/engines.py`` and loaded by ``graph.remote_load.publish`` (what ``danvan build --endpoint``
runs). Each query: the median of ``--runs`` runs after one warm-up, rows read to the end; a remote query has
a 120 s deadline. ``--write`` appends (or replaces) the section "## Three engines" in docs/benchmarks.md.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchkit import DOC, replace_section  # noqa: E402
from graph import named_queries  # noqa: E402
from graph import store as builds  # noqa: E402
from graph import terms as ox  # noqa: E402
from graph.remote_load import publish  # noqa: E402
from graph.stores import EmbeddedStore, Endpoint, RemoteStore  # noqa: E402
from tests.engines import OxigraphServer, Virtuoso  # noqa: E402

TITLE = ox.NamedNode("https://w3id.org/danvan/ontology#title")


def params(manifest: dict) -> dict[str, str]:
    s, h = manifest["samples"], manifest["hubs"]
    return {"document": h["document"], "organization": h["organization"], "entity": s["person"],
            "person": s["person"], "source": s["source"], "date": "2020-01-01"}


def count(results) -> int:
    return sum(1 for _ in results) if not isinstance(results, ox.QueryBoolean) else 1


def timed(fn, runs: int) -> tuple[float | None, object]:
    """(median seconds, the last answer) or (None, the error's text)."""
    try:
        answer = fn()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            answer = fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times), answer
    except Exception as e:  # noqa: BLE001 - a failing engine is a result of the benchmark
        return None, f"{type(e).__name__}: {str(e)[:120]}"


def run_all(store, manifest: dict, runs: int) -> dict[str, tuple[float | None, object]]:
    out = {}
    values = params(manifest)
    for name in sorted(named_queries.all_queries()):
        q = named_queries.get(name)
        raw = {p.name: values[p.name] for p in q.parameters if p.name in values}
        if name == "replacement-chain" and manifest["samples"].get("replaced_document"):
            raw["document"] = manifest["samples"]["replaced_document"]
        bindings = named_queries.bind(q, raw)
        text = named_queries.planned(q, bindings)
        out[name] = timed(lambda: count(store.query(text, substitutions=bindings)), runs)
    entities = [ox.NamedNode(manifest["samples"][k]) for k in ("person", "document", "event", "source")]
    entities += [ox.NamedNode(iri) for iri in manifest["hubs"].values() if iri]

    def lookups() -> int:
        n = 0
        for e in entities:
            n += len(list(store.quads_for_pattern(e, None, None, None)))
            n += len(list(store.quads_for_pattern(None, None, e, None)))
            n += count(store.query("SELECT ?s ?t WHERE { ?s <%s> ?t }" % TITLE.value,
                                   substitutions={ox.Variable("s"): e}))
        return n

    out[f"page lookups ({len(entities)} entities)"] = timed(lookups, runs)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="Oxigraph server,Virtuoso", help="which engines, comma-separated")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--heading", default="## Three engines", help="the docs/benchmarks.md section to write")
    ap.add_argument("--virtuoso-max-rows", type=int, default=10000,
                    help="Virtuoso's ResultSetMaxRows (the build's identity lists every graph: 15,200 rows at 1M)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON (e.g. bench/results/engines-1m.json)")
    args = ap.parse_args()
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    live, db, info = builds.open_live(args.store)
    load_before = os.getloadavg()[0]
    results, loads = {}, {}
    results["embedded"] = run_all(EmbeddedStore(db, info), manifest, args.runs)
    print(json.dumps({"embedded": results["embedded"]}, default=str), flush=True)
    engines = {"Oxigraph server": (lambda tmp: OxigraphServer.running(Path(tmp) / "ox", timeout=150),
                                   lambda e: Endpoint(e.query_url, e.store_url)),
               # the engine's own limit per request is the loading's (a switch request of 500 graphs at 1M);
               # each query still gets the 120 s deadline as its per-query timeout (graph.stores.Dialect)
               "Virtuoso": (lambda tmp: Virtuoso.running(Path(tmp) / "v", memory_mb=1024, timeout=3600,
                                                             max_rows=args.virtuoso_max_rows),
                            lambda e: Endpoint(e.auth_url, e.store_url, user="dba", password="dba"))}
    for name, (running, loader) in engines.items():
        if name not in args.engines.split(","):
            continue
        with tempfile.TemporaryDirectory() as tmp, running(tmp) as engine:
            start = time.perf_counter()
            try:
                publish(live, loader(engine), timeout_s=3600,
                        progress=lambda m: print(f"{name}: {time.perf_counter() - start:.0f} s {m}", flush=True))
            except Exception as e:  # noqa: BLE001 - a load that fails is a result too
                loads[name] = f"failed after {time.perf_counter() - start:.0f} s ({type(e).__name__}: {str(e)[:160]})"
                continue
            loads[name] = f"{time.perf_counter() - start:.0f} s"
            results[name] = run_all(RemoteStore(Endpoint(engine.query_url), timeout_s=120), manifest, args.runs)
            print(json.dumps({name: results[name]}, default=str), flush=True)
    load_after = os.getloadavg()[0]

    def cell(t, answer) -> str:
        return f"{t * 1000:.1f} ({answer})" if t is not None else f"error: {answer}"

    engines = list(results)
    lines = [args.heading, "",
             f"`bench/bench_engines.py --runs {args.runs}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
             f"build {info.get('build_id')} ({info.get('triples'):,} triples in the default graph; "
             f"{manifest.get('generated_triples', 0):,} synthetic triples in {manifest.get('files', 0):,} source "
             f"files, `bench/synthetic.py`), {platform.machine()}, {os.cpu_count()} cores shared with other work "
             f"(load average {load_before:.1f} before, {load_after:.1f} after), Python {platform.python_version()}. "
             "Each cell: median of the runs after a warm-up, in ms, with the rows (or quads) read; every query "
             "through the store interface (`graph/stores.py`), the engines on loopback over the SPARQL Protocol "
             "with the build's dataset (the union graph; every source graph for a query with `GRAPH`), loaded by "
             "`graph.remote_load.publish` (" + "; ".join(f"{k}: {v}" for k, v in loads.items())
             + "; Virtuoso with 1 GB of buffers). "
             "Named queries with the parameters `bench/bench_scale.py` uses; page lookups: an entity's statements "
             "both ways in every graph and its title by a bound SELECT, for the manifest's samples and hubs.", "",
             "| query | " + " | ".join(engines) + " |", "|---|" + "---:|" * len(engines)]
    for name in results["embedded"]:
        lines.append(f"| `{name}` | " + " | ".join(cell(*results[e][name]) for e in engines) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                         "build_id": info.get("build_id"), "triples": info.get("triples"),
                                         "quads": info.get("quads"), "loads": loads,
                                         "loadavg": [load_before, load_after], "runs": args.runs,
                                         "results": {e: {q: {"ms": None if t is None else round(t * 1000, 1),
                                                             "answer": a} for q, (t, a) in r.items()}
                                                     for e, r in results.items()}},
                                        ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    if args.write:
        replace_section(DOC, args.heading, text)


if __name__ == "__main__":
    main()
