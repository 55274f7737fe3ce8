"""Turn the package's units into the national reference source: Turtle text, the same bytes for the
same package version and scope.

What it states (docs/sources.md, "The national reference data"):
- every unit of both eras — dv:Province, dv:District (until 30 June 2025), dv:Commune — with its names
  (@vi as the State writes it, @en without marks), the State's code, the package's coordinates, the
  unit it lies in (dv:partOfPlace), its validity (dv:validFrom 2025-07-01 for a unit formed then,
  dv:validUntil 2025-06-30 for one that ended) and what it became (dv:becamePartOf, the package's
  old→new mapping; a district, whose level was abolished, became part of the 2025 province(s) its
  communes went to). The 11 provinces the reorganization left as they were are one unit across both eras;
- for each unit the bodies the Party's and the State's structure give its level, nested by
  dv:subOrganizationOf, each with dv:jurisdiction → the unit and the unit's dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.national.names import Places, in_text, of_en, party_committee_vi, place_label_en, qualifier_en
from graph.national.package import AdminData, Unit

SOURCE_SLUG = "ref-vietnamadminunits"
LEGACY_END = "2025-06-30"
NEW_START = "2025-07-01"
# People's Councils that ended on 30 June 2021 where urban government replaced them (no council):
# Hà Nội's wards (Resolution 97/2019/QH14), Đà Nẵng's districts and wards (119/2020/QH14), Hồ Chí Minh
# City's districts and wards (131/2020/QH14); Thủ Đức City and the rural districts kept theirs.
COUNCILS_ENDED_2021 = {"thanhphohanoi": {"Phường"}, "thanhphodanang": {"Quận", "Phường"},
                       "thanhphohochiminh": {"Quận", "Phường"}}
COUNCILS_END = "2021-06-30"

PREFIXES = """@prefix dv:   <https://w3id.org/danvan/ontology#> .
@prefix o:    <https://w3id.org/danvan/id/organization/> .
@prefix pl:   <https://w3id.org/danvan/id/place/> .
@prefix lv:   <https://w3id.org/danvan/id/level/> .
@prefix s:    <https://w3id.org/danvan/id/source/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

# The national bodies the local ones nest under (their names as the other sources write them).
NATIONAL_BODIES = {
    "ban-chap-hanh-trung-uong": ("dv:CentralCommittee", "Ban Chấp hành Trung ương Đảng",
                                 "Central Committee of the Communist Party of Viet Nam"),
    "chinh-phu": ("dv:StateBody", "Chính phủ", "Government of Viet Nam"),
    "mat-tran-to-quoc-viet-nam": ("dv:FatherlandFront", "Mặt trận Tổ quốc Việt Nam", "Viet Nam Fatherland Front"),
    "tong-lien-doan-lao-dong-viet-nam": ("dv:SocioPoliticalOrganization", "Tổng Liên đoàn Lao động Việt Nam",
                                         "Vietnam General Confederation of Labour"),
    "hoi-nong-dan-viet-nam": ("dv:SocioPoliticalOrganization", "Hội Nông dân Việt Nam", "Vietnam Farmers' Union"),
    "doan-thanh-nien-cong-san-ho-chi-minh": ("dv:SocioPoliticalOrganization", "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
                                             "Ho Chi Minh Communist Youth Union"),
    "hoi-lien-hiep-phu-nu-viet-nam": ("dv:SocioPoliticalOrganization", "Hội Liên hiệp Phụ nữ Việt Nam",
                                      "Vietnam Women's Union"),
    "hoi-cuu-chien-binh-viet-nam": ("dv:SocioPoliticalOrganization", "Hội Cựu chiến binh Việt Nam",
                                    "Vietnam Veterans' Association"),
}


@dataclass(frozen=True)
class Body:
    """A kind of body a unit has. ``top`` is the national body a province's nests under; below the
    province each nests under the same kind of body of the unit above (``within`` names another body of
    the same unit instead, e.g. a standing committee within its Party committee)."""

    key: str
    cls: str
    vi: str  # format: {P} the Party committee's name, {T} the unit in running text
    en: str  # format: {Q} the unit as qualifier, {O} the unit after "of"
    levels: frozenset[tuple[str, str]]  # (era, level) that have it
    top: str | None = None
    within: str | None = None
    party: bool = False  # a Party body: dv:level from its unit's level


_P, _D, _C = "province", "district", "commune"
_ALL = frozenset({("legacy", _P), ("legacy", _D), ("legacy", _C), ("2025", _P), ("2025", _C)})
_ABOVE_COMMUNE = frozenset({("legacy", _P), ("legacy", _D), ("2025", _P)})

BODIES = (
    Body("cap-uy", "dv:PartyCommittee", "{P}", "{Q} Party Committee", _ALL, top="ban-chap-hanh-trung-uong", party=True),
    Body("ban-thuong-vu", "dv:StandingCommittee", "Ban Thường vụ {P}", "Standing Committee of the {Q} Party Committee",
         _ALL, within="cap-uy", party=True),
    Body("ban-dan-van", "dv:MassMobilizationBoard", "Ban Dân vận {P}", "Mass Mobilization Board of the {Q} Party Committee",
         frozenset({("legacy", _P), ("legacy", _D)}), within="cap-uy", party=True),
    # Since 2025 the province's board for propaganda and for mass mobilization are one.
    Body("ban-tuyen-giao-va-dan-van", "dv:MassMobilizationBoard", "Ban Tuyên giáo và Dân vận {P}",
         "Propaganda and Mass Mobilization Board of the {Q} Party Committee", frozenset({("2025", _P)}),
         within="cap-uy", party=True),
    Body("hdnd", "dv:PeoplesCouncil", "Hội đồng nhân dân {T}", "{Q} People's Council", _ALL),
    Body("ubnd", "dv:PeoplesCommittee", "Ủy ban nhân dân {T}", "{Q} People's Committee", _ALL, top="chinh-phu"),
    Body("uy-ban-mttq", "dv:FatherlandFront", "Ủy ban Mặt trận Tổ quốc Việt Nam {T}",
         "Viet Nam Fatherland Front Committee of {O}", _ALL, top="mat-tran-to-quoc-viet-nam"),
    Body("lien-doan-lao-dong", "dv:SocioPoliticalOrganization", "Liên đoàn Lao động {T}", "Labour Federation of {O}",
         _ABOVE_COMMUNE, top="tong-lien-doan-lao-dong-viet-nam"),
    Body("hoi-nong-dan", "dv:SocioPoliticalOrganization", "Hội Nông dân {T}", "Farmers' Union of {O}",
         _ABOVE_COMMUNE, top="hoi-nong-dan-viet-nam"),
    Body("doan-thanh-nien", "dv:SocioPoliticalOrganization", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {T}",
         "Ho Chi Minh Communist Youth Union of {O}", _ABOVE_COMMUNE, top="doan-thanh-nien-cong-san-ho-chi-minh"),
    Body("hoi-lien-hiep-phu-nu", "dv:SocioPoliticalOrganization", "Hội Liên hiệp Phụ nữ {T}", "Women's Union of {O}",
         _ABOVE_COMMUNE, top="hoi-lien-hiep-phu-nu-viet-nam"),
    Body("hoi-cuu-chien-binh", "dv:SocioPoliticalOrganization", "Hội Cựu chiến binh {T}", "Veterans' Association of {O}",
         _ABOVE_COMMUNE, top="hoi-cuu-chien-binh-viet-nam"),
)
PLACE_CLASS = {_P: "dv:Province", _D: "dv:District", _C: "dv:Commune"}
PARTY_LEVEL = {_P: "lv:tu", _D: "lv:hu"}  # a commune's committee numbers its documents "/ĐU": no tier here


def body_slug(body_key: str, place_slug: str) -> str:
    return f"{body_key}--{place_slug}"


def _lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _date(value: str) -> str:
    return f'"{value}"^^xsd:date'


def _coordinate(value: float) -> str:
    return f'"{value!r}"^^xsd:decimal'


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = [PREFIXES]

    def subject(self, subject: str, pairs: Iterable[tuple[str, str]]) -> None:
        pairs = list(pairs)
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.lines.append(f"\n{subject} {body} .")

    def text(self) -> str:
        return "".join(self.lines) + "\n"


def scope_keys(data: AdminData, provinces: set[str] | None) -> tuple[set[str], set[str]]:
    """The legacy and 2025 province keys in scope: ``provinces`` are legacy province codes (None: all);
    a 2025 province is in scope when one of the provinces it was formed from is."""
    legacy = {u.key for u in data.units if u.era == "legacy" and u.level == _P
              and (provinces is None or u.code in provinces)}
    new = {k for k, olds in data.provinces_2025.items() if set(olds) & legacy}
    return legacy, new


def turtle(data: AdminData, provinces: set[str] | None = None) -> str:
    """The national reference source as Turtle. ``provinces``: legacy province codes to keep (None: all)."""
    legacy_scope, new_scope = scope_keys(data, provinces)
    continuing = {k for k, olds in data.provinces_2025.items() if olds == [k]}
    units = [u for u in data.units
             if (u.era == "legacy" and u.key.split("_")[0] in legacy_scope)
             or (u.era == "2025" and u.key.split("_")[0] in new_scope)]
    places = Places(units, continuing)
    in_scope = {(u.era, u.key) for u in units}
    out = _Writer()
    out.subject(f"s:{SOURCE_SLUG}", _source_pairs(data, provinces))
    out.subject("pl:viet-nam", [("a", "dv:Country"), ("skos:prefLabel", f'{_lit("Việt Nam", "vi")} , {_lit("Viet Nam", "en")}')])
    for key, (cls, vi, en) in NATIONAL_BODIES.items():
        out.subject(f"o:{key}", [("a", cls), ("skos:prefLabel", f'{_lit(vi, "vi")} , {_lit(en, "en")}'),
                                 ("dv:jurisdiction", "pl:viet-nam")])

    became = _became(data, places, in_scope)
    for unit in units:
        if unit.era == "2025" and unit.level == _P and unit.key in continuing:
            # the same province as before: its 2025-only body, nothing else new
            _bodies(out, places, unit, dates=[], only={"ban-tuyen-giao-va-dan-van"})
            continue
        dates = _dates(unit, continuing)
        parent = f"pl:{places.slug(places.parent(unit))}" if unit.parent else "pl:viet-nam"
        pairs = [("a", PLACE_CLASS[unit.level]),
                 ("skos:prefLabel", f'{_lit(unit.name, "vi")} , {_lit(place_label_en(unit), "en")}'),
                 ("dv:partOfPlace", parent), ("dv:officialCode", _lit(unit.code))]
        if unit.lat is not None and unit.lon is not None:
            pairs += [("dv:latitude", _coordinate(unit.lat)), ("dv:longitude", _coordinate(unit.lon))]
        pairs += dates
        targets = became.get((unit.era, unit.key))
        if targets:
            pairs.append(("dv:becamePartOf", " , ".join(f"pl:{t}" for t in targets)))
        out.subject(f"pl:{places.slug(unit)}", pairs)
        _bodies(out, places, unit, dates)
    return out.text()


def _dates(unit: Unit, continuing: set[str]) -> list[tuple[str, str]]:
    if unit.era == "2025":
        return [("dv:validFrom", _date(NEW_START))]
    if unit.level == _P and unit.key in continuing:
        return []
    return [("dv:validUntil", _date(LEGACY_END))]


def _became(data: AdminData, places: Places, in_scope: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """(era, key) of a legacy unit → the slugs of the 2025 units it became part of (in scope only)."""
    out: dict[tuple[str, str], set[str]] = {}
    continuing = places.continuing
    for new, olds in data.provinces_2025.items():
        if ("2025", new) in in_scope and new not in continuing:
            for old in olds:
                if ("legacy", old) in in_scope:
                    out.setdefault(("legacy", old), set()).add(places.slug(places.by_key[("2025", new)]))
    for old, news in data.became.items():
        province, district, commune = old.split("_")
        source = ("legacy", old) if commune else ("legacy", f"{province}_{district}")  # an island district
        if source not in in_scope:
            continue
        for new in news:
            if ("2025", new) not in in_scope:
                continue
            target = places.by_key[("2025", new)]
            out.setdefault(source, set()).add(places.slug(target))
            # the district's level was abolished: it became part of the provinces its communes went to
            district_key = ("legacy", f"{province}_{district}")
            out.setdefault(district_key, set()).add(places.slug(places.parent(target)))
    return {k: sorted(v) for k, v in out.items()}


def _bodies(out: _Writer, places: Places, unit: Unit, dates: list[tuple[str, str]],
            only: set[str] | None = None) -> None:
    place = places.slug(unit)
    above = places.parent(unit) if unit.parent else None
    names = {"P": party_committee_vi(unit), "T": in_text(unit), "Q": qualifier_en(unit), "O": of_en(unit)}
    for body in BODIES:
        if (unit.era, unit.level) not in body.levels or (only is not None and body.key not in only):
            continue
        if body.within:
            parent = f"o:{body_slug(body.within, place)}"
        elif above is not None:
            parent = f"o:{body_slug(body.key, places.slug(above))}"
        else:
            parent = f"o:{body.top}" if body.top else None
        pairs = [("a", body.cls),
                 ("skos:prefLabel", f'{_lit(body.vi.format(**names), "vi")} , {_lit(body.en.format(**names), "en")}')]
        if parent:
            pairs.append(("dv:subOrganizationOf", parent))
        pairs.append(("dv:jurisdiction", f"pl:{place}"))
        if body.party and unit.level in PARTY_LEVEL:
            pairs.append(("dv:level", PARTY_LEVEL[unit.level]))
        body_dates = dates
        if body.key == "hdnd" and unit.era == "legacy" and unit.kind in COUNCILS_ENDED_2021.get(unit.key.split("_")[0], ()):
            body_dates = [("dv:validUntil", _date(COUNCILS_END))]
        out.subject(f"o:{body_slug(body.key, place)}", pairs + body_dates)


LICENCE_IRIS = {"MIT": "<https://spdx.org/licenses/MIT.html>"}


def _source_pairs(data: AdminData, provinces: set[str] | None) -> list[tuple[str, str]]:
    package = f"vietnamadminunits {data.version}"
    pairs = [
        ("a", "dv:ReferenceSource"),
        ("dv:headline", _lit(f"Đơn vị hành chính Việt Nam trước và từ ngày 1/7/2025, và các cơ quan của hệ thống chính trị ở mỗi cấp ({package})", "vi")),
        ("dv:packageName", _lit("vietnamadminunits")),
        ("dv:packageVersion", _lit(data.version)),
        ("dct:license", LICENCE_IRIS.get(data.licence, _lit(data.licence))),
        ("dct:bibliographicCitation", " , ".join([
            _lit(f"{data.author}, vietnamadminunits {data.version} (gói Python, giấy phép {data.licence}): danh mục 63 tỉnh, "
                 "thành phố với các quận, huyện và xã, phường, thị trấn trước ngày 1/7/2025; 34 tỉnh, thành phố với các xã, "
                 "phường, đặc khu từ ngày 1/7/2025; bảng chuyển đổi đơn vị cũ sang mới; mã số và tọa độ. Các cơ quan của mỗi "
                 "đơn vị theo Điều lệ Đảng và Luật Tổ chức chính quyền địa phương; Hội đồng nhân dân quận, phường nơi thực "
                 "hiện chính quyền đô thị kết thúc ngày 30/6/2021 theo các Nghị quyết 97/2019/QH14 (Hà Nội), 119/2020/QH14 "
                 "(Đà Nẵng), 131/2020/QH14 (Thành phố Hồ Chí Minh).", "vi"),
            _lit(f"{data.author}, vietnamadminunits {data.version} (Python package, {data.licence} licence): the 63 provinces "
                 "and centrally-run cities with their districts and communes before 1 July 2025; the 34 provinces and cities "
                 "with their communes, wards and special zones from 1 July 2025; the old-to-new mapping; codes and coordinates. "
                 "Each unit's bodies follow the Party Charter and the Law on the Organization of Local Government; the People's "
                 "Councils of the districts and wards under urban government ended on 30 June 2021 by Resolutions 97/2019/QH14 "
                 "(Hà Nội), 119/2020/QH14 (Đà Nẵng) and 131/2020/QH14 (Hồ Chí Minh City).", "en"),
        ])),
    ]
    if provinces is not None:
        codes = ", ".join(sorted(provinces)) or "—"
        pairs.append(("dct:coverage", " , ".join([
            _lit(f"Chỉ các tỉnh có mã {codes} (và các tỉnh, thành phố từ 1/7/2025 được lập từ chúng), theo DANVAN_NATIONAL.", "vi"),
            _lit(f"Only the provinces coded {codes} (and the provinces formed from them on 1 July 2025), per DANVAN_NATIONAL.", "en"),
        ])))
    return pairs
