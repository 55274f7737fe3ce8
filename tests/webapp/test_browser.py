"""A real headless Chromium (Debian's) loads the home page and an entity page from the real server.

`--dump-dom` gives the DOM after the page ran; `--screenshot` leaves tests/artifacts/*.png to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium_args(binary: Path, profile: Path) -> list[str]:
    return [str(binary), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={profile}", "--window-size=1280,1400"]


def run_chromium(binary: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run([*chromium_args(binary, profile), *args], capture_output=True, text=True,
                       timeout=180, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def test_home_page_in_chromium(server, chromium, tmp_path, visible_text):
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", server + "/").stdout
    text = visible_text(dom)
    assert "Dân vận KG" in text
    counts = dict(re.findall(r'data-kind="([^"]+)">(\d+)<', dom))
    assert int(counts["organization"]) > 0 and int(counts["document"]) > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "home.png"
    shot.unlink(missing_ok=True)
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", server + "/")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_entity_page_in_chromium(server, chromium, entity, tmp_path, visible_text, path_of):
    url = server + path_of(entity.iri)
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    text = visible_text(dom)
    assert entity.label in text
    assert entity.source_headline in text
    assert "khẳng định" in text  # "asserted": the page is Vietnamese by default
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "entity.png"
    shot.unlink(missing_ok=True)
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
