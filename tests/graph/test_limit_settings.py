"""The settings of the query limits: defaults, accepted spellings, and a clear ConfigError otherwise."""

from __future__ import annotations

import pytest

from graph import settings
from graph.errors import ConfigError

LIMITS = ("DANVAN_QUERY_WORKERS", "DANVAN_QUERY_QUEUE", "DANVAN_QUERY_BUDGET", "DANVAN_QUERY_MEMORY",
          "DANVAN_CLIENT_HEADER")


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    for name in LIMITS:
        monkeypatch.delenv(name, raising=False)


def test_defaults():
    assert settings.query_workers() == 2
    assert settings.query_queue() == 4
    assert settings.query_budget() == 60
    assert settings.query_memory() == 2 << 30
    assert settings.client_header() is None


@pytest.mark.parametrize("raw, value", [("1G", 1 << 30), ("768M", 768 << 20), ("2g", 2 << 30), ("1GiB", 1 << 30),
                                        ("1048576K", 1 << 30), (str(1 << 30), 1 << 30)])
def test_memory_sizes(monkeypatch, raw, value):
    monkeypatch.setenv("DANVAN_QUERY_MEMORY", raw)
    assert settings.query_memory() == value


@pytest.mark.parametrize("raw", ["512M", "lots", "-1G", "0", "1.5G"])
def test_bad_memory_sizes(monkeypatch, raw):
    monkeypatch.setenv("DANVAN_QUERY_MEMORY", raw)
    with pytest.raises(ConfigError, match="DANVAN_QUERY_MEMORY"):
        settings.query_memory()


def test_queue_may_be_zero_but_not_negative(monkeypatch):
    monkeypatch.setenv("DANVAN_QUERY_QUEUE", "0")
    assert settings.query_queue() == 0
    monkeypatch.setenv("DANVAN_QUERY_QUEUE", "-1")
    with pytest.raises(ConfigError, match="DANVAN_QUERY_QUEUE"):
        settings.query_queue()


@pytest.mark.parametrize("name, function", [("DANVAN_QUERY_WORKERS", settings.query_workers),
                                            ("DANVAN_QUERY_BUDGET", settings.query_budget)])
def test_workers_and_budget_must_be_positive(monkeypatch, name, function):
    monkeypatch.setenv(name, "0")
    with pytest.raises(ConfigError, match=name):
        function()


def test_client_header(monkeypatch):
    monkeypatch.setenv("DANVAN_CLIENT_HEADER", " X-Forwarded-For ")
    assert settings.client_header() == "X-Forwarded-For"
