"""The store as the browse and home pages read it: their SPARQL scans (lists, counts, facets, the tree)
run in a pool of worker processes of their own (``danvan.pages``), under one deadline per page.

Those scans grow with the data and with the filters a visitor picks, so they get what SPARQL gets: a
deadline that really stops them (the worker is killed), a memory cap, and admission (at most that pool's
workers and queue hold a server thread). They never wait behind /sparql, whose pool is separate. The
answers come back as SPARQL TSV and are read with pyoxigraph's parser, so the pages' code keeps using
``store.query(...)`` rows. Index lookups (``quads_for_pattern``: one subject's labels) stay in process:
each is one key lookup, bounded by the number of entities a page shows.

On an external engine (``DANVAN_ENDPOINT``) the engine evaluates the scans: the same deadline (the HTTP
timeout, and the engine's own where it has one), the same row cap, and the same admission (the pool's
gate: at most its workers and queue hold a server thread); no worker process is started.
"""

from __future__ import annotations

import time

from flask import current_app

from graph import terms as ox
from graph.bounded import QueryTimeout, WorkerFailure
from graph.errors import RowLimitExceeded
from graph.store import data_path
from webapp.storeholder import Snapshot

# A page scan wants every row (a count or a list cut short would be wrong, not shorter); the worker's
# memory cap is the real bound.
SCAN_ROWS = 1_000_000


class Scans:
    def __init__(self, snap: Snapshot):
        self._store = snap.store
        self._remote = snap.remote
        self._path = str(data_path(snap.build))
        self._pool = current_app.extensions["danvan.pages"]
        self._timeout = current_app.config["DANVAN_QUERY_TIMEOUT"]
        self._deadline = time.monotonic() + self._timeout

    def query(self, sparql: str) -> ox.QuerySolutions:
        left = self._deadline - time.monotonic()
        try:
            if left <= 0:
                raise QueryTimeout("deadline passed")
            if self._remote:  # the engine evaluates, under the same deadline, row cap and admission
                with self._pool.gate.admit(None):
                    return self._store.query(sparql, deadline_s=left, max_rows=SCAN_ROWS)
            result = self._pool.run(self._path, sparql, timeout=left, max_rows=SCAN_ROWS, results_format="tsv",
                                    graph_format=None)
        except QueryTimeout:
            raise QueryTimeout(f"This page needed more than {self._timeout:g} s to compute and was stopped; "
                               "narrow it with a filter, or try again later.") from None
        except RowLimitExceeded:
            raise WorkerFailure(f"This page would list more than {SCAN_ROWS} rows; narrow it with a filter.") from None
        if result.truncated:
            raise WorkerFailure(f"This page would list more than {SCAN_ROWS} rows; narrow it with a filter.")
        return ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV)

    def quads_for_pattern(self, *pattern):
        return self._store.quads_for_pattern(*pattern)
