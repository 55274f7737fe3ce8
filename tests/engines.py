"""External SPARQL engines started for real on loopback, for the tests and the benchmarks.

:class:`Virtuoso` runs a private Virtuoso (Debian's ``virtuoso-opensource-7``, installed by
``make virtuoso``): its own database folder (a temporary one unless given), its own ``virtuoso.ini``, free
loopback ports for SQL and HTTP, started with ``virtuoso-t +foreground`` and stopped on the way out. It
bulk-loads N-Quads (``danvan export --format nquads``) with their named graphs (``ld_dir`` +
``rdf_loader_run`` through ``isql-vt``) and answers the SPARQL Protocol at :attr:`Virtuoso.query_url`.

    with Virtuoso.running() as v:
        v.load_nquads(Path("dump.nq"))
        rows = v.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

Imported by ``bench/bench_scale.py`` (``sys.path`` gets the repository root) and by tests as
``tests.engines`` or, under pytest's importlib mode, by path.

What differs from the embedded store (docs/benchmarks.md lists what the named queries meet):
* the default graph of a query is the union of every graph *including Virtuoso's own system graphs*,
  and, as with Oxigraph's union mode, a triple stated by two sources is seen twice;
* ``ResultSetMaxRows`` caps every result (set to ``max_rows``, like ``DANVAN_MAX_ROWS``); a query over
  ``MaxQueryExecutionTime`` returns a *partial* result with the header ``X-SQL-State: S1TAT`` (an
  "anytime" query) instead of failing: :meth:`Virtuoso.select` raises :class:`EngineTimeout` then.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
INSTALL_HINT = "Virtuoso is not installed: run `make virtuoso` (Debian's virtuoso-opensource-7)."


class EngineError(RuntimeError):
    """The engine could not be started, loaded or queried."""


class EngineTimeout(EngineError):
    """The engine hit its execution-time limit (Virtuoso answers a partial result then)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed() -> bool:
    return os.access(VIRTUOSO, os.X_OK) and os.access(ISQL, os.X_OK)


INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {load_dir}
ThreadsPerQuery = {threads}
AsyncQueueMaxThreads = 10
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
VectorSize = 1000
MaxVectorSize = 1000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {timeout}
DefaultGraph =
"""


def virtuoso_dialect(query: str) -> tuple[str, list[str]]:
    """The query as Virtuoso 7.2 answers it like the standard, and what was changed: the app's own rules
    (:class:`graph.stores.VirtuosoDialect`, which :class:`graph.stores.RemoteStore` applies), for the
    benchmark's direct requests."""
    from graph.stores import guard_date_parts, typed_non_ascii_strings

    adapted, dates = guard_date_parts(query)
    adapted, strings = typed_non_ascii_strings(adapted)
    notes = ["YEAR(?v) of a possibly unbound ?v guarded with IF(BOUND(?v), …)"] if dates else []
    return adapted, notes + (["non-ASCII strings of CONCAT and GROUP_CONCAT typed xsd:string"] if strings else [])


class Engine:
    """An engine process this module starts: ``with Kind.running(...) as engine:`` starts it and always
    stops it, whatever the block raises."""

    @classmethod
    @contextmanager
    def running(cls, folder: Path | None = None, **kwargs):
        engine = cls(folder, **kwargs)
        try:
            engine.start()
            yield engine
        finally:
            engine.stop()


class Virtuoso(Engine):
    """A private Virtuoso instance: ``start()``, ``load_nquads()``, ``select()``, ``stop()``."""

    def __init__(self, folder: Path | None = None, *, memory_mb: int = 1024, max_rows: int = 10000,
                 timeout: int = 60, threads: int = 2):
        if not installed():
            raise EngineError(INSTALL_HINT)
        self._own = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="danvan-virtuoso-"))
        self.load_dir = self.folder / "load"
        self.load_dir.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        self.timeout = timeout
        buffers = memory_mb * 1024 * 1024 * 2 // 3 // 8192  # two thirds of the memory as 8 KB pages
        (self.folder / "virtuoso.ini").write_text(INI.format(
            db=self.folder, load_dir=self.load_dir, sql_port=self.sql_port, http_port=self.http_port,
            buffers=buffers, dirty=buffers * 3 // 4, max_rows=max_rows, timeout=timeout, threads=threads),
            encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    # dba signs in (digest) at these two: updates and the Graph Store Protocol, for loading a build
    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def start(self, wait: float = 120) -> None:
        log = open(self.folder / "stdout.log", "wb")
        self.proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                                     cwd=self.folder, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EngineError(f"virtuoso-t exited with {self.proc.returncode}; see {self.folder}/virtuoso.log")
            try:
                urllib.request.urlopen(self.query_url + "?query=" + urllib.parse.quote("ASK {}"), timeout=2).read()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise EngineError(f"Virtuoso did not answer within {wait:.0f} s; see {self.folder}/virtuoso.log")

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL statements through isql-vt as dba (the private instance's default password)."""
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
                              capture_output=True, text=True, timeout=timeout)
        out = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in out:
            raise EngineError(f"isql failed: {out.strip()[-2000:]}")
        return out

    def load_nquads(self, path: Path, timeout: float = 3600) -> float:
        """Bulk-load an N-Quads file, its graphs kept; returns seconds taken."""
        start = time.perf_counter()
        target = self.load_dir / "data.nq"
        if target.exists():
            target.unlink()
        try:
            os.link(path, target)
        except OSError:
            shutil.copy(path, target)
        # ld_dir's graph argument only applies to triples without one; N-Quads keep theirs
        # the loader skips a file its load_list already holds: forget an earlier load of the same name
        self.isql(f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{target}'; "
                  f"ld_dir('{self.load_dir}', 'data.nq', 'urn:danvan:no-graph'); rdf_loader_run(); checkpoint;",
                  timeout=timeout)
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "data.nq" in errors:
            raise EngineError(f"Virtuoso's loader reported: {errors.strip()[-1000:]}")
        target.unlink()
        return time.perf_counter() - start

    def request(self, query: str, accept: str = "application/sparql-results+json",
                timeout: float | None = None) -> tuple[bytes, dict[str, str]]:
        body = urllib.parse.urlencode({"query": query}).encode()
        req = urllib.request.Request(self.query_url, data=body, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout + 30) as r:
                data, headers = r.read(), {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            raise EngineError(f"Virtuoso answered {e.code}: {e.read().decode(errors='replace')[:1000]}") from None
        except (urllib.error.URLError, OSError) as e:
            raise EngineError(f"Virtuoso at {self.query_url} did not answer: {e}") from None
        if headers.get("x-sql-state") == "S1TAT":
            raise EngineTimeout(f"Virtuoso stopped the query after {self.timeout} s (partial result)")
        return data, headers

    def select(self, query: str) -> list[dict]:
        data, _ = self.request(query)
        return json.loads(data)["results"]["bindings"]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.isql("checkpoint; shutdown;", timeout=60)
            except (EngineError, subprocess.TimeoutExpired):
                pass
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._own:
            shutil.rmtree(self.folder, ignore_errors=True)


OXIGRAPH = "oxigraph"  # the server the `oxigraph` PyPI wheel installs beside the venv's python


def oxigraph_binary() -> str:
    import sys

    path = Path(sys.executable).with_name(OXIGRAPH)
    if not os.access(path, os.X_OK):
        raise EngineError("Oxigraph server is not installed: `pip install -e '.[test]'` (the oxigraph wheel).")
    return str(path)


class OxigraphServer(Engine):
    """A private Oxigraph server (``oxigraph serve``) on a free loopback port, its data in a folder of its
    own: ``/query``, ``/update`` and the Graph Store Protocol at ``/store``. No credentials (it has none)."""

    def __init__(self, folder: Path | None = None, *, timeout: int | None = None):
        self._own = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="danvan-oxigraph-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def start(self, wait: float = 60) -> None:
        args = [oxigraph_binary(), "serve", "--location", str(self.folder / "data"),
                "--bind", f"127.0.0.1:{self.port}"]
        if self.timeout:
            args += ["--timeout-s", str(self.timeout)]
        log = open(self.folder / "stdout.log", "wb")
        self.proc = subprocess.Popen(args, cwd=self.folder, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EngineError(f"oxigraph exited with {self.proc.returncode}; see {self.folder}/stdout.log")
            try:
                urllib.request.urlopen(self.query_url + "?query=" + urllib.parse.quote("ASK {}"), timeout=2).read()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise EngineError(f"Oxigraph server did not answer within {wait:.0f} s; see {self.folder}/stdout.log")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._own:
            shutil.rmtree(self.folder, ignore_errors=True)
