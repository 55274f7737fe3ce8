"""The Dân vận KG web app (read-only): entity pages, the SPARQL endpoint, health.

``create_app(test_config=None)`` follows Flask's tutorial factory; the store is opened once per build
(see :mod:`webapp.storeholder`) and each concern is one small blueprint.
"""

from __future__ import annotations

import math
import os

from flask import Flask, current_app, request

from graph import settings
from graph.bounded import Pool
from graph.store import data_path
from graph.stores import ENV_ENDPOINT, Endpoint, RemoteStore
from webapp.storeholder import Snapshot, StoreHolder

# The browse and home pages run their store scans in a pool of their own (see webapp.scans), so they have
# a deadline like SPARQL and never wait behind it.
PAGE_WORKERS = 2
PAGE_QUEUE = 4


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DANVAN_STORE=str(settings.default_store_dir()),
        DANVAN_MAX_ROWS=settings.max_rows(),
        DANVAN_QUERY_TIMEOUT=settings.query_timeout(),
        # Rows per property group on an entity page, and per page of a /browse list (hubs stay bounded).
        DANVAN_ENTITY_ROWS=50,
        DANVAN_BROWSE_PAGE_SIZE=50,
        DANVAN_QUERY_WORKERS=settings.query_workers(),
        DANVAN_QUERY_QUEUE=settings.query_queue(),
        DANVAN_QUERY_BUDGET=settings.query_budget(),
        DANVAN_QUERY_MEMORY=settings.query_memory(),
        DANVAN_CLIENT_HEADER=settings.client_header(),
        # The external engine's SPARQL query URL (None: the embedded build); its build is read from there,
        # its search/browse indexes and dumps still from DANVAN_STORE.
        DANVAN_ENDPOINT=os.environ.get(ENV_ENDPOINT, "").strip() or None,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    # credentials (DANVAN_ENDPOINT_USER / _PASSWORD) come from the environment only, never the app's config
    endpoint = Endpoint.from_env(app.config["DANVAN_ENDPOINT"]) if app.config["DANVAN_ENDPOINT"] else None
    remote = RemoteStore(endpoint, timeout_s=app.config["DANVAN_QUERY_TIMEOUT"]) if endpoint else None
    app.extensions["danvan.store"] = StoreHolder(app.config["DANVAN_STORE"], remote)
    # SPARQL (/sparql, /queries) evaluates in walled, bounded worker processes started on first use
    # (graph.bounded), behind admission control; the pages' scans have a pool of their own.
    config = app.config
    retry = min(math.ceil(config["DANVAN_QUERY_TIMEOUT"]), 10)  # a slot frees within one deadline
    app.extensions["danvan.pool"] = Pool(config["DANVAN_QUERY_WORKERS"], queue=config["DANVAN_QUERY_QUEUE"],
                                         budget=config["DANVAN_QUERY_BUDGET"], memory=config["DANVAN_QUERY_MEMORY"],
                                         retry_after=retry)
    app.extensions["danvan.pages"] = Pool(PAGE_WORKERS, queue=PAGE_QUEUE, memory=config["DANVAN_QUERY_MEMORY"],
                                          retry_after=retry)

    from webapp import (browse, editor, entity, errors, health, home, i18n, input_guard, ontology, queries, search,
                        sparql, void)
    from webapp.urls import TEMPLATE_GLOBALS

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.globals["snapshot_info"] = _snapshot_info
    for bp in (home.bp, health.bp, entity.bp, sparql.bp, queries.bp, editor.bp, search.bp, browse.bp,
               ontology.bp, void.bp):
        app.register_blueprint(bp)
    errors.register(app)
    input_guard.register(app)
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


def threads_needed(config) -> int:
    """Server threads so that SPARQL and page scans, which can hold at most their pools' workers and
    queues, always leave threads for entity pages, search, /health and static files."""
    return config["DANVAN_QUERY_WORKERS"] + config["DANVAN_QUERY_QUEUE"] + PAGE_WORKERS + PAGE_QUEUE + 4


def snapshot() -> Snapshot:
    """The store of the live build (reopened when a new build was swapped in); the worker pools are
    told, so their workers let go of a build that is no longer live."""
    snap = current_app.extensions["danvan.store"].get()
    if not snap.remote:
        path = str(data_path(snap.build))
        current_app.extensions["danvan.pool"].follow(path)
        current_app.extensions["danvan.pages"].follow(path)
    return snap


def evaluate(snap: Snapshot, query: str, **bounds):
    """A visitor's query (/sparql, /queries) with the endpoint's bounds, as a :class:`graph.bounded.Result`:
    embedded, in a walled worker process of the pool; remote, by the engine, behind the same admission
    gate and budgets (:meth:`graph.stores.RemoteStore.run`)."""
    pool = current_app.extensions["danvan.pool"]
    if snap.remote:
        return snap.store.run(query, gate=pool.gate, client=client(), **bounds)
    return pool.run(str(data_path(snap.build)), query, client=client(), **bounds)


def client() -> str:
    """Who is charged for a query's seconds: the connection's address, or the configured header's value
    behind a proxy (for X-Forwarded-For the last entry, the one our proxy added: earlier ones are the
    client's own claims)."""
    header = current_app.config.get("DANVAN_CLIENT_HEADER")
    value = request.headers.get(header, "") if header else ""
    return value.rsplit(",", 1)[-1].strip() or request.remote_addr or "unknown"


def _snapshot_info() -> dict:
    try:
        return snapshot().info
    except Exception:  # the footer must never turn a page into an error
        return {}
