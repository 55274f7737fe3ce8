"""A candidate source (what ``danvan ingest`` writes) read into facts with their evidence, and the
reviewed source made from it by a reviewer's decisions.

A *fact* is a triple that an evidence node (``dv:Evidence`` with ``rdf:subject/predicate/object``) points
at; everything else in the file is the source node, the evidence nodes themselves, or *support*: the
types, names and structure of the entities the facts mention. The reviewed source keeps the source node,
the accepted facts (edited, re-linked), their evidence nodes, and the support of every entity that an
accepted fact (or the source node) still mentions — so rejecting the only fact about a new person drops
that person too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from graph import settings
from graph import terms as ox
from graph.errors import SourceContentError
from graph.load import PathLike, parse_file

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "rdf": RDF, "xsd": XSD, "skos": "http://www.w3.org/2004/02/skos/core#", "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
}
_KIND_PREFIXES = {"organization": "o", "person": "p", "post": "post", "role": "r", "document": "d",
                  "document-type": "dt", "level": "lv", "event": "e", "place": "pl", "source": "s", "work": "w",
                  "movement": "m", "connection-point": "cp", "attendee-group": "ag", "evidence": "ev"}


def dv(local: str) -> str:
    return settings.ontology_namespace() + local


def prefixes() -> dict[str, str]:
    base = settings.base_iri() + "id/"
    return {"dv": settings.ontology_namespace(), **PREFIXES,
            **{short: f"{base}{kind}/" for kind, short in _KIND_PREFIXES.items()}}


@dataclass
class Evidence:
    iri: str
    paragraph: int | None
    start: int | None
    end: int | None
    confidence: float | None
    link_score: float | None
    alternatives: list[str]


@dataclass
class Fact:
    """One candidate triple and the evidence for it (one node per place the article states it)."""

    key: str  # stable across page loads: a hash of the triple as the candidate states it
    triple: ox.Triple
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        values = [e.confidence for e in self.evidence if e.confidence is not None]
        return max(values) if values else None


@dataclass
class Candidate:
    source: str  # the source node's IRI
    slug: str
    triples: list[ox.Triple]
    facts: list[Fact]
    evidence_nodes: set[str]
    sha256: str  # of the candidate file's bytes: which candidate a reviewed source came from
    article_sha256: str | None

    def link_choices(self) -> dict[str, list[tuple[str, float | None]]]:
        """Each linked entity (an IRI object of a fact whose evidence offers alternatives) → the
        alternatives offered, with the best score the linker gave the entity itself."""
        out: dict[str, list[tuple[str, float | None]]] = {}
        for fact in self.facts:
            obj = fact.triple.object
            if not isinstance(obj, ox.NamedNode):
                continue
            for ev in fact.evidence:
                if ev.alternatives or ev.link_score is not None:
                    alts = out.setdefault(obj.value, [])
                    for alt in ev.alternatives:
                        if alt != obj.value and all(a != alt for a, _ in alts):
                            alts.append((alt, None))
        return out

    def link_scores(self) -> dict[str, float]:
        scores: dict[str, float] = {}
        for fact in self.facts:
            obj = fact.triple.object
            for ev in fact.evidence:
                if isinstance(obj, ox.NamedNode) and ev.link_score is not None:
                    scores[obj.value] = max(scores.get(obj.value, 0.0), ev.link_score)
        return scores


def fact_key(t: ox.Triple) -> str:
    return hashlib.sha256(str(t).encode("utf-8")).hexdigest()[:12]


def read(path: PathLike) -> Candidate:
    """Parse a candidate file (UTF-8, NFC, Turtle; IRIs moved to the configured base like any source)."""
    data = open(path, "rb").read() if not hasattr(path, "read_bytes") else path.read_bytes()
    triples = parse_file(path)
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    rdf_type = RDF + "type"
    sources = {t.subject.value for t in triples if t.predicate.value == rdf_type
               and t.object.value in (dv("NewsArticleSource"), dv("Source"))}
    if len(sources) != 1:
        raise SourceContentError(str(path), f"a candidate describes exactly one source (dv:NewsArticleSource); "
                                            f"this one describes {len(sources)}.")
    (source,) = sources
    prefix = settings.base_iri() + "id/source/"
    if not source.startswith(prefix):
        raise SourceContentError(str(path), f"its source <{source}> is not under {prefix}.")
    evidence_nodes = {t.subject.value for t in triples if t.predicate.value == rdf_type
                      and t.object.value == dv("Evidence")}
    facts: dict[ox.Triple, Fact] = {}
    for node in sorted(evidence_nodes):
        props: dict[str, list] = {}
        for t in by_subject.get(node, []):
            props.setdefault(t.predicate.value, []).append(t.object)
        try:
            (s,), (p,), (o,) = props[RDF + "subject"], props[RDF + "predicate"], props[RDF + "object"]
        except (KeyError, ValueError):
            raise SourceContentError(str(path), f"the evidence node <{node}> needs exactly one rdf:subject, "
                                                "rdf:predicate and rdf:object.") from None
        triple = ox.Triple(s, p, o)
        ev = Evidence(node, _number(props, "paragraph", int), _number(props, "charStart", int),
                      _number(props, "charEnd", int), _number(props, "confidence", float),
                      _number(props, "linkScore", float),
                      [a.value for a in props.get(dv("linkAlternative"), []) if isinstance(a, ox.NamedNode)])
        facts.setdefault(triple, Fact(fact_key(triple), triple)).evidence.append(ev)
    stated = set(triples)
    missing = [t for t in facts if t not in stated]
    if missing:
        raise SourceContentError(str(path), f"an evidence node points at a triple the candidate does not state: "
                                            f"{missing[0]}.")
    article = [t.object.value for t in by_subject[source] if t.predicate.value == dv("articleSha256")]
    ordered = sorted(facts.values(), key=lambda f: (min((e.start or 0) for e in f.evidence), f.key))
    return Candidate(source, source[len(prefix):], triples, ordered, evidence_nodes,
                     hashlib.sha256(data).hexdigest(), article[0] if article else None)


def _number(props: dict, local: str, kind: type):
    values = props.get(dv(local))
    if not values:
        return None
    try:
        return kind(values[0].value)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------ decisions

@dataclass
class Decisions:
    """What the reviewer decided: per fact key ``accepted``/``rejected`` and an edited literal value;
    per linked entity the IRI chosen instead (applied everywhere the reviewed source mentions it)."""

    status: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"status": self.status, "values": self.values, "links": self.links}

    @classmethod
    def from_json(cls, data: dict) -> "Decisions":
        return cls(dict(data.get("status", {})), dict(data.get("values", {})), dict(data.get("links", {})))


class BadValue(ValueError):
    """An edited value that does not fit the fact's datatype."""


def edited_literal(original: ox.Literal, text: str) -> ox.Literal:
    """``text`` as a literal of the original's kind (same language tag or datatype), checked."""
    import datetime
    import unicodedata

    text = unicodedata.normalize("NFC", text.strip())
    if not text:
        raise BadValue("empty")
    if original.language:
        return ox.Literal(text, language=original.language)
    dt = original.datatype.value
    try:
        if dt == XSD + "date":
            datetime.date.fromisoformat(text)
        elif dt == XSD + "integer":
            text = str(int(text))
        elif dt == XSD + "gYear":
            if not (len(text) == 4 and text.isdigit()):
                raise ValueError(text)
        elif dt == XSD + "decimal":
            float(text)
    except ValueError:
        raise BadValue(dt) from None
    return ox.Literal(text, datatype=original.datatype)


def effective(fact: Fact, decisions: Decisions) -> ox.Triple:
    """The fact as the reviewer left it: the edited value, the chosen link targets."""
    t = fact.triple
    obj = t.object
    if isinstance(obj, ox.Literal) and fact.key in decisions.values:
        try:
            obj = edited_literal(obj, decisions.values[fact.key])
        except BadValue:
            pass  # never stored: the form refuses it
    return ox.Triple(_relinked(t.subject, decisions), t.predicate, _relinked(obj, decisions))


def _relinked(term, decisions: Decisions):
    if isinstance(term, ox.NamedNode) and term.value in decisions.links:
        return ox.NamedNode(decisions.links[term.value])
    return term


def reviewed_triples(c: Candidate, d: Decisions, provenance: list[ox.Triple]) -> list[ox.Triple]:
    """The reviewed source's triples (see the module's docstring)."""
    fact_triples = {f.triple for f in c.facts}
    accepted = [f for f in c.facts if d.status.get(f.key) == "accepted"]
    out: list[ox.Triple] = []
    mentioned: set[str] = {c.source}
    for f in accepted:
        t = effective(f, d)
        out.append(t)
        mentioned.update(x.value for x in (t.subject, t.object) if isinstance(x, ox.NamedNode))
        for ev in f.evidence:
            for e in c.triples:
                if e.subject.value != ev.iri:
                    continue
                if e.predicate.value == RDF + "subject":
                    e = ox.Triple(e.subject, e.predicate, t.subject)
                elif e.predicate.value == RDF + "object":
                    e = ox.Triple(e.subject, e.predicate, t.object)
                out.append(e)
    support: dict[str, list[ox.Triple]] = {}
    for t in c.triples:
        if t in fact_triples or t.subject.value in c.evidence_nodes:
            continue
        t = ox.Triple(_relinked(t.subject, d), t.predicate, _relinked(t.object, d))
        support.setdefault(t.subject.value, []).append(t)
    todo = list(mentioned)
    while todo:  # support of what is mentioned, and of what that support mentions
        for t in support.pop(todo.pop(), []):
            out.append(t)
            if isinstance(t.object, ox.NamedNode) and t.object.value not in mentioned:
                mentioned.add(t.object.value)
                todo.append(t.object.value)
    out.extend(provenance)
    seen: set[ox.Triple] = set()
    return [t for t in out if not (t in seen or seen.add(t))]


def turtle(triples: list[ox.Triple], header: str, source: str, evidence: set[str]) -> str:
    """Turtle the way curated sources read: the source first, then the entities, the evidence last;
    each subject's type first; only the prefixes used."""
    import re

    def order(t: ox.Triple):
        s = t.subject.value
        number = re.search(r"-(\d+)$", s) if s in evidence else None
        group = 0 if s == source else 2 if s in evidence else 1
        return (group, int(number.group(1)) if number else 0, s, t.predicate.value != RDF + "type",
                t.predicate.value, str(t.object))

    ordered = sorted(triples, key=order)
    used = {x.value for t in ordered for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
    used |= {t.object.datatype.value for t in ordered if isinstance(t.object, ox.Literal) and t.object.datatype}
    chosen = {k: v for k, v in prefixes().items() if any(i.startswith(v) and "/" not in i[len(v):] for i in used)}
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=chosen).decode("utf-8")
    return header + body
