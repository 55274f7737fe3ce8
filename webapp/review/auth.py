"""Who may review: a reviewer signs in with their name and the reviewer token; the session cookie
(signed, HttpOnly, SameSite=Strict, Secure) then carries their name and a per-session CSRF token.

Every POST must carry that CSRF token and come from this site (``Origin``, else ``Referer``, naming
this server): a page elsewhere cannot make a signed-in browser post here. The token is compared in
constant time and never logged or shown; repeated failures from one client are slowed down.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from urllib.parse import urlsplit

from flask import abort, request, session

MIN_TOKEN_LENGTH = 16
FAILURES_ALLOWED = 10  # per client within FAILURE_WINDOW seconds; then 429 until the window passes
FAILURE_WINDOW = 600


class Throttle:
    def __init__(self):
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}

    def blocked(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < FAILURE_WINDOW]
            self._failures[client] = recent
            return len(recent) >= FAILURES_ALLOWED

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, []).append(time.monotonic())


def token_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def csrf_token() -> str:
    """This session's CSRF token (made on first use, also before signing in: the login form posts)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def reviewer() -> str | None:
    return session.get("reviewer")


def sign_in(name: str) -> None:
    session.clear()  # a fresh session (and CSRF token) after signing in: no fixation
    session.permanent = True
    session["reviewer"] = name
    csrf_token()


def sign_out() -> None:
    session.clear()


def check_post() -> None:
    """403 unless the POST comes from this site with this session's CSRF token."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        origin = None if referer is None else "{0.scheme}://{0.netloc}".format(urlsplit(referer))
    if origin is None or origin.rstrip("/") != request.host_url.rstrip("/"):
        abort(403, description="origin")
    given = request.form.get("csrf_token", "")
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        abort(403, description="csrf")
