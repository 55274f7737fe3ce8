"""The stages of an incremental build before the store stage (plan, read, checkpoint, load, reason,
union, validate: graph/incremental.py), after one synthetic article is edited, without swapping in.

    .venv/bin/python bench/bench_incremental_apply.py SOURCES STORE [--edits 6]

``SOURCES`` is a folder written by ``bench/synthetic.py`` and ``STORE`` a store built from it
(``danvan build --sources SOURCES --store STORE --full``). Each edit (in turn: an event's date moved a
year, a speaker added, a post removed) changes one article, times :func:`graph.incremental.plan` and
:func:`graph.incremental.apply` into a scratch build folder, deletes that folder and puts the article
back, so every edit starts from the same live build. Prints each edit's seconds per stage and the medians.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shutil
import statistics
import time
from pathlib import Path

from graph import incremental, resources
from graph.load import Packaged


def edit(text: str, kind: str, number: int) -> str:
    if kind == "date":
        m = re.search(r'dv:startDate "(\d{4})-', text)
        return text[:m.start(1)] + str(int(m.group(1)) - 1) + text[m.end(1):]
    if kind == "speaker":
        text = text.replace("    dv:speaker ", f"    dv:speaker p:bench-extra-{number} , ", 1)
        return text + f'\np:bench-extra-{number} a dv:Person ;\n    dv:fullName "Người Thêm {number}"@vi .\n'
    blocks = text.split("\n\n")  # a post removed: the article's last post block
    del blocks[[i for i, b in enumerate(blocks) if b.startswith("post:")][-1]]
    return "\n\n".join(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--edits", type=int, default=6)
    args = parser.parse_args()
    sources = sorted(args.sources.glob("*.ttl"))
    articles = [p for p in sources if p.name.startswith("syn-") and not p.name.endswith("-b.ttl")
                and "dv:speaker" in p.read_text(encoding="utf-8") and "\npost:" in p.read_text(encoding="utf-8")]
    ontology = [Packaged(p, "ontology") for p in resources.ontology_files()]
    shapes = Packaged(resources.shapes_file(), "ontology")
    rows = []
    for number in range(args.edits):
        kind = ("date", "speaker", "post")[number % 3]
        path = articles[(number + 1) * len(articles) // (args.edits + 1)]
        original = path.read_bytes()
        build_dir = Path(str(args.store) + ".builds") / "bench-incremental-apply"
        try:
            path.write_text(edit(original.decode("utf-8"), kind, number), encoding="utf-8")
            start = time.perf_counter()
            plan = incremental.plan(args.store, sources, ontology, shapes)
            planned = time.perf_counter() - start
            build_dir.mkdir(parents=True)
            start = time.perf_counter()
            outcome = incremental.apply(plan, build_dir, sources, ontology, shapes, lambda _m: None)
            row = {"kind": kind, "file": path.name, "plan": planned, **outcome.timings,
                   "plan+apply": planned + time.perf_counter() - start}
            outcome = None
            gc.collect()
        finally:
            path.write_bytes(original)
            shutil.rmtree(build_dir, ignore_errors=True)
        rows.append(row)
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
    stages = [k for k in rows[0] if k not in ("kind", "file")]
    print("median:", json.dumps({k: round(statistics.median(r[k] for r in rows), 2) for k in stages}))


if __name__ == "__main__":
    main()
