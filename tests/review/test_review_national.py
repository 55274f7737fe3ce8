"""Publishing a review on a site built with the national reference data (as `make run` builds it): the
build the review starts reads the sources folder *and* the national data, so accepting an article never
takes the country's administrative units off the site, and it is an incremental build from the live one.
`DANVAN_NATIONAL=35` (one province) keeps the builds short; the path is the same as for `all`."""

from __future__ import annotations

import json

NATIONAL = "https://w3id.org/danvan/id/source/ref-vietnamadminunits"
HA_NAM = "https://w3id.org/danvan/id/place/tinh-ha-nam"


def live(store):
    from graph.stores import open_build

    return open_build(store.resolve())


def national_triples(store) -> int:
    (row,) = live(store).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NATIONAL}> {{ ?s ?p ?o }} }}")
    return int(row["n"].value)


def test_publishing_keeps_the_national_data_and_builds_from_the_live_build(national_review_server, national_client,
                                                                         stub):
    server, client = national_review_server, national_client
    before = national_triples(server.store)
    assert before > 5000  # `danvan build --sources DIR` added the province's units to the folder's files
    first = server.store.resolve()

    client.login()
    csrf = client.csrf("/review/new")
    r = client.post("/review/new", {"csrf_token": csrf, "text": stub.ARTICLE, "url": stub.URL,
                                    "publisher": stub.PUBLISHER, "date": stub.DATE, "headline": stub.HEADLINE})
    assert r.status_code == 303
    item = f"/review/items/{stub.SLUG}"
    assert client.post(f"{item}/accept-undecided", {"csrf_token": client.csrf(item)}).status_code == 303
    assert client.post(f"{item}/publish", {"csrf_token": client.csrf(item)}).status_code == 303
    assert "Đã ghi" in client.get(item).text

    built = server.store.resolve()
    assert built != first
    assert national_triples(server.store) == before
    assert live(server.store).query(f"ASK {{ <{HA_NAM}> ?p ?o }}")
    info = json.loads((built / "build.json").read_text(encoding="utf-8"))
    assert info["incremental"] is True, info.get("timings")
    assert any(s["path"].endswith(f"{stub.SLUG}.ttl") for s in info["sources"]), info["sources"]


def test_the_packaged_folder_builds_as_the_default_build_names_it():
    """A review over the packaged folder (its default) continues `make run`'s build incrementally: the same
    sources under the same names, not ten files removed and ten added."""
    from graph.load import default_sources, folder_sources
    from graph.resources import sources_folder

    assert [str(s) for s in folder_sources(sources_folder())] == [str(s) for s in default_sources()]
    assert [str(s) for s in folder_sources(str(sources_folder()) + "/")] == [str(s) for s in default_sources()]
