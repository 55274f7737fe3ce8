"""A candidate source: the facts read from one article, each with its evidence, written as Turtle in the
form of ``graph/sources/*.ttl`` (see docs/ingest.md).

Every fact other than the source's own description gets one ``dv:Evidence`` node: the triple it supports
(``rdf:subject``/``rdf:predicate``/``rdf:object``), the paragraph and the code-point offsets of the words
that state it, a confidence, and for a fact that introduces a linked entity the link's score and the
other IRIs it could have been.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from graph import settings
from graph.ingest.article import Article, Span
from graph.ingest.gazetteer import Link

BASE = settings.CANONICAL_BASE  # written canonical; the loader moves IRIs to DANVAN_BASE_IRI
ID = BASE + "id/"
DV = BASE + "ontology#"
SCHEMA = "https://schema.org/"
PREFIXES = {"dv": DV, "o": ID + "organization/", "p": ID + "person/", "post": ID + "post/", "r": ID + "role/",
            "d": ID + "document/", "dt": ID + "document-type/", "e": ID + "event/", "pl": ID + "place/",
            "s": ID + "source/", "m": ID + "movement/", "cp": ID + "connection-point/", "ev": ID + "evidence/",
            "skos": str(SKOS), "xsd": str(XSD), "schema": SCHEMA, "rdf": str(RDF)}


def dv(name: str) -> URIRef:
    return URIRef(DV + name)


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


# one value per subject (per language for text) within a source, as ontology/shapes.ttl requires
FUNCTIONAL = {dv(n) for n in ("fullName", "title", "documentNumber", "documentType", "issuedBy", "dateIssued",
                              "issuedMonthDay", "startDate", "startMonthDay", "location", "attendeeCount",
                              "pointLocation", "grassrootsConnectionPointCount", "holder", "role", "postIn",
                              "partOfDay")} | {SKOS.prefLabel}


@dataclass
class Evidence:
    span: Span
    confidence: float
    link: Link | None = None


@dataclass
class Candidate:
    article: Article
    source: URIRef
    source_slug: str
    meta: list[tuple] = field(default_factory=list)  # the source's own triples, no evidence
    facts: dict[tuple, Evidence] = field(default_factory=dict)  # insertion-ordered
    _slots: set = field(default_factory=set)

    def describe(self, p: URIRef, o) -> None:
        self.meta.append((self.source, p, o))

    def add(self, s, p, o, span: Span, confidence: float, link: Link | None = None) -> None:
        """State ``(s, p, o)``; the first evidence for a triple is kept (it is its earliest mention). A property
        with one value per source (a name, a number, a date…) keeps its first value: a second, different one
        would break the source's shapes, and the first mention is the one the article introduces."""
        key = (s, p, o)
        if key in self.facts:
            return
        if p in FUNCTIONAL:
            lang = getattr(o, "language", None)
            slot = (s, p, lang)
            if slot in self._slots:
                return
            self._slots.add(slot)
        self.facts[key] = Evidence(span, confidence, link)

    def graph(self) -> Graph:
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        for t in self.meta:
            g.add(t)
        for n, ((s, p, o), ev) in enumerate(self.facts.items(), start=1):
            g.add((s, p, o))
            node = URIRef(f"{ID}evidence/{self.source_slug}-{n}")
            g.add((node, RDF.type, dv("Evidence")))
            g.add((node, dv("evidenceFor"), self.source))
            g.add((node, RDF.subject, s))
            g.add((node, RDF.predicate, p))
            g.add((node, RDF.object, o))
            g.add((node, dv("paragraph"), Literal(self.article.paragraph_of(ev.span.start))))
            g.add((node, dv("charStart"), Literal(ev.span.start)))
            g.add((node, dv("charEnd"), Literal(ev.span.end)))
            g.add((node, dv("confidence"), Literal(Decimal(f"{ev.confidence:.2f}"), datatype=XSD.decimal)))
            if ev.link is not None:
                g.add((node, dv("linkScore"), Literal(Decimal(f"{ev.link.score:.2f}"), datatype=XSD.decimal)))
                for alt in ev.link.alternatives:
                    g.add((node, dv("linkAlternative"), URIRef(alt)))
        return g

    def turtle(self) -> str:
        header = ("# Candidate source read by `danvan ingest` from an article (SHA-256 of its NFC text in\n"
                  "# dv:articleSha256). Every fact has a dv:Evidence node: paragraph, code-point offsets, confidence.\n"
                  "# Review it before it joins graph/sources/ (docs/ingest.md).\n")
        return header + self.graph().serialize(format="turtle")
