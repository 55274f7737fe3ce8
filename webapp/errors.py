"""One error handler for the whole app: JSON or HTML as the request asked, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from graph.admission import BudgetSpent, Busy, Refusal
from graph.bounded import MemoryExceeded, QueryTimeout, WorkerFailure
from graph.errors import DanvanError, QueryError, QuerySyntaxError, StoreError
from graph.sandbox import NetworkWallError
from webapp.conneg import wants_html

log = logging.getLogger(__name__)


class Refused(HTTPException):
    """An HTTP error raised by a view, with a message meant for the client and optional extra fields."""

    def __init__(self, code: int, message: str, *, headers: dict[str, str] | None = None, **extra):
        super().__init__(description=message)
        self.code = code
        self.extra = extra
        self.headers = headers or {}

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), *self.headers.items()]


# Evaluation outcomes that are the server's limits, not the client's mistake.
_LIMITS = (Refusal, QueryTimeout, MemoryExceeded, WorkerFailure, NetworkWallError)


def _refused(e: DanvanError) -> Refused:
    """The answer to an evaluation stopped by a limit: 429 (this client's budget is spent) or 503 (busy,
    past the deadline, over the memory cap, a failed worker), with ``Retry-After`` when waiting helps."""
    message = str(e)
    if isinstance(e, BudgetSpent):
        return Refused(429, message, headers={"Retry-After": str(e.retry_after)})
    if isinstance(e, Busy):
        return Refused(503, message, headers={"Retry-After": str(e.retry_after)})
    if isinstance(e, QueryTimeout):
        return Refused(503, f"{message} The limit is DANVAN_QUERY_TIMEOUT.")
    if isinstance(e, NetworkWallError):
        log.error("query workers cannot be walled off from the network: %s", e)
        return Refused(503, "Queries cannot be evaluated on this server now (its query workers cannot be cut "
                            "off from the network); the operator has been told.")
    return Refused(503, message)


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
    if isinstance(e, _LIMITS):
        return handle_http(_refused(e))
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
