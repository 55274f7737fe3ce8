"""Where the package's data files are: the ontology, the shapes, the sources and the named queries.

They ship as package data (``graph.ontology``, ``graph.queries`` map to the top-level ``ontology/``
and ``queries/`` folders in pyproject.toml), so an installed copy finds them without the checkout.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable


def _ttl(package: str) -> list[Traversable]:
    return sorted((p for p in files(package).iterdir() if p.name.endswith(".ttl")), key=lambda p: p.name)


def ontology_files() -> list[Traversable]:
    """The OWL ontology and the reference vocabularies (document types, levels); not the shapes."""
    return [p for p in _ttl("graph.ontology") if p.name != "shapes.ttl"]


def shapes_file() -> Traversable:
    return files("graph.ontology") / "shapes.ttl"


def source_files() -> list[Traversable]:
    return _ttl("graph.sources")


def query_files() -> list[Traversable]:
    return sorted((p for p in files("graph.queries").iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)
