"""Materialize the OWL 2 RL entailments of the ontology, and the domain rules, into the inferred graph.

Fast path (:func:`materialize`): SPARQL UPDATE rules run inside pyoxigraph. Each rule reads its axioms
(the TBox) from the ontology graph with ``GRAPH <ontology>``, matches facts in every graph with
``GRAPH ?g``, and inserts into the inferred graph only triples that no graph holds yet. Chains of
axioms (subclass of a subclass, domain of a superproperty, inverse of a subproperty…) need no TBox
closure: rules run in rounds until a round adds nothing. Rounds after the first are semi-naive: each
rule joins at least one premise with what the previous round added (kept in scratch graphs that are
dropped at the end), so a round costs about what it adds, not the size of the data. The rules cover
exactly the OWL RL features the ontology uses on facts: cax-sco, cax-eqc1/2, prp-spo1, prp-eqp1/2,
prp-inv1/2, prp-dom, prp-rng, prp-symp, prp-trp. Axioms stated inside source files are not read
(sources state facts, the ontology states axioms).

Domain rules are the ``graph/rules/*.ru`` files, run in name order. They are not monotonic (they say
"unless one is already stated"), so they are stratified: OWL rules to a fixpoint, then one pass of
the domain rules, then OWL rules again from what that pass added, until a pass adds nothing.
Rule-file conventions: relative IRIs resolve against ``<{base}graph/>`` (``<inferred>``,
``<ontology>``); ``dv:`` is predeclared; read with ``GRAPH ?g``; write only ``GRAPH <inferred>``.

Reference semantics (:func:`reference_closure`): owlrl's ``DeductiveClosure(OWLRL_Semantics)`` over the
ontology plus the union of the sources, then the same ``.ru`` files in rdflib, in the same stratified
loop. Both sides are compared after :func:`is_trivial` removes what owlrl derives and the fast path
deliberately does not (see its docstring for the exact filter).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from graph import settings
from graph.errors import ReasoningError
from graph.namespaces import (
    DCTERMS, ELI, FOAF, ORG, PROV, SCHEMA, SH, SKOS, TIME, quad_to_rdflib,
)

Triple = tuple[Any, Any, Any]

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

@dataclass(frozen=True)
class Rule:
    """An OWL RL rule family as SPARQL: ``head`` is inserted for each match of ``tbox`` (read from the
    ontology graph), then ``premises`` (facts, from every graph), then ``filters``."""

    head: str
    tbox: str
    premises: tuple[str, ...]
    filters: str


# The FILTER NOT EXISTS keeps the inferred graph free of restatements of what any graph already holds.
# Premises read every graph: ontology individuals such as the document types are facts too.
OWL_RULES: dict[str, Rule] = {
    "cax-sco/cax-eqc": Rule(
        "?x a ?d",
        "{ ?c rdfs:subClassOf ?d } UNION { ?c owl:equivalentClass ?d } UNION { ?d owl:equivalentClass ?c }",
        ("?x a ?c",),
        "FILTER (isIRI(?d) && ?c != ?d) FILTER NOT EXISTS { GRAPH ?h { ?x a ?d } }",
    ),
    "prp-spo1/prp-eqp": Rule(
        "?x ?q ?y",
        "{ ?p rdfs:subPropertyOf ?q } UNION { ?p owl:equivalentProperty ?q } UNION { ?q owl:equivalentProperty ?p }",
        ("?x ?p ?y",),
        "FILTER (isIRI(?q) && ?p != ?q) FILTER NOT EXISTS { GRAPH ?h { ?x ?q ?y } }",
    ),
    "prp-inv": Rule(
        "?y ?q ?x",
        "{ ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }",
        ("?x ?p ?y",),
        "FILTER (isIRI(?q) && !isLiteral(?y)) FILTER NOT EXISTS { GRAPH ?h { ?y ?q ?x } }",
    ),
    "prp-symp": Rule(
        "?y ?p ?x",
        "?p a owl:SymmetricProperty",
        ("?x ?p ?y",),
        "FILTER (!isLiteral(?y)) FILTER NOT EXISTS { GRAPH ?h { ?y ?p ?x } }",
    ),
    "prp-trp": Rule(
        "?x ?p ?z",
        "?p a owl:TransitiveProperty",
        ("?x ?p ?y", "?y ?p ?z"),
        "FILTER NOT EXISTS { GRAPH ?h { ?x ?p ?z } }",
    ),
    "prp-dom": Rule(
        "?x a ?c",
        "?p rdfs:domain ?c",
        ("?x ?p ?y",),
        "FILTER (isIRI(?c)) FILTER NOT EXISTS { GRAPH ?h { ?x a ?c } }",
    ),
    "prp-rng": Rule(
        "?y a ?c",
        "?p rdfs:range ?c",
        ("?x ?p ?y",),
        "FILTER (isIRI(?c) && !isLiteral(?y)) FILTER NOT EXISTS { GRAPH ?h { ?y a ?c } }",
    ),
}

# Guards against rules that never converge, far above any real derivation depth.
_MAX_ROUNDS = 10_000
_MAX_DOMAIN_PASSES = 100
# Scratch graphs (relative to <{base}graph/>) for semi-naive rounds; they swap roles each round.
_SCRATCH = ("inferred-delta-a", "inferred-delta-b")


def _prologue() -> str:
    return f"BASE <{settings.base_iri()}graph/>\nPREFIX dv: <{settings.ontology_namespace()}>\n"


def _render(rule: Rule, write: str, delta: tuple[int, str] | None = None) -> str:
    """One SPARQL UPDATE writing into the inferred graph and scratch graph ``write``. With
    ``delta=(i, graph)``, premise i reads only ``graph`` (the previous round's additions) and is
    joined first, so the engine starts from the small side."""
    clauses = [f"GRAPH ?g{i} {{ {p} }}" for i, p in enumerate(rule.premises)]
    if delta is not None:
        index, graph = delta
        clauses.insert(0, f"GRAPH <{graph}> {{ {rule.premises[index]} }}")
        del clauses[index + 1]
    return (
        _prologue() + _PREFIXES
        + f"INSERT {{ GRAPH <inferred> {{ {rule.head} }} GRAPH <{write}> {{ {rule.head} }} }}\n"
        + f"WHERE {{\n  GRAPH <ontology> {{ {rule.tbox} }}\n  " + "\n  ".join(clauses)
        + f"\n  {rule.filters}\n}}"
    )


def owl_updates(write: str, read: str | None = None) -> list[str]:
    """The OWL rules as SPARQL UPDATEs writing to scratch graph ``write``: naive (every premise from
    every graph) when ``read`` is None, else the semi-naive variants joining with ``read``."""
    if read is None:
        return [_render(rule, write) for rule in OWL_RULES.values()]
    return [_render(rule, write, (i, read)) for rule in OWL_RULES.values() for i in range(len(rule.premises))]


def domain_rules(rules_dir=None) -> list[tuple[str, str]]:
    """(name, SPARQL UPDATE text) of the domain rules, in name order."""
    folder = files("graph") / "rules" if rules_dir is None else rules_dir
    paths = sorted((p for p in folder.iterdir() if p.name.endswith(".ru")), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _count(store: ox.Store, graph: str) -> int:
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))["n"].value)


def materialize(store: ox.Store, rules_dir=None) -> int:
    """Fill the inferred graph (emptied first) to a fixpoint; returns its number of triples."""
    inferred = settings.inferred_graph()
    base = settings.base_iri() + "graph/"
    stage = _SCRATCH[0]
    # (the inferred graph's name is a whole IRI, the scratch graphs' are relative to base)
    for graph in (inferred, *(base + g for g in _SCRATCH)):
        store.update(f"DROP SILENT GRAPH <{graph}>")
    # Domain rules say <inferred>; they write into a scratch graph instead, which then seeds the next
    # semi-naive OWL round (instead of a naive round over everything) and is added to <inferred>.
    domain = [(name, _prologue() + text.replace("<inferred>", f"<{stage}>")) for name, text in domain_rules(rules_dir)]
    delta = None
    try:
        for _ in range(_MAX_DOMAIN_PASSES):
            _owl_fixpoint(store, delta)
            for graph in _SCRATCH:
                store.update(f"DROP SILENT GRAPH <{base + graph}>")
            for name, update in domain:
                try:
                    store.update(update)
                except SyntaxError as e:
                    raise ReasoningError(f"graph/rules/{name}: {e}: fix the rule's SPARQL.") from None
            if _count(store, base + stage) == 0:
                return _count(store, inferred)
            store.update(f"ADD SILENT GRAPH <{base + stage}> TO GRAPH <{inferred}>")
            delta = stage
        raise ReasoningError(
            f"The domain rules still add triples after {_MAX_DOMAIN_PASSES} passes: a rule must not "
            "re-derive what exists (check its FILTER NOT EXISTS) nor mint new nodes."
        )
    finally:
        for graph in _SCRATCH:
            store.update(f"DROP SILENT GRAPH <{base + graph}>")


def _owl_fixpoint(store: ox.Store, delta: str | None) -> None:
    """Run the OWL rules until a round adds nothing. The first round is naive (joins everything) when
    ``delta`` is None, else semi-naive from the scratch graph ``delta``; later rounds are semi-naive
    from the previous round's additions."""
    a, b = _SCRATCH
    base = settings.base_iri() + "graph/"
    plans = {a: owl_updates(write=b, read=a), b: owl_updates(write=a, read=b)}
    if delta is None:
        updates, written = owl_updates(write=a), a
    else:
        updates, written = plans[delta], (b if delta == a else a)
    for _ in range(_MAX_ROUNDS):
        for update in updates:
            store.update(update)
        if _count(store, base + written) == 0:
            return
        # what was just written is next round's delta; the other graph (this round's delta, spent)
        # is emptied to receive next round's additions
        following = b if written == a else a
        store.update(f"DROP SILENT GRAPH <{base + following}>")
        updates, written = plans[written], following
    raise ReasoningError(f"The OWL rules did not reach a fixpoint in {_MAX_ROUNDS} rounds.")


# --- comparison with the reference semantics -------------------------------------------------------

VOCABULARY_NAMESPACES: tuple[str, ...] = (
    str(RDF), str(RDFS), str(OWL), str(XSD), str(SH), str(SKOS), str(DCTERMS), "http://purl.org/dc/elements/1.1/",
    str(ELI), str(ORG), str(SCHEMA), "http://schema.org/", str(PROV), str(FOAF), str(TIME),
    "http://purl.org/vocab/vann/", "http://www.w3.org/ns/dcat#",
)
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Literal}
_TBOX_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
    RDFS.domain, RDFS.range, OWL.disjointWith, OWL.propertyDisjointWith,
}


def is_trivial(triple: Triple, known_blank_nodes: set[BNode] | None = None) -> bool:
    """True for entailed triples that say nothing about the data; both sides drop exactly these.

    A triple (s, p, o) is trivial when any of these holds:

    1. s is a literal (owlrl's datatype rules type literals), or s or o is a blank node that does not
       occur in the input (owlrl's stand-ins for literals and class expressions);
    2. s is an IRI in the ontology namespace or a vocabulary namespace (:data:`VOCABULARY_NAMESPACES`):
       TBox closure such as ``dv:A rdfs:subClassOf owl:Thing`` (so individuals named in those
       namespaces, like ``dv:Morning``, are not compared; those under ``{base}id/`` are);
    3. p is a TBox predicate (:data:`_TBOX_PREDICATES`), e.g. the reflexive ``x rdfs:subClassOf x``;
    4. p is rdf:type and o is owl:Thing, rdfs:Resource, owl:NamedIndividual, rdfs:Literal, a blank
       node, or any term of the RDF, RDFS, OWL or XSD namespaces (metaclasses and datatypes);
    5. p is owl:sameAs and s == o (eq-ref).
    """
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if known_blank_nodes is not None and any(
        isinstance(t, BNode) and t not in known_blank_nodes for t in (s, o)
    ):
        return True
    if isinstance(s, URIRef) and str(s).startswith((settings.ontology_namespace(), *VOCABULARY_NAMESPACES)):
        return True
    if p in _TBOX_PREDICATES:
        return True
    if p == RDF.type and (
        o in _TRIVIAL_TYPES or isinstance(o, BNode) or str(o).startswith((str(RDF), str(RDFS), str(OWL), str(XSD)))
    ):
        return True
    return p == OWL.sameAs and s == o


def _union(dataset_graph: rdflib.Graph) -> rdflib.Graph:
    union = rdflib.Graph()
    if isinstance(dataset_graph, (rdflib.Dataset, rdflib.ConjunctiveGraph)):
        inferred = URIRef(settings.inferred_graph())
        for s, p, o, g in dataset_graph.quads((None, None, None, None)):
            graph_name = g.identifier if isinstance(g, rdflib.Graph) else g
            if graph_name != inferred:
                union.add((s, p, o))
    else:
        for triple in dataset_graph:
            union.add(triple)
    return union


def _blank_nodes(triples: Iterable[Triple]) -> set[BNode]:
    return {t for triple in triples for t in triple if isinstance(t, BNode)}


def reference_closure(dataset_graph: rdflib.Graph, rules_dir=None) -> set[Triple]:
    """New triples entailed by owlrl's OWL RL closure plus the domain rules, trivial ones removed.

    ``dataset_graph`` is a Dataset (all named graphs but the inferred one are read) or a plain Graph
    holding ontology + sources.
    """
    dataset = rdflib.Dataset()
    work = dataset.graph(URIRef("urn:x-danvan:union"))
    for triple in _union(dataset_graph):
        work.add(triple)
    original = set(work)
    known = _blank_nodes(original)
    inferred = dataset.graph(URIRef(settings.inferred_graph()))
    updates = [_prologue() + text for _, text in domain_rules(rules_dir)]
    for _ in range(_MAX_DOMAIN_PASSES):
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(work)
        with warnings.catch_warnings():  # rdflib's SPARQL engine calls its own deprecated Dataset API
            warnings.simplefilter("ignore", DeprecationWarning)
            for update in updates:
                dataset.update(update)
        added = list(inferred)
        if not added:
            break
        for triple in added:
            work.add(triple)
            inferred.remove(triple)
    else:
        raise ReasoningError("The reference reasoning did not reach a fixpoint.")
    return {t for t in set(work) - original if not is_trivial(t, known)}


def entailed_by_fast_path(store: ox.Store) -> set[Triple]:
    """The inferred graph as rdflib triples, with the same trivial filter as :func:`reference_closure`."""
    inferred = ox.NamedNode(settings.inferred_graph())
    known = {
        BNode(term.value)
        for quad in store.quads_for_pattern(None, None, None, None)
        if quad.graph_name != inferred
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.BlankNode)
    }
    triples = {quad_to_rdflib(q) for q in store.quads_for_pattern(None, None, None, inferred)}
    return {t for t in triples if not is_trivial(t, known)}
