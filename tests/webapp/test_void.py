"""``/.well-known/void`` and ``/dumps/*``: the VoID description's counts are the store's, every source is
a subset, and each ``void:dataDump`` downloads a gzip whose quads and checksum are what was recorded."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace, URIRef

from graph import settings
from graph.store import build_info

VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
FORMATS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def void(client) -> tuple[rdflib.Graph, URIRef]:
    r = client.get("/.well-known/void")  # no Accept: an RDF client gets Turtle
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    [dataset] = [s for s in g.subjects(RDF.type, VOID.Dataset) if (None, VOID.subset, s) not in g]
    return g, dataset


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def _int(g: rdflib.Graph, s, p) -> int:
    return g.value(s, p).toPython()


def test_dataset_counts_are_the_stores(void, store):
    g, ds = void
    assert _int(g, ds, VOID.triples) == sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert _int(g, ds, VOID.classes) == _count(
        store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) }")
    assert _int(g, ds, VOID.properties) == _count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert _int(g, ds, VOID.distinctSubjects) == _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    space = settings.base_iri() + "id/"
    assert str(g.value(ds, VOID.uriSpace)) == space
    assert _int(g, ds, VOID.entities) == _count(
        store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{space}")) }}')
    assert _int(g, ds, VOID.entities) > 50


def test_partitions(void, store):
    g, ds = void
    classes = {g.value(p, VOID["class"]): _int(g, p, VOID.entities) for p in g.objects(ds, VOID.classPartition)}
    dv = settings.ontology_namespace()
    assert classes[URIRef(dv + "Organization")] == _count(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{dv}Organization> }}")
    assert len(classes) == _int(g, ds, VOID.classes)
    props = {g.value(p, VOID.property): _int(g, p, VOID.triples) for p in g.objects(ds, VOID.propertyPartition)}
    assert props[RDFS.label] == sum(1 for _ in store.quads_for_pattern(
        None, ox.NamedNode(str(RDFS.label)), None, ox.DefaultGraph()))
    assert sum(props.values()) == _int(g, ds, VOID.triples)


def test_licence_title_endpoint_vocabulary(void):
    g, ds = void
    assert g.value(ds, DCT.license) == CC_BY
    assert {t.language for t in g.objects(ds, DCT.title)} == {"vi", "en"}
    assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    vocabularies = set(g.objects(ds, VOID.vocabulary))
    assert URIRef(settings.ontology_namespace()) in vocabularies
    assert URIRef("http://data.europa.eu/eli/ontology#") in vocabularies


def test_every_source_is_a_subset(void, store):
    g, ds = void
    subsets = {g.value(s, DCT.source): s for s in g.objects(ds, VOID.subset)}
    sources = {r["s"].value for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ ?s a <{settings.ontology_namespace()}Source> }}")}
    assert len(sources) >= 5
    for source in sources:
        subset = subsets[URIRef(source)]
        assert _int(g, subset, VOID.triples) == sum(
            1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(source)))
        assert g.value(subset, DCT.title) is not None


def test_each_dump_answers_and_matches_what_was_recorded(void, client, store, store_dir):
    g, ds = void
    recorded = {d["file"]: d for d in build_info(store_dir)["dumps"]}
    named_quads = sum(1 for q in store.quads_for_pattern(None, None, None)
                      if not isinstance(q.graph_name, ox.DefaultGraph))
    urls = list(g.objects(ds, VOID.dataDump))
    assert len(urls) == 2
    for url in urls:
        r = client.get(urlsplit(str(url)).path)
        assert r.status_code == 200, r.data
        assert r.mimetype == "application/gzip" and "Content-Encoding" not in r.headers
        assert int(r.headers["Content-Length"]) == len(r.data) == _int(g, url, URIRef("http://www.w3.org/ns/dcat#byteSize"))
        digest = hashlib.sha256(r.data).hexdigest()
        checksum = g.value(url, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == digest
        entry = recorded[urlsplit(str(url)).path.rsplit("/", 1)[-1]]
        assert entry["sha256"] == digest and r.headers["ETag"] == f'"{digest}"'
        fmt = FORMATS[str(g.value(url, DCT["format"]))]
        quads = list(ox.parse(io.BytesIO(gzip.decompress(r.data)), format=fmt))
        assert len(quads) == entry["quads"] == named_quads
        assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
        again = client.get(urlsplit(str(url)).path, headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304


def test_unknown_dump_is_404(client):
    r = client.get("/dumps/danvan.ttl.gz")
    assert r.status_code == 404 and "danvan.nq.gz" in r.get_json()["error"]["message"]


@pytest.mark.parametrize("media,fmt", [("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
                                       ("application/rdf+xml", "xml")])
def test_every_rdf_format(client, media, fmt):
    r = client.get("/.well-known/void", headers={"Accept": media})
    assert r.status_code == 200 and r.mimetype == media
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    assert any(g.subjects(VOID.dataDump, None))


@pytest.mark.parametrize("lang,heading", [("vi", "Tải toàn bộ dữ liệu"), ("en", "Download the whole dataset")])
def test_browsers_get_a_page(client, visible_text, lang, heading):
    r = client.get(f"/.well-known/void?lang={lang}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    text = visible_text(r.get_data(as_text=True))
    assert heading in text and "CC BY 4.0" in text
    assert "http://" not in text and "https://" not in text


def test_service_description_links_void_and_dumps(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    [dataset] = list(g.subjects(RDF.type, SD.Dataset))
    assert str(g.value(dataset, RDFS.seeAlso)).endswith("/.well-known/void")
    assert {urlsplit(str(u)).path for u in g.objects(dataset, VOID.dataDump)} == {
        "/dumps/danvan.nq.gz", "/dumps/danvan.trig.gz"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_home_page_data_block(client, lang):
    html = client.get(f"/?lang={lang}", headers={"Accept": "text/html"}).get_data(as_text=True)
    block = html[html.index('<section class="data"'):]
    block = block[:block.index("</section>")]
    for href in ('href="/.well-known/void"', 'href="/dumps/danvan.nq.gz"', 'href="/dumps/danvan.trig.gz"',
                 f'href="{CC_BY}"'):
        assert href in block


def test_counts_are_written_as_the_page_language_writes_numbers(client):
    # the build's counts run into the thousands: 3.344 in Vietnamese, 3,344 in English
    for lang, sep, other in (("vi", ".", ","), ("en", ",", ".")):
        page = client.get("/.well-known/void", headers={"Accept": "text/html"}, query_string={"lang": lang})
        cells = [c.split(" ")[0] for c in re.findall(r'<td class="num">([^<]+)</td>', page.get_data(as_text=True))]
        big = [c for c in cells if len(c.replace(sep, "")) > 3]
        assert big and all(sep in c and c.replace(sep, "").isdigit() for c in big), cells
        assert not any(other in c for c in cells), cells
