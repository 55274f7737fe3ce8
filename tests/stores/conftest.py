"""External engines started for real on loopback, each holding the seed build, and a ``backend`` fixture
parametrized over the three stores the app can read: embedded, Oxigraph server and Virtuoso.

Each engine is started once per session (Virtuoso in a few seconds, Oxigraph server in less) and loaded
with ``graph.remote_load.publish`` — the same code ``danvan build --endpoint`` runs. Needs Debian's
virtuoso-opensource-7 (``make test`` installs it through ``make virtuoso``) and the ``oxigraph`` wheel (the
test extra).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from graph import store as builds
from graph.remote_load import publish
from graph.stores import EmbeddedStore, Endpoint, RemoteStore

_spec = importlib.util.spec_from_file_location("engines", Path(__file__).parents[1] / "engines.py")
engines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engines)

BACKENDS = ("embedded", "oxigraph-server", "virtuoso")
# Oxigraph server has no per-query timeout: its server-wide one stops what our HTTP deadline gave up on.
OXIGRAPH_TIMEOUT_S = 10


@pytest.fixture(scope="session")
def engines_module():
    return engines


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    with engines.OxigraphServer.running(tmp_path_factory.mktemp("oxigraph"), timeout=OXIGRAPH_TIMEOUT_S) as o:
        yield o


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    with engines.Virtuoso.running(tmp_path_factory.mktemp("virtuoso"), memory_mb=256, timeout=60) as v:
        yield v


def loader_endpoint(name: str, engine) -> Endpoint:
    """How `danvan build --endpoint` reaches the engine: with the update and Graph Store URLs (Virtuoso's
    dba signs in by digest there; the public /sparql stays read-only)."""
    if name == "virtuoso":
        return Endpoint(engine.auth_url, engine.store_url, user="dba", password="dba")
    return Endpoint(engine.query_url, engine.store_url)


@pytest.fixture(scope="session")
def loader():
    return loader_endpoint


@pytest.fixture(scope="session")
def loaded(request, store_dir):
    """name → (engine, its read endpoint), the seed build published into it (engines started on demand)."""
    done: dict[str, tuple] = {}

    def get(name: str):
        if name not in done:
            engine = request.getfixturevalue(name.replace("-", "_"))
            publish(builds.live_build_dir(store_dir), loader_endpoint(name, engine))
            done[name] = (engine, Endpoint(engine.query_url))
        return done[name]

    return get


@pytest.fixture(scope="session")
def smaller_build(tmp_path_factory):
    """A second, different build (its folder): the packaged sources without the last news article."""
    from graph.build import build
    from graph.resources import source_files

    files = [p for p in source_files() if not p.name.startswith("004-")]
    path = tmp_path_factory.mktemp("smaller") / "store"
    build(path, sources=files)
    return builds.live_build_dir(path)


@pytest.fixture(params=BACKENDS)
def backend(request, store_dir, loaded):
    """A store of each kind, all holding the same seed build."""
    if request.param == "embedded":
        _build, db, info = builds.open_live(store_dir)
        return EmbeddedStore(db, info)
    _engine, endpoint = loaded(request.param)
    return RemoteStore(endpoint, timeout_s=30)


@pytest.fixture(scope="session")
def embedded(store_dir):
    _build, db, info = builds.open_live(store_dir)
    return EmbeddedStore(db, info)


@pytest.fixture(scope="session")
def many_graphs_build():
    """``make(folder, graphs)``: a build folder with that many source graphs (see below)."""
    return _many_graphs_build


def _many_graphs_build(folder, graphs: int):
    """A build folder as `danvan build` leaves it, holding ``graphs`` one-statement source graphs and their
    union: as many graphs as a 100k-triple build of articles has."""
    import pyoxigraph as ox

    build_dir = folder / "20260101T000000000000Z-many"
    build_dir.mkdir()
    db = ox.Store(str(builds.data_path(build_dir)))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for n in range(graphs):
        triple = (ox.NamedNode(f"https://w3id.org/danvan/id/work/w{n}"), label, ox.Literal(f"w{n}"))
        db.add(ox.Quad(*triple, ox.NamedNode(f"https://w3id.org/danvan/id/source/s{n}")))
        db.add(ox.Quad(*triple, ox.DefaultGraph()))
    db.flush()
    del db
    (build_dir / builds.BUILD_INFO).write_text(json.dumps({"build_id": build_dir.name, "triples": graphs,
                                                    "quads": 2 * graphs}), encoding="utf-8")
    return build_dir
