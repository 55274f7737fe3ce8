"""The national reference source as the loader sees it: one generated Turtle file, made in memory at
build time (about 3 s for the whole country, docs/sources.md), named ``national:vietnamadminunits-<version>``
in every message, the way a source file is named by its path.

``DANVAN_NATIONAL`` sets its scope: unset or ``all`` — the whole country; ``off`` — none; a comma-separated
list of legacy province codes (``79,35``) — those provinces and the 2025 provinces formed from them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from graph.errors import ConfigError
from graph.national import generate, package

_CODES = re.compile(r"^\d{2}(?:,\d{2})*$")


def scope() -> set[str] | None | bool:
    """False: off; None: the whole country; else the legacy province codes to keep."""
    raw = os.environ.get("DANVAN_NATIONAL", "").strip().replace(" ", "")
    if raw in ("", "all"):
        return None
    if raw == "off":
        return False
    if not _CODES.match(raw):
        raise ConfigError(
            f"DANVAN_NATIONAL={raw!r} is not usable: set it to 'all', 'off' or a comma-separated list of "
            "two-digit province codes as they stood before 1 July 2025 (e.g. '79,35'), or unset it."
        )
    return set(raw.split(","))


class GeneratedSource:
    """Quacks like a source file for graph.load: ``read_bytes()`` and a name for messages."""

    def __init__(self, provinces: set[str] | None):
        self.provinces = provinces
        self.name = f"vietnamadminunits-{package.version()}"

    def read_bytes(self) -> bytes:
        return _turtle(frozenset(self.provinces) if self.provinces is not None else None).encode("utf-8")

    def fingerprint(self) -> str:
        """What an incremental build compares instead of the generated text's SHA-256 (seconds to
        generate): the SHA-256 of everything the text is made from — the package's data files, this
        generator's code and the scope. The base IRI and the version are in the build's other inputs."""
        return _fingerprint(frozenset(self.provinces) if self.provinces is not None else None)

    def __str__(self) -> str:
        return f"national:{self.name}"

    def __repr__(self) -> str:
        return f"GeneratedSource({str(self)!r}, provinces={self.provinces!r})"


@functools.lru_cache(maxsize=2)
def _turtle(provinces: frozenset[str] | None) -> str:
    return generate.turtle(package.read(), set(provinces) if provinces is not None else None)


@functools.lru_cache(maxsize=2)
def _fingerprint(provinces: frozenset[str] | None) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f"code {path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    for name in package.DATA_FILES:
        h.update(f"data {name} {hashlib.sha256((package.data_folder() / name).read_bytes()).hexdigest()}\n".encode())
    h.update(f"scope {sorted(provinces) if provinces is not None else 'all'}\n".encode())
    return h.hexdigest()


def default_sources() -> list[GeneratedSource]:
    """What ``danvan build`` adds to the packaged source files under the current setting."""
    chosen = scope()
    if chosen is False:
        return []
    return [GeneratedSource(chosen)]
