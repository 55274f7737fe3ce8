"""rdflib's SPARQLStore (read-only) against `danvan serve` on loopback: a Graph whose store is the
endpoint answers SPARQL, triple patterns and membership tests, and refuses writes."""

from __future__ import annotations

import urllib.error

import pytest
import rdflib
import requests
from rdflib import Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

ELI = Namespace("http://data.europa.eu/eli/ontology#")
DOC_290 = URIRef("https://w3id.org/danvan/id/document/qd-290-tw-2010")
DOC_23 = URIRef("https://w3id.org/danvan/id/document/qd-23-tw-2021")


def _graph(server: str, return_format: str) -> rdflib.Graph:
    return rdflib.Graph(store=SPARQLStore(query_endpoint=server + "/sparql", returnFormat=return_format,
                                          timeout=30))


@pytest.fixture
def graph(server):
    """The store as rdflib configures it by default: results as XML (its Accept also takes RDF/XML,
    which a CONSTRUCT answers in)."""
    g = _graph(server, "xml")
    yield g
    g.close()


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_select_through_the_store(server, return_format):
    graph = _graph(server, return_format)
    rows = list(graph.query(
        'SELECT ?successor ?number WHERE { ?d eli:id_local "290-QĐ/TW" ; eli:repealed_by ?successor . '
        "?successor eli:id_local ?number }", initNs={"eli": ELI}))
    assert [(r.successor, r.number) for r in rows] == [(DOC_23, Literal("23-QĐ/TW"))]


def test_triple_patterns_and_membership(graph):
    assert (DOC_290, ELI.repealed_by, DOC_23) in graph
    assert (DOC_23, ELI.repealed_by, DOC_290) not in graph
    assert set(graph.objects(DOC_23, ELI.id_local)) == {Literal("23-QĐ/TW")}
    assert DOC_290 in set(graph.subjects(ELI.repealed_by, DOC_23))


def test_ask_and_construct(graph):
    assert graph.query(f"ASK {{ <{DOC_23}> eli:repeals <{DOC_290}> }}", initNs={"eli": ELI}).askAnswer is True
    result = graph.query(f"CONSTRUCT {{ ?d eli:repealed_by ?r }} WHERE {{ ?d eli:repealed_by ?r . "
                         f"FILTER (?d = <{DOC_290}>) }}", initNs={"eli": ELI})
    triples = set(result.graph)
    assert triples == {(DOC_290, ELI.repealed_by, DOC_23)}


def test_the_store_is_read_only(server, store_dir, content_hash):
    """rdflib's update store sends a real INSERT DATA to the endpoint: it is refused with 403 and nothing
    changes (rdflib's read-only SPARQLStore would refuse before sending anything, proving nothing)."""
    before = content_hash(store_dir)
    writable = rdflib.Graph(store=SPARQLUpdateStore(query_endpoint=server + "/sparql",
                                                     update_endpoint=server + "/sparql", context_aware=False,
                                                     timeout=30))
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            writable.add((DOC_23, ELI.repealed_by, DOC_290))
        assert refused.value.code == 403
        assert "read-only" in refused.value.read().decode("utf-8")
        # the same update as a raw protocol POST
        raw = requests.post(server + "/sparql", data=f"INSERT DATA {{ <{DOC_23}> <{ELI.repealed_by}> <{DOC_290}> }}",
                            headers={"Content-Type": "application/sparql-update"}, timeout=30)
        assert raw.status_code == 403 and "read-only" in raw.json()["error"]["message"]
        assert (DOC_23, ELI.repealed_by, DOC_290) not in writable
    finally:
        writable.close()
    assert content_hash(store_dir) == before
