"""The search index (graph.search_index): folding, document-number forms, ranking, and that the build
writes it into each build directory."""

from __future__ import annotations

import sqlite3

import pyoxigraph as ox
import pytest

from graph import search_index
from graph.search_index import DocType, SearchIndex, fold, number_forms, parse_number
from graph.store import live_build_dir

ID = "https://w3id.org/danvan/id/"


@pytest.mark.parametrize("text, folded", [
    ("Nguyễn Hữu Hiệp", "nguyen huu hiep"),
    ("NGUYỄN HỮU HIỆP", "nguyen huu hiep"),
    ("Đinh Thị Lụa", "dinh thi lua"),
    ("đĐ", "dd"),
    ("23-QĐ/TW", "23 qd tw"),
    ("QĐ23", "qd 23"),
    ("  Phong trào thi đua \"Dân vận khéo\"  ", "phong trao thi dua dan van kheo"),
    ("30/2020/NĐ-CP", "30 2020 nd cp"),
    ("ươ ỨỪỬỮỰ", "uo uuuuu"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent_and_composed_or_decomposed_alike():
    import unicodedata

    s = "Quyết định số 23-QĐ/TW"
    assert fold(unicodedata.normalize("NFD", s)) == fold(unicodedata.normalize("NFC", s)) == fold(fold(s))


def test_parse_number_party_and_state():
    assert parse_number("23-QĐ/TW") == ("23", "QĐ")
    assert parse_number("08-CTrHĐ/TU") == ("08", "CTrHĐ")
    assert parse_number("30/2020/NĐ-CP") == ("30", "NĐ")
    assert parse_number("88/QĐ-UBND") == ("88", "QĐ")
    assert parse_number("phụ lục") is None


def test_number_forms_cover_the_written_forms():
    forms = {fold(f) for f in number_forms("23-QĐ/TW", DocType("QĐ", ("Decision", "Quyết định")))}
    for written in ("23-QĐ/TW", "23", "QĐ 23", "Quyết định 23", "quyet dinh so 23", "Quyết định số 23-QĐ/TW",
                    "23/QĐ", "23-QĐ", "Decision 23"):
        assert fold(written) in forms, written
    assert fold("Quyết định 290") not in forms


def test_number_forms_drop_leading_zeros_too():
    forms = {fold(f) for f in number_forms("02-ĐA/TU", DocType("ĐA", ("Đề án",)))}
    assert {"02", "2", "da 2", "de an 02", "de an 2", "02 da tu"} <= forms


@pytest.fixture(scope="module")
def index(store_dir):
    return SearchIndex.for_build(live_build_dir(store_dir))


def test_the_build_writes_the_index_beside_the_store(store_dir):
    build = live_build_dir(store_dir)
    path = build / search_index.FILENAME
    assert path.is_file()
    con = sqlite3.connect(path)
    try:
        entities = con.execute("SELECT COUNT(*) FROM entity").fetchone()[0]
        assert entities > 50
        assert con.execute("SELECT kind FROM entity WHERE iri = ?", (ID + "person/nguyen-huu-hiep",)).fetchone() == ("person",)
    finally:
        con.close()


@pytest.mark.parametrize("query, first", [
    ("nguyen huu hiep", "person/nguyen-huu-hiep"),
    ("NGUYỄN HỮU HIỆP", "person/nguyen-huu-hiep"),
    ("QĐ 23", "document/qd-23-tw-2021"),
    ("Quyết định 23", "document/qd-23-tw-2021"),
    ("quyet dinh 23", "document/qd-23-tw-2021"),
    ("23-QĐ/TW", "document/qd-23-tw-2021"),
    ("23-qd/tw", "document/qd-23-tw-2021"),
    ("290", "document/qd-290-tw-2010"),
    ("đinh thị lụa", "person/dinh-thi-lua"),
    ("dinh thi lua", "person/dinh-thi-lua"),
    ("dan van kheo", "movement/dan-van-kheo"),
    ("nguyen huu", "person/nguyen-huu-hiep"),
    ("Đề án 02", "document/da-02-tu-ha-nam-2021"),
])
def test_the_exact_entity_comes_first(index, query, first):
    hits = index.search(query, limit=10)
    assert hits, query
    assert hits[0].iri == ID + first, [h.iri for h in hits]


def test_tiers_are_ordered_and_scores_fall(index):
    hits = index.search("dan van", limit=50)
    # the order users are promised: the whole name, then a name starting with it, then names with both words
    tiers = [h.tier for h in hits]
    first = {t: tiers.index(t) for t in ("exact", "prefix", "words")}
    assert first["exact"] == 0 and first["exact"] < first["prefix"] < first["words"], tiers
    assert tiers == sorted(tiers, key=["exact", "prefix", "words", "word-prefixes", "some-words"].index)
    assert (hits[0].iri, hits[0].tier) == (ID + "work/dan-van-1949", "exact")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def _ranking_store(tmp_path):
    """One name shape across kinds: a place named exactly "Sông Hồng", a work whose name starts with it,
    and six entities of different kinds whose names hold both words, labels chosen so that sorting by
    label alone would put them in the opposite order of the promised kinds."""
    from graph import settings

    dv = settings.ontology_namespace()
    skos = "http://www.w3.org/2004/02/skos/core#prefLabel"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    named = [
        ("place/song-hong", "Place", "Sông Hồng"),
        ("work/song-hong-ca", "Work", "Sông Hồng ca"),
        ("event/a-hoi", "Event", "A: hội Sông Hồng"),
        ("organization/b-hoi", "Organization", "B: hội Sông Hồng"),
        ("person/y-nguoi", "Person", "Y: người Sông Hồng"),
        ("person/x-nguoi", "Person", "X: người Sông Hồng"),
        ("document/z-van-ban", "PartyDocument", "Z: văn bản Sông Hồng"),
        ("movement/c-phong-trao", "Movement", "C: phong trào Sông Hồng"),
    ]
    db = ox.Store()
    for path, cls, label in named:
        s = ox.NamedNode(ID + path)
        db.add(ox.Quad(s, rdf_type, ox.NamedNode(dv + cls)))
        db.add(ox.Quad(s, ox.NamedNode(skos), ox.Literal(label, language="vi")))
    search_index.write(db, tmp_path)
    return SearchIndex.for_build(tmp_path)


def test_within_a_tier_documents_and_people_come_first(tmp_path):
    hits = _ranking_store(tmp_path).search("song hong", limit=20)
    assert [(h.tier, h.iri.removeprefix(ID)) for h in hits] == [
        ("exact", "place/song-hong"),
        ("prefix", "work/song-hong-ca"),
        # within a tier: documents, then people, then the others (organizations, events, movements…),
        # each kind by label
        ("words", "document/z-van-ban"),
        ("words", "person/x-nguoi"),
        ("words", "person/y-nguoi"),
        ("words", "organization/b-hoi"),
        ("words", "event/a-hoi"),
        ("words", "movement/c-phong-trao"),
    ]


def test_exact_beats_prefix_for_290_and_23(index):
    hits = index.search("23", limit=20)
    assert hits[0].iri == ID + "document/qd-23-tw-2021" and hits[0].tier == "exact"
    assert all(h.iri != ID + "document/qd-290-tw-2010" for h in hits if h.tier == "exact")


def test_labels_follow_the_language(index):
    vi = index.search("dang cong san viet nam", limit=1, lang="vi")[0]
    en = index.search("dang cong san viet nam", limit=1, lang="en")[0]
    assert vi.iri == en.iri == ID + "organization/dang-cong-san-viet-nam"
    assert vi.label == "Đảng Cộng sản Việt Nam"
    assert en.label == "Communist Party of Viet Nam"
    # a person with only a Vietnamese name keeps it in English
    assert index.search("dinh thi lua", limit=1, lang="en")[0].label == "Đinh Thị Lụa"


def test_a_document_label_leads_with_its_number(index):
    hit = index.search("290", limit=1)[0]
    assert hit.label.startswith("290-QĐ/TW")
    assert hit.number == "290-QĐ/TW"


def test_queries_with_nothing_to_search_and_too_long(index):
    assert index.search("") == []
    assert index.search("  -/. ") == []
    with pytest.raises(search_index.QueryTooLong):
        index.search("a" * (search_index.MAX_QUERY + 1))


def test_fts_syntax_in_the_query_is_plain_text(index):
    # FTS5 operators and quotes are folded away: no SQL or FTS error, just a search
    for q, plain in (('"', ""), ("NEAR(a b)", "near a b"), ("hiep* OR", "hiep or"), ("a AND NOT b", "a and not b"),
                     ("'; DROP TABLE entity; --", "drop table entity"), ("col:hiep", "col hiep")):
        assert [h.iri for h in index.search(q, limit=5)] == [h.iri for h in index.search(plain, limit=5)], q
    assert index.search("hiep* OR", limit=1)[0].iri == ID + "person/nguyen-huu-hiep"
    assert index.search("ban dan van (Cu Chi)", limit=1)[0].iri == ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh"
    assert index.search("hiep", limit=1)[0].iri == ID + "person/nguyen-huu-hiep"  # the entity table survived
    assert index.search("hiep*", limit=1)[0].iri == ID + "person/nguyen-huu-hiep"


def test_some_words_only_when_nothing_better(index):
    hits = index.search("zzzz hiep", limit=5)
    assert hits and hits[0].iri == ID + "person/nguyen-huu-hiep" and hits[0].tier == "some-words"
    assert all(h.tier != "some-words" for h in index.search("nguyen huu hiep", limit=20))


def test_write_on_a_small_store(tmp_path):
    """The index of a hand-made store: names in both languages, a number read from a document type
    found only by its notation, entities without names left out."""
    from graph import settings

    dv = settings.ontology_namespace()
    skos = "http://www.w3.org/2004/02/skos/core#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    db = ox.Store()
    t = ox.NamedNode(ID + "document-type/nq")
    d = ox.NamedNode(ID + "document/nq-7-tu-x")
    p = ox.NamedNode(ID + "person/tran-moi")
    silent = ox.NamedNode(ID + "post/nameless")
    for s, pr, o in [
        (t, rdf_type, ox.NamedNode(dv + "DocumentType")),
        (t, ox.NamedNode(skos + "notation"), ox.Literal("NQ")),
        (t, ox.NamedNode(skos + "prefLabel"), ox.Literal("Nghị quyết", language="vi")),
        (d, rdf_type, ox.NamedNode(dv + "PartyDocument")),
        (d, ox.NamedNode(dv + "documentNumber"), ox.Literal("07-NQ/TU")),
        (p, rdf_type, ox.NamedNode(dv + "Person")),
        (p, ox.NamedNode(dv + "fullName"), ox.Literal("Trần Mới", language="vi")),
        (silent, rdf_type, ox.NamedNode(dv + "Post")),
    ]:
        db.add(ox.Quad(s, pr, o))
    counts = search_index.write(db, tmp_path)
    assert counts["entities"] == 3  # the type, the document, the person; not the nameless post
    ix = SearchIndex.for_build(tmp_path)
    assert ix.search("nghi quyet 7", limit=1)[0].iri == d.value
    assert ix.search("NQ 07", limit=1)[0].iri == d.value
    assert ix.search("tran moi", limit=1)[0].iri == p.value
    assert ix.search("nameless") == []
    assert ix.search("tran moi", limit=1)[0].types == [dv + "Person"]
    assert not (tmp_path / "search.sqlite.tmp").exists()


def test_a_missing_index_is_a_store_error(tmp_path):
    from graph.errors import StoreError

    with pytest.raises(StoreError, match="danvan build"):
        SearchIndex.for_build(tmp_path)


def _ranked_by_sorting_every_match(index: SearchIndex, query: str, limit: int) -> list[tuple[str, str, str]]:
    """The ranking as it was before it stopped early: every match of a tier grouped and sorted in SQL
    (whole-name prefixes by a range over the folded names), for comparison with SearchIndex.search."""
    con = sqlite3.connect(index.file)
    folded = fold(query)
    words = [f'"{w}"' for w in folded.split()]
    found: dict[int, tuple[str, str]] = {}
    plans = [("exact", "n.folded = ?", (folded,), False),
             ("prefix", "n.folded > ? AND n.folded < ?", (folded, folded + "\U0010ffff"), False),
             ("words", "name_fts MATCH ?", (" ".join(words),), True),
             ("word-prefixes", "name_fts MATCH ?", (" ".join(w + "*" for w in words),), True)]
    try:
        for tier, where, args, fts in plans:
            if len(found) >= limit:
                break
            source = "name_fts JOIN name n ON n.id = name_fts.rowid" if fts else "name n"
            sql = (f"SELECT e.id, MIN(n.text) FROM {source} JOIN entity e ON e.id = n.entity WHERE {where} "
                   "GROUP BY e.id ORDER BY e.kind_rank, e.sort_key, e.iri LIMIT ?")
            for eid, text in con.execute(sql, (*args, limit + len(found))):
                if eid not in found and len(found) < limit:
                    found[eid] = (tier, text)
        iris = dict(con.execute(f"SELECT id, iri FROM entity WHERE id IN ({','.join('?' * len(found))})", list(found)))
    finally:
        con.close()
    return [(iris[e], tier, text) for e, (tier, text) in found.items()]


@pytest.mark.parametrize("query", ["quyết định", "dan van", "23", "QĐ", "Nguyễn", "hội nghị", "ban", "thành ủy",
                                   "quan 5", "d", "2021", "mặt trận tổ quốc", "tp"])
@pytest.mark.parametrize("limit", [1, 5, 20, 100])
def test_stopping_early_ranks_as_sorting_every_match(index, query, limit):
    """Ids are in ranking order, so reading matches in id order and stopping at the limit gives the
    ranking that sorting every match gave (here on the seed graph), tier and matched name included."""
    hits = [(h.iri, h.tier, h.matched) for h in index.search(query, limit=limit)]
    assert hits == _ranked_by_sorting_every_match(index, query, limit)
    assert hits  # every query here finds something


@pytest.mark.parametrize("query", ["quyết định", "dan van", "Nguyễn", "ban", "thành ủy", "quan 5", "d", "tp"])
def test_a_common_prefix_read_from_fts_ranks_as_the_name_index(index, monkeypatch, query):
    """Past PREFIX_RANGE names, whole-name prefixes come from the FTS phrase anchored at the start
    (read in ranking order) instead of the name index: the same hits."""
    expected = [(h.iri, h.tier, h.matched) for h in index.search(query, limit=100)]
    monkeypatch.setattr(search_index, "PREFIX_RANGE", 0)
    assert [(h.iri, h.tier, h.matched) for h in index.search(query, limit=100)] == expected
    assert any(tier == "prefix" for _i, tier, _m in expected)
