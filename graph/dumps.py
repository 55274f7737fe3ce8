"""What a build publishes beside its store: the dataset's dumps and the statistics of its VoID description.

:func:`publish` runs once per build, after the store is written and closed and before ``build.json``:
it opens the new store read-only, writes ``dumps/danvan.nq.gz`` and ``dumps/danvan.trig.gz`` (every
named graph, the derived default-graph union left out, as ``danvan export`` writes them) and counts
what VoID reports, so the web app never counts per request. It returns the entries ``build.json``
records: ``dumps`` (file, format, media type, bytes, SHA-256, quads) and ``statistics``.

The gzip header carries no file name and no time, so the same data gives the same bytes and checksum.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import export, settings, store
from graph.errors import StoreError

FOLDER = "dumps"
# name → export format; the order is the order VoID lists them
FILES = {"danvan.nq.gz": "nquads", "danvan.trig.gz": "trig"}
_CHUNK = 1 << 16
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def dumps_dir(build_dir: str | os.PathLike) -> Path:
    return Path(build_dir) / FOLDER


def publish(build_dir: str | os.PathLike) -> dict[str, Any]:
    """Write the dumps of the store in ``build_dir`` and count its statistics (see the module doc)."""
    db = ox.Store.read_only(str(store.data_path(build_dir)))
    folder = dumps_dir(build_dir)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise StoreError(f"Cannot create {folder} ({e.strerror or e}): check --store.") from None
    quads = _count(db, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    paths = {fmt: folder / name for name, fmt in FILES.items()}
    try:
        with contextlib.ExitStack() as stack:
            outs = {fmt: stack.enter_context(_gzip(stack.enter_context(open(p, "wb")))) for fmt, p in paths.items()}
            export.write_graphs(db, outs)
    except OSError as e:
        raise StoreError(f"Cannot write the dumps in {folder} ({e.strerror or e}): check the disk and --store.") from None
    written = [_described(paths[fmt], fmt, quads) for fmt in FILES.values()]
    return {"dumps": written, "statistics": statistics(db)}


def _gzip(raw):
    # no file name and no time in the header: the same data gives the same bytes
    return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)


def _described(path: Path, fmt: str, quads: int) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return {"file": path.name, "format": fmt, "media_type": export.MEDIA_TYPES[fmt],
            "bytes": path.stat().st_size, "sha256": digest.hexdigest(), "quads": quads}


def _count(db: ox.Store, query: str) -> int:
    return int(next(iter(db.query(query)))["n"].value)


def statistics(db: ox.Store) -> dict[str, Any]:
    """VoID's counts over the default graph (the union of every graph, as /sparql sees it), a class and a
    property partition, and each named graph's size. Entities are the subjects in our ``id/`` space."""
    id_space = settings.base_iri() + "id/"
    classes = [{"class": r["c"].value, "entities": int(r["n"].value)} for r in db.query(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{_RDF_TYPE}> ?c FILTER(isIRI(?c)) }} GROUP BY ?c ORDER BY ?c")]
    properties = [{"property": r["p"].value, "triples": int(r["n"].value)} for r in db.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")]
    graphs = [{"graph": r["g"].value, "triples": int(r["n"].value)} for r in db.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")]
    return {
        "triples": _count(db, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        # the setting's IRI written as a literal by pyoxigraph (substitutions reach only projected variables)
        "entities": _count(db, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
                               f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(id_space)})) }}"),
        "distinct_subjects": _count(db, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "distinct_objects": _count(db, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        "uri_space": id_space,
        "classes": classes,
        "properties": properties,
        "graphs": graphs,
    }
