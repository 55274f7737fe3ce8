"""Running the extractor (``graph.ingest``, ``danvan ingest``) on a pasted article, the way the command
does with ``--sources``: entities are linked against the sources folder the review writes to, so an
article reviewed yesterday is known today and source numbers keep counting."""

from __future__ import annotations

from pathlib import Path


class ExtractorMissing(Exception):
    """``graph.ingest`` is not installed (it is built on its own branch)."""


def extract(article: Path, sources: Path, *, url: str | None, publisher: str | None, date: str | None,
            headline: str | None) -> str:
    """The candidate source (Turtle) for the article file."""
    try:
        from graph.ingest import ingest, read_article
        from graph.ingest.gazetteer import from_files
    except ImportError:
        raise ExtractorMissing() from None
    candidate = ingest(read_article(article), url=url, publisher=publisher, date=date, headline=headline,
                       gazetteer=from_files(sorted(sources.glob("*.ttl"))))
    return candidate.turtle()
