"""The network wall: query workers cannot open network connections, whatever the query asks for, and a
server that cannot wall them off refuses to serve (no silent downgrade)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from graph import sandbox
from graph.bounded import Pool
from graph.errors import QueryError
from graph.store import data_path, live_build_dir


@pytest.fixture(scope="module")
def pool():
    p = Pool(1)
    yield p
    p.close()


@pytest.fixture(scope="module")
def path(store_dir) -> str:
    return str(data_path(live_build_dir(store_dir)))


def test_the_worker_proves_its_wall(pool):
    hello = pool.check()
    assert hello["wall"] in ("network namespace", "user and network namespaces")
    assert set(hello["probe"]) == {host for host, _ in sandbox.PROBES}
    assert all(v.startswith("blocked") for v in hello["probe"].values()), hello["probe"]


def test_the_unprivileged_wall_holds_too():
    # What a non-root server does: a user namespace to be allowed a network namespace (in a child: the
    # wall is for good once entered).
    code = ("from graph import sandbox; how = sandbox.enter(privileged=False); report = sandbox.probe(); "
            "print(how, sandbox.holds(report), report)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("user and network namespaces True"), done.stdout


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_service_reaches_no_listener(pool, path, loopback_listener, silent):
    query = f"SELECT * WHERE {{ SERVICE {silent}<http://127.0.0.1:{loopback_listener.port}/x> {{ ?s ?p ?o }} }}"
    try:
        result = pool.run(path, query, timeout=30, max_rows=10, results_format="tsv", graph_format=None)
    except QueryError as e:
        assert not silent
        assert "unreachable" in str(e).lower(), e
    else:  # SERVICE SILENT turns the failure into an empty solution: still nothing from the listener
        assert silent
        assert loopback_listener.MARKER.encode() not in result.body
        assert result.body.count(b"\n") <= 2, result.body
    assert loopback_listener.connections == 0


def test_the_probe_sees_a_network_outside_the_wall(loopback_listener):
    # This test process is not walled: the probe must call the loopback listener reachable.
    report = sandbox.probe(((("127.0.0.1", loopback_listener.port)),))
    assert report["127.0.0.1"].startswith("OPEN"), report
    assert not sandbox.holds(report)


def test_serve_refuses_to_start_without_the_wall(tmp_path, store_dir, danvan, clean_env):
    # Make unshare fail in the server and its workers, as on a machine without namespaces.
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent("""
        import ctypes, errno
        _real = ctypes.CDLL
        class _NoNamespaces:
            def __init__(self, lib):
                self._lib = lib
            def unshare(self, flags):
                ctypes.set_errno(errno.EPERM)
                return -1
            def __getattr__(self, name):
                return getattr(self._lib, name)
        def CDLL(name, *args, **kwargs):
            lib = _real(name, *args, **kwargs)
            return _NoNamespaces(lib) if name is None else lib
        ctypes.CDLL = CDLL
    """))
    done = subprocess.run([danvan, "serve", "--port", "9", "--store", str(store_dir)], cwd=tmp_path,
                          env=clean_env(PYTHONPATH=str(tmp_path)), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert "cannot cut the query workers off from the network" in done.stderr
    assert "Operation not permitted" in done.stderr
    assert "serving" not in done.stderr
