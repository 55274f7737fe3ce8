"""What the pages show, read from the store: labels, the statements about an entity, counts per kind.

Every query here is fixed text; values (the entity, the IRI prefix) are bound as terms through
pyoxigraph substitutions, which only reach variables a SELECT projects — hence the projected ``?s``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph import settings
from graph.namespaces import DCTERMS, ELI, FOAF, RDFS, SCHEMA, SKOS
from webapp.urls import KINDS, entity_prefix, split_entity_iri

# Label properties, best first; within one property @vi beats no tag beats @en beats others.
LABEL_PROPERTIES = [str(SKOS.prefLabel), str(RDFS.label), str(FOAF.name), str(SCHEMA.name), str(ELI.title),
                    str(DCTERMS.title), str(SCHEMA.headline), str(SKOS.notation)]


def _headline_properties() -> list[str]:
    return [str(SCHEMA.headline), settings.ontology_namespace() + "headline"]


@dataclass
class Statement:
    subject: ox.NamedNode | ox.BlankNode  # the other end when the entity is the object
    predicate: ox.NamedNode
    value: ox.NamedNode | ox.BlankNode | ox.Literal
    graph: ox.NamedNode | None
    entailed: bool


@dataclass
class Description:
    iri: str
    outgoing: list[Statement]
    incoming: list[Statement]
    truncated: bool

    def terms(self) -> set[str]:
        out: set[str] = {self.iri}
        for st in self.outgoing + self.incoming:
            for t in (st.subject, st.predicate, st.value, st.graph):
                if isinstance(t, ox.NamedNode):
                    out.add(t.value)
        return out

    def graphs(self) -> set[str]:
        return {st.graph.value for st in self.outgoing + self.incoming if st.graph is not None}


_OUT = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?p ?o ?g LIMIT %d"
_IN = "SELECT ?s ?x ?p ?g WHERE { GRAPH ?g { ?x ?p ?s } } ORDER BY ?p ?x ?g LIMIT %d"


def describe(store: ox.Store, iri: str, limit: int) -> Description | None:
    """Every statement with ``iri`` as subject or object, each with its graph; None if there is none."""
    node = ox.NamedNode(iri)
    inferred = settings.inferred_graph()
    sub = {ox.Variable("s"): node}
    out = [Statement(node, r["p"], r["o"], r["g"], r["g"].value == inferred)
           for r in store.query(_OUT % (limit + 1), substitutions=sub)]
    inc = [Statement(r["x"], r["p"], node, r["g"], r["g"].value == inferred)
           for r in store.query(_IN % (limit + 1), substitutions=sub)]
    if not out and not inc:
        return None
    truncated = len(out) > limit or len(inc) > limit
    return Description(iri, out[:limit], inc[:limit], truncated)


def labels(store: ox.Store, iris: set[str], lang: str = "vi") -> dict[str, str]:
    """The best label of each IRI that has one (see LABEL_PROPERTIES), preferring ``lang``, then the
    other language; IRIs come from the store."""
    lang_rank = {lang: 0, "": 1, ("en" if lang == "vi" else "vi"): 2}
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))
    props = " ".join(str(ox.NamedNode(p)) for p in LABEL_PROPERTIES + _headline_properties())
    q = f"SELECT ?x ?prop ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?prop {{ {props} }} ?x ?prop ?l }}"
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES + _headline_properties())}
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for r in store.query(q):
        lit = r["l"]
        if not isinstance(lit, ox.Literal):
            continue
        key = (rank[r["prop"].value], lang_rank.get((lit.language or "").lower().split("-")[0], 3))
        x = r["x"].value
        if x not in best or key < best[x][0]:
            best[x] = (key, lit.value)
    return {x: v for x, (_, v) in best.items()}


def headlines(store: ox.Store, graphs: set[str]) -> dict[str, str]:
    """A source graph's headline (schema:headline or dv:headline), for naming where a statement comes from."""
    if not graphs:
        return {}
    values = " ".join(str(ox.NamedNode(g)) for g in sorted(graphs))
    props = " ".join(str(ox.NamedNode(p)) for p in _headline_properties())
    q = f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} VALUES ?p {{ {props} }} ?g ?p ?h }}"
    out: dict[str, str] = {}
    for r in store.query(q):
        g, h = r["g"].value, r["h"]
        if isinstance(h, ox.Literal) and (g not in out or h.language == "vi"):
            out[g] = h.value
    return out


def entities_by_kind(store: ox.Store) -> dict[str, list[str]]:
    """Every typed entity under our ``id/`` prefix, grouped by kind (kinds in the documented order)."""
    q = ("SELECT DISTINCT ?s ?prefix WHERE { ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix)) } "
         "ORDER BY ?s")
    groups: dict[str, list[str]] = {k: [] for k in KINDS}
    for r in store.query(q, substitutions={ox.Variable("prefix"): ox.Literal(entity_prefix())}):
        parts = split_entity_iri(r["s"].value)
        if parts:
            groups[parts[0]].append(r["s"].value)
    return {k: v for k, v in groups.items() if v}


def entity_triples(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The entity's statements as plain triples (union of graphs) for the RDF representations."""
    node = ox.NamedNode(iri)
    q = ("SELECT DISTINCT ?s ?a ?p ?b WHERE { { ?s ?p ?b BIND(?s AS ?a) } UNION { ?a ?p ?s BIND(?s AS ?b) } }")
    return [ox.Triple(r["a"], r["p"], r["b"])
            for r in store.query(q, substitutions={ox.Variable("s"): node})]
