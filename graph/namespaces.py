"""Namespaces used by the pipeline, and conversion of terms between pyoxigraph and rdflib.

The project's own namespace moves with ``DANVAN_BASE_IRI``, so it is a function (:func:`dv`), not a
constant; the standard vocabularies are fixed.
"""

from __future__ import annotations

import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

from graph import settings
from graph import terms as ox

ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_XSD_STRING = str(XSD.string)

__all__ = [
    "DCTERMS", "ELI", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SCHEMA", "SD", "SH", "SKOS", "TIME", "VOID",
    "XSD", "dv", "prefixes", "sparql_prefixes", "sparql_prologue", "to_rdflib", "to_ox", "quad_to_rdflib", "rdflib_graph", "rdflib_dataset",
]


def dv() -> Namespace:
    """The ontology namespace for the configured base IRI."""
    return Namespace(settings.ontology_namespace())


def prefixes() -> dict[str, str]:
    """Prefixes for serializations and compact display."""
    return {
        "dv": settings.ontology_namespace(),
        "eli": str(ELI), "org": str(ORG), "dct": str(DCTERMS), "schema": str(SCHEMA), "prov": str(PROV),
        "skos": str(SKOS), "foaf": str(FOAF), "time": str(TIME), "owl": str(OWL), "rdf": str(RDF),
        "rdfs": str(RDFS), "xsd": str(XSD), "sh": str(SH),
    }


def sparql_prefixes() -> dict[str, str]:
    """The prefixes every query to ``/sparql`` may use without declaring them (as WDQS does): the
    serialization prefixes and the two vocabularies of the service description. The one table: the
    endpoint, its service description and the editor all read it here."""
    return {**prefixes(), "void": str(VOID), "sd": str(SD)}


def sparql_prologue() -> str:
    """:func:`sparql_prefixes` as PREFIX declarations on ONE line (so a query placed after it only
    moves down by one line); a query's own PREFIX of the same name, coming later, wins."""
    return " ".join(f"PREFIX {p}: <{ns}>" for p, ns in sparql_prefixes().items())


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """pyoxigraph term → rdflib term; blank node ids are kept, so both sides name the same node."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # rdflib's parsers give plain "x" no datatype, and "x" != "x"^^xsd:string in rdflib
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to rdflib (RDF-star triple terms are not used here)")


def to_ox(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term → pyoxigraph term (inverse of :func:`to_rdflib`)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def quad_to_rdflib(quad: ox.Quad) -> tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]:
    return to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def rdflib_graph(store: ox.Store, graphs: list[str] | None = None, into: rdflib.Graph | None = None) -> rdflib.Graph:
    """Copy the triples of the named ``graphs`` (all graphs when None) into one rdflib Graph."""
    target = rdflib.Graph() if into is None else into
    names = [ox.NamedNode(g) for g in graphs] if graphs is not None else [None]
    for name in names:
        for quad in store.quads_for_pattern(None, None, None, name):
            target.add(quad_to_rdflib(quad))
    return target


def rdflib_dataset(store: ox.Store, exclude: set[str] = frozenset()) -> rdflib.Dataset:
    """Copy the store into an rdflib Dataset, one rdflib graph per named graph, minus ``exclude``."""
    dataset = rdflib.Dataset()
    for name in store.named_graphs():
        if name.value in exclude:
            continue
        graph = dataset.graph(URIRef(name.value))
        for quad in store.quads_for_pattern(None, None, None, name):
            graph.add(quad_to_rdflib(quad))
    return dataset
