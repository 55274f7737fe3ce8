"""One query-evaluation process (``python -m graph.query_worker``), driven by :mod:`graph.bounded`.

It reads requests from stdin and writes answers to stdout, each a frame (8-byte big-endian length, then a
pickled dict). Stores are opened read-only through :mod:`graph.stores` and results serialized to bytes
with pyoxigraph's own serializers (:mod:`graph.terms`), so the parent only copies bytes. The parent kills this process (SIGKILL)
when a query overruns its deadline: that is the only way to stop an evaluation for real.

Row cap: SELECT results are first written as SPARQL TSV, where every solution is exactly one line (the
format escapes newlines), into a writer that stops the evaluation as soon as ``max_rows + 1`` rows
exist. The first ``max_rows`` lines are then re-read with pyoxigraph's TSV parser and written in the
asked format. CONSTRUCT/DESCRIBE work the same through N-Triples (one triple a line). So the cap is
exact in every format, the evaluation stops early, and no term passes through Python code.

Walls (started as ``python -m graph.query_worker MEMORY_BYTES``): before it opens any store the process
enters an empty network namespace (:mod:`graph.sandbox`) and proves that connects fail; its address space
is capped at MEMORY_BYTES (RLIMIT_AS). An evaluation that hits the cap either raises MemoryError here
(answered ``{"status": "memory"}``) or makes Rust abort the process (SIGABRT), which the parent maps to
the same answer.
"""

from __future__ import annotations

import os
import pickle
import resource
import struct
import sys
import threading
import time

from graph import sandbox
from graph import terms as ox
from graph.stores import read_only

RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
GRAPHS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
          "rdfxml": ox.RdfFormat.RDF_XML}
_HEADER = struct.Struct(">Q")


class _Enough(Exception):
    """Raised from the writer to stop a serialization (and so the evaluation) early."""


class _LineCap:
    """A binary writer keeping at most ``lines`` complete lines, then stopping the serializer."""

    def __init__(self, lines: int):
        self.limit = lines
        self.parts: list[bytes] = []
        self.count = 0
        self.over = False

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.count += data.count(b"\n")
        if self.count > self.limit:
            self.over = True
            raise _Enough()
        return len(data)

    def flush(self) -> None:
        pass

    def kept(self) -> bytes:
        text = b"".join(self.parts)
        if not self.over:
            return text
        cut = -1
        for _ in range(self.limit):
            cut = text.index(b"\n", cut + 1)
        return text[: cut + 1]


def _capped(serialize, header_lines: int, max_rows: int) -> tuple[bytes, bool]:
    writer = _LineCap(header_lines + max_rows)
    try:
        serialize(writer)
    except _Enough:
        pass
    except OSError:  # pyoxigraph may wrap the writer's exception
        if not writer.over:
            raise
    return writer.kept(), writer.over


def evaluate(store, req: dict) -> dict:
    """``req`` evaluated on ``store`` (anything with ``ox.Store.query``'s keywords) into an answer dict."""
    kwargs = {"base_iri": req.get("base_iri")}
    if req.get("default_graph") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req["default_graph"]]
    if req.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["named_graphs"]]
    if req.get("substitutions"):
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in req["substitutions"].items()}
    try:
        results = store.query(req["query"], **kwargs)
    except SyntaxError as e:
        return {"status": "syntax", "message": str(e.msg if getattr(e, "msg", None) else e)}
    max_rows = req["max_rows"]
    if isinstance(results, ox.QueryBoolean):
        fmt = req.get("results_format")
        if fmt is None:
            return {"status": "unacceptable", "kind": "boolean"}
        return {"status": "ok", "kind": "boolean", "format": fmt, "truncated": False,
                "body": results.serialize(format=RESULTS[fmt])}
    if isinstance(results, ox.QuerySolutions):
        fmt = req.get("results_format")
        if fmt is None:
            return {"status": "unacceptable", "kind": "solutions"}
        tsv, truncated = _capped(lambda w: results.serialize(w, format=ox.QueryResultsFormat.TSV), 1, max_rows)
        body = tsv if fmt == "tsv" else ox.parse_query_results(
            tsv, format=ox.QueryResultsFormat.TSV).serialize(format=RESULTS[fmt])
        return {"status": "ok", "kind": "solutions", "format": fmt, "truncated": truncated, "body": body}
    fmt = req.get("graph_format")
    if fmt is None:
        return {"status": "unacceptable", "kind": "graph"}
    nt, truncated = _capped(lambda w: results.serialize(w, format=ox.RdfFormat.N_TRIPLES), 0, max_rows)
    # @prefix lines (xmlns in RDF/XML) from the project's prefix table, which the parent sends along
    body = nt if fmt == "ntriples" else ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
                                                         format=GRAPHS[fmt], prefixes=req.get("prefixes"))
    return {"status": "ok", "kind": "graph", "format": fmt, "truncated": truncated, "body": body}


def frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _hello(memory: int) -> dict:
    """Enter the network wall and prove it, then cap the address space: the ready (or refusal) message."""
    try:
        how = sandbox.enter()
    except sandbox.NetworkWallError as e:
        return {"status": "no-wall", "message": str(e)}
    report = sandbox.probe()
    if not sandbox.holds(report):
        return {"status": "no-wall", "message": f"the {how} did not cut the network off: {report}"}
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return {"status": "ready", "pid": os.getpid(), "wall": how, "probe": report, "memory": memory}


def main() -> int:
    memory = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    requests = os.fdopen(sys.stdin.fileno(), "rb", buffering=0)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing else may write into the answer stream
    stores: dict = {}
    hello = _hello(memory)  # first: a user namespace can only be entered while single-threaded
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    answers.write(frame(hello))
    answers.flush()
    if hello["status"] != "ready":
        return 2
    while True:
        req = _read_all(requests)
        if req is None:
            return 0  # the parent went away
        try:
            path = req["path"]
            if path not in stores:
                stores.clear()  # one build at a time: a new build replaced the old one
                stores[path] = read_only(path)
            answer = evaluate(stores[path], req)
        except (KeyboardInterrupt, SystemExit):
            raise
        except MemoryError:
            stores.clear()
            answer = {"status": "memory"}
        except BaseException as e:  # noqa: BLE001 - pyo3's PanicException too: report, never die silently
            answer = {"status": "error", "message": str(e) or type(e).__name__}
        try:
            data = frame(answer)
        except MemoryError:  # the answer itself did not fit under the cap
            data = frame({"status": "memory"})
        answers.write(data)
        answers.flush()


def _exit_with_parent(parent: int) -> None:
    # A runaway evaluation never reads stdin again: leave when the server is gone.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _read_all(stream) -> dict | None:
    header = _read_exact(stream, _HEADER.size)
    if header is None:
        return None
    body = _read_exact(stream, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


def _read_exact(stream, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main())
