"""Builds that are killed, raced or repeated: the store lock, partial folders, retention, `kill -9`.

The builds run as real `danvan build` processes (``python -m graph.cli``) on the small fixture sources,
each with its own temporary --store.
"""

from __future__ import annotations

import gc
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph import store
from graph.build import build
from graph.errors import BuildLocked

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "good"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def start_build(clean_env, tmp_path):
    """``start_build(store, *extra)`` starts `danvan build` on the fixture sources; returns the Popen."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()

    def start(link: Path, *extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "build", "--store", str(link), "--sources", str(GOOD), *extra],
            cwd=workdir, env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)

    return start


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def live_count(link: Path) -> int:
    """Open the live build as a server would and count its triples."""
    db = store.open_store(link)
    try:
        return int(next(iter(db.query(COUNT)))["n"].value)
    finally:
        del db
        gc.collect()


def folders(link: Path) -> list[Path]:
    folder = store.builds_dir(link)
    return sorted(folder.iterdir()) if folder.is_dir() else []


def partial(link: Path) -> list[str]:
    return [p.name for p in folders(link) if not store.is_complete(p)]


def swap_leftovers(link: Path) -> list[str]:
    return [p.name for p in link.parent.iterdir() if p.name.startswith(f".{link.name}.")]


def test_kill_9_at_random_moments_leaves_the_live_store_serving(tmp_path, start_build):
    link = tmp_path / "store"
    assert finish(start_build(link))[0] == 0
    began = time.monotonic()
    code, _out, err = finish(start_build(link))
    duration = time.monotonic() - began  # one whole (warm) build, process start included
    assert code == 0, err
    expected = live_count(link)
    assert expected > 0

    rng = random.Random(20261201)
    # 16 moments over the whole build, half of them in its second half, where the store is written
    # (the first is mostly the interpreter starting and the sources being parsed)
    moments = sorted([rng.uniform(0, duration) for _ in range(8)] +
                     [rng.uniform(duration / 2, duration) for _ in range(8)])
    left_partial = 0
    for delay in moments:
        proc = start_build(link)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        finish(proc)
        # whatever the moment, the live build is a complete one and answers
        assert store.is_complete(link.resolve())
        assert live_count(link) == expected
        left_partial += bool(partial(link))

    # a kill that came after the swap found a finished build: those count, partial folders do not
    complete_before = [p.name for p in store.complete_builds(link)]
    code, out, err = finish(start_build(link))
    assert code == 0, err
    assert partial(link) == [], f"partial folders survived the next build ({left_partial} kills left one)"
    assert swap_leftovers(link) == []
    final = link.resolve().name
    assert [p.name for p in store.complete_builds(link)] == [final, *complete_before][:3]
    assert live_count(link) == expected


def test_a_partial_folder_is_removed_by_the_next_build_and_never_counted(tmp_path):
    link = tmp_path / "store"
    kept = [build(link, sources=[GOOD / "fixture-good.ttl"]).path for _ in range(2)]
    # what a build killed while writing leaves: a newer folder with a store but no build.json
    for name in ("29990101T000000000000Z-dead01", "29990101T000000000001Z-dead02"):
        (store.builds_dir(link) / name / store.DATA_DIR).mkdir(parents=True)
    assert len(partial(link)) == 2
    assert store.prune(link, keep=2) == []  # two complete builds: nothing to prune, partials not counted
    third = build(link, sources=[GOOD / "fixture-good.ttl"]).path
    assert partial(link) == []
    assert [p.name for p in folders(link)] == sorted(p.name for p in [*kept, third])
    assert link.resolve() == third.resolve()


def test_retention_keeps_three_complete_builds_by_default(tmp_path):
    link = tmp_path / "store"
    for _ in range(4):
        build(link, sources=[GOOD / "fixture-good.ttl"])
    complete = store.complete_builds(link)
    assert len(complete) == 3 and partial(link) == []
    assert link.resolve() == complete[0].resolve()


def test_prune_counts_only_complete_builds_and_keeps_the_live_and_newest(tmp_path):
    link = tmp_path / "store"
    done = []
    for i in range(4):
        d = store.new_build_dir(link)
        store.write_build_info(d, {"build_id": d.name, "n": i})
        done.append(d)
    unfinished = store.new_build_dir(link)  # newest folder, but partial
    store.swap_in(link, done[0])  # the oldest is live
    removed = store.prune(link, keep=1)
    assert sorted(p.name for p in removed) == sorted(p.name for p in done[1:3])
    assert done[0].is_dir() and done[3].is_dir()  # the live one and the newest complete one
    assert unfinished.is_dir()  # partial folders are remove_partial's business, under the lock


def test_a_second_build_exits_2_naming_the_running_build(tmp_path, start_build):
    link = tmp_path / "store"
    with store.build_lock(link):  # this process plays the running build
        with pytest.raises(BuildLocked) as caught:
            build(link, sources=[GOOD / "fixture-good.ttl"])
        assert caught.value.pid == os.getpid()
        code, out, err = finish(start_build(link))
        held = json.loads(store.lock_path(link).read_text())
        assert held["pid"] == os.getpid()  # the refused build did not overwrite the holder's record
    assert code == 2 and out == ""
    assert f"pid {os.getpid()}" in err and "--wait" in err, err
    assert "Traceback" not in err
    assert not link.exists() and folders(link) == []
    assert store.lock_path(link).read_text() == ""  # released: no record of a running build is left


def test_wait_builds_after_the_running_build(tmp_path, start_build):
    link = tmp_path / "store"
    with store.build_lock(link):
        proc = start_build(link, "--wait")
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        assert ready, "the waiting build said nothing"
        line = proc.stderr.readline()
        assert "waiting" in line and f"pid {os.getpid()}" in line, line
        assert proc.poll() is None and not link.exists()  # it waits while the lock is held
    code, out, err = finish(proc)
    assert code == 0, err
    assert out.startswith("built ") and store.is_complete(link.resolve())


def start_six(start_build, link: Path, *extra: str) -> list[subprocess.Popen]:
    procs = []
    for _ in range(6):
        procs.append(start_build(link, *extra))
        time.sleep(0.25)
    return procs


def test_six_concurrent_builds_never_trip_over_each_other(tmp_path, start_build):
    link = tmp_path / "store"
    procs = start_six(start_build, link)
    pids = {p.pid for p in procs}
    results = [finish(p) for p in procs]
    for code, _out, err in results:
        assert "No such file" not in err and "Errno" not in err and "Traceback" not in err, err
        if code == 2:
            assert "Another build is running" in err, err
            named = int(err.split("(pid ", 1)[1].split(",", 1)[0])
            assert named in pids, err
        else:
            assert code == 0, err
    assert any(code == 0 for code, _o, _e in results)
    assert partial(link) == []
    assert link.resolve() == store.complete_builds(link)[0].resolve()
    assert live_count(link) > 0


def test_six_concurrent_builds_with_wait_all_build_in_turn(tmp_path, start_build):
    link = tmp_path / "store"
    results = [finish(p) for p in start_six(start_build, link, "--wait")]
    assert [code for code, _o, _e in results] == [0] * 6, [e for _c, _o, e in results]
    built = {out.split()[1].rstrip(":") for _c, out, _e in results}
    assert len(built) == 6
    complete = store.complete_builds(link)
    assert len(complete) == 3 and partial(link) == []
    assert {p.name for p in complete} <= built
    assert link.resolve() == complete[0].resolve()
    assert complete[0].name == max(built)  # the live build is the newest one built
