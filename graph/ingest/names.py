"""Places and organizations, normalized: "TPHCM", "TP.HCM" and "Thành phố Hồ Chí Minh" are one place;
"Tỉnh ủy" without a name is the committee of the province the article is about; abbreviations (BTV, BCH,
UBND, HĐND, MTTQ, UBKT) read as the full names. Names are built from fixed canonical heads plus the place
as written, and slugged by the project's rule, so a body the graph already holds gets the same IRI.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from graph.ingest.article import Article, Span
from graph.ingest.gazetteer import Gazetteer, slug

_WORD = re.compile(r"[^\W_]+")
# the most common Vietnamese family names, folded: a capitalized run starting with one is a person's name
SURNAMES = set("""nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh doan lam luong
mai trinh truong cao chu ha lai ta thai tong quach la kieu van giang khuc au dao dam tieu luu kha chau""".split())
# words that end a place name or a person's name (a role or a body follows)
_STOP = set("""uy ban truong pho bi chu tich dang thuong vu vien chanh tai va cua
kiem tra mat tran to quoc to chuc doan ve voi cac nhung trong ngay sang chieu ong ba""".split())
_PROVINCE_CITIES = {"ha-noi", "hai-phong", "da-nang", "can-tho", "hue", "tphcm"}
_TPHCM = re.compile(r"(?:tp\.?\s*hcm|tphcm|tp\.?\s*ho chi minh|thanh pho ho chi minh)\b")
_UNIT = re.compile(r"(tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|thi tran)\s+")
UNIT_NAMES = {"tinh": "tỉnh", "thanh pho": "thành phố", "tp": "thành phố", "tp.": "thành phố", "huyen": "huyện",
              "quan": "quận", "thi xa": "thị xã", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}


@dataclass(frozen=True)
class Place:
    name: str  # as written, without its unit word ("Hà Nam", "Lý Nhân"; "Quận 5" keeps it)
    unit: str | None  # "tỉnh", "huyện", "quận"…
    slug: str
    cls: str
    span: Span

    @property
    def label(self) -> str:
        if self.slug == "tphcm":
            return "Thành phố Hồ Chí Minh"
        if self.unit and not self.name.lower().startswith(self.unit):
            return f"{self.unit.capitalize()} {self.name}"
        return self.name

    @property
    def state_ref(self) -> str:
        """How a State body's name refers to it: "huyện Lý Nhân", "Quận 5", "Thành phố Hồ Chí Minh"."""
        if self.slug == "tphcm" or not self.unit or self.name.lower().startswith(self.unit):
            return self.label
        return f"{self.unit} {self.name}"

    @property
    def state_slug(self) -> str:
        return "tphcm" if self.slug == "tphcm" else slug(self.state_ref)


@dataclass
class Org:
    label: str
    slug: str
    cls: str
    span: Span
    parent: "Org | None" = None
    place: Place | None = None
    partial: str | None = None  # a sub-body named without its committee ("Ban Thường vụ"): its head
    body: str | None = None  # the body's kind in the IRI rule ("cap-uy", "ubnd"…: docs/sources.md), with ``place``


@dataclass
class Context:
    """What the article is about: its province and district, for names that leave them out."""
    province: Place | None = None
    district: Place | None = None


def _tphcm(span: Span) -> Place:
    return Place("Thành phố Hồ Chí Minh", "thành phố", "tphcm", "Province", span)


def read_place(a: Article, pos: int, gaz: Gazetteer, hint: str | None = None) -> Place | None:
    """The place named at ``pos`` (after spaces), or None."""
    f, t = a.folded, a.text
    while pos < len(t) and t[pos] == " ":
        pos += 1
    m = _TPHCM.match(f, pos)
    if m:
        return _tphcm(Span(pos, m.end()))
    unit = None
    start = pos
    m = _UNIT.match(f, pos)
    if m and pos < len(t) and (t[pos].isupper() or True):
        unit_key = m.group(1)
        after = m.end()
        if after < len(t) and (t[after].isupper() or t[after].isdigit()):
            unit, pos = UNIT_NAMES[unit_key], after
    words = []
    for w in _WORD.finditer(t, pos):
        if w.start() != (words[-1].end() + 1 if words else pos) or t[w.start() - 1:w.start()] not in (" ", "") and words:
            break
        token = w.group()
        if token.isdigit() and unit in ("quận", "phường") and not words:
            words.append(w)
            break
        if not token[0].isupper() or fold_w(token) in _STOP or len(words) == 4:
            break
        words.append(w)
    if not words:
        return None
    # the longest run the graph knows as a place; otherwise cut before a family name that starts another
    # run ("Huyện ủy Lý Nhân Lê Văn Cường": the place is "Lý Nhân")
    known_k = [k for k in range(len(words), 0, -1) if gaz.knows_place(t[pos:words[k - 1].end()])]
    if known_k:
        words = words[:known_k[0]]
    else:
        for k in range(1, len(words)):
            if fold_w(words[k].group()) in SURNAMES and (k >= 2 or len(words) > 2):
                words = words[:k]
                break
        words = words[:3]
    end = words[-1].end()
    name = t[pos:end]
    if unit in ("quận", "phường") and name.isdigit():
        name = f"{unit.capitalize()} {name}"
    key = slug(name)
    known = gaz.by_slug("place", key)
    if known is None and unit is None and not gaz.knows_place(name):
        # not in the graph and no unit word: a run led by a family name is a person, not a place
        if fold_w(words[0].group()) in SURNAMES and len(words) >= 2:
            return None
    if _TPHCM.fullmatch(a.folded[pos:end] + " ".strip()) or key in ("ho-chi-minh", "tp-ho-chi-minh"):
        return _tphcm(Span(start, end))
    cls = _place_class(key, unit, hint, gaz, known)
    return Place(name, unit or _default_unit(cls, hint), key, cls, Span(start, end))


def fold_w(word: str) -> str:
    from graph.ingest.article import fold
    return fold(word)


def _place_class(key: str, unit: str | None, hint: str | None, gaz: Gazetteer, known: str | None) -> str:
    if known:
        for cls in ("Province", "District", "Country"):
            if cls in gaz.types[known]:
                return cls
    if unit == "tỉnh" or (unit == "thành phố" and key in _PROVINCE_CITIES):
        return "Province"
    if unit in ("huyện", "quận", "thị xã", "thành phố"):
        return "District"
    if unit in ("xã", "phường", "thị trấn"):
        return "AdministrativeUnit"
    return {"tinh uy": "Province", "thanh uy": "Province"}.get(hint or "", "District")


def _default_unit(cls: str, hint: str | None) -> str | None:
    return {"tinh uy": "tỉnh", "huyen uy": "huyện", "quan uy": "quận", "thi uy": "thị xã"}.get(hint or "")


# ------------------------------------------------------------------ organizations

# folded head → (canonical name, class)
COMMITTEES = {"tinh uy": "Tỉnh ủy", "thanh uy": "Thành ủy", "huyen uy": "Huyện ủy", "quan uy": "Quận ủy",
              "thi uy": "Thị ủy"}
SUBS = [("ban dan van", "Ban Dân vận", "MassMobilizationBoard"), ("ban tuyen giao", "Ban Tuyên giáo", "PartyBoard"),
        ("ban to chuc", "Ban Tổ chức", "PartyBoard"), ("ban noi chinh", "Ban Nội chính", "PartyBoard"),
        ("ban thuong vu", "Ban Thường vụ", "StandingCommittee"), ("btv", "Ban Thường vụ", "StandingCommittee"),
        ("uy ban kiem tra", "Ủy ban Kiểm tra", "InspectionCommission"), ("ubkt", "Ủy ban Kiểm tra", "InspectionCommission"),
        ("van phong", "Văn phòng", "PartyOffice")]
CENTRAL = [
    (r"ban chap hanh trung uong(?: dang)?|bch (?:trung uong|tw)(?: dang)?", "ban-chap-hanh-trung-uong",
     "Ban Chấp hành Trung ương Đảng", "CentralCommittee"),
    (r"bo chinh tri", "bo-chinh-tri", "Bộ Chính trị", "Politburo"),
    (r"ban bi thu(?: trung uong dang)?", "ban-bi-thu", "Ban Bí thư Trung ương Đảng", "Secretariat"),
    # the Front itself: "Mặt trận Tổ quốc (Việt Nam)", "MTTQ", not a local committee ("Ủy ban MTTQ tỉnh …")
    (r"(?<!uy ban )(?<!ub )(?:mat tran to quoc|mttq)(?: viet nam)?(?!\s+(?:tinh|thanh pho|tp|huyen|quan|xa|phuong|thi xa)(?![a-z]))",
     "mat-tran-to-quoc-viet-nam", "Mặt trận Tổ quốc Việt Nam", "FatherlandFront"),
    (r"dang uy khoi cac co quan (?:trung uong|tw)", "dang-uy-khoi-cac-co-quan-trung-uong",
     "Đảng ủy Khối các cơ quan Trung ương", "PartyCommittee"),
    (r"dang bo khoi cac co quan (?:trung uong|tw)", "dang-bo-khoi-cac-co-quan-trung-uong",
     "Đảng bộ Khối các cơ quan Trung ương", "PartyOrganizationBloc"),
]
_BLOC = re.compile(r"dang (?:bo|uy) khoi cac co quan (?:trung uong|tw)" + r"(?![a-z0-9])")
STATE = [(r"uy ban nhan dan|ubnd", "Ủy ban nhân dân", "ubnd", "PeoplesCommittee"),
         (r"hoi dong nhan dan|hdnd", "Hội đồng nhân dân", "hdnd", "PeoplesCouncil"),
         (r"uy ban mat tran to quoc viet nam|uy ban mttq viet nam|uy ban mttq|ub mttq|mttq",
          "Ủy ban Mặt trận Tổ quốc Việt Nam", "uy-ban-mttq", "FatherlandFront")]
SOCIO = [(r"hoi nong dan", "Hội Nông dân"), (r"hoi lien hiep phu nu", "Hội Liên hiệp Phụ nữ"),
         (r"hoi cuu chien binh", "Hội Cựu chiến binh"), (r"lien doan lao dong", "Liên đoàn Lao động"),
         (r"doan thanh nien cong san ho chi minh|doan thanh nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh")]
# the kinds of body the IRI rule names (docs/sources.md); the other boards keep their Vietnamese name
SUB_BODIES = {"Ban Dân vận": "ban-dan-van", "Ban Thường vụ": "ban-thuong-vu", "Ủy ban Kiểm tra": "uy-ban-kiem-tra",
              "Văn phòng": "van-phong-cap-uy"}
SOCIO_BODIES = {"Hội Nông dân": "hoi-nong-dan", "Hội Liên hiệp Phụ nữ": "hoi-lien-hiep-phu-nu",
                "Hội Cựu chiến binh": "hoi-cuu-chien-binh", "Liên đoàn Lao động": "lien-doan-lao-dong",
                "Đoàn Thanh niên Cộng sản Hồ Chí Minh": "doan-thanh-nien"}
_B = r"(?![a-z0-9])"
_HEAD = re.compile(
    r"(?<![a-z0-9])(?:thuong truc\s+)?(?:" + "|".join(
        [s for s, _, _ in SUBS] + list(COMMITTEES) + [c[0] for c in CENTRAL] + [s[0] for s in STATE]
        + [s[0] for s in SOCIO] + [r"ban chap hanh dang bo", r"bch dang bo", r"dang uy"]) + ")" + _B)


def _committee(a: Article, pos: int, gaz: Gazetteer, ctx: Context) -> Org | None:
    """A Party committee named at ``pos`` ("Tỉnh ủy Hà Nam", "Quận ủy", "Ban Chấp hành Đảng bộ Quận 5")."""
    f = a.folded
    m = re.compile(r"(tinh uy|thanh uy|huyen uy|quan uy|thi uy)" + _B).match(f, pos)
    if m:
        key = m.group(1)
        place = read_place(a, m.end(), gaz, key)
        end = place.span.end if place else m.end()
        if place is None:
            place = ctx.province if key in ("tinh uy", "thanh uy") else ctx.district
            if key == "thanh uy" and place is not None and place.slug not in _PROVINCE_CITIES:
                return None  # "các huyện, thị, thành ủy": a city's committee in a province, not the province's
        if place is None:
            return None
        head = COMMITTEES[key]
        ref = place.label if place.slug == "tphcm" or (place.unit and place.name.lower().startswith(place.unit)) \
            else (f"thành phố {place.name}" if key == "thanh uy" and place.cls == "District" else place.name)
        return Org(f"{head} {ref}", f"{slug(head)}-{place.slug}", "PartyCommittee", Span(pos, end), place=place,
                   body="cap-uy")
    m = re.compile(r"(?:ban chap hanh|bch) dang bo(?: \w+)?" + _B).match(f, pos)
    if m:
        m2 = re.compile(r"(?:ban chap hanh|bch) dang bo" + _B).match(f, pos)
        place = read_place(a, m2.end(), gaz)
        if place is None:
            return None
        head = {"Province": "tinh uy", "District": "huyen uy"}.get(place.cls, "huyen uy")
        if place.unit == "quận":
            head = "quan uy"
        if place.slug == "tphcm" or place.unit == "thành phố":
            head = "thanh uy"
        org = _committee_named(COMMITTEES[head], place, Span(pos, place.span.end))
        return org
    m = re.compile(r"dang uy" + _B).match(f, pos)
    if m:
        place = read_place(a, m.end(), gaz)
        if place is None or place.unit not in ("xã", "phường", "thị trấn"):
            return None
        return Org(f"Đảng ủy {place.state_ref}", f"dang-uy-{place.state_slug}", "PartyCommittee",
                   Span(pos, place.span.end), place=place, body="cap-uy")
    return None


def _committee_named(head: str, place: Place, span: Span) -> Org:
    ref = place.label if place.slug == "tphcm" or (place.unit and place.name.lower().startswith(place.unit)) else place.name
    return Org(f"{head} {ref}", f"{slug(head)}-{place.slug}", "PartyCommittee", span, place=place, body="cap-uy")


def read_org(a: Article, pos: int, gaz: Gazetteer, ctx: Context) -> Org | None:
    """The organization named at ``pos`` (after spaces), or None."""
    f = a.folded
    while pos < len(f) and f[pos] == " ":
        pos += 1
    standing = re.compile(r"(?:thuong truc|tt)\s+").match(f, pos)
    if standing:
        inner = read_org(a, standing.end(), gaz, ctx)
        if inner is None or inner.partial:
            return None
        if inner.cls == "PeoplesCouncil":
            return Org(f"Thường trực {inner.label}", f"thuong-truc-{inner.slug}", "CouncilStandingBoard",
                       Span(pos, inner.span.end), parent=inner, place=inner.place, body="thuong-truc-hdnd")
        if inner.cls == "PartyCommittee":
            return Org(f"Thường trực {inner.label}", f"thuong-truc-{inner.slug}", "PartyStandingBoard",
                       Span(pos, inner.span.end), parent=inner)
        return None
    for pattern, key, label, cls in CENTRAL:
        m = re.compile(r"(?:" + pattern + ")" + _B).match(f, pos)
        if m:
            return Org(label, key, cls, Span(pos, m.end()))
    bare = re.compile(r"dang uy khoi" + _B).match(f, pos)
    if bare:
        nxt = re.match(r"\s+(\w)", a.text[bare.end():bare.end() + 3])
        # a bare "Đảng ủy Khối" (no name after it) is the committee of the bloc the article names
        if not (nxt and nxt.group(1).isupper()) and _BLOC.search(f):
            return Org("Đảng ủy Khối các cơ quan Trung ương", "dang-uy-khoi-cac-co-quan-trung-uong",
                       "PartyCommittee", Span(pos, bare.end()))
    for fold_name, name, cls in SUBS:
        m = re.compile(fold_name + _B).match(f, pos)
        if not m:
            continue
        central = re.compile(r"\s+(?:trung uong|tw)" + _B).match(f, m.end())
        if central:
            if name == "Ban Thường vụ":
                return None
            # the central boards stand on their own in the graph (no link up to the Central Committee)
            return Org(f"{name} Trung ương", f"{slug(name)}-trung-uong", cls, Span(pos, central.end()))
        parent = _committee(a, m.end() + 1, gaz, ctx) if re.match(r"\s+\S", f[m.end():m.end() + 2]) else None
        if parent is None:
            return Org(name, slug(name), cls, Span(pos, m.end()), partial=name)
        return Org(f"{name} {parent.label}", f"{slug(name)}-{parent.slug}", cls, Span(pos, parent.span.end), parent=parent,
                   place=parent.place if name in SUB_BODIES else None, body=SUB_BODIES.get(name))
    committee = _committee(a, pos, gaz, ctx)
    if committee:
        return committee
    for pattern, name, prefix, cls in STATE:
        m = re.compile(r"(?:" + pattern + ")" + _B).match(f, pos)
        if not m:
            continue
        place = read_place(a, m.end(), gaz)
        end = place.span.end if place else m.end()
        if place is None:
            unit = re.compile(r"\s+(tinh|thanh pho|huyen|quan)" + _B).match(f, m.end())
            if unit:
                place = ctx.province if unit.group(1) in ("tinh", "thanh pho") else ctx.district
                end = unit.end()
        if place is None:
            if prefix == "uy-ban-mttq" and re.compile(r"viet nam" + _B).search(f, m.start(), m.end()):
                return None
            return None
        return Org(f"{name} {place.state_ref}", f"{prefix}-{place.state_slug}", cls, Span(pos, end), place=place,
                   body=prefix)
    for pattern, name in SOCIO:
        m = re.compile(r"(?:" + pattern + ")" + _B).match(f, pos)
        if not m:
            continue
        place = read_place(a, m.end(), gaz)
        if place is None:
            return None
        return Org(f"{name} {place.state_ref}", f"{slug(name)}-{place.state_slug}", "SocioPoliticalOrganization",
                   Span(pos, place.span.end), place=place, body=SOCIO_BODIES[name])
    return None


def find_orgs(a: Article, gaz: Gazetteer, ctx: Context) -> list[Org]:
    found: list[Org] = []
    end = -1
    for m in _HEAD.finditer(a.folded):
        if m.start() < end:
            continue
        start = m.start()
        if a.folded[start:].startswith("thuong truc") and re.search(r"(?:bi thu|chu tich|truong ban)\s+$",
                                                                   a.folded[max(0, start - 12):start]):
            start += len("thuong truc ")  # "Phó Bí thư Thường trực Tỉnh ủy": the role's word, not a body
        org = read_org(a, start, gaz, ctx)
        if org and not org.partial:
            found.append(org)
            end = org.span.end
    found += [o for o in newspapers(a) if not any(x.span.start < o.span.end and o.span.start < x.span.end for x in found)]
    return found


_NEWSPAPER = re.compile(r"(?<![^\W\d_])[Bb]áo\s+(?=[^\W\d_])")
_NAME_WORDS = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")


def newspapers(a: Article) -> list[Org]:
    """Newspapers cited by name: "Báo Nhân Dân", "báo Sài Gòn Giải Phóng", "Báo Sự thật, số 120". The name is
    its capitalized words; a name of one capitalized word takes the lower-case words up to the next comma or
    full stop when they are at most two ("Sự thật"), and is dropped when they run on ("Báo Quân đội nhân dân
    đưa tin": where the name ends is not known)."""
    out = []
    t = a.text
    for m in _NEWSPAPER.finditer(t):
        words = _NAME_WORDS.match(t, m.end())
        if not words or not t[m.end()].isupper():
            continue  # "báo cáo", "báo chí"
        parts = words.group(0).split(" ")
        caps = 0
        while caps < len(parts) and parts[caps][0].isupper():
            caps += 1
        if caps >= 2:
            name = " ".join(parts[:caps])
        elif len(parts) <= 3 and re.match(r"\s*[,.;:)\n]", t[words.end():words.end() + 2] or "\n"):
            name = words.group(0)
        else:
            continue
        out.append(Org(f"Báo {name}", slug(f"Báo {name}"), "NewsOrganization", Span(m.start(), m.end() + len(name))))
    return out


def find_context(a: Article, gaz: Gazetteer, publisher_place: Place | None = None) -> Context:
    """The article's province and district: the ones its committees and bodies name most often."""
    provinces, districts = Counter(), Counter()
    seen: dict[str, Place] = {}
    # "cơ quan" (agency) is not "quận"
    for m in re.finditer(r"(?<![a-z])(?<!co )(tinh uy|thanh uy|huyen uy|quan uy|tinh|thanh pho|tp\.?|huyen|quan|ubnd|tphcm)" + _B,
                         a.folded):
        place = read_place(a, m.start() if m.group(1) in ("tinh", "thanh pho", "tp", "tp.", "huyen", "quan", "tphcm")
                           else m.end(), gaz, m.group(1))
        if place is None:
            continue
        seen[place.slug] = place
        (provinces if place.cls == "Province" else districts if place.cls == "District" else Counter())[place.slug] += 1
    ctx = Context()
    if provinces:
        ctx.province = seen[provinces.most_common(1)[0][0]]
    if districts:
        ctx.district = seen[districts.most_common(1)[0][0]]
    if ctx.province is None and ctx.district is not None:
        ctx.province = _province_of(ctx.district, gaz, a)
    return ctx


def _province_of(district: Place, gaz: Gazetteer, a: Article) -> Place | None:
    """The province the graph places a district in (dv:partOfPlace is not indexed: ask the labels)."""
    return None
