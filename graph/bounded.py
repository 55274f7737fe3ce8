"""Bounded query evaluation: every query has a deadline and a row cap, and an overrun is really stopped.

Python threads cannot be killed, so queries are evaluated in a small pool of worker processes
(:mod:`graph.query_worker`), each holding the store open read-only. The caller's thread sends the query
and waits for the answer with ``select`` until the deadline; a worker that overruns is killed with
SIGKILL (its CPU is freed at once), a fresh one is started in the background, and the caller gets
:class:`QueryTimeout`. An answer is only returned once the worker has finished, so a timeout can never
turn into a cut result.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass

from graph.errors import DanvanError, QueryError
from graph.named_queries import syntax_error
from graph.query_worker import GRAPHS, RESULTS, _HEADER, frame

log = logging.getLogger(__name__)
_STARTUP_SECONDS = 60.0


class QueryTimeout(DanvanError):
    """The query did not finish before its deadline (it was stopped)."""


class WorkerFailure(DanvanError):
    """The evaluating process died without an answer (it was replaced)."""


@dataclass
class Result:
    kind: str  # "boolean", "solutions" or "graph"
    format: str | None  # the name it is serialized in; None when the asked formats do not fit this kind
    body: bytes = b""
    truncated: bool = False


class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph.query_worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=None, close_fds=True,
        )
        hello = self._receive(time.monotonic() + _STARTUP_SECONDS)
        if not isinstance(hello, dict) or hello.get("status") != "ready":
            self.kill()
            raise WorkerFailure(f"the query worker did not start (it said {hello!r})")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def call(self, request: dict, deadline: float) -> dict:
        self.proc.stdin.write(frame(request))
        self.proc.stdin.flush()
        return self._receive(deadline)

    def _receive(self, deadline: float) -> dict:
        header = self._read(_HEADER.size, deadline)
        return pickle.loads(self._read(_HEADER.unpack(header)[0], deadline))

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise QueryTimeout("deadline passed")
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise WorkerFailure("the query worker exited")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        try:
            self.proc.send_signal(signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class Pool:
    """At most ``size`` worker processes, started on first use; an overrunning one is replaced."""

    def __init__(self, size: int | None = None):
        self.size = size or max(2, min(4, os.cpu_count() or 2))
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._all: weakref.WeakSet[_Worker] = weakref.WeakSet()
        self._closed = False
        atexit.register(self.close)

    def pids(self) -> list[int]:
        return [w.pid for w in list(self._all)]

    def run(self, path: str, query: str, *, timeout: float, max_rows: int, results_format: str | None,
            graph_format: str | None, default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None, substitutions: dict | None = None,
            base_iri: str | None = None) -> Result:
        """Evaluate ``query`` over the read-only store at ``path`` (its pyoxigraph directory).

        Raises :class:`QueryTimeout` past ``timeout`` seconds (waiting for a free worker included),
        :class:`~graph.errors.QuerySyntaxError`, :class:`~graph.errors.QueryError`, :class:`WorkerFailure`.
        Relative IRIs in the query resolve against ``base_iri`` (the endpoint's own URL, for /sparql)."""
        assert results_format is None or results_format in RESULTS
        assert graph_format is None or graph_format in GRAPHS
        deadline = time.monotonic() + timeout
        request = {"path": path, "query": query, "max_rows": max_rows, "results_format": results_format,
                   "graph_format": graph_format, "default_graph": default_graph, "named_graphs": named_graphs,
                   "substitutions": substitutions, "base_iri": base_iri}
        worker = self._acquire(deadline)
        try:
            answer = worker.call(request, deadline)
        except QueryTimeout:
            self._discard(worker)
            raise QueryTimeout(f"The query ran longer than {timeout:g} s and was stopped.") from None
        except (WorkerFailure, OSError, EOFError, ValueError) as e:
            self._discard(worker)
            raise WorkerFailure(f"The query could not be evaluated: the evaluating process failed ({e}).") from None
        self._idle.put(worker)
        return _result(answer)

    def _acquire(self, deadline: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            spawn = self._count < self.size
            if spawn:
                self._count += 1
        if spawn:
            try:
                worker = self._start()
            except BaseException:
                with self._lock:
                    self._count -= 1
                raise
            self._warm()
            return worker
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeout("Every query worker stayed busy until the deadline; try again.") from None

    def _start(self) -> _Worker:
        worker = _Worker()
        self._all.add(worker)
        return worker

    def _warm(self) -> None:
        """Start the rest of the pool in the background, so a later query finds a worker ready."""

        def fill() -> None:
            while not self._closed:
                with self._lock:
                    if self._count >= self.size:
                        return
                    self._count += 1
                try:
                    self._idle.put(self._start())
                except Exception as e:  # noqa: BLE001 - logged; the next query retries
                    with self._lock:
                        self._count -= 1
                    log.error("cannot start a query worker: %s", e)
                    return

        threading.Thread(target=fill, name="danvan-query-workers", daemon=True).start()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        with self._lock:
            self._count -= 1
        if not self._closed:
            self._warm()

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()


def _result(answer: dict) -> Result:
    status = answer.get("status")
    if status == "ok":
        return Result(answer["kind"], answer["format"], answer["body"], answer["truncated"])
    if status == "unacceptable":
        return Result(answer["kind"], None)
    if status == "syntax":
        raise syntax_error(SyntaxError(answer["message"]))
    raise QueryError(f"The query could not be evaluated: {answer.get('message')}")
