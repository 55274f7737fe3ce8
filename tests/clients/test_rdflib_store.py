"""rdflib's SPARQLStore (read-only) against `danvan serve` on loopback: a Graph whose store is the
endpoint answers SPARQL, triple patterns and membership tests, and refuses writes."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

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


def test_the_store_is_read_only(graph):
    with pytest.raises(TypeError):
        graph.add((DOC_23, ELI.repealed_by, DOC_290))
    assert (DOC_23, ELI.repealed_by, DOC_290) not in graph
