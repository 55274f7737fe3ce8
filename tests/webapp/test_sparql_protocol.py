"""/sparql in-process: read-only (store hash unchanged), no outbound requests, negotiation with q-values,
CORS, ETag/304, and no 500 on any input (hypothesis)."""

from __future__ import annotations

import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = {"Accept": "application/json"}
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2"


@pytest.mark.parametrize("kwargs", [
    {"method": "POST", "data": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-update"},
    {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
    {"method": "GET", "query_string": {"query": "PREFIX x: <http://e/>\n# c\nINSERT DATA { x:s x:p x:o }"}},
    {"method": "POST", "data": {"query": "delete where { ?s ?p ?o }"}},
    {"method": "POST", "data": b"LOAD <http://127.0.0.1:9/x>", "content_type": "application/sparql-query"},
])
def test_updates_get_403_and_the_store_is_unchanged(client, store_dir, content_hash, kwargs):
    before = content_hash(store_dir)
    r = client.open("/sparql", headers=JSON, **kwargs)
    assert r.status_code == 403 and "read-only" in r.json["error"]["message"]
    assert content_hash(store_dir) == before


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE { ?s ?p ?o }",
    "PREFIX r: <http://127.0.0.1:{port}/>\nSELECT * FROM NAMED r:g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:{port}/>\nASK FROM <g> { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "select * { ?s ?p ?o . service\t<http://127.0.0.1:{port}/> { } }",
])
def test_no_outbound_request_reaches_a_listener(client, query):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        r = client.get("/sparql", query_string={"query": query.replace("{port}", str(port))}, headers=JSON)
        assert r.status_code == 400
        assert "SERVICE" in r.json["error"]["message"] or "FROM" in r.json["error"]["message"]
        # The protocol's default-graph-uri may name any IRI: it is an empty graph, never fetched.
        ok = client.get("/sparql", headers=JSON, query_string={
            "query": "ASK { ?s ?p ?o }", "default-graph-uri": f"http://127.0.0.1:{port}/g"})
        assert ok.status_code == 200 and ok.json["boolean"] is False
        with pytest.raises(TimeoutError):
            listener.accept()  # no connection reached the listener
    finally:
        listener.close()


def test_from_a_graph_in_the_store_is_allowed(client, store):
    graph = next(g.value for g in store.named_graphs())
    r = client.get("/sparql", headers=JSON, query_string={"query": f"ASK FROM <{graph}> {{ ?s ?p ?o }}"})
    assert r.status_code == 200 and r.json["boolean"] is True


@pytest.mark.parametrize("accept, media", [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("text/tab-separated-values;q=0.9, text/csv;q=0.8", "text/tab-separated-values"),
])
def test_select_negotiation_with_q_values(client, accept, media):
    r = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media


@pytest.mark.parametrize("query, headers, qs", [
    (SELECT, {"Accept": "image/png"}, {}),
    (SELECT, {"Accept": "text/turtle"}, {}),
    ("CONSTRUCT WHERE { ?s ?p ?o }", {"Accept": "application/sparql-results+json"}, {}),
    (SELECT, {}, {"format": "turtle"}),
    ("ASK {}", {"Accept": "application/n-triples"}, {}),
])
def test_406_for_what_it_cannot_produce(client, query, headers, qs):
    r = client.get("/sparql", query_string={"query": query, **qs}, headers=headers)
    assert r.status_code == 406


def test_cors_etag_and_304(client):
    r = client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "http://elsewhere.example"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Danvan-Truncated" in r.headers["Access-Control-Expose-Headers"]
    etag = r.headers["ETag"]
    assert "max-age" in r.headers["Cache-Control"]
    again = client.get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/sparql", query_string={"query": SELECT + " OFFSET 1"})
    assert other.headers["ETag"] != etag
    pre = client.options("/sparql", headers={"Origin": "http://elsewhere.example",
                                             "Access-Control-Request-Method": "POST"})
    assert pre.status_code in (200, 204) and "POST" in pre.headers["Access-Control-Allow-Methods"]
    post = client.post("/sparql", data={"query": SELECT})
    assert post.headers["Access-Control-Allow-Origin"] == "*"


def test_relative_iris_resolve_against_the_endpoint(client):
    r = client.post("/sparql", data=b"CONSTRUCT { <s> <p> 1 } WHERE {}", content_type="application/sparql-query",
                    headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and b"<http://localhost/s>" in r.data


NEAR_MISS = [
    "SELECT ?s WHERE { ?s a ?t } LIMIT 3",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?l { ?s skos:prefLabel ?l FILTER(lang(?l)='vi') } LIMIT 5",
    "ASK { ?s ?p \"x\"@vi }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g LIMIT 3",
    "DESCRIBE <http://example.org/>",
    "SELECT * { VALUES ?x { 1 2 } BIND(?x + 1 AS ?y) }",
]


@st.composite
def near_miss(draw):
    text = draw(st.sampled_from(NEAR_MISS))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if op == "delete":
            text = text[:i] + text[i + 1:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(list("{}()<>\"'?.;,#@^ \n\\:*") + ["SERVICE", "FROM", "GRAPH",
                                                                                    "\x00", "é", "\ud7ff"])) + text[i:]
        else:
            text = text[:i] + text[i:i + 5] + text[i:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=200), near_miss()), st.sampled_from(["GET", "POST", "DIRECT"]),
       st.sampled_from(["application/json", "text/html", "text/turtle", "text/csv", "*/*"]))
def test_no_query_gives_a_500(client, query, method, accept):
    headers = {"Accept": accept}
    if method == "GET":
        r = client.get("/sparql", query_string={"query": query}, headers=headers)
    elif method == "POST":
        r = client.post("/sparql", data={"query": query}, headers=headers)
    else:
        r = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"), headers=headers,
                        content_type="application/sparql-query")
    assert r.status_code in (200, 400, 403, 406, 415), (r.status_code, r.data[:300])
    if r.status_code == 400 and r.mimetype == "application/json":
        assert r.json["error"]["message"]
