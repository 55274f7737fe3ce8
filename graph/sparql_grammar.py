"""What a SPARQL text is, decided from the SPARQL 1.1 grammar (§19.8 terminals) before any engine sees it.

:func:`analyze` reads a query in one pass, character by character (no regular expression touches the
text, so the work is linear in its length), and returns its :class:`QueryShape`: the form (a query, or
an update), every ``SERVICE`` clause, the graphs named by ``FROM`` / ``FROM NAMED`` (resolved to
absolute IRIs), and the deepest nesting of ``{ ( [``. The limits come first: a text longer than
:data:`MAX_QUERY_LENGTH` is refused before it is read, and the reading stops as soon as the nesting
passes :data:`MAX_DEPTH` (Oxigraph's recursive parser overflows its stack on deep nesting and takes the
whole process with it).

The decision must never be laxer than the engine (pyoxigraph) that evaluates the text, so where the
grammar is ambiguous or Oxigraph is more lenient than the grammar, the reading here refuses:

- Oxigraph matches keywords without a word boundary (``SERVICESILENT <x> {}``, ``?s ?p trueSERVICE <x> {}``
  are SERVICE clauses to it), so a bare word that is not exactly a SPARQL keyword is a syntax error here;
- an undeclared prefixed name may be split the same way (``trueSERVICE:x`` → ``true SERVICE :x``), so an
  undeclared prefix is an error, and a prefix whose name contains ``service``, ``from`` or ``named`` is
  refused outright;
- ``<`` opens an IRI unless it follows an operand inside an expression (``FILTER(?a<?b)``), where it
  is the comparison (read as an IRI there, ``FILTER(?a<?b)SERVICE?v#>`` would hide a SERVICE);
- SPARQL keywords are reserved, so every ``SERVICE`` keyword is counted as a SERVICE clause, wherever it
  is (sub-queries, ``EXISTS``, ``SERVICE SILENT``, ``SERVICE ?var``).

Errors are typed: :class:`~graph.errors.QueryTooLarge`, :class:`~graph.errors.QueryTooComplex`, and
:class:`~graph.errors.QuerySyntaxError` with the 1-based line and column of the offending character.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from graph.errors import QuerySyntaxError, QueryTooComplex, QueryTooLarge

MAX_QUERY_LENGTH = 100_000
"""Characters in a query text; longer texts are refused before they are read."""
MAX_DEPTH = 128
"""Deepest nesting of ``{ ( [`` taken together."""

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
# Prefix names Oxigraph could read as keywords glued to ``:local`` (see the module's docstring).
RESERVED_IN_PREFIX = ("service", "from", "named")

# Every bare word of SPARQL 1.1 Query and Update, and the SPARQL 1.2 / Oxigraph extensions pyoxigraph
# accepts (LATERAL, VERSION, triple terms, directional language tags).
KEYWORDS = frozenset("""
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK ORDER BY ASC DESC LIMIT OFFSET DISTINCT REDUCED FROM NAMED WHERE
GRAPH OPTIONAL UNION FILTER A STR LANG LANGMATCHES DATATYPE BOUND SAMETERM ISIRI ISURI ISBLANK ISLITERAL
REGEX TRUE FALSE LOAD CLEAR DROP ADD MOVE COPY CREATE DELETE INSERT USING SILENT DEFAULT ALL DATA WITH INTO
TO AS GROUP HAVING UNDEF VALUES BIND MINUS SERVICE IN NOT EXISTS IRI URI BNODE RAND ABS CEIL FLOOR ROUND
CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS
MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT
ISNUMERIC SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
LATERAL VERSION TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR
""".split())
# Words after which a "(" opens an expression (functions, FILTER, BIND), not a collection or a path.
_EXPRESSION_OPENERS = KEYWORDS - frozenset(
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK ORDER BY LIMIT OFFSET DISTINCT REDUCED FROM NAMED WHERE GRAPH "
    "OPTIONAL UNION A TRUE FALSE LOAD CLEAR DROP ADD MOVE COPY CREATE DELETE INSERT USING SILENT DEFAULT ALL "
    "DATA WITH INTO TO AS GROUP HAVING UNDEF VALUES MINUS SERVICE LATERAL VERSION SEPARATOR".split())
# Words after which the clause's "(" open expressions until the clause ends.
_EXPRESSION_CLAUSES = frozenset(("SELECT", "BY", "HAVING"))
_CLAUSE_ENDS = frozenset(("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES", "CONSTRUCT", "DESCRIBE", "ASK"))

_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')
_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
_STRING_ESCAPES = frozenset("tbnrf\"'\\")
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WHITESPACE = frozenset(" \t\r\n")
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = {"}": "{", ")": "(", "]": "["}
# Token kinds after which "<" inside an expression is a comparison, not an IRI.
_OPERAND_ENDS = frozenset(("var", "iri", "pname", "string", "number", "langtag"))


_ASCII_VAR = _ASCII_LETTERS | _DIGITS | frozenset("_")
_ASCII_NAME = _ASCII_VAR | frozenset("-")


def _base_char(c: str) -> bool:
    """PN_CHARS_BASE."""
    if c in _ASCII_LETTERS:
        return True
    o = ord(c)
    return (0xC0 <= o <= 0xD6 or 0xD8 <= o <= 0xF6 or 0xF8 <= o <= 0x2FF or 0x370 <= o <= 0x37D
            or 0x37F <= o <= 0x1FFF or 0x200C <= o <= 0x200D or 0x2070 <= o <= 0x218F or 0x2C00 <= o <= 0x2FEF
            or 0x3001 <= o <= 0xD7FF or 0xF900 <= o <= 0xFDCF or 0xFDF0 <= o <= 0xFFFD or 0x10000 <= o <= 0xEFFFF)


def _other_name_char(c: str) -> bool:
    """The non-ASCII characters of PN_CHARS: PN_CHARS_BASE, U+00B7, U+0300–U+036F, U+203F–U+2040."""
    o = ord(c)
    return o > 0x7F and (_base_char(c) or o == 0xB7 or 0x300 <= o <= 0x36F or 0x203F <= o <= 0x2040)


def _name_char(c: str) -> bool:
    """PN_CHARS: PN_CHARS_U, '-', digits and the non-ASCII ones."""
    return c in _ASCII_NAME or _other_name_char(c)


def _var_char(c: str) -> bool:
    """VARNAME's characters: PN_CHARS without '-'."""
    return c in _ASCII_VAR or _other_name_char(c)


class Token(NamedTuple):
    kind: str  # iri pname bnode var langtag number string word punct
    text: str  # the source text (a word upper-cased; a pname as written)
    offset: int


@dataclass(frozen=True)
class QueryShape:
    form: str  # SELECT, CONSTRUCT, DESCRIBE, ASK, or the update's first keyword (INSERT, LOAD…)
    services: tuple[str, ...] = ()  # each SERVICE clause's target as written (IRI, prefixed name, variable)
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    graph_patterns: bool = False  # a GRAPH pattern: the answer depends on the dataset's named graphs
    depth: int = 0
    prefixes: dict[str, str] = field(default_factory=dict)  # as declared in the text (resolved)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_FORMS

    @property
    def graphs(self) -> tuple[str, ...]:
        return self.from_graphs + self.from_named_graphs


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of ``offset`` in ``text``; columns count characters."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


class _Lexer:
    """The terminals of the grammar, with the little context the lexer needs: which brackets are open
    (an expression's "(" or a collection's), for the "<" ambiguity, and the nesting depth."""

    def __init__(self, text: str, max_depth: int):
        self.text = text
        self.n = len(text)
        self.i = 0
        self.max_depth = max_depth
        self.frames: list[str] = []  # "{", "[", "(" (collection, path, VALUES) or "e" (expression)
        self.depth = 0
        self.pending_expression = False  # after FILTER / BIND / a function name: the next "(" is one
        self.expression_clause = False  # in SELECT / GROUP BY / ORDER BY / HAVING
        self.outer_clauses: list[bool] = []  # expression_clause outside each open "{"
        self.previous: Token | None = None

    def error(self, message: str, offset: int | None = None) -> QuerySyntaxError:
        line, column = position(self.text, self.i if offset is None else offset)
        return QuerySyntaxError(f"SPARQL syntax error at {line}:{column} (line {line}, column {column}): "
                                f"{message}", line, column)

    def tokens(self):
        while True:
            token = self._next()
            if token is None:
                if self.frames:
                    raise self.error(f"a bracket is not closed: add {_OPENERS.get(self.frames[-1], ')')}")
                return
            self._context(token)
            self.previous = token
            yield token

    def _context(self, token: Token) -> None:
        kind, text = token.kind, token.text
        if kind == "word":
            if text in ("FILTER", "BIND") or text in _EXPRESSION_OPENERS:
                self.pending_expression = True
            if text in _EXPRESSION_CLAUSES:
                self.expression_clause = True
            elif text in _CLAUSE_ENDS:
                self.expression_clause = False
            return
        if kind != "punct":
            if kind not in ("iri", "pname"):  # FILTER <fn>(…) / FILTER ex:fn(…) keep the expectation
                self.pending_expression = False
            return
        if text in _OPENERS:
            if text == "(":
                expression = (self.pending_expression or self.expression_clause
                              or (self.frames and self.frames[-1] == "e"))
                self.frames.append("e" if expression else "(")
            else:
                self.frames.append(text)
                if text == "{":  # SELECT (EXISTS { … } AS ?e) (…): the clause goes on after the "}"
                    self.outer_clauses.append(self.expression_clause)
                    self.expression_clause = False
            self.pending_expression = False
            if len(self.frames) > self.depth:
                self.depth = len(self.frames)
                if self.depth > self.max_depth:
                    raise QueryTooComplex(
                        f"The query is nested too deeply: more than {self.max_depth} levels of {{ ( [ "
                        f"(at line {position(self.text, token.offset)[0]}). Flatten it.")
        elif text in _CLOSERS:
            if not self.frames or _CLOSERS[text] != ("(" if self.frames[-1] == "e" else self.frames[-1]):
                raise self.error(f"{text!r} closes nothing: the brackets do not match", token.offset)
            self.frames.pop()
            if text == "}":
                self.expression_clause = self.outer_clauses.pop()
            self.pending_expression = False
        else:
            self.pending_expression = False

    def _in_expression_after_operand(self) -> bool:
        prev = self.previous
        if not self.frames or self.frames[-1] != "e" or prev is None:
            return False
        if prev.kind == "punct":
            # ")" ends an operand, and so does ">>" closing a triple term: <<( ?s ?p ?o )>> < ?x
            return prev.text == ")" or (prev.text == ">" and self.text[prev.offset - 1] == ">")
        return prev.kind in _OPERAND_ENDS or (prev.kind == "word" and prev.text in ("TRUE", "FALSE"))

    def _next(self) -> Token | None:
        text, n = self.text, self.n
        i = self.i
        while i < n:
            c = text[i]
            if c in _WHITESPACE:
                i += 1
            elif c == "#":
                while i < n and text[i] not in "\n\r":
                    i += 1
            else:
                break
        self.i = i
        if i >= n:
            return None
        c = text[i]
        if c == "<":
            if not self._in_expression_after_operand():
                end = self._iri_end(i)
                if end is not None:
                    return self._emit("iri", text[i + 1:end - 1], i, end)
            return self._punct(i, 2 if text.startswith("<=", i) else 1)
        if c in "\"'":
            return self._string(i)
        if c in "?$":
            j = i + 1
            if j < n and _var_char(text[j]):
                while j < n and _var_char(text[j]):
                    j += 1
                return self._emit("var", text[i:j], i, j)
            if c == "$":
                raise self.error("'$' must start a variable name")
            return self._punct(i, 1)  # the path modifier "?"
        if c == "@":
            return self._langtag(i)
        if c == "_" and text.startswith("_:", i):
            return self._blank_node(i)
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            return self._number(i)
        if c == ":" or _base_char(c):
            return self._name(i)
        two = text[i:i + 2]
        if two in ("^^", "||", "&&", "!=", ">=", "<=", "{|", "|}"):
            return self._punct(i, 2)
        if c in "{}()[].,;*/|^!=<>+-~":
            return self._punct(i, 1)
        raise self.error(f"unexpected character {c!r}")

    def _emit(self, kind: str, value: str, start: int, end: int) -> Token:
        self.i = end
        return Token(kind, value, start)

    def _punct(self, start: int, length: int) -> Token:
        return self._emit("punct", self.text[start:start + length], start, start + length)

    def _iri_end(self, start: int) -> int | None:
        """The offset after the ``>`` closing an IRIREF opened at ``start``, or None if it is not one."""
        text, n = self.text, self.n
        j = start + 1
        while j < n:
            c = text[j]
            if c == ">":
                return j + 1
            if c == "\\":  # only \uXXXX and \UXXXXXXXX (Oxigraph reads them in IRIs)
                width = 4 if text.startswith("\\u", j) else 8 if text.startswith("\\U", j) else 0
                if not width or not self._hex(j + 2, width):
                    return None
                j += 2 + width
                continue
            if c in _IRI_FORBIDDEN or ord(c) <= 0x20:
                return None
            j += 1
        return None

    def _hex(self, start: int, width: int) -> bool:
        return start + width <= self.n and all(self.text[k] in _HEX for k in range(start, start + width))

    def _string(self, start: int) -> Token:
        text, n = self.text, self.n
        quote = text[start]
        long = text.startswith(quote * 3, start)
        j = start + (3 if long else 1)
        while True:
            if j >= n:
                raise self.error("a string is not closed", start)
            c = text[j]
            if c == "\\":
                nxt = text[j + 1] if j + 1 < n else ""
                if nxt in _STRING_ESCAPES and nxt:
                    j += 2
                elif nxt in ("u", "U") and self._hex(j + 2, 4 if nxt == "u" else 8):
                    j += 2 + (4 if nxt == "u" else 8)
                else:
                    raise self.error(f"unknown escape \\{nxt} in a string", j)
                continue
            if long:
                if c == quote and text.startswith(quote * 3, j):
                    return self._emit("string", text[start:j + 3], start, j + 3)
            elif c == quote:
                return self._emit("string", text[start:j + 1], start, j + 1)
            elif c in "\n\r":
                raise self.error("a string in single quotes ends at the line's end: close it, or use a "
                                 "long string with three quotes", start)
            j += 1

    def _langtag(self, start: int) -> Token:
        text, n = self.text, self.n
        j = start + 1
        while j < n and text[j] in _ASCII_LETTERS:
            j += 1
        if j == start + 1:
            raise self.error("'@' must start a language tag such as @vi", start)
        while j + 1 < n and text[j] == "-":
            k = j + 1
            if text[k] == "-":  # a base direction: @ar--rtl
                k += 1
            m = k
            while m < n and (text[m] in _ASCII_LETTERS or text[m] in _DIGITS):
                m += 1
            if m == k:
                break
            j = m
        return self._emit("langtag", text[start:j], start, j)

    def _blank_node(self, start: int) -> Token:
        text, n = self.text, self.n
        j = start + 2
        if j >= n or not (text[j] in _DIGITS or _var_char(text[j])):
            raise self.error("'_:' must be followed by a blank node label", start)
        j += 1
        while j < n and (_name_char(text[j]) or text[j] == "."):
            j += 1
        while text[j - 1] == ".":  # a label never ends with "."
            j -= 1
        return self._emit("bnode", text[start:j], start, j)

    def _number(self, start: int) -> Token:
        text, n = self.text, self.n
        j = start
        while j < n and text[j] in _DIGITS:
            j += 1
        if j < n and text[j] == "." and j + 1 < n and text[j + 1] in _DIGITS:
            j += 1
            while j < n and text[j] in _DIGITS:
                j += 1
        elif j < n and text[j] == "." and j + 1 < n and text[j + 1] in "eE":
            j += 1  # 1.e5
        if j < n and text[j] in "eE":
            k = j + 1
            if k < n and text[k] in "+-":
                k += 1
            if k < n and text[k] in _DIGITS:
                while k < n and text[k] in _DIGITS:
                    k += 1
                j = k
        return self._emit("number", text[start:j], start, j)

    def _name(self, start: int) -> Token:
        """A keyword, or a prefixed name (PNAME_NS / PNAME_LN with PLX escapes and %-encoding)."""
        text, n = self.text, self.n
        j = start
        while j < n and (_name_char(text[j]) or text[j] == "."):
            j += 1
        if j < n and text[j] == ":":
            prefix = text[start:j]
            if prefix.endswith("."):
                raise self.error(f"a prefix name cannot end with '.': {prefix}:", start)
            return self._local(start, j + 1)
        j = start
        while j < n and _name_char(text[j]):
            j += 1
        word = text[start:j]
        upper = word.upper()
        if upper not in KEYWORDS:
            raise self.error(f"{word!r} is not a SPARQL keyword (a prefixed name needs its ':')", start)
        return self._emit("word", upper, start, j)

    def _local(self, start: int, j: int) -> Token:
        text, n = self.text, self.n
        first = True
        while j < n:
            c = text[j]
            if c == "%":
                if not self._hex(j + 1, 2):
                    raise self.error("'%' in a local name must be followed by two hexadecimal digits", j)
                j += 3
            elif c == "\\":
                if j + 1 >= n or text[j + 1] not in _LOCAL_ESCAPES:
                    raise self.error("in a local name, '\\' escapes one of _~.-!$&'()*+,;=/?#@%", j)
                j += 2
            elif (c == "_" or c == ":" or c in _DIGITS or _base_char(c)) if first else (_name_char(c) or c in ".:"):
                j += 1
            else:
                break
            first = False
        while text[j - 1] == "." and text[j - 2:j] != "\\.":  # a local name never ends with "."
            j -= 1
        return self._emit("pname", text[start:j], start, j)


def _unescape_local(local: str) -> str:
    out, k = [], 0
    while k < len(local):
        if local[k] == "\\":
            out.append(local[k + 1])
            k += 2
        else:
            out.append(local[k])
            k += 1
    return "".join(out)


def analyze(text: str, prefixes: dict[str, str] | None = None, base: str | None = None,
            max_length: int = MAX_QUERY_LENGTH, max_depth: int = MAX_DEPTH) -> QueryShape:
    """The shape of a SPARQL query or update; ``prefixes`` are predeclared (the text's own win) and
    ``base`` is the IRI relative IRIs resolve against when the text has no BASE."""
    if len(text) > max_length:
        raise QueryTooLarge(f"The query is {len(text):,} characters long; at most {max_length:,} are allowed.")
    lexer = _Lexer(text, max_depth)
    tokens = lexer.tokens()
    known = dict(prefixes or {})
    declared: dict[str, str] = {}
    base_iri = base or ""

    def resolve(iri: str) -> str:
        return urljoin(base_iri, iri) if base_iri else iri

    def expect(kinds: tuple[str, ...], what: str) -> Token:
        token = next(tokens, None)
        if token is None or token.kind not in kinds:
            raise lexer.error(f"expected {what}", token.offset if token else lexer.n)
        return token

    def expand(token: Token) -> str:
        prefix, _, local = token.text.partition(":")
        if any(word in prefix.lower() for word in RESERVED_IN_PREFIX):
            raise lexer.error(f"prefix names containing {', '.join(RESERVED_IN_PREFIX)} are not accepted "
                              f"here (an engine may read them as keywords): rename {prefix}:", token.offset)
        if prefix not in known:
            raise lexer.error(f"the prefix {prefix}: is not declared: add PREFIX {prefix}: <…> or use one "
                              f"of the predeclared prefixes", token.offset)
        return known[prefix] + _unescape_local(local)

    # The prologue
    token = next(tokens, None)
    while token is not None and token.kind == "word" and token.text in ("BASE", "PREFIX", "VERSION"):
        if token.text == "BASE":
            base_iri = resolve(expect(("iri",), "an IRI in <…> after BASE").text)
        elif token.text == "PREFIX":
            name = expect(("pname",), "a prefix name ending in ':' after PREFIX")
            if not name.text.endswith(":") or name.text.count(":") != 1:
                raise lexer.error("a PREFIX name ends with ':' (like ex:)", name.offset)
            iri = expect(("iri",), f"an IRI in <…> after PREFIX {name.text}")
            known[name.text[:-1]] = declared[name.text[:-1]] = resolve(iri.text)
        else:
            expect(("string",), "a version string after VERSION")
        token = next(tokens, None)
    if token is None:
        raise lexer.error("the text has no query: write SELECT, CONSTRUCT, DESCRIBE or ASK")
    if token.kind != "word" or token.text not in QUERY_FORMS + UPDATE_FORMS:
        raise lexer.error("expected SELECT, CONSTRUCT, DESCRIBE or ASK", token.offset)
    form = token.text
    if form in UPDATE_FORMS:
        return QueryShape(form=form, prefixes=declared)

    services: list[str] = []
    from_graphs: list[str] = []
    from_named: list[str] = []
    graph_patterns = False
    for token in tokens:
        if token.kind == "pname":
            expand(token)
        elif token.kind == "word" and token.text == "GRAPH":
            graph_patterns = True
        elif token.kind == "word" and token.text == "SERVICE":
            target = next(tokens, None)
            if target is not None and target.kind == "word" and target.text == "SILENT":
                target = next(tokens, None)
            if target is not None and target.kind == "pname":
                expand(target)
            services.append("" if target is None else target.text)
        elif token.kind == "word" and token.text == "FROM":
            graph = expect(("iri", "pname", "word"), "an IRI or a prefixed name after FROM")
            named = graph.kind == "word" and graph.text == "NAMED"
            if named:
                graph = expect(("iri", "pname"), "an IRI or a prefixed name after FROM NAMED")
            elif graph.kind == "word":
                raise lexer.error("expected an IRI or a prefixed name after FROM", graph.offset)
            iri = resolve(graph.text) if graph.kind == "iri" else expand(graph)
            (from_named if named else from_graphs).append(iri)
    return QueryShape(form=form, services=tuple(services), from_graphs=tuple(from_graphs),
                      from_named_graphs=tuple(from_named), graph_patterns=graph_patterns, depth=lexer.depth,
                      prefixes=declared)


def tokenize(text: str, max_depth: int = MAX_DEPTH) -> list[Token]:
    """The terminals of ``text`` (for tests and tools; :func:`analyze` reads them lazily)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLarge(f"The text is {len(text):,} characters long; at most {MAX_QUERY_LENGTH:,} are allowed.")
    return list(_Lexer(text, max_depth).tokens())


_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"


def rebase_iris(text: str, old: str, new: str) -> str:
    """``text`` with each IRI that starts with ``old`` starting with ``new`` instead, as the loader moves a
    source's IRIs to ``DANVAN_BASE_IRI`` (graph/load.py): every IRIREF — PREFIX and BASE declarations
    included, so prefixed names and relative IRIs follow — and the value of each ``"…"^^xsd:anyURI``.
    Found by the terminals, never by a pattern over the text: no other string, no comment and no local
    name is touched. (An IRI whose ``old`` part is written with ``\\u`` escapes is left as it is.)"""
    if old == new:
        return text
    tokens = tokenize(text)
    prefixes: dict[str, str] = {}
    edits: list[int] = []  # offsets where ``old`` starts
    for k, token in enumerate(tokens):
        if token.kind == "iri":
            if token.text.startswith(old):
                edits.append(token.offset + 1)
        elif token.kind == "word" and token.text == "PREFIX" and k + 2 < len(tokens) \
                and tokens[k + 2].kind == "iri":
            prefixes[tokens[k + 1].text[:-1]] = tokens[k + 2].text
        elif token.kind == "string" and k + 2 < len(tokens) and tokens[k + 1].text == "^^":
            datatype = tokens[k + 2]
            if datatype.kind == "pname":
                prefix, _, local = datatype.text.partition(":")
                iri = prefixes.get(prefix, "") + _unescape_local(local) if prefix in prefixes else ""
            else:
                iri = datatype.text if datatype.kind == "iri" else ""
            quote = 3 if token.text[:3] in ('"""', "'''") else 1
            if iri == _ANY_URI and text.startswith(old, token.offset + quote):
                edits.append(token.offset + quote)
    for at in reversed(edits):
        text = text[:at] + new + text[at + len(old):]
    return text


_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def string_value(token_text: str) -> str:
    """The value of a string terminal as :func:`tokenize` gives it (quotes and escapes included)."""
    quote = 3 if token_text[:3] in ('"""', "'''") else 1
    raw = token_text[quote:-quote]
    out, k = [], 0
    while k < len(raw):
        c = raw[k]
        if c != "\\":
            out.append(c)
            k += 1
        elif raw[k + 1] in "uU":
            width = 4 if raw[k + 1] == "u" else 8
            out.append(chr(int(raw[k + 2:k + 2 + width], 16)))
            k += 2 + width
        else:
            out.append(_ESCAPED[raw[k + 1]])
            k += 2
    return "".join(out)
