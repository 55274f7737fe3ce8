"""Counts written in digits or in Vietnamese words ("gần hai trăm", "hơn 70", "một nghìn hai trăm")."""

from __future__ import annotations

import re

_UNITS = {"khong": 0, "mot": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
          "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "chuc": 10}
_SCALES = {"tram": 100, "tram": 100, "nghin": 1000, "ngan": 1000}
WORD = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|chuc|tram|nghin|ngan|linh|le|mươi)"
NUMBER = rf"(?:\d{{1,3}}(?:[.,]\d{{3}})*|{WORD}(?:\s+{WORD})*)"
APPROXIMATE = {"gan", "hon", "khoang", "tren", "xap xi", "chung", "gan"}


def parse_number(folded: str) -> int | None:
    """The value of a count already folded (lower case, no marks); None when it is not one."""
    folded = folded.strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*", folded):
        return int(re.sub(r"[.,]", "", folded))
    total, current = 0, 0
    words = folded.split()
    if not words:
        return None
    for i, w in enumerate(words):
        if w in ("linh", "le"):
            continue
        if w == "muoi" and i > 0 and words[i - 1] in _UNITS and _UNITS[words[i - 1]] < 10:
            current = current * 10  # "hai mươi" = 20
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in _SCALES:
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current or None
