"""Content negotiation: which representation a request asks for, by ``format=``/suffix or ``Accept``."""

from __future__ import annotations

from flask import request

from graph import terms as ox

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
# How a format is named where a person reads it.
FORMAT_TITLES = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML",
                 "nquads": "N-Quads", "trig": "TriG", "json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
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


def _accept_entries(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs, q=0 entries kept (they exclude a type)."""
    entries = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        entries.append((media, q))
    return entries


def _media_types(name: str) -> list[str]:
    own = RDF_FORMATS.get(name) or RESULT_FORMATS.get(name)
    types = [own[0]] if own else []
    return types + [media for media, names in _EXTRA_TYPES.items() if name in names]


def _quality(types: list[str], entries: list[tuple[str, float]]) -> float:
    """A format's q: its most specific matching range wins (exact > ``type/*`` > ``*/*``); wildcards
    stand for the format's own media type only (``types[0]``), other spellings must be named."""
    best_rank, best_q = 0, 0.0
    for i, media in enumerate(types):
        ranges = [(3, media)] + ([(2, media.split("/")[0] + "/*"), (1, "*/*")] if i == 0 else [])
        for rank, wanted in ranges:
            for m, q in entries:
                if m == wanted and (rank > best_rank or (rank == best_rank and q > best_q)):
                    best_rank, best_q = rank, q
    return best_q


def negotiate(offered: list[str], default: str) -> str | None:
    """The offered format (names) the request prefers, or None when it accepts none of them (406).

    ``format=`` wins (None if it names something not offered). Otherwise Accept decides by q-value,
    where the most specific matching range gives a type its q (``type/*`` and ``*/*`` count, ``q=0``
    excludes); ties go to ``default`` and then the order of ``offered``. No Accept header → ``default``."""
    explicit = normalize(request.args.get("format") or request.form.get("format"))
    if explicit:
        return explicit if explicit in offered else None
    header = request.headers.get("Accept", "").strip()
    if not header:
        return default
    entries = _accept_entries(header)
    ordered = [default] + [n for n in offered if n != default]
    best, best_q = None, 0.0
    for name in ordered:
        q = _quality(_media_types(name), entries)
        if q > best_q:
            best, best_q = name, q
    return best
