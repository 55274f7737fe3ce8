"""The candidate's form: evidence for every fact (offsets into the NFC text, paragraph, confidence), no
sentence of the article copied, ambiguous links never merged, the CLI's input errors, and a build of the
curated sources plus a candidate that validates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph.errors import IngestInputError
from graph.ingest import article_from_bytes, ingest, read_article
from graph.ingest.candidate import DV, ID
from graph.ingest.gazetteer import Gazetteer

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "tests" / "fixtures" / "ingest" / "dev"
ARTICLE = DEV / "01-bac-ninh-quan-triet.txt"


@pytest.fixture(scope="module")
def candidate():
    return ingest(read_article(ARTICLE))


def test_every_fact_has_one_evidence_with_offsets_into_the_text(candidate):
    g, text = candidate.graph(), candidate.article.text
    evidence = list(g.subjects(RDF.type, URIRef(DV + "Evidence")))
    assert len(evidence) == len(candidate.facts) > 20
    for e in evidence:
        s, p, o = g.value(e, RDF.subject), g.value(e, RDF.predicate), g.value(e, RDF.object)
        assert (s, p, o) in g, "the evidence must describe a fact the candidate states"
        start, end = int(g.value(e, URIRef(DV + "charStart"))), int(g.value(e, URIRef(DV + "charEnd")))
        assert 0 <= start < end <= len(text)
        paragraph = int(g.value(e, URIRef(DV + "paragraph")))
        assert text[start:end] in [line for line in text.split("\n") if line.strip()][paragraph - 1]
        assert 0 <= float(g.value(e, URIRef(DV + "confidence"))) <= 1
        assert g.value(e, URIRef(DV + "evidenceFor")) == candidate.source


def test_a_persons_evidence_points_at_the_name(candidate):
    g, text = candidate.graph(), candidate.article.text
    person = URIRef(ID + "person/nguyen-van-thanh")
    (e,) = [e for e in g.subjects(RDF.subject, person) if g.value(e, RDF.predicate) == URIRef(DV + "fullName")]
    assert text[int(g.value(e, URIRef(DV + "charStart"))):int(g.value(e, URIRef(DV + "charEnd")))] == "Nguyễn Văn Thành"


def test_no_sentence_of_the_article_is_copied(candidate):
    g, text = candidate.graph(), candidate.article.text
    sentences = [s.strip() for s in text.replace("\n", ".").split(".") if len(s.split()) >= 8]
    allowed = {URIRef(DV + "headline"), URIRef(DV + "title")}  # names of the article and its documents
    for s, p, o in g:
        if isinstance(o, Literal) and p not in allowed:
            assert not any(sentence in str(o) or (len(str(o).split()) >= 8 and str(o) in sentence) for sentence in sentences), o


def test_source_node_has_hash_seed_name_and_metadata():
    c = ingest(read_article(ARTICLE), url="https://example.org/a", publisher="SGGP", headline="Tiêu đề")
    g = c.graph()
    assert g.value(c.source, RDF.type) == URIRef(DV + "NewsArticleSource")
    assert str(g.value(c.source, URIRef(DV + "articleSha256"))) == c.article.sha256
    assert str(g.value(c.source, URIRef(DV + "datePublished"))) == "2022-06-14"  # the dateline
    assert g.value(c.source, URIRef("https://schema.org/url")) == URIRef("https://example.org/a")
    assert g.value(c.source, URIRef(DV + "publisher")) == URIRef(ID + "organization/bao-sai-gon-giai-phong")
    assert str(c.source).rsplit("/", 1)[1] == f"005-{c.article.sha256[:16]}"


def test_ambiguous_person_is_minted_with_alternatives():
    gaz = Gazetteer()
    name = ox.NamedNode(DV + "fullName")
    gaz.add([ox.Triple(ox.NamedNode(ID + f"person/nguyen-van-thanh-{i}"), name, ox.Literal("Nguyễn Văn Thành", language="vi"))
             for i in (1, 2)])
    g = ingest(read_article(ARTICLE), gazetteer=gaz).graph()
    minted = URIRef(ID + "person/nguyen-van-thanh")
    (e,) = [e for e in g.subjects(RDF.subject, minted) if g.value(e, RDF.predicate) == RDF.type]
    assert set(g.objects(e, URIRef(DV + "linkAlternative"))) == {URIRef(ID + "person/nguyen-van-thanh-1"),
                                                                 URIRef(ID + "person/nguyen-van-thanh-2")}
    assert float(g.value(e, URIRef(DV + "linkScore"))) == 0.5


@pytest.mark.parametrize("data,words", [
    (b"\xff\xfe\x00x", "binary"), ("Hà Nội".encode("utf-16-le"), "binary"), ("Hà Nam".encode("latin-1"), "UTF-8"),
    (b"   \n\n ", "empty"), (b"x" * 200_001, "at most"),
])
def test_unreadable_input_is_a_typed_error(data, words):
    with pytest.raises(IngestInputError, match=words):
        article_from_bytes(data, "a.txt")


def test_cli_exit_2_on_bad_input_and_writes_nothing(run_danvan, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Hà Nam".encode("latin-1"))
    out = tmp_path / "c.ttl"
    r = run_danvan("ingest", bad, "-o", out)
    assert r.returncode == 2 and "bad.txt" in r.stderr and "UTF-8" in r.stderr
    assert not out.exists()
    r = run_danvan("ingest", tmp_path / "missing.txt")
    assert r.returncode == 2 and "missing.txt" in r.stderr
    r = run_danvan("ingest", ARTICLE, "--date", "14/6/2022")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
    r = run_danvan("ingest", ARTICLE, "--url", "https://example.org/a b>")
    assert r.returncode == 2 and "--url" in r.stderr


def test_cli_writes_a_candidate_that_builds_with_the_curated_sources(run_danvan, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(REPO / "graph" / "sources", sources)
    # 09 and 11: resolutions named by their meeting, a plan named by what it carries out, a regulation by name
    for txt in (ARTICLE, DEV / "03-nghe-an-truc-tuyen.txt", DEV / "04-quang-ngai-khao-sat.txt",
                DEV / "09-khoi-nghi-quyet-trung-uong.txt", DEV / "11-vinh-long-quy-che-ten.txt"):
        r = run_danvan("ingest", txt, "--url", "https://example.org/" + txt.stem, "-o", sources / f"cand-{txt.stem}.ttl")
        assert r.returncode == 0, r.stderr
        Graph().parse(sources / f"cand-{txt.stem}.ttl")
    r = run_danvan("build", "--sources", sources, "--store", tmp_path / "store")
    assert r.returncode == 0, r.stdout + r.stderr
    # the candidate is a source like any other: its own named graph, with its facts and their evidence
    source = str(ingest(read_article(ARTICLE)).source)
    rq = tmp_path / "evidence.rq"
    rq.write_text(f"""PREFIX dv: <{DV}>
SELECT (COUNT(?e) AS ?n) WHERE {{ GRAPH <{source}> {{ ?e a dv:Evidence ; dv:evidenceFor <{source}> }} }}""")
    r = run_danvan("query", rq, "--store", tmp_path / "store", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.split()[-1]) == len(ingest(read_article(ARTICLE)).facts)
