"""What a person reads from `danvan`: query tables name entities by their labels (the machine formats
keep the IRIs), and each validation finding is one readable line, the full results only with --verbose.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

BASE = "https://w3id.org/danvan/"
QD_290 = BASE + "id/document/qd-290-tw-2010"
QD_23 = BASE + "id/document/qd-23-tw-2021"

HEAD = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix d: <https://w3id.org/danvan/id/document/> .
@prefix dt: <https://w3id.org/danvan/id/document-type/> .
@prefix o: <https://w3id.org/danvan/id/organization/> .
@prefix s: <https://w3id.org/danvan/id/source/> .
"""


def source(slug: str, issuer: str, chapters: int) -> str:
    """A reference source stating a document's issuer and chapter count (invented test data)."""
    return HEAD + f"""
s:{slug} a dv:ReferenceSource ; dv:headline "Nguồn {slug}"@vi .
o:fixture-so-a a dv:PartyCommittee ; skos:prefLabel "Tỉnh ủy Thử nghiệm A"@vi , "Test Committee A"@en .
o:fixture-so-b a dv:PartyCommittee ; skos:prefLabel "Tỉnh ủy Thử nghiệm B"@vi , "Test Committee B"@en .
d:fixture-qd-9-tu a dv:PartyDocument ; dv:documentNumber "9-QĐ/TU" ; dv:documentType dt:qd ;
    dv:title "Quy định thử nghiệm"@vi , "Test regulation"@en ;
    dv:issuedBy o:{issuer} ; dv:chapterCount {chapters} .
"""


@pytest.fixture
def disagreeing(tmp_path) -> Path:
    """Three sources: the first disagrees with the other two on the issuer, the second with the other two
    on the chapter count. Pairwise, that is 4 warnings; for a person, 2 findings."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for name, issuer, chapters in (("fixture-x1", "fixture-so-a", 3), ("fixture-x2", "fixture-so-b", 4),
                                   ("fixture-x3", "fixture-so-b", 3)):
        (folder / f"{name}.ttl").write_text(source(name, issuer, chapters), encoding="utf-8")
    return folder


def findings(text: str) -> list[str]:
    """The finding lines of a report: not indented, not the closing verdict."""
    return [line for line in text.splitlines()
            if line and not line.startswith(" ") and not line.startswith("The data")]


def test_table_shows_labels_and_the_machine_formats_keep_iris(store_dir, run_danvan):
    table = run_danvan("query", "replacement-chain", "--param", f"document={QD_290}", "--store", store_dir)
    assert table.returncode == 0, table.stderr
    assert "23-QĐ/TW · " in table.stdout and "290-QĐ/TW · " in table.stdout  # documents: number, then title
    assert BASE not in table.stdout

    for fmt in ("csv", "tsv", "json"):
        raw = run_danvan("query", "replacement-chain", "--param", f"document={QD_290}", "--store", store_dir,
                         "--format", fmt)
        assert raw.returncode == 0, raw.stderr
        assert QD_23 in raw.stdout and "23-QĐ/TW · " not in raw.stdout
        if fmt == "csv":
            assert {r["related"] for r in csv.DictReader(io.StringIO(raw.stdout))} == {QD_23}


def test_table_labels_follow_lang(disagreeing, run_danvan, tmp_path):
    store = tmp_path / "store"
    assert run_danvan("build", "--store", store, "--sources", disagreeing).returncode == 0
    rq = tmp_path / "issuers.rq"
    rq.write_text("PREFIX dv: <https://w3id.org/danvan/ontology#>\n"
                  "SELECT DISTINCT ?doc ?p ?org WHERE { ?doc ?p ?org FILTER(?p = dv:issuedBy) } ORDER BY ?org\n",
                  encoding="utf-8")
    vi = run_danvan("query", rq, "--store", store)
    en = run_danvan("query", rq, "--store", store, "--lang", "en")
    assert vi.returncode == en.returncode == 0, vi.stderr + en.stderr
    assert vi.stdout.splitlines()[2].split("  ")[0:1] == ["9-QĐ/TU · Quy định thử nghiệm"]
    assert "cơ quan ban hành" in vi.stdout and "Tỉnh ủy Thử nghiệm A" in vi.stdout
    assert "9-QĐ/TU · Test regulation" in en.stdout and "issued by" in en.stdout and "Test Committee B" in en.stdout
    assert "Tỉnh ủy" not in en.stdout and "Test" not in vi.stdout
    assert "http" not in vi.stdout + en.stdout


def test_validate_prints_one_readable_line_per_finding(disagreeing, run_danvan):
    r = run_danvan("validate", "--sources", disagreeing)
    assert r.returncode == 0, r.stderr
    lines = findings(r.stdout)
    assert len(lines) == 2, r.stdout  # 4 pairwise warnings, 2 findings
    issuer = next(line for line in lines if "cơ quan ban hành" in line)
    assert issuer.startswith("Warning: 9-QĐ/TU · Quy định thử nghiệm: ")
    said = "Tỉnh ủy Thử nghiệm A (fixture-x1.ttl) ≠ Tỉnh ủy Thử nghiệm B (fixture-x2.ttl, fixture-x3.ttl)"
    assert said in issuer, issuer
    chapters = next(line for line in lines if "số chương" in line)
    assert "3 (fixture-x1.ttl, fixture-x3.ttl) ≠ 4 (fixture-x2.ttl)" in chapters, chapters
    assert "http" not in r.stdout and str(disagreeing) not in r.stdout  # files by their names
    assert "4 warning(s), 2 finding(s)" in r.stdout and "--verbose" in r.stdout


def test_verbose_adds_each_result_in_full(disagreeing, run_danvan):
    r = run_danvan("validate", "--sources", disagreeing, "--verbose")
    assert r.returncode == 0, r.stderr
    assert len(findings(r.stdout)) == 2
    details = [line for line in r.stdout.splitlines() if line.startswith("    ")]
    assert len(details) == 4  # one per pairwise result, under its finding
    assert all(BASE + "id/document/fixture-qd-9-tu" in line for line in details)
    assert any("Sources disagree" in line for line in details)  # both languages, in full


def test_build_warnings_are_one_line_each_on_stderr(disagreeing, run_danvan, tmp_path):
    r = run_danvan("build", "--store", tmp_path / "store", "--sources", disagreeing, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("built ") and "4 warning(s)" in r.stdout
    lines = findings(r.stderr)
    assert len(lines) == 2, r.stderr
    issuer = "Warning: 9-QĐ/TU · Test regulation: sources disagree on issued by: "
    assert any(line.startswith(issuer) for line in lines), lines
    assert "http" not in r.stderr


def test_a_violation_is_one_readable_line(run_danvan, tmp_path):
    sources = Path(__file__).resolve().parent / "fixtures" / "sources" / "nonconforming"
    r = run_danvan("build", "--store", tmp_path / "store", "--sources", sources)
    assert r.returncode == 1
    lines = findings(r.stderr)
    assert lines[0].startswith("Violation: ") and "(fixture-nonconforming.ttl)" in lines[0]
    assert "http" not in lines[0]
