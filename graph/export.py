"""Write the whole dataset in a standard RDF format.

``nquads``, ``trig`` and ``jsonld`` keep every named graph (a source's graph IRI is the source's IRI,
plus the ontology and inferred graphs); the store's default graph, the union the build derives from
them, is left out. ``turtle`` cannot hold named graphs: it writes the union of
all graphs with duplicates merged, so which source said what is lost; use ``trig`` to keep it.
"""

from __future__ import annotations

from typing import BinaryIO

from graph import terms as ox
from graph.errors import ConfigError
from graph.namespaces import prefixes
from graph.stores import as_store

FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}

MEDIA_TYPES = {name: fmt.media_type for name, fmt in FORMATS.items()}


def export(store: ox.Store, fmt: str, out: BinaryIO) -> None:
    """Serialize ``store`` (a store of the interface, or the build's bare pyoxigraph store) as ``fmt``
    (nquads|trig|turtle|jsonld) to the binary stream ``out``."""
    if fmt not in FORMATS:
        raise ConfigError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    store = as_store(store)
    rdf_format = FORMATS[fmt]
    if fmt == "turtle":
        union = store.query("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        triples = (ox.Triple(row["s"], row["p"], row["o"]) for row in union)
        ox.serialize(triples, out, rdf_format, prefixes=prefixes())
    elif fmt == "jsonld":
        # the default graph is the union the build derives from the named graphs: not exported twice
        quads = (q for q in store.quads_for_pattern(None, None, None)
                 if not isinstance(q.graph_name, ox.DefaultGraph))
        ox.serialize(quads, out, rdf_format)
    else:
        write_graphs(store, {fmt: out})


def write_graphs(store: ox.Store, outs: dict[str, BinaryIO]) -> None:
    """N-Quads and/or TriG of the named graphs (``outs``: format → stream, ``store`` of the interface or
    the build's bare pyoxigraph store), each graph serialized once and written to every stream.

    Walking the quads in Python cost ~55 s for the national build's 1.75 M quads; the embedded store's
    dump is native (:meth:`graph.stores.EmbeddedStore.graph_ntriples`; an engine answers a CONSTRUCT).
    An N-Triples line ends in `` .\n`` and nowhere else (a literal's line breaks are escaped), so a line
    becomes a quad by naming its graph before that end."""
    store = as_store(store)
    if "trig" in outs:
        outs["trig"].write(trig_header())
    for graph in sorted(store.named_graphs(), key=str):
        lines = store.graph_ntriples(graph)
        if not lines:
            continue  # a graph emptied by an incremental build may stay registered: it holds nothing
        for fmt, out in outs.items():
            out.write(graph_text(fmt, graph, lines))


def trig_header() -> bytes:
    """The prefixes a TriG file starts with."""
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes().items()).encode()


def graph_text(fmt: str, graph: ox.NamedNode, lines: bytes) -> bytes:
    """N-Triples ``lines`` (each ending in `` .\n``) of ``graph`` as N-Quads or as one TriG block. A TriG
    file may name a graph in several blocks (the dumps write a large graph in parts)."""
    name = str(graph).encode()
    if fmt == "nquads":
        return lines.replace(b" .\n", b" " + name + b" .\n")
    return name + b" {\n" + lines + b"}\n"
