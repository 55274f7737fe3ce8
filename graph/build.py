"""The pipeline: load → reason → validate → store (or, when only source files changed, an incremental
build from the live one: :mod:`graph.incremental`).

:func:`build` loads, reasons and validates in memory; only if the data conforms does it bulk-load a new
on-disk store beside the live one and swap it in. On any failure the new directory is deleted (or
never made) and the live store is untouched. A build holds the store's lock from start to end (one
build at a time per store), first removes what killed builds left, and last prunes old builds; a build
killed at any moment leaves at most a partial folder, which the live store never points to.
:func:`check` runs the same steps in memory and writes nothing.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from graph import __version__, browse_index, changes, dumps, resources, search_index, settings, store
from graph.errors import BuildLocked, ValidationFailed
from graph.incremental import FINDINGS, Plan, digest, inputs_digest
from graph.incremental import apply as incremental_apply
from graph.incremental import plan as incremental_plan
from graph.load import LoadedSource, Packaged, PathLike, default_sources, load
from graph.reason import materialize
from graph.validate import ValidationResult, findings_to_json, validate

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    build_id: str
    path: Path
    triples: int
    inferred: int
    timings: dict[str, float]  # seconds per stage: load, reason, validate, store
    validation: ValidationResult


def _quiet(_message: str) -> None:
    pass


def _pipeline(
    db: ox.Store,
    say: Progress,
    timings: dict[str, float],
    sources: Iterable[PathLike] | None,
    ontology: Iterable[PathLike] | None,
    shapes: PathLike | None,
) -> tuple[list[LoadedSource], int, ValidationResult]:
    start = time.perf_counter()
    loaded = load(db, sources, ontology)
    timings["load"] = time.perf_counter() - start
    say(f"load: {len(loaded)} sources, {len(db)} triples ({timings['load']:.2f} s)")

    start = time.perf_counter()
    inferred = materialize(db)
    timings["reason"] = time.perf_counter() - start
    say(f"reason: {inferred} inferred triples ({timings['reason']:.2f} s)")

    start = time.perf_counter()
    result = validate(db, loaded, shapes)
    timings["validate"] = time.perf_counter() - start
    say(
        f"validate: {result.violations} violation(s), {result.warnings} warning(s) ({timings['validate']:.2f} s)"
    )
    return loaded, inferred, result


def build(
    store_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    *,
    sources: Iterable[PathLike] | None = None,
    ontology: Iterable[PathLike] | None = None,
    shapes: PathLike | None = None,
    keep: int = 3,
    wait: bool = False,
    waiting: Callable[[BuildLocked], None] | None = None,
    incremental: bool = True,
) -> BuildResult:
    """Build a new store and make it the live one. Raises :class:`ValidationFailed` on violations,
    :class:`BuildLocked` if another build runs on the store (unless ``wait``: then ``waiting`` hears
    who, and the build starts when that one ends).

    ``sources``/``ontology``/``shapes`` default to the packaged files; ``keep`` complete builds are kept.
    When only source files changed since the live build, the new build starts from it
    (:mod:`graph.incremental`) unless ``incremental`` is false.
    """
    say = progress or _quiet
    link = Path(store_dir) if store_dir is not None else settings.default_store_dir()
    store.live_build_dir(link)  # a --store that is not ours fails now, not after the whole pipeline
    sources = default_sources() if sources is None else list(sources)
    ontology = [Packaged(p, "ontology") for p in resources.ontology_files()] if ontology is None else list(ontology)
    shapes = Packaged(resources.shapes_file(), "ontology") if shapes is None else shapes
    with store.build_lock(link, wait=wait, waiting=waiting):
        for partial in store.remove_partial(link):
            say(f"store: removed {partial.name}, left by an interrupted build")
        plan = incremental_plan(link, sources, ontology, shapes) if incremental else None
        if plan is not None:
            say(f"incremental: {plan.describe()} since {plan.previous.name}")
        return _build(link, say, sources, ontology, shapes, keep, plan)


def _build(
    link: Path,
    say: Progress,
    sources: list[PathLike],
    ontology: list[PathLike],
    shapes: PathLike,
    keep: int,
    plan: Plan | None,
) -> BuildResult:
    timings: dict[str, float] = {}
    if plan is None:
        # Reason and validate in memory (RocksDB transactions make rule rounds several times slower),
        # then bulk-load the result into the fresh on-disk store.
        memory = ox.Store()
        loaded, inferred, result = _pipeline(memory, say, timings, sources, ontology, shapes)
        start = time.perf_counter()
        union = store.fill_default_graph(memory)
        if not result.conforms:
            raise ValidationFailed(result, memory)
    build_dir = store.new_build_dir(link)
    db: ox.Store | None = None
    change: changes.Change | None = None
    try:
        if plan is None:
            dump = build_dir / "dataset.nq"
            memory.dump(str(dump), ox.RdfFormat.N_QUADS)
            triples = len(memory)
            memory = None
            db = ox.Store(str(store.data_path(build_dir)))
            db.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            dump.unlink()
            db.flush()
            db.optimize()
        else:
            outcome = incremental_apply(plan, build_dir, sources, ontology, shapes, say)
            db, loaded, inferred, union, triples, result = (
                outcome.db, outcome.loaded, outcome.inferred, outcome.union, outcome.quads, outcome.validation)
            timings.update(outcome.timings)
            start = time.perf_counter()
            if not result.conforms:
                store.fill_default_graph(outcome.data)  # as a full build hands it over, to name things
                raise ValidationFailed(result, outcome.data)
            db.flush()
            # the store stage in proportion to the change: the previous build's indexes and dumps updated
            step = time.perf_counter()
            change = changes.compute(plan.previous, plan.info, db, outcome.nodes, outcome.graphs)
            timings["changes"] = time.perf_counter() - step
            outcome.db = outcome.data = None  # whatever else holds the outcome, the store is ``db``'s alone
            outcome = None
        step = time.perf_counter()
        if change is None:
            search_index.write(db, build_dir)  # search.sqlite beside the store, swapped in with it
            timings["search"] = time.perf_counter() - step
            browse_index.write(db, build_dir)  # browse.sqlite: listings and facet counts, likewise
        else:
            search_index.update(db, build_dir, change, say)
            timings["search"] = time.perf_counter() - step
            browse_index.update(db, build_dir, change, say)
        timings["browse"] = time.perf_counter() - step - timings["search"]
        step = time.perf_counter()
        db = None  # pyoxigraph closes RocksDB when the object goes; readers must not race a writer
        # A full collection walks every live object: after an incremental build's reasoning and validation
        # that took 16–28 s at 100k triples. Nothing but ``db`` holds that store (the outcome let it go),
        # so the young generations suffice (tests/graph/test_build_incremental.py opens it for writing next).
        gc.collect(2 if plan is None else 1)
        timings["close"] = time.perf_counter() - step
        # what the next incremental build starts from: every finding, and (in build.json) every input's digest
        (build_dir / FINDINGS).write_text(json.dumps(findings_to_json(result.findings), ensure_ascii=False),
                                          encoding="utf-8")
        digests = plan.digests if plan is not None else {str(p): digest(p) for p in sources}
        step = time.perf_counter()
        published = dumps.publish(build_dir, change, say)  # the dataset's dumps and VoID counts, from the closed store
        timings["dumps"] = time.perf_counter() - step
        timings["store"] = time.perf_counter() - start  # so far: the swap and the pruning follow
        # build.json last: it is what makes the folder a complete build (store.is_complete)
        store.write_build_info(build_dir, {
            "build_id": build_dir.name,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "triples": union,
            "quads": triples,
            "inferred": inferred,
            "base_iri": settings.base_iri(),
            "version": __version__,
            "sources": [{"iri": s.iri, "path": s.path, "triples": s.triples, "sha256": digests[s.path]}
                        for s in loaded],
            "inputs": inputs_digest(ontology, shapes),
            "incremental": plan is not None,
            "validation": {"violations": result.violations, "warnings": result.warnings},
            "timings": {k: round(v, 3) for k, v in timings.items()},
            **published,
        })
        change = None  # closes the previous build's store, opened read-only
        store.swap_in(link, build_dir)
    except BaseException:
        db = change = None
        gc.collect()
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    timings["store"] = time.perf_counter() - start
    say(f"store: {union} distinct triples, {triples} quads in {build_dir} ({timings['store']:.2f} s)")
    for old in store.prune(link, keep):
        say(f"store: removed old build {old.name}")
    return BuildResult(build_dir.name, build_dir, union, inferred, timings, result)


def check(
    progress: Progress | None = None,
    *,
    sources: Iterable[PathLike] | None = None,
    ontology: Iterable[PathLike] | None = None,
    shapes: PathLike | None = None,
    into: ox.Store | None = None,
) -> tuple[ValidationResult, list[LoadedSource]]:
    """Load, reason and validate in memory; nothing is written. Does not raise on violations.
    ``into`` (an empty in-memory store) is left holding the data, its default graph filled as in a
    build, for naming what the report mentions."""
    timings: dict[str, float] = {}
    db = into if into is not None else ox.Store()
    loaded, _inferred, result = _pipeline(db, progress or _quiet, timings, sources, ontology, shapes)
    if into is not None:
        store.fill_default_graph(db)
    return result, loaded
