"""Where built stores live, and how a new build replaces the live one without readers noticing.

Layout for a store directory ``S`` (``--store``, ``$DANVAN_STORE`` or the default)::

    S                    symlink → S.builds/<build_id>   (the live build; swapped atomically)
    S.builds/<build_id>/oxigraph/     the pyoxigraph (RocksDB) store
    S.builds/<build_id>/build.json    build id, time, triple counts, sources (written last)
    S.lock               held (flock) by the running build; holds its pid and start time

A build writes a fresh ``S.builds/<build_id>`` and then swaps the symlink with ``os.replace``, so a
reader sees either the old build or the new one, never a half-written store. Always open through
:func:`open_store`, which resolves the symlink once: a reader keeps its build even if a swap follows.

A build folder is *complete* once its ``build.json`` exists: the build writes it (atomically) after
everything else and just before the swap. A folder without it is what a killed build left behind; the
next build removes it (:func:`remove_partial`, under :func:`build_lock`) and retention never counts it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import settings
from graph.errors import BuildLocked, StoreError

BUILD_INFO = "build.json"
DATA_DIR = "oxigraph"
SWAP_SUFFIX = ".swap"


def builds_dir(store_dir: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(store_dir)}.builds")


def new_build_dir(store_dir: str | os.PathLike) -> Path:
    """Create and return ``{store_dir}.builds/{build_id}``; ids sort by creation time."""
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)
    path = builds_dir(store_dir) / build_id
    try:
        path.mkdir(parents=True)
    except OSError as e:
        raise StoreError(f"Cannot create the build directory {path} ({e.strerror or e}): check --store.") from None
    return path


def data_path(build_dir: str | os.PathLike) -> Path:
    """The pyoxigraph directory inside a build directory."""
    return Path(build_dir) / DATA_DIR


def live_build_dir(store_dir: str | os.PathLike | None = None) -> Path | None:
    """The build directory the store symlink points to, or None when nothing was built yet."""
    link = Path(store_dir) if store_dir is not None else settings.default_store_dir()
    if not link.is_symlink():
        if link.exists():
            raise StoreError(
                f"{link} is not a store made by `danvan build` (it should be a symlink to a build): "
                "move it away or choose another --store."
            )
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def swap_in(store_dir: str | os.PathLike, build_dir: str | os.PathLike) -> None:
    """Point ``store_dir`` at ``build_dir`` atomically (a new symlink renamed over the old one)."""
    link = Path(store_dir)
    if link.exists() and not link.is_symlink():
        raise StoreError(
            f"{link} exists and is not a symlink made by `danvan build`: move it away or choose another --store."
        )
    target = os.path.relpath(Path(build_dir).resolve(), link.parent.resolve())
    temporary = link.with_name(f".{link.name}.{secrets.token_hex(4)}{SWAP_SUFFIX}")
    try:
        os.symlink(target, temporary)
        os.replace(temporary, link)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"Cannot switch {link} to the new build ({e.strerror or e}): check permissions.") from None
    _fsync_dir(link.parent)


def _fsync_dir(path: Path) -> None:
    """Make the rename durable; not every filesystem allows fsync on a directory."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _live(store_dir: str | os.PathLike | None) -> Path:
    link = Path(store_dir) if store_dir is not None else settings.default_store_dir()
    build = live_build_dir(link)
    if build is None:
        raise StoreError(
            f"No store at {link}: run `danvan build` first (or pass --store / set DANVAN_STORE to the built one)."
        )
    return build


def open_store(store_dir: str | os.PathLike | None = None, read_only: bool = True) -> ox.Store:
    """Open the live build (read-only by default). :class:`StoreError` if none was built."""
    return _open(_live(store_dir), read_only)


def open_live(store_dir: str | os.PathLike | None = None) -> tuple[Path, ox.Store, dict[str, Any]]:
    """The live build's directory, its store (read-only) and its build.json, all from the same build,
    even if another build is swapped in meanwhile."""
    build = _live(store_dir)
    return build, _open(build, True), _info(build)


def _open(build: Path, read_only: bool) -> ox.Store:
    path = data_path(build)
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        raise StoreError(f"The store at {path} cannot be opened ({e}): rebuild it with `danvan build`.") from None


def write_build_info(build_dir: str | os.PathLike, info: dict[str, Any]) -> None:
    path = Path(build_dir) / BUILD_INFO
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def build_info(store_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """The live build's ``build.json``: build_id, built_at, triples, inferred, sources…"""
    return _info(_live(store_dir))


def _info(build: Path) -> dict[str, Any]:
    try:
        return json.loads((build / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(f"{build / BUILD_INFO} is missing or unreadable ({e}): rebuild with `danvan build`.") from None


def lock_path(store_dir: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(store_dir)}.lock")


@contextmanager
def build_lock(store_dir: str | os.PathLike, wait: bool = False,
               waiting: Callable[[BuildLocked], None] | None = None) -> Iterator[None]:
    """Hold the store's build lock: an exclusive ``flock`` on ``S.lock``, released by the kernel when
    the process ends however it ends, so a killed build never leaves the store locked.

    Without ``wait``, a lock held by another build raises :class:`BuildLocked` naming it (pid, since
    when); with ``wait``, ``waiting`` hears about it once and the call blocks until the lock is free.
    The file itself stays (unlinking a lock file races with the next build opening it).
    """
    path = lock_path(store_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise StoreError(f"Cannot open the build lock {path} ({e.strerror or e}): check --store.") from None
    held_by_us = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise StoreError(f"Cannot lock {path} ({e.strerror or e}).") from None
            held = _holder(fd, path, store_dir)
            if not wait:
                raise held from None
            if waiting is not None:
                waiting(held)
            fcntl.flock(fd, fcntl.LOCK_EX)
        held_by_us = True
        record = json.dumps({"pid": os.getpid(),
                             "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, record + b"\n", 0)
        yield
    finally:
        if held_by_us:
            os.ftruncate(fd, 0)  # a record left in the file is a build that was killed
        os.close(fd)  # releases the lock


def _holder(fd: int, path: Path, store_dir: str | os.PathLike) -> BuildLocked:
    """Who holds the lock, from what it wrote into the file. The holder writes right after taking the
    lock, so an empty (or half-written) file is read again for up to two seconds (a loaded machine can
    take that long to schedule the holder) before saying "unknown"."""
    pid = since = None
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            info = json.loads(os.pread(fd, 4096, 0) or b"null")
            if info is not None:
                pid, since = int(info["pid"]), str(info["since"])
                break
        except OSError:
            break
        except (ValueError, KeyError, TypeError):
            pass
        time.sleep(0.01)
    return BuildLocked(os.fspath(store_dir), pid, since, str(path))


def is_complete(build_dir: str | os.PathLike) -> bool:
    return (Path(build_dir) / BUILD_INFO).is_file()


def remove_partial(store_dir: str | os.PathLike) -> list[Path]:
    """Delete what killed builds left: build folders without ``build.json`` and temporary swap links.
    Call only while holding :func:`build_lock` (a running build's folder is partial until it ends)."""
    link = Path(store_dir)
    removed = []
    folder = builds_dir(link)
    if folder.is_dir():
        for build in sorted(folder.iterdir()):
            if build.is_dir() and not build.is_symlink() and not is_complete(build):
                shutil.rmtree(build, ignore_errors=True)
                removed.append(build)
    if link.parent.is_dir():
        for stray in link.parent.glob(f".{link.name}.*{SWAP_SUFFIX}"):
            if stray.is_symlink():
                stray.unlink(missing_ok=True)
                removed.append(stray)
    return removed


def complete_builds(store_dir: str | os.PathLike) -> list[Path]:
    """The complete build folders, newest first (build ids sort by creation time)."""
    folder = builds_dir(store_dir)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_dir() and is_complete(p)), key=lambda p: p.name, reverse=True)


def prune(store_dir: str | os.PathLike, keep: int = 3) -> list[Path]:
    """Delete all but the ``keep`` newest complete builds. Partial folders are not counted (nor touched:
    see :func:`remove_partial`); the live build and the newest complete build are never deleted.
    Call only while holding :func:`build_lock`. Returns what went."""
    live = live_build_dir(store_dir)
    builds = complete_builds(store_dir)
    removed = []
    for old in builds[max(keep, 1):]:
        if live is not None and old.resolve() == live:
            continue
        # build.json first: a prune killed halfway leaves a partial folder, never a "complete" broken one
        (old / BUILD_INFO).unlink(missing_ok=True)
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def fill_default_graph(db: ox.Store) -> int:
    """Make the default graph the union of every named graph; returns its size.

    SPARQL's default graph is one RDF graph, a set: a triple two sources state is one triple. Oxigraph's
    ``use_default_graph_as_union`` instead yields it once per graph (``COUNT(*)`` over-counts), so the
    build writes the deduplicated union into the default graph once and queries read it as it is.
    """
    db.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sum(1 for _ in db.quads_for_pattern(None, None, None, ox.DefaultGraph()))
