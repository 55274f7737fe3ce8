"""Pages and named queries at scale: browse listings, hub pages, search and every named query on
synthetic graphs (``bench/synthetic.py``) of about 100k and 1M asserted triples, timed through the Flask
test client (median of ``--runs`` runs after a warm-up). Updates its own section of docs/benchmarks.md
("## Pages and named queries at scale").

    .venv/bin/python bench/bench_pages.py build --entities 3300 --store /tmp/s100k
    .venv/bin/python bench/bench_pages.py measure --store /tmp/s100k --out after.json [--runs 5]
    PYTHONPATH=../main .venv/bin/python bench/bench_pages.py measure --store /tmp/s100k --code ../main \\
        --old-queries OLD_QUERIES_DIR --out before.json        # the baseline, on the same store
    .venv/bin/python bench/bench_pages.py report --size 100k before.json after.json build.json [--size …]

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


PAGES = [
    ("/browse", "browse index"), ("/", "home page"),
    ("/browse/document", "documents, first page"), ("/browse/document?page=LAST", "documents, last page"),
    ("/browse/document?type=qd", "documents of one type"), ("/browse/person", "people"),
    ("/browse/organization", "organizations"), ("/browse/post", "posts"), ("/browse/event", "events"),
    ("/id/person/p123", "entity: a person"), ("/id/document/d123", "entity: a document"),
    ("/id/role/r0", "hub: a role (1/5 of posts)"), ("/id/level/tu", "hub: a level (every organization)"),
    ("/id/document-type/qd", "hub: a document type (every document)"),
    ("/id/organization/o0", "hub: the root organization"),
    ("/search?q=quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh", "search “quyết định” (every document)"),
    ("/search?q=ng%C6%B0%E1%BB%9Di", "search “người” (every person)"),
    ("/search?q=h%E1%BB%99i+ngh%E1%BB%8B+123", "search “hội nghị 123”"),
    ("/search?q=t%E1%BB%95+ch%E1%BB%A9c+1", "search “tổ chức 1” (prefix)"),
]


def _median(fn, runs: int) -> float:
    """Milliseconds: one warm-up call, then the median of ``runs`` (of one when a call takes over 5 s)."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(1 if first > 5 else runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(store: Path, code: Path, runs: int, old_queries: Path | None) -> dict:
    """Every page of :data:`PAGES` and every named query, with the code of the checkout ``code`` (this
    one, or the baseline's: the same store is measured with both)."""
    sys.path.insert(0, str(code))
    import pyoxigraph as ox

    from graph import named_queries
    from graph.store import data_path, live_build_dir
    from webapp import create_app

    client = create_app({"DANVAN_STORE": str(store), "DANVAN_QUERY_TIMEOUT": 600}).test_client()
    html = {"Accept": "text/html"}
    out: dict = {"pages": {}, "queries": {}, "bytes": {}}
    for path, _label in PAGES:
        if "LAST" in path:
            r = client.get("/browse/document", headers=html)
            last = max(int(n) for n in __import__("re").findall(r"page=(\d+)", r.text)) if "page=" in r.text else 1
            path = path.replace("LAST", str(last))

        def get(path=path):
            r = client.get(path, headers=html)
            assert r.status_code == 200, (path, r.status_code)
            return r
        out["bytes"][path] = len(get().data)
        out["pages"][path] = _median(get, runs)
    db = ox.Store.read_only(str(data_path(live_build_dir(store))))
    for name, q in sorted(named_queries.all_queries().items()):
        subs = named_queries.bind(q, {})
        # as `danvan query` and the web page run it: the baseline had no named_queries.planned
        text = ((old_queries / f"{name}.rq").read_text(encoding="utf-8") if old_queries
                else named_queries.planned(q, subs))
        out["queries"][name] = _median(lambda: sum(1 for _ in named_queries.run(db, text, subs)), runs)
    return out


def report(doc: Path, runs: list[tuple[str, Path, Path, dict]], note: str) -> str:
    """The docs section: per size, each page and named query before (the baseline's code and queries)
    and after (this checkout's), on the same store, with the ratio."""
    lines = [HEADING, "",
             "`bench/bench_pages.py`: synthetic graphs from `bench/synthetic.py` built by `graph.build.build` (SHACL "
             "validation skipped in the bench only), each page fetched through the Flask test client, each named query "
             "run in process on the read-only store with its default parameters (as `danvan query` and the web page "
             "do). *Before*: the code and queries of `main` when this work started; *after*: this branch; both on the "
             f"same store in one run. Median of several runs after a warm-up (one run when a call took over 5 s); "
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores shared with other jobs (load average "
             "5–9 during these runs, so absolute figures are pessimistic; the ratios are the point).", ""]
    for label, before_file, after_file, build in runs:
        before = json.loads(before_file.read_text(encoding="utf-8"))
        after = json.loads(after_file.read_text(encoding="utf-8"))
        lines += [f"### {label}: {build['triples']:,} triples in the store (asserted and inferred)", "",
                  "| page or query | before | after | ratio | HTML before → after |", "|---|---|---|---|---|"]
        labels = {path: text for path, text in PAGES}
        for path, ms in after["pages"].items():
            key = path if path in before["pages"] else next((p for p in before["pages"] if p.split("?")[0] == path.split("?")[0] and "page=" in p), None)
            old = before["pages"].get(key) if key else None
            name = labels.get(path) or labels.get("/browse/document?page=LAST")
            size = f"{before['bytes'].get(key, 0) / 1024:,.0f} KB → {after['bytes'][path] / 1024:,.0f} KB" if key else ""
            lines.append(f"| {name} (`{path}`) | {_fmt(old)} | {_fmt(ms)} | {_ratio(old, ms)} | {size} |")
        for name, ms in after["queries"].items():
            old = before["queries"].get(name)
            lines.append(f"| named query `{name}` | {_fmt(old)} | {_fmt(ms)} | {_ratio(old, ms)} | |")
        lines.append("")
    lines += [note, ""]
    text = "\n".join(lines)
    replace_section(doc, HEADING, text)
    return text


def _fmt(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def _ratio(old: float | None, new: float) -> str:
    if old is not None and max(old, new) < 1:
        return "≈"  # under a millisecond both: noise
    return f"{old / new:.0f}×" if old and new and old / new >= 1.5 else "≈" if old and new and old / new > 0.67 else (
        f"{new / old:.1f}× slower" if old and new else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--entities", type=int, required=True)
    b.add_argument("--store", type=Path, required=True)
    m = sub.add_parser("measure")
    m.add_argument("--store", type=Path, required=True)
    m.add_argument("--code", type=Path, default=REPO, help="the checkout whose graph/ and webapp/ serve the pages")
    m.add_argument("--old-queries", type=Path, help="a folder of the baseline's .rq files (default: this checkout's)")
    m.add_argument("--runs", type=int, default=5)
    m.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("report")
    r.add_argument("--size", nargs=4, action="append", metavar=("LABEL", "BEFORE_JSON", "AFTER_JSON", "BUILD_JSON"),
                   required=True)
    r.add_argument("--note", type=Path, help="a file whose text closes the section")
    r.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    if args.cmd == "report":
        runs = [(label, Path(b), Path(a), json.loads(Path(bj).read_text(encoding="utf-8")))
                for label, b, a, bj in args.size]
        print(report(args.doc, runs, args.note.read_text(encoding="utf-8") if args.note else ""))
    elif args.cmd == "build":
        print(json.dumps(build_store(args.entities, args.store), indent=1))
    elif args.cmd == "measure":
        result = measure(args.store, args.code, args.runs, args.old_queries)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
