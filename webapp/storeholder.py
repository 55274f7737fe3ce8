"""The read-only store the app serves, opened once per build.

The store directory is a symlink that ``danvan build`` swaps atomically to a fresh build. On each
request the holder compares the link's target with the one it opened; when a new build was swapped in
it opens that one, so a rebuild is served without restarting. If the new build cannot be opened the
holder keeps serving the one it has (a failed build never replaces the live link anyway).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox

from graph.errors import DanvanError, StoreError
from graph.store import open_live

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """One opened build: the store, its build.json, and per-build memoized answers (counts…)."""

    key: str
    store: ox.Store
    info: dict
    memo: dict[str, Any] = field(default_factory=dict)

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        # Results depend only on the build, which never changes once written.
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]


class StoreHolder:
    def __init__(self, store_dir: str | os.PathLike):
        self.store_dir = Path(store_dir)
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def _target(self) -> str:
        return os.path.realpath(self.store_dir)

    def get(self) -> Snapshot:
        key = self._target()
        current = self._current
        if current is not None and current.key == key:
            return current
        with self._lock:
            current = self._current
            if current is not None and current.key == key:
                return current
            try:
                build, store, info = open_live(self.store_dir)
                snap = Snapshot(key=str(build.resolve()), store=store, info=info)
            except (DanvanError, OSError) as e:
                if current is not None:
                    log.warning("cannot open the new build at %s (%s); still serving %s", key, e, current.key)
                    return current
                if isinstance(e, StoreError):
                    raise
                raise StoreError(f"cannot open the store at {self.store_dir}: {e}") from None
            self._current = snap
            return snap
