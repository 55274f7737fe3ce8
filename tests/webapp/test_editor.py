"""The query editor (a browser's GET /sparql): YASGUI from our own static folder, configured by
/sparql/editor.json, with nothing fetched from any other host.

The in-process tests read the page, its scripts and its configuration through Flask's test client; the
browser tests drive Debian's Chromium (Playwright, headless, no download) against the real server, with
every request to a host other than the server recorded and refused. Screenshots: tests/artifacts/editor-*.png.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.named_queries import all_queries

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
URL_RE = re.compile(r"""https?://[^\s"'`<>)\\]+""")
SKOS = "http://www.w3.org/2004/02/skos/core#"
REQUIRED_PREFIXES = {"dv", "eli", "org", "schema", "skos", "foaf", "dct", "prov", "rdf", "rdfs", "xsd", "owl", "time"}


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_scripts = 0
        self.links: list[str] = []  # every href/src/action attribute
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
            self._in_script = "src" not in a
        for name in ("href", "src", "action"):
            if a.get(name):
                self.links.append(a[name])
        for name, value in attrs:
            if name.startswith("on"):
                self.inline_scripts += 1  # inline event handlers are inline script too

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


@pytest.fixture(scope="module")
def editor_config(app) -> dict:
    r = app.test_client().get("/sparql/editor.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


# ---------------------------------------------------------------------------------------------- in process

def test_page_loads_editor_from_this_server_without_inline_script(client):
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    parsed = _Resources()
    parsed.feed(html)
    srcs = [s["src"] for s in parsed.scripts]
    assert "/static/vendor/yasgui.min.js" in srcs and "/static/editor.js" in srcs
    assert parsed.inline_scripts == 0, "the page must run under a CSP that forbids inline script"
    assert all(not urlsplit(link).netloc and not link.startswith("//") for link in parsed.links), parsed.links
    for link in parsed.links:
        if link.startswith("/static/"):
            assert client.get(link).status_code == 200, link
    # the only absolute URLs in the page are namespace IRIs inside the sample query text
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    outside = html.replace(textarea, "")
    assert URL_RE.findall(outside) == []
    # the plain form still works without JavaScript
    assert re.search(r'<form method="post" action="/sparql"', html)


def test_editor_script_and_config_name_no_other_host(client, editor_config):
    js = client.get("/static/editor.js").get_data(as_text=True)
    assert URL_RE.findall(js) == []
    assert "prefix.cc" not in js and "lov.linkeddata" not in js
    css = client.get("/static/editor.css").get_data(as_text=True)
    assert "url(" not in css and "@import" not in css
    for key in ("endpoint", "labels", "entity_href"):
        assert editor_config[key].startswith("/") and not urlsplit(editor_config[key]).netloc
    assert all(q["form"] is None or q["form"].startswith("/queries/") for q in editor_config["queries"])


def test_vendor_yasgui_is_served(client):
    js = client.get("/static/vendor/yasgui.min.js")
    css = client.get("/static/vendor/yasgui.min.css")
    assert js.status_code == 200 and "javascript" in js.mimetype and len(js.data) > 500_000
    assert b"Yasgui" in js.data[:2000]
    assert css.status_code == 200 and css.mimetype == "text/css" and b".yasgui" in css.data
    assert b"url(http" not in css.data  # no fonts or images from elsewhere


def test_config_has_our_prefixes_terms_and_named_queries(editor_config):
    prefixes = editor_config["prefixes"]
    assert set(prefixes) >= REQUIRED_PREFIXES
    assert prefixes["dv"] == "https://w3id.org/danvan/ontology#" and prefixes["skos"] == SKOS
    classes = {c["curie"]: c for c in editor_config["classes"]}
    properties = {p["curie"]: p for p in editor_config["properties"]}
    assert classes["dv:Document"]["label"]["vi"] and classes["dv:Document"]["label"]["en"]
    assert {"eli:LegalResource", "org:Organization", "foaf:Person", "schema:Event"} <= set(classes)
    assert {"eli:title", "eli:repeals", "org:subOrganizationOf", "foaf:name", "dv:issuedBy"} <= set(properties)
    assert not set(classes) & set(properties)
    named = all_queries()
    got = {q["name"]: q for q in editor_config["queries"]}
    assert set(got) == set(named)
    for name, q in named.items():
        assert got[name]["query"] == q.text and got[name]["title"] == q.title
        assert got[name]["form"] == f"/queries/{name}"
    assert editor_config["entity_href"] == "/id/{kind}/{slug}"
    assert editor_config["entity_base"] == "https://w3id.org/danvan/id/"


def test_labels_of_our_entities(client, entity):
    r = client.post("/sparql/labels", data={"iri": [entity.iri, "https://w3id.org/danvan/id/person/nobody-here"]})
    assert r.status_code == 200
    assert r.get_json() == {entity.iri: entity.label}
    bad = client.post("/sparql/labels", data={"iri": "not an iri"})
    assert bad.status_code == 400


def test_gallery_is_in_the_page(client, visible_text):
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    text = visible_text(html)
    for name, q in all_queries().items():
        assert q.title["vi"] in text
        assert f'href="/queries/{name}"' in html


# ---------------------------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Session:
    """One browser context (its own localStorage) whose requests to other hosts are refused and kept."""

    def __init__(self, browser, server: str):
        self.server = server
        self.host = urlsplit(server).netloc
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 1200})
        self.context.route("**/*", self._guard)
        self.page = self.new_page()

    def _guard(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == self.host:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    def open_editor(self, page=None):
        page = page or self.page
        page.goto(self.server + "/sparql")
        page.wait_for_selector("#yasgui .yasqe .CodeMirror", timeout=20_000)
        return page

    def shot(self, name: str, page=None):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"editor-{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser, server):
    s = Session(browser, server)
    yield s
    s.close()
    assert s.outside == [], f"the editor asked other hosts: {s.outside}"
    assert s.errors == [], f"script errors: {s.errors}"


def _editor_value(page) -> str:
    return page.evaluate("() => window.danvanYasgui.getTab().getYasqe().getValue()")


def _set_editor(page, text: str) -> None:
    page.evaluate("(t) => window.danvanYasgui.getTab().getYasqe().setValue(t)", text)


def _type_into_editor(page, text: str) -> None:
    page.evaluate("() => { const y = window.danvanYasgui.getTab().getYasqe(); y.setValue(''); y.focus(); }")
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Escape")


def test_type_run_see_rows_and_follow_an_entity_link(session, entity, path_of):
    page = session.open_editor()
    assert page.is_hidden("#fallback") and page.is_visible("#editor")
    assert page.evaluate("() => window.danvanYasgui.getTab().getEndpoint()") == session.server + "/sparql"
    # typing a known prefix adds its declaration from our list (no prefix.cc)
    _type_into_editor(page, f"SELECT ?o ?l WHERE {{ ?o skos:prefLabel ?l FILTER(?o = <{entity.iri}>) }}")
    value = _editor_value(page)
    assert f"PREFIX skos: <{SKOS}>" in value and entity.iri in value
    page.click("#yasgui .yasqe_queryButton")
    page.wait_for_selector("#yasgui .yasr table tbody tr a.dv-entity", timeout=20_000)
    link = page.locator("#yasgui .yasr a.dv-entity").first
    link.filter(has_text=entity.label).wait_for(timeout=10_000)  # the label replaced the IRI
    assert link.get_attribute("href") == path_of(entity.iri)
    assert link.get_attribute("title") == entity.iri
    assert page.locator("#yasgui .yasr table tbody tr").count() >= 1
    session.shot("results")
    link.click()
    page.wait_for_url(session.server + path_of(entity.iri))
    assert entity.label in page.inner_text("h1")


def test_autocomplete_offers_our_classes_with_labels(session, editor_config):
    page = session.open_editor()
    # Typing a prefix adds its declaration (checked with skos: in the test above); here the text is set
    # whole, so that keystrokes racing the completion pop-ups on a loaded machine cannot garble it.
    _set_editor(page, "PREFIX dv: <https://w3id.org/danvan/ontology#>\nSELECT * WHERE { ?x a dv:Docu")
    page.evaluate("() => { const y = window.danvanYasgui.getTab().getYasqe(); y.focus();"
                  " const last = y.lastLine(); y.setCursor(last, y.getLine(last).length); }")
    # The list may already be open (completion as you type) or still filling in; ask for it only when it is
    # not shown, then wait until it holds our class rather than taking whatever is there first.
    has_document = "() => { const h = document.querySelector('.CodeMirror-hints');" \
                   " return !!h && h.innerText.includes('dv:Document'); }"
    if not page.query_selector(".CodeMirror-hints"):
        page.keyboard.press("Control+Space")
    page.wait_for_function(has_document, timeout=10_000)
    text = page.inner_text(".CodeMirror-hints")
    label = next(c["label"]["vi"] for c in editor_config["classes"] if c["curie"] == "dv:Document")
    assert "dv:Document" in text and label in text
    assert "dv:DocumentType" in text and "dv:Person" not in text  # filtered by what was typed
    session.shot("autocomplete")
    page.keyboard.press("Enter")
    assert _editor_value(page).rstrip().endswith("?x a dv:Document")


def test_named_query_gallery_opens_in_editor_and_form(session):
    page = session.open_editor()
    name = "replacement-chain"
    q = all_queries()[name]
    tabs_before = page.locator("#yasgui .tabsList .tab").count()
    page.click(f'#gallery button.open-in-editor[data-query-name="{name}"]')
    page.wait_for_function("(n) => document.querySelectorAll('#yasgui .tabsList .tab').length === n",
                           arg=tabs_before + 1)
    assert _editor_value(page) == q.text
    assert q.title["vi"] in page.inner_text("#yasgui .tabsList .tab.active")
    # tabs are kept in the browser: a reload shows the same tabs
    page.reload()
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert page.locator("#yasgui .tabsList .tab").count() == tabs_before + 1
    assert _editor_value(page) == q.text
    # the named query's form page, submitted
    page.click(f'#gallery li[data-query-name="{name}"] a.form-link')
    page.wait_for_url(session.server + f"/queries/{name}")
    page.click("form.query-params button[type=submit]")
    page.wait_for_load_state()
    assert page.url.startswith(session.server + f"/queries/{name}")
    # the answer the default document (290-QĐ/TW) has: one successor, 23-QĐ/TW
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "23-QĐ/TW" in rows.first.inner_text() and "30/07/2021" in rows.first.inner_text()
    session.shot("named-query-form")


def test_share_link_reopens_the_query(session, browser, server):
    page = session.open_editor()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _set_editor(page, query)
    page.click("#share")
    link = page.input_value("#share-link")
    assert link.startswith(server + "/sparql#") and parse_qs(urlsplit(link).fragment)["query"] == [query]
    other = Session(browser, server)  # a different browser profile: nothing stored there
    try:
        p2 = other.page
        p2.goto(link)
        p2.wait_for_selector("#yasgui .yasr table tbody tr", timeout=20_000)
        assert _editor_value(p2) == query
        assert int(p2.inner_text("#yasgui .yasr table tbody tr td:nth-child(2)").strip().strip('"').split('"')[0]) > 0
        other.shot("shared", p2)
    finally:
        other.close()
    assert other.outside == [] and other.errors == []


def test_downloads_as_csv_tsv_json(session):
    page = session.open_editor()
    query = "SELECT ?s WHERE { ?s a <http://data.europa.eu/eli/ontology#LegalResource> } LIMIT 3"
    _set_editor(page, query)
    expected = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json"}
    for fmt, media in expected.items():
        page.hover(f"#download-{fmt}")
        href = page.get_attribute(f"#download-{fmt}", "href")
        args = parse_qs(urlsplit(href).query)
        assert args == {"query": [query], "format": [fmt]}
        r = page.request.get(session.server + href)
        assert r.status == 200 and r.headers["content-type"].startswith(media)
        body = r.text()
        if fmt == "json":
            assert len(json.loads(body)["results"]["bindings"]) == 3
        else:
            assert len(body.strip().splitlines()) == 4  # a header and three rows


def test_syntax_errors_shown_in_place(session):
    page = session.open_editor()
    _set_editor(page, "SELECT * WHERE {\n  ?s ?p \n}")
    # the editor's own check marks the line as it is typed
    page.wait_for_selector("#yasgui .CodeMirror .parseErrorIcon", timeout=10_000)
    # and the endpoint's answer, with line and column, is shown with the line marked
    page.click("#yasgui .yasqe_queryButton")
    page.wait_for_selector("#yasgui .dv-error .dv-error-position", timeout=20_000)
    assert re.search(r"Dòng \d+, cột \d+", page.inner_text("#yasgui .dv-error-position"))
    assert page.locator("#yasgui .CodeMirror .dv-error-line").count() == 1
    session.shot("syntax-error")


@pytest.fixture(scope="module")
def capped_server(store_dir, start_server) -> str:
    """The real server with a row cap of 2 (DANVAN_MAX_ROWS): its answers are cut as in production."""
    base, _proc = start_server(store_dir, DANVAN_MAX_ROWS="2")
    return base


def _run_and_wait(page, query: str):
    """Run ``query`` from the editor; the endpoint's response (awaited with a generous timeout)."""
    _set_editor(page, query)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql", timeout=30_000) as answer:
        page.click("#yasgui .yasqe_queryButton")
    page.wait_for_selector("#yasgui .yasr table tbody tr", timeout=20_000)
    return answer.value


def test_truncated_results_are_announced(browser, capped_server):
    s = Session(browser, capped_server)
    try:
        page = s.open_editor()
        assert page.is_hidden("#truncated")
        cut = _run_and_wait(page, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
        assert cut.status == 200 and cut.headers["x-danvan-truncated"] == "true"
        assert cut.headers["x-danvan-row-limit"] == "2"
        page.wait_for_selector("#truncated:not([hidden])", timeout=10_000)
        note = page.inner_text("#truncated")
        assert note == "Kết quả đã bị cắt: máy chủ chỉ trả 2 dòng đầu."
        assert page.locator("#yasgui .yasr table tbody tr").count() == 2
        s.shot("truncated")
        whole = _run_and_wait(page, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")  # under the cap: no notice
        assert whole.status == 200 and "x-danvan-truncated" not in whole.headers
        page.wait_for_selector("#truncated", state="hidden", timeout=10_000)
        assert page.locator("#yasgui .yasr table tbody tr").count() == 1
    finally:
        s.close()
    assert s.outside == [] and s.errors == []


def test_truncation_notice_names_the_row_limit(browser, capped_server):
    s = Session(browser, capped_server)
    try:
        page = s.open_editor()
        _run_and_wait(page, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
        page.wait_for_selector("#truncated:not([hidden])", timeout=10_000)
        note = page.inner_text("#truncated")
        assert "(true)" not in note and "2" in note
    finally:
        s.close()


# ------------------------------------------------------------------------ one language, visible at once

def test_editor_shows_its_query_without_a_click(session):
    page = session.open_editor()
    code = page.locator("#yasgui .CodeMirror-code")
    code.wait_for(state="visible", timeout=20_000)
    # CodeMirror drew the lines: the sample query's text is on screen before any interaction
    assert "SELECT" in code.inner_text() and "eli:LegalResource" in code.inner_text()
    # a drawn line has height (CodeMirror may redraw its lines meanwhile: asked in one step, in the page)
    page.wait_for_function("() => [...document.querySelectorAll('#yasgui .CodeMirror-code .CodeMirror-line')]"
                           ".some(l => l.getBoundingClientRect().height > 0)", timeout=10_000)
    session.shot("on-load")


@pytest.mark.parametrize("lang, absent", [("vi", ("Type a query", "Download", "Share link", "Examples")),
                                          ("en", ("Gõ truy vấn", "Tải về", "Liên kết chia sẻ", "Truy vấn mẫu"))])
def test_editor_page_speaks_one_language(session, lang, absent):
    page = session.page
    page.goto(f"{session.server}/sparql?lang={lang}")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror", timeout=20_000)
    text = page.inner_text("main")
    assert not [s for s in absent if s in text], text


YASGUI_ENGLISH = ("Table", "Response", "Simple view", "Ellipse", "Page size", "Showing", "entries", "results in",
                  "Settings", "Request method")


def test_editor_chrome_speaks_vietnamese_after_a_run(session):
    page = session.page
    page.goto(f"{session.server}/sparql?lang=vi")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror", timeout=20_000)
    _run_and_wait(page, "SELECT ?d WHERE { ?d a eli:LegalResource } LIMIT 3")
    page.wait_for_function("() => /kết quả trong/.test(document.querySelector('#yasgui .yasr').innerText)",
                           timeout=10_000)
    # YASGUI's own words (the query text, the cells and the column names aside) are in the page language
    chrome = page.evaluate("""() => {
        const root = document.getElementById('yasgui'); const out = [];
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let n; while ((n = walk.nextNode())) {
          if (!n.parentElement.closest('.CodeMirror-lines, table.dataTable')) out.push(n.nodeValue.trim()); }
        root.querySelectorAll('[title],[placeholder],[aria-label]').forEach(e => {
          if (!e.closest('tbody')) ['title', 'placeholder', 'aria-label'].forEach(a => out.push(e.getAttribute(a) || '')); });
        return out.filter(Boolean).join(' | ');
    }""")
    assert not [w for w in YASGUI_ENGLISH if w in chrome], chrome
    for words in ("Bảng", "Số dòng mỗi trang", "Chạy truy vấn", "Dòng 1 đến 3 trong 3"):
        assert words in chrome, chrome
    session.shot("chrome-vi")


def test_read_only_answer_in_the_page_language(session):
    page = session.open_editor()
    _set_editor(page, "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    page.click("#yasgui .yasqe_queryButton")
    message = page.locator("#yasgui .dv-error-message")
    message.wait_for(timeout=20_000)
    assert "chỉ đọc" in message.inner_text()


def test_iri_parameter_is_picked_by_name(session, server):
    page = session.page
    page.goto(server + "/queries/replacement-chain")
    field = page.locator("#param-document")
    field.fill("")
    field.type("23-QĐ", delay=20)
    option = page.locator("#param-document-list [role=option]").first
    option.wait_for(timeout=20_000)
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "https://w3id.org/danvan/id/document/qd-23-tw-2021"
    assert page.inner_text("#param-document-chosen").strip()
    page.click("form.query-params button[type=submit]")
    page.wait_for_selector("table.results tbody tr", timeout=20_000)
    assert "290-QĐ/TW" in page.inner_text("table.results")


def test_conflicts_table_fits_the_window(session, server):
    page = session.page
    page.goto(server + "/queries/conflicts")
    page.wait_for_selector("table.results tbody tr", timeout=20_000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    session.shot("conflicts-fit", page)
