"""``/``: what the graph holds — counts per kind linking to ``/browse/{kind}`` with a few examples —,
entry points (the organization tree, key named queries) and the latest events.

It also gives every page its frame's strings (``layout_strings`` in base.html: navigation, skip link,
language switch, footer), per language.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from graph import named_queries, settings
from graph import terms as ox
from webapp import snapshot
from graph.browse_index import BrowseIndex
from webapp.browse import KIND_NAMES, ORDER, browse_index
from webapp.describe import labels
from webapp.i18n import current_lang, pick
from webapp.urls import term_href
from webapp.void import dumps_of

bp = Blueprint("home", __name__)

EXAMPLES_PER_KIND = 3
LATEST_EVENTS = 5
# Named queries offered as entry points, in this order (those that exist).
KEY_QUERIES = ("replacement-chain", "in-force-on", "person-timeline", "organization-hierarchy", "conflicts")

LAYOUT = {
    "vi": {"skip": "Bỏ qua, đến nội dung chính", "nav": "Điều hướng chính", "home": "Trang chủ",
           "browse": "Duyệt", "queries": "Truy vấn mẫu", "switch": "English", "build": "Bản dựng",
           "triples": "bộ ba", "health": "Tình trạng máy chủ", "ontology": "Bản thể học",
           "data_licence": "Dữ liệu theo giấy phép", "void": "Mô tả bộ dữ liệu (VoID)"},
    "en": {"skip": "Skip to main content", "nav": "Main navigation", "home": "Home",
           "browse": "Browse", "queries": "Queries", "switch": "Tiếng Việt", "build": "Build",
           "triples": "triples", "health": "Server health", "ontology": "Ontology",
           "data_licence": "Data licensed under", "void": "Dataset description (VoID)"},
}

STRINGS = {
    "vi": {"title": "Trang chủ",
           "lead": "Đồ thị tri thức về công tác dân vận: tổ chức, cán bộ, văn bản, sự kiện và nguồn tin, "
                   "mỗi dữ kiện gắn với nguồn nêu ra nó.",
           "contents": "Nội dung", "kind": "Loại", "count": "Số lượng", "examples": "Ví dụ",
           "empty": "Chưa có dữ liệu.", "start": "Bắt đầu từ đâu",
           "search_hint": "Tìm theo tên, số hiệu văn bản… bằng ô tìm kiếm ở đầu trang (gõ không dấu cũng được).",
           "tree": "Cây tổ chức", "tree_hint": "các tổ chức theo quan hệ trực thuộc",
           "all_documents": "Mọi văn bản", "all_documents_hint": "lọc theo loại, cấp, năm, cơ quan ban hành",
           "sparql": "Trình soạn truy vấn SPARQL", "latest": "Sự kiện mới nhất", "no_events": "Chưa có sự kiện nào.",
           "all_events": "Mọi sự kiện", "date": "Ngày", "event": "Sự kiện", "place": "Địa điểm",
           "data": "Dữ liệu", "data_licence": "Dữ liệu được phát hành theo giấy phép",
           "data_attribution": "(ghi nguồn khi dùng lại); mã nguồn theo Apache-2.0.",
           "void": "Mô tả bộ dữ liệu (VoID)", "void_hint": "số liệu, các tập con theo nguồn, định dạng",
           "dumps": "Tải toàn bộ", "ontology": "Bản thể học", "ontology_hint": "lớp, thuộc tính, ràng buộc"},
    "en": {"title": "Home",
           "lead": "A knowledge graph of Vietnam's mass-mobilization work: organizations, officials, documents, "
                   "events and news sources, each fact tied to the source that states it.",
           "contents": "Contents", "kind": "Kind", "count": "Count", "examples": "Examples",
           "empty": "No data yet.", "start": "Where to start",
           "search_hint": "Search by name or document number with the box at the top (diacritics optional).",
           "tree": "Organization tree", "tree_hint": "organizations by the sub-organization relation",
           "all_documents": "All documents", "all_documents_hint": "filter by type, level, year, issuer",
           "sparql": "SPARQL query editor", "latest": "Latest events", "no_events": "No events yet.",
           "all_events": "All events", "date": "Date", "event": "Event", "place": "Place",
           "data": "Data", "data_licence": "The data is published under",
           "data_attribution": "(credit the source when reusing it); the code under Apache-2.0.",
           "void": "Dataset description (VoID)", "void_hint": "counts, per-source subsets, formats",
           "dumps": "Download everything", "ontology": "Ontology", "ontology_hint": "classes, properties, shapes"},
}


@bp.app_context_processor
def _layout():
    return {"layout_strings": lambda: pick(LAYOUT)}


def kind_summaries(index: BrowseIndex, lang: str) -> list[dict]:
    """Each kind that has entities: its count and its first few entities in Vietnamese order."""
    counts = index.counts()
    return [{"kind": kind, "count": counts[kind],
             "examples": [{"href": term_href(i), "name": name} for i, name in index.first(kind, lang, EXAMPLES_PER_KIND)]}
            for kind in ORDER if counts.get(kind)]


def latest_events_rows(store: ox.Store, limit: int = LATEST_EVENTS) -> list[tuple[str, str, str | None]]:
    """(event, date, place) of the events with the latest start dates: run once by the build
    (:mod:`graph.browse_index`), as it sorts every event."""
    dv = settings.ontology_namespace()
    q = (f"SELECT ?e (MAX(?d) AS ?date) (SAMPLE(?pl) AS ?place) WHERE {{ ?e a <{dv}Event> ; <{dv}startDate> ?d . "
         f"OPTIONAL {{ ?e <{dv}location> ?pl }} }} GROUP BY ?e ORDER BY DESC(?date) ?e LIMIT {int(limit)}")
    return [(r["e"].value, r["date"].value, r["place"].value if r["place"] is not None else None)
            for r in store.query(q)]


def latest_events(store: ox.Store, rows: list[tuple[str, str, str | None]], lang: str) -> list[dict]:
    """The latest events' date, label and place, named in ``lang``."""
    names = labels(store, {x for e, _, p in rows for x in (e, p) if x}, lang)
    return [{"href": term_href(e), "name": names.get(e) or e.rsplit("/", 1)[-1], "date": d,
             "place": {"href": term_href(p), "name": names.get(p) or p} if p else None}
            for e, d, p in rows]


@bp.get("/")
def index():
    snap, lang = snapshot(), current_lang()
    index = browse_index()  # counts, first entities and latest events: read from the build's index
    kinds = kind_summaries(index, lang)
    events = latest_events(snap.store, index.latest_events(), lang)
    known = named_queries.all_queries()
    queries = [{"name": n, "title": known[n].title.get(lang) or known[n].title.get("vi") or n}
               for n in KEY_QUERIES if n in known]
    return render_template("home.html", kinds=kinds, events=events, queries=queries, t=pick(STRINGS),
                           kind_names=pick(KIND_NAMES), dumps=dumps_of(snap))
