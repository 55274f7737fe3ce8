"""Named queries and hub pages at scale, before and after a change, in one run on one store.

    .venv/bin/python bench/synthetic.py --triples 1000000 /tmp/syn       # then build it (see below)
    .venv/bin/python bench/bench_queries.py --store STORE --manifest /tmp/syn/manifest.json \\
        [--before REV] [--runs 5] [--virtuoso] [--out results.json] [--doc docs/benchmarks.md]

*Before* is the code and the named queries of git revision ``REV`` (default: where this branch left
``main``), unpacked from git into a temporary folder; *after* is this checkout. Each named query runs in
process on the read-only store as ``danvan query`` and ``/queries/NAME`` run it (the planned text, its
parameters substituted), with the parameters of ``bench/bench_scale.py`` (the manifest's hubs and
samples); the rows of both texts are compared. Each hub page of the manifest is fetched through the
Flask test client, by each checkout's own webapp (a subprocess with that checkout first on the path).
With ``--virtuoso``, the store's export is loaded into a private Virtuoso (``tests/engines.py``) and
this checkout's texts are timed there too, parameters bound by a VALUES block, as the peer.

Before and after run in turn (warm-up each, then alternating), median of ``--runs``; a side whose
warm-up took over 5 s is timed once. The store is built as ``bench/bench_pages.py``'s ``build_store``
builds one (``graph.build.build`` with validation replaced by a no-op, in the bench only: the generated
data conforms and pySHACL would not finish), from the generator's folder with ``--sources``-style
input: ``graph.build.build(STORE, sources=sorted(Path('/tmp/syn').glob('*.ttl')))``.
``--report JSON`` re-renders the section from an earlier run's ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Named queries at 1M: rewritten and materialized"


def _median(fn, runs: int) -> tuple[float, object]:
    """Milliseconds (median of ``runs`` after one warm-up; the warm-up alone when it took over 5 s)."""
    start = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - start) * 1000
    if first > 5000:
        return first, result
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def unpack(rev: str, folder: Path) -> Path:
    """The checkout of ``rev``'s ``graph/``, ``webapp/`` and ``queries/`` (``git archive``) in ``folder``."""
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev, "graph", "webapp", "queries"],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    # the packaged queries are read from graph/queries (an installed package) or ../queries (a checkout)
    return folder


def queries_of(code: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((code / "queries").glob("*.rq"))}


def _interleaved(fns: dict, runs: int) -> dict[str, tuple[float, object]]:
    """Milliseconds per side: one warm-up each, then the sides in turn (before, after, before…) so
    that the machine's load falls on both alike; median of ``runs`` (the warm-up alone above 5 s)."""
    times: dict[str, list[float]] = {}
    results: dict[str, object] = {}
    for side, fn in fns.items():
        start = time.perf_counter()
        results[side] = fn()
        times[side] = [(time.perf_counter() - start) * 1000]
    slow = any(t[0] > 5000 for t in times.values())
    for _ in range(0 if slow else runs):
        for side, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[side].append((time.perf_counter() - start) * 1000)
    return {side: (statistics.median(t if slow else t[1:]), results[side]) for side, t in times.items()}


def measure_queries(store: Path, manifest: dict, runs: int, before: Path) -> dict:
    import pyoxigraph as ox

    from bench_scale import bindings_for
    from graph import named_queries
    from graph.store import data_path, live_build_dir

    db = ox.Store.read_only(str(data_path(live_build_dir(store))))
    old_texts = queries_of(before)
    out = {}
    for name, q in sorted(named_queries.all_queries().items()):
        subs = named_queries.bind(q, bindings_for(q, manifest))
        row: dict = {"params": {k.value: v.value for k, v in subs.items()}}
        fns = {}
        for side, text in (("before", old_texts.get(name)), ("after", q.text)):
            if text is None:
                continue
            planned = named_queries.planned(named_queries.parse(text, name), subs)

            def run(planned=planned):  # as danvan query and /queries/NAME: the planned text, substituted
                return sum(1 for _ in named_queries.run(db, planned, subs))
            fns[side] = run
            row[side + "_rows"] = sorted(tuple("" if t is None else str(t) for t in s)
                                         for s in named_queries.run(db, planned, subs))
            if subs:
                def sparql(planned=planned):  # as over /sparql or the editor: the VALUES block alone
                    return sum(1 for _ in db.query(planned))
                fns[side + "_values"] = sparql
        for side, (ms, _count) in _interleaved(fns, runs).items():
            row[side] = ms
        row["same"] = row.get("before_rows") == row["after_rows"] if "before" in row else None
        row["rows"] = len(row.pop("after_rows"))
        row.pop("before_rows", None)
        out[name] = row
        print(f"{name}: {row}", file=sys.stderr, flush=True)
    return out


def measure_pages(store: Path, manifest: dict, runs: int, code: Path) -> dict:
    """Each hub page of the manifest, served by the webapp of ``code`` (a subprocess)."""
    paths = {kind: "/id/" + iri.split("/id/", 1)[1] for kind, iri in manifest["hubs"].items() if iri}
    script = (
        "import json, statistics, sys, time\n"
        "from webapp import create_app\n"
        f"client = create_app({{'DANVAN_STORE': {str(store)!r}}}).test_client()\n"
        f"paths, runs, out = {paths!r}, {runs}, {{}}\n"
        "for kind, path in paths.items():\n"
        "    r = client.get(path, headers={'Accept': 'text/html'})\n"
        "    assert r.status_code == 200, (path, r.status_code)\n"
        "    times = []\n"
        "    for _ in range(runs):\n"
        "        t = time.perf_counter(); client.get(path, headers={'Accept': 'text/html'})\n"
        "        times.append((time.perf_counter() - t) * 1000)\n"
        "    out[kind] = {'path': path, 'ms': statistics.median(times), 'bytes': len(r.data)}\n"
        "print(json.dumps(out))\n")
    env = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=str(code), check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_virtuoso(store: Path, manifest: dict, runs: int, work: Path, cap: float = 60) -> dict:
    """This checkout's named queries on Virtuoso loaded with the store's export (the peer)."""
    sys.path.insert(0, str(REPO))
    from bench_scale import bindings_for
    from graph import named_queries
    from tests.engines import EngineError, EngineTimeout, Virtuoso, installed, virtuoso_dialect
    if not installed():
        return {"error": "Virtuoso is not installed (make virtuoso)"}
    dump = work / "dump.nq"
    subprocess.run([str(Path(sys.executable).parent / "danvan"), "export", "--store", str(store), "--format",
                    "nquads", "-o", str(dump)], check=True)
    out: dict = {"queries": {}}
    memory = max(1024, min(6144, dump.stat().st_size // (1024 * 1024) * 2))
    with Virtuoso.running(work / "virtuoso", memory_mb=memory, timeout=int(cap)) as v:
        out["load_s"] = v.load_nquads(dump, timeout=3600)
        for name, q in sorted(named_queries.all_queries().items()):
            text, _changes = virtuoso_dialect(named_queries.with_values(q, named_queries.bind(q, bindings_for(q, manifest))))
            try:
                ms, rows = _median(lambda text=text: v.select(text), runs)
                out["queries"][name] = {"ms": ms, "rows": len(rows)}
            except EngineTimeout:
                out["queries"][name] = {"error": f"timed out ({cap:.0f} s)"}
            except EngineError as e:
                out["queries"][name] = {"error": str(e)[:200]}
            print(f"virtuoso {name}: {out['queries'][name]}", file=sys.stderr, flush=True)
    dump.unlink()
    return out


def report(result: dict) -> str:
    m, q, pages = result["machine"], result["queries"], result["pages"]
    virtuoso = result.get("virtuoso", {}).get("queries", {})
    lines = [HEADING, "",
             f"Written by `bench/bench_queries.py` on {result['date']}. Machine: {m['machine']}, {m['cores']} cores, "
             f"Python {m['python']}, pyoxigraph {m['pyoxigraph']}; **shared with other workers** (load average "
             f"{m['load_start']:.1f} at the start, {m['load_end']:.1f} at the end), so absolute figures are "
             "pessimistic and the before/after ratios (same store, same run, alternating) are the point. "
             f"Store: {result['store_triples']:,} distinct triples (asserted and inferred) from "
             f"`bench/synthetic.py --triples 1000000`, built without validation (as `bench/bench_pages.py` builds). "
             f"*Before*: the texts and code of `{result['before']}` (where this branch left `main`); *after*: "
             f"this branch. Median of {result['runs']} runs after a warm-up (the warm-up alone above 5 s). "
             "Each query runs in process as `danvan query` and `/queries/NAME` run it (the planned text, "
             "parameters substituted); *same* compares the rows of both texts.", "",
             "| named query | before (ms) | after (ms) | ratio | by VALUES only, before → after (ms) | rows | same | "
             "Virtuoso, after's text (ms) | after ÷ Virtuoso |",
             "|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for name, row in q.items():
        before, after = row.get("before"), row["after"]
        ratio = f"{before / after:.1f}×" if before else "–"
        peer = virtuoso.get(name, {})
        peer_text = f"{peer['ms']:.1f}" if "ms" in peer else (
            "timed out (60 s)" if "timed out" in peer.get("error", "") else peer.get("error", "–").splitlines()[0][:60])
        peer_ratio = f"{after / peer['ms']:.1f}" if "ms" in peer and peer["ms"] > 0 else "–"
        values = (f"{row['before_values']:.1f} → {row['after_values']:.1f}" if "after_values" in row
                  and "before_values" in row else "")
        same = {True: "yes", False: "**no**", None: "–"}[row["same"]]
        lines.append(f"| `{name}` | {'–' if before is None else f'{before:.1f}'} | {after:.1f} | {ratio} | {values} | "
                     f"{row['rows']:,} | {same} | {peer_text} | {peer_ratio} |")
    lines += ["", "| hub page | path | before (ms) | after (ms) | HTML before → after |", "|---|---|---:|---:|---|"]
    for kind, after in pages["after"].items():
        before = pages["before"].get(kind, {})
        lines.append(f"| {kind.replace('_', ' ')} | `{after['path']}` | {before.get('ms', 0):.1f} | {after['ms']:.1f} | "
                     f"{before.get('bytes', 0) / 1024:,.0f} KB → {after['bytes'] / 1024:,.0f} KB |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--manifest", type=Path)
    ap.add_argument("--before", default=None, help="git revision of the baseline (default: merge-base with main)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--virtuoso", action="store_true")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--doc", type=Path, help="append the section to this Markdown file")
    ap.add_argument("--report", type=Path, help="only write the section from an earlier run's --out JSON")
    args = ap.parse_args(argv)
    if args.report:
        print(report(json.loads(args.report.read_text(encoding="utf-8"))))
        return 0
    if args.store is None or args.manifest is None:
        ap.error("--store and --manifest are needed to measure")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pyoxigraph as ox
    before_rev = args.before or subprocess.run(["git", "-C", str(REPO), "merge-base", "HEAD", "main"], check=True,
                                               capture_output=True, text=True).stdout.strip()
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    build = json.loads((args.store / "build.json").read_text(encoding="utf-8"))
    result: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "before": before_rev[:10], "runs": args.runs,
        "store_triples": build["triples"],
        "machine": {"machine": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "python": platform.python_version(), "pyoxigraph": ox.__version__,
                    "load_start": os.getloadavg()[0]},
    }
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        before = unpack(before_rev, Path(tmp) / "before")
        result["queries"] = measure_queries(args.store, manifest, args.runs, before)
        # each side twice, in turn, so that the load falls on both alike; the better of its two medians
        rounds = [(side, measure_pages(args.store, manifest, args.runs, code))
                  for _ in range(2) for side, code in (("before", before), ("after", REPO))]
        result["pages"] = {side: {kind: min((r for s, m in rounds if s == side for k, r in m.items() if k == kind),
                                            key=lambda r: r["ms"])
                                  for kind in manifest["hubs"] if manifest["hubs"][kind]}
                           for side in ("before", "after")}
        if args.virtuoso:
            result["virtuoso"] = measure_virtuoso(args.store, manifest, args.runs, Path(tmp))
    result["machine"]["load_end"] = os.getloadavg()[0]
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    text = report(result)
    if args.doc:
        with args.doc.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
