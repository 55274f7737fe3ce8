"""The frame of every page: language (Vietnamese by default, ?lang=en remembered in a cookie, a switch
link that keeps the page), navigation, accessibility (skip link, semantic elements, nothing clickable
that is not a link, button or form control), responsiveness, the Content-Security-Policy, and escaping
of hostile values from the graph."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from webapp import create_app

HTML = {"Accept": "text/html"}
PAGES = ["/", "/browse", "/browse/document", "/browse/document?type=qd&year=2021", "/browse/organization",
         "/browse/organization/tree", "/browse/event", "/browse/person", "/browse/post", "/browse/source"]
STYLE = Path(__file__).resolve().parents[2] / "webapp" / "static" / "style.css"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[dict] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "script":
            self._script = {"attrs": a, "body": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["body"] += data


def elements(html: str) -> _Elements:
    p = _Elements()
    p.feed(html)
    return p


# ------------------------------------------------------------------------------------------ language

def test_vietnamese_by_default(client, visible_text):
    r = client.get("/", headers=HTML)
    assert '<html lang="vi">' in r.text
    text = visible_text(r.text)
    for word in ("Trang chủ", "Duyệt", "Truy vấn mẫu", "Nội dung", "Sự kiện mới nhất", "Bỏ qua, đến nội dung chính"):
        assert word in text
    assert "Latest events" not in text


def test_lang_switch_is_remembered_in_a_cookie(app, visible_text):
    c = app.test_client()
    r = c.get("/browse/document?lang=en", headers=HTML)
    assert '<html lang="en">' in r.text and r.headers["Content-Language"] == "en"
    cookie = r.headers.get("Set-Cookie", "")
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # later pages, without ?lang=, stay in English: interface and labels
    text = visible_text(c.get("/", headers=HTML).text)
    assert "Home" in text and "Browse" in text and "Latest events" in text and "Contents" in text
    assert "Nội dung" not in text
    tree = visible_text(c.get("/browse/organization/tree", headers=HTML).text)
    assert "Politburo" in tree and "Bộ Chính trị" not in tree
    # and back
    r = c.get("/?lang=vi", headers=HTML)
    assert r.headers["Set-Cookie"].startswith("lang=vi")
    # later pages, without ?lang=, are Vietnamese again: interface and labels
    home = visible_text(c.get("/", headers=HTML).text)
    assert "Nội dung" in home and "Sự kiện mới nhất" in home and "Contents" not in home
    tree = visible_text(c.get("/browse/organization/tree", headers=HTML).text)
    assert "Bộ Chính trị" in tree and "Politburo" not in tree


def test_switch_link_keeps_the_page_and_its_arguments(client):
    r = client.get("/browse/document?type=qd&year=2021&page=1", headers=HTML)
    switch = [a for tag, a in elements(r.text).elements if tag == "a" and a.get("class") == "lang-switch"]
    assert len(switch) == 1
    url = urlsplit(switch[0]["href"])
    assert url.path == "/browse/document"
    assert sorted(parse_qsl(url.query)) == [("lang", "en"), ("page", "1"), ("type", "qd"), ("year", "2021")]
    assert switch[0]["hreflang"] == "en"
    r = client.get("/browse/event?lang=en&year=2022", headers=HTML)
    link = next(a["href"] for tag, a in elements(r.text).elements if tag == "a" and a.get("class") == "lang-switch")
    assert sorted(parse_qsl(urlsplit(link).query)) == [("lang", "vi"), ("year", "2022")]
    assert "Tiếng Việt" in r.text


def test_navigation_links(client):
    r = client.get("/browse", headers=HTML)
    nav = re.search(r"<nav aria-label=[^>]*>(.*?)</nav>", r.text, re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs[:4] == ["/", "/browse", "/queries", "/sparql"]
    assert "Trang chủ" in nav and "Duyệt" in nav and "Truy vấn mẫu" in nav and "SPARQL" in nav


# ------------------------------------------------------------------------------- safety and structure

@pytest.mark.parametrize("path", PAGES)
def test_csp_and_no_inline_script(client, path):
    r = client.get(path, headers=HTML)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    page = elements(r.text)
    for script in page.scripts:
        assert script["attrs"].get("src") and not script["body"].strip(), script
    for tag, attrs in page.elements:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)  # no onclick=…
        if tag == "a":
            assert attrs.get("href"), attrs  # every link goes somewhere
            assert not attrs["href"].strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        assert attrs.get("tabindex") in (None, "0", "-1"), (tag, attrs)  # no focus-order tricks
        assert attrs.get("role") not in ("button", "link"), (tag, attrs)  # real buttons and links only


@pytest.mark.parametrize("path", PAGES)
def test_semantic_skeleton_and_skip_link(client, path):
    r = client.get(path, headers=HTML)
    page = elements(r.text)
    tags = [t for t, _ in page.elements]
    for tag in ("header", "nav", "main", "footer", "h1"):
        assert tag in tags, tag
    assert tags.count("h1") == 1
    # the first link on the page skips to the main content
    first_link = next(a for t, a in page.elements if t == "a")
    assert first_link["href"] == "#content"
    assert ("main", {"id": "content", "tabindex": "-1"}) in page.elements
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.elements


def test_stylesheet_is_responsive_and_shows_focus():
    css = STYLE.read_text(encoding="utf-8")
    assert re.search(r"@media\s*\(max-width:\s*\d+(\.\d+)?(rem|em|px)\)", css)
    assert ":focus-visible" in css and ".skip-link:focus" in css


# ------------------------------------------------------------------------------------ hostile values

HOSTILE = """@prefix dv:   <https://w3id.org/danvan/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

# Invented test data: labels that hold markup and IRIs with a javascript: scheme.

<https://w3id.org/danvan/id/source/fixture-hostile> a dv:ReferenceSource ;
    dv:headline "<script>alert(1)</script> nguồn"@vi ;
    dv:datePublished "2024-01-02"^^xsd:date .

<https://w3id.org/danvan/id/event/2024-01-02-fixture-hostile> a dv:Conference ;
    skos:prefLabel "<script>alert(1)</script> sự kiện"@vi ;
    dv:startDate "2024-01-02"^^xsd:date ;
    dv:location <javascript:alert(1)> .

<https://w3id.org/danvan/id/organization/fixture-hostile> a dv:PartyCommittee ;
    skos:prefLabel "<script>alert(1)</script> tổ chức"@vi ;
    dv:subOrganizationOf <javascript:alert(2)> .

<https://w3id.org/danvan/id/document/qd-1-tu-fixture-2024> a dv:PartyDocument ;
    dv:documentNumber "1-QĐ/TU" ; dv:documentType <https://w3id.org/danvan/id/document-type/qd> ;
    dv:issuedBy <javascript:alert(1)> ;
    dv:title "<script>alert(1)</script> văn bản"@vi ;
    dv:dateIssued "2024-01-02"^^xsd:date .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from graph.build import build

    root = tmp_path_factory.mktemp("hostile")
    source = root / "fixture-hostile.ttl"
    source.write_text(HOSTILE, encoding="utf-8")
    build(root / "store", sources=[source])
    return create_app({"DANVAN_STORE": str(root / "store")}).test_client()


@pytest.mark.parametrize("path,shown", [
    ("/", "<script>alert(1)</script> sự kiện"),
    ("/browse/event", "<script>alert(1)</script> sự kiện"),
    ("/browse/event?place=javascript%3Aalert%281%29", "<script>alert(1)</script> sự kiện"),
    ("/browse/document", "<script>alert(1)</script> văn bản"),
    ("/browse/document?issuer=javascript%3Aalert%281%29", "<script>alert(1)</script> văn bản"),
    ("/browse/organization", "<script>alert(1)</script> tổ chức"),
    ("/browse/organization/tree", "<script>alert(1)</script> tổ chức"),
    ("/browse/source", "<script>alert(1)</script> nguồn"),
])
def test_hostile_values_are_text_and_never_links(hostile, visible_text, path, shown):
    r = hostile.get(path, headers=HTML)
    assert r.status_code == 200
    assert shown in visible_text(r.text)  # shown as text…
    assert "<script>alert" not in r.text  # …escaped in the markup
    page = elements(r.text)
    assert all(s["attrs"].get("src") for s in page.scripts)
    # what a reader can follow or submit (the frame's own <link rel=icon href="data:,"> is not one)
    hrefs = [a.get("href") or a.get("action") or "" for t, a in page.elements if t in ("a", "area", "form")]
    assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
    assert "Content-Security-Policy" in r.headers


def test_hostile_iri_is_a_filter_value_not_a_link_target(hostile, visible_text):
    page = hostile.get("/browse/event", headers=HTML)
    # the place facet offers the javascript: IRI as a value: its link filters this list
    assert 'href="/browse/event?place=javascript%3Aalert%281%29"' in page.text
    assert "javascript:alert(1)" in visible_text(page.text)
    home = hostile.get("/", headers=HTML)
    assert "javascript:alert(1)" in visible_text(home.text)  # the event's place, as text
