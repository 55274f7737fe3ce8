"""Typed exceptions of the library. Each message says what to do; only graph/cli.py turns them into
exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # avoid an import cycle: validate imports errors
    from graph import terms as ox

    from graph.validate import ValidationResult


class DanvanError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(DanvanError):
    """A ``DANVAN_*`` setting or an argument cannot be used."""


class SourceSyntaxError(DanvanError):
    """A Turtle file does not parse. ``str()`` is ``path:line:column: message`` (1-based)."""

    def __init__(self, path: str, line: int | None, column: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 0}:{self.column or 0}: {self.message}"


class SourceContentError(DanvanError):
    """A file parses but its content breaks a loading rule (not UTF-8/NFC, no or several source subjects…)."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ReasoningError(DanvanError):
    """A domain rule (graph/rules/*.ru) does not parse, or the rules never reach a fixpoint."""


class ValidationFailed(DanvanError):
    """The data does not conform to the shapes; ``result`` holds the report."""

    def __init__(self, result: "ValidationResult", store: "ox.Store | None" = None):
        self.result = result
        self.store = store  # the validated data (in memory), to name what the report mentions
        super().__init__(
            f"The data does not conform: {result.violations} violation(s), {result.warnings} warning(s). "
            "Fix the source files named in the report and build again; the previous store is untouched."
        )


class StoreError(DanvanError):
    """No store built yet, an unreadable store, a store directory that is not ours…"""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class BuildLocked(DanvanError):
    """Another build holds the store's build lock. ``pid``/``since`` are None when it has not said yet."""

    def __init__(self, store: str, pid: int | None, since: str | None, lock: str):
        self.store = store
        self.pid = pid
        self.since = since
        self.lock = lock
        who = f"pid {pid}, since {since}" if pid is not None else f"it holds {lock}"
        super().__init__(
            f"Another build is running on {store} ({who}): wait for it to finish, "
            "or run `danvan build --wait` to build after it."
        )


class QueryError(DanvanError):
    """A named query cannot be found, bound or run."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class QueryNotFound(QueryError):
    pass


class QueryParameterError(QueryError):
    pass


class QuerySyntaxError(QueryError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        super().__init__(message)


class QueryTooLarge(QueryError):
    """A query text or a parameter value is longer than the documented limit (checked before reading it)."""


class QueryTooComplex(QueryError):
    """A query nests deeper than the documented limit (Oxigraph's recursive parser would overflow)."""


class QueryTimeout(DanvanError):
    """The query did not finish before its deadline (it was stopped)."""


class IngestInputError(DanvanError):
    """An article given to ``danvan ingest`` cannot be read as text: not UTF-8, binary, empty or too large."""

    def __init__(self, path: str, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class EngineError(StoreError):
    """An external SPARQL engine (``DANVAN_ENDPOINT``) cannot be reached or gave an unusable answer.
    Messages name the engine by its URL without credentials, never the password."""


class EngineAuthError(EngineError):
    """The engine refused the credentials (``DANVAN_ENDPOINT_USER`` / ``DANVAN_ENDPOINT_PASSWORD``)."""


class RowLimitExceeded(QueryError):
    """A query answered more rows than the caller's cap: a list cut short would be wrong, so none is given."""

    def __init__(self, message: str, max_rows: int):
        self.max_rows = max_rows
        super().__init__(message)
