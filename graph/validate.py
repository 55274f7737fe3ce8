"""Validate the loaded (and reasoned) dataset against ``ontology/shapes.ttl`` with pyshacl.

Each shape declares where it applies with ``dv:validationScope``:

* ``dv:EachSource`` — once per source file: the data is that file's graph plus the whole ontology graph
  (so ``sh:targetClass`` follows subclasses and ``sh:class dv:DocumentType`` sees the document types;
  pyshacl's own ``ont_graph`` copies only classes and properties, not such individuals). What a file
  must say about itself.
  Results whose focus node does not occur in the file (e.g. ontology individuals) are dropped, so a
  problem of the ontology is not blamed on every file.
* ``dv:AllSources`` (the default) — once over the union of every source, the inferred graph and the
  ontology, plus *claims*: for each property ``P`` with ``P dv:expectsOneValue true`` and each
  ``(s, P, o)`` asserted in source graph ``g``, a node ``[] a dv:Claim; dv:claimSubject s;
  dv:claimProperty P; dv:claimValue o; dv:claimSource g; dv:claimFile "<g's file>"``, and
  ``<g> a dv:AssertedGraph`` for every graph holding asserted facts. These records exist only in the
  validation data, never in the store; they let a shape compare what different sources say, and
  check that every fact sits in a described source's graph.

Shapes of the other scope keep their definitions but lose their targets, so ``sh:node`` references
across scopes still work.

Each result names source files: for EachSource the file validated; for AllSources the files its
messages name (a claim's own file included), else the files whose triples have its focus node as subject,
else as object.
``conforms`` is ``violations == 0``: warnings (sh:Warning and sh:Info) never block.

Two presentations: :meth:`ValidationResult.text` is every result in full (IRIs, both languages);
:meth:`ValidationResult.summary` is one line per finding for a person, with names instead of IRIs
(the caller passes the naming function, since names come from the store) and files by their names;
a disagreement reported once per pair of sources is one line listing what each source says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from graph.errors import SourceContentError
from graph.load import LoadedSource, Packaged, PathLike, parse_file
from graph.namespaces import dv, prefixes, quad_to_rdflib, rdflib_graph, to_rdflib

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_DISAGREE = {"vi": "các nguồn mâu thuẫn về {property}", "en": "sources disagree on {property}"}

Namer = Callable[[str], str]
"""An IRI → the text a person reads for it (its label)."""


@dataclass(frozen=True)
class Finding:
    """One validation result, with the source files it concerns."""

    severity: str  # Violation, Warning or Info
    scope: str  # EachSource or AllSources
    files: tuple[str, ...]
    sources: tuple[str, ...]
    focus: str
    path: str | None
    value: str | None
    messages: tuple[tuple[str, str], ...]  # (language or "", text)
    shape: str | None
    component: str | None
    # For a disagreement between sources: what each source claims, as (file, value, value is an IRI);
    # presentation only (one line per disagreement instead of one per pair of sources).
    claimed: tuple[tuple[str, str, bool], ...] = ()

    def message(self) -> str:
        """Vietnamese first, then English, then the rest; joined with ' | '."""
        rank = {"vi": 0, "en": 1}
        ordered = sorted(self.messages, key=lambda m: (rank.get(m[0], 2), m[0]))
        return " | ".join(text for _, text in ordered) or "(no message)"

    def message_in(self, lang: str) -> str:
        """The message in ``lang``, else the untagged one, else any."""
        by_lang = dict(self.messages)
        for want in (lang, ""):
            if want in by_lang:
                return by_lang[want]
        return self.messages[0][1] if self.messages else "(no message)"

    def group(self) -> tuple:
        """Findings with the same group are one finding for a person: a disagreement reported once
        per pair of sources is one disagreement."""
        if self.claimed:
            return (self.severity, self.shape, self.focus, self.path)
        return (self.severity, self.shape, self.focus, self.path, self.value, self.messages, self.files)

    def readable(self, name: Namer, lang: str = "vi") -> str:
        """One line: severity, the entity by its name, what is wrong, the files by their names."""
        entity = _readable_term(self.focus, name)
        if self.claimed:
            by_value: dict[tuple[str, bool], list[str]] = {}
            for file, value, is_iri in self.claimed:
                by_value.setdefault((value, is_iri), []).append(PurePath(file).name)
            what = _DISAGREE.get(lang, _DISAGREE["en"]).format(property=_readable_term(self.path, name))
            said = " ≠ ".join(f"{name(v) if is_iri else v} ({', '.join(files)})"
                              for (v, is_iri), files in by_value.items())
            return f"{self.severity}: {entity}: {what}: {said}"
        files = ", ".join(PurePath(f).name for f in self.files)
        text = _name_iris(self.message_in(lang), name, {f: PurePath(f).name for f in self.files})
        return f"{self.severity}: {entity}: {text}" + (f" ({files})" if files else "")

    def line(self) -> str:
        files = ", ".join(self.files) or "-"
        return f"{self.severity}  {files}  {self.focus}  {self.path or '-'}  {self.message()}"

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "scope": self.scope,
            "files": list(self.files),
            "sources": list(self.sources),
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "messages": {lang or "und": text for lang, text in self.messages},
            "message": self.message(),
            "shape": self.shape,
            "component": self.component,
        }


@dataclass
class ValidationResult:
    conforms: bool
    violations: int
    warnings: int
    report: rdflib.Graph
    findings: list[Finding] = field(default_factory=list)

    def text(self) -> str:
        """One line per result (severity, source file(s), focus node, path, message), then a summary."""
        lines = [f.line() for f in self.findings]
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"The data {verdict}: {self.violations} violation(s), {self.warnings} warning(s).")
        return "\n".join(lines) + "\n"

    def summary(self, name: Namer | None = None, lang: str = "vi", verbose: bool = False) -> str:
        """One readable line per finding (see :meth:`Finding.readable`), then the verdict; with
        ``verbose`` each line is followed by its results in full, indented."""
        name = name or _compact
        groups: dict[tuple, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.group(), []).append(f)
        lines = []
        for members in groups.values():
            lines.append(members[0].readable(name, lang))
            if verbose:
                lines.extend("    " + f.line() for f in members)
        verdict = "conforms" if self.conforms else "does not conform"
        hint = "" if verbose or not self.findings else "; --verbose shows each in full"
        lines.append(f"The data {verdict}: {self.violations} violation(s), {self.warnings} warning(s), "
                     f"{len(groups)} finding(s){hint}.")
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        return self.report.serialize(format="turtle")

    def as_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "results": [f.as_json() for f in self.findings],
        }

    def json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)


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


def claim_graph(store: ox.Store, sources: list[LoadedSource]) -> rdflib.Graph:
    """The dv:Claim nodes for every asserted value of a property marked ``dv:expectsOneValue true``."""
    ns = dv()
    properties = [
        row["p"]
        for row in store.query(
            f"SELECT DISTINCT ?p WHERE {{ GRAPH <{settings.ontology_graph()}> {{ ?p <{ns.expectsOneValue}> ?v }}"
            " FILTER (?v = true) }"
        )
    ]
    claims = rdflib.Graph()
    for source in sources:
        graph = ox.NamedNode(source.iri)
        for prop in properties:
            for quad in store.quads_for_pattern(None, prop, None, graph):
                s, p, o = quad_to_rdflib(quad)
                claim = BNode()
                claims.add((claim, RDF.type, ns.Claim))
                claims.add((claim, ns.claimSubject, s))
                claims.add((claim, ns.claimProperty, p))
                claims.add((claim, ns.claimValue, o))
                claims.add((claim, ns.claimSource, URIRef(source.iri)))
                claims.add((claim, ns.claimFile, Literal(source.path)))
    return claims


def asserted_graphs(store: ox.Store) -> rdflib.Graph:
    """``<g> a dv:AssertedGraph`` for every graph holding asserted facts (all but the ontology and
    inferred graphs; a blank node stands for a non-empty default graph), so a shape can require each
    to be a described source."""
    records = rdflib.Graph()
    kind = dv().AssertedGraph
    derived = {settings.ontology_graph(), settings.inferred_graph()}
    for name in store.named_graphs():
        if name.value not in derived:
            records.add((to_rdflib(name), RDF.type, kind))
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        records.add((BNode("default-graph"), RDF.type, kind))
    return records


def _rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _scopes(shapes: rdflib.Graph, path: str) -> dict[rdflib.term.Node, str]:
    """Every shape that can be a starting point (has targets, or a scope), and its scope."""
    ns = dv()
    known = {ns.EachSource: "EachSource", ns.AllSources: "AllSources"}
    candidates = {s for p in (*_TARGETS, ns.validationScope) for s in shapes.subjects(p, None)}
    candidates |= {s for s in shapes.subjects(RDF.type, SH.NodeShape) if _implicit_class(shapes, s)}
    scopes = {}
    for shape in candidates:
        value = shapes.value(shape, ns.validationScope, default=ns.AllSources)
        if value not in known:
            raise SourceContentError(
                path, f"shape {shape.n3()} has dv:validationScope {value.n3()}: use dv:EachSource or dv:AllSources."
            )
        scopes[shape] = known[value]
    return scopes


def _implicit_class(shapes: rdflib.Graph, shape) -> bool:
    return (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes


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


def _short(term) -> str | None:
    """A prefixed name where one reads well, else the IRI in angle brackets; literals in Turtle form."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        for prefix, namespace in prefixes().items():
            local = term[len(namespace):]
            if term.startswith(namespace) and _LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    return "[]"


def _compact(iri: str) -> str:
    return _short(URIRef(iri)).strip("<>")


def _readable_term(text: str | None, name: Namer) -> str:
    """A Finding's focus or path (``<iri>``, ``prefix:local`` or a literal) as a person reads it."""
    if not text:
        return "-"
    if text.startswith("<") and text.endswith(">"):
        return name(text[1:-1])
    prefix, colon, local = text.partition(":")
    namespace = prefixes().get(prefix) if colon else None
    return name(namespace + local) if namespace else text


def _name_iris(message: str, name: Namer, files: dict[str, str]) -> str:
    """The message with each IRI (as pyshacl wrote it into the template) replaced by its name and each
    file path by the file's name. Split on spaces, not matched by a regular expression."""
    words = []
    for word in message.split(" "):
        core = word.rstrip(".,;:)")
        end = word[len(core):]
        start = ""
        if core.startswith("("):
            start, core = "(", core[1:]
        if core.startswith(("http://", "https://", "urn:")):
            core = name(core)
        else:
            core = files.get(core, core)
        words.append(start + core + end)
    return " ".join(words)


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


def _mentions(text: str, path: str) -> bool:
    """``path`` appears in ``text`` as a whole path (not as the tail of a longer one)."""
    return re.search(r"(?<![\w./-])" + re.escape(path) + r"(?![\w-]|\.\w)", text) is not None


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
