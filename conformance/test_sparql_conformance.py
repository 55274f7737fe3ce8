"""The W3C SPARQL 1.1 Protocol and Service Description manifests, run against a real `danvan serve`.

The manifests folder is given by ``make conformance MANIFESTS=DIR`` (see conftest.py). Each protocol test's requests are
sent as written (``/sparql/`` → ``/sparql``) to a server over a store holding the manifest's data files
in the named graphs it names (the default graph is their union, as a build makes it). Query tests
must give the expected status, result format and boolean. The endpoint is read-only, so every update
request must get 403 (a 4xx, which is what bad_update_* expect) and the store must stay as it was.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib import RDF, RDFS, Namespace, URIRef
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld"}


@functools.cache
def _manifest(path: Path) -> tuple[rdflib.Graph, list[URIRef]]:
    g = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(manifest, MF.entries)))


def _protocol(config) -> tuple[rdflib.Graph, list[URIRef]]:
    return _manifest(config.manifests_dir / "sparql11-protocol" / "manifest.ttl")


def _service(config) -> tuple[rdflib.Graph, list[URIRef]]:
    return _manifest(config.manifests_dir / "sparql11-service-description" / "manifest.ttl")


def pytest_generate_tests(metafunc):
    if "protocol_test" in metafunc.fixturenames:
        metafunc.parametrize("protocol_test", _protocol(metafunc.config)[1], ids=_name)
    if "service_test" in metafunc.fixturenames:
        metafunc.parametrize("service_test", _service(metafunc.config)[1], ids=_name)


@pytest.fixture(scope="module")
def protocol_graph(pytestconfig) -> rdflib.Graph:
    return _protocol(pytestconfig)[0]


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


def _graph_data(g: rdflib.Graph) -> dict[Path, str]:
    """Every data file any test loads → the graph name the manifest gives it."""
    out = {}
    for node in g.objects(None, UT.graphData):
        out[Path(str(g.value(node, UT.graph)).removeprefix("file://"))] = str(g.value(node, RDFS.label))
    return out


@pytest.fixture(scope="module")
def conformance_store(tmp_path_factory, protocol_graph) -> Path:
    import pyoxigraph as ox

    from graph.store import data_path, fill_default_graph, new_build_dir, swap_in, write_build_info

    files = _graph_data(protocol_graph)
    assert len(files) == 3, files
    store_dir = tmp_path_factory.mktemp("conformance") / "store"
    build = new_build_dir(store_dir)
    db = ox.Store(str(data_path(build)))
    for path, graph in files.items():
        db.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    triples = fill_default_graph(db)
    db.flush()
    del db
    write_build_info(build, {"build_id": build.name, "triples": triples, "inferred": 0,
                             "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    swap_in(store_dir, build)
    return store_dir


@pytest.fixture(scope="module")
def conformance_server(conformance_store, start_server) -> str:
    return start_server(conformance_store)[0]


def _requests(g: rdflib.Graph, test: URIRef) -> list:
    action = g.value(test, MF.action)
    return list(Collection(g, g.value(action, HT.requests)))


def looks_like_update(text: str) -> bool:
    # Independent of the server's own check: the manifest's update bodies start with these keywords.
    return text.lstrip().split(" ", 1)[0].upper() in {"CLEAR", "INSERT", "DELETE", "LOAD", "DROP"}


def _is_update(g: rdflib.Graph, req, body: str | None, headers: dict[str, str]) -> bool:
    path = str(g.value(req, HT.absolutePath))
    return ("update=" in path or "sparql-update" in headers.get("content-type", "")
            or (body is not None and (body.startswith("update=") or looks_like_update(body))))


def _send(g: rdflib.Graph, base: str, req) -> tuple[requests.Response, bool]:
    path = str(g.value(req, HT.absolutePath))
    assert path.startswith("/sparql/")
    url = base + "/sparql" + path[len("/sparql/"):]
    headers = {}
    if (hlist := g.value(req, HT.headers)) is not None:
        for h in Collection(g, hlist):
            headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
    body_node = g.value(req, HT.body)
    body = data = None
    if body_node is not None:
        body = str(g.value(body_node, CNT.chars))
        data = body.encode(str(g.value(body_node, CNT.characterEncoding) or "UTF-8"))
    session = requests.Session()
    method = str(g.value(req, HT.methodName))
    prepared = session.prepare_request(requests.Request(method, url, data=data, headers=headers))
    if "content-type" not in headers:
        prepared.headers.pop("Content-Type", None)  # the manifest says: no media type
    return session.send(prepared, timeout=60), _is_update(g, req, body, headers)


def _status_ok(g: rdflib.Graph, resp_node, status: int) -> bool:
    classes = {str(c).rsplit("#", 1)[-1] for c in g.objects(resp_node, MF.expectedStatus)}
    return f"StatusCode{str(status)[0]}xx" in classes


def _check_format(g: rdflib.Graph, resp_node, r: requests.Response) -> None:
    expected_format = g.value(resp_node, MF.expectedFormat)
    media = r.headers.get("Content-Type", "").split(";")[0].strip()
    if expected_format is None:
        return
    if str(expected_format) == "boolean":
        assert media in BOOLEAN_TYPES, media
        if media.endswith("json"):
            value = json.loads(r.content)["boolean"]
        else:
            node = ET.fromstring(r.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = node.text.strip() == "true"
        expected = g.value(resp_node, MF.expectedBoolean)
        if expected is not None:
            assert value is bool(expected.toPython()), r.text
    elif str(expected_format) == "tabular":
        assert media in TABULAR_TYPES, media
        if media.endswith("json"):
            assert "bindings" in json.loads(r.content)["results"]
    else:
        assert str(expected_format) == "RDF"
        assert media in RDF_TYPES, media
        rdflib.Graph().parse(data=r.content, format=RDF_TYPES[media])


def test_protocol_manifest(protocol_test, protocol_graph, conformance_server, conformance_store, content_hash):
    g = protocol_graph
    before = content_hash(conformance_store)
    refused_update = False
    for req in _requests(g, protocol_test):
        r, is_update = _send(g, conformance_server, req)
        resp_node = g.value(req, HT.resp)
        assert r.status_code < 500, (r.status_code, r.text)
        if is_update:
            # Read-only: every update, well-formed or not, gets the read-only answer.
            assert r.status_code == 403, (r.status_code, r.text)
            assert "read-only" in r.json()["error"]["message"]
            refused_update = True
            continue
        assert _status_ok(g, resp_node, r.status_code), (r.status_code, r.text)
        if r.status_code < 300:
            if refused_update:  # the ASK after a refused update: a well-formed boolean answer
                assert r.headers["Content-Type"].split(";")[0] in BOOLEAN_TYPES
            else:
                _check_format(g, resp_node, r)
    assert content_hash(conformance_store) == before


def test_manifests_have_the_expected_tests(pytestconfig):
    names = [_name(t) for t in _protocol(pytestconfig)[1]]
    assert len(names) == 34 and sum(n.startswith(("query_", "bad_query_")) for n in names) == 19
    assert {_name(t) for t in _service(pytestconfig)[1]} == {"has-endpoint-triple", "returns-rdf", "conforms-to-schema"}


def _description(base: str, accept: str = "text/turtle") -> tuple[requests.Response, rdflib.Graph]:
    r = requests.get(base + "/sparql", headers={"Accept": accept}, timeout=60)
    media = r.headers.get("Content-Type", "").split(";")[0]
    assert r.status_code == 200 and media in RDF_TYPES, (r.status_code, media)
    return r, rdflib.Graph().parse(data=r.content, format=RDF_TYPES[media])


def _returns_rdf(base: str) -> None:
    for accept in ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json",
                   "application/rdf+xml, text/turtle;q=0.9"):
        _, graph = _description(base, accept)
        assert (None, RDF.type, SD.Service) in graph


def _has_endpoint_triple(base: str) -> None:
    _, graph = _description(base)
    assert (None, SD.endpoint, URIRef(base + "/sparql")) in graph


def _conforms_to_schema(base: str, store_graphs: set[str]) -> None:
    _, graph = _description(base)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert (SD.SPARQL11Query, RDF.type, SD.Language) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert len(formats) == 8 and all(isinstance(f, URIRef) for f in formats)
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    default = graph.value(dataset, SD.defaultGraph)
    assert (default, RDF.type, SD.Graph) in graph
    assert graph.value(default, VOID.triples).toPython() == 3
    names = {}
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
        [name] = list(graph.objects(named, SD.name))
        assert isinstance(name, URIRef)
        names[str(name)] = graph.value(graph.value(named, SD.graph), VOID.triples).toPython()
    assert set(names) == store_graphs and set(names.values()) == {1}


def test_service_description_manifest(service_test, protocol_graph, conformance_server):
    name = _name(service_test)
    if name == "returns-rdf":
        _returns_rdf(conformance_server)
    elif name == "has-endpoint-triple":
        _has_endpoint_triple(conformance_server)
    else:
        assert name == "conforms-to-schema"
        _conforms_to_schema(conformance_server, set(_graph_data(protocol_graph).values()))
