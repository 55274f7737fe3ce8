"""Bounded evaluation on a real server: a runaway query is stopped at its deadline (503, CPU freed, the
next query served at once), and results are capped in every format with the cut said in headers.

Timing margins: the requirement is a 503 within one second after the deadline; the test allows one
more second on top (a loaded CI machine) and documents it here. Nothing else is timed.
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
MARGIN = 1.0  # CI slack on top of the required "503 within one second of the deadline"


def _children(pid: int) -> dict[int, float]:
    """The server's child processes → CPU seconds used so far (from /proc)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # field 4: ppid
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / 100  # utime + stime ticks
    return out


@pytest.fixture(scope="module")
def strict_server(store_dir, start_server):
    return start_server(store_dir, DANVAN_QUERY_TIMEOUT=str(TIMEOUT), DANVAN_MAX_ROWS="7")


def test_runaway_query_is_stopped_and_the_next_is_served(strict_server):
    base, proc = strict_server
    assert requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    started = time.monotonic()
    r = requests.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503, r.text
    assert "stopped" in r.json()["error"]["message"]
    assert elapsed < TIMEOUT + 1 + MARGIN, elapsed

    # The worker that ran it is gone, and no process of the server keeps burning CPU.
    before = _children(proc.pid)
    time.sleep(1.0)
    after = _children(proc.pid)
    busy = {pid: after[pid] - before[pid] for pid in after if pid in before and after[pid] - before[pid] > 0.5}
    assert not busy, f"a child of the server is still computing: {busy}"

    started = time.monotonic()
    ok = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is True
    assert time.monotonic() - started < TIMEOUT  # at once: well inside a deadline


def test_a_timeout_never_sends_a_cut_200(strict_server):
    base, _ = strict_server
    r = requests.get(base + "/sparql", params={"query": RUNAWAY.replace("COUNT(*) AS ?n", "?a AS ?x")},
                     headers={"Accept": "text/csv"}, timeout=30)
    # The cap would stop this SELECT early: it has rows at once, so it answers 200 with 7 rows, or 503.
    assert r.status_code in (200, 503)
    if r.status_code == 200:
        assert len(list(csv.reader(io.StringIO(r.text)))) == 1 + 7
        assert r.headers["X-Danvan-Truncated"] == "true"


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
