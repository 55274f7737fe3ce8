"""The candidate model on its own: facts and evidence read from the contract's format, the reviewed
source made from decisions (edits, re-links, what rejected facts take with them), and the highlighted
article."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import SourceContentError
from webapp.review import candidate as cand
from webapp.review import reading

DV = "https://w3id.org/danvan/ontology#"
ID = "https://w3id.org/danvan/id/"
EVENT = ID + "event/2026-11-05-quan-triet-qd-23-binh-chanh"


@pytest.fixture
def candidate(tmp_path, stub) -> cand.Candidate:
    path = tmp_path / "candidate.ttl"
    path.write_text(stub.candidate(stub.ARTICLE), encoding="utf-8")
    return cand.read(path)


def by_predicate(c: cand.Candidate) -> dict[str, cand.Fact]:
    return {f.triple.predicate.value.rsplit("#", 1)[-1]: f for f in c.facts}


def test_facts_and_their_evidence_are_read(candidate, stub):
    assert candidate.slug == stub.SLUG and len(candidate.facts) == len(stub.FACTS)
    for f, (_, _, _, words, confidence, _, _) in zip(sorted(candidate.facts, key=lambda f: f.evidence[0].iri.rsplit("-", 1)[1].zfill(3)),
                                                     stub.FACTS):
        (ev,) = f.evidence
        assert stub.ARTICLE[ev.start:ev.end] == words
        assert f.confidence == confidence
    organizer = by_predicate(candidate)["organizer"]
    assert organizer.evidence[0].alternatives == [ID + "organization/ban-dan-van--thanh-pho-ho-chi-minh"]
    assert candidate.link_scores()[ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh"] == 0.41


def test_the_reviewed_source_keeps_only_what_was_accepted(candidate):
    facts = by_predicate(candidate)
    d = cand.Decisions({f.key: "accepted" for f in candidate.facts})
    for rejected in ("speaker", "holder", "role", "postIn", "dateIssued"):
        d.status[facts[rejected].key] = "rejected"
    d.values[facts["attendeeCount"].key] = "150"
    d.links[ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh"] = ID + "organization/ban-dan-van--thanh-pho-ho-chi-minh"
    out = cand.reviewed_triples(candidate, d, [])
    spo = {(t.subject.value, t.predicate.value, t.object.value) for t in out}
    mentioned = {x for t in spo for x in t}
    # the person and the post were only in rejected facts: their names and types go with them
    assert ID + "person/tran-thi-mai" not in mentioned
    assert not any("post/" in x for x in mentioned)
    assert (EVENT, DV + "attendeeCount", "150") in spo
    assert (EVENT, DV + "organizer", ID + "organization/ban-dan-van--thanh-pho-ho-chi-minh") in spo
    assert ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh" not in mentioned  # re-linked, in the evidence too
    # the accepted facts' evidence nodes stay, the rejected ones' go
    evidence = {s for s, p, _ in spo if p == DV + "evidenceFor"}
    assert len(evidence) == len(candidate.facts) - 5
    # the event's name, a support triple, stays because accepted facts mention the event
    assert any(s == EVENT and p.endswith("prefLabel") for s, p, _ in spo)


def test_edited_values_must_fit_the_datatype():
    date = ox.Literal("2026-11-05", datatype=ox.NamedNode(cand.XSD + "date"))
    assert cand.edited_literal(date, " 2026-11-04 ").value == "2026-11-04"
    for bad in ("5/11/2026", "2026-13-01", ""):
        with pytest.raises(cand.BadValue):
            cand.edited_literal(date, bad)
    count = ox.Literal("15", datatype=ox.NamedNode(cand.XSD + "integer"))
    assert cand.edited_literal(count, "150").value == "150"
    with pytest.raises(cand.BadValue):
        cand.edited_literal(count, "gần 150")
    name = ox.Literal("Tran Thi Mai", language="vi")
    edited = cand.edited_literal(name, "Trần Thị Mai")
    assert edited.language == "vi" and edited.value == "Trần Thị Mai"


def test_the_highlighted_article_is_the_article(candidate, stub):
    paragraphs = reading.highlighted(stub.ARTICLE, candidate.facts)
    assert "\n\n".join("".join(text for text, _, _ in p.parts) for p in paragraphs) == stub.ARTICLE
    speaker = by_predicate(candidate)["speaker"].key
    cited = "".join(text for p in paragraphs for text, keys, _ in p.parts if speaker in keys)
    assert cited == "Trần Thị Mai"
    assert sum(speaker in anchors for p in paragraphs for _, _, anchors in p.parts) == 1


def test_a_candidate_must_describe_one_source_and_state_what_its_evidence_cites(tmp_path, stub):
    text = stub.candidate(stub.ARTICLE)
    two = tmp_path / "two.ttl"
    two.write_text(text + '\ns:other a dv:NewsArticleSource ; dv:headline "x"@vi .\n', encoding="utf-8")
    with pytest.raises(SourceContentError, match="exactly one source"):
        cand.read(two)
    unstated = tmp_path / "unstated.ttl"
    unstated.write_text(text.replace("p:tran-thi-mai a dv:Person", "p:someone-else a dv:Person")
                        .replace(f"{stub.EVENT} dv:speaker p:tran-thi-mai .", ""), encoding="utf-8")
    with pytest.raises(SourceContentError, match="does not state"):
        cand.read(unstated)


def test_sentences_read_values_as_a_person_would(candidate):
    name = reading.Namer(candidate, None, "vi")
    event = ox.NamedNode(EVENT)
    flag = ox.Triple(event, ox.NamedNode(DV + "attendeeCountIsApproximate"),
                     ox.Literal("true", datatype=ox.NamedNode(cand.XSD + "boolean")))
    day = ox.Triple(event, ox.NamedNode(DV + "startMonthDay"),
                    ox.Literal("--11-05", datatype=ox.NamedNode(cand.XSD + "gMonthDay")))
    label = "Hội nghị quán triệt Quyết định 23-QĐ/TW tại huyện Bình Chánh"
    assert reading.sentence(flag, name).striptags() == f"Số người dự {label} là ước lượng: có"
    assert reading.sentence(day, name).striptags() == f"{label} diễn ra ngày 05/11 (không rõ năm)"
    english = reading.Namer(candidate, None, "en")
    speaker = by_predicate(candidate)["speaker"].triple
    assert reading.sentence(speaker, english).striptags().startswith("Trần Thị Mai spoke at Conference on decision")
