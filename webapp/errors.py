"""One error handler for the whole app: JSON or HTML as the request asked, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from graph.errors import DanvanError, QueryError, QuerySyntaxError, StoreError
from webapp.conneg import wants_html

log = logging.getLogger(__name__)


class Refused(HTTPException):
    """An HTTP error raised by a view, with a message meant for the client and optional extra fields."""

    def __init__(self, code: int, message: str, **extra):
        super().__init__(description=message)
        self.code = code
        self.extra = extra


def _respond(code: int, message: str, **extra) -> Response:
    title = HTTP_STATUS_CODES.get(code, "Error")
    if wants_html():
        response = make_response(render_template("error.html", code=code, title=title, message=message,
                                                 extra=extra), code)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response
    response = jsonify({"error": {"status": code, "title": title, "message": message, **extra}})
    response.status_code = code
    return response


def handle_http(e: HTTPException) -> Response:
    code = e.code or 500
    response = _respond(code, e.description or HTTP_STATUS_CODES.get(code, "Error"), **getattr(e, "extra", {}))
    for name, value in e.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on 405
            response.headers[name] = value
    return response


def handle_danvan(e: DanvanError) -> Response:
    if isinstance(e, StoreError):
        return _respond(503, str(e))
    if isinstance(e, QuerySyntaxError):
        return _respond(400, str(e), line=e.line, column=e.column)
    if isinstance(e, QueryError):
        return _respond(400, str(e))
    log.error("configuration or data error: %s", e)
    return _respond(500, str(e))


def handle_unexpected(e: Exception) -> Response:
    # The traceback goes to the operator's log; the client gets a plain message.
    log.exception("unhandled error")
    return _respond(500, "Something went wrong on our side; the error has been logged.")


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DanvanError, handle_danvan)
    app.register_error_handler(Exception, handle_unexpected)
