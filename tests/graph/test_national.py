"""The national reference data (graph/national): generated from the vietnamadminunits package, the same
bytes every time, as many units per level as the package holds, the articles' places and bodies under the
national IRIs, the old→new mapping, the source citing the package, and conformance to the shapes.

The whole country is generated in memory here (a few seconds, no build); the shapes run on one province
(pySHACL is the validator until the compiled validation lands, and it is slow beyond a few thousand
triples)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import ConfigError, SourceSyntaxError
from graph.national import generate, package
from graph.national import source as national
from graph.national.names import slug

REPO = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/danvan/id/"
DV = "https://w3id.org/danvan/ontology#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HCM = "thanh-pho-ho-chi-minh"


@pytest.fixture(scope="module")
def data() -> package.AdminData:
    return package.read()


@pytest.fixture(scope="module")
def text(data) -> str:
    return generate.turtle(data)


@pytest.fixture(scope="module")
def graph(text) -> ox.Store:
    db = ox.Store()
    db.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                   for t in (q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)))
    return db


def _ask(db: ox.Store, where: str) -> bool:
    return db.query(f"""PREFIX dv: <{DV}> PREFIX pl: <{ID}place/> PREFIX o: <{ID}organization/>
        PREFIX s: <{ID}source/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dct: <http://purl.org/dc/terms/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ASK {{ {where} }}""")


def _count(db: ox.Store, cls: str) -> int:
    return len(list(db.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(DV + cls), None)))


def _package_db() -> sqlite3.Connection:
    import importlib.util

    folder = Path(next(iter(importlib.util.find_spec("vietnamadminunits").submodule_search_locations)))
    return sqlite3.connect(f"file:{folder / 'data' / 'dataset.db'}?mode=ro", uri=True)


def test_the_generator_is_deterministic(data, text):
    assert generate.turtle(package.read()) == text
    assert generate.turtle(data, {"35"}) == generate.turtle(data, {"35"})


def test_counts_per_level_match_the_package(graph):
    with _package_db() as db:
        provinces_legacy, districts, communes_legacy = db.execute(
            "SELECT COUNT(DISTINCT provinceCode), COUNT(DISTINCT districtCode), COUNT(DISTINCT wardCode)"
            " FROM admin_units_legacy").fetchone()
        provinces_2025, communes_2025 = db.execute(
            "SELECT COUNT(DISTINCT provinceCode), COUNT(DISTINCT wardCode) FROM admin_units").fetchone()
    assert (provinces_legacy, districts, communes_legacy, provinces_2025, communes_2025) == (63, 696, 10035, 34, 3321)
    continuing = 11  # the provinces the 2025 reorganization left as they were are one unit across the eras
    assert _count(graph, "Province") == provinces_legacy + provinces_2025 - continuing
    assert _count(graph, "District") == districts
    assert _count(graph, "Commune") == communes_legacy + communes_2025
    # every unit has its bodies: a Party committee, a People's Committee, a Front committee each
    units = _count(graph, "Province") + districts + communes_legacy + communes_2025
    for body in ("PartyCommittee", "PeoplesCommittee", "PeoplesCouncil"):
        assert _count(graph, body) == units
    assert _count(graph, "FatherlandFront") == units + 1  # and the national Front
    assert len(graph) > 400_000


def test_every_iri_is_unique_and_follows_the_slug_rule(graph):
    places = {q.subject.value for q in graph.quads_for_pattern(None, ox.NamedNode(DV + "partOfPlace"), None, None)}
    for iri in places:
        kind, _, rest = iri[len(ID):].partition("/")
        assert kind == "place" and all(part == slug(part) for part in rest.split("--")), iri
    # names repeat across the country: the parents keep them apart
    names = Counter(q.object.value for q in graph.quads_for_pattern(None, ox.NamedNode(SKOS_PREF), None, None)
                    if q.object.language == "vi" and q.subject.value.startswith(ID + "place/"))
    assert names["Xã Tân Thành"] > 5
    labelled = [q.subject for q in graph.quads_for_pattern(None, ox.NamedNode(SKOS_PREF), None, None)
                if q.object.language == "vi"]
    assert len(labelled) == len(set(labelled))  # one Vietnamese name each: no two units on one IRI


def test_the_articles_places_and_bodies_are_national_iris(graph):
    """Every place and body of the five articles with a national counterpart resolves to a national
    IRI, and no article names a place by an IRI the national data lacks (bar the units that ended
    before the package's list: ref-don-vi-hanh-chinh.ttl)."""
    national = {q.subject.value for q in graph.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None)}
    for iri in (f"place/{HCM}", "place/tinh-ha-nam", f"place/thanh-pho-thu-duc--{HCM}", f"place/quan-5--{HCM}",
                f"place/huyen-cu-chi--{HCM}", "place/huyen-ly-nhan--tinh-ha-nam", "place/viet-nam",
                f"organization/cap-uy--{HCM}", f"organization/ban-thuong-vu--{HCM}", f"organization/ban-dan-van--{HCM}",
                f"organization/cap-uy--thanh-pho-thu-duc--{HCM}", f"organization/cap-uy--quan-5--{HCM}",
                f"organization/uy-ban-mttq--quan-5--{HCM}", f"organization/ubnd--quan-5--{HCM}",
                f"organization/cap-uy--huyen-cu-chi--{HCM}", f"organization/ban-dan-van--huyen-cu-chi--{HCM}",
                "organization/cap-uy--tinh-ha-nam", "organization/ban-thuong-vu--tinh-ha-nam",
                "organization/cap-uy--huyen-ly-nhan--tinh-ha-nam", "organization/hdnd--huyen-ly-nhan--tinh-ha-nam",
                "organization/ubnd--huyen-ly-nhan--tinh-ha-nam", "organization/ban-chap-hanh-trung-uong",
                "organization/mat-tran-to-quoc-viet-nam"):
        assert ID + iri in national, iri
    ended_before = {f"place/quan-2--{HCM}", f"place/quan-9--{HCM}", f"place/quan-thu-duc--{HCM}"}
    for path in sorted((REPO / "graph" / "sources").glob("*.ttl")):
        for t in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE):
            for term in (t.subject, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(ID + "place/"):
                    assert term.value in national or term.value[len(ID):] in ended_before, (path.name, term.value)


def test_the_articles_labels_agree_with_the_national_ones(graph):
    """Where an article names a national place or body, its names are the national ones (so a page shows
    one name per language, whichever source it reads)."""
    national = {(q.subject.value, q.object.language): q.object.value
                for q in graph.quads_for_pattern(None, ox.NamedNode(SKOS_PREF), None, None)}
    checked = 0
    for path in sorted((REPO / "graph" / "sources").glob("*.ttl")):
        for t in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE):
            key = (t.subject.value, t.object.language if isinstance(t.object, ox.Literal) else None)
            if t.predicate.value == SKOS_PREF and key in national:
                assert t.object.value == national[key], (path.name, key)
                checked += 1
    assert checked >= 40


def test_the_old_to_new_mapping_is_there(graph):
    # provinces: Hà Nam, with Nam Định, became part of the new Ninh Bình; Hồ Chí Minh City of the new city
    assert _ask(graph, """pl:tinh-ha-nam dv:validUntil "2025-06-30"^^xsd:date ; dv:becamePartOf pl:tinh-ninh-binh-2025 .
        pl:tinh-nam-dinh dv:becamePartOf pl:tinh-ninh-binh-2025 .
        pl:tinh-ninh-binh-2025 dv:validFrom "2025-07-01"^^xsd:date ; dv:partOfPlace pl:viet-nam""")
    assert _ask(graph, f"pl:{HCM} dv:becamePartOf pl:{HCM}-2025 . pl:tinh-binh-duong dv:becamePartOf pl:{HCM}-2025")
    # districts (the level was abolished) became part of the new province; their communes of new communes
    for district, province in ((f"huyen-cu-chi--{HCM}", f"{HCM}-2025"), (f"quan-5--{HCM}", f"{HCM}-2025"),
                               (f"thanh-pho-thu-duc--{HCM}", f"{HCM}-2025"),
                               ("huyen-ly-nhan--tinh-ha-nam", "tinh-ninh-binh-2025")):
        assert _ask(graph, f"""pl:{district} dv:validUntil "2025-06-30"^^xsd:date ; dv:becamePartOf pl:{province} .
            ?commune dv:partOfPlace pl:{district} ; dv:becamePartOf ?new .
            ?new a dv:Commune ; dv:partOfPlace pl:{province} ; dv:validFrom "2025-07-01"^^xsd:date"""), district
        orphans = list(graph.query(f"""PREFIX dv: <{DV}> SELECT ?c WHERE {{
            ?c dv:partOfPlace <{ID}place/{district}> FILTER NOT EXISTS {{ ?c dv:becamePartOf ?new }} }}"""))
        assert orphans == [], district
    # a province the reorganization left as it was is one unit, with no end and no successor
    assert _ask(graph, "pl:thanh-pho-ha-noi a dv:Province FILTER NOT EXISTS { pl:thanh-pho-ha-noi dv:validUntil ?d }")
    assert not _ask(graph, "pl:thanh-pho-ha-noi-2025 ?p ?o")


def test_bodies_nest_by_level_and_carry_their_units_dates(graph):
    assert _ask(graph, f"""o:cap-uy--huyen-cu-chi--{HCM} dv:subOrganizationOf o:cap-uy--{HCM} ;
            dv:jurisdiction pl:huyen-cu-chi--{HCM} ; dv:validUntil "2025-06-30"^^xsd:date .
        o:cap-uy--{HCM} dv:subOrganizationOf o:ban-chap-hanh-trung-uong .
        o:ubnd--{HCM} dv:subOrganizationOf o:chinh-phu .
        o:uy-ban-mttq--{HCM} dv:subOrganizationOf o:mat-tran-to-quoc-viet-nam .
        ?commune dv:partOfPlace pl:huyen-cu-chi--{HCM} .
        ?party dv:jurisdiction ?commune ; a dv:PartyCommittee ; dv:subOrganizationOf o:cap-uy--huyen-cu-chi--{HCM} .
        ?new dv:partOfPlace pl:{HCM}-2025 .
        ?newParty dv:jurisdiction ?new ; a dv:PartyCommittee ; dv:subOrganizationOf o:cap-uy--{HCM}-2025 ;
            dv:validFrom "2025-07-01"^^xsd:date""")
    # urban government: District 5's People's Council ended in 2021; Củ Chi's went on until the district did
    assert _ask(graph, f"""o:hdnd--quan-5--{HCM} dv:validUntil "2021-06-30"^^xsd:date .
        o:hdnd--huyen-cu-chi--{HCM} dv:validUntil "2025-06-30"^^xsd:date""")
    # every body has both names and a jurisdiction
    missing = list(graph.query(f"""PREFIX dv: <{DV}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?o WHERE {{ ?o dv:jurisdiction ?p FILTER NOT EXISTS {{ ?o skos:prefLabel ?vi FILTER(LANG(?vi) = "vi")
            ?o skos:prefLabel ?en FILTER(LANG(?en) = "en") }} }} LIMIT 5"""))
    assert missing == []


def test_the_reference_source_cites_package_version_and_licence(graph, data):
    assert data.version == package.version()
    assert _ask(graph, f"""s:ref-vietnamadminunits a dv:ReferenceSource ; dv:packageName "vietnamadminunits" ;
        dv:packageVersion "{data.version}" ; dct:license <https://spdx.org/licenses/MIT.html> ;
        dct:bibliographicCitation ?vi , ?en FILTER(LANG(?vi) = "vi" && LANG(?en) = "en")""")
    assert not _ask(graph, "s:ref-vietnamadminunits dct:coverage ?c")  # the whole country


def test_the_scope_setting(monkeypatch, data):
    for value, expected in (("", None), ("all", None), ("off", False), ("79, 35", {"79", "35"})):
        monkeypatch.setenv("DANVAN_NATIONAL", value)
        assert national.scope() == expected
    monkeypatch.setenv("DANVAN_NATIONAL", "Hà Nam")
    with pytest.raises(ConfigError, match="DANVAN_NATIONAL"):
        national.scope()
    monkeypatch.setenv("DANVAN_NATIONAL", "off")
    assert national.default_sources() == []
    small = ox.Store()
    small.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                      for q in ox.parse(generate.turtle(data, {"35"}).encode(), format=ox.RdfFormat.TURTLE))
    assert _ask(small, "pl:huyen-ly-nhan--tinh-ha-nam dv:becamePartOf pl:tinh-ninh-binh-2025 . s:ref-vietnamadminunits dct:coverage ?c")
    assert not _ask(small, f"pl:{HCM} ?p ?o")
    assert not _ask(small, "?x dv:becamePartOf ?y FILTER NOT EXISTS { ?y a ?kind }")  # no link leaves the scope


def test_a_broken_generated_source_is_named_in_the_error(monkeypatch, tmp_path):
    from graph.load import load

    monkeypatch.setenv("DANVAN_NATIONAL", "35")
    monkeypatch.setattr(national, "_turtle", lambda provinces: "@prefix dv: <https://w3id.org/danvan/ontology#> .\nthis is not turtle\n")
    with pytest.raises(SourceSyntaxError) as raised:
        load(ox.Store())
    assert str(raised.value).startswith(f"national:vietnamadminunits-{package.version()}:2:")


def test_one_province_with_the_seed_conforms_to_the_shapes(monkeypatch):
    """The curated sources and the national data of Hà Nam (and the new Ninh Bình) validate together."""
    from graph.build import check

    monkeypatch.setenv("DANVAN_NATIONAL", "35")
    result, loaded = check()
    assert f"{ID}source/ref-vietnamadminunits" in {s.iri for s in loaded}
    assert result.conforms, result.text if hasattr(result, "text") else result


def test_an_incremental_build_knows_the_national_source_unchanged_without_generating_it(monkeypatch, tmp_path):
    """Its digest is a fingerprint of what the text is made from (the package's data, the generator's
    code, the scope), so a build after one edited article does not spend seconds generating the country
    only to hash it; a change of scope is a change."""
    from graph.incremental import digest

    monkeypatch.setenv("DANVAN_NATIONAL", "35")
    (source,) = national.default_sources()
    national._turtle.cache_clear()
    assert digest(source) == digest(national.default_sources()[0])
    assert national._turtle.cache_info().misses == 0  # nothing generated
    assert digest(national.GeneratedSource({"79"})) != digest(source) != digest(national.GeneratedSource(None))
