"""Validation: the shapes compiled to SPARQL in the store (the build's path) against pySHACL (the oracle).

    .venv/bin/python bench/bench_validate.py [--runs 3] [--pyshacl-sizes 300] [--sizes 3300,33000]

Sizes are synthetic groups (bench/synthetic.py, about 26 asserted triples each: 3,300 ≈ 100k and
33,000 ≈ 1M triples with the inferred ones). Each figure is the median of ``--runs`` runs (one run at
the largest size), wall time and this process's CPU time (the machine is shared: CPU time is what the
work costs); pySHACL runs only where it finishes in minutes. Writes the "## Validation compiled to
SPARQL" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import DOC, replace_section  # noqa: E402
from synthetic import write_sources  # noqa: E402

from graph import shacl_oracle, validate  # noqa: E402
from graph.load import load  # noqa: E402
from graph.reason import materialize  # noqa: E402

HEADING = "## Validation compiled to SPARQL"


def timed(fn, runs: int) -> tuple[float, float, object]:
    """(median wall seconds, median CPU seconds, last result)."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def prepared(sources=None) -> tuple[ox.Store, list]:
    store = ox.Store()
    loaded = load(store, sources)
    materialize(store)
    return store, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyshacl-sizes", default="300")
    parser.add_argument("--sizes", default="3300,33000")
    args = parser.parse_args()
    rows, targeted = [], []
    cases = [("seed graph", None, True)]
    cases += [(f"synthetic, {n} groups", n, True) for n in map(int, filter(None, args.pyshacl_sizes.split(",")))]
    cases += [(f"synthetic, {n} groups", n, False) for n in map(int, filter(None, args.sizes.split(",")))]
    with tempfile.TemporaryDirectory() as tmp:
        for name, size, with_oracle in cases:
            sources = None if size is None else write_sources(Path(tmp) / str(size), size)
            store, loaded = prepared(sources)
            asserted = sum(s.triples for s in loaded)
            runs = 1 if size is not None and size >= 30000 else args.runs
            wall, cpu, result = timed(lambda: validate.validate(store, loaded), runs)
            print(f"{name}: compiled {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
            row = {"name": name, "asserted": asserted, "quads": len(store), "wall": wall, "cpu": cpu,
                   "findings": f"{result.violations} violation(s), {result.warnings} warning(s)"}
            if with_oracle:
                o_wall, o_cpu, _ = timed(lambda: shacl_oracle.validate(store, loaded), 1)
                row.update(o_wall=o_wall, o_cpu=o_cpu)
                print(f"{name}: pyshacl {o_wall:.2f} s wall", flush=True)
            rows.append(row)
            if size is not None and size >= 3000:
                # an incremental build's re-check: every targeted constraint over ~100 changed nodes
                nodes = [ox.NamedNode(f"https://w3id.org/danvan/id/{kind}/{kind[0]}{n}")
                         for n in range(0, size, max(1, size // 20)) for kind in ("document", "person", "event")]
                nodes += [ox.NamedNode(f"https://w3id.org/danvan/id/organization/o{n}") for n in range(0, size, size // 40)]
                focus = validate.Focus(frozenset(), frozenset(nodes))
                t_wall, t_cpu, _ = timed(lambda: validate.validate(store, loaded, focus=focus), runs)
                whole = validate.compile_file()
                local = [c for c in whole.every if c.local]
                targeted.append((name, len(nodes), len(local), len(whole.every) - len(local), t_wall, t_cpu))
                print(f"{name}: targeted at {len(nodes)} nodes {t_wall:.2f} s", flush=True)
            store = None

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [HEADING, "",
             f"Written by `bench/bench_validate.py` on {when}. Machine: {platform.processor() or platform.machine()}, "
             f"Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, pyshacl {version('pyshacl')}. "
             f"Median of {args.runs} runs (one at the largest size); wall and CPU seconds of this process "
             "(the 2-core machine is shared with other jobs, so wall time includes waiting for a core).",
             "", "The build validates with `ontology/shapes.ttl` compiled to one SPARQL query per constraint "
             "(graph/shacl_compile.py); pySHACL is the oracle the tests compare it with "
             "(tests/graph/test_validate_compiled.py).", "",
             "| data | asserted triples | quads (with inferred) | compiled: wall s | CPU s | pySHACL: wall s | "
             "pySHACL ÷ compiled | findings |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        oracle = f"{r['o_wall']:.2f}" if "o_wall" in r else "not run (hours)"
        ratio = f"{r['o_wall'] / r['wall']:.0f}×" if "o_wall" in r else "—"
        lines.append(f"| {r['name']} | {r['asserted']:,} | {r['quads']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                     f"{oracle} | {ratio} | {r['findings']} |")
    if targeted:
        lines += ["", "Targeted re-check (what an incremental build runs for AllSources): the constraints that read "
                  "only their focus node's statements run with `VALUES ?this { … }` over the given nodes; the "
                  "others run whole.", "",
                  "| data | nodes | targeted constraints | whole constraints | wall s | CPU s |",
                  "|---|---|---|---|---|---|"]
        for name, n, local, other, wall, cpu in targeted:
            lines.append(f"| {name} | {n} | {local} | {other} | {wall:.2f} | {cpu:.2f} |")
    replace_section(DOC, HEADING, "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
