"""What the graph already holds, indexed for linking: every entity's labels (prefLabel, altLabel, full
name, document number), its classes, and the document numbers, read from the curated sources (or any
other set of source files, e.g. a built store's inputs); and the national reference data's places and
bodies (:mod:`graph.ingest.national`), which the pipeline looks up by unit rather than by label.

Linking is by folded label (lower case, no marks): one entity with that label is a link (score 1.0 when
the label matches with its diacritics, 0.9 when only folded); several are ambiguous, and the caller mints
a new IRI and lists them as alternatives — never a silent merge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from graph import resources, settings
from graph import terms as ox
from graph.ingest.article import fold
from graph.ingest.national import NationalIndex, national_index
from graph.load import Packaged, parse_file

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = {SKOS + "prefLabel", SKOS + "altLabel"}


def slug(name: str) -> str:
    """The project's slug rule (docs/sources.md): marks dropped, đ → d, lower case, anything else '-'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


@dataclass(frozen=True)
class Link:
    iri: str | None  # None: nothing in the graph; mint
    score: float
    alternatives: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # folded label → IRIs
    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # NFC label → IRIs
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    numbers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # documentNumber → IRIs
    iris: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # IRI → its Vietnamese prefLabel or full name
    doc_types: dict[str, str] = field(default_factory=dict)  # document IRI → type slug
    titles: dict[str, str] = field(default_factory=dict)  # document IRI → its Vietnamese title
    plenums: dict[str, int] = field(default_factory=dict)  # document IRI → the Central Committee plenum adopting it
    terms: dict[str, str] = field(default_factory=dict)  # document IRI → the Party term (congress) it belongs to
    national: NationalIndex | None = None  # the national reference data's places and bodies (DANVAN_NATIONAL)

    @property
    def id_base(self) -> str:
        return settings.CANONICAL_BASE + "id/"

    def add(self, triples: Iterable[ox.Triple]) -> None:
        dv = settings.CANONICAL_BASE + "ontology#"
        base = settings.base_iri()
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s = t.subject.value
            if base != settings.CANONICAL_BASE and s.startswith(base):  # the loader moved it: move it back
                s = settings.CANONICAL_BASE + s[len(base):]
            if not s.startswith(self.id_base):
                continue
            self.iris.add(s)
            p, o = t.predicate.value, t.object
            if p == RDF_TYPE and isinstance(o, ox.NamedNode):
                self.types[s].add(o.value.rsplit("#", 1)[-1])
            elif isinstance(o, ox.Literal) and (p in _LABELS or p == dv + "fullName"):
                self.labels[fold(o.value)].add(s)
                self.exact[o.value].add(s)
                if p != SKOS + "altLabel" and o.language == "vi":
                    self.names.setdefault(s, o.value)
            elif p == dv + "documentNumber" and isinstance(o, ox.Literal):
                self.numbers[o.value].add(s)
            elif p == dv + "documentType" and isinstance(o, ox.NamedNode):
                self.doc_types[s] = o.value.rsplit("/", 1)[-1]
            elif p == dv + "adoptedAtPlenum" and isinstance(o, ox.Literal) and o.value.isdigit():
                self.plenums[s] = int(o.value)
            elif p == dv + "partyTerm" and isinstance(o, ox.Literal):
                self.terms[s] = o.value.upper()
            elif p == dv + "title" and isinstance(o, ox.Literal) and o.language == "vi":
                # not a label: documents share titles ("Quy chế công tác dân vận của hệ thống chính trị" is
                # the title of 290-QĐ/TW, 23-QĐ/TW and the provinces' rules alike)
                self.titles.setdefault(s, o.value)

    def resolution(self, term: str, plenum: int | None) -> str | None:
        """The one resolution the graph holds of that Party term adopted at that plenum (``None``: the
        congress's own resolution); None when it holds none or several."""
        found = [i for i, t in self.terms.items() if t == term and self.plenums.get(i) == plenum
                 and self.doc_types.get(i) == "nq"]
        return found[0] if len(found) == 1 else None

    def news_organization(self, name: str) -> Link:
        """A news organization by its name or by the initials it signs with ("TTXVN" = Thông tấn xã Việt
        Nam, "SGGP" = Báo Sài Gòn Giải Phóng; "SGGPO", its online edition, the same)."""
        link = self.lookup(name, "organization", {"NewsOrganization"})
        if link.iri or link.alternatives:
            return link
        key = fold(name).replace(" ", "").replace(".", "")
        hits = {i for i in self.of_class("NewsOrganization")
                if key in {_initials(n) for n in self.label_of(i)} | {_initials(n) + "o" for n in self.label_of(i)}}
        if len(hits) == 1:
            return Link(hits.pop(), 0.9)
        return Link(None, 0.0, tuple(sorted(hits)))

    def kind(self, iri: str) -> str:
        return iri[len(self.id_base):].split("/", 1)[0]

    def lookup(self, label: str, kind: str, classes: set[str] | None = None) -> Link:
        """Entities of ``kind`` (the IRI path segment: organization, person, place…) labelled ``label``."""
        def keep(iris: set[str]) -> set[str]:
            return {i for i in iris if self.kind(i) == kind and (not classes or self.types[i] & classes)}

        exact = keep(self.exact.get(label, set()))
        folded = keep(self.labels.get(fold(label), set()))
        if len(exact) == 1 and len(folded) <= 1:
            return Link(next(iter(exact)), 1.0)
        if len(folded) == 1:
            return Link(next(iter(folded)), 0.9)
        if len(folded) > 1:
            return Link(None, round(1 / len(folded), 2), tuple(sorted(folded)))
        return Link(None, 0.0)

    def by_slug(self, kind: str, slug_: str) -> str | None:
        iri = f"{self.id_base}{kind}/{slug_}"
        if iri in self.iris:
            return iri
        if self.national is not None and kind == "place" and slug_ in self.national.by_slug:
            return iri
        return None

    def knows_place(self, name: str) -> bool:
        """Whether a place of the graph or of the national data is called ``name`` (with or without its
        type word: "Lý Nhân", "Huyện Lý Nhân")."""
        return bool(self.by_slug("place", slug(name))) or (self.national is not None and self.national.knows(name))

    def of_class(self, cls: str) -> list[str]:
        return sorted(i for i, t in self.types.items() if cls in t)

    def label_of(self, iri: str) -> list[str]:
        return [label for label, iris in self.exact.items() if iri in iris]


def _initials(name: str) -> str:
    """"Thông tấn xã Việt Nam" → "ttxvn"; a newspaper's "Báo" is not part of its initials."""
    words = fold(name).split()
    if words and words[0] == "bao":
        words = words[1:]
    return "".join(w[0] for w in words if w[0].isalnum())


def from_files(paths: Iterable) -> Gazetteer:
    """The entities of ``paths`` and the national reference data under the current DANVAN_NATIONAL."""
    g = Gazetteer(national=national_index())
    for path in paths:
        g.add(parse_file(path))
    return g


def packaged() -> Gazetteer:
    """The curated sources shipped with the package and the national reference data: the graph `danvan
    build` builds by default."""
    return _packaged(national_index())


@lru_cache(maxsize=4)
def _packaged(national: NationalIndex | None) -> Gazetteer:
    g = from_files(Packaged(p, "graph/sources") for p in resources.source_files())
    g.national = national
    return g
