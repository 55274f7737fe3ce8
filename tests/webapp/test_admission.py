"""Admission control on a real server (the short load variant; the long one is in bench/).

Runaway SPARQL from several clients at once, mixed with entity pages and /health for about ten seconds:
SPARQL beyond the workers and the queue is answered at once (503 with Retry-After), a runaway query is
stopped at its deadline (503), nothing else is a 5xx, and every entity page and /health request gets its
200 with its content. A client that spent its budget of query seconds gets 429 with Retry-After while
another client is still served. Nothing here is timed: the load runs for a bounded time and stops.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LOAD_SECONDS = 10
SPARQL_CLIENTS = 8
PAGE_CLIENTS = 3


@pytest.fixture(scope="module")
def busy_server(store_dir, start_server):
    return start_server(store_dir, DANVAN_QUERY_TIMEOUT="1", DANVAN_QUERY_WORKERS="2", DANVAN_QUERY_QUEUE="1",
                        DANVAN_QUERY_BUDGET="1000")


def test_runaway_sparql_is_shed_and_pages_are_served(busy_server, entity, path_of):
    base, _ = busy_server
    stop = time.monotonic() + LOAD_SECONDS
    sparql: list[tuple[int, str | None, str]] = []
    pages: list[tuple[str, int, bool]] = []
    errors: list[str] = []

    def runaway() -> None:
        with requests.Session() as s:
            while time.monotonic() < stop:
                r = s.get(base + "/sparql", params={"query": RUNAWAY}, timeout=60,
                          headers={"Accept": "application/sparql-results+json"})
                sparql.append((r.status_code, r.headers.get("Retry-After"), r.text))

    def browse() -> None:
        with requests.Session() as s:
            while time.monotonic() < stop:
                r = s.get(base + path_of(entity.iri), headers={"Accept": "text/html"}, timeout=60)
                pages.append(("entity", r.status_code, entity.label in r.text))
                h = s.get(base + "/health", timeout=60)
                pages.append(("health", h.status_code, h.status_code == 200 and h.json()["status"] == "ok"))

    def guarded(work):
        def run():
            try:
                work()
            except Exception as e:  # noqa: BLE001 - a connection error is a failure of the test, reported below
                errors.append(repr(e))
        return run

    threads = [threading.Thread(target=guarded(runaway)) for _ in range(SPARQL_CLIENTS)]
    threads += [threading.Thread(target=guarded(browse)) for _ in range(PAGE_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LOAD_SECONDS + 120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors

    statuses = Counter(code for code, _, _ in sparql)
    assert set(statuses) <= {200, 503, 429}, statuses
    busy = [(code, retry) for code, retry, text in sparql if code == 503 and "try again in" in text]
    stopped = [code for code, _, text in sparql if code == 503 and "was stopped" in text]
    assert busy, f"no SPARQL request was turned away although {SPARQL_CLIENTS} clients ran runaway queries: {statuses}"
    assert all(retry and int(retry) >= 1 for _, retry in busy)
    assert stopped, statuses
    others = [text for code, _, text in sparql if code == 503 and "try again in" not in text and "was stopped" not in text]
    assert not others, others[:3]

    assert pages and all(code == 200 and ok for _, code, ok in pages), Counter((k, c, ok) for k, c, ok in pages)
    assert {"entity", "health"} <= {kind for kind, _, _ in pages}


@pytest.fixture(scope="module")
def budget_server(store_dir, start_server):
    return start_server(store_dir, DANVAN_QUERY_TIMEOUT="1", DANVAN_QUERY_BUDGET="2",
                        DANVAN_CLIENT_HEADER="X-Forwarded-For")


def test_a_spent_budget_is_429_for_that_client_only(budget_server):
    base, _ = budget_server
    spender = {"X-Forwarded-For": "198.51.100.7", "Accept": "application/sparql-results+json"}
    other = {"X-Forwarded-For": "10.0.0.1, 198.51.100.8", "Accept": "application/sparql-results+json"}
    answers = []
    for _ in range(10):  # each runaway query is charged its second; the budget is two
        r = requests.get(base + "/sparql", params={"query": RUNAWAY}, headers=spender, timeout=60)
        answers.append(r.status_code)
        if r.status_code == 429:
            break
    assert answers[-1] == 429, answers
    assert set(answers[:-1]) == {503}, answers  # the deadline stopped each one before
    assert int(r.headers["Retry-After"]) >= 1
    assert "DANVAN_QUERY_BUDGET" in r.json()["error"]["message"]

    again = requests.get(base + "/sparql", params={"query": "ASK {}"}, headers=spender, timeout=60)
    assert again.status_code == 429 and again.headers["Retry-After"]
    served = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=other, timeout=60)
    assert served.status_code == 200 and served.json()["boolean"] is True
    named = requests.get(base + "/queries/organization-hierarchy.json", headers=spender, timeout=60)
    assert named.status_code == 429 and named.headers["Retry-After"]


def _deleted_files(pid: int, under: Path) -> list[str]:
    held = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held.append(str(Path(fd).readlink()))
        except OSError:
            continue
    held += [line.split(None, 5)[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()]
    return [h for h in held if h.startswith(str(under)) and h.endswith("(deleted)")]


def test_workers_let_go_of_a_swapped_out_build(store_dir, tmp_path):
    from graph.store import live_build_dir, swap_in
    from webapp import create_app

    store = tmp_path / "store"
    old, new = tmp_path / "store.builds" / "old", tmp_path / "store.builds" / "new"
    shutil.copytree(live_build_dir(store_dir), old)
    shutil.copytree(live_build_dir(store_dir), new)
    swap_in(store, old)
    app = create_app({"DANVAN_STORE": str(store), "TESTING": False})
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).json["boolean"] is True
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200  # the pages' pool too
    pools = [app.extensions["danvan.pool"], app.extensions["danvan.pages"]]
    workers = [pid for pool in pools for pid in pool.pids()]

    swap_in(store, new)
    shutil.rmtree(old)
    assert any(_deleted_files(pid, old) for pid in workers)
    assert client.get("/health").status_code == 200  # any request notices the new build

    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or not _deleted_files(pid, old)
    gc.collect()
    assert not _deleted_files(os.getpid(), old)  # the app's own handle on the store too
    for pool in pools:
        pool.close()


def test_a_page_past_its_deadline_is_a_503_page_and_other_pages_are_served(store_dir, entity, path_of):
    from webapp import create_app

    app = create_app({"DANVAN_STORE": str(store_dir), "TESTING": False, "DANVAN_QUERY_TIMEOUT": 0.001})
    client = app.test_client()
    try:
        page = client.get("/browse/organization/tree", headers={"Accept": "text/html"})
        assert page.status_code == 503 and page.content_type.startswith("text/html")
        assert "needed more than" in page.get_data(as_text=True)
        # the pages that do not scan the store are not held up by it: listings and the home page read
        # the build's browse index
        assert client.get("/browse/document", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/health").json["status"] == "ok"
        assert entity.label in client.get(path_of(entity.iri), headers={"Accept": "text/html"}).get_data(as_text=True)
    finally:
        app.extensions["danvan.pool"].close()
        app.extensions["danvan.pages"].close()


def test_a_query_over_the_memory_cap_is_a_503_that_says_so(store_dir):
    from webapp import create_app

    app = create_app({"DANVAN_STORE": str(store_dir), "TESTING": False, "DANVAN_QUERY_MEMORY": 768 << 20})
    client = app.test_client()
    try:
        r = client.get("/sparql", query_string={
            "query": "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"})
        assert r.status_code == 503, r.get_data(as_text=True)
        assert "exceeded the memory limit" in r.json["error"]["message"]
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).json["boolean"] is True
    finally:
        app.extensions["danvan.pool"].close()
        app.extensions["danvan.pages"].close()


def test_serve_refuses_too_few_threads(run_danvan, store_dir):
    done = run_danvan("serve", "--port", "9", "--threads", "3", "--store", store_dir)
    assert done.returncode == 2
    assert "--threads 3 is too few" in done.stderr and "at least 16" in done.stderr
