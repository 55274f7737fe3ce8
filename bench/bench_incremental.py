"""Full build against incremental builds after one source file changed, per stage, on the real map.

    .venv/bin/python bench/bench_incremental.py [--triples 100000,1000000] [--edits 3] [--work DIR]

For each size: ``bench/synthetic.py``'s sources on the national map (as bench/bench_scale.py generates
them: the national reference source and the packaged sources beside the synthetic ones), a full `build`
into a fresh store, then ``--edits`` one-file edits, each followed by a `build` that starts from the live
build (graph/incremental.py): an event renamed, a count changed, a document added to a register. Wall
seconds of each build (the median over the edits) and the stages build.json records. Before a build of
more than 500k triples it waits until the machine has 8 GB available (the machine is shared). Writes the
"## Incremental builds" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402
from benchkit import DOC, replace_section  # noqa: E402

from graph.build import build  # noqa: E402

HEADING = "## Incremental builds"
FULL_STAGES = ("load", "reason", "validate", "search", "browse", "dumps", "store")
INCREMENTAL_STAGES = ("read", "checkpoint", "load", "reason", "union", "validate", "search", "browse", "dumps",
                      "store")
MIN_AVAILABLE_GB = 8


def available_gb() -> float:
    with open("/proc/meminfo") as f:
        info = {line.split(":")[0]: int(line.split()[1]) for line in f}
    return info["MemAvailable"] / 2**20


def wait_for_memory(triples: int) -> None:
    """A large build needs several GB; another benchmark may hold most of the machine's."""
    while triples > 500_000 and available_gb() < MIN_AVAILABLE_GB:
        print(f"{available_gb():.1f} GB available, waiting for {MIN_AVAILABLE_GB}", flush=True)
        time.sleep(60)


# ---------------------------------------------------------------------------------------------- edits

def rename_event(folder: Path, n: int) -> str:
    path = _articles(folder)[n * 7 % len(_articles(folder))]
    _replace(path, 'skos:prefLabel "', f'skos:prefLabel "Sửa {n}: ')
    return f"an event renamed ({path.name})"


def change_count(folder: Path, n: int) -> str:
    path = _articles(folder)[(n * 7 + 3) % len(_articles(folder))]
    text = path.read_text(encoding="utf-8")
    m = re.search(r"dv:attendeeCount (\d+)", text)
    if m is None:
        return rename_event(folder, n)
    path.write_text(text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):], encoding="utf-8")
    return f"an attendance changed ({path.name})"


def add_document(folder: Path, n: int) -> str:
    """A copy of a register's first document under another IRI and number."""
    registers = sorted(folder.glob("syn-van-ban-*.ttl"))
    path = registers[n * 13 % len(registers)]
    text = path.read_text(encoding="utf-8")
    start = text.index("\nd:") + 1
    block = text[start:text.index(" .\n", start) + 3]
    iri = block.split(" ", 1)[0]
    new = block.replace(iri, f"{iri}-bis{n}", 1)
    new = re.sub(r'dv:documentNumber "(\d+)', lambda m: f'dv:documentNumber "9{n}{m.group(1)}', new)
    new = re.sub(r"\s*dv:replaces [^;.]+", "", new).rstrip(" .\n;") + " .\n"
    path.write_text(text + "\n" + new, encoding="utf-8")
    return f"a document added ({path.name})"


EDITS = (rename_event, change_count, add_document)


def _articles(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("syn-0*.ttl") if "attendeeCount" in p.read_text(encoding="utf-8"))[:500]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------- runs

def timed_build(store_dir: Path, sources: list[Path]) -> tuple[float, dict, dict]:
    wall = time.perf_counter()
    result = build(store_dir, sources=sources)
    wall = time.perf_counter() - wall
    info = json.loads((result.path / "build.json").read_text(encoding="utf-8"))
    return wall, info["timings"], info


def run(triples: int, edits: int, work: Path, done=lambda row: None) -> dict:
    folder = work / f"sources-{triples}"
    manifest = synthetic.generate(folder, triples, copy_reference=synthetic._packaged_sources(), national=True)
    store_dir = work / f"store-{triples}"
    sources = lambda: sorted(folder.glob("*.ttl"))  # noqa: E731 (an edit may add a file)
    wait_for_memory(triples)
    wall, stages, info = timed_build(store_dir, sources())
    print(f"{triples}: full {wall:.1f} s {stages}", flush=True)
    out = {"triples": triples, "files": manifest["files"], "union": info["triples"], "quads": info["quads"],
           "full": wall, "full_stages": stages, "edits": []}
    for n in range(edits):
        what = EDITS[n % len(EDITS)](folder, n)
        wait_for_memory(triples)
        i_wall, i_stages, i_info = timed_build(store_dir, sources())
        assert i_info["incremental"], "the edit made a full build"
        print(f"{triples}: {what}: {i_wall:.1f} s {i_stages}", flush=True)
        out["edits"].append({"what": what, "wall": i_wall, "stages": i_stages})
        done(out)  # after each edit: a long run cut short keeps what it measured
    shutil.rmtree(store_dir, ignore_errors=True)
    shutil.rmtree(work / f"{store_dir.name}.builds", ignore_errors=True)
    return out


def write(rows: list[dict]) -> None:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [HEADING, "",
             f"Written by `bench/bench_incremental.py` on {when}. Machine: {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}; load "
             f"average {os.getloadavg()[0]:.1f} when written (the machine is shared with other jobs).", "",
             "`bench/synthetic.py`'s sources on the national map (the national reference source and the packaged "
             "sources beside them), a full `danvan build`, then one-file edits, each followed by a build that starts "
             "from the live one: an event renamed, an attendance changed, a document added to a register "
             "(the incremental figures are the median over the edits, wall seconds, stages as build.json "
             "records them). Stages of an incremental build: read (parse and check the changed file), checkpoint "
             "(`Store.backup`, hard links), load (the file's quad difference), reason (graph/incremental.py), union "
             "(the default graph's difference), validate (the touched nodes), search and browse (the previous "
             "build's indexes copied and the changed entities' rows written again, graph/search_index.py and "
             "graph/browse_index.py), dumps (the unchanged graphs' gzip members copied, the changed ones "
             "written again, VoID counts adjusted: graph/dumps.py); store is the whole store stage "
             "(indexes, dumps, build.json).", "",
             "| synthetic triples | files | triples (default graph) | full build s | full: stages (s) "
             "| incremental s: median (each edit) | incremental: stages (s, median) | full ÷ incremental |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        f_stages = ", ".join(f"{k} {r['full_stages'][k]:.1f}" for k in FULL_STAGES if k in r["full_stages"])
        walls = [e["wall"] for e in r["edits"]]
        median = statistics.median(walls) if walls else float("nan")
        i_stages = ", ".join(
            f"{k} {statistics.median(e['stages'].get(k, 0) for e in r['edits']):.2f}" for k in INCREMENTAL_STAGES
            if r["edits"] and k in r["edits"][0]["stages"])
        lines.append(f"| {r['triples']:,} | {r['files']:,} | {r['union']:,} | {r['full']:.1f} | {f_stages} "
                     f"| {median:.1f} ({', '.join(f'{w:.1f}' for w in walls)}) | {i_stages} "
                     f"| {r['full'] / median:.0f}× |")
    replace_section(DOC, HEADING, "\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="100000,1000000")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="a folder for the sources and stores (default: a temporary one)")
    parser.add_argument("--results", type=Path, default=None,
                        help="a JSON file of the rows measured: rows of other sizes found in it are kept (sizes run separately)")
    parser.add_argument("--render", type=Path, nargs="*", default=None,
                        help="write the section from these --results files (sizes run apart) and run nothing")
    args = parser.parse_args()
    if args.render is not None:
        merged = {r["triples"]: r for f in args.render for r in json.loads(f.read_text(encoding="utf-8"))}
        write([merged[t] for t in sorted(merged)])
        return
    rows = json.loads(args.results.read_text(encoding="utf-8")) if args.results and args.results.exists() else []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for triples in map(int, args.triples.split(",")):
            def done(row: dict) -> None:
                nonlocal rows
                rows = sorted([r for r in rows if r["triples"] != row["triples"]] + [row], key=lambda r: r["triples"])
                if args.results:
                    args.results.write_text(json.dumps(rows, indent=1), encoding="utf-8")
                write(rows)

            run(triples, args.edits, Path(tmp), done)


if __name__ == "__main__":
    main()
