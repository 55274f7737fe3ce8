"""The rules added for recall (docs/ingest.md): resolutions named by their meeting, a plan named by what it
carries out, a document named again by its type word, news organizations by name or initials, and the traps
around them (a year written beside a day that is not its year, a plan in general, a name that is a
province's)."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import URIRef
from rdflib import namespace as ns
from rdflib.namespace import RDF

from graph.ingest import article_from_bytes, ingest
from graph.ingest.candidate import DV, ID
from graph.ingest.dates import find_dates
from graph.ingest.documents import find_documents, find_relations
from graph.ingest.evaluate import facts_of
from graph.ingest.gazetteer import packaged
from graph.ingest.names import Context, find_context, newspapers


@pytest.fixture(autouse=True)
def national(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("DANVAN_NATIONAL", "all")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def _article(text: str):
    return article_from_bytes(text.encode())


def _docs(text: str):
    a = _article(text)
    gaz = packaged()
    ctx = find_context(a, gaz)
    return a, find_documents(a, find_dates(a, None), gaz, ctx)


@pytest.mark.parametrize("text", [
    "Ban Dân vận họp giao ban sơ kết 6 tháng đầu năm 2013 vào ngày 15/7 tại Hà Nội.",
    "Hội nghị tổng kết công tác dân vận năm 2023 diễn ra sáng 10/1.",
])
def test_a_year_written_beside_a_day_is_not_its_year(text):
    (d,) = find_dates(_article(text), None)
    assert d.year is None
    g = ingest(_article(text)).graph()
    assert not [o for o in g.objects() if getattr(o, "datatype", None) == ns.XSD.date]


def test_a_day_after_a_dated_articles_date_stays_without_a_year():
    (d,) = find_dates(_article("Chiều 22/9, hội nghị sơ kết."), dt.date(2024, 3, 7))
    assert (d.year, d.month_day) == (None, "--09-22")


@pytest.mark.parametrize("text", [
    "quán triệt Nghị quyết Trung ương 7 (khóa XI) về công tác dân vận",
    "quán triệt Nghị quyết Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng khóa XI",
    "quán triệt Nghị quyết Hội nghị Trung ương 7 khóa XI",
])
def test_a_resolution_named_by_its_plenum_links_to_the_graphs_one(text):
    _, (d,) = _docs(text)
    assert d.linked == ID + "document/nq-25-tw-2013"
    assert d.issuer.slug == "ban-chap-hanh-trung-uong"


def test_a_resolution_the_graph_does_not_hold_is_minted_by_plenum_and_term():
    _, (d,) = _docs("thực hiện Nghị quyết Trung ương 8 khóa XIII.")
    assert (d.linked, d.named, d.plenum, d.term) == (None, "nq-hoi-nghi-tw-8-khoa-xiii", 8, "XIII")
    g = ingest(_article("Tỉnh ủy thực hiện Nghị quyết Trung ương 8 khóa XIII.")).graph()
    node = URIRef(ID + "document/nq-hoi-nghi-tw-8-khoa-xiii")
    assert str(g.value(node, URIRef(DV + "partyTerm"))) == "XIII"
    assert int(g.value(node, URIRef(DV + "adoptedAtPlenum"))) == 8


def test_a_term_in_lower_case_names_no_resolution():
    _, docs = _docs("nghị quyết trung ương 7 khóa xi")
    assert docs == []


def test_congress_resolutions():
    _, docs = _docs("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, Nghị quyết đại hội đảng bộ các cấp, "
                    "nhiệm kỳ 2020-2025.")
    assert [d.named for d in docs] == ["nq-dai-hoi-xiii", "nq-dai-hoi-dang-bo-cac-cap-2020-2025"]


def test_a_plan_named_by_what_it_carries_out_is_its_issuers_document():
    text = "Ban Thường vụ Tỉnh ủy Hà Nam đã ban hành Kế hoạch thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị."
    g = ingest(_article(text)).graph()
    plan = URIRef(ID + "document/kh-ban-thuong-vu--tinh-ha-nam-ct-5-tw")
    assert (plan, RDF.type, URIRef(DV + "PartyDocument")) in g
    assert g.value(plan, URIRef(DV + "basedOn")) is not None
    assert str(g.value(plan, URIRef(DV + "issuedBy"))).endswith("ban-thuong-vu--tinh-ha-nam")


def test_a_plan_in_general_is_no_document():
    _, docs = _docs("Các chi bộ xây dựng kế hoạch thực hiện Chỉ thị 05-CT/TW.")
    assert [d.number for d in docs] == ["05-CT/TW"]


def test_a_document_named_again_by_its_type_word_is_the_subject_of_a_relation():
    a, docs = _docs("Ngày 2/3/2024, Tỉnh ủy Hà Nam ban hành Quy định 07-QĐi/TU. Quy định này căn cứ Quy định "
                    "11-QĐi/TW của Bộ Chính trị.")
    (r,) = find_relations(a, docs)
    assert (r.subject.number, r.prop, r.object.number) == ("07-QĐi/TU", "basedOn", "11-QĐi/TW")


def test_a_type_word_without_an_earlier_document_of_that_type_relates_nothing():
    a, docs = _docs("Quy định này căn cứ Chỉ thị 05-CT/TW của Bộ Chính trị.")
    assert find_relations(a, docs) == []


@pytest.mark.parametrize("text,names", [
    ("Theo Báo Nhân Dân, hội nghị thành công.", ["Báo Nhân Dân"]),
    ("tác phẩm đăng trên Báo Sự thật, số 120.", ["Báo Sự thật"]),
    ("Báo cáo tại hội nghị nêu rõ kết quả.", []),
    ("Báo Quân đội nhân dân đưa tin về hội nghị.", []),  # where the name ends is not known
])
def test_newspapers_cited_by_name(text, names):
    assert [o.label for o in newspapers(_article(text))] == names


def test_news_organizations_by_their_initials():
    gaz = packaged()
    assert gaz.news_organization("TTXVN").iri == ID + "organization/thong-tan-xa-viet-nam"
    assert gaz.news_organization("SGGPO").iri == ID + "organization/bao-sai-gon-giai-phong"
    assert gaz.news_organization("XYZ").iri is None


def test_a_photo_credits_agency_and_a_publishers_line():
    text = "Tỉnh ủy Hà Nam tổ chức hội nghị\n\nTTXVN\n\nSáng 3/4/2024, Tỉnh ủy Hà Nam tổ chức hội nghị.\n\nẢnh: Minh Đức/TTXVN\n"
    c = ingest(_article(text))
    g = c.graph()
    agency = URIRef(ID + "organization/thong-tan-xa-viet-nam")
    assert g.value(c.source, URIRef(DV + "publisher")) == agency
    assert (c.source, URIRef(DV + "photoCredit"), agency) in g


def test_a_provinces_name_in_a_dateline_is_no_person():
    g = ingest(_article("Hà Nội – Sáng 14/3/2024, Ban Dân vận Trung ương tổ chức hội nghị.")).graph()
    assert facts_of(g)["people"] == set()


def test_an_agency_of_the_centre_is_not_a_district():
    ctx = find_context(_article("Đảng bộ Khối các cơ quan TW tổ chức hội nghị."), packaged())
    assert ctx == Context()


def test_a_regulation_named_twice_is_a_document_once_is_not():
    twice = "Các xã thực hiện Quy chế dân chủ ở cơ sở. Huyện ủy kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở, hằng quý."
    _, docs = _docs(twice)
    assert {(d.named, d.title) for d in docs} == {("qc-dan-chu-o-co-so", "Quy chế dân chủ ở cơ sở")}
    _, docs = _docs("Các xã thực hiện Quy chế phối hợp tiếp công dân.")
    assert docs == []


def test_a_regulation_named_once_links_when_the_graph_has_that_title():
    _, (d,) = _docs("Các chi bộ tiếp tục thực hiện Quy chế dân chủ ở cơ sở trong năm nay.")
    assert d.linked == ID + "document/qc-dan-chu-o-co-so"


def test_the_subject_of_a_numbered_document_is_not_a_document_of_its_own():
    _, docs = _docs("Quyết định 23-QĐ/TW về ban hành Quy chế công tác dân vận của hệ thống chính trị. Quy chế công "
                    "tác dân vận gồm 4 chương.")
    assert [d.number for d in docs] == ["23-QĐ/TW"]
