"""SPARQLWrapper, a real SPARQL client, against `danvan serve` on loopback: SELECT as JSON, XML and
CSV, ASK, and CONSTRUCT as Turtle parsed back into a graph and asserted triple by triple."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef
from SPARQLWrapper import ASK as ASK_TYPE
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

ELI = Namespace("http://data.europa.eu/eli/ontology#")
DOC_290 = URIRef("https://w3id.org/danvan/id/document/qd-290-tw-2010")
DOC_23 = URIRef("https://w3id.org/danvan/id/document/qd-23-tw-2021")
PREFIX = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
SUCCESSOR = PREFIX + 'SELECT ?successor ?number WHERE { ?d eli:id_local "290-QĐ/TW" ; eli:repealed_by ?successor . ' \
                     "?successor eli:id_local ?number }"


@pytest.fixture
def endpoint(server):
    def make(query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
        sw = SPARQLWrapper(server + "/sparql")
        sw.setQuery(query)
        sw.setReturnFormat(fmt)
        sw.setMethod(method)
        sw.setTimeout(30)
        return sw

    return make


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json(endpoint, method):
    result = endpoint(SUCCESSOR, JSON, method).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["successor", "number"]
    assert [(b["successor"]["value"], b["number"]["value"]) for b in data["results"]["bindings"]] == [
        (str(DOC_23), "23-QĐ/TW")]
    assert data["results"]["bindings"][0]["successor"]["type"] == "uri"


def test_select_xml(endpoint):
    result = endpoint(SUCCESSOR, XML).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    doc = result.convert()  # an xml.dom.minidom document
    bindings = {b.getAttribute("name"): b for b in doc.getElementsByTagName("binding")}
    assert bindings["successor"].getElementsByTagName("uri")[0].firstChild.data == str(DOC_23)
    assert bindings["number"].getElementsByTagName("literal")[0].firstChild.data == "23-QĐ/TW"


def test_select_csv(endpoint):
    result = endpoint(SUCCESSOR, CSV).query()
    assert result.response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(result.convert().decode("utf-8"))))
    assert rows == [{"successor": str(DOC_23), "number": "23-QĐ/TW"}]


def test_ask(endpoint):
    yes = endpoint(PREFIX + f"ASK {{ <{DOC_290}> eli:repealed_by <{DOC_23}> }}", JSON)
    assert yes.queryType == ASK_TYPE
    assert yes.query().convert()["boolean"] is True
    no = endpoint(PREFIX + f"ASK {{ <{DOC_23}> eli:repealed_by <{DOC_290}> }}", XML).query().convert()
    assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct_turtle_parses_back_into_a_graph(endpoint):
    query = PREFIX + """CONSTRUCT { ?d eli:repealed_by ?r . ?r eli:id_local ?n . ?r eli:repeals ?d }
    WHERE { ?d eli:id_local "290-QĐ/TW" ; eli:repealed_by ?r . ?r eli:id_local ?n . ?r eli:repeals ?d }"""
    result = endpoint(query, TURTLE).query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=result.convert(), format="turtle")
    assert (DOC_290, ELI.repealed_by, DOC_23) in g
    assert (DOC_23, ELI.repeals, DOC_290) in g  # the inverse, materialized by the build
    assert (DOC_23, ELI.id_local, Literal("23-QĐ/TW")) in g
    assert len(g) == 3


def test_a_syntax_error_is_reported_as_bad_query(endpoint):
    with pytest.raises(QueryBadFormed):
        endpoint("SELECT ?x WHERE { ?x ", JSON).query()
