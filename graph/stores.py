"""One store interface, two implementations: the embedded Oxigraph build and any SPARQL 1.1 endpoint.

:class:`Store` is what the app, the CLI and the workers need from a store: ``query`` (with a deadline and
a row cap, returning pyoxigraph's own result types), ``quads_for_pattern`` and ``named_graphs`` (the
page-building lookups), ``triples`` (the default graph's size), ``health`` and ``identity`` (which build
is live). Code written against the embedded store runs unchanged on a remote one, because the remote
answers are parsed by pyoxigraph into exactly those types: ``parse_query_results`` gives ``QuerySolutions``
/ ``QueryBoolean``, and a graph answer is read into a small in-memory store and handed back as
``QueryTriples``.

:func:`open_store` picks the implementation: ``DANVAN_ENDPOINT`` (or an explicit endpoint URL) → the
remote engine; otherwise the live embedded build under ``--store`` / ``DANVAN_STORE``.

How a build lives in an engine (written by :mod:`graph.remote_load`): every source keeps its named graph
(its IRI is the source's); the deduplicated union of all graphs — the embedded build's default graph — is
a graph of its own per build (``urn:danvan:union:<build_id>``); :data:`BUILD_GRAPH` holds the build's
identity (its ``build.json``), the list of its named graphs and the name of its union graph. A query sees
the same dataset as on the embedded store whatever the engine's own default graph is (Virtuoso's is the
union of every graph *and* its system graphs) and never sees a staging graph, the bookkeeping graphs or any
other graph the engine holds: sent with the SPARQL Protocol's dataset parameters (``default-graph-uri`` =
the union graph; ``named-graph-uri`` = the build's graphs, for a text from outside with a ``GRAPH``
pattern), or, for the app's own lookups in the named graphs, with no dataset and the build's graphs kept by
:meth:`RemoteStore.quads_for_pattern` or written into the query by :func:`scope_to_build` — naming every
graph costs the engine per graph and per query, which grows with the sources.

Engine dialects (differences between engines, and what is done about them) live in :class:`Dialect` and
nowhere else.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.errors import (ConfigError, EngineAuthError, EngineError, QueryError, QuerySyntaxError, QueryTimeout,
                          RowLimitExceeded)

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

# The bookkeeping graphs of a build inside an engine (never sent as part of a query's dataset).
UNION_PREFIX = "urn:danvan:union:"        # + build id: each build's union has a graph of its own
BUILD_GRAPH = "urn:danvan:build"
BUILD_INFO = "urn:danvan:build#info"      # build.json, as one JSON literal
BUILD_NAMED = "urn:danvan:build#graph"    # one triple per named graph of the build
BUILD_UNION = "urn:danvan:build#union"    # the build's union graph (the default graph of every query)
BUILD_PREVIOUS = "urn:danvan:build#previous"  # the union of the build before it (kept for its readers)
STAGING_PREFIX = "urn:danvan:staging:"
EMPTY_GRAPH = "urn:danvan:empty"  # names no graph: stands for one the build does not have

ENV_ENDPOINT = "DANVAN_ENDPOINT"
ENV_STORE = "DANVAN_ENDPOINT_STORE"
ENV_UPDATE = "DANVAN_ENDPOINT_UPDATE"
ENV_USER = "DANVAN_ENDPOINT_USER"
ENV_PASSWORD = "DANVAN_ENDPOINT_PASSWORD"


@runtime_checkable
class Store(Protocol):
    def query(self, text: str, *, deadline_s: float | None = None, max_rows: int | None = None,
              substitutions: dict | None = None) -> Results: ...

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterable[ox.Quad]: ...

    def named_graphs(self) -> Iterable[ox.NamedNode]: ...

    def triples(self) -> int: ...

    def graph_ntriples(self, graph: ox.NamedNode) -> bytes: ...

    def health(self) -> dict[str, Any]: ...

    def identity(self) -> dict[str, Any]: ...


def _capped_solutions(results: Results, max_rows: int | None) -> Results:
    """``results``, or :class:`RowLimitExceeded` past ``max_rows``. One evaluation: the rows are written as
    SPARQL TSV (one line each) into a writer that stops at ``max_rows + 1``, then read back by pyoxigraph
    (the worker pool's own method, :mod:`graph.query_worker`)."""
    if max_rows is None or not isinstance(results, ox.QuerySolutions):
        return results
    from graph.query_worker import _capped

    tsv, over = _capped(lambda w: results.serialize(w, format=ox.QueryResultsFormat.TSV), 1, max_rows)
    if over:
        raise RowLimitExceeded(f"The query answers more than {max_rows} rows; narrow it or add a LIMIT.", max_rows)
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)


# ------------------------------------------------------------------------------------------ embedded

class EmbeddedStore:
    """The embedded pyoxigraph build: a thin wrapper, so lookups cost what they cost on ``ox.Store``.

    ``deadline_s`` is not enforced in process (an evaluation inside this process cannot be stopped):
    queries whose cost grows with the data run in :mod:`graph.bounded`'s worker pool, which kills them.
    """

    kind = "embedded"

    def __init__(self, store: ox.Store, info: dict[str, Any] | None = None):
        self.store = store
        self.info = info or {}
        # the hot lookups go straight to pyoxigraph (no Python frame in between)
        self.quads_for_pattern = store.quads_for_pattern
        self.named_graphs = store.named_graphs

    def query(self, text: str, *, deadline_s: float | None = None, max_rows: int | None = None,
              substitutions: dict | None = None) -> Results:
        from graph.named_queries import run

        return _capped_solutions(run(self.store, text, substitutions), max_rows)

    def triples(self) -> int:
        if "triples" in self.info:
            return int(self.info["triples"])
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def graph_ntriples(self, graph: ox.NamedNode) -> bytes:
        """One named graph as N-Triples, by the store's native dump (the export's way: no Python per quad)."""
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "triples": self.triples(), "build_id": self.info.get("build_id"),
                "built_at": self.info.get("built_at")}

    def identity(self) -> dict[str, Any]:
        return dict(self.info)


# ------------------------------------------------------------------------------------------ remote

@dataclass(frozen=True)
class Endpoint:
    """Where an engine answers and how to sign in. ``repr`` never shows the password."""

    query_url: str
    store_url: str | None = None   # Graph Store Protocol (loading)
    update_url: str | None = None  # SPARQL Update (the atomic switch); derived from query_url if None
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, query_url: str | None = None, environ: dict | None = None) -> "Endpoint | None":
        env = os.environ if environ is None else environ
        url = query_url or env.get(ENV_ENDPOINT, "").strip() or None
        if url is None:
            return None
        return cls(_checked_url(url, "--endpoint" if query_url else ENV_ENDPOINT),
                   _checked_url(env[ENV_STORE], ENV_STORE) if env.get(ENV_STORE, "").strip() else None,
                   _checked_url(env[ENV_UPDATE], ENV_UPDATE) if env.get(ENV_UPDATE, "").strip() else None,
                   env.get(ENV_USER) or None, env.get(ENV_PASSWORD) or None)

    @property
    def updates(self) -> str:
        """SPARQL Update URL: given, else Oxigraph's and Fuseki's ``…/query`` → ``…/update``, else the query
        URL itself (Virtuoso's ``/sparql-auth`` takes both)."""
        if self.update_url:
            return self.update_url
        if self.query_url.rstrip("/").endswith("/query"):
            return self.query_url.rstrip("/")[: -len("query")] + "update"
        return self.query_url


def _checked_url(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) URL of a SPARQL service, not {_safe(url)!r}")
    if parts.username or parts.password:
        raise ConfigError(f"{name} must not carry credentials: use {ENV_USER} and {ENV_PASSWORD}")
    return url.strip()


def _safe(url: str) -> str:
    """A URL as it may appear in a message: without user-info."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class Dialect:
    """Everything that differs between engines, in one place. The base class is a standard SPARQL 1.1
    engine (Oxigraph server, Fuseki…). The differences and their handling are listed in
    docs/deployment.md ("Engine dialects")."""

    name = "sparql11"
    # How many operations one SPARQL Update request may hold; None: any number, applied as one transaction.
    update_operations: int | None = None
    # Whether the Graph Store URL without ``graph=`` takes a whole dataset (N-Quads by POST), so that a build
    # is loaded in a few requests instead of one per graph (graph.remote_load).
    dataset_upload = True

    def replace_graph(self, source: str, target: str) -> list[str]:
        """The update operations that put graph ``source`` in place of ``target`` and leave no ``source``."""
        return [f"MOVE GRAPH <{source}> TO GRAPH <{target}>"]

    def adapt(self, text: str) -> str:
        """The query as this engine answers it like the standard (unchanged here)."""
        return text

    def query_params(self, deadline_s: float | None) -> dict[str, str]:
        """Per-query engine parameters (the engine's own timeout where the Protocol lets us set one)."""
        return {}

    def partial(self, headers: dict[str, str]) -> bool:
        """Whether the engine cut the evaluation short and answered what it had (never passed on)."""
        return False

    def timed_out(self, status: int, body: str) -> bool:
        return False

    def row_cap_reached(self, headers: dict[str, str]) -> int | None:
        """The engine's own row cap when this answer reached it (it may have been cut short), else None."""
        return None


class VirtuosoDialect(Dialect):
    """Virtuoso 7: an "anytime" query over ``timeout`` (ms) or ``MaxQueryExecutionTime`` answers a
    *partial* result with ``X-SQL-State: S1TAT``; that becomes a deadline error, never data. Its default
    graph (the union of every graph, system graphs included) is never used: every query names its
    dataset. Its other differences (``YEAR()`` of an unbound variable aborts the query, a non-ASCII string
    of the query in ``CONCAT`` or as a ``GROUP_CONCAT`` separator, ``xsd:date`` results, ``GROUP_CONCAT``
    order, language-tag case) are listed in docs/deployment.md."""

    name = "virtuoso"
    # A request of 2,130 MOVEs (a 100k build's switch) is refused: "SQ200: Query too large". Virtuoso
    # commits each operation of a request on its own anyway, so several requests lose no atomicity it had.
    update_operations = 500
    # Its Graph Store (/sparql-graph-crud) takes one graph per request: a build goes graph by graph.
    dataset_upload = False

    def adapt(self, text: str) -> str:
        return typed_non_ascii_strings(guard_date_parts(text)[0])[0]

    def query_params(self, deadline_s: float | None) -> dict[str, str]:
        return {"timeout": str(max(1, int(deadline_s * 1000)))} if deadline_s else {}

    def partial(self, headers: dict[str, str]) -> bool:
        return headers.get("x-sql-state", "").upper() == "S1TAT"

    def row_cap_reached(self, headers: dict[str, str]) -> int | None:
        # ResultSetMaxRows cuts an answer short without an error; X-SPARQL-MaxRows comes with an answer of
        # exactly that many rows (measured: none below it), so one that reached it is never passed on as whole
        cap = headers.get("x-sparql-maxrows", "")
        return int(cap) if cap.isdigit() else None

    def timed_out(self, status: int, body: str) -> bool:
        # SR171 "Transaction timed out", S1T00 "timeout" (the SQL states Virtuoso answers an expired query with)
        return "SR171" in body or "S1T00" in body or "S1TAT" in body


_DATE_PARTS = {"YEAR", "MONTH", "DAY"}


def guard_date_parts(text: str) -> tuple[str, int]:
    """Virtuoso aborts a whole query when ``YEAR``/``MONTH``/``DAY`` meets an unbound argument ("Function
    year needs a datetime … not DB_NULL"), where SPARQL leaves that BIND unbound: each ``YEAR(?v)`` becomes
    ``IF(BOUND(?v), YEAR(?v), ?v)``, which is the standard's answer on every engine. Found by the SPARQL
    tokenizer (never inside a string, an IRI or a comment). Returns the text and how many were guarded."""
    from graph.sparql_grammar import tokenize

    tokens = tokenize(text)
    spans = []
    for k in range(len(tokens) - 3):
        word, open_, var, close = tokens[k:k + 4]
        if (word.kind == "word" and word.text in _DATE_PARTS and open_.text == "(" and var.kind == "var"
                and close.text == ")"):
            spans.append((word.offset, close.offset + 1, word.text, var.text))
    for start, end, fn, v in reversed(spans):
        text = f"{text[:start]}IF(BOUND({v}), {fn}({v}), {v}){text[end:]}"
    return text, len(spans)


_XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"


def typed_non_ascii_strings(text: str) -> tuple[str, int]:
    """Virtuoso 7.2 mixes encodings when a non-ASCII string written in the query meets text from the data:
    ``CONCAT(?role, " — ", ?org)`` reads the data's UTF-8 as Latin-1 ("BÃ­ thÆ° — Tá»nh á»§y"), and a
    non-ASCII ``GROUP_CONCAT`` separator comes out as "?" (openlink/virtuoso-opensource#944, #1414). The
    same string typed ``xsd:string`` — the same RDF term — is read as the data's strings are, so:

    - a non-ASCII simple literal that is an argument of ``CONCAT`` becomes ``STRDT("…", xsd:string)``
      (there only: in a comparison Virtuoso tells a typed string from a plain one);
    - ``GROUP_CONCAT([DISTINCT] E; SEPARATOR="S")`` with a non-ASCII ``S`` becomes
      ``SUBSTR(GROUP_CONCAT([DISTINCT] CONCAT("S", STR(E)); SEPARATOR=""), len(S) + 1)``: each part carries
      the separator in front (typed, by the rule above) and the first one is cut off — the same string.

    Found by the SPARQL tokenizer (never inside an IRI, another string or a comment). Returns the text and
    how many strings were typed."""
    from graph.sparql_grammar import string_value, tokenize

    if text.isascii() and "\\u" not in text and "\\U" not in text:
        return text, 0  # no non-ASCII string can be written without one of these
    tokens = tokenize(text)
    edits: list[tuple[int, int, str]] = []
    k = 0
    while k < len(tokens) - 1:
        if not (tokens[k].kind == "word" and tokens[k].text == "GROUP_CONCAT" and tokens[k + 1].text == "("):
            k += 1
            continue
        depth, separator, close = 0, None, None
        for j in range(k + 1, len(tokens)):
            t = tokens[j]
            if t.kind == "punct" and t.text in "({[":
                depth += 1
            elif t.kind == "punct" and t.text in ")}]":
                depth -= 1
                if depth == 0:
                    close = j
                    break
            elif depth == 1 and t.kind == "punct" and t.text == ";":
                separator = j
        if close is None:
            break
        sep = tokens[separator + 3] if separator is not None and separator + 4 == close else None
        if sep is not None and sep.kind == "string" and not string_value(sep.text).isascii():
            distinct = tokens[k + 2].kind == "word" and tokens[k + 2].text == "DISTINCT"
            first = tokens[k + 3 if distinct else k + 2].offset
            expression = text[first:tokens[separator].offset].strip()
            edits.append((tokens[k].offset, tokens[close].offset + 1,
                          f"SUBSTR(GROUP_CONCAT({'DISTINCT ' if distinct else ''}CONCAT({sep.text}, "
                          f"STR({expression})); SEPARATOR=\"\"), {len(string_value(sep.text)) + 1})"))
        k = close + 1
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    tokens = tokenize(text) if edits else tokens
    in_concat: list[bool] = []  # per open "(": is it a CONCAT call's?
    wraps = []
    for k, t in enumerate(tokens):
        if t.kind == "punct" and t.text == "(":
            previous = tokens[k - 1] if k else None
            in_concat.append(previous is not None and previous.kind == "word" and previous.text == "CONCAT")
        elif t.kind == "punct" and t.text == ")":
            if in_concat:
                in_concat.pop()
        elif t.kind == "string" and in_concat and in_concat[-1] and not string_value(t.text).isascii():
            following = tokens[k + 1] if k + 1 < len(tokens) else None
            if following is None or (following.kind != "langtag" and following.text != "^^"):
                wraps.append(t)
    for t in reversed(wraps):
        end = t.offset + len(t.text)
        text = f"{text[:t.offset]}STRDT({t.text}, {_XSD_STRING}){text[end:]}"
    return text, len(wraps)


def detect_dialect(headers: dict[str, str]) -> Dialect:
    server = headers.get("server", "").lower()
    return VirtuosoDialect() if "virtuoso" in server else Dialect()


_RESULTS_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                  "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
                "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


class RemoteStore:
    """A SPARQL 1.1 endpoint over the Protocol: queries by POST, answers parsed by pyoxigraph.

    The app's deadline is the HTTP timeout of every request and, where the engine has one, its per-query
    timeout (:class:`Dialect`); the row cap is checked here whatever the engine does. Credentials go in
    the ``Authorization`` header only (basic, or digest when the engine asks for it) and appear in no
    message. The build's identity and graph list are read once and re-read every ``refresh_s`` seconds,
    so a rebuild switched in the engine is picked up without a restart.
    """

    kind = "remote"

    def __init__(self, endpoint: Endpoint, *, timeout_s: float = 30.0, refresh_s: float = 2.0):
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.refresh_s = refresh_s
        self.dialect: Dialect | None = None
        self._identity: tuple[float, Live] | None = None
        import urllib.request  # here, not at the top: the query workers import this module for read_only()

        handlers: list = []
        self._digest = None
        if endpoint.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {endpoint.query_url, endpoint.updates, endpoint.store_url or endpoint.query_url}:
                passwords.add_password(None, url, endpoint.user, endpoint.password or "")
            self._digest = _signed_digest(passwords)
            handlers += [urllib.request.HTTPBasicAuthHandler(passwords), self._digest]
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"RemoteStore({_safe(self.endpoint.query_url)})"

    # ---- HTTP

    def request(self, url: str, *, data: bytes | None, content_type: str | None = None, accept: str = "*/*",
                method: str = "POST", deadline_s: float | None = None) -> tuple[bytes, dict[str, str]]:
        """One HTTP exchange with the engine; typed errors, nothing secret in them."""
        import urllib.error
        import urllib.request

        if data and self._digest is not None and self._digest.challenge is None and not self._digest.probed:
            # be challenged by a small request first, so that the body goes signed (see _signed_digest)
            self._digest.probed = True
            self.request(self.endpoint.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), data=None,
                         method="GET", accept=RESULTS_ACCEPT)
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        timeout = deadline_s if deadline_s is not None else self.timeout_s
        started = time.monotonic()
        try:
            with self._opener.open(req, timeout=timeout) as r:
                body = r.read()
                got = {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", errors="replace")[:2000]
            got = {k.lower(): v for k, v in (e.headers or {}).items()}
            e.close()
            dialect = self.dialect or detect_dialect(got)
            if e.code in (401, 403):
                who = f"the credentials of {ENV_USER}" if self.endpoint.user else "an anonymous request"
                raise EngineAuthError(f"The engine at {_safe(url)} refused {who} (HTTP {e.code}): check "
                                      f"{ENV_USER} / {ENV_PASSWORD} and the user's grants.") from None
            if dialect.timed_out(e.code, text):
                raise QueryTimeout(self._late(deadline_s)) from None
            text = self._scrub(text)
            if e.code == 400:
                raise QuerySyntaxError(f"The engine refused the query: {text.strip()[:500]}") from None
            raise EngineError(f"The engine at {_safe(url)} answered HTTP {e.code}: {text.strip()[:500]}") from None
        except (TimeoutError, socket.timeout):
            raise QueryTimeout(self._late(deadline_s)) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, (TimeoutError, socket.timeout)):
                raise QueryTimeout(self._late(deadline_s)) from None
            raise EngineError(f"The engine at {_safe(url)} cannot be reached ({self._scrub(str(e.reason))}): "
                              f"is it running, and is {ENV_ENDPOINT} right?") from None
        except OSError as e:
            if time.monotonic() - started >= timeout:
                raise QueryTimeout(self._late(deadline_s)) from None
            raise EngineError(f"The engine at {_safe(url)} broke off ({self._scrub(str(e))}).") from None
        if self.dialect is None:
            self.dialect = detect_dialect(got)
        if self.dialect.partial(got):
            raise QueryTimeout(self._late(deadline_s))
        cap = self.dialect.row_cap_reached(got)
        if cap is not None:
            raise RowLimitExceeded(
                f"The engine stopped the answer at its own row cap of {cap} rows, so it may be incomplete; narrow "
                f"the query (or raise the engine's cap — Virtuoso: ResultSetMaxRows — above DANVAN_MAX_ROWS).",
                cap)
        return body, got

    def _late(self, deadline_s: float | None) -> str:
        limit = deadline_s if deadline_s is not None else self.timeout_s
        return (f"The query needed more than {limit:g} s on the engine and was stopped; narrow it, "
                "or try again later.")

    def _scrub(self, text: str) -> str:
        password = self.endpoint.password
        return text.replace(password, "***") if password else text

    def _post_query(self, text: str, deadline_s: float | None, accept: str = RESULTS_ACCEPT,
                    default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
                    dataset: bool = True, graph_patterns: bool = True) -> tuple[bytes, dict[str, str]]:
        if self.dialect is None:  # learn the engine (and its timeout parameter) before the first real query
            self.request(self.endpoint.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         data=None, method="GET", accept=RESULTS_ACCEPT)
        fields: list[tuple[str, str]] = [("query", self.dialect.adapt(text))]
        if dataset:  # the build's dataset, always named: the engine's own default graph is never used
            live = self._build()
            graphs = live.graphs
            ours = set(graphs)
            if default_graph is None and named_graphs is None:
                # the named graphs only for a query with a GRAPH pattern (no other can read them): naming
                # each of the build's graphs costs the engine per query (66 ms on Oxigraph server with
                # 2,128 graphs, against 1.2 ms for the default graph alone: docs/deployment.md), so the
                # app's own queries come here only through the listed=True of a text from outside
                default_graph, named_graphs = [live.union], graphs if graph_patterns else []
            else:  # a graph the build does not have is empty, as on the embedded store
                default_graph = [g if g in ours else EMPTY_GRAPH for g in default_graph or []] or [EMPTY_GRAPH]
                named_graphs = [g if g in ours else EMPTY_GRAPH for g in named_graphs or []] or [EMPTY_GRAPH]
            fields += [("default-graph-uri", g) for g in default_graph]
            fields += [("named-graph-uri", g) for g in named_graphs]
            _allow_headers(len(default_graph) + len(named_graphs))
        fields += list(self.dialect.query_params(deadline_s or self.timeout_s).items())
        return self.request(self.endpoint.query_url, data=urllib.parse.urlencode(fields).encode(),
                            content_type="application/x-www-form-urlencoded", accept=accept,
                            deadline_s=deadline_s)

    # ---- the Store interface

    def query(self, text: str, *, deadline_s: float | None = None, max_rows: int | None = None,
              substitutions: dict | None = None, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None, listed: bool = False) -> Results:
        """Like ``ox.Store.query``. Decided by the grammar (:mod:`graph.sparql_grammar`), never by a pattern
        over the text: an update or a ``SERVICE`` never reaches the engine; ``FROM``/``FROM NAMED`` (or
        ``default_graph``/``named_graphs``, the Protocol's parameters) pick graphs of the build only.

        A SELECT or ASK with ``GRAPH`` patterns (the pages' own queries) is sent with no dataset, the
        build's written into it by :func:`scope_to_build`: naming the build's graphs in the request costs
        the engine per graph and per query (docs/deployment.md). ``listed``: send the build's dataset as
        the Protocol's parameters instead, every graph named — how the web app's query service (/sparql,
        the query pages: :meth:`run`) sends a text, so that a text from outside is never rewritten."""
        from graph.sparql_grammar import analyze

        shape = analyze(text)
        if shape.is_update:
            raise QueryError("This store is read-only: updates are not sent to the engine.")
        if shape.services:
            raise QueryError("SERVICE (federated query) is not allowed: the engine must not reach other services.")
        if substitutions:
            text = bind_values(text, substitutions)
        if default_graph is None and named_graphs is None and shape.graphs:
            default_graph, named_graphs = list(shape.from_graphs), list(shape.from_named_graphs)
        accept = GRAPH_ACCEPT if shape.form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
        scoped = None
        if (not listed and shape.graph_patterns and default_graph is None and named_graphs is None
                and shape.form in ("SELECT", "ASK")):
            scoped = scope_to_build(text, self._build().union)
        if scoped is not None:  # the build's dataset written into the query: no graph named per request
            body, headers = self._post_query(scoped, deadline_s, accept, dataset=False)
        else:
            body, headers = self._post_query(text, deadline_s, accept, default_graph, named_graphs,
                                             graph_patterns=shape.graph_patterns)
        return _capped_solutions(_parse(body, headers), max_rows)

    def run(self, query: str, *, timeout: float, max_rows: int, results_format: str | None,
            graph_format: str | None, default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None, substitutions: dict | None = None,
            base_iri: str | None = None, gate=None, client: str | None = None):
        """What :meth:`graph.bounded.Pool.run` answers for /sparql and the query pages — the same
        :class:`graph.bounded.Result` (bytes in the asked format, the row cap exact, ``truncated``) made by
        the same code (:func:`graph.query_worker.evaluate`) — with the engine evaluating. ``gate`` is the
        app's :class:`graph.admission.Gate`: admission and budgets hold as for the embedded store."""
        from contextlib import nullcontext

        from graph.bounded import _result
        from graph.query_worker import evaluate

        deadline = time.monotonic() + timeout
        request = {"query": query, "max_rows": max_rows, "results_format": results_format,
                   "graph_format": graph_format, "default_graph": default_graph, "named_graphs": named_graphs,
                   "substitutions": substitutions, "base_iri": base_iri}
        from graph.namespaces import prefixes

        request["prefixes"] = prefixes()
        with (gate.admit(client) if gate is not None else nullcontext()) as ticket:
            started = time.monotonic()
            try:
                answer = evaluate(_Evaluating(self, deadline), request)
            finally:
                if ticket is not None:
                    ticket.charge(time.monotonic() - started)
        return _result(answer)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list[ox.Quad]:
        if any(isinstance(t, ox.BlankNode) for t in (subject, object)):
            # a blank node cannot be asked for again: the engine's labels hold within one answer only (and
            # in a query, `_:b` would be a variable, matching everything)
            return []
        s, p, o = (t if t is not None else ox.Variable(v) for t, v in ((subject, "s"), (predicate, "p"), (object, "o")))
        triple = f"{s} {p} {o}"
        if isinstance(graph_name, ox.DefaultGraph):
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ {triple} }}")
        else:
            # the engine's own dataset (every graph it holds: no graph named in the request, whose cost
            # grows with the build's sources), then only the build's graphs kept here: staging,
            # bookkeeping, union and foreign graphs (Virtuoso's system graphs) are dropped
            live = self._build()
            if graph_name is not None and graph_name.value not in live.graph_set:
                return []
            target = graph_name if graph_name is not None else "?g"
            body, headers = self._post_query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {target} {{ {triple} }} }}",
                                             None, dataset=False)
            rows = [r for r in _parse(body, headers) if graph_name is not None or r["g"].value in live.graph_set]
        out = []
        for row in rows:
            g = graph_name if graph_name is not None else row["g"]
            out.append(ox.Quad(subject or row["s"], predicate or row["p"],
                               object if object is not None else row["o"], g))
        if graph_name is None:
            # every graph includes the default one, as on the embedded store: the build's default graph is
            # the union of the named graphs, so its quads are their distinct triples (no second query)
            out += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                    for t in dict.fromkeys(q.triple for q in out)]
        return out

    def named_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(g) for g in self._build().graphs]

    def triples(self) -> int:
        info = self._build().info
        if "triples" in info:
            return int(info["triples"])
        return int(next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def graph_ntriples(self, graph: ox.NamedNode) -> bytes:
        """One named graph of the build as N-Triples (empty if the build has no such graph). A blank node
        shared by two graphs gets a label per answer, so it is no longer shared across graphs."""
        triples = self.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=[graph.value], named_graphs=[])
        return triples.serialize(format=ox.RdfFormat.N_TRIPLES)

    def health(self) -> dict[str, Any]:
        try:
            info = self._build(refresh=True).info
        except EngineError as e:
            return {"status": "unavailable", "error": str(e)}
        return {"status": "ok", "triples": info.get("triples"), "build_id": info.get("build_id"),
                "built_at": info.get("built_at")}

    def identity(self, refresh: bool = False) -> dict[str, Any]:
        return dict(self._build(refresh).info)

    def _build(self, refresh: bool = False) -> "Live":
        cached = self._identity
        if cached is not None and not refresh and time.monotonic() - cached[0] < self.refresh_s:
            return cached[1]
        live = read_identity(self, cached[1] if cached is not None else None)
        self._identity = (time.monotonic(), live)
        return live


def _allow_headers(graphs: int) -> None:
    """Virtuoso answers one ``X-SPARQL-default-graph``/``X-SPARQL-named-graph`` header per graph of the
    request's dataset, and Python's http.client refuses an answer of more than 100 headers ("got more than
    100 headers"): a query naming a build's thousands of graphs failed there. http.client's limit is
    module-wide: raised to what the request may bring back, never lowered."""
    import http.client

    http.client._MAXHEADERS = max(http.client._MAXHEADERS, graphs + 100)


def _signed_digest(passwords):
    """urllib's digest authentication, signing every request up front once the engine has challenged one.
    Plain urllib sends each request unsigned and signs it after the 401; Virtuoso answers that 401 before
    reading a large body and closes the connection, so a Graph Store ``PUT`` of 8 MB broke off (a broken
    pipe) where curl, which asks first, succeeded."""
    import urllib.request

    class SignedDigest(urllib.request.HTTPDigestAuthHandler):
        challenge: dict | None = None
        probed = False  # a small request was sent to be challenged

        def retry_http_digest_auth(self, req, auth):
            _scheme, challenge = auth.split(" ", 1)
            self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
            return super().retry_http_digest_auth(req, auth)

        def http_request(self, req):
            if self.challenge is not None and not req.has_header(self.auth_header):
                signed = self.get_authorization(req, self.challenge)
                if signed:
                    req.add_unredirected_header(self.auth_header, f"Digest {signed}")
            return req

        https_request = http_request

    return SignedDigest(passwords)


class _Evaluating:
    """A RemoteStore seen through ``ox.Store.query``'s keywords, for :func:`graph.query_worker.evaluate`."""

    def __init__(self, remote: RemoteStore, deadline: float):
        self.remote = remote
        self.deadline = deadline

    def query(self, text: str, *, base_iri: str | None = None, default_graph=None, named_graphs=None,
              substitutions=None) -> Results:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout(self.remote._late(None))
        if base_iri:  # relative IRIs resolve against ours, as with pyoxigraph's base_iri (a BASE of the query wins)
            text = f"BASE <{ox.NamedNode(base_iri).value}>\n{text}"
        return self.remote.query(text, deadline_s=left, substitutions=substitutions, listed=True,
                                 default_graph=[g.value for g in default_graph] if default_graph is not None else None,
                                 named_graphs=[g.value for g in named_graphs] if named_graphs is not None else None)


@dataclass(frozen=True)
class Live:
    """The build live in an engine, as its identity graph says."""

    info: dict[str, Any]
    graphs: list[str]
    union: str
    previous_union: str | None

    @functools.cached_property
    def graph_set(self) -> frozenset[str]:
        return frozenset(self.graphs)


# The most graph names one request reads: below Virtuoso's default ResultSetMaxRows (10,000), which cuts
# an answer short without an error; a 1M build has 15,199 graphs.
IDENTITY_PAGE = 5000


def read_identity(remote: RemoteStore, known: Live | None = None) -> Live:
    """The live build's build.json, named graphs and union graph, from :data:`BUILD_GRAPH`. The head (which
    build: its record and union) is one small query; the graph names come in pages of
    :data:`IDENTITY_PAGE`, in order (each after the last one read), and the head is read again after them, so a switch in between is
    seen and the read starts over. ``known``: the build read before, returned as it is if still live (the
    names are not read again). :class:`EngineError` when no build was loaded, or when the engine answers
    fewer names than it holds (a row cap below a page)."""
    for _attempt in range(3):
        info, union, previous, count = _identity_head(remote)
        if known is not None and known.union == union and known.info == info:
            return known
        graphs: list[str] = []
        while len(graphs) < count:
            # each page after the last name read (not OFFSET: Virtuoso refuses to sort past its row cap)
            after = f"FILTER(STR(?g) > {ox.Literal(graphs[-1])})" if graphs else ""
            text = (f"SELECT ?g WHERE {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{BUILD_NAMED}> ?g }} {after} }} "
                    f"ORDER BY STR(?g) LIMIT {IDENTITY_PAGE}")
            page = [row["g"].value for row in _parse(*remote._post_query(text, None, dataset=False))]
            if len(page) < min(IDENTITY_PAGE, count - len(graphs)):
                if _identity_head(remote)[1] != union:
                    break  # a switch while reading: start over
                raise EngineError(
                    f"The engine at {_safe(remote.endpoint.query_url)} answered {len(page)} of the build's "
                    f"graph names where {min(IDENTITY_PAGE, count - len(graphs))} were asked: its row cap is "
                    f"below {IDENTITY_PAGE} (Virtuoso: raise ResultSetMaxRows in virtuoso.ini).")
            graphs += page
        else:
            if _identity_head(remote)[1] == union:
                return Live(info, sorted(graphs), union, previous)
    raise EngineError(f"The engine at {_safe(remote.endpoint.query_url)} switched builds three times while its "
                      "graph names were read; try again.")


def _identity_head(remote: RemoteStore) -> tuple[dict[str, Any], str, str | None, int]:
    """(build record, union graph, previous union, number of named graphs) of the live build."""
    text = (f"SELECT ?p ?v WHERE {{ {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> ?p ?v "
            f"FILTER(?p IN (<{BUILD_INFO}>, <{BUILD_UNION}>, <{BUILD_PREVIOUS}>)) }} }} UNION "
            f"{{ SELECT (<{BUILD_NAMED}> AS ?p) (COUNT(?g) AS ?v) WHERE {{ GRAPH <{BUILD_GRAPH}> "
            f"{{ <{BUILD_GRAPH}> <{BUILD_NAMED}> ?g }} }} }} }}")
    info: dict[str, Any] | None = None
    union = previous = None
    count = 0
    for row in _parse(*remote._post_query(text, None, dataset=False)):
        p = row["p"].value
        if p == BUILD_INFO:
            info = json.loads(row["v"].value)
        elif p == BUILD_NAMED:
            count = int(row["v"].value)
        elif p == BUILD_UNION:
            union = row["v"].value
        else:
            previous = row["v"].value
    if info is None or union is None:
        raise EngineError(f"The engine at {_safe(remote.endpoint.query_url)} holds no Dân vận build: load one "
                          f"with `danvan build --endpoint {_safe(remote.endpoint.query_url)}`.")
    return info, union, previous, count


def _media(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def _parse(body: bytes, headers: dict[str, str]) -> Results:
    media = _media(headers)
    try:
        if media in _RESULTS_TYPES:
            return ox.parse_query_results(body, format=_RESULTS_TYPES[media])
        if media in _GRAPH_TYPES:
            # a graph answer becomes pyoxigraph's own QueryTriples, as the embedded store returns
            graph = ox.Store()
            graph.load(body, format=_GRAPH_TYPES[media])
            return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
    except (SyntaxError, ValueError) as e:
        raise EngineError(f"The engine's answer ({media}) does not parse: {e}") from None
    raise EngineError(f"The engine answered {media or 'no content type'}, which is not a SPARQL results "
                      "format nor an RDF graph format.")


# ------------------------------------------------------------------------------------------ scoping

def scope_to_build(text: str, union: str) -> str | None:
    """A SELECT or ASK with ``GRAPH`` patterns, rewritten to read exactly the build when sent with no
    dataset (the engine's own: every graph it holds), or None when its shape is not one handled here.

    The WHERE group becomes ``GRAPH <union> { … }``: the build's union graph is what its patterns outside
    any ``GRAPH`` read, as with ``default-graph-uri``. Each ``GRAPH x { … }`` inside becomes
    ``{ GRAPH x { … } FILTER EXISTS { GRAPH <urn:danvan:build> { <urn:danvan:build> <…#graph> x } } }``:
    only a graph the live build lists (:data:`BUILD_NAMED`) matches, so staging, bookkeeping, union and
    foreign graphs (Virtuoso's system graphs) are never seen — the same answers as ``named-graph-uri``
    naming each of the build's graphs, which costs the engine per graph and per query. Read by the SPARQL
    tokenizer (braces, keywords and terms, never inside a string, an IRI or a comment); a text with a
    pattern outside its WHERE group (``EXISTS`` in a projection, ``ORDER BY`` or ``HAVING``) is left to
    the Protocol's parameters (None)."""
    from graph.sparql_grammar import tokenize

    tokens = tokenize(text)
    closing = _matching_braces(tokens)
    where = None
    depth = 0
    for k, t in enumerate(tokens):
        if t.kind == "punct" and t.text in ("(", ")"):
            depth += 1 if t.text == "(" else -1
        elif t.kind == "punct" and t.text == "{" and depth == 0:
            where = k
            break
    if where is None or where not in closing:
        return None
    end = closing[where]
    if any(t.kind == "word" and t.text in ("EXISTS", "GRAPH") for t in tokens[:where] + tokens[end + 1:]):
        return None
    # (offset, order at that offset, text): what closes comes before what opens
    edits = [(tokens[where].offset + 1, 2, f" GRAPH {ox.NamedNode(union)} {{ "), (tokens[end].offset, 1, " } ")]
    for k in range(where + 1, end):
        t = tokens[k]
        if not (t.kind == "word" and t.text == "GRAPH"):
            continue
        target, brace = tokens[k + 1], tokens[k + 2]
        if target.kind not in ("var", "iri", "pname") or brace.text != "{" or (k + 2) not in closing:
            return None
        term = f"<{target.text}>" if target.kind == "iri" else target.text
        edits.append((t.offset, 3, "{ "))
        edits.append((tokens[closing[k + 2]].offset + 1, 0,
                      f" FILTER EXISTS {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{BUILD_NAMED}> {term} }} }} }} "))
    out, at = [], 0
    for offset, _order, insert in sorted(edits):
        out += [text[at:offset], insert]
        at = offset
    return "".join(out) + text[at:]


def _matching_braces(tokens) -> dict[int, int]:
    """Index of each ``{`` token → index of the ``}`` that closes it."""
    pairs, stack = {}, []
    for k, t in enumerate(tokens):
        if t.kind == "punct" and t.text == "{":
            stack.append(k)
        elif t.kind == "punct" and t.text == "}" and stack:
            pairs[stack.pop()] = k
    return pairs


# ------------------------------------------------------------------------------------------ binding

def bind_values(text: str, substitutions: dict) -> str:
    """The query with its substitutions joined as a one-row ``VALUES`` opening the outermost group of the
    WHERE clause — what pyoxigraph's substitutions give for the app's own SELECT queries (which project
    each bound variable; pyoxigraph refuses any other). Only for the app's fixed query texts: values are
    pyoxigraph terms, written in their N-Triples form, never text pasted from a request."""
    brace = _where_brace(text)
    if brace is None:
        raise QueryError("the query cannot take its parameters: it has no WHERE group")
    names = " ".join(str(v) for v in substitutions)
    row = " ".join(str(t) for t in substitutions.values())
    return f"{text[:brace + 1]} VALUES ({names}) {{ ({row}) }} {text[brace + 1:]}"


def _where_brace(text: str) -> int | None:
    """Offset of the first ``{`` token (read by the SPARQL tokenizer): a SELECT's outermost group."""
    from graph.sparql_grammar import tokenize

    return next((t.offset for t in tokenize(text) if t.kind == "punct" and t.text == "{"), None)


# ------------------------------------------------------------------------------------------ opening

def as_store(store: "Store | ox.Store") -> Store:
    """``store`` as the interface: a bare ``pyoxigraph.Store`` — the build pipeline's own, e.g. the one
    graph/dumps.py exports from — wrapped as an :class:`EmbeddedStore`; a store of the interface as it is."""
    return EmbeddedStore(store) if isinstance(store, ox.Store) else store


def read_only(path: str | os.PathLike) -> ox.Store:
    """The embedded store in the data directory ``path``, read-only (the query workers' way in)."""
    return ox.Store.read_only(str(path))


def open_build(build_dir: str | os.PathLike) -> EmbeddedStore:
    """One build folder's store, read-only, whichever build is live (e.g. the build just made)."""
    from graph import store as builds

    return EmbeddedStore(read_only(builds.data_path(build_dir)))


def in_memory() -> ox.Store:
    """An empty embedded store in memory, nothing on disk: room to query a few triples (a candidate under
    review) or to hold a validation run's data."""
    return ox.Store()


def open_store(store_dir: str | os.PathLike | None = None, endpoint: str | None = None, *,
               timeout_s: float | None = None) -> Store:
    """The store a command reads: the engine at ``endpoint`` / ``DANVAN_ENDPOINT`` if set, else the live
    embedded build under ``store_dir`` / ``DANVAN_STORE``."""
    remote = Endpoint.from_env(endpoint)
    if remote is not None:
        from graph import settings

        return RemoteStore(remote, timeout_s=timeout_s or settings.query_timeout())
    from graph import store as builds

    _build, db, info = builds.open_live(store_dir)
    return EmbeddedStore(db, info)

