"""The review folder: one sub-folder per article, outside the repository.

``{slug}/article.txt`` is the pasted article (UTF-8, NFC, exactly the text the evidence offsets count in),
``{slug}/candidate.ttl`` what the ingest made of it, ``{slug}/state.json`` the reviewer's decisions and
the outcome of the last publication. ``danvan ingest A.txt -o DIR/{slug}/candidate.ttl`` with the
article copied beside it is reviewed the same way as a pasted one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from graph.errors import ConfigError, SourceContentError
from webapp.review import candidate as cand

ARTICLE, CANDIDATE, STATE = "article.txt", "candidate.ttl", "state.json"
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_NUMBERED = re.compile(r"^(\d{3})-(.*)$")  # a source's slug: its number, then a name or the article's hash


def default_dir() -> Path:
    """``$DANVAN_REVIEW_DIR``, else ``$XDG_DATA_HOME/danvan/review``, else ``~/.local/share/danvan/review``."""
    explicit = os.environ.get("DANVAN_REVIEW_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share") / "danvan" / "review"


@dataclass
class Item:
    slug: str
    path: Path

    def article(self) -> str:
        return (self.path / ARTICLE).read_text(encoding="utf-8")

    def candidate(self) -> cand.Candidate:
        return cand.read(self.path / CANDIDATE)

    def state(self) -> dict:
        try:
            return json.loads((self.path / STATE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def decisions(self) -> cand.Decisions:
        return cand.Decisions.from_json(self.state().get("decisions", {}))

    def article_matches(self, c: cand.Candidate) -> bool:
        """Whether the article beside the candidate is the text its offsets count in."""
        if c.article_sha256 is None:
            return True
        return hashlib.sha256((self.path / ARTICLE).read_bytes()).hexdigest() == c.article_sha256


class ReviewFolder:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()  # state.json is read, changed and written whole

    def ensure(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise ConfigError(f"the review folder {self.root} cannot be made ({e.strerror}): "
                              "set DANVAN_REVIEW_DIR or --dir to a writable folder.") from None

    def items(self) -> list[Item]:
        if not self.root.is_dir():
            return []
        return [Item(p.name, p) for p in sorted(self.root.iterdir())
                if p.is_dir() and _SLUG.match(p.name) and (p / CANDIDATE).is_file() and (p / ARTICLE).is_file()]

    def item(self, slug: str) -> Item | None:
        if not _SLUG.match(slug):
            return None
        path = self.root / slug
        if not ((path / CANDIDATE).is_file() and (path / ARTICLE).is_file()):
            return None
        return Item(slug, path)

    def add(self, text: str, extract: Callable[[Path, int], str], published: Path) -> Item:
        """Keep a pasted article and the candidate ``extract(article_path, number)`` makes of it, under the
        candidate source's slug (replacing an earlier paste of the same article, whose decisions no
        longer apply).

        ``number`` is the source's ``NNN``: an earlier paste or publication of the same article keeps
        its own; a new article gets one past every number in use, in this folder (pasted, not yet
        published) and in ``published`` (the sources folder). It is chosen and taken under one lock held
        by this process's threads and, through a lock file, by any other process on the folder, so two
        articles pasted before either is published never share a number."""
        text = unicodedata.normalize("NFC", text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
        with self._lock, _locked(self.root / ".lock"):
            number = self._number(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], published)
            staging = self.root / f".new-{os.getpid()}-{threading.get_ident()}"
            staging.mkdir(parents=True, exist_ok=True)
            try:
                (staging / ARTICLE).write_text(text, encoding="utf-8")
                (staging / CANDIDATE).write_text(extract(staging / ARTICLE, number), encoding="utf-8")
                slug = cand.read(staging / CANDIDATE).slug
                if not _SLUG.match(slug):
                    raise SourceContentError(str(staging / CANDIDATE), f"source slug {slug!r} is not a safe name")
                target = self.root / slug
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging, target)
                return Item(slug, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _number(self, key: str, published: Path) -> int:
        """The source number for the article whose text hashes to ``key`` (the slug's second part)."""
        names = [p.name for p in self.root.iterdir() if p.is_dir()] if self.root.is_dir() else []
        names += [p.stem for p in published.glob("*.ttl")]
        used = []
        for name in names:
            m = _NUMBERED.match(name)
            if m:
                if m.group(2) == key:
                    return int(m.group(1))
                used.append(int(m.group(1)))
        return max(used, default=-1) + 1

    def update(self, item: Item, change) -> dict:
        """Apply ``change(state) -> None`` to the item's state and write it atomically."""
        with self._lock:
            state = item.state()
            change(state)
            tmp = item.path / (STATE + ".part")
            tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, item.path / STATE)
            return state


@contextmanager
def _locked(path: Path):
    """An exclusive lock on ``path`` held until the block ends (released by the OS if the process dies)."""
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
