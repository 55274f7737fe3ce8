"""Each named query, run with its defaults (and other values) on the seed graph, returns the expected rows."""

import pyoxigraph as ox
import pytest

from graph import load, named_queries, reason
from graph.store import fill_default_graph

ID = "https://w3id.org/danvan/id/"


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    load.load(s)
    reason.materialize(s)
    fill_default_graph(s)
    return s


def rows(store, name, **params):
    query = named_queries.get(name)
    solutions = named_queries.run(store, query.text, named_queries.bind(query, params))
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def column(result, name):
    return [r[name] for r in result]


def test_there_are_at_least_twelve_documented_queries():
    queries = named_queries.all_queries()
    assert len(queries) >= 12
    for q in queries.values():
        assert q.title.get("vi") and q.title.get("en"), q.name
        assert q.description.get("vi") and q.description.get("en"), q.name


def test_replacement_chain_290_is_replaced_by_23(store):
    result = rows(store, "replacement-chain")
    assert [(r["direction"], r["number"], r["date"]) for r in result] == [("successor", "23-QĐ/TW", "2021-07-30")]
    back = rows(store, "replacement-chain", document=ID + "document/qd-23-tw-2021")
    assert [(r["direction"], r["number"]) for r in back] == [("predecessor", "290-QĐ/TW")]


def test_in_force_on_a_date(store):
    before = set(column(rows(store, "in-force-on", date="2021-01-01"), "number"))
    after = set(column(rows(store, "in-force-on", date="2022-01-01"), "number"))
    assert "290-QĐ/TW" in before and "23-QĐ/TW" not in before
    assert "23-QĐ/TW" in after and "290-QĐ/TW" not in after
    assert {"05-QC/TU", "02-ĐA/TU", "89-KH/TU"} <= after
    ended = [r for r in rows(store, "in-force-on", date="2021-07-29") if r["number"] == "290-QĐ/TW"]
    assert ended[0]["until"] == "2021-07-30"  # entailed from the repeal


def test_local_rules_based_on_a_replaced_decision(store):
    result = rows(store, "local-based-on-replaced")
    assert [(r["localNumber"], r["basisNumber"], r["replacementNumber"], r["noLongerInForce"]) for r in result] == [
        ("489-QĐ/TU", "290-QĐ/TW", "23-QĐ/TW", "2021-07-30")]


def test_events_on_23_with_speakers_and_their_posts_then(store):
    result = rows(store, "document-events")
    by_speaker = {(r["event"].rsplit("/", 1)[-1], r["speakerName"]): r["postsThen"] for r in result}
    assert by_speaker[("2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van", "Đỗ Văn Phới")] == "Phó Trưởng ban — Ban Dân vận Trung ương"
    assert by_speaker[("2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van", "Đinh Thị Lụa")] == "Phó Bí thư Thường trực — Tỉnh ủy Hà Nam"
    quan5 = by_speaker[("2022-05-11-quan-5-quan-triet-van-ban-dan-van", "Nguyễn Hữu Hiệp")]
    assert "Trưởng ban — Ban Dân vận Thành ủy Thành phố Hồ Chí Minh" in quan5
    undated = by_speaker[("tphcm-quan-triet-quy-che-dan-van", "Nguyễn Hữu Hiệp")]
    assert "Bí thư — Thành ủy thành phố Thủ Đức" in undated
    assert len(by_speaker) == 4


def test_person_timeline_of_nguyen_huu_hiep(store):
    result = rows(store, "person-timeline")
    posts = {(r["date"], r["organization"].rsplit("/", 1)[-1], r["source"].rsplit("/", 1)[-1])
             for r in result if r["kind"] == "post"}
    assert ("2022-05-11", "ban-dan-van--thanh-pho-ho-chi-minh", "001-46434424e5920920") in posts
    assert ("2024-03-19", "ban-dan-van--thanh-pho-ho-chi-minh", "003-de6e4e026039765c") in posts
    assert (None, "cap-uy--thanh-pho-thu-duc--thanh-pho-ho-chi-minh", "000-a45359dd40c703aa") in posts
    spoke = [r["item"].rsplit("/", 1)[-1] for r in result if r["kind"] == "spoke at"]
    assert sorted(spoke) == ["2022-05-11-quan-5-quan-triet-van-ban-dan-van", "2024-03-19-khao-sat-dan-van-cu-chi",
                             "tphcm-quan-triet-quy-che-dan-van"]


def test_documents_of_the_city_committee_and_its_bodies(store):
    numbers = set(column(rows(store, "documents-by-organization"), "number"))
    assert numbers == {"784-QĐ/TU", "489-QĐ/TU", "08-CTrHĐ/TU", "06-ĐA/TU", "89-KH/TU"}
    central = set(column(rows(store, "documents-by-organization", organization=ID + "organization/ban-chap-hanh-trung-uong"), "number"))
    assert {"23-QĐ/TW", "290-QĐ/TW", "25-NQ/TW"} <= central  # the Politburo is part of the Central Committee


def test_every_conflict_between_sources(store):
    result = rows(store, "conflicts")
    kinds = {(r["kind"], r["property"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for r in result}
    # C4 is gone: 000 makes Nguyễn Hữu Hiệp secretary in Thủ Đức with no date, so no overlap with his head
    # post attested on 2022-05-11 and 2024-03-19 (docs/sources.md).
    assert kinds == {("values disagree", "issuedBy"), ("values disagree", "chapterCount"),
                     ("event on a document no longer in force", "qd-290-tw-2010")}
    chapters = [r for r in result if r["property"].endswith("chapterCount")]
    assert {(chapters[0]["value"], chapters[0]["otherValue"])} == {("3", "4")}


POSTS = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/danvan/id/> .
"""


def head_posts(days_a: list[str], days_b: list[str]) -> ox.Store:
    """Two sources: one makes X secretary of A, the other head of board B, on the given dates."""
    s = ox.Store()

    def post(source: str, slug: str, role: str, org: str, days: list[str]) -> str:
        dates = "".join(f' ; dv:attestedOn "{d}"^^xsd:date' for d in days)
        return (POSTS + f"<{ID}source/{source}> a dv:NewsArticleSource .\n"
                f"<{ID}post/{slug}> a dv:Post ; dv:holder <{ID}person/x> ; dv:role <{ID}role/{role}> ;"
                f" dv:postIn <{ID}organization/{org}>{dates} .\n")

    s.load(post("s1", "x--bi-thu--a", "bi-thu", "a", days_a).encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + "source/s1"))
    s.load(post("s2", "x--truong-ban--b", "truong-ban", "b", days_b).encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + "source/s2"))
    fill_default_graph(s)
    return s


@pytest.mark.parametrize("days_a, days_b, listed", [
    (["2022-05-11"], ["2022-05-11"], True),                  # the same day
    (["2021-01-01", "2023-01-01"], ["2022-05-11"], True),    # inside the other post's span
    (["2020-01-01"], ["2022-05-11", "2024-03-19"], False),   # before it: held at different times
    ([], ["2022-05-11"], False),                             # undated (like 000): nothing overlaps
])
def test_head_of_two_bodies_only_when_the_attested_spans_overlap(days_a, days_b, listed):
    result = [r for r in rows(head_posts(days_a, days_b), "conflicts") if r["kind"].startswith("head of two bodies")]
    assert bool(result) == listed
    if listed:
        assert {(r["value"].rsplit("/", 1)[-1], r["otherValue"].rsplit("/", 1)[-1]) for r in result} == {
            ("x--bi-thu--a", "x--truong-ban--b")}


def test_facts_a_source_supports(store):
    result = rows(store, "source-facts")
    triples = {(r["subject"].rsplit("/", 1)[-1], r["predicate"].rsplit("#", 1)[-1], r["object"]) for r in result}
    assert ("2022-01-06-ha-nam-hoi-nghi-truc-tuyen-dan-van", "grassrootsConnectionPointCount", "91") in triples
    assert ("qd-23-tw-2021", "chapterCount", "4") in triples
    assert not any(s == "000-a45359dd40c703aa" for s, _, _ in triples)


def test_organization_hierarchy(store):
    top = "https://w3id.org/danvan/id/organization/ban-chap-hanh-trung-uong"
    result = rows(store, "organization-hierarchy", root=top)
    parent = {r["organization"].rsplit("/", 1)[-1]: (r["parent"] or "").rsplit("/", 1)[-1] for r in result}
    assert parent["ban-dan-van--thanh-pho-ho-chi-minh"] == "cap-uy--thanh-pho-ho-chi-minh"
    assert parent["cap-uy--huyen-ly-nhan--tinh-ha-nam"] == "cap-uy--tinh-ha-nam"
    assert parent["bo-chinh-tri"] == "ban-chap-hanh-trung-uong"
    assert len(result) == len(set(column(result, "organization")))
    assert set(column(result, "root")) == {top}


def test_organization_hierarchy_is_the_chosen_subtree(store):
    city = rows(store, "organization-hierarchy")  # the default root: the city's Party committee
    names = set(column(city, "organization"))
    assert "https://w3id.org/danvan/id/organization/cap-uy--thanh-pho-ho-chi-minh" in names
    assert "https://w3id.org/danvan/id/organization/ban-dan-van--thanh-pho-ho-chi-minh" in names
    assert not {n for n in names if n.endswith(("tinh-ha-nam", "bo-chinh-tri"))}


def test_documents_by_type_and_year(store):
    counts = {(r["notation"], r["year"]): int(r["documents"]) for r in rows(store, "documents-by-type-and-year")}
    assert counts[("QĐ", "2021")] == 1
    assert counts[("QĐ", "2010")] == 1
    assert counts[("ĐA", "2021")] == 2
    assert counts[("QĐ", None)] == 2  # 784-QĐ/TU and 489-QĐ/TU: no source dates them


def test_people_by_organization(store):
    result = rows(store, "people-by-organization")
    people = {(r["name"], r["role"].rsplit("/", 1)[-1]) for r in result}
    assert ("Nguyễn Hữu Hiệp", "truong-ban") in people
    assert ("Lê Thanh Phong", "pho-bi-thu-thuong-truc") in people
    hiep = [r for r in result if r["name"] == "Nguyễn Hữu Hiệp" and r["role"].endswith("truong-ban")][0]
    assert (hiep["firstAttested"], hiep["lastAttested"]) == ("2022-05-11", "2024-03-19")


def test_events_by_place_and_year(store):
    result = rows(store, "events-by-place-and-year")
    pairs = {(r["placeLabel"], r["year"]) for r in result}
    assert pairs == {("Huyện Củ Chi", "2024"), ("Quận 5", "2022"), ("Thành phố Hồ Chí Minh", None),
                     ("Tỉnh Hà Nam", "2022"), ("Việt Nam", "2013")}


def test_sources_about_an_entity(store):
    result = rows(store, "entity-sources")
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in result) == [
        "000-a45359dd40c703aa", "001-46434424e5920920", "003-de6e4e026039765c"]
