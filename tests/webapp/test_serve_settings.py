"""`danvan serve`'s own settings on the real server (waitress): the port from PORT, `--port` over PORT,
and `--threads N` — waitress serves with N worker threads (counted in /proc, not timed)."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import requests


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


def test_port_comes_from_the_environment(store_dir, start_server):
    base, _proc = start_server(store_dir, port_by="PORT")
    r = requests.get(base + "/health", timeout=30)
    assert r.status_code == 200 and r.headers["Server"] == "danvan"  # waitress with our ident


def test_port_option_wins_over_the_environment(store_dir, start_server):
    unused = _free_port()
    base, _proc = start_server(store_dir, PORT=str(unused))
    assert urlsplit(base).port != unused
    assert requests.get(base + "/health", timeout=30).status_code == 200
    assert not _listening(unused)


def test_threads_option_sets_the_worker_threads(store_dir, start_server):
    """Servers alike but for --threads differ by exactly that many threads once they have served the
    same requests (the main thread runs waitress's loop; each task thread serves one request at a time)."""
    counts = {}
    for n in (16, 19):  # 16: the fewest serve accepts (SPARQL and page scans may hold 12)
        base, proc = start_server(store_dir, "--threads", str(n))
        for path in ("/health", "/", "/browse"):
            assert requests.get(base + path, timeout=30).status_code == 200
        counts[n] = _threads(proc.pid)
    assert counts[19] - counts[16] == 3, counts
