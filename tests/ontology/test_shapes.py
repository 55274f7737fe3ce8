"""A good and a bad example for every shape, run through the real pipeline: load → reason → validate.

Each bad example must produce a finding of its shape (and the good one must not), so a shape that
silently stops matching fails here.
"""

import pyoxigraph as ox
import pytest

from graph import load, reason, validate

PREFIXES = """
@prefix dv:   <https://w3id.org/danvan/ontology#> .
@prefix o:    <https://w3id.org/danvan/id/organization/> .
@prefix p:    <https://w3id.org/danvan/id/person/> .
@prefix post: <https://w3id.org/danvan/id/post/> .
@prefix r:    <https://w3id.org/danvan/id/role/> .
@prefix d:    <https://w3id.org/danvan/id/document/> .
@prefix dt:   <https://w3id.org/danvan/id/document-type/> .
@prefix lv:   <https://w3id.org/danvan/id/level/> .
@prefix e:    <https://w3id.org/danvan/id/event/> .
@prefix s:    <https://w3id.org/danvan/id/source/> .
@prefix g:    <https://w3id.org/danvan/id/attendee-group/> .
@prefix pl:   <https://w3id.org/danvan/id/place/> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def article(name: str, body: str, header: str | None = None) -> str:
    """A source file: a dated news article named ``name`` stating ``body``."""
    if header is None:
        header = f"""s:{name} a dv:NewsArticleSource ; dv:headline "Bài {name}"@vi ;
            dv:datePublished "2024-01-31"^^xsd:date ; dv:seedFile "900_0123456789abcdef.txt" ."""
    return PREFIXES + header + "\n" + body


def findings(tmp_path, files: dict[str, str]) -> list[validate.Finding]:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    store = ox.Store()
    sources = load.load(store, sources=paths)
    reason.materialize(store)
    return validate.validate(store, sources).findings


ORG = """o:tu a dv:PartyCommittee ; skos:prefLabel "Tỉnh ủy X"@vi ; dv:level lv:tu .
o:tw a dv:Politburo ; skos:prefLabel "Bộ Chính trị"@vi ; dv:level lv:tw .
"""
DOC = """d:a a dv:PartyDocument ; dv:documentNumber "1-QĐ/TW" ; dv:documentType dt:qd ;
    dv:issuedBy o:tw ; dv:dateIssued "2020-01-01"^^xsd:date .
"""

EVIDENCE = """p:x a dv:Person ; dv:fullName "Người X"@vi .
<https://w3id.org/danvan/id/evidence/a-1> a dv:Evidence ; dv:evidenceFor s:a ;
    rdf:subject p:x ; rdf:predicate dv:fullName ; rdf:object "Người X"@vi ;
    dv:paragraph 2 ; dv:charStart {start} ; dv:charEnd 20 ; dv:confidence {confidence} .
"""

# shape name → (good files, bad files, what identifies the bad finding)
CASES = {
    "source headline": (
        {"a": article("a", "")},
        {"a": article("a", "", 's:a a dv:NewsArticleSource ; dv:seedFile "900_0123456789abcdef.txt" .')},
        lambda f: f.path == "dv:headline"),
    "seed file name": (
        {"a": article("a", "")},
        {"a": article("a", "", 's:a a dv:NewsArticleSource ; dv:headline "x"@vi ; dv:seedFile "bai.txt" .')},
        lambda f: f.path == "dv:seedFile"),
    "document type required": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + 'd:a a dv:PartyDocument ; dv:documentNumber "1-QĐ/TW" .')},
        lambda f: f.path == "dv:documentType"),
    "number or title": (
        {"a": article("a", 'd:a a dv:Document ; dv:documentType dt:qc ; dv:title "Quy chế"@vi .')},
        {"a": article("a", "d:a a dv:Document ; dv:documentType dt:qc .")},
        lambda f: "number or a title" in f.message()),
    "one issuer per source": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + DOC + "d:a dv:issuedBy o:tu .")},
        lambda f: f.path == "dv:issuedBy" and f.severity == "Violation"),
    "party number format": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + DOC.replace('"1-QĐ/TW"', '"1/QĐ-TW"'))},
        lambda f: "number-TYPE/LEVEL" in f.message()),
    "state number format": (
        {"a": article("a", 'd:n a dv:StateDocument ; dv:documentType dt:nd ; dv:documentNumber "30/2020/NĐ-CP" .'
                      ' d:m a dv:StateDocument ; dv:documentType dt:nq ; dv:documentNumber "1111/NQ-UBTVQH14" .')},
        {"a": article("a", 'd:n a dv:StateDocument ; dv:documentType dt:nd ; dv:documentNumber "NĐ-CP số 30" .')},
        lambda f: "number/year/TYPE-ISSUER" in f.message()),
    "number type matches document type": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + DOC.replace("dt:qd", "dt:ct"))},
        lambda f: "does not match the document type" in f.message()),
    "person name": (
        {"a": article("a", 'p:x a dv:Person ; dv:fullName "Nguyễn Văn A"@vi .')},
        {"a": article("a", "p:x a dv:Person .")},
        lambda f: f.path == "dv:fullName"),
    "vietnamese label": (
        {"a": article("a", 'o:x a dv:Organization ; skos:prefLabel "Ban X"@vi , "Board X"@en .')},
        {"a": article("a", 'o:x a dv:Organization ; skos:prefLabel "Board X"@en .')},
        lambda f: "Vietnamese name is missing" in f.message()),
    "post parts": (
        {"a": article("a", ORG + 'p:x a dv:Person ; dv:fullName "A"@vi . r:bt a dv:Role ; skos:prefLabel "Bí thư"@vi .'
                      ' post:x a dv:Post ; dv:holder p:x ; dv:role r:bt ; dv:postIn o:tu .')},
        {"a": article("a", ORG + 'p:x a dv:Person ; dv:fullName "A"@vi . post:x a dv:Post ; dv:holder p:x ; dv:postIn o:tu .')},
        lambda f: f.path == "dv:role"),
    "one event date per source": (
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2024-01-02"^^xsd:date .')},
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2024-01-02"^^xsd:date , "2024-01-03"^^xsd:date .')},
        lambda f: f.path == "dv:startDate" and f.severity == "Violation"),
    "event not after publication": (
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2024-01-02"^^xsd:date .')},
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2024-02-02"^^xsd:date .')},
        lambda f: "later than its source's publication date" in f.message()),
    "conflict between sources is a warning": (
        {"a": article("a", ORG + DOC), "b": article("b", ORG + DOC)},
        {"a": article("a", ORG + DOC), "b": article("b", ORG + DOC.replace("2020-01-01", "2020-02-02"))},
        lambda f: f.severity == "Warning" and "disagree" in f.message() and len(f.files) == 2),
    "replacement is later": (
        {"a": article("a", ORG + DOC + 'd:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tw ; dv:dateIssued "2021-01-01"^^xsd:date ; dv:replaces d:a .')},
        {"a": article("a", ORG + DOC + 'd:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tw ; dv:dateIssued "2019-01-01"^^xsd:date ; dv:replaces d:a .')},
        lambda f: "is not later than it" in f.message()),
    "replacement from the same or a higher level": (
        {"a": article("a", ORG + DOC + 'd:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tw ; dv:dateIssued "2021-01-01"^^xsd:date ; dv:replaces d:a .')},
        {"a": article("a", ORG + DOC + 'd:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TU" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tu ; dv:dateIssued "2021-01-01"^^xsd:date ; dv:replaces d:a .')},
        lambda f: "a higher level" in f.message()),
    "no replacement cycle": (
        {"a": article("a", ORG + DOC + 'd:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ; dv:replaces d:a .')},
        {"a": article("a", ORG + DOC + 'd:a dv:replaces d:b . d:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ;'
                      ' dv:documentType dt:qd ; dv:replaces d:a .')},
        lambda f: "Replacement cycle" in f.message()),
    "level suffix matches issuer": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + DOC.replace("dv:issuedBy o:tw", "dv:issuedBy o:tu"))},
        lambda f: "does not match the level" in f.message()),
    "kinds do not overlap": (
        {"a": article("a", ORG + DOC)},
        {"a": article("a", ORG + DOC + 'p:x a dv:Person ; dv:fullName "A"@vi . d:a dv:basedOn p:x .')},
        lambda f: "is both a" in f.message()),
    "a state body is not a party organization": (
        {"a": article("a", 'o:x a dv:CouncilStandingBoard ; skos:prefLabel "Thường trực HĐND huyện X"@vi .')},
        {"a": article("a", 'o:x a dv:StandingBoard , dv:PartyStandingBoard , dv:StateBody ; skos:prefLabel "Thường trực HĐND huyện X"@vi .')},
        lambda f: "both a State body and a Party organization" in f.message()),
    "attendee group says who they are": (
        {"a": article("a", 'r:x a dv:Role ; skos:prefLabel "Phó Trưởng ban"@vi . g:x a dv:AttendeeGroup ;'
                      ' skos:prefLabel "Phó trưởng các ban"@vi ; dv:memberRole r:x ; dv:groupSize 3 .')},
        {"a": article("a", 'g:x a dv:AttendeeGroup ; skos:prefLabel "Phó trưởng các ban"@vi ; dv:groupSize 3 .')},
        lambda f: "members' role or the area" in f.message()),
    "attendee group size": (
        {"a": article("a", 'g:x a dv:AttendeeGroup ; skos:prefLabel "14 phường"@vi ; dv:representsUnitsOf pl:q ; dv:groupSize 14 .'
                      ' pl:q a dv:District ; skos:prefLabel "Quận X"@vi .')},
        {"a": article("a", 'g:x a dv:AttendeeGroup ; skos:prefLabel "14 phường"@vi ; dv:representsUnitsOf pl:q ; dv:groupSize 0 .'
                      ' pl:q a dv:District ; skos:prefLabel "Quận X"@vi .')},
        lambda f: f.path == "dv:groupSize"),
    "attendee group is not an organization": (
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:attendee g:x . g:x a dv:AttendeeGroup ;'
                      ' skos:prefLabel "14 phường"@vi ; dv:representsUnitsOf pl:q . pl:q a dv:District ; skos:prefLabel "Quận X"@vi .')},
        {"a": article("a", 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:attendee g:x . g:x a dv:AttendeeGroup , dv:Organization ;'
                      ' skos:prefLabel "14 phường"@vi ; dv:representsUnitsOf pl:q . pl:q a dv:District ; skos:prefLabel "Quận X"@vi .')},
        lambda f: "is both a" in f.message()),
    "event on a document out of force is a warning": (
        {"a": article("a", ORG + DOC + 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2020-06-01"^^xsd:date ;'
                      ' dv:disseminates d:a . d:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tw ; dv:dateIssued "2021-01-01"^^xsd:date ; dv:replaces d:a .')},
        {"a": article("a", ORG + DOC + 'e:x a dv:Event ; skos:prefLabel "Hội nghị"@vi ; dv:startDate "2022-06-01"^^xsd:date ;'
                      ' dv:disseminates d:a . d:b a dv:PartyDocument ; dv:documentNumber "2-QĐ/TW" ; dv:documentType dt:qd ;'
                      ' dv:issuedBy o:tw ; dv:dateIssued "2021-01-01"^^xsd:date ; dv:replaces d:a .')},
        lambda f: f.severity == "Warning" and "no longer in force" in f.message()),
    # the national reference data's units (graph/national)
    "unit's code and dates": (
        {"a": article("a", 'pl:q a dv:District ; skos:prefLabel "Quận X"@vi ; dv:officialCode "774" ; dv:validUntil "2025-06-30"^^xsd:date .')},
        {"a": article("a", 'pl:q a dv:District ; skos:prefLabel "Quận X"@vi ; dv:officialCode "7740" ; dv:validUntil "2025-06-30"^^xsd:date .')},
        lambda f: f.path == "dv:officialCode"),
    "unit ends after it begins": (
        {"a": article("a", 'pl:q a dv:Commune ; skos:prefLabel "Xã X"@vi ; dv:validFrom "2025-07-01"^^xsd:date ;'
                      ' dv:validUntil "2026-06-30"^^xsd:date .')},
        {"a": article("a", 'pl:q a dv:Commune ; skos:prefLabel "Xã X"@vi ; dv:validFrom "2025-07-01"^^xsd:date ;'
                      ' dv:validUntil "2025-06-30"^^xsd:date .')},
        lambda f: "before it begins" in f.message()),
    "a unit becomes part of one that outlives it": (
        {"a": article("a", 'pl:a a dv:Province ; skos:prefLabel "Tỉnh A"@vi ; dv:validUntil "2025-06-30"^^xsd:date ;'
                      ' dv:becamePartOf pl:b . pl:b a dv:Province ; skos:prefLabel "Tỉnh B"@vi ; dv:validFrom "2025-07-01"^^xsd:date .')},
        {"a": article("a", 'pl:a a dv:Province ; skos:prefLabel "Tỉnh A"@vi ; dv:validUntil "2025-06-30"^^xsd:date ;'
                      ' dv:becamePartOf pl:b . pl:b a dv:Province ; skos:prefLabel "Tỉnh B"@vi ; dv:validUntil "2020-12-31"^^xsd:date .')},
        lambda f: "cannot have become part of" in f.message()),
    "evidence of a candidate fact": (
        {"a": article("a", EVIDENCE.format(start="12", confidence='"0.8"^^xsd:decimal'))},
        {"a": article("a", EVIDENCE.format(start='"-3"^^xsd:integer', confidence='"1.5"^^xsd:decimal'))},
        lambda f: f.path in ("dv:charStart", "dv:confidence")),
    "an ingested source's article hash": (
        {"a": article("a", f's:a dv:articleSha256 "{"ab" * 32}" .')},
        {"a": article("a", 's:a dv:articleSha256 "not-a-hash" .')},
        lambda f: f.path == "dv:articleSha256"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_good_and_bad_example(case, tmp_path):
    good, bad, is_it = CASES[case]
    (tmp_path / "good").mkdir()
    (tmp_path / "bad").mkdir()
    good_findings = [f for f in findings(tmp_path / "good", good) if is_it(f)]
    bad_findings = [f for f in findings(tmp_path / "bad", bad) if is_it(f)]
    assert good_findings == []
    assert bad_findings, f"the bad example of {case!r} was not reported"
    assert all(f.files for f in bad_findings), "each finding names its source file"


def test_facts_outside_a_described_source_are_refused(tmp_path):
    path = tmp_path / "a.ttl"
    path.write_text(article("a", ORG + DOC), encoding="utf-8")
    store = ox.Store()
    sources = load.load(store, sources=[path])
    stray = ox.NamedNode("https://example.org/not-a-source")
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/danvan/id/document/a"),
                      ox.NamedNode("https://w3id.org/danvan/ontology#chapterCount"), ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), stray))
    reason.materialize(store)
    result = validate.validate(store, sources)
    assert not result.conforms
    assert any("not a described source" in f.message() for f in result.findings)


def test_messages_come_in_vietnamese_and_english(tmp_path):
    found = findings(tmp_path, {"a": article("a", "p:x a dv:Person .")})
    languages = {lang for f in found for lang, _ in f.messages}
    assert {"vi", "en"} <= languages
