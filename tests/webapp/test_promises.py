"""Promises of the docs that no other test checked: DESCRIBE from an entity page, the protocol's
named-graph-uri, X-Danvan-Row-Limit on every query answer, the browse pages of sources, document
types, levels and connection points, and the home page's latest events. In process (Flask's test
client) over the session's store built from the packaged data."""

from __future__ import annotations

import html as html_lib
import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/danvan/id/"
ROW_LIMIT = "X-Danvan-Row-Limit"


def _hrefs(fragment: str) -> list[str]:
    return [html_lib.unescape(h) for h in re.findall(r'<a href="([^"]+)"', fragment)]


def _listing(page: str) -> list[str]:
    m = re.search(r'<ul class="listing">(.*?)</ul>', page, re.S)
    assert m, "the page has no listing"
    return _hrefs(m.group(1))


def _facet(page: str, name: str) -> dict[str, int]:
    """A facet's values: link target (or "selected:" and the name of the chosen one) → count."""
    m = re.search(r'<section class="facet" data-facet="%s">(.*?)</section>' % re.escape(name), page, re.S)
    assert m, f"no facet {name!r}"
    out = {}
    for li in re.findall(r"<li[^>]*>(.*?)</li>", m.group(1), re.S):
        count = int(re.search(r'data-count="(\d+)"', li).group(1))
        link = re.search(r'<a href="([^"]+)">([^<]*)</a>', li)
        key = html_lib.unescape(link.group(1)) if link else "selected:" + re.search(r"<strong[^>]*>([^<]*)<", li).group(1)
        out[key] = count
    return out


# --------------------------------------------------------------------------------------------- DESCRIBE

def test_the_entity_pages_describe_link_answers_rdf_about_the_entity(client, entity, path_of):
    page = client.get(path_of(entity.iri), headers=HTML).get_data(as_text=True)
    describe = [html_lib.unescape(h) for h in re.findall(r'href="(/sparql\?[^"]+)"', page) if "DESCRIBE" in h]
    assert len(describe) == 1, describe
    r = client.get(describe[0], headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.get_data(as_text=True), format="turtle")
    me = URIRef(entity.iri)
    assert (me, SKOS.prefLabel, Literal(entity.label, lang="vi")) in g
    assert (me, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in g  # inferred triples too
    assert (me, URIRef("https://w3id.org/danvan/ontology#subOrganizationOf"), None) in g
    # a browser following the same link gets the page with the description in it
    shown = client.get(describe[0], headers=HTML)
    assert shown.status_code == 200 and entity.iri in html_lib.unescape(shown.get_data(as_text=True))


# ------------------------------------------------------------------------------------ named-graph-uri

@pytest.fixture(scope="module")
def two_sources(store) -> tuple[str, str]:
    """Two source graphs of the seed data (the smallest IRIs, for a stable choice)."""
    graphs = sorted(g.value for g in store.named_graphs() if g.value.startswith(ID + "source/"))
    assert len(graphs) >= 2
    return graphs[0], graphs[1]


def _select(client, query: str, **params) -> list[dict]:
    r = client.get("/sparql", query_string={"query": query, **params},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data[:300]
    return r.get_json()["results"]["bindings"]


def test_named_graph_uri_gives_a_dataset_of_that_graph_only(client, store, two_sources):
    one, other = two_sources
    graphs = _select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": one})
    assert [b["g"]["value"] for b in graphs] == [one]
    # what the query sees in it is exactly what that graph holds
    seen = _select(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": one})
    assert int(seen[0]["n"]["value"]) == len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(one))))
    # the default graph is empty when the request names only named graphs
    assert _select(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{"named-graph-uri": one}) == []
    # a GRAPH pattern naming the other source finds nothing: it is not in the dataset
    assert _select(client, f"SELECT * WHERE {{ GRAPH <{other}> {{ ?s ?p ?o }} }} LIMIT 1",
                   **{"named-graph-uri": one}) == []
    assert _select(client, f"SELECT * WHERE {{ GRAPH <{other}> {{ ?s ?p ?o }} }} LIMIT 1") != []


# ------------------------------------------------------------------------------- X-Danvan-Row-Limit

@pytest.mark.parametrize("query, accept", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "application/sparql-results+json"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "application/sparql-results+xml"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "text/csv"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "text/tab-separated-values"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "text/html"),
    ("ASK { ?s ?p ?o }", "application/sparql-results+json"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2", "text/turtle"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2", "application/n-triples"),
    ("DESCRIBE <https://w3id.org/danvan/id/person/nguyen-huu-hiep>", "application/ld+json"),
])
def test_every_query_answer_says_the_row_limit(client, test_config, query, accept):
    limit = str(test_config["DANVAN_MAX_ROWS"])
    answers = [
        client.get("/sparql", query_string={"query": query}, headers={"Accept": accept}),
        client.post("/sparql", data={"query": query}, headers={"Accept": accept}),
        client.post("/sparql", data=query.encode("utf-8"),
                    headers={"Accept": accept, "Content-Type": "application/sparql-query"}),
    ]
    for r in answers:
        assert r.status_code == 200, r.data[:300]
        assert r.headers[ROW_LIMIT] == limit
        assert "X-Danvan-Truncated" not in r.headers
    # browsers elsewhere may read it (CORS)
    assert ROW_LIMIT in answers[0].headers["Access-Control-Expose-Headers"]


def test_named_query_answers_say_the_row_limit_too(client, test_config):
    for fmt in ("json", "csv", "tsv", "xml"):
        r = client.get(f"/queries/replacement-chain.{fmt}")
        assert r.status_code == 200 and r.headers[ROW_LIMIT] == str(test_config["DANVAN_MAX_ROWS"]), fmt


# ------------------------------------------------------------------------------------------ browse

def test_browse_source_facets_year_and_publisher(client, store):
    page = client.get("/browse/source", headers=HTML).get_data(as_text=True)
    # the seed sources: five dated ones (one each in 2011, 2013, 2021, 2022, 2024), publishers by their slug
    assert _facet(page, "year") == {"/browse/source?year=2024": 1, "/browse/source?year=2022": 1,
                                    "/browse/source?year=2021": 1, "/browse/source?year=2013": 1,
                                    "/browse/source?year=2011": 1}
    assert _facet(page, "publisher") == {
        "/browse/source?publisher=dang-cong-san-viet-nam": 3,
        "/browse/source?publisher=cong-thong-tin-thanh-uy-tphcm": 2,
        "/browse/source?publisher=thong-tan-xa-viet-nam": 1,
        "/browse/source?publisher=bao-sai-gon-giai-phong": 1,
        "/browse/source?publisher=uy-ban-thuong-vu-quoc-hoi": 1,
    }
    assert sorted(_listing(page)) == sorted(
        "/id/" + g.value.split("/id/", 1)[1] for g in store.named_graphs() if g.value.startswith(ID + "source/"))
    # choosing a publisher lists its sources, and the year facet counts under that choice
    chosen = client.get("/browse/source?publisher=cong-thong-tin-thanh-uy-tphcm", headers=HTML).get_data(as_text=True)
    assert sorted(_listing(chosen)) == ["/id/source/001-46434424e5920920", "/id/source/003-de6e4e026039765c"]
    assert _facet(chosen, "year") == {"/browse/source?publisher=cong-thong-tin-thanh-uy-tphcm&year=2024": 1,
                                      "/browse/source?publisher=cong-thong-tin-thanh-uy-tphcm&year=2022": 1}
    both = client.get("/browse/source?publisher=cong-thong-tin-thanh-uy-tphcm&year=2022", headers=HTML)
    assert _listing(both.get_data(as_text=True)) == ["/id/source/001-46434424e5920920"]


@pytest.mark.parametrize("kind, expected", [
    ("document-type", {"bc": "Báo cáo", "ct": "Chỉ thị", "ctr": "Chương trình", "ctrhd": "Chương trình hành động",
                       "da": "Đề án", "dl": "Điều lệ", "hd": "Hướng dẫn", "kh": "Kế hoạch", "kl": "Kết luận", "nd": "Nghị định",
                       "nq": "Nghị quyết", "qc": "Quy chế", "qdi": "Quy định", "qd": "Quyết định",
                       "tb": "Thông báo", "scheme": "Loại văn bản"}),
    ("level", {"tw": "Trung ương", "tu": "Tỉnh, thành phố trực thuộc Trung ương",
               "hu": "Huyện, quận, thị xã, thành phố thuộc tỉnh", "du": "Đảng ủy (cấp trên cơ sở)",
               "cb": "Cơ sở", "scheme": "Cấp"}),
    ("connection-point", {"2022-01-06-ha-nam-ly-nhan": "Điểm cầu huyện Lý Nhân"}),
])
def test_browse_pages_of_the_vocabularies(client, kind, expected):
    """Document types, levels (each with its concept scheme) and connection points: every one listed,
    under its Vietnamese name, linking to its page, in Vietnamese dictionary order."""
    from webapp.collation import vi_key

    r = client.get(f"/browse/{kind}", headers=HTML)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    m = re.search(r'<ul class="listing">(.*?)</ul>', page, re.S)
    listed = [(html_lib.unescape(h), html_lib.unescape(n))
              for h, n in re.findall(r'<a href="([^"]+)">([^<]+)</a>', m.group(1))]
    assert dict(listed) == {f"/id/{kind}/{slug}": name for slug, name in expected.items()}
    names = [n for _, n in listed]
    assert names == sorted(names, key=vi_key)
    assert f"({len(expected)})" in page
    for href, _ in listed:
        assert client.get(href, headers=HTML).status_code == 200, href


def test_the_home_page_lists_the_latest_dated_events_newest_first(client):
    page = client.get("/", headers=HTML).get_data(as_text=True)
    events = re.search(r'<ol class="events">(.*?)</ol>', page, re.S).group(1)
    items = re.findall(r'<li><time datetime="([^"]+)">[^<]*</time>\s*<a href="([^"]+)">', events)
    # the seed has five events; the one without a start date is not among "the latest"
    assert items == [
        ("2024-03-19", "/id/event/2024-03-19-khao-sat-dan-van-cu-chi"),
        ("2022-05-11", "/id/event/2022-05-11-quan-5-quan-triet-van-ban-dan-van"),
        ("2022-01-06", "/id/event/2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van"),
        ("2013-07-15", "/id/event/2013-07-15-giao-ban-truc-tuyen-dan-van-6-thang-2013"),
    ]
    assert "/id/event/tphcm-quan-triet-quy-che-dan-van" not in events


def test_the_home_page_keeps_only_the_latest_events(app, store):
    """With fewer places than dated events, the newest are kept (the home page shows five)."""
    from webapp.home import LATEST_EVENTS, latest_events_rows

    assert LATEST_EVENTS == 5
    assert [date for _e, date, _p in latest_events_rows(store, limit=2)] == ["2024-03-19", "2022-05-11"]
