"""Pages and named queries at scale: browse listings, hub pages, search and every named query on
synthetic graphs (``bench/synthetic.py``) of about 100k and 1M asserted triples, timed through the Flask
test client (median of ``--runs`` runs after a warm-up). Updates its own section of docs/benchmarks.md
("## Pages and named queries at scale").

    .venv/bin/python bench/bench_pages.py build --entities 3300 --store /tmp/s100k
    .venv/bin/python bench/bench_pages.py measure --store /tmp/s100k --label "100k" [--runs 5]
    .venv/bin/python bench/bench_pages.py report RESULTS.json...

The stores are built by the product's pipeline (``graph.build.build``) with SHACL validation replaced by
a conforming no-op IN THIS SCRIPT ONLY: pySHACL does not finish at 100k+ triples, and validation is not
what is measured here (the data is generated to conform).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import replace_section  # noqa: E402

HEADING = "## Pages and named queries at scale"


def build_store(entities: int, store: Path) -> dict:
    """Synthetic sources of ``entities`` groups, built into ``store`` without SHACL validation."""
    import rdflib

    import graph.build as build_module
    from graph.validate import ValidationResult
    from synthetic import write_sources

    def no_validation(db, loaded, shapes=None):  # bench only: the generated data conforms by construction
        return ValidationResult(True, 0, 0, rdflib.Graph())

    build_module.validate = no_validation
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    sources = write_sources(folder, entities)
    start = time.perf_counter()
    result = build_module.build(store, sources=sources)
    return {"triples": result.triples, "seconds": time.perf_counter() - start, "timings": result.timings}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--entities", type=int, required=True)
    b.add_argument("--store", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.cmd == "build":
        print(json.dumps(build_store(args.entities, args.store), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
