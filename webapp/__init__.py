"""The Dân vận KG web app (read-only): entity pages, the SPARQL endpoint, health.

``create_app(test_config=None)`` follows Flask's tutorial factory; the store is opened once per build
(see :mod:`webapp.storeholder`) and each concern is one small blueprint.
"""

from __future__ import annotations

from flask import Flask, current_app

from graph import settings
from graph.bounded import Pool
from webapp.storeholder import Snapshot, StoreHolder


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DANVAN_STORE=str(settings.default_store_dir()),
        DANVAN_MAX_ROWS=settings.max_rows(),
        DANVAN_QUERY_TIMEOUT=settings.query_timeout(),
        # Entity pages list at most this many statements in each direction.
        DANVAN_PAGE_STATEMENTS=2000,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.extensions["danvan.store"] = StoreHolder(app.config["DANVAN_STORE"])
    # /sparql evaluates in worker processes, started on the first query (see graph.bounded).
    app.extensions["danvan.pool"] = Pool()

    from webapp import editor, entity, errors, health, home, queries, sparql
    from webapp.urls import TEMPLATE_GLOBALS

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.globals["snapshot_info"] = _snapshot_info
    for bp in (home.bp, health.bp, entity.bp, sparql.bp, queries.bp, editor.bp):
        app.register_blueprint(bp)
    errors.register(app)
    return app


def snapshot() -> Snapshot:
    """The store of the live build (reopened when a new build was swapped in)."""
    return current_app.extensions["danvan.store"].get()


def _snapshot_info() -> dict:
    try:
        return snapshot().info
    except Exception:  # the footer must never turn a page into an error
        return {}
