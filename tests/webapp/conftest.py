"""The Flask app over the session's built store, driven in-process by Flask's test client."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from webapp import create_app


@pytest.fixture(scope="session")
def app(store_dir, test_config):
    return create_app({**test_config, "DANVAN_STORE": str(store_dir), "TESTING": False})


@pytest.fixture
def client(app):
    return app.test_client()


class _Visible(HTMLParser):
    """Text a reader would see: everything outside <head>, <script> and <style>."""

    HIDDEN = {"head", "script", "style", "title"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture(scope="session")
def visible_text():
    """html → the text a reader sees (test modules cannot import conftest under importlib mode)."""
    return _visible_text


@pytest.fixture(scope="session")
def path_of():
    """An entity IRI → its path on this server."""
    return lambda iri: "/id/" + iri.split("/id/", 1)[1]
