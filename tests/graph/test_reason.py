"""The fast path (SPARQL rules in pyoxigraph) against the reference (owlrl + the same domain rules)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from graph import reason, settings
from graph.errors import ReasoningError
from graph.load import load
from graph.namespaces import rdflib_dataset
from graph.reason import entailed_by_fast_path, is_trivial, materialize, reference_closure

ELI = "http://data.europa.eu/eli/ontology#"
DOC = "https://w3id.org/danvan/id/document/"
ORG = "https://w3id.org/danvan/id/organization/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def reasoned(sources, ontology) -> ox.Store:
    store = ox.Store()
    load(store, sources, ontology)
    materialize(store)
    return store


def reference(store: ox.Store) -> set:
    return reference_closure(rdflib_dataset(store, exclude={settings.inferred_graph()}))


def end_of_force(store: ox.Store) -> dict[str, set[str]]:
    ends: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(ELI + "date_no_longer_in_force"), None,
                                     ox.NamedNode(settings.inferred_graph())):
        ends.setdefault(q.subject.value.removeprefix(DOC), set()).add(q.object.value)
    return ends


def test_fast_path_equals_owlrl_on_the_fixture(fixture_sources, fixture_ontology):
    store = reasoned(fixture_sources, fixture_ontology)
    fast = entailed_by_fast_path(store)
    assert len(fast) > 50
    assert fast == reference(store)


@pytest.mark.parametrize("seed", [7, 11])
def test_fast_path_equals_owlrl_on_a_synthetic_graph(tmp_path, fixture_ontology, synthetic, seed):
    store = reasoned(synthetic(tmp_path, seed=seed), fixture_ontology)
    fast = entailed_by_fast_path(store)
    assert len(fast) > 1000
    # every rule family contributed, so the comparison covers each of them
    predicates = {str(p) for _, p, _ in fast}
    assert {str(RDF.type), ELI + "repealed_by", "http://www.w3.org/ns/org#hasSubOrganization",
            ELI + "date_no_longer_in_force", "https://w3id.org/danvan/ontology#relatedTo"} <= predicates
    assert fast == reference(store)


# Independent of graph.reason.is_trivial (which both sides above share, so a bug in it would hide from
# both): the raw closures of both sides, each reduced by this filter, written separately and narrower.
# It keeps every entailed statement about an entity of ours ({base}id/…) except the typing by RDF/RDFS/
# OWL/XSD terms and reflexive owl:sameAs, which owlrl derives for every resource and the fast path
# deliberately leaves out.
_META = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
         "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")


def _about_our_entities(triples) -> set:
    ours = settings.base_iri() + "id/"
    kept = set()
    for s, p, o in triples:
        if not (isinstance(s, URIRef) and str(s).startswith(ours)) or isinstance(o, BNode):
            continue
        if p == RDF.type and str(o).startswith(_META):
            continue
        if p == OWL.sameAs and s == o:
            continue
        kept.add((s, p, o))
    return kept


@pytest.fixture
def unfiltered(monkeypatch):
    """Both sides without graph.reason.is_trivial: (fast path, reference) as raw closures."""
    monkeypatch.setattr(reason, "is_trivial", lambda triple, known_blank_nodes=None: False)

    def closures(store: ox.Store) -> tuple[set, set]:
        return entailed_by_fast_path(store), reference(store)

    return closures


def test_raw_closures_agree_on_our_entities_on_the_fixture(fixture_sources, fixture_ontology, unfiltered):
    fast, ref = unfiltered(reasoned(fixture_sources, fixture_ontology))
    ours = _about_our_entities(fast)
    assert len(ours) > 50
    assert ours == _about_our_entities(ref)
    # the narrower filter keeps the statements the shared one keeps about our entities
    d1 = URIRef(DOC + "qd-1-tu-2010")
    assert (d1, RDF.type, URIRef(ELI + "LegalResource")) in ours


def test_raw_closures_agree_on_our_entities_on_the_real_data(real_files, unfiltered):
    ontology, _shapes, sources = real_files
    fast, ref = unfiltered(reasoned(sources, ontology))
    ours = _about_our_entities(fast)
    assert len(ours) > 100
    assert ours == _about_our_entities(ref)


def test_the_comparison_notices_a_missing_entailment(fixture_sources, fixture_ontology):
    store = reasoned(fixture_sources, fixture_ontology)
    inferred = ox.NamedNode(settings.inferred_graph())
    victim = next(iter(store.quads_for_pattern(None, ox.NamedNode(ELI + "repealed_by"), None, inferred)))
    store.remove(victim)
    assert entailed_by_fast_path(store) != reference(store)


def test_expected_entailments_through_each_axiom_kind(fixture_sources, fixture_ontology):
    store = reasoned(fixture_sources, fixture_ontology)
    fast = entailed_by_fast_path(store)
    d1, d2 = URIRef(DOC + "qd-1-tu-2010"), URIRef(DOC + "qd-2-tu-2015")
    ban, tinh, tw = URIRef(ORG + "ban-dan-van-x"), URIRef(ORG + "tinh-uy-x"), URIRef(ORG + "trung-uong")
    expected = {
        (d1, RDF.type, URIRef(ELI + "LegalResource")),  # subClassOf then equivalentClass
        (d2, URIRef(ELI + "repeals"), d1),  # subPropertyOf
        (d1, URIRef(ELI + "repealed_by"), d2),  # inverse of the superproperty
        (d1, URIRef("http://purl.org/dc/terms/isReplacedBy"), d2),  # inverse declared the other way
        (d2, RDF.type, URIRef("https://w3id.org/danvan/ontology#Document")),  # domain
        (ban, URIRef("https://w3id.org/danvan/ontology#subOrganizationOf"), tw),  # transitive
        (tw, URIRef("http://www.w3.org/ns/org#hasSubOrganization"), ban),  # transitive, sub, inverse
        (URIRef(ORG + "mat-tran-x"), URIRef("https://w3id.org/danvan/ontology#relatedTo"), tinh),  # symmetric
        (tinh, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")),  # range, equivalentClass
        (URIRef("https://w3id.org/danvan/id/document-type/qd"), RDF.type,
         URIRef("http://www.w3.org/2004/02/skos/core#Concept")),  # an individual of the ontology graph
    }
    assert expected <= fast


def test_inferred_graph_holds_only_new_triples(fixture_sources, fixture_ontology):
    store = reasoned(fixture_sources, fixture_ontology)
    inferred = ox.NamedNode(settings.inferred_graph())
    for q in store.quads_for_pattern(None, None, None, inferred):
        elsewhere = [o for o in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
                     if o.graph_name != inferred]
        assert not elsewhere, q


def test_materialize_is_repeatable_and_leaves_no_scratch_graph(fixture_sources, fixture_ontology):
    store = reasoned(fixture_sources, fixture_ontology)
    first = set(store)
    assert materialize(store) == len(list(store.quads_for_pattern(None, None, None,
                                                                  ox.NamedNode(settings.inferred_graph()))))
    assert set(store) == first
    assert {g.value for g in store.named_graphs()} == {
        settings.ontology_graph(), settings.inferred_graph(),
        "https://w3id.org/danvan/id/source/a-news", "https://w3id.org/danvan/id/source/b-reference",
    }


def test_repeal_ends_force_from_the_repealing_documents_dates(fixture_sources, fixture_ontology):
    ends = end_of_force(reasoned(fixture_sources, fixture_ontology))
    assert ends == {
        "qd-1-tu-2010": {"2015-03-10"},  # dv:replaces; the new one has only eli:date_document
        "qd-3-tu-2012": {"2016-06-01"},  # entry into force (via dv:inForceFrom) wins over the date
        "qd-6-tu-2013": {"2018-01-01"},  # stated as eli:repealed_by: the inverse gives eli:repeals
        # qd-8 already states its end of force: nothing is entailed for it
    }


def test_repeal_rule_works_for_any_subproperty_of_eli_repeals(tmp_path, fixture_ontology, make_source):
    ontology = tmp_path / "extra.ttl"
    ontology.write_text(
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://example.org/abrogates> rdfs:subPropertyOf eli:repeals .\n"
        "<https://example.org/enteredIntoForce> rdfs:subPropertyOf eli:first_date_entry_in_force .\n"
    )
    source = make_source(tmp_path / "s.ttl", "s", (
        'doc:new <https://example.org/abrogates> doc:old ; eli:date_document "2020-01-01"^^xsd:date ;\n'
        '    <https://example.org/enteredIntoForce> "2020-02-01"^^xsd:date .\n'
        'doc:other eli:date_document "2001-01-01"^^xsd:date .\n'
    ))
    store = reasoned([source], [*fixture_ontology, ontology])
    assert end_of_force(store) == {"old": {"2020-02-01"}}
    assert entailed_by_fast_path(store) == reference(store)


def test_two_repealing_documents_give_two_dates_on_both_paths(tmp_path, fixture_ontology, make_source):
    source = make_source(tmp_path / "s.ttl", "s", (
        'doc:a dv:replaces doc:old ; eli:date_document "2020-01-01"^^xsd:date .\n'
        'doc:b eli:repeals doc:old ; eli:first_date_entry_in_force "2021-01-01"^^xsd:date .\n'
        'doc:c dv:replaces doc:undated .\n'
    ))
    store = reasoned([source], fixture_ontology)
    assert end_of_force(store) == {"old": {"2020-01-01", "2021-01-01"}}
    assert entailed_by_fast_path(store) == reference(store)


def test_domain_rule_output_is_reasoned_over(tmp_path, fixture_ontology, make_source):
    # a domain rule's conclusion feeds the OWL rules (here a subproperty of the concluded property)
    ontology = tmp_path / "extra.ttl"
    ontology.write_text(
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "eli:date_no_longer_in_force rdfs:subPropertyOf <https://example.org/ended> .\n"
    )
    source = make_source(tmp_path / "s.ttl", "s",
                         'doc:a dv:replaces doc:old ; eli:date_document "2020-01-01"^^xsd:date .\n')
    store = reasoned([source], [*fixture_ontology, ontology])
    ended = list(store.quads_for_pattern(ox.NamedNode(DOC + "old"), ox.NamedNode("https://example.org/ended"),
                                         None, ox.NamedNode(settings.inferred_graph())))
    assert [q.object.value for q in ended] == ["2020-01-01"]
    assert entailed_by_fast_path(store) == reference(store)


@pytest.mark.parametrize("triple", [
    (Literal("2020-01-01", datatype=XSD_DATE), RDF.type, XSD_DATE),
    (URIRef("https://w3id.org/danvan/ontology#Document"), RDFS.subClassOf, OWL.Thing),
    (URIRef("http://data.europa.eu/eli/ontology#repeals"), RDF.type, OWL.ObjectProperty),
    (URIRef(DOC + "x"), RDF.type, OWL.Thing),
    (URIRef(DOC + "x"), RDF.type, OWL.NamedIndividual),
    (URIRef(DOC + "x"), RDF.type, RDFS.Resource),
    (URIRef(DOC + "x"), RDF.type, BNode("restriction")),
    (URIRef(DOC + "x"), OWL.sameAs, URIRef(DOC + "x")),
    (URIRef(DOC + "x"), RDFS.subClassOf, URIRef(DOC + "x")),
])
def test_trivial_triples(triple):
    assert is_trivial(triple)


@pytest.mark.parametrize("triple", [
    (URIRef(DOC + "x"), RDF.type, URIRef(ELI + "LegalResource")),
    (URIRef(DOC + "x"), URIRef(ELI + "repeals"), URIRef(DOC + "y")),
    (URIRef(DOC + "x"), OWL.sameAs, URIRef(DOC + "y")),
    (BNode("known"), RDF.type, URIRef(ELI + "LegalResource")),
])
def test_non_trivial_triples(triple):
    assert not is_trivial(triple, known_blank_nodes={BNode("known")})


def test_unknown_blank_nodes_are_trivial():
    assert is_trivial((BNode("made-up"), RDF.type, URIRef(ELI + "LegalResource")), known_blank_nodes=set())


def test_fast_path_equals_owlrl_on_the_real_data(real_files):
    ontology, _shapes, sources = real_files
    store = reasoned(sources, ontology)
    fast = entailed_by_fast_path(store)
    assert fast
    assert fast == reference(store)


def test_a_broken_domain_rule_names_its_file(tmp_path, fixture_sources, fixture_ontology):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.ru").write_text("INSERT { GRAPH <inferred> { ?s ?p } } WHERE { ?s ?p ?o }\n")
    store = ox.Store()
    load(store, fixture_sources, fixture_ontology)
    with pytest.raises(ReasoningError, match="broken.ru"):
        materialize(store, rules_dir=rules)


def test_a_domain_rule_that_never_stops_is_reported(tmp_path, fixture_sources, fixture_ontology):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "forever.ru").write_text(
        "INSERT { GRAPH <inferred> { ?s <urn:again> [] } } WHERE { GRAPH ?g { ?s a ?c } }\n")
    store = ox.Store()
    load(store, fixture_sources, fixture_ontology)
    with pytest.raises(ReasoningError, match="FILTER NOT EXISTS"):
        materialize(store, rules_dir=rules)
    assert {g.value for g in store.named_graphs()} <= {
        settings.ontology_graph(), settings.inferred_graph(),
        "https://w3id.org/danvan/id/source/a-news", "https://w3id.org/danvan/id/source/b-reference",
    }  # scratch graphs are dropped even then


def test_the_domain_rules_shipped_with_the_package_are_found():
    from graph.reason import domain_rules

    names = [name for name, _ in domain_rules()]
    assert "repeal-ends-force.ru" in names
