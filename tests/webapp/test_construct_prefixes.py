"""CONSTRUCT/DESCRIBE answers in Turtle carry the project's @prefix lines (issue 9), and say the same
triples as N-Triples."""

from __future__ import annotations

import rdflib
from rdflib.compare import isomorphic


def test_construct_turtle_has_prefix_lines(client, entity):
    query = f"DESCRIBE <{entity.iri}>"
    ttl = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    nt = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/n-triples"})
    assert ttl.status_code == nt.status_code == 200
    text = ttl.get_data(as_text=True)
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." in text
    assert "@prefix dv: <https://w3id.org/danvan/ontology#> ." in text
    assert "skos:prefLabel" in text
    as_turtle = rdflib.Graph().parse(data=text, format="turtle")
    as_ntriples = rdflib.Graph().parse(data=nt.get_data(as_text=True), format="nt")
    assert len(as_turtle) > 0 and isomorphic(as_turtle, as_ntriples)
