"""Export: every format parses back; named graphs kept except in Turtle (the union)."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib

from graph import settings
from graph.errors import ConfigError
from graph.export import FORMATS, export
from graph.reason import materialize


@pytest.fixture
def reasoned(loaded_store):
    store, _ = loaded_store
    materialize(store)
    return store


def exported(store, fmt: str) -> bytes:
    out = io.BytesIO()
    export(store, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld"])
def test_dataset_formats_keep_every_named_graph(reasoned, fmt):
    back = list(ox.parse(exported(reasoned, fmt), format=FORMATS[fmt]))
    graphs = {q.graph_name.value for q in back}
    assert settings.inferred_graph() in graphs and "https://w3id.org/danvan/id/source/a-news" in graphs
    assert len(back) == len(reasoned)
    assert {(q.subject, q.predicate, q.object, q.graph_name) for q in back if not isinstance(q.subject, ox.BlankNode)} == {
        (q.subject, q.predicate, q.object, q.graph_name) for q in reasoned if not isinstance(q.subject, ox.BlankNode)}


def test_turtle_is_the_union_of_all_graphs(reasoned):
    some = next(iter(reasoned.quads_for_pattern(None, None, None, ox.NamedNode(settings.inferred_graph()))))
    reasoned.add(ox.Quad(some.subject, some.predicate, some.object, ox.NamedNode("urn:x-another-graph")))
    graph = rdflib.Graph().parse(data=exported(reasoned, "turtle"), format="turtle")
    distinct = {(q.subject, q.predicate, q.object) for q in reasoned}
    assert len(graph) == len(distinct) < len(reasoned)  # a triple stated in two graphs appears once
    assert "@prefix eli:" in exported(reasoned, "turtle").decode()


def test_unknown_format_is_refused(reasoned):
    with pytest.raises(ConfigError, match="nquads, trig, turtle, jsonld"):
        export(reasoned, "rdfxml", io.BytesIO())


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_a_literal_with_line_breaks_and_full_stops_keeps_its_graph(fmt):
    # each graph is written by the store's N-Triples dump and its lines named with the graph
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/danvan/id/source/a-news")
    tricky = ox.Literal("một dòng .\nhai dòng . \n .")
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), tricky, g))
    back = list(ox.parse(exported(store, fmt), format=FORMATS[fmt]))
    assert back == [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), tricky, g)]


def test_a_graph_in_several_trig_blocks_is_one_graph():
    """The dumps write a large graph in parts (graph/dumps.py): one TriG block per part, each a gzip
    member; rdflib and pyoxigraph read the blocks as one graph, and the members as one file."""
    import gzip

    from graph.export import graph_text, trig_header

    g = ox.NamedNode("https://w3id.org/danvan/graph/inferred")
    first = '<https://example.org/a> <https://example.org/p> "một" .\n'.encode()
    second = b"<https://example.org/b> <https://example.org/p> <https://example.org/a> .\n"
    data = b"".join(gzip.compress(part, mtime=0)
                    for part in (trig_header(), graph_text("trig", g, first), graph_text("trig", g, second)))
    text = gzip.decompress(data)
    assert {q.graph_name for q in ox.parse(text, format=ox.RdfFormat.TRIG)} == {g}
    assert len(list(ox.parse(text, format=ox.RdfFormat.TRIG))) == 2
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format="trig")
    assert len(dataset.graph(rdflib.URIRef(g.value))) == 2
