"""The one loader for named queries (``queries/*.rq``, shipped as package ``graph.queries``).

Each file opens with a comment header, Datasette-stored-query style::

    #+ title@vi: …
    #+ title@en: …
    #+ description@vi: …
    #+ description@en: …
    #+ param document: iri = https://w3id.org/danvan/id/document/… ; Văn bản ; The document

``param NAME: TYPE [= DEFAULT] ; label vi ; label en`` — without a default the parameter is required.
``column NAME ; heading vi ; heading en`` — the heading of a result column on the web and in the CLI.
``value TEXT ; vi ; en`` — how a plain string the query itself produces (``BIND ("post" AS ?kind)``)
reads in each language.
Queries are written with the canonical base (``https://w3id.org/danvan/``); under another
``DANVAN_BASE_IRI`` the loader moves their IRIs (the SPARQL's IRIs and the IRI parameters' defaults) to
it, as the build moves the data's, so every reader — `danvan query`, the query pages, the editor — gets
the text that matches the data.
Values reach the query only as typed RDF terms through pyoxigraph's ``substitutions`` (SEP-0007): they
are never pasted into the query text, so no value can change what the query means.

(This module is ``graph.named_queries`` rather than ``graph.queries`` because that name is the package
holding the ``.rq`` files; one name cannot be both a module and a data package.)
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as _Lit

from graph import resources, settings, sparql_grammar
from graph import terms as ox
from graph.errors import QueryError, QueryNotFound, QueryParameterError, QuerySyntaxError, QueryTooLarge

ParamType = _Lit["iri", "string", "date", "integer", "year", "lang"]
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "date", "integer", "year", "lang")

XSD = "http://www.w3.org/2001/XMLSchema#"
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_RE = re.compile(r"^#\+\s*([A-Za-z_]+)(?:@([A-Za-z-]+))?\s*(?::\s?(.*))?$")
_PARAM_LINE_RE = re.compile(r"^#\+\s*param\s+(.+)$")
_PARAM_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)\s*(?:=\s*(.*?))?\s*$")
# Values from the web are checked by plain loops after a length check, never by a regular expression
# (a backtracking one made a 60,000-character IRI cost 14 s).
MAX_PARAMETER_LENGTH = 2000
"""Characters in one parameter value (an IRI, a string…); longer values are refused before any check."""
# Characters RFC 3987 forbids in an IRI and that SPARQL's IRIREF excludes; spaces and controls too.
_IRI_FORBIDDEN = frozenset('<>"{}|\\^`\x7f')
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass
class Parameter:
    name: str
    type: ParamType
    required: bool
    default: str | None = None
    label: dict[str, str] = field(default_factory=dict)


@dataclass
class NamedQuery:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    parameters: list[Parameter]
    text: str
    path: str = ""
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse(text: str, name: str, path: str = "") -> NamedQuery:
    """Reads the header of a named query. Header lines are the leading ``#+`` comment lines."""
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: list[Parameter] = []
    columns: dict[str, dict[str, str]] = {}
    values: dict[str, dict[str, str]] = {}
    where = path or name
    canonical, base = settings.CANONICAL_BASE, settings.base_iri()
    lines = text.splitlines(keepends=True)
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        if not stripped.startswith("#+"):
            continue  # an ordinary comment
        pm = _PARAM_LINE_RE.match(stripped)
        if pm:
            param = _parse_param(pm.group(1).strip(), where, lineno)
            if base != canonical and param.type == "iri" and param.default and param.default.startswith(canonical):
                param.default = base + param.default[len(canonical):]
                at = line.index(canonical, line.index("="))  # the default: the first "=" of a param line
                lines[lineno - 1] = line[:at] + base + line[at + len(canonical):]
            params.append(param)
            continue
        word = stripped[2:].lstrip().split(" ", 1)[0]
        if word in ("column", "value"):
            subject, texts = _translations(stripped, word, where, lineno)
            (columns if word == "column" else values)[subject] = texts
            continue
        m = _HEADER_RE.match(stripped)
        if not m:
            raise QueryError(f"{where}:{lineno}: cannot read header line {stripped!r}; "
                                      "write '#+ key@lang: value' or '#+ param NAME: TYPE [= DEFAULT] ; vi ; en'")
        key, lang, value = m.group(1), m.group(2), (m.group(3) or "").strip()
        if key in ("title", "description"):
            (title if key == "title" else description)[lang or ""] = value
        else:
            raise QueryError(f"{where}:{lineno}: unknown header key {key!r} "
                                      "(known: title, description, param, column, value)")
    seen: set[str] = set()
    for p in params:
        if p.name in seen:
            raise QueryError(f"{where}: parameter {p.name!r} is declared twice")
        seen.add(p.name)
    if base != canonical:
        text = _rebased("".join(lines), canonical, base, where)
    return NamedQuery(name=name, title=title, description=description, parameters=params, text=text, path=path,
                      columns=columns, values=values)


@functools.lru_cache(maxsize=64)
def _rebased(text: str, canonical: str, base: str, where: str) -> str:
    """The query's IRIs under ``base``, read by the SPARQL grammar (comments — the header — are left to
    :func:`parse`). Cached: the pages list every query on every request."""
    try:
        return sparql_grammar.rebase_iris(text, canonical, base)
    except QuerySyntaxError as e:
        raise QuerySyntaxError(f"{where}: {e}", e.line, e.column) from None


def _translations(line: str, key: str, where: str, lineno: int) -> tuple[str, dict[str, str]]:
    """``#+ column NAME ; vi ; en`` / ``#+ value TEXT ; vi ; en`` → (NAME or TEXT, {"vi": …, "en": …})."""
    parts = [s.strip() for s in line[2:].strip()[len(key):].split(";")]
    if len(parts) != 3 or not all(parts):
        raise QueryError(f"{where}:{lineno}: write '#+ {key} NAME ; vi ; en', not {line!r}")
    return parts[0], {"vi": parts[1], "en": parts[2]}


def _parse_param(spec: str, where: str, lineno: int) -> Parameter:
    parts = [s.strip() for s in spec.split(";")]
    m = _PARAM_RE.match(parts[0])
    if not m:
        raise QueryError(f"{where}:{lineno}: cannot read parameter {spec!r}; "
                                  "write 'NAME: TYPE [= DEFAULT] ; label vi ; label en'")
    name, ptype, default = m.group(1), m.group(2), m.group(3)
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{where}:{lineno}: parameter {name!r} has unknown type {ptype!r} "
                                  f"(known: {', '.join(PARAM_TYPES)})")
    label = {}
    if len(parts) > 1 and parts[1]:
        label["vi"] = parts[1]
    if len(parts) > 2 and parts[2]:
        label["en"] = parts[2]
    if default == "":
        default = None
    param = Parameter(name=name, type=ptype, required=default is None, default=default, label=label)  # type: ignore[arg-type]
    if default is not None:
        try:
            _term(param, default)
        except QueryParameterError as e:
            raise QueryError(f"{where}:{lineno}: default of {name!r} is not valid: {e}") from None
    return param


def from_file(path: str | Path) -> NamedQuery:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryNotFound(f"no query file {str(p)!r}; give a named query or an existing .rq file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise QueryNotFound(f"cannot read query file {str(p)!r}: {e}") from None
    return parse(text, p.stem, str(p))


def all_queries() -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for f in resources.query_files():
        name = f.name[: -len(".rq")]
        out[name] = parse(f.read_text(encoding="utf-8"), name, f.name)
    return out


def get(name: str) -> NamedQuery:
    queries = all_queries()
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise QueryNotFound(f"no named query {name!r}; known queries: {known}")
    return queries[name]


def bind(q: NamedQuery, raw: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turns raw text values into typed RDF terms, one per declared parameter (defaults filled in)."""
    unknown = sorted(set(raw) - {p.name for p in q.parameters})
    if unknown:
        declared = ", ".join(p.name for p in q.parameters) or "none"
        raise QueryParameterError(f"query {q.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                                  f"its parameters: {declared}")
    out: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for p in q.parameters:
        value = raw.get(p.name)
        if value is not None and len(value) > MAX_PARAMETER_LENGTH:
            raise QueryTooLarge(f"parameter {p.name!r} is {len(value):,} characters long; at most "
                                f"{MAX_PARAMETER_LENGTH:,} are allowed")
        if value is None or value == "":
            if p.default is None:
                raise QueryParameterError(f"query {q.name!r} needs parameter {p.name!r} ({p.type}); "
                                          f"give it with --param {p.name}=VALUE")
            value = p.default
        out[ox.Variable(p.name)] = _term(p, value)
    return out


def _term(p: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    v = value.strip() if p.type != "string" else value
    if p.type == "iri":
        if not _is_web_iri(v):
            raise QueryParameterError(f"parameter {p.name!r} must be an absolute http(s) IRI without spaces "
                                      f"or any of <>\"{{}}|\\^`, got {value!r}")
        try:
            return ox.NamedNode(v)
        except ValueError as e:
            raise QueryParameterError(f"parameter {p.name!r} is not a valid IRI: {e}") from None
    if p.type == "date":
        try:
            _dt.date.fromisoformat(v)
        except ValueError:
            raise QueryParameterError(f"parameter {p.name!r} must be a date YYYY-MM-DD, got {value!r}") from None
        if not (len(v) == 10 and v[4] == v[7] == "-" and _digits(v[:4] + v[5:7] + v[8:])):
            raise QueryParameterError(f"parameter {p.name!r} must be a date YYYY-MM-DD, got {value!r}")
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "date"))
    if p.type == "integer":
        if not _digits(v[1:] if v[:1] in ("+", "-") else v):
            raise QueryParameterError(f"parameter {p.name!r} must be an integer, got {value!r}")
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "year":
        # An integer, not xsd:gYear: queries compare it with YEAR(?date), which returns an integer.
        if not (_digits(v[1:] if v[:1] == "-" else v) and len(v.lstrip("-")) >= 4):
            raise QueryParameterError(f"parameter {p.name!r} must be a year like 2010, got {value!r}")
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "lang":
        if not _is_language_tag(v):
            raise QueryParameterError(f"parameter {p.name!r} must be a language tag like vi or en, got {value!r}")
        return ox.Literal(v.lower())
    return ox.Literal(value)  # string: bound as a term, so any text is harmless


def _digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def _is_web_iri(v: str) -> bool:
    """An absolute http(s) IRI with a host, without spaces, controls or the characters IRIREF excludes."""
    lower = v[:8].lower()
    rest = v[7:] if lower.startswith("http://") else v[8:] if lower.startswith("https://") else None
    if not rest or rest[0] in "/?#":
        return False
    return all(ord(c) > 0x20 and c not in _IRI_FORBIDDEN for c in v)


def _is_language_tag(v: str) -> bool:
    """Subtags of 1–8 letters (the first) or letters and digits, joined by '-'."""
    parts = v.split("-")
    return (0 < len(parts[0]) <= 8 and all(c in _LETTERS for c in parts[0])
            and all(0 < len(p) <= 8 and all(c in _LETTERS or c in _DIGITS for c in p) for p in parts[1:]))


def run(store: ox.Store, text: str, substitutions: dict | None = None):
    """Runs a query over the union of all graphs. Returns pyoxigraph's QuerySolutions/QueryBoolean/QueryTriples."""
    try:
        return store.query(text, substitutions=substitutions or None)
    except SyntaxError as e:
        raise syntax_error(e) from None
    except RuntimeError as e:
        if "SELECT projection" in str(e):
            # pyoxigraph substitutes only variables a SELECT names in its projection (not `SELECT *`,
            # not ASK/CONSTRUCT), so a parameter must be projected to be bound at all.
            names = ", ".join(f"?{v.value}" for v in (substitutions or {}))
            raise QueryError(f"the query cannot take its parameters ({names}): it must be a SELECT that "
                             f"lists each parameter variable in its projection ({e})") from None
        raise QueryError(f"the query failed: {e}") from None


def syntax_error(e: SyntaxError) -> QuerySyntaxError:
    """A readable :class:`QuerySyntaxError` from pyoxigraph's 'error at LINE:COLUMN: expected one of …'
    (whose lists spell out Unicode ranges), with the position kept as fields."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    line = column = None
    head, found, rest = msg.partition("error at ")
    if found:
        where, _, detail = rest.partition(": ")
        row, _, col = where.partition(":")
        if row.isdigit() and col.isdigit():
            line, column, msg = int(row), int(col), detail
    text = _readable_expectation(msg)
    if line is None:
        return QuerySyntaxError(f"SPARQL syntax error: {text}")
    return QuerySyntaxError(f"SPARQL syntax error at {line}:{column} (line {line}, column {column}): {text}",
                            line, column)


def _readable_expectation(detail: str) -> str:
    """'expected one of A, ['0'..='9'], [_]' → 'expected one of: A, a digit or any character'."""
    for lead in ("expected one of ", "expected "):
        if detail.startswith(lead):
            break
    else:
        return detail
    found = _top_level_items(detail[len(lead):])
    if "Prefix not found" in found:
        return "this prefix is not declared: add PREFIX name: <…> before the query"
    items: list[str] = []
    for item in found:
        words = _DESCRIBED.get(item) or (_character_class(item) if item.startswith("[") else item)
        if words not in items:
            items.append(words)
    if not items:
        return detail
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return f"expected {'one of: ' if len(items) > 1 else ''}{listed}"


_DESCRIBED = {"Prefix not found": "a declared prefix (this prefix is not declared)", "[_]": "any character",
              "IRI parsing failed": "a valid IRI"}


def _character_class(item: str) -> str:
    if "'A'" in item or "\\u{" in item:
        return "a letter or another name character"
    if "'0'" in item:
        return "a digit"
    inner = item[1:-1].strip()
    return inner if len(inner) == 3 and inner[0] == inner[2] == "'" else "one of the characters " + item


def _top_level_items(text: str) -> list[str]:
    """Splits at the commas outside [ ] and quotes, in one pass."""
    items, depth, quote, start = [], 0, "", 0
    k = 0
    while k < len(text):
        c = text[k]
        if quote:
            if c == "\\":
                k += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(text[start:k].strip())
            start = k + 1
        k += 1
    items.append(text[start:].strip())
    return [i for i in items if i]


def term_text(term) -> str:
    """A result term as a person reads it: the IRI, or the literal's text with its language tag."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


def planned(q: NamedQuery, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The text to evaluate with ``bindings`` as substitutions: :func:`with_values`'s, so that the
    planner also sees the values. Oxigraph plans a query before it applies substitutions, so a
    parameter it cannot see is planned as unbound: people-by-organization read every membership of the
    graph (0.4 s at 100k triples) before keeping those of the one organization asked for (< 1 ms with
    the ``VALUES`` block). The substitutions still bind the values everywhere (sub-queries included),
    and the block holds the same values, as terms pyoxigraph checked and wrote, so the answers are
    the same."""
    return with_values(q, bindings)


def with_values(q: NamedQuery, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query's text with its parameter values bound by a ``VALUES`` block opening the outermost
    group, for a person to read and run in the editor (evaluation itself uses substitutions).

    Joining a one-row ``VALUES`` at the start of the outer group gives the same answers as substituting
    the value: the shipped queries use their parameters in the outer group or in sub-patterns that are
    joined to it."""
    if not bindings:
        return q.text
    lines = q.text.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        brace = line.find("{")
        if brace >= 0:
            names = " ".join(str(v) for v in bindings)
            row = " ".join(str(t) for t in bindings.values())
            lines[i] = f"{line[:brace + 1]}\n  VALUES ({names}) {{ ({row}) }}{line[brace + 1:]}"
            return "\n".join(lines)
    return q.text
