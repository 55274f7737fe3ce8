"""The store directory: fresh build dirs, the atomic symlink swap, read-only opening, pruning."""

from __future__ import annotations

import json
import os

import pyoxigraph as ox
import pytest

from graph import store
from graph.errors import StoreError


def make_build(link, name: str, triples: int = 1):
    """A finished build directory holding ``triples`` triples and its build.json."""
    build_dir = store.new_build_dir(link)
    db = ox.Store(str(store.data_path(build_dir)))
    db.extend(ox.Quad(ox.NamedNode(f"urn:{name}:{i}"), ox.NamedNode("urn:p"), ox.Literal(name),
                      ox.NamedNode("urn:g")) for i in range(triples))
    db.flush()
    del db
    store.write_build_info(build_dir, {"build_id": build_dir.name, "name": name, "triples": triples})
    return build_dir


def test_new_build_dirs_are_fresh_and_beside_the_store(tmp_path):
    link = tmp_path / "store"
    first, second = store.new_build_dir(link), store.new_build_dir(link)
    assert first != second
    assert first.parent == second.parent == tmp_path / "store.builds"
    assert first.is_dir() and not list(first.iterdir())
    assert sorted([first.name, second.name]) == [first.name, second.name]  # ids sort by creation time


def test_swap_in_points_the_symlink_at_the_build(tmp_path):
    link = tmp_path / "store"
    one, two = make_build(link, "one"), make_build(link, "two")
    store.swap_in(link, one)
    assert link.is_symlink() and link.resolve() == one.resolve()
    assert not os.path.isabs(os.readlink(link))  # relative, so the folder can be moved
    store.swap_in(link, two)
    assert link.resolve() == two.resolve()
    assert one.is_dir()  # the previous build stays until pruned
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary link left


def test_open_store_is_read_only_and_keeps_its_build_across_a_swap(tmp_path):
    link = tmp_path / "store"
    one, two = make_build(link, "one", 3), make_build(link, "two", 5)
    store.swap_in(link, one)
    opened = store.open_store(link)
    assert len(opened) == 3
    with pytest.raises(RuntimeError, match="read-write"):  # pyoxigraph's refusal on a read-only store
        opened.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert len(opened) == 3 and len(store.open_store(link)) == 3
    store.swap_in(link, two)
    assert len(opened) == 3  # a reader keeps the build it opened
    assert len(store.open_store(link)) == 5


def test_open_store_without_a_build_says_to_build(tmp_path):
    with pytest.raises(StoreError, match="danvan build"):
        store.open_store(tmp_path / "nothing")
    with pytest.raises(StoreError, match="danvan build"):
        store.build_info(tmp_path / "nothing")


def test_a_directory_that_is_not_ours_is_refused(tmp_path):
    link = tmp_path / "store"
    link.mkdir()
    (link / "precious.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not"):
        store.open_store(link)
    with pytest.raises(StoreError, match="not"):
        store.swap_in(link, make_build(link, "one"))
    assert (link / "precious.txt").read_text() == "keep me"


def test_default_store_dir_follows_the_environment(tmp_path, monkeypatch):
    link = tmp_path / "env-store"
    store.swap_in(link, make_build(link, "one", 2))
    monkeypatch.setenv("DANVAN_STORE", str(link))
    assert len(store.open_store()) == 2
    assert store.build_info()["name"] == "one"


def test_build_info_reads_the_live_builds_json(tmp_path):
    link = tmp_path / "store"
    build_dir = make_build(link, "one")
    store.swap_in(link, build_dir)
    assert store.build_info(link) == json.loads((build_dir / "build.json").read_text())
    (build_dir / "build.json").write_text("{broken")
    with pytest.raises(StoreError, match="unreadable"):
        store.build_info(link)


def test_prune_keeps_the_newest_and_never_the_live_one(tmp_path):
    link = tmp_path / "store"
    builds = [make_build(link, f"b{i}") for i in range(6)]
    store.swap_in(link, builds[0])  # the oldest is live
    removed = store.prune(link, keep=3)
    assert sorted(p.name for p in removed) == [b.name for b in builds[1:3]]
    left = sorted(p.name for p in (tmp_path / "store.builds").iterdir())
    assert left == sorted([builds[0].name, *(b.name for b in builds[3:])])
    assert len(store.open_store(link)) == 1


def test_prune_without_builds_is_a_no_op(tmp_path):
    assert store.prune(tmp_path / "store") == []
