"""tests/engines.py: a private Virtuoso on loopback holds exactly the export of the seed build, graph by graph.

Needs Debian's virtuoso-opensource-7 (`make test` installs it through `make virtuoso`).
"""

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

_spec = importlib.util.spec_from_file_location("engines", Path(__file__).with_name("engines.py"))
engines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engines)

DANVAN = str(Path(sys.executable).with_name("danvan"))


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    subprocess.run([DANVAN, "build", "--store", str(folder / "store")], check=True, capture_output=True)
    out = folder / "dump.nq"
    subprocess.run([DANVAN, "export", "--store", str(folder / "store"), "--format", "nquads", "-o", str(out)],
                   check=True, capture_output=True)
    return out


def test_virtuoso_holds_every_graph_of_the_export(dump, tmp_path):
    expected = Counter(q.graph_name.value for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    with engines.Virtuoso.running(tmp_path / "db", memory_mb=256) as v:
        assert v.query_url.startswith("http://127.0.0.1:")
        v.load_nquads(dump)
        rows = v.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        loaded = {r["g"]["value"]: int(r["n"]["value"]) for r in rows if r["g"]["value"] in expected}
        assert loaded == dict(expected)
        # a literal with a language tag and a date come back as they were written
        rows = v.select('PREFIX dv: <https://w3id.org/danvan/ontology#> SELECT ?t ?d WHERE { '
                        '<https://w3id.org/danvan/id/document/qd-23-tw-2021> dv:title ?t ; dv:dateIssued ?d }')
        assert {r["d"]["value"] for r in rows} == {"2021-07-30"}
        assert all(r["t"].get("xml:lang") == "vi" for r in rows)
    assert v.proc is None


def test_a_folder_the_caller_gives_is_kept(tmp_path):
    v = engines.Virtuoso(tmp_path / "kept", memory_mb=128)
    v.start()
    v.stop()
    assert (tmp_path / "kept" / "virtuoso.ini").exists()
    with pytest.raises(engines.EngineError):
        v.select("ASK {}")
