"""Where the package's data files are: the ontology, the shapes, the sources and the named queries.

An installed copy ships them as package data (pyproject maps the top-level ``ontology/`` and ``queries/``
folders to ``graph.ontology`` and ``graph.queries``). In a checkout, and under an editable install,
those two packages do not exist — setuptools' editable finder cannot map a subpackage to a folder outside
its parent — so the folders are read in place.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _folder(package: str, checkout_folder: str) -> Traversable:
    try:
        return files(package)
    except ModuleNotFoundError:
        return _CHECKOUT / checkout_folder


def _ending(folder: Traversable, suffix: str) -> list[Traversable]:
    return sorted((p for p in folder.iterdir() if p.name.endswith(suffix)), key=lambda p: p.name)


def sources_folder() -> Path:
    """The packaged sources as a folder on disk: where `danvan review` writes reviewed sources by default."""
    return Path(__file__).resolve().parent / "sources"


def ontology_files() -> list[Traversable]:
    """The OWL ontology and the reference vocabularies (document types, levels); not the shapes."""
    return [p for p in _ending(_folder("graph.ontology", "ontology"), ".ttl") if p.name != "shapes.ttl"]


def shapes_file() -> Traversable:
    return _folder("graph.ontology", "ontology") / "shapes.ttl"


def source_files() -> list[Traversable]:
    return _ending(files("graph.sources"), ".ttl")


def query_files() -> list[Traversable]:
    return _ending(_folder("graph.queries", "queries"), ".rq")
