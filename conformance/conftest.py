"""The W3C SPARQL 1.1 conformance run (``make conformance MANIFESTS=DIR``), kept out of ``make test``:
the manifests are a reference that lives outside the repository, so a clone passes ``make test`` alone.

``--manifests DIR`` (or the ``MANIFESTS`` environment variable) names the folder that holds
``sparql11-protocol/`` and ``sparql11-service-description/``. The server starter and the store hash are
the test suite's own (``tests/conftest.py``), loaded as a plugin rather than copied.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.conftest"]


def pytest_addoption(parser):
    parser.addoption("--manifests", default=os.environ.get("MANIFESTS", ""),
                     help="folder holding sparql11-protocol/ and sparql11-service-description/ (or $MANIFESTS)")


def pytest_configure(config):
    folder = config.getoption("manifests")
    if not folder:
        raise pytest.UsageError("the conformance run needs the W3C manifests: make conformance MANIFESTS=DIR "
                                "(or pytest conformance --manifests DIR)")
    path = Path(folder).expanduser().resolve()
    missing = [name for name in ("sparql11-protocol", "sparql11-service-description")
               if not (path / name / "manifest.ttl").is_file()]
    if missing:
        raise pytest.UsageError(f"{path} does not hold {', '.join(n + '/manifest.ttl' for n in missing)}")
    config.manifests_dir = path
