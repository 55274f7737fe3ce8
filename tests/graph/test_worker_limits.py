"""Bounded workers: a memory cap per worker (an evaluation that hits it is MemoryExceeded and the next
query is served), recycling after N queries or above an RSS bound, and the files of a build that is no
longer live released by every worker."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.bounded import MemoryExceeded, Pool
from graph.store import data_path, live_build_dir

# An ORDER BY over a three-way cross product of the store: several GB if let run.
HUNGRY = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def path(store_dir) -> str:
    return str(data_path(live_build_dir(store_dir)))


def _run(pool: Pool, path: str, query: str):
    return pool.run(path, query, timeout=120, max_rows=10, results_format="tsv", graph_format=None)


def test_memory_cap_stops_the_query_and_the_next_is_served(path):
    pool = Pool(1, memory=768 << 20)
    try:
        with pytest.raises(MemoryExceeded, match="exceeded the memory limit"):
            _run(pool, path, HUNGRY)
        assert _run(pool, path, ASK).body == b"true"
    finally:
        pool.close()


def test_workers_are_recycled_after_n_queries(path):
    pool = Pool(1, max_queries=3, rss_limit=0)
    try:
        first = pool.check()["pid"]
        _run(pool, path, ASK)
        _run(pool, path, ASK)
        assert pool.pids() == [first]
        _run(pool, path, ASK)  # the third: that worker is done
        assert first not in pool.pids() and not Path(f"/proc/{first}").exists()
        assert _run(pool, path, ASK).body == b"true"
    finally:
        pool.close()


def test_workers_are_recycled_above_the_rss_bound(path):
    pool = Pool(1, rss_limit=1)  # every worker is above one byte
    try:
        first = pool.check()["pid"]
        _run(pool, path, ASK)
        assert first not in pool.pids() and not Path(f"/proc/{first}").exists()
        assert _run(pool, path, ASK).body == b"true"
    finally:
        pool.close()

    pool = Pool(1)  # the default bound: a quarter of the memory cap, none without a cap
    try:
        first = pool.check()["pid"]
        _run(pool, path, ASK)
        assert pool.pids() == [first]
    finally:
        pool.close()


def _deleted_files(pid: int, under: Path) -> list[str]:
    """Files under ``under`` that the process still holds (open or mapped) although they were deleted."""
    held = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held.append(os.readlink(fd))
        except OSError:
            continue
    held += [line.split(None, 5)[-1].strip() for line in Path(f"/proc/{pid}/maps").read_text().splitlines()]
    return [h for h in held if h.startswith(str(under)) and h.endswith("(deleted)")]


def test_a_new_build_releases_the_old_ones_files(store_dir, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(live_build_dir(store_dir), old)
    shutil.copytree(live_build_dir(store_dir), new)
    pool = Pool(2)
    try:
        _run(pool, str(data_path(old)), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        workers = pool.pids()
        shutil.rmtree(old)  # what retention does to an old build
        assert any(_deleted_files(pid, old) for pid in workers), "the test needs a worker holding the old build"

        pool.follow(str(data_path(new)))

        for pid in workers:
            assert not Path(f"/proc/{pid}").exists() or not _deleted_files(pid, old)
        assert _run(pool, str(data_path(new)), ASK).body == b"true"
        assert all(not _deleted_files(pid, old) for pid in pool.pids())
    finally:
        pool.close()
