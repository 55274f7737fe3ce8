"""Named queries rewritten for Oxigraph's planner return what they returned before the rewrite, on a
synthetic graph made to hold every case they look for, on the seed graph and on a small graph of the
benchmarks' generator (bench/synthetic.py: every kind of conflict, replacement and based-on chains,
events at places; the seed graph's expectations are in test_named_queries.py).
``fixtures/NAME-before-rewrite.rq`` is the query as it was."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import load, named_queries, reason
from graph.store import fill_default_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BENCH = Path(__file__).resolve().parents[2] / "bench"
BEFORE = sorted(FIXTURES.glob("*-before-rewrite.rq"))

HEADER = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix d: <https://w3id.org/danvan/id/document/> .
@prefix o: <https://w3id.org/danvan/id/organization/> .
@prefix p: <https://w3id.org/danvan/id/person/> .
@prefix post: <https://w3id.org/danvan/id/post/> .
@prefix r: <https://w3id.org/danvan/id/role/> .
@prefix e: <https://w3id.org/danvan/id/event/> .
@prefix s: <https://w3id.org/danvan/id/source/> .
"""


def _source(n: int, entities: int) -> str:
    """Source ``n`` of three. Every ``k``-th entity gets a case: documents issued by different bodies
    in different sources; replaced documents with events dated after (and before) their end; people
    secretary of one body in one source and head of another in the next, over overlapping or
    disjoint attested dates, or undated."""
    lines = [HEADER, f's:syn-{n} a dv:NewsArticleSource ; dv:headline "Nguồn tổng hợp {n}"@vi ;'
                     f' dv:seedFile "{n:03d}_{n:016x}.txt" .']
    for i in range(entities):
        issuer = i % 5 if (i % 4 or n == 0) else (i + n) % 5
        day = f"20{10 + i % 10:02d}-0{1 + i % 9}-1{n}"
        lines.append(f'd:syn-{i} a dv:PartyDocument ; dv:documentNumber "{i}-QĐ/TU" ;'
                     f' dv:issuedBy o:syn-{issuer} ; dv:dateIssued "{day}"^^xsd:date .')
        if i % 6 == 0 and i and n == 1:
            lines.append(f"d:syn-{i} dv:replaces d:syn-{i - 1} .")
        if i % 3 == 0 and n == 2:  # every other one on a replaced document
            lines.append(f'e:syn-{i} a dv:Conference ; skos:prefLabel "Hội nghị {i}"@vi ;'
                         f' dv:startDate "20{10 + (i * 7) % 12:02d}-06-01"^^xsd:date ; dv:disseminates d:syn-{i - 1 if i % 6 == 0 else i} .')
        role, org = ("bi-thu", i % 5) if n % 2 == 0 else ("truong-ban", (i + 1) % 5)
        dates = "" if i % 7 == 0 else f' ; dv:attestedOn "20{10 + (i * (n + 1)) % 12:02d}-03-0{1 + n}"^^xsd:date'
        if i % 5 == 1:
            dates += f' ; dv:attestedOn "20{15 + n:02d}-01-01"^^xsd:date'
        lines.append(f"post:syn-{i}--{role}--{org}--{n} a dv:Post ; dv:holder p:syn-{i % 40} ;"
                     f" dv:role r:{role} ; dv:postIn o:syn-{org}{dates} .")
    for o in range(5 + entities // 4):  # 5 that documents and posts name, more below them
        lines.append(f'o:syn-{o} a dv:PartyCommittee ; skos:prefLabel "Tổ chức {o % 17}"@vi'
                     + (f" ; dv:subOrganizationOf o:syn-{o // 2} ." if o else " ."))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> ox.Store:
    folder = tmp_path_factory.mktemp("rewrites")
    paths = []
    for n in range(3):
        path = folder / f"syn-{n}.ttl"
        path.write_text(_source(n, 120), encoding="utf-8")
        paths.append(path)
    store = ox.Store()
    load.load(store, sources=paths)
    reason.materialize(store)
    fill_default_graph(store)
    return store


def _rows(store: ox.Store, text: str, name: str, params: dict | None = None) -> list[tuple]:
    """The rows as the web page and the CLI get them: the planned text (a VALUES block for the
    parameters) with the parameters substituted."""
    query = named_queries.parse(text, name)  # its own parameters: a text before a rewrite may have fewer
    bindings = named_queries.bind(query, params or {})
    planned = named_queries.planned(query, bindings)
    solutions = named_queries.run(store, planned, bindings)
    names = [v.value for v in solutions.variables]
    return [tuple(str(s[n]) if s[n] is not None else None for n in names) for s in solutions]


def test_every_rewritten_query_keeps_its_previous_text_here():
    assert [p.name.removesuffix("-before-rewrite.rq") for p in BEFORE] == [
        "conflicts", "documents-by-type-and-year", "events-by-place-and-year", "in-force-on",
        "local-based-on-replaced", "organization-hierarchy", "replacement-chain"]


def _same(store: ox.Store, before: Path, params: dict | None = None, least: int = 1) -> None:
    name = before.name.removesuffix("-before-rewrite.rq")
    params = dict(params or {})
    old = _rows(store, before.read_text(encoding="utf-8"), name, params)
    if name == "organization-hierarchy":
        # it lists one subtree now (the whole list before): the old rows of the organizations below a top
        # one, with that one as a first column
        top = params.setdefault("root", TOPS[0] if _has(store, TOPS[0]) else TOPS[1])
        below = {str(ox.NamedNode(iri)) for iri in _below(store, top)}
        old = [(str(ox.NamedNode(top)), *row) for row in old if row[0] in below]
    new = _rows(store, named_queries.get(name).text, name, params)
    assert len(old) >= least
    # the same rows; in the same order as far as ORDER BY decides it (ties come in the engine's order)
    assert sorted(new, key=_sortable) == sorted(old, key=_sortable)
    assert [_order_key(name, r) for r in new] == [_order_key(name, r) for r in old]


TOPS = ("https://w3id.org/danvan/id/organization/syn-0", "https://w3id.org/danvan/id/organization/ban-chap-hanh-trung-uong")
SUB = ox.NamedNode("https://w3id.org/danvan/ontology#subOrganizationOf")


def _has(store: ox.Store, iri: str) -> bool:
    return next(store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None


def _below(store: ox.Store, top: str) -> set[str]:
    """``top`` and every organization under it, walked in Python (not by the path the query uses)."""
    found, todo = {top}, [top]
    while todo:
        for q in store.quads_for_pattern(None, SUB, ox.NamedNode(todo.pop()), ox.DefaultGraph()):
            if q.subject.value not in found:
                found.add(q.subject.value)
                todo.append(q.subject.value)
    return found


def _sortable(row: tuple) -> tuple:
    return tuple("" if v is None else v for v in row)


# the cases each query looks for, made by _source (not every query finds some there)
HAND_MADE = {"conflicts": 10, "events-by-place-and-year": 10, "organization-hierarchy": 10}


@pytest.mark.parametrize("before", BEFORE, ids=lambda p: p.name.removesuffix("-before-rewrite.rq"))
def test_the_rewrite_returns_the_same_rows_in_the_same_order(synthetic, before):
    _same(synthetic, before, least=HAND_MADE.get(before.name.removesuffix("-before-rewrite.rq"), 0))


@pytest.mark.parametrize("before", BEFORE, ids=lambda p: p.name.removesuffix("-before-rewrite.rq"))
def test_the_rewrite_answers_as_before_on_the_seed_graph(seed, before):
    _same(seed, before)


@pytest.mark.parametrize("before", BEFORE, ids=lambda p: p.name.removesuffix("-before-rewrite.rq"))
def test_the_rewrite_answers_as_before_on_the_generated_graph(generated, before):
    store, manifest = generated
    name = before.name.removesuffix("-before-rewrite.rq")
    params = {"document": manifest["samples"]["replaced_document"]} if name == "replacement-chain" else {}
    # (at this size the generator injects no conflict: the hand-made graph above holds every kind)
    _same(store, before, params, least=0 if name == "conflicts" else 1)


ORDER_COLUMNS = {"conflicts": (0, 1, 4, 6),  # ?kind ?subject ?source ?otherSource
                 "documents-by-type-and-year": (0, 2),  # ?notation ?year
                 "events-by-place-and-year": (1, 2, 4),  # ?placeLabel ?year ?eventLabel
                 "in-force-on": (3, 2),  # ?from ?number
                 "local-based-on-replaced": (1,),  # ?localNumber
                 "organization-hierarchy": (4, 2),  # ?parentLabel ?label
                 "replacement-chain": (4,)}  # ?date


def _order_key(name: str, row: tuple) -> tuple:
    return tuple(row[i] for i in ORDER_COLUMNS[name])


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[ox.Store, dict]:
    """About 20,000 triples of the benchmarks' generator (on its fallback map) with the packaged
    sources it builds on, reasoned as a build reasons; and its manifest."""
    sys.path.insert(0, str(BENCH))
    try:
        import synthetic
    finally:
        sys.path.remove(str(BENCH))
    folder = tmp_path_factory.mktemp("generated")
    manifest = synthetic.generate(folder, 20_000)
    store = ox.Store()
    load.load(store, sources=[*load.default_sources(), *sorted(folder.glob("*.ttl"))])
    reason.materialize(store)
    fill_default_graph(store)
    return store, manifest


@pytest.fixture(scope="module")
def seed() -> ox.Store:
    store = ox.Store()
    load.load(store)
    reason.materialize(store)
    fill_default_graph(store)
    return store


@pytest.mark.parametrize("name", sorted(named_queries.all_queries()))
def test_the_planned_text_answers_as_the_substituted_one(seed, name):
    """named_queries.planned adds a VALUES block for the planner: the answers stay those of the
    substitutions alone, on the seed graph with each query's defaults."""
    query = named_queries.get(name)
    bindings = named_queries.bind(query, {})
    plain = [tuple(map(str, s)) for s in named_queries.run(seed, query.text, bindings)]
    planned = [tuple(map(str, s)) for s in named_queries.run(seed, named_queries.planned(query, bindings), bindings)]
    assert sorted(planned) == sorted(plain)
    if bindings:
        assert "VALUES" in named_queries.planned(query, bindings)
