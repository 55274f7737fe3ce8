"""Which focus nodes a change of triples can give another result for a SPARQL constraint that reads beyond
its focus node (for incremental validation, :class:`graph.validate.Focus`).

A result for ``$this`` is a match of the constraint's triple patterns (OPTIONAL, EXISTS and NOT EXISTS
parts included), all joined to ``$this`` through their variables. A changed triple can alter it only by
matching one of the patterns; then ``$this`` is found by walking from the changed triple's end back to
``$this`` along the patterns that join them, in the new data (a triple of that walk that was removed is
itself changed, and its own walk is shorter). So the nodes to re-check are the ends of the walks from
every pattern a changed triple matches; property paths are walked step by step (``/``, ``^``, ``|``)
or to a fixpoint (``+``, ``*``). :func:`patterns` returns None for what cannot be walked this way (a
variable predicate, negated properties): the constraint then runs whole.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

from graph.shacl_compile import algebra_of, bgp_triples

Triple = tuple[Any, Any, Any]
THIS = Variable("this")


class Edge:
    """A pattern ``subject predicates object``; ``closure`` for a path repeated (``+``/``*``)."""

    def __init__(self, subject, predicates: frozenset[str], obj, closure: bool = False):
        self.subject, self.predicates, self.object, self.closure = subject, predicates, obj, closure


def patterns(query: str) -> list[Edge] | None:
    """The constraint's triple patterns as edges (property paths expanded), or None when one cannot be
    walked (a variable predicate, a negated property set)."""
    try:
        algebra = algebra_of(query)
    except Exception:  # rdflib's parser raises pyparsing's and its own errors
        return None
    triples = bgp_triples(algebra)
    fresh = count()
    edges: list[Edge] = []

    def add(s, path, o, closure=False) -> bool:
        if isinstance(path, URIRef):
            edges.append(Edge(s, frozenset({str(path)}), o, closure))
            return True
        if isinstance(path, InvPath):
            return add(o, path.arg, s, closure)
        if isinstance(path, SequencePath):
            nodes = [s, *(Variable(f"_step{next(fresh)}") for _ in path.args[1:]), o]
            return all(add(a, p, b, closure) for a, p, b in zip(nodes, path.args, nodes[1:]))
        if isinstance(path, AlternativePath):
            if all(isinstance(a, URIRef) for a in path.args):
                edges.append(Edge(s, frozenset(str(a) for a in path.args), o, closure))
                return True
            return all(add(s, a, o, closure) for a in path.args)
        if isinstance(path, MulPath):
            if isinstance(path.path, URIRef):
                edges.append(Edge(s, frozenset({str(path.path)}), o, True))
                return True
            return False
        return False

    for s, p, o in triples:
        if not add(s, p, o):
            return None
    return edges


def _term(node):
    """An rdflib constant of a pattern as a pyoxigraph term (None for a variable)."""
    if isinstance(node, Variable):
        return None
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    return node  # literals: compared by their lexical form below


def _matches(constant, term) -> bool:
    if constant is None:
        return True
    if isinstance(constant, ox.NamedNode):
        return constant == term
    return isinstance(term, ox.Literal) and term.value == str(constant)


def _routes(edges: list[Edge], start) -> list[list[tuple[Edge, bool]]] | None:
    """Every chain of edges from the pattern node ``start`` to ``$this`` through distinct nodes, as
    (edge, walked from its subject to its object): a match need not use them all (UNION, OPTIONAL), so
    each is walked. None when there are too many to walk."""
    links: dict = {}
    for edge in edges:
        links.setdefault(edge.subject, []).append((edge, True))  # from the subject: go to the object
        links.setdefault(edge.object, []).append((edge, False))
    routes: list = []

    def extend(node, route, seen) -> None:
        if len(routes) > _MAX_ROUTES:
            return
        if node == THIS:
            routes.append(route)
            return
        for edge, from_subject in links.get(node, ()):
            after = edge.object if from_subject else edge.subject
            if after not in seen:
                extend(after, [*route, (edge, from_subject)], seen | {after})

    extend(start, [], {start})
    return None if len(routes) > _MAX_ROUTES else routes


_MAX_ROUTES = 64


def _step(store: ox.Store, nodes: set, edge: Edge, towards_object: bool) -> set:
    out = set()
    for predicate in edge.predicates:
        p = ox.NamedNode(predicate)
        for node in nodes:
            if isinstance(node, ox.Literal) and towards_object:
                continue
            if towards_object:
                out |= {q.object for q in store.quads_for_pattern(node, p, None, None)}
            else:
                out |= {q.subject for q in store.quads_for_pattern(None, p, node, None)}
    return out


def _walk(store: ox.Store, nodes: set, route: list[tuple[Edge, bool]]) -> set:
    for edge, towards_object in route:
        if edge.closure:  # zero or more steps: every node reached
            reached, frontier = set(nodes), set(nodes)
            while frontier:
                frontier = _step(store, frontier, edge, towards_object) - reached
                reached |= frontier
            nodes = reached
        else:
            nodes = _step(store, nodes, edge, towards_object)
        if not nodes:
            break
    return nodes


def affected(store: ox.Store, edges: list[Edge], changed: set[Triple]) -> set:
    """The focus nodes whose result the ``changed`` triples (removed or added) can alter."""
    found: set = set()
    by_predicate: dict[str, list[Edge]] = {}
    for edge in edges:
        for predicate in edge.predicates:
            by_predicate.setdefault(predicate, []).append(edge)
    routes: dict = {}
    for s, p, o in changed:
        for edge in by_predicate.get(p.value, ()):
            if edge.closure:
                # a step anywhere in a chain: the chain's start reaches s, its end is reached from o
                ends = ((edge.subject, _walk(store, {s}, [(edge, False)])),
                        (edge.object, _walk(store, {o}, [(edge, True)])))
            elif _matches(_term(edge.subject), s) and _matches(_term(edge.object), o):
                ends = ((edge.subject, {s}), (edge.object, {o}))
            else:
                continue
            others = [e for e in edges if e is not edge]
            for end, terms in ends:
                if (id(edge), end) not in routes:
                    routes[(id(edge), end)] = _routes(others, end)
                if routes[(id(edge), end)] is None:
                    raise _TooMany
                for route in routes[(id(edge), end)]:
                    found |= _walk(store, terms, route)
    return {n for n in found if not isinstance(n, ox.Literal)}


class _TooMany(Exception):
    pass


def affected_or_none(store: ox.Store, edges: list[Edge], changed: set[Triple]) -> set | None:
    """:func:`affected`, or None when the patterns join in too many ways to walk."""
    try:
        return affected(store, edges, changed)
    except _TooMany:
        return None
