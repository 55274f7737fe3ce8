"""Entity pages (issue 4): per-kind sections, sources on every statement, conflicts side by side,
language, escaping of hostile values, and bounded paging on a generated hub."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/danvan/id/"


def section(html: str, css_class: str) -> str:
    """The HTML of the first <section> whose class list has ``css_class`` (up to the next section)."""
    m = re.search(r'<section class="[^"]*\b' + re.escape(css_class) + r'\b[^"]*"', html)
    assert m, f"no section {css_class!r} on the page"
    nxt = html.find("<section", m.end())
    return html[m.start():nxt if nxt >= 0 else len(html)]


def group(html: str, key: str) -> str:
    """One statement group (``data-group="out:IRI"``) up to its closing </section>."""
    start = html.index(f'data-group="{key}"')
    return html[start:html.index("</section>", start)]


def get(client, path, **args):
    r = client.get(path, headers=HTML, query_string=args)
    assert r.status_code == 200, r.text[:500]
    return r.text


# --------------------------------------------------------------------------------------------- person

def test_person_timeline_has_posts_dates_and_source_headlines(client, visible_text, headlines):
    html = get(client, "/id/person/nguyen-huu-hiep")
    timeline = section(html, "timeline")
    items = [visible_text(li) for li in re.findall(r'<li class="post-attestation">.*?</li>', timeline, re.S)]
    assert len(items) == 6  # 2 posts in 000 (undated), 2 in 001 (2022-05-11), 2 in 003 (2024-03-19)
    head = [i for i in items if "11/05/2022" in i and "Trưởng ban" in i]
    assert head and "Ban Dân vận Thành ủy Thành phố Hồ Chí Minh" in head[0] and headlines["001"] in head[0]
    assert any("19/03/2024" in i and headlines["003"] in i for i in items)
    undated = [i for i in items if "không ghi ngày" in i]
    assert len(undated) == 2 and all(headlines["000"] in i for i in undated)
    assert any("Bí thư" in i and "Thủ Đức" in i for i in undated)
    # dated attestations come first, in date order
    dates = [re.search(r"\d\d/\d\d/\d{4}", i).group(0) for i in items if "không ghi ngày" not in i]
    assert dates == sorted(dates, key=lambda d: d[6:] + d[3:5] + d[:2])
    spoke = visible_text(section(html, "spoke"))
    assert "Khảo sát thực hiện Quy chế công tác dân vận tại huyện Củ Chi" in spoke


# ------------------------------------------------------------------------------------------- document

def test_replaced_document_status_and_chain(client, visible_text):
    html = get(client, "/id/document/qd-290-tw-2010")
    status = visible_text(section(html, "document-status"))
    assert "bị thay thế bởi 23-QĐ/TW ngày 30/07/2021" in status
    en = visible_text(section(get(client, "/id/document/qd-290-tw-2010", lang="en"), "document-status"))
    assert "replaced by 23-QĐ/TW on 30/07/2021" in en
    chain = section(html, "chain")
    svg = re.search(r"<svg class=\"chain-diagram\".*?</svg>", chain, re.S).group(0)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts == ["290-QĐ/TW", "25/02/2010", "23-QĐ/TW", "30/07/2021"]  # predecessor → successor, dated
    assert "<line" in svg and 'href="/id/document/qd-23-tw-2021"' in svg
    # seen from the successor, the same chain with the predecessor linked
    svg23 = section(get(client, "/id/document/qd-23-tw-2021"), "chain")
    assert re.findall(r'class="num">([^<]*)<', svg23) == ["290-QĐ/TW", "23-QĐ/TW"]
    assert 'href="/id/document/qd-290-tw-2010"' in svg23


def test_document_in_force_and_events_that_disseminated_it(client, visible_text):
    html = get(client, "/id/document/qd-23-tw-2021")
    status = visible_text(section(html, "document-status"))
    assert "còn hiệu lực" in status and "30/07/2021" in status and "bị thay thế" not in status
    events = visible_text(section(html, "doc-events"))
    assert "Hội nghị trực tuyến quán triệt, triển khai một số văn bản về công tác dân vận (Hà Nam)" in events
    assert "06/01/2022" in events and "quán triệt, triển khai" in events
    # how each event concerns it, as its source says: not the entailed super-property "về"
    row = re.search(r"<tr><td>06/01/2022</td>.*?</tr>", section(html, "doc-events"), re.S).group(0)
    assert visible_text(re.findall(r"<td>(.*?)</td>", row, re.S)[-1]).strip() == "quán triệt, triển khai"
    based = visible_text(section(html, "based-on-it"))
    assert "784-QĐ/TU" in based and "02-ĐA/TU" in based and "lỗi thời" not in based


def test_issuer_and_chapter_conflicts_side_by_side(client, visible_text, headlines):
    html = get(client, "/id/document/qd-23-tw-2021")
    issuer = group(html, "out:https://w3id.org/danvan/ontology#issuedBy")
    assert "has-conflict" in html[html.rfind("<section", 0, html.index('data-group="out:https://w3id.org/danvan/ontology#issuedBy"')):][:80]
    assert "Mâu thuẫn" in visible_text(issuer)
    claims = re.findall(r'<div class="claim asserted" data-statement>(.*?)</ul>\s*</div>', issuer, re.S)
    assert len(claims) == 2
    by_value = {("Ban Chấp hành Trung ương" if "ban-chap-hanh-trung-uong" in c else "Bộ Chính trị"): visible_text(c)
                for c in claims}
    assert headlines["000"] in by_value["Ban Chấp hành Trung ương"] and headlines["001"] not in by_value["Ban Chấp hành Trung ương"]
    politburo = by_value["Bộ Chính trị"]
    assert headlines["001"] in politburo and headlines["002"] in politburo and "Văn bản gốc của Quyết định 23-QĐ/TW" in politburo and headlines["000"] not in politburo
    chapters = visible_text(group(html, "out:https://w3id.org/danvan/ontology#chapterCount"))
    assert "Mâu thuẫn" in chapters and re.search(r"\b3\b", chapters) and re.search(r"\b4\b", chapters)
    # agreeing sources are no conflict
    assert "Mâu thuẫn" not in visible_text(group(html, "out:https://w3id.org/danvan/ontology#articleCount"))
    en = get(client, "/id/document/qd-23-tw-2021", lang="en")
    assert "Conflict" in visible_text(group(en, "out:https://w3id.org/danvan/ontology#issuedBy"))


def test_document_based_on_a_replaced_one_is_flagged(client, visible_text):
    own = visible_text(section(get(client, "/id/document/qd-489-tu-tphcm"), "document-status"))
    assert "290-QĐ/TW" in own and "căn cứ vào văn bản đã bị thay thế" in own and "23-QĐ/TW" in own
    listed = section(get(client, "/id/document/qd-290-tw-2010"), "based-on-it")
    item = re.search(r'<li class="possibly-outdated">(.*?)</li>', listed, re.S)
    assert item and "489-QĐ/TU" in visible_text(item.group(1)) and "có thể đã lỗi thời" in visible_text(item.group(1))
    # 784-QĐ/TU is based on 23-QĐ/TW, which is in force: not flagged
    assert "căn cứ vào văn bản đã bị thay thế" not in visible_text(
        section(get(client, "/id/document/qd-784-tu-tphcm"), "document-status"))


# ---------------------------------------------------------------------------------------------- event

def test_event_speakers_with_posts_then_and_connection_points(client, visible_text):
    html = get(client, "/id/event/2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van")
    speakers = {visible_text(li).split(" — ")[0].strip(): visible_text(li)
                for li in re.findall(r'<li class="speaker">.*?</li>', section(html, "speakers"), re.S)}
    assert set(speakers) == {"Đinh Thị Lụa", "Đỗ Văn Phới"}
    assert "Phó Bí thư Thường trực" in speakers["Đinh Thị Lụa"] and "Tỉnh ủy Hà Nam" in speakers["Đinh Thị Lụa"]
    assert "Phó Trưởng ban" in speakers["Đỗ Văn Phới"] and "Ban Dân vận Trung ương" in speakers["Đỗ Văn Phới"]
    summary = section(html, "event-summary")
    assert re.search(r'class="connection-points"><span class="literal">91</span>', summary)
    text = visible_text(summary)
    assert "06/01/2022" in text and "Tỉnh Hà Nam" in text and "Tỉnh ủy Hà Nam" in text
    docs = visible_text(section(html, "event-documents"))
    assert all(n in docs for n in ("23-QĐ/TW", "02-ĐA/TU", "05-QC/TU"))
    assert "Trần Đức Thuấn" in visible_text(section(html, "attendees"))


def test_event_attendance_approximate(client, visible_text):
    html = get(client, "/id/event/2022-05-11-quan-5-quan-triet-van-ban-dan-van")
    assert re.search(r"khoảng\s*<span class=\"literal\">200</span>", section(html, "event-summary"))


# --------------------------------------------------------------------------------------- organization

def test_organization_hierarchy_drawn_with_parent_and_children(client, visible_text):
    html = get(client, "/id/organization/ban-thuong-vu--tinh-ha-nam")
    tree = section(html, "hierarchy")
    parent = tree.index('href="/id/organization/cap-uy--tinh-ha-nam"')
    me = tree.index('<li class="self">')
    assert parent < me and "<ul" in tree[parent:me]  # the entity is nested under its parent
    docs = visible_text(section(html, "org-issued"))
    assert "02-ĐA/TU" in docs and "05-QC/TU" in docs
    top = get(client, "/id/organization/cap-uy--tinh-ha-nam")
    children = section(top, "hierarchy")
    assert re.search(r'<ul class="children">.*href="/id/organization/ban-thuong-vu--tinh-ha-nam"', children, re.S)
    people = visible_text(section(top, "org-posts"))
    assert "Đinh Thị Lụa" in people and "Phó Bí thư Thường trực" in people and "06/01/2022" in people
    assert "Hội nghị trực tuyến" in visible_text(section(top, "org-events"))


# --------------------------------------------------------------------------------------------- source

def test_source_page_lists_every_fact_it_supports(client, store, visible_text, headlines):
    iri = ID + "source/002-156528502f9433d5"
    facts = list(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    html = get(client, "/id/source/002-156528502f9433d5")
    meta = visible_text(section(html, "source-meta"))
    assert headlines["002"] in meta and "002_156528502f9433d5.txt" in meta
    table = section(html, "source-facts")
    assert f'data-count="{len(facts)}"' in table
    shown = table.count('<tr class="fact">')
    assert shown == min(len(facts), 100) and shown > 50
    assert "91" in visible_text(table) and "Đinh Thị Lụa" in visible_text(table)
    if len(facts) > 100:
        assert "group=facts" in table


# ------------------------------------------------------------------------------------- every entity

def test_every_entity_page_renders_with_query_this_link(client, store):
    from urllib.parse import quote

    q = f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    iris = [r["s"].value for r in store.query(q)]
    assert len(iris) > 50
    for iri in iris:
        html = get(client, "/id/" + iri[len(ID):])
        m = re.search(r'<a class="query-this" href="([^"]+)"', html)
        assert m and m.group(1).replace("&amp;", "&").endswith("query=" + quote(f"DESCRIBE <{iri}>", safe="").replace("%20", "+")), iri


# ---------------------------------------------------------------------------------------------- lang

def test_english_labels_and_interface_remembered(client, visible_text):
    html = get(client, "/id/organization/cap-uy--tinh-ha-nam", lang="en")
    assert re.search(r"<h1>\s*Ha Nam Provincial Party Committee\s*</h1>", html)
    text = visible_text(html)
    assert "What links here" in text and "Statements about it" in text and "Liên kết đến đây" not in text
    assert "Party committee" in visible_text(re.search(r'<p class="kind">.*?</p>', html, re.S).group(0))
    again = client.get("/id/organization/cap-uy--tinh-ha-nam", headers=HTML)  # the cookie remembers English
    assert "What links here" in visible_text(again.text)
    vi = get(client, "/id/organization/cap-uy--tinh-ha-nam", lang="vi")
    assert re.search(r"<h1>\s*Tỉnh ủy Hà Nam\s*</h1>", vi) and "Liên kết đến đây" in visible_text(vi)
    # a person has only a Vietnamese name: English falls back to it
    assert re.search(r"<h1>\s*Nguyễn Hữu Hiệp\s*</h1>", get(client, "/id/person/nguyen-huu-hiep", lang="en"))


# ------------------------------------------------------------------------------------------ escaping

HOSTILE = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/danvan/id/source/fixture-hostile> a dv:ReferenceSource ;
    dv:headline "<b>Nguồn</b> <script>alert('headline')</script>"@vi ;
    dv:datePublished "2024-01-02"^^xsd:date .
<https://w3id.org/danvan/id/organization/fixture-hostile> a dv:MassMobilizationBoard ;
    skos:prefLabel "<script>alert(1)</script>"@vi ;
    <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(2)> .
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from graph.build import build
    from webapp import create_app

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.ttl").write_text(HOSTILE, encoding="utf-8")
    build(folder / "store", sources=[folder / "hostile.ttl"])
    return create_app({"DANVAN_STORE": str(folder / "store")}).test_client()


def test_hostile_label_and_javascript_iri_are_escaped(hostile_client, visible_text):
    for path in ("/id/organization/fixture-hostile", "/id/source/fixture-hostile"):
        r = hostile_client.get(path, headers=HTML)
        assert r.status_code == 200
        assert "<script>" not in r.text and "<b>" not in r.text
        assert 'href="javascript:' not in r.text.lower() and "href='javascript:" not in r.text.lower()
    r = hostile_client.get("/id/organization/fixture-hostile", headers=HTML)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>alert(1)</script>" in visible_text(r.text)  # shown as text
    assert "javascript:alert(2)" in r.text  # the value is shown, not linked
    src = hostile_client.get("/id/source/fixture-hostile", headers=HTML)
    assert "<script>alert('headline')</script>" in visible_text(src.text)


# ----------------------------------------------------------------------------------------------- hub

HUB_MEMBERS = 130


@pytest.fixture(scope="module")
def hub_client(tmp_path_factory):
    """A generated store: an organization that 130 posts are in (the bench's shape, smaller)."""
    from graph.build import build
    from webapp import create_app

    folder = tmp_path_factory.mktemp("hub")
    lines = ["@prefix dv: <https://w3id.org/danvan/ontology#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             "<https://w3id.org/danvan/id/source/fixture-hub> a dv:ReferenceSource ;",
             '  dv:headline "Nguồn thử nghiệm tổ chức lớn"@vi ; dv:datePublished "2024-01-02"^^xsd:date .',
             '<https://w3id.org/danvan/id/organization/fixture-hub> a dv:MassMobilizationBoard ; skos:prefLabel "Ban Lớn"@vi .',
             '<https://w3id.org/danvan/id/role/fixture-role> a dv:Role ; skos:prefLabel "Ủy viên"@vi .']
    for i in range(HUB_MEMBERS):
        lines.append(f'<{ID}person/fixture-m-{i:04d}> a dv:Person ; dv:fullName "Thành viên {i:04d}"@vi .')
        lines.append(f"<{ID}post/fixture-m-{i:04d}--uy-vien--fixture-hub> a dv:Post ; dv:holder <{ID}person/fixture-m-{i:04d}> ; "
                     f"dv:role <{ID}role/fixture-role> ; dv:postIn <{ID}organization/fixture-hub> .")
    (folder / "hub.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(folder / "store", sources=[folder / "hub.ttl"])
    return create_app({"DANVAN_STORE": str(folder / "store"), "DANVAN_ENTITY_ROWS": 50}).test_client()


POST_IN = "in:https://w3id.org/danvan/ontology#postIn"


def test_hub_shows_counts_and_pages_each_group(hub_client, visible_text):
    r = hub_client.get("/id/organization/fixture-hub", headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert html.count("data-statement") <= 4 * 50 + 10  # bounded, although 2×130 links point here
    g = group(html, POST_IN)
    assert f'data-count="{HUB_MEMBERS}"' in html[html.index(f'data-group="{POST_IN}"') - 200:][:400]
    assert g.count("data-statement") == 50
    assert "Trang 1 / 3" in visible_text(g)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', g).group(1).replace("&amp;", "&")
    assert "group=in%3Ahttps%3A%2F%2Fw3id.org%2Fdanvan%2Fontology%23postIn" in nxt and "page=2" in nxt
    posts = section(html, "org-posts")
    assert f'data-count="{HUB_MEMBERS}"' in posts and posts.count('class="post-row"') == 50
    last = hub_client.get(nxt.replace("page=2", "page=3"), headers=HTML).text
    assert group(last, POST_IN).count("data-statement") == HUB_MEMBERS - 100
    # the three pages together show every post exactly once
    seen = []
    for n in (1, 2, 3):
        page = hub_client.get(nxt.replace("page=2", f"page={n}"), headers=HTML).text
        seen += re.findall(r'href="/id/post/(fixture-m-\d{4})--', group(page, POST_IN))
    assert len(seen) == HUB_MEMBERS and len(set(seen)) == HUB_MEMBERS
    # other groups stay on their first page
    assert section(last, "org-posts").count('class="post-row"') == 50
    deep = hub_client.get("/id/organization/fixture-hub", headers=HTML,
                          query_string={"group": "posts", "page": "3"}).text
    assert section(deep, "org-posts").count('class="post-row"') == HUB_MEMBERS - 100
    # a page past the end shows the last page, a bad one the first
    def posts_on(page: str) -> list[str]:
        r = hub_client.get("/id/organization/fixture-hub", headers=HTML, query_string={"group": "posts", "page": page})
        assert r.status_code == 200, page
        return re.findall(r'href="/id/person/(fixture-m-\d{4})"', section(r.text, "org-posts"))

    first, last_page = posts_on("1"), posts_on("3")
    assert len(first) == 50 and len(last_page) == HUB_MEMBERS - 100 and not set(first) & set(last_page)
    assert posts_on("99") == last_page
    assert posts_on("x") == first
    assert posts_on("0") == first


def _bench_heading(script: Path) -> str:
    """The HEADING constant of a bench script, read without running the script (bench scripts put
    bench/ and the checkout on sys.path when they run)."""
    import ast

    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "HEADING" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{script} has no HEADING")


@pytest.fixture
def benchkit():
    """bench/benchkit.py (the section writer every bench script uses) as a module, sys.path untouched."""
    import importlib.util
    import sys

    path_before = list(sys.path)
    spec = importlib.util.spec_from_file_location("danvan_test_benchkit", REPO_ROOT / "bench" / "benchkit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    assert sys.path == path_before


def test_benchmark_section_is_written(tmp_path, benchkit):
    """bench/bench_hub.py replaces only its own section of the benchmarks document."""
    heading = _bench_heading(REPO_ROOT / "bench" / "bench_hub.py")
    assert heading == "## Entity pages on a hub"
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkeep me\n\n## Entity pages on a hub\n\nold\n\n## Later\n\nkeep too\n")
    benchkit.replace_section(doc, heading, heading + "\n\nnew numbers\n")
    text = doc.read_text()
    assert "keep me" in text and "keep too" in text and "new numbers" in text and "old" not in text
    assert text.index("## Other") < text.index("new numbers") < text.index("## Later")

# -------------------------------------------------------------------------------------- sources per row

def test_a_row_stated_by_many_sources_cites_a_few_and_links_to_the_rest(client):
    """The Politburo's type is stated by five sources: its row cites three and links to a query that
    lists all five (a hub's type is restated by hundreds of articles at scale)."""
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    from webapp.entity import SOURCES_PER_ROW
    html = get(client, "/id/organization/bo-chinh-tri", lang="en")
    row = group(html, "out:http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    row = row[row.index("Politburo"):]
    row = row[:row.index("</ul>")]
    assert row.count('class="cite') == SOURCES_PER_ROW == 3
    link = re.search(r'<li class="more-sources"><a href="([^"]+)">and 2 more sources</a>', row)
    assert link, row
    query = parse_qs(urlsplit(unescape(link.group(1))).query)["query"][0]
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert len(r.get_json()["results"]["bindings"]) == 5
