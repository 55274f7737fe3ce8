"""The RDF terms and query results the web app handles, named in one place: those of the store interface.

Every store (:mod:`graph.stores`) answers with these types — the embedded one natively, a remote one by
parsing the engine's answer into them — so the blueprints import them from here and never the engine's
library: ``from graph import terms as ox`` (the short name the blueprints already used, so the switch
changed their import lines only). ``Store`` is the interface itself.
"""

from pyoxigraph import (BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, QueryResultsFormat,
                        QuerySolutions, QueryTriples, RdfFormat, Triple, Variable, parse_query_results, serialize)

from graph.stores import Store

__all__ = ["BlankNode", "DefaultGraph", "Literal", "NamedNode", "Quad", "QueryBoolean", "QueryResultsFormat",
           "QuerySolutions", "QueryTriples", "RdfFormat", "Store", "Triple", "Variable", "parse_query_results",
           "serialize"]
