"""Bounded query evaluation: every query has a deadline and a row cap, and an overrun is really stopped.

Python threads cannot be killed, so queries are evaluated in a small pool of worker processes
(:mod:`graph.query_worker`), each holding the store open read-only. The caller's thread sends the query
and waits for the answer with ``select`` until the deadline; a worker that overruns is killed with
SIGKILL (its CPU is freed at once), a fresh one is started in the background, and the caller gets
:class:`QueryTimeout`. An answer is only returned once the worker has finished, so a timeout can never
turn into a cut result.

The workers are walled and bounded (see :mod:`graph.query_worker`): no network (a worker that cannot
prove it is refused with :class:`~graph.sandbox.NetworkWallError`), an address-space cap (an evaluation
that hits it is :class:`MemoryExceeded`), recycled after ``max_queries`` queries or when their resident
memory stays above ``rss_limit`` after a query, and retired when a new build is swapped in so the old
build's files are released. Admission (:mod:`graph.admission`) bounds how many requests may hold or wait
for a worker and how many seconds each client may use per minute.
"""

from __future__ import annotations

import atexit
import logging
import math
import os
import pickle
import queue as _queue
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass

from graph.admission import Busy, Gate
from graph.errors import DanvanError, QueryError, QueryTimeout
from graph.named_queries import syntax_error
from graph.namespaces import prefixes
from graph.query_worker import GRAPHS, RESULTS, _HEADER, frame
from graph.sandbox import NetworkWallError

log = logging.getLogger(__name__)
_STARTUP_SECONDS = 60.0


class WorkerFailure(DanvanError):
    """The evaluating process died without an answer (it was replaced)."""


class MemoryExceeded(DanvanError):
    """The evaluation needed more memory than a worker may have (DANVAN_QUERY_MEMORY); it was stopped."""


@dataclass
class Result:
    kind: str  # "boolean", "solutions" or "graph"
    format: str | None  # the name it is serialized in; None when the asked formats do not fit this kind
    body: bytes = b""
    truncated: bool = False


class _Worker:
    def __init__(self, memory: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph.query_worker", str(memory)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=None, close_fds=True,
        )
        self.queries = 0
        self.path: str | None = None  # the build it last opened
        try:
            hello = self._receive(time.monotonic() + _STARTUP_SECONDS)
        except (QueryTimeout, WorkerFailure, EOFError, pickle.UnpicklingError) as e:
            self.kill()
            raise WorkerFailure(f"the query worker did not start ({e})") from None
        if isinstance(hello, dict) and hello.get("status") == "no-wall":
            self.kill()
            raise NetworkWallError(hello["message"])
        if not isinstance(hello, dict) or hello.get("status") != "ready":
            self.kill()
            raise WorkerFailure(f"the query worker did not start (it said {hello!r})")
        self.hello = hello

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

    def rss(self) -> int:
        """Resident bytes now (VmRSS), 0 if unknown."""
        try:
            with open(f"/proc/{self.pid}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmRSS:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def died_of_memory(self) -> bool:
        """Whether the process is gone by SIGABRT (Rust aborts when an allocation fails)."""
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return False
        return code == -signal.SIGABRT

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
    """At most ``size`` worker processes, started on first use; an overrunning one is replaced.

    ``queue`` more requests may wait for a worker; beyond that :meth:`run` refuses at once
    (:class:`~graph.admission.Busy`). ``budget`` seconds of evaluation per client per minute
    (:class:`~graph.admission.BudgetSpent`), None for no budget. ``memory`` bytes of address space per
    worker (0: no cap); a worker is recycled after ``max_queries`` queries or when its resident memory
    is above ``rss_limit`` after a query (default a quarter of ``memory``)."""

    def __init__(self, size: int | None = None, *, queue: int | None = None, budget: float | None = None,
                 memory: int = 0, max_queries: int = 500, rss_limit: int | None = None,
                 retry_after: float = 1.0):
        self.size = size or max(2, min(4, os.cpu_count() or 2))
        self.queue = 2 * self.size if queue is None else queue
        self.gate = Gate(self.size + self.queue, budget, retry_after)
        self.memory = memory
        self.max_queries = max_queries
        self.rss_limit = rss_limit if rss_limit is not None else (memory // 4 if memory else 0)
        self._idle: _queue.LifoQueue[_Worker] = _queue.LifoQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._all: weakref.WeakSet[_Worker] = weakref.WeakSet()
        self._closed = False
        self._path: str | None = None
        atexit.register(self.close)

    def pids(self) -> list[int]:
        return [w.pid for w in list(self._all)]

    def check(self) -> dict:
        """Start one worker now (kept for the first query) and return its ready message: raises
        :class:`~graph.sandbox.NetworkWallError` when the network wall cannot be had on this machine."""
        worker = self._acquire(time.monotonic() + _STARTUP_SECONDS)
        self._idle.put(worker)
        return worker.hello

    def follow(self, path: str) -> None:
        """A new build is live at ``path``: workers holding another build are retired (idle ones now,
        busy ones when they answer), so the old build's files are released."""
        if path == self._path:
            return  # every request passes here: no lock when nothing changed
        with self._lock:
            if path == self._path:
                return
            self._path = path
        keep = []
        while True:
            try:
                worker = self._idle.get_nowait()
            except _queue.Empty:
                break
            if worker.path not in (None, path):
                self._discard(worker)
            else:
                keep.append(worker)
        for worker in keep:
            self._idle.put(worker)

    def run(self, path: str, query: str, *, timeout: float, max_rows: int, results_format: str | None,
            graph_format: str | None, default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None, substitutions: dict | None = None,
            base_iri: str | None = None, client: str | None = None) -> Result:
        """Evaluate ``query`` over the read-only store at ``path`` (its pyoxigraph directory).

        Raises :class:`~graph.admission.Busy` or :class:`~graph.admission.BudgetSpent` at once when it may
        not start, Busy too when no worker came free before the deadline; :class:`QueryTimeout` when the
        evaluation ran past the deadline (``timeout`` seconds from the call),
        :class:`MemoryExceeded`, :class:`~graph.errors.QuerySyntaxError`, :class:`~graph.errors.QueryError`,
        :class:`WorkerFailure`, :class:`~graph.sandbox.NetworkWallError`. ``client`` is charged the seconds
        the evaluation used. Relative IRIs in the query resolve against ``base_iri``."""
        assert results_format is None or results_format in RESULTS
        assert graph_format is None or graph_format in GRAPHS
        deadline = time.monotonic() + timeout
        request = {"path": path, "query": query, "max_rows": max_rows, "results_format": results_format,
                   "graph_format": graph_format, "default_graph": default_graph, "named_graphs": named_graphs,
                   "substitutions": substitutions, "base_iri": base_iri, "prefixes": prefixes()}
        self.follow(path)
        with self.gate.admit(client) as ticket:
            worker = self._acquire(deadline)
            started = time.monotonic()
            try:
                answer = worker.call(request, deadline)
            except QueryTimeout:
                self._discard(worker)
                raise QueryTimeout(f"The query ran longer than {timeout:g} s and was stopped; make it more "
                                   "selective (a LIMIT, fewer unbound patterns).") from None
            except (WorkerFailure, OSError, EOFError, ValueError) as e:
                memory = worker.died_of_memory()
                self._discard(worker)
                if memory:
                    raise self._memory_error() from None
                raise WorkerFailure(f"The query could not be evaluated: the evaluating process failed ({e}).") from None
            finally:
                ticket.charge(time.monotonic() - started)
            worker.path = path
            worker.queries += 1
            if answer.get("status") == "memory":
                self._discard(worker)
                raise self._memory_error()
            self._release(worker)
        return _result(answer)

    def _memory_error(self) -> MemoryExceeded:
        limit = f" ({self.memory >> 20} MiB)" if self.memory else ""
        return MemoryExceeded(f"The query exceeded the memory limit{limit} and was stopped; make it more "
                              "selective (a LIMIT, fewer unbound patterns, no ORDER BY over a large result).")

    def _release(self, worker: _Worker) -> None:
        """Back to the idle workers, unless it is due for recycling or holds a build no longer live."""
        if (worker.queries >= self.max_queries or worker.path != self._path
                or (self.rss_limit and worker.rss() > self.rss_limit)):
            self._discard(worker)
        else:
            self._idle.put(worker)

    def _acquire(self, deadline: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except _queue.Empty:
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
        except _queue.Empty:
            wait = math.ceil(self.gate.retry_after)
            raise Busy(f"Every query worker stayed busy until this query's deadline; try again in {wait} s.",
                       wait) from None

    def _start(self) -> _Worker:
        worker = _Worker(self.memory)
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
