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
        # Rows per property group on an entity page, and per page of a /browse list (hubs stay bounded).
        DANVAN_ENTITY_ROWS=50,
        DANVAN_BROWSE_PAGE_SIZE=50,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.extensions["danvan.store"] = StoreHolder(app.config["DANVAN_STORE"])
    # /sparql evaluates in worker processes, started on the first query (see graph.bounded).
    app.extensions["danvan.pool"] = Pool()

    from webapp import browse, editor, entity, errors, health, home, i18n, ontology, queries, search, sparql, void
    from webapp.urls import TEMPLATE_GLOBALS

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.globals["snapshot_info"] = _snapshot_info
    for bp in (home.bp, health.bp, entity.bp, sparql.bp, queries.bp, editor.bp, search.bp, browse.bp,
               ontology.bp, void.bp):
        app.register_blueprint(bp)
    errors.register(app)
    i18n.register(app)
    app.after_request(_security_headers)
    return app


# Pages load only this server's scripts: no inline script, nothing from elsewhere. Styles may be inline
# because the editor's libraries set them from script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def snapshot() -> Snapshot:
    """The store of the live build (reopened when a new build was swapped in)."""
    return current_app.extensions["danvan.store"].get()


def _snapshot_info() -> dict:
    try:
        return snapshot().info
    except Exception:  # the footer must never turn a page into an error
        return {}
