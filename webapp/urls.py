"""The one URL builder. Templates and views build every link here; nothing concatenates paths.

Entity IRIs ``{base}id/{kind}/{slug}`` are served at the app path ``/id/{kind}/{slug}``; the base is
``graph.settings.base_iri()`` so another deployment's IRIs map the same way.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import url_for

from graph import settings

KINDS = (
    "organization", "person", "post", "role", "document", "document-type", "level", "event", "place",
    "source", "work", "movement", "connection-point", "attendee-group", "evidence",
)
# An evidence node (where a reviewed source states one of its facts) resolves, to its source's page, but is
# not an entity of its own: browse, search and other entities' pages leave it out.
LISTED_KINDS = tuple(k for k in KINDS if k != "evidence")
# Format suffixes an entity URL may carry, and the format name each selects.
SUFFIXES = {"ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}
SUFFIX_OF = {v: k for k, v in SUFFIXES.items()}
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


def entity_prefix() -> str:
    return settings.base_iri() + "id/"


def entity_iri(kind: str, slug: str) -> str:
    return f"{entity_prefix()}{kind}/{slug}"


def split_entity_iri(iri: str) -> tuple[str, str] | None:
    """(kind, slug) when ``iri`` is one of our entity IRIs that the app can serve, else None."""
    prefix = entity_prefix()
    if not iri.startswith(prefix):
        return None
    kind, sep, slug = iri[len(prefix):].partition("/")
    if not sep or kind not in KINDS or not _SLUG_RE.match(slug):
        return None
    return kind, slug


def entity_url(kind: str, slug: str, fmt: str | None = None, external: bool = False) -> str:
    if fmt is not None:
        slug = f"{slug}.{SUFFIX_OF[fmt]}"
    return url_for("entity.show", kind=kind, slug=slug, _external=external)


def term_href(iri: str) -> str | None:
    """Where a link to ``iri`` should go: our page for our entities, the ontology page's anchor for the
    ontology's terms, the IRI itself for other web IRIs, nothing for anything else (``javascript:``,
    ``urn:``… are shown, never linked)."""
    parts = split_entity_iri(iri)
    if parts:
        return entity_url(*parts)
    namespace = settings.ontology_namespace()
    if iri.startswith(namespace) or iri == namespace[:-1]:
        return ontology_url(term=iri[len(namespace):] or None)  # the ontology's terms resolve to /ontology#X
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def sparql_url(query: str | None = None, fmt: str | None = None, external: bool = False) -> str:
    params = {k: v for k, v in (("query", query), ("format", fmt)) if v}
    base = url_for("sparql.endpoint", _external=external)
    return f"{base}?{urlencode(params)}" if params else base


def home_url() -> str:
    return url_for("home.index")


def health_url() -> str:
    return url_for("health.health")


def static_url(filename: str) -> str:
    return url_for("static", filename=filename)


TEMPLATE_GLOBALS = {
    "entity_url": entity_url,
    "term_href": term_href,
    "sparql_url": sparql_url,
    "home_url": home_url,
    "health_url": health_url,
    "static_url": static_url,
}


# Named queries (``/queries``): format suffixes a query URL may carry, and the result format each selects.
QUERY_SUFFIXES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}


def queries_url(lang: str | None = None, fmt: str | None = None) -> str:
    """The list of named queries; ``fmt="json"`` is its JSON form."""
    base = url_for("queries.index_json") if fmt == "json" else url_for("queries.index")
    return f"{base}?{urlencode({'lang': lang})}" if lang else base


def query_url(name: str, fmt: str | None = None, params: dict[str, str] | None = None,
              lang: str | None = None) -> str:
    """One named query's page (``fmt=None``) or its results in a format (``json``, ``xml``, ``csv``,
    ``tsv`` as a suffix), with parameter values as query-string arguments."""
    if fmt is not None and fmt not in QUERY_SUFFIXES:
        raise ValueError(f"no suffix for format {fmt!r}")
    path = url_for("queries.show", name=f"{name}.{fmt}" if fmt else name)
    args = [(k, v) for k, v in (params or {}).items() if v is not None and v != ""]
    if lang:
        args.append(("lang", lang))
    return f"{path}?{urlencode(args)}" if args else path


TEMPLATE_GLOBALS.update({"queries_url": queries_url, "query_url": query_url})


# Browsing (``/browse``): lists per kind with facet filters and pages, and the organization tree.

def browse_url(kind: str, filters: dict[str, str] | None = None, page: int | None = None) -> str:
    """The list of one kind; ``filters`` maps a facet name to its value (as in the query string),
    ``page`` (from 1) is left out for the first page."""
    args = sorted((k, v) for k, v in (filters or {}).items() if v is not None and v != "")
    if page is not None and page > 1:
        args.append(("page", str(page)))
    path = url_for("browse.listing", kind=kind)
    return f"{path}?{urlencode(args)}" if args else path


def browse_index_url() -> str:
    return url_for("browse.index")


def organization_tree_url() -> str:
    return url_for("browse.tree")


def lang_switch_url() -> str:
    """This page in the other language: the same path and query arguments, ``lang`` replaced."""
    from flask import request

    from webapp.i18n import other_lang

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", other_lang()))
    return f"{request.script_root}{request.path}?{urlencode(args)}"


TEMPLATE_GLOBALS.update({"browse_url": browse_url, "browse_index_url": browse_index_url,
                         "organization_tree_url": organization_tree_url, "lang_switch_url": lang_switch_url})


def search_url(q: str | None = None, fmt: str | None = None, lang: str | None = None,
               limit: int | None = None) -> str:
    """``/search`` (HTML) or ``/search.json`` (``fmt="json"``), with the query and options."""
    if fmt not in (None, "json"):
        raise ValueError(f"no search format {fmt!r}")
    path = url_for("search.search_json") if fmt == "json" else url_for("search.search")
    args = [(k, v) for k, v in (("q", q), ("limit", limit), ("lang", lang)) if v is not None and v != ""]
    return f"{path}?{urlencode(args)}" if args else path


TEMPLATE_GLOBALS.update({"search_url": search_url})


def entity_page_url(kind: str, slug: str, group: str | None = None, page: int | None = None) -> str:
    """An entity page with one of its groups (``out:IRI``, ``in:IRI`` or a section's key) on ``page``."""
    path = entity_url(kind, slug)
    args = [(k, v) for k, v in (("group", group), ("page", page)) if v is not None and v != ""]
    return f"{path}?{urlencode(args)}" if args else path


TEMPLATE_GLOBALS["entity_page_url"] = entity_page_url


# Research conventions: the ontology's documentation, the dataset's VoID description and its dumps.

def ontology_url(fmt: str | None = None, term: str | None = None, external: bool = False) -> str:
    """``/ontology`` (HTML), its RDF with a suffix (``fmt`` one of :data:`SUFFIXES`' formats), or a term's
    anchor on the page (``term`` is the local name after ``#``)."""
    name = "ontology.document" if fmt is None else "ontology.document_as"
    path = url_for(name, _external=external, **({} if fmt is None else {"ext": SUFFIX_OF[fmt]}))
    return f"{path}#{term}" if term else path


def void_url(fmt: str | None = None, external: bool = False) -> str:
    """``/.well-known/void`` (negotiated), or one format of it by ``format=``."""
    path = url_for("void.description", _external=external)
    return f"{path}?{urlencode({'format': fmt})}" if fmt else path


def dump_url(filename: str, external: bool = False) -> str:
    return url_for("void.dump", filename=filename, _external=external)


TEMPLATE_GLOBALS.update({"ontology_url": ontology_url, "void_url": void_url, "dump_url": dump_url})
