"""A build-time SQLite file read by the web app: opened read-only and immutable, one connection per thread
(SQLite connections are not shared across threads, and the file never changes once its build is complete)."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from graph.errors import StoreError


class ReadOnlySqlite:
    """Subclasses name their file (``FILENAME``) and what it holds (``WHAT``, for the missing-file error)."""

    FILENAME = ""
    WHAT = ""

    def __init__(self, file: str | os.PathLike):
        self.file = Path(file)
        if not self.file.is_file():
            raise StoreError(f"{self.file} is missing: this build has no {self.WHAT}; rebuild with `danvan build`.")
        self._local = threading.local()

    @classmethod
    def for_build(cls, build_dir: str | os.PathLike):
        return cls(Path(build_dir) / cls.FILENAME)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            uri = self.file.resolve().as_uri() + "?mode=ro&immutable=1"
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.con = con
        return con
