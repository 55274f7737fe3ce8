"""Local re-reasoning (graph/reason_delta.py) equals a full run of the rules, edit by edit.

Each test starts from the project's sources reasoned in full, changes asserted quads, lets
:func:`graph.reason_delta.reason` patch the inferred graph, and compares it with
:func:`graph.reason.materialize` run from scratch on the same asserted graphs."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from graph import resources, settings
from graph.load import Packaged, load
from graph.reason import materialize
from graph.reason_delta import Neighbourhood, NotLocal, reason

DV = "https://w3id.org/danvan/ontology#"
ID = "https://w3id.org/danvan/id/"
ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EXTRA = ox.NamedNode(ID + "source/extra")  # a graph the edits add statements to


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def d(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=n("http://www.w3.org/2001/XMLSchema#date"))


@pytest.fixture(scope="module")
def base() -> list[ox.Quad]:
    """The project's sources and ontology, reasoned in full: every quad."""
    db = ox.Store()
    load(db, resources.source_files(), [Packaged(p, "ontology") for p in resources.ontology_files()])
    materialize(db)
    return list(db.quads_for_pattern(None, None, None, None))


@pytest.fixture
def db(base) -> ox.Store:
    store = ox.Store()
    store.extend(base)
    return store


def inferred(store: ox.Store) -> set:
    graph = n(settings.inferred_graph())
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


def full(store: ox.Store) -> set:
    """The inferred graph a full run makes from ``store``'s asserted graphs."""
    graph = n(settings.inferred_graph())
    fresh = ox.Store()
    fresh.extend(q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != graph)
    materialize(fresh)
    return inferred(fresh)


def change(db: ox.Store, remove=(), add=()) -> tuple[set, set]:
    """Apply the edit (quads), re-reason locally, check against a full run; returns what went and came."""
    remove, add = set(remove), set(add)
    for quad in remove:
        assert quad in db, quad
        db.remove(quad)
    db.extend(add)
    gone, new, _size = reason(db, {(q.subject, q.predicate, q.object) for q in remove},
                              {(q.subject, q.predicate, q.object) for q in add})
    graph = n(settings.inferred_graph())
    for s, p, o in gone:
        db.remove(ox.Quad(s, p, o, graph))
    db.extend(ox.Quad(s, p, o, graph) for s, p, o in new)
    assert inferred(db) == full(db)
    return gone, new


def asserted(db: ox.Store, s=None, p=None, o=None) -> list[ox.Quad]:
    skip = {settings.inferred_graph(), settings.ontology_graph()}
    return [q for q in db.quads_for_pattern(s, p, o, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in skip]


def test_asserting_an_inferred_triple_removes_it_from_the_inferred_graph_and_back(db):
    triples = sorted(inferred(db), key=str)[::97][:12]
    quads = [ox.Quad(*t, EXTRA) for t in triples]
    gone, new = change(db, add=quads)
    assert set(triples) <= gone and not new
    gone, new = change(db, remove=quads)
    assert set(triples) <= new


def test_removing_an_asserted_triple_that_is_also_derivable_keeps_it_inferred(db):
    # dv:replaces entails eli:repeals: state the latter too, then take the former away
    (replaces,) = asserted(db, None, n(DV + "replaces"), None)[:1]
    repeals = ox.Triple(replaces.subject, n(ELI + "repeals"), replaces.object)
    change(db, add=[ox.Quad(repeals.subject, repeals.predicate, repeals.object, EXTRA)])
    assert (repeals.subject, repeals.predicate, repeals.object) not in inferred(db)
    _gone, new = change(db, remove=[ox.Quad(repeals.subject, repeals.predicate, repeals.object, EXTRA)])
    assert (repeals.subject, repeals.predicate, repeals.object) in new


def test_a_sub_organization_link_moved_in_a_chain(db):
    links = asserted(db, None, n(DV + "subOrganizationOf"), None)
    # a link one source states: taking it away from there takes it away
    link = next(q for q in links if len(asserted(db, q.subject, q.predicate, q.object)) == 1)
    other = next(q for q in links if q.object != link.object)
    moved = ox.Quad(link.subject, link.predicate, other.object, link.graph_name)
    gone, new = change(db, remove=[link], add=[moved])
    assert gone and new  # the inverse link moves with it
    change(db, remove=[moved], add=[link])


def test_a_repeal_gives_an_end_of_force_and_a_stated_end_takes_it_away(db):
    old, new_doc = n(ID + "document/test-old"), n(ID + "document/test-new")
    end = (old, n(ELI + "date_no_longer_in_force"), d("2020-05-01"))
    facts = [ox.Quad(old, RDF_TYPE, n(DV + "PartyDocument"), EXTRA),
             ox.Quad(new_doc, RDF_TYPE, n(DV + "PartyDocument"), EXTRA),
             ox.Quad(new_doc, n(DV + "dateIssued"), d("2020-04-01"), EXTRA),
             ox.Quad(new_doc, n(DV + "entryIntoForce"), d("2020-05-01"), EXTRA)]
    change(db, add=facts)
    replaces = ox.Quad(new_doc, n(DV + "replaces"), old, ox.NamedNode(ID + "source/other"))
    _gone, new = change(db, add=[replaces])  # the repeal, in another graph than the dates
    assert end in new
    # without a date of entry into force, the date of the document
    gone, new = change(db, remove=[facts[3]])
    assert end in gone and (old, end[1], d("2020-04-01")) in new
    # an end stated by a source: none inferred
    stated = ox.Quad(old, n(DV + "endOfValidity"), d("2019-01-01"), EXTRA)
    gone, _new = change(db, add=[stated])
    assert (old, end[1], d("2020-04-01")) in gone
    change(db, remove=[stated])
    gone, _new = change(db, remove=[replaces])  # un-triggered
    assert (old, end[1], d("2020-04-01")) in gone


def test_an_existing_document_repealed_then_not(db):
    doc = asserted(db, None, n(DV + "documentNumber"), None)[0].subject
    new_doc = n(ID + "document/test-repealer")
    quads = [ox.Quad(new_doc, n(DV + "replaces"), doc, EXTRA), ox.Quad(new_doc, n(DV + "dateIssued"), d("2099-01-01"), EXTRA)]
    change(db, add=quads)
    change(db, remove=quads[1:])
    change(db, remove=quads[:1])


def test_conflicting_values_marked_and_unmarked(db):
    (issued,) = asserted(db, None, n(DV + "dateIssued"), None)[:1]
    mark = (issued.subject, n(DV + "hasConflictingValuesFor"), n(DV + "dateIssued"))
    other = ox.Quad(issued.subject, issued.predicate, d("1999-09-09"), EXTRA)
    _gone, new = change(db, add=[other])
    assert mark in new
    gone, _new = change(db, remove=[other])
    assert mark in gone
    # the same value in another graph is no conflict
    _gone, new = change(db, add=[ox.Quad(issued.subject, issued.predicate, issued.object, EXTRA)])
    assert mark not in new


def test_a_whole_source_removed_and_added_again(db):
    graphs = sorted({q.graph_name.value for q in asserted(db)})
    for graph in graphs[:3] + graphs[-2:]:
        quads = list(db.quads_for_pattern(None, None, None, n(graph)))
        change(db, remove=quads)
        change(db, add=quads)


def test_random_edits(db):
    """Random statements removed and made up from the data's own terms, many rounds."""
    rng = random.Random(7)
    tbox = Neighbourhood(db)
    facts = asserted(db)
    subjects = sorted({q.subject for q in facts}, key=str)
    predicates = sorted({q.predicate for q in facts} | {n(p) for p in tbox.object_side}, key=str)
    objects = sorted({q.object for q in facts}, key=str)
    graphs = sorted({q.graph_name for q in facts}, key=str) + [EXTRA]
    for _ in range(25):
        current = asserted(db)
        remove = rng.sample(current, rng.randint(0, 4))
        add = []
        for _ in range(rng.randint(0, 4)):
            quad = ox.Quad(rng.choice(subjects), rng.choice(predicates), rng.choice(objects), rng.choice(graphs))
            if quad.predicate.value.startswith(("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#")) \
                    or quad.predicate.value == DV + "expectsOneValue":
                continue
            if isinstance(quad.object, ox.Literal) and quad.predicate == RDF_TYPE:
                continue
            if quad.predicate == RDF_TYPE and quad.object.value.startswith(("http://www.w3.org/", )):
                continue
            if quad not in db:
                add.append(quad)
        change(db, remove=remove, add=add)


def test_axioms_and_transitive_properties_take_a_full_run(db):
    subclass = ox.Quad(n(ID + "thing/x"), n("http://www.w3.org/2000/01/rdf-schema#subClassOf"), n(DV + "Person"), EXTRA)
    db.add(subclass)
    with pytest.raises(NotLocal, match="axiom"):
        reason(db, set(), {(subclass.subject, subclass.predicate, subclass.object)})
    one = ox.Quad(n(DV + "fullName"), n(DV + "expectsOneValue"), ox.Literal("true", datatype=n(
        "http://www.w3.org/2001/XMLSchema#boolean")), EXTRA)
    with pytest.raises(NotLocal, match="axiom"):
        reason(db, set(), {(one.subject, one.predicate, one.object)})
    db.add(ox.Quad(n("http://www.w3.org/ns/org#subOrganizationOf"), RDF_TYPE,
                   n("http://www.w3.org/2002/07/owl#TransitiveProperty"), n(settings.ontology_graph())))
    with pytest.raises(NotLocal, match="transitive"):
        Neighbourhood(db)
