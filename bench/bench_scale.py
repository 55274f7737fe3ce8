"""The whole product at scale: build, pages, search, browse and named queries on synthetic data on top of
the real map, and the same named queries on Virtuoso as the peer. One size per run, unattended.

    .venv/bin/python bench/bench_scale.py --triples 1000000 [--runs 5] [--cap 1200] [--no-virtuoso]

Steps (each under a cap: a step that exceeds it is recorded as "did not finish in N s", never waited for):
1. ``bench/synthetic.py`` writes the sources on the national map (it and the packaged sources copied beside them);
2. a full ``danvan build --sources DIR`` (per-stage timings from build.json, peak RSS of the process);
   if it does not finish, the same pipeline with an empty shapes file ("build without validation") makes
   the store the rest is measured on — the tables say which;
3. ``danvan serve`` on a loopback port: entity pages (typical person and document: a sample of each; and
   the hubs of every kind: role, level, document type, place, organization, the most-disseminated
   document), search (a rare name, a common name, "quyết định", the same without diacritics), every
   ``/browse/{kind}``, every named query (``/queries/NAME.json`` with parameters from the data);
4. ``danvan export --format nquads`` loaded into a private Virtuoso (tests/engines.py), and every named
   query (its parameters bound by a VALUES block, the text ``/queries/NAME`` shows) sent over the SPARQL
   Protocol to Virtuoso and to our ``/sparql``: the peer ratio.

Writes bench/results/scale-<size>.json and the section "## Scale: <size>" of docs/benchmarks.md.
Latencies are the median (p50) and the 95th percentile of the runs (for a sample of entities, of every
request); an item whose first run exceeds the item budget is run once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402
from benchkit import clean_env, danvan_command, replace_section, served  # noqa: E402

RESULTS = REPO / "bench" / "results"
BASE = "https://w3id.org/danvan/"
EMPTY_SHAPES = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
# Runs a command, and reports its wall time and the peak RSS of it and its children (getrusage).
WRAP = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
json.dump({"rc": rc, "seconds": time.perf_counter() - start,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}, open(sys.argv[1], "w"))
"""
NO_VALIDATION = r"""
import sys
from pathlib import Path
from graph.build import build
folder, store, shapes = map(Path, sys.argv[1:4])
build(store, sources=sorted(folder.glob("*.ttl")), shapes=shapes)
"""


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def machine() -> dict:
    mem = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    import pyoxigraph
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "kernel": platform.release(), "pyoxigraph": getattr(pyoxigraph, "__version__", ""),
            "loadavg_start": os.getloadavg()}


def run_capped(cmd: list[str], cap: float, log: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` (wrapped to measure it) for at most ``cap`` seconds."""
    stats = log.with_suffix(".stats.json")
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", WRAP, str(stats), *cmd], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, env=env or clean_env())
        try:
            proc.wait(timeout=cap)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"finished": False, "cap": cap}
    result = json.loads(stats.read_text())
    result["finished"] = result["rc"] == 0
    if result["rc"] != 0:
        result["error"] = log.read_text(errors="replace")[-1500:]
    return result


def build_info(store: Path) -> dict:
    from graph.store import build_info as live_info
    try:
        return live_info(store)
    except Exception:  # noqa: BLE001 - no live build: nothing to report
        return {}


class Timer:
    def __init__(self, base: str, runs: int, budget: float, cap: float):
        self.base, self.runs, self.budget, self.cap = base, runs, budget, cap
        self.session = requests.Session()

    def get(self, path: str, headers: dict | None = None) -> tuple[float, int, int]:
        start = time.perf_counter()
        r = self.session.get(self.base + path, timeout=self.cap, headers=headers or {})
        return (time.perf_counter() - start) * 1000, r.status_code, len(r.content)

    def measure(self, paths: list[str], headers: dict | None = None) -> dict:
        """Every path ``runs`` times (after one warm-up of the first); stops early past the budget."""
        times, statuses, size = [], set(), 0
        try:
            first, status, size = self.get(paths[0], headers)
        except requests.Timeout:
            return {"dnf": self.cap}
        statuses.add(status)
        spent = first / 1000
        runs = 1 if spent > self.budget else self.runs
        if runs == 1:
            times.append(first)
        for _ in range(runs if runs > 1 else 0):
            for p in paths:
                if spent > self.budget * 3 and times:
                    break
                try:
                    ms, status, size = self.get(p, headers)
                except requests.Timeout:
                    return {"dnf": self.cap, "statuses": sorted(statuses)}
                times.append(ms)
                statuses.add(status)
                spent += ms / 1000
        times.sort()
        return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "n": len(times), "statuses": sorted(statuses), "bytes": size}


def path_of(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def sample_iris(store: Path, kind_class: str, n: int) -> list[str]:
    import pyoxigraph as ox

    from graph.store import open_store
    db = open_store(store)
    rows = db.query(f"SELECT ?s WHERE {{ ?s a <{kind_class}> }} LIMIT {n * 20}")
    iris = [r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode)]
    return iris[:: max(1, len(iris) // n)][:n]


def hub_degrees(store: Path, hubs: dict) -> dict:
    from graph.store import open_store
    db = open_store(store)
    out = {}
    for name, iri in hubs.items():
        if iri:
            out[name] = int(next(iter(db.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{iri}> }}")))["n"].value)
    return out


def query_params(manifest: dict) -> dict[str, str]:
    s, h = manifest["samples"], manifest["hubs"]
    return {"document": h["document"], "organization": h["organization"], "root": h["organization"], "entity": s["person"],
            "person": s["person"], "source": s["source"], "date": "2020-01-01"}


def bindings_for(q, manifest: dict) -> dict[str, str]:
    values = query_params(manifest)
    raw = {p.name: values[p.name] for p in q.parameters if p.name in values}
    if q.name == "replacement-chain" and manifest["samples"].get("replaced_document"):
        raw["document"] = manifest["samples"]["replaced_document"]
    return raw


def pages(base: str, store: Path, manifest: dict, runs: int, budget: float, cap: float) -> dict:
    from graph import named_queries
    from webapp.urls import KINDS
    t = Timer(base, runs, budget, cap)
    out: dict[str, dict] = {"entity": {}, "search": {}, "browse": {}, "queries": {}}
    dv = "https://w3id.org/danvan/ontology#"
    out["entity"]["typical person"] = t.measure([path_of(i) for i in sample_iris(store, dv + "Person", 20)])
    out["entity"]["typical document"] = t.measure([path_of(i) for i in sample_iris(store, dv + "Document", 20)])
    for kind, iri in manifest["hubs"].items():
        if iri:
            out["entity"][f"hub: {kind.replace('_', ' ')}"] = t.measure([path_of(iri)])
    s = manifest["samples"]
    for what, q in (("rare name", s.get("rare_name")), ("common name", s.get("common_name")),
                    ("common words", "quyết định"), ("no diacritics", "quyet dinh dan van")):
        if q:
            out["search"][f"{what}: {q}"] = t.measure(["/search?" + urlencode({"q": q})])
    for kind in KINDS:
        out["browse"][kind] = t.measure([f"/browse/{kind}"])
    for name, q in sorted(named_queries.all_queries().items()):
        raw = bindings_for(q, manifest)
        out["queries"][name] = t.measure([f"/queries/{quote(name)}.json" + ("?" + urlencode(raw) if raw else "")])
        out["queries"][name]["params"] = raw
    return out


def peer(base: str, store: Path, work: Path, manifest: dict, runs: int, budget: float, cap: float,
         load_cap: float = 3600) -> dict:
    """Every named query over the SPARQL Protocol: our /sparql and Virtuoso, same text, same data."""
    from graph import named_queries
    from tests.engines import EngineError, EngineTimeout, Virtuoso, installed, virtuoso_dialect
    if not installed():
        return {"error": "Virtuoso is not installed (make virtuoso)"}
    dump = work / "dump.nq"
    start = time.perf_counter()
    subprocess.run([danvan_command(), "export", "--store", str(store), "--format", "nquads", "-o", str(dump)],
                   check=True, env=clean_env(), timeout=load_cap)
    result: dict = {"export_s": time.perf_counter() - start, "queries": {}}
    memory = max(1024, min(6144, dump.stat().st_size // (1024 * 1024) * 2))
    shutil.rmtree(work / "virtuoso", ignore_errors=True)  # a fresh database: never an earlier run's
    with Virtuoso.running(work / "virtuoso", memory_mb=memory, timeout=int(cap)) as v:
        result["load_s"] = v.load_nquads(dump, timeout=load_cap)
        result["memory_mb"] = memory
        session = requests.Session()
        for name, q in sorted(named_queries.all_queries().items()):
            text = named_queries.with_values(q, named_queries.bind(q, bindings_for(q, manifest)))
            adapted, changes = virtuoso_dialect(text)
            row: dict = {"virtuoso_changes": changes}

            def ours():
                r = session.post(base + "/sparql", data=text.encode(), timeout=cap, headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
                r.raise_for_status()
                return r.json()["results"]["bindings"]

            def theirs():
                return v.select(adapted)

            answers = {}
            for side, fn in (("embedded", ours), ("virtuoso", theirs)):
                times, rows = [], None
                try:
                    for i in range(runs + 1):
                        t0 = time.perf_counter()
                        rows = fn()
                        ms = (time.perf_counter() - t0) * 1000
                        if i or ms > budget * 1000:
                            times.append(ms)
                        if sum(times) > budget * 1000 * 3 or (i == 0 and ms > budget * 1000):
                            break
                    answers[side] = rows
                    row[side] = {"p50": statistics.median(times), "rows": len(rows), "n": len(times)}
                except EngineTimeout as e:
                    row[side] = {"dnf": cap, "error": str(e)}
                except (EngineError, requests.RequestException, KeyError, ValueError) as e:
                    row[side] = {"error": str(e)[:300]}
            if len(answers) == 2:
                row["same_answers"] = _answers(answers["embedded"]) == _answers(answers["virtuoso"])
            result["queries"][name] = row
    dump.unlink(missing_ok=True)
    return result


def _answers(bindings: list[dict]) -> list[tuple]:
    """Rows as sorted tuples of (variable, lexical value): order and term typing aside."""
    return sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in bindings)


# ------------------------------------------------------------------------------------------ report

def fmt_ms(m: dict) -> str:
    if "dnf" in m:
        return f"did not finish in {m['dnf']:.0f} s"
    if "error" in m:
        return "error"
    return f"{m['p50']:.0f}" if m["p50"] >= 100 else f"{m['p50']:.1f}"


def fmt_p95(m: dict) -> str:
    return "–" if "p95" not in m else (f"{m['p95']:.0f}" if m["p95"] >= 100 else f"{m['p95']:.1f}")


def section(r: dict) -> str:
    size, m = label(r["target_triples"]), r["machine"]
    b, f = r["build"], r["build"].get("full", {})
    lines = [f"## Scale: {size}", "",
             f"Written by `bench/bench_scale.py --triples {r['target_triples']}` on {r['date']}. Machine: {m['cpu']}, "
             f"{m['cores']} cores, {m['memory_mb'] // 1024} GB, Python {m['python']}, pyoxigraph {m['pyoxigraph']}; "
             f"**shared with other workers** (load average {m['loadavg_start'][0]:.1f} at the start, "
             f"{r['loadavg_end'][0]:.1f} at the end), so figures are noisy. Data: "
             f"{r['manifest']['generated_triples']:,} synthetic triples in {r['manifest']['files']:,} source files on "
             f"top of {r['manifest']['reference_triples']:,} reference triples"
             + (" (the generator read no national map from its reference, so a synthetic fallback map of "
                f"{r['manifest']['counts'].get('fallback places', 0):,} places stands in for it)" if r['manifest']['fallback_map'] else "")
             + f"; generated in {r['generate_s']:.0f} s. JSON: `bench/results/scale-{size}.json`.", "",
             "### Build", "", "| build | built (quads, distinct triples with the inferred) | load | reason | validate | store | total | peak RSS |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, key in (("full `danvan build`", "full"), ("without validation (empty shapes)", "no_validation")):
        x = b.get(key)
        if not x:
            continue
        if x.get("skipped"):
            lines.append(f"| {name} | – | – | – | – | – | not attempted | – |")
            continue
        if not x.get("finished"):
            lines.append(f"| {name} | – | – | – | – | – | **did not finish in {x.get('cap', 0):.0f} s** | – |")
            continue
        tm = dict(x.get("timings", {}))
        if "store" not in tm and tm:  # build.json is written before the store stage ends: the rest of the wall time
            tm["store"] = x["seconds"] - sum(tm.values())
        cell = lambda k: f"{tm[k]:.1f} s" if k in tm else "–"  # noqa: E731
        lines.append(f"| {name} | {x.get('quads') or 0:,} quads, {x.get('triples') or 0:,} distinct | {cell('load')} | "
                     f"{cell('reason')} | {cell('validate')} | {cell('store')} | {x['seconds']:.1f} s | "
                     f"{x['peak_rss_mb'] / 1024:.2f} GB |")
    served_from = "the full build" if f.get("finished") else "the build without validation"
    lines += ["", f"Pages below are served from {served_from}: `danvan serve` on loopback (defaults: "
              f"{r['server']}), milliseconds, p50 / p95 over {r['runs']} runs (samples: every request).", "",
              "### Entity pages", "", "| page | in-links | p50 (ms) | p95 (ms) | runs |", "|---|---:|---:|---:|---:|"]
    for k, v in r["pages"]["entity"].items():
        deg = r["hub_degrees"].get(k.removeprefix("hub: ").replace(" ", "_"), "")
        lines.append(f"| {k} | {deg if deg == '' else f'{deg:,}'} | {fmt_ms(v)} | {fmt_p95(v)} | {v.get('n', 1)} |")
    lines += ["", "### Search", "", "| query | p50 (ms) | p95 (ms) |", "|---|---:|---:|"]
    lines += [f"| {k} | {fmt_ms(v)} | {fmt_p95(v)} |" for k, v in r["pages"]["search"].items()]
    lines += ["", "### Browse", "", "| page | p50 (ms) | p95 (ms) | HTML size |", "|---|---:|---:|---:|"]
    lines += [f"| `/browse/{k}` | {fmt_ms(v)} | {fmt_p95(v)} | {v.get('bytes', 0) / 1024:,.0f} KB |"
              for k, v in r["pages"]["browse"].items()]
    lines += ["", "### Named queries", "",
              "*page*: `/queries/NAME.json` (p50); *embedded* and *Virtuoso*: the same text (parameters bound by "
              "VALUES) over the SPARQL Protocol, `POST /sparql` to `danvan serve` and to Virtuoso's `/sparql`, "
              "both capped at 10,000 rows; *same answers*: the same rows, order and term types aside; ratio = embedded ÷ Virtuoso (above 1: Virtuoso is faster).", "",
              "| query | page (ms) | embedded (ms) | Virtuoso (ms) | ratio | rows (embedded / Virtuoso) | same answers |",
              "|---|---:|---:|---:|---:|---|---|"]
    pq = r.get("peer", {}).get("queries", {})
    for k, v in r["pages"]["queries"].items():
        e, w = pq.get(k, {}).get("embedded", {}), pq.get(k, {}).get("virtuoso", {})
        ratio = f"{e['p50'] / w['p50']:.1f}×" if "p50" in e and "p50" in w and w["p50"] > 0 else "–"
        rows = f"{e.get('rows', '–')} / {w.get('rows', '–')}" if e or w else "–"
        same = pq.get(k, {}).get("same_answers")
        same = "yes" if same else "no" if same is False else "–"
        err = " ".join((w.get("error", "") or "; ".join(pq.get(k, {}).get("virtuoso_changes", []))).split())
        lines.append(f"| `{k}` | {fmt_ms(v)} | {fmt_ms(e) if e else '–'} | {fmt_ms(w) if w else '–'} | {ratio} | "
                     f"{rows}{' (Virtuoso: ' + err[:160].replace('|', '/') + ')' if err else ''} | {same} |")
    p = r.get("peer", {})
    if "load_s" in p:
        lines += ["", f"Virtuoso 7.2 (Debian `virtuoso-opensource-7`, {p['memory_mb']} MB of buffers, private instance "
                  f"from `tests/engines.py`): export {p['export_s']:.0f} s, bulk load {p['load_s']:.0f} s."]
    elif p.get("error"):
        lines += ["", f"Virtuoso: {p['error']}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cap", type=float, default=1200, help="seconds a build step may take (default 1200)")
    ap.add_argument("--request-cap", type=float, default=120, help="seconds one request may take")
    ap.add_argument("--budget", type=float, default=20, help="seconds of runs per measured item")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed)")
    ap.add_argument("--no-virtuoso", action="store_true")
    ap.add_argument("--skip-full-build", action="store_true", help="record the full build as not attempted")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="danvan-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    r: dict = {"target_triples": args.triples, "runs": args.runs, "machine": machine(),
               "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "build": {}}
    try:
        say = lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
        folder = work / "sources"
        start = time.perf_counter()
        r["manifest"] = synthetic.generate(folder, args.triples, seed=args.seed,
                                           copy_reference=synthetic._packaged_sources(), national=True)
        r["generate_s"] = time.perf_counter() - start
        say(f"generated {r['manifest']['generated_triples']:,} triples in {r['generate_s']:.0f} s")
        store = work / "store-full"
        if args.skip_full_build:
            r["build"]["full"] = {"finished": False, "cap": 0, "skipped": True}
        else:
            # the folder carries the national reference file the generator wrote: the build adds none
            full = run_capped([danvan_command(), "build", "--sources", str(folder), "--store", str(store)],
                              args.cap, work / "build-full.log", env=clean_env(DANVAN_NATIONAL="off"))
            if full["finished"]:
                info = build_info(store)
                full.update(timings=info.get("timings", {}), triples=info.get("triples"), quads=info.get("quads"))
            r["build"]["full"] = full
            say(f"full build: {full}")
        if not r["build"]["full"].get("finished"):
            shapes = work / "no-shapes.ttl"
            shapes.write_text(EMPTY_SHAPES)
            store = work / "store-novalidation"
            nv = run_capped([sys.executable, "-c", NO_VALIDATION, str(folder), str(store), str(shapes)],
                            args.cap, work / "build-novalidation.log", env=clean_env(PYTHONPATH=str(REPO)))
            if nv["finished"]:
                info = build_info(store)
                nv.update(timings=info.get("timings", {}), triples=info.get("triples"), quads=info.get("quads"))
            r["build"]["no_validation"] = nv
            say(f"build without validation: {nv}")
            if not nv["finished"]:
                raise SystemExit("no store to measure: " + nv.get("error", "did not finish"))
        r["hub_degrees"] = hub_degrees(store, r["manifest"]["hubs"])
        r["server"] = "2 query workers, 10,000-row cap, 30 s deadline"
        with served(store, log=work / "serve.log", DANVAN_QUERY_TIMEOUT=str(args.request_cap),
                    DANVAN_QUERY_BUDGET="100000") as base:
            r["server"] = f"2 query workers, 10,000-row cap, {args.request_cap:.0f} s deadline"
            r["pages"] = pages(base, store, r["manifest"], args.runs, args.budget, args.request_cap)
            say("pages measured")
            if not args.no_virtuoso:
                r["peer"] = peer(base, store, work, r["manifest"], args.runs, args.budget, args.request_cap, args.cap)
                say("Virtuoso measured")
    finally:
        r["loadavg_end"] = os.getloadavg()
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"scale-{label(args.triples)}.json"
        out.write_text(json.dumps(r, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = section(r)
    replace_section(args.doc, f"## Scale: {label(args.triples)}", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
