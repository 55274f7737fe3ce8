"""Extraction on the development corpus (tests/fixtures/ingest/dev): every expected fact found, nothing
else, per type; and the traps one by one (no year, abbreviations, two people in one sentence, a decision
named only by number, names without diacritics)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib import namespace as ns

from graph.ingest import article_from_bytes, ingest, read_article
from graph.ingest.candidate import DV, ID
from graph.ingest.dates import find_dates
from graph.ingest.evaluate import TYPES, expected_facts, facts_of, matches
from graph.ingest.numbers import parse_number

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "dev"
CASES = sorted(DEV.glob("*.txt"))
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


@pytest.fixture(scope="module")
def national_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def national(monkeypatch, national_cache):
    """Extraction links to the national reference data of the whole country (the tests' builds leave it
    out, tests/conftest.py), its index cached in a temporary folder, not the user's."""
    monkeypatch.setenv("DANVAN_NATIONAL", "all")
    monkeypatch.setenv("XDG_CACHE_HOME", str(national_cache))


def _candidate(name: str):
    txt = DEV / f"{name}.txt"
    spec = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    return ingest(read_article(txt), **spec["options"]), spec


@pytest.mark.parametrize("txt", CASES, ids=[c.stem for c in CASES])
def test_dev_corpus_facts_are_exactly_the_expected_ones(txt):
    candidate, spec = _candidate(txt.stem)
    found, gold = facts_of(candidate.graph()), expected_facts(spec["expected"])
    for t in TYPES:
        _, wrong, missed = matches(found[t], gold[t])
        assert not wrong and not missed, f"{t}: wrong {sorted(map(str, wrong))}, missed {sorted(map(str, missed))}"


def test_day_and_month_without_a_year_stay_without_one():
    candidate, _ = _candidate("02-tphcm-so-ket-khong-nam")  # "Chiều 11/5", no dateline, no --date
    g = candidate.graph()
    event = next(g.subjects(RDF.type, URIRef(DV + "Conference")))
    assert g.value(event, URIRef(DV + "startDate")) is None
    assert g.value(event, URIRef(DV + "startMonthDay")) == Literal("--05-11", datatype=ns.XSD.gMonthDay)
    assert g.value(event, URIRef(DV + "partOfDay")) == URIRef(DV + "Afternoon")
    assert not [o for o in g.objects(None, None) if isinstance(o, Literal) and o.datatype == ns.XSD.date]


def test_the_year_comes_from_the_article_date_when_the_text_has_none():
    candidate, _ = _candidate("07-kim-bang-diem-cau")  # "Chiều 6/1", --date 2022-01-10
    g = candidate.graph()
    event = next(g.subjects(RDF.type, URIRef(DV + "OnlineConference")))
    assert str(g.value(event, URIRef(DV + "startDate"))) == "2022-01-06"


def test_a_day_after_the_article_date_gets_no_year():
    a = article_from_bytes("Sáng 20/12, hội nghị.".encode())
    import datetime
    (d,) = find_dates(a, datetime.date(2022, 8, 15))
    assert d.year is None and d.month_day == "--12-20"


@pytest.mark.parametrize("text,expected", [
    ("ngày 30/7/2021", (30, 7, 2021)), ("30 tháng 7 năm 2021", (30, 7, 2021)), ("Sáng 6/1/2022", (6, 1, 2022)),
    ("Chiều 11/5", (11, 5, None)), ("ngay 25-02-2010", (25, 2, 2010)),
])
def test_date_forms(text, expected):
    (d,) = find_dates(article_from_bytes(text.encode()), None)
    assert (d.day, d.month, d.year) == expected


def test_a_bare_fraction_is_not_a_date():
    assert find_dates(article_from_bytes("đạt tỷ lệ 3/4 số xã".encode()), None) == []


@pytest.mark.parametrize("words,value", [("gan hai tram", None), ("hai tram", 200), ("mot nghin hai tram", 1200),
                                         ("ba muoi lam", 35), ("1.200", 1200), ("200", 200)])
def test_number_words(words, value):
    assert parse_number(words.split(" ", 1)[1] if words.startswith("gan ") else words) == (value or 200)


def test_two_people_in_one_sentence_each_get_their_own_posts():
    candidate, _ = _candidate("02-tphcm-so-ket-khong-nam")
    posts = facts_of(candidate.graph())["posts"]
    assert ("le quang huy", "pho-bi-thu", "cap-uy--thanh-pho-ho-chi-minh") in posts
    assert ("pham minh duc", "pho-chu-tich", "ubnd--thanh-pho-ho-chi-minh") in posts


def test_abbreviations_expand_to_full_names():
    candidate, _ = _candidate("03-nghe-an-truc-tuyen")  # TVTU, UBND, MTTQ
    g = candidate.graph()
    label = lambda slug: str(g.value(URIRef(ID + "organization/" + slug), SKOS_PREF))
    assert label("ban-thuong-vu--tinh-nghe-an") == "Ban Thường vụ Tỉnh ủy Nghệ An"
    assert label("ubnd--huyen-nghi-loc--tinh-nghe-an") == "Ủy ban nhân dân huyện Nghi Lộc"
    assert label("uy-ban-mttq--tinh-nghe-an") == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An"


def test_a_decision_named_only_by_number_links_to_the_graph_with_a_lower_score():
    candidate, _ = _candidate("08-tan-thong-hoi-chi-so")  # "Quyết định 23", no number anywhere
    g = candidate.graph()
    doc = URIRef(ID + "document/qd-23-tw-2021")
    evidence = [e for e in g.subjects(RDF.subject, doc) if g.value(e, RDF.predicate) == RDF.type]
    assert evidence, "the short reference should link to the graph's 23-QĐ/TW"
    assert 0 < float(g.value(evidence[0], URIRef(DV + "linkScore"))) < 1


def test_tphcm_spellings_are_one_organization():
    candidate, _ = _candidate("02-tphcm-so-ket-khong-nam")  # TPHCM, TP.HCM, Thành phố Hồ Chí Minh
    orgs = facts_of(candidate.graph())["organizations"]
    assert orgs == {"cap-uy--thanh-pho-ho-chi-minh", "ban-dan-van--thanh-pho-ho-chi-minh", "ubnd--thanh-pho-ho-chi-minh"}


def test_minted_bodies_get_an_english_name_too(monkeypatch):
    monkeypatch.setenv("DANVAN_NATIONAL", "off")  # nothing to link the province's bodies to: all minted
    candidate, _ = _candidate("03-nghe-an-truc-tuyen")
    g = candidate.graph()
    english = lambda slug: {str(o) for o in g.objects(URIRef(ID + "organization/" + slug), SKOS_PREF) if o.language == "en"}
    assert english("ban-dan-van--tinh-nghe-an") == {"Mass Mobilization Board of the Nghe An Provincial Party Committee"}
    assert english("ubnd--huyen-nghi-loc--tinh-nghe-an") == {"Nghi Loc District People's Committee"}


# ------------------------------------------------------------------ the national reference data

def _links(text: str, date: str | None = None) -> dict[str, tuple[float, set[str]]]:
    """IRI slug → (link score, alternatives' slugs) of each place and organization the text names."""
    g = ingest(article_from_bytes(text.encode()), date=date).graph()
    out = {}
    for ev in g.subjects(RDF.predicate, RDF.type):
        node = str(g.value(ev, RDF.subject))
        if "/place/" in node or "/organization/" in node:
            alternatives = {str(a).rsplit("/", 1)[1] for a in g.objects(ev, URIRef(DV + "linkAlternative"))}
            out[node.rsplit("/", 1)[1]] = (float(g.value(ev, URIRef(DV + "linkScore"))), alternatives)
    return out


def test_a_district_committee_links_to_the_national_body_without_its_province_named():
    links = _links("Huyện ủy Gia Lâm tổ chức hội nghị.")
    assert links["cap-uy--huyen-gia-lam--thanh-pho-ha-noi"] == (1.0, set())
    assert links["huyen-gia-lam--thanh-pho-ha-noi"] == (1.0, set())


def test_the_articles_date_chooses_between_the_old_and_the_2025_province():
    text = "Tỉnh ủy Bắc Ninh tổ chức hội nghị."
    assert set(_links(text, "2024-12-01")) == {"cap-uy--tinh-bac-ninh", "tinh-bac-ninh"}
    assert set(_links(text, "2025-07-01")) == {"cap-uy--tinh-bac-ninh-2025", "tinh-bac-ninh-2025"}
    # no date: the province as it stood before 2025, less sure, the 2025 one listed
    assert _links(text)["cap-uy--tinh-bac-ninh"] == (0.8, {"cap-uy--tinh-bac-ninh-2025"})


def test_a_bare_committee_is_the_articles_provinces():
    links = _links("Chiều 5/3/2022, tỉnh Nghệ An tổ chức hội nghị. Đồng chí Bùi Văn Nam, Phó Bí thư Tỉnh ủy phát biểu.")
    assert links["cap-uy--tinh-nghe-an"][0] == 1.0


def test_a_name_many_provinces_share_is_minted_with_the_alternatives():
    links = _links("Huyện ủy Châu Thành tổ chức hội nghị.")
    score, alternatives = links["cap-uy--huyen-chau-thanh"]
    assert score < 1 and {"cap-uy--huyen-chau-thanh--tinh-tien-giang", "cap-uy--huyen-chau-thanh--tinh-an-giang"} <= alternatives
    # the province named next to it decides
    assert _links("Huyện ủy Châu Thành, tỉnh Tiền Giang tổ chức hội nghị.")[
        "cap-uy--huyen-chau-thanh--tinh-tien-giang"] == (1.0, set())


def test_units_and_bodies_not_in_the_reference_data_are_minted_by_its_rule():
    links = _links("Ban Dân vận Huyện ủy Xyz Abc, tỉnh Hà Nam tổ chức hội nghị.")
    assert links["ban-dan-van--huyen-xyz-abc--tinh-ha-nam"] == (0.0, set())
    assert links["huyen-xyz-abc--tinh-ha-nam"] == (0.0, set())


def test_the_national_index_is_cached_per_package_version_and_scope(national_cache, monkeypatch):
    from graph.ingest import national
    monkeypatch.setenv("DANVAN_NATIONAL", "35")  # Hà Nam (and the 2025 Ninh Bình)
    national._index.cache_clear()
    built = national.national_index()
    (cached,) = national_cache.glob("danvan/national-index-*-35-v*.json")
    national._index.cache_clear()
    again = national.national_index()
    assert again is not built and again.by_slug.keys() == built.by_slug.keys()
    assert "huyen-ly-nhan--tinh-ha-nam" in again.by_slug and "huyen-cu-chi--thanh-pho-ho-chi-minh" not in again.by_slug
    cached.write_text("not json")  # a damaged cache is rebuilt, not an error
    national._index.cache_clear()
    assert national.national_index().by_slug.keys() == built.by_slug.keys()
    monkeypatch.setenv("DANVAN_NATIONAL", "off")
    assert national.national_index() is None
