"""Load the ontology and the source files into a pyoxigraph store, one named graph per source.

Every file is read and checked before anything is written, so a bad file leaves the store as it was.
Checks, in order: UTF-8, Unicode NFC (first offending line), Turtle syntax (pyoxigraph's line and
column), then exactly one subject typed with a subclass of ``dv:Source`` per source file.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Union

import pyoxigraph as ox

from graph import resources, settings
from graph.national import source as national
from graph.errors import SourceContentError, SourceSyntaxError

PathLike = Union[str, os.PathLike, Traversable]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_EQUIVALENT_CLASS = "http://www.w3.org/2002/07/owl#equivalentClass"
_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
# pyoxigraph prefixes its message with the position, which we report separately
_POSITION_PREFIX = re.compile(r"^Parser error [^:]*: ")


@dataclass(frozen=True)
class LoadedSource:
    iri: str
    path: str
    triples: int


class Packaged:
    """A packaged data file, named as in the source tree (``graph/sources/x.ttl``) rather than by
    where it happens to be installed, so reports point at the file a curator edits."""

    def __init__(self, file: Traversable, folder: str):
        self.file = file
        self.name = file.name
        self.folder = folder

    def read_bytes(self) -> bytes:
        return self.file.read_bytes()

    def __str__(self) -> str:
        return f"{self.folder}/{self.name}"

    def __repr__(self) -> str:
        return f"Packaged({str(self)!r})"


def default_sources() -> list:
    """What a build reads when no sources are given: the packaged files and the national reference data
    generated from its package (``DANVAN_NATIONAL``)."""
    return [Packaged(p, "graph/sources") for p in resources.source_files()] + national.default_sources()


def folder_sources(folder: PathLike) -> list:
    """What a build reads from a sources folder (``--sources DIR``, the review's folder): its files in
    place of the packaged ones, and the national reference data as for the packaged ones
    (``DANVAN_NATIONAL``), so a build from the folder the review writes to is the site's whole graph. The
    packaged folder itself gives :func:`default_sources`, named as `danvan build` names them, so a build
    from it continues the default build incrementally."""
    folder = Path(folder)
    if folder.resolve() == resources.sources_folder():
        return default_sources()
    return sorted(folder.glob("*.ttl")) + national.default_sources()


def load(
    store: ox.Store,
    sources: Iterable[PathLike] | None = None,
    ontology: Iterable[PathLike] | None = None,
) -> list[LoadedSource]:
    """Parse ``ontology`` into the ontology graph and each of ``sources`` into its own graph.

    Defaults to the packaged files (:mod:`graph.resources`) and the national reference data
    (:mod:`graph.national`). Raises :class:`SourceSyntaxError` or
    :class:`SourceContentError`; nothing is written unless every file passes.
    """
    ontology = [Packaged(p, "ontology") for p in resources.ontology_files()] if ontology is None else list(ontology)
    sources = default_sources() if sources is None else list(sources)

    ontology_graph = ox.NamedNode(settings.ontology_graph())
    ontology_triples = [t for path in ontology for t in parse_file(path)]
    source_classes = _source_classes(ontology_triples)

    loaded: list[LoadedSource] = []
    quads: list[ox.Quad] = [ox.Quad(t.subject, t.predicate, t.object, ontology_graph) for t in ontology_triples]
    seen: dict[str, str] = {}
    for path in sources:
        triples = parse_file(path)
        iri = _source_subject(path, triples, source_classes)
        if iri in seen:
            raise SourceContentError(
                str(path),
                f"describes the source <{iri}>, which {seen[iri]} already describes: "
                "one source per file, each with its own IRI.",
            )
        seen[iri] = str(path)
        graph = ox.NamedNode(iri)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        loaded.append(LoadedSource(iri=iri, path=str(path), triples=len(set(triples))))
    store.bulk_extend(quads)
    return loaded


def read_text(path: PathLike) -> str:
    """The file as text, checked to be UTF-8 and NFC line by line (the first bad line is reported)."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceContentError(
            str(path), f"is not valid UTF-8 (byte {data[e.start]:#04x}): save the file as UTF-8.", line=line
        ) from None
    text = text.removeprefix("\ufeff")  # an editor's byte-order mark is harmless; Turtle's grammar has none
    for number, line in enumerate(text.split("\n"), start=1):
        if not unicodedata.is_normalized("NFC", line):
            normal = unicodedata.normalize("NFC", line)
            column = next(
                (i for i, (a, b) in enumerate(zip(line, normal)) if a != b), min(len(line), len(normal))
            ) + 1
            raise SourceContentError(
                str(path),
                f"column {column}: text is not in Unicode NFC (decomposed diacritics, e.g. from a PDF copy): "
                "normalize the file to NFC, e.g. `python -c \"import sys,unicodedata;"
                "sys.stdout.write(unicodedata.normalize('NFC',sys.stdin.read()))\" < in > out`.",
                line=number,
            )
    return text


def parse_file(path: PathLike) -> list[ox.Triple]:
    """Read, check and parse one Turtle file; IRIs (and xsd:anyURI literals) starting with the
    canonical base are moved to the configured base IRI."""
    text = read_text(path)
    try:
        triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)]
    except SyntaxError as e:
        message = _POSITION_PREFIX.sub("", str(e.msg or e))
        raise SourceSyntaxError(str(path), e.lineno, e.offset, message) from None
    return list(_rebase(triples))


def _read_bytes(path: PathLike) -> bytes:
    target = path if hasattr(path, "read_bytes") else Path(path)
    try:
        return target.read_bytes()
    except OSError as e:
        raise SourceContentError(str(path), f"cannot be read ({e.strerror or e}): check the path.") from None


def _rebase(triples: list[ox.Triple]) -> Iterator[ox.Triple]:
    canonical, base = settings.CANONICAL_BASE, settings.base_iri()
    if base == canonical:
        yield from triples
        return

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(canonical):
            return ox.NamedNode(base + term.value[len(canonical):])
        if isinstance(term, ox.Literal) and not term.language:
            # xsd:anyURI values are IRIs too (e.g. the shapes' sh:namespace prefix declarations)
            value = term.value
            if term.datatype.value == _ANY_URI and value.startswith(canonical):
                value = base + value[len(canonical):]
            return ox.Literal(value, datatype=move(term.datatype))
        return term

    for t in triples:
        yield ox.Triple(move(t.subject), move(t.predicate), move(t.object))


def _source_classes(ontology_triples: list[ox.Triple]) -> set[str]:
    """dv:Source and every class the ontology makes a subclass (or equivalent) of it, transitively."""
    parents: dict[str, set[str]] = {}
    for t in ontology_triples:
        if not (isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)):
            continue
        if t.predicate.value in (_SUBCLASS, _EQUIVALENT_CLASS):
            parents.setdefault(t.object.value, set()).add(t.subject.value)
        if t.predicate.value == _EQUIVALENT_CLASS:
            parents.setdefault(t.subject.value, set()).add(t.object.value)
    found, todo = set(), [settings.ontology_namespace() + "Source"]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(parents.get(cls, ()))
    return found


def _source_subject(path: PathLike, triples: list[ox.Triple], source_classes: set[str]) -> str:
    subjects = {
        t.subject
        for t in triples
        if t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in source_classes
    }
    if not subjects:
        raise SourceContentError(
            str(path),
            "describes no source: add exactly one subject typed with dv:Source's subclass "
            "(e.g. dv:NewsArticleSource) whose IRI is …/id/source/{slug}.",
        )
    if len(subjects) > 1:
        names = ", ".join(sorted(str(s) for s in subjects))
        raise SourceContentError(
            str(path), f"describes {len(subjects)} sources ({names}): split it, one file per source."
        )
    (subject,) = subjects
    if not isinstance(subject, ox.NamedNode):
        raise SourceContentError(str(path), "its source is a blank node: give it an IRI …/id/source/{slug}.")
    return subject.value
