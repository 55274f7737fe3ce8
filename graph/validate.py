"""Validate the loaded (and reasoned) dataset against ``ontology/shapes.ttl``, inside the store.

The shapes are compiled to SPARQL SELECT queries (:mod:`graph.shacl_compile`), one per constraint, run
by pyoxigraph over the whole graph, or over the nodes a change touched (:class:`Focus`, for incremental
builds). pySHACL stays the reference (:mod:`graph.shacl_oracle`): the tests compare both.

Each shape declares where it applies with ``dv:validationScope``:

* ``dv:EachSource`` — once per source file: the data is that file's graph plus the whole ontology graph
  (so ``sh:targetClass`` follows subclasses and ``sh:class dv:DocumentType`` sees the document types);
  each query runs with those two graphs as its default graph. What a file must say about itself.
  Results whose focus node does not occur in the file (e.g. ontology individuals) are dropped, so a
  problem of the ontology is not blamed on every file. A file is asked only what can give it a result
  (:func:`_check_each_source`): a build of 12,000 article files asks a few queries of each, not 120.
* ``dv:AllSources`` (the default) — once over the union of every source, the inferred graph and the
  ontology, plus *claims*: for each property ``P`` with ``P dv:expectsOneValue true`` and each
  ``(s, P, o)`` asserted in source graph ``g``, a node ``[] a dv:Claim; dv:claimSubject s;
  dv:claimProperty P; dv:claimValue o; dv:claimSource g; dv:claimFile "<g's file>"``, and
  ``<g> a dv:AssertedGraph`` for every graph holding asserted facts. These records exist only in the
  validation data (a scratch graph dropped when validation ends), never in the built store; they let a
  shape compare what different sources say, and check that every fact sits in a described source's
  graph. The compiled path makes claims only for a subject's property that two or more sources state
  with two or more values (the only ones a disagreement between sources can involve; at 1M triples,
  sources that repeat the same value made the conflict check 43 s); the oracle makes them for every value.

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

import dataclasses
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from graph import resources, settings, shape_reach
from graph.errors import SourceContentError
from graph.load import LoadedSource, Packaged, PathLike, parse_file
from graph.namespaces import dv, prefixes, quad_to_rdflib, to_rdflib
from graph.shacl_compile import Constraint, compile_shapes

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
    # Which compiled constraint found it (incremental builds replace what a constraint re-checks);
    # bookkeeping only, not part of what a finding says.
    constraint: str = field(default="", compare=False)

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
    # constraint key → the focus nodes it re-checked, for constraints an incremental build re-checked on
    # some nodes only (see merge)
    rechecked: dict[str, set[str]] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Focus:
    """What an incremental build re-checks: the EachSource shapes on ``sources`` (IRIs) only, and the
    AllSources constraints that depend only on their focus node's own statements (and, for sh:class,
    on its values' types) on ``nodes`` only. Given the ``changed`` triples (removed and added, asserted
    and inferred), the other AllSources constraints are re-checked on ``nodes`` and on the focus nodes
    the changed triples reach through their patterns (:mod:`graph.shape_reach`); without them, or for a
    constraint that reads the claims (made anew by each validation) or cannot be walked, they run whole."""

    sources: frozenset[str]
    nodes: frozenset  # ox terms
    changed: frozenset | None = None  # ox (subject, predicate, object) triples


@dataclass
class Compiled:
    """The shapes file compiled once: its constraints by scope and its message templates."""

    each: list[Constraint]
    every: list[Constraint]


def compile_file(shapes: PathLike | None = None) -> Compiled:
    """The shapes file compiled, once per content in a process (every build of the review surface reads
    the same file; compiling parses each SPARQL constraint, seconds in all)."""
    if shapes is None:
        shapes = Packaged(resources.shapes_file(), "ontology")
    data = shapes.read_bytes() if hasattr(shapes, "read_bytes") else Path(shapes).read_bytes()
    # the file's IRIs are moved to the base IRI as it is read: a compilation holds for one base
    key = (str(shapes), hashlib.sha256(data).hexdigest(), settings.base_iri())
    if key not in _COMPILED:
        graph = _rdflib(parse_file(shapes))
        constraints = compile_shapes(graph, _scopes(graph, key[0]), key[0])
        if len(_COMPILED) >= 4:
            _COMPILED.clear()
        _COMPILED[key] = Compiled([c for c in constraints if c.scope == "EachSource"],
                                  [c for c in constraints if c.scope == "AllSources"])
    return _COMPILED[key]


_COMPILED: dict[tuple[str, str, str], Compiled] = {}  # (name, sha256, base) → its compilation; read, never changed


def validate(store: ox.Store, sources: list[LoadedSource], shapes: PathLike | None = None, *,
             focus: Focus | None = None, timings: dict[str, float] | None = None,
             default_is_union: bool = False) -> ValidationResult:
    """Run the EachSource shapes on each source graph and the AllSources shapes on everything, as
    compiled SPARQL in ``store``. With ``focus``, only what it names (see :class:`Focus`); then
    :func:`merge` combines the result with the previous build's findings. ``default_is_union``: the
    store's default graph is the union of its named graphs (a built store), not asserted data of its own.
    ``timings`` (if given) receives seconds per constraint key."""
    compiled = compile_file(shapes)
    findings: list[Finding] = []
    report = _new_report()
    each = [s for s in sources if focus is None or s.iri in focus.sources]
    if compiled.each and each:
        start = time.perf_counter()
        findings += _check_each_source(store, compiled.each, each, report)
        if timings is not None:
            timings["EachSource"] = time.perf_counter() - start
    rechecked: dict[str, set[str]] = {}
    if compiled.every:
        scratch = _validation_graph()
        # what the AllSources queries read: the union of the graphs; in a built store, its default graph
        # already is that union, deduplicated (Oxigraph's union repeats a triple once per graph stating it:
        # a person named in a thousand files made DisjointKindsShape join a million type pairs), plus the records
        dataset = ({"default_graph": [ox.DefaultGraph(), scratch]} if default_is_union
                   else {"use_default_graph_as_union": True})
        # an incremental re-check makes claims only about the subjects whose one-valued properties changed,
        # and records only the changed graphs (the only ones a local constraint looks at)
        claimed = _claim_subjects(store, focus)
        _write_records(store, sources, scratch, default_is_union, claimed,
                       None if claimed is None else {n for n in focus.nodes if isinstance(n, ox.NamedNode)})
        try:
            for constraint in compiled.every:
                start = time.perf_counter()
                if claimed is not None and _reads_claims(constraint):
                    claims = {q.subject for q in store.quads_for_pattern(
                        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(dv().Claim)), scratch)}
                    rechecked[constraint.key] = {_focus_text(to_rdflib(n)) for n in claimed}
                    for row in _targeted_rows(store, constraint, claims, dataset):
                        findings.append(_finding(store, constraint, row, sources, scratch, report))
                    _tick(timings, constraint, start)
                    continue
                reached = None if focus is None or constraint.local else _reached(store, constraint, focus)
                if focus is None or (not constraint.local and reached is None):
                    rows = store.query(constraint.query(), **dataset)
                else:
                    nodes = _focus_nodes(store, constraint, focus, dataset) | (reached or set())
                    rechecked[constraint.key] = {_focus_text(to_rdflib(n)) for n in nodes}
                    rows = _targeted_rows(store, constraint, nodes, dataset)
                for row in rows:
                    findings.append(_finding(store, constraint, row, sources, scratch, report))
                _tick(timings, constraint, start)
        finally:
            store.update(f"DROP SILENT GRAPH <{scratch.value}>")
    result = _result(findings, report)
    result.rechecked = rechecked
    return result


# Constraints on the values a focus node has for a predicate, whose results can only grow with the data:
# a result in one source's graph (plus the ontology) is also a result over every graph at once.
_MONOTONE = {SH.MaxCountConstraintComponent, SH.DatatypeConstraintComponent, SH.NodeKindConstraintComponent,
             SH.PatternConstraintComponent, SH.MinInclusiveConstraintComponent, SH.MaxInclusiveConstraintComponent,
             SH.MinExclusiveConstraintComponent, SH.MaxExclusiveConstraintComponent, SH.MinLengthConstraintComponent,
             SH.MaxLengthConstraintComponent, SH.LanguageInConstraintComponent, SH.InConstraintComponent,
             SH.UniqueLangConstraintComponent}


def _check_each_source(store: ox.Store, constraints: list[Constraint], sources: list[LoadedSource],
                       report: rdflib.Graph) -> list[Finding]:
    """The EachSource constraints on each source's graph plus the ontology, asking a source only what can
    give a result there (a build of ten thousand articles would otherwise ask a million queries):

    * a constraint whose results only grow with the data runs once over every graph; only the sources
      stating the predicate it checks of a node found there are asked again (none, when the data is clean);
    * results are kept only for nodes the file mentions, so a constraint with class targets is asked about
      the file's nodes that are its targets (their types in the file and the ontology, up the ontology's
      subclass tree), and not at all when there are none, or when each has the value it must have.

    A file that extends the class tree itself, holds blank nodes or is very large is asked everything."""
    ontology = ox.NamedNode(settings.ontology_graph())
    supers = _superclasses(store, ontology)
    # (a pass over every graph: worth it for many files, not for the few an incremental build re-checks)
    suspects = {c.key: _suspect_graphs(store, c) for c in constraints
                if c.component in _MONOTONE and c.needs and len(sources) > _ASK_ALL}
    findings: list[Finding] = []
    for source in sources:
        graph = ox.NamedNode(source.iri)
        summary = _Summary(store, graph, ontology)
        exact = summary.small and str(RDFS.subClassOf) not in summary.predicates
        for c in constraints:
            if c.key in suspects and source.iri not in suspects[c.key]:
                continue
            if exact and c.target_classes is not None:
                targets = summary.targets(c.target_classes, supers)
                if c.satisfied_by is not None:
                    targets = [n for n in targets if not summary.has(n, c.satisfied_by)]
                if not targets:
                    continue
                query = c.query(targets=sorted(str(n) for n in targets))
            elif exact:
                query = c.query(focus=sorted(str(n) for n in summary.terms))
            else:
                query = c.query()
            for row in store.query(query, default_graph=[graph, ontology]):
                if not exact and not _occurs(store, row["this"], graph):
                    continue  # an ontology individual: not this file's to fix
                findings.append(_finding(store, c, row, [source], None, report))
    return findings


def _suspect_graphs(store: ox.Store, constraint: Constraint) -> set[str]:
    """The graphs that state ``constraint.needs`` of a focus node the constraint finds over every graph."""
    predicate = ox.NamedNode(constraint.needs)
    graphs: set[str] = set()
    for node in {row["this"] for row in store.query(constraint.query(), use_default_graph_as_union=True)}:
        graphs |= {q.graph_name.value for q in store.quads_for_pattern(node, predicate, None)
                   if isinstance(q.graph_name, ox.NamedNode)}
    return graphs


_ASK_ALL = 20  # up to this many files, each is asked every query that can find something in it
_SMALL = 5000  # quads: a source graph up to this size is checked node by node


class _Summary:
    """What one source's graph says, read once: its nodes' types and predicates and every term it
    mentions; the ontology's statements about those terms are looked up when needed."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode, ontology: ox.NamedNode):
        self.store, self.ontology = store, ontology
        self.predicates: set[str] = set()
        self.terms: set = set()
        self.types: dict = {}
        self.has_values: dict = {}
        self._classes: dict | None = None  # each typed node → its classes and their superclasses
        self.small = True
        rdf_type = str(RDF.type)
        for count, q in enumerate(store.quads_for_pattern(None, None, None, graph)):
            if count >= _SMALL:
                self.small = False
                return
            self.predicates.add(q.predicate.value)
            self.terms.update((q.subject, q.predicate, q.object))
            self.has_values.setdefault(q.subject, set()).add(q.predicate.value)
            if q.predicate.value == rdf_type and isinstance(q.object, ox.NamedNode):
                self.types.setdefault(q.subject, set()).add(q.object.value)
        self.small = not any(isinstance(t, ox.BlankNode) for t in self.terms)

    def targets(self, classes: frozenset[str], supers: dict[str, set[str]]) -> list:
        if self._classes is None:
            rdf_type = ox.NamedNode(str(RDF.type))
            self._classes = {}
            for node in self.terms:
                if not isinstance(node, ox.NamedNode):
                    continue
                types = self.types.get(node, set()) | {
                    q.object.value for q in self.store.quads_for_pattern(node, rdf_type, None, self.ontology)}
                if types:
                    self._classes[node] = set().union(*(supers.get(t, {t}) for t in types))
        return [n for n, up in self._classes.items() if not classes.isdisjoint(up)]

    def has(self, node, predicate: str) -> bool:
        return predicate in self.has_values.get(node, ()) or next(iter(self.store.quads_for_pattern(
            node, ox.NamedNode(predicate), None, self.ontology)), None) is not None


def _superclasses(store: ox.Store, graph: ox.NamedNode) -> dict[str, set[str]]:
    """Each class of ``graph``'s rdfs:subClassOf tree → itself and every class above it."""
    up: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None, graph):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            up.setdefault(q.subject.value, set()).add(q.object.value)
    closed: dict[str, set[str]] = {}
    for cls in up:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in up.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[cls] = seen
    return closed


def merge(previous: list[Finding], fresh: ValidationResult, focus: Focus) -> ValidationResult:
    """The previous build's findings that an incremental re-check (``fresh``, made with ``focus``) did
    not redo, plus the fresh ones: EachSource findings of unchanged files, and AllSources findings of
    constraints re-checked on some nodes only, about other nodes."""
    kept = []
    for f in previous:
        if f.scope == "EachSource":
            if set(f.sources) & focus.sources:
                continue
        elif f.constraint not in fresh.rechecked:
            continue  # run whole again
        elif f.focus == "[]":
            # blank nodes all read "[]"; one lives in a single file, so it was touched only if that file changed
            if set(f.sources) & focus.sources:
                continue
        elif f.focus in fresh.rechecked[f.constraint]:
            continue
        kept.append(f)
    report = fresh.report
    for f in kept:
        _report_finding(report, f)
    return _result(kept + list(fresh.findings), report)


def _focus_nodes(store: ox.Store, constraint: Constraint, focus: Focus, dataset: dict) -> set:
    nodes = set(focus.nodes)
    if constraint.via:
        # sh:class looks at its values' types: a node whose types changed re-checks whoever points at it
        nodes |= _pointing_at(store, constraint.via, focus.nodes, dataset)
    return nodes


_RECORDS = ("Claim", "AssertedGraph", "claimSubject", "claimProperty", "claimValue", "claimSource", "claimFile")


def _reached(store: ox.Store, constraint: Constraint, focus: Focus) -> set | None:
    """The focus nodes a constraint that reads beyond its focus node must re-check (see :class:`Focus`),
    or None when it must run whole."""
    if focus.changed is None:
        return None
    edges = shape_reach.patterns(constraint.prologue + "SELECT * WHERE {" + constraint.body + "}")
    records = {str(dv()[name]) for name in _RECORDS}
    if edges is None or any(e.predicates & records for e in edges) or (constraint.target_classes or set()) & records:
        return None
    return shape_reach.affected_or_none(store, edges, set(focus.changed))


_ONE_BY_ONE = 64  # up to this many nodes, a SPARQL constraint is asked about each node alone


def _targeted_rows(store: ox.Store, constraint: Constraint, nodes: set, dataset: dict):
    named = sorted(str(n) for n in nodes if not isinstance(n, ox.BlankNode))
    if constraint.component == SH.SPARQLConstraintComponent and len(named) <= _ONE_BY_ONE:
        # Oxigraph binds a single VALUES row into the pattern, but joins several with the whole pattern
        # evaluated first (DisjointKindsShape: 0.01 s for one node, 20 s for two at 1M triples)
        for node in named:
            yield from store.query(constraint.query([node]), **dataset)
        named = []
    for chunk in range(0, len(named), 5000):
        yield from store.query(constraint.query(named[chunk:chunk + 5000]), **dataset)
    this = ox.Variable("this")
    for blank in (n for n in nodes if isinstance(n, ox.BlankNode)):  # VALUES cannot hold blank nodes
        yield from store.query(constraint.query(bound=True), substitutions={this: blank}, **dataset)


def _pointing_at(store: ox.Store, predicate: str, nodes, dataset: dict) -> set:
    named = [str(n) for n in nodes if not isinstance(n, (ox.BlankNode, ox.Literal))]
    found = set()
    for chunk in range(0, len(named), 5000):
        query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {' '.join(named[chunk:chunk + 5000])} }} ?s <{predicate}> ?o }}"
        found |= {row["s"] for row in store.query(query, **dataset)}
    return found


def _tick(timings: dict[str, float] | None, constraint: Constraint, start: float) -> None:
    if timings is not None:
        timings[constraint.key] = timings.get(constraint.key, 0.0) + time.perf_counter() - start


def _validation_graph() -> ox.NamedNode:
    return ox.NamedNode(settings.base_iri() + "graph/validation")


def _occurs(store: ox.Store, term, graph: ox.NamedNode) -> bool:
    if isinstance(term, ox.Literal):
        patterns = [(None, None, term)]
    else:
        patterns = [(term, None, None), (None, None, term)]
        if isinstance(term, ox.NamedNode):
            patterns.append((None, term, None))
    return any(next(iter(store.quads_for_pattern(*p, graph)), None) is not None for p in patterns)


def _claim_subjects(store: ox.Store, focus: Focus | None) -> set | None:
    """For an incremental re-check, the subjects of the changed triples of one-valued properties (their
    claims are made again); None for every claim (no focus, or a blank node among them)."""
    if focus is None or focus.changed is None:
        return None
    one = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(dv().expectsOneValue)), None, None)}
    subjects = {s for s, p, _o in focus.changed if p in one}
    return None if any(isinstance(s, ox.BlankNode) for s in subjects) else subjects


def _reads_claims(constraint: Constraint) -> bool:
    edges = shape_reach.patterns(constraint.prologue + "SELECT * WHERE {" + constraint.body + "}")
    claims = {str(dv()[name]) for name in _RECORDS if name.startswith("claim")} | {str(dv().Claim)}
    return edges is None or any(e.predicates & claims for e in edges) or bool((constraint.target_classes or set()) & claims)


def _write_records(store: ox.Store, sources: list[LoadedSource], scratch: ox.NamedNode,
                   default_is_union: bool = False, subjects: set | None = None, records: set | None = None) -> None:
    """The claims and the asserted-graph records (see the module's docstring) into ``scratch``; with
    ``subjects``, the claims about those only; with ``records``, the records of those among the store's
    graphs only."""
    ns = dv()
    store.update(f"DROP SILENT GRAPH <{scratch.value}>")
    derived = {settings.ontology_graph(), settings.inferred_graph(), scratch.value}
    # (a list: a live iterator over an in-memory store blocks the write below)
    names = list(store.named_graphs()) if records is None else [g for g in records if store.contains_named_graph(g)]
    quads = [ox.Quad(name, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(ns.AssertedGraph)), scratch)
             for name in names if name.value not in derived]
    if not default_is_union and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        quads.append(ox.Quad(ox.BlankNode("default-graph"), ox.NamedNode(str(RDF.type)),
                             ox.NamedNode(str(ns.AssertedGraph)), scratch))
    store.extend(quads)
    if not sources:
        return
    if subjects is not None:
        _write_claims_about(store, sources, scratch, subjects)
        return
    files = " ".join(f"(<{s.iri}> {Literal(s.path).n3()})" for s in sources)
    graphs = " ".join(f"<{s.iri}>" for s in sources)
    store.update(f"""
        INSERT {{ GRAPH <{scratch.value}> {{
            _:claim a <{ns.Claim}> ; <{ns.claimSubject}> ?s ; <{ns.claimProperty}> ?p ; <{ns.claimValue}> ?o ;
                <{ns.claimSource}> ?g ; <{ns.claimFile}> ?file }} }}
        WHERE {{
            {{ SELECT ?s ?p WHERE {{
                GRAPH <{settings.ontology_graph()}> {{ ?p <{ns.expectsOneValue}> ?one FILTER (?one = true) }}
                VALUES ?h {{ {graphs} }}
                GRAPH ?h {{ ?s ?p ?x }}
            }} GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?h) > 1 && COUNT(DISTINCT ?x) > 1) }}
            VALUES (?g ?file) {{ {files} }}
            GRAPH ?g {{ ?s ?p ?o }}
        }}""")


def _write_claims_about(store: ox.Store, sources: list[LoadedSource], scratch: ox.NamedNode, subjects: set) -> None:
    """The claims :func:`_write_records` makes, about ``subjects`` only, looked up triple by triple."""
    ns = dv()
    rdf_type = ox.NamedNode(str(RDF.type))
    one = [q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode(str(ns.expectsOneValue)), None, ox.NamedNode(settings.ontology_graph()))
        if isinstance(q.object, ox.Literal) and q.object.value in ("true", "1")]
    files = {ox.NamedNode(s.iri): s.path for s in sources}
    quads = []
    for subject in subjects:
        for prop in one:
            said = [(q.graph_name, q.object) for q in store.quads_for_pattern(subject, prop, None, None)
                    if q.graph_name in files]
            if len({g for g, _ in said}) < 2 or len({o for _, o in said}) < 2:
                continue
            for graph, value in said:
                claim = ox.BlankNode()
                quads += [ox.Quad(claim, rdf_type, ox.NamedNode(str(ns.Claim)), scratch),
                          ox.Quad(claim, ox.NamedNode(str(ns.claimSubject)), subject, scratch),
                          ox.Quad(claim, ox.NamedNode(str(ns.claimProperty)), prop, scratch),
                          ox.Quad(claim, ox.NamedNode(str(ns.claimValue)), value, scratch),
                          ox.Quad(claim, ox.NamedNode(str(ns.claimSource)), graph, scratch),
                          ox.Quad(claim, ox.NamedNode(str(ns.claimFile)), ox.Literal(files[graph]), scratch)]
    store.extend(quads)


def _finding(store: ox.Store, constraint: Constraint, row, sources: list[LoadedSource],
             scratch: ox.NamedNode | None, report: rdflib.Graph) -> Finding:
    focus = to_rdflib(row["this"])
    value = None
    if constraint.value:
        bound = row[constraint.value]
        value = to_rdflib(bound) if bound is not None else None
    path = constraint.path
    bound = {name: to_rdflib(row[name]) for name in ("this", *constraint.variables) if row[name] is not None}
    messages = set()
    for m in constraint.messages:
        text = str(m)
        if constraint.templated:
            for name, term in bound.items():
                text = re.sub("{[?$]" + name + "}", lambda _m, t=str(term): t, text)
        messages.add((m.language or "", text))
    if not messages and constraint.generic:
        messages.add(("", constraint.generic.replace("{this}", _short(focus) or "")))
    claim = None
    claimed: tuple[tuple[str, str, bool], ...] = ()
    if scratch is not None:
        named = _named_sources(store, row["this"], [t for _, t in messages], sources, scratch)
        if isinstance(focus, BNode) and _is_claim(store, row["this"], scratch):
            claim = row["this"]
            subject, prop, claim_value = _claim_parts(store, claim, scratch)
            focus, path, value = to_rdflib(subject), to_rdflib(prop), to_rdflib(claim_value)
            claimed = _claimed(store, subject, prop, scratch)
        sources = named
    severity = str(constraint.severity).rsplit("#", 1)[-1]
    finding = Finding(
        severity=severity, scope=constraint.scope, files=tuple(s.path for s in sources),
        sources=tuple(s.iri for s in sources), focus=_focus_text(focus),
        path=None if path is None else ("[path expression]" if isinstance(path, BNode) else _short(path)),
        value=_short(value), messages=tuple(sorted(messages)),
        shape=_short(constraint.shape) if isinstance(constraint.shape, URIRef) else None,
        component=_short(constraint.component), claimed=claimed, constraint=constraint.key)
    _report_result(report, constraint, row, value if claim is None else to_rdflib(claim), messages, sources,
                   store, claim, scratch)
    return finding


def _focus_text(focus) -> str:
    return f"<{focus}>" if isinstance(focus, URIRef) else ("[]" if isinstance(focus, BNode) else str(focus))


def _is_claim(store: ox.Store, node, scratch) -> bool:
    kind = ox.NamedNode(str(dv().Claim))
    return next(iter(store.quads_for_pattern(node, ox.NamedNode(str(RDF.type)), kind, scratch)), None) is not None


def _claim_parts(store: ox.Store, claim, scratch):
    ns = dv()
    return tuple(next(iter(store.quads_for_pattern(claim, ox.NamedNode(str(p)), None, scratch))).object
                 for p in (ns.claimSubject, ns.claimProperty, ns.claimValue))


def _claimed(store: ox.Store, subject, prop, scratch) -> tuple[tuple[str, str, bool], ...]:
    """What every source claims for ``subject``'s ``prop``: (file, value, value is an IRI)."""
    ns = dv()
    out = set()
    for row in store.query(
        f"SELECT ?file ?value WHERE {{ GRAPH <{scratch.value}> {{ ?c <{ns.claimSubject}> {subject} ;"
        f" <{ns.claimProperty}> {prop} ; <{ns.claimValue}> ?value ; <{ns.claimFile}> ?file }} }}"
    ):
        value = row["value"]
        out.add((row["file"].value, value.value, isinstance(value, ox.NamedNode)))
    return tuple(sorted(out))


def _named_sources(store: ox.Store, focus, texts: list[str], sources: list[LoadedSource], scratch) -> list[LoadedSource]:
    """The files the messages name (and a claim's own file), else those stating something about the focus
    node, else those mentioning it."""
    ns = dv()
    own = set()
    if isinstance(focus, ox.BlankNode):
        own = {q.object.value for q in store.quads_for_pattern(focus, ox.NamedNode(str(ns.claimFile)), None, scratch)}
    named = [s for s in sources if s.path in own or any(_mentions(t, s.path) for t in texts)]
    if named:
        return named
    if isinstance(focus, ox.BlankNode) and _is_claim(store, focus, scratch):
        focus = _claim_parts(store, focus, scratch)[0]
    if isinstance(focus, (ox.NamedNode, ox.BlankNode)):
        for pattern in ((focus, None, None), (None, None, focus)):
            stating = {q.graph_name.value for q in store.quads_for_pattern(*pattern, None)
                       if isinstance(q.graph_name, ox.NamedNode)}
            named = [s for s in sources if s.iri in stating]
            if named:
                return named
    return []


def _new_report() -> rdflib.Graph:
    report = rdflib.Graph()
    for prefix, namespace in prefixes().items():
        report.bind(prefix, namespace)
    return report


def _report_result(report: rdflib.Graph, constraint: Constraint, row, value, messages, sources, store, claim,
                   scratch) -> None:
    """The result as pySHACL writes one (sh:ValidationResult), tagged with its sources (rdfs:seeAlso);
    a claim focus node comes with the claim's own triples."""
    node = BNode()
    focus = to_rdflib(row["this"])
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, focus))
    report.add((node, SH.resultSeverity, constraint.severity))
    report.add((node, SH.sourceShape, constraint.shape))
    report.add((node, SH.sourceConstraintComponent, constraint.component))
    if constraint.path is not None:
        report.add((node, SH.resultPath, constraint.path))
    if constraint.source_constraint is not None:
        report.add((node, SH.sourceConstraint, constraint.source_constraint))
    if value is not None:
        report.add((node, SH.value, value))
    for lang, text in messages:
        report.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
    for source in sources:
        report.add((node, RDFS.seeAlso, URIRef(source.iri)))
    if claim is not None:
        for quad in store.quads_for_pattern(claim, None, None, scratch):
            report.add(quad_to_rdflib(quad))


def _result(findings: list[Finding], report: rdflib.Graph, keep_report: bool = False) -> ValidationResult:
    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3), f.files, f.focus, f.path or "", f.message()))
    violations = sum(f.severity == "Violation" for f in findings)
    warnings = len(findings) - violations
    for old in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.remove((old, None, None))
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


def _mentions(text: str, path: str) -> bool:
    """``path`` appears in ``text`` as a whole path (not as the tail of a longer one)."""
    if path not in text:  # asked of every source for every finding: at 5M, 60,000 regexes per finding
        return False
    return re.search(r"(?<![\w./-])" + re.escape(path) + r"(?![\w-]|\.\w)", text) is not None



def _report_finding(report: rdflib.Graph, f: Finding) -> None:
    """A finding kept from the previous build, back in the report (without the terms it was made of)."""
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.resultSeverity, SH[f.severity]))
    focus = URIRef(f.focus[1:-1]) if f.focus.startswith("<") else (BNode() if f.focus == "[]" else Literal(f.focus))
    report.add((node, SH.focusNode, focus))
    for lang, text in f.messages:
        report.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
    for source in f.sources:
        report.add((node, RDFS.seeAlso, URIRef(source)))


def findings_to_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """Every field of each finding (the build keeps them, for the next incremental build)."""
    return [{**dataclasses.asdict(f)} for f in findings]


def findings_from_json(data: list[dict[str, Any]]) -> list[Finding]:
    def tuples(value):
        return tuple(tuples(v) for v in value) if isinstance(value, list) else value

    return [Finding(**{k: tuples(v) for k, v in item.items()}) for item in data]
