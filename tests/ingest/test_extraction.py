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
    assert ("le quang huy", "pho-bi-thu", "thanh-uy-tphcm") in posts
    assert ("pham minh duc", "pho-chu-tich", "ubnd-tphcm") in posts


def test_abbreviations_expand_to_full_names():
    candidate, _ = _candidate("03-nghe-an-truc-tuyen")  # TVTU, UBND, MTTQ
    g = candidate.graph()
    label = lambda slug: str(g.value(URIRef(ID + "organization/" + slug), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert label("ban-thuong-vu-tinh-uy-nghe-an") == "Ban Thường vụ Tỉnh ủy Nghệ An"
    assert label("ubnd-huyen-nghi-loc") == "Ủy ban nhân dân huyện Nghi Lộc"
    assert label("uy-ban-mttq-tinh-nghe-an") == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An"


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
    assert {"thanh-uy-tphcm", "ban-dan-van-thanh-uy-tphcm", "ubnd-tphcm"} <= orgs
    assert not [o for o in orgs if "hcm" in o and "tphcm" not in o]


def test_minted_bodies_get_an_english_name_too():
    candidate, _ = _candidate("03-nghe-an-truc-tuyen")
    g = candidate.graph()
    pref = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    english = lambda slug: {str(o) for o in g.objects(URIRef(ID + "organization/" + slug), pref) if o.language == "en"}
    assert english("ban-dan-van-tinh-uy-nghe-an") == {"Mass Mobilization Board of the Nghe An Provincial Party Committee"}
    assert english("ubnd-huyen-nghi-loc") == {"Nghi Loc District People's Committee"}
