"""/search and /search.json (issue 4): ranking through the app, JSON shape and negotiation, language,
escaping, limits, the header box, a rebuild being searched after the swap, and the typeahead in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

ID = "https://w3id.org/danvan/id/"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def first_iri(client, q: str, **args) -> str:
    r = client.get("/search.json", query_string={"q": q, **args})
    assert r.status_code == 200, r.get_data(as_text=True)
    results = r.get_json()["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]["iri"]


@pytest.mark.parametrize("query, first", [
    ("nguyen huu hiep", "person/nguyen-huu-hiep"),
    ("NGUYỄN HỮU HIỆP", "person/nguyen-huu-hiep"),
    ("QĐ 23", "document/qd-23-tw-2021"),
    ("Quyết định 23", "document/qd-23-tw-2021"),
    ("quyet dinh 23", "document/qd-23-tw-2021"),
    ("23-QĐ/TW", "document/qd-23-tw-2021"),
    ("23-qd/tw", "document/qd-23-tw-2021"),
    ("290", "document/qd-290-tw-2010"),
    ("đinh thị lụa", "person/dinh-thi-lua"),
    ("dinh thi lua", "person/dinh-thi-lua"),
    ("dan van kheo", "movement/dan-van-kheo"),
])
def test_the_exact_entity_comes_first(client, query, first):
    assert first_iri(client, query) == ID + first


def test_the_html_page_lists_it_first_with_kind_and_link(client, visible_text):
    r = client.get("/search", query_string={"q": "Quyết định 23"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    items = re.findall(r'<li data-kind="([^"]+)"[^>]*>\s*<span class="search-kind">([^<]+)</span>\s*'
                       r'<a class="search-label" href="([^"]+)">([^<]+)</a>', html)
    assert items, html
    kind, kind_name, href, label = items[0]
    assert (kind, kind_name, href) == ("document", "văn bản", "/id/document/qd-23-tw-2021")
    assert label.startswith("23-QĐ/TW")
    assert "Quyết định 23" in visible_text(html)  # the written form that matched is shown


def test_json_shape(client):
    body = client.get("/search.json?q=" + quote("nguyễn hữu hiệp")).get_json()
    assert set(body) == {"query", "results"}
    assert body["query"] == "nguyễn hữu hiệp"
    assert body["results"]
    for r in body["results"]:
        assert set(r) == {"iri", "label", "types", "url", "score"}
        assert isinstance(r["label"], str) and r["label"]
        assert isinstance(r["types"], list) and all(t.startswith("http") for t in r["types"])
        assert isinstance(r["score"], (int, float)) and 0 < r["score"] <= 1
    top = body["results"][0]
    assert top["url"] == "/id/person/nguyen-huu-hiep"
    assert "http://xmlns.com/foaf/0.1/Person" in top["types"]
    assert top["score"] == max(r["score"] for r in body["results"])


def test_json_by_accept_and_html_by_default(client):
    r = client.get("/search?q=290", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.get_json()["results"][0]["iri"] == ID + "document/qd-290-tw-2010"
    assert "Accept" in r.headers["Vary"]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/search?q=290", headers={"Accept": browser})
    assert r.mimetype == "text/html" and "Accept" in r.headers["Vary"]
    assert client.get("/search?q=290").mimetype == "text/html"
    assert client.get("/search?q=290&format=json").mimetype == "application/json"
    assert client.get("/search?q=290", headers={"Accept": "image/png"}).status_code == 406


def test_english_labels_where_the_graph_has_them(client):
    body = client.get("/search.json?q=dang+cong+san+viet+nam&lang=en").get_json()
    assert body["results"][0]["label"] == "Communist Party of Viet Nam"
    body = client.get("/search.json?q=dang+cong+san+viet+nam&lang=vi").get_json()
    assert body["results"][0]["label"] == "Đảng Cộng sản Việt Nam"
    html = client.get("/search?q=dang+cong+san+viet+nam&lang=en").get_data(as_text=True)
    assert ">Communist Party of Viet Nam</a>" in html and "organization</span>" in html
    # no English name in the graph: the Vietnamese one
    assert client.get("/search.json?q=dinh+thi+lua&lang=en").get_json()["results"][0]["label"] == "Đinh Thị Lụa"


def test_a_hostile_query_is_escaped(client):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    r = client.get("/search", query_string={"q": hostile})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = client.get("/search.json", query_string={"q": hostile}).get_json()
    assert body["query"] == hostile  # JSON carries it as data, unchanged


def test_empty_and_short_queries_get_help_not_an_error(client, visible_text):
    for q in ("", "   ", "-/."):
        r = client.get("/search", query_string={"q": q})
        assert r.status_code == 200
        assert "Nhập tên một người" in visible_text(r.get_data(as_text=True))
        assert client.get("/search.json", query_string={"q": q}).get_json() == {"query": q, "results": []}
    r = client.get("/search")
    assert r.status_code == 200 and "Nhập tên một người" in visible_text(r.get_data(as_text=True))
    r = client.get("/search?q=khongcogica&lang=en")
    assert r.status_code == 200 and "Nothing found for “khongcogica”" in visible_text(r.get_data(as_text=True))


def test_a_too_long_query_is_400_with_a_message(client, visible_text):
    long = "nguyen " * 40  # 280 characters
    r = client.get("/search.json", query_string={"q": long})
    assert r.status_code == 400
    assert "at most 200" in r.get_json()["error"]["message"]
    r = client.get("/search", query_string={"q": long}, headers={"Accept": "text/html"})
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert "at most 200" in visible_text(r.get_data(as_text=True))
    assert client.get("/search.json", query_string={"q": "a" * 200}).status_code == 200


def test_limit(client):
    assert len(client.get("/search.json?q=dan+van&limit=3").get_json()["results"]) == 3
    assert len(client.get("/search.json?q=dan+van&limit=8").get_json()["results"]) == 8
    for bad in ("0", "101", "x"):
        r = client.get(f"/search.json?q=dan+van&limit={bad}")
        assert r.status_code == 400 and "limit" in r.get_json()["error"]["message"]


def test_the_header_box_is_on_every_page(client):
    for path in ("/", "/search", "/id/person/nguyen-huu-hiep"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        form = re.search(r'<form class="site-search"[^>]*action="/search"[^>]*>(.*?)</form>', html, re.S)
        assert form, path
        assert re.search(r'<label for="site-search-q"[^>]*>[^<]+</label>', form.group(1))
        assert re.search(r'<input id="site-search-q" type="search" name="q"', form.group(1))
        assert '<script src="/static/typeahead.js" defer></script>' in html
        assert "<script>" not in html  # the CSP forbids inline script
    assert client.get("/static/typeahead.js").status_code == 200
    assert client.get("/static/search.css").status_code == 200


def test_search_url_builder(app):
    from webapp.urls import search_url

    with app.test_request_context():
        assert search_url() == "/search"
        assert search_url(fmt="json") == "/search.json"
        assert search_url(q="Quyết định 23", fmt="json", limit=8) == "/search.json?q=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh+23&limit=8"
        with pytest.raises(ValueError):
            search_url(fmt="xml")


NEW_SOURCE = """@prefix dv:   <https://w3id.org/danvan/ontology#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/danvan/id/source/fixture-search-new> a dv:ReferenceSource ;
    dv:headline "Nguồn thử nghiệm tìm kiếm"@vi ;
    dv:datePublished "2024-02-03"^^xsd:date .

<https://w3id.org/danvan/id/person/fixture-tran-thi-moi> a dv:Person ;
    dv:fullName "Trần Thị Mới"@vi .
"""


def test_a_new_build_is_searched_after_the_swap(tmp_path):
    """The app keeps running while a new build (with a new person) is swapped in; the next search
    finds the person, through the store holder, without a restart."""
    from graph.build import build
    from webapp import create_app

    store = tmp_path / "store"
    good = sorted((FIXTURES / "sources" / "good").glob("*.ttl"))
    first = build(store, sources=good)
    client = create_app({"DANVAN_STORE": str(store)}).test_client()
    assert client.get("/search.json?q=nguyen+van+a").get_json()["results"][0]["iri"] == ID + "person/fixture-nguyen-van-a"
    before = client.get("/search.json?q=tran+thi+moi").get_json()["results"]
    assert ID + "person/fixture-tran-thi-moi" not in [r["iri"] for r in before]

    extra = tmp_path / "fixture-search-new.ttl"
    extra.write_text(NEW_SOURCE, encoding="utf-8")
    second = build(store, sources=[*good, extra])
    assert second.build_id != first.build_id
    assert (second.path / "search.sqlite").is_file()
    results = client.get("/search.json?q=TRẦN THỊ MỚI").get_json()["results"]
    assert results and results[0]["iri"] == ID + "person/fixture-tran-thi-moi"
    assert results[0]["url"] == "/id/person/fixture-tran-thi-moi"


def test_the_real_server_searches(server):
    import requests

    r = requests.get(server + "/search.json", params={"q": "23-qd/tw"}, timeout=30)
    assert r.status_code == 200
    assert r.json()["results"][0]["iri"] == ID + "document/qd-23-tw-2021"


def test_typeahead_in_chromium(server, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/")
            box = page.locator("#site-search-q")
            assert box.get_attribute("role") == "combobox"  # set by the script
            box.click()
            box.type("nguyen huu", delay=40)
            listbox = page.locator("#site-search-list")
            listbox.wait_for(state="visible", timeout=10_000)
            assert box.get_attribute("aria-expanded") == "true"
            options = page.locator("#site-search-list [role=option]")
            assert options.count() >= 1
            assert "Nguyễn Hữu Hiệp" in options.first.inner_text()
            box.press("ArrowDown")
            assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
            assert options.first.get_attribute("aria-selected") == "true"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "search-typeahead.png"
            shot.unlink(missing_ok=True)
            page.screenshot(path=str(shot))
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
            with page.expect_navigation():
                box.press("Enter")
            assert page.url == server + "/id/person/nguyen-huu-hiep"
            assert "Nguyễn Hữu Hiệp" in page.locator("h1").inner_text()
            assert errors == []
        finally:
            browser.close()


def test_the_form_works_without_javascript(server, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.goto(server + "/")
            page.fill("#site-search-q", "dinh thi lua")
            with page.expect_navigation():
                page.press("#site-search-q", "Enter")
            assert page.url.startswith(server + "/search?q=dinh+thi+lua")
            first = page.locator("ol.search-results li a").first
            assert first.get_attribute("href") == "/id/person/dinh-thi-lua"
        finally:
            browser.close()
