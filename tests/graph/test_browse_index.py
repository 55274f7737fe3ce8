"""The browse index (graph.browse_index): written by the build beside the store, it lists what the
browse pages listed when they scanned the store on every request — the same entities of each kind, in
the same Vietnamese order, with the same facet counts — on the seed graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import browse_index
from graph.browse_index import BrowseIndex
from graph.store import live_build_dir
from webapp import describe
from webapp.browse import ORDER, _kind_pattern, display_names, facets_for
from webapp.collation import vi_key


@pytest.fixture(scope="module")
def index(store_dir) -> BrowseIndex:
    return BrowseIndex.for_build(live_build_dir(store_dir))


def _scanned(store: ox.Store, kind: str, lang: str) -> list[tuple[str, str]]:
    """(IRI, name) of a kind's entities as the pages computed them per request before the index."""
    iris = [r["s"].value for r in store.query(f"SELECT DISTINCT ?s WHERE {{ {_kind_pattern(kind)} }}")]
    names = display_names(store, kind, iris, lang)
    return sorted(((i, names[i]) for i in iris), key=lambda row: vi_key(row[1]))


def test_the_build_writes_the_index_beside_the_store(store_dir):
    assert (live_build_dir(store_dir) / browse_index.FILENAME).is_file()
    assert not (live_build_dir(store_dir) / (browse_index.FILENAME + ".tmp")).exists()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", ORDER)
def test_every_kind_is_listed_as_the_store_scan_listed_it(store, index, kind, lang):
    expected = _scanned(store, kind, lang)
    total = index.total(kind, [])
    assert total == len(expected) == index.counts().get(kind, 0)
    listed = [(iri, name) for iri, name, _date in index.page(kind, [], lang, 0, total + 1)]
    assert [name for _i, name in listed] == [name for _i, name in expected]
    assert sorted(listed) == sorted(expected)


def test_pages_are_slices_of_the_order(index):
    whole = index.page("person", [], "vi", 0, 1000)
    assert len(whole) > 6
    assert index.page("person", [], "vi", 3, 3) == whole[3:6]
    assert index.page("person", [], "vi", len(whole), 3) == []


@pytest.mark.parametrize("kind", ["document", "organization", "event", "source"])
def test_facet_counts_are_the_store_scan_counts(store, index, kind):
    for facet in facets_for(kind):
        q = (f"SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_kind_pattern(kind)} {facet.sparql('?v')} }} "
             "GROUP BY ?v")
        expected = {r["v"].value: int(r["n"].value) for r in store.query(q) if r["v"] is not None}
        got = {value: n for value, _name, n in index.facet_counts(kind, facet.name, [], "vi", 10_000)}
        assert got == expected, facet.name


def test_counts_under_a_filter_are_the_store_scan_counts(store, index):
    facets = {f.name: f for f in facets_for("document")}
    qd = "https://w3id.org/danvan/id/document-type/qd"
    q = (f"SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_kind_pattern('document')} "
         f"{facets['type'].sparql('?t')} VALUES ?t {{ <{qd}> }} {facets['year'].sparql('?v')} }} GROUP BY ?v")
    expected = {r["v"].value: int(r["n"].value) for r in store.query(q)}
    assert expected
    got = {value: n for value, _name, n in index.facet_counts("document", "year", [("type", qd)], "vi", 10_000)}
    assert got == expected
    assert index.total("document", [("type", qd)]) == len(
        list(store.query(f"SELECT DISTINCT ?s WHERE {{ ?s <https://w3id.org/danvan/ontology#documentType> <{qd}> }}")))


def test_a_facet_keeps_its_most_frequent_values_and_the_chosen_one(index):
    rows = index.facet_counts("document", "issuer", [], "vi", 10_000)
    assert len(rows) > 2
    top = index.facet_counts("document", "issuer", [], "vi", 1)
    assert top[0][2] == max(n for _v, _name, n in rows)
    rarest = min(rows, key=lambda r: r[2])[0]
    assert [r[0] for r in index.facet_counts("document", "issuer", [], "vi", 1, rarest)][-1] == rarest


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_labels_by_scan_are_the_labels_by_lookup(store, monkeypatch, lang):
    iris = {r["s"].value for r in store.query("SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(isIRI(?s)) }")}
    one_by_one = describe.labels(store, iris, lang)
    monkeypatch.setattr(describe, "BULK_LABELS", 0)
    assert describe.labels(store, iris, lang) == one_by_one
    assert len(one_by_one) > 50
