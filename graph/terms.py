"""The RDF terms and query results the web app handles, named in one place: those of the store interface.

Every store (:mod:`graph.stores`) answers with these types — the embedded one natively, a remote one by
parsing the engine's answer into them — so the blueprints import them from here and never the engine's
library: ``from graph import terms as ox`` (the short name the blueprints already used, so the switch
changed their import lines only). ``Store`` is the interface itself.

Only this module and :mod:`graph.stores` import ``pyoxigraph`` on the reading side (the app, the CLI, the
query workers); the build pipeline, the store's writer, may use it directly. ``tests/stores/test_boundary.py``
holds that line. This module imports nothing of the project, so any module may import it without a cycle
(``Store`` is looked up in :mod:`graph.stores` on first use).
"""

from pyoxigraph import (BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, QueryResultsFormat,
                        QuerySolutions, QueryTriples, RdfFormat, Triple, Variable, parse, parse_query_results,
                        serialize)

__all__ = ["BlankNode", "DefaultGraph", "Literal", "NamedNode", "Quad", "QueryBoolean", "QueryResultsFormat",
           "QuerySolutions", "QueryTriples", "RdfFormat", "Store", "Triple", "Variable", "parse",
           "parse_query_results", "serialize"]


def __getattr__(name: str):
    if name == "Store":  # looked up late: modules graph.stores imports may import this one
        from graph.stores import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
