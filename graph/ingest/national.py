"""The national reference data's places and bodies, indexed by name for linking (docs/ingest.md, "Links").

Parsing the generated Turtle (580 k triples) would take longer than ingesting an article, so the index is
built from what the generator itself reads (graph.national.package) and names the units by the generator's
own rule (graph.national.names.Places), which makes its IRIs the generator's by construction. A body's IRI
is computed, not stored: ``{body}--{place}`` exists when the generator gives the unit's (era, level) that
body (graph.national.generate.BODIES). The index (one row per unit) is cached as JSON under
``$XDG_CACHE_HOME/danvan`` (else ``~/.cache/danvan``), keyed by the package's version and the
``DANVAN_NATIONAL`` scope; a cache that cannot be read or written is rebuilt or skipped, never an error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.ingest.article import fold
from graph.national import generate, package, source
from graph.national.names import Places, in_text, party_committee_vi
from graph.national.package import Unit

CACHE_FORMAT = 1  # bump when the rows change
NEW_ERA = dt.date(2025, 7, 1)
_BODIES = {b.key: b for b in generate.BODIES}
PLACE_CLASS = {"province": "Province", "district": "District", "commune": "Commune"}


@dataclass(frozen=True)
class NationalPlace:
    unit: Unit
    slug: str
    province: str  # the slug of its province (its own for a province)

    @property
    def cls(self) -> str:
        return PLACE_CLASS[self.unit.level]


class NationalIndex:
    def __init__(self, rows: list[list]):
        self.places: list[NationalPlace] = []
        self.by_slug: dict[str, NationalPlace] = {}
        self.by_name: dict[str, list[NationalPlace]] = defaultdict(list)
        self.eras: dict[str, set[str]] = defaultdict(set)  # slug → the eras it is a unit of
        self.provinces: set[str] = set()  # folded province names, with and without their type word
        by_key: dict[tuple[str, str], NationalPlace] = {}
        for era, level, name, kind, code, key, parent, slug_ in rows:
            unit = Unit(era, level, name, kind, code, key, parent, None, None)
            up = by_key.get((era, parent)) if parent else None
            while up is not None and up.unit.parent:
                up = by_key.get((era, up.unit.parent))
            p = NationalPlace(unit, slug_, up.slug if up else slug_)
            by_key[(era, key)] = p
            self.places.append(p)
            self.by_slug.setdefault(slug_, p)
            self.eras[slug_].add(era)
            # "Củ Chi" and "Huyện Củ Chi"; "Quận 5" only whole (a bare "5" names nothing)
            self.by_name[fold(name)].append(p)
            if not unit.short.isdigit():
                self.by_name[fold(unit.short)].append(p)
            if level == "province":
                self.provinces.update({fold(name), fold(unit.short)})

    def knows(self, name: str) -> bool:
        return fold(name) in self.by_name

    def find(self, name: str, level: str | None, kind: str | None, within: set[str] | None,
             date: dt.date | None) -> list[NationalPlace]:
        """The units called ``name`` (with or without its type word) of ``level`` and type word ``kind``
        (when given), in a province of ``within`` (when that leaves any), of the era of ``date`` (when given
        and that leaves any). One slug per unit: the 11 continuing provinces are one place in both eras."""
        found = self.by_name.get(fold(name), [])
        if level:
            found = [p for p in found if p.unit.level == level]
        if kind:
            found = [p for p in found if p.unit.kind.lower() == kind.lower()] or found
        if within:
            found = [p for p in found if p.province in within] or found
        if date is not None and len({p.slug for p in found}) > 1:
            era = "2025" if date >= NEW_ERA else "legacy"
            found = [p for p in found if p.unit.era == era] or found
        unique: dict[str, NationalPlace] = {}
        for p in found:
            unique.setdefault(p.slug, p)
        return list(unique.values())

    def body(self, key: str, place_slug: str) -> tuple[str, str, str] | None:
        """(slug, Vietnamese name, class) of the body ``key`` of the national place ``place_slug``, when the
        generator gives that place one."""
        p = self.by_slug.get(place_slug)
        b = _BODIES.get(key)
        if p is None or b is None:
            return None
        unit = p.unit
        # a continuing province is one place with the bodies of both eras
        if not any((era, unit.level) in b.levels for era in self.eras[place_slug]):
            return None
        return (generate.body_slug(key, p.slug), b.vi.format(P=party_committee_vi(unit), T=in_text(unit)),
                b.cls.removeprefix("dv:"))


def _rows(scope: set[str] | None) -> list[list]:
    data = package.read()
    legacy, new = generate.scope_keys(data, scope)
    continuing = {k for k, olds in data.provinces_2025.items() if olds == [k]}
    units = [u for u in data.units
             if (u.era == "legacy" and u.key.split("_")[0] in legacy) or (u.era == "2025" and u.key.split("_")[0] in new)]
    places = Places(units, continuing)
    return [[u.era, u.level, u.name, u.kind, u.code, u.key, u.parent, places.slug(u)] for u in units]


def _cache_file(scope: set[str] | None) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "danvan"
    tag = "all" if scope is None else "-".join(sorted(scope))
    return base / f"national-index-{package.version()}-{tag}-v{CACHE_FORMAT}.json"


@lru_cache(maxsize=4)
def _index(scope: frozenset[str] | None) -> NationalIndex:
    wanted = set(scope) if scope is not None else None
    path = _cache_file(wanted)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rows = _rows(wanted)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as f:
                json.dump(rows, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(f.name, path)  # atomic: a concurrent reader sees the old file or the whole new one
        except OSError:
            pass  # a read-only home: rebuild next time
    return NationalIndex(rows)


def national_index() -> NationalIndex | None:
    """The index for the current ``DANVAN_NATIONAL`` (None when it is off)."""
    chosen = source.scope()
    if chosen is False:
        return None
    return _index(frozenset(chosen) if chosen is not None else None)
