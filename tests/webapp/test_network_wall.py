"""End to end: with the grammar's SERVICE refusal turned off (the test-only SPARQL_GRAMMAR_CHECK), a query
that calls a loopback listener through SERVICE still makes no connection: the OS wall around the query
workers stops it, and the client gets a clear 4xx/503, never a 200 with the listener's data."""

from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture(scope="module")
def unguarded(store_dir):
    return create_app({"DANVAN_STORE": str(store_dir), "TESTING": False, "SPARQL_GRAMMAR_CHECK": False})


QUERIES = [
    # the escaped local name that once hid the SERVICE from a text check
    "PREFIX ex: <http://e/> SELECT ?x WHERE {{ OPTIONAL {{ ?s ex:a\\#b ?o }} "
    "SERVICE <http://127.0.0.1:{port}/svc> {{ ?x ?y ?z }} }}",
    "SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/svc> {{ ?x ?y ?z }} }}",
    "SELECT ?x WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/svc> {{ ?x ?y ?z }} }}",
]


@pytest.mark.parametrize("template", QUERIES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_service_to_loopback_makes_no_connection(unguarded, loopback_listener, template, method):
    query = template.format(port=loopback_listener.port)
    client = unguarded.test_client()
    if method == "GET":
        r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    else:
        r = client.post("/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                                 "Accept": "application/sparql-results+json"})
    assert loopback_listener.connections == 0
    assert loopback_listener.MARKER not in r.get_data(as_text=True)
    if "SILENT" in query and r.status_code == 200:
        # SILENT makes a failed call an empty solution: no data from the listener, as checked above
        assert r.json["results"]["bindings"] in ([], [{}])
    else:
        assert r.status_code in (400, 403, 503), r.get_data(as_text=True)
        assert r.json["error"]["message"]
