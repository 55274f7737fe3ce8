"""English names for what a candidate mints, in the curated sources' style ("Ha Nam province", "Ly Nhan
District Party Committee", "Mass Mobilization Board of the Ho Chi Minh City Party Committee"), so a reviewer
reading in English sees names, not IRIs. Built from the same parts as the Vietnamese name."""

from __future__ import annotations

import unicodedata

from graph.ingest.names import Org, Place


def ascii_name(name: str) -> str:
    """Marks dropped, case kept: "Hà Nam" → "Ha Nam"."""
    name = name.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def place_en(p: Place) -> str:
    if p.slug == "tphcm":
        return "Ho Chi Minh City"
    name = ascii_name(p.name)
    if p.unit in ("quận", "phường") and name.split()[-1].isdigit():
        return f"{'District' if p.unit == 'quận' else 'Ward'} {name.split()[-1]}"
    return {"tỉnh": f"{name} province", "huyện": f"{name} district", "quận": f"{name} district",
            "thị xã": f"{name} town", "xã": f"{name} commune", "phường": f"{name} ward", "thị trấn": f"{name} township",
            "thành phố": f"{name} City"}.get(p.unit or "", name)


def _area(p: Place) -> str:
    """The place as an adjective-like prefix: "Ha Nam Provincial", "Ly Nhan District", "District 5"."""
    if p.slug == "tphcm":
        return "Ho Chi Minh City"
    name = ascii_name(p.name)
    if p.unit in ("quận", "phường") and name.split()[-1].isdigit():
        return place_en(p)
    return {"tỉnh": f"{name} Provincial", "huyện": f"{name} District", "quận": f"{name} District",
            "thị xã": f"{name} Town", "xã": f"{name} Commune", "phường": f"{name} Ward",
            "thành phố": f"{name} City"}.get(p.unit or "", name)


_SUBS = {"ban-dan-van": "Mass Mobilization Board", "ban-thuong-vu": "Standing Committee",
         "uy-ban-kiem-tra": "Inspection Commission", "van-phong": "Office", "ban-tuyen-giao": "Propaganda Board",
         "ban-to-chuc": "Organization Board", "ban-noi-chinh": "Internal Affairs Board", "thuong-truc": "Standing Board"}
_SOCIO = {"hoi-nong-dan": "Farmers' Union", "hoi-lien-hiep-phu-nu": "Women's Union",
          "hoi-cuu-chien-binh": "Veterans' Association", "lien-doan-lao-dong": "Labour Federation",
          "doan-thanh-nien-cong-san-ho-chi-minh": "Ho Chi Minh Communist Youth Union"}
_CENTRAL = {"ban-chap-hanh-trung-uong": "Central Committee of the Communist Party of Viet Nam",
            "bo-chinh-tri": "Politburo", "ban-bi-thu": "Secretariat of the Party Central Committee",
            "mat-tran-to-quoc-viet-nam": "Viet Nam Fatherland Front",
            "dang-uy-khoi-cac-co-quan-trung-uong": "Party Committee of the Central Agencies Bloc",
            "dang-bo-khoi-cac-co-quan-trung-uong": "Party Organization of the Central Agencies Bloc",
            "ban-dan-van-trung-uong": "Central Mass Mobilization Board",
            "ban-tuyen-giao-trung-uong": "Central Propaganda Board", "ban-to-chuc-trung-uong": "Central Organization Board",
            "ban-noi-chinh-trung-uong": "Central Internal Affairs Board",
            "uy-ban-kiem-tra-trung-uong": "Central Inspection Commission", "van-phong-trung-uong": "Party Central Office"}


def org_en(o: Org) -> str | None:
    """The English name, or None when the parts give none."""
    if o.slug in _CENTRAL:
        return _CENTRAL[o.slug]
    if o.parent is not None:
        for prefix, name in _SUBS.items():
            if o.slug.startswith(prefix + "-"):
                parent = org_en(o.parent)
                return f"{name} of the {parent}" if parent else None
        return None
    p = o.place
    if p is None:
        return None
    if o.cls == "PartyCommittee":
        area = _area(p)
        if o.slug.startswith("thanh-uy-") and p.slug != "tphcm" and p.cls == "Province":
            area = f"{ascii_name(p.name)} City"
        return f"{area} Party Committee"
    if o.slug.startswith("ubnd-"):
        return f"{_area(p).replace(' Provincial', ' Province')} People's Committee"
    if o.slug.startswith("hdnd-"):
        return f"{_area(p).replace(' Provincial', ' Province')} People's Council"
    if o.slug.startswith("uy-ban-mttq-"):
        return f"Viet Nam Fatherland Front Committee of {place_en(p)}"
    for prefix, name in _SOCIO.items():
        if o.slug.startswith(prefix + "-"):
            return f"{name} of {place_en(p)}"
    return None
