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
