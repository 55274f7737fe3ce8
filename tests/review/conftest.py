"""The review surface for real: `danvan review` (waitress) on a free loopback port over a store built from
a copy of the packaged sources — with the real extractor (``real_review_server``), or with the stub
(tests/review/stub_ingest.py) installed as ``graph.ingest`` for the deterministic edge cases
(``review_server``: link alternatives, a conflict, a failed build); and an HTTP client that keeps the session cookie itself (the cookie is Secure, which
Python's cookie jar never sends over http://, while browsers treat loopback as a secure origin)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TOKEN = "review-token-for-tests-7c1d2e9f"

# Runs `danvan review` (graph.cli.main, the console script's entry point) with the stub as graph.ingest.
LAUNCH = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("graph.ingest", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.modules["graph.ingest"] = sys.modules["graph.ingest.gazetteer"] = module
from graph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def load_stub():
    spec = importlib.util.spec_from_file_location("stub_ingest", HERE / "stub_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def stub():
    return load_stub()


@dataclass
class ReviewServer:
    base: str
    sources: Path
    store: Path
    folder: Path
    log: Path


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_review(tmp: Path, clean_env, *extra: str, token: str | None = TOKEN,
                 stubbed: bool = True) -> tuple[subprocess.Popen, str, Path]:
    port = _free_port()
    log = tmp / f"review-{port}.log"
    env = clean_env(**({"DANVAN_REVIEW_TOKEN": token} if token is not None else {}))
    with open(log, "wb") as out:
        command = ([sys.executable, "-c", LAUNCH, str(HERE / "stub_ingest.py")] if stubbed
                   else [str(Path(sys.executable).with_name("danvan"))])  # the console script itself
        proc = subprocess.Popen([*command, "review", "--host", "127.0.0.1", "--port", str(port), *extra],
                                cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}", log


def wait_ready(base: str, proc: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail(f"danvan review exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(base + "/review/login", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"danvan review never answered:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def review_server(tmp_path_factory, clean_env):
    """A fresh sources folder, store and review folder per test module, and the server over them, with
    the stub extractor."""
    yield from _serve(tmp_path_factory, clean_env, stubbed=True)


@pytest.fixture(scope="module")
def real_review_server(tmp_path_factory, clean_env):
    """The same with the real extractor (graph.ingest), as `danvan review` runs for staff."""
    yield from _serve(tmp_path_factory, clean_env, stubbed=False)


@pytest.fixture
def launch_review(clean_env):
    """``launch(tmp, *args)``: `danvan review ARGS` (the console script) started and answering; its base URL
    and log. Stopped after the test."""
    started = []

    def launch(tmp: Path, *args: str) -> tuple[str, Path]:
        proc, base, log = start_review(tmp, clean_env, *args, stubbed=False)
        started.append(proc)
        wait_ready(base, proc, log)
        return base, log

    yield launch
    for proc in started:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def national_review_server(tmp_path_factory, clean_env):
    """The stub's server over a site built as `make run` builds it, with the national reference data
    (one province, ``DANVAN_NATIONAL=35``, to keep the builds short): the store by `danvan build
    --sources`, the server with the same setting."""
    yield from _serve(tmp_path_factory, lambda **extra: clean_env(DANVAN_NATIONAL="35", **extra), stubbed=True,
                      by_command=True)


def _serve(tmp_path_factory, clean_env, stubbed: bool, by_command: bool = False):
    from graph.build import build
    from graph.resources import source_files

    tmp = tmp_path_factory.mktemp("review")
    sources = tmp / "sources"
    sources.mkdir()
    for f in source_files():
        (sources / f.name).write_bytes(f.read_bytes())
    store = tmp / "store"
    if by_command:
        subprocess.run([str(Path(sys.executable).with_name("danvan")), "build", "--sources", str(sources),
                        "--store", str(store)], env=clean_env(), check=True, capture_output=True, timeout=600)
    else:
        build(store, sources=sorted(sources.glob("*.ttl")))
    folder = tmp / "folder"
    proc, base, log = start_review(tmp, clean_env, "--dir", str(folder), "--sources", str(sources),
                                   "--store", str(store), stubbed=stubbed)
    try:
        wait_ready(base, proc, log)
        yield ReviewServer(base, sources, store, folder, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Client:
    """requests without redirects, keeping the review session cookie by hand, sending this site's Origin."""

    def __init__(self, base: str):
        self.base = base
        self.cookie: str | None = None

    def _keep(self, r: requests.Response) -> requests.Response:
        for header in r.raw.headers.getlist("Set-Cookie"):
            m = re.match(r"(__Host-danvan-review)=([^;]*)", header)
            if m:
                self.cookie = f"{m.group(1)}={m.group(2)}"
        return r

    def headers(self, **extra) -> dict:
        h = {"Origin": self.base, **extra}
        if self.cookie:
            h["Cookie"] = self.cookie
        return h

    def get(self, path: str, **kw) -> requests.Response:
        return self._keep(requests.get(self.base + path, headers=self.headers(), allow_redirects=False, timeout=60, **kw))

    def post(self, path: str, data: dict, headers: dict | None = None) -> requests.Response:
        h = self.headers(**(headers or {}))
        return self._keep(requests.post(self.base + path, data=data, headers=h, allow_redirects=False, timeout=120))

    def csrf(self, path: str) -> str:
        page = self.get(path).text
        m = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert m, page[:500]
        return m.group(1)

    def login(self, name: str = "Nguyễn Thị Lan", token: str = TOKEN) -> requests.Response:
        csrf = self.csrf("/review/login")
        return self.post("/review/login", {"csrf_token": csrf, "name": name, "token": token})


@pytest.fixture
def client(review_server):
    return Client(review_server.base)


@pytest.fixture
def real_client(real_review_server):
    return Client(real_review_server.base)


@pytest.fixture
def national_client(national_review_server):
    return Client(national_review_server.base)


@pytest.fixture(scope="session")
def visible_text():
    """html → the text a reader sees (outside <head>, <script>, <style>), whitespace collapsed."""
    from html.parser import HTMLParser

    class Visible(HTMLParser):
        HIDDEN = {"head", "script", "style", "title"}

        def __init__(self):
            super().__init__()
            self.depth, self.parts = 0, []

        def handle_starttag(self, tag, attrs):
            self.depth += tag in self.HIDDEN

        def handle_endtag(self, tag):
            if tag in self.HIDDEN and self.depth:
                self.depth -= 1

        def handle_data(self, data):
            if not self.depth:
                self.parts.append(data)

    def visible(html: str) -> str:
        parser = Visible()
        parser.feed(html)
        return re.sub(r"\s+", " ", " ".join(parser.parts))

    return visible
