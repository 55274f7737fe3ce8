"""What the pages show, read from the store: labels, the statements about an entity, counts per kind.

Every query here is fixed text; values (the entity, the IRI prefix) are bound as terms through
pyoxigraph substitutions, which only reach variables a SELECT projects — hence the projected ``?s``.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass, field
from typing import Any


from graph import settings
from graph import terms as ox
from graph.namespaces import DCTERMS, ELI, FOAF, RDFS, SCHEMA, SKOS
from webapp.urls import KINDS, entity_prefix, split_entity_iri

# Label properties, best first; within one property @vi beats no tag beats @en beats others.
LABEL_PROPERTIES = [str(SKOS.prefLabel), str(RDFS.label), str(FOAF.name), str(SCHEMA.name), str(ELI.title),
                    str(DCTERMS.title), str(SCHEMA.headline), str(SKOS.notation)]


def _headline_properties() -> list[str]:
    return [str(SCHEMA.headline), settings.ontology_namespace() + "headline"]


def labels(store: ox.Store, iris: set[str], lang: str = "vi") -> dict[str, str]:
    """The best label of each IRI that has one (see LABEL_PROPERTIES), preferring ``lang``, then the
    other language; IRIs come from the store. One index lookup per IRI and label property (a VALUES
    join makes Oxigraph scan every label in the store)."""
    lang_rank = {lang: 0, "": 1, ("en" if lang == "vi" else "vi"): 2}
    props = [ox.NamedNode(p) for p in LABEL_PROPERTIES + _headline_properties()]
    default = ox.DefaultGraph()
    if len(iris) > BULK_LABELS:
        return _labels_by_scan(store, iris, props, lang_rank)
    if getattr(store, "kind", None) == "remote":
        return _labels_by_union(store, iris, props, lang_rank)
    out: dict[str, str] = {}
    for x in iris:
        try:
            node = ox.NamedNode(x)
        except ValueError:
            continue
        best = None
        for rank, prop in enumerate(props):
            for q in store.quads_for_pattern(node, prop, None, default):
                lit = q.object
                if not isinstance(lit, ox.Literal):
                    continue
                key = (rank, lang_rank.get((lit.language or "").lower().split("-")[0], 3), lit.value)
                if best is None or key < best[0]:
                    best = (key, lit.value)
            if best is not None:
                break  # a better property never comes later
        if best is not None:
            out[x] = best[1]
    return out


REMOTE_LABELS = 200  # IRIs per query on an external engine (a query text of some tens of kB)


def _labels_by_union(store: ox.Store, iris: set[str], props: list, lang_rank: dict) -> dict[str, str]:
    """:func:`labels` on an external engine: one query per ``REMOTE_LABELS`` IRIs instead of one request
    per IRI and property (a round trip each). A UNION of one branch per IRI, each a lookup by subject,
    rather than a VALUES join (which makes Oxigraph, server or embedded, scan every label); the same
    choice (property, then language, then text)."""
    nodes = []
    for x in sorted(iris):
        try:
            nodes.append(ox.NamedNode(x))
        except ValueError:
            continue
    wanted = ", ".join(str(p) for p in props)
    rank_of = {p.value: rank for rank, p in enumerate(props)}
    best: dict[str, tuple] = {}
    for start in range(0, len(nodes), REMOTE_LABELS):
        branches = " UNION ".join(f"{{ {n} ?p ?l BIND({n} AS ?x) }}" for n in nodes[start:start + REMOTE_LABELS])
        for r in store.query(f"SELECT ?x ?p ?l WHERE {{ {{ {branches} }} FILTER(?p IN ({wanted})) }}"):
            lit = r["l"]
            if not isinstance(lit, ox.Literal):
                continue
            x = r["x"].value
            key = (rank_of[r["p"].value], lang_rank.get((lit.language or "").lower().split("-")[0], 3), lit.value)
            if x not in best or key < best[x]:
                best[x] = key
    return {x: key[2] for x, key in best.items()}


BULK_LABELS = 5000  # past this many IRIs (the build's browse index), one pass over each label property


def _labels_by_scan(store: ox.Store, iris: set[str], props: list, lang_rank: dict) -> dict[str, str]:
    """:func:`labels` for many IRIs at once: each label property's statements read once, in a pass,
    instead of one lookup per IRI and property; the same choice (property, then language, then text)."""
    best: dict[str, tuple] = {}
    for x, found in every_label(store, tuple(props)).items():
        if x in iris:
            best[x] = min((rank, lang_rank.get(tag, 3), value) for rank, tag, value in found)
    return {x: key[2] for x, key in best.items()}


@functools.lru_cache(maxsize=1)
def every_label(store: ox.Store, props: tuple) -> dict[str, list[tuple[int, str, str]]]:
    """Every IRI's labels (property rank, language, text), read in one pass per property: the build's
    browse index names every entity, a kind at a time, from the same pass. It holds the store open:
    whoever calls it releases it with ``every_label.cache_clear()``."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    for rank, prop in enumerate(props):
        for q in store.quads_for_pattern(None, prop, None, ox.DefaultGraph()):
            lit, subject = q.object, q.subject
            if isinstance(lit, ox.Literal) and isinstance(subject, ox.NamedNode):
                found.setdefault(subject.value, []).append(
                    (rank, (lit.language or "").lower().split("-")[0], lit.value))
    return found


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


# ------------------------------------------------------------------------------------- entity pages
#
# An entity page reads its statements group by group: one COUNT per direction (grouped by property),
# then at most ``per_page`` distinct values of each property, with their graphs. A hub with 10,000
# incoming links costs two GROUP BY counts and one bounded page per group, never the whole neighbourhood.
# The entity and the property are written into the fixed query text as N-Triples terms
# (``str(ox.NamedNode(...))``, which the constructor has already checked), never as raw strings.

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def dv(local: str) -> str:
    return settings.ontology_namespace() + local


def _n(iri: str) -> str:
    return str(ox.NamedNode(iri))


def _not_default(graph) -> bool:
    return isinstance(graph, ox.NamedNode)


@dataclass
class Group:
    """The statements with one property, in one direction, on one page."""
    predicate: str
    direction: str  # "out" (entity ?p value) or "in" (value ?p entity)
    count: int  # distinct values in all graphs
    page: int  # 1-based
    pages: int
    rows: list[dict]  # {"value": term, "graphs": [graph IRIs], "entailed": bool}
    conflict: bool = False
    caveat: bool = False  # the build warns about these values (e.g. an event's doubtful date)
    folded: bool = False  # every value is shown under a group whose statements entail this one's
    also: list["Group"] = field(default_factory=list)  # the groups folded under this one
    elsewhere: list[tuple["Group", int]] = field(default_factory=list)  # rows left to a more specific group

    @property
    def key(self) -> str:
        return f"{self.direction}:{self.predicate}"


# Evidence nodes (rdf:subject/object, dv:evidenceFor) point at the facts of a reviewed source: its page shows
# them with each fact, so other pages do not list them as statements about the entity.
def _not_evidence() -> str:
    return f' FILTER(!STRSTARTS(STR(?v), "{entity_prefix()}evidence/"))'


def group_counts(store: ox.Store, iri: str, direction: str) -> dict[str, int]:
    """property IRI → how many distinct values (out) or subjects (in) it links the entity with."""
    s = _n(iri)
    pattern = f"{s} ?p ?v" if direction == "out" else f"?v ?p {s}{_not_evidence()}"
    # The default graph holds each distinct triple of the named graphs once (store.fill_default_graph):
    # counting its rows counts distinct values without reading every graph's copy and hashing them.
    q = f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?p"
    return {r["p"].value: int(r["n"].value) for r in store.query(q)}


def group_page(store: ox.Store, iri: str, predicate: str, direction: str, count: int, page: int,
               per_page: int, inferred: str) -> Group:
    """One page of a property group: at most ``per_page`` distinct values, each with its graphs.

    No ORDER BY: sorting a hub's 10,000 neighbours costs Oxigraph most of a second (it decodes every
    term), while LIMIT/OFFSET over its index order costs milliseconds. A build is read-only, so that
    order is the same on every request; the page's own rows are sorted here.
    """
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    s, p = _n(iri), _n(predicate)
    pattern = f"{s} {p} ?v" if direction == "out" else f"?v {p} {s}{_not_evidence()}"
    # an external engine promises no order without ORDER BY: there, pages would overlap or skip values
    order = " ORDER BY ?v" if getattr(store, "kind", None) == "remote" else ""
    q = (f"SELECT DISTINCT ?v WHERE {{ GRAPH ?h {{ {pattern} }} }}{order} "
         f"LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}")
    node, prop = ox.NamedNode(iri), ox.NamedNode(predicate)
    rows = []
    if order:  # on an engine: the page's values and their graphs in one request, not one per value
        graphs_of: dict = {}
        for r in store.query(f"SELECT ?v ?g WHERE {{ {{ {q} }} GRAPH ?g {{ {pattern} }} }}"):
            graphs_of.setdefault(r["v"], set()).add(r["g"].value)
        for v, names in graphs_of.items():
            graphs = sorted(names)
            rows.append({"value": v, "graphs": graphs, "entailed": all(g == inferred for g in graphs)})
        rows.sort(key=lambda row: (row["entailed"], str(row["value"])))
        return Group(predicate, direction, count, page, pages, rows)
    for r in store.query(q):
        v = r["v"]
        quads = (store.quads_for_pattern(node, prop, v, None) if direction == "out"
                 else store.quads_for_pattern(v, prop, node, None))
        graphs = sorted({qd.graph_name.value for qd in quads if isinstance(qd.graph_name, ox.NamedNode)})
        rows.append({"value": v, "graphs": graphs, "entailed": all(g == inferred for g in graphs)})
    rows.sort(key=lambda row: (row["entailed"], str(row["value"])))
    return Group(predicate, direction, count, page, pages, rows)


def values_of(store: ox.Store, subject, predicate: str) -> list:
    """The objects of one subject and property in the default graph (the union), sorted."""
    if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):
        return []
    return sorted((q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None,
                                                              ox.DefaultGraph())), key=str)


def one_valued_properties(store: ox.Store) -> set[str]:
    """Properties the ontology marks ``dv:expectsOneValue true``: different values are a conflict."""
    q = (f"SELECT ?p WHERE {{ GRAPH {_n(settings.ontology_graph())} {{ ?p {_n(dv('expectsOneValue'))} ?t }} "
         f"FILTER(?t = true) }}")
    return {r["p"].value for r in store.query(q)}


def types_of(store: ox.Store, iri: str, inferred: str) -> list[str]:
    """The entity's classes as its sources state them (not the entailed super-classes)."""
    q = f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ {_n(iri)} a ?t }} FILTER(?g != {_n(inferred)}) }} ORDER BY ?t"
    return [r["t"].value for r in store.query(q) if isinstance(r["t"], ox.NamedNode)]


def literal_values(store: ox.Store, iri: str, predicates: list[str]) -> dict[str, list[ox.Literal]]:
    """Each property's literal values on the entity (union of graphs), for summaries."""
    values = " ".join(_n(p) for p in predicates)
    q = f"SELECT DISTINCT ?p ?v WHERE {{ VALUES ?p {{ {values} }} {_n(iri)} ?p ?v FILTER(isLiteral(?v)) }} ORDER BY ?v"
    out: dict[str, list[ox.Literal]] = {}
    for r in store.query(q):
        out.setdefault(r["p"].value, []).append(r["v"])
    return out


def display_names(store: ox.Store, iris: set[str], lang: str = "vi") -> dict[str, str]:
    """:func:`labels`, except that a document is called by its number ("23-QĐ/TW") when it has one."""
    names = labels(store, iris, lang=lang)
    docs = [i for i in iris if (split_entity_iri(i) or ("",))[0] == "document"]
    if docs:
        q = (f"SELECT ?d (MIN(STR(?n)) AS ?num) WHERE {{ VALUES ?d {{ {' '.join(_n(d) for d in sorted(docs))} }} "
             f"?d {_n(dv('documentNumber'))} ?n }} GROUP BY ?d")
        for r in store.query(q):
            if r["num"] is not None:
                names[r["d"].value] = r["num"].value
    posts = [i for i in iris if i not in names and (split_entity_iri(i) or ("",))[0] == "post"]
    if posts:
        # a post has no name of its own: call it "role, organization"
        q = (f"SELECT ?post ?r ?o WHERE {{ VALUES ?post {{ {' '.join(_n(p) for p in sorted(posts))} }} "
             f"?post {_n(dv('role'))} ?r ; {_n(dv('postIn'))} ?o }}")
        pairs = {r["post"].value: (r["r"].value, r["o"].value) for r in store.query(q)}
        parts = labels(store, {x for pair in pairs.values() for x in pair}, lang=lang)
        for post, (role, org) in pairs.items():
            if role in parts and org in parts:
                names[post] = f"{parts[role]}, {parts[org]}"
    return names


def source_info(store: ox.Store, graphs: set[str]) -> dict[str, dict]:
    """A source graph's headline, publisher and date (dv: or schema: terms), for citing it."""
    if not graphs:
        return {}
    values = " ".join(_n(g) for g in sorted(graphs))
    q = (f"SELECT ?g ?h ?pub ?date WHERE {{ VALUES ?g {{ {values} }} "
         f"OPTIONAL {{ ?g {_n(dv('headline'))}|{_n(str(SCHEMA.headline))} ?h }} "
         f"OPTIONAL {{ ?g {_n(dv('publisher'))}|{_n(str(SCHEMA.publisher))} ?pub }} "
         f"OPTIONAL {{ ?g {_n(dv('datePublished'))}|{_n(str(SCHEMA.datePublished))} ?date }} }}")
    out: dict[str, dict] = {}
    for r in store.query(q):
        info = out.setdefault(r["g"].value, {"headline": None, "publisher": None, "date": None})
        h = r["h"]
        if isinstance(h, ox.Literal) and (info["headline"] is None or h.language == "vi"):
            info["headline"] = h.value
        if isinstance(r["pub"], ox.NamedNode):
            info["publisher"] = r["pub"].value
        if isinstance(r["date"], ox.Literal):
            info["date"] = r["date"]
    return out


def select(store: ox.Store, query: str, iri: str, **iris: str) -> list:
    """A fixed SELECT with ``$S`` (the entity) and other ``$NAME`` placeholders replaced by IRIs."""
    text = query.replace("$S", _n(iri))
    for name, value in iris.items():
        text = text.replace("$" + name, _n(value))
    prologue = (f"PREFIX dv: <{settings.ontology_namespace()}>\n"
                "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
    return list(store.query(prologue + text))


def count(store: ox.Store, query: str, iri: str, **iris: str) -> int:
    rows = select(store, query, iri, **iris)
    return int(rows[0]["n"].value) if rows else 0


@dataclass
class Outline:
    """An entity's statement groups (one page of each), both directions."""
    iri: str
    outgoing: list[Group]
    incoming: list[Group]


HUB = 1000  # a group this large is a hub's: what is counted over all of it is kept for the build's life


def describe(store: ox.Store, iri: str, pages: dict[str, int], per_page: int, inferred: str,
             memo: dict[str, Any] | None = None) -> Outline | None:
    """The entity's statements grouped by property: every group counted, one page of each read
    (``pages`` maps a group's key, ``out:IRI`` or ``in:IRI``, to its page; others are on page 1).
    None when nothing in the store mentions the entity."""
    groups: dict[str, list[Group]] = {"out": [], "in": []}
    for direction in ("out", "in"):
        # A hub's counts read all its links: once per build (``memo``: the snapshot's), then kept.
        key = f"describe.groups.{direction}.{iri}"
        counts = (memo or {}).get(key) or group_counts(store, iri, direction)
        if memo is not None and sum(counts.values()) >= HUB:
            memo[key] = counts
        for predicate, n in sorted(counts.items()):
            page = pages.get(f"{direction}:{predicate}", 1)
            groups[direction].append(group_page(store, iri, predicate, direction, n, page, per_page, inferred))
    if not groups["out"] and not groups["in"]:
        return None
    return Outline(iri, groups["out"], groups["in"])


# ------------------------------------------------------------------------------ one fact, one row
#
# The build materializes every fact under the standard vocabularies' names too (dv:title also as
# eli:title; "A dv:replaces B" also as "B dv:replacedBy A" on A's page). A page shows each fact once:
# under the group whose statements entail the others', with the entailed groups named beside it.

RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
OWL_EQUIVALENT = "http://www.w3.org/2002/07/owl#equivalentProperty"
OWL_INVERSE = "http://www.w3.org/2002/07/owl#inverseOf"


@dataclass
class Vocabulary:
    """The ontology's property axioms that make one statement say what another says, and the
    phrases for reading a property backwards (``dv:inverseLabel``)."""
    supers: dict[str, set[str]]  # property → properties every statement with it also states
    inverses: dict[str, set[str]]
    inverse_labels: dict[str, dict[str, str]]  # property → language → phrase

    def forms(self, predicate: str, direction: str) -> set[tuple[str, str]]:
        """Every (property, direction) a statement of this group is also, on the same page."""
        seen = {(predicate, direction)}
        todo = [(predicate, direction)]
        while todo:
            p, d = todo.pop()
            nxt = [(s, d) for s in self.supers.get(p, ())]
            nxt += [(i, "in" if d == "out" else "out") for i in self.inverses.get(p, ())]
            for f in nxt:
                if f not in seen:
                    seen.add(f)
                    todo.append(f)
        return seen

    def inverse_label(self, predicate: str, lang: str) -> str | None:
        phrases = self.inverse_labels.get(predicate, {})
        return phrases.get(lang) or next(iter(phrases.values()), None)


def vocabulary(store: ox.Store) -> Vocabulary:
    q = (f"SELECT ?a ?r ?b WHERE {{ GRAPH {_n(settings.ontology_graph())} {{ ?a ?r ?b }} "
         f"VALUES ?r {{ {_n(RDFS_SUBPROPERTY)} {_n(OWL_EQUIVALENT)} {_n(OWL_INVERSE)} {_n(dv('inverseLabel'))} }} }}")
    supers: dict[str, set[str]] = {}
    inverses: dict[str, set[str]] = {}
    phrases: dict[str, dict[str, str]] = {}
    for r in store.query(q):
        a, rel, b = r["a"], r["r"].value, r["b"]
        if not isinstance(a, ox.NamedNode):
            continue
        if rel == dv("inverseLabel"):
            if isinstance(b, ox.Literal):
                phrases.setdefault(a.value, {})[(b.language or "").split("-")[0]] = b.value
            continue
        if not isinstance(b, ox.NamedNode):
            continue
        if rel == RDFS_SUBPROPERTY:
            supers.setdefault(a.value, set()).add(b.value)
        elif rel == OWL_EQUIVALENT:
            supers.setdefault(a.value, set()).add(b.value)
            supers.setdefault(b.value, set()).add(a.value)
        else:
            inverses.setdefault(a.value, set()).add(b.value)
            inverses.setdefault(b.value, set()).add(a.value)
    return Vocabulary(supers, inverses, phrases)


def _pattern(iri: str, g: Group) -> str:
    return f"{_n(iri)} {_n(g.predicate)} ?v" if g.direction == "out" else f"?v {_n(g.predicate)} {_n(iri)}"


def _rank(g: Group) -> tuple:
    """Among groups that state the same facts, the one shown: forward before backward, the project's
    property before a standard one."""
    return (g.direction != "out", not g.predicate.startswith(settings.ontology_namespace()), g.predicate)


def fold(store: ox.Store, iri: str, outline: Outline, vocab: Vocabulary, inferred: str,
         memo: dict[str, Any] | None = None) -> None:
    """Mark each group whose every value a more specific (or preferred equivalent) group already
    shows as ``folded``, list it in ``also`` of the shown groups that entail it, and give their rows
    the sources of the equivalent statements (a fact a source states backwards is still its fact)."""
    groups = outline.outgoing + outline.incoming
    forms = {id(g): vocab.forms(g.predicate, g.direction) for g in groups}

    def entails(a: Group, b: Group) -> bool:
        return (b.predicate, b.direction) in forms[id(a)]

    for g in groups:
        hosts = [h for h in groups if h is not g and entails(h, g) and (not entails(g, h) or _rank(h) < _rank(g))]
        if not hosts:
            continue
        others = " UNION ".join(f"{{ {_pattern(iri, h)} }}" for h in hosts)
        if sum(h.count for h in hosts) < g.count:
            continue  # fewer values in the hosts than in this group: one of its values is not among them
        q = f"ASK {{ {_pattern(iri, g)} FILTER NOT EXISTS {{ {others} }} }}"
        key = f"describe.fold.{q}"
        if memo is not None and key in memo:
            g.folded = memo[key]
            continue
        g.folded = not bool(store.query(q))
        if memo is not None and g.count >= HUB:  # it read every value of the group: once per build
            memo[key] = g.folded
    node = ox.NamedNode(iri)
    for g in groups:
        if not g.folded:
            continue
        for h in groups:
            if h.folded or not entails(h, g):
                continue
            h.also.append(g)
            if not entails(g, h):
                continue  # a weaker statement: named beside, not counted as a source of this one
            prop = ox.NamedNode(g.predicate)
            for row in h.rows:
                v = row["value"]
                quads = (store.quads_for_pattern(node, prop, v, None) if g.direction == "out"
                         else store.quads_for_pattern(v, prop, node, None) if isinstance(v, (ox.NamedNode, ox.BlankNode))
                         else [])
                extra = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
                graphs = set(row["graphs"]) | extra
                if graphs - {inferred}:
                    graphs.discard(inferred)  # a source states it: that the reasoner also does is noise
                row["graphs"] = sorted(graphs)
                row["entailed"] = all(x == inferred for x in graphs)
    shown = [g for g in groups if not g.folded]
    default = ox.DefaultGraph()
    for g in shown:
        for h in shown:
            if h is g or not entails(h, g) or entails(g, h):
                continue
            prop = ox.NamedNode(h.predicate)

            def stated(v) -> bool:
                if h.direction == "out":
                    return any(True for _ in store.quads_for_pattern(node, prop, v, default))
                return isinstance(v, (ox.NamedNode, ox.BlankNode)) and any(
                    True for _ in store.quads_for_pattern(v, prop, node, default))

            keep = [row for row in g.rows if not stated(row["value"])]
            if len(keep) < len(g.rows):
                g.elsewhere.append((h, len(g.rows) - len(keep)))
                g.rows = keep
