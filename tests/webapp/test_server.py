"""`danvan serve` for real: waitress on a free loopback port, spoken to over HTTP."""

from __future__ import annotations

import json

import rdflib
import requests
from rdflib import SKOS, Literal, URIRef



def test_health_over_http(server, store_dir):
    from graph.store import build_info

    r = requests.get(server + "/health", timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["status"] == "ok" and body["build_id"] == build_info(store_dir)["build_id"]
    assert body["triples"] > 0
    assert r.headers.get("Server") == "danvan"


def test_entity_page_over_http(server, entity, path_of):
    r = requests.get(server + path_of(entity.iri), headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert entity.label in r.text and entity.source_headline in r.text
    assert 'rel="alternate"' in r.headers["Link"]

    ttl = requests.get(server + path_of(entity.iri), headers={"Accept": "text/turtle"}, timeout=30)
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=ttl.content, format="turtle")
    assert (URIRef(entity.iri), SKOS.prefLabel, Literal(entity.label, lang="vi")) in g


def test_sparql_over_http(server, entity):
    q = f"SELECT ?p ?o WHERE {{ <{entity.iri}> ?p ?o }}"
    r = requests.post(server + "/sparql", data=q.encode(), timeout=30,
                      headers={"Content-Type": "application/sparql-query",
                               "Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    values = {b["o"]["value"] for b in json.loads(r.content)["results"]["bindings"]}
    assert entity.label in values

    refused = requests.post(server + "/sparql", data={"update": "CLEAR ALL"}, timeout=30)
    assert refused.status_code == 403
    still = requests.get(server + "/sparql", params={"query": f"ASK {{ <{entity.iri}> ?p ?o }}"}, timeout=30)
    assert still.json()["boolean"] is True

    bad = requests.get(server + "/sparql", params={"query": "SELECT * WHERE {"}, timeout=30)
    assert bad.status_code == 400 and "line" in bad.json()["error"]


def test_unknown_entity_over_http(server):
    r = requests.get(server + "/id/person/no-such-person", headers={"Accept": "application/json"}, timeout=30)
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
