"""Entity pages read like a reference work (issue 9): incoming links read backwards, each fact once with
its standard-vocabulary names folded under it, a label for every property, conflicts and caveats
wherever the fact is shown, posts beside people, a source's original article linked."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/danvan/id/"
DV = "https://w3id.org/danvan/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RAW_NAME = re.compile(r"\b[a-z]+:[A-Za-z]|https?://")
# the page height of 23-QĐ/TW at 1280 px before this change was 7,592 px (measured in Chromium);
# after it 5,052 px (vi) and 5,028 px (en): the bound leaves room for font differences, not for a relapse
HEIGHT_BOUND = 6000


def get(client, path, **args) -> str:
    r = client.get(path, headers=HTML, query_string=args)
    assert r.status_code == 200, r.text[:500]
    return r.text


def section(page: str, css_class: str) -> str:
    m = re.search(r'<section class="[^"]*\b' + re.escape(css_class) + r'\b[^"]*"', page)
    assert m, f"no section {css_class!r}"
    nxt = page.find("<section", m.end())
    return page[m.start():nxt if nxt >= 0 else len(page)]


def groups(page: str, direction: str) -> dict[str, str]:
    """Shown statement groups of one direction: property IRI → the group's HTML."""
    out = {}
    for m in re.finditer(r'data-group="' + direction + r':([^"]+)"', page):
        out[m.group(1)] = page[m.start():page.index("</section>", m.start())]
    return out


def heading(group_html: str) -> str:
    return htmllib.unescape(re.search(r'<span class="prop"[^>]*>([^<]*)</span>', group_html).group(1))


def forward_label(store, prop: str, lang: str) -> str | None:
    for q in store.quads_for_pattern(ox.NamedNode(prop), ox.NamedNode(RDFS_LABEL), None, ox.DefaultGraph()):
        if q.object.language == lang:
            return q.object.value
    return None


# ------------------------------------------------------------------------------------ reading backwards

def test_incoming_links_on_23_read_backwards(client, store, visible_text):
    for lang, replaces, disseminated in (("vi", "thay thế", "được quán triệt, triển khai tại"),
                                         ("en", "replaces", "disseminated at")):
        page = get(client, "/id/document/qd-23-tw-2021", lang=lang)
        out, inc = groups(page, "out"), groups(page, "in")
        # 23 replaces 290: once, as 23's own statement; 290's "replaced by 23" is not listed again
        assert heading(out[DV + "replaces"]) == replaces and "290-QĐ/TW" in visible_text(out[DV + "replaces"])
        assert DV + "replacedBy" not in inc and ELI + "repealed_by" not in inc
        assert heading(inc[DV + "disseminates"]) == disseminated
        for prop, g in inc.items():
            assert heading(g) != forward_label(store, prop, lang), (prop, heading(g))


def test_incoming_links_on_290_read_backwards_and_keep_their_sources(client, store, visible_text, headlines):
    for lang, replaced_by, surveyed in (("vi", "được thay thế bởi", "việc thực hiện được khảo sát tại"),
                                        ("en", "replaced by", "implementation surveyed at")):
        page = get(client, "/id/document/qd-290-tw-2010", lang=lang)
        out, inc = groups(page, "out"), groups(page, "in")
        assert heading(out[DV + "replacedBy"]) == replaced_by
        row = visible_text(out[DV + "replacedBy"])
        # the decision's text states "23 replaces 290": that source is cited on 290's forward row
        assert "23-QĐ/TW" in row and headlines["ref-qd-23-qd-tw"] in row
        assert "b-asserted" in out[DV + "replacedBy"]
        assert DV + "replaces" not in inc and "http://purl.org/dc/terms/replaces" not in inc
        assert heading(inc[DV + "surveysImplementationOf"]) == surveyed
        for prop, g in inc.items():
            assert heading(g) != forward_label(store, prop, lang), (prop, heading(g))


# ------------------------------------------------------------------------------------ each fact once

def test_title_is_shown_once_with_its_standard_names_folded(client):
    for lang, also in (("vi", "cũng ghi là"), ("en", "also recorded as")):
        page = get(client, "/id/document/qd-23-tw-2021", lang=lang)
        out = groups(page, "out")
        assert DV + "title" in out and ELI + "title" not in out and "http://purl.org/dc/terms/title" not in out
        title = out[DV + "title"]
        assert also in title and 'data-property="eli:title"' in title
        # each title literal once in the statements
        statements = page[page.index('<section class="groups out">'):page.index('<section class="groups in">')]
        for lit in re.findall(r'<span class="literal" lang="vi">([^<]+)</span>', title):
            assert statements.count(f'<span class="literal" lang="vi">{lit}</span>') == 1, lit
        # the issuer, the replacement: the project's property, the standard ones folded under it
        assert ELI + "passed_by" not in out and 'data-property="eli:passed_by"' in out[DV + "issuedBy"]
        assert ELI + "repeals" not in out and "http://purl.org/dc/terms/replaces" not in out


def test_a_persons_name_is_shown_once(client):
    out = groups(get(client, "/id/person/nguyen-huu-hiep"), "out")
    names = [p for p in out if p.endswith(("#fullName", "/name", "#prefLabel", "#label"))]
    assert names == [DV + "fullName"]
    folded = out[DV + "fullName"]
    assert 'data-property="foaf:name"' in folded and 'data-property="skos:prefLabel"' in folded


def test_page_of_23_is_shorter_in_chromium(server, chromium):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for lang in ("vi", "en"):
                page.goto(f"{server}/id/document/qd-23-tw-2021?lang={lang}")
                height = page.evaluate("document.documentElement.scrollHeight")
                width = page.evaluate("document.documentElement.scrollWidth")
                shot = ARTIFACTS / f"entity-23-qd-tw-{lang}.png"
                shot.unlink(missing_ok=True)
                page.screenshot(path=str(shot), full_page=True)
                assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                assert height < HEIGHT_BOUND, (lang, height)
                assert width <= 1280, (lang, width)
        finally:
            browser.close()


# ------------------------------------------------------------------------------------ labels everywhere

def test_no_raw_property_or_iri_in_visible_text(client, store, visible_text):
    q = f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}")) }} ORDER BY ?s'
    iris = [r["s"].value for r in store.query(q)]
    kinds = {iri[len(ID):].split("/")[0] for iri in iris}
    assert {"document", "person", "organization", "event", "source", "post", "role", "place"} <= kinds
    # a heading comes from the ontology: the property's label forward; backwards, its inverse's label
    # or its inverse phrase
    rows = store.query(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p ?d (LANG(?l) AS ?lang) WHERE {{
          {{ ?p rdfs:label ?l BIND("out" AS ?d) }}
          UNION {{ ?p owl:inverseOf|^owl:inverseOf ?q . ?q rdfs:label ?l BIND("in" AS ?d) }}
          UNION {{ ?p <{DV}inverseLabel> ?l BIND("in" AS ?d) }} }}""")
    labelled = {(r["p"].value, r["d"].value, r["lang"].value) for r in rows if isinstance(r["p"], ox.NamedNode)}
    for iri in iris:  # every entity, so every kind
        for lang in ("vi", "en"):
            page = get(client, "/id/" + iri[len(ID):], lang=lang)
            text = visible_text(page)
            raw = [text[max(0, m.start() - 30):m.end() + 30] for m in RAW_NAME.finditer(text)]
            assert raw == [], (iri, lang, raw[:3])
            for direction in ("out", "in"):
                for prop in groups(page, direction):
                    assert (prop, direction, lang) in labelled, (iri, prop, direction, lang)


def test_headings_say_facts_not_speeches(client, visible_text):
    person = visible_text(get(client, "/id/person/nguyen-huu-hiep"))
    assert "Sự kiện có phát biểu" in person and "Sự kiện đã phát biểu" not in person
    doc = visible_text(get(client, "/id/document/qd-23-tw-2021"))
    assert "Các dữ kiện" in doc and "Phát biểu về thực thể" not in doc
    from graph.named_queries import get as named_query

    title = named_query("source-facts").title["vi"]
    assert "dữ kiện" in title and "sự kiện" not in title


# ------------------------------------------------------------------------------------ conflicts, caveats, posts

def test_conflicting_issuer_flagged_on_the_folded_row(client, visible_text):
    for lang, word in (("vi", "Mâu thuẫn"), ("en", "Conflict")):
        out = groups(get(client, "/id/document/qd-23-tw-2021", lang=lang), "out")
        issuer = out[DV + "issuedBy"]
        assert 'class="conflict-mark"' in issuer and word in visible_text(issuer)
        assert 'data-property="eli:passed_by"' in issuer  # the standard name sits on the flagged row


def test_cu_chi_survey_carries_a_caveat_on_its_date(client, visible_text):
    path = "/id/event/2024-03-19-khao-sat-dan-van-cu-chi"
    for lang, word in (("vi", "Cần lưu ý"), ("en", "Caveat")):
        page = get(client, path, lang=lang)
        caveat = visible_text(re.search(r'<p class="caveat".*?</p>', section(page, "event-summary"), re.S).group(0))
        assert word in caveat and "19/03/2024" in caveat and "290-QĐ/TW" in caveat and "30/07/2021" in caveat
        assert 'class="caveat-mark"' in groups(page, "out")[DV + "startDate"]
    other = get(client, "/id/event/2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van")
    assert 'class="caveat"' not in other and 'class="caveat-mark"' not in other
    # wherever the survey is listed by its date, the date carries the mark; the Hà Nam conference's does not
    spoke = section(get(client, "/id/person/nguyen-huu-hiep"), "spoke")
    cu_chi = re.search(r"<li>.*?khao-sat-dan-van-cu-chi.*?</li>", spoke, re.S).group(0)
    assert 'class="caveat-mark"' in cu_chi
    events = section(get(client, "/id/document/qd-290-tw-2010"), "doc-events")
    rows = re.findall(r"<tr><td>.*?</tr>", events, re.S)
    assert [("khao-sat-dan-van-cu-chi" in r, 'class="caveat-mark"' in r) for r in rows if "caveat-mark" in r] == [(True, True)]
    assert 'class="caveat-mark"' not in section(get(client, "/id/document/qd-23-tw-2021"), "doc-events")


def test_le_thanh_phong_is_listed_with_his_post(client, visible_text):
    page = get(client, "/id/event/2024-03-19-khao-sat-dan-van-cu-chi")
    items = [visible_text(li) for li in re.findall(r'<li class="attendee">.*?</li>', section(page, "attendees"), re.S)]
    phong = [i for i in items if "Lê Thanh Phong" in i]
    assert phong and "Phó Bí thư Thường trực" in phong[0] and "Huyện ủy Củ Chi" in phong[0]
    host = visible_text(groups(page, "out")[DV + "host"])
    assert "Lê Thanh Phong" in host and "Phó Bí thư Thường trực" in host


# ------------------------------------------------------------------------------------ fixture store

FIXTURE_ARTICLE = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/danvan/id/source/fixture-with-url> a dv:NewsArticleSource ;
    dv:headline "Bài thử có địa chỉ"@vi ; dv:datePublished "2024-01-02"^^xsd:date ;
    dv:seedFile "999_0123456789abcdef.txt" ; schema:url <https://example.org/bai-thu> ;
    dv:publisher <https://w3id.org/danvan/id/organization/fixture-bao> .
<https://w3id.org/danvan/id/organization/fixture-bao> a dv:NewsOrganization ; skos:prefLabel "Báo Thử"@vi .
<https://w3id.org/danvan/id/organization/fixture-a> a dv:PartyCommittee ; skos:prefLabel "Cơ quan A"@vi .
<https://w3id.org/danvan/id/document/fixture-doc> a dv:PartyDocument ; dv:documentNumber "1-QĐ/TW" ;
    dv:documentType <https://w3id.org/danvan/id/document-type/qd> ;
    dv:issuedBy <https://w3id.org/danvan/id/organization/fixture-a> .
"""

FIXTURE_REFERENCE = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/danvan/id/source/fixture-reference> a dv:ReferenceSource ;
    dv:headline "Nguồn tham chiếu thử"@vi ; dv:datePublished "2024-01-03"^^xsd:date .
<https://w3id.org/danvan/id/organization/fixture-b> a dv:PartyCommittee ; skos:prefLabel "Cơ quan B"@vi .
<https://w3id.org/danvan/id/organization/fixture-c> a dv:PartyCommittee ; skos:prefLabel "Cơ quan C"@vi .
<https://w3id.org/danvan/id/document/fixture-doc> a dv:PartyDocument ; dv:documentNumber "1-QĐ/TW" ;
    dv:documentType <https://w3id.org/danvan/id/document-type/qd> ;
    dv:issuedBy <https://w3id.org/danvan/id/organization/fixture-b> ;
    eli:passed_by <https://w3id.org/danvan/id/organization/fixture-c> .
"""

FIXTURE_LITERAL_URL = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/danvan/id/source/fixture-literal-url> a dv:ReferenceSource ;
    dv:headline "Nguồn thử có địa chỉ dạng chuỗi"@vi ; schema:url "https://example.org/chuoi/bai"^^xsd:anyURI .
"""


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory):
    from graph.build import build
    from webapp import create_app

    folder = tmp_path_factory.mktemp("reading")
    (folder / "article.ttl").write_text(FIXTURE_ARTICLE, encoding="utf-8")
    (folder / "reference.ttl").write_text(FIXTURE_REFERENCE, encoding="utf-8")
    (folder / "literal.ttl").write_text(FIXTURE_LITERAL_URL, encoding="utf-8")
    build(folder / "store", sources=[folder / "article.ttl", folder / "reference.ttl", folder / "literal.ttl"])
    return create_app({"DANVAN_STORE": str(folder / "store")}).test_client()


def test_source_links_its_original_article(fixture_client, visible_text):
    for lang, words in (("vi", "Đọc bài gốc"), ("en", "Read the original")):
        page = get(fixture_client, "/id/source/fixture-with-url", lang=lang)
        meta = section(page, "source-meta")
        link = re.search(r'<a class="read-original" href="([^"]+)"[^>]*>([^<]+)</a>', meta)
        assert link and link.group(1) == "https://example.org/bai-thu" and link.group(2) == words
        # the seed file is a reference, never a link, and not called "the original file"
        assert "999_0123456789abcdef.txt" in visible_text(meta)
        assert not re.search(r"<a [^>]*>[^<]*999_0123456789abcdef", page)
        assert "tệp gốc" not in visible_text(page) and "seed file" not in visible_text(page)
        assert RAW_NAME.search(visible_text(page)) is None
    # an address written as a literal is linked the same way, and shown by its site, not as a URL
    page = get(fixture_client, "/id/source/fixture-literal-url", lang="vi")
    assert '<a class="read-original" href="https://example.org/chuoi/bai"' in page
    assert RAW_NAME.search(visible_text(page)) is None and "example.org" in visible_text(page)
    # a source without an address has no such link
    assert "read-original" not in get(fixture_client, "/id/source/fixture-reference", lang="vi")


def test_conflict_shown_under_a_standard_name_a_source_states_directly(fixture_client, visible_text):
    out = groups(get(fixture_client, "/id/document/fixture-doc", lang="vi"), "out")
    assert 'class="conflict-mark"' in out[DV + "issuedBy"]
    # Cơ quan C is stated only as eli:passed_by: that group stays, and carries the issuer's conflict
    passed = out[ELI + "passed_by"]
    assert "Cơ quan C" in visible_text(passed) and 'class="conflict-mark"' in passed
    assert heading(passed) == "cơ quan thông qua"


def test_reference_source_shows_its_citation_in_the_page_language(client, visible_text):
    # the Charter's source names the edition it rests on; each language shows only its own citation
    for lang, words, other in (("vi", ("Trích dẫn", "Điều lệ Đảng", "19/01/2011"), "Charter of the"),
                               ("en", ("Citation", "Charter of the", "19 January 2011"), "Điều lệ Đảng Cộng sản")):
        meta = section(get(client, "/id/source/ref-dieu-le-dang", lang=lang), "source-meta")
        cited = re.search(r'<dt class="citation">([^<]*)</dt><dd class="citation">(.*?)</dd>', meta, re.S)
        assert cited and all(w in visible_text(cited.group(0)) for w in words), meta
        assert other not in visible_text(cited.group(2))
