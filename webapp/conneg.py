"""Content negotiation: which representation a request asks for, by ``format=``/suffix or ``Accept``."""

from __future__ import annotations

import pyoxigraph as ox
from flask import request

# name → (media type, pyoxigraph format)
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
RESULT_FORMATS: dict[str, tuple[str, ox.QueryResultsFormat]] = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
HTML = "html"
# Other spellings accepted in ``format=`` and in Accept.
ALIASES = {
    "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml",
    "rdf+xml": "rdfxml", "srj": "json", "srx": "xml",
}
# Media types that are not a format's own, and the formats they may stand for (first offered wins).
_EXTRA_TYPES: dict[str, tuple[str, ...]] = {
    "text/html": (HTML,), "application/xhtml+xml": (HTML,),
    "application/json": ("json", "jsonld"), "application/xml": ("xml", "rdfxml"), "text/xml": ("xml", "rdfxml"),
    "application/turtle": ("turtle",), "application/x-turtle": ("turtle",), "text/plain": ("ntriples",),
}


def normalize(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    return ALIASES.get(name, name)


def choose(offered: list[str], default: str) -> str:
    """The format among ``offered`` (names, best first) that the request prefers.

    ``format=`` wins; then the Accept header, where an explicit media type beats a wildcard; ties keep
    the order of ``offered``. ``*/*`` alone gets ``default``."""
    explicit = normalize(request.args.get("format") or request.form.get("format"))
    if explicit:
        return explicit
    by_type: dict[str, str] = {}
    for name in offered:
        if name in RDF_FORMATS:
            by_type[RDF_FORMATS[name][0]] = name
        elif name in RESULT_FORMATS:
            by_type[RESULT_FORMATS[name][0]] = name
    for media, names in _EXTRA_TYPES.items():
        for name in names:
            if name in offered:
                by_type.setdefault(media, name)
                break
    best_name, best_q = None, 0.0
    for media, q in request.accept_mimetypes:
        name = by_type.get(media.lower())
        if name is not None and q > best_q:
            best_name, best_q = name, q
    return best_name if best_name is not None else default


def wants_html() -> bool:
    """Whether an error or a page should be HTML: only when the client asked for HTML explicitly."""
    if request.path.endswith(".json"):
        return False
    html_q = max((q for m, q in request.accept_mimetypes if m in ("text/html", "application/xhtml+xml")), default=0)
    json_q = max((q for m, q in request.accept_mimetypes
                  if m in ("application/json", "application/sparql-results+json")), default=0)
    return html_q > 0 and html_q >= json_q
