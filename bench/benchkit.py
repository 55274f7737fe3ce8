"""What the bench scripts share: timing, and docs/benchmarks.md, in which each script owns one or more
"## " sections and replaces only those."""

import statistics
import time
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
