"""Loading: one named graph per source, the ontology graph, and errors that name file, line, column."""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox
import pytest
import rdflib

from graph import settings
from graph.errors import SourceContentError, SourceSyntaxError
from graph.load import LoadedSource, load

A_NEWS = "https://w3id.org/danvan/id/source/a-news"
B_REF = "https://w3id.org/danvan/id/source/b-reference"


def graph_names(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs()}


def test_each_source_is_its_own_named_graph(loaded_store, fixture_sources):
    store, sources = loaded_store
    assert [s.iri for s in sources] == [A_NEWS, B_REF]
    assert [s.path for s in sources] == [str(p) for p in fixture_sources]
    assert graph_names(store) == {A_NEWS, B_REF, settings.ontology_graph()}
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_triple_counts_match_an_independent_parse(loaded_store, fixture_sources):
    store, sources = loaded_store
    for source, path in zip(sources, fixture_sources):
        expected = len(rdflib.Graph().parse(path, format="turtle"))
        assert source.triples == expected
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(source.iri)))) == expected


def test_facts_land_in_the_graph_of_the_file_that_states_them(loaded_store):
    store, _ = loaded_store
    doc = ox.NamedNode("https://w3id.org/danvan/id/document/qd-1-tu-2010")
    date = ox.NamedNode("http://data.europa.eu/eli/ontology#date_document")
    by_graph = {q.graph_name.value: q.object.value for q in store.quads_for_pattern(doc, date, None, None)}
    assert by_graph == {A_NEWS: "2010-01-05", B_REF: "2010-01-06"}


def test_ontology_goes_into_the_ontology_graph(loaded_store):
    store, _ = loaded_store
    sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    graphs = {q.graph_name.value for q in store.quads_for_pattern(None, sub, None, None)}
    assert graphs == {settings.ontology_graph()}


def test_blank_node_labels_do_not_merge_across_files(tmp_path, fixture_ontology, make_source):
    one = make_source(tmp_path / "one.ttl", "one", '_:x eli:id_local "1" .\n')
    two = make_source(tmp_path / "two.ttl", "two", '_:x eli:id_local "2" .\n')
    store = ox.Store()
    load(store, [one, two], fixture_ontology)
    id_local = ox.NamedNode("http://data.europa.eu/eli/ontology#id_local")
    subjects = {q.subject for q in store.quads_for_pattern(None, id_local, None, None)}
    assert len(subjects) == 2


def test_syntax_error_names_file_line_and_column(bad, fixture_ontology):
    path = bad / "syntax-error.ttl"
    with pytest.raises(SourceSyntaxError) as caught:
        load(ox.Store(), [path], fixture_ontology)
    error = caught.value
    line = path.read_text(encoding="utf-8").split("\n")[error.line - 1]
    assert (error.line, error.column) == (6, line.index("zz:") + 1)
    assert str(error).startswith(f"{path}:6:{error.column}: ")
    assert "zz:" in error.message and "Parser error" not in error.message


def test_syntax_error_columns_count_characters_not_bytes(tmp_path, fixture_ontology, make_source):
    path = make_source(tmp_path / "vi.ttl", "vi", 'doc:x eli:title "Đảng ủy" ; eli:bad yy:z .\n')
    with pytest.raises(SourceSyntaxError) as caught:
        load(ox.Store(), [path], fixture_ontology)
    line = path.read_text(encoding="utf-8").split("\n")[caught.value.line - 1]
    assert caught.value.column == line.index("yy:") + 1


def test_non_nfc_text_is_rejected_with_its_line(bad, fixture_ontology):
    path = bad / "not-nfc.ttl"
    lines = path.read_text(encoding="utf-8").split("\n")
    first_bad = next(i for i, l in enumerate(lines, 1) if not unicodedata.is_normalized("NFC", l))
    with pytest.raises(SourceContentError) as caught:
        load(ox.Store(), [path], fixture_ontology)
    assert caught.value.line == first_bad == 5
    assert str(caught.value).startswith(f"{path}:5: ")
    assert "NFC" in str(caught.value)


def test_invalid_utf8_is_rejected_with_its_line(tmp_path, fixture_ontology):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b"@prefix dv: <https://w3id.org/danvan/ontology#> .\n\n<urn:x> <urn:y> \"caf\xe9\" .\n")
    with pytest.raises(SourceContentError) as caught:
        load(ox.Store(), [path], fixture_ontology)
    assert caught.value.line == 3
    assert "UTF-8" in str(caught.value)


def test_byte_order_mark_is_accepted(tmp_path, fixture_ontology, make_source):
    path = make_source(tmp_path / "bom.ttl", "bom", "")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [s.iri for s in load(ox.Store(), [path], fixture_ontology)] == [
        "https://w3id.org/danvan/id/source/bom"
    ]


def test_a_file_without_a_source_subject_is_rejected(tmp_path, fixture_ontology):
    path = tmp_path / "nosource.ttl"
    path.write_text('<https://w3id.org/danvan/id/document/x> <http://data.europa.eu/eli/ontology#id_local> "1" .\n')
    with pytest.raises(SourceContentError, match="describes no source"):
        load(ox.Store(), [path], fixture_ontology)


def test_a_file_with_two_source_subjects_is_rejected(tmp_path, fixture_ontology, make_source):
    path = make_source(tmp_path / "two.ttl", "first",
                       "<https://w3id.org/danvan/id/source/second> a dv:ReferenceSource .\n")
    with pytest.raises(SourceContentError, match="describes 2 sources"):
        load(ox.Store(), [path], fixture_ontology)


def test_source_class_is_any_subclass_or_equivalent_of_dv_source(tmp_path, fixture_ontology, make_source):
    # schema:NewsArticle is equivalent to dv:NewsArticleSource in the fixture ontology
    path = make_source(tmp_path / "eq.ttl", "eq", "", cls="schema:NewsArticle")
    assert load(ox.Store(), [path], fixture_ontology)[0].iri.endswith("/source/eq")


def test_the_same_source_in_two_files_is_rejected(tmp_path, fixture_ontology, make_source):
    one = make_source(tmp_path / "one.ttl", "same", "")
    two = make_source(tmp_path / "two.ttl", "same", "")
    with pytest.raises(SourceContentError) as caught:
        load(ox.Store(), [one, two], fixture_ontology)
    assert str(one) in str(caught.value) and str(two) in str(caught.value)


def test_nothing_is_written_when_any_file_fails(bad, fixture_sources, fixture_ontology):
    store = ox.Store()
    with pytest.raises(SourceSyntaxError):
        load(store, [*fixture_sources, bad / "syntax-error.ttl"], fixture_ontology)
    assert len(store) == 0


def test_a_missing_file_is_a_content_error(tmp_path, fixture_ontology):
    with pytest.raises(SourceContentError, match="cannot be read"):
        load(ox.Store(), [tmp_path / "absent.ttl"], fixture_ontology)


def test_base_iri_setting_moves_every_project_iri(monkeypatch, fixture_sources, fixture_ontology):
    monkeypatch.setenv("DANVAN_BASE_IRI", "http://example.org/kg/")
    store = ox.Store()
    sources = load(store, fixture_sources, fixture_ontology)
    assert sources[0] == LoadedSource("http://example.org/kg/id/source/a-news", str(fixture_sources[0]), 16)
    assert settings.ontology_graph() == "http://example.org/kg/graph/ontology"
    iris = {t.value for q in store for t in (q.subject, q.predicate, q.object, q.graph_name)
            if isinstance(t, ox.NamedNode)}
    assert not [i for i in iris if i.startswith(settings.CANONICAL_BASE)]
    assert "http://example.org/kg/ontology#replaces" in iris


def test_packaged_files_are_named_as_in_the_source_tree(tmp_path):
    from graph.load import Packaged

    (tmp_path / "x.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    packaged = Packaged(tmp_path / "x.ttl", "graph/sources")
    assert str(packaged) == "graph/sources/x.ttl"
    assert packaged.read_bytes() == b"<urn:a> <urn:b> <urn:c> .\n"
    with pytest.raises(SourceContentError) as caught:
        load(ox.Store(), [packaged], [])
    assert str(caught.value).startswith("graph/sources/x.ttl: ")
