"""``/sparql``: the SPARQL 1.1 Protocol for queries (read-only). Updates are refused with 403.

Queries are evaluated by :mod:`graph.bounded` (worker processes with a deadline and a row cap) and
serialized there by pyoxigraph's own serializers; this module reads the protocol request, negotiates the
format, checks what the query may touch, and turns the outcome into a response (CORS, ETag tied to the
build id, truncation headers). The default graph is the union of every graph unless the request names
``default-graph-uri``/``named-graph-uri`` (any IRI; one not in the store is an empty graph). ``FROM`` and
``FROM NAMED`` in the query may only name graphs in the store, and ``SERVICE`` is refused: the endpoint
makes no outbound requests. Both are decided from the grammar (:mod:`graph.sparql_grammar`), never by
matching the text, and so are updates (403) and the limits (length, nesting: 400).

The prefixes of :func:`graph.namespaces.sparql_prefixes` are predeclared: the text evaluated is their
declarations on one line, then the query (its own PREFIX of the same name wins); syntax errors are moved
back by that line so they point into the query as sent. The test-only config key
``SPARQL_GRAMMAR_CHECK`` (default True; only through ``create_app(test_config=…)``) turns the SERVICE and
FROM refusal off, to show that the operating system's network wall holds on its own.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, render_template, request

from graph import terms as ox
from graph.errors import QueryError, QuerySyntaxError
from graph.named_queries import term_text
from graph.namespaces import sparql_prefixes, sparql_prologue
from graph.sparql_grammar import QueryShape, analyze
from webapp import evaluate, service_description, snapshot
from webapp.conneg import HTML, RDF_FORMATS, RESULT_FORMATS, negotiate
from webapp.errors import Refused
from webapp.urls import sparql_url, term_href

bp = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
TRUNCATED = "X-Danvan-Truncated"
ROW_LIMIT = "X-Danvan-Row-Limit"
EXAMPLE = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?document ?title WHERE {
  ?document a eli:LegalResource ; eli:title ?title .
} LIMIT 20
"""
READ_ONLY = "This endpoint is read-only: SPARQL updates are refused."
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
    "Access-Control-Expose-Headers": f"ETag, Retry-After, {TRUNCATED}, {ROW_LIMIT}",
    "Access-Control-Max-Age": "86400",
}


@bp.after_request
def _cors(response: Response) -> Response:
    if request.path == sparql_url():
        for name, value in _CORS.items():
            response.headers.setdefault(name, value)
    return response


def _read() -> tuple[str | None, bool]:
    """(query text or None, whether the request carries an update)."""
    if request.method == "GET":
        if "update" in request.args:
            return None, True
        return _single(request.args.getlist("query")), False
    mimetype = request.mimetype
    if mimetype == UPDATE_TYPE:
        return None, True
    if mimetype == QUERY_TYPE:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise Refused(415, f"A direct POST query must be UTF-8, not {charset}.")
        try:
            return request.get_data(cache=True).decode("utf-8"), False
        except UnicodeDecodeError:
            raise Refused(400, "The query must be UTF-8.") from None
    if mimetype in (FORM_TYPE, "multipart/form-data"):
        if "update" in request.form:
            return None, True
        return _single(request.form.getlist("query")), False
    if _sniffed_update():
        raise Refused(403, READ_ONLY)
    raise Refused(415, f"POST a query as {QUERY_TYPE} or as a form ({FORM_TYPE}) with query=, "
                       f"not {mimetype or 'no content type'}.")


def _sniffed_update() -> bool:
    """A POST without a usable media type whose body is an update: say read-only, the useful answer."""
    try:
        body = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        return False
    if body.lstrip().startswith("update="):
        return True
    try:
        return analyze(body).is_update
    except QueryError:
        return False


def _single(values: list[str]) -> str | None:
    if len(values) > 1:
        raise Refused(400, "Give exactly one query= parameter.")
    return values[0] if values and values[0].strip() else None


def _graphs(name: str) -> list[str] | None:
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    try:
        return [ox.NamedNode(v).value for v in values] or None
    except ValueError as e:
        raise Refused(400, f"{name} must be IRIs: {e}") from None


def _check_text(query: str) -> None:
    """Refuses what the query may not do, from its grammar: updates (403), SERVICE, FROM graphs outside
    the store, texts over the limits (400). Syntax errors the grammar finds are QuerySyntaxError."""
    check = current_app.config.get("SPARQL_GRAMMAR_CHECK", True)
    try:
        shape: QueryShape = analyze(query, prefixes=sparql_prefixes(), base=request.base_url)
    except QuerySyntaxError:
        if check:
            raise
        return  # the test-only bypass: let the engine (behind its network wall) read it
    if shape.is_update:
        raise Refused(403, READ_ONLY)
    if not check:
        return
    if shape.services:
        raise Refused(400, "SERVICE is not allowed: this endpoint makes no requests to other services.")
    known = snapshot().cached("graph-names", lambda: {g.value for g in snapshot().store.named_graphs()
                                                      if isinstance(g, ox.NamedNode)})
    unknown = [g for g in shape.graphs if g not in known]
    if unknown:
        raise Refused(400, f"FROM / FROM NAMED may only name graphs in this store; not {', '.join(unknown)}. "
                           "The graphs are listed in the service description (GET /sparql as Turtle).")


def _evaluated(query: str) -> str:
    """The text the engine evaluates: the predeclared prefixes on one line, then the query."""
    return sparql_prologue() + "\n" + query


def _in_user_text(err: QuerySyntaxError) -> QuerySyntaxError:
    """An engine syntax error moved back by the predeclared prefixes' line, to the query as sent."""
    if err.line is None or err.line < 2:
        return err
    line = err.line - 1
    message = str(err).replace(f"{err.line}:{err.column}", f"{line}:{err.column}", 1).replace(
        f"line {err.line},", f"line {line},", 1)
    return QuerySyntaxError(message, line, err.column)


def _syntax_answer(query: str, err: QuerySyntaxError, html: bool) -> Response:
    if not html:
        raise err
    page = render_template("sparql.html", query=query, error=str(err), line=err.line, column=err.column)
    return Response(page, status=400, mimetype="text/html")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    query, is_update = _read()
    if is_update:
        raise Refused(403, READ_ONLY)
    if query is None:
        return _no_query()
    default_graph, named_graphs = _graphs("default-graph-uri"), _graphs("named-graph-uri")
    if default_graph is not None or named_graphs is not None:
        # The protocol's dataset replaces the query's: what it leaves out is empty.
        default_graph, named_graphs = default_graph or [], named_graphs or []
    results_fmt = negotiate([*RESULT_FORMATS, HTML], default="json")
    graph_fmt = negotiate([*RDF_FORMATS, HTML], default="turtle")
    if results_fmt is None and graph_fmt is None:
        raise _unacceptable(None)
    try:
        _check_text(query)
    except QuerySyntaxError as err:
        return _syntax_answer(query, err, results_fmt == HTML or graph_fmt == HTML)
    snap = snapshot()
    max_rows = current_app.config["DANVAN_MAX_ROWS"]
    etag = _etag(snap.info.get("build_id") or snap.key, query, default_graph, named_graphs, results_fmt,
                 graph_fmt, max_rows)
    if request.method == "GET" and etag in request.if_none_match:
        return _headers(Response(status=304), etag)
    try:
        result = evaluate(snap, _evaluated(query), timeout=current_app.config["DANVAN_QUERY_TIMEOUT"],
                          max_rows=max_rows, base_iri=request.base_url, default_graph=default_graph, named_graphs=named_graphs,
                          results_format="tsv" if results_fmt == HTML else results_fmt,
                          graph_format="turtle" if graph_fmt == HTML else graph_fmt)
    except QuerySyntaxError as err:
        return _syntax_answer(query, _in_user_text(err), results_fmt == HTML or graph_fmt == HTML)
    # busy, budget, deadline and memory limits are answered by webapp.errors (429/503, Retry-After)
    if result.format is None:
        raise _unacceptable(result.kind)
    response = _respond(query, result, results_fmt if result.kind != "graph" else graph_fmt, max_rows)
    response.headers[ROW_LIMIT] = str(max_rows)
    if result.truncated:
        response.headers[TRUNCATED] = "true"
    return _headers(response, etag)


def _unacceptable(kind: str | None) -> Refused:
    offered = RDF_FORMATS if kind == "graph" else RESULT_FORMATS if kind else {**RESULT_FORMATS, **RDF_FORMATS}
    media = ", ".join(m for m, _ in offered.values())
    return Refused(406, f"This result can be given as {media} (by Accept or format=), "
                        "not in the format asked for.")


def _etag(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    # Results change only with the build: revalidate (cheap, 304 without evaluating) rather than guess.
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    response.headers["Vary"] = "Accept"
    return response


def _respond(query: str, result, fmt: str, max_rows: int) -> Response:
    if fmt == HTML:
        return Response(_page(query, result, max_rows), mimetype="text/html")
    media = (RDF_FORMATS if result.kind == "graph" else RESULT_FORMATS)[result.format][0]
    return Response(result.body, mimetype=media)


def _page(query: str, result, max_rows: int) -> str:
    if result.kind == "graph":
        return render_template("sparql.html", query=query, graph_text=result.body.decode("utf-8"),
                               more=result.truncated, limit=max_rows)
    if result.kind == "boolean":
        boolean = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV)
        return render_template("sparql.html", query=query, boolean=bool(boolean))
    solutions = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    rows = [[_cell(s[i]) for i in range(len(names))] for s in solutions]
    return render_template("sparql.html", query=query, names=names, rows=rows, more=result.truncated,
                           limit=max_rows)


def _cell(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"text": term.value, "href": term_href(term.value)}
    return {"text": term_text(term), "href": None}


def _no_query() -> Response:
    # A browser (or */*) gets the editor; a client that accepts neither HTML nor RDF gets told what to send.
    fmt = negotiate([HTML, *RDF_FORMATS], default=HTML)
    if fmt == HTML:
        return _vary(Response(render_template("sparql.html", query=EXAMPLE), mimetype="text/html"))
    if fmt in RDF_FORMATS:
        media, rdf_format = RDF_FORMATS[fmt]
        endpoint = request.url_root.rstrip("/") + sparql_url()
        body = ox.serialize(service_description.triples(endpoint, snapshot()), format=rdf_format)
        return _vary(Response(body, mimetype=media))
    raise Refused(400, "Give a query with query= (GET or form POST) or as an application/sparql-query body.")


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response
