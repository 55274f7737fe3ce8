"""A client that knows only ELI, ORG, schema.org, FOAF, SKOS and DCT can ask the researchers' questions.

The dataset goes through `export` (N-Quads) into rdflib, as a downloader would get it; no query below
uses the project's own `dv:` terms.
"""

import io
import unicodedata

import pyoxigraph as ox
import pytest
import rdflib

from graph import export, load, reason

PREFIXES = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def dataset():
    store = ox.Store()
    load.load(store)
    reason.materialize(store)
    out = io.BytesIO()
    export.export(store, "nquads", out)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=out.getvalue().decode("utf-8"), format="nquads")
    return ds


def ask(ds, query):
    assert "dv:" not in query and "danvan/ontology" not in query
    return [tuple(str(v) if v is not None else None for v in row) for row in ds.query(PREFIXES + query)]


def test_who_replaced_290_and_when_it_went_out_of_force(dataset):
    assert ask(dataset, """SELECT DISTINCT ?n ?end WHERE {
        ?old eli:id_local "290-QĐ/TW" ; eli:repealed_by ?new ; dct:isReplacedBy ?new ; eli:date_no_longer_in_force ?end .
        ?new eli:id_local ?n ; eli:repeals ?old ; dct:replaces ?old }""") == [("23-QĐ/TW", "2021-07-30")]


def test_what_is_based_on_23(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?n WHERE {
        ?d eli:id_local "23-QĐ/TW" ; eli:basis_for ?local . ?local eli:id_local ?n ; eli:based_on ?d }""")
    assert {r[0] for r in rows} == {"02-ĐA/TU", "05-QC/TU", "784-QĐ/TU"}


def test_document_metadata_in_eli(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?date ?notation ?issuerName WHERE {
        ?d a eli:LegalResource ; eli:id_local "05-QC/TU" ; eli:date_document ?date ; eli:title ?title ;
           eli:type_document ?t ; eli:passed_by ?issuer .
        ?t a skos:Concept ; skos:notation ?notation .
        ?issuer a org:Organization ; skos:prefLabel ?issuerName . FILTER (LANG(?issuerName) = "vi") }""")
    assert rows == [("2021-12-09", "QC", "Ban Thường vụ Tỉnh ủy Hà Nam")]


def test_numbers_are_nfc(dataset):
    numbers = [r[0] for r in ask(dataset, "SELECT DISTINCT ?n WHERE { ?d eli:id_local ?n }")]
    assert set(numbers) == {"23-QĐ/TW", "290-QĐ/TW", "784-QĐ/TU", "489-QĐ/TU", "08-CTrHĐ/TU", "89-KH/TU",
                            "06-ĐA/TU", "13-CT/TU", "02-ĐA/TU", "05-QC/TU", "25-NQ/TW",
                            "124/2004/QĐ-TTg", "1111/NQ-UBTVQH14"}  # the State acts the administrative reference cites
    assert all(unicodedata.is_normalized("NFC", n) for n in numbers)


def test_speakers_on_23_and_their_posts_in_org(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?name ?role ?orgName WHERE {
        ?d eli:id_local "23-QĐ/TW" . ?event a schema:Event ; schema:about ?d ; schema:performer ?p .
        ?p a foaf:Person ; foaf:name ?name .
        ?m a org:Membership ; org:member ?p ; org:role ?r ; org:organization ?o .
        ?r a org:Role ; skos:prefLabel ?role . FILTER (LANG(?role) = "vi")
        ?o skos:prefLabel ?orgName . FILTER (LANG(?orgName) = "vi") }""")
    assert ("Đỗ Văn Phới", "Phó Trưởng ban", "Ban Dân vận Trung ương") in rows
    assert ("Nguyễn Hữu Hiệp", "Trưởng ban", "Ban Dân vận Thành ủy Thành phố Hồ Chí Minh") in rows


def test_events_in_schema_org(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?date ?organizerName ?placeName WHERE {
        ?e a schema:Event ; schema:startDate ?date ; schema:organizer ?o ; schema:location ?pl ; schema:attendee ?a .
        ?o skos:prefLabel ?organizerName . FILTER (LANG(?organizerName) = "vi")
        ?pl rdfs:label ?placeName . FILTER (LANG(?placeName) = "vi") }""")
    assert ("2022-05-11", "Quận ủy Quận 5", "Quận 5") in rows
    assert ("2022-01-06", "Tỉnh ủy Hà Nam", "Tỉnh Hà Nam") in rows


def test_hierarchy_in_org(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?childName WHERE {
        ?city skos:prefLabel "Thành ủy Thành phố Hồ Chí Minh"@vi ; org:hasSubOrganization ?child .
        ?child skos:prefLabel ?childName ; org:subOrganizationOf ?city . FILTER (LANG(?childName) = "vi") }""")
    assert {"Ban Dân vận Thành ủy Thành phố Hồ Chí Minh", "Quận ủy Quận 5", "Huyện ủy Củ Chi"} <= {r[0] for r in rows}


def test_sources_and_provenance_in_schema_org(dataset):
    rows = ask(dataset, """SELECT DISTINCT ?s ?publisherName ?authorName ?date WHERE {
        ?s a schema:NewsArticle ; schema:headline ?headline ; schema:publisher ?pub ; schema:author ?a ;
           schema:datePublished ?date .
        ?pub skos:prefLabel ?publisherName . FILTER (LANG(?publisherName) = "vi")
        ?a foaf:name ?authorName }""")
    assert ("https://w3id.org/danvan/id/source/003-de6e4e026039765c",
            "Cổng Thông tin điện tử Thành ủy Thành phố Hồ Chí Minh", "Ngọc Nữ", "2024-03-28") in rows
    # provenance: entailed standard triples sit in the inferred graph, so a client finds who says so by
    # asking which source graph holds the asserted link (whatever its property)
    issuers = ask(dataset, """SELECT DISTINCT ?g ?issuerName WHERE {
        ?d eli:id_local "23-QĐ/TW" ; eli:passed_by ?issuer . GRAPH ?g { ?d ?p ?issuer }
        ?issuer skos:prefLabel ?issuerName . FILTER (LANG(?issuerName) = "vi")
        ?g a schema:CreativeWork }""")
    by_source = {g.rsplit("/", 1)[-1]: name for g, name in issuers}
    assert by_source["000-a45359dd40c703aa"] == "Ban Chấp hành Trung ương Đảng"
    assert by_source["002-156528502f9433d5"] == "Bộ Chính trị"
