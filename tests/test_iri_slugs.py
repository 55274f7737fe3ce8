"""The IRI rule of docs/sources.md, over every IRI of the built seed graph: ``{base}id/{kind}/{slug}``
with a documented kind and an ASCII slug (letters without marks, `đ` → `d`, everything else `-`), and the
per-kind shapes of the table (documents, posts, events, sources), plus the table's examples."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import settings

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/danvan/"
ID = BASE + "id/"
DV = BASE + "ontology#"
KINDS = {"document", "organization", "person", "post", "event", "source", "place", "role", "movement", "work",
         "connection-point", "document-type", "level", "attendee-group", "evidence"}
# lower-case ASCII letters and digits in runs joined by single hyphens (what the rule's "-" leaves)
WORDS = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG = re.compile(rf"^{WORDS}$")
# a national place or body names its parents after it, joined by "--" (docs/sources.md)
NESTED = re.compile(rf"^{WORDS}(?:--{WORDS})*$")
POST = re.compile(rf"^({WORDS})--({WORDS})--({WORDS}(?:--{WORDS})*)$")
GROUP = re.compile(rf"^{WORDS}(?:--{WORDS})+$")  # an attendee group: its event, then who
DATED_EVENT = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


def _slug_of(name: str) -> str:
    """The documented rule, written here: marks dropped, đ → d, lower case, anything else → '-'."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@pytest.fixture(scope="module")
def our_iris(store) -> set[str]:
    assert settings.base_iri() == BASE  # the session runs with the canonical base (tests/conftest.py)
    found = set()
    for q in store.quads_for_pattern(None, None, None, None):
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                found.add(term.value)
    assert len(found) > 100
    return found


def _entities(iris: set[str], kind: str) -> dict[str, str]:
    return {i: i[len(ID) + len(kind) + 1:] for i in iris if i.startswith(f"{ID}{kind}/")}


def _values(store, prop: str) -> dict[str, str]:
    return {q.subject.value: q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, None)}


def test_every_iri_is_ascii_and_follows_the_pattern(our_iris):
    bad = []
    for iri in sorted(our_iris):
        if not iri.isascii():
            bad.append(iri)
        elif iri.startswith(ID):
            kind, _, slug = iri[len(ID):].partition("/")
            ok = kind in KINDS and (POST.match(slug) if kind == "post" else GROUP.match(slug) if kind == "attendee-group"
                                    else NESTED.match(slug) if kind in ("place", "organization") else SLUG.match(slug))
            if not ok:
                bad.append(iri)
        elif not (iri.startswith(BASE + "graph/") or iri.startswith(BASE + "ontology")):
            bad.append(iri)
    assert bad == []


def test_the_slug_rule_itself():
    assert _slug_of("Đảng Cộng sản Việt Nam") == "dang-cong-san-viet-nam"
    assert _slug_of("Quận 5") == "quan-5"
    assert _slug_of("Trưởng ban") == "truong-ban"


def test_person_slugs_are_their_full_names(store, our_iris):
    names = _values(store, DV + "fullName")
    people = _entities(our_iris, "person")
    assert people
    for iri, slug in people.items():
        assert iri in names, iri
        assert slug == _slug_of(names[iri]), (iri, names[iri])


def test_post_slugs_name_holder_role_and_organization(store, our_iris):
    holder, role, within = (_values(store, DV + p) for p in ("holder", "role", "postIn"))
    posts = _entities(our_iris, "post")
    assert posts
    for iri, slug in posts.items():
        parts = tuple(POST.match(slug).groups())
        expected = tuple(v[v.rindex("/") + 1:] for v in (holder[iri], role[iri], within[iri]))
        assert parts == expected, iri


def test_document_slugs_start_with_type_number_and_level(store, our_iris):
    numbers, types, issued = (_values(store, DV + p) for p in ("documentNumber", "documentType", "dateIssued"))
    documents = _entities(our_iris, "document")
    # Party numbers ("23-QĐ/TW"); State ones ("1111/NQ-UBTVQH14") are written the other way round
    numbered = {i: s for i, s in documents.items() if i in numbers and "-" in numbers[i].split("/")[0]}
    assert len(numbered) >= 10
    for iri, slug in numbered.items():
        number = numbers[iri]  # "23-QĐ/TW": number, type notation / level notation
        head = f"{types[iri].rsplit('/', 1)[1]}-{_slug_of(number.split('-', 1)[0])}-{_slug_of(number.rsplit('/', 1)[1])}"
        assert slug == head or slug.startswith(head + "-"), (iri, number)
        year = issued.get(iri, "")[:4]
        if year:
            assert slug.endswith("-" + year), (iri, year)
        else:
            assert not re.search(r"-\d{4}$", slug), iri


def test_event_slugs_start_with_their_start_date(store, our_iris):
    starts = _values(store, DV + "startDate")
    events = _entities(our_iris, "event")
    assert any(DATED_EVENT.match(s) for s in events.values())
    for iri, slug in events.items():
        m = DATED_EVENT.match(slug)
        if m:
            assert starts.get(iri) == m.group(1), iri


def test_source_slugs(our_iris):
    sources = _entities(our_iris, "source")
    # the reference files, and the national reference data generated from its package (graph/national) when
    # the store has it (DANVAN_NATIONAL)
    references = {p.stem for p in (REPO / "graph" / "sources").glob("ref-*.ttl")}
    assert references and {s for s in sources.values() if s.startswith("ref-")} - {"ref-vietnamadminunits"} == references
    for slug in sources.values():
        assert slug.startswith("ref-") or re.fullmatch(r"\d{3}-[0-9a-f]{16}", slug), slug


def test_the_documented_examples_exist(our_iris):
    text = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    table = text[text.index("## IRIs"):]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ") and "`" in line]
    checked = 0
    for row in rows:
        kinds = {k.strip().replace(" ", "-") for k in row[1].split(",")}
        kinds = {"connection-point" if k == "connection-point" else k for k in kinds} & KINDS
        for example in re.findall(r"`([^`]+)`", row[3]):
            assert any(f"{ID}{k}/{example}" in our_iris for k in kinds), (kinds, example)
            checked += 1
    assert checked >= 12


def test_every_kind_resolves_and_evidence_is_a_source_slug_and_a_number():
    """The app serves the kinds this test knows (an evidence IRI included: it leads to its source's page),
    and an evidence slug, `{source slug}-{n}`, follows the slug rule."""
    from webapp.urls import KINDS as SERVED, LISTED_KINDS

    assert set(SERVED) == KINDS and set(LISTED_KINDS) == KINDS - {"evidence"}
    assert SLUG.match("005-ee1394817365fc8c-12")
