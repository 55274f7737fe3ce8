"""Loading a build into an external SPARQL engine, switched in at once.

``danvan build --endpoint URL`` first builds locally exactly as ``danvan build`` does (load → reason →
validate → the embedded store, its search index and dumps in the ``--store`` build folder, which the app
keeps reading them from), then :func:`publish` copies that build into the engine:

1. each graph of the build — each source's named graph, the inferred graph, the union (the embedded default
   graph, under its build's own name ``urn:danvan:union:<build_id>``) and the build's identity
   (:data:`BUILD_GRAPH`) — goes where no reader sees it before the switch:

   - *in place* when no reader names it yet: a graph the live build does not have (every graph on a first
     load, a new source, the new build's union) is not in any reader's dataset until the identity graph
     lists it;
   - *nowhere* when the live build holds it unchanged: the identity graph keeps a digest (SHA-256 of the
     sorted N-Triples) of each graph, and a graph with the same digest is left as it is (a rebuild after
     one edited source sends that source, the inferred graph and the union, not the thousands of others);
   - into a *staging* graph ``urn:danvan:staging:<build_id>:<n>`` (which no query's dataset names) when it
     is live and changed, and always for the identity graph.

   How the graphs travel is the engine's (:class:`graph.stores.Dialect`): as N-Quads, the whole build in a
   few requests of at most :data:`CHUNK_BYTES` (``POST`` to the Graph Store URL without ``graph=``, which
   Oxigraph server and Fuseki read as a dataset), or graph by graph with the Graph Store Protocol (``PUT``
   of N-Triples, a graph larger than a request continued by ``POST``: Virtuoso, whose Graph Store takes
   one graph per request). Either way the text is pyoxigraph's own dump of each graph;
2. ONE SPARQL Update request (on an engine that limits a request's operations, as few as it takes:
   :attr:`graph.stores.Dialect.update_operations`) drops the live graphs the new build no longer has and
   puts every staging graph in place of its live name (:meth:`graph.stores.Dialect.replace_graph`: ``MOVE``).
   An engine that applies one update request as one transaction (Oxigraph server does; Virtuoso runs the
   request as one transaction unless its log mode is changed) switches all graphs at once: a reader sees the
   previous build or the new one, never a mixture. The switch's cost is that of the staged graphs: on
   Oxigraph server one transaction, held in memory, of every changed graph's statements;
3. if anything fails before the switch, every graph written for it (staged or in place) is dropped and the
   previous build stays live.

The identity graph is moved last within the same request. Readers (``RemoteStore``) read it first and
then name the union graph *of that build* as their default graph, so a query over the default graph sees
one build even on an engine that commits each operation of the request on its own (Virtuoso, measured by
tests/stores/test_switch.py); the previous build's union stays until the next switch, for readers that
still name it. ``GRAPH ?g`` over the sources' graphs is only as atomic as the engine's update request.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import EngineError
from graph.stores import (BUILD_GRAPH, BUILD_INFO, BUILD_NAMED, BUILD_PREVIOUS, BUILD_UNION, STAGING_PREFIX,
                          UNION_PREFIX, Dialect, Endpoint, RemoteStore, read_identity)

Progress = Callable[[str], None]
BUILD_DIGEST = "urn:danvan:build#digest"  # in the identity graph: "<sha256 of a graph's statements> <graph IRI>"

# The most one loading request carries. Large enough that a 1M-triple build (~1 GB of N-Quads) goes in a few
# dozen requests; small enough that neither side holds much of it at once (Oxigraph server loads a
# request as one transaction, in memory; Virtuoso was measured with 10 MB bodies signed by digest).
CHUNK_BYTES = 32 * 1024 * 1024


# What the engine keeps of build.json: what a reader asks the engine (which build, when, how big). The rest
# (the sources, the statistics: 0.7 MB of JSON at 100k triples) stays in the local build folder, where the
# app reads it; as one literal it made Virtuoso 7.2 refuse the Graph Store PUT ("unsupported type
# text/plain", HTTP 500).
IDENTITY_KEYS = ("build_id", "built_at", "triples", "quads", "inferred", "base_iri", "version")


def _identity_triples(info: dict[str, Any], named: list[str], union: str, previous: str | None,
                      digests: dict[str, str] | None = None) -> list[ox.Triple]:
    subject = ox.NamedNode(BUILD_GRAPH)
    kept = {k: info[k] for k in IDENTITY_KEYS if k in info}
    triples = [ox.Triple(subject, ox.NamedNode(BUILD_INFO), ox.Literal(json.dumps(kept, ensure_ascii=False))),
               ox.Triple(subject, ox.NamedNode(BUILD_UNION), ox.NamedNode(union))]
    if previous is not None:
        triples.append(ox.Triple(subject, ox.NamedNode(BUILD_PREVIOUS), ox.NamedNode(previous)))
    triples += [ox.Triple(subject, ox.NamedNode(BUILD_NAMED), ox.NamedNode(g)) for g in named]
    # "<sha256> <graph IRI>": the next publish leaves a graph whose digest it shares alone (readers ignore these)
    triples += [ox.Triple(subject, ox.NamedNode(BUILD_DIGEST), ox.Literal(f"{d} {g}"))
                for g, d in (digests or {}).items()]
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

    def text_of(name: str) -> bytes:
        graph = ox.DefaultGraph() if name == union else ox.NamedNode(name)
        return db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)

    # a graph without statements is not written: N-Quads cannot say it, and no query finds anything in it
    named = sorted(g.value for g in db.named_graphs() if next(db.quads_for_pattern(None, None, None, g), None))

    remote = RemoteStore(endpoint, timeout_s=timeout_s)
    try:
        old = read_identity(remote)
    except EngineError as e:
        if "holds no Dân vận build" not in str(e):
            raise
        old = None
    dialect = remote.dialect or Dialect()
    live = set(old.graphs) if old else set()
    # the live union stays for the readers that still name it; the one before it goes
    keep = old.union if old and old.union != union else None
    drop = sorted(live - set(named))
    if old and old.previous_union not in (None, union, keep):
        drop.append(old.previous_union)

    # Where each graph goes. A graph no reader names yet (not in the live build: a new source, every graph on a
    # first load, the union of a build not yet live) is written in place; a live graph whose statements
    # are unchanged (same digest) is left as it is; a changed live graph and the identity go to staging
    # graphs, put in place by the switch. Only the live graphs are read before the writing starts (to
    # compare digests); the others are read once, while they are written.
    start = time.perf_counter()
    old_digests = _live_digests(remote) if old else {}
    digests = {g: _digest(text_of(g)) for g in named if g in live}
    unchanged = {g for g in digests if old_digests.get(g) == digests[g]}
    if old is not None and union in (old.union, old.previous_union):
        unchanged.add(union)  # this very build's union, live or kept: a build's union never changes
    if old is not None:
        say(f"engine: {len(digests)} live graphs compared by digest ({time.perf_counter() - start:.2f} s)")
    staged = [g for g in named if g in live and g not in unchanged]
    staging = {name: f"{STAGING_PREFIX}{info['build_id']}:{n}" for n, name in enumerate(sorted(staged + [BUILD_GRAPH]))}
    in_place = [g for g in named + [union] if g not in live and g not in staging and g not in unchanged]
    written = list(staging.values()) + in_place

    def graphs() -> Iterator[tuple[str, bytes]]:
        """(where it goes, its N-Triples) for each graph to write, one at a time; the identity last, when
        every graph's digest is known."""
        for name in in_place:
            text = text_of(name)
            if name != union:
                digests[name] = _digest(text)
            yield name, text
        for name in staged:
            yield staging[name], text_of(name)
        yield staging[BUILD_GRAPH], ox.serialize(_identity_triples(info, named, union, keep, digests),
                                                 format=ox.RdfFormat.N_TRIPLES)

    start = time.perf_counter()
    try:
        if dialect.dataset_upload:
            # a POST of N-Quads adds to what a graph holds: first clear what a publish killed before it could
            # clean up may have left under these names (no reader names them; a PUT replaces anyway)
            _drop(remote, endpoint, written, dialect.update_operations)
        requests = _upload(remote, endpoint.store_url, dialect, graphs())
        del db
        say(f"engine: {len(in_place)} graphs written in place, {len(staging)} staged, {len(unchanged)} left unchanged, "
            f"in {requests} request(s) ({time.perf_counter() - start:.2f} s)")
        start = time.perf_counter()
        updates = switch_updates(staging, drop, dialect.update_operations, dialect.replace_graph)
        for update in updates:
            remote.request(endpoint.updates, data=update.encode("utf-8"), content_type="application/sparql-update")
    except BaseException:
        _drop_quietly(remote, endpoint, written, dialect.update_operations)
        raise
    say(f"engine: switched to {info['build_id']} in {len(updates)} update(s) ({time.perf_counter() - start:.2f} s)")
    return info


def _digest(text: bytes) -> str:
    """What a graph holds, whatever order its statements come in ("" for no statement)."""
    lines = text.splitlines()
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest() if lines else ""


def _live_digests(remote: RemoteStore) -> dict[str, str]:
    """The digests of the live build's graphs, as its identity graph records them (none for a build
    published before digests were kept: every live graph is then replaced)."""
    from graph.stores import _parse

    text = f"SELECT ?v WHERE {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{BUILD_DIGEST}> ?v }} }}"
    out = {}
    for row in _parse(*remote._post_query(text, None, dataset=False)):
        digest, _, graph = row["v"].value.partition(" ")
        out[graph] = digest
    return out


def _upload(remote: RemoteStore, store_url: str, dialect: Dialect, graphs: Iterator[tuple[str, bytes]]) -> int:
    """Write every (graph name, N-Triples) with the engine's Graph Store; returns the number of requests."""
    sent = 0
    if dialect.dataset_upload:
        # N-Quads: each N-Triples statement ends with " .\n" and only there (a line break inside a term is
        # written as an escape), so the graph name goes in front of that end
        body: list[bytes] = []
        size = 0
        for target, text in graphs:
            for piece in _pieces(text.replace(b" .\n", b" <%s> .\n" % target.encode("utf-8"))):
                if body and size + len(piece) > CHUNK_BYTES:
                    _send(remote, store_url, b"".join(body), "POST", "application/n-quads")
                    sent, body, size = sent + 1, [], 0
                body.append(piece)
                size += len(piece)
        if body:
            _send(remote, store_url, b"".join(body), "POST", "application/n-quads")
            sent += 1
        return sent
    for target, text in graphs:
        for n, piece in enumerate(_pieces(text) if text else [b""]):  # PUT even an empty graph: it exists then
            _send(remote, _graph_url(store_url, target), piece, "PUT" if n == 0 else "POST", "application/n-triples")
            sent += 1
    return sent


def _pieces(text: bytes) -> Iterator[bytes]:
    """``text`` in pieces of at most :data:`CHUNK_BYTES` (or one longer line), cut after a line break."""
    start = 0
    while start < len(text):
        end = start + CHUNK_BYTES
        if end < len(text):
            cut = text.rfind(b"\n", start, end)
            end = cut + 1 if cut >= start else text.index(b"\n", end) + 1
        yield text[start:end]
        start = end


def _send(remote: RemoteStore, url: str, body: bytes, method: str, content_type: str) -> None:
    remote.request(url, data=body, method=method, content_type=content_type)


def require_store_url(endpoint: Endpoint) -> None:
    if endpoint.store_url is None:
        from graph.errors import ConfigError

        raise ConfigError("Loading into an engine needs its Graph Store Protocol URL: set DANVAN_ENDPOINT_STORE "
                          "(Oxigraph server: http://HOST:PORT/store; Virtuoso: http://HOST:PORT/sparql-graph-crud-auth).")


def switch_updates(staging: dict[str, str], drop: list[str], per_request: int | None = None,
                   replace: Callable[[str, str], list[str]] = Dialect().replace_graph) -> list[str]:
    """The switch as update requests: drop the graphs in ``drop`` (what the new build no longer has), put
    each staging graph in place (``replace``: the engine's operations for one graph), the identity graph
    last. One request, unless the engine takes at most ``per_request`` operations in one: then as many as
    needed, never cutting one graph's operations apart, the identity graph's in the last."""
    groups = [[f"DROP SILENT GRAPH <{g}>"] for g in drop]
    order = sorted(staging, key=lambda name: name == BUILD_GRAPH)
    groups += [replace(staging[name], name) for name in order]
    size = per_request or sum(len(g) for g in groups)
    requests: list[list[str]] = [[]]
    for group in groups:
        if requests[-1] and len(requests[-1]) + len(group) > size:
            requests.append([])
        requests[-1] += group
    return [" ;\n".join(ops) for ops in requests if ops]


def _graph_url(store_url: str, graph: str) -> str:
    from urllib.parse import quote

    return f"{store_url}{'&' if '?' in store_url else '?'}graph={quote(graph, safe='')}"


def _drop(remote: RemoteStore, endpoint: Endpoint, names: list[str], per_request: int | None) -> None:
    size = min(per_request or 1000, 1000)
    for i in range(0, len(names), size):
        remote.request(endpoint.updates, content_type="application/sparql-update",
                       data=" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names[i:i + size]).encode("utf-8"))


def _drop_quietly(remote: RemoteStore, endpoint: Endpoint, names: list[str], per_request: int | None) -> None:
    try:
        _drop(remote, endpoint, names, per_request)
    except Exception:  # the load's own error is the one to report; leftovers are named by build id
        pass
