"""A stand-in for ``graph.ingest`` with the calls the review surface makes (``read_article``,
``ingest(article, …).turtle()``, ``gazetteer.from_files``): for the invented article below it returns a
fixed candidate (the contract's format: a source node, the facts, one evidence node per fact with
code-point offsets, a confidence, link scores and alternatives) holding the edge cases the real extractor
does not reliably produce on a given text — a link with an alternative to choose, a date that conflicts
with the graph, a fact whose rejection makes the build fail — so those tests stay deterministic.
The way staff actually use it, with the real extractor, is tested in test_review_real*.py.

The article is the team's own invented text, not a seed article. Loaded by path (tests/review/conftest.py),
and installed as ``graph.ingest`` in the review server the tests start.
"""

from __future__ import annotations

import hashlib
import unicodedata

BASE = "https://w3id.org/danvan/"
HEADLINE = "Bình Chánh quán triệt Quy chế công tác dân vận"
PUBLISHER = "Báo Thử Nghiệm"
URL = "https://bao-thu-nghiem.example/binh-chanh-quan-triet"
DATE = "2026-11-06"
ARTICLE = unicodedata.normalize("NFC", """Bình Chánh quán triệt Quy chế công tác dân vận

Sáng 5/11/2026, Ban Dân vận Thành ủy tổ chức hội nghị quán triệt Quyết định số 23-QĐ/TW ngày 31/7/2021 của Bộ Chính trị cho cán bộ chủ chốt huyện Bình Chánh.

Đồng chí Trần Thị Mai, Phó Bí thư Huyện ủy Bình Chánh, trình bày chuyên đề về dân vận khéo ở cơ sở.

Hội nghị có 150 đại biểu tham dự.""")
SHA = hashlib.sha256(ARTICLE.encode()).hexdigest()
SLUG = f"900-{SHA[:16]}"  # the extractor's rule: the next source number, the text's hash
EVENT = "e:2026-11-05-quan-triet-qd-23-binh-chanh"
POST = "post:tran-thi-mai--pho-bi-thu--huyen-uy-binh-chanh"

# (subject, predicate, object, the words of the article that state it, confidence, link score, alternatives)
FACTS = [
    (EVENT, "a", "dv:Conference", "hội nghị quán triệt", 0.95, None, []),
    (EVENT, "dv:startDate", '"2026-11-05"^^xsd:date', "Sáng 5/11/2026", 0.97, None, []),
    (EVENT, "dv:organizer", "o:ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh", "Ban Dân vận Thành ủy", 0.7, 0.41,
     ["o:ban-dan-van--thanh-pho-ho-chi-minh"]),
    (EVENT, "dv:disseminates", "d:qd-23-tw-2021", "Quyết định số 23-QĐ/TW", 0.93, 0.96, []),
    ("d:qd-23-tw-2021", "dv:dateIssued", '"2021-07-31"^^xsd:date', "ngày 31/7/2021", 0.8, None, []),
    (EVENT, "dv:location", "pl:binh-chanh", "huyện Bình Chánh", 0.9, 0.88, []),
    (EVENT, "dv:speaker", "p:tran-thi-mai", "Trần Thị Mai", 0.92, 0.5, []),
    (POST, "dv:holder", "p:tran-thi-mai", "Trần Thị Mai, Phó Bí thư Huyện ủy Bình Chánh", 0.88, None, []),
    (POST, "dv:role", "r:pho-bi-thu", "Phó Bí thư", 0.9, 0.97, []),
    (POST, "dv:postIn", "o:huyen-uy-binh-chanh", "Huyện ủy Bình Chánh", 0.86, 0.6, []),
    (EVENT, "dv:attendeeCount", "15", "150 đại biểu", 0.6, None, []),
]

SUPPORT = f"""
{EVENT} skos:prefLabel "Hội nghị quán triệt Quyết định 23-QĐ/TW tại huyện Bình Chánh"@vi ,
        "Conference on decision 23-QĐ/TW in Binh Chanh district"@en .
p:tran-thi-mai a dv:Person ; dv:fullName "Trần Thị Mai"@vi .
{POST} a dv:Post ; dv:attestedOn "2026-11-05"^^xsd:date ; dv:attestedAt {EVENT} .
o:huyen-uy-binh-chanh a dv:PartyCommittee ; skos:prefLabel "Huyện ủy Bình Chánh"@vi , "Binh Chanh District Party Committee"@en ;
    dv:jurisdiction pl:binh-chanh .
pl:binh-chanh a dv:District ; skos:prefLabel "Huyện Bình Chánh"@vi , "Binh Chanh district"@en .
o:bao-thu-nghiem a dv:NewsOrganization ; skos:prefLabel "Báo Thử Nghiệm"@vi , "Test Newspaper"@en .
"""

PREFIXES = f"""@prefix dv: <{BASE}ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
""" + "".join(f"@prefix {p}: <{BASE}id/{k}/> .\n" for p, k in (
    ("o", "organization"), ("p", "person"), ("post", "post"), ("r", "role"), ("d", "document"), ("e", "event"),
    ("pl", "place"), ("s", "source")))


def paragraph_of(text: str, offset: int) -> int:
    """1-based, counting the blocks separated by blank lines."""
    return text[:offset].count("\n\n") + 1


class Candidate(str):
    def turtle(self) -> str:
        return str(self)


def read_article(path) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def from_files(paths) -> list:
    """``graph.ingest.gazetteer.from_files``: the stub links nothing, so it only keeps the paths."""
    return list(paths)


def ingest(text: str, *, url=None, publisher=None, date=None, headline=None, gazetteer=None, number=None) -> Candidate:
    assert all(str(p).endswith(".ttl") for p in gazetteer or [])
    return Candidate(candidate(text, url=url, publisher=publisher, date=date, headline=headline))


def candidate(text: str, *, url=None, publisher=None, date=None, headline=None) -> str:
    text = unicodedata.normalize("NFC", text)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = [PREFIXES, f"""s:{SLUG} a dv:NewsArticleSource ;
    dv:headline "{headline or HEADLINE}"@vi ; dv:publisher o:bao-thu-nghiem ;
    dv:datePublished "{date or DATE}"^^xsd:date ; schema:url <{url or URL}> ; dv:articleSha256 "{sha}" ;
    dv:seedFile "900_{sha[:16]}.txt" .
""", SUPPORT]
    for n, (s, p, o, words, confidence, score, alternatives) in enumerate(FACTS, start=1):
        start = text.find(words)
        assert start >= 0, words
        obj = o if not o.isdigit() else f'"{o}"^^xsd:integer'
        out.append(f"{s} {p} {obj} .\n")
        pred = "rdf:type" if p == "a" else p
        link = f" ; dv:linkScore {score}" if score is not None else ""
        link += "".join(f" ; dv:linkAlternative {a}" for a in alternatives)
        out.append(f"<{BASE}id/evidence/{SLUG}-{n}> a dv:Evidence ; dv:evidenceFor s:{SLUG} ;\n"
                   f"    rdf:subject {s} ; rdf:predicate {pred} ; rdf:object {obj} ;\n"
                   f"    dv:paragraph {paragraph_of(text, start)} ; dv:charStart {start} ; dv:charEnd {start + len(words)} ;\n"
                   f"    dv:confidence {confidence}{link} .\n")
    return "".join(out)
