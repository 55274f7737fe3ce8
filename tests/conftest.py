"""Shared fixtures: a store built once per session from the packaged data, the `danvan` command, a
real server on a free loopback port, and one sample entity read straight from the store.

Nothing here depends on the working directory: paths are absolute, subprocesses run in a temporary
directory, and the environment they get has no DANVAN_* settings except those a test sets.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"

# The configuration every test starts from: what create_app and the shared store get, spelled out.
# The settings are read from os.environ on every call, so a developer's own DANVAN_* variables would
# otherwise change what the tests build and serve (see pytest_configure).
TEST_CONFIG = {"DANVAN_MAX_ROWS": 10000, "DANVAN_QUERY_TIMEOUT": 30}
# The national reference data (graph/national, README "Settings") in what the tests build from the packaged
# sources: TEST_NATIONAL for every `danvan` a test starts, SESSION_NATIONAL for the one shared store. A build
# of the whole country takes minutes and pySHACL cannot validate it, and the tests build the packaged sources
# many times, so both are off: the tests of the seed graph see the five articles and the reference files.
# tests/graph/test_national.py generates the whole country and validates a province with the curated
# sources. Once the shapes run compiled in the store, SESSION_NATIONAL = "all" gives every page and query
# test the whole country (the browse and count tests then need the scaled listings).
TEST_NATIONAL = "off"
SESSION_NATIONAL = "off"


def pytest_configure(config):
    """Run the whole session without the developer's DANVAN_* settings: tests that need one set it
    (monkeypatch.setenv, or the environment of a subprocess)."""
    for name in [k for k in os.environ if k.startswith("DANVAN_")]:
        del os.environ[name]
    os.environ["DANVAN_NATIONAL"] = TEST_NATIONAL


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without DANVAN_* settings (so the developer's own don't leak in), but for
    the tests' scope of the national data (TEST_NATIONAL) unless ``extra`` sets it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANVAN_")}
    env["DANVAN_NATIONAL"] = TEST_NATIONAL
    env.update(extra)
    return env


def danvan_command() -> str:
    """The installed console script of the interpreter running the tests."""
    beside = Path(sys.executable).with_name("danvan")
    if beside.exists():
        return str(beside)
    found = shutil.which("danvan")
    assert found, "the `danvan` console script is not installed: run `make test` (pip install -e '.[test]')"
    return found


@pytest.fixture(scope="session", name="clean_env")
def clean_env_fixture():
    """:func:`clean_env` for test modules (tests import nothing from conftest: importlib mode)."""
    return clean_env


@pytest.fixture(scope="session")
def test_config() -> dict:
    """The explicit configuration of the in-process app (a copy: tests may change theirs)."""
    return dict(TEST_CONFIG)


@pytest.fixture(scope="session")
def danvan() -> str:
    return danvan_command()


@pytest.fixture
def run_danvan(danvan, tmp_path):
    """Run `danvan ARGS…` in an empty temporary directory; returns the CompletedProcess (text)."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
        workdir = cwd or (tmp_path / "cwd")
        workdir.mkdir(exist_ok=True)
        return subprocess.run([danvan, *map(str, args)], cwd=workdir, env=env or clean_env(),
                              capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)

    return run


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """A store built once from the packaged ontology and sources (read-only for the tests)."""
    from graph import settings
    from graph.build import build

    # built under the explicit test configuration: the canonical base, nothing from the environment
    assert [k for k in os.environ if k.startswith("DANVAN_")] == ["DANVAN_NATIONAL"]
    assert settings.base_iri() == settings.CANONICAL_BASE
    path = tmp_path_factory.mktemp("built") / "store"
    os.environ["DANVAN_NATIONAL"] = SESSION_NATIONAL
    try:
        build(path)
    finally:
        os.environ["DANVAN_NATIONAL"] = TEST_NATIONAL
    return path


@pytest.fixture(scope="session")
def store(store_dir):
    from graph.store import open_store

    return open_store(store_dir)


@dataclass(frozen=True)
class Entity:
    iri: str
    kind: str
    slug: str
    label: str  # its skos:prefLabel@vi
    source_headline: str  # the headline of a source graph that states something about it


@pytest.fixture(scope="session")
def entity(store) -> Entity:
    """An organization with a Vietnamese name, stated by a source that has a headline."""
    import pyoxigraph as ox

    from graph import settings

    prefix = settings.base_iri() + "id/organization/"
    q = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX dv: <%s>
    SELECT ?s ?label ?headline WHERE {
      GRAPH ?g { ?s skos:prefLabel ?label }
      ?g dv:headline|<https://schema.org/headline> ?headline .
      FILTER(LANG(?label) = "vi" && STRSTARTS(STR(?s), "%s"))
    } ORDER BY ?s LIMIT 1""" % (settings.ontology_namespace(), prefix)
    rows = list(store.query(q))
    assert rows, "the built store has no organization with a Vietnamese name stated by a headlined source"
    r = rows[0]
    iri = r["s"].value
    assert isinstance(r["label"], ox.Literal)
    return Entity(iri, "organization", iri[len(prefix):], r["label"].value, r["headline"].value)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, attempts: int = 300) -> None:
    """Poll until the server answers; fail (with its log) if it exits or never answers."""
    import urllib.error
    import urllib.request

    for _ in range(attempts):
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"the server never answered {url}:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def server(store_dir, start_server) -> str:
    """`danvan serve` for real (waitress) on a free loopback port over the session's store; its base URL."""
    base, _proc = start_server(store_dir)
    return base


@pytest.fixture(scope="session")
def chromium() -> Path:
    # Not a skip: `make test` installs Debian's chromium, so its absence is a broken setup.
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)"
    return CHROMIUM


@pytest.fixture(scope="session")
def start_server(tmp_path_factory, danvan):
    """A factory: `danvan serve` on a free loopback port over ``store_dir`` with extra environment
    (e.g. ``DANVAN_QUERY_TIMEOUT``); returns (base URL, Popen). Every server it started is stopped at
    the end of the session."""
    started: list[subprocess.Popen] = []

    def start(store_dir: Path, *serve_args: str, port_by: str = "--port", **env: str) -> tuple[str, subprocess.Popen]:
        """``serve_args`` are added to the command line; ``port_by="PORT"`` gives the port in the
        environment instead of ``--port``."""
        workdir = tmp_path_factory.mktemp("served")
        log = workdir / "server.log"
        port = free_port()
        command = [danvan, "serve", "--host", "127.0.0.1", "--store", str(store_dir), *serve_args]
        if port_by == "PORT":
            env = {**env, "PORT": str(port)}
        else:
            command += ["--port", str(port)]
        with open(log, "wb") as out:
            proc = subprocess.Popen(command, cwd=workdir, env=clean_env(**env), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/health", proc, log)
        return base, proc

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _content_hash(store_dir: Path) -> str:
    import hashlib

    import pyoxigraph as ox

    from graph.store import data_path, live_build_dir

    db = ox.Store.read_only(str(data_path(live_build_dir(store_dir))))
    lines = sorted(str(q) for q in db.quads_for_pattern(None, None, None, None))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@pytest.fixture(scope="session")
def content_hash():
    """store_dir → sha256 of its live build's quads (sorted N-Quads): proves a store unchanged."""
    return _content_hash


@pytest.fixture(scope="session")
def headlines(store) -> dict[str, str]:
    """Each source's headline as the graph states it, by the source's number ("000"…"004", "ref-…"):
    tests look for it on pages without repeating the articles' text."""
    rows = store.query("""PREFIX schema: <https://schema.org/>
        SELECT ?s ?h WHERE { ?s schema:headline ?h }""")
    out = {}
    for r in rows:
        slug = r["s"].value.rsplit("/", 1)[-1]  # "001-46434424e5920920" or "ref-qd-23-qd-tw"
        out[slug if slug.startswith("ref-") else slug.split("-")[0]] = r["h"].value
    return out


class LoopbackListener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets and answers each with SPARQL JSON
    results holding ``MARKER`` (so a leak shows in a response). Serves until closed."""

    MARKER = "listener-data-7f3c"

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import json

        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
            {"x": {"type": "literal", "value": self.MARKER}}]}}).encode()
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def loopback_listener():
    """A :class:`LoopbackListener` for the test (closed after it)."""
    listener = LoopbackListener()
    yield listener
    listener.close()
