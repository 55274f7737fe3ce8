"""Replicas: two `danvan serve` processes on one engine, behind a loopback round-robin, keep serving without a
single error while the engine switches to another build, and both end on that build.

Each replica has its own store folder holding the builds it may be asked for (links to the built folders
here; a copy or a shared read-only volume in production: docs/deployment.md, "Replicas"). The engine
(Oxigraph server, Virtuoso: the session's, holding the seed build) is switched by
``graph.remote_load.publish`` — what ``danvan build --endpoint`` runs — while clients hammer pages and
/sparql through the round-robin. The seed build is published back at the end for the other tests.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import store as builds
from graph.remote_load import publish

ENGINES = ["oxigraph-server", "virtuoso"]
ENTITY = "https://w3id.org/danvan/id/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# a replica follows a switch within its identity refresh (2 s); this only bounds a wait that would hang
FOLLOW_WITHIN_S = 120


class RoundRobin(ThreadingHTTPServer):
    """A loopback load balancer: each request goes to the next replica in turn (nginx's default upstream
    policy), its answer passed back with the replica's number in ``X-Replica``; 502 if none answers."""

    daemon_threads = True

    def __init__(self, replicas: list[str]):
        self.replicas = replicas
        self.turn = itertools.cycle(range(len(replicas)))
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_replica(self) -> int:
        with self.lock:
            return next(self.turn)


class _Forward(BaseHTTPRequestHandler):
    def do_GET(self):
        self._forward(None)

    def do_POST(self):
        self._forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _forward(self, body: bytes | None):
        n = self.server.next_replica()
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type", "cookie")}
        request = urllib.request.Request(self.server.replicas[n] + self.path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                status, kind, answer = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, kind, answer = e.code, e.headers.get("Content-Type", ""), e.read()
            e.close()
        except OSError as e:
            status, kind, answer = 502, "text/plain", f"replica {n}: {e}".encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("X-Replica", str(n))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def get(url: str) -> tuple[int, str, str]:
    """(status, X-Replica, body); an HTTP error is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=90) as r:
            return r.status, r.headers.get("X-Replica", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers.get("X-Replica", ""), e.read().decode("utf-8", errors="replace")


def replica_store(folder: Path, kept: list[Path], live: Path) -> Path:
    """A replica's store folder: the builds it may be asked for under ``store.builds/``, ``live`` live."""
    store = folder / "store"
    builds_folder = builds.builds_dir(store)
    builds_folder.mkdir(parents=True)
    for build in kept:
        (builds_folder / build.name).symlink_to(build, target_is_directory=True)
    builds.swap_in(store, builds_folder / live.name)
    return store


def pages(build: Path) -> list[str]:
    """Pages and queries both builds answer: an entity of each main kind of ``build`` (the smaller one),
    lists, search, a named query, /sparql in JSON and in the HTML editor's form, /health."""
    db = ox.Store.read_only(str(builds.data_path(build)))
    first: dict[str, str] = {}
    for q in db.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ENTITY):
            kind, _, slug = q.subject.value[len(ENTITY):].partition("/")
            if kind in ("document", "organization", "person", "event") and (kind not in first or slug < first[kind]):
                first[kind] = slug
    assert len(first) == 4, first
    del db
    count = urllib.parse.quote(COUNT)
    return [f"/id/{kind}/{slug}" for kind, slug in sorted(first.items())] + [
        "/", "/?lang=en", "/browse/document", "/browse/organization/tree", "/search?q=d%C3%A2n+v%E1%BA%ADn",
        "/queries/replacement-chain.json", f"/sparql?query={count}&format=json", "/health"]


@pytest.mark.parametrize("name", ENGINES)
def test_two_replicas_follow_a_rebuild_without_an_error(name, loader, loaded, store_dir, smaller_build,
                                                        start_server, tmp_path):
    engine, endpoint = loaded(name)
    load = loader(name, engine)
    seed = builds.live_build_dir(store_dir)
    replicas, procs = [], []
    for n in range(2):
        folder = tmp_path / f"replica{n}"
        base, proc = start_server(replica_store(folder, [seed, smaller_build], seed),
                                  DANVAN_ENDPOINT=endpoint.query_url)
        replicas.append(base)
        procs.append(proc)
    balancer = RoundRobin(replicas)
    threading.Thread(target=balancer.serve_forever, daemon=True).start()
    paths = pages(smaller_build)
    answers: list[tuple[str, int, str, str | None]] = []  # (path, status, replica, build id of /health)
    failures: list[tuple[str, object]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        for i in itertools.count(offset):
            if stop.is_set():
                return
            path = paths[i % len(paths)]
            try:
                status, replica, body = get(balancer.url + path)
            except Exception as e:  # a broken connection is as wrong as a 500
                failures.append((path, repr(e)))
                continue
            build_id = json.loads(body).get("build_id") if path == "/health" and status == 200 else None
            answers.append((path, status, replica, build_id))
            if status != 200:
                failures.append((path, (status, replica, body[:300])))

    def served(count: int) -> None:
        """Wait until the clients have had ``count`` more answers."""
        goal, ends = len(answers) + count, time.monotonic() + FOLLOW_WITHIN_S
        while len(answers) < goal and time.monotonic() < ends:
            time.sleep(0.05)

    def serving(base: str) -> str | None:
        """The build a replica serves: its /health (the engine's) and its pages' footer must agree."""
        status, _r, body = get(base + "/health")
        health = json.loads(body).get("build_id") if status == 200 else None
        status, _r, page = get(base + paths[0])
        return health if status == 200 and f"{health} ·" in page else None

    clients = [threading.Thread(target=client, args=(k * 5,)) for k in range(2)]
    try:
        assert [serving(base) for base in replicas] == [seed.name] * 2
        for c in clients:
            c.start()
        served(2 * len(paths))
        small = publish(smaller_build, load)
        ends = time.monotonic() + FOLLOW_WITHIN_S
        while [serving(base) for base in replicas] != [small["build_id"]] * 2 and time.monotonic() < ends:
            served(len(paths))
        followed = [serving(base) for base in replicas]
        switched_at = len(answers)
        served(2 * len(paths))  # and they go on serving it
    finally:
        stop.set()
        for c in clients:
            if c.ident is not None:  # started
                c.join()
        balancer.shutdown()
        balancer.server_close()
        publish(seed, load)  # the other tests read the seed build
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    assert small["build_id"] != seed.name
    assert followed == [small["build_id"]] * 2
    assert not failures, failures[:5]
    assert {r for _p, _s, r, _b in answers} == {"0", "1"}
    assert {b for _p, _s, _r, b in answers if b} == {seed.name, small["build_id"]}
    after = answers[switched_at:]
    assert {r for _p, _s, r, _b in after} == {"0", "1"}
    assert {b for _p, _s, _r, b in after if b} == {small["build_id"]}
