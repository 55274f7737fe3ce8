"""Vietnamese collation without ICU: a sort key in the order of a Vietnamese dictionary.

Letters sort in the Vietnamese alphabet — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
(f j w z, for foreign words, in their Latin places) — ignoring case and tone marks; ties are broken by
the tones, letter by letter, in the dictionary order ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ);
then by case. Runs of digits compare as numbers (Quận 5 before Quận 10); spaces and punctuation
come before digits, digits before letters.
"""

from __future__ import annotations

import functools
import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}
# Tone marks (combining, after NFD) and their dictionary rank; 0 is ngang (no mark).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a different letter: breve (ă), circumflex (â ê ô), horn (ơ ư).
_LETTER_MARKS = ("\u0306", "\u0302", "\u031b")


def _clusters(text: str):
    """(base character, its combining marks) in NFD order."""
    base, marks = None, ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and base is not None:
            marks += ch
            continue
        if base is not None:
            yield base, marks
        base, marks = ch, ""
    if base is not None:
        yield base, marks


def vi_key(text: str) -> tuple:
    """A key for ``sorted(..., key=vi_key)`` that orders Vietnamese text as a dictionary does."""
    folded = unicodedata.normalize("NFC", text.casefold())
    if any(unicodedata.combining(c) for c in folded):
        return _slow_key(text)  # a mark NFC cannot compose onto its letter: cluster by cluster
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    digits = ""
    for c in folded:
        if c.isdecimal():
            digits += c
            continue
        if digits:
            primary.append((1, int(digits)))
            digits = ""
        weight, tone = _char_weight(c)
        primary.append(weight)
        if tone is not None:
            tones.append(tone)
    if digits:
        primary.append((1, int(digits)))
    case = tuple(0 if not c.isupper() else 1 for c in unicodedata.normalize("NFC", text) if c.isalpha())
    return tuple(primary), tuple(tones), case, text


@functools.lru_cache(maxsize=4096)
def _char_weight(c: str) -> tuple[tuple[int, int], int | None]:
    """One composed character's primary weight and tone (None for spaces and punctuation): what
    :func:`_slow_key` gives it, computed once per character (a names index sorts ~10⁵ names)."""
    primary, tones, _case, _text = _slow_key(c)
    return primary[0], (tones[0] if tones else None)


def _slow_key(text: str) -> tuple:
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    digits = ""

    def flush():
        nonlocal digits
        if digits:
            primary.append((1, int(digits)))
            digits = ""

    for base, marks in _clusters(text.casefold()):
        if base.isdecimal():
            digits += base
            continue
        flush()
        tone = 0
        letter_marks = ""
        for m in marks:
            if m in _TONES:
                tone = _TONES[m]
            elif m in _LETTER_MARKS:
                letter_marks += m
        letter = unicodedata.normalize("NFC", base + letter_marks)
        if letter not in _RANK:  # a mark that does not make a Vietnamese letter (ç, ñ…): the base letter
            letter = base
        if letter in _RANK:
            primary.append((2, _RANK[letter]))
            tones.append(tone)
        elif base.isalpha():  # another script: after the Latin letters, by code point
            primary.append((3, ord(base)))
            tones.append(tone)
        else:  # spaces and punctuation
            primary.append((0, 0 if base.isspace() else ord(base)))
    flush()
    # Case last: lower before upper at the first difference, as dictionaries print them.
    case = tuple(0 if not c.isupper() else 1 for c in unicodedata.normalize("NFC", text) if c.isalpha())
    return tuple(primary), tuple(tones), case, text
