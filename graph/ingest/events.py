"""The event an article reports: a conference to disseminate or roll out (quán triệt, triển khai), to review
(sơ kết, tổng kết), an online conference with its connection points, a survey visit (khảo sát); with its
date, place, organizer, speakers, attendees, attendance and the documents it disseminates. And the
movements the article names ("Dân vận khéo").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.ingest.article import Article, Span
from graph.ingest.dates import DateMention
from graph.ingest.documents import DocMention
from graph.ingest.gazetteer import Gazetteer, slug
from graph.ingest.names import Context, Org, Place, read_place
from graph.ingest.numbers import NUMBER, parse_number
from graph.ingest.people import PersonMention

# folded trigger → (class, label, slug); the first that matches wins
TRIGGERS = [
    (r"hoi nghi (?:[a-z]+ ){0,2}truc tuyen", "OnlineConference", "Hội nghị trực tuyến", "hoi-nghi-truc-tuyen"),
    (r"hoi nghi (?:can bo chu chot )?quan triet", "Conference", "Hội nghị quán triệt", "hoi-nghi-quan-triet"),
    (r"hoi nghi (?:so ket|tong ket)", "Conference", "Hội nghị sơ kết, tổng kết", "hoi-nghi-so-ket-tong-ket"),
    (r"hoi nghi (?:trien khai|phoi hop|giao ban)", "Conference", "Hội nghị triển khai", "hoi-nghi-trien-khai"),
    (r"(?:doan )?khao sat", "SurveyVisit", "Khảo sát", "khao-sat"),
    (r"hoi nghi", "Conference", "Hội nghị", "hoi-nghi"),
]
_TRIGGERS = [(re.compile(r"(?<![a-z])" + p + r"(?![a-z])"), c, l, s) for p, c, l, s in TRIGGERS]
_SPEAK = re.compile(r"(?<![a-z])(phat bieu|bao cao|trinh bay|quan triet|nhan manh|de nghi|yeu cau|trao doi|chi dao|"
                    r"ket luan|thong tin|gioi thieu|chu tri|dan dau|lam truong doan|tiep va lam viec|tiep doan)(?![a-z])")
_ATTEND = re.compile(r"(?<![a-z])(?:du|tham du|co mat|cung du)(?![a-z])")
_COUNT = re.compile(rf"(?<![a-z\d])(?:(gan|hon|khoang|tren|xap xi)\s+)?({NUMBER})\s+(?:dong chi|dai bieu|can bo|nguoi|hoc vien)(?![a-z])")
_POINT = re.compile(r"(?<![a-z])diem cau\s+")
_POINTS = re.compile(rf"(?<![a-z\d])({NUMBER})\s+diem cau(?:\s+(?:co so|cap xa|xa, phuong))?")
_MOVEMENT = re.compile(r"(?<![a-z])phong trao(?:\s+thi dua)?\s*[\"“]([^\"”\n]{3,80})[\"”]")
_DISSEMINATE = re.compile(r"(?<![a-z])(?:quan triet|trien khai|pho bien|gioi thieu|hoc tap)(?![a-z])")


@dataclass
class Role_:
    person: PersonMention
    prop: str  # speaker, chair, attendee, delegationLeader, host
    span: Span


@dataclass
class EventMention:
    cls: str
    label: str
    kind: str
    span: Span  # the trigger
    date: DateMention | None = None
    organizer: Org | None = None
    place: Place | None = None
    people: list[Role_] = field(default_factory=list)
    documents: list[tuple[DocMention, Span]] = field(default_factory=list)
    count: tuple[int, bool, Span] | None = None
    points: list[tuple[Place, Span]] = field(default_factory=list)
    point_count: tuple[int, Span] | None = None


def find_event(a: Article, dates: list[DateMention], orgs: list[Org], people: list[PersonMention],
               docs: list[DocMention], gaz: Gazetteer, ctx: Context, skip: int = 0) -> EventMention | None:
    """The article's main event: the first trigger in a paragraph that also gives a date, else the first
    trigger after the headline (``skip``: the headline's end)."""
    f = a.folded
    hits = []
    for rx, cls, label, kind in _TRIGGERS:
        for m in rx.finditer(f, skip):
            hits.append((m.start(), m.end(), cls, label, kind))
    if not hits:
        return None
    # the most specific trigger at the earliest dated paragraph
    def dated(h) -> bool:
        p = a.paragraph_span(h[0])
        return any(p.start <= d.start < p.end for d in dates)
    order = {t[3]: i for i, t in enumerate(TRIGGERS)}
    hits.sort(key=lambda h: (not dated(h), a.paragraph_of(h[0]), order[h[4]], h[0]))
    start, end, cls, label, kind = hits[0]
    if cls == "Conference" and re.search(r"(?<![a-z])(?:hinh thuc truc tuyen|hoi nghi truc tuyen|diem cau)(?![a-z])", f):
        # "được tổ chức bằng hình thức trực tuyến", or a headline calling it online: the conference is online
        cls, label, kind = "OnlineConference", "Hội nghị trực tuyến", "hoi-nghi-truc-tuyen"
    ev = EventMention(cls, label, kind, Span(start, end))
    para = a.paragraph_span(start)
    sentence = a.sentence_of(start)
    # date: in the trigger's paragraph, the nearest before the trigger, else the first after it
    in_para = [d for d in dates if para.start <= d.start < para.end]
    before = [d for d in in_para if d.start < start]
    ev.date = before[-1] if before else (in_para[0] if in_para else None)
    # organizer: the body right before "tổ chức" / "phối hợp tổ chức" ahead of the trigger, or "do X tổ chức"
    for o in orgs:
        if sentence.start <= o.span.start and o.span.end <= start and \
                re.fullmatch(r"\s*(?:da\s+|phoi hop(?:\s+voi\s+[^,.]{0,60})?\s+)?(?:to chuc|chu tri)?\s*(?:doan\s+)?", f[o.span.end:start]):
            ev.organizer = o
        elif start < o.span.start < sentence.end and re.search(r"(?<![a-z])do\s+$", f[max(0, o.span.start - 4):o.span.start]):
            ev.organizer = o
        elif cls == "SurveyVisit" and start < o.span.start < start + 20 and re.fullmatch(r"\s*(?:cua|do)\s+", f[end:o.span.start] or " x"):
            ev.organizer = o
    # place: "tại X" in the trigger's sentence, else the organizer's area
    m = re.compile(r"(?<![a-z])tai\s+").search(f, start, sentence.end)
    if m:
        ev.place = read_place(a, m.end(), gaz)
    if ev.place is None and ev.organizer is not None:
        ev.place = ev.organizer.place or (ev.organizer.parent.place if ev.organizer.parent else None)
    if ev.place is None and ev.organizer is not None and ev.organizer.cls in ("Politburo", "CentralCommittee", "Secretariat"):
        ev.place = None
    # people: speakers by their verbs, attendees by "dự"
    for p in people:
        s = a.sentence_of(p.span.start)
        tail = f[p.span.end:s.end]
        head = f[s.start:p.span.start]
        if re.search(r"(?<![a-z])chu tri(?![a-z])", tail) or re.search(r"chu tri[^.]*$", head):
            ev.people.append(Role_(p, "chair", p.span))
        if re.search(r"(?<![a-z])(?:lam truong doan|dan dau)", tail + " " + head):
            ev.people.append(Role_(p, "delegationLeader", p.span))
        if re.search(r"(?<![a-z])(?:tiep va lam viec|tiep doan)", tail):
            ev.people.append(Role_(p, "host", p.span))
        if _SPEAK.search(tail) or re.search(r"(?:phat bieu|bao cao|trinh bay|nhan manh|ket luan)[^.;]*$", head):
            ev.people.append(Role_(p, "speaker", p.span))
        elif _ATTEND.search(head[-60:]) or _ATTEND.search(tail[:40]):
            ev.people.append(Role_(p, "attendee", p.span))
    # documents disseminated: in sentences saying quán triệt / triển khai / phổ biến, and the trigger's own
    for d in docs:
        s = a.sentence_of(d.span.start)
        if s == sentence or _DISSEMINATE.search(f[s.start:d.span.start]):
            ev.documents.append((d, d.span))
    # attendance: "gần 200 đồng chí", "hơn hai trăm đại biểu" in the trigger's paragraph
    near = a.paragraphs[a.paragraph_of(start) - 1:a.paragraph_of(start) + 2]
    m = _COUNT.search(f, para.start, near[-1].end)
    if m:
        n = parse_number(m.group(2))
        if n and n > 1:
            ev.count = (n, bool(m.group(1)), Span(m.start(), m.end()))
    # online: "điểm cầu huyện Lý Nhân", "91 điểm cầu cơ sở"
    if cls == "OnlineConference":
        for m in _POINT.finditer(f):
            place = read_place(a, m.end(), gaz)
            if place:
                ev.points.append((place, Span(m.start(), place.span.end)))
        m = _POINTS.search(f)
        if m:
            n = parse_number(m.group(1))
            if n:
                ev.point_count = (n, Span(m.start(), m.end()))
    return ev


@dataclass
class MovementMention:
    name: str
    slug: str
    span: Span
    iri: str | None


def find_movements(a: Article, gaz: Gazetteer) -> list[MovementMention]:
    """Movements the graph knows, by any of their labels, and "phong trào (thi đua) "X"" for new ones."""
    found: list[MovementMention] = []
    known = {label: iris for label, iris in gaz.labels.items()
             if any(gaz.kind(i) == "movement" for i in iris) and len(label) >= 6}
    for label, iris in known.items():
        for m in re.finditer(r"(?<![a-z])" + re.escape(label) + r"(?![a-z])", a.folded):
            iri = sorted(i for i in iris if gaz.kind(i) == "movement")[0]
            found.append(MovementMention(gaz.label_of(iri)[0], iri.rsplit("/", 1)[1], Span(m.start(), m.end()), iri))
    for m in _MOVEMENT.finditer(a.folded):
        name = a.text[m.start(1):m.end(1)].strip()
        if not any(x.span.start <= m.start(1) < x.span.end for x in found):
            found.append(MovementMention(name, slug(name), Span(m.start(1), m.end(1)), None))
    return sorted(found, key=lambda x: x.span.start)
