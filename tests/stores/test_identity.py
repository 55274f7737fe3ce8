"""Reading which build an engine holds when its graph names outnumber the engine's row cap: a 1M build has
15,199 graphs and Virtuoso's default ResultSetMaxRows (10,000) cut the one-query answer short, so every
reader said "holds no Dân vận build". The names now come in ordered pages; a short page is an error that
names the cap, never a silently smaller build."""

from __future__ import annotations

import pytest

import graph.stores as stores
from graph.errors import EngineError
from graph.stores import RemoteStore

ENGINES = ["oxigraph-server", "virtuoso"]


@pytest.mark.parametrize("name", ENGINES)
def test_the_graph_names_are_read_in_pages(name, loaded, embedded, monkeypatch):
    _engine, endpoint = loaded(name)
    whole = stores.read_identity(RemoteStore(endpoint, timeout_s=30))
    monkeypatch.setattr(stores, "IDENTITY_PAGE", 3)  # the seed build has a dozen graphs: several pages
    paged = stores.read_identity(RemoteStore(endpoint, timeout_s=30))
    assert paged.graphs == whole.graphs == sorted(g.value for g in embedded.named_graphs())
    assert (paged.union, paged.info) == (whole.union, whole.info)
    assert stores.read_identity(RemoteStore(endpoint, timeout_s=30), paged) is paged  # still live: not re-read


@pytest.mark.parametrize("name", ENGINES)
def test_a_row_cap_below_a_page_is_an_error_naming_it(name, loaded, monkeypatch):
    _engine, endpoint = loaded(name)
    monkeypatch.setattr(stores, "IDENTITY_PAGE", 4)
    real = stores._parse

    def capped(body, headers):  # an engine whose answers of graph names stop at 2 rows
        results = real(body, headers)
        names = [v.value for v in results.variables] == ["g"]
        rows = list(results)
        return rows[:2] if names else rows

    monkeypatch.setattr(stores, "_parse", capped)
    with pytest.raises(EngineError, match="row cap is below 4"):
        stores.read_identity(RemoteStore(endpoint, timeout_s=30))
