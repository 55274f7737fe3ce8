"""``danvan ingest``: read a news article, extract candidate facts with their evidence, link them to the
graph and write a candidate source (docs/ingest.md)."""

from graph.ingest.article import Article, article_from_bytes, read_article
from graph.ingest.pipeline import ingest

__all__ = ["Article", "article_from_bytes", "ingest", "ingest_file", "read_article"]


def ingest_file(path, **options) -> str:
    """The candidate source, as Turtle, for the article at ``path``."""
    return ingest(read_article(path), **options).turtle()
