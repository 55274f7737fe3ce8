"""The SPARQL query editor's configuration: ``GET /sparql/editor.json``.

The browser page of ``GET /sparql`` (``templates/sparql.html``) runs YASGUI from ``static/vendor/``
(installed by ``make assets``, never from a CDN) with ``static/editor.js``. That script reads everything
it needs from this JSON document, so the page has no inline script and makes no request to any other
host: YASGUI's own autocompleters (prefix.cc, LOV) are replaced by the lists below, read from the
ontology graph of the live build.

- ``endpoint`` — the path of our SPARQL endpoint (the only endpoint the editor queries);
- ``entity_base`` / ``entity_href`` / ``kinds`` — how a result IRI of one of our entities maps to its
  page here (``entity_href`` is the URL builder's path with ``{kind}`` and ``{slug}`` placeholders);
- ``prefixes`` — the prefixes ``/sparql`` predeclares (:func:`graph.namespaces.sparql_prefixes`), offered
  after ``PREFIX`` and added when a known prefix is typed (harmless: a query's own PREFIX wins);
- ``classes`` / ``properties`` — the ontology's terms (ours with their vi/en labels, and the standard
  terms they are aligned to), offered after ``a`` and in predicate position;
- ``queries`` — the named queries (title, description, text, parameters, link to their form page);
- ``truncation_header`` — the response header by which the endpoint says it cut the results short;
- ``labels`` — where the editor asks for the labels of the IRIs on a page of results.

``POST /sparql/labels`` (form fields ``iri=…``, at most :data:`MAX_LABELS`) answers ``{iri: label}``
with the entity pages' choice of label (:func:`webapp.describe.labels`). The template gets
``editor_gallery()`` (the named queries, for the server-rendered examples list that works without
JavaScript) and ``editor_config_url()``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from graph import settings
from graph import terms as ox
from graph.named_queries import all_queries
from graph.namespaces import sparql_prefixes
from webapp import snapshot
from webapp.describe import labels as best_labels
from webapp.errors import Refused
from webapp.urls import KINDS, entity_prefix, sparql_url

bp = Blueprint("editor", __name__)

TRUNCATION_HEADER = "X-Danvan-Truncated"
MAX_LABELS = 1000

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

_CLASS_TYPES = (OWL + "Class", RDFS + "Class")
_PROPERTY_TYPES = (OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property",
                   OWL + "TransitiveProperty", OWL + "SymmetricProperty", OWL + "FunctionalProperty")
# Axioms whose object is a standard class / property our terms are aligned to.
_CLASS_LINKS = (RDFS + "subClassOf", OWL + "equivalentClass")
_PROPERTY_LINKS = (RDFS + "subPropertyOf", OWL + "equivalentProperty", OWL + "inverseOf")


def prefixes() -> dict[str, str]:
    """The prefixes /sparql predeclares (one table: graph.namespaces)."""
    return sparql_prefixes()


def _terms(store: ox.Store) -> tuple[list[dict], list[dict]]:
    """(classes, properties) of the ontology graph: IRIs with their vi/en labels, sorted by IRI."""
    graph = ox.NamedNode(settings.ontology_graph())
    kinds: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}

    def note(iri: str, kind: str) -> None:
        kinds.setdefault(iri, kind)

    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, graph):
        s, o = quad.subject, quad.object
        if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
            continue
        if o.value in _CLASS_TYPES:
            note(s.value, "class")
        elif o.value in _PROPERTY_TYPES:
            note(s.value, "property")
    for links, kind in ((_CLASS_LINKS, "class"), (_PROPERTY_LINKS, "property")):
        for link in links:
            for quad in store.quads_for_pattern(None, ox.NamedNode(link), None, graph):
                for term in (quad.subject, quad.object):
                    if isinstance(term, ox.NamedNode):
                        note(term.value, kind)
    for label_property in (RDFS + "label", SKOS + "prefLabel"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(label_property), None, graph):
            s, o = quad.subject, quad.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.Literal) and o.language in ("vi", "en"):
                labels.setdefault(s.value, {}).setdefault(o.language, o.value)
    known = prefixes()
    classes, properties = [], []
    for iri in sorted(kinds):
        entry = {"iri": iri, "curie": _curie(iri, known), "label": labels.get(iri, {})}
        (classes if kinds[iri] == "class" else properties).append(entry)
    return classes, properties


def _curie(iri: str, known: dict[str, str]) -> str | None:
    for prefix, ns in known.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "_-." for c in local):
            return f"{prefix}:{local}"
    return None


def _queries() -> list[dict]:
    out = []
    for name, q in sorted(all_queries().items()):
        try:
            form = url_for("queries.show", name=name)
        except Exception:  # the query library's pages are not registered in this app
            form = None
        out.append({
            "name": name,
            "title": q.title,
            "description": q.description,
            "query": q.text,
            "form": form,
            "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                            "label": p.label} for p in q.parameters],
        })
    return out


def config() -> dict:
    snap = snapshot()
    classes, properties = snap.cached("editor.terms", lambda: _terms(snap.store))
    return {
        "endpoint": sparql_url(),
        "entity_base": entity_prefix(),
        "entity_href": url_for("entity.show", kind="KIND", slug="SLUG").replace("KIND", "{kind}")
                                                                       .replace("SLUG", "{slug}"),
        "kinds": list(KINDS),
        "prefixes": prefixes(),
        "classes": classes,
        "properties": properties,
        "queries": _queries(),
        "truncation_header": TRUNCATION_HEADER,
        "row_limit_header": "X-Danvan-Row-Limit",
        "labels": url_for("editor.labels"),
        "build_id": snap.info.get("build_id"),
    }


@bp.route("/sparql/editor.json")
def editor_config():
    response = jsonify(config())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sparql/labels", methods=["POST"])
def labels():
    iris = request.form.getlist("iri")
    if len(iris) > MAX_LABELS:
        raise Refused(400, f"Ask for at most {MAX_LABELS} labels at once.")
    wanted: set[str] = set()
    for iri in iris:
        try:
            wanted.add(ox.NamedNode(iri).value)
        except ValueError:
            raise Refused(400, f"Not an IRI: {iri!r}") from None
    return jsonify(best_labels(snapshot().store, wanted))


@bp.app_context_processor
def _template_helpers() -> dict:
    return {"editor_gallery": _queries, "editor_config_url": lambda: url_for("editor.editor_config")}
