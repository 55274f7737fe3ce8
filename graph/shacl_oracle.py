"""The reference validation: ``ontology/shapes.ttl`` run by pySHACL over rdflib copies of the data.

The build validates with the shapes compiled to SPARQL (:mod:`graph.validate`, :mod:`graph.shacl_compile`);
this module is the oracle the tests compare that path against, on the same scopes and the same
validation-only records (see :mod:`graph.validate` for both). It is far too slow for large graphs
(minutes at tens of thousands of triples: pySHACL evaluates every constraint per focus node in Python).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

from graph import resources, settings
from graph.load import LoadedSource, Packaged, PathLike, parse_file
from graph.namespaces import dv, prefixes, rdflib_graph
from graph.validate import (
    _SEVERITY_ORDER, _TARGETS, Finding, ValidationResult, _mentions, _rdflib, _scopes, _short,
    asserted_graphs, claim_graph,
)

@contextmanager
def _parse_each_query_once() -> Iterator[None]:
    """pyshacl runs a SPARQL constraint once per focus node, with the same text and different
    bindings, and rdflib parses the text every time: most of the validation time. For the duration of
    a validation, parse and translate each text once (what rdflib's own prepareQuery is for)."""
    original = SPARQLProcessor.query
    prepared: dict[tuple, Any] = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = prepared[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query
    try:
        yield
    finally:
        SPARQLProcessor.query = original


def validate(store: ox.Store, sources: list[LoadedSource], shapes: PathLike | None = None) -> ValidationResult:
    """Run the EachSource shapes on each source graph and the AllSources shapes on everything."""
    with _parse_each_query_once():
        return _validate(store, sources, shapes)


def _validate(store: ox.Store, sources: list[LoadedSource], shapes: PathLike | None) -> ValidationResult:
    if shapes is None:
        shapes = Packaged(resources.shapes_file(), "ontology")
    shapes_graph = _rdflib(parse_file(shapes))
    scopes = _scopes(shapes_graph, str(shapes))
    ontology = rdflib_graph(store, [settings.ontology_graph()])
    templates = _message_templates(shapes_graph)
    findings: list[Finding] = []
    report = rdflib.Graph()
    for prefix, namespace in prefixes().items():
        report.bind(prefix, namespace)

    each = _shapes_for(shapes_graph, scopes, "EachSource")
    if each is not None:
        for source in sources:
            data = rdflib_graph(store, [source.iri])
            nodes = {t for triple in data for t in triple}
            data += ontology
            results = _run(data, each)
            for node in _result_nodes(results):
                if results.value(node, SH.focusNode) not in nodes:
                    continue
                findings.append(_finding(results, node, "EachSource", [source], None, templates))
                _copy_result(results, node, report, [source], templates)

    every = _shapes_for(shapes_graph, scopes, "AllSources")
    if every is not None:
        data = rdflib_graph(store)
        claims = claim_graph(store, sources)
        data += claims
        data += asserted_graphs(store)
        results = _run(data, every)
        for node in _result_nodes(results):
            files = _named_sources(results, node, claims, sources, store)
            findings.append(_finding(results, node, "AllSources", files, claims, templates))
            _copy_result(results, node, report, files, templates, claims)

    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3), f.files, f.focus, f.path or "", f.message()))
    violations = sum(f.severity == "Violation" for f in findings)
    warnings = len(findings) - violations
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(violations == 0)))
    for node in list(report.subjects(RDF.type, SH.ValidationResult)):
        report.add((root, SH.result, node))
    return ValidationResult(violations == 0, violations, warnings, report, findings)


def _shapes_for(shapes: rdflib.Graph, scopes: dict, scope: str) -> rdflib.Graph | None:
    if scope not in scopes.values():
        return None
    selected = rdflib.Graph()
    selected += shapes
    for shape, its_scope in scopes.items():
        if its_scope != scope:
            for target in _TARGETS:
                selected.remove((shape, target, None))
            selected.remove((shape, RDF.type, RDFS.Class))
            selected.remove((shape, RDF.type, OWL.Class))
    return selected


def _run(data: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    return results


def _result_nodes(results: rdflib.Graph) -> list:
    return list(results.subjects(RDF.type, SH.ValidationResult))


def _claimed(claims: rdflib.Graph, subject, prop) -> tuple[tuple[str, str, bool], ...]:
    """What every source claims for ``subject``'s ``prop``: (file, value, value is an IRI)."""
    ns = dv()
    out = set()
    for claim in claims.subjects(ns.claimSubject, subject):
        if claims.value(claim, ns.claimProperty) == prop:
            value = claims.value(claim, ns.claimValue)
            out.add((str(claims.value(claim, ns.claimFile)), str(value), isinstance(value, URIRef)))
    return tuple(sorted(out))


def _finding(results: rdflib.Graph, node, scope: str, sources: list[LoadedSource],
             claims: rdflib.Graph | None, templates: list[tuple[re.Pattern, str]]) -> Finding:
    ns = dv()
    focus = results.value(node, SH.focusNode)
    path = results.value(node, SH.resultPath)
    value = results.value(node, SH.value)
    claimed: tuple[tuple[str, str, bool], ...] = ()
    if claims is not None and isinstance(focus, BNode) and (focus, RDF.type, ns.Claim) in claims:
        # a claim is an artefact of validation: show what it is about
        path = claims.value(focus, ns.claimProperty)
        value = claims.value(focus, ns.claimValue)
        focus = claims.value(focus, ns.claimSubject)
        claimed = _claimed(claims, focus, path)
    severity = results.value(node, SH.resultSeverity)
    shape = results.value(node, SH.sourceShape)
    messages = tuple(
        sorted((m.language or _language(str(m), templates), str(m)) for m in results.objects(node, SH.resultMessage))
    )
    focus_text = f"<{focus}>" if isinstance(focus, URIRef) else ("[]" if isinstance(focus, BNode) else str(focus))
    return Finding(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        scope=scope,
        files=tuple(s.path for s in sources),
        sources=tuple(s.iri for s in sources),
        focus=focus_text,
        path="[path expression]" if isinstance(path, BNode) else _short(path),
        value=_short(value),
        messages=messages,
        shape=_short(shape) if isinstance(shape, URIRef) else None,
        component=_short(results.value(node, SH.sourceConstraintComponent)),
        claimed=claimed,
    )


def _message_templates(shapes: rdflib.Graph) -> list[tuple[re.Pattern, str]]:
    """Each language-tagged sh:message as a pattern: pyshacl drops the tag when it fills in {?var}."""
    templates = []
    for message in shapes.objects(None, SH.message):
        if isinstance(message, Literal) and message.language:
            parts = re.split(r"\{[?$]\w+\}", str(message))
            templates.append((re.compile("(?s)" + ".*".join(re.escape(p) for p in parts)), message.language))
    return templates


def _language(text: str, templates: list[tuple[re.Pattern, str]]) -> str:
    languages = {lang for pattern, lang in templates if pattern.fullmatch(text)}
    return languages.pop() if len(languages) == 1 else ""


def _named_sources(results, node, claims, sources, store) -> list[LoadedSource]:
    ns = dv()
    focus = results.value(node, SH.focusNode)
    texts = [str(m) for m in results.objects(node, SH.resultMessage)]
    own = {str(f) for f in claims.objects(focus, ns.claimFile)} if isinstance(focus, BNode) else set()
    named = [s for s in sources if s.path in own or any(_mentions(t, s.path) for t in texts)]
    if named:
        return named
    if isinstance(focus, BNode) and (focus, RDF.type, ns.Claim) in claims:
        focus = claims.value(focus, ns.claimSubject)
    if isinstance(focus, (URIRef, BNode)):
        term = ox.NamedNode(str(focus)) if isinstance(focus, URIRef) else ox.BlankNode(str(focus))
        # the files that say something about the node, else those that merely mention it
        for pattern in ((term, None, None), (None, None, term)):
            stating = {q.graph_name.value for q in store.quads_for_pattern(*pattern, None)}
            named = [s for s in sources if s.iri in stating]
            if named:
                return named
    return []


def _copy_result(results: rdflib.Graph, node, report: rdflib.Graph, sources: list[LoadedSource],
                 templates: list[tuple[re.Pattern, str]], claims: rdflib.Graph | None = None) -> None:
    """Copy one result (and the blank nodes it hangs on) into the merged report, tagged with its sources."""
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _, p, o in results.triples((subject, None, None)):
            if p == SH.resultMessage and isinstance(o, Literal) and not o.language and templates:
                o = Literal(str(o), lang=_language(str(o), templates) or None)
            report.add((subject, p, o))
            if isinstance(o, BNode) and p != SH.sourceShape:
                todo.append(o)
    focus = results.value(node, SH.focusNode)
    if claims is not None and isinstance(focus, BNode):
        for triple in claims.triples((focus, None, None)):
            report.add(triple)
    for source in sources:
        report.add((node, RDFS.seeAlso, URIRef(source.iri)))
