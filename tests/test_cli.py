"""The `danvan` command, run for real as a subprocess: exit codes 0/1/2, messages, formats, --store.

Builds here use the small fixture sources in tests/fixtures/sources/ (``--sources``), so each one is
quick; the packaged data is built once by the session fixture.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import rdflib

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"
GOOD_ORG = "https://w3id.org/danvan/id/organization/fixture-ban-dan-van"

ORGS_QUERY = """#+ title@vi: Tổ chức
#+ title@en: Organizations
#+ param lang: lang = vi ; Ngôn ngữ ; Language
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?org ?name ?lang WHERE {
  ?org a org:Organization ; skos:prefLabel ?name .
  FILTER(LANG(?name) = ?lang)
} ORDER BY ?org
"""


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text


@pytest.fixture
def orgs_rq(tmp_path) -> Path:
    path = tmp_path / "orgs.rq"
    path.write_text(ORGS_QUERY, encoding="utf-8")
    return path


@pytest.fixture
def good_store(tmp_path, run_danvan) -> Path:
    store = tmp_path / "store"
    r = run_danvan("build", "--store", store, "--sources", SOURCES / "good")
    assert r.returncode == 0, r.stderr
    return store


def test_build_ok_exit_0_and_store_answers(good_store, run_danvan, orgs_rq):
    assert good_store.is_symlink()
    r = run_danvan("query", orgs_rq, "--store", good_store, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"org": GOOD_ORG, "name": "Ban Dân vận Thử nghiệm", "lang": "vi"} in rows


def test_build_prints_summary_and_no_progress_when_not_a_terminal(tmp_path, run_danvan):
    r = run_danvan("build", "--store", tmp_path / "s", "--sources", SOURCES / "good")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("built "), r.stdout
    assert "· load" not in r.stderr  # progress lines only on a terminal


def test_broken_source_exit_2_with_position_and_old_store_kept(good_store, run_danvan, orgs_rq):
    before = (good_store.resolve(), sorted(p.name for p in good_store.parent.glob("store.builds/*")))
    r = run_danvan("build", "--store", good_store, "--sources", SOURCES / "broken")
    assert r.returncode == 2
    no_traceback(r.stderr)
    # file:line:column of the bad token (line 4, the object missing after the comma)
    assert "fixture-broken.ttl:4:35:" in r.stderr, r.stderr
    after = (good_store.resolve(), sorted(p.name for p in good_store.parent.glob("store.builds/*")))
    assert after == before  # same live build, no leftover build directory
    q = run_danvan("query", orgs_rq, "--store", good_store, "--format", "json")
    assert q.returncode == 0, q.stderr
    values = [b["org"]["value"] for b in json.loads(q.stdout)["results"]["bindings"]]
    assert GOOD_ORG in values


def test_not_nfc_source_exit_2(tmp_path, run_danvan):
    r = run_danvan("build", "--store", tmp_path / "s", "--sources", SOURCES / "not-nfc")
    assert r.returncode == 2
    no_traceback(r.stderr)
    assert "fixture-not-nfc.ttl:4" in r.stderr and "NFC" in r.stderr
    assert not (tmp_path / "s").exists()


def test_nonconforming_source_exit_1_report_names_file(good_store, run_danvan):
    live = good_store.resolve()
    r = run_danvan("build", "--store", good_store, "--sources", SOURCES / "nonconforming")
    assert r.returncode == 1, r.stderr
    no_traceback(r.stderr)
    assert "fixture-nonconforming.ttl" in r.stderr
    assert "fixture-nameless" in r.stderr
    assert good_store.resolve() == live


def test_validate_exit_codes_and_formats(run_danvan):
    ok = run_danvan("validate", "--sources", SOURCES / "good", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["conforms"] is True

    bad = run_danvan("validate", "--sources", SOURCES / "nonconforming", "--format", "json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["conforms"] is False and report["violations"] >= 1
    assert any("fixture-nonconforming.ttl" in f for res in report["results"] for f in res["files"])

    ttl = run_danvan("validate", "--sources", SOURCES / "nonconforming", "--format", "turtle")
    assert ttl.returncode == 1
    g = rdflib.Graph().parse(data=ttl.stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in g

    broken = run_danvan("validate", "--sources", SOURCES / "broken")
    assert broken.returncode == 2 and "fixture-broken.ttl:4:35:" in broken.stderr


def test_validate_writes_nothing(tmp_path, run_danvan, clean_env):
    env = clean_env(DANVAN_STORE=str(tmp_path / "s"))
    r = run_danvan("validate", "--sources", SOURCES / "good", env=env)
    assert r.returncode == 0
    assert not (tmp_path / "s").exists() and not (tmp_path / "s.builds").exists()


def test_query_formats(good_store, run_danvan, orgs_rq):
    table = run_danvan("query", orgs_rq, "--store", good_store)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["org", "name", "lang"]
    header_cols = [lines[0].index("name"), lines[0].index("lang")]
    # the org column shows the organization's label (the table is for reading), CSV/TSV/JSON the IRI
    row = next(line for line in lines if line.startswith("Ban Dân vận Thử nghiệm  "))
    assert GOOD_ORG not in table.stdout
    # aligned: each column starts at the header's column (Vietnamese text counted by display width)
    assert row[header_cols[1]:].strip() == "vi"
    assert lines[-1] == "(2 rows)"

    tsv = run_danvan("query", orgs_rq, "--store", good_store, "--format", "tsv", "--param", "lang=en")
    assert tsv.returncode == 0
    assert tsv.stdout.splitlines()[0] == "?org\t?name\t?lang"
    assert f'<{GOOD_ORG}>\t"Test Mass Mobilization Board"@en\t"en"' in tsv.stdout

    js = run_danvan("query", orgs_rq, "--store", good_store, "--format", "json")
    data = json.loads(js.stdout)
    assert data["head"]["vars"] == ["org", "name", "lang"]
    assert {"type": "literal", "value": "Ban Dân vận Thử nghiệm", "xml:lang": "vi"} in [
        b["name"] for b in data["results"]["bindings"]]


def test_query_construct_gives_turtle(good_store, run_danvan, tmp_path):
    rq = tmp_path / "c.rq"
    rq.write_text("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                  "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }", encoding="utf-8")
    r = run_danvan("query", rq, "--store", good_store)
    assert r.returncode == 0, r.stderr
    g = rdflib.Graph().parse(data=r.stdout, format="turtle")
    assert (rdflib.URIRef(GOOD_ORG), rdflib.SKOS.prefLabel, rdflib.Literal("Ban Dân vận Thử nghiệm", lang="vi")) in g
    csv_r = run_danvan("query", rq, "--store", good_store, "--format", "csv")
    assert csv_r.returncode == 2 and "CONSTRUCT" in csv_r.stderr


def test_store_from_environment(good_store, run_danvan, orgs_rq, clean_env):
    r = run_danvan("query", orgs_rq, "--format", "csv", env=clean_env(DANVAN_STORE=str(good_store)))
    assert r.returncode == 0, r.stderr
    assert GOOD_ORG in r.stdout


@pytest.mark.parametrize("args, message", [
    (["--param", "lang=x y"], "language tag"),
    (["--param", "nope=1"], "no parameter 'nope'"),
    (["--param", "novalue"], "KEY=VALUE"),
])
def test_query_parameter_errors_exit_2(good_store, run_danvan, orgs_rq, args, message):
    r = run_danvan("query", orgs_rq, "--store", good_store, *args)
    assert r.returncode == 2
    assert message in r.stderr
    no_traceback(r.stderr)


def test_query_errors_exit_2(good_store, run_danvan, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n  ?s ?p ?o .\n  BOUND ?x\n}\n", encoding="utf-8")
    r = run_danvan("query", bad, "--store", good_store)
    assert r.returncode == 2 and re.search(r"\b3:\d+", r.stderr), r.stderr  # the line of the mistake
    no_traceback(r.stderr)

    missing = run_danvan("query", "no-such-query-name", "--store", good_store)
    assert missing.returncode == 2 and "no named query" in missing.stderr

    no_store = run_danvan("query", bad, "--store", tmp_path / "never-built")
    assert no_store.returncode == 2 and "danvan build" in no_store.stderr
    no_traceback(no_store.stderr)


def test_missing_store_errors_exit_2(tmp_path, run_danvan):
    for args in (["export"], ["serve", "--port", "0"]):
        r = run_danvan(*args, "--store", tmp_path / "never-built")
        assert r.returncode == 2, (args, r.stderr)
        assert "danvan build" in r.stderr
        no_traceback(r.stderr)


def test_bad_arguments_exit_2(run_danvan):
    assert run_danvan("query").returncode == 2
    assert run_danvan("no-such-command").returncode == 2
    assert run_danvan("validate", "--format", "yaml").returncode == 2
    r = run_danvan("build", "--sources", "/nonexistent/dir")
    assert r.returncode == 2 and "not a directory" in r.stderr


def test_export_keeps_named_graphs(good_store, run_danvan, tmp_path):
    out = tmp_path / "out.nq"
    r = run_danvan("export", "--store", good_store, "--format", "nquads", "-o", out)
    assert r.returncode == 0, r.stderr
    ds = rdflib.Dataset()
    ds.parse(out, format="nquads")
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert "https://w3id.org/danvan/id/source/fixture-good" in graphs
    assert "https://w3id.org/danvan/graph/inferred" in graphs
    src = ds.graph(rdflib.URIRef("https://w3id.org/danvan/id/source/fixture-good"))
    assert (rdflib.URIRef(GOOD_ORG), rdflib.SKOS.prefLabel, rdflib.Literal("Ban Dân vận Thử nghiệm", lang="vi")) in src

    stdout = run_danvan("export", "--store", good_store, "--format", "trig")
    assert stdout.returncode == 0
    ds2 = rdflib.Dataset()
    ds2.parse(data=stdout.stdout, format="trig")
    assert len(ds2) == len(ds)


def test_progress_is_shown_on_a_terminal(tmp_path, danvan, clean_env):
    import os
    import pty
    import subprocess

    main, secondary = pty.openpty()
    try:
        proc = subprocess.run([danvan, "build", "--store", str(tmp_path / "s"), "--sources", str(SOURCES / "good")],
                              cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=secondary,
                              stdin=subprocess.DEVNULL, timeout=600)
        os.close(secondary)
        secondary = None
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if secondary is not None:
            os.close(secondary)
        os.close(main)
    assert proc.returncode == 0
    terminal = b"".join(chunks).decode("utf-8", "replace")
    for stage in ("load:", "reason:", "validate:", "store:"):
        assert f"· {stage}" in terminal, terminal
    assert b"\xc2\xb7" not in proc.stdout  # progress never goes to standard output
