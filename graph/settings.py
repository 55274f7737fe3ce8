"""Settings read from the environment (all named ``DANVAN_*``) and the IRIs derived from them.

Read on every call rather than at import, so tests and long-running processes see the environment
as it is now.
"""

from __future__ import annotations

import functools
import os
import pathlib

from graph.errors import ConfigError

CANONICAL_BASE = "https://w3id.org/danvan/"


def base_iri() -> str:
    """The base every project IRI starts with: ``$DANVAN_BASE_IRI`` or :data:`CANONICAL_BASE`."""
    return _checked_base(os.environ.get("DANVAN_BASE_IRI", ""))


@functools.lru_cache(maxsize=8)
def _checked_base(raw: str) -> str:
    # keyed by the variable's text: a page asks for the base a thousand times, the environment still rules
    value = raw.strip() or CANONICAL_BASE
    if not (value.startswith("http://") or value.startswith("https://")) or not value.endswith("/"):
        raise ConfigError(
            f"DANVAN_BASE_IRI={value!r} is not usable: set it to an absolute http(s) IRI ending in '/', "
            f"e.g. {CANONICAL_BASE!r}, or unset it."
        )
    return value


def ontology_namespace() -> str:
    return base_iri() + "ontology#"


def ontology_graph() -> str:
    return base_iri() + "graph/ontology"


def inferred_graph() -> str:
    return base_iri() + "graph/inferred"


def default_store_dir() -> pathlib.Path:
    """``$DANVAN_STORE``, else ``$XDG_DATA_HOME/danvan/store``, else ``~/.local/share/danvan/store``."""
    explicit = os.environ.get("DANVAN_STORE", "").strip()
    if explicit:
        return pathlib.Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    data_home = pathlib.Path(xdg).expanduser() if xdg else pathlib.Path.home() / ".local" / "share"
    return data_home / "danvan" / "store"


def _positive(name: str, default: float, kind: type) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise ConfigError(f"{name}={raw!r} is not a positive {kind.__name__}: fix it or unset it.")
    return value


def query_timeout() -> float:
    """Seconds a query may run: ``$DANVAN_QUERY_TIMEOUT``, default 30."""
    return _positive("DANVAN_QUERY_TIMEOUT", 30, float)


def max_rows() -> int:
    """Most result rows returned: ``$DANVAN_MAX_ROWS``, default 10000."""
    return int(_positive("DANVAN_MAX_ROWS", 10000, int))


def query_workers() -> int:
    """Processes evaluating SPARQL at once: ``$DANVAN_QUERY_WORKERS``, default 2."""
    return int(_positive("DANVAN_QUERY_WORKERS", 2, int))


def query_queue() -> int:
    """SPARQL requests that may wait for a worker; more get 503: ``$DANVAN_QUERY_QUEUE``, default 4."""
    raw = os.environ.get("DANVAN_QUERY_QUEUE", "").strip()
    if not raw:
        return 4
    if not raw.isdigit():
        raise ConfigError(f"DANVAN_QUERY_QUEUE={raw!r} is not a whole number (0 or more): fix it or unset it.")
    return int(raw)


def query_budget() -> float:
    """Seconds of query evaluation each client may use per minute: ``$DANVAN_QUERY_BUDGET``, default 60."""
    return _positive("DANVAN_QUERY_BUDGET", 60, float)


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def query_memory() -> int:
    """Bytes of address space per query worker: ``$DANVAN_QUERY_MEMORY`` (``512M``, ``2G``…), default 2G."""
    raw = os.environ.get("DANVAN_QUERY_MEMORY", "").strip().upper().removesuffix("B").removesuffix("I")
    if not raw:
        return 2 << 30
    number, unit = (raw[:-1], raw[-1]) if raw[-1] in _UNITS else (raw, "")
    if not number.isdigit() or int(number) == 0:
        raise ConfigError(f"DANVAN_QUERY_MEMORY={os.environ['DANVAN_QUERY_MEMORY']!r} is not a size: "
                          "give e.g. 512M or 2G, or unset it.")
    value = int(number) * _UNITS[unit]
    if value < 768 << 20:
        # the store's engine reserves ~0.5 GB of address space (thread stacks, caches) just to open
        raise ConfigError(f"DANVAN_QUERY_MEMORY={os.environ['DANVAN_QUERY_MEMORY']!r} is below 768M: a worker "
                          "cannot open the store with less.")
    return value


def client_header() -> str | None:
    """The request header naming the client for budgets (e.g. ``X-Forwarded-For`` behind a proxy):
    ``$DANVAN_CLIENT_HEADER``; unset, the client is the connection's remote address."""
    return os.environ.get("DANVAN_CLIENT_HEADER", "").strip() or None
