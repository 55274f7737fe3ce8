"""Every curl example in docs/http-api.md, run with the real `curl` against a test server.

Each ```sh block holds one or more commands starting with `curl` (a command may span lines); the
`# expect: TEXT` lines after a command are text its output must contain. The documented base
http://127.0.0.1:8080 is replaced by the test server's base.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "http-api.md"
DOCUMENTED_BASE = "http://127.0.0.1:8080"
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
_EXPECT = re.compile(r"^# expect: (.*)$")


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected texts) for every command of every ```sh block, in document order."""
    out: list[tuple[str, list[str]]] = []
    for block in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        command: list[str] = []
        expects: list[str] = []
        for line in block.splitlines():
            m = _EXPECT.match(line)
            if line.startswith("curl ") and command and not _open_quote("\n".join(command)):
                out.append(("\n".join(command), expects))
                command, expects = [], []
            if m:
                expects.append(m.group(1))
            elif not expects:
                command.append(line)
            else:  # a new command after this one's expectations
                out.append(("\n".join(command), expects))
                command, expects = [line], []
        assert command, f"an empty ```sh block in {DOC}"
        out.append(("\n".join(command), expects))
    return out


def _open_quote(text: str) -> bool:
    """Whether a single-quoted string is still open (a query spanning lines)."""
    return text.count("'") % 2 == 1


EXAMPLES = examples()


def test_the_examples_cover_the_documented_topics():
    commands = [c for c, _ in EXAMPLES]
    assert all(c.startswith("curl ") for c in commands), commands
    assert all(expects for _, expects in EXAMPLES), "every example states what its output contains"
    joined = "\n".join(commands)
    assert DOCUMENTED_BASE + "/health" in joined
    assert any("Accept: text/turtle" in c and "/id/" in c for c in commands)  # an entity in Turtle
    assert any("/sparql" in c and "application/sparql-results+json" in c and "SELECT" in c for c in commands)
    assert any("/sparql" in c and "Accept: text/csv" in c for c in commands)  # CSV by Accept
    assert any(re.search(r"/queries/[a-z-]+\.csv\?\w+=", c) for c in commands)  # a named query, a parameter
    assert any("CONSTRUCT" in c and "Accept: text/turtle" in c for c in commands)


@pytest.fixture(scope="module")
def curl() -> str:
    found = shutil.which("curl")
    assert found, "the curl binary is missing (Debian package `curl`)"
    return found


@pytest.mark.parametrize("command, expects", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_example_runs_and_says_what_the_doc_says(server, curl, command, expects, tmp_path):
    assert DOCUMENTED_BASE in command
    script = command.replace(DOCUMENTED_BASE, server)
    assert script.startswith("curl ")
    result = subprocess.run(["bash", "-c", curl + script[len("curl"):]], cwd=tmp_path, capture_output=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    output = result.stdout.decode("utf-8")
    for text in expects:
        assert text in output, f"{text!r} not in the output of\n{command}\n---\n{output[:3000]}"
