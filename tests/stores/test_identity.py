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


def test_an_answer_virtuoso_cut_at_its_row_cap_is_never_passed_on_as_whole(loaded):
    """Virtuoso's ResultSetMaxRows (10,000 here, its default) stops an answer without an error: at 1M the
    hubs' lookups read 56,149 of 178,491 quads and two named queries 10,000 of 15,936 rows. Such an answer
    is now the row-limit error, as the app's own cap gives, naming the setting."""
    from graph.errors import RowLimitExceeded

    _engine, endpoint = loaded("virtuoso")
    remote = RemoteStore(endpoint, timeout_s=30)
    digits = " ".join(str(n) for n in range(101))
    with pytest.raises(RowLimitExceeded, match="ResultSetMaxRows"):
        list(remote.query(f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {digits} }} VALUES ?b {{ {digits} }} }}"))
    assert len(list(remote.query(f"SELECT ?a WHERE {{ VALUES ?a {{ {digits} }} }}"))) == 101
