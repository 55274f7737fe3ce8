"""DANVAN_BASE_IRI end to end: a store built under another base holds only that base's IRIs; the real
server (started with the same setting) answers the entity pages of the new IRIs under /id/…, the SPARQL
endpoint and the editor use them, `danvan export` writes them and `danvan query` returns them."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
import rdflib
import requests

OTHER = "http://kg.example.org/dv/"
CANONICAL = "https://w3id.org/danvan/"
ORG = "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh"


@pytest.fixture(scope="module")
def other_env(clean_env) -> dict[str, str]:
    return clean_env(DANVAN_BASE_IRI=OTHER)


@pytest.fixture(scope="module")
def other_store(tmp_path_factory, danvan, other_env):
    import subprocess

    store = tmp_path_factory.mktemp("other-base") / "store"
    done = subprocess.run([danvan, "build", "--store", str(store)], env=other_env, capture_output=True, text=True,
                          timeout=600, cwd=store.parent, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="module")
def other_server(other_store, start_server) -> str:
    base, _proc = start_server(other_store, DANVAN_BASE_IRI=OTHER)
    return base


def test_export_uses_the_base(other_store, run_danvan, other_env, clean_env):
    for env in (other_env, clean_env()):  # the base is in the data: exporting needs no setting
        done = run_danvan("export", "--store", other_store, "--format", "nquads", env=env)
        assert done.returncode == 0, done.stderr
        assert CANONICAL not in done.stdout
        quads = list(ox.parse(done.stdout.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        assert OTHER + "graph/ontology" in graphs and OTHER + "graph/inferred" in graphs
        assert any(g.startswith(OTHER + "id/source/") for g in graphs)
        subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
        assert OTHER + "id/" + ORG in subjects


def test_cli_query_returns_the_new_iris(other_store, run_danvan, other_env):
    done = run_danvan("query", "replacement-chain", "--store", other_store, "--format", "csv",
                      "--param", f"document={OTHER}id/document/qd-290-tw-2010", env=other_env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["document"], r["related"], r["number"]) for r in rows] == [
        (OTHER + "id/document/qd-290-tw-2010", OTHER + "id/document/qd-23-tw-2021", "23-QĐ/TW")]


def test_cli_named_queries_with_their_defaults_work_under_another_base(other_store, run_danvan, other_env):
    # the queries are written with the canonical base (PREFIX dv:, role IRIs, the defaults): the loader moves them
    for name in ("replacement-chain", "conflicts"):
        done = run_danvan("query", name, "--store", other_store, "--format", "csv", env=other_env)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.strip().splitlines()) > 1, f"{name}: no rows under {OTHER}"
        assert CANONICAL not in done.stdout


def test_query_pages_and_the_editor_show_the_moved_text(other_server):
    rows = requests.get(other_server + "/queries/conflicts.json", timeout=60).json()["results"]["bindings"]
    assert {r["kind"]["value"] for r in rows} == {"values disagree", "event on a document no longer in force"}
    assert all(r["subject"]["value"].startswith(OTHER + "id/") for r in rows)
    page = requests.get(other_server + "/queries/replacement-chain", timeout=60)
    assert page.status_code == 200
    assert f"PREFIX dv: &lt;{OTHER}ontology#&gt;" in page.text and CANONICAL not in page.text
    assert "23-QĐ/TW" in page.text  # the default parameter (moved) found the replacement
    editor = requests.get(other_server + "/sparql/editor.json", timeout=30).json()
    texts = {q["name"]: q["query"] for q in editor["queries"]}
    assert f"<{OTHER}id/role/bi-thu>" in texts["conflicts"]
    assert not [name for name, text in texts.items() if CANONICAL in text]
    defaults = [p["default"] for q in editor["queries"] for p in q["parameters"] if p["type"] == "iri"]
    assert defaults and all(d.startswith(OTHER + "id/") for d in defaults)


def test_entity_pages_answer_for_the_new_iris(other_server):
    iri = OTHER + "id/" + ORG
    page = requests.get(other_server + "/id/" + ORG, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert iri in page.text and CANONICAL + "id/" not in page.text
    turtle = requests.get(other_server + "/id/" + ORG, headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200
    g = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (rdflib.URIRef(iri), None, None) in g
    assert not any(str(s).startswith(CANONICAL) for s in g.subjects())


def test_the_endpoint_and_editor_use_the_base(other_server):
    r = requests.get(other_server + "/sparql", params={"query": f"ASK {{ <{OTHER}id/{ORG}> ?p ?o }}"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = requests.get(other_server + "/sparql", params={"query": f"ASK {{ <{CANONICAL}id/{ORG}> ?p ?o }}"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.json()["boolean"] is False
    config = requests.get(other_server + "/sparql/editor.json", timeout=30).json()
    assert config["entity_base"] == OTHER + "id/"
    assert config["prefixes"]["dv"] == OTHER + "ontology#"
