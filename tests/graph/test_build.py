"""The whole pipeline: a good build swaps in; a bad one leaves the live store as it was."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import settings, store
from graph.build import build, check
from graph.errors import SourceSyntaxError, StoreError, ValidationFailed

ELI = "http://data.europa.eu/eli/ontology#"


@pytest.fixture
def files(fixture_sources, fixture_ontology, fixture_shapes):
    return {"sources": fixture_sources, "ontology": fixture_ontology, "shapes": fixture_shapes}


def builds(link):
    folder = store.builds_dir(link)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def snapshot(link):
    return set(store.open_store(link))


def test_build_writes_a_store_and_swaps_it_in(tmp_path, files):
    link = tmp_path / "store"
    messages: list[str] = []
    result = build(link, messages.append, **files)

    assert link.is_symlink() and link.resolve() == result.path.resolve()
    assert builds(link) == [result.build_id]
    assert result.validation.conforms and result.validation.warnings == 2
    # the store stage's parts too (search and browse indexes, dumps)
    assert set(result.timings) == {"load", "reason", "validate", "search", "browse", "close", "dumps", "store"}
    steps = ["load", "reason", "validate", "store"]
    assert [m.split(":")[0] for m in messages] == steps
    # each progress line reports the time the result records for its step
    assert [m.rsplit("(", 1)[1] for m in messages] == [f"{result.timings[s]:.2f} s)" for s in steps]

    db = store.open_store(link)
    default = list(db.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == result.triples  # the default graph: the union of the named graphs, as a set
    named = {(q.subject, q.predicate, q.object) for q in db if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert {(q.subject, q.predicate, q.object) for q in default} == named
    inferred = ox.NamedNode(settings.inferred_graph())
    assert len(list(db.quads_for_pattern(None, None, None, inferred))) == result.inferred > 0
    ends = list(db.quads_for_pattern(None, ox.NamedNode(ELI + "date_no_longer_in_force"), None, inferred))
    assert len(ends) == 3

    info = store.build_info(link)
    assert (info["build_id"], info["triples"], info["inferred"]) == (result.build_id, result.triples, result.inferred)
    assert [s["path"] for s in info["sources"]] == [str(p) for p in files["sources"]]
    assert info["built_at"].endswith("+00:00")


def test_blank_nodes_keep_their_identity_on_disk(tmp_path, files):
    link = tmp_path / "store"
    build(link, **files)
    rows = list(store.open_store(link).query(f"""
        SELECT ?b WHERE {{
          GRAPH <https://w3id.org/danvan/id/source/a-news> {{ ?b a <https://w3id.org/danvan/ontology#PartyDocument> }}
          GRAPH <{settings.inferred_graph()}> {{ ?b a <{ELI}LegalResource> }}
          FILTER isBlank(?b)
        }}"""))
    assert len(rows) == 1


def test_violations_stop_the_build_and_leave_the_live_store(tmp_path, files, bad):
    link = tmp_path / "store"
    first = build(link, **files)
    before = snapshot(link)
    with pytest.raises(ValidationFailed) as caught:
        build(link, **{**files, "sources": [*files["sources"], bad / "violates-shape.ttl"]})
    assert caught.value.result.violations == 2
    assert "violates-shape.ttl" in caught.value.result.text()
    assert link.resolve() == first.path.resolve()
    assert builds(link) == [first.build_id]
    assert snapshot(link) == before


def test_a_syntax_error_stops_the_build_and_leaves_the_live_store(tmp_path, files, bad):
    link = tmp_path / "store"
    first = build(link, **files)
    with pytest.raises(SourceSyntaxError):
        build(link, **{**files, "sources": [bad / "syntax-error.ttl"]})
    assert link.resolve() == first.path.resolve()
    assert builds(link) == [first.build_id]


def test_a_failure_while_storing_deletes_the_fresh_directory(tmp_path, files, monkeypatch):
    link = tmp_path / "store"
    first = build(link, **files)

    def refuse(*_args):
        raise StoreError("disk full (simulated)")

    monkeypatch.setattr(store, "swap_in", refuse)
    with pytest.raises(StoreError, match="simulated"):
        build(link, **files)
    assert builds(link) == [first.build_id]
    assert link.resolve() == first.path.resolve()


def test_a_first_failed_build_leaves_no_store(tmp_path, files, bad):
    link = tmp_path / "store"
    with pytest.raises(ValidationFailed):
        build(link, **{**files, "sources": [bad / "violates-shape.ttl"]})
    assert not link.exists() and not link.is_symlink()
    assert builds(link) == []


def test_rebuilds_swap_and_prune(tmp_path, files):
    link = tmp_path / "store"
    ids = [build(link, keep=2, **files).build_id for _ in range(3)]
    assert len(set(ids)) == 3
    assert link.resolve().name == ids[-1]
    assert builds(link) == sorted(ids[1:])


def test_a_store_dir_that_is_not_ours_fails_before_any_work(tmp_path, files):
    link = tmp_path / "store"
    link.mkdir()
    messages: list[str] = []
    with pytest.raises(StoreError):
        build(link, messages.append, **files)
    assert messages == []


def test_check_validates_without_writing(tmp_path, files, monkeypatch, bad):
    monkeypatch.setenv("DANVAN_STORE", str(tmp_path / "store"))
    result, loaded = check(**{**files, "sources": [*files["sources"], bad / "violates-shape.ttl"]})
    assert not result.conforms and result.violations == 2
    assert [s.iri.rsplit("/", 1)[1] for s in loaded] == ["a-news", "b-reference", "violates-shape"]
    assert list(tmp_path.iterdir()) == []


def test_the_real_data_builds(tmp_path, real_files):
    ontology, shapes, sources = real_files
    result = build(tmp_path / "store", sources=sources, ontology=ontology, shapes=shapes)
    assert result.validation.conforms
    assert result.inferred > 0
    assert len(store.build_info(tmp_path / "store")["sources"]) == len(list(sources))
