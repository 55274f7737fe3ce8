"""Every request's text is UTF-8, or it is refused with 400 before any view reads it.

Werkzeug decodes the path, the query string and form fields with replacement characters, so a view
cannot tell that bytes were lost; here the raw bytes are decoded strictly, once, for every route: the
path, the query string (percent-decoded), and a POST body (percent-decoded for a form; as it is for
``multipart/form-data`` — no route here takes files — and for any body whose charset is UTF-8 or not
given; another charset is the view's to refuse). Bodies are read up to :data:`MAX_BODY` bytes (413 past it).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request

from webapp.errors import Refused

MAX_BODY = 1 << 20
"""Bytes in a request body (a query is at most graph.sparql_grammar.MAX_QUERY_LENGTH characters)."""
_FORM = "application/x-www-form-urlencoded"


def _strict(raw: bytes, where: str) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused(400, f"The {where} is not valid UTF-8 (byte {e.start + 1} cannot be read); "
                           "send UTF-8, percent-encoded where needed.") from None


def check_encoding() -> None:
    environ = request.environ
    # PEP 3333: PATH_INFO and QUERY_STRING carry the raw bytes as latin-1 code points.
    _strict(environ.get("PATH_INFO", "").encode("latin-1", "replace"), "path")
    _strict(unquote_to_bytes(environ.get("QUERY_STRING", "").encode("latin-1", "replace")), "query string")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    request.max_content_length = MAX_BODY
    mimetype = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if mimetype == _FORM:
        _strict(unquote_to_bytes(request.get_data(cache=True)), "form")
    elif mimetype == "multipart/form-data" or charset in ("utf-8", "utf8"):
        _strict(request.get_data(cache=True), "request body")


def register(app: Flask) -> None:
    app.before_request(check_encoding)
