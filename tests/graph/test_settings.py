"""Settings come from DANVAN_* variables, read when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import settings
from graph.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("DANVAN_BASE_IRI", "DANVAN_STORE", "XDG_DATA_HOME", "DANVAN_QUERY_TIMEOUT", "DANVAN_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert settings.base_iri() == settings.CANONICAL_BASE == "https://w3id.org/danvan/"
    assert settings.ontology_graph() == "https://w3id.org/danvan/graph/ontology"
    assert settings.inferred_graph() == "https://w3id.org/danvan/graph/inferred"
    assert settings.ontology_namespace() == "https://w3id.org/danvan/ontology#"
    assert settings.default_store_dir() == tmp_path / ".local" / "share" / "danvan" / "store"
    assert settings.query_timeout() == 30.0 and settings.max_rows() == 10000


def test_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert settings.default_store_dir() == tmp_path / "xdg" / "danvan" / "store"
    monkeypatch.setenv("DANVAN_STORE", str(tmp_path / "explicit"))
    assert settings.default_store_dir() == Path(tmp_path / "explicit")
    monkeypatch.setenv("DANVAN_BASE_IRI", "http://localhost:8080/")
    assert settings.inferred_graph() == "http://localhost:8080/graph/inferred"
    monkeypatch.setenv("DANVAN_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("DANVAN_MAX_ROWS", "50")
    assert (settings.query_timeout(), settings.max_rows()) == (2.5, 50)


@pytest.mark.parametrize("name,value,call", [
    ("DANVAN_BASE_IRI", "w3id.org/danvan/", settings.base_iri),
    ("DANVAN_BASE_IRI", "https://w3id.org/danvan", settings.base_iri),
    ("DANVAN_QUERY_TIMEOUT", "soon", settings.query_timeout),
    ("DANVAN_QUERY_TIMEOUT", "-1", settings.query_timeout),
    ("DANVAN_MAX_ROWS", "1.5", settings.max_rows),
    ("DANVAN_MAX_ROWS", "0", settings.max_rows),
])
def test_bad_values_say_which_variable(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        call()
