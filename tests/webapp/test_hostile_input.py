"""Issue 7, items 1, 2 and 6, each reproduction as a regression test: no SERVICE or FROM slips past the
grammar (0 connections reach a loopback listener), hostile whitespace and long parameters are read in
linear time (the answer is asserted, never a timing), deep nesting is a 400 and not a crashed worker,
and invalid UTF-8 is a 400 on every route and by every way of sending it. Also the predeclared prefixes.
"""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest
import requests

from graph.named_queries import MAX_PARAMETER_LENGTH
from graph.sparql_grammar import MAX_DEPTH, MAX_QUERY_LENGTH

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


@pytest.fixture
def listener():
    """A loopback socket that must never be connected to."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    yield sock
    sock.close()


def _no_connection(sock: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        sock.accept()


# ------------------------------------------------------------------------------- item 1: SSRF, FROM

@pytest.mark.parametrize("local", ["ex:a\\#b", "ex:a\\'b"])
def test_service_after_an_escaped_local_name_is_refused(client, listener, local):
    port = listener.getsockname()[1]
    query = (f"PREFIX ex: <http://e/> SELECT ?x WHERE {{ OPTIONAL {{ ?s {local} ?o }} "
             f"SERVICE <http://127.0.0.1:{port}/svc> {{ ?x ?y ?z }} }}")
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert r.status_code == 400 and "SERVICE" in r.json["error"]["message"]
    _no_connection(listener)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ ?s ?p ?o SERVICESILENT <http://127.0.0.1:{port}/> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p true SERVICE<http://127.0.0.1:{port}/>{{}} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?s<?p || true)SERVICE<http://127.0.0.1:{port}/>#>\n{{ }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ }} }} }} }}",
])
def test_glued_and_nested_service_is_refused(client, listener, query):
    r = client.get("/sparql", query_string={"query": query.format(port=listener.getsockname()[1])},
                   headers=JSON)
    assert r.status_code == 400
    _no_connection(listener)


def test_from_after_an_escaped_local_name_is_refused(client, listener):
    port = listener.getsockname()[1]
    query = (f"PREFIX ex: <http://e/> SELECT ?x FROM <http://127.0.0.1:{port}/g> "
             "WHERE { OPTIONAL { ?s ex:a\\#b ?o } }")
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert r.status_code == 400 and "FROM" in r.json["error"]["message"]
    _no_connection(listener)


# ------------------------------------------------------------------------------- item 2: stalls

def test_leading_spaces_answer_normally(client):
    r = client.get("/sparql", query_string={"query": " " * 28 + "ASK { ?s ?p ?o }"}, headers=JSON)
    assert r.status_code == 200 and r.json["boolean"] is True


def test_indented_query_with_two_prefix_lines_answers_normally(client):
    query = ("        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "        PREFIX dv: <https://w3id.org/danvan/ontology#>\n"
             "        SELECT ?d WHERE { ?d a dv:Document } LIMIT 2\n")
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert r.status_code == 200 and len(r.json["results"]["bindings"]) == 2


def test_a_long_iri_parameter_is_refused_with_a_message(client):
    value = "http://" + "a" * 60_000 + " x"
    r = client.get("/queries/replacement-chain.csv", query_string={"document": value}, headers=JSON)
    assert r.status_code == 400
    assert f"at most {MAX_PARAMETER_LENGTH:,}" in r.json["error"]["message"]


def test_an_iri_parameter_under_the_limit_is_still_checked(client):
    value = "http://" + "a" * (MAX_PARAMETER_LENGTH - 20) + " x"
    r = client.get("/queries/replacement-chain.csv", query_string={"document": value}, headers=JSON)
    assert r.status_code == 400 and "without spaces" in r.json["error"]["message"]


# ------------------------------------------------------------------------------- item 6: bad input

def test_100000_nested_groups_are_a_400_not_a_crashed_worker(client):
    query = "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert r.status_code == 400 and f"at most {MAX_QUERY_LENGTH:,}" in r.json["error"]["message"]
    deep = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000  # under the length limit, over the depth limit
    r = client.post("/sparql", data=deep, content_type="application/sparql-query", headers=JSON)
    assert r.status_code == 400 and "nested too deeply" in r.json["error"]["message"]
    assert str(MAX_DEPTH) in r.json["error"]["message"]
    ok = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert ok.status_code == 200 and ok.json["boolean"] is True


@pytest.mark.parametrize("path, query_string", [
    ("/sparql", "query=%FF%FE"),
    ("/search", "q=%C3%28"),
    ("/search.json", "q=abc%80"),
    ("/queries/replacement-chain", "document=http://e/%FF"),
    ("/queries/replacement-chain.csv", "document=http://e/%FF"),
    ("/browse/document", "page=%FF"),
    ("/browse/document", "%FF=1"),
])
def test_invalid_utf8_by_get_is_400(client, path, query_string):
    r = client.get(f"{path}?{query_string}", headers=JSON)
    assert r.status_code == 400 and "UTF-8" in r.json["error"]["message"]


@pytest.mark.parametrize("path", ["/sparql", "/sparql/labels"])
def test_invalid_utf8_by_form_post_is_400(client, path):
    r = client.post(path, data=b"query=%FF&iri=%FF", content_type="application/x-www-form-urlencoded",
                    headers=JSON)
    assert r.status_code == 400 and "UTF-8" in r.json["error"]["message"]
    multipart = (b"--B\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nASK {} \xff\r\n--B--\r\n")
    r = client.post(path, data=multipart, content_type="multipart/form-data; boundary=B", headers=JSON)
    assert r.status_code == 400 and "UTF-8" in r.json["error"]["message"]


def test_invalid_utf8_by_direct_post_is_400(client):
    r = client.post("/sparql", data=b"ASK { ?s ?p \"\xff\" }", content_type="application/sparql-query",
                    headers=JSON)
    assert r.status_code == 400 and "UTF-8" in r.json["error"]["message"]


def test_valid_utf8_still_works(client):
    r = client.get("/search.json", query_string={"q": "Nguyễn"})
    assert r.status_code == 200 and r.json["query"] == "Nguyễn"
    r = client.post("/sparql", data={"query": 'ASK { ?s ?p "Dân vận"@vi }'}, headers=JSON)
    assert r.status_code == 200 and isinstance(r.json["boolean"], bool)


def test_through_the_real_server(server):
    """Paths reach the app as raw bytes only through a real server (the test client decodes them)."""
    for path in ("/browse/%FF", "/queries/%C3%28", "/id/document/%FF", "/sparql?query=%FF"):
        r = requests.get(server + path, headers=JSON, timeout=30)
        assert r.status_code == 400, path
        assert "UTF-8" in r.json()["error"]["message"]
    long_iri = quote("http://" + "a" * 60_000 + " x", safe=":/")
    r = requests.get(f"{server}/queries/replacement-chain.csv?document={long_iri}", headers=JSON, timeout=30)
    assert r.status_code == 400
    health = requests.get(server + "/health", timeout=30)
    assert health.status_code == 200


# ------------------------------------------------------------------------------- predeclared prefixes

def test_predeclared_prefixes_work(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?d a dv:Document } LIMIT 1"},
                   headers=JSON)
    assert r.status_code == 200 and len(r.json["results"]["bindings"]) == 1


def test_the_querys_own_prefix_wins(client):
    query = "PREFIX dv: <http://example.org/nothing#> ASK { ?d a dv:Document }"
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert r.status_code == 200 and r.json["boolean"] is False


def test_syntax_errors_point_at_the_users_line(client):
    query = "SELECT ?d WHERE {\n  ?d a dv:Document .\n  BOUND ?x\n}"
    r = client.get("/sparql", query_string={"query": query}, headers=JSON)
    err = r.json["error"]
    assert r.status_code == 400 and err["line"] == 3
    assert "line 3" in err["message"] and "\\u{" not in err["message"]
    undeclared = client.get("/sparql", query_string={"query": "SELECT * {\n ?s a nope:Thing }"}, headers=JSON)
    assert undeclared.status_code == 400 and undeclared.json["error"]["line"] == 2
    assert "nope:" in undeclared.json["error"]["message"]
    page = client.get("/sparql", query_string={"query": "SELECT * {\n ?s a nope:Thing }"}, headers=HTML)
    assert page.status_code == 400 and page.mimetype == "text/html" and 'role="alert"' in page.text


def test_prefixes_are_listed_in_the_service_description_and_the_editor(client):
    import rdflib

    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=sd.data, format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    declared = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace)) for d in g.objects(None, SH.declare)}
    assert declared["dv"] == "https://w3id.org/danvan/ontology#"
    assert {"rdf", "rdfs", "owl", "xsd", "skos", "dct", "eli", "org", "schema", "foaf", "prov", "time", "void",
            "sh", "sd"} <= set(declared)
    editor = client.get("/sparql/editor.json").json
    assert editor["prefixes"] == declared
