"""The fact-by-fact audit of the five articles (issue 9, "Data"), checked on the built seed graph.

Each test asks, with SPARQL, for a fact the audit found wrong or missing, in the named graph of the source
that states it (the article's line is cited in the source file's comments).
"""

import pyoxigraph as ox
import pytest

from graph import load, reason
from graph.store import fill_default_graph

PREFIXES = """
PREFIX dv: <https://w3id.org/danvan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX s: <https://w3id.org/danvan/id/source/>
PREFIX o: <https://w3id.org/danvan/id/organization/>
PREFIX pl: <https://w3id.org/danvan/id/place/>
PREFIX r: <https://w3id.org/danvan/id/role/>
PREFIX d: <https://w3id.org/danvan/id/document/>
PREFIX dt: <https://w3id.org/danvan/id/document-type/>
PREFIX e: <https://w3id.org/danvan/id/event/>
PREFIX cp: <https://w3id.org/danvan/id/connection-point/>
"""
A000 = "s:000-a45359dd40c703aa"
A001 = "s:001-46434424e5920920"
A002 = "s:002-156528502f9433d5"
A003 = "s:003-de6e4e026039765c"
A004 = "s:004-740cc649d65595dc"
QUAN5 = "e:2022-05-11-quan-5-quan-triet-van-ban-dan-van"
HANAM = "e:2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van"
CUCHI = "e:2024-03-19-khao-sat-dan-van-cu-chi"


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    load.load(s)
    reason.materialize(s)
    fill_default_graph(s)
    return s


def ask(store, where: str) -> bool:
    return bool(store.query(PREFIXES + f"ASK {{ {where} }}"))


def select(store, query: str) -> list[tuple]:
    return [tuple(None if v is None else v.value for v in row) for row in store.query(PREFIXES + query)]


# ------------------------------------------------------------------------------------------------ wrong

def test_the_councils_standing_board_is_a_state_body_not_a_party_organization(store):
    board = "o:thuong-truc-hdnd--huyen-ly-nhan--tinh-ha-nam"
    assert ask(store, f"GRAPH {A002} {{ {board} a dv:CouncilStandingBoard ; dv:subOrganizationOf o:hdnd--huyen-ly-nhan--tinh-ha-nam }}")
    assert ask(store, f"{board} a dv:StateBody , dv:StandingBoard")
    assert not ask(store, f"{board} a dv:PartyOrganization")
    assert not ask(store, f"{board} a dv:LeadershipBody")


def test_the_hierarchy_puts_each_standing_board_on_its_side(store):
    assert ask(store, "dv:CouncilStandingBoard rdfs:subClassOf+ dv:StateBody")
    assert not ask(store, "dv:CouncilStandingBoard rdfs:subClassOf+ dv:PartyOrganization")
    assert not ask(store, "dv:StandingBoard rdfs:subClassOf+ dv:PartyOrganization")
    assert ask(store, "dv:PartyStandingBoard rdfs:subClassOf+ dv:LeadershipBody , dv:StandingBoard")
    # nothing anywhere is both, whatever its class
    assert not ask(store, "?x a dv:StateBody , dv:PartyOrganization")


def test_489_has_only_the_title_article_003_gives(store):
    titles = select(store, "SELECT ?g ?t WHERE { GRAPH ?g { d:qd-489-tu-tphcm dv:title ?t } }")
    assert titles == [("https://w3id.org/danvan/id/source/003-de6e4e026039765c",
                       "Quy chế công tác dân vận của hệ thống chính trị")]


# ---------------------------------------------------------------------------------------------- missing

def test_001_attendee_groups_and_the_peoples_committees_area(store):
    assert ask(store, f"""GRAPH {A001} {{ {QUAN5} dv:attendee ?g .
        ?g a dv:AttendeeGroup ; dv:memberRole r:pho-truong-ban ; dv:memberOrganization o:cap-uy--quan-5--thanh-pho-ho-chi-minh }}""")
    assert ask(store, f"""GRAPH {A001} {{ {QUAN5} dv:attendee ?g .
        ?g a dv:AttendeeGroup ; dv:representsUnitsOf pl:quan-5--thanh-pho-ho-chi-minh ; dv:groupSize 14 }}""")
    assert ask(store, f"GRAPH {A001} {{ o:ubnd--quan-5--thanh-pho-ho-chi-minh dv:jurisdiction pl:quan-5--thanh-pho-ho-chi-minh }}")


def test_002_three_ly_nhan_attendee_groups_at_its_connection_point(store):
    rows = select(store, f"""SELECT ?g (GROUP_CONCAT(STRAFTER(STR(?role), "/role/"); separator=" ") AS ?roles) WHERE {{
        GRAPH {A002} {{ cp:2022-01-06-ha-nam-ly-nhan dv:pointAttendee ?g .
                       ?g a dv:AttendeeGroup ; dv:memberOrganization o:cap-uy--huyen-ly-nhan--tinh-ha-nam ; dv:memberRole ?role }}
        }} GROUP BY ?g""")
    roles = sorted(" ".join(sorted(r.split())) for _, r in rows)
    assert roles == ["bi-thu", "bi-thu pho-bi-thu", "pho-truong-ban truong-ban"]


def test_002_congress_resolutions_campaign_and_what_refers_to_them(store):
    assert ask(store, f"""GRAPH {A002} {{ {HANAM} dv:concerns ?nq .
        ?nq dv:documentType dt:nq ; dv:periodStart "2020"^^xsd:gYear ; dv:periodEnd "2025"^^xsd:gYear }}""")
    assert ask(store, f"""GRAPH {A002} {{ {HANAM} dv:concerns ?m . ?m a dv:Movement ; skos:prefLabel ?name .
        d:da-02-tu-ha-nam-2021 dv:promotesMovement ?m . d:qc-05-tu-ha-nam-2021 dv:promotesMovement ?m .
        FILTER (CONTAINS(?name, "phong cách Hồ Chí Minh")) }}""")
    # the XIII Congress resolution is no longer an orphan: the conference refers to it
    assert ask(store, f"GRAPH {A002} {{ {HANAM} dv:concerns d:nq-dai-hoi-xiii }}")
    assert ask(store, "?event schema:about d:nq-dai-hoi-xiii")  # also for a schema.org-only client


def test_003_dialogue_rules_and_the_new_countryside(store):
    assert ask(store, f"""GRAPH {A003} {{ {CUCHI} dv:concerns ?rules .
        ?rules dv:documentType dt:qc ; dv:title ?t FILTER (CONTAINS(?t, "đối thoại trực tiếp")) }}""")
    assert ask(store, f"""GRAPH {A003} {{ {CUCHI} dv:concerns ?m .
        ?m a dv:Movement ; dv:activeIn pl:huyen-cu-chi--thanh-pho-ho-chi-minh ; skos:prefLabel "Xây dựng nông thôn mới"@vi }}""")


def test_004_grassroots_democracy_rules_and_who_carries_them_out(store):
    assert ask(store, f"GRAPH {A004} {{ d:qc-dan-chu-o-co-so dv:implementedBy o:dang-bo-khoi-cac-co-quan-trung-uong }}")


def test_000_thu_duc_committee_and_its_city_in_the_articles_graph(store):
    assert ask(store, f"""GRAPH {A000} {{ o:cap-uy--thanh-pho-thu-duc--thanh-pho-ho-chi-minh dv:jurisdiction pl:thanh-pho-thu-duc--thanh-pho-ho-chi-minh .
        pl:thanh-pho-thu-duc--thanh-pho-ho-chi-minh a dv:District ; skos:prefLabel ?name }}""")


def test_attendees_are_people_organizations_or_groups(store):
    odd = select(store, """SELECT DISTINCT ?x WHERE { { ?e dv:attendee ?x } UNION { ?c dv:pointAttendee ?x }
        FILTER NOT EXISTS { ?x a ?k VALUES ?k { dv:Person dv:Organization dv:AttendeeGroup } } }""")
    assert odd == []
    assert not ask(store, "?g a dv:AttendeeGroup , dv:Organization")


# ------------------------------------------------------------------------------------ reference sources

def test_every_reference_source_cites_its_text(store):
    rows = select(store, """SELECT ?src (COUNT(DISTINCT ?basis) AS ?bases) (GROUP_CONCAT(DISTINCT LANG(?c)) AS ?langs) WHERE {
        ?src a dv:ReferenceSource .
        OPTIONAL { ?src dct:source ?basis }
        OPTIONAL { ?src dct:bibliographicCitation ?c }
        } GROUP BY ?src""")
    assert len(rows) >= 5
    for src, bases, langs in rows:
        assert int(bases) >= 1, src
        assert set(langs.split()) == {"vi", "en"}, src


def test_the_charter_source_is_the_2011_charter_and_says_only_what_the_charter_says(store):
    assert ask(store, """GRAPH s:ref-dieu-le-dang { s:ref-dieu-le-dang dv:citesDocument ?c .
        ?c dv:documentType dt:dl ; dv:dateIssued "2011-01-19"^^xsd:date ; dv:partyTerm "XI" }""")
    # the Charter organizes the Party, not the Fatherland Front; the bloc organizations are set up elsewhere
    assert not ask(store, "GRAPH s:ref-dieu-le-dang { ?x a dv:FatherlandFront }")
    assert not ask(store, "GRAPH s:ref-dieu-le-dang { ?x a dv:PartyOrganizationBloc }")


def test_the_administrative_units_source_cites_the_states_list(store):
    numbers = {n for (n,) in select(store, """SELECT ?n WHERE { GRAPH s:ref-don-vi-hanh-chinh {
        s:ref-don-vi-hanh-chinh dv:citesDocument ?d . ?d dv:documentNumber ?n } }""")}
    assert numbers == {"124/2004/QĐ-TTg", "1111/NQ-UBTVQH14"}


# ------------------------------------------------------------------------------------------ publishers

def test_publishers_sites_are_recorded_where_known(store):
    assert ask(store, f"GRAPH {A001} {{ o:cong-thong-tin-thanh-uy-tphcm schema:url <https://thanhuytphcm.vn/> }}")
    assert ask(store, f"GRAPH {A003} {{ o:cong-thong-tin-thanh-uy-tphcm schema:url <https://thanhuytphcm.vn/> }}")
    for publisher, site in (("bao-sai-gon-giai-phong", "https://www.sggp.org.vn/"), ("thong-tan-xa-viet-nam", "https://vnanet.vn/")):
        assert ask(store, f"GRAPH s:ref-co-quan-bao-chi {{ o:{publisher} schema:url <{site}> }}")
        # and the article that names the publisher links to it
        assert ask(store, f"GRAPH ?article {{ ?article dv:publisher o:{publisher} }}")
