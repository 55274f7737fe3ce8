"""Facts by type, read the same way from a curated source and from a candidate, to measure extraction by
precision and recall (bench/bench_ingest.py, tests/ingest). Keys are what a reviewer would compare:
documents by number (else their IRI's slug), people by name (folded: the article may drop diacritics),
posts by (name, role, organization), events by (class, date), organizations by slug, dates by value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph.ingest.article import fold
from graph.ingest.candidate import DV, ID

TYPES = ("documents", "relations", "people", "posts", "events", "organizations", "dates")
_RELATIONS = ("replaces", "basedOn", "concretizes")
_DATES = ("dateIssued", "startDate", "startMonthDay", "issuedMonthDay")


def _local(node) -> str:
    return str(node).rsplit("/", 1)[-1]


def _kind(node) -> str | None:
    s = str(node)
    return s[len(ID):].split("/", 1)[0] if s.startswith(ID) else None


def facts_of(g: Graph) -> dict[str, set]:
    """The keyed facts of one source's graph (curated or candidate)."""
    dv = lambda n: URIRef(DV + n)  # noqa: E731
    def doc_key(d):
        number = g.value(d, dv("documentNumber"))
        return DocKey(str(number) if number is not None else None, _local(d))
    def name(p):
        n = g.value(p, dv("fullName"))
        return fold(str(n)) if n is not None else _local(p)
    subjects = set(g.subjects(RDF.type, None))
    out = {t: set() for t in TYPES}
    for s in subjects:
        kind = _kind(s)
        if kind == "document" and (g.value(s, dv("documentNumber")) is not None or g.value(s, dv("title")) is not None):
            out["documents"].add(doc_key(s))
        elif kind == "person":
            out["people"].add(name(s))
        elif kind == "organization":
            out["organizations"].add(_local(s))
        elif kind == "post":
            holder, role, org = g.value(s, dv("holder")), g.value(s, dv("role")), g.value(s, dv("postIn"))
            if holder is not None and role is not None and org is not None:
                out["posts"].add((name(holder), _local(role), _local(org)))
        elif kind == "event":
            date = g.value(s, dv("startDate")) or g.value(s, dv("startMonthDay"))
            cls = next((_local(c).rsplit("#", 1)[-1] for c in g.objects(s, RDF.type)), "")
            out["events"].add((cls, str(date) if date is not None else ""))
    for prop in _RELATIONS:
        for a, b in g.subject_objects(dv(prop)):
            out["relations"].add((doc_key(a), prop, doc_key(b)))
    for prop in _DATES:
        for _, v in g.subject_objects(dv(prop)):
            out["dates"].add(str(v))
    return out


@dataclass(frozen=True)
class DocKey:
    """A document is the same when the numbers agree, or (one side without a number) the IRIs' slugs do."""
    number: str | None
    slug: str

    def same(self, other: "DocKey") -> bool:
        if self.number and other.number:
            return self.number == other.number
        return self.slug == other.slug

    def __str__(self) -> str:
        return self.number or self.slug


def _doc(text: str) -> DocKey:
    """A corpus file names a document by its number, or by its slug when it has none (no "/" in it)."""
    return DocKey(text, "") if "/" in text else DocKey(None, text)


def _same(a, b) -> bool:
    if isinstance(a, DocKey):
        return isinstance(b, DocKey) and a.same(b)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b))
    return a == b


def matches(found: set, gold: set) -> tuple[set, set, set]:
    """(right, wrong, missed): each gold fact matched at most once."""
    left = set(gold)
    right = set()
    for f in sorted(found, key=str):
        hit = next((g for g in sorted(left, key=str) if _same(f, g)), None)
        if hit is not None:
            left.discard(hit)
            right.add(f)
    return right, set(found) - right, left


def expected_facts(expected: dict) -> dict[str, set]:
    """The same keys from a corpus file's ``expected`` block."""
    return {
        "documents": {_doc(d) for d in expected.get("documents", [])},
        "relations": {(_doc(a), p, _doc(b)) for a, p, b in expected.get("relations", [])},
        "people": {fold(n) for n in expected.get("people", [])},
        "posts": {(fold(n), r, o) for n, r, o in expected.get("posts", [])},
        "events": {tuple(e) for e in expected.get("events", [])},
        "organizations": set(expected.get("organizations", [])),
        "dates": set(expected.get("dates", [])),
    }


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, found: set, gold: set) -> None:
        right, wrong, missed = matches(found, gold)
        self.tp += len(right)
        self.fp += len(wrong)
        self.fn += len(missed)


def score(pairs: Iterable[tuple[dict, dict]]) -> dict[str, Score]:
    """Per type, summed over (found, gold) pairs of keyed facts."""
    totals = {t: Score() for t in TYPES}
    for found, gold in pairs:
        for t in TYPES:
            totals[t].add(found[t], gold[t])
    return totals
