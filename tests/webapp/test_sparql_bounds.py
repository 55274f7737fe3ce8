"""Bounded evaluation on a real server: a runaway query is stopped at its deadline (503, its worker
killed, no process left computing, the next query answered), and results are capped in every format
with the cut said in headers.

No latency is asserted here (figures belong in bench/ and docs/benchmarks.md): liveness is checked by
the answers and their content, each awaited with a generous timeout.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
import rdflib
import requests

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 1


def _children(pid: int) -> dict[int, str]:
    """The server's child processes → their state letter (R running, S sleeping…), from /proc."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # field 4: ppid
            out[int(stat.parent.name)] = fields[0]  # field 3: state
    return out


def _settled(pid: int, attempts: int = 600) -> dict[int, str]:
    """Wait (up to a generous minute) until no child of the server is running; fail if one never stops.
    A runaway query keeps its process in state R for good; an idle worker waits on its pipe (S)."""
    for _ in range(attempts):
        children = _children(pid)
        if children and all(state == "S" for state in children.values()):
            return children
        time.sleep(0.1)
    pytest.fail(f"a child of the server never stopped running: {_children(pid)}")


@pytest.fixture(scope="module")
def strict_server(store_dir, start_server):
    return start_server(store_dir, DANVAN_QUERY_TIMEOUT=str(TIMEOUT), DANVAN_MAX_ROWS="7")


def test_runaway_query_is_stopped_and_the_next_is_served(strict_server):
    base, proc = strict_server
    assert requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    before = _settled(proc.pid)  # the pool's workers, idle
    r = requests.get(base + "/sparql", params={"query": RUNAWAY}, timeout=60)
    assert r.status_code == 503, r.text
    message = r.json()["error"]["message"]
    assert "stopped" in message and "DANVAN_QUERY_TIMEOUT" in message

    # The worker that ran it is gone (killed, not left computing), and no process of the server keeps
    # running: every child is back to waiting for work.
    after = _settled(proc.pid)
    assert set(before) - set(after), f"no worker was stopped: before {before}, after {after}"

    ok = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is True


@pytest.fixture(scope="module")
def uncapped_server(store_dir, start_server):
    """A deadline, and a row cap no query here reaches: only the deadline can end the runaway."""
    return start_server(store_dir, DANVAN_QUERY_TIMEOUT=str(TIMEOUT), DANVAN_MAX_ROWS=str(10**9))


def test_a_timeout_never_sends_a_cut_200(uncapped_server):
    base, _ = uncapped_server
    # Rows come at once and never stop coming: what was produced before the deadline must not be sent
    # as if it were the answer.
    r = requests.get(base + "/sparql", params={"query": RUNAWAY.replace("COUNT(*) AS ?n", "?a AS ?x")},
                     headers={"Accept": "text/csv"}, timeout=60)
    assert r.status_code == 503, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/json") and "stopped" in r.json()["error"]["message"]
    assert "X-Danvan-Truncated" not in r.headers


@pytest.mark.parametrize("accept, count", [
    ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"])),
    ("application/sparql-results+xml", lambda b: b.count(b"<result>")),
    ("text/csv", lambda b: len(list(csv.reader(io.StringIO(b.decode())))) - 1),
    ("text/tab-separated-values", lambda b: len(b.decode().splitlines()) - 1),
])
def test_select_is_capped_in_every_format(strict_server, accept, count):
    base, _ = strict_server
    r = requests.get(base + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": accept},
                     timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    assert count(r.content) == 7
    assert r.headers["X-Danvan-Truncated"] == "true" and r.headers["X-Danvan-Row-Limit"] == "7"

    small = requests.get(base + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"},
                         headers={"Accept": accept}, timeout=30)
    assert count(small.content) == 3 and "X-Danvan-Truncated" not in small.headers


@pytest.mark.parametrize("accept, parse_as", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                              ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_is_capped_in_every_format(strict_server, accept, parse_as):
    base, _ = strict_server
    r = requests.get(base + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                     headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200 and r.headers["X-Danvan-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=r.content, format=parse_as)) == 7
