"""The Flask app over the session's built store, driven in-process by Flask's test client."""

from __future__ import annotations

import pytest

from webapp import create_app


@pytest.fixture(scope="session")
def app(store_dir):
    return create_app({"DANVAN_STORE": str(store_dir), "TESTING": False})


@pytest.fixture
def client(app):
    return app.test_client()
