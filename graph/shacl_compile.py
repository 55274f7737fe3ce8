"""Compile SHACL shapes into SPARQL SELECT queries that run inside the store.

Each constraint of each shape becomes one :class:`Constraint`: a SELECT whose solutions are exactly the
validation results pySHACL reports for it (the focus node ``?this``, the value node ``?value`` where the
constraint has one, and for ``sh:sparql`` constraints the variables their messages name). A query runs
over the whole graph (every target of the shape), or over a given set of focus nodes
(``VALUES ?this { … }``, for what a change touched; the targets then are a ``FILTER EXISTS`` evaluated
per focus node, never the whole target set).

Semantics follow pySHACL, the oracle the tests compare against: targets and ``sh:class`` follow
``rdf:type/rdfs:subClassOf*`` in the data; counts count distinct value nodes; a result is reported once
per distinct solution (pySHACL deduplicates rows the same way), so a triple present in several graphs
of the queried dataset never doubles a result. ``sh:sparql`` bodies are inlined into the query after the
target pattern: the engine joins each sub-pattern once, so one that does not depend on ``$this`` (the
sources and their dates in ``EventBeforePublicationShape``) is evaluated once per query, not once per
focus node.

Supported: targets ``sh:targetClass`` (and implicit class targets), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; predicate paths and the SHACL path expressions
(sequence, alternative, inverse, zero-or-more, one-or-more, zero-or-one); constraints ``sh:minCount``,
``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind``, ``sh:class``, ``sh:pattern`` (+ ``sh:flags``),
``sh:minInclusive``/``sh:maxInclusive``/``sh:minExclusive``/``sh:maxExclusive``, ``sh:minLength``/
``sh:maxLength``, ``sh:languageIn``, ``sh:uniqueLang``, ``sh:in``, ``sh:hasValue``, ``sh:or`` of
shapes that only require a path to have a value, and ``sh:sparql`` SELECT constraints on node shapes.
Anything else raises :class:`UnsupportedShape` when the shapes are compiled — a constraint is never
skipped silently.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Variable

from graph.errors import SourceContentError

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

# Parameters that are not constraints: they describe the shape or its results.
_NOT_CONSTRAINTS = {
    RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
    SH.deactivated, SH.property, SH.sparql, SH.defaultValue, SH.flags, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, RDFS.label, RDFS.comment, SH.declare, SH.prefixes,
}
_SUPPORTED = {
    SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH.pattern, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.languageIn,
    SH.uniqueLang, SH["in"], SH.hasValue, SH["or"],
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
# Datatypes whose lexical forms SPARQL can check (a cast fails on an ill-typed literal, as pySHACL's
# rdflib conversion does).
_CASTABLE = {XSD.date, XSD.dateTime, XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.time}
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_SELECT = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?((?:[?$][A-Za-z_][A-Za-z0-9_]*\s*)+)WHERE\s*\{",
                     re.IGNORECASE | re.DOTALL)


class UnsupportedShape(SourceContentError):
    """A shape uses a SHACL feature the compiler does not translate (named in the message)."""


@dataclass(frozen=True)
class Constraint:
    """One constraint of one shape, as a SPARQL SELECT (see :meth:`query`)."""

    shape: rdflib.term.Node  # sh:sourceShape
    scope: str  # EachSource or AllSources
    component: URIRef  # sh:sourceConstraintComponent
    severity: URIRef
    path: rdflib.term.Node | None  # sh:resultPath (a property shape's path)
    messages: tuple[Literal, ...]  # the shape's (and the SPARQL constraint's) sh:message, tagged
    generic: str | None  # a message when the shape has none
    targets: str  # group pattern binding ?this to every target
    target_test: str  # the same, as a test of a bound ?this (for FILTER EXISTS)
    body: str  # group pattern evaluated with ?this bound; binds ?value and the projected variables
    variables: tuple[str, ...]  # projected besides ?this
    modifiers: str = ""  # GROUP BY / HAVING
    prologue: str = ""  # PREFIX lines (sh:sparql)
    value: str = "value"  # which variable is sh:value ("" for none, "this" for the focus node)
    templated: bool = False  # messages are templates with {?var} to fill from the solution
    source_constraint: rdflib.term.Node | None = None  # sh:sourceConstraint (the sh:sparql node)
    name: str = field(default="", compare=False)  # for error messages and benchmarks
    # Whether the result for a focus node depends only on triples whose subject is the focus node
    # (its types, its values) — then re-checking the nodes a change touched is enough; ``via``: and
    # on the types of its values through this predicate (sh:class), so nodes pointing at a touched
    # node are re-checked too.
    local: bool = False
    via: str | None = None
    key: str = ""  # stable across compilations of the same shapes (blank-node shapes have no name)
    # The classes whose instances are the only targets (sh:targetClass, implicit class targets), or
    # None when the shape also targets nodes or subjects/objects of a property: a graph with no
    # instance of these classes (or their subclasses) cannot give a result, so the check can be skipped.
    target_classes: frozenset[str] | None = None
    # A predicate every result's focus node has (the path of a constraint on the values present): a graph
    # where nothing has it cannot give a result either.
    needs: str | None = None
    # A predicate whose presence on a focus node rules out a result (sh:minCount 1 on it).
    satisfied_by: str | None = None

    def query(self, focus: Iterable[str] | None = None, bound: bool = False, targets: Iterable[str] | None = None
              ) -> str:
        """The SELECT over every target; or (``focus``: SPARQL terms, no blank nodes) over those that
        are targets among the given nodes; or (``bound``) over ``?this`` given as a substitution; or
        (``targets``: SPARQL terms known to be targets) over those nodes, with no target test."""
        projection = " ".join(f"?{v}" for v in ("this", *self.variables))
        if targets is not None:
            start = f"VALUES ?this {{ {' '.join(targets)} }}"
        elif bound:
            start = f"FILTER EXISTS {{ {self.target_test} }}"
        elif focus is None:
            start = f"{{ SELECT DISTINCT ?this WHERE {{ {self.targets} }} }}"
        else:
            start = f"VALUES ?this {{ {' '.join(focus)} }} FILTER EXISTS {{ {self.target_test} }}"
        return (f"{self.prologue}SELECT DISTINCT {projection} WHERE {{\n  {start}\n  {self.body}\n}}"
                f" {self.modifiers}")


def compile_shapes(shapes: rdflib.Graph, scopes: dict, path: str) -> list[Constraint]:
    """Every constraint of every shape that has a scope (``scopes``: shape → scope name)."""
    out: list[Constraint] = []
    for shape in sorted(scopes, key=str):
        if _deactivated(shapes, shape):
            continue
        targets = _targets(shapes, shape, path)
        if targets is None:
            continue
        scope = scopes[shape]
        found = _shape_constraints(shapes, shape, scope, targets, path, None)
        properties = [p for p in shapes.objects(shape, SH.property) if not _deactivated(shapes, p)]
        for prop in sorted(properties, key=lambda p: _sort_key(shapes, p)):
            found.extend(_shape_constraints(shapes, prop, scope, targets, path, shapes.value(prop, SH.path)))
        seen: dict[str, int] = {}
        for c in found:
            key = f"{_name(shape)} {_path_key(shapes, c.path)} {_local_name(c.component)}"
            seen[key] = seen.get(key, 0) + 1
            out.append(replace(c, key=f"{key} {seen[key]}"))
    return out


def _sort_key(shapes, node) -> str:
    """Blank-node property shapes in a stable order: by their statements, not their random ids."""
    return " ".join(sorted(f"{p} {o if not isinstance(o, BNode) else ''}" for p, o in shapes.predicate_objects(node)))


def _path_key(shapes, node) -> str:
    if node is None:
        return "-"
    return node.n3() if isinstance(node, URIRef) else "[" + _sort_key(shapes, node) + "]"


def _local_name(node) -> str:
    return str(node).rsplit("#", 1)[-1]


# ------------------------------------------------------------------------------------------ targets

def _targets(shapes: rdflib.Graph, shape, path: str) -> tuple[str, str, frozenset[str] | None] | None:
    """(pattern binding ?this to each target, the same as a test of a bound ?this, the target classes
    when only classes are targeted), or None when the shape has no targets (it is only reached through
    other shapes)."""
    if (shape, SH.target, None) in shapes:
        raise UnsupportedShape(path, f"shape {_name(shape)} uses sh:target (SPARQL-based targets): not compiled.")
    classes = set(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.add(shape)
    branches = []
    for cls in sorted(classes, key=str):
        branches.append(f"?this a/<{RDFS.subClassOf}>* {_term(cls, path)} .")
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        branches.append(f"VALUES ?this {{ {_term(node, path)} }}")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        branches.append(f"?this {_term(prop, path)} ?targetObject .")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        branches.append(f"?targetSubject {_term(prop, path)} ?this .")
    if not branches:
        return None
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    only_classes = len(branches) == len(classes)
    tests = []
    for b in branches:
        if b.startswith("VALUES"):
            node = b[len("VALUES ?this { "):-2]
            tests.append(f"{{ FILTER (sameTerm(?this, {node})) }}")
        else:
            tests.append(f"{{ {b} }}")
    return union, " UNION ".join(tests), frozenset(str(c) for c in classes) if only_classes else None


# ------------------------------------------------------------------------------------------ constraints

def _shape_constraints(shapes, shape, scope, targets, path, shape_path) -> list[Constraint]:
    name = _name(shape)
    if shape_path is not None and (shape, SH.property, None) in shapes:
        raise UnsupportedShape(path, f"shape {name}: sh:property inside a property shape is not compiled.")
    for p in set(shapes.predicates(shape, None)):
        if p not in _SUPPORTED and p not in _NOT_CONSTRAINTS and str(p).startswith(str(SH)):
            raise UnsupportedShape(path, f"shape {name} uses {_name(p)}: the SHACL compiler does not support it.")
    severity = shapes.value(shape, SH.severity, default=SH.Violation)
    messages = tuple(sorted((m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)), key=str))
    sparql_path = _path(shapes, shape_path, path) if shape_path is not None else None
    simple = shape_path is None or isinstance(shape_path, URIRef)
    base = dict(shape=shape, scope=scope, severity=severity, path=shape_path, messages=messages,
                targets=targets[0], target_test=targets[1], target_classes=targets[2], name=name,
                local=simple)
    values = f"?this {sparql_path} ?value ." if sparql_path else "BIND (?this AS ?value)"
    on_values = {"needs": str(shape_path)} if isinstance(shape_path, URIRef) else {}
    out = []

    def add(parameter, body, variables=("value",), generic=None, **extra):
        out.append(Constraint(component=_COMPONENT[parameter], body=body, variables=variables,
                              generic=None if messages else generic, **base, **extra))

    def value_test(parameter, condition, generic):
        # a condition that errs (a comparison with a literal of another type) is a failure, as in pySHACL
        add(parameter, f"{values} FILTER (!COALESCE({condition}, false))", generic=generic, **on_values)

    for parameter, rule in sorted(shapes.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
        if parameter == SH.minCount:
            n = int(rule)
            if n <= 0:
                continue
            if sparql_path is None:
                raise UnsupportedShape(path, f"shape {name}: sh:minCount needs sh:path.")
            generic = f"Less than {n} values on {{this}}->{_short(shape_path)}"
            if n == 1:
                add(parameter, f"FILTER NOT EXISTS {{ {values} }}", variables=(), value="", generic=generic,
                    satisfied_by=on_values.get("needs"))
            else:
                add(parameter, f"OPTIONAL {{ {values} }}", variables=(), value="", generic=generic,
                    modifiers=f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})")
        elif parameter == SH.maxCount:
            if sparql_path is None:
                raise UnsupportedShape(path, f"shape {name}: sh:maxCount needs sh:path.")
            n = int(rule)
            add(parameter, values, variables=(), value="",
                generic=f"More than {n} values on {{this}}->{_short(shape_path)}",
                modifiers=f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})", **on_values)
        elif parameter == SH.datatype:
            value_test(parameter, _datatype_test(rule), f"Value is not Literal with datatype {_short(rule)}")
        elif parameter == SH.nodeKind:
            if rule not in _NODE_KINDS:
                raise UnsupportedShape(path, f"shape {name}: unknown sh:nodeKind {_name(rule)}.")
            value_test(parameter, _NODE_KINDS[rule], f"Value is not of Node Kind {_short(rule)}")
        elif parameter == SH["class"]:
            add(parameter, f"{values} FILTER NOT EXISTS {{ ?value a/<{RDFS.subClassOf}>* {_term(rule, path)} }}",
                generic=f"Value does not have class {_short(rule)}",
                via=str(shape_path) if isinstance(shape_path, URIRef) else None, **on_values)
        elif parameter == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            regex = f"REGEX(STR(?value), {_literal(str(rule))}" + (f", {_literal(str(flags))})" if flags else ")")
            value_test(parameter, f"(!isBlank(?value) && {regex})", f"Value does not match pattern \"{rule}\"")
        elif parameter in _RANGES:
            value_test(parameter, f"(?value {_RANGES[parameter]} {_term(rule, path)})",
                       f"Value is not {_RANGES[parameter]} {rule}")
        elif parameter in (SH.minLength, SH.maxLength):
            op = ">=" if parameter == SH.minLength else "<="
            value_test(parameter, f"(!isBlank(?value) && STRLEN(STR(?value)) {op} {int(rule)})",
                       f"String length not {op} {int(rule)}")
        elif parameter == SH.languageIn:
            tags = [str(t) for t in Collection(shapes, rule)]
            test = " || ".join(f"LANGMATCHES(LANG(?value), {_literal(t)})" for t in tags) or "false"
            value_test(parameter, f"(isLiteral(?value) && ({test}))", f"String language is not in {tags}")
        elif parameter == SH.uniqueLang:
            if not (isinstance(rule, Literal) and rule.value is True):
                continue
            if sparql_path is None:
                raise UnsupportedShape(path, f"shape {name}: sh:uniqueLang needs sh:path.")
            add(parameter, f"{values} FILTER (isLiteral(?value) && LANG(?value) != \"\")"
                " BIND (LCASE(LANG(?value)) AS ?lang)", variables=("lang",), value="",
                generic="More than one String shares the same Language",
                modifiers="GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)", **on_values)
        elif parameter == SH["in"]:
            members = ", ".join(_term(t, path) for t in Collection(shapes, rule))
            value_test(parameter, f"(?value IN ({members}))", "Value is not in the allowed list")
        elif parameter == SH.hasValue:
            if sparql_path is None:
                value_test(parameter, f"sameTerm(?value, {_term(rule, path)})", f"Node is not {_short(rule)}")
            else:
                add(parameter, f"FILTER NOT EXISTS {{ ?this {sparql_path} {_term(rule, path)} }}", variables=(),
                    value="", generic=f"Missing expected value {_short(rule)}")
        elif parameter == SH["or"]:
            if sparql_path is not None:
                raise UnsupportedShape(path, f"shape {name}: sh:or on a property shape is not compiled.")
            members = list(Collection(shapes, rule))
            alternatives = [_conforms(shapes, member, path) for member in members]
            if any(not isinstance(shapes.value(m, SH.path), URIRef) for m in members):
                base = {**base, "local": False}
            add(parameter, "FILTER (!(" + " || ".join(alternatives) + ")) BIND (?this AS ?value)",
                generic="Node must conform to one or more shapes")
        elif parameter == SH.sparql:
            if sparql_path is not None:
                raise UnsupportedShape(path, f"shape {name}: sh:sparql on a property shape is not compiled.")
            if not _deactivated(shapes, rule):
                out.append(_sparql(shapes, shape, rule, base, path))
    return out


def _datatype_test(datatype) -> str:
    if datatype == RDF.langString:
        return "(isLiteral(?value) && LANG(?value) != \"\")"
    if datatype == XSD.string:
        return f"(isLiteral(?value) && LANG(?value) = \"\" && DATATYPE(?value) = <{XSD.string}>)"
    if datatype == RDFS.Literal:
        return "isLiteral(?value)"
    same = f"(isLiteral(?value) && DATATYPE(?value) = <{datatype}>"
    if datatype in _CASTABLE:
        return same + f" && COALESCE(isLiteral(<{datatype}>(STR(?value))), false))"
    return same + ")"


def _conforms(shapes, member, path: str) -> str:
    """A member of sh:or as a boolean expression on ?this: only shapes requiring their path to have a
    value (sh:path with sh:minCount 1) are compiled."""
    parameters = {p for p in shapes.predicates(member, None) if p != RDF.type}
    minimum = shapes.value(member, SH.minCount)
    if parameters - {SH.path, SH.minCount, SH.message} or shapes.value(member, SH.path) is None or minimum is None:
        raise UnsupportedShape(path, f"sh:or member {_name(member)}: only [ sh:path P ; sh:minCount 1 ] is compiled.")
    if int(minimum) > 1:
        raise UnsupportedShape(path, f"sh:or member {_name(member)}: sh:minCount above 1 is not compiled.")
    if int(minimum) <= 0:
        return "true"
    return f"EXISTS {{ ?this {_path(shapes, shapes.value(member, SH.path), path)} ?orValue }}"


def _sparql(shapes, shape, node, base: dict, path: str) -> Constraint:
    select = shapes.value(node, SH.select)
    if select is None:
        raise UnsupportedShape(path, f"shape {_name(shape)}: a sh:sparql constraint without sh:select.")
    text = str(select)
    head = _SELECT.match(text)
    if head is None:
        raise UnsupportedShape(path, f"shape {_name(shape)}: sh:select must read SELECT ?vars WHERE {{ … }}.")
    variables = [v for v in _VARIABLE.findall(head.group(2))]
    if "failure" in variables or "path" in variables:
        raise UnsupportedShape(path, f"shape {_name(shape)}: ?failure and ?path in sh:select are not compiled.")
    end = _closing_brace(text, head.end() - 1)
    if end is None or text[end + 1:].strip():
        raise UnsupportedShape(path, f"shape {_name(shape)}: sh:select has solution modifiers or unbalanced braces.")
    body = text[head.end():end]
    prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in _prefixes(shapes, node))
    extra = tuple(sorted((m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)), key=str))
    projected = tuple(v for v in dict.fromkeys(variables) if v != "this")
    fields = dict(base)
    fields["messages"] = tuple(sorted(set(extra) | set(base["messages"]), key=str))
    fields["path"] = None
    fields["local"] = _reads_only_this(prologue + text, path)
    return Constraint(component=SH.SPARQLConstraintComponent, body=body, variables=projected,
                      generic=None if fields["messages"] else "SPARQL constraint failed", prologue=prologue,
                      value="value" if "value" in projected else "this", templated=True,
                      source_constraint=node, **fields)


@functools.lru_cache(maxsize=512)
def algebra_of(query: str):
    """rdflib's algebra of a SPARQL query, parsed once per process: its parser takes about 0.1 s a query,
    and the same constraint texts are read again by every build a long-running process (the review
    surface) makes. Raises rdflib's parser errors (pyparsing's and its own); callers only read the result."""
    return translateQuery(parseQuery(query)).algebra


def bgp_triples(algebra) -> list:
    """Every triple pattern of a parsed query's algebra (rdflib's), in EXISTS and sub-queries too."""
    triples: list = []

    def walk(node, depth=0):
        if depth > 200:
            return
        if isinstance(node, dict):
            if getattr(node, "name", None) == "BGP":
                triples.extend(node.get("triples", []))
            for value in node.values():
                walk(value, depth + 1)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, depth + 1)

    walk(algebra)
    return triples


def _reads_only_this(query: str, path: str) -> bool:
    """Whether every triple pattern of the query (EXISTS included) has ``?this`` as subject and an IRI
    as predicate: then its result for a node depends only on that node's own statements."""
    try:
        algebra = algebra_of(query)
    except Exception as e:  # rdflib's parser raises pyparsing's and its own errors
        raise UnsupportedShape(path, f"a sh:select does not parse: {e}") from None
    triples = bgp_triples(algebra)
    return all(s == Variable("this") and isinstance(p, URIRef) for s, p, _ in triples)


def _closing_brace(text: str, start: int) -> int | None:
    """Index of the brace closing the one at ``start``, skipping strings, IRIs and comments."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            long = text[i:i + 3] in ('"""', "'''")
            quote = text[i:i + 3] if long else c
            i += len(quote)
            while i < n and text[i:i + len(quote)] != quote:
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i += re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]).end()
            continue
        if c == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _prefixes(shapes, node) -> list[tuple[str, str]]:
    out = {}
    for holder in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                out[str(prefix)] = str(namespace)
    return sorted(out.items())


# ------------------------------------------------------------------------------------------ terms

def _path(shapes, node, path: str) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if not isinstance(node, BNode):
        raise UnsupportedShape(path, f"sh:path {node!r} is neither an IRI nor a path expression.")
    if (node, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, step, path) for step in Collection(shapes, node)) + ")"
    for predicate, render in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                              (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(node, predicate)
        if inner is not None:
            return "(" + render.format(_path(shapes, inner, path)) + ")"
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, step, path) for step in Collection(shapes, alternatives)) + ")"
    raise UnsupportedShape(path, "a sh:path blank node that is no SHACL path expression.")


def _term(node, path: str) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(path, f"a blank node {node.n3()} as a constraint parameter is not compiled.")


def _literal(text: str) -> str:
    return Literal(text).n3()


def _short(node) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, URIRef) else "[path]"


def _name(node) -> str:
    if isinstance(node, URIRef) and str(node).startswith(str(SH)):
        return "sh:" + str(node)[len(str(SH)):]
    return node.n3() if isinstance(node, URIRef) else "a blank-node shape"


def _deactivated(shapes, shape) -> bool:
    return (shape, SH.deactivated, Literal(True)) in shapes
