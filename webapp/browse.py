"""``/browse``: every entity of a kind, with counts and facets, in Vietnamese dictionary order and in
pages; and the organization tree.

Facet counts are SPARQL ``GROUP BY`` queries over the default graph (the union of every source graph
and the inferred one). Each count is computed under the other active filters, so a facet shows what
choosing another of its values would give. Filter values from the query string are turned into RDF
terms (pyoxigraph validates IRIs) and joined in with ``VALUES``; the query text itself is fixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request

from graph import settings
from graph import terms as ox
from graph.browse_index import BrowseIndex
from webapp import snapshot
from webapp.collation import vi_key
from webapp.describe import labels
from webapp.errors import Refused
from webapp.i18n import current_lang, pick
from webapp.scans import Scans
from webapp.urls import LISTED_KINDS, browse_url, entity_prefix, term_href

bp = Blueprint("browse", __name__)

PAGE_SIZE = 50
# Values listed per facet: the most frequent (and the selected one). An issuer facet of a national graph
# has tens of thousands of values, which no one reads as a list (search finds them).
FACET_VALUES = 50
PAGE_LINKS = 5  # pager links either side of the current page
MAX_FILTER_LENGTH = 2000  # checked before the value is looked at
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# The kinds, in the order the browse index and the home page show them.
ORDER = ("document", "organization", "person", "post", "event", "place", "source", "movement", "work", "role",
         "document-type", "level", "connection-point", "attendee-group")
assert set(ORDER) == set(LISTED_KINDS)

KIND_NAMES = {
    "vi": {"document": "Văn bản", "organization": "Tổ chức", "person": "Cá nhân", "post": "Chức vụ",
           "event": "Sự kiện", "place": "Địa danh", "source": "Nguồn tin", "movement": "Phong trào",
           "work": "Tác phẩm", "role": "Vai trò", "document-type": "Loại văn bản", "level": "Cấp",
           "connection-point": "Điểm cầu", "attendee-group": "Nhóm người dự"},
    "en": {"document": "Documents", "organization": "Organizations", "person": "People", "post": "Posts",
           "event": "Events", "place": "Places", "source": "Sources", "movement": "Movements",
           "work": "Works", "role": "Roles", "document-type": "Document types", "level": "Levels",
           "connection-point": "Connection points", "attendee-group": "Attendee groups"},
}

STRINGS = {
    "vi": {"browse": "Duyệt", "browse_lead": "Mọi thực thể trong đồ thị, theo loại.",
           "kind": "Loại", "count": "Số lượng", "facets": "Lọc theo", "filters": "Đang lọc",
           "remove": "bỏ lọc", "clear": "Bỏ mọi bộ lọc", "showing": "Hiển thị {first}–{last} trong {total}",
           "none": "Không có mục nào.", "page": "Trang {page}/{pages}", "prev": "← Trang trước",
           "next": "Trang sau →", "pages": "Phân trang", "tree": "Cây tổ chức",
           "tree_lead": "Các tổ chức theo quan hệ trực thuộc; bấm vào một nhánh để mở hoặc thu gọn.",
           "units": "đơn vị trực thuộc", "selected": "đang chọn", "results": "Kết quả"},
    "en": {"browse": "Browse", "browse_lead": "Every entity in the graph, by kind.",
           "kind": "Kind", "count": "Count", "facets": "Filter by", "filters": "Filters",
           "remove": "remove filter", "clear": "Clear all filters", "showing": "Showing {first}–{last} of {total}",
           "none": "Nothing here.", "page": "Page {page} of {pages}", "prev": "← Previous page",
           "next": "Next page →", "pages": "Pages", "tree": "Organization tree",
           "tree_lead": "Organizations by which one each belongs to; open or close a branch by clicking it.",
           "units": "sub-organizations", "selected": "selected", "results": "Results"},
}


@dataclass(frozen=True)
class Facet:
    """A facet of a kind: ``pattern`` binds ``?VALUE`` (the value) for the entity ``?s``; its helper
    variables start with ``?T_``. ``prefix`` is dropped from IRI values in URLs; ``year`` facets are integers."""

    name: str
    label: dict[str, str]
    pattern: str
    prefix: str | None = None
    year: bool = False

    def sparql(self, value_var: str) -> str:
        return self.pattern.replace("?T_", f"?t_{self.name}_").replace("?VALUE", value_var)

    def to_param(self, term) -> str:
        if self.year:
            return term.value
        if self.prefix and term.value.startswith(self.prefix) and _is_slug(term.value[len(self.prefix):]):
            return term.value[len(self.prefix):]
        return term.value

    def to_term(self, raw: str):
        """The term a query-string value stands for; :class:`Refused` (400) if it is not one."""
        if len(raw) > MAX_FILTER_LENGTH:
            raise Refused(400, f"{self.name}: a filter value has at most {MAX_FILTER_LENGTH} characters")
        if self.year:
            digits = raw[1:] if raw[:1] == "-" else raw
            if not (0 < len(digits) <= 4 and all(c in "0123456789" for c in digits)):
                raise Refused(400, f"{self.name}: a year is up to four digits, not {raw!r}")
            return ox.Literal(str(int(raw)), datatype=XSD_INTEGER)
        iri = self.prefix + raw if self.prefix and _is_slug(raw) else raw
        try:
            return ox.NamedNode(iri)
        except ValueError:
            raise Refused(400, f"{self.name}: not an IRI or a name: {raw!r}") from None


_SLUG_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SLUG_CHARS = _SLUG_START | frozenset("._~-")


def _is_slug(text: str) -> bool:
    return bool(text) and text[0] in _SLUG_START and all(c in _SLUG_CHARS for c in text)


def _ns() -> str:
    return settings.ontology_namespace()


def facets_for(kind: str) -> list[Facet]:
    dv = _ns()
    ids = entity_prefix()
    number_level = ("?s <{dv}documentNumber> ?T_{n} . {lv} a <{dv}AdministrativeLevel> ; "
                    "<http://www.w3.org/2004/02/skos/core#notation> ?T_{nn} . "
                    "FILTER(STRAFTER(STR(?T_{n}), \"/\") = STR(?T_{nn}))")
    by_number = number_level.format(dv=dv, n="num", lv="?VALUE", nn="nn")
    other_number = number_level.format(dv=dv, n="num2", lv="?T_lv2", nn="nn2")
    facets = {
        "document": [
            Facet("type", {"vi": "Loại văn bản", "en": "Document type"},
                  f"?s <{dv}documentType> ?VALUE", ids + "document-type/"),
            Facet("level", {"vi": "Cấp ban hành", "en": "Issuing level"},
                  # the level the number's suffix names (23-QĐ/TW → TW); else the issuer's level
                  f"{{ {by_number} }} UNION {{ ?s <{dv}issuedBy>/<{dv}level> ?VALUE . "
                  f"FILTER NOT EXISTS {{ {other_number} }} }}",
                  ids + "level/"),
            Facet("year", {"vi": "Năm ban hành", "en": "Year issued"},
                  f"?s <{dv}dateIssued> ?T_date . BIND(YEAR(?T_date) AS ?VALUE)", year=True),
            Facet("issuer", {"vi": "Cơ quan ban hành", "en": "Issuer"},
                  f"?s <{dv}issuedBy> ?VALUE", ids + "organization/"),
        ],
        "organization": [
            Facet("class", {"vi": "Loại tổ chức", "en": "Organization kind"},
                  # the most specific of its classes in our ontology
                  f"?s a ?VALUE . FILTER(STRSTARTS(STR(?VALUE), \"{dv}\")) "
                  "FILTER NOT EXISTS { ?s a ?T_sub . ?T_sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?VALUE . "
                  "FILTER(?T_sub != ?VALUE) }", dv),
            Facet("level", {"vi": "Cấp", "en": "Level"}, f"?s <{dv}level> ?VALUE", ids + "level/"),
        ],
        "event": [
            Facet("year", {"vi": "Năm", "en": "Year"},
                  f"?s <{dv}startDate> ?T_date . BIND(YEAR(?T_date) AS ?VALUE)", year=True),
            Facet("place", {"vi": "Địa điểm", "en": "Place"}, f"?s <{dv}location> ?VALUE", ids + "place/"),
        ],
        "source": [
            Facet("year", {"vi": "Năm đăng", "en": "Year published"},
                  f"?s <{dv}datePublished> ?T_date . BIND(YEAR(?T_date) AS ?VALUE)", year=True),
            Facet("publisher", {"vi": "Cơ quan đăng", "en": "Publisher"},
                  f"?s <{dv}publisher> ?VALUE", ids + "organization/"),
        ],
    }
    return facets.get(kind, [])


def _kind_pattern(kind: str) -> str:
    # An entity's kind is its IRI's: {base}id/{kind}/{slug} (the same rule as the home page's counts and
    # the entity pages), so a concept scheme under id/level/ is listed with the levels.
    prefix = ox.Literal(entity_prefix() + kind + "/")
    return f"?s a ?type . FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}))"


def _filter_patterns(active: list[tuple[Facet, object]]) -> str:
    return " ".join(f"{f.sparql('?f_' + f.name)} VALUES ?f_{f.name} {{ {term} }}" for f, term in active)


def members(store: ox.Store, kind: str, active: list[tuple[Facet, object]]) -> list[str]:
    q = f"SELECT DISTINCT ?s WHERE {{ {_kind_pattern(kind)} {_filter_patterns(active)} }}"
    return [r["s"].value for r in store.query(q)]


# --------------------------------------------------------------------------------- names and details

def post_names(store: ox.Store, posts: set[str], lang: str) -> dict[str, str]:
    """A post has no label of its own: "holder — role — organization"."""
    if not posts:
        return {}
    dv = _ns()
    values = " ".join(str(ox.NamedNode(p)) for p in sorted(posts))
    q = (f"SELECT ?s ?h ?r ?o WHERE {{ VALUES ?s {{ {values} }} OPTIONAL {{ ?s <{dv}holder> ?h }} "
         f"OPTIONAL {{ ?s <{dv}role> ?r }} OPTIONAL {{ ?s <{dv}postIn> ?o }} }}")
    rows = [(r["s"].value, [r[k].value if r[k] is not None else None for k in ("h", "r", "o")])
            for r in store.query(q)]
    names = labels(store, {x for _, parts in rows for x in parts if x}, lang)
    out: dict[str, str] = {}
    for s, parts in rows:
        text = " — ".join(names.get(x, x.rsplit("/", 1)[-1]) for x in parts if x)
        if text and (s not in out or text < out[s]):
            out[s] = text
    return out


def display_names(store: ox.Store, kind: str, iris: list[str], lang: str) -> dict[str, str]:
    """What each entity is listed as: a document by its number and label, a post by its parts, anything
    else by its label; the slug when there is nothing better."""
    names = labels(store, set(iris), lang)
    if kind == "post":
        names.update(post_names(store, set(iris), lang))
    if kind == "document":
        numbers = _values(store, iris, _ns() + "documentNumber")
        titles = _values(store, iris, _ns() + "title")  # its title when a source gives one
        names.update(titles)
        for iri in iris:
            num = numbers.get(iri)
            if num and names.get(iri) and names[iri] != num:
                names[iri] = f"{num} · {names[iri]}"
            elif num:
                names[iri] = num
    return {i: names.get(i) or i.rsplit("/", 1)[-1] for i in iris}


def _values(store: ox.Store, iris, prop: str) -> dict[str, str]:
    """One value of ``prop`` for each IRI (the least, for a stable choice)."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(set(iris)))
    q = f"SELECT ?s (MIN(STR(?o)) AS ?v) WHERE {{ VALUES ?s {{ {values} }} ?s {ox.NamedNode(prop)} ?o }} GROUP BY ?s"
    return {r["s"].value: r["v"].value for r in store.query(q) if r["v"] is not None}


DATE_PROPERTY = {"document": "dateIssued", "event": "startDate", "source": "datePublished", "work": "datePublished"}


def dates(store: ox.Store, kind: str, iris: list[str]) -> dict[str, str]:
    prop = DATE_PROPERTY.get(kind)
    return _values(store, iris, _ns() + prop) if prop else {}


# ------------------------------------------------------------------------------------------- views

def _page_size() -> int:
    return int(current_app.config.get("DANVAN_BROWSE_PAGE_SIZE", PAGE_SIZE))


def browse_index() -> BrowseIndex:
    """The build's browse index (:mod:`graph.browse_index`), opened once per build."""
    snap = snapshot()
    return snap.cached("browse_index", lambda: BrowseIndex.for_build(snap.build))


@bp.get("/browse")
def index():
    found = browse_index().counts()
    counts = {kind: found.get(kind, 0) for kind in ORDER}
    return render_template("browse.html", kind=None, counts=counts, kind_names=pick(KIND_NAMES),
                           t=pick(STRINGS))


def _active_filters(kind: str) -> list[tuple[Facet, object]]:
    by_name = {f.name: f for f in facets_for(kind)}
    active = []
    for name, f in by_name.items():
        raws = request.args.getlist(name)
        if len(raws) > 1:
            raise Refused(400, f"the filter {name!r} is given {len(raws)} times; give one value")
        if raws and raws[0] != "":
            active.append((f, f.to_term(raws[0])))
    return active


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not (0 < len(raw) <= 9 and all(c in "0123456789" for c in raw)) or int(raw) < 1:
        raise Refused(400, f"page must be a whole number from 1, not {raw!r}")
    return int(raw)


@bp.get("/browse/<kind>")
def listing(kind: str):
    if kind not in LISTED_KINDS:
        raise Refused(404, f"no such kind: {kind!r} (known: {', '.join(ORDER)})")
    lang = current_lang()
    index = browse_index()  # everything below is read from the build's index: no scan of the store
    active = _active_filters(kind)
    page = _page_number()
    current = {f.name: f.to_param(t) for f, t in active}
    chosen = [(f.name, t.value) for f, t in active]

    total = index.total(kind, chosen)
    size = _page_size()
    pages = max(1, math.ceil(total / size))
    if page > pages:
        raise Refused(404, f"page {page} is past the last page ({pages})")
    shown = index.page(kind, chosen, lang, (page - 1) * size, size)
    rows = [{"iri": i, "href": term_href(i), "name": name, "date": date} for i, name, date in shown]

    facets = []
    for f in facets_for(kind):
        selected = current.get(f.name)
        values = []
        chosen_value = next((v for name, v in chosen if name == f.name), None)
        others = [c for c in chosen if c[0] != f.name]
        for value, name, n in index.facet_counts(kind, f.name, others, lang, FACET_VALUES, chosen_value):
            param = f.to_param(_facet_term(f, value))
            values.append({
                # class labels are lower case ("ban dân vận"): capitalized as list items
                "name": name[:1].upper() + name[1:] if f.name == "class" else name,
                "count": n, "selected": param == selected,
                "href": browse_url(kind, {**current, f.name: param}),
            })
        values.sort(key=lambda v: (-int(v["name"]) if f.year and v["name"].lstrip("-").isdigit() else 0,
                                   vi_key(v["name"])))
        facets.append({"name": f.name, "label": f.label[lang], "values": values,
                       "remove": browse_url(kind, {k: v for k, v in current.items() if k != f.name})
                       if selected else None})
    chips = [{"label": fc["label"], "value": next((v["name"] for v in fc["values"] if v["selected"]),
                                                 current[fc["name"]]), "remove": fc["remove"]}
             for fc in facets if fc["remove"]]

    pager = {
        "page": page, "pages": pages, "total": total,
        "first": (page - 1) * size + 1 if total else 0, "last": (page - 1) * size + len(shown),
        "prev": browse_url(kind, current, page - 1) if page > 1 else None,
        "next": browse_url(kind, current, page + 1) if page < pages else None,
        "links": [{"n": n, "href": browse_url(kind, current, n)} for n in _page_links(page, pages)]
        if pages > 1 else [],
    }
    return render_template("browse.html", kind=kind, kind_names=pick(KIND_NAMES), t=pick(STRINGS), rows=rows,
                           facets=facets, chips=chips, pager=pager,
                           clear=browse_url(kind) if current else None)


def _facet_term(f: Facet, value: str):
    return ox.Literal(value, datatype=XSD_INTEGER) if f.year else ox.NamedNode(value)


def _page_links(page: int, pages: int) -> list[int]:
    """The page numbers the pager links to: the first and last, and :data:`PAGE_LINKS` either side of the
    current page (a listing of 3,000 pages does not link every one)."""
    near = range(max(1, page - PAGE_LINKS), min(pages, page + PAGE_LINKS) + 1)
    return sorted({1, pages, *near})


def _facet_value_names(store: ox.Store, terms, lang: str) -> dict[str, str]:
    """A facet value's text: "QĐ · Quyết định" for a concept with a notation, a label, or a year."""
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    names = labels(store, iris, lang)
    notations = _values(store, iris, "http://www.w3.org/2004/02/skos/core#notation")
    out = {}
    for t in terms:
        if isinstance(t, ox.NamedNode):
            label, notation = names.get(t.value), notations.get(t.value)
            out[t.value] = (f"{notation} · {label}" if notation and label and label != notation
                            else label or notation or t.value)
        else:
            out[t.value] = t.value
    return out


# --------------------------------------------------------------------------------------------- tree

def organization_tree(store: ox.Store, lang: str) -> list[dict]:
    """The organizations as a forest by dv:subOrganizationOf: roots are those with no parent; children
    in Vietnamese order; an organization under two parents appears under both."""
    dv = _ns()
    orgs = members(store, "organization", [])
    q = (f"SELECT DISTINCT ?c ?p WHERE {{ ?c <{dv}subOrganizationOf> ?p . "
         f"FILTER(isIRI(?c) && isIRI(?p)) }}")
    children: dict[str, list[str]] = {}
    has_parent: set[str] = set()
    known = set(orgs)
    for r in store.query(q):
        c, p = r["c"].value, r["p"].value
        if c in known and p in known:
            children.setdefault(p, []).append(c)
            has_parent.add(c)
    names = labels(store, known, lang)
    name = lambda i: names.get(i) or i.rsplit("/", 1)[-1]  # noqa: E731

    def node(iri: str, path: frozenset) -> dict:
        kids = [] if iri in path else sorted(children.get(iri, []), key=lambda c: vi_key(name(c)))
        return {"iri": iri, "href": term_href(iri), "name": name(iri),
                "children": [node(k, path | {iri}) for k in kids]}

    roots = [o for o in orgs if o not in has_parent]
    if not roots and orgs:  # every organization in a cycle: start anywhere
        roots = orgs[:1]
    return [node(r, frozenset()) for r in sorted(roots, key=lambda r: (not children.get(r), vi_key(name(r))))]


@bp.get("/browse/organization/tree")
def tree():
    snap, lang = snapshot(), current_lang()
    forest = snap.cached(f"browse.tree.{lang}", lambda: organization_tree(Scans(snap), lang))
    return render_template("browse_tree.html", forest=forest, t=pick(STRINGS), kind_names=pick(KIND_NAMES))
