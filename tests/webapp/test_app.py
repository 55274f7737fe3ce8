"""The web app in-process: /health, /, entity pages and their RDF, /sparql, errors.

RDF answers are parsed back into graphs and asserted triple by triple (rdflib-endpoint's style).
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import SKOS, Literal, URIRef

from graph.store import build_info

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # a browser's
JSON = {"Accept": "application/json"}


# ------------------------------------------------------------------------------------------ health

def test_health(client, store_dir):
    r = client.get("/health")
    assert r.status_code == 200 and r.mimetype == "application/json"
    info = build_info(store_dir)
    assert r.json == {"status": "ok", "triples": info["triples"], "build_id": info["build_id"],
                      "built_at": info["built_at"]}
    assert r.json["triples"] > 0


def test_health_without_store(tmp_path):
    from webapp import create_app

    r = create_app({"DANVAN_STORE": str(tmp_path / "none")}).test_client().get("/health")
    assert r.status_code == 503
    assert r.json["status"] == "unavailable" and "danvan build" in r.json["message"]


# -------------------------------------------------------------------------------------------- home

def test_home_counts_every_kind(client, store):
    from graph import settings

    prefix = settings.base_iri() + "id/"
    expected: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
        s = quad.subject
        if isinstance(s, ox.NamedNode) and s.value.startswith(prefix):
            expected.setdefault(s.value[len(prefix):].split("/", 1)[0], set()).add(s.value)
    r = client.get("/", headers=HTML)
    assert r.status_code == 200
    shown = dict(re.findall(r'data-kind="([^"]+)">(\d+)<', r.text))
    assert shown == {kind: str(len(iris)) for kind, iris in expected.items()}
    assert {"organization", "person", "document", "source"} <= set(shown)


def test_home_links_to_entities(client, entity, visible_text, path_of):
    r = client.get("/", headers=HTML)
    assert f'href="{path_of(entity.iri)}"' in r.text
    assert entity.label in visible_text(r.text)


# ------------------------------------------------------------------------------------------ entity

def test_entity_page_lists_statements_with_sources(client, entity, store, visible_text, path_of):
    from graph import settings

    r = client.get(path_of(entity.iri), headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    text = visible_text(r.text)
    assert re.search(r"<h1>\s*" + re.escape(entity.label) + r"\s*</h1>", r.text)
    assert entity.source_headline in text  # the source a statement comes from, by its headline
    assert "khẳng định" in text  # "asserted" (the page is Vietnamese by default)
    # every statement about the entity appears: in its property's group, or — when the page folds a
    # group under one that states the same facts (issue 9) — named in that group's "also recorded as"
    # line; and every source that states something about it is cited
    node = ox.NamedNode(entity.iri)
    out = [q for q in store.quads_for_pattern(node, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)]
    inc = [q for q in store.quads_for_pattern(None, None, node, None) if not isinstance(q.graph_name, ox.DefaultGraph)]
    groups = r.text[r.text.index('<section class="groups out">'):]
    shown = set(re.findall(r'data-group="([^"]+)"', groups))
    folded = {key for keys in re.findall(r'data-folds="([^"]+)"', groups) for key in keys.split()}
    for direction, quads in (("out", out), ("in", inc)):
        for q in quads:
            assert f"{direction}:{q.predicate.value}" in shown | folded, (direction, q.predicate.value)
    cited = set(re.findall(r'<span class="cite[^"]*">\s*<a href="([^"]+)"', groups))
    sources = {q.graph_name.value for q in out + inc} - {settings.inferred_graph()}
    assert {path_of(g) for g in sources} <= cited


def test_entity_page_marks_entailed_statements(client, store, path_of):
    from graph import settings

    inferred = ox.NamedNode(settings.inferred_graph())
    quad = next(q for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, inferred)
                if isinstance(q.subject, ox.NamedNode) and "/id/" in q.subject.value)
    r = client.get(path_of(quad.subject.value), headers=HTML)
    assert r.status_code == 200
    assert '<tr class="entailed" data-statement>' in r.text and "suy diễn (OWL 2 RL)" in r.text
    r = client.get(path_of(quad.subject.value), headers=HTML, query_string={"lang": "en"})
    assert '<tr class="entailed" data-statement>' in r.text and "inferred (OWL 2 RL)" in r.text


def test_entity_page_link_alternate_header(client, entity, path_of):
    r = client.get(path_of(entity.iri), headers=HTML)
    link = r.headers["Link"]
    for suffix, media in (("ttl", "text/turtle"), ("nt", "application/n-triples"),
                          ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml")):
        assert f'<{path_of(entity.iri)}.{suffix}>; rel="alternate"; type="{media}"' in link
    assert "Accept" in [v.strip() for v in r.headers["Vary"].split(",")]


@pytest.mark.parametrize("accept, media, parse_as", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle"),
])
def test_entity_conneg(client, entity, accept, media, parse_as, path_of):
    r = client.get(path_of(entity.iri), headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media
    g = rdflib.Graph().parse(data=r.data, format=parse_as)
    assert (URIRef(entity.iri), SKOS.prefLabel, Literal(entity.label, lang="vi")) in g
    assert all(s == URIRef(entity.iri) or o == URIRef(entity.iri) for s, _, o in g)


@pytest.mark.parametrize("suffix, media, parse_as", [
    ("ttl", "text/turtle", "turtle"), ("nt", "application/n-triples", "nt"),
    ("jsonld", "application/ld+json", "json-ld"), ("rdf", "application/rdf+xml", "xml"),
])
def test_entity_suffixes(client, entity, suffix, media, parse_as, path_of):
    r = client.get(f"{path_of(entity.iri)}.{suffix}", headers=HTML)  # the suffix wins over Accept
    assert r.status_code == 200 and r.mimetype == media
    g = rdflib.Graph().parse(data=r.data, format=parse_as)
    assert (URIRef(entity.iri), SKOS.prefLabel, Literal(entity.label, lang="vi")) in g


@pytest.mark.parametrize("path", ["/id/organization/no-such-thing", "/id/no-such-kind/x",
                                  "/id/organization/no-such-thing.ttl", "/nowhere"])
def test_unknown_is_404_in_json_or_html(client, path, visible_text):
    r = client.get(path, headers=JSON)
    assert r.status_code == 404 and r.json["error"]["status"] == 404
    h = client.get(path, headers=HTML)
    assert h.status_code == 404 and h.mimetype == "text/html"
    assert "404" in visible_text(h.text)


def test_hostile_path_is_escaped(client):
    r = client.get("/id/organization/<script>alert(1)</script>", headers=HTML)
    assert r.status_code == 404
    assert "<script>" not in r.text


# ------------------------------------------------------------------------------------------ sparql

SELECT_ENTITY = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?label WHERE { <%s> skos:prefLabel ?label }"


def test_sparql_select_json_by_default(client, entity):
    r = client.get("/sparql", query_string={"query": SELECT_ENTITY % entity.iri})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    labels = {(b["label"]["value"], b["label"].get("xml:lang")) for b in r.json["results"]["bindings"]}
    assert (entity.label, "vi") in labels


@pytest.mark.parametrize("accept, fmt, media", [
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    (None, "csv", "text/csv"),
    (None, "xml", "application/sparql-results+xml"),
])
def test_sparql_select_formats(client, entity, accept, fmt, media):
    qs = {"query": SELECT_ENTITY % entity.iri}
    if fmt:
        qs["format"] = fmt
    r = client.get("/sparql", query_string=qs, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == media
    assert entity.label in r.text
    if media == "text/csv":
        assert next(csv.reader(io.StringIO(r.text))) == ["label"]


def test_sparql_post_form_and_direct(client, entity):
    form = client.post("/sparql", data={"query": SELECT_ENTITY % entity.iri})
    direct = client.post("/sparql", data=(SELECT_ENTITY % entity.iri).encode(),
                         content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert form.json == direct.json and form.json["results"]["bindings"]


def test_sparql_ask(client, entity):
    r = client.get("/sparql", query_string={"query": f"ASK {{ <{entity.iri}> ?p ?o }}"})
    assert r.status_code == 200 and r.json["boolean"] is True


def test_sparql_construct_is_turtle(client, entity):
    q = f"CONSTRUCT {{ <{entity.iri}> ?p ?o }} WHERE {{ <{entity.iri}> ?p ?o }}"
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (URIRef(entity.iri), SKOS.prefLabel, Literal(entity.label, lang="vi")) in g
    j = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/ld+json"})
    assert j.mimetype == "application/ld+json"
    assert len(rdflib.Graph().parse(data=j.data, format="json-ld")) == len(g)


def test_sparql_union_default_graph_and_named_graphs(client, entity):
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{entity.iri}> ?p ?o }} }}"
    graphs = {b["g"]["value"] for b in client.get("/sparql", query_string={"query": q}).json["results"]["bindings"]}
    assert len(graphs) >= 1
    one = sorted(graphs)[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = client.get("/sparql", query_string={"query": count}).json
    only = client.get("/sparql", query_string={"query": count, "default-graph-uri": one}).json
    n_union = int(union["results"]["bindings"][0]["n"]["value"])
    n_only = int(only["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_only < n_union


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": {"update": "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"}},
    {"method": "POST", "data": b"DELETE WHERE { ?s ?p ?o }", "content_type": "application/sparql-update"},
    {"method": "GET", "query_string": {"query": "PREFIX e: <http://e/>\nINSERT DATA { e:s e:p e:o }"}},
    {"method": "POST", "data": {"query": "# comment\nDROP ALL"}},
    {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
])
def test_sparql_updates_refused_and_store_unchanged(client, request_kwargs):
    before = client.get("/health").json["triples"]
    count_q = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    n_before = client.get("/sparql", query_string=count_q).json["results"]["bindings"][0]["n"]["value"]
    r = client.open("/sparql", **request_kwargs)
    assert r.status_code == 403
    assert "read-only" in r.json["error"]["message"]
    n_after = client.get("/sparql", query_string=count_q).json["results"]["bindings"][0]["n"]["value"]
    assert n_after == n_before and client.get("/health").json["triples"] == before
    ask = client.get("/sparql", query_string={"query": "ASK { <http://e/s> ?p ?o }"})
    assert ask.json["boolean"] is False


def test_sparql_syntax_error_is_400_with_position(client):
    q = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  BOUND ?x\n}\n"
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 400
    err = r.json["error"]
    assert err["line"] == 3 and isinstance(err["column"], int)
    assert "syntax" in err["message"].lower()
    h = client.get("/sparql", query_string={"query": q}, headers=HTML)
    assert h.status_code == 400 and h.mimetype == "text/html"
    assert 'role="alert"' in h.text and "Dòng 3" in h.text
    assert "BOUND ?x" in h.text  # the query stays in the editor


def test_sparql_editor_and_service_description(client):
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200 and "<textarea" in page.text
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert sd.status_code == 200 and sd.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=sd.data, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, SD.Service) in g
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in g
    none = client.get("/sparql", headers={"Accept": "text/csv"})  # results wanted, but no query given
    assert none.status_code == 400 and "query=" in none.json["error"]["message"]


def test_sparql_html_results(client, entity, visible_text):
    r = client.get("/sparql", query_string={"query": SELECT_ENTITY % entity.iri}, headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "<th>label</th>" in r.text and entity.label in visible_text(r.text)


def test_sparql_bad_requests(client):
    assert client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert client.post("/sparql", data=b"ASK {}", content_type="text/plain").status_code == 415
    r = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert r.status_code == 400
    r = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert r.status_code == 406
    assert client.put("/sparql").status_code == 405


# ------------------------------------------------------------------------------------------ errors

def test_unexpected_error_is_500_without_traceback(app, monkeypatch, entity, path_of):
    import webapp.entity

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(webapp.entity, "describe", boom)
    c = app.test_client()
    r = c.get(path_of(entity.iri), headers=JSON)
    assert r.status_code == 500
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert r.json["error"]["status"] == 500
    h = c.get(path_of(entity.iri), headers=HTML)
    assert h.status_code == 500 and h.mimetype == "text/html"
    assert "secret internal detail" not in h.text and "Traceback" not in h.text


def test_new_build_is_served_without_restart(tmp_path):
    """The app follows the store symlink: a new build is served at once; a failed build changes nothing."""
    from pathlib import Path

    from graph.build import build
    from graph.errors import SourceSyntaxError
    from webapp import create_app

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
    store_dir = tmp_path / "store"
    first = build(store_dir, sources=sorted((fixtures / "good").glob("*.ttl")))
    c = create_app({"DANVAN_STORE": str(store_dir)}).test_client()
    assert c.get("/health").json["build_id"] == first.build_id
    assert c.get("/id/person/fixture-nguyen-van-a", headers=JSON).status_code == 200

    second = build(store_dir, sources=sorted((fixtures / "good").glob("*.ttl")))
    assert second.build_id != first.build_id
    assert c.get("/health").json["build_id"] == second.build_id

    with pytest.raises(SourceSyntaxError):
        build(store_dir, sources=sorted((fixtures / "broken").glob("*.ttl")))
    assert c.get("/health").json["build_id"] == second.build_id
    assert c.get("/id/person/fixture-nguyen-van-a", headers=JSON).status_code == 200


def test_the_word_service_in_strings_and_iris_is_fine(client):
    q = 'SELECT ?x WHERE { BIND ("SERVICE" AS ?x) FILTER (?x != <http://e/SERVICE>) } # SERVICE'
    r = client.get("/sparql", query_string={"query": q}, headers=JSON)
    assert r.status_code == 200
    assert r.json["results"]["bindings"][0]["x"]["value"] == "SERVICE"
