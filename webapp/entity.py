"""``/id/{kind}/{slug}``: one entity — HTML listing every statement about it, or RDF by conneg/suffix."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template

from graph import settings
from graph.namespaces import prefixes
from webapp import snapshot
from webapp.conneg import HTML, RDF_FORMATS, choose
from webapp.describe import describe, entity_triples, headlines, labels
from webapp.errors import Refused
from webapp.urls import KINDS, SUFFIXES, entity_iri, entity_url, split_entity_iri, term_href

bp = Blueprint("entity", __name__)

OFFERED = [HTML, "turtle", "ntriples", "jsonld", "rdfxml"]


@bp.get("/id/<kind>/<slug>")
def show(kind: str, slug: str):
    stem, dot, ext = slug.rpartition(".")
    fmt = None
    if dot and ext in SUFFIXES:
        slug, fmt = stem, SUFFIXES[ext]
    if kind not in KINDS:
        raise Refused(404, f"There is no kind of entity called {kind!r}; kinds: {', '.join(KINDS)}.")
    iri = entity_iri(kind, slug)
    if split_entity_iri(iri) is None:
        raise Refused(404, f"{slug!r} is not a valid identifier.")
    if fmt is None:
        fmt = choose(OFFERED, default=HTML)
    if fmt not in OFFERED:
        raise Refused(406 if fmt else 400, f"This page is available as {', '.join(OFFERED)}, not {fmt!r}.")
    snap = snapshot()
    limit = current_app.config["DANVAN_PAGE_STATEMENTS"]
    desc = describe(snap.store, iri, limit)
    if desc is None:
        raise Refused(404, f"Nothing in the graph is about <{iri}>.")
    if fmt != HTML:
        media, rdf_format = RDF_FORMATS[fmt]
        body = ox.serialize(entity_triples(snap.store, iri), format=rdf_format, prefixes=_prefixes())
        response = Response(body, mimetype=media)
    else:
        response = Response(_render(snap.store, kind, slug, desc), mimetype="text/html")
        response.headers["Link"] = ", ".join(
            f'<{entity_url(kind, slug, name)}>; rel="alternate"; type="{RDF_FORMATS[name][0]}"'
            for name in RDF_FORMATS)
    response.headers["Vary"] = "Accept"
    return response


def _prefixes() -> dict[str, str]:
    p = prefixes()
    p["id"] = settings.base_iri() + "id/"
    return p


def compact(iri: str) -> str:
    """A prefixed name when a known namespace fits (for properties without a label)."""
    for prefix, ns in sorted(prefixes().items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _term(term, names: dict[str, str]) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "iri", "iri": term.value, "label": names.get(term.value) or compact(term.value),
                "href": term_href(term.value)}
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        show_dt = dt and not term.language and not dt.endswith("#string") and not dt.endswith("#langString")
        return {"type": "literal", "text": term.value, "lang": term.language,
                "datatype": compact(dt) if show_dt else None}
    return {"type": "blank", "text": f"_:{getattr(term, 'value', term)}"}


def _source(graph, names: dict[str, str], heads: dict[str, str]) -> dict:
    if graph is None:
        return {"label": "default graph", "href": None}
    g = graph.value
    if g == settings.inferred_graph():
        return {"label": "inferred (OWL 2 RL)", "href": None, "iri": g}
    if g == settings.ontology_graph():
        return {"label": "ontology", "href": None, "iri": g}
    return {"label": heads.get(g) or names.get(g) or g, "href": term_href(g), "iri": g}


def _render(store: ox.Store, kind: str, slug: str, desc) -> str:
    terms = desc.terms()
    names = labels(store, terms)
    heads = headlines(store, desc.graphs())

    def rows(statements, other_end):
        out = [{"predicate": _term(st.predicate, names), "value": _term(other_end(st), names),
                "source": _source(st.graph, names, heads), "entailed": st.entailed} for st in statements]
        return sorted(out, key=lambda r: (r["predicate"]["label"].casefold(), r["entailed"]))

    return render_template(
        "entity.html",
        iri=desc.iri, kind=kind, slug=slug,
        label=names.get(desc.iri) or slug,
        outgoing=rows(desc.outgoing, lambda st: st.value),
        incoming=rows(desc.incoming, lambda st: st.subject),
        truncated=desc.truncated,
        alternates=[(name, RDF_FORMATS[name][0], entity_url(kind, slug, name)) for name in RDF_FORMATS],
    )
