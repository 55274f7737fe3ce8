"""Dates as Vietnamese news writes them: "ngày 30/7/2021", "30-7-2021", "30 tháng 7 năm 2021",
"Sáng 6/1/2022", "Chiều 11/5", "tháng 7/2021".

The year comes only from the text or from the article's own date, never from a guess: a day and month
without a year take the article's year when the article is dated and the day is not after its date;
otherwise they stay a day and month (``year`` is None), which the candidate writes as ``xsd:gMonthDay``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from graph.ingest.article import Article

# on the folded text (lower case, no marks)
_DMY = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])")
_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|,)\s*(\d{4}))?(?![\d/])")
_DM = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_DM_CONTEXT = re.compile(r"(?:ngay|sang|chieu|toi|trua|dem|hom nay|tu|den)\s*(?:ngay\s*)?$")
_PART = re.compile(r"(sang|chieu|toi|trua)\s*(?:ngay\s*)?$")
PARTS = {"sang": "Morning", "chieu": "Afternoon"}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: int
    month: int
    year: int | None
    year_from_text: bool  # False: the year is the article's
    part_of_day: str | None  # "Morning" / "Afternoon" when the text says sáng / chiều

    @property
    def iso(self) -> str | None:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else None

    @property
    def month_day(self) -> str:
        return f"--{self.month:02d}-{self.day:02d}"


def _valid(day: int, month: int, year: int | None) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 29/2 without a year stays possible
    except ValueError:
        return False
    return year is None or 1900 <= year <= 2100


def find_dates(article: Article, article_date: dt.date | None) -> list[DateMention]:
    f = article.folded
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def part(start: int) -> str | None:
        m = _PART.search(f[max(0, start - 12):start])
        return PARTS.get(m.group(1)) if m else None

    def add(start: int, end: int, d: int, m: int, y: int | None) -> None:
        if not _valid(d, m, y) or not free(start, end):
            return
        from_text = y is not None
        if y is None and article_date is not None and (m, d) <= (article_date.month, article_date.day):
            y = article_date.year
        found.append(DateMention(start, end, d, m, y, from_text, part(start)))
        taken.append((start, end))

    for m in _DMY.finditer(f):
        add(m.start(), m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in _WORDS.finditer(f):
        add(m.start(), m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    for m in _DM.finditer(f):
        # a bare "11/5" is a date only after a word that introduces one (ngày, sáng, chiều…);
        # "5/7" elsewhere may be a ratio or a number
        if _DM_CONTEXT.search(f[max(0, m.start() - 14):m.start()]):
            add(m.start(), m.end(), int(m.group(1)), int(m.group(2)), None)
    return sorted(found, key=lambda d: d.start)


_DATELINE = re.compile(r"^\s*(?:(?:thu\s+\w+|chu nhat)\s*,?\s*)?(?:ngay\s*)?(\d{1,2})(?:\s*[/.-]\s*|\s+thang\s+)(\d{1,2})"
                       r"(?:\s*[/.-]\s*|\s+nam\s+)(\d{4})(?:\s*[,|-]?\s*\d{1,2}:\d{2}.*)?\s*$")


def dateline(article: Article) -> tuple[dt.date, int, int] | None:
    """The article's own date when one of its first lines is a dateline ("Thứ Hai, ngày 15 tháng 8 năm
    2022", "15/08/2022 10:30"): the date and the line's span."""
    for p in article.paragraphs[:3]:
        m = _DATELINE.match(article.folded[p.start:p.end])
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), p.start, p.end
            except ValueError:
                return None
    return None
