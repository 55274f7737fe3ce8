"""Re-reason only around what changed: the inferred triples a change of asserted triples can alter,
computed exactly from a small neighbourhood of the changed nodes (for incremental builds,
:mod:`graph.incremental`).

Why a neighbourhood is enough. Call *endpoints* of a triple ``(s, p, o)`` its subject and, unless ``o``
is a literal or ``p`` is *type-like* (``rdf:type``, ``dv:hasConflictingValuesFor``: their objects are
classes and properties, not things), its object. Every OWL rule the ontology uses on facts (cax-sco,
prp-spo1, prp-eqp, prp-inv, prp-symp, prp-dom, prp-rng; see :mod:`graph.reason`) has one fact premise,
and the endpoints of what it derives are among the endpoints of that premise. So a triple ``u`` is in
the closure of the asserted triples iff one asserted triple whose endpoints include ``u``'s derives it,
and an inferred triple whose endpoints are not all among the changed triples' endpoints ``N`` keeps
every support it had: it does not change (and it is not a changed triple, so the "unless a graph
states it" filter gives the same answer). Only the *region* R — inferred triples whose endpoints all
lie in ``N`` — is recomputed. Every triple of a derivation of a triple of R shares its endpoints, so it
is incident to ``N``: the neighbourhood holds

* the whole ontology graph (the axioms, and the ontology's own individuals), and every statement of
  ``dv:expectsOneValue`` (the conflicts rule reads it from any graph);
* every statement (asserted, or inferred and outside R) whose subject is in ``N``;
* for each node ``x`` of ``N`` and each property ``p`` whose triples can say something about their
  object (it or a superproperty has a range, an inverse, or is symmetric), one statement ``(y, p, x)``
  with ``y`` outside ``N``: what it entails about ``x`` alone (its types) depends on ``p`` only, and a
  hub (a role held in ten thousand posts) is not read whole;

and :func:`graph.reason.materialize` runs on it; its inferred triples in R replace the old ones.

The domain rules (``graph/rules/*.ru``) are not monotonic; each is made local by hand here, and a rule
file not in :data:`DOMAIN_RULES` means the caller falls back to a full run:

* ``conflicting-values.ru`` marks ``(s, dv:hasConflictingValuesFor, P)`` from the values of ``s``'s
  ``P``: all are statements about ``s`` (above), and the mark's one endpoint is ``s``;
* ``repeal-ends-force.ru`` gives ``old`` an end of force from the dates of the documents that repeal it
  and ``old``'s own ends: ``N`` also takes what the changed nodes repeal (before and after the change),
  and the neighbourhood takes, for each node of ``N``, every ``eli:repeals`` statement pointing at it
  and the two dates of their subjects.

The outputs of the domain rules have one endpoint (their subject), so a statement the full run derives
only after a domain pass is never in the neighbourhood unless its subject is in ``N``, where it is
recomputed: the passes run on the neighbourhood as on the whole graph.

What falls back to a full run (:class:`NotLocal`, with the reason): a transitive property in the
ontology (prp-trp has two premises: a changed link changes triples far along a chain), axioms that
give a type-like property or a domain rule's output a superproperty, an inverse or a range, a changed
statement of an axiom (a TBox predicate, ``dv:expectsOneValue``, or a type in the RDF, RDFS or OWL
namespaces), and unknown domain rules. tests/graph/test_reason_delta.py compares the result with a
full run on many kinds of edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from graph import settings
from graph.reason import domain_rules, materialize

Triple = tuple[Any, Any, Any]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = ox.NamedNode(_RDF + "type")
SUB_PROPERTY = _RDFS + "subPropertyOf"
EQUIVALENT_PROPERTY = _OWL + "equivalentProperty"
INVERSE = _OWL + "inverseOf"
RANGE = _RDFS + "range"
DOMAIN = _RDFS + "domain"
SYMMETRIC = _OWL + "SymmetricProperty"
TRANSITIVE = _OWL + "TransitiveProperty"
TBOX = {SUB_PROPERTY, EQUIVALENT_PROPERTY, INVERSE, RANGE, DOMAIN, _RDFS + "subClassOf",
        _OWL + "equivalentClass"}
REPEALS = ox.NamedNode(_ELI + "repeals")
ENTRY_INTO_FORCE = ox.NamedNode(_ELI + "first_date_entry_in_force")
DATE_DOCUMENT = ox.NamedNode(_ELI + "date_document")
NO_LONGER_IN_FORCE = _ELI + "date_no_longer_in_force"

# the domain rules whose locality is argued in the module's docstring
DOMAIN_RULES = ("conflicting-values.ru", "repeal-ends-force.ru")


class NotLocal(Exception):
    """The change cannot be re-reasoned locally (the message says why): reason in full."""


def _ns(name: str) -> str:
    return settings.ontology_namespace() + name


def type_like() -> frozenset[str]:
    return frozenset({RDF_TYPE.value, _ns("hasConflictingValuesFor")})


def endpoints(triple: Triple, like: frozenset[str]) -> list:
    s, p, o = triple
    if isinstance(o, ox.Literal) or p.value in like:
        return [s]
    return [s, o]


class Neighbourhood:
    """What the ontology graph says that the local reasoning needs, read once per build."""

    def __init__(self, db: ox.Store):
        ontology = ox.NamedNode(settings.ontology_graph())
        self.ontology = list(db.quads_for_pattern(None, None, None, ontology))
        self.like = type_like()
        names = [name for name, _ in domain_rules()]
        if tuple(names) != DOMAIN_RULES:
            raise NotLocal(f"domain rules {', '.join(names)}: only {', '.join(DOMAIN_RULES)} have a declared locality")
        up: dict[str, set[str]] = {}  # property → its direct superproperties (and equivalents)
        object_side: set[str] = set()  # properties saying something about their object themselves
        mentioned: set[str] = set()
        for q in self.ontology:
            s, p, o = q.subject.value, q.predicate.value, q.object.value
            if p == SUB_PROPERTY:
                up.setdefault(s, set()).add(o)
            elif p == EQUIVALENT_PROPERTY:
                up.setdefault(s, set()).add(o)
                up.setdefault(o, set()).add(s)
            elif p == INVERSE:
                object_side |= {s, o}
            elif p == RANGE:
                object_side.add(s)
            elif p == RDF_TYPE.value and o == SYMMETRIC:
                object_side.add(s)
            elif p == RDF_TYPE.value and o == TRANSITIVE:
                raise NotLocal(f"the ontology declares <{s}> transitive")
            if p in (SUB_PROPERTY, EQUIVALENT_PROPERTY, INVERSE, RANGE) or o == SYMMETRIC:
                mentioned |= {s, o}
        for prop in (*self.like, NO_LONGER_IN_FORCE):
            supers = self._supers(prop, up)
            if len(supers) > 1 or supers & object_side:
                raise NotLocal(f"the ontology gives <{prop}> a superproperty, an inverse or a range")
        # every property an (y, p, x) triple can entail something about x from
        self.object_side = sorted(p for p in mentioned | set(up) if self._supers(p, up) & object_side)

    @staticmethod
    def _supers(prop: str, up: dict[str, set[str]]) -> set[str]:
        seen, todo = {prop}, [prop]
        while todo:
            for parent in up.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def check_delta(triples: Iterable[Triple]) -> None:
    """Raise :class:`NotLocal` for a changed statement of an axiom."""
    one = _ns("expectsOneValue")
    for s, p, o in triples:
        if p.value in TBOX or p.value == one or (
                p == RDF_TYPE and o.value.startswith((_RDF, _RDFS, _OWL)) and o.value != _RDFS + "Resource"):
            raise NotLocal(f"a changed statement <{s.value}> <{p.value}> … is an axiom")


def reason(db: ox.Store, removed: set[Triple], added: set[Triple],
           context: Neighbourhood | None = None) -> tuple[set[Triple], set[Triple], int]:
    """The inferred triples that go and come when ``removed`` and ``added`` asserted triples changed in
    ``db`` (already holding the new asserted graphs and the old inferred graph), and the size of the
    neighbourhood reasoned over. Raises :class:`NotLocal` when the change needs a full run."""
    context = context or Neighbourhood(db)
    like = context.like
    check_delta(removed | added)
    inferred = ox.NamedNode(settings.inferred_graph())
    nodes = {t for triple in removed | added for t in endpoints(triple, like)}
    # what the changed nodes repeal, before and after: their end of force may change
    for node in list(nodes):
        for q in db.quads_for_pattern(node, REPEALS, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph) and not isinstance(q.object, ox.Literal):
                nodes.add(q.object)
    for s, p, o in removed | added:
        if p == REPEALS and not isinstance(o, ox.Literal):
            nodes.add(o)

    def in_region(s, p, o) -> bool:
        return all(t in nodes for t in endpoints((s, p, o), like))

    scratch = ox.NamedNode(settings.base_iri() + "graph/neighbourhood")  # inferred outside R, as given facts
    small = ox.Store()
    quads = list(context.ontology)
    one = ox.NamedNode(_ns("expectsOneValue"))
    quads += [q for q in db.quads_for_pattern(None, one, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)]
    old: set[Triple] = set()

    def take(q: ox.Quad) -> None:
        if q.graph_name == inferred:
            quads.append(ox.Quad(q.subject, q.predicate, q.object, scratch))
        else:
            quads.append(q)

    object_side = [ox.NamedNode(p) for p in context.object_side]
    for node in nodes:
        for q in db.quads_for_pattern(node, None, None, None):
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue
            if q.graph_name == inferred and in_region(q.subject, q.predicate, q.object):
                old.add((q.subject, q.predicate, q.object))
            else:
                take(q)
        for p in object_side:
            for q in db.quads_for_pattern(None, p, node, None):
                if not isinstance(q.graph_name, ox.DefaultGraph) and q.subject not in nodes:
                    take(q)
                    break
        for q in db.quads_for_pattern(None, REPEALS, node, None):
            if isinstance(q.graph_name, ox.DefaultGraph) or q.subject in nodes:
                continue
            take(q)
            for date in (ENTRY_INTO_FORCE, DATE_DOCUMENT):
                for d in db.quads_for_pattern(q.subject, date, None, None):
                    if not isinstance(d.graph_name, ox.DefaultGraph):
                        take(d)
    small.extend(quads)
    materialize(small)
    new = {(q.subject, q.predicate, q.object) for q in small.quads_for_pattern(None, None, None, inferred)
           if in_region(q.subject, q.predicate, q.object)}
    return old - new, new - old, len(small)
