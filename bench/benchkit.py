"""What the bench scripts share: timing, a real `danvan serve` on loopback, and docs/benchmarks.md, in
which each script owns one or more "## " sections and replaces only those."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def section_bounds(text: str, heading: str) -> tuple[int, int] | None:
    """Where the section under ``heading`` (a whole "## …" line) starts and ends in ``text``."""
    at = 0 if text.startswith(heading + "\n") else text.find("\n" + heading + "\n")
    if at < 0:
        return None
    start = at if at == 0 else at + 1
    end = text.find("\n## ", start + len(heading))
    return start, (end + 1 if end >= 0 else len(text))


def replace_section(doc: Path, heading: str, section: str) -> None:
    """Put ``section`` (starting with ``heading``) in place of the old one, or append it."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    section = section.rstrip("\n") + "\n"
    bounds = section_bounds(old, heading)
    if bounds is None:
        new = old.rstrip("\n") + ("\n\n" if old else "") + section
    else:
        start, end = bounds
        new = old[:start] + section + ("\n" + old[end:] if end < len(old) else "")
    doc.write_text(new, encoding="utf-8")


def section(doc: Path, heading: str) -> str:
    """The current text of one section, or "" when there is none."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    bounds = section_bounds(old, heading)
    return old[bounds[0]:bounds[1]].rstrip("\n") + "\n" if bounds else ""


def median_ms(fn, runs: int) -> float:
    """Milliseconds, the median of ``runs`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def danvan_command() -> str:
    """The console script installed beside the interpreter running the bench."""
    return str(Path(sys.executable).with_name("danvan"))


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without the developer's DANVAN_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANVAN_")}
    env.update(extra)
    return env


@contextmanager
def served(store_dir: Path, log: Path | None = None, **env: str) -> Iterator[str]:
    """`danvan serve` over ``store_dir`` on a free loopback port with extra environment ``env``; yields its
    base URL and stops it (and its query workers: the server leads its own process group) on the way out."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen([danvan_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--store", str(store_dir)], env=clean_env(**env), stdin=subprocess.DEVNULL,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with {proc.returncode}" + (f"; see {log}" if log else ""))
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not answer /health")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # workers still finishing a query for the stopped server
        except ProcessLookupError:
            pass
        if log:
            out.close()
