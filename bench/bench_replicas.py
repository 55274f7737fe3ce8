"""Capacity figures for docs/deployment.md: the memory of a `danvan serve` (embedded, and on an engine) and
the entity pages per second of one replica against two replicas on one engine, same data, one run.

    .venv/bin/python bench/bench_replicas.py --store S [--page /id/...] [--clients 4] [--seconds 10]

``S`` is a built store (``danvan build --store S``). The script starts everything itself on loopback and
stops it: the embedded server over ``S``; an Oxigraph server (``tests/engines.py``) loaded with ``S``'s live
build by ``graph.remote_load.publish``; one, then two `danvan serve --endpoint` replicas over ``S`` (the local
build folder). Memory is the resident set (VmRSS) after the load, of the server and of its query workers (its
process group), and of the engine. Throughput: ``--clients`` threads, each with its own keep-alive
connection, fetch ``--page`` for ``--seconds``; with two replicas the clients are split between them (the
round-robin of a load balancer, without one in the way). The clients run on the same machine: on 2 shared
cores the figures say what one machine does, not what N machines would. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchkit import served  # noqa: E402
from graph import store as builds  # noqa: E402
from graph.remote_load import publish  # noqa: E402
from graph.stores import Endpoint  # noqa: E402
from tests.engines import OxigraphServer  # noqa: E402


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def group(pgid: int) -> list[int]:
    """The processes of a process group (a server and its query workers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def server_pid(base: str) -> int:
    """The `danvan serve` listening at ``base`` (found by its --port argument)."""
    port = str(urllib.parse.urlsplit(base).port)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in args and b"--port" in args and args[args.index(b"--port") + 1].decode() == port:
                return int(entry.name)
    raise SystemExit(f"no danvan serve on port {port}")


def memory(base: str) -> tuple[float, float, int]:
    """(server MB, server and its workers MB, number of processes)."""
    pid = server_pid(base)
    members = group(os.getpgid(pid))
    return rss_kb(pid) / 1024, sum(rss_kb(p) for p in members) / 1024, len(members)


def hammer(bases: list[str], page: str, clients: int, seconds: float) -> tuple[float, float, int]:
    """(pages per second, median latency ms, errors): ``clients`` threads, client k on bases[k % n]."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ends = time.monotonic() + seconds

    def client(k: int) -> None:
        url = urllib.parse.urlsplit(bases[k % len(bases)])
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        mine = []
        while time.monotonic() < ends:
            start = time.perf_counter()
            try:
                conn.request("GET", page)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
                ok = False
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    return len(latencies) / took, statistics.median(latencies) * 1000 if latencies else float("nan"), errors[0]


def warm(base: str, page: str, times: int = 20) -> None:
    """A few requests first (caches, the snapshot, the engine's identity); the page must answer 200."""
    for _ in range(times):
        with urllib.request.urlopen(base + page, timeout=120) as r:
            r.read()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--page", default="/id/document/qd-23-tw-2021")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    info = builds.build_info(args.store)
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        with served(args.store, Path(tmp) / "embedded.log") as base:
            warm(base, args.page)
            rate, p50, errors = hammer([base], args.page, args.clients, args.seconds)
            rows.append(("embedded, one process", rate, p50, errors, *memory(base), None))
        with OxigraphServer.running(Path(tmp) / "ox", timeout=30) as engine:
            publish(builds.live_build_dir(args.store), Endpoint(engine.query_url, engine.store_url))
            env = {"DANVAN_ENDPOINT": engine.query_url}
            with served(args.store, Path(tmp) / "r1.log", **env) as one:
                warm(one, args.page)
                rate, p50, errors = hammer([one], args.page, args.clients, args.seconds)
                rows.append(("Oxigraph server, one replica", rate, p50, errors, *memory(one),
                             rss_kb(engine.proc.pid) / 1024))
                with served(args.store, Path(tmp) / "r2.log", **env) as two:
                    warm(two, args.page)
                    rate, p50, errors = hammer([one, two], args.page, args.clients, args.seconds)
                    m1, m2 = memory(one), memory(two)
                    rows.append(("Oxigraph server, two replicas", rate, p50, errors, m1[0] + m2[0], m1[1] + m2[1],
                                 m1[2] + m2[2], rss_kb(engine.proc.pid) / 1024))
    load_after = os.getloadavg()[0]
    print(f"`bench/bench_replicas.py --store S --page {args.page} --clients {args.clients} --seconds "
          f"{args.seconds:g}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: build "
          f"{info.get('build_id')} ({info.get('triples'):,} triples); {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load average {load_before:.1f} before, {load_after:.1f} after "
          "(shared machine); clients, servers and engine on the same cores.\n")
    print("| store | pages/s | p50 (ms) | errors | server RSS (MB) | with its workers (MB, processes) | engine RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, rate, p50, errors, main_mb, all_mb, n, engine_mb in rows:
        print(f"| {name} | {rate:.1f} | {p50:.1f} | {errors} | {main_mb:.0f} | {all_mb:.0f} ({n}) | "
              f"{'–' if engine_mb is None else f'{engine_mb:.0f}'} |")
    print("\n" + json.dumps({"rows": rows, "build": info.get("build_id"), "triples": info.get("triples")}))


if __name__ == "__main__":
    main()
