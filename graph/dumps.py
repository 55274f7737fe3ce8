"""What a build publishes beside its store: the dataset's dumps and the statistics of its VoID description.

:func:`publish` runs once per build, after the store is written and closed and before ``build.json``:
it opens the new store read-only, writes ``dumps/danvan.nq.gz`` and ``dumps/danvan.trig.gz`` (every
named graph, the derived default-graph union left out, the same quads ``danvan export`` writes) and
counts what VoID reports, so the web app never counts per request. It returns the entries ``build.json``
records: ``dumps`` (file, format, media type, bytes, SHA-256, quads) and ``statistics``.

Each file is a series of gzip members (RFC 1952 allows it; every gzip reader reads them as one stream):
one per named graph, in graph order, and a large graph (more than :data:`PART` triples) in
:func:`parts` members, its triples sent to a part by a hash of their subject and sorted within it. Where
each member lies is recorded in ``dumps/members.json`` (not served: only the files in :data:`FILES`
are). So an incremental build (``change``, :mod:`graph.changes`) copies the unchanged members' bytes
from the previous build's files, serializes again only the graphs that changed, and rewrites only the
parts of a large graph whose subjects' statements changed (the inferred graph: a one-file edit touches
a few of its hundreds of parts); the VoID counts are the previous ones plus the change's difference.
The bytes are the same as a full build's of the same data. A previous build without ``members.json``
means the dumps are written in full (said in the build's progress).

The gzip header carries no file name and no time, so the same data gives the same bytes and checksum.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import export, settings, store
from graph.changes import Change
from graph.errors import StoreError

FOLDER = "dumps"
# name → export format; the order is the order VoID lists them
FILES = {"danvan.nq.gz": "nquads", "danvan.trig.gz": "trig"}
MEMBERS = "members.json"
MEMBERS_VERSION = 1
PART = 4096  # a graph of more triples is written in parts of about this many (a power of two of them)
_HEADER = "@prefix"  # the member key of TriG's prefixes
_CHUNK = 1 << 16
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def dumps_dir(build_dir: str | os.PathLike) -> Path:
    return Path(build_dir) / FOLDER


def parts(triples: int) -> int:
    """How many members a graph of ``triples`` is written in: 1, or a power of two, so that a graph's
    parts stay the same while its size changes by less than half."""
    n = 1
    while triples > n * PART:
        n *= 2
    return n


def _part_of(subject: bytes, n: int) -> int:
    return zlib.crc32(subject) % n


def _split(lines: bytes, n: int) -> list[bytes]:
    """N-Triples ``lines`` in ``n`` parts by their subject (the text before the first space), each
    sorted."""
    if n == 1:
        return [lines]
    buckets: list[list[bytes]] = [[] for _ in range(n)]
    last, index = None, 0
    for line in lines.split(b"\n"):
        if not line:
            continue
        subject = line[:line.index(b" ")]
        if subject != last:  # a graph's dump comes subject by subject
            last, index = subject, _part_of(subject, n)
        buckets[index].append(line)
    return [b"".join(x + b"\n" for x in sorted(bucket)) for bucket in buckets]


def _gz(data: bytes) -> bytes:
    # no file name and no time in the header: the same data gives the same bytes
    return gzip.compress(data, compresslevel=6, mtime=0)


class _Writer:
    """The dump files being written, member by member, and where each member lies."""

    def __init__(self, paths: dict[str, Path], previous: dict[str, Path] | None):
        self.outs = {fmt: open(p, "wb") for fmt, p in paths.items()}
        self.olds = {fmt: open(p, "rb") for fmt, p in previous.items()} if previous else {}
        self.members: dict[str, list[list]] = {fmt: [] for fmt in paths}

    def text(self, key: str, texts: dict[str, bytes]) -> None:
        for fmt, out in self.outs.items():
            data = _gz(texts[fmt])
            self.members[fmt].append([key, out.tell(), len(data)])
            out.write(data)

    def graph(self, key: str, graph: ox.NamedNode, lines: bytes) -> None:
        if lines:
            self.text(key, {fmt: export.graph_text(fmt, graph, lines) for fmt in self.outs})

    def copy(self, key: str, where: dict[str, tuple[int, int]]) -> None:
        for fmt, out in self.outs.items():
            offset, length = where[fmt]
            self.members[fmt].append([key, out.tell(), length])
            old, left = self.olds[fmt], length
            out.flush()  # the kernel's copy writes at the file's end, after what is buffered
            while left:  # the kernel copies when it can; else through a buffer
                try:
                    n = os.copy_file_range(old.fileno(), out.fileno(), left, offset + length - left)
                    out.seek(0, os.SEEK_END)
                except (AttributeError, OSError):
                    old.seek(offset + length - left)
                    n = out.write(old.read(min(left, 1 << 24)))
                if n == 0:
                    raise StoreError(f"The previous build's dump {old.name} is shorter than its member index says.")
                left -= n

    def old_text(self, fmt: str, where: tuple[int, int]) -> bytes:
        old = self.olds[fmt]
        old.seek(where[0])
        return gzip.decompress(old.read(where[1]))

    def close(self) -> None:
        for f in (*self.outs.values(), *self.olds.values()):
            f.close()


def publish(build_dir: str | os.PathLike, change: Change | None = None,
            say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the dumps of the store in ``build_dir`` and count its statistics (see the module doc); with
    ``change``, from the previous build's dumps and counts."""
    db = ox.Store.read_only(str(store.data_path(build_dir)))
    folder = dumps_dir(build_dir)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise StoreError(f"Cannot create {folder} ({e.strerror or e}): check --store.") from None
    previous = _previous_members(change)
    if change is not None and previous is None and say is not None:
        say("store: the previous build has no dump member index: dumps written in full")
    stats = statistics(db) if previous is None else statistics_after(change, db)
    quads = sum(g["triples"] for g in stats["graphs"])
    paths = {fmt: folder / name for name, fmt in FILES.items()}
    try:
        writer = _Writer(paths, {fmt: dumps_dir(change.previous) / name for name, fmt in FILES.items()}
                         if previous is not None else None)
        try:
            if previous is None:
                _write_all(db, writer)
            else:
                _write_changed(db, writer, change, previous, {g["graph"]: g["triples"] for g in stats["graphs"]})
        finally:
            writer.close()
        (folder / MEMBERS).write_text(json.dumps({"version": MEMBERS_VERSION, "part": PART, **writer.members}),
                                      encoding="utf-8")
    except OSError as e:
        raise StoreError(f"Cannot write the dumps in {folder} ({e.strerror or e}): check the disk and --store.") from None
    written = [_described(paths[fmt], fmt, quads) for fmt in FILES.values()]
    return {"dumps": written, "statistics": stats}


def _write_all(db: ox.Store, writer: _Writer) -> None:
    writer.text(_HEADER, {"nquads": b"", "trig": export.trig_header()})
    for graph in sorted(db.named_graphs(), key=str):
        lines = db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        n = parts(lines.count(b"\n"))
        if n == 1:
            writer.graph(graph.value, graph, lines)
        else:
            for i, part in enumerate(_split(lines, n)):
                writer.graph(f"{graph.value} {i}/{n}", graph, part)


def _previous_members(change: Change | None) -> dict[str, dict[str, tuple[int, int]]] | None:
    """The previous build's members: key → format → (offset, length); None if it has no usable index."""
    if change is None:
        return None
    try:
        index = json.loads((dumps_dir(change.previous) / MEMBERS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if index.get("version") != MEMBERS_VERSION or index.get("part") != PART or "statistics" not in change.info:
        return None
    members: dict[str, dict[str, tuple[int, int]]] = {}
    for fmt in FILES.values():
        for key, offset, length in index.get(fmt, []):
            members.setdefault(key, {})[fmt] = (offset, length)
    return members


def _write_changed(db: ox.Store, writer: _Writer, change: Change, previous: dict, sizes: dict[str, int]) -> None:
    """The dumps from the previous ones: unchanged graphs' members copied, changed ones written again."""
    by_graph: dict[str, list[str]] = {}
    for key in previous:
        if key != _HEADER:
            by_graph.setdefault(key.split(" ", 1)[0], []).append(key)
    writer.copy(_HEADER, previous[_HEADER])
    touched: dict[str, set] = {}  # graph → subjects whose statements in it changed
    for q in change.removed | change.added:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            touched.setdefault(q.graph_name.value, set()).add(q.subject)
    for name in sorted(sizes):  # the graphs that hold something now, in order
        graph = ox.NamedNode(name)
        keys = sorted(by_graph.get(name, []), key=_part_index)
        n = parts(sizes[name])
        if name not in touched and name not in change.graphs and keys:
            for key in keys:
                writer.copy(key, previous[key])
        elif n == 1 or not keys or int(keys[0].rsplit("/", 1)[1] if " " in keys[0] else 1) != n:
            # a small graph, a new one, or one whose number of parts changed: written again whole
            lines = db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            if n == 1:
                writer.graph(name, graph, lines)
            else:
                for i, part in enumerate(_split(lines, n)):
                    writer.graph(f"{name} {i}/{n}", graph, part)
        else:
            _patch_parts(db, writer, graph, n, touched.get(name, set()), previous)


def _part_index(key: str) -> int:
    return int(key.rsplit(" ", 1)[1].split("/")[0]) if " " in key else 0


def _patch_parts(db: ox.Store, writer: _Writer, graph: ox.NamedNode, n: int, subjects: set, previous: dict) -> None:
    """A large graph's parts: those without a changed subject copied, the others read back, their changed
    subjects' lines replaced by the store's, sorted again."""
    by_part: dict[int, list] = {}
    for s in subjects:
        by_part.setdefault(_part_of(str(s).encode(), n), []).append(s)
    for i in range(n):
        key = f"{graph.value} {i}/{n}"
        if i not in by_part:
            if key in previous:
                writer.copy(key, previous[key])
            continue
        changed = {str(s).encode() for s in by_part[i]}
        kept: list[bytes] = []
        if key in previous:
            text = writer.old_text("trig", previous[key]["trig"])
            body = text[text.index(b" {\n") + 3:-2]  # the block's lines, without "<g> {\n" and "}\n"
            kept = [line for line in body.split(b"\n") if line and line[:line.index(b" ")] not in changed]
        fresh = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for s in by_part[i]
                              for q in db.quads_for_pattern(s, None, None, graph)], format=ox.RdfFormat.N_TRIPLES)
        lines = sorted(kept + [line for line in fresh.split(b"\n") if line])
        writer.graph(key, graph, b"".join(line + b"\n" for line in lines))


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


def statistics_after(change: Change, db: ox.Store) -> dict[str, Any]:
    """:func:`statistics` of the new store ``db``, from the previous build's and the ``change``: every
    changed quad is in it, and what counts distinct subjects or objects is looked up in both stores."""
    old = change.info["statistics"]
    removed, added = change.default()
    default = ox.DefaultGraph()
    id_space = old["uri_space"]

    def delta(counts: dict[str, int], key) -> None:
        for q in removed:
            k = key(q)
            if k is not None:
                counts[k] = counts.get(k, 0) - 1
        for q in added:
            k = key(q)
            if k is not None:
                counts[k] = counts.get(k, 0) + 1

    classes = {c["class"]: c["entities"] for c in old["classes"]}
    delta(classes, lambda q: q.object.value if q.predicate.value == _RDF_TYPE and isinstance(q.object, ox.NamedNode)
          else None)
    properties = {p["property"]: p["triples"] for p in old["properties"]}
    delta(properties, lambda q: q.predicate.value)
    graphs = {g["graph"]: g["triples"] for g in old["graphs"]}
    for q in change.removed:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            graphs[q.graph_name.value] = graphs.get(q.graph_name.value, 0) - 1
    for q in change.added:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            graphs[q.graph_name.value] = graphs.get(q.graph_name.value, 0) + 1

    def held(s, p, o, where: ox.Store) -> bool:
        return next(iter(where.quads_for_pattern(s, p, o, default)), None) is not None

    entities, subjects, objects = old["entities"], old["distinct_subjects"], old["distinct_objects"]
    for s in {q.subject for q in removed | added}:
        step = held(s, None, None, db) - held(s, None, None, change.old)
        subjects += step
        if isinstance(s, ox.NamedNode) and s.value.startswith(id_space):
            entities += step
    for o in {q.object for q in removed | added}:
        objects += held(None, None, o, db) - held(None, None, o, change.old)
    return {
        "triples": old["triples"] - len(removed) + len(added),
        "entities": entities,
        "distinct_subjects": subjects,
        "distinct_objects": objects,
        "uri_space": id_space,
        "classes": [{"class": c, "entities": n} for c, n in sorted(classes.items()) if n],
        "properties": [{"property": p, "triples": n} for p, n in sorted(properties.items()) if n],
        "graphs": [{"graph": g, "triples": n} for g, n in sorted(graphs.items()) if n],
    }
