"""Loading a build into an external SPARQL engine, switched in at once.

``danvan build --endpoint URL`` first builds locally exactly as ``danvan build`` does (load → reason →
validate → the embedded store, its search index and dumps in the ``--store`` build folder, which the app
keeps reading them from), then :func:`publish` copies that build into the engine:

1. every graph of the build — each source's named graph, the inferred graph, the union (the embedded
   default graph, as ``urn:danvan:union:<build_id>``) and the build's identity (:data:`BUILD_GRAPH`) —
   is written with the Graph Store Protocol (``PUT``, N-Triples) into a *staging* graph named
   ``urn:danvan:staging:<build_id>:<n>``, which no query's dataset names, so readers never see it;
2. ONE SPARQL Update request (on an engine that limits a request's operations, as few as it takes:
   :attr:`graph.stores.Dialect.update_operations`) drops the live graphs the new build no longer has and
   ``MOVE``s every staging graph onto its live name. An engine that applies one update request as one transaction
   (Oxigraph server does; Virtuoso runs the request as one transaction unless its log mode is changed)
   switches all graphs at once: a reader sees the previous build or the new one, never a mixture;
3. if anything fails before the switch, the staging graphs are dropped and the previous build stays live.

The identity graph is moved last within the same request. Readers (``RemoteStore``) read it first and
then name the union graph *of that build* as their default graph, so a query over the default graph sees
one build even on an engine that commits each operation of the request on its own (Virtuoso, measured by
tests/stores/test_switch.py); the previous build's union stays until the next switch, for readers that
still name it. ``GRAPH ?g`` over the sources' graphs is only as atomic as the engine's update request.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import EngineError
from graph.stores import (BUILD_GRAPH, BUILD_INFO, BUILD_NAMED, BUILD_PREVIOUS, BUILD_UNION, STAGING_PREFIX,
                          UNION_PREFIX, Endpoint, RemoteStore, read_identity)

Progress = Callable[[str], None]


def _graphs_of(db: ox.Store, union: str) -> dict[str, list[ox.Triple]]:
    """The build's triples by target graph name (the default graph becomes the build's union graph)."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in db.quads_for_pattern(None, None, None, None):
        name = union if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        graphs[name].append(q.triple)
    return graphs


# What the engine keeps of build.json: what a reader asks the engine (which build, when, how big). The rest
# (the sources, the statistics: 0.7 MB of JSON at 100k triples) stays in the local build folder, where the
# app reads it; as one literal it made Virtuoso 7.2 refuse the Graph Store PUT ("unsupported type
# text/plain", HTTP 500).
IDENTITY_KEYS = ("build_id", "built_at", "triples", "quads", "inferred", "base_iri", "version")


def _identity_triples(info: dict[str, Any], named: list[str], union: str, previous: str | None) -> list[ox.Triple]:
    subject = ox.NamedNode(BUILD_GRAPH)
    kept = {k: info[k] for k in IDENTITY_KEYS if k in info}
    triples = [ox.Triple(subject, ox.NamedNode(BUILD_INFO), ox.Literal(json.dumps(kept, ensure_ascii=False))),
               ox.Triple(subject, ox.NamedNode(BUILD_UNION), ox.NamedNode(union))]
    if previous is not None:
        triples.append(ox.Triple(subject, ox.NamedNode(BUILD_PREVIOUS), ox.NamedNode(previous)))
    triples += [ox.Triple(subject, ox.NamedNode(BUILD_NAMED), ox.NamedNode(g)) for g in named]
    return triples


def publish(build_dir: Path, endpoint: Endpoint, *, progress: Progress | None = None,
            timeout_s: float = 600.0) -> dict[str, Any]:
    """Load the complete local build at ``build_dir`` into the engine and switch it in; returns its
    build.json. Needs ``endpoint.store_url`` (Graph Store Protocol) and an update-capable user."""
    from graph import store as builds

    say = progress or (lambda _m: None)
    require_store_url(endpoint)
    info = builds._info(Path(build_dir))
    db = ox.Store.read_only(str(builds.data_path(build_dir)))
    union = UNION_PREFIX + info["build_id"]
    graphs = _graphs_of(db, union)
    del db
    named = sorted(g for g in graphs if g != union)

    remote = RemoteStore(endpoint, timeout_s=timeout_s)
    try:
        old = read_identity(remote)
    except EngineError as e:
        if "holds no Dân vận build" not in str(e):
            raise
        old = None
    old_named = old.graphs if old else []
    # the live union stays for the readers that still name it; the one before it goes
    keep = old.union if old and old.union != union else None
    gone = [old.previous_union] if old and old.previous_union not in (None, union, keep) else []
    graphs[BUILD_GRAPH] = _identity_triples(info, named, union, keep)

    staging = {name: f"{STAGING_PREFIX}{info['build_id']}:{n}" for n, name in enumerate(sorted(graphs))}
    start = time.perf_counter()
    try:
        for name, stage in staging.items():
            body = ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES)
            remote.request(_graph_url(endpoint.store_url, stage), data=body, method="PUT",
                           content_type="application/n-triples")
        say(f"engine: {len(staging)} graphs staged ({time.perf_counter() - start:.2f} s)")
        start = time.perf_counter()
        per_request = remote.dialect.update_operations if remote.dialect is not None else None
        updates = switch_updates(staging, old_named + gone, per_request)
        for update in updates:
            remote.request(endpoint.updates, data=update.encode("utf-8"), content_type="application/sparql-update")
    except BaseException:
        _drop_quietly(remote, endpoint, staging.values())
        raise
    say(f"engine: switched to {info['build_id']} in {len(updates)} update(s) ({time.perf_counter() - start:.2f} s)")
    return info


def require_store_url(endpoint: Endpoint) -> None:
    if endpoint.store_url is None:
        from graph.errors import ConfigError

        raise ConfigError("Loading into an engine needs its Graph Store Protocol URL: set DANVAN_ENDPOINT_STORE "
                          "(Oxigraph server: http://HOST:PORT/store; Virtuoso: http://HOST:PORT/sparql-graph-crud-auth).")


def switch_updates(staging: dict[str, str], old_named: list[str], per_request: int | None = None) -> list[str]:
    """The switch as update requests: drop what the new build no longer has, move each staging graph into
    place, the identity graph last. One request, unless the engine takes at most ``per_request``
    operations in one: then as many as needed, the identity graph's move in the last."""
    gone = [g for g in old_named if g not in staging]
    ops = [f"DROP SILENT GRAPH <{g}>" for g in gone]
    order = sorted(staging, key=lambda name: name == BUILD_GRAPH)
    ops += [f"MOVE GRAPH <{staging[name]}> TO GRAPH <{name}>" for name in order]
    size = per_request or len(ops)
    return [" ;\n".join(ops[i:i + size]) for i in range(0, len(ops), size)]


def _graph_url(store_url: str, graph: str) -> str:
    from urllib.parse import quote

    return f"{store_url}{'&' if '?' in store_url else '?'}graph={quote(graph, safe='')}"


def _drop_quietly(remote: RemoteStore, endpoint: Endpoint, names) -> None:
    try:
        remote.request(endpoint.updates, content_type="application/sparql-update",
                       data=" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names).encode("utf-8"))
    except Exception:  # the load's own error is the one to report; leftovers are named by build id
        pass
