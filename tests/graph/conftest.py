"""Fixtures for the pipeline tests: the small fixture ontology/sources, a synthetic graph, the real files."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]

DV = "https://w3id.org/danvan/ontology#"
ID = "https://w3id.org/danvan/id/"
ELI = "http://data.europa.eu/eli/ontology#"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture
def fixture_ontology() -> list[Path]:
    return [FIXTURES / "ontology" / "mini.ttl"]


@pytest.fixture
def fixture_sources() -> list[Path]:
    return sorted((FIXTURES / "sources").glob("*.ttl"))


@pytest.fixture
def fixture_shapes() -> Path:
    return FIXTURES / "shapes.ttl"


@pytest.fixture
def bad() -> Path:
    return FIXTURES / "bad"


@pytest.fixture
def loaded_store(fixture_sources, fixture_ontology):
    """An in-memory store with the fixture ontology and sources loaded (not reasoned)."""
    from graph.load import load

    store = ox.Store()
    sources = load(store, fixture_sources, fixture_ontology)
    return store, sources


def source_file(path: Path, slug: str, body: str, cls: str = "dv:NewsArticleSource", headline: bool = True) -> Path:
    """Write a source file with the usual prefixes and its source subject."""
    head = f' ;\n    schema:headline "Tin {slug}"@vi' if headline else ""
    path.write_text(
        "@prefix dv: <https://w3id.org/danvan/ontology#> .\n"
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix doc: <https://w3id.org/danvan/id/document/> .\n"
        "@prefix org: <https://w3id.org/danvan/id/organization/> .\n\n"
        f"<https://w3id.org/danvan/id/source/{slug}> a {cls}{head} .\n\n" + body,
        encoding="utf-8",
    )
    return path


def write_synthetic(folder: Path, seed: int = 7, documents: int = 180, organizations: int = 70, files: int = 5) -> list[Path]:
    """A random graph over the fixture ontology: every axiom kind, replacement chains, cycles, blank nodes."""
    rng = random.Random(seed)
    lines: list[list[str]] = [[] for _ in range(files)]

    def say(line: str) -> None:
        lines[rng.randrange(files)].append(line)

    def date() -> str:
        return f'"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date'

    docs = [f"doc:d{i}" for i in range(documents)]
    orgs = [f"org:o{i}" for i in range(organizations)]
    for d in docs:
        kind = rng.random()
        if kind < 0.3:
            say(f"{d} a dv:PartyDocument .")
        elif kind < 0.45:
            say(f"{d} a eli:LegalResource .")
        elif kind < 0.55:
            say(f"{d} a dv:Document .")
        r = rng.random()
        if r < 0.6:
            say(f"{d} eli:date_document {date()} .")
        if r < 0.25:
            say(f"{d} dv:inForceFrom {date()} .")
        elif r < 0.35:
            say(f"{d} eli:first_date_entry_in_force {date()} .")
        if rng.random() < 0.1:
            say(f"{d} eli:date_no_longer_in_force {date()} .")
        if rng.random() < 0.7:
            say(f"{d} dv:issuedBy {rng.choice(orgs)} .")
        if rng.random() < 0.3:
            say(f'{d} dv:documentType <{ID}document-type/qd> ; eli:id_local "{rng.randint(1, 999)}-QĐ/TU" .')
    for _ in range(documents // 2):  # replacements, stated in each of the ways a source may state them
        new, old = rng.sample(docs, 2)
        say(rng.choice([f"{new} dv:replaces {old} .", f"{old} dv:replacedBy {new} .",
                        f"{old} eli:repealed_by {new} .", f"{old} dct:isReplacedBy {new} .",
                        f"{new} eli:repeals {old} ."]))
    for i, o in enumerate(orgs[1:], start=1):  # a forest, chains up to a few levels deep
        if rng.random() < 0.85:
            say(f"{o} dv:subOrganizationOf {orgs[rng.randrange(i)]} .")
        if rng.random() < 0.1:
            say(f"{o} a dv:PartyCommittee .")
    say(f"{orgs[3]} dv:subOrganizationOf {orgs[5]} . {orgs[5]} dv:subOrganizationOf {orgs[3]} .")  # a cycle
    for _ in range(documents // 3):
        say(f"{rng.choice(docs + orgs)} dv:relatedTo {rng.choice(docs + orgs)} .")
    for i in range(10):
        say(f'{rng.choice(docs)} dv:relatedTo [ a dv:PartyDocument ; eli:id_local "phụ lục {i}" ; dv:replaces {rng.choice(docs)} ] .')
    return [source_file(folder / f"synthetic-{n}.ttl", f"synthetic-{n}", "\n".join(body) + "\n")
            for n, body in enumerate(lines)]


@pytest.fixture
def real_files():
    """The project's own ontology, shapes and sources (packaged if installed, else from the checkout)."""
    try:
        from graph import resources

        ontology, shapes, sources = resources.ontology_files(), resources.shapes_file(), resources.source_files()
    except ModuleNotFoundError:
        ontology = [p for p in sorted((REPO / "ontology").glob("*.ttl")) if p.name != "shapes.ttl"]
        shapes, sources = REPO / "ontology" / "shapes.ttl", sorted((REPO / "graph" / "sources").glob("*.ttl"))
    sources = list(sources)
    # The data ship with the package: an empty list is a broken install or checkout, not a reason to skip.
    assert ontology and sources and shapes.is_file(), (
        f"the project's data are missing: ontology={ontology!r}, sources={sources!r}, shapes={shapes!r}")
    return ontology, shapes, sources


@pytest.fixture
def make_source():
    """``make_source(path, slug, body, cls=..., headline=True)`` writes a source file (see source_file)."""
    return source_file


@pytest.fixture
def synthetic():
    """``synthetic(folder, seed=7, ...)`` writes a random graph's source files (see write_synthetic)."""
    return write_synthetic
