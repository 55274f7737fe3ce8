"""``/sparql``: the SPARQL 1.1 Protocol for queries (read-only). Updates are refused with 403.

Results stream from pyoxigraph's own serializers; the default graph is the union of every graph unless
the request names ``default-graph-uri``s.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from graph.named_queries import syntax_error, term_text
from webapp import snapshot
from webapp.conneg import HTML, RDF_FORMATS, RESULT_FORMATS, choose
from webapp.errors import Refused
from webapp.urls import sparql_url, term_href

bp = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
EXAMPLE = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?document ?title WHERE {
  ?document a eli:LegalResource ; eli:title ?title .
} LIMIT 20
"""
# A SPARQL Update starts, after its prologue, with one of these keywords.
_PROLOGUE = r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
_UPDATE_RE = re.compile(_PROLOGUE + r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


# Strings, IRIs and comments may contain the word SERVICE harmlessly: blank them out before looking.
_INERT = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE_RE = re.compile(r"(?<![\w:])SERVICE\b", re.IGNORECASE)


def looks_like_update(text: str) -> bool:
    return bool(_UPDATE_RE.match(text))


def calls_service(text: str) -> bool:
    """Whether the query has a SERVICE clause: pyoxigraph would fetch it over HTTP, and the endpoint
    makes no outbound requests."""
    return bool(_SERVICE_RE.search(_INERT.sub(" ", text)))


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
        body = request.get_data(cache=True)
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            raise Refused(400, "The query must be UTF-8.") from None
    if mimetype in (FORM_TYPE, "multipart/form-data"):
        if "update" in request.form:
            return None, True
        return _single(request.form.getlist("query")), False
    raise Refused(415, f"POST a query as {QUERY_TYPE} or as a form ({FORM_TYPE}) with query=, "
                       f"not {mimetype or 'no content type'}.")


def _single(values: list[str]) -> str | None:
    if len(values) > 1:
        raise Refused(400, "Give exactly one query= parameter.")
    return values[0] if values and values[0].strip() else None


def _graphs(name: str) -> list[ox.NamedNode]:
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    try:
        return [ox.NamedNode(v) for v in values]
    except ValueError as e:
        raise Refused(400, f"{name} must be IRIs: {e}") from None


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    query, is_update = _read()
    if is_update or (query is not None and looks_like_update(query)):
        raise Refused(403, "This endpoint is read-only: SPARQL updates are refused.")
    if query is None:
        return _no_query()
    if calls_service(query):
        raise Refused(400, "SERVICE is not allowed: this endpoint makes no requests to other services.")
    default_graphs = _graphs("default-graph-uri")
    named_graphs = _graphs("named-graph-uri")
    kwargs: dict = {}
    if default_graphs:
        kwargs["default_graph"] = default_graphs
    if named_graphs:
        kwargs["named_graphs"] = named_graphs
    store = snapshot().store
    try:
        results = store.query(query, **kwargs)
    except SyntaxError as e:
        err = syntax_error(e)
        if choose([HTML, *RESULT_FORMATS], default="json") == HTML:
            page = render_template("sparql.html", query=query, error=str(err), line=err.line, column=err.column)
            return Response(page, status=400, mimetype="text/html")
        raise err from None
    except (RuntimeError, OSError) as e:
        raise Refused(400, f"The query could not be evaluated: {e}") from None
    return _respond(query, results)


def _respond(query: str, results) -> Response:
    if isinstance(results, ox.QueryTriples):
        fmt = choose([*RDF_FORMATS, HTML], default="turtle")
        if fmt == HTML:
            text = results.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
            return _html(render_template("sparql.html", query=query, graph_text=text))
        if fmt not in RDF_FORMATS:
            raise Refused(406, f"A CONSTRUCT/DESCRIBE result is available as {', '.join(RDF_FORMATS)}, not {fmt!r}.")
        media, rdf_format = RDF_FORMATS[fmt]
        return _vary(Response(results.serialize(format=rdf_format), mimetype=media))
    fmt = choose([*RESULT_FORMATS, HTML], default="json")
    if fmt == HTML:
        return _html(_results_page(query, results))
    if fmt not in RESULT_FORMATS:
        raise Refused(406, f"Query results are available as {', '.join(RESULT_FORMATS)}, not {fmt!r}.")
    media, results_format = RESULT_FORMATS[fmt]
    return _vary(Response(results.serialize(format=results_format), mimetype=media))


def _results_page(query: str, results) -> str:
    if isinstance(results, ox.QueryBoolean):
        return render_template("sparql.html", query=query, boolean=bool(results))
    limit = current_app.config["DANVAN_MAX_ROWS"]
    names = [v.value for v in results.variables]
    rows, more = [], False
    for i, solution in enumerate(results):
        if i == limit:
            more = True
            break
        rows.append([_cell(solution[j]) for j in range(len(names))])
    return render_template("sparql.html", query=query, names=names, rows=rows, more=more, limit=limit)


def _cell(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"text": term.value, "href": term_href(term.value)}
    return {"text": term_text(term), "href": None}


def _no_query() -> Response:
    # A browser (or */*) gets the editor; a client that accepts neither HTML nor RDF gets told what to send.
    fmt = choose([HTML, *RDF_FORMATS], default=HTML if request.accept_mimetypes.accept_html else "")
    if fmt == HTML:
        return _html(render_template("sparql.html", query=EXAMPLE))
    if fmt in RDF_FORMATS:
        media, rdf_format = RDF_FORMATS[fmt]
        return _vary(Response(ox.serialize(_service_description(), format=rdf_format), mimetype=media))
    raise Refused(400, "Give a query with query= (GET or form POST) or as an application/sparql-query body.")


def _service_description() -> list[ox.Triple]:
    here = ox.NamedNode(request.url_root.rstrip("/") + sparql_url())
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    triples = [ox.Triple(here, a, sd("Service")), ox.Triple(here, sd("endpoint"), here),
               ox.Triple(here, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(here, sd("feature"), sd("UnionDefaultGraph"))]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(here, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    return triples


def _html(page: str) -> Response:
    return _vary(Response(page, mimetype="text/html"))


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response
