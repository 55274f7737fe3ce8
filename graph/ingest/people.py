"""People and the posts the article gives them: "đồng chí Nguyễn Văn An, Ủy viên Ban Thường vụ Tỉnh ủy,
Trưởng Ban Dân vận Tỉnh ủy" (posts after the name) and "Phó Bí thư Thường trực Huyện ủy Trần Văn Bình"
(posts before it). Each post is a role in an organization; a sub-body named without its committee
("Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy") takes the committee of its neighbour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.ingest.article import Article, Span, fold
from graph.ingest.gazetteer import Gazetteer, slug
from graph.ingest.names import SUB_BODIES, SURNAMES, Context, Org, read_org

# folded role → (slug, vi, en); the lookahead keeps the body's own first word ("Ban", "Văn phòng") for read_org
ROLES = [
    (r"bi thu trung uong dang", "bi-thu-trung-uong", "Bí thư Trung ương Đảng", "Secretary of the Party Central Committee"),
    (r"pho bi thu (?:thuong truc|tt)", "pho-bi-thu-thuong-truc", "Phó Bí thư Thường trực", "Standing Deputy Secretary"),
    (r"pho bi thu", "pho-bi-thu", "Phó Bí thư", "Deputy Secretary"),
    (r"bi thu", "bi-thu", "Bí thư", "Secretary"),
    (r"pho truong(?= ban )", "pho-truong-ban", "Phó Trưởng ban", "Deputy Head of board"),
    (r"truong(?= ban )", "truong-ban", "Trưởng ban", "Head of board"),
    (r"pho chu tich thuong truc", "pho-chu-tich-thuong-truc", "Phó Chủ tịch Thường trực", "Standing Vice Chair"),
    (r"pho chu tich", "pho-chu-tich", "Phó Chủ tịch", "Vice Chair"),
    (r"chu tich", "chu-tich", "Chủ tịch", "Chair"),
    (r"pho chanh(?= van phong)", "pho-chanh-van-phong", "Phó Chánh Văn phòng", "Deputy Chief of Office"),
    (r"chanh(?= van phong)", "chanh-van-phong", "Chánh Văn phòng", "Chief of Office"),
    (r"pho chu nhiem(?= uy ban kiem tra| ubkt)", "pho-chu-nhiem", "Phó Chủ nhiệm", "Deputy Chair of commission"),
    (r"chu nhiem(?= uy ban kiem tra| ubkt)", "chu-nhiem", "Chủ nhiệm", "Chair of commission"),
    (r"uy vien|uv", "uy-vien", "Ủy viên", "Member"),
]
# roles that name their body themselves
IMPLIED = {"bi-thu-trung-uong": ("Ban Bí thư Trung ương Đảng", "ban-bi-thu", "Secretariat")}
_MEMBER_OF = re.compile(r"(tinh|thanh|huyen|quan) uy vien(?![a-z])\s*")
ROLE_RE = [(re.compile(r"(?:" + p + r")(?![a-z0-9])\s*"), s, vi, en) for p, s, vi, en in ROLES]
_TVTU = re.compile(r"(?:uv\s*)?(tvtu|tvtu|tvthu|btvtu)(?![a-z])")
_HONORIFIC = re.compile(r"(?:dong chi|d/c|ong|ba)\s+$")
_NAME_WORD = re.compile(r"[^\W\d_]+")
_NOT_A_PERSON = re.compile(r"(?:thanh pho|tp\.?|tu tuong|phong cach|dao duc|cong san|thi xa|huyen|quan|tinh)\s*$")


@dataclass(frozen=True)
class Role:
    slug: str
    vi: str
    en: str


@dataclass
class PostMention:
    role: Role
    org: Org
    span: Span


@dataclass
class PersonMention:
    name: str
    span: Span
    posts: list[PostMention] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug(self.name)


_NAME_STOP = set("uy ban truong pho bi chu dang hoi thuong vien chanh tinh so bo uv tvtu ubnd hdnd mttq btv bch".split())


def find_names(a: Article, taken: list[Span] = (), places: set[str] = frozenset()) -> list[Span]:
    """Runs of 2–5 capitalized words led by a family name, not inside a body's name (``taken``) nor a
    place the graph or the article names (``places``, folded)."""
    t, f = a.text, a.folded
    covered = bytearray(len(t) + 1)
    for s in taken:
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
    words = [w for w in _NAME_WORD.finditer(t) if not covered[w.start()]]
    spans, i = [], 0
    while i < len(words):
        w = words[i]
        if not (w.group()[0].isupper() and fold(w.group()) in SURNAMES):
            i += 1
            continue
        run = [w]
        j = i + 1
        while j < len(words) and len(run) < 5:
            nxt = words[j]
            gap = t[run[-1].end():nxt.start()]
            if gap != " " or not nxt.group()[0].isupper() or fold(nxt.group()) in _NAME_STOP \
                    or f[nxt.end():nxt.end() + 3] == " uy":
                break
            run.append(nxt)
            j += 1
        if len(run) >= 2 and not _NOT_A_PERSON.search(f[max(0, w.start() - 14):w.start()]):
            name = t[w.start():run[-1].end()]
            if fold(name) in places:
                pass
            elif fold(name) != "ho chi minh" or re.search(r"chu tich\s*$", f[max(0, w.start() - 10):w.start()]):
                spans.append(Span(w.start(), run[-1].end()))
        i = j if len(run) >= 2 else i + 1
    return spans


def _read_role(f: str, pos: int) -> tuple[Role, int] | None:
    for rx, s, vi, en in ROLE_RE:
        m = rx.match(f, pos)
        if m:
            return Role(s, vi, en), m.end()
    return None


def read_posts(a: Article, pos: int, gaz: Gazetteer, ctx: Context, stop: int) -> tuple[list[PostMention], int]:
    """The posts listed from ``pos``: role, body, separated by commas or "kiêm"; up to ``stop``."""
    f = a.folded
    posts: list[PostMention] = []
    while pos < stop:
        sep = re.compile(r"[\s,(–-]*(?:kiem\s+|dong thoi (?:la\s+)?)?").match(f, pos)
        pos = sep.end()
        tvtu = _TVTU.match(f, pos)
        if tvtu:
            place = ctx.province
            if place is None:
                break
            from graph.ingest.names import _committee_named
            parent = _committee_named("Tỉnh ủy" if place.slug != "tphcm" else "Thành ủy", place, Span(pos, tvtu.end()))
            org = Org(f"Ban Thường vụ {parent.label}", f"ban-thuong-vu-{parent.slug}", "StandingCommittee",
                      Span(pos, tvtu.end()), parent=parent, place=place, body="ban-thuong-vu")
            posts.append(PostMention(Role("uy-vien", "Ủy viên", "Member"), org, Span(pos, tvtu.end())))
            pos = tvtu.end()
            continue
        member = _MEMBER_OF.match(f, pos)
        if member:  # "Tỉnh ủy viên": a member of the committee the article is about
            from graph.ingest.names import _committee_named
            place = ctx.province if member.group(1) in ("tinh", "thanh") else ctx.district
            if place is None:
                break
            head = {"tinh": "Tỉnh ủy", "thanh": "Thành ủy", "huyen": "Huyện ủy", "quan": "Quận ủy"}[member.group(1)]
            org = _committee_named(head, place, Span(pos, member.end()))
            posts.append(PostMention(Role("uy-vien", "Ủy viên", "Member"), org, Span(pos, member.end())))
            pos = member.end()
            continue
        role = _read_role(f, pos)
        if role is None:
            break
        role, after = role
        if role.slug in IMPLIED:
            label, key, cls = IMPLIED[role.slug]
            posts.append(PostMention(role, Org(label, key, cls, Span(pos, after)), Span(pos, after)))
            pos = after
            continue
        org = read_org(a, after, gaz, ctx)
        if org is None or org.span.end > stop:
            break
        posts.append(PostMention(role, org, Span(pos, org.span.end)))
        pos = org.span.end
    _complete(posts, a, gaz, ctx)
    return [p for p in posts if not p.org.partial], pos


def _complete(posts: list[PostMention], a: Article, gaz: Gazetteer, ctx: Context) -> None:
    """A body named without its committee takes the committee of the nearest post that names one."""
    for i, p in enumerate(posts):
        if not p.org.partial:
            continue
        for other in posts[i + 1:] + posts[:i][::-1]:
            committee = other.org.parent if other.org.parent else other.org
            if not other.org.partial and committee.cls == "PartyCommittee":
                name = p.org.partial
                p.org = Org(f"{name} {committee.label}", f"{slug(name)}-{committee.slug}", p.org.cls, p.org.span,
                            parent=committee, place=committee.place if name in SUB_BODIES else None,
                            body=SUB_BODIES.get(name))
                break


def find_people(a: Article, gaz: Gazetteer, ctx: Context) -> list[PersonMention]:
    f = a.folded
    people = []
    from graph.ingest.names import find_orgs
    taken = [o.span for o in find_orgs(a, gaz, ctx)]
    places = {label for label, iris in gaz.labels.items() if any(gaz.kind(i) == "place" for i in iris)}
    places |= {fold(p.name) for p in (ctx.province, ctx.district) if p}
    if gaz.national is not None:  # "Hà Nội – Sáng 14/3, …": a province's name is not a person's
        places |= gaz.national.provinces
    for span in find_names(a, taken, places):
        person = PersonMention(a.text[span.start:span.end], span)
        sentence = a.sentence_of(span.start)
        # posts after the name: "Nguyễn Văn An, Ủy viên …"
        if re.match(r"\s*[,(–-]", f[span.end:span.end + 3]):
            person.posts, _ = read_posts(a, span.end, gaz, ctx, sentence.end)
        # posts before the name: "Phó Bí thư Thường trực Huyện ủy Trần Văn Bình"
        if not person.posts:
            clause_start = max(sentence.start, *(m.end() + sentence.start for m in
                               re.finditer(r"[,;:]|dong chi|\bong\b|\bba\b|\bva\b|\bcung\b|\bco\b",
                                           f[sentence.start:span.start])), 0)
            posts, end = read_posts(a, clause_start, gaz, ctx, span.start)
            if posts and f[end:span.start].strip() in ("", "dong chi"):
                person.posts = posts
        people.append(person)
    return people
