"""``/search?q=``: names and document numbers, diacritics- and case-insensitive (issue 4).

The index is :mod:`graph.search_index`, written by the build beside the store; it is opened once per
build (the snapshot's memo), so a new build is searched as soon as it is swapped in. HTML by default;
JSON with ``Accept: application/json`` or at ``/search.json``:
``{"query": …, "results": [{"iri", "label", "types", "url", "score"}…]}``.
"""

from __future__ import annotations


from flask import Blueprint, Response, jsonify, render_template, request

from graph.search_index import MAX_QUERY, SearchIndex, fold
from webapp import snapshot
from webapp.conneg import HTML, negotiate
from webapp.errors import Refused
from webapp.i18n import current_lang, pick
from webapp.urls import search_url, term_href

bp = Blueprint("search", __name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

TEXT = {
    "vi": {
        "title": "Tìm kiếm", "label": "Tìm kiếm", "button": "Tìm", "placeholder": "Tên, tổ chức, số văn bản…",
        "empty": "Nhập tên một người, một tổ chức, một sự kiện hay số một văn bản — có dấu hay không dấu "
                 "đều được, ví dụ: “Nguyễn Hữu Hiệp”, “dan van kheo”, “23-QĐ/TW”, “Quyết định 23”, “290”.",
        "none": "Không tìm thấy kết quả nào cho “{q}”. Thử ít từ hơn, hoặc chỉ số của văn bản.",
        "count": "{n} kết quả cho “{q}”", "more": "Chỉ hiện {n} kết quả đầu tiên; hãy thêm từ để thu hẹp.",
        "matched": "khớp với", "json": "Kết quả dạng JSON",
    },
    "en": {
        "title": "Search", "label": "Search", "button": "Search", "placeholder": "Name, organization, document number…",
        "empty": "Type the name of a person, an organization, an event or a document's number — with or "
                 "without Vietnamese marks, e.g. “Nguyễn Hữu Hiệp”, “dan van kheo”, “23-QĐ/TW”, "
                 "“Quyết định 23”, “290”.",
        "none": "Nothing found for “{q}”. Try fewer words, or just the document's number.",
        "count": "{n} results for “{q}”", "more": "Only the first {n} results are shown; add words to narrow it.",
        "matched": "matched", "json": "These results as JSON",
    },
}
KIND_NAMES = {
    "vi": {"document": "văn bản", "person": "người", "organization": "tổ chức", "event": "sự kiện",
           "movement": "phong trào", "work": "tác phẩm", "place": "địa danh", "role": "chức danh",
           "post": "chức vụ", "document-type": "loại văn bản", "level": "cấp", "connection-point": "điểm kết nối",
           "source": "nguồn", "attendee-group": "nhóm người dự"},
    "en": {"document": "document", "person": "person", "organization": "organization", "event": "event",
           "movement": "movement", "work": "work", "place": "place", "role": "role", "post": "post",
           "document-type": "document type", "level": "level", "connection-point": "connection point",
           "source": "source", "attendee-group": "attendee group"},
}


def kind_names() -> dict[str, str]:
    return pick(KIND_NAMES)


@bp.app_context_processor
def _search_box_context() -> dict:
    # The header's search box (every page) names result kinds in the page's language.
    return {"search_kind_names": kind_names}


def _index() -> SearchIndex:
    snap = snapshot()
    return snap.cached("search_index", lambda: SearchIndex.for_build(snap.build))


def _limit(default: int) -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Refused(400, f"limit must be a whole number from 1 to {MAX_LIMIT}, not {raw!r}.") from None
    if not 1 <= value <= MAX_LIMIT:
        raise Refused(400, f"limit must be from 1 to {MAX_LIMIT}, not {value}.")
    return value


def _run(limit: int) -> tuple[str, list[dict]]:
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY:
        raise Refused(400, f"The search text is {len(q)} characters long; at most {MAX_QUERY} are allowed. "
                           "Search for a name or a number instead.")
    hits = _index().search(q, limit=limit, lang=current_lang()) if fold(q) else []
    results = [{"iri": h.iri, "label": h.label, "types": h.types, "url": term_href(h.iri) or h.iri,
                "score": h.score, "_hit": h} for h in hits]
    return q, results


def _vary(response: Response) -> Response:
    vary = response.headers.get("Vary", "")
    if "Accept" not in vary:
        response.headers["Vary"] = f"{vary}, Accept" if vary else "Accept"
    return response


def _json(q: str, results: list[dict]) -> Response:
    body = {"query": q, "results": [{k: r[k] for k in ("iri", "label", "types", "url", "score")} for r in results]}
    return _vary(jsonify(body))


@bp.get("/search")
def search():
    fmt = negotiate([HTML, "json"], default=HTML)
    if fmt is None:
        raise Refused(406, "Search results are available as text/html or application/json (or /search.json).")
    if fmt == "json":
        return search_json()
    limit = _limit(DEFAULT_LIMIT)
    q, results = _run(limit)
    t = pick(TEXT)
    names = kind_names()
    for r in results:
        r["kind"] = r["_hit"].kind
        r["kind_name"] = names.get(r["kind"], r["kind"])
        matched = r["_hit"].matched
        r["matched"] = matched if fold(matched) not in fold(r["label"]) else None
        r["tier"] = r["_hit"].tier
    page = render_template("search.html", q=q, searched=bool(fold(q)), results=results, t=t, limit=limit,
                           truncated=len(results) >= limit,
                           json_url=search_url(q=q, fmt="json") if fold(q) else None)
    return _vary(Response(page, mimetype="text/html"))


@bp.get("/search.json")
def search_json():
    limit = _limit(20)
    q, results = _run(limit)
    return _json(q, results)
