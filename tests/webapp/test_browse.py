"""/browse: lists per kind with facet counts, filters, Vietnamese order and pages; the organization tree.

Expected numbers are read from the store through the standard vocabularies (ELI, schema.org), a
different path from the dv: patterns the pages use.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from webapp import create_app
from webapp.collation import vi_key

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/danvan/id/"
PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


class _Page(HTMLParser):
    """Facets (name → [(text, count, href or None, selected)]), the listing's links, pager links."""

    def __init__(self):
        super().__init__()
        self.facets: dict[str, list[dict]] = {}
        self.listing: list[tuple[str, str]] = []
        self.next_href = None
        self._facet = None
        self._li = None
        self._in_listing = False
        self._a = None
        self._text = ""
        self._strong = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-facet" in a:
            self._facet = a["data-facet"]
            self.facets[self._facet] = []
        elif tag == "ul" and a.get("class") == "listing":
            self._in_listing = True
        elif tag == "li" and self._facet:
            self._li = {"text": "", "count": None, "href": None, "selected": a.get("class") == "selected"}
        elif tag == "a":
            self._a = a.get("href")
            self._text = ""
            if a.get("rel") == "next":
                self.next_href = a["href"]
            if self._li is not None and a.get("class") != "remove":
                self._li["href"] = a["href"]
        elif tag == "span" and self._li is not None and "data-count" in a:
            self._li["count"] = int(a["data-count"])
        elif tag == "strong" and self._li is not None:
            self._strong = True

    def handle_endtag(self, tag):
        if tag == "section" and self._facet and self._li is None:
            self._facet = None
        elif tag == "li" and self._li is not None:
            self._li["text"] = self._li["text"].strip()
            self.facets[self._facet].append(self._li)
            self._li = None
        elif tag == "ul" and self._in_listing:
            self._in_listing = False
        elif tag == "a":
            if self._in_listing:
                self.listing.append((self._a, self._text.strip()))
            self._a = None
        elif tag == "strong":
            self._strong = False

    def handle_data(self, data):
        if self._li is not None and (self._a is not None or self._strong) and not data.strip() == "✕":
            self._li["text"] += data
        if self._a is not None:
            self._text += data


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def facet(page: _Page, name: str) -> dict[str, dict]:
    return {v["text"]: v for v in page.facets[name]}


def count_query(store, where: str) -> int:
    rows = list(store.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


# -------------------------------------------------------------------------------------- collation

def test_vietnamese_collation_letter_order_then_tones():
    assert sorted(["ơ", "o", "ô"], key=vi_key) == ["o", "ô", "ơ"]
    assert sorted(["đa", "da", "dă", "Đà", "dạ"], key=vi_key) == ["da", "dạ", "dă", "đa", "Đà"]
    assert sorted(["u", "ư", "v", "uy"], key=vi_key) == ["u", "uy", "ư", "v"]
    # tones break ties only: ngang, huyền, hỏi, ngã, sắc, nặng
    assert sorted(["á", "à", "a", "ả", "ã", "ạ"], key=vi_key) == ["a", "à", "ả", "ã", "á", "ạ"]
    # the base letters decide before any tone; case does not (Python's own order would put "Anh" first
    # and "Ăn" after every a-word, "Đ" after "z")
    words = ["Ăn", "Bắc", "an", "Bạc", "Anh", "Đông", "Dũng", "Zê", "Ê-đê", "em"]
    assert sorted(words, key=vi_key) == ["an", "Anh", "Ăn", "Bạc", "Bắc", "Dũng", "Đông", "em", "Ê-đê", "Zê"]
    # numbers as numbers
    assert sorted(["Quận 10", "Quận 5", "Quận 1"], key=vi_key) == ["Quận 1", "Quận 5", "Quận 10"]
    # NFC and NFD spellings of the same word sort together
    import unicodedata
    assert vi_key(unicodedata.normalize("NFD", "Hiệp"))[:2] == vi_key("Hiệp")[:2]


# ------------------------------------------------------------------------------------- the index

def test_browse_index_counts_match_home(client):
    index = client.get("/browse", headers=HTML)
    home = client.get("/", headers=HTML)
    assert index.status_code == home.status_code == 200
    counts = dict(re.findall(r'data-kind="([^"]+)">(\d+)<', index.text))
    assert counts == dict(re.findall(r'data-kind="([^"]+)">(\d+)<', home.text))
    for kind in ("document", "organization", "person", "event", "place", "source", "movement", "work", "role",
                 "post"):
        assert int(counts[kind]) > 0
        assert f'href="/browse/{kind}"' in index.text


@pytest.mark.parametrize("kind", ["document", "organization", "person", "event", "place", "source",
                                  "movement", "work", "role", "post"])
def test_every_kind_lists_its_entities(client, store, kind):
    r = client.get(f"/browse/{kind}", headers=HTML)
    assert r.status_code == 200
    listed = {href for href, _ in parse(r.text).listing}
    expected = {"/id/" + r["s"].value.split("/id/", 1)[1] for r in store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}{kind}/")) }}')}
    assert listed == expected
    assert f"({len(expected)})" in r.text


def test_unknown_kind_is_404(client):
    assert client.get("/browse/no-such-kind", headers=HTML).status_code == 404


# ----------------------------------------------------------------------------------- document facets

def test_document_facets_count_type_level_year_issuer(client, store):
    page = parse(client.get("/browse/document", headers=HTML).text)
    types = facet(page, "type")
    qd = count_query(store, '?d a eli:LegalResource ; eli:type_document/skos:notation "QĐ"')
    assert qd == 5
    assert types["QĐ · Quyết định"]["count"] == qd
    assert types["QĐ · Quyết định"]["href"] == "/browse/document?type=qd"
    years = facet(page, "year")
    y2021 = count_query(store, "?d a eli:LegalResource ; eli:date_document ?date FILTER(YEAR(?date) = 2021)")
    assert y2021 == 7
    assert years["2021"]["count"] == y2021
    assert [v["text"] for v in page.facets["year"]] == sorted((v["text"] for v in page.facets["year"]),
                                                              key=int, reverse=True)
    levels = facet(page, "level")
    tw = count_query(store, '?d a eli:LegalResource ; eli:id_local ?n FILTER(STRENDS(?n, "/TW"))')
    assert levels["TW · Trung ương"]["count"] == tw == 3
    issuers = facet(page, "issuer")
    by_politburo = count_query(store, f"?d eli:passed_by <{ID}organization/bo-chinh-tri>")
    assert issuers["Bộ Chính trị"]["count"] == by_politburo == 2
    assert issuers["Bộ Chính trị"]["href"] == "/browse/document?issuer=bo-chinh-tri"


def test_document_filters_combine_and_can_be_removed(client, visible_text):
    r = client.get("/browse/document?type=qd&year=2021", headers=HTML)
    assert r.status_code == 200
    page = parse(r.text)
    assert [text for _, text in page.listing] == ["23-QĐ/TW · Ban hành Quy chế công tác dân vận của hệ thống chính trị"]
    assert page.listing[0][0] == "/id/document/qd-23-tw-2021"
    text = visible_text(r.text)
    assert "Loại văn bản: QĐ · Quyết định" in text and "Năm ban hành: 2021" in text
    # the selected values, with links that remove one filter and keep the other
    assert facet(page, "type")["QĐ · Quyết định"]["selected"]
    assert 'href="/browse/document?year=2021"' in r.text
    assert 'href="/browse/document?type=qd"' in r.text
    # other years are counted under type=QĐ, and choosing one replaces 2021
    years = facet(page, "year")
    assert years["2010"]["count"] == 1
    assert dict(parse_qsl(urlsplit(years["2010"]["href"]).query)) == {"type": "qd", "year": "2010"}
    only_qd = parse(client.get("/browse/document?type=qd", headers=HTML).text)
    assert {text.split(" ·")[0] for _, text in only_qd.listing} == {"23-QĐ/TW", "290-QĐ/TW", "489-QĐ/TU", "784-QĐ/TU", "124/2004/QĐ-TTg"}


def test_document_listing_is_in_vietnamese_order(client):
    page = parse(client.get("/browse/document", headers=HTML).text)
    names = [text for _, text in page.listing]
    assert names == sorted(names, key=vi_key)
    numbered = [n.split(" ·")[0] for n in names if re.match(r"\d", n)]
    assert numbered[:3] == ["02-ĐA/TU", "05-QC/TU", "06-ĐA/TU"] and numbered.index("23-QĐ/TW") < numbered.index("290-QĐ/TW")


@pytest.mark.parametrize("query", ["year=abc", "year=12345", "type=x%3E%20%7D", "type=qd&type=ct", "page=0", "page=x"])
def test_bad_filter_or_page_is_400(client, query):
    r = client.get(f"/browse/document?{query}", headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.json["error"]["message"]


def test_a_filter_nothing_matches_lists_nothing(client, visible_text):
    r = client.get("/browse/document?year=1900", headers=HTML)
    assert r.status_code == 200
    assert parse(r.text).listing == []
    assert "Không có mục nào." in visible_text(r.text)


# -------------------------------------------------------------------------- organization and event facets

def test_organization_facets(client, store):
    page = parse(client.get("/browse/organization", headers=HTML).text)
    total = count_query(store, f'?d a org:Organization FILTER(STRSTARTS(STR(?d), "{ID}organization/"))')
    kinds = facet(page, "class")
    assert sum(v["count"] for v in kinds.values()) == total  # each organization has one most specific kind
    assert kinds["Bộ Chính trị"]["count"] == 1
    mass = kinds["Ban dân vận"]
    assert mass["count"] == count_query(store, "?d a <https://w3id.org/danvan/ontology#MassMobilizationBoard>") == 3
    assert mass["href"] == "/browse/organization?class=MassMobilizationBoard"
    filtered = parse(client.get(mass["href"], headers=HTML).text)
    assert len(filtered.listing) == 3 and all("Ban Dân vận" in t for _, t in filtered.listing)
    levels = facet(page, "level")
    assert levels["TW · Trung ương"]["count"] == count_query(
        store, f"?d <https://w3id.org/danvan/ontology#level> <{ID}level/tw>")


def test_event_facets_year_and_place(client, store):
    page = parse(client.get("/browse/event", headers=HTML).text)
    years = facet(page, "year")
    assert years["2022"]["count"] == count_query(store, "?d a schema:Event ; schema:startDate ?x FILTER(YEAR(?x) = 2022)") == 2
    places = facet(page, "place")
    assert places["Quận 5"]["count"] == 1 and places["Quận 5"]["href"] == "/browse/event?place=quan-5--thanh-pho-ho-chi-minh"
    r = parse(client.get("/browse/event?place=quan-5--thanh-pho-ho-chi-minh", headers=HTML).text)
    assert [h for h, _ in r.listing] == ["/id/event/2022-05-11-quan-5-quan-triet-van-ban-dan-van"]


def test_english_labels_and_interface(client, visible_text):
    text = visible_text(client.get("/browse/document?lang=en", headers=HTML).text)
    assert "Document type" in text and "QĐ · Decision" in text and "Politburo" in text
    assert "Loại văn bản" not in text


# ------------------------------------------------------------------------------------------- paging

@pytest.fixture(scope="module")
def small_pages(store_dir):
    return create_app({"DANVAN_STORE": str(store_dir), "DANVAN_BROWSE_PAGE_SIZE": 5}).test_client()


def test_pages_cover_the_list_once_in_order(small_pages, store):
    total = count_query(store, f'?d a ?t FILTER(STRSTARTS(STR(?d), "{ID}organization/"))')
    seen: list[tuple[str, str]] = []
    url, pages = "/browse/organization", 0
    while url:
        r = small_pages.get(url, headers=HTML)
        assert r.status_code == 200
        page = parse(r.text)
        assert len(page.listing) == (5 if len(seen) + 5 <= total else total - len(seen))
        seen += page.listing
        pages += 1
        url = page.next_href
        if url:
            assert f"page={pages + 1}" in url
    assert pages == -(-total // 5) and pages > 1
    assert len(seen) == len({h for h, _ in seen}) == total
    assert [t for _, t in seen] == sorted((t for _, t in seen), key=vi_key)
    r = small_pages.get("/browse/organization?page=2", headers=HTML)
    assert 'rel="prev" href="/browse/organization"' in r.text
    assert f"Hiển thị 6–10 trong {total}" in r.text


def test_page_past_the_end_is_404(small_pages):
    assert small_pages.get("/browse/organization?page=99", headers=HTML).status_code == 404


def test_paging_keeps_filters(small_pages):
    r = small_pages.get("/browse/organization?level=hu", headers=HTML)
    page = parse(r.text)
    assert len(page.listing) == 5 and page.next_href == "/browse/organization?level=hu&page=2"


# -------------------------------------------------------------------------------------------- tree

class _Tree(HTMLParser):
    """For each link in the tree: the links of the <summary>s of the <details> around it."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []  # open <details>
        self.in_summary = False
        self.ancestors: dict[str, list[list[str]]] = {}
        self.details = 0
        self.lists = 0

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.stack.append({"owner": None})
            self.details += 1
        elif tag == "summary":
            self.in_summary = True
        elif tag == "ul":
            self.lists += 1
        elif tag == "a" and self.stack is not None:
            href = dict(attrs).get("href", "")
            if not href.startswith("/id/"):
                return
            if self.in_summary:
                outer = [d["owner"] for d in self.stack[:-1]]
                self.stack[-1]["owner"] = href
            else:
                outer = [d["owner"] for d in self.stack]
            self.ancestors.setdefault(href, []).append(outer)

    def handle_endtag(self, tag):
        if tag == "details":
            self.stack.pop()
        elif tag == "summary":
            self.in_summary = False


def test_organization_tree_nests_by_sub_organization(client, store, visible_text):
    r = client.get("/browse/organization/tree", headers=HTML)
    assert r.status_code == 200
    tree = _Tree()
    tree.feed(r.text)
    assert tree.details > 3 and tree.lists > tree.details
    o = "/id/organization/"
    assert [o + "dang-cong-san-viet-nam", o + "ban-chap-hanh-trung-uong", o + "cap-uy--thanh-pho-ho-chi-minh"] in \
        tree.ancestors[o + "ban-dan-van--thanh-pho-ho-chi-minh"]
    assert [o + "dang-cong-san-viet-nam", o + "ban-chap-hanh-trung-uong"] in tree.ancestors[o + "bo-chinh-tri"]
    assert tree.ancestors[o + "dang-cong-san-viet-nam"] == [[]]  # a root
    # every organization appears, and every direct sub-organization link is an edge of the tree
    orgs = {"/id/" + r["s"].value.split("/id/", 1)[1] for r in store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}organization/")) }}')}
    assert set(tree.ancestors) == orgs
    for row in store.query(PREFIXES + "SELECT ?c ?p WHERE { ?c org:subOrganizationOf ?p }"):
        c, p = ("/id/" + row[k].value.split("/id/", 1)[1] for k in ("c", "p"))
        assert any(path and path[-1] == p for path in tree.ancestors[c]), (c, p)
    assert "Cây tổ chức" in visible_text(r.text)
    assert "Organization tree" in visible_text(client.get("/browse/organization/tree?lang=en").text)
