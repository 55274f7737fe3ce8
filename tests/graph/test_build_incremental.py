"""Incremental builds: after a source file is changed, added or removed, `build` starts from the live
build and the result equals a full build of the same files — quad by quad, the validation findings,
build.json's counts, the dumps (byte for byte) and the search index; anything else changed means a full
build."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import build as build_module
from graph import dumps, resources, store
from graph.errors import ValidationFailed
from graph.search_index import NAME_BITS, SearchIndex

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sources(tmp_path, monkeypatch) -> Path:
    """A copy of the project's sources, to edit. The dumps write graphs of more than 64 triples in parts
    (graph/dumps.py), so that these small graphs have parts to patch."""
    monkeypatch.setattr(dumps, "PART", 64)
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in resources.source_files():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def built(store_dir: Path, folder: Path, incremental: bool = True):
    return build_module.build(store_dir, sources=sorted(folder.glob("*.ttl")), incremental=incremental)


def quads(build_dir: Path) -> set:
    db = ox.Store.read_only(str(store.data_path(build_dir)))
    return set(db.quads_for_pattern(None, None, None, None))


def table_rows(file: Path) -> dict[str, Counter]:
    """Every table's rows (the full-text index's own tables aside, and the planner's statistics)."""
    con = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                                            "'%VIRTUAL%' AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite_stat%'")]
        return {t: Counter(tuple(row) for row in con.execute(f"SELECT * FROM {t}")) for t in tables}
    finally:
        con.close()


def search_rows(build_dir: Path) -> dict[str, object]:
    """The search index's rows with each id replaced by what it stands for, and the ids' order: an
    incremental build puts a new entity between its neighbours' ids, a full build spaces them evenly."""
    file = build_dir / "search.sqlite"
    rows = table_rows(file)
    con = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        iri = dict(con.execute("SELECT id, iri FROM entity"))
        return {
            "meta": rows["meta"],
            "entity": Counter(row[1:] for row in rows["entity"]),
            "name": Counter((iri[entity], text, folded) for _id, entity, text, folded in rows["name"]),
            "entity order": [r[0] for r in con.execute("SELECT iri FROM entity ORDER BY id")],
            "name order": list(con.execute("SELECT e.iri, n.folded FROM name n JOIN entity e ON e.id = n.entity "
                                           "ORDER BY n.id")),
            "name ids": all(n >> NAME_BITS == e for n, e in con.execute("SELECT id, entity FROM name")),
            # what the full-text index finds, in its order, named by entity and text
            "fts": [list(con.execute("SELECT e.iri, n.folded FROM name_fts JOIN name n ON n.id = name_fts.rowid "
                                     "JOIN entity e ON e.id = n.entity WHERE name_fts MATCH ? ORDER BY name_fts.rowid",
                                     (w,))) for w in ("dan", "van", "quyet", "hoi nghi", "d*", "t*", "bo sung")],
        }
    finally:
        con.close()


def searches(build_dir: Path) -> list:
    index = SearchIndex(build_dir / "search.sqlite")
    return [[(h.iri, h.tier, h.matched) for h in index.search(q, limit=30)]
            for q in ("dân vận", "quyết định", "23", "hội nghị bổ sung", "hà nam", "x", "quy che")]


def assert_same_build(incremental, full) -> None:
    ox.Store(str(store.data_path(incremental.path)))  # the build closed its store (RocksDB locks an open one)
    assert quads(incremental.path) == quads(full.path)
    assert Counter(incremental.validation.findings) == Counter(full.validation.findings)
    assert [f.messages for f in incremental.validation.findings] == [f.messages for f in full.validation.findings]
    a = json.loads((incremental.path / "build.json").read_text())
    b = json.loads((full.path / "build.json").read_text())
    assert a["incremental"] is True and b["incremental"] is False
    for key in ("triples", "quads", "inferred", "sources", "inputs", "validation", "dumps", "statistics"):
        assert a[key] == b[key], key
    rows_a, rows_b = search_rows(incremental.path), search_rows(full.path)
    assert rows_a["name ids"] and rows_b["name ids"]
    for table in rows_a:
        assert rows_a[table] == rows_b[table], table
    assert searches(incremental.path) == searches(full.path)
    browse_a, browse_b = table_rows(incremental.path / "browse.sqlite"), table_rows(full.path / "browse.sqlite")
    assert browse_a.keys() == browse_b.keys()
    for table in browse_a:
        assert browse_a[table] == browse_b[table], table
    members = json.loads((incremental.path / "dumps" / "members.json").read_text(encoding="utf-8"))
    assert any(" " in key for key, _offset, _length in members["nquads"])  # a graph in parts, patched
    for fmt in ("nq", "trig"):
        dump = f"dumps/danvan.{fmt}.gz"
        assert (incremental.path / dump).read_bytes() == (full.path / dump).read_bytes()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_SOURCE = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix s: <https://w3id.org/danvan/id/source/> .
@prefix d: <https://w3id.org/danvan/id/document/> .
@prefix e: <https://w3id.org/danvan/id/event/> .
@prefix dt: <https://w3id.org/danvan/id/document-type/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

s:extra a dv:NewsArticleSource ; dv:headline "Bài bổ sung"@vi ; dv:datePublished "2024-05-01"^^xsd:date ;
    dv:seedFile "901_0123456789abcdef.txt" .
e:extra a dv:Conference ; skos:prefLabel "Hội nghị bổ sung"@vi ; dv:startDate "2024-04-02"^^xsd:date .
d:extra a dv:PartyDocument ; dv:documentNumber "99-QĐ/TW" ; dv:documentType dt:qd ;
    dv:title "Quyết định bổ sung"@vi ; dv:dateIssued "2024-01-02"^^xsd:date ; dv:replaces d:qd-23-tw-2021 .
"""


def test_changed_added_and_removed_sources_equal_a_full_build(tmp_path, sources):
    live = tmp_path / "store"
    first = built(live, sources)
    assert json.loads((first.path / "build.json").read_text())["incremental"] is False

    # a new source (it replaces a document: new inferred facts about another node, a new end of force)
    (sources / "900-extra.ttl").write_text(NEW_SOURCE, encoding="utf-8")
    step = built(live, sources)
    assert_same_build(step, built(tmp_path / "full-1", sources, incremental=False))

    # a changed source: an event moves; a removed source: its facts and its findings go
    (event_file,) = [p for p in sorted(sources.glob("00*.ttl")) if "startDate" in p.read_text(encoding="utf-8")][:1]
    text = event_file.read_text(encoding="utf-8")
    edit(event_file, text[text.index("startDate"):].split('"')[1], "2010-01-01")
    removed = sorted(sources.glob("ref-*.ttl"))[0]
    removed.unlink()
    step = built(live, sources)
    assert_same_build(step, built(tmp_path / "full-2", sources, incremental=False))
    assert json.loads((step.path / "build.json").read_text())["incremental"] is True


def test_a_violation_in_an_incremental_build_keeps_the_live_store(tmp_path, sources):
    live = tmp_path / "store"
    first = built(live, sources)
    (sources / "900-extra.ttl").write_text(NEW_SOURCE.replace('"99-QĐ/TW"', '"99/QĐ-TW"'), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        built(live, sources)
    assert any("number-TYPE/LEVEL" in f.message() for f in failed.value.result.findings)
    assert store.live_build_dir(live) == first.path.resolve()
    assert [p.name for p in store.complete_builds(live)] == [first.path.name]
    # the same files built in full find the same
    with pytest.raises(ValidationFailed) as full:
        built(tmp_path / "full", sources, incremental=False)
    assert Counter(failed.value.result.findings) == Counter(full.value.result.findings)


def test_other_inputs_changed_mean_a_full_build(tmp_path, sources):
    live = tmp_path / "store"
    built(live, sources)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes(resources.shapes_file().read_bytes() + b"\n# edited\n")
    again = build_module.build(live, sources=sorted(sources.glob("*.ttl")), shapes=shapes)
    assert json.loads((again.path / "build.json").read_text())["incremental"] is False
    # nothing changed: still a new build, from the live one, the same data
    same = build_module.build(live, sources=sorted(sources.glob("*.ttl")), shapes=shapes)
    assert json.loads((same.path / "build.json").read_text())["incremental"] is True
    assert quads(same.path) == quads(again.path)


def test_a_build_without_the_records_is_followed_by_a_full_build(tmp_path, sources):
    live = tmp_path / "store"
    first = built(live, sources)
    (first.path / "validation.json").unlink()
    again = built(live, sources)
    assert json.loads((again.path / "build.json").read_text())["incremental"] is False
    shutil.rmtree(tmp_path / "store.builds", ignore_errors=True)


def test_reasoning_again_forgets_what_a_dropped_graph_entailed(loaded_store):
    """materialize empties the inferred graph first (it used to drop a wrongly named graph instead,
    harmless only while every build reasoned on a fresh store)."""
    from graph.reason import materialize

    db, sources = loaded_store
    materialize(db)
    db.remove_graph(ox.NamedNode(sources[0].iri))
    materialize(db)
    fresh = ox.Store()
    for quad in db.quads_for_pattern(None, None, None, None):
        if quad.graph_name.value != "https://w3id.org/danvan/graph/inferred":
            fresh.add(quad)
    materialize(fresh)
    inferred = ox.NamedNode("https://w3id.org/danvan/graph/inferred")
    assert set(db.quads_for_pattern(None, None, None, inferred)) == set(fresh.quads_for_pattern(None, None, None, inferred))


def test_edits_of_every_kind_equal_a_full_build(tmp_path, sources):
    """Labels (an issuer's, a role posts are named after), a document's number, a type, an entity gone:
    the indexes are updated row by row (no "written in full" in the progress), and equal a full build's."""
    live = tmp_path / "store"
    built(live, sources)
    f = sources / "001-thanhuy-quan-5-quan-triet-van-ban-dan-van.ttl"
    # labels that come first (other files give these entities labels too: the least one is shown)
    edit(f, '"Thành ủy Thành phố Hồ Chí Minh"@vi', '"A Thành ủy TP. Hồ Chí Minh"@vi')
    edit(f, 'r:uy-vien a dv:Role ; skos:prefLabel "Ủy viên"@vi', 'r:uy-vien a dv:Role ; skos:prefLabel "A Ủy viên"@vi')
    edit(f, '"08-CTrHĐ/TU"', '"18-CTrHĐ/TU"')
    edit(f, "o:ban-dan-van--thanh-pho-ho-chi-minh a dv:MassMobilizationBoard", "o:ban-dan-van--thanh-pho-ho-chi-minh a dv:PartyCommittee")
    edit(f, 'p:mai-khue a dv:Person ; dv:fullName "Mai Khuê"@vi .', "")
    messages: list[str] = []
    step = build_module.build(live, messages.append, sources=sorted(sources.glob("*.ttl")))
    assert not [m for m in messages if "in full" in m]
    assert_same_build(step, built(tmp_path / "full", sources, incremental=False))


def test_edits_that_change_what_is_inferred_equal_a_full_build(tmp_path, sources):
    """Each edit is re-reasoned around the change only (the progress says so) and equals a full build: a
    repeal that ends a document's force, then an end of force stated (the inferred one goes), a second
    date for a document from another file (the conflict mark), a sub-organization link moved in a chain."""
    live = tmp_path / "store"
    built(live, sources)
    extra = sources / "900-extra.ttl"
    article = sources / "001-thanhuy-quan-5-quan-triet-van-ban-dan-van.ttl"
    edits = [
        lambda: extra.write_text(NEW_SOURCE, encoding="utf-8"),
        lambda: edit(extra, "dv:replaces d:qd-23-tw-2021 .",
                     'dv:replaces d:qd-23-tw-2021 .\nd:qd-23-tw-2021 dv:endOfValidity "2030-01-01"^^xsd:date .'),
        lambda: edit(extra, 'dv:dateIssued "2024-01-02"^^xsd:date ;',
                     'dv:dateIssued "2024-01-02"^^xsd:date ;\n    dv:entryIntoForce "2024-02-02"^^xsd:date ;'),
        lambda: edit(extra, "d:extra a", 'd:qd-23-tw-2021 dv:dateIssued "2022-02-02"^^xsd:date .\nd:extra a'),
        lambda: edit(article, "dv:subOrganizationOf o:cap-uy--quan-5--thanh-pho-ho-chi-minh .",
                     "dv:subOrganizationOf o:cap-uy--thanh-pho-ho-chi-minh ."),
        lambda: extra.unlink(),
    ]
    for number, change in enumerate(edits):
        change()
        said: list[str] = []
        step = build_module.build(live, sources=sorted(sources.glob("*.ttl")), progress=said.append)
        assert any(line.startswith("reason:") and "neighbourhood of the change" in line for line in said), said
        assert_same_build(step, built(tmp_path / f"full-{number}", sources, incremental=False))


def test_findings_about_nodes_the_edit_does_not_mention_equal_a_full_build(tmp_path, sources):
    """Constraints that read beyond their focus node are re-checked where the change reaches: a document's
    end of force stated in a new file warns on the events that roll it out (nodes the file never names),
    and a replaced document dated later fails the document that replaces it."""
    live = tmp_path / "store"
    built(live, sources)
    extra = sources / "900-extra.ttl"
    extra.write_text(NEW_SOURCE + 'd:qd-489-tu-tphcm dv:endOfValidity "2000-01-01"^^xsd:date .\n', encoding="utf-8")
    step = built(live, sources)
    assert any("EventOnRepealedDocumentShape" in (f.shape or "") and "qd-489" in f.message()
               for f in step.validation.findings)
    assert_same_build(step, built(tmp_path / "full-1", sources, incremental=False))
    edit(extra, 'd:qd-489-tu-tphcm dv:endOfValidity "2000-01-01"^^xsd:date .',
         'd:qd-290-tw-2010 dv:dateIssued "2030-01-01"^^xsd:date .')
    with pytest.raises(ValidationFailed) as failed:
        built(live, sources)
    assert any("ReplacementShape" in (f.shape or "") and "qd-23-tw-2021" in f.focus for f in failed.value.result.findings)
    with pytest.raises(ValidationFailed) as full:
        built(tmp_path / "full-2", sources, incremental=False)
    assert Counter(failed.value.result.findings) == Counter(full.value.result.findings)
    extra.unlink()
    step = built(live, sources)  # the warning went with the file
    assert not any("qd-489" in f.message() for f in step.validation.findings if f.severity == "Warning")
    assert_same_build(step, built(tmp_path / "full-3", sources, incremental=False))


def test_a_moved_file_equals_a_full_build(tmp_path, sources):
    """The same source under another file name: no quad changes, but the findings name the new file."""
    live = tmp_path / "store"
    built(live, sources)
    moved = sources / "001-thanhuy-quan-5-quan-triet-van-ban-dan-van.ttl"
    moved.rename(sources / "001-moved.ttl")
    step = built(live, sources)
    assert any("001-moved.ttl" in repr((f.files, f.claimed)) for f in step.validation.findings)
    assert_same_build(step, built(tmp_path / "full", sources, incremental=False))
