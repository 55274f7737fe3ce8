"""What an incremental build changed, quad by quad, for the store stage to update in place of rewriting.

:func:`graph.incremental.apply` names the nodes it touched (every subject and object of a triple it
added or removed, in any graph) and the graphs whose content changed. Every changed quad has its subject
among those nodes, so reading each node's quads as a subject in the previous build's store and in the
new one gives the exact difference: :class:`Change`. The search and browse indexes and the dumps' VoID
counts are then updated from it (:mod:`graph.search_index`, :mod:`graph.browse_index`, :mod:`graph.dumps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph import store


@dataclass
class Change:
    """The difference between the previous build (``previous``, its directory) and the new store."""

    previous: Path
    info: dict  # the previous build's build.json
    removed: set = field(default_factory=set)  # quads (any graph) the new store no longer holds
    added: set = field(default_factory=set)  # quads it holds and the previous one did not
    nodes: frozenset = frozenset()  # the touched nodes (subjects and objects), as apply names them
    graphs: frozenset = frozenset()  # IRIs of the graphs whose content changed ("" the default graph)
    old: ox.Store | None = None  # the previous build's store, read-only

    def default(self) -> tuple[set, set]:
        """(removed, added) triples of the default graph (the union), as quads."""
        return ({q for q in self.removed if isinstance(q.graph_name, ox.DefaultGraph)},
                {q for q in self.added if isinstance(q.graph_name, ox.DefaultGraph)})

    def subjects(self) -> set[str]:
        """IRIs of the subjects whose statements in the default graph changed."""
        return {q.subject.value for q in self.removed | self.added
                if isinstance(q.graph_name, ox.DefaultGraph) and isinstance(q.subject, ox.NamedNode)}


def compute(previous: Path, info: dict, db: ox.Store, nodes: Iterable, graphs: Iterable[str]) -> Change:
    """The quads of ``nodes`` (as subjects) that differ between the store of ``previous`` and ``db``."""
    nodes = frozenset(nodes)
    old = ox.Store.read_only(str(store.data_path(previous)))
    change = Change(previous, info, nodes=nodes, graphs=frozenset(graphs), old=old)
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue  # never a subject
        before = set(old.quads_for_pattern(node, None, None, None))
        after = set(db.quads_for_pattern(node, None, None, None))
        if before != after:
            change.removed |= before - after
            change.added |= after - before
    return change
