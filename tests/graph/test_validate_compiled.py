"""The shapes compiled to SPARQL (the build's validation) against pySHACL (the oracle): the same findings —
focus node, path, value, severity, shape, constraint component, messages, source files — on the seed
graph, on every good/bad pair of tests/ontology/test_shapes.py, on the fixture shapes, and on a synthetic
graph with a violation of every shape injected; targeted runs (``Focus``) agree with whole runs; what
the compiler cannot translate is refused when it compiles."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph import load, reason, shacl_oracle, validate
from graph.shacl_compile import UnsupportedShape, compile_shapes
from graph.validate import Focus

REPO = Path(__file__).resolve().parents[2]


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


SHAPE_CASES = _module("shape_cases", REPO / "tests" / "ontology" / "test_shapes.py")
SYNTHETIC = _module("bench_synthetic", REPO / "bench" / "synthetic.py")


def _comparable(f: validate.Finding) -> tuple:
    """Everything a finding says; pySHACL's generic English messages (for constraints the shapes give no
    sh:message) are its own wording, so only their presence is compared."""
    messages = f.messages if any(lang for lang, _ in f.messages) else (("", "generic"),) if f.messages else ()
    return (f.severity, f.scope, f.files, f.sources, f.focus, f.path, f.value, messages, f.shape, f.component,
            f.claimed)


def both(store, sources, shapes=None):
    compiled = validate.validate(store, sources, shapes)
    oracle = shacl_oracle.validate(store, sources, shapes)
    return compiled, oracle


def assert_same(compiled, oracle):
    ours, theirs = Counter(map(_comparable, compiled.findings)), Counter(map(_comparable, oracle.findings))
    assert ours - theirs == Counter() and theirs - ours == Counter(), (
        f"compiled only: {list(ours - theirs)}\noracle only: {list(theirs - ours)}")
    assert (compiled.conforms, compiled.violations, compiled.warnings) == (
        oracle.conforms, oracle.violations, oracle.warnings)


def loaded(paths, ontology=None):
    store = ox.Store()
    sources = load.load(store, sources=paths, ontology=ontology)
    reason.materialize(store)
    return store, sources


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = folder / f"{name}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_seed_graph_same_as_pyshacl():
    store = ox.Store()
    sources = load.load(store)
    reason.materialize(store)
    compiled, oracle = both(store, sources)
    assert compiled.findings, "the seed graph has its known disagreements between sources"
    assert_same(compiled, oracle)
    # the messages, word for word, in both languages
    assert [f.messages for f in compiled.findings] == [f.messages for f in oracle.findings]


@pytest.mark.parametrize("case", sorted(SHAPE_CASES.CASES))
def test_good_and_bad_pairs_same_as_pyshacl(case, tmp_path):
    good, bad, is_it = SHAPE_CASES.CASES[case]
    for name, files in (("good", good), ("bad", bad)):
        store, sources = loaded(write(tmp_path / name, files))
        compiled, oracle = both(store, sources)
        assert_same(compiled, oracle)
        if name == "bad":
            assert any(is_it(f) for f in compiled.findings)


def test_fixture_shapes_same_as_pyshacl(fixture_sources, fixture_ontology, fixture_shapes, bad, tmp_path, synthetic):
    store, sources = loaded([*fixture_sources, bad / "violates-shape.ttl"], fixture_ontology)
    compiled, oracle = both(store, sources, fixture_shapes)
    assert compiled.violations == 2
    assert_same(compiled, oracle)
    # the random graph: every axiom kind, cycles, blank nodes (a generic message: sh:datatype without sh:message)
    store, sources = loaded(synthetic(tmp_path), fixture_ontology)
    compiled, oracle = both(store, sources, fixture_shapes)
    assert compiled.findings
    assert_same(compiled, oracle)


def injected(folder: Path) -> list[Path]:
    """A synthetic graph in the project's ontology with each bad example of every shape added (each as
    its own source, its IRIs moved to its own namespace so examples do not meet)."""
    paths = SYNTHETIC.write_sources(folder / "synthetic", 40, sources=4)
    for n, case in enumerate(sorted(SHAPE_CASES.CASES)):
        _good, bad, _is_it = SHAPE_CASES.CASES[case]
        for name, text in bad.items():
            text = text.replace("/id/", f"/id/case{n}-", ).replace("case" + str(n) + "-document-type/", "document-type/")
            text = text.replace(f"case{n}-level/", "level/")
            paths.extend(write(folder / f"case{n}", {name: text}))
    return paths


def stray(store: ox.Store) -> None:
    """A fact in a graph no source describes (what AssertedGraphShape catches)."""
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/danvan/id/document/d1"),
                      ox.NamedNode("https://w3id.org/danvan/ontology#chapterCount"),
                      ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                      ox.NamedNode("https://example.org/not-a-source")))
    reason.materialize(store)


@pytest.mark.parametrize("per_node", [True, False], ids=["node-by-node", "whole-file"])
def test_injected_violations_of_every_shape_same_as_pyshacl(tmp_path, monkeypatch, per_node):
    # whole-file: every source takes the way a large file, one with blank nodes or one extending the
    # class tree takes (each EachSource constraint over the file, the ontology's individuals set aside)
    if not per_node:
        monkeypatch.setattr(validate, "_SMALL", 0)
    store, sources = loaded(injected(tmp_path))
    stray(store)
    compiled, oracle = both(store, sources)
    shapes_graph = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl")
    node_shapes = {s for s in shapes_graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape"))}
    reported = {f.constraint.split(" ")[0] for f in compiled.findings}
    assert {s.n3() for s in node_shapes} <= reported, "a violation of every shape is found"
    assert_same(compiled, oracle)


def test_targeted_runs_agree_with_whole_runs(tmp_path):
    store, sources = loaded(injected(tmp_path))
    stray(store)
    whole = validate.validate(store, sources)
    nodes = frozenset({q.subject for q in store.quads_for_pattern(None, None, None, None)} | set(store.named_graphs()))
    everything = validate.validate(store, sources, focus=Focus(frozenset(s.iri for s in sources), nodes))
    assert Counter(map(_comparable, everything.findings)) == Counter(map(_comparable, whole.findings))
    # a few nodes only: exactly the whole run's findings about them (and the constraints run whole)
    flagged = sorted({f.focus for f in whole.findings if f.scope == "AllSources" and f.focus.startswith("<")})
    some = sorted(nodes, key=str)[::7] + [ox.NamedNode(text[1:-1]) for text in flagged[::2]]
    texts = set(flagged[::2])
    part = validate.validate(store, sources, focus=Focus(frozenset(), frozenset(some)))
    expected = [f for f in whole.findings if f.scope == "AllSources"
                and (f.constraint not in part.rechecked or f.focus in part.rechecked[f.constraint])]
    assert Counter(map(_comparable, part.findings)) == Counter(map(_comparable, expected))
    assert any(f.focus in texts for f in part.findings)


SHAPES_HEAD = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
"""


@pytest.mark.parametrize("body, feature", [
    ("ex:S a sh:NodeShape ; sh:targetClass dv:Document ; sh:node ex:T . ex:T a sh:NodeShape .", "sh:node"),
    ("ex:S a sh:NodeShape ; sh:targetClass dv:Document ; sh:closed true .", "closed"),
    ("ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this WHERE { ?this ?p ?o }\" ] .",
     "sh:target"),
    ("ex:S a sh:NodeShape ; sh:targetClass dv:Document ; sh:property [ sh:path dv:title ; "
     "sh:qualifiedValueShape ex:T ; sh:qualifiedMinCount 1 ] .", "qualified"),
    ("ex:S a sh:NodeShape ; sh:targetClass dv:Document ; sh:property [ sh:path dv:title ; "
     "sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o }\" ] ] .", "property shape"),
    ("ex:S a sh:NodeShape ; sh:targetClass dv:Document ; sh:sparql [ sh:select "
     "\"SELECT $this (COUNT(*) AS ?n) WHERE { $this ?p ?o } GROUP BY $this\" ] .", "SELECT"),
])
def test_unsupported_shapes_are_refused_when_compiled(body, feature):
    graph = rdflib.Graph().parse(data=SHAPES_HEAD + body, format="turtle")
    shape = rdflib.URIRef("https://example.org/shapes#S")
    with pytest.raises(UnsupportedShape, match=feature) as raised:
        compile_shapes(graph, {shape: "AllSources"}, "shapes.ttl")
    assert "shapes.ttl" in str(raised.value)


def test_a_sub_pattern_without_this_is_evaluated_once_per_query():
    """EventBeforePublicationShape's sources-and-dates pattern is inlined next to the targets, so one
    query answers for every event: the query text holds the pattern once and is not run per event."""
    graph = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl")
    from graph.validate import _scopes

    constraints = compile_shapes(graph, _scopes(graph, "shapes.ttl"), "shapes.ttl")
    (before,) = [c for c in constraints if "EventBeforePublicationShape" in c.key]
    text = before.query()
    assert text.count("dv:datePublished") == 1 and text.startswith("PREFIX")
    assert not before.local  # it reads other nodes than the event: an incremental build runs it whole


def test_merge_keeps_what_was_not_rechecked():
    def finding(focus, source, constraint, scope="AllSources"):
        return validate.Finding("Warning", scope, (source + ".ttl",), (source,), focus, None, None,
                                (("en", "x"),), None, None, constraint=constraint)

    previous = [
        finding("[]", "urn:s1", "local"),  # a blank node of the changed file: re-checked
        finding("[]", "urn:s2", "local"),  # a blank node of another file: kept
        finding("<urn:a>", "urn:s2", "local"),  # re-checked
        finding("<urn:b>", "urn:s2", "local"),  # kept
        finding("<urn:b>", "urn:s2", "whole"),  # its constraint ran whole: replaced
        finding("<urn:c>", "urn:s1", "each", scope="EachSource"),  # the changed file's: replaced
        finding("<urn:c>", "urn:s2", "each", scope="EachSource"),  # kept
    ]
    fresh = validate.ValidationResult(True, 0, 1, rdflib.Graph(), [finding("<urn:a>", "urn:s1", "local")],
                                      rechecked={"local": {"<urn:a>", "[]"}})
    merged = validate.merge(previous, fresh, Focus(frozenset({"urn:s1"}), frozenset()))
    assert Counter((f.focus, f.sources, f.constraint) for f in merged.findings) == Counter([
        ("[]", ("urn:s2",), "local"), ("<urn:b>", ("urn:s2",), "local"), ("<urn:c>", ("urn:s2",), "each"),
        ("<urn:a>", ("urn:s1",), "local")])
    assert merged.warnings == 4
