"""Incremental builds: when only source files changed since the live build, start from it.

The live build's ``build.json`` records what it was built from: each source's file, graph IRI and
SHA-256, and one fingerprint of everything else the build reads (the ontology files, the shapes, the
domain rules, the base IRI, the program's version). :func:`plan` compares them with the files given
now; any difference but in the sources (or a live build that does not record them, or has no
``validation.json``) means a full build.

:func:`apply` then makes the new build from a RocksDB checkpoint of the live one (``Store.backup``:
hard links to its immutable files, so it costs no copy), in the new build directory:

1. the changed and added files are read and checked exactly as a full build reads them
   (:func:`graph.load.load`, into a scratch in-memory store, with the ontology so their source
   subjects are recognized); a source IRI another unchanged file already describes is refused;
2. the quads of changed and removed sources' graphs that the files no longer state are removed, the
   new ones added (an edited line is a few quads, not the whole file);
3. the inferred graph is patched around the change (:mod:`graph.reason_delta`: the inferred triples
   whose every end is a node of a changed triple, recomputed over a small neighbourhood of those nodes;
   exact for the ontology's single-premise rules and the two domain rules, see its docstring). When
   that does not hold (a transitive property in the ontology, a changed axiom, an unknown domain rule)
   it is recomputed in full (:func:`graph.reason.materialize` over an in-memory copy of the asserted
   graphs), and the progress line says which and why; only the difference is written;
4. the default graph (the union of every graph, see :func:`graph.store.fill_default_graph`) loses the
   triples no graph holds any more and gains the new ones;
5. validation runs on the new store itself (its default graph is the union, which the compiled
   queries read as they read the graphs): the changed and added files' EachSource shapes; for
   AllSources, the constraints that read only their focus node on the nodes the changed triples
   (asserted and inferred) touch, the others on the focus nodes those triples reach through their
   patterns (:mod:`graph.shape_reach`), the disagreement check on claims about the subjects whose
   one-valued properties changed (:class:`graph.validate.Focus`); the previous build's findings that
   were not re-checked are kept (:func:`graph.validate.merge`). Nothing is copied into memory: on the
   1M-triple synthetic graph one edited article takes about 1.5 s from reading to validation.

The caller (graph/build.py) then writes the search index, the dumps and ``build.json`` and swaps the
build in, as for a full build; the result equals a full build's (tests/graph/test_build_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import __version__, reason_delta, settings, store
from graph.errors import SourceContentError
from graph.load import LoadedSource, PathLike, load
from graph.reason import domain_rules, materialize
from graph.validate import Focus, ValidationResult, findings_from_json, merge, validate

FINDINGS = "validation.json"

Progress = Callable[[str], None]
Triple = tuple[Any, Any, Any]


@dataclass
class Plan:
    """What changed since the live build ``previous`` (its ``build.json`` in ``info``)."""

    previous: Path
    info: dict[str, Any]
    changed: list[PathLike]  # the file is there before and now, with other bytes
    added: list[PathLike]
    removed: list[dict[str, Any]]  # the previous build's records of files gone
    digests: dict[str, str]  # every current source file → its SHA-256

    def describe(self) -> str:
        return f"{len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed source file(s)"


@dataclass
class Outcome:
    db: ox.Store  # the new build's store
    data: ox.Store  # when validation fails, the statements about what the findings name (to name them)
    loaded: list[LoadedSource]
    inferred: int
    union: int
    quads: int
    validation: ValidationResult
    timings: dict[str, float] = field(default_factory=dict)
    # what the store stage may update in place of rewriting: the graphs whose content changed (source
    # graphs, the inferred graph, the default graph) and every subject or object of a changed triple
    graphs: frozenset[str] = frozenset()
    nodes: frozenset = frozenset()


def digest(path: PathLike) -> str:
    """A source's SHA-256; a generated source's fingerprint of its inputs (:mod:`graph.national.source`)."""
    if hasattr(path, "fingerprint"):
        return path.fingerprint()
    data = path.read_bytes() if hasattr(path, "read_bytes") else Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest()


def inputs_digest(ontology: Iterable[PathLike], shapes: PathLike) -> str:
    """One fingerprint of what a build reads besides the sources."""
    h = hashlib.sha256()
    for path in sorted(ontology, key=str):
        h.update(f"ontology {path} {digest(path)}\n".encode())
    h.update(f"shapes {digest(shapes)}\n".encode())
    for name, text in domain_rules():
        h.update(f"rule {name} {hashlib.sha256(text.encode()).hexdigest()}\n".encode())
    h.update(f"base {settings.base_iri()} version {__version__}\n".encode())
    return h.hexdigest()


def plan(link: Path, sources: list[PathLike], ontology: list[PathLike], shapes: PathLike) -> Plan | None:
    """What an incremental build would redo, or None when it takes a full build (see the module doc)."""
    previous = store.live_build_dir(link)
    if previous is None or not (previous / FINDINGS).is_file():
        return None
    try:
        info = json.loads((previous / store.BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("inputs") != inputs_digest(ontology, shapes):
        return None
    before = {s["path"]: s for s in info.get("sources", [])}
    if any("sha256" not in s for s in before.values()):
        return None
    digests = {str(p): digest(p) for p in sources}
    changed = [p for p in sources if str(p) in before and before[str(p)]["sha256"] != digests[str(p)]]
    added = [p for p in sources if str(p) not in before]
    now = {str(p) for p in sources}
    removed = [s for path, s in before.items() if path not in now]
    return Plan(previous, info, changed, added, removed, digests)


def apply(plan: Plan, build_dir: Path, sources: list[PathLike], ontology: list[PathLike], shapes: PathLike,
          say: Progress) -> Outcome:
    """Make the new build's store in ``build_dir`` from the files ``sources`` (see the module doc); the
    caller closes it."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    fresh = ox.Store()  # the changed and added files, read and checked as a full build reads them
    new_sources = load(fresh, [*plan.changed, *plan.added], ontology)
    kept = [s for s in plan.info["sources"] if s["path"] not in {str(p) for p in plan.changed}
            and s["path"] not in {r["path"] for r in plan.removed}]
    described = {s["iri"]: s["path"] for s in kept}
    for source in new_sources:
        if source.iri in described:
            raise SourceContentError(
                source.path, f"describes the source <{source.iri}>, which {described[source.iri]} already "
                "describes: one source per file, each with its own IRI.")
    source_by_path = {s.path: s for s in new_sources}
    timings["read"] = time.perf_counter() - start

    start = time.perf_counter()
    ox.Store.read_only(str(store.data_path(plan.previous))).backup(str(store.data_path(build_dir)))
    db = ox.Store(str(store.data_path(build_dir)))
    timings["checkpoint"] = time.perf_counter() - start

    start = time.perf_counter()
    dropped = [s["iri"] for s in plan.info["sources"]
               if s["path"] in {str(p) for p in plan.changed} or s in plan.removed]
    # only the difference is written: an edited line, not the whole file
    old_quads = {q for iri in dropped for q in db.quads_for_pattern(None, None, None, ox.NamedNode(iri))}
    new_quads = {q for s in new_sources for q in fresh.quads_for_pattern(None, None, None, ox.NamedNode(s.iri))}
    for quad in old_quads - new_quads:
        db.remove(quad)
    db.extend(new_quads - old_quads)
    for record in plan.removed:  # an emptied graph is still named in the store: a full build would not have it
        if record["iri"] not in {s.iri for s in new_sources}:  # (unless the file moved)
            db.remove_graph(ox.NamedNode(record["iri"]))
    quads = plan.info["quads"] - len(old_quads - new_quads) + len(new_quads - old_quads)
    removed_triples: set[Triple] = {(q.subject, q.predicate, q.object) for q in old_quads - new_quads}
    added_triples: set[Triple] = {(q.subject, q.predicate, q.object) for q in new_quads - old_quads}
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    inferred_graph = ox.NamedNode(settings.inferred_graph())
    try:
        gone_inferred, new_inferred, size = reason_delta.reason(db, removed_triples, added_triples)
        inferred = plan.info["inferred"] - len(gone_inferred) + len(new_inferred)
        how = f"the neighbourhood of the change ({size} quads)"
    except reason_delta.NotLocal as why:
        gone_inferred, new_inferred, inferred = _reason_in_full(db, inferred_graph)
        how = f"in full, since {why}"
    for s, p, o in gone_inferred:
        db.remove(ox.Quad(s, p, o, inferred_graph))
    db.extend(ox.Quad(s, p, o, inferred_graph) for s, p, o in new_inferred)
    quads += len(new_inferred) - len(gone_inferred)
    removed_triples |= gone_inferred
    added_triples |= new_inferred
    timings["reason"] = time.perf_counter() - start
    say(f"reason: {inferred} inferred triples, {len(new_inferred)} new, {len(gone_inferred)} gone, reasoned over "
        f"{how} ({timings['reason']:.2f} s)")

    start = time.perf_counter()
    union = plan.info["triples"]
    gone = []
    for s, p, o in removed_triples:
        if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in db.quads_for_pattern(s, p, o, None)):
            gone.append(ox.Quad(s, p, o, ox.DefaultGraph()))
    for quad in gone:
        db.remove(quad)
    union -= len(gone)
    new = [ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in added_triples
           if next(iter(db.quads_for_pattern(s, p, o, ox.DefaultGraph())), None) is None]
    db.extend(new)
    union += len(new)
    quads += len(new) - len(gone)
    timings["union"] = time.perf_counter() - start

    start = time.perf_counter()
    # in the order of the files given, as a full build lists them
    by_path = {r["path"]: LoadedSource(r["iri"], r["path"], r["triples"]) for r in kept} | source_by_path
    loaded = [by_path[str(p)] for p in sources]
    nodes = {term for triple in removed_triples | added_triples for term in (triple[0], triple[2])}
    nodes |= {ox.NamedNode(iri) for iri in dropped} | {ox.NamedNode(s.iri) for s in new_sources}
    # a source whose file moved keeps its quads, but the findings name files: all its statements are re-checked
    moved = {r["iri"] for r in plan.info["sources"] if r["iri"] in {s.iri for s in new_sources}
             and r["path"] not in {s.path for s in new_sources}}
    restated = {(q.subject, q.predicate, q.object) for iri in moved
                for q in db.quads_for_pattern(None, None, None, ox.NamedNode(iri))}
    focus = Focus(frozenset({*dropped, *(s.iri for s in new_sources)}),
                  frozenset(nodes | {t for triple in restated for t in (triple[0], triple[2])}),
                  frozenset(removed_triples | added_triples | restated))
    # on the new store itself: its default graph already holds the union, which the compiled queries
    # (SELECT DISTINCT over the union of the graphs) read as they read the graphs
    fresh_result = validate(db, loaded, shapes, focus=focus, default_is_union=True)
    previous = findings_from_json(json.loads((plan.previous / FINDINGS).read_text(encoding="utf-8")))
    result = merge(previous, fresh_result, focus)
    timings["validate"] = time.perf_counter() - start
    say(f"validate: {len(nodes)} touched node(s); {result.violations} violation(s), {result.warnings} warning(s) "
        f"({timings['validate']:.2f} s)")
    graphs = {*dropped, *(s.iri for s in new_sources)}
    if gone_inferred or new_inferred:
        graphs.add(inferred_graph.value)
    if gone or new:
        graphs.add("")  # the default graph
    data = ox.Store() if result.conforms else _naming_store(db, result)
    return Outcome(db, data, loaded, inferred, union, quads, result, timings, frozenset(graphs), frozenset(nodes))


def _reason_in_full(db: ox.Store, inferred_graph: ox.NamedNode) -> tuple[set[Triple], set[Triple], int]:
    """The whole inferred graph recomputed (:func:`graph.reason.materialize`) over an in-memory copy of the
    asserted graphs (rule rounds are several times slower in RocksDB transactions): what goes, what
    comes, and its new size."""
    memory = ox.Store()
    memory.bulk_extend(q for q in db.quads_for_pattern(None, None, None, None)
                       if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name != inferred_graph)
    before = {(q.subject, q.predicate, q.object) for q in db.quads_for_pattern(None, None, None, inferred_graph)}
    inferred = materialize(memory)
    after = {(q.subject, q.predicate, q.object) for q in memory.quads_for_pattern(None, None, None, inferred_graph)}
    return before - after, after - before, inferred


def _naming_store(db: ox.Store, result: ValidationResult) -> ox.Store:
    """A small in-memory store with the statements about every IRI the findings mention (their labels and
    numbers), its named graphs only, to name them in the report as a full build's store would."""
    iris = set()
    for f in result.findings:
        words = [f.focus, f.path or "", f.value or "", *(v for _, v, is_iri in f.claimed if is_iri),
                 *(w for _, text in f.messages for w in text.split())]
        iris |= {w.strip("<>.,;:()") for w in words if w.strip("<(").startswith(("http://", "https://", "urn:"))}
    data = ox.Store()
    for iri in iris:
        data.extend(q for q in db.quads_for_pattern(ox.NamedNode(iri), None, None, None)
                    if not isinstance(q.graph_name, ox.DefaultGraph))
    return data
