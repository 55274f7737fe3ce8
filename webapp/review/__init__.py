"""The review surface (``danvan review``): staff read the facts the ingest proposes for an article,
accept, reject or edit them, and publish the reviewed source into the graph.

A Flask app of its own, never registered on the public site: it writes (the sources folder, a build),
so it sits behind a reviewer token, a session cookie and CSRF checks, and listens on loopback unless
told otherwise (see docs/review.md and docs/security.md).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from graph import settings
from graph.errors import ConfigError
from webapp.review.auth import MIN_TOKEN_LENGTH, Throttle
from webapp.review.folder import ReviewFolder
from webapp.storeholder import StoreHolder

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_review_app(config: dict) -> Flask:
    """``config``: ``DANVAN_REVIEW_TOKEN`` (required, at least 16 characters), ``DANVAN_REVIEW_DIR``,
    ``DANVAN_SOURCES`` (the sources folder accepted articles go to), ``DANVAN_STORE``, and ``HOST``
    (the address served: on loopback, requests naming another host are refused)."""
    token = (config.get("DANVAN_REVIEW_TOKEN") or "").strip()
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"DANVAN_REVIEW_TOKEN must be set to a secret of at least {MIN_TOKEN_LENGTH} characters "
                          "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`); "
                          "the review surface does not start without it.")
    sources = Path(config["DANVAN_SOURCES"])
    if not sources.is_dir():
        raise ConfigError(f"--sources {str(sources)!r} is not a directory; give the folder of source files")
    app = Flask(__name__, static_url_path="/review/static")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per process: a restart signs everyone out
        SESSION_COOKIE_NAME="__Host-danvan-review",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        DANVAN_STORE=str(config.get("DANVAN_STORE") or settings.default_store_dir()),
        DANVAN_SOURCES=str(sources),
    )
    host = config.get("HOST", "127.0.0.1")
    if host in LOOPBACK:
        app.config["TRUSTED_HOSTS"] = list(LOOPBACK)  # DNS rebinding: a page elsewhere cannot pose as us
    app.json.ensure_ascii = False
    folder = ReviewFolder(Path(config.get("DANVAN_REVIEW_DIR") or "."))
    folder.ensure()
    app.extensions["review.token"] = token
    app.extensions["review.folder"] = folder
    app.extensions["review.throttle"] = Throttle()
    app.extensions["danvan.store"] = StoreHolder(app.config["DANVAN_STORE"])

    from webapp import _security_headers, errors, i18n
    from webapp.review import views
    from webapp.urls import lang_switch_url

    app.register_blueprint(views.bp)
    errors.register(app)
    i18n.register(app)
    app.jinja_env.globals["lang_switch_url"] = lang_switch_url
    app.after_request(_security_headers)
    app.after_request(_no_store)
    return app


def _no_store(response):
    # review pages show unpublished material to one signed-in person: no cache keeps them
    response.headers["Cache-Control"] = "no-store"
    return response
