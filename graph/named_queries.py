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
Values reach the query only as typed RDF terms through pyoxigraph's ``substitutions`` (SEP-0007): they
are never pasted into the query text, so no value can change what the query means.

(This module is ``graph.named_queries`` rather than ``graph.queries`` because that name is the package
holding the ``.rq`` files; one name cannot be both a module and a data package.)
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as _Lit

import pyoxigraph as ox

from graph import resources
from graph.errors import QueryError, QueryNotFound, QueryParameterError, QuerySyntaxError

ParamType = _Lit["iri", "string", "date", "integer", "year", "lang"]
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "date", "integer", "year", "lang")

XSD = "http://www.w3.org/2001/XMLSchema#"
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_RE = re.compile(r"^#\+\s*([A-Za-z_]+)(?:@([A-Za-z-]+))?\s*(?::\s?(.*))?$")
_PARAM_LINE_RE = re.compile(r"^#\+\s*param\s+(.+)$")
_PARAM_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)\s*(?:=\s*(.*?))?\s*$")
# Characters RFC 3987 forbids in an IRI and that SPARQL's IRIREF excludes; spaces and controls too.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_IRI_RE = re.compile(r"^https?://[^/?#\s]+[^\s]*$", re.IGNORECASE)
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_YEAR_RE = re.compile(r"^-?[0-9]{4,}$")
_SYNTAX_POS_RE = re.compile(r"error at (\d+):(\d+)")


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
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        if not stripped.startswith("#+"):
            continue  # an ordinary comment
        pm = _PARAM_LINE_RE.match(stripped)
        if pm:
            params.append(_parse_param(pm.group(1).strip(), where, lineno))
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
    return NamedQuery(name=name, title=title, description=description, parameters=params, text=text, path=path,
                      columns=columns, values=values)


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
        if not _IRI_RE.match(v) or _IRI_FORBIDDEN.search(v):
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
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise QueryParameterError(f"parameter {p.name!r} must be a date YYYY-MM-DD, got {value!r}")
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "date"))
    if p.type == "integer":
        if not _INT_RE.match(v):
            raise QueryParameterError(f"parameter {p.name!r} must be an integer, got {value!r}")
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "year":
        # An integer, not xsd:gYear: queries compare it with YEAR(?date), which returns an integer.
        if not _YEAR_RE.match(v):
            raise QueryParameterError(f"parameter {p.name!r} must be a year like 2010, got {value!r}")
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "lang":
        if not _LANG_RE.match(v):
            raise QueryParameterError(f"parameter {p.name!r} must be a language tag like vi or en, got {value!r}")
        return ox.Literal(v.lower())
    return ox.Literal(value)  # string: bound as a term, so any text is harmless


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
    """pyoxigraph reports 'error at LINE:COLUMN: …' in the message; keep the position as fields."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    m = _SYNTAX_POS_RE.search(msg)
    line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    return QuerySyntaxError(f"SPARQL syntax error: {msg}", line, column)


def term_text(term) -> str:
    """A result term as a person reads it: the IRI, or the literal's text with its language tag."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


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
