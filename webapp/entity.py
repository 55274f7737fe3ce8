"""``/id/{kind}/{slug}``: one entity — an HTML page, or its RDF by content negotiation or suffix.

The page has a head (label in the page's language, kinds, a short description), a section per kind
(a document's status and replacement chain, a person's posts, an organization's place in the
hierarchy, an event's speakers, a source's facts), then every statement about the entity grouped by
property, in both directions, each with the source(s) that state it and whether it is asserted or
entailed. Every group is counted and paged (:mod:`webapp.describe`), so a hub never loads its whole
neighbourhood. Each fact is shown once: groups the build entails from another (standard-vocabulary
names, the inverse direction) are folded under it (:func:`webapp.describe.fold`); an incoming link is
headed by the inverse property's label or the property's ``dv:inverseLabel`` (ontology/inverse-labels.ttl).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, redirect, render_template, request

from graph import settings
from graph import terms as ox
from graph.namespaces import ELI, RDFS, SCHEMA, SKOS, prefixes
from webapp import snapshot
from webapp.conneg import FORMAT_TITLES, HTML, RDF_FORMATS, choose
from webapp.describe import (
    Group, Vocabulary, count, describe, display_names, dv, entity_triples, fold, literal_values,
    one_valued_properties, select, source_info, types_of, values_of, vocabulary,
)
from webapp.errors import Refused
from webapp.i18n import current_lang, pick
from webapp.urls import (
    KINDS, SUFFIXES, entity_iri, entity_page_url, entity_url, split_entity_iri, sparql_url, term_href,
)

bp = Blueprint("entity", __name__)

OFFERED = [HTML, "turtle", "ntriples", "jsonld", "rdfxml"]
PER_PAGE = 50  # rows per group and page (config DANVAN_ENTITY_ROWS)
# Sources cited on one row. A hub's statements are restated by every article that mentions it (a
# province's Party committee: one type statement from 710 articles at 1M triples), and citing each one
# made that page 540 kB and 5x slower than other hubs; past this many, the row links to the full list.
SOURCES_PER_ROW = 3
XSD = "http://www.w3.org/2001/XMLSchema#"

STRINGS = {
    "vi": {
        "asserted": "khẳng định", "entailed": "suy diễn", "inferred": "suy diễn (OWL 2 RL)",
        "ontology": "bản thể học", "out": "Các dữ kiện", "in": "Liên kết đến đây",
        "none": "Không có.", "value": "Giá trị", "subject": "Chủ thể", "sources": "Nguồn",
        "property": "Thuộc tính", "conflict": "Mâu thuẫn", "conflict_note":
        "Các nguồn nêu những giá trị khác nhau cho một thuộc tính chỉ có một giá trị; mọi giá trị được giữ nguyên, kèm nguồn.",
        "page": "Trang", "of": "/", "prev": "← Trước", "next": "Sau →", "query_this": "Truy vấn thực thể này (DESCRIBE)",
        "formats": "Định dạng", "status": "Hiệu lực", "in_force": "còn hiệu lực",
        "in_force_note": "không có văn bản thay thế trong dữ liệu", "replaced_by": "bị thay thế bởi",
        "on": "ngày", "no_longer": "hết hiệu lực từ", "entry": "có hiệu lực từ",
        "chain": "Chuỗi thay thế", "based_on_it": "Văn bản căn cứ vào văn bản này",
        "outdated": "có thể đã lỗi thời (căn cứ vào văn bản đã bị thay thế)",
        "its_basis": "Căn cứ", "basis_replaced": "căn cứ vào văn bản đã bị thay thế",
        "events_doc": "Sự kiện quán triệt, triển khai văn bản", "posts": "Chức vụ được ghi nhận",
        "date": "Ngày", "role": "Chức danh", "organization": "Tổ chức", "source": "Nguồn", "event": "Sự kiện",
        "no_date": "không ghi ngày", "spoke_at": "Sự kiện có phát biểu", "hierarchy": "Vị trí trong hệ thống tổ chức",
        "children": "Tổ chức trực thuộc", "people": "Người và chức vụ", "person": "Người",
        "issued": "Văn bản ban hành", "organized": "Sự kiện tổ chức", "when": "Thời gian", "place": "Địa điểm",
        "organizer": "Đơn vị tổ chức", "speakers": "Người phát biểu (chức vụ khi đó)",
        "attendance": "Số người dự", "approx": "khoảng", "points": "Điểm cầu cấp cơ sở",
        "connection_points": "Điểm cầu", "attendees": "Người, đơn vị dự", "documents": "Văn bản",
        "metadata": "Thông tin nguồn", "citation": "Trích dẫn", "facts": "Các dữ kiện nguồn này nêu", "headline": "Tiêu đề",
        "where_stated": "Chỗ nêu trong bài", "paragraph_n": "đoạn {n}", "confidence_n": "độ tin cậy {c}",
        "publisher": "Cơ quan đăng", "author": "Tác giả", "published": "Ngày đăng", "kind_of_page": "Loại",
        "total": "tổng", "shown": "đang hiện", "post_page": "trang chức vụ",
        "also": "cũng ghi là",
        "elsewhere": "{n} mục được ghi cụ thể hơn ở «{heading}».", "backwards": "là «{}» của",
        "iri": "Định danh (IRI)", "read_original": "Đọc bài gốc",
        "seed_file": "Mã bản lưu trong dự án (không công bố)",
        "caveat": "Cần lưu ý", "caveat_date": "Ngày của sự kiện này có thể sai: xem trang sự kiện.", "caveat_repealed": "Nguồn ghi sự kiện ngày {date}, nhưng {doc} mà sự kiện triển khai "
        "hay khảo sát đã hết hiệu lực từ {end}: ngày này có thể sai. Mọi nguồn vẫn được giữ nguyên.",
        "vocab_own": "Dân vận KG",
        "more_sources": "và {n} nguồn khác",
    },
    "en": {
        "asserted": "asserted", "entailed": "entailed", "inferred": "inferred (OWL 2 RL)",
        "ontology": "ontology", "out": "Statements about it", "in": "What links here",
        "none": "None.", "value": "Value", "subject": "Subject", "sources": "Sources",
        "property": "Property", "conflict": "Conflict", "conflict_note":
        "Sources give different values for a property that expects one; every value is kept, with its source.",
        "page": "Page", "of": "of", "prev": "← Previous", "next": "Next →", "query_this": "Query this (DESCRIBE)",
        "formats": "Formats", "status": "Status", "in_force": "in force",
        "in_force_note": "no replacing document in the data", "replaced_by": "replaced by",
        "on": "on", "no_longer": "no longer in force since", "entry": "in force since",
        "chain": "Replacement chain", "based_on_it": "Documents based on it",
        "outdated": "possibly outdated (based on a replaced document)",
        "its_basis": "Based on", "basis_replaced": "based on a replaced document",
        "events_doc": "Events that disseminated it", "posts": "Attested posts",
        "date": "Date", "role": "Role", "organization": "Organization", "source": "Source", "event": "Event",
        "no_date": "no date", "spoke_at": "Events spoken at", "hierarchy": "Place in the hierarchy",
        "children": "Sub-organizations", "people": "People and posts", "person": "Person",
        "issued": "Documents issued", "organized": "Events organized", "when": "Date", "place": "Place",
        "organizer": "Organizer", "speakers": "Speakers (posts held then)",
        "attendance": "Attendance", "approx": "about", "points": "Grassroots connection points",
        "connection_points": "Connection points", "attendees": "Attendees", "documents": "Documents",
        "metadata": "Source metadata", "citation": "Citation", "facts": "Facts this source states", "headline": "Headline",
        "where_stated": "Where the article states it", "paragraph_n": "paragraph {n}", "confidence_n": "confidence {c}",
        "publisher": "Publisher", "author": "Author", "published": "Published", "kind_of_page": "Kind",
        "total": "total", "shown": "shown", "post_page": "post page",
        "also": "also recorded as",
        "elsewhere": "{n} shown more specifically under «{heading}».", "backwards": "is the «{}» of",
        "iri": "Identifier (IRI)", "read_original": "Read the original",
        "seed_file": "Project archive reference (not published)",
        "caveat": "Caveat", "caveat_date": "This event's date may be wrong: see the event's page.", "caveat_repealed": "The source dates this event {date}, but {doc}, which it rolls out or "
        "surveys, was no longer in force from {end}: the date may be wrong. Every source is kept as it is.",
        "vocab_own": "Dân vận KG",
        "more_sources": "and {n} more sources",
    },
}


@bp.get("/id/<kind>/<slug>")
def show(kind: str, slug: str):
    stem, dot, ext = slug.rpartition(".")
    fmt = None
    if dot and ext in SUFFIXES:
        slug, fmt = stem, SUFFIXES[ext]
    if kind not in KINDS:
        raise Refused(404, f"There is no kind of entity called {kind!r}; kinds: {', '.join(KINDS)}.")
    iri = entity_iri(kind, slug)
    if split_entity_iri(iri) is None:
        raise Refused(404, f"{slug!r} is not a valid identifier.")
    if fmt is None:
        fmt = choose(OFFERED, default=HTML)
    if fmt not in OFFERED:
        raise Refused(406 if fmt else 400, f"This page is available as {', '.join(OFFERED)}, not {fmt!r}.")
    snap = snapshot()
    group, page = _paging()
    outline = describe(snap.store, iri, {group: page} if group else {}, _per_page(), settings.inferred_graph(),
                       memo=snap.memo)
    if outline is None:
        raise Refused(404, f"Nothing in the graph is about <{iri}>.")
    if fmt != HTML:
        media, rdf_format = RDF_FORMATS[fmt]
        body = ox.serialize(entity_triples(snap.store, iri), format=rdf_format, prefixes=_prefixes())
        response = Response(body, mimetype=media)
    elif kind == "evidence":  # where a source states a fact: shown on the source's page, with the fact
        found = select(snap.store, "SELECT ?s WHERE { $S dv:evidenceFor ?s } LIMIT 1", iri)
        target = split_entity_iri(found[0]["s"].value) if found else None
        if target is None:
            raise Refused(404, f"Nothing in the graph is about <{iri}>.")
        return redirect(entity_url(*target) + f"#ev-{slug}", 303)
    else:
        response = Response(Page(snap.store, kind, slug, iri, outline, group, page).render(), mimetype="text/html")
        response.headers["Link"] = ", ".join(
            f'<{entity_url(kind, slug, name)}>; rel="alternate"; type="{RDF_FORMATS[name][0]}"'
            for name in RDF_FORMATS)
    response.headers["Vary"] = "Accept"
    return response


def _per_page() -> int:
    return int(current_app.config.get("DANVAN_ENTITY_ROWS", PER_PAGE))


def _paging() -> tuple[str | None, int]:
    """The group asked to be paged (``?group=KEY&page=N``); the key is only ever compared, not used."""
    group = request.args.get("group") or None
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    return group, min(page, 10**6)


def _prefixes() -> dict[str, str]:
    p = prefixes()
    p["id"] = settings.base_iri() + "id/"
    return p


def compact(iri: str) -> str:
    """A prefixed name when a known namespace fits (for properties without a label)."""
    for prefix, ns in sorted(prefixes().items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


# an event dated after the document it rolls out or surveys went out of force: the same test as the
# build's warning (ontology/shapes.ttl, EventOnRepealedDocumentShape)
DOUBTFUL_DATES = (f"SELECT DISTINCT ?date ?doc ?end WHERE {{ ?event dv:startDate ?date . "
                  f"{{ ?event dv:disseminates ?doc }} UNION {{ ?event dv:surveysImplementationOf ?doc }} "
                  f"?doc <{ELI.date_no_longer_in_force}> ?end FILTER(?date > ?end) }}")

VOCABULARIES = {"eli": "ELI", "dct": "Dublin Core", "schema": "schema.org", "foaf": "FOAF", "skos": "SKOS",
                "org": "W3C ORG", "rdfs": "RDF Schema", "rdf": "RDF", "prov": "PROV-O", "owl": "OWL", "time": "OWL-Time"}


def readable(iri: str) -> str:
    """A term without a label, as a reader can take it: a web page by its site, a vocabulary term
    by its local name, anything else (``urn:``, ``javascript:``) as written."""
    ours = split_entity_iri(iri)
    if ours:
        return ours[1]
    if iri.startswith(("http://", "https://")):
        rest = iri.split("://", 1)[1]
        host, _, path = rest.partition("/")
        local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
        if compact(iri) != iri:
            return local
        return host + ("/…" if path.strip("/") else "")
    return iri


_DATE = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})(.*)$")


def format_date(lit) -> str:
    """``xsd:date`` (and the date of an ``xsd:dateTime``) as dd/mm/yyyy; anything else as written."""
    if not isinstance(lit, ox.Literal):
        return ""
    dt = lit.datatype.value if lit.datatype else ""
    m = _DATE.match(lit.value)
    if m and dt in (XSD + "date", XSD + "dateTime"):
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    return lit.value


class Page:
    """Everything one entity page shows; names are looked up once, for every IRI it mentions."""

    def __init__(self, store: ox.Store, kind: str, slug: str, iri: str, outline, group: str | None, page: int):
        self.store, self.kind, self.slug, self.iri, self.outline = store, kind, slug, iri, outline
        self.paged_group, self.paged_page = group, page
        self.lang = current_lang()
        self.s = pick(STRINGS)
        self.inferred = settings.inferred_graph()
        self.iris: set[str] = {iri}
        self.graphs: set[str] = set()
        self.posts_at: dict[str, list[dict]] = {}  # on an event's page: person → posts attested there
        self._doubtful: set[str] | None = None

    # -- helpers for sections -------------------------------------------------------------------
    def doubtful_events(self) -> set[str]:
        """Events whose date the build doubts (SHACL EventOnRepealedDocumentShape, conflict C3), so
        that every page listing such an event by its date marks it."""
        if self._doubtful is None:
            # A whole-graph question (every dated event): asked once per build, not once per page.
            self._doubtful = snapshot().cached("entity.doubtful_events", lambda: frozenset(
                r["event"].value for r in select(self.store, DOUBTFUL_DATES.replace(
                    "SELECT DISTINCT ?date ?doc ?end", "SELECT DISTINCT ?event") + " LIMIT 1000", self.iri)))
        return self._doubtful

    def q(self, query: str, **iris: str) -> list:
        rows = select(self.store, query, self.iri, INF=self.inferred, **iris)
        self._note(rows)
        return rows

    def _note(self, rows) -> None:
        for r in rows:
            for term in r:
                if isinstance(term, ox.NamedNode):
                    self.iris.add(term.value)

    def page_of(self, key: str) -> int:
        return self.paged_page if self.paged_group == key else 1

    def paged(self, key: str, count_query: str, page_query: str, per_page: int | None = None,
              details: dict[str, str] | None = None, sort: str | None = None) -> dict:
        """A kind section's list, counted and paged like the statement groups: the page query selects
        ``?x`` with LIMIT/OFFSET and no ORDER BY (see describe.group_page); ``details`` (name →
        property) are then looked up for each row in the index, and rows sorted by ``sort``."""
        per_page = per_page or _per_page()
        total = count(self.store, count_query, self.iri)
        pages = max(1, -(-total // per_page))
        page = min(self.page_of(key), pages)
        found = self.q(page_query.replace("$LIMIT", str(per_page)).replace("$OFFSET", str((page - 1) * per_page)))
        if details is None:
            rows = found
        else:
            rows = []
            for r in found:
                row = {"x": r["x"]}
                for name, prop in details.items():
                    vals = values_of(self.store, r["x"], prop)
                    row[name] = vals[0] if vals else None
                    self._note([vals])
                rows.append(row)
            rows.sort(key=lambda row: (row.get(sort) is None if sort else False,
                                       str(row.get(sort)) if sort else "", str(row["x"])))
        return {"key": key, "count": total, "page": page, "pages": pages, "rows": rows}

    # -- kind sections ----------------------------------------------------------------------------
    def document(self) -> dict:
        vals = literal_values(self.store, self.iri, [str(ELI.date_no_longer_in_force), dv("endOfValidity"),
                                                      dv("entryIntoForce"), dv("dateIssued")])
        ends = vals.get(str(ELI.date_no_longer_in_force), []) + vals.get(dv("endOfValidity"), [])
        replaced = self.q("SELECT DISTINCT ?new ?date WHERE { $S dv:replacedBy ?new "
                          "OPTIONAL { ?new dv:dateIssued ?date } } ORDER BY ?date ?new LIMIT 20")
        end = min(ends, key=lambda lit: lit.value) if ends else None
        if end is None and replaced and replaced[0]["date"] is not None:
            end = replaced[0]["date"]
        status = {"replaced": [r["new"] for r in replaced], "end": end,
                  "entry": (vals.get(dv("entryIntoForce")) or [None])[0]}
        before = self.q("SELECT DISTINCT ?d ?date WHERE { $S dv:replaces+ ?d OPTIONAL { ?d dv:dateIssued ?date } } "
                        "ORDER BY ?date ?d LIMIT 20")
        after = self.q("SELECT DISTINCT ?d ?date WHERE { $S dv:replacedBy+ ?d OPTIONAL { ?d dv:dateIssued ?date } } "
                       "ORDER BY ?date ?d LIMIT 20")
        issued = vals.get(dv("dateIssued"), [])
        chain = ([{"node": r["d"], "date": r["date"], "self": False} for r in before]
                 + [{"node": ox.NamedNode(self.iri), "date": issued[0] if issued else None, "self": True}]
                 + [{"node": r["d"], "date": r["date"], "self": False} for r in after])
        based = self.paged(
            "based", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:basedOn $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:basedOn $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"date": dv("dateIssued")}, sort="date")
        basis = self.q("SELECT ?b (SAMPLE(?nw) AS ?new) WHERE { $S dv:basedOn ?b OPTIONAL { ?b dv:replacedBy ?nw } } "
                       "GROUP BY ?b ORDER BY ?b LIMIT 50")
        events = self.paged(
            "events", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:concerns $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:concerns $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"date": dv("startDate")}, sort="date")
        concerns = {dv(t) for t in ("disseminates", "studyMaterial", "surveysImplementationOf", "concerns")}
        for row in events["rows"]:  # how each event concerns it, as its sources say (most specific terms)
            row["how"] = sorted({q.predicate.value for q in self.store.quads_for_pattern(row["x"], None, ox.NamedNode(self.iri), None)
                                 if q.predicate.value in concerns and isinstance(q.graph_name, ox.NamedNode)
                                 and q.graph_name.value != self.inferred})
            self.iris.update(row["how"])
        return {"status": status, "chain": chain if len(chain) > 1 else [], "based": based,
                "outdated": bool(status["replaced"]), "basis": basis, "events": events}

    def person(self) -> dict:
        total = count(self.store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?post dv:holder $S } "
                                  "FILTER(?g != $INF) }", self.iri, INF=self.inferred)
        rows = self.q(
            "SELECT ?post ?role ?org ?g ?date ?event WHERE { GRAPH ?g { ?post dv:holder $S } FILTER(?g != $INF) "
            "OPTIONAL { GRAPH ?g { ?post dv:role ?role } } OPTIONAL { GRAPH ?g { ?post dv:postIn ?org } } "
            "OPTIONAL { GRAPH ?g { ?post dv:attestedOn ?date } } OPTIONAL { GRAPH ?g { ?post dv:attestedAt ?event } } "
            "} ORDER BY ?post ?g LIMIT 500")
        timeline = []
        for r in rows:
            self.graphs.add(r["g"].value)
            timeline.append({"post": r["post"], "role": r["role"], "org": r["org"], "graph": r["g"].value,
                             "date": r["date"], "event": r["event"]})
        event_dates = self._event_dates({t["event"].value for t in timeline if t["event"] is not None})
        for t in timeline:
            t["event_date"] = event_dates.get(t["event"].value) if t["event"] is not None else None
        # dated attestations first, by date; then those whose source gives no date
        timeline.sort(key=lambda t: (t["date"] is None, t["date"].value if t["date"] is not None else "",
                                     t["role"].value if t["role"] is not None else ""))
        spoke = self.paged(
            "spoke", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:speaker $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:speaker $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"date": dv("startDate")}, sort="date")
        for row in spoke["rows"]:
            row["graphs"] = sorted({q.graph_name.value for q in self.store.quads_for_pattern(
                row["x"], ox.NamedNode(dv("speaker")), ox.NamedNode(self.iri), None)
                if isinstance(q.graph_name, ox.NamedNode)})
            bound_sources(row, (row["x"], ox.NamedNode(dv("speaker")), ox.NamedNode(self.iri)))
            self.graphs.update(row["graphs"])
        return {"timeline": timeline, "total": total, "spoke": spoke}

    def _event_dates(self, events: set[str]) -> dict[str, ox.Literal]:
        if not events:
            return {}
        values = " ".join(str(ox.NamedNode(e)) for e in sorted(events))
        rows = self.store.query(f"SELECT ?e (MIN(?d) AS ?date) WHERE {{ VALUES ?e {{ {values} }} "
                                f"?e <{dv('startDate')}> ?d }} GROUP BY ?e")
        return {r["e"].value: r["date"] for r in rows if r["date"] is not None}

    def organization(self) -> dict:
        edges = self.q("SELECT DISTINCT ?a ?b WHERE { $S dv:subOrganizationOf* ?a . ?a dv:subOrganizationOf ?b } LIMIT 100")
        parents: dict[str, list[ox.NamedNode]] = {}
        for r in edges:
            parents.setdefault(r["a"].value, []).append(r["b"])
        paths: list[list[ox.NamedNode]] = []

        def up(node: ox.NamedNode, path: list[ox.NamedNode]) -> None:
            above = [p for p in parents.get(node.value, []) if p not in path]
            if not above or len(path) > 10 or len(paths) >= 10:
                paths.append(list(reversed(path)))
                return
            for p in above:
                up(p, path + [p])

        up(ox.NamedNode(self.iri), [])
        children = self.paged(
            "children", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:subOrganizationOf $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:subOrganizationOf $S } LIMIT $LIMIT OFFSET $OFFSET", details={})
        posts = self.paged(
            "posts", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:postIn $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:postIn $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"person": dv("holder"), "role": dv("role"), "date": dv("attestedOn")}, sort="date")
        issued = self.paged(
            "issued", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:issuedBy $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:issuedBy $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"date": dv("dateIssued")}, sort="date")
        organized = self.paged(
            "organized", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x dv:organizer $S }",
            "SELECT DISTINCT ?x WHERE { ?x dv:organizer $S } LIMIT $LIMIT OFFSET $OFFSET",
            details={"date": dv("startDate")}, sort="date")
        return {"paths": paths, "children": children, "posts": posts, "issued": issued, "organized": organized}

    def event(self) -> dict:
        facts = self.q("SELECT ?p ?v WHERE { VALUES ?p { dv:startDate dv:location dv:organizer dv:attendeeCount "
                       "dv:attendeeCountIsApproximate dv:grassrootsConnectionPointCount dv:partOfDay } $S ?p ?v } "
                       "ORDER BY ?p ?v LIMIT 100")
        by: dict[str, list] = {}
        for r in facts:
            by.setdefault(r["p"].value.rpartition("#")[2], []).append(r["v"])
        speakers = self.q(
            "SELECT ?person ?role ?org WHERE { $S dv:speaker ?person "
            "OPTIONAL { ?post dv:holder ?person ; dv:attestedAt $S OPTIONAL { ?post dv:role ?role } "
            "OPTIONAL { ?post dv:postIn ?org } } } ORDER BY ?person ?role LIMIT 200")
        grouped: dict[str, dict] = {}
        for r in speakers:
            entry = grouped.setdefault(r["person"].value, {"person": r["person"], "posts": []})
            if r["role"] is not None or r["org"] is not None:
                entry["posts"].append({"role": r["role"], "org": r["org"]})
        attendees = self.paged(
            "attendees", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { $S dv:attendee ?x }",
            "SELECT DISTINCT ?x WHERE { $S dv:attendee ?x } LIMIT $LIMIT OFFSET $OFFSET", details={})
        held = self.q("SELECT DISTINCT ?person ?role ?org WHERE { ?post dv:attestedAt $S ; dv:holder ?person "
                      "OPTIONAL { ?post dv:role ?role } OPTIONAL { ?post dv:postIn ?org } } ORDER BY ?person ?role LIMIT 500")
        posts_at: dict[str, list[dict]] = {}
        for r in held:
            posts_at.setdefault(r["person"].value, []).append({"role": r["role"], "org": r["org"]})
        for row in attendees["rows"]:
            row["posts"] = posts_at.get(row["x"].value, [])
        self.posts_at = posts_at
        # the build's warning on this event (conflict C3 in docs/sources.md), for the reader
        caveats = self.q(DOUBTFUL_DATES.replace("?event", "$S") + " ORDER BY ?doc LIMIT 20")
        points = self.q("SELECT DISTINCT ?c WHERE { $S dv:connectionPoint ?c } ORDER BY ?c LIMIT 50")
        documents = self.q(
            "SELECT ?d ?p WHERE { GRAPH ?g { $S ?p ?d } FILTER(?g != $INF) "
            "VALUES ?p { dv:disseminates dv:studyMaterial dv:surveysImplementationOf dv:concerns } } "
            "GROUP BY ?d ?p ORDER BY ?p ?d LIMIT 100")
        return {"facts": by, "speakers": list(grouped.values()), "attendees": attendees, "points": points,
                "documents": documents, "caveats": caveats}

    def source(self) -> dict:
        meta = self.q("SELECT ?p ?v WHERE { VALUES ?p { dv:headline dv:publisher dv:author dv:datePublished "
                      "dv:section dv:seedFile dv:datelineNote dv:publishedIn dv:issueNumber } $S ?p ?v } "
                      "ORDER BY ?p ?v LIMIT 100")
        by: dict[str, list] = {}
        for r in meta:
            v = r["v"]
            if isinstance(v, ox.Literal) and v.language and v.language != self.lang and any(
                    isinstance(o["v"], ox.Literal) and o["v"].language == self.lang and o["p"] == r["p"] for o in meta):
                continue
            by.setdefault(r["p"].value.rpartition("#")[2], []).append(v)
        # a reference source names the document, edition and date it rests on (dct:bibliographicCitation)
        for r in self.q("SELECT ?v WHERE { $S <http://purl.org/dc/terms/bibliographicCitation> ?v } ORDER BY ?v LIMIT 10"):
            v = r["v"]
            if not (isinstance(v, ox.Literal) and v.language and v.language != self.lang):
                by.setdefault("citation", []).append(v)
        # the article itself, where its address is known; the seed file name is only a reference
        original = [r["u"] for r in self.q(f"SELECT DISTINCT ?u WHERE {{ $S <{SCHEMA.url}> ?u }} ORDER BY ?u LIMIT 5")]
        links = [x.value for x in original if isinstance(x, (ox.NamedNode, ox.Literal)) and
                 x.value.startswith(("http://", "https://")) and term_href(x.value)]
        # each fact once, with where a reviewed source's article states it (its dv:Evidence nodes)
        facts = self.paged(
            "facts", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH $S { ?s ?p ?o FILTER NOT EXISTS { ?s a dv:Evidence } } }",
            "SELECT ?s ?p ?o WHERE { GRAPH $S { ?s ?p ?o FILTER NOT EXISTS { ?s a dv:Evidence } } } "
            "LIMIT $LIMIT OFFSET $OFFSET",
            per_page=max(_per_page(), 100))
        rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        where: dict[tuple, tuple] = {}
        for r in select(self.store, f"SELECT ?s ?p ?o ?e ?n ?c WHERE {{ GRAPH $S {{ ?e dv:evidenceFor $S ; "
                        f"<{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o "
                        "OPTIONAL { ?e dv:paragraph ?n } OPTIONAL { ?e dv:confidence ?c } } }", self.iri):
            key, n = (r["s"], r["p"], r["o"]), int(r["n"].value) if r["n"] else None
            if key not in where or (n is not None and (where[key][0] is None or n < where[key][0])):
                where[key] = (n, r["c"].value if r["c"] else None, split_entity_iri(r["e"].value))
        facts["rows"] = [{"s": r["s"], "p": r["p"], "o": r["o"]} for r in facts["rows"]]
        for row in facts["rows"]:
            n, c, ev = where.get((row["s"], row["p"], row["o"]), (None, None, None))
            row.update(para=n, conf=_decimal(c, self.lang) if c else None, ev=ev[1] if ev else None)
        facts["evidence"] = any(r["para"] is not None for r in facts["rows"])
        facts["rows"].sort(key=lambda r: (str(r["s"]), str(r["p"]), str(r["o"])))
        return {"meta": by, "facts": facts, "original": links}

    # -- the page ----------------------------------------------------------------------------------
    def render(self) -> str:
        section = getattr(self, self.kind.replace("-", "_"), None) if self.kind in (
            "document", "person", "organization", "event", "source") else None
        special = section() if section else None
        groups = self.outline.outgoing + self.outline.incoming
        # the ontology's, so the build's: read once per build, not per page
        one_valued = snapshot().cached("one_valued", lambda: one_valued_properties(self.store))
        for g in groups:
            if g.direction == "out" and g.predicate in one_valued:
                asserted = {row["value"] for row in g.rows if not row["entailed"]}
                g.conflict = len(asserted) > 1
        vocab = snapshot().cached("vocabulary", lambda: vocabulary(self.store))
        if self.kind == "event" and special and special["caveats"]:
            for g in groups:
                g.caveat = g.direction == "out" and g.predicate == dv("startDate")
        # a conflict shows wherever its fact does: under the standard names it entails, too
        for g in groups:
            if g.conflict:
                for other in groups:
                    if (other.predicate, other.direction) in vocab.forms(g.predicate, g.direction):
                        other.conflict = True
        fold(self.store, self.iri, self.outline, vocab, self.inferred, memo=snapshot().memo)
        self.outline.outgoing = [g for g in self.outline.outgoing if not g.folded]
        self.outline.incoming = [g for g in self.outline.incoming if not g.folded]
        node = ox.NamedNode(self.iri)
        for g in groups:
            self.iris.add(g.predicate)
            self.iris.update(vocab.inverses.get(g.predicate, ()))
            for row in g.rows:
                value, predicate = row["value"], ox.NamedNode(g.predicate)
                bound_sources(row, (node, predicate, value) if g.direction == "out" else (value, predicate, node))
                self.graphs.update(row["graphs"])
                if isinstance(row["value"], ox.NamedNode):
                    self.iris.add(row["value"].value)
        kinds = types_of(self.store, self.iri, self.inferred)
        self.iris.update(kinds)
        if self.kind == "source":
            self.iris.update(dv(k) for k in ("headline", "publisher", "author", "datePublished", "section",
                                             "publishedIn", "issueNumber", "seedFile", "datelineNote"))
        sources = source_info(self.store, self.graphs)
        self.iris.update(self.graphs)
        self.iris.update(i["publisher"] for i in sources.values() if i["publisher"])
        names = display_names(self.store, self.iris, lang=self.lang)
        description = self._description(names)
        view = View(self, names, sources, vocab)
        # what the sources say first, by heading; groups only the reasoner adds after them
        for gs in (self.outline.outgoing, self.outline.incoming):
            gs.sort(key=lambda g: (all(r["entailed"] for r in g.rows), view.heading(g).casefold()))
        return render_template(
            "entity.html", s=self.s, v=view, iri=self.iri, kind=self.kind, slug=self.slug,
            label=names.get(self.iri) or self.slug, kinds=kinds, description=description,
            special=special, outgoing=self.outline.outgoing, incoming=self.outline.incoming,
            query_href=sparql_url(f"DESCRIBE <{self.iri}>"),
            alternates=[(FORMAT_TITLES[name], RDF_FORMATS[name][0], entity_url(self.kind, self.slug, name))
                        for name in RDF_FORMATS],
        )

    def _description(self, names: dict[str, str]) -> str | None:
        props = [dv("title"), str(SKOS.definition), str(RDFS.comment), str(SCHEMA.description), dv("headline")]
        vals = literal_values(self.store, self.iri, props)
        for p in props:
            lits = vals.get(p, [])
            # the page's language first; another language only where the page's has none (a title the
            # heading already shows in this language is not repeated in the other one)
            own = [lit for lit in lits if lit.language in (self.lang, None)]
            for lit in sorted(own or lits, key=lambda lit: (lit.language is None, lit.value)):
                if lit.value != names.get(self.iri):
                    return lit.value
        return None


def bound_sources(row: dict, triple: tuple) -> None:
    """Keep :data:`SOURCES_PER_ROW` of a row's sources (``row["graphs"]``, sorted); ``row["more"]`` counts
    the others and ``row["more_href"]`` is the SPARQL query that lists them all. Whether the row is
    entailed was decided on every source, before."""
    graphs = row["graphs"]
    row["more"] = max(0, len(graphs) - SOURCES_PER_ROW)
    row["more_href"] = None
    if row["more"]:
        row["graphs"] = graphs[:SOURCES_PER_ROW]
        s, p, o = triple  # terms from the store: str() writes each in N-Triples, valid SPARQL
        if not isinstance(s, ox.BlankNode) and not isinstance(o, ox.BlankNode):
            row["more_href"] = sparql_url(f"SELECT ?source WHERE {{ GRAPH ?source {{ {s} {p} {o} }} }} ORDER BY ?source")


def _decimal(value: str, lang: str) -> str:
    """0.9 → "0.90" in English, "0,90" in Vietnamese."""
    text = f"{float(value):.2f}"
    return text.replace(".", ",") if lang == "vi" else text


class View:
    """What templates call to show terms, sources and pager links (all escaped by Jinja)."""

    def __init__(self, page: Page, names: dict[str, str], sources: dict[str, dict], vocab: Vocabulary):
        self.page, self.names, self.sources, self.vocab = page, names, sources, vocab
        self.s = page.s

    def term(self, t) -> dict:
        if isinstance(t, str):
            t = ox.NamedNode(t)
        if isinstance(t, ox.NamedNode):
            return {"type": "iri", "iri": t.value, "label": self.names.get(t.value) or readable(t.value),
                    "href": term_href(t.value)}
        if isinstance(t, ox.Literal):
            dt = t.datatype.value if t.datatype else None
            # a web address given as a literal (xsd:anyURI or a plain string) is a link, named by its site
            if not t.language and t.value.startswith(("http://", "https://")) and " " not in t.value:
                return {"type": "iri", "iri": t.value, "label": readable(t.value), "href": term_href(t.value)}
            plain = t.language or not dt or dt.endswith(("#string", "#langString", "#date", "#integer", "#boolean"))
            return {"type": "literal", "text": format_date(t), "lang": t.language,
                    "datatype": None if plain else compact(dt)}
        if t is None:
            return {"type": "none", "text": ""}
        return {"type": "blank", "text": f"_:{getattr(t, 'value', t)}"}

    def posts_at(self, t) -> list[dict]:
        """The posts a source attests for a person at this event (empty on other pages)."""
        return self.page.posts_at.get(t.value, []) if isinstance(t, ox.NamedNode) else []

    def doubtful(self, t) -> bool:
        return isinstance(t, ox.NamedNode) and t.value in self.page.doubtful_events()

    def date(self, lit) -> str:
        return format_date(lit) if lit is not None else ""

    def cite(self, graph: str) -> dict:
        if graph == self.page.inferred:
            return {"label": self.s["inferred"], "href": None, "iri": graph, "entailed": True}
        if graph == settings.ontology_graph():
            return {"label": self.s["ontology"], "href": None, "iri": graph, "entailed": False}
        info = self.sources.get(graph, {})
        publisher = self.names.get(info["publisher"]) if info.get("publisher") else None
        return {"label": info.get("headline") or self.names.get(graph) or graph, "href": term_href(graph),
                "iri": graph, "publisher": publisher, "date": format_date(info.get("date")), "entailed": False}

    def prop(self, iri: str) -> str:
        if iri == dv("seedFile"):
            return self.s["seed_file"]  # "tệp gốc" reads as a file one could open; it is not published
        return self.names.get(iri) or readable(iri)

    def dvprop(self, local: str) -> str:
        return self.prop(dv(local))

    def heading(self, g: Group) -> str:
        """A group's heading, read from the entity: forward, the property's label; backward, the
        inverse property's label, else the property's inverse phrase — never the forward label."""
        if g.direction == "out":
            return self.prop(g.predicate)
        partners = sorted(self.vocab.inverses.get(g.predicate, ()),
                          key=lambda p: (not p.startswith(settings.ontology_namespace()), p))
        for p in partners:
            if p in self.names:
                return self.names[p]
        phrase = self.vocab.inverse_label(g.predicate, self.page.lang)
        return phrase or self.s["backwards"].format(self.prop(g.predicate))

    def also(self, g: Group) -> list[dict]:
        """The groups folded under ``g``: their headings, vocabulary and (in a tooltip) prefixed name."""
        out = []
        for f in sorted(g.also, key=lambda f: compact(f.predicate)):
            if f.direction != g.direction:
                continue  # the same fact read backwards: its sources are already on the row
            out.append({"label": self.heading(f), "vocabulary": self.vocabulary_name(f.predicate),
                        "curie": compact(f.predicate)})
        return out

    def vocabulary_name(self, iri: str) -> str:
        prefix = compact(iri).partition(":")[0]
        return self.s["vocab_own"] if prefix == "dv" else VOCABULARIES.get(prefix, prefix)

    def page_href(self, key: str, page: int) -> str:
        return entity_page_url(self.page.kind, self.page.slug, group=key, page=page)

    def group_id(self, g: Group) -> str:
        return "g-" + re.sub(r"[^A-Za-z0-9]+", "-", f"{g.direction}-{compact(g.predicate)}").strip("-")

    def kind_names(self, kinds: list[str]) -> list[str]:
        return [self.names.get(k) or readable(k) for k in kinds]
