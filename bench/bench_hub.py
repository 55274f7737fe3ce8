"""Entity pages on a hub: an organization with N posts in it (N people, default 10,000), built through
the real pipeline (``graph.build.build`` with a generated source), then its page timed through the
Flask test client (median of ``--runs`` runs after one warm-up). Updates its own section of
docs/benchmarks.md ("## Entity pages on a hub") and leaves the others as they are.

    .venv/bin/python bench/bench_hub.py [--members 10000] [--runs 7] [--doc docs/benchmarks.md]

The generator (:func:`write_hub_source`) is also what documents the shape of the data: one reference
source stating an organization, N people and N posts ``dv:postIn`` it, each with a role and a date.
"""

from __future__ import annotations

import argparse
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

HEADING = "## Entity pages on a hub"
HUB = "https://w3id.org/danvan/id/organization/bench-hub"
NOTE = ("Groups are read in the store's index order (stable within a build) and each page sorted for display: with `ORDER BY` over the 10,000 neighbours the same page took 1.9 s (Oxigraph decodes every term to sort), and a `VALUES` join for labels another 0.5 s, so labels are looked up in the index, one per IRI.")


def write_hub_source(folder: Path, members: int) -> Path:
    """A source file with an organization that ``members`` posts are in (invented data)."""
    lines = [
        "@prefix dv: <https://w3id.org/danvan/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix p: <https://w3id.org/danvan/id/person/> .",
        "@prefix post: <https://w3id.org/danvan/id/post/> .",
        "",
        "<https://w3id.org/danvan/id/source/bench-hub> a dv:ReferenceSource ;",
        '    dv:headline "Nguồn thử nghiệm: một tổ chức có rất nhiều thành viên"@vi ;',
        '    dv:datePublished "2024-01-02"^^xsd:date .',
        f'<{HUB}> a dv:MassMobilizationBoard ; skos:prefLabel "Ban Dân vận Thử nghiệm Lớn"@vi , "Big Test Board"@en .',
        '<https://w3id.org/danvan/id/role/bench-uy-vien> a dv:Role ; skos:prefLabel "Ủy viên thử nghiệm"@vi .',
    ]
    for i in range(members):
        lines.append(f'p:bench-member-{i:05d} a dv:Person ; dv:fullName "Thành viên {i:05d}"@vi .')
        lines.append(
            f"post:bench-member-{i:05d}--uy-vien--bench-hub a dv:Post ; dv:holder p:bench-member-{i:05d} ; "
            f"dv:role <https://w3id.org/danvan/id/role/bench-uy-vien> ; dv:postIn <{HUB}> ; "
            f'dv:attestedOn "2024-01-02"^^xsd:date .')
    path = folder / "bench-hub.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def median_ms(fn, runs: int) -> tuple[float, object]:
    result = fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def write(doc: Path, text: str) -> None:
    replace_section(doc, HEADING, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)

    from graph.build import build
    from webapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "sources").mkdir()
        source = write_hub_source(tmp / "sources", args.members)
        t = time.perf_counter()
        built = build(tmp / "store", sources=[source])
        build_s = time.perf_counter() - t
        client = create_app({"DANVAN_STORE": str(tmp / "store")}).test_client()
        path = "/id/organization/bench-hub"
        html = {"Accept": "text/html"}

        def get(url):
            def run():
                r = client.get(url, headers=html)
                assert r.status_code == 200, r.status_code
                return r
            return run

        first_ms, r1 = median_ms(get(path), args.runs)
        last_page = -(-args.members // 50)
        deep_ms, _ = median_ms(get(f"{path}?group=posts&page={last_page}"), args.runs)
        member_ms, _ = median_ms(get("/id/person/bench-member-00042"), args.runs)
        rows = r1.text.count("data-statement") + r1.text.count('class="post-row"')
        size_kb = len(r1.data) / 1024

    text = "\n".join([
        HEADING, "",
        f"`bench/bench_hub.py --members {args.members}`: an organization that {args.members:,} posts are in "
        f"(`dv:postIn`, so also {args.members:,} entailed `org:organization` links), built by `danvan build`'s "
        f"pipeline ({built.triples:,} triples, {build_s:.1f} s), its page fetched through the Flask test client; "
        f"median of {args.runs} runs after a warm-up, {platform.machine()}, Python {platform.python_version()}.",
        "",
        "| page | median |",
        "|---|---|",
        f"| the hub, first page of every group | {first_ms:.0f} ms |",
        f"| the hub, last page of its posts (`?group=posts&page={last_page}`) | {deep_ms:.0f} ms |",
        f"| one member's page | {member_ms:.0f} ms |",
        "",
        f"The hub's page shows every group's count and at most 50 rows of each ({rows} rows in all, "
        f"{size_kb:.0f} KB of HTML): one `GROUP BY` count per direction, then one `LIMIT`/`OFFSET` page per "
        "group; no query returns the whole neighbourhood.",
        "",
        NOTE,
        "",
    ])
    write(args.doc, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
