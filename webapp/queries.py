"""``/queries``: the named-query library on the web.

``/queries`` lists the named queries (``queries/*.rq``, read by :mod:`graph.named_queries`);
``/queries/{name}`` shows a form built from the query's declared parameters, its text, and its results
as an HTML table — or the results alone as SPARQL JSON, XML, CSV or TSV, by ``Accept`` or by the
suffixes ``.json`` ``.xml`` ``.csv`` ``.tsv`` (``/queries/replacement-chain.csv?document=…``).

Parameter values come from the query string and are bound as typed RDF terms by
:func:`graph.named_queries.bind` (pyoxigraph substitutions), never pasted into the query text: a value
that is not a valid term of the declared type is refused with 400. ``lang`` (``vi``, the default, or
``en``) and ``format`` are the page's own arguments, so no query may declare parameters with those names.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from graph import named_queries
from graph import terms as ox
from graph.errors import QueryNotFound, QueryParameterError, QueryTooLarge
from webapp import evaluate, snapshot
from webapp.conneg import HTML, RDF_FORMATS, RESULT_FORMATS, negotiate
from webapp.describe import display_names
from webapp.entity import compact, format_date
from webapp.errors import Refused
from webapp.sparql import ROW_LIMIT, TRUNCATED
from webapp.urls import QUERY_SUFFIXES, SUFFIXES, query_url, queries_url, sparql_url, split_entity_iri, term_href

bp = Blueprint("queries", __name__)

LANGS = ("vi", "en")
RESERVED = ("lang", "format")  # the page's own arguments, never query parameters
MAX_NAME_LENGTH = 100  # a parameter name; values are bounded by graph.named_queries.MAX_PARAMETER_LENGTH
OFFERED = [HTML, *RESULT_FORMATS, *RDF_FORMATS]
# The HTML form's input for each parameter type.
_INPUT = {"iri": "url", "date": "date", "integer": "number", "year": "number", "string": "text", "lang": "text"}

TEXT = {
    "vi": {
        "library": "Thư viện truy vấn", "intro": "Các truy vấn có tên, chạy trên toàn bộ đồ thị. "
        "Giá trị tham số được gắn như thuật ngữ RDF có kiểu, không bao giờ chèn vào văn bản truy vấn.",
        "name": "Tên", "query": "Truy vấn", "parameters": "Tham số", "none": "không có",
        "run": "Chạy", "text": "Văn bản truy vấn", "results": "Kết quả", "rows": "dòng", "row": "dòng",
        "only_first": "chỉ hiện {n} dòng đầu; tải định dạng khác để có tất cả",
        "download": "Tải kết quả", "editor": "Mở trong trình soạn SPARQL",
        "editor_note": "giá trị tham số được gắn bằng khối VALUES ở đầu truy vấn",
        "pick_placeholder": "Gõ tên hay số hiệu để chọn…", "no_match": "Không có gợi ý",
        "yes": "Có", "no": "Không",
        "required": "bắt buộc", "default": "mặc định", "type": "kiểu", "other_lang": "English",
        "no_rows": "Không có kết quả.", "error": "Giá trị tham số không hợp lệ",
        "all": "Tất cả truy vấn",
    },
    "en": {
        "library": "Query library", "intro": "Named queries over the whole graph. Parameter values are "
        "bound as typed RDF terms, never pasted into the query text.",
        "name": "Name", "query": "Query", "parameters": "Parameters", "none": "none",
        "run": "Run", "text": "Query text", "results": "Results", "rows": "rows", "row": "row",
        "only_first": "only the first {n} shown; download another format for all of them",
        "download": "Download the results", "editor": "Open in the SPARQL editor",
        "editor_note": "the parameter values are bound by a VALUES block at the start of the query",
        "pick_placeholder": "Type a name or number to choose…", "no_match": "No suggestions",
        "yes": "Yes", "no": "No",
        "required": "required", "default": "default", "type": "type", "other_lang": "Tiếng Việt",
        "no_rows": "No results.", "error": "Invalid parameter value",
        "all": "All queries",
    },
}


def _lang() -> str:
    value = (request.args.get("lang") or "").strip().lower()
    return value if value in LANGS else "vi"


def _pick(texts: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else Vietnamese, else untagged, else any."""
    for key in (lang, "vi", ""):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def _summary(q: named_queries.NamedQuery, lang: str) -> dict:
    return {
        "name": q.name, "title": _pick(q.title, lang), "description": _pick(q.description, lang),
        "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                        "label": _pick(p.label, lang) or p.name} for p in q.parameters],
        "url": query_url(q.name, lang=None if lang == "vi" else lang),
    }


# --------------------------------------------------------------------------------------- the list

@bp.get("/queries")
def index():
    fmt = negotiate([HTML, "json"], default=HTML)
    if fmt is None:
        raise Refused(406, "The query list is available as text/html or application/json.")
    if fmt == "json":
        return index_json()
    lang = _lang()
    queries = [_summary(q, lang) for q in sorted(named_queries.all_queries().values(), key=lambda q: q.name)]
    page = render_template("queries.html", queries=queries, lang=lang, t=TEXT[lang],
                           other_lang_url=queries_url(lang=None if lang == "en" else "en"),
                           json_url=queries_url(fmt="json"))
    return _vary(Response(page, mimetype="text/html"))


@bp.get("/queries.json")
def index_json():
    lang = _lang()
    queries = [_summary(q, lang) for q in sorted(named_queries.all_queries().values(), key=lambda q: q.name)]
    return _vary(jsonify({"queries": queries}))


# ------------------------------------------------------------------------------------ one query

@bp.get("/queries/<name>")
def show(name: str):
    fmt = None
    stem, dot, ext = name.rpartition(".")
    if dot and ext in QUERY_SUFFIXES:
        name, fmt = stem, QUERY_SUFFIXES[ext]
    elif dot and ext in SUFFIXES:
        raise Refused(406, f"A named query's results are a table: available as .json, .xml, .csv, .tsv "
                           f"or HTML, not .{ext}.")
    query = _lookup(name)
    if fmt is None:
        fmt = negotiate(OFFERED, default=HTML)
        if fmt is None:
            asked = request.args.get("format") or request.headers.get("Accept", "")
            raise Refused(406, f"Query results are available as text/html or "
                               f"{', '.join(m for m, _ in RESULT_FORMATS.values())} (by Accept, format= or the "
                               f"suffixes .json .xml .csv .tsv), not {asked!r}.")
    raw = _raw_params(query)
    lang = _lang()
    if fmt == HTML:
        return _page(query, raw, lang)
    bindings = named_queries.bind(query, raw)  # a bad value → QueryParameterError → 400
    result = _evaluate(query, bindings, results_format=fmt if fmt in RESULT_FORMATS else None,
                       graph_format=fmt if fmt in RDF_FORMATS else None)
    if result.format is None:
        kinds = RDF_FORMATS if result.kind == "graph" else RESULT_FORMATS
        raise Refused(406, f"This query's results are available as {', '.join(kinds)}, not {fmt}.")
    media = (RDF_FORMATS if result.kind == "graph" else RESULT_FORMATS)[result.format][0]
    return _limits(_vary(Response(result.body, mimetype=media)), result)


def _lookup(name: str) -> named_queries.NamedQuery:
    try:
        return named_queries.get(name)
    except QueryNotFound as e:
        raise Refused(404, str(e)) from None


def _raw_params(query: named_queries.NamedQuery) -> dict[str, str]:
    raw: dict[str, str] = {}
    for key in request.args:
        if key in RESERVED:
            continue
        if len(key) > MAX_NAME_LENGTH:
            raise Refused(400, f"A parameter name is {len(key):,} characters long; names have at most "
                               f"{MAX_NAME_LENGTH}.")
        values = request.args.getlist(key)
        if len(values) > 1:
            raise Refused(400, f"Give parameter {key!r} once, not {len(values)} times.")
        raw[key] = values[0]
    return raw


def _evaluate(query: named_queries.NamedQuery, bindings: dict, results_format: str | None,
              graph_format: str | None):
    """The query evaluated with the endpoint's bounds (graph.bounded: a worker process, a deadline,
    a row cap), its parameters passed as typed terms (substitutions); a table or a boolean comes back
    serialized as ``results_format``, a graph as ``graph_format`` (None: that kind is not acceptable)."""
    # busy, budget, deadline and memory limits are answered by webapp.errors (429/503, Retry-After)
    return evaluate(snapshot(), named_queries.planned(query, bindings), timeout=current_app.config["DANVAN_QUERY_TIMEOUT"],
                    max_rows=current_app.config["DANVAN_MAX_ROWS"],
                    results_format=results_format, graph_format=graph_format,
                    substitutions={v.value: term for v, term in bindings.items()})


def _limits(response: Response, result) -> Response:
    response.headers[ROW_LIMIT] = str(current_app.config["DANVAN_MAX_ROWS"])
    if result.truncated:
        response.headers[TRUNCATED] = "true"
    return response


def _page(query: named_queries.NamedQuery, raw: dict[str, str], lang: str) -> Response:
    t = TEXT[lang]
    summary = _summary(query, lang)
    url_lang = None if lang == "vi" else lang
    error, status = None, 200
    table = boolean = graph_text = None
    try:
        bindings = named_queries.bind(query, raw)
    except (QueryParameterError, QueryTooLarge) as e:
        error, status = str(e), 400
    else:
        # TSV keeps every term exactly (language, datatype) and is cheap to read back
        result = _evaluate(query, bindings, results_format="tsv", graph_format="turtle")
        if result.kind == "solutions":
            table = _table(query, ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV),
                           result.truncated, lang)
        elif result.kind == "boolean":
            boolean = bool(ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV))
        else:
            graph_text = result.body.decode("utf-8")
    # the form shows the value each parameter is bound to: the one given, else its default
    fields = [dict(p, value=raw.get(p["name"]) or p["default"] or "", input=_INPUT[p["type"]])
              for p in summary["parameters"]]
    chosen = display_names(snapshot().store, {f["value"] for f in fields if f["type"] == "iri" and f["value"]},
                           lang=lang)
    for f in fields:
        f["value_label"] = chosen.get(f["value"], "")
    shown = {k: v for k, v in raw.items() if query.parameter(k) is not None}
    downloads = [(fmt, RESULT_FORMATS[fmt][0], query_url(query.name, fmt, shown)) for fmt in RESULT_FORMATS]
    page = render_template(
        "query.html", q=summary, text=query.text, fields=fields, lang=lang, t=t, error=error,
        table=table, boolean=boolean, graph_text=graph_text, downloads=downloads,
        editor_url=sparql_url(query=named_queries.with_values(query, bindings if error is None else {})), list_url=queries_url(lang=url_lang),
        action=query_url(query.name), other_lang_url=query_url(query.name, None, shown,
                                                              lang=None if lang == "en" else "en"),
    )
    response = _vary(Response(page, status=status, mimetype="text/html"))
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media}"'
                                         for _, media, href in downloads)
    return response


def _table(query: named_queries.NamedQuery, results: ox.QuerySolutions, more: bool, lang: str) -> dict:
    """The result table as a person reads it: headings from the query's ``#+ column`` lines, every IRI
    by its name in the page's language, dates as dates, the query's own words translated."""
    limit = current_app.config["DANVAN_MAX_ROWS"]
    names = [v.value for v in results.variables]
    rows = [[solution[j] for j in range(len(names))] for solution in results]
    iris = {term.value for row in rows for term in row if isinstance(term, ox.NamedNode)}
    names_of = display_names(snapshot().store, iris, lang=lang)
    headings = [_pick(query.columns.get(n, {}), lang) or n for n in names]
    return {"names": headings, "rows": [[_cell(term, names_of, query.values, lang) for term in row] for row in rows],
            "more": more, "limit": limit}


def _cell(term, names_of: dict[str, str], words: dict[str, dict[str, str]], lang: str) -> dict:
    """One result term for the table: our entities link to their page with their name, other IRIs show
    their label and link out, dates read as dates. Jinja escapes every text."""
    if term is None:
        return {"type": "unbound"}
    if isinstance(term, ox.NamedNode):
        iri = term.value
        parts = split_entity_iri(iri)
        return {"type": "iri", "iri": iri, "href": term_href(iri), "ours": parts is not None,
                "label": names_of.get(iri) or compact(iri)}
    if isinstance(term, ox.Literal):
        text = format_date(term)
        if not term.language and text in words:
            text = _pick(words[text], lang)
        return {"type": "literal", "text": text, "lang": term.language}
    return {"type": "blank", "text": ""}


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response
