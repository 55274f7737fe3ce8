"""/queries and /queries/{name}: the named-query library on the web.

The list and each page (form from the declared parameters, query text, results table with linked
entities); every results format by suffix, ``format=`` and ``Accept`` with q-values, parsed back and
compared with the same query run on the store; 406 and 404; and hostile parameter values, which are
refused with 400 or bound harmlessly as one typed term — never spliced into the query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from graph import named_queries

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # a browser's
ID = "https://w3id.org/danvan/id/"
DOC_290 = ID + "document/qd-290-tw-2010"
DOC_23 = ID + "document/qd-23-tw-2021"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def expected(store, name: str, **params) -> list[dict[str, str | None]]:
    """The query run straight on the store through the loader: what every format must say."""
    q = named_queries.get(name)
    solutions = named_queries.run(store, q.text, named_queries.bind(q, params))
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


# -------------------------------------------------------------------------------------------- list

def test_list_shows_every_named_query_in_vietnamese(client, visible_text):
    r = client.get("/queries", headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    text = visible_text(r.text)
    queries = named_queries.all_queries()
    assert len(queries) >= 12
    for q in queries.values():
        assert q.title["vi"] in text and q.description["vi"] in text, q.name
        assert f'href="/queries/{q.name}"' in r.text
    assert queries["replacement-chain"].title["en"] not in text
    assert "Văn bản" in text  # the parameter's Vietnamese label


def test_list_in_english(client, visible_text):
    r = client.get("/queries?lang=en", headers=HTML)
    text = visible_text(r.text)
    for q in named_queries.all_queries().values():
        assert q.title["en"] in text and q.description["en"] in text, q.name
        assert f'href="/queries/{q.name}?lang=en"' in r.text
    assert "Query library" in text and "Thư viện truy vấn" not in text


def test_list_as_json(client):
    for r in (client.get("/queries.json"), client.get("/queries", headers={"Accept": "application/json"})):
        assert r.status_code == 200 and r.mimetype == "application/json"
        by_name = {q["name"]: q for q in r.json["queries"]}
        assert set(by_name) == set(named_queries.all_queries())
        chain = by_name["replacement-chain"]
        assert chain["url"] == "/queries/replacement-chain"
        assert chain["parameters"] == [{"name": "document", "type": "iri", "required": False,
                                        "default": DOC_290, "label": "Văn bản"}]


# ---------------------------------------------------------------------------------------- one page

def test_page_has_form_text_and_linked_results(client, store, visible_text):
    r = client.get("/queries/replacement-chain", headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    text = visible_text(r.text)
    q = named_queries.get("replacement-chain")
    assert re.search(r"<h1>\s*" + re.escape(q.title["vi"]) + r"\s*</h1>", r.text)
    # the form: one field per declared parameter, typed, the default shown
    assert re.search(r'<form method="get" action="/queries/replacement-chain"', r.text)
    field = re.search(r'<input id="param-document" name="document" type="text"[^>]*>', r.text)
    assert field and f'value="{DOC_290}"' in field.group(0)  # the default, which the results use
    assert 'data-typeahead="1"' in field.group(0)  # picked by name, as the entity search does
    assert "Văn bản" in text
    # headings are the query's column names in the page's language, not its variables
    assert "<th>Văn bản liên quan</th>" in r.text and "<th>related</th>" not in r.text
    # the query text, escaped, and a link to open it in the editor
    assert "eli:repealed_by+ ?related" in text and "&lt;http://data.europa.eu/eli/ontology#&gt;" in r.text
    editor = re.search(r'<a href="(/sparql\?[^"]+)">', r.text)
    opened = parse_qs(urlsplit(editor.group(1).replace("&amp;", "&")).query)["query"][0]
    assert f"VALUES (?document) {{ (<{DOC_290}>) }}" in opened  # the editor runs it bound, not empty
    # the results: our entities link to their page by name; dates read as dates
    rows = re.findall(r"<tr>(.*?)</tr>", r.text, re.S)
    body = [row for row in rows if "<td>" in row]
    assert len(body) == len(expected(store, "replacement-chain")) == 1
    assert f'<a href="/id/document/qd-23-tw-2021" title="{DOC_23}">23-QĐ/TW</a>' in body[0]
    assert "30/07/2021" in body[0] and "xsd:date" not in body[0]
    assert "văn bản thay thế sau" in body[0] and "successor" not in body[0]
    # download links for every format, carrying the parameters
    for suffix in ("json", "xml", "csv", "tsv"):
        assert f'href="/queries/replacement-chain.{suffix}"' in r.text
    assert 'rel="alternate"; type="text/csv"' in r.headers["Link"]


def test_page_with_a_parameter(client, store):
    r = client.get("/queries/replacement-chain?" + urlencode({"document": DOC_23}), headers=HTML)
    assert r.status_code == 200
    assert "predecessor" in r.text and 'href="/id/document/qd-290-tw-2010"' in r.text
    assert f'value="{DOC_23}"' in r.text  # the form keeps what was asked
    assert "href=\"/queries/replacement-chain.csv?" + urlencode({"document": DOC_23}).replace("&", "&amp;") in r.text


def test_page_in_english(client, visible_text):
    r = client.get("/queries/replacement-chain?lang=en", headers=HTML)
    text = visible_text(r.text)
    q = named_queries.get("replacement-chain")
    assert q.title["en"] in text and q.description["en"] in text
    assert re.search(r"<h1>\s*" + re.escape(q.title["en"]) + r"\s*</h1>", r.text)
    assert "Document" in text and "Results" in text and "Open in the SPARQL editor" in text
    assert '<input type="hidden" name="lang" value="en">' in r.text


def test_cells_read_as_text_and_link_out(client, visible_text):
    r = client.get("/queries/source-facts", headers=HTML)
    assert r.status_code == 200
    # a standard property links out to its own IRI
    assert re.search(r'<a href="http://www.w3.org/1999/02/22-rdf-syntax-ns#type"[^>]*class="external"', r.text)
    # literals read as text: no language tags or datatypes, dates as dd/mm/yyyy
    results = r.text[r.text.index('<section class="results">'):r.text.index('<section class="query-text">')]
    text = visible_text(results)
    assert "@vi" not in text and "xsd:" not in text and "06/01/2022" in text
    assert 'href="/id/source/002-156528502f9433d5"' in r.text


def test_html_rows_are_capped(store_dir, store, test_config):
    from webapp import create_app

    app = create_app({**test_config, "DANVAN_STORE": str(store_dir), "DANVAN_MAX_ROWS": 3})
    try:
        _check_capped(app.test_client(), store)
    finally:
        app.extensions["danvan.pool"].close()


def _check_capped(client, store):
    r = client.get("/queries/source-facts", headers=HTML)
    assert r.status_code == 200
    assert len(re.findall(r"<tr><td>", r.text)) == 3
    assert "chỉ hiện 3 dòng đầu" in r.text
    assert len(expected(store, "source-facts")) > 3
    # the downloads are capped the same way, and say so
    r = client.get("/queries/source-facts.csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == 3
    assert r.headers["X-Danvan-Truncated"] == "true" and r.headers["X-Danvan-Row-Limit"] == "3"


# ---------------------------------------------------------------------------------------- formats

def _bindings_json(body: bytes) -> list[dict[str, str]]:
    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _bindings_xml(body: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(body)
    out = []
    for result in root.iter(SRX + "result"):
        out.append({b.get("name"): next(iter(b)).text for b in result.findall(SRX + "binding")})
    return out


def _bindings_table(body: bytes, delimiter: str) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    if delimiter == ",":
        rows = list(csv.DictReader(io.StringIO(text)))
        return [{k: v for k, v in r.items() if v != ""} for r in rows]
    lines = text.splitlines()
    header = [h.lstrip("?") for h in lines[0].split("\t")]
    out = []
    for line in lines[1:]:
        cells = dict(zip(header, line.split("\t")))
        # TSV writes terms in Turtle syntax: <iri>, "literal"^^<dt>
        out.append({k: re.sub(r'^<(.*)>$|^"(.*)"(?:\^\^<.*>|@.*)?$', lambda m: m.group(1) or m.group(2), v)
                    for k, v in cells.items() if v != ""})
    return out


PARSERS = {
    "json": ("application/sparql-results+json", _bindings_json),
    "xml": ("application/sparql-results+xml", _bindings_xml),
    "csv": ("text/csv", lambda b: _bindings_table(b, ",")),
    "tsv": ("text/tab-separated-values", lambda b: _bindings_table(b, "\t")),
}


def _present(rows):
    return [{k: v for k, v in r.items() if v is not None} for r in rows]


@pytest.mark.parametrize("suffix", list(PARSERS))
def test_every_format_by_suffix(client, store, suffix):
    media, parse = PARSERS[suffix]
    r = client.get(f"/queries/replacement-chain.{suffix}?" + urlencode({"document": DOC_23}))
    assert r.status_code == 200 and r.mimetype == media
    rows = parse(r.data)
    assert rows == _present(expected(store, "replacement-chain", document=DOC_23))
    assert [(x["direction"], x["number"]) for x in rows] == [("predecessor", "290-QĐ/TW")]


@pytest.mark.parametrize("suffix", list(PARSERS))
def test_every_format_by_accept(client, store, suffix):
    media, parse = PARSERS[suffix]
    others = ", ".join(f"{m};q=0.5" for s, (m, _) in PARSERS.items() if s != suffix)
    r = client.get("/queries/in-force-on?date=2022-01-01",
                   headers={"Accept": f"text/html;q=0.2, {others}, {media};q=0.9"})
    assert r.status_code == 200 and r.mimetype == media
    assert "Accept" in r.headers["Vary"]
    rows = parse(r.data)
    assert rows == _present(expected(store, "in-force-on", date="2022-01-01"))
    assert "23-QĐ/TW" in {x.get("number") for x in rows}


def test_format_argument_and_plain_json(client, store):
    r = client.get("/queries/conflicts?format=xml")
    assert r.mimetype == "application/sparql-results+xml"
    assert _bindings_xml(r.data) == _present(expected(store, "conflicts"))
    r = client.get("/queries/conflicts", headers={"Accept": "application/json"})
    assert r.mimetype == "application/sparql-results+json"


def test_a_browser_gets_html_and_curl_gets_html_too(client):
    assert client.get("/queries/conflicts", headers=HTML).mimetype == "text/html"
    assert client.get("/queries/conflicts", headers={"Accept": "*/*"}).mimetype == "text/html"


@pytest.mark.parametrize("path, headers", [
    ("/queries/replacement-chain", {"Accept": "text/turtle"}),
    ("/queries/replacement-chain", {"Accept": "image/png"}),
    ("/queries/replacement-chain.ttl", {}),
    ("/queries/replacement-chain?format=ntriples", {}),
    ("/queries/replacement-chain?format=pdf", {}),
    ("/queries", {"Accept": "image/png"}),
])
def test_406_when_the_format_cannot_be_made(client, path, headers):
    r = client.get(path, headers=headers)
    assert r.status_code == 406
    assert r.json["error"]["status"] == 406


def test_unknown_query_is_404(client):
    r = client.get("/queries/no-such-query.csv")
    assert r.status_code == 404 and "replacement-chain" in r.json["error"]["message"]
    assert client.get("/queries/no-such-query", headers=HTML).status_code == 404


# ------------------------------------------------------------------------------ hostile parameters

HOSTILE_IRIS = [
    "x> } UNION { ?s ?p ?o",
    f"{DOC_290}> }} UNION {{ ?s ?p ?o }} #",
    '"quoted" value',
    'https://example.org/a"b',
    "https://example.org/a\nb",
    "https://example.org/a\r\nUNION { ?s ?p ?o }",
    "not an iri",
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
]


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_hostile_iri_values_are_refused(client, value):
    r = client.get("/queries/replacement-chain.json?" + urlencode({"document": value}))
    assert r.status_code == 400
    assert "document" in r.json["error"]["message"]
    page = client.get("/queries/replacement-chain?" + urlencode({"document": value}), headers=HTML)
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert "<script>alert(1)" not in page.text  # the value is shown escaped, in the form and the message
    assert '<table class="results">' not in page.text


@pytest.mark.parametrize("value", ['2022-01-01" || true || "', "2022-01-01\n} UNION { ?s ?p ?o }",
                                   "2022-13-45", "01/01/2022"])
def test_hostile_date_values_are_refused(client, value):
    r = client.get("/queries/in-force-on.csv?" + urlencode({"date": value}))
    assert r.status_code == 400 and "date" in r.json["error"]["message"]


def test_unknown_and_repeated_parameters_are_refused(client):
    r = client.get("/queries/replacement-chain.json?" + urlencode({"x": "} UNION { ?s ?p ?o }"}))
    assert r.status_code == 400 and "'x'" in r.json["error"]["message"]
    r = client.get("/queries/replacement-chain.json?document=" + DOC_290 + "&document=" + DOC_23)
    assert r.status_code == 400


def test_an_odd_but_valid_iri_is_bound_as_one_term(client):
    # quotes, parentheses and braces-free SPARQL-looking text that an IRI may legally hold
    value = "https://example.org/x')%20UNION%20?s%20?p%20?o;'"
    r = client.get("/queries/replacement-chain.json?" + urlencode({"document": value}))
    assert r.status_code == 200
    assert json.loads(r.data)["results"]["bindings"] == []


@pytest.fixture
def label_query(monkeypatch):
    """A named query with a free-text parameter (none of the shipped ones has one)."""
    text = """#+ title@vi: Tìm theo nhãn
#+ title@en: Find by label
#+ description@vi: Thực thể có nhãn đúng như đã nhập.
#+ description@en: Entities whose label is exactly the text given.
#+ param label: string ; Nhãn ; Label
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label ?s WHERE { ?s skos:prefLabel ?l FILTER (STR(?l) = ?label) }
"""
    real = named_queries.all_queries
    fake = named_queries.parse(text, "by-label", "by-label.rq")
    monkeypatch.setattr(named_queries, "all_queries", lambda: {**real(), "by-label": fake})
    return fake


@pytest.mark.parametrize("value", [
    'x" } UNION { ?s ?p ?o } #',
    "x' ) || true || ( '",
    'line one\n"} UNION { ?s ?p ?o }\nline three',
    "x> } UNION { ?s ?p ?o",
])
def test_hostile_strings_are_bound_harmlessly(client, label_query, entity, value):
    # the control: the real label finds the entity, so the query does use the parameter
    r = client.get("/queries/by-label.json?" + urlencode({"label": entity.label}))
    assert r.status_code == 200
    found = _bindings_json(r.data)
    assert {"label": entity.label, "s": entity.iri} in found
    # a hostile value is one literal: it matches no label (spliced, the UNION would match every triple)
    r = client.get("/queries/by-label.json?" + urlencode({"label": value}))
    assert r.status_code == 200
    assert _bindings_json(r.data) == []
    page = client.get("/queries/by-label?" + urlencode({"label": value}), headers=HTML)
    assert page.status_code == 200 and "<td>" not in page.text


def test_the_form_escapes_what_it_shows(client, label_query):
    value = '"><script>alert(1)</script>'
    page = client.get("/queries/by-label?" + urlencode({"label": value}), headers=HTML)
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page.text


def test_a_query_past_its_deadline_is_stopped_with_503(store_dir, monkeypatch, test_config):
    from webapp import create_app

    slow = named_queries.parse("""#+ title@vi: Tích Descartes
#+ title@en: Cartesian product
#+ description@vi: Chậm có chủ ý.
#+ description@en: Slow on purpose.
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }
""", "slow", "slow.rq")
    real = named_queries.all_queries
    monkeypatch.setattr(named_queries, "all_queries", lambda: {**real(), "slow": slow})
    app = create_app({**test_config, "DANVAN_STORE": str(store_dir), "DANVAN_QUERY_TIMEOUT": 1})
    try:
        client = app.test_client()
        for path, headers in (("/queries/slow.json", {}), ("/queries/slow", HTML)):
            r = client.get(path, headers=headers)
            assert r.status_code == 503, r.data[:300]
        html = client.get("/queries/slow", headers=HTML).get_data(as_text=True)
        assert "DANVAN_QUERY_TIMEOUT" in html and "<table" not in html
        assert "DANVAN_QUERY_TIMEOUT" in client.get("/queries/slow.json").json["error"]["message"]
    finally:
        app.extensions["danvan.pool"].close()
