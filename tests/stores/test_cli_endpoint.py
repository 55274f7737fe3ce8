"""The command on an engine: `danvan build --endpoint` builds locally, loads the engine and switches it;
`danvan query --endpoint` and `DANVAN_ENDPOINT` answer as the embedded store does; a missing Graph Store
URL or an unreachable engine is exit 2 with a message that says what to set."""

from __future__ import annotations


def test_build_then_query_on_oxigraph_server(run_danvan, clean_env, tmp_path, engines_module):
    with engines_module.OxigraphServer.running(tmp_path / "engine") as engine:
        store = tmp_path / "store"
        built = run_danvan("build", "--store", store, "--endpoint", engine.query_url,
                           env=clean_env(DANVAN_ENDPOINT_STORE=engine.store_url))
        assert built.returncode == 0, built.stderr
        assert f"switched {engine.query_url} to " in built.stdout
        local = run_danvan("query", "replacement-chain", "--format", "csv", "--store", store)
        remote = run_danvan("query", "replacement-chain", "--format", "csv", "--endpoint", engine.query_url)
        by_env = run_danvan("query", "replacement-chain", "--format", "csv",
                            env=clean_env(DANVAN_ENDPOINT=engine.query_url))
        assert local.returncode == remote.returncode == by_env.returncode == 0, remote.stderr + by_env.stderr
        assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines()) == \
            sorted(by_env.stdout.splitlines())
        assert len(local.stdout.splitlines()) > 1
        table = run_danvan("query", "replacement-chain", "--endpoint", engine.query_url)
        assert table.returncode == 0 and "290-QĐ/TW" in table.stdout  # labels read from the engine


def test_build_without_a_graph_store_url_says_what_to_set(run_danvan, tmp_path):
    done = run_danvan("build", "--store", tmp_path / "store", "--endpoint", "http://127.0.0.1:9/query")
    assert done.returncode == 2 and "DANVAN_ENDPOINT_STORE" in done.stderr


def test_an_unreachable_engine_is_exit_2(run_danvan):
    done = run_danvan("query", "replacement-chain", "--endpoint", "http://127.0.0.1:9/query")
    assert done.returncode == 2 and "cannot be reached" in done.stderr and "Traceback" not in done.stderr
