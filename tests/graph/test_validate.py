"""Validation: the two scopes, claims, and the text/Turtle/JSON reports naming source files."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from graph.errors import SourceContentError
from graph.load import load
from graph.reason import materialize
from graph.validate import claim_graph, validate

DV = "https://w3id.org/danvan/ontology#"
SHAPES_HEAD = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
"""


def checked(sources, ontology, shapes):
    store = ox.Store()
    loaded = load(store, sources, ontology)
    materialize(store)
    return store, loaded, validate(store, loaded, shapes)


def test_fixture_sources_conform_with_conflict_warnings(fixture_sources, fixture_ontology, fixture_shapes):
    _, loaded, result = checked(fixture_sources, fixture_ontology, fixture_shapes)
    assert (result.conforms, result.violations, result.warnings) == (True, 0, 2)
    for finding in result.findings:
        assert finding.severity == "Warning" and finding.scope == "AllSources"
        assert set(finding.files) == {s.path for s in loaded}  # the claim's own file and the other one
        assert finding.focus == "<https://w3id.org/danvan/id/document/qd-1-tu-2010>"  # not the claim node
        assert finding.path == "eli:date_document"
        assert {lang for lang, _ in finding.messages} == {"vi", "en"}  # tags restored after templating


def test_violations_name_the_file_focus_path_and_both_messages(fixture_sources, fixture_ontology,
                                                             fixture_shapes, bad):
    offender = bad / "violates-shape.ttl"
    _, _, result = checked([*fixture_sources, offender], fixture_ontology, fixture_shapes)
    assert (result.conforms, result.violations, result.warnings) == (False, 2, 2)
    lines = result.text().splitlines()
    assert len(lines) == 2 + 2 + 1  # one per result, then the summary
    headline = next(l for l in lines if "schema:headline" in l)
    assert headline.split("  ")[:4] == [
        "Violation", str(offender), "<https://w3id.org/danvan/id/source/violates-shape>", "schema:headline"]
    assert headline.endswith("Nguồn phải có tiêu đề | A source needs a headline")
    number = next(l for l in lines if "eli:id_local" in l)
    assert number.startswith(f"Violation  {offender}  <https://w3id.org/danvan/id/document/no-number>")
    assert "does not conform: 2 violation(s), 2 warning(s)" in lines[-1]


def test_each_source_shapes_see_one_file_at_a_time(tmp_path, fixture_ontology, make_source):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + """
ex:PerFile a sh:NodeShape ; dv:validationScope dv:EachSource ; sh:targetClass dv:PartyDocument ;
    sh:property [ sh:path eli:id_local ; sh:minCount 1 ] .
""")
    # the type is in one file, the number in the other: fine over all sources, not within one file
    typed = make_source(tmp_path / "typed.ttl", "typed", "doc:x a dv:PartyDocument .\n")
    numbered = make_source(tmp_path / "numbered.ttl", "numbered", 'doc:x eli:id_local "1-QĐ/TU" .\n')
    _, _, result = checked([typed, numbered], fixture_ontology, shapes)
    assert result.violations == 1
    assert result.findings[0].files == (str(typed),)
    assert result.findings[0].scope == "EachSource"

    shapes.write_text(shapes.read_text().replace("dv:EachSource", "dv:AllSources"))
    assert checked([typed, numbered], fixture_ontology, shapes)[2].conforms


def test_unmarked_shapes_see_everything_including_entailments(tmp_path, fixture_ontology, make_source):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + """
ex:Everything a sh:NodeShape ; sh:targetClass eli:LegalResource ;
    sh:property [ sh:path eli:id_local ; sh:minCount 1 ] .
""")
    # typed only by the domain of dv:replaces, which reasoning entails
    source = make_source(tmp_path / "s.ttl", "s", 'doc:a dv:replaces doc:b . doc:a eli:id_local "1" .\n')
    _, loaded, result = checked([source], fixture_ontology, shapes)
    assert [f.focus for f in result.findings] == ["<https://w3id.org/danvan/id/document/b>"]
    assert result.findings[0].files == (loaded[0].path,)  # the file that states something about it


def test_an_unknown_scope_is_an_error(tmp_path, fixture_sources, fixture_ontology):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + "ex:S a sh:NodeShape ; dv:validationScope dv:Sometimes ; sh:targetNode ex:x .\n")
    with pytest.raises(SourceContentError, match="dv:EachSource or dv:AllSources"):
        checked(fixture_sources, fixture_ontology, shapes)


def test_claims_exist_only_in_the_validation_data(fixture_sources, fixture_ontology, fixture_shapes):
    store, loaded, _ = checked(fixture_sources, fixture_ontology, fixture_shapes)
    claim = rdflib.URIRef(DV + "Claim")
    assert not list(store.quads_for_pattern(None, None, ox.NamedNode(claim), None))
    claims = claim_graph(store, loaded)
    nodes = list(claims.subjects(rdflib.RDF.type, claim))
    # eli:date_document is the only one-valued property: one claim per value stated in each file
    stated = sum(1 for s in loaded for _ in store.quads_for_pattern(
        None, ox.NamedNode("http://data.europa.eu/eli/ontology#date_document"), None, ox.NamedNode(s.iri)))
    assert len(nodes) == stated == 6
    qd1 = rdflib.URIRef("https://w3id.org/danvan/id/document/qd-1-tu-2010")
    about_qd1 = [n for n in nodes if claims.value(n, rdflib.URIRef(DV + "claimSubject")) == qd1]
    by_file = {str(claims.value(n, rdflib.URIRef(DV + "claimFile"))): str(claims.value(n, rdflib.URIRef(DV + "claimValue")))
               for n in about_qd1}
    assert by_file == {loaded[0].path: "2010-01-05", loaded[1].path: "2010-01-06"}


def test_turtle_report_round_trips(fixture_sources, fixture_ontology, fixture_shapes, bad):
    _, _, result = checked([*fixture_sources, bad / "violates-shape.ttl"], fixture_ontology, fixture_shapes)
    graph = rdflib.Graph().parse(data=result.turtle(), format="turtle")
    (report,) = graph.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False
    results = list(graph.objects(report, SH.result))
    assert len(results) == 4
    assert sum((r, SH.resultSeverity, SH.Violation) in graph for r in results) == 2
    tagged = {m.language for r in results for m in graph.objects(r, SH.resultMessage)}
    assert tagged == {"vi", "en"}
    sources = {str(s) for r in results for s in graph.objects(r, rdflib.RDFS.seeAlso)}
    assert "https://w3id.org/danvan/id/source/violates-shape" in sources


def test_json_report(fixture_sources, fixture_ontology, fixture_shapes, bad):
    _, _, result = checked([*fixture_sources, bad / "violates-shape.ttl"], fixture_ontology, fixture_shapes)
    data = json.loads(json.dumps(result.as_json()))
    assert (data["conforms"], data["violations"], data["warnings"]) == (False, 2, 2)
    first = data["results"][0]
    assert first["severity"] == "Violation" and first["files"] == [str(bad / "violates-shape.ttl")]
    assert set(first["messages"]) == {"vi", "en"}
    assert [r["severity"] for r in data["results"]] == ["Violation", "Violation", "Warning", "Warning"]


def test_real_sources_conform(real_files):
    ontology, shapes, sources = real_files
    _, loaded, result = checked(sources, ontology, shapes)
    assert result.conforms, result.text()
    assert len(loaded) == len(list(sources))


def test_the_oracle_leaves_rdflib_as_it_found_it(fixture_sources, fixture_ontology, fixture_shapes, tmp_path):
    from rdflib.plugins.sparql.processor import SPARQLProcessor

    from graph import shacl_oracle

    original = SPARQLProcessor.query
    store, loaded, _ = checked(fixture_sources, fixture_ontology, fixture_shapes)
    shacl_oracle.validate(store, loaded, fixture_shapes)
    assert SPARQLProcessor.query is original
    broken = tmp_path / "shapes.ttl"
    broken.write_text(SHAPES_HEAD + "ex:S a sh:NodeShape ; dv:validationScope dv:Never ; sh:targetNode ex:x .\n")
    with pytest.raises(SourceContentError):
        shacl_oracle.validate(store, loaded, broken)
    assert SPARQLProcessor.query is original


def test_validation_data_leave_no_trace_in_the_store(fixture_sources, fixture_ontology, fixture_shapes):
    store, _, result = checked(fixture_sources, fixture_ontology, fixture_shapes)
    assert result.warnings == 2  # claims were compared…
    graphs = {g.value for g in store.named_graphs()}
    assert not any(g.endswith("graph/validation") for g in graphs)  # …in a scratch graph, gone now
    claim = ox.NamedNode(DV + "Claim")
    assert not list(store.quads_for_pattern(None, None, claim, None))


def test_every_graph_of_asserted_facts_is_recorded(loaded_store):
    from graph.validate import asserted_graphs

    store, sources = loaded_store
    materialize(store)
    kind = rdflib.URIRef(DV + "AssertedGraph")
    assert set(asserted_graphs(store).subjects(rdflib.RDF.type, kind)) == {rdflib.URIRef(s.iri) for s in sources}
    store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.NamedNode("urn:y"), ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.NamedNode("urn:y"), ox.NamedNode("urn:stray")))
    recorded = set(asserted_graphs(store).subjects(rdflib.RDF.type, kind))
    assert rdflib.URIRef("urn:stray") in recorded
    assert any(isinstance(node, rdflib.BNode) for node in recorded)  # the default graph


def test_facts_in_a_graph_that_is_no_source_can_be_caught(tmp_path, loaded_store):
    store, sources = loaded_store
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + "ex:G a sh:NodeShape ; sh:targetClass dv:AssertedGraph ; sh:class dv:Source .\n")
    store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.NamedNode("urn:y"), ox.NamedNode("urn:stray")))
    materialize(store)
    result = validate(store, sources, shapes)
    assert [f.focus for f in result.findings] == ["<urn:stray>"]


def test_validation_works_under_another_base_iri(monkeypatch, fixture_sources, fixture_ontology, fixture_shapes, bad):
    # the shapes' SPARQL prefixes (xsd:anyURI literals) move with the IRIs, so the conflict check still fires
    monkeypatch.setenv("DANVAN_BASE_IRI", "http://localhost:8080/")
    _, loaded, result = checked([*fixture_sources, bad / "violates-shape.ttl"], fixture_ontology, fixture_shapes)
    assert loaded[0].iri == "http://localhost:8080/id/source/a-news"
    assert (result.violations, result.warnings) == (2, 2)
    assert "<http://localhost:8080/id/document/qd-1-tu-2010>" in {f.focus for f in result.findings}
