"""Benchmarks of the build and the named queries; writes docs/benchmarks.md.

    .venv/bin/python bench/bench_build.py [--runs 5] [--sizes 300,3000] [--owlrl-size 300]

Every figure is the median of several runs on this machine; each ratio compares two things measured in
the same run. Timings are never asserted by the tests: this script is where they are looked at.
"""

from __future__ import annotations

import argparse
import os
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
from benchkit import section  # noqa: E402
from synthetic import write_sources  # noqa: E402

from graph import named_queries, settings  # noqa: E402
from graph.build import build  # noqa: E402
from graph.load import load  # noqa: E402
from graph.namespaces import rdflib_dataset  # noqa: E402
from graph.reason import materialize, reference_closure  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.validate import validate  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


# Sections other scripts write into the same file (bench/bench_endpoint.py): kept as they are.
KEPT_HEADINGS = ("## SPARQL endpoint overhead", "## Entity pages on a hub", "## Search",
                 "## Publishing a review (`danvan review`)")


def _kept_sections() -> str:
    return "".join("\n" + section(OUT, heading) for heading in KEPT_HEADINGS if section(OUT, heading))


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def loaded(sources=None) -> tuple[ox.Store, list]:
    store = ox.Store()
    return store, load(store, sources)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = ", ".join(f"{p} {version(p)}" for p in ("pyoxigraph", "rdflib", "owlrl", "pyshacl"))
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()} on {platform.system()} "
            f"{platform.release()}; {packages}")


def seed_build(runs: int) -> dict[str, float]:
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            result = build(Path(tmp) / "store")
            stages.setdefault("total", []).append(time.perf_counter() - start)
            for stage, seconds in result.timings.items():
                stages.setdefault(stage, []).append(seconds)
    return {stage: statistics.median(values) for stage, values in stages.items()} | {"triples": result.triples}


def reasoning(sources, runs: int, owlrl_runs: int) -> tuple[int, float, float | None]:
    store, _ = loaded(sources)
    triples = len(store)

    def fast():
        s, _ = loaded(sources)
        materialize(s)

    load_only = median_time(lambda: loaded(sources), runs)
    fast_time = median_time(fast, runs) - load_only
    owl_time = None
    if owlrl_runs:
        dataset = rdflib_dataset(store)
        owl_time = median_time(lambda: reference_closure(dataset), owlrl_runs)
    return triples, fast_time, owl_time


def named_query_times(runs: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "store")
        store = open_store(Path(tmp) / "store")
        out = []
        for name, query in sorted(named_queries.all_queries().items()):
            bound = named_queries.bind(query, {})
            rows = len(list(named_queries.run(store, query.text, bound)))
            seconds = median_time(lambda: list(named_queries.run(store, query.text, bound)), runs)
            out.append((name, seconds, rows))
        del store
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="300,3000")
    parser.add_argument("--owlrl-size", type=int, default=300)
    parser.add_argument("--validate-sizes", default="300,1000")
    args = parser.parse_args()

    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/bench_build.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Machine: {machine()}.",
        f"Each figure is the median of {args.runs} runs (owlrl: 3) in one process; ratios compare figures of the same run.",
        "",
        "## Building the seed graph (the five articles and the reference sources)",
        "",
    ]
    seed = seed_build(args.runs)
    lines += ["| stage | seconds |", "|---|---|"]
    lines += [f"| {stage} | {seed[stage]:.3f} |" for stage in ("load", "reason", "validate", "store", "total")]
    lines += ["", f"{seed['triples']} distinct triples in the built default graph.", ""]

    lines += ["## Reasoning: the rule-based fast path against owlrl's OWL-RL closure", "",
              "Both give the same entailed triples (tests/graph/test_reason.py); the fast path runs inside "
              "Oxigraph, owlrl over rdflib (plus the same domain rules).", "",
              "| data | asserted triples | fast path (s) | owlrl (s) | owlrl ÷ fast path |", "|---|---|---|---|---|"]
    triples, fast, owl = reasoning(None, args.runs, 3)
    seed_triples = triples
    lines.append(f"| seed graph | {triples} | {fast:.3f} | {owl:.2f} | {owl / fast:.0f}× |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            sources = write_sources(Path(tmp) / f"s{size}", size)
            with_owlrl = size <= args.owlrl_size
            triples, fast, owl = reasoning(sources, args.runs if size < 10000 else 3, 3 if with_owlrl else 0)
            owl_cells = f"{owl:.2f} | {owl / fast:.0f}×" if owl is not None else "not run (too slow) | —"
            lines.append(f"| synthetic, {size} groups | {triples} | {fast:.3f} | {owl_cells} |")
    lines.append("")

    lines += ["## Validation (pyshacl) as the graph grows", "",
              "One run each (they are long); the seed graph's figure is the build's median above.", "",
              "| data | asserted triples | validate (s) | ms per 1,000 triples | findings |", "|---|---|---|---|---|",
              f"| seed graph | {seed_triples} | {seed['validate']:.2f} | {seed['validate'] / seed_triples * 1e6:.0f} | 5 warnings |"]
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.validate_sizes.split(",") if s]:
            sources = write_sources(Path(tmp) / f"v{size}", size)
            store, srcs = loaded(sources)
            triples = len(store)
            materialize(store)
            start = time.perf_counter()
            result = validate(store, srcs)
            seconds = time.perf_counter() - start
            lines.append(f"| synthetic, {size} groups | {triples} | {seconds:.1f} | {seconds / triples * 1e6:.0f} | "
                         f"{result.violations} violations, {result.warnings} warnings |")
    lines += ["", "pyshacl's time per triple grows with the graph (SPARQL constraints are evaluated once per focus "
              "node over rdflib): fine for the curated sources, not for millions of triples, where validation "
              "has to be targeted at what changed or compiled into store queries (DESIGN.md §2).", ""]

    lines += ["## Named queries on the built seed store", "",
              f"Through `graph.named_queries.run` with the default parameters, median of {args.runs * 4} runs.", "",
              "| query | rows | milliseconds |", "|---|---|---|"]
    for name, seconds, rows in named_query_times(args.runs * 4):
        lines.append(f"| `{name}` | {rows} | {seconds * 1000:.2f} |")
    lines.append("")

    OUT.write_text("\n".join(lines) + _kept_sections(), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    settings.base_iri()  # a bad DANVAN_BASE_IRI fails before minutes of work
    main()
