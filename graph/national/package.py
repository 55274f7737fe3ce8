"""Read Vietnam's administrative units from the ``vietnamadminunits`` package's own data files.

The package ships a SQLite database (``admin_units_legacy``: the 63 provinces, their districts and
communes as they stood until 30 June 2025; ``admin_units``: the 34 provinces and their communes from
1 July 2025) and the old→new mapping it converts addresses with (``converter_2025.json``). We read those
files where the package is installed, without importing it: its ``__init__`` loads its address parser
(geopy, shapely), which the data does not need.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ConfigError

PACKAGE = "vietnamadminunits"
DATA_FILES = ("dataset.db", "converter_2025.json")  # what read() reads


@dataclass(frozen=True)
class Unit:
    """One administrative unit as the package gives it. ``key`` is the package's own key (used by its
    mapping); ``parent`` the key path of the unit it lies in (None for a province)."""

    era: str  # "legacy" (until 30 June 2025) or "2025" (from 1 July 2025)
    level: str  # "province", "district" or "commune"
    name: str  # the full official name, e.g. "Huyện Củ Chi"
    kind: str  # the type word it starts with: "Tỉnh", "Thành phố", "Quận", "Huyện", "Phường", "Xã"…
    code: str  # the State's code (2, 3 or 5 digits)
    key: str  # the package's key path, e.g. "thanhphohochiminh_huyencuchi"
    parent: str | None
    lat: float | None
    lon: float | None

    @property
    def short(self) -> str:
        """The name without its type word ("Củ Chi", "5")."""
        return self.name[len(self.kind) + 1:]


@dataclass
class AdminData:
    version: str
    licence: str
    author: str
    units: list[Unit] = field(default_factory=list)
    # new province key → the legacy province keys it was formed from
    provinces_2025: dict[str, list[str]] = field(default_factory=dict)
    # legacy key path ("province_district_commune", or "province_district_" for a district with no
    # communes) → the new commune key paths ("province_commune") it became part of
    became: dict[str, list[str]] = field(default_factory=dict)


def version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(
            f"the package {PACKAGE!r} is not installed, so the national reference data cannot be made: "
            "`pip install -e .` installs it, or set DANVAN_NATIONAL=off to build without it."
        ) from None


def data_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        version()  # raises the ConfigError that says what to do
        raise ConfigError(f"the package {PACKAGE!r} has no data folder: reinstall it.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _named(name: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    """(name, type word): the name with its type word spelt as the State spells it (the package writes
    one "Thành Phố Bắc Kạn"), in NFC like every text of the graph."""
    name = unicodedata.normalize("NFC", name)
    for k in kinds:
        if name[: len(k) + 1].casefold() == (k + " ").casefold():
            return k + name[len(k):], k
    raise ConfigError(f"{PACKAGE}: the unit name {name!r} starts with no known type word {kinds}.")


PROVINCE_KINDS = ("Thành phố", "Tỉnh")
DISTRICT_KINDS = ("Thành phố", "Thị xã", "Quận", "Huyện")
COMMUNE_KINDS = ("Thị trấn", "Phường", "Xã", "Đặc khu")


def read() -> AdminData:
    """Every unit of both eras and the mapping, in the package's order made deterministic (by code)."""
    folder = data_folder()
    meta = importlib.metadata.metadata(PACKAGE)
    data = AdminData(version=version(), licence=_licence(), author=meta.get("Author") or "")
    with sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True) as db:
        legacy = db.execute(
            "SELECT province, provinceCode, provinceKey, provinceLat, provinceLon,"
            " district, districtCode, districtKey, districtLat, districtLon,"
            " ward, wardCode, wardKey, wardLat, wardLon"
            " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        current = db.execute(
            "SELECT province, provinceCode, provinceKey, provinceLat, provinceLon,"
            " ward, wardCode, wardKey, wardLat, wardLon FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
    seen: set[tuple[str, str]] = set()

    def add(unit: Unit) -> None:
        if (unit.era, unit.key) not in seen:
            seen.add((unit.era, unit.key))
            data.units.append(unit)

    for (p, pc, pk, plat, plon, d, dc, dk, dlat, dlon, w, wc, wk, wlat, wlon) in legacy:
        add(Unit("legacy", "province", *_named(p, PROVINCE_KINDS), pc, pk, None, plat, plon))
        add(Unit("legacy", "district", *_named(d, DISTRICT_KINDS), dc, f"{pk}_{dk}", pk, dlat, dlon))
        if w:  # five island districts have no communes
            add(Unit("legacy", "commune", *_named(w, COMMUNE_KINDS), wc, f"{pk}_{dk}_{wk}", f"{pk}_{dk}", wlat, wlon))
    for (p, pc, pk, plat, plon, w, wc, wk, wlat, wlon) in current:
        add(Unit("2025", "province", *_named(p, PROVINCE_KINDS), pc, pk, None, plat, plon))
        add(Unit("2025", "commune", *_named(w, COMMUNE_KINDS), wc, f"{pk}_{wk}", pk, wlat, wlon))

    mapping = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    data.provinces_2025 = {k: sorted(v) for k, v in mapping["DICT_PROVINCE"].items()}
    became: dict[str, set[str]] = {}
    for new_province, communes in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_commune, olds in communes.items():
            for old in olds:
                became.setdefault(old, set()).add(f"{new_province}_{new_commune}")
    for new_province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                became.setdefault(old, set()).add(f"{new_province}_{part['newWardKey']}")
    data.became = {k: sorted(v) for k, v in sorted(became.items())}
    return data


def _licence() -> str:
    meta = importlib.metadata.metadata(PACKAGE)
    declared = meta.get("License-Expression") or meta.get("License") or ""
    if declared.strip():
        return declared.strip()
    dist = importlib.metadata.distribution(PACKAGE)
    for f in dist.files or ():
        if f.name.upper().startswith("LICENSE"):
            first = (dist.locate_file(f).read_text(encoding="utf-8", errors="replace").strip().splitlines() or [""])[0]
            return first.replace("License", "").strip()  # "MIT License" → "MIT"
    return ""
