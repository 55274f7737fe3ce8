"""Per-source validation (the EachSource shapes) at the sizes of a national build: this checkout's
validation against another commit's, on the same loaded graph in one run.

    .venv/bin/python bench/bench_each_source.py --triples 100000 --before 38a6a9b [--runs 3]

The data is `bench/synthetic.py` (one source file per article, as `danvan build` meets them: ~2,100 files
at 100k triples, ~12,200 at 1M). Both validations run on one in-memory store, loaded and reasoned once;
*before* is `graph/validate.py` of the commit given, imported beside this one (the compiled shapes are
this checkout's, which still answer its queries). Writes the section "## Per-source validation" of
docs/benchmarks.md: wall and CPU seconds of the whole validation, median of the runs (one run when a
call took over 5 minutes), and whether both found the same results.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyoxigraph as ox  # noqa: E402
from benchkit import DOC, replace_section  # noqa: E402
from synthetic import generate  # noqa: E402

from graph import validate as after  # noqa: E402
from graph.load import load  # noqa: E402
from graph.reason import materialize  # noqa: E402

HEADING = "## Per-source validation"


def module_at(commit: str):
    """``graph/validate.py`` as it was at ``commit``, imported under another name."""
    text = subprocess.run(["git", "show", f"{commit}:graph/validate.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="danvan-bench-")) / "validate_before.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("graph.validate_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(module, db, sources, runs: int) -> tuple[float, float, list]:
    walls, cpus, findings = [], [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = module.validate(db, sources, None)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        findings = sorted((f.constraint, f.focus, f.value or "", f.files) for f in result.findings)
        if walls[-1] > 300:
            break
    return statistics.median(walls), statistics.median(cpus), findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="100000", help="sizes, comma-separated")
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    before = module_at(args.before)
    rows = []
    for size in (int(s) for s in args.triples.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            manifest = generate(Path(folder), size)
            files = sorted(Path(folder).glob("*.ttl"))
            db = ox.Store()
            sources = load(db, files, None)
            materialize(db)
            quads = len(db)
            got = {}
            for name, module in (("after", after), ("before", before)):
                got[name] = timed(module, db, sources, args.runs)
                print(size, name, got[name][:2], flush=True)
            same = "yes" if got["after"][2] == got["before"][2] else "**no**"
            rows.append((size, len(files), quads, got["before"], got["after"], same, manifest))
    load_avg = os.getloadavg()[0]
    lines = [
        HEADING, "",
        f"Written by `bench/bench_each_source.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC against "
        f"`{args.before}`. Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}; load average {load_avg:.1f} when written (the machine is shared, so wall "
        "time includes waiting for a core; CPU seconds are this process's). Median of "
        f"{args.runs} runs, one when a run took over 5 minutes.",
        "",
        "The whole validation is timed. Each source file is checked on its own graph plus the ontology. "
        "*Before*: every EachSource constraint "
        "asked of every file (a hundred queries a file). *After*: constraints whose results only grow with "
        "the data run once over every graph and re-ask only the files stating what they found; the others "
        "are asked only of the file's own targets (found from its types and the ontology's subclass tree), "
        "and not at all when none lacks the value it must have; the conflict check makes its claims only where sources give two or more values.",
        "",
        "| asserted triples | source files | quads (with inferred) | before: wall s (CPU s) | after: wall s (CPU s) "
        "| before ÷ after (CPU) | same results |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, files, quads, b, a, same, _m in rows:
        lines.append(f"| {size:,} | {files:,} | {quads:,} | {b[0]:.1f} ({b[1]:.1f}) | {a[0]:.1f} ({a[1]:.1f}) "
                     f"| {b[1] / a[1]:.1f}× | {same} |")
    replace_section(DOC, HEADING, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
