"""An article as the extractors see it: NFC text, a diacritic-folded twin with the same offsets, and its
paragraphs and sentences as code-point spans.

Every extractor matches on the folded text (lower case, marks dropped, đ → d), so a name written
without diacritics is found as well as one written with them; because folding maps each code point to
exactly one code point, an offset in the folded text is the same offset in the article.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.errors import IngestInputError

MAX_BYTES = 200_000  # a news article is a few kB (the seeds: 3–5 kB); anything this large is not one
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")


@lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Lower case without marks, one code point for one code point."""
    return "".join(fold_char(c) for c in text)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Article:
    text: str
    folded: str = field(init=False)
    paragraphs: list[Span] = field(init=False)
    sentences: list[Span] = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        self.paragraphs = [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", self.text)]
        self.sentences = []
        for p in self.paragraphs:
            start = p.start
            for m in _SENTENCE_END.finditer(self.text, p.start, p.end):
                if m.end() > start:
                    self.sentences.append(Span(start, m.end()))
                start = m.end()
            if start < p.end:
                self.sentences.append(Span(start, p.end))
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self._sentence_starts = [s.start for s in self.sentences]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def paragraph_of(self, offset: int) -> int:
        """1-based number of the paragraph holding ``offset`` (paragraphs are the non-blank lines); an
        offset between paragraphs counts with the one before."""
        return max(1, bisect.bisect_right(self._paragraph_starts, offset))

    def sentence_of(self, offset: int) -> Span:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return Span(offset, offset)

    def paragraph_span(self, offset: int) -> Span:
        return self.paragraphs[self.paragraph_of(offset) - 1]


def read_article(path: str | Path) -> Article:
    """Read a plain-text article: UTF-8 (a byte-order mark is dropped), not binary, not empty, not huge.
    Raises :class:`IngestInputError` naming the file and what to do."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestInputError(str(path), f"is {size} bytes; an article is at most {MAX_BYTES} bytes: "
                                   "give one article's text, not a dump.")
        data = path.read_bytes()
    except OSError as e:
        raise IngestInputError(str(path), f"cannot be read ({e.strerror or e}): check the path.") from None
    return article_from_bytes(data, str(path))


def article_from_bytes(data: bytes, name: str = "<article>") -> Article:
    if len(data) > MAX_BYTES:
        raise IngestInputError(name, f"is {len(data)} bytes; an article is at most {MAX_BYTES} bytes.")
    if b"\x00" in data:
        raise IngestInputError(name, "is binary (it holds NUL bytes): give the article as plain UTF-8 text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise IngestInputError(name, f"line {line}: not valid UTF-8 (byte {data[e.start]:#04x}): "
                               "save the article as UTF-8 text.") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise IngestInputError(name, "holds control characters: it looks binary, not an article's text.")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise IngestInputError(name, "is empty: give the article's text.")
    return Article(text)
