"""Settings read from the environment (all named ``DANVAN_*``) and the IRIs derived from them.

Read on every call rather than at import, so tests and long-running processes see the environment
as it is now.
"""

from __future__ import annotations

import os
import pathlib

from graph.errors import ConfigError

CANONICAL_BASE = "https://w3id.org/danvan/"


def base_iri() -> str:
    """The base every project IRI starts with: ``$DANVAN_BASE_IRI`` or :data:`CANONICAL_BASE`."""
    value = os.environ.get("DANVAN_BASE_IRI", "").strip() or CANONICAL_BASE
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
