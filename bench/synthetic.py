"""Deterministic synthetic sources on top of the real map, for benchmarks at sizes the articles cannot reach.

    .venv/bin/python bench/synthetic.py OUT_DIR --triples 1000000 [--seed 0] [--reference DIR|--store DIR]

Writes, into ``OUT_DIR``, source files in the form of ``graph/sources/*.ttl`` (one source per file, the
project's own ontology) and ``manifest.json`` (counts, and sample entities for the benchmarks: a typical
person and document, the hubs of every kind, a rare name). ``OUT_DIR`` also gets a copy of the reference
sources, so ``danvan build --sources OUT_DIR`` builds the real data with the synthetic data on top.

The organizations, places and roles come from the graph it is given — the packaged sources (default), a
folder of sources (``--reference``) or a built store (``--store``): every place typed with a subclass of
``dv:AdministrativeUnit`` (tiers by class and by ``dv:partOfPlace``), every body with a ``dv:jurisdiction``
(or under one that has it). So once the national administrative data is in the packaged sources, the
generator runs on the whole country. While the reference has fewer than ``MIN_PROVINCES`` provinces, a
*fallback map* is generated (provinces, districts and communes with their Party and State bodies, named as
synthetic in their source), sized to the budget.

What is generated, all dated 2005–2025 and chosen with one seeded ``random.Random`` (same arguments → same
bytes):

* document registers (``dv:ReferenceSource``, one per province and year): Party documents numbered
  ``n-TYPE/LEVEL`` by the issuer's level, State documents ``n/year/TYPE-UBND``; replacement chains (a later
  document of the same issuer, or now and then of the body above, replaces the previous one of the series);
  based-on chains (provincial documents concretize central ones, district ones are based on provincial
  ones, commune ones on district ones);
* news articles (``dv:NewsArticleSource`` with publisher and date), each reporting one event — a
  conference, an online conference or a survey visit — at a place, organized by one of its bodies,
  disseminating (or surveying) documents in force that day, with speakers and attendees whose posts the
  article attests (``dv:Post``: holder, role, organization, date, event). People hold posts over five-year
  terms; some keep them into the next term; a district secretary is also a member of the province's
  committee;
* a few conflicting claims: a second article on the same event with another date or attendance, and a
  person made secretary of two bodies at once.

Hubs are skewed on purpose (places and documents drawn with Zipf-like weights): roles with thousands of
posts, places with thousands of events, document types with tens of thousands of documents.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import shutil
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/danvan/id/"
DV = "https://w3id.org/danvan/ontology#"
MIN_PROVINCES = 30  # below this the reference has no national map yet: add the fallback one

PREFIXES = """@prefix dv:   <https://w3id.org/danvan/ontology#> .
@prefix o:    <https://w3id.org/danvan/id/organization/> .
@prefix p:    <https://w3id.org/danvan/id/person/> .
@prefix post: <https://w3id.org/danvan/id/post/> .
@prefix r:    <https://w3id.org/danvan/id/role/> .
@prefix d:    <https://w3id.org/danvan/id/document/> .
@prefix dt:   <https://w3id.org/danvan/id/document-type/> .
@prefix lv:   <https://w3id.org/danvan/id/level/> .
@prefix e:    <https://w3id.org/danvan/id/event/> .
@prefix pl:   <https://w3id.org/danvan/id/place/> .
@prefix s:    <https://w3id.org/danvan/id/source/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

# --------------------------------------------------------------------------------------------- words

SURNAMES = (["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Hoàng", "Huỳnh"] * 2 + ["Phan"] * 4
            + ["Vũ", "Võ"] * 2 + ["Đặng"] * 2 + ["Bùi"] * 2 + ["Đỗ"] * 2 + ["Hồ", "Ngô", "Dương", "Lý", "Đinh",
                                                                          "Trương", "Đào", "Lương", "Mai", "Tô"])
MIDDLE = ["Văn", "Văn", "Thị", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Hoàng", "Công",
          "Đình", "Thành", "Kim", "Anh", "Quang", "Trọng", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Hương", "Lan", "Long", "Mai", "Minh", "Nam",
         "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Thảo", "Trung", "Tuấn", "Việt", "Yến",
         "Hạnh", "Hiếu", "Hòa", "Huy", "Khánh", "Linh", "Lộc", "Nga", "Nhung", "Phúc", "Quân", "Thủy", "Trang",
         "Vinh", "Vân", "Đạt", "Đông", "Giang", "Hằng", "Hiền", "Kiên", "Lâm", "Nghĩa", "Tùng", "Xuân"]
# one person in RARE_EVERY gets a given name that hardly anyone has (the benchmark's rare-name search)
RARE_GIVEN = ["Khuê", "Diệp", "Hoạt", "Quỳ", "Ngạn", "Thoại", "Uyển", "Khiêm", "Triều", "Doãn"]
RARE_EVERY = 997

SYLLABLES = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Mỹ", "Hưng", "Phước", "Lộc", "Thuận", "Đông",
             "Tây", "Nam", "Bắc", "Trung", "Sơn", "Hà", "Giang", "Lâm", "Thái", "Quảng", "Vĩnh", "Phong", "Châu",
             "Hải", "Định", "Yên", "Khánh", "Xuân", "Thành", "Đức", "Lạc", "Cát", "Minh"]

TOPICS = [
    ("tăng cường công tác dân vận trong tình hình mới", "strengthening mass-mobilization work"),
    ("thực hiện Quy chế công tác dân vận của hệ thống chính trị", "carrying out the mass-mobilization rules"),
    ("đẩy mạnh phong trào thi đua \"Dân vận khéo\"", "pushing the \"Skilful mass mobilization\" movement"),
    ("nâng cao chất lượng, hiệu quả công tác dân vận của chính quyền", "better mass-mobilization work by government"),
    ("phát huy quyền làm chủ của Nhân dân, thực hiện dân chủ ở cơ sở", "grassroots democracy"),
    ("công tác dân tộc, tôn giáo trên địa bàn", "ethnic and religious affairs in the area"),
    ("đối thoại của người đứng đầu cấp ủy với Nhân dân", "dialogue between leaders and the people"),
    ("xây dựng nông thôn mới và đô thị văn minh", "new countryside and civilized towns"),
    ("công tác vận động quần chúng tham gia bảo vệ an ninh trật tự", "mobilizing the people for public order"),
    ("giám sát và phản biện xã hội của Mặt trận Tổ quốc", "the Fatherland Front's oversight and social criticism"),
]
# (notation, slug, Party?, State?, name in a title)
TYPES = [("QĐ", "qd", True, True, "Quyết định"), ("CT", "ct", True, True, "Chỉ thị"),
         ("NQ", "nq", True, True, "Nghị quyết"), ("KH", "kh", True, True, "Kế hoạch"),
         ("HD", "hd", True, False, "Hướng dẫn"), ("QC", "qc", True, False, "Quy chế"),
         ("KL", "kl", True, False, "Kết luận"), ("CTr", "ctr", True, False, "Chương trình"),
         ("ĐA", "da", True, False, "Đề án"), ("TB", "tb", True, False, "Thông báo")]
TYPE_WEIGHTS = [30, 8, 8, 25, 6, 6, 4, 5, 4, 4]
CENTRAL_TYPES = ["QĐ", "CT", "NQ", "KL", "HD", "QC"]

# roles by kind of body: (role slug, posts per body at province / district / commune)
ROLES = {
    "party": [("bi-thu", 1, 1, 1), ("pho-bi-thu", 2, 2, 1), ("uy-vien", 10, 6, 3)],
    "standing": [("uy-vien", 4, 3, 0)],
    "mmb": [("truong-ban", 1, 1, 0), ("pho-truong-ban", 2, 1, 0)],
    "council": [("chu-tich", 1, 1, 1), ("pho-chu-tich", 1, 1, 1)],
    "committee": [("chu-tich", 1, 1, 1), ("pho-chu-tich", 2, 2, 1)],
    "front": [("chu-tich", 1, 1, 1), ("pho-chu-tich", 1, 1, 0)],
}
ROLE_LABELS = {"bi-thu": ("Bí thư", "Secretary"), "pho-bi-thu": ("Phó Bí thư", "Deputy Secretary"),
               "uy-vien": ("Ủy viên", "Member"), "truong-ban": ("Trưởng ban", "Head of board"),
               "pho-truong-ban": ("Phó Trưởng ban", "Deputy Head of board"), "chu-tich": ("Chủ tịch", "Chair"),
               "pho-chu-tich": ("Phó Chủ tịch", "Vice Chair")}
KIND_CLASSES = {  # the most specific class wins: the order matters
    "standing": ["StandingCommittee", "PartyStandingBoard"], "mmb": ["MassMobilizationBoard"],
    "party": ["PartyCommittee"], "council": ["PeoplesCouncil"], "committee": ["PeoplesCommittee"],
    "front": ["FatherlandFront"],
}
TERMS = [(2005, 2010), (2010, 2015), (2015, 2020), (2020, 2025)]
START, END = date(2005, 1, 1), date(2025, 6, 30)
LEVEL_OF_TIER = {1: "tu", 2: "hu", 3: "cb"}
RANK = {"tw": 1, "tu": 2, "hu": 3, "du": 3, "cb": 4}
NOTATION = {"tw": "TW", "tu": "TU", "hu": "HU", "du": "ĐU", "cb": "CB"}


def fold(text: str) -> str:
    """ASCII slug of a Vietnamese name: diacritics dropped, đ → d, words joined by '-'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def lit(text: str, lang: str = "vi") -> str:
    return json.dumps(unicodedata.normalize("NFC", text), ensure_ascii=False) + "@" + lang


def day(d: date) -> str:
    return f'"{d.isoformat()}"^^xsd:date'


def local(iri: str) -> str:
    """``https://w3id.org/danvan/id/organization/x`` → ``o:x`` (the prefixes above)."""
    for prefix, ns in (("o", "organization/"), ("pl", "place/"), ("r", "role/"), ("d", "document/"),
                       ("p", "person/"), ("lv", "level/"), ("dt", "document-type/"), ("s", "source/"),
                       ("e", "event/"), ("post", "post/")):
        if iri.startswith(ID + ns) and all(c.isalnum() or c in "-_" for c in iri[len(ID + ns):]):
            return f"{prefix}:{iri[len(ID + ns):]}"
    return f"<{iri}>"


# ------------------------------------------------------------------------------------- the reference

@dataclass
class Place:
    iri: str
    label: str
    tier: int  # 1 province, 2 district, 3 commune or ward
    parent: str | None
    bodies: dict[str, str] = field(default_factory=dict)  # kind → organization IRI


@dataclass
class Reference:
    """What the generator takes from the graph it is given."""

    places: dict[str, Place]
    central: list[str]  # central Party bodies that issue documents
    central_documents: list[tuple[str, date, date | None]]  # real central documents: issued, replaced
    news: list[str]
    roles: set[str]
    levels: dict[str, str]  # organization IRI → level slug, as the reference states it
    taken: set[str]  # IRIs already used: never generate one of them
    triples: int

    @classmethod
    def from_files(cls, files: list[Path]) -> "Reference":
        db = ox.Store()
        for f in _ontology_files() + list(files):
            db.load(path=str(f), format=ox.RdfFormat.TURTLE)
        return cls.from_store(db)

    @classmethod
    def from_store(cls, db: ox.Store) -> "Reference":
        q = lambda text: db.query("PREFIX dv: <%s>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"  # noqa: E731
                                  "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n%s" % (DV, text))
        places: dict[str, Place] = {}
        # every generated date is before START's era ends (END): units formed later (the 2025 map) take no part
        rows = q("""SELECT ?p ?c ?label ?parent WHERE { ?p a ?c . ?c rdfs:subClassOf* dv:AdministrativeUnit .
                    OPTIONAL { ?p skos:prefLabel ?label FILTER (LANG(?label) = "vi") }
                    OPTIONAL { ?p dv:partOfPlace ?parent }
                    FILTER NOT EXISTS { ?p dv:validFrom ?from FILTER (?from > "%s"^^<http://www.w3.org/2001/XMLSchema#date>) } }"""
                 % END.isoformat())
        classes: dict[str, set[str]] = defaultdict(set)
        info: dict[str, tuple[str, str | None]] = {}
        for row in rows:
            p = row["p"].value
            classes[p].add(row["c"].value.removeprefix(DV))
            label = row["label"].value if row["label"] else p.rsplit("/", 1)[-1]
            info[p] = (label, row["parent"].value if row["parent"] else info.get(p, ("", None))[1])
        for p in sorted(info):
            c = classes[p]
            if "Country" in c:
                continue
            tier = 1 if "Province" in c else 2 if "District" in c else 0
            places[p] = Place(p, info[p][0], tier, info[p][1])
        for p in places.values():  # a unit under a district (or under a unit under a province) is a commune
            if p.tier == 0:
                parent = places.get(p.parent or "")
                p.tier = 3 if parent is not None and parent.tier == 2 else 2 if parent is not None else 1
        kinds = {cls_name: kind for kind, names in KIND_CLASSES.items() for cls_name in names}
        bodies = q("""SELECT ?o ?c ?place ?up WHERE { ?o a ?c .
                      OPTIONAL { ?o dv:jurisdiction ?place } OPTIONAL { ?o dv:subOrganizationOf ?up } }""")
        found: dict[str, dict] = defaultdict(lambda: {"classes": set(), "place": None, "up": None})
        for row in bodies:
            o = found[row["o"].value]
            o["classes"].add(row["c"].value.removeprefix(DV))
            o["place"] = o["place"] or (row["place"].value if row["place"] else None)
            o["up"] = o["up"] or (row["up"].value if row["up"] else None)
        for iri in sorted(found):
            o = found[iri]
            place = o["place"] or (found[o["up"]]["place"] if o["up"] in found else None)
            kind = next((kinds[c] for names in KIND_CLASSES.values() for c in names if c in o["classes"]), None)
            if kind and place in places:
                places[place].bodies.setdefault(kind, iri)
        levels = {r["o"].value: r["l"].value.rsplit("/", 1)[-1] for r in q("SELECT ?o ?l WHERE { ?o dv:level ?l }")}
        central = [r["o"].value for r in q("""SELECT ?o WHERE { ?o dv:level <%slevel/tw> ; a ?c .
                   VALUES ?c { dv:Politburo dv:Secretariat dv:CentralCommittee dv:MassMobilizationBoard } }
                   ORDER BY ?o""" % ID)]
        central_documents = [
            (r["d"].value, date.fromisoformat(r["date"].value), date.fromisoformat(r["end"].value) if r["end"] else None)
            for r in q("""SELECT ?d (MIN(?issued) AS ?date) (MIN(?newDate) AS ?end) WHERE {
                            ?d dv:issuedBy ?o ; dv:dateIssued ?issued . ?o dv:level <%slevel/tw>
                            OPTIONAL { ?new dv:replaces ?d ; dv:dateIssued ?newDate } }
                          GROUP BY ?d ORDER BY ?d""" % ID)]
        news = [r["o"].value for r in q("SELECT ?o WHERE { ?o a dv:NewsOrganization } ORDER BY ?o")]
        roles = {r["r"].value for r in q("SELECT ?r WHERE { ?r a dv:Role }")}
        taken = {r["s"].value for r in q("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER isIRI(?s) }")}
        return cls(places, central, central_documents, news, roles, levels, taken, len(db))


def _ontology_files() -> list[Path]:
    return sorted(p for p in (REPO / "ontology").glob("*.ttl") if p.name != "shapes.ttl")


def _packaged_sources() -> list[Path]:
    return sorted((REPO / "graph" / "sources").glob("*.ttl"))


def national_file(folder: Path) -> Path:
    """Write the whole country's reference source, as ``danvan build`` generates it (graph.national),
    into ``folder`` as a source file, so ``danvan build --sources folder`` builds on the real map."""
    sys.path.insert(0, str(REPO))
    try:
        from graph.national import package, source
    finally:
        sys.path.remove(str(REPO))
    path = Path(folder) / f"ref-national-vietnamadminunits-{package.version()}.ttl"
    path.write_bytes(source.GeneratedSource(None).read_bytes())
    return path


# ---------------------------------------------------------------------------------------- the writer

class Source:
    """One source file: its statements, counted."""

    def __init__(self, path: Path):
        self.path, self.lines, self.triples = path, [PREFIXES], 0

    def add(self, subject: str, *pairs: tuple[str, str | list[str]]) -> None:
        parts = []
        for p, o in pairs:
            objects = o if isinstance(o, list) else [o]
            if objects:
                parts.append(f"{p} {' , '.join(objects)}")
                self.triples += len(objects)
        self.lines.append(f"{subject} " + " ;\n    ".join(parts) + " .\n")

    def write(self) -> int:
        self.path.write_text("\n".join(self.lines), encoding="utf-8")
        return self.triples


@dataclass
class Document:
    iri: str
    place: str | None  # None: central
    issued: date
    ended: date | None = None  # the date its replacement was issued


class Generator:
    def __init__(self, folder: Path, triples: int, ref: Reference, seed: int = 0):
        self.folder, self.budget, self.ref = folder, triples, ref
        self.rng = random.Random(seed)
        self.written = 0
        self.files = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.places = ref.places
        self.levels = dict(ref.levels)
        self.documents_at: dict[str | None, list[Document]] = defaultdict(list)
        self.holders: dict[tuple, tuple[str, str]] = {}  # (org, role, term, slot) → (person IRI, name)
        self.person_names: dict[str, int] = defaultdict(int)
        self.posts_of_role: dict[str, int] = defaultdict(int)
        self.events_at: dict[str, int] = defaultdict(int)
        self.events_on: dict[str, int] = defaultdict(int)
        self.rare: list[tuple[str, str]] = []
        self.samples: dict[str, str] = {}
        self.taken = ref.taken

    # ------------------------------------------------------------------------------------ helpers
    def new_iri(self, kind: str, slug: str) -> str:
        iri, n = f"{ID}{kind}/{slug}", 1
        while iri in self.taken:
            n += 1
            iri = f"{ID}{kind}/{slug}-{n}"
        self.taken.add(iri)
        return iri

    def date_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randrange(max(1, (b - a).days)))

    def source(self, name: str) -> Source:
        return Source(self.folder / name)

    def flush(self, src: Source) -> None:
        self.written += src.write()
        self.files += 1

    def level(self, org: str, place: Place | None) -> str:
        if org not in self.levels:
            self.levels[org] = "tw" if place is None else LEVEL_OF_TIER[place.tier]
        return self.levels[org]

    # ------------------------------------------------------------------------- the fallback map
    def fallback_map(self) -> None:
        """Provinces up to 63 with districts and communes and their bodies, sized to ~20% of the budget."""
        provinces = [p for p in self.places.values() if p.tier == 1]
        units = max(70, self.budget // 150)  # ~30 triples a unit
        new_provinces = max(0, 63 - len(provinces))
        districts = min(11, max(2, units // 2 // max(1, 63)))
        communes = min(15, max(0, (units - 63 * districts) // max(1, 63 * districts)))
        src = self.source("syn-000-ban-do-gia-lap.ttl")
        src.add("s:syn-ban-do-gia-lap", ("a", "dv:ReferenceSource"),
                ("dv:headline", lit("Bản đồ hành chính giả lập cho đo hiệu năng (không phải dữ liệu thật)")))
        central = next((c for c in self.ref.central if c.endswith("/ban-chap-hanh-trung-uong")),
                       self.ref.central[0] if self.ref.central else None)
        names: set[str] = set()

        def name() -> str:
            while True:
                n = " ".join(self.rng.sample(SYLLABLES, 2))
                if n not in names or len(names) > 1200:
                    names.add(n)
                    return n

        def unit(tier: int, parent: Place | None, index: int) -> Place:
            n = name()
            word = {1: ("Tỉnh", "province"), 2: ("Huyện", "district"), 3: ("Xã", "commune")}[tier]
            iri = self.new_iri("place", fold(f"{word[0]} {n}"))
            cls = {1: "dv:Province", 2: "dv:District", 3: "dv:AdministrativeUnit"}[tier]
            src.add(local(iri), ("a", cls), ("skos:prefLabel", [lit(f"{word[0]} {n}"), lit(f"{fold(n).replace('-', ' ').title()} {word[1]}", "en")]),
                    ("skos:altLabel", lit(n)), *([("dv:partOfPlace", local(parent.iri))] if parent else []))
            place = Place(iri, f"{word[0]} {n}", tier, parent.iri if parent else None)
            self.places[iri] = place
            party_name = {1: "Tỉnh ủy", 2: "Huyện ủy", 3: "Đảng ủy xã"}[tier]
            specs = [("party", "dv:PartyCommittee", f"{party_name} {n}", f"{n} {word[1]} Party Committee")]
            if tier < 3:
                specs += [("standing", "dv:StandingCommittee", f"Ban Thường vụ {party_name} {n}",
                           f"Standing Committee of the {n} {word[1]} Party Committee"),
                          ("mmb", "dv:MassMobilizationBoard", f"Ban Dân vận {party_name} {n}",
                           f"Mass Mobilization Board of the {n} {word[1]} Party Committee")]
            specs += [("council", "dv:PeoplesCouncil", f"Hội đồng nhân dân {word[0].lower()} {n}", f"{n} {word[1]} People's Council"),
                      ("committee", "dv:PeoplesCommittee", f"Ủy ban nhân dân {word[0].lower()} {n}", f"{n} {word[1]} People's Committee"),
                      ("front", "dv:FatherlandFront", f"Ủy ban Mặt trận Tổ quốc Việt Nam {word[0].lower()} {n}",
                       f"{n} {word[1]} Fatherland Front Committee")]
            for kind, c, vi, en in specs:
                org = self.new_iri("organization", fold(vi))
                place.bodies[kind] = org
                pairs = [("a", c), ("skos:prefLabel", [lit(vi), lit(en, "en")])]
                if kind in ("standing", "mmb"):
                    pairs.append(("dv:subOrganizationOf", local(place.bodies["party"])))
                else:
                    pairs.append(("dv:jurisdiction", local(iri)))
                    up = parent.bodies.get(kind) if parent else (central if kind == "party" else None)
                    if up:
                        pairs.append(("dv:subOrganizationOf", local(up)))
                if kind in ("party", "standing", "mmb"):
                    pairs.append(("dv:level", f"lv:{self.level(org, place)}"))
                src.add(local(org), *pairs)
            return place

        for i in range(new_provinces):
            prov = unit(1, None, i)
            for j in range(districts):
                dist = unit(2, prov, j)
                for k in range(communes):
                    unit(3, dist, k)
        self.counts["fallback places"] = len(self.places) - len(provinces)
        self.flush(src)

    # ------------------------------------------------------------------------------ shared facts
    def shared(self) -> None:
        """Roles missing from the reference; levels of reference Party bodies that state none; a newspaper
        for each province (a reference source of the press)."""
        src = self.source("syn-001-vai-tro-cap-bao-chi.ttl")
        src.add("s:syn-vai-tro-cap-bao-chi", ("a", "dv:ReferenceSource"),
                ("dv:headline", lit("Chức danh, cấp và cơ quan báo chí (dữ liệu giả lập cho đo hiệu năng)")))
        for slug, (vi, en) in ROLE_LABELS.items():
            if ID + "role/" + slug not in self.ref.roles:
                src.add(f"r:{slug}", ("a", "dv:Role"), ("skos:prefLabel", [lit(vi), lit(en, "en")]))
        for place in sorted(self.places.values(), key=lambda p: p.iri):
            for kind in ("party", "standing", "mmb"):
                org = place.bodies.get(kind)
                if org and org not in self.levels:
                    src.add(local(org), ("dv:level", f"lv:{self.level(org, place)}"))
        self.newspapers: dict[str, str] = {}
        for place in sorted(self.places.values(), key=lambda p: p.iri):
            if place.tier == 1:
                name = place.label.split(" ", 1)[-1] if place.label.startswith(("Tỉnh", "Thành phố")) else place.label
                iri = self.new_iri("organization", fold(f"Báo {name}"))
                src.add(local(iri), ("a", "dv:NewsOrganization"),
                        ("skos:prefLabel", [lit(f"Báo {name}"), lit(f"{fold(name).replace('-', ' ').title()} newspaper", "en")]))
                self.newspapers[place.iri] = iri
        self.flush(src)

    # -------------------------------------------------------------------------------- documents
    def documents(self, budget: int) -> None:
        provinces = sorted((p for p in self.places.values() if p.tier == 1), key=lambda p: p.iri)
        by_province: dict[str, list[Place]] = defaultdict(list)
        for p in sorted(self.places.values(), key=lambda p: p.iri):
            by_province[self.province_of(p)].append(p)
        n_docs = max(50, budget // 8)
        central_n = max(20, n_docs // 100)
        # central documents: one register per year
        central_by_year: dict[int, list] = defaultdict(list)
        for doc in self.central_series(central_n):
            central_by_year[doc[2].year].append(doc)
        for year in sorted(central_by_year):
            src = self.source(f"syn-van-ban-trung-uong-{year}.ttl")
            src.add(f"s:syn-van-ban-trung-uong-{year}", ("a", "dv:ReferenceSource"),
                    ("dv:headline", lit(f"Danh mục văn bản của Trung ương Đảng năm {year} (giả lập)")),
                    ("dv:datePublished", day(date(year, 12, 31))))
            for stmt in central_by_year[year]:
                src.add(*stmt[3])
            self.flush(src)
        for d, when, ended in self.ref.central_documents:
            self.documents_at[None].insert(0, Document(d, None, when, ended))  # the real ones are the hubs
        # local documents: weights per place (provinces weigh most; a few places weigh much more)
        weights = []
        for p in provinces:
            for q in by_province[p.iri]:
                w = {1: 40.0, 2: 6.0, 3: 1.0}[q.tier] / (1 + self.rng.random() * 4) ** 1.5
                weights.append((q, w))
        cum = list(_accumulate(w for _, w in weights))
        per_register: dict[tuple[str, int], list] = defaultdict(list)
        made = 0
        # generate tier by tier so that a basis exists before what is based on it
        picks = [weights[bisect.bisect(cum, self.rng.random() * cum[-1])][0] for _ in range(n_docs // 2)]
        for tier in (1, 2, 3):
            for place in sorted((p for p in picks if p.tier == tier), key=lambda p: p.iri):
                for doc in self.local_series(place):
                    per_register[(self.province_of(place), doc[2].year)].append(doc)
                    made += 1
                    if made >= n_docs:
                        break
        for (prov, year), docs in sorted(per_register.items()):
            label = self.places[prov].label if prov in self.places else "Trung ương"
            slug = fold(label)
            src = self.source(f"syn-van-ban-{slug}-{year}.ttl")
            pub = self.places[prov].bodies.get("committee") if prov in self.places else None
            src.add(f"s:syn-van-ban-{slug}-{year}", ("a", "dv:ReferenceSource"),
                    ("dv:headline", lit(f"Danh mục văn bản của các cơ quan {label} năm {year} (giả lập)")),
                    ("dv:datePublished", day(date(year, 12, 31))), *([("dv:publisher", local(pub))] if pub else []))
            for stmt in sorted(docs, key=lambda s: (s[2], s[0])):
                src.add(*stmt[3])
            self.flush(src)
        self.counts["documents"] = sum(len(v) for v in self.documents_at.values())

    def province_of(self, p: Place) -> str:
        while p.parent in self.places:
            p = self.places[p.parent]
        return p.iri

    def numbered(self, org: str, notation: str, year: int, party: bool, level: str, counters: dict) -> str:
        key = (org, notation, (year - 2005) // 5)
        counters[key] = counters.get(key, 0) + self.rng.randint(1, 9)
        n = counters[key]
        return f"{n:02d}-{notation}/{NOTATION[level]}" if party else f"{n}/{year}/{notation}-{level}"

    def document(self, org: str, place: Place | None, party: bool, t: tuple, when: date,
                 basis: Document | None, replaces: Document | None, counters: dict) -> tuple:
        notation, tslug, _p, _s, tname = t
        council = place is not None and org == place.bodies.get("council")
        level = self.level(org, place) if party else ("hdnd" if council else "ubnd")
        number = self.numbered(org, notation, when.year, party,
                               level if party else ("HĐND" if council else "UBND"), counters)
        where = fold(place.label) if place else "tw"
        num = number.split("-")[0].split("/")[0]
        iri = self.new_iri("document", f"{tslug}-{num}-{level}-{where}-{when.year}")
        topic = TOPICS[self.rng.randrange(len(TOPICS))]
        title = f"{tname} về {topic[0]}" if tname != "Quyết định" else f"Quyết định ban hành quy định về {topic[0]}"
        if place:
            title += f" trên địa bàn {place.label}"
        pairs = [("a", "dv:PartyDocument" if party else "dv:StateDocument"), ("dv:documentNumber", json.dumps(number, ensure_ascii=False)),
                 ("dv:documentType", f"dt:{tslug}"), ("dv:issuedBy", local(org)), ("dv:dateIssued", day(when)),
                 ("dv:title", lit(title))]
        if self.rng.random() < 0.3:
            pairs.append(("dv:entryIntoForce", day(when)))
        if basis is not None:
            pairs.append(("dv:concretizes" if basis.place is None else "dv:basedOn", local(basis.iri)))
        if replaces is not None:
            pairs.append(("dv:replaces", local(replaces.iri)))
            replaces.ended = when
        doc = Document(iri, place.iri if place else None, when)
        self.documents_at[doc.place].append(doc)
        self.counts["replacements"] += replaces is not None
        self.counts["based-on links"] += basis is not None
        return (iri, doc, when, (local(iri), *pairs))

    def central_series(self, n: int) -> list:
        out, counters = [], {}
        issuers = self.ref.central or [ID + "organization/bo-chinh-tri"]
        while len(out) < n:
            org = issuers[self.rng.randrange(len(issuers))]
            notation = CENTRAL_TYPES[self.rng.randrange(len(CENTRAL_TYPES))]
            t = next(t for t in TYPES if t[0] == notation)
            when, prev = self.date_between(START, date(2015, 1, 1)), None
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                doc = self.document(org, None, True, t, when, None, prev, counters)
                out.append(doc)
                prev = doc[1]
                when = self.date_between(when + timedelta(days=200), when + timedelta(days=2500))
                if when > END:
                    break
        return out

    def local_series(self, place: Place) -> list:
        """A series of one type by one body of the place: each new one may replace the previous (its
        issuer, or now and then the same kind of body one level up)."""
        counters = self._counters = getattr(self, "_counters", {})
        t = self.rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
        party = t[3] is False or self.rng.random() < 0.7
        kinds = ["party", "standing", "mmb"] if party else ["committee", "council"]
        options = [k for k in kinds if k in place.bodies]
        if not options:
            return []
        org = place.bodies[options[self.rng.randrange(len(options))]]
        out, prev = [], None
        when = self.date_between(START, date(2023, 1, 1))
        issuer, at = org, place
        for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3, 4))):
            parent = self.places.get(at.parent or "")
            if prev is not None and party and parent is not None and self.rng.random() < 0.1:
                # the body above takes the series over (and keeps it: a lower body never replaces its act)
                up = parent.bodies.get("standing") or parent.bodies.get("party")
                if up and RANK[self.level(up, parent)] <= RANK[self.level(issuer, at)]:
                    issuer, at = up, parent
            basis = self.basis_for(place, when)
            out.append(self.document(issuer, at, party, t, when, basis, prev, counters))
            prev = out[-1][1]
            when = self.date_between(when + timedelta(days=60), when + timedelta(days=1500))
            if when > END:
                break
        return out

    def basis_for(self, place: Place, when: date) -> Document | None:
        if self.rng.random() < 0.4:
            return None
        up = self.places.get(place.parent or "")
        pool = self.documents_at[up.iri if up else None]
        for _ in range(6):
            if not pool:
                return None
            d = pool[self.rng.randrange(len(pool))]
            if d.issued < when:
                return d
        return None

    def in_force(self, place: Place, when: date) -> list[Document]:
        out = []
        chain = [place.iri, place.parent, None]
        if place.parent in self.places:
            chain.insert(2, self.places[place.parent].parent)
        for at in chain:
            pool = self.documents_at.get(at)
            if not pool:
                continue
            for _ in range(3):
                # a few central documents are disseminated everywhere: skew towards the start of the pool
                i = int(len(pool) * self.rng.random() ** (3 if at is None else 1))
                d = pool[i]
                if d.issued <= when and (d.ended is None or d.ended > when) and d not in out:
                    out.append(d)
                    break
        return out

    # ------------------------------------------------------------------------------------ people
    def holder(self, org: str, role: str, term: int, slot: int) -> tuple[str, str]:
        key = (org, role, term, slot)
        if key not in self.holders:
            prev = self.holders.get((org, role, term - 1, slot))
            if prev and self.rng.random() < 0.4:  # kept the post into the next term
                self.holders[key] = prev
            else:
                n = len(self.holders)
                given = RARE_GIVEN[n // RARE_EVERY % len(RARE_GIVEN)] if n % RARE_EVERY == RARE_EVERY - 1 \
                    else self.rng.choice(GIVEN)
                name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLE)} {given}"
                iri = self.new_iri("person", fold(name))
                self.holders[key] = (iri, name)
                self.person_names[name] += 1
                self.counts["people"] += 1
                if given in RARE_GIVEN:
                    self.rare.append((iri, name))
        return self.holders[key]

    def people_of(self, place: Place, when: date, k: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """``k`` people holding posts in the place's bodies on ``when``: (IRI, name, [(role, org)])."""
        term = next((i for i, (a, b) in enumerate(TERMS) if a <= when.year < b), len(TERMS) - 1)
        out, seen = [], set()
        for _ in range(k * 3):
            kind = self.rng.choice(sorted(place.bodies))
            org = place.bodies[kind]
            roles = [(r, counts[place.tier - 1]) for r, *counts in ROLES[kind] if counts[place.tier - 1]]
            if not roles:
                continue
            role, n = roles[0] if self.rng.random() < 0.35 else self.rng.choice(roles)
            slot = self.rng.randrange(n)
            iri, name = self.holder(org, role, term, slot)
            if iri in seen:
                continue
            seen.add(iri)
            posts = [(role, org)]
            parent = self.places.get(place.parent or "")
            if kind == "party" and role == "bi-thu" and parent and "party" in parent.bodies:
                posts.append(("uy-vien", parent.bodies["party"]))  # a secretary sits on the committee above
            out.append((iri, name, posts))
            if len(out) == k:
                break
        return out

    # ------------------------------------------------------------------------------------ articles
    def articles(self) -> None:
        places = sorted(self.places.values(), key=lambda p: p.iri)
        weights = [({1: 30.0, 2: 4.0, 3: 1.0}[p.tier] * (8 if i % 17 == 0 else 1)) if p.bodies else 0.0
                   for i, p in enumerate(places)]
        # the busiest place (a big city) gets about a fifth of all events and the next two a twentieth each:
        # place hubs in the thousands from 1M triples on
        total = sum(weights)
        for j, share in zip(sorted(range(len(places)), key=lambda j: -weights[j])[:3], (0.25, 0.05, 0.05)):
            weights[j] = total * share
        cum = list(_accumulate(weights))
        news = self.ref.news
        i = 0
        while self.written < self.budget or i < 20:
            place = places[bisect.bisect(cum, self.rng.random() * cum[-1])]
            self.article(i, place, news)
            i += 1
        self.counts["articles"] = i

    def article(self, i: int, place: Place, news: list[str]) -> None:
        rng = self.rng
        when = self.date_between(date(2010, 1, 1), END)
        published = when + timedelta(days=rng.randrange(4))
        province = self.province_of(place)
        publisher = self.newspapers.get(province) if rng.random() < 0.7 or not news else news[rng.randrange(len(news))]
        kind = rng.choices(["dv:Conference", "dv:OnlineConference", "dv:SurveyVisit"], weights=[60, 15, 25])[0]
        docs = self.in_force(place, when)
        organizer_kind = rng.choice([k for k in ("party", "mmb", "front", "standing") if k in place.bodies]
                                    or sorted(place.bodies))
        organizer = place.bodies[organizer_kind]
        people = self.people_of(place, when, rng.randint(2, 6))
        speakers, attendees = people[:max(1, len(people) // 2)], people[max(1, len(people) // 2):]
        what = {"dv:Conference": "Hội nghị quán triệt, triển khai văn bản về công tác dân vận",
                "dv:OnlineConference": "Hội nghị trực tuyến về công tác dân vận",
                "dv:SurveyVisit": "Khảo sát việc thực hiện công tác dân vận"}[kind]
        en = {"dv:Conference": "Conference on mass-mobilization documents", "dv:OnlineConference":
              "Online conference on mass-mobilization work", "dv:SurveyVisit": "Survey of mass-mobilization work"}[kind]
        event = self.new_iri("event", f"{when.isoformat()}-{fold(place.label)}-{i}")
        digest = hashlib.sha256(f"{i}".encode()).hexdigest()[:16]
        sid = f"syn-{i:07d}-{digest[:8]}"
        headline = f"{place.label}: {what[0].lower() + what[1:]} ({when.strftime('%d/%m/%Y')})"
        copies = 2 if rng.random() < 0.003 else 1  # a second article on the same event, that disagrees
        for copy in range(copies):
            src = self.source(f"{sid}{'-b' if copy else ''}.ttl")
            pub = publisher if copy == 0 else (news[i % len(news)] if news else publisher)
            src.add(f"s:{sid}{'-b' if copy else ''}", ("a", "dv:NewsArticleSource"), ("dv:headline", lit(headline)),
                    ("dv:seedFile", f'"{i % 1000:03d}_{digest}.txt"'), ("dv:datePublished", day(published)),
                    *([("dv:publisher", local(pub))] if pub else []))
            date_here = when - timedelta(days=copy)  # the second copy is a day off: a conflict
            pairs = [("a", kind), ("skos:prefLabel", [lit(f"{what} ({place.label})"), lit(f"{en} ({fold(place.label).replace('-', ' ').title()})", "en")]),
                     ("dv:startDate", day(date_here)), ("dv:organizer", local(organizer)), ("dv:location", local(place.iri)),
                     ("dv:speaker", [local(p) for p, _, _ in speakers]), ("dv:attendee", [local(p) for p, _, _ in attendees])]
            if rng.random() < 0.5:
                pairs.append(("dv:attendeeCount", str(rng.randint(30, 500) + copy * 17)))
            rel = "dv:surveysImplementationOf" if kind == "dv:SurveyVisit" else "dv:disseminates"
            pairs.append((rel, [local(d.iri) for d in docs]))
            src.add(local(event), *pairs)
            for d in docs:
                self.events_on[d.iri] += 1
            for person, name, posts in people:
                src.add(local(person), ("a", "dv:Person"), ("dv:fullName", lit(name)))
                for role, org in posts:
                    post = local(f"{ID}post/{person.rsplit('/', 1)[-1]}--{role}--{org.rsplit('/', 1)[-1]}")
                    src.add(post, ("a", "dv:Post"), ("dv:holder", local(person)), ("dv:role", f"r:{role}"),
                            ("dv:postIn", local(org)), ("dv:attestedOn", day(date_here)), ("dv:attestedAt", local(event)))
                    self.posts_of_role[role] += 1
            self.flush(src)
        heads = [sp for sp in speakers if sp[2][0][0] in ("bi-thu", "truong-ban")]
        other = self.places[province].bodies.get("mmb")
        if heads and other and other != heads[0][2][0][1] and rng.random() < 0.02:
            # another source makes a head of one body head of another body the same day: a conflict
            person, name, _posts = heads[0]
            src = self.source(f"{sid}-c.ttl")
            src.add(f"s:{sid}-c", ("a", "dv:NewsArticleSource"), ("dv:headline", lit(f"{name}, {place.label}")),
                    ("dv:seedFile", f'"{i % 1000:03d}_{digest}.txt"'), ("dv:datePublished", day(published)))
            src.add(local(person), ("a", "dv:Person"), ("dv:fullName", lit(name)))
            src.add(local(f"{ID}post/{person.rsplit('/', 1)[-1]}--truong-ban--{other.rsplit('/', 1)[-1]}"),
                    ("a", "dv:Post"), ("dv:holder", local(person)), ("dv:role", "r:truong-ban"),
                    ("dv:postIn", local(other)), ("dv:attestedOn", day(when)))
            self.flush(src)
            self.counts["injected conflicts"] += 1
        self.counts["injected conflicts"] += copies - 1
        self.events_at[place.iri] += 1
        self.counts["events"] += 1
        self.samples.setdefault("event", event)
        self.samples.setdefault("source", f"{ID}source/{sid}")
        if speakers:
            self.samples.setdefault("person", speakers[0][0])


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


# ----------------------------------------------------------------------------------------- the API

def generate(folder: Path, triples: int, *, seed: int = 0, reference: Reference | None = None,
             copy_reference: list[Path] | None = None, national: bool = False) -> dict:
    """Write about ``triples`` synthetic triples of sources into ``folder`` (emptied first) on top of
    ``reference`` (default: the packaged sources), copy the ``copy_reference`` files beside them, and
    write and return the manifest. ``national``: write the national reference source into ``folder``
    too and build on it (with no ``reference`` given, on it and the packaged sources)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    extra = [national_file(folder)] if national else []
    ref = reference or Reference.from_files(_packaged_sources() + extra)
    gen = Generator(folder, triples, ref, seed)
    if sum(p.tier == 1 for p in ref.places.values()) < MIN_PROVINCES:
        gen.fallback_map()
    gen.shared()
    gen.documents(int(triples * 0.3))
    gen.articles()
    for f in copy_reference or []:
        shutil.copy(f, folder / f.name)
    top = lambda d: max(d, key=d.get) if d else None  # noqa: E731
    docs = [d for v in gen.documents_at.values() for d in v]
    replaced = next((d.iri for d in docs if d.ended is not None), None)
    biggest_province = max((p for p in gen.places.values() if p.tier == 1),
                           key=lambda p: gen.events_at.get(p.iri, 0), default=None)
    rare = gen.rare[0] if gen.rare else None
    person_posts = max((h for h in gen.holders.values()), key=lambda h: gen.person_names[h[1]], default=None)
    manifest = {
        "seed": seed, "target_triples": triples, "generated_triples": gen.written, "files": gen.files,
        "reference_triples": ref.triples, "fallback_map": "fallback places" in gen.counts,
        "counts": dict(sorted(gen.counts.items())), "places": len(gen.places),
        "posts_by_role": dict(sorted(gen.posts_of_role.items())),
        "samples": {
            "person": gen.samples.get("person"),
            "document": docs[len(docs) // 2].iri if docs else None,
            "replaced_document": replaced,
            "event": gen.samples.get("event"),
            "source": gen.samples.get("source"),
            "rare_name": rare[1] if rare else None, "rare_person": rare[0] if rare else None,
            "common_name": person_posts[1] if person_posts else None,
        },
        "hubs": {
            "role": ID + "role/" + top(gen.posts_of_role) if gen.posts_of_role else None,
            "place": top(gen.events_at),
            "document": top(gen.events_on),
            "document_type": ID + "document-type/qd",
            "level": ID + "level/" + ("cb" if any(p.tier == 3 for p in gen.places.values()) else "hu"),
            "organization": biggest_province.bodies.get("party") if biggest_province else None,
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def write_sources(folder: Path, entities: int, sources: int = 20) -> list[Path]:
    """The older benchmarks' entry point: about 30 triples per "group" of ``entities``, synthetic files
    only (the packaged sources are their reference but are not copied); ``sources`` is ignored."""
    generate(Path(folder), entities * 30)
    return sorted(Path(folder).glob("*.ttl"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--reference", type=Path, help="a folder of reference sources (default: the packaged ones)")
    src.add_argument("--store", type=Path, help="a built store to take the reference from (read only)")
    ap.add_argument("--no-copy", action="store_true", help="do not copy the reference sources into OUT")
    ap.add_argument("--no-national", action="store_true",
                    help="leave the national map out (a synthetic fallback map stands in when the reference has none)")
    args = ap.parse_args()
    files = sorted(args.reference.glob("*.ttl")) if args.reference else _packaged_sources()
    if args.store:
        sys.path.insert(0, str(REPO))
        from graph.store import open_store
        ref = Reference.from_store(open_store(args.store))
    else:
        ref = None if not args.reference and not args.no_national else Reference.from_files(files)
    manifest = generate(args.out, args.triples, seed=args.seed, reference=ref,
                        copy_reference=None if args.no_copy else files,
                        national=not args.no_national and ref is None)
    print(json.dumps({k: manifest[k] for k in ("generated_triples", "files", "counts")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
