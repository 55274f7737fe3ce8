"""What the review page shows for a candidate: each fact as a sentence in the page's language (entities
by their labels, never IRIs), its evidence in the article, the entities it links and their alternatives,
and the live graph's facts it disagrees with."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from graph import settings
from graph import terms as ox
from graph.stores import in_memory
from webapp.describe import display_names, headlines, labels, one_valued_properties
from webapp.entity import format_date
from webapp.review import candidate as cand
from webapp.urls import split_entity_iri

# Sentences per property: {s} the subject, {o} the object, as the page's language reads them.
SENTENCES = {
    "vi": {
        "type": "{s} là {o}", "startDate": "{s} diễn ra ngày {o}", "organizer": "{s} do {o} tổ chức",
        "speaker": "{o} phát biểu tại {s}", "attendee": "{o} dự {s}", "delegationLeader": "{o} dẫn đầu đoàn tại {s}",
        "host": "{o} tiếp đoàn tại {s}", "location": "{s} diễn ra tại {o}", "disseminates": "{s} quán triệt, triển khai {o}",
        "concerns": "{s} bàn về {o}", "attendeeCount": "{s} có {o} người dự", "holder": "{o} giữ chức vụ {s}",
        "role": "Chức vụ {s} có chức danh {o}", "postIn": "Chức vụ {s} thuộc {o}",
        "attestedOn": "Chức vụ {s} được nêu vào ngày {o}", "attestedAt": "Chức vụ {s} được nêu tại {o}",
        "documentNumber": "{s} có số, ký hiệu {o}", "title": "{s} có trích yếu “{o}”", "issuedBy": "{s} do {o} ban hành",
        "dateIssued": "{s} ban hành ngày {o}", "replaces": "{s} thay thế {o}", "basedOn": "{s} căn cứ {o}",
        "concretizes": "{s} cụ thể hóa {o}", "documentType": "{s} thuộc loại {o}", "fullName": "{s} có họ tên “{o}”",
        "prefLabel": "{s} có tên “{o}”", "subOrganizationOf": "{s} trực thuộc {o}", "jurisdiction": "{s} phụ trách địa bàn {o}",
        "activeIn": "{s} diễn ra tại {o}", "participant": "{o} tham gia {s}", "chair": "{o} chủ trì {s}",
        "startMonthDay": "{s} diễn ra ngày {o} (không rõ năm)", "issuedMonthDay": "{s} ban hành ngày {o} (không rõ năm)",
        "attendeeCountIsApproximate": "Số người dự {s} là ước lượng: {o}",
        "other": "{s} — {p}: {o}",
    },
    "en": {
        "type": "{s} is a {o}", "startDate": "{s} took place on {o}", "organizer": "{s} was organized by {o}",
        "speaker": "{o} spoke at {s}", "attendee": "{o} attended {s}", "delegationLeader": "{o} led the delegation at {s}",
        "host": "{o} hosted {s}", "location": "{s} took place in {o}", "disseminates": "{s} disseminated {o}",
        "concerns": "{s} dealt with {o}", "attendeeCount": "{o} people attended {s}", "holder": "{o} held the post {s}",
        "role": "The post {s} has the role {o}", "postIn": "The post {s} is in {o}",
        "attestedOn": "The post {s} is attested on {o}", "attestedAt": "The post {s} is attested at {o}",
        "documentNumber": "{s} is numbered {o}", "title": "{s} is titled “{o}”", "issuedBy": "{s} was issued by {o}",
        "dateIssued": "{s} was issued on {o}", "replaces": "{s} replaces {o}", "basedOn": "{s} is based on {o}",
        "concretizes": "{s} concretizes {o}", "documentType": "{s} is of type {o}", "fullName": "{s} is named “{o}”",
        "prefLabel": "{s} is called “{o}”", "subOrganizationOf": "{s} is part of {o}", "jurisdiction": "{s} serves {o}",
        "activeIn": "{s} is active in {o}", "participant": "{o} takes part in {s}", "chair": "{o} chaired {s}",
        "startMonthDay": "{s} took place on {o} (year unknown)", "issuedMonthDay": "{s} was issued on {o} (year unknown)",
        "attendeeCountIsApproximate": "The attendance of {s} is approximate: {o}",
        "other": "{s} — {p}: {o}",
    },
}
_YES_NO = {"vi": {True: "có", False: "không"}, "en": {True: "yes", False: "no"}}
_STANDARD = {cand.RDF + "type": "type", "http://www.w3.org/2004/02/skos/core#prefLabel": "prefLabel"}


class Namer:
    """Names for the IRIs a candidate mentions: from the candidate itself first (new entities are
    named only there), then from the live graph (existing entities, the ontology's terms)."""

    def __init__(self, c: cand.Candidate, live: ox.Store | None, lang: str, extra: set[str] = frozenset()):
        self.lang = lang
        local = in_memory()
        # the candidate is not reasoned: give its names the standard properties the label lookup reads
        alias = {cand.dv("fullName"): "http://xmlns.com/foaf/0.1/name",
                 cand.dv("title"): "http://data.europa.eu/eli/ontology#title"}
        local.bulk_extend([ox.Quad(t.subject, ox.NamedNode(alias.get(t.predicate.value, t.predicate.value)), t.object,
                                   ox.DefaultGraph()) for t in c.triples])
        local.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in c.triples])
        iris = {x.value for t in c.triples for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
        iris |= set(extra)
        self.names = display_names(local, iris, lang)
        if live is not None:
            missing = iris - set(self.names)
            found = display_names(live, missing, lang)
            self.names.update(found)
            # a post's name ("role, organization") needs the labels of its role and organization
            if missing - set(found):
                self.names.update({k: v for k, v in _post_names(local, live, missing - set(found), lang).items()})

    def __call__(self, iri: str) -> str:
        if iri in self.names:
            return self.names[iri]
        ours = split_entity_iri(iri)
        if ours:  # a new entity the candidate does not name: its slug read as words
            return ours[1].replace("--", ", ").replace("-", " ")
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def term(self, term) -> Markup:
        if isinstance(term, ox.NamedNode):
            return Markup('<span class="entity">{}</span>').format(self(term.value))
        if isinstance(term, ox.Literal):
            kind = term.datatype.value if term.datatype else ""
            if kind == cand.XSD + "date":
                value = format_date(term)
            elif kind == cand.XSD + "boolean":
                value = _YES_NO[self.lang][term.value in ("true", "1")]
            elif kind == cand.XSD + "gMonthDay" and len(term.value) == 7:  # --MM-DD
                value = f"{term.value[5:7]}/{term.value[2:4]}"
            else:
                value = term.value
            return Markup('<span class="value">{}</span>').format(value)
        return escape(str(term))


def _post_names(local: ox.Store, live: ox.Store, posts: set[str], lang: str) -> dict[str, str]:
    out = {}
    for post in posts:
        node = ox.NamedNode(post)
        role = next((q.object.value for q in local.quads_for_pattern(node, ox.NamedNode(cand.dv("role")), None)), None)
        org = next((q.object.value for q in local.quads_for_pattern(node, ox.NamedNode(cand.dv("postIn")), None)), None)
        if role and org:
            names = labels(local, {role, org}, lang)
            names.update({k: v for k, v in labels(live, {role, org} - set(names), lang).items()})
            if role in names and org in names:
                out[post] = f"{names[role]}, {names[org]}"
    return out


def sentence(t: ox.Triple, name: Namer) -> Markup:
    p = t.predicate.value
    local = _STANDARD.get(p) or (p[len(settings.ontology_namespace()):] if p.startswith(settings.ontology_namespace()) else None)
    template = SENTENCES[name.lang].get(local or "", SENTENCES[name.lang]["other"])
    s = name.term(t.subject)
    o = name.term(t.object)
    if local == "type" and isinstance(t.object, ox.NamedNode):
        o = Markup('<span class="kind">{}</span>').format(name(t.object.value))
    return Markup(escape(template).replace("{s}", s).replace("{o}", o).replace("{p}", escape(name(p))))


# ------------------------------------------------------------------------------ evidence in the article

@dataclass
class Paragraph:
    number: int
    # (text, fact keys that cite it, keys whose evidence starts here: the anchors a fact's quote links to)
    parts: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def highlighted(text: str, facts: list[cand.Fact]) -> list[Paragraph]:
    """The article cut at every evidence boundary, in paragraphs (split on newlines); each piece knows
    the facts whose evidence covers it. Offsets are code points, half-open, into the whole text."""
    spans = [(e.start, e.end, f.key) for f in facts for e in f.evidence
             if e.start is not None and e.end is not None and 0 <= e.start < e.end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans),
                   *(i + 1 for i, ch in enumerate(text) if ch == "\n"), *(i for i, ch in enumerate(text) if ch == "\n")})
    paragraphs = [Paragraph(1)]
    anchored: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        if piece == "\n":
            if paragraphs[-1].parts:
                paragraphs.append(Paragraph(paragraphs[-1].number + 1))
            continue
        keys = sorted({k for s, e, k in spans if s <= a and b <= e})
        anchors = [k for k in keys if k not in anchored]
        anchored.update(anchors)
        paragraphs[-1].parts.append((piece, keys, anchors))
    return [p for p in paragraphs if p.parts]


def quote(text: str, ev: cand.Evidence) -> str | None:
    if ev.start is None or ev.end is None or not (0 <= ev.start < ev.end <= len(text)):
        return None
    return text[ev.start:ev.end]


# ------------------------------------------------------------------------------ conflicts with the live graph

@dataclass
class Conflict:
    source: str  # a headline
    value: Markup


def conflicts(live: ox.Store | None, c: cand.Candidate, triples: dict[str, ox.Triple], name: Namer) -> dict[str, list[Conflict]]:
    """Per fact key: the other values the live graph's sources give for a one-valued property of the
    same subject (a different date, issuer, number…)."""
    if live is None:
        return {}
    one = one_valued_properties(live)
    inferred = settings.inferred_graph()
    found: dict[str, list[tuple[str, ox.Term]]] = {}
    for key, t in triples.items():
        if t.predicate.value not in one:
            continue
        for q in live.quads_for_pattern(t.subject, t.predicate, None, None):
            if isinstance(q.graph_name, ox.DefaultGraph) or q.graph_name.value in (c.source, inferred):
                continue
            if q.object != t.object:
                found.setdefault(key, []).append((q.graph_name.value, q.object))
    names = headlines(live, {g for pairs in found.values() for g, _ in pairs})
    return {key: [Conflict(names.get(g, name(g)), name.term(v)) for g, v in pairs] for key, pairs in found.items()}
