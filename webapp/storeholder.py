"""The read-only store the app serves, opened once per build.

Embedded (the default): the store directory is a symlink that ``danvan build`` swaps atomically to a fresh
build. On each request the holder compares the link's target with the one it opened; when a new build was
swapped in it opens that one, so a rebuild is served without restarting. If the new build cannot be opened
the holder keeps serving the one it has (a failed build never replaces the live link anyway).

Remote (``DANVAN_ENDPOINT``): the engine holds the graph and says which build it holds
(:meth:`graph.stores.RemoteStore.identity`, re-read every few seconds); the search and browse indexes and
the dumps still come from the local build folder, so the holder serves the local build *with that build
id* — the live one, or a previous one still kept (the local folder is swapped before the engine during
``danvan build --endpoint``). A snapshot is keyed by the engine's build id: a rebuild switched in the
engine is followed like a swapped link.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from graph import store as builds
from graph.errors import DanvanError, StoreError
from graph.stores import EmbeddedStore, RemoteStore, Store

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """One build as served: the store (embedded or remote), its build.json, its local build folder (search
    and browse indexes, dumps) and per-build memoized answers (counts…)."""

    key: str
    store: Store
    info: dict
    build: Path
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def remote(self) -> bool:
        return isinstance(self.store, RemoteStore)

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        # Results depend only on the build, which never changes once written.
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]


class StoreHolder:
    def __init__(self, store_dir: str | os.PathLike, remote: RemoteStore | None = None):
        self.store_dir = Path(store_dir)
        self.remote = remote
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def _target(self) -> str:
        if self.remote is not None:
            return str(self.remote.identity().get("build_id"))
        return os.path.realpath(self.store_dir)

    def get(self) -> Snapshot:
        current = self._current
        key = self._target()  # an engine that does not answer: EngineError, a StoreError (503)
        if current is not None and current.key == key:
            return current
        with self._lock:
            current = self._current
            if current is not None and current.key == key:
                return current
            try:
                snap = self._open(key)
            except (DanvanError, OSError) as e:
                if current is not None:
                    log.warning("cannot open the new build %s (%s); still serving %s", key, e, current.key)
                    return current
                if isinstance(e, StoreError):
                    raise
                raise StoreError(f"cannot open the store at {self.store_dir}: {e}") from None
            self._current = snap
            return snap

    def _open(self, key: str) -> Snapshot:
        if self.remote is None:
            build, db, info = builds.open_live(self.store_dir)
            return Snapshot(key=str(build.resolve()), store=EmbeddedStore(db, info), info=info, build=build.resolve())
        build = local_build(self.store_dir, key)
        return Snapshot(key=key, store=self.remote, info=builds._info(build), build=build)


def local_build(store_dir: str | os.PathLike, build_id: str) -> Path:
    """The local build folder whose build.json has ``build_id``: the live one, else one still kept."""
    live = builds.live_build_dir(store_dir)
    candidates = ([live] if live is not None else []) + builds.complete_builds(store_dir)
    for build in candidates:
        try:
            if builds._info(build).get("build_id") == build_id:
                return build.resolve()
        except DanvanError:
            continue
    raise StoreError(f"The engine holds build {build_id}, which the local build folder {store_dir} does not "
                     "have: its search and browse indexes must come from the same build (copy that build's "
                     "folder, or rebuild with `danvan build --endpoint`).")
