"""Source numbers are reserved when a candidate is made: articles pasted before any is published each get
their own, concurrently too; an article pasted again (or published already) keeps its number."""

from __future__ import annotations

import hashlib
import threading
import time

from webapp.review.folder import ReviewFolder


def fake_extract(article, number: int) -> str:
    """A minimal candidate named by the extractor's rule, ``{number:03d}-{sha of the text:16}``."""
    sha = hashlib.sha256(article.read_bytes()).hexdigest()
    time.sleep(0.02)  # slow enough that unsynchronized threads would read the same folder
    slug = f"{number:03d}-{sha[:16]}"
    return (f"@prefix dv: <https://w3id.org/danvan/ontology#> .\n"
            f"<https://w3id.org/danvan/id/source/{slug}> a dv:NewsArticleSource .\n")


def test_articles_pasted_together_get_distinct_numbers(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("000-curated.ttl", "004-curated.ttl", "ref-reference.ttl"):
        (sources / name).write_text("", encoding="utf-8")
    folder = ReviewFolder(tmp_path / "review")
    folder.ensure()
    slugs: list[str] = []
    threads = [threading.Thread(target=lambda n=n: slugs.append(folder.add(f"Bài số {n}\n", fake_extract, sources).slug))
               for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s[:3] for s in slugs) == ["005", "006", "007", "008", "009", "010"]

    again = folder.add("Bài số 3\n", fake_extract, sources)  # the same text again: its own number
    assert again.slug in slugs and len(folder.items()) == 6

    published = next(s for s in slugs if s.startswith("007"))  # once published, the number stays taken
    (sources / f"{published}.ttl").write_text("", encoding="utf-8")
    import shutil

    shutil.rmtree(folder.root / published)
    assert folder.add("Bài số mới\n", fake_extract, sources).slug.startswith("011")
    assert folder.add(folder.root.joinpath(slugs[0], "article.txt").read_text(encoding="utf-8"),
                      fake_extract, sources).slug == slugs[0]
