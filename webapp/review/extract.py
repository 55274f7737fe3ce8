"""Running the extractor (``graph.ingest``, ``danvan ingest``) on a pasted article, the way the command
does with ``--sources``: entities are linked against the sources folder the review writes to, so an
article reviewed yesterday is known today."""

from __future__ import annotations

from pathlib import Path

from graph.ingest import ingest, read_article
from graph.ingest.gazetteer import from_files


def extract(article: Path, sources: Path, number: int, *, url: str | None, publisher: str | None,
            date: str | None, headline: str | None) -> str:
    """The candidate source (Turtle) for the article file, numbered ``number`` (reserved by the review
    folder, see :meth:`webapp.review.folder.ReviewFolder.add`)."""
    candidate = ingest(read_article(article), url=url, publisher=publisher, date=date, headline=headline,
                       gazetteer=from_files(sorted(sources.glob("*.ttl"))), number=number)
    return candidate.turtle()
