"""Nothing on the reading side imports pyoxigraph: the web app, the CLI and the query workers reach a store
through graph/stores.py and its terms through graph/terms.py, so the same code runs on any engine. The
build pipeline — the store's writer — may keep using pyoxigraph directly. Imports are read with ``ast``
(an ``import`` inside a function, or under ``if TYPE_CHECKING``, counts as well)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The store interface itself.
INTERFACE = {"graph/stores.py", "graph/terms.py"}
# The writers: the build pipeline (load → reason → validate → store, its materializations and dumps) and
# the loader that publishes a build into an engine.
WRITERS = {"graph/load.py", "graph/reason.py", "graph/reason_delta.py", "graph/validate.py", "graph/shape_reach.py",
           "graph/incremental.py", "graph/build.py", "graph/store.py", "graph/changes.py", "graph/dumps.py",
           "graph/search_index.py", "graph/browse_index.py",
           "graph/remote_load.py"}
WRITER_PATTERNS = ("graph/shacl_*.py", "graph/national/*.py")


def allowed(rel: str) -> bool:
    return rel in INTERFACE or rel in WRITERS or any(Path(rel).match(p) for p in WRITER_PATTERNS)


def imports_pyoxigraph(path: Path) -> list[int]:
    """Line numbers of every import of pyoxigraph (or of a submodule of it) in ``path``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(n == "pyoxigraph" or n.startswith("pyoxigraph.") for n in names):
            lines.append(node.lineno)
    return lines


def reading_side() -> list[str]:
    files = sorted(p for folder in ("graph", "webapp") for p in (ROOT / folder).rglob("*.py"))
    return [str(p.relative_to(ROOT)) for p in files if not allowed(str(p.relative_to(ROOT)))]


def test_the_checker_sees_every_form_of_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nimport pyoxigraph as ox\nfrom pyoxigraph import Store\n"
                     "def f():\n    import pyoxigraph\n"
                     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pyoxigraph import Quad\n"
                     "x = 'import pyoxigraph'  # text, not an import\n", encoding="utf-8")
    assert imports_pyoxigraph(probe) == [2, 3, 5, 8]


def test_the_reading_side_is_checked():
    checked = reading_side()
    # the modules the boundary is for are in the checked set (a wrong allow-list would empty it)
    for module in ("graph/cli.py", "graph/query_worker.py", "graph/named_queries.py", "graph/export.py",
                   "webapp/entity.py", "webapp/sparql.py", "webapp/review/reading.py"):
        assert module in checked


def test_nothing_outside_the_store_interface_and_the_build_imports_pyoxigraph():
    found = {rel: lines for rel in reading_side() if (lines := imports_pyoxigraph(ROOT / rel))}
    assert found == {}, ("these modules import pyoxigraph: use graph.stores (stores) and graph.terms "
                         f"(terms, results) instead: {found}")


def test_the_interface_is_where_pyoxigraph_comes_in():
    assert imports_pyoxigraph(ROOT / "graph/stores.py") and imports_pyoxigraph(ROOT / "graph/terms.py")
