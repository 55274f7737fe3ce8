"""On an engine, the pages read exactly the live build, although their `GRAPH` lookups name no graph in the
request (graph/stores.py): a staging graph, a union graph left by an earlier build and a source graph no
longer in the build, all stating facts about an entity of the seed, show nowhere — not in its statements'
sources, not in the page-building queries, not on its page — on Oxigraph server and Virtuoso alike."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.stores import RemoteStore, _parse

DV = "https://w3id.org/danvan/ontology#"
DOC = ox.NamedNode("https://w3id.org/danvan/id/document/qd-23-tw-2021")
TITLE = ox.NamedNode(DV + "title")
MARK = "Văn bản rò rỉ từ đồ thị ngoài bản dựng"
LEFTOVERS = ["urn:danvan:staging:leftover:0", "urn:danvan:union:leftover",
             "https://w3id.org/danvan/id/source/a-source-of-a-previous-build"]
ENGINES = ["oxigraph-server", "virtuoso"]


@pytest.fixture(params=ENGINES)
def leftovers(request, loaded, loader):
    """(the engine's read endpoint) with the seed build live and the LEFTOVERS graphs beside it."""
    engine, endpoint = loaded(request.param)
    load = loader(request.param, engine)
    writer = RemoteStore(load)
    facts = f'{DOC} {TITLE} "{MARK}"@vi . {DOC} <{DV}issuedBy> <https://w3id.org/danvan/id/organization/leak> .'
    update = " ;\n".join(f"INSERT DATA {{ GRAPH <{g}> {{ {facts} }} }}" for g in LEFTOVERS)
    writer.request(load.updates, data=update.encode("utf-8"), content_type="application/sparql-update")
    try:
        yield endpoint
    finally:
        drop = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in LEFTOVERS)
        writer.request(load.updates, data=drop.encode("utf-8"), content_type="application/sparql-update")


def strings(quads) -> set[str]:
    return {str(q) for q in quads}


def test_the_leftovers_are_in_the_engine(leftovers):
    """Without the build's dataset the engine shows them: the tests below would see a leak."""
    remote = RemoteStore(leftovers)
    body, headers = remote._post_query(f'ASK {{ GRAPH ?g {{ {DOC} {TITLE} "{MARK}"@vi }} }}', None, dataset=False)
    assert bool(_parse(body, headers))


def test_an_entitys_statements_come_from_the_build_only(leftovers, embedded):
    remote = RemoteStore(leftovers)
    for pattern in [(DOC, None, None), (DOC, TITLE, None), (None, None, DOC)]:
        got = strings(remote.quads_for_pattern(*pattern, None))
        assert got == strings(embedded.quads_for_pattern(*pattern, None)) != set()
        assert not any(g in q for q in got for g in LEFTOVERS) and MARK not in str(got)
    for g in LEFTOVERS:
        assert remote.quads_for_pattern(DOC, None, None, ox.NamedNode(g)) == []


@pytest.mark.parametrize("listed", [False, True])
def test_graph_queries_see_the_build_only(leftovers, embedded, listed):
    remote = RemoteStore(leftovers)
    for text in [f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {DOC} ?p ?o }} }}",
                 f"SELECT ?t ?g WHERE {{ {DOC} {TITLE} ?t OPTIONAL {{ GRAPH ?g {{ {DOC} {TITLE} ?t }} }} }}",
                 f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {DOC} ?p ?o }} }}",
                 *(f"SELECT ?p ?o WHERE {{ GRAPH <{g}> {{ {DOC} ?p ?o }} }}" for g in LEFTOVERS)]:
        rows = sorted(str(r) for r in remote.query(text, listed=listed))
        assert rows == sorted(str(r) for r in embedded.query(text)), text


def test_the_entity_page_shows_the_build_only(leftovers, store_dir):
    from webapp import create_app

    client = create_app({"TESTING": True, "DANVAN_STORE": str(store_dir),
                         "DANVAN_ENDPOINT": leftovers.query_url}).test_client()
    page = client.get("/id/document/qd-23-tw-2021", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "23-QĐ/TW" in html  # the page of the document indeed
    assert MARK not in html and "a-source-of-a-previous-build" not in html and "organization/leak" not in html



@pytest.mark.parametrize("name", ENGINES)
def test_graph_queries_over_hundreds_of_sources(loader, loaded, store_dir, tmp_path, name, many_graphs_build):
    """Both ways of sending a `GRAPH` query answer past 100 graphs (Virtuoso echoes one header per graph
    named in the request, and Python's http.client refused more than 100)."""
    from graph import store as builds
    from graph.remote_load import publish

    engine, endpoint = loaded(name)
    load = loader(name, engine)
    reader = RemoteStore(endpoint, refresh_s=0)
    try:
        publish(many_graphs_build(tmp_path, 300), load)
        text = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        for listed in (False, True):
            assert int(next(iter(reader.query(text, listed=listed)))["n"].value) == 300
        quads = reader.quads_for_pattern(ox.NamedNode("https://w3id.org/danvan/id/work/w7"), None, None, None)
        assert sorted(str(q.graph_name) for q in quads) == ["<https://w3id.org/danvan/id/source/s7>", "DEFAULT"]
    finally:
        publish(builds.live_build_dir(store_dir), load)  # the other tests read the seed build
