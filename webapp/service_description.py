"""The SPARQL service description of ``/sparql`` (``sd:Service``), served when RDF is asked without a query.

It names the endpoint, the language (SPARQL 1.1 Query only: the endpoint is read-only), the result
formats, the union default graph, the default dataset with each named graph and its ``void:triples``,
its dumps (``void:dataDump``) and its VoID description (``rdfs:seeAlso``), and the predeclared prefixes
as SHACL prefix declarations (``sh:declare [ sh:prefix "dv" ; sh:namespace "…"^^xsd:anyURI ]``, the
form SHACL and WDQS use). Counts are computed once per build.
"""

from __future__ import annotations

from graph import terms as ox
from graph.namespaces import SH, sparql_prefixes
from webapp.storeholder import Snapshot
from webapp.urls import dump_url, void_url
from webapp.void import dumps_of

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
_COUNTS = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def _void(local: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + local)


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _statistics(snap: Snapshot) -> tuple[int, list[tuple[str, int]]]:
    def compute():
        store = snap.store
        default = store.triples()
        named = [(row["g"].value, int(row["n"].value)) for row in store.query(_COUNTS)
                 if isinstance(row["g"], ox.NamedNode)]
        return default, named

    return snap.cached("service-description-statistics", compute)


def triples(endpoint: str, snap: Snapshot) -> list[ox.Triple]:
    here = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    out = [
        ox.Triple(here, RDF_TYPE, _sd("Service")),
        ox.Triple(here, _sd("endpoint"), here),
        ox.Triple(here, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(_sd("SPARQL11Query"), RDF_TYPE, _sd("Language")),
        ox.Triple(here, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(_sd("UnionDefaultGraph"), RDF_TYPE, _sd("Feature")),
        ox.Triple(here, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDF_TYPE, _void("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    for name in RESULT_FORMATS:
        out.append(ox.Triple(here, _sd("resultFormat"), ox.NamedNode(FORMATS + name)))
    # The dataset's VoID description and its dumps (webapp.void).
    out.append(ox.Triple(dataset, RDFS_SEE_ALSO, ox.NamedNode(void_url(external=True))))
    out.append(ox.Triple(dataset, _void("sparqlEndpoint"), here))
    out += [ox.Triple(dataset, _void("dataDump"), ox.NamedNode(dump_url(d["file"], external=True))) for d in dumps_of(snap)]
    default_size, named = _statistics(snap)
    out.append(ox.Triple(default_graph, _void("triples"), _integer(default_size)))
    out.append(ox.Triple(dataset, _void("triples"), _integer(default_size)))
    built_at = snap.info.get("built_at")
    if built_at:
        out.append(ox.Triple(dataset, DCT_ISSUED, ox.Literal(str(built_at), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#dateTime"))))
    for prefix, namespace in sorted(sparql_prefixes().items()):
        node = ox.BlankNode(f"prefix-{prefix}")
        out += [
            ox.Triple(here, ox.NamedNode(SH + "declare"), node),
            ox.Triple(node, ox.NamedNode(SH + "prefix"), ox.Literal(prefix)),
            ox.Triple(node, ox.NamedNode(SH + "namespace"),
                      ox.Literal(namespace, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI"))),
        ]
    for i, (name, size) in enumerate(named):
        node, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(name)),
            ox.Triple(node, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, _void("triples"), _integer(size)),
        ]
    return out
