"""`danvan build --endpoint`: a build reaches an engine all at once. A reader counting the default graph
during a rebuild sees the previous build or the new one, never a part; a load that fails keeps the
previous build live and leaves no staging graph behind. On Oxigraph server and Virtuoso alike."""

from __future__ import annotations

import json
import threading

import pytest
import pyoxigraph as ox

import graph.remote_load as remote_load
from graph import store as builds
from graph.errors import EngineError
from graph.stores import BUILD_INFO, STAGING_PREFIX, RemoteStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ENGINES = ["oxigraph-server", "virtuoso"]


def count(remote: RemoteStore) -> int:
    return int(next(iter(remote.query(COUNT)))["n"].value)


def staging_graphs(remote: RemoteStore) -> list[str]:
    text = (f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    body, headers = remote._post_query(text, None, dataset=False)
    from graph.stores import _parse

    return [row["g"].value for row in _parse(body, headers)]


@pytest.mark.parametrize("name", ENGINES)
def test_readers_see_the_old_build_or_the_new_one(loader, loaded, store_dir, smaller_build, name):
    engine, endpoint = loaded(name)
    load = loader(name, engine)
    seed = builds.live_build_dir(store_dir)
    reader = RemoteStore(endpoint, refresh_s=0)
    full = count(reader)
    seen: list[int] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                seen.append(count(reader))
            except Exception as e:  # an error is as wrong as a partial count
                errors.append(e)

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        small = remote_load.publish(smaller_build, load)
        after_small = [count(reader) for _ in range(3)]
        remote_load.publish(seed, load)
        after_full = [count(reader) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
        remote_load.publish(seed, load)  # the other tests read the seed build
    assert small["triples"] < full
    assert after_small == [small["triples"]] * 3 and after_full == [full] * 3
    assert not errors
    assert seen and set(seen) <= {full, small["triples"]}, "a reader saw a partial build"
    assert reader.identity(refresh=True)["build_id"] == seed.name
    assert staging_graphs(reader) == []


@pytest.mark.parametrize("name", ENGINES)
def test_a_failed_load_keeps_the_previous_build(loader, loaded, store_dir, smaller_build, name, monkeypatch):
    engine, endpoint = loaded(name)
    load = loader(name, engine)
    reader = RemoteStore(endpoint, refresh_s=0)
    before, live = count(reader), reader.identity()["build_id"]
    real, calls = remote_load._send, []

    def breaks_on_the_third(remote, url, body, method, content_type):
        calls.append(url)
        # the third request goes to a closed loopback port: the engine "fails" mid-load
        real(remote, "http://127.0.0.1:9/store" if len(calls) == 3 else url, body, method, content_type)

    monkeypatch.setattr(remote_load, "CHUNK_BYTES", 50_000)  # the seed build in several requests on any engine
    monkeypatch.setattr(remote_load, "_send", breaks_on_the_third)
    with pytest.raises(EngineError):
        remote_load.publish(smaller_build, load)
    assert len(calls) == 3
    assert count(reader) == before and reader.identity()["build_id"] == live
    assert staging_graphs(reader) == []


@pytest.mark.parametrize("name", ENGINES)
def test_a_build_sent_in_many_small_requests_is_the_same_build(loader, loaded, store_dir, smaller_build, name,
                                                                monkeypatch):
    """Requests cut at :data:`remote_load.CHUNK_BYTES` (graphs split across requests, a graph continued by
    POST on Virtuoso) give the engine exactly the build's quads, graph by graph, after a switch from
    another build: the graphs both builds hold unchanged stay, the others are replaced or written."""
    engine, endpoint = loaded(name)
    seed = builds.live_build_dir(store_dir)
    remote_load.publish(smaller_build, loader(name, engine))
    monkeypatch.setattr(remote_load, "CHUNK_BYTES", 20_000)
    sent = []
    real = remote_load._send
    monkeypatch.setattr(remote_load, "_send", lambda *a: (sent.append(a[3]), real(*a)))
    remote_load.publish(seed, loader(name, engine))
    reader = RemoteStore(endpoint, refresh_s=0)
    _build, db, info = builds.open_live(store_dir)
    graphs = [g.value for g in db.named_graphs()]
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    from graph.stores import _parse

    got = {row["g"].value: int(row["n"].value) for row in _parse(*reader._post_query(text, None, dataset=True))}
    want = {g: len(list(db.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in graphs}
    assert got == want
    assert count(reader) == len(list(db.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    assert len(sent) > 10 and ("POST" in sent if name == "virtuoso" else set(sent) == {"POST"})
    assert staging_graphs(reader) == []


def test_a_graph_of_megabytes_loads_into_virtuoso_signed_by_digest(loader, loaded):
    """A Graph Store PUT of ~10 MB with digest authentication. urllib alone sends a request unsigned first and
    signs it after the 401; Virtuoso answers that 401 before reading a large body and closes the connection
    (a broken pipe at 8 MB, where 2 MB passed): the 100k-triple build's union graph could not be loaded."""
    engine, _endpoint = loaded("virtuoso")
    load = loader("virtuoso", engine)
    remote = RemoteStore(load, timeout_s=300)  # the machine running the tests may be busy
    lines = 1_000  # of 9 kB each: megabytes for the wire, few triples for the engine to write and drop
    text = "x" * 9_000
    body = b"".join(b'<urn:test:s%d> <urn:test:p> "%s" .\n' % (i, text.encode()) for i in range(lines))
    graph = STAGING_PREFIX + "megabytes"  # a staging name: no reader's dataset names it
    try:
        remote.request(remote_load._graph_url(load.store_url, graph), data=body, method="PUT",
                       content_type="application/n-triples")
        from graph.stores import _parse

        def holds(i: int) -> bool:  # one lookup each: the first and the last line of the body arrived
            ask = f'ASK {{ GRAPH <{graph}> {{ <urn:test:s{i}> <urn:test:p> "{text}" }} }}'
            return bool(_parse(*remote._post_query(ask, None, dataset=False)))

        assert len(body) > 8_000_000
        assert holds(0) and holds(lines - 1) and not holds(lines)
    finally:
        remote.request(load.updates, data=f"DROP SILENT GRAPH <{graph}>".encode(),
                       content_type="application/sparql-update")
    assert staging_graphs(remote) == []


def test_the_engine_keeps_the_builds_identity_not_its_whole_build_json():
    # 0.7 MB of build.json (the sources, the statistics) in one literal made Virtuoso refuse the PUT (HTTP 500)
    info = {"build_id": "b1", "built_at": "2026-12-01T00:00:00Z", "triples": 3, "quads": 5, "inferred": 1,
            "sources": [{"file": f"s{i}.ttl"} for i in range(20_000)], "statistics": {"x": 1}}
    triples = remote_load._identity_triples(info, ["urn:g"], "urn:u", None)
    kept = json.loads(next(t.object.value for t in triples if t.predicate.value == BUILD_INFO))
    assert kept == {k: info[k] for k in ("build_id", "built_at", "triples", "quads", "inferred")}


@pytest.mark.parametrize("name", ENGINES)
def test_a_build_of_thousands_of_sources_switches_in(loader, loaded, store_dir, tmp_path, name, many_graphs_build):
    # Virtuoso 7.2 refuses one update of 2,130 MOVEs ("SQ200: Query too large"): its switch is split
    engine, endpoint = loaded(name)
    load = loader(name, engine)
    reader = RemoteStore(endpoint, refresh_s=0)
    try:
        info = remote_load.publish(many_graphs_build(tmp_path, 2200), load)
        assert count(reader) == 2200
        assert reader.identity(refresh=True)["build_id"] == info["build_id"]
        assert staging_graphs(reader) == []
    finally:
        remote_load.publish(builds.live_build_dir(store_dir), load)  # the other tests read the seed build


@pytest.mark.parametrize("name", ENGINES)
def test_a_graph_the_live_build_holds_unchanged_is_not_sent_again(loader, loaded, store_dir, name):
    """Publishing the live build again sends its identity only: not its union (a build's union graph never
    changes) nor its source graphs, which the digests kept in the identity graph say are unchanged."""
    engine, endpoint = loaded(name)
    seed = builds.live_build_dir(store_dir)
    said: list[str] = []
    remote_load.publish(seed, loader(name, engine))
    remote_load.publish(seed, loader(name, engine), progress=said.append)
    _build, db, _info = builds.open_live(store_dir)
    sources = sum(1 for _ in db.named_graphs())
    assert any(m.startswith(f"engine: 0 graphs written in place, 1 staged, {sources + 1} left unchanged")
               for m in said), said
    reader = RemoteStore(endpoint, refresh_s=0)
    assert count(reader) == len(list(db.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    assert staging_graphs(reader) == []


@pytest.mark.parametrize("name", ENGINES)
def test_what_a_killed_publish_left_under_a_graph_name_does_not_stay(loader, loaded, store_dir, smaller_build, name):
    """A graph no reader names yet is written in place, and Oxigraph server's N-Quads POST adds to a graph:
    a publish killed before it cleaned up would leave statements there for the next publish to mix in."""
    engine, endpoint = loaded(name)
    load = loader(name, engine)
    remote_load.publish(smaller_build, load)
    _build, db, _info = builds.open_live(store_dir)
    reader = RemoteStore(endpoint, refresh_s=0)
    new = sorted({g.value for g in db.named_graphs()} - set(reader._build().graphs))
    assert new  # the seed's last article: not in the smaller build, so written in place
    RemoteStore(load).request(load.updates, content_type="application/sparql-update",
                   data=f'INSERT DATA {{ GRAPH <{new[0]}> {{ <urn:left:behind> <urn:left:by> "a killed publish" }} }}'.encode())
    remote_load.publish(builds.live_build_dir(store_dir), load)
    text = f"ASK {{ GRAPH <{new[0]}> {{ <urn:left:behind> ?p ?o }} }}"
    from graph.stores import _parse

    assert not _parse(*reader._post_query(text, None, dataset=False))
    assert count(reader) == len(list(db.quads_for_pattern(None, None, None, ox.DefaultGraph())))
