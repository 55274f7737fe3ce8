"""IRIs and names of the national units and their bodies (the rule is documented in docs/sources.md,
"IRIs of the national reference data").

Slugs use the project's one ASCII rule (:func:`slug`: marks dropped, đ → d, lower case, anything else
``-``). A place's slug is its full name's, followed by its parents' (``--`` between them), so the many
communes that share a name stay apart and the IRI still reads as an address: ``xa-tan-thong-hoi--huyen-
cu-chi--thanh-pho-ho-chi-minh``. A province formed on 1 July 2025 from several (or renamed) ends in
``-2025``; one the 2025 reorganization left as it was keeps its IRI. Two units under one parent whose
names differ only in their marks ("Phường Sa Pa", "Phường Sa Pả") add their official code after the name. A body's slug is its kind's short
name, ``--``, and its place's slug: ``ubnd--quan-5--thanh-pho-ho-chi-minh``.
"""

from __future__ import annotations

import re
import unicodedata

from graph.national.package import Unit


def slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def ascii_name(text: str) -> str:
    """The name without diacritics, for the English labels ("Củ Chi" → "Cu Chi")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


def _numbered(unit: Unit) -> bool:
    return unit.short.isdigit()


def in_text(unit: Unit) -> str:
    """How a body's Vietnamese name writes its unit: the type word in lower case ("huyện Lý Nhân"),
    except where the name is a number ("Quận 5") or would read as a person's ("Thành phố Hồ Chí Minh")."""
    if _numbered(unit) or unit.short == "Hồ Chí Minh":
        return unit.name
    return f"{unit.kind.lower()} {unit.short}"


_EN_KIND = {
    "Tỉnh": "province", "Thành phố": "City", "Quận": "district", "Huyện": "district", "Thị xã": "town",
    "Phường": "ward", "Xã": "commune", "Thị trấn": "township", "Đặc khu": "special zone",
}
_EN_NUMBERED = {"Quận": "District", "Phường": "Ward"}


def place_label_en(unit: Unit) -> str:
    """"Ha Nam province", "Ho Chi Minh City", "Cu Chi district", "District 5", "Tan Thong Hoi commune"."""
    if _numbered(unit) and unit.kind in _EN_NUMBERED:
        return f"{_EN_NUMBERED[unit.kind]} {unit.short}"
    return f"{ascii_name(unit.short)} {_EN_KIND[unit.kind]}"


def qualifier_en(unit: Unit) -> str:
    """The unit as it qualifies a body's English name: "Ha Nam Provincial", "Cu Chi District", "District 5"."""
    if unit.level == "province" and unit.kind == "Tỉnh":
        return f"{ascii_name(unit.short)} Provincial"
    label = place_label_en(unit)
    return label if _numbered(unit) else label[: -len(_EN_KIND[unit.kind])] + _EN_KIND[unit.kind].title()


def of_en(unit: Unit) -> str:
    """The unit after "of": "Ha Nam Province", "District 5", "Tan Thong Hoi Commune"."""
    label = place_label_en(unit)
    return label if _numbered(unit) else label[: -len(_EN_KIND[unit.kind])] + _EN_KIND[unit.kind].title()


def party_committee_vi(unit: Unit) -> str:
    """"Tỉnh ủy Hà Nam", "Thành ủy Thành phố Hồ Chí Minh", "Huyện ủy Củ Chi", "Quận ủy Quận 5",
    "Thành ủy thành phố Thủ Đức", "Thị ủy …", "Đảng ủy xã …"."""
    if unit.level == "commune":
        return f"Đảng ủy {in_text(unit)}"
    if unit.level == "district" and unit.kind == "Thành phố":
        return f"Thành ủy {in_text(unit)}"  # "Thành ủy thành phố Thủ Đức": not the province's Thành ủy
    prefix = {"Tỉnh": "Tỉnh ủy", "Thành phố": "Thành ủy", "Quận": "Quận ủy", "Huyện": "Huyện ủy",
              "Thị xã": "Thị ủy"}[unit.kind]
    name = unit.name if (_numbered(unit) or unit.short == "Hồ Chí Minh") else unit.short
    return f"{prefix} {name}"


class Places:
    """The IRI slug of every unit of both eras (see the module's docstring), checked to be unique."""

    def __init__(self, units: list[Unit], continuing: set[str]):
        self.by_key: dict[tuple[str, str], Unit] = {(u.era, u.key): u for u in units}
        self.continuing = continuing  # keys of 2025 provinces that are the legacy province unchanged
        self._slugs: dict[tuple[str, str], str] = {}
        # names that only diacritics tell apart under one parent ("Phường Sa Pa", "Phường Sa Pả") get
        # the State's code after the name
        siblings: dict[tuple[str, str | None, str], int] = {}
        for u in units:
            group = (u.era, u.parent, slug(u.name))
            siblings[group] = siblings.get(group, 0) + 1
        self._clashing = {g for g, n in siblings.items() if n > 1}
        seen: dict[str, Unit] = {}
        for u in units:
            s = self.slug(u)
            other = seen.setdefault(s, u)
            if other is not u and not self.same(u, other):
                raise ValueError(f"two units share the slug {s!r}: {other} and {u}")

    def same(self, a: Unit, b: Unit) -> bool:
        return a.level == b.level == "province" and a.key == b.key and a.key in self.continuing

    def slug(self, unit: Unit) -> str:
        key = (unit.era, unit.key)
        if key not in self._slugs:
            own = slug(unit.name)
            if (unit.era, unit.parent, own) in self._clashing:
                own += f"-{unit.code}"
            if unit.level == "province" and unit.era == "2025" and unit.key not in self.continuing:
                own += "-2025"
            if unit.parent is not None:
                own += "--" + self.slug(self.parent(unit))
            self._slugs[key] = own
        return self._slugs[key]

    def parent(self, unit: Unit) -> Unit:
        return self.by_key[(unit.era, unit.parent)]
