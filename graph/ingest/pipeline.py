"""From an article to a candidate source: find the article's date and subject area, run the extractors,
link what they found to the graph, and state each fact with its evidence."""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from graph.errors import ConfigError
from graph.ingest.article import Article, Span
from graph.ingest.candidate import SCHEMA, Candidate, dv, iri
from graph.ingest.dates import dateline, find_dates
from graph.ingest.english import org_en, place_en
from graph.ingest.documents import DocMention, find_documents, find_relations
from graph.ingest.events import EventMention, find_event, find_movements
from graph.ingest.gazetteer import Gazetteer, Link, packaged, slug
from graph.ingest.names import Context, Org, Place, find_context, find_orgs
from graph.ingest.people import PersonMention, find_people

EVENT_EN = {"hoi-nghi-truc-tuyen": "Online conference", "hoi-nghi-quan-triet": "Conference to disseminate documents",
            "hoi-nghi-so-ket-tong-ket": "Review conference", "hoi-nghi-trien-khai": "Conference to roll out documents",
            "khao-sat": "Survey visit", "hoi-nghi": "Conference"}

# How sure each rule is, measured on the development corpus (docs/ingest-evaluation.md)
CONF = {"number": 0.97, "short-linked": 0.75, "short": 0.5, "org": 0.9, "place": 0.9, "person": 0.9,
        "post": 0.85, "event": 0.8, "relation": 0.8, "date-text": 0.95, "date-article": 0.8, "title": 0.7,
        "role": 0.75, "count": 0.8, "movement": 0.85, "issuer": 0.85}


def ingest(article: Article, *, url: str | None = None, publisher: str | None = None, date: str | None = None,
           headline: str | None = None, gazetteer: Gazetteer | None = None, number: int | None = None) -> Candidate:
    """``number``: the source's number (``NNN`` in its slug); by default one past the gazetteer's highest.
    The review surface passes one it has reserved, so two articles pasted before either is published do
    not share a number."""
    gaz = gazetteer or packaged()
    art_date = _parse_date(date) if date else None
    line = dateline(article)
    skip = 0
    if art_date is None and line:
        art_date = line[0]
    if line:
        skip = line[2]
    head_span = next((p for p in article.paragraphs if p.start >= skip), article.paragraphs[0])
    head_text = article.text[head_span.start:head_span.end].strip()
    if _is_headline(head_text):
        skip = head_span.end
    else:  # the article starts with its lead: name it by its first words, read it whole
        words = head_text.split()
        head_text = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    number = _next_number(gaz) if number is None else number
    source_slug = f"{number:03d}-{article.sha256[:16]}"
    c = Candidate(article, iri("source", source_slug), source_slug)
    c.describe(RDF.type, dv("NewsArticleSource"))
    c.describe(dv("headline"), Literal(headline or head_text, lang="vi"))
    c.describe(dv("seedFile"), Literal(f"{number:03d}_{article.sha256[:16]}.txt"))
    c.describe(dv("articleSha256"), Literal(article.sha256))
    if art_date:
        c.describe(dv("datePublished"), Literal(art_date.isoformat(), datatype=XSD.date))
    if url:
        c.describe(URIRef(SCHEMA + "url"), URIRef(_checked_iri(url, "--url")))
    pub = _publisher(c, gaz, publisher, article)
    if pub is not None:
        c.describe(dv("publisher"), pub)

    _credits(c, article, gaz)
    ex = _Extraction(c, gaz, article, art_date)
    ctx = find_context(article, gaz)
    ex.ctx = ctx
    dates = find_dates(article, art_date)
    orgs = find_orgs(article, gaz, ctx)
    people = find_people(article, gaz, ctx)
    docs = find_documents(article, dates, gaz, ctx, orgs)
    event = find_event(article, dates, orgs, people, docs, gaz, ctx, skip=skip)
    event_iri = ex.event_iri(event) if event else None
    for o in orgs:
        ex.org(o)
    for p in people:
        ex.person(p, event_iri)
    doc_iris = {}
    for d in docs:  # one IRI per document: the year of any dated mention names them all
        if d.date and d.date.year and d.date.year_from_text:
            ex.doc_years.setdefault(d.key, d.date.year)
    for d in docs:
        doc_iris[id(d)] = ex.document(d)
    for r in find_relations(article, docs):
        s, o = doc_iris.get(id(r.subject)), doc_iris.get(id(r.object))
        if s is not None and o is not None and s != o:
            c.add(s, dv(r.prop), o, r.span, CONF["relation"])
    if event:
        ex.event(event, event_iri, doc_iris)
    for m in find_movements(article, gaz):
        node = URIRef(m.iri) if m.iri else iri("movement", m.slug)
        link = Link(m.iri, 1.0) if m.iri else Link(None, 0.0)
        c.add(node, RDF.type, dv("Movement"), m.span, CONF["movement"], link)
        label = m.name if m.iri else f'Phong trào thi đua "{m.name}"'
        c.add(node, SKOS.prefLabel, Literal(label, lang="vi"), m.span, CONF["movement"])
    return c


_BYLINE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+){1,3}")
_PHOTO = re.compile(r"(?<![^\W\d_])Ảnh\s*:\s*([^\W\d_]+(?: [^\W\d_]+){1,3})\s*(?:/\s*([^\W\d_][\w.]{1,30})|$|\n|\))",
                    re.M)


def _credits(c: Candidate, article: Article, gaz: Gazetteer) -> None:
    """The author's byline (a line of two to four capitalized words after the body, often in capitals) and
    "Ảnh: Name/Agency" photo credits: people, with dv:author / dv:photoCredit on the source."""
    def person(name: str, span: Span, prop: str) -> None:
        name = " ".join(w.capitalize() if w.isupper() else w for w in name.split())
        link = gaz.lookup(name, "person")
        node = URIRef(link.iri) if link.iri else iri("person", slug(name))
        c.add(node, RDF.type, dv("Person"), span, 0.6, Link(link.iri, round(link.score * 0.9, 2)) if link.iri else link)
        c.add(node, dv("fullName"), Literal(gaz.names.get(link.iri, name) if link.iri else name, lang="vi"), span, 0.6)
        c.describe(dv(prop), node)
    for p in article.paragraphs[3:]:
        text = article.text[p.start:p.end].strip()
        if len(text) <= 30 and _BYLINE.fullmatch(text) and all(w[0].isupper() for w in text.split()):
            start = p.start + article.text[p.start:p.end].index(text)
            person(text, Span(start, start + len(text)), "author")
            break
    for m in _PHOTO.finditer(article.text):
        if all(w[0].isupper() for w in m.group(1).split()):
            person(m.group(1), Span(m.start(1), m.end(1)), "photoCredit")
        if m.group(2):  # "Ảnh: Phương Hoa/TTXVN": the agency the photographer works for, when the graph knows it
            link = gaz.news_organization(m.group(2))
            if link.iri:
                span = Span(m.start(2), m.end(2))
                c.add(URIRef(link.iri), RDF.type, dv("NewsOrganization"), span, 0.6, link)
                c.add(URIRef(link.iri), SKOS.prefLabel, Literal(gaz.names.get(link.iri, m.group(2)), lang="vi"), span, 0.6)
                c.describe(dv("photoCredit"), URIRef(link.iri))


def _is_headline(text: str) -> bool:
    """A headline is short and is not a sentence (no final full stop)."""
    return len(text) <= 220 and not text.endswith((".", "…", "!", "?"))


def _checked_iri(text: str, option: str) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
        raise ConfigError(f"{option} {text!r} is not an http(s) address: give it without spaces or <>\"{{}}|^`.")
    return text


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--date {text!r} is not a date: give it as YYYY-MM-DD.") from None


def _next_number(gaz: Gazetteer) -> int:
    numbers = [int(m.group(1)) for i in gaz.iris if (m := re.match(r".*/id/source/(\d{3})-", i))]
    return max(numbers, default=-1) + 1


def _publisher(c: Candidate, gaz: Gazetteer, name: str | None, article: Article) -> URIRef | None:
    if name and re.match(r"https?://", name):
        return URIRef(_checked_iri(name, "--publisher"))
    span = None
    if not name:
        # "(Thanhuytphcm.vn) - …": the lead names the site
        for p in article.paragraphs[:6]:
            m = re.match(r"\(([^()\n]{2,40})\)\s*[-–]", article.text[p.start:p.end])
            if m:
                name, span = m.group(1), Span(p.start + m.start(1), p.start + m.end(1))
                break
    if not name:
        # a line of its own that is only the publisher's initials ("SGGPO", "TTXVN") near the top
        for p in article.paragraphs[:6]:
            line = article.text[p.start:p.end].strip()
            if 3 <= len(line) <= 12 and line.isupper() and " " not in line and gaz.news_organization(line).iri:
                start = p.start + article.text[p.start:p.end].index(line)
                link = gaz.news_organization(line)
                node = URIRef(link.iri)
                c.add(node, RDF.type, dv("NewsOrganization"), Span(start, start + len(line)), 0.8, link)
                c.add(node, SKOS.prefLabel, Literal(gaz.names.get(link.iri, line), lang="vi"),
                      Span(start, start + len(line)), 0.8)
                return node
        return None
    link = gaz.lookup(name, "organization")
    if link.iri:
        node = URIRef(link.iri)
        if span:
            c.add(node, RDF.type, dv("NewsOrganization"), span, 0.9, link)
            c.add(node, SKOS.prefLabel, Literal(gaz.names.get(link.iri, name), lang="vi"), span, 0.9)
        else:
            c.meta.append((node, RDF.type, dv("NewsOrganization")))
            c.meta.append((node, SKOS.prefLabel, Literal(gaz.names.get(link.iri, name), lang="vi")))
        return node
    if span:  # a name only the text gives and the graph does not know: leave it to the reviewer
        return None
    node = iri("organization", slug(name))
    c.meta.append((node, RDF.type, dv("NewsOrganization")))
    c.meta.append((node, SKOS.prefLabel, Literal(name, lang="vi")))
    return node


class _Extraction:
    def __init__(self, c: Candidate, gaz: Gazetteer, article: Article, art_date: dt.date | None):
        self.c, self.gaz, self.article, self.art_date = c, gaz, article, art_date
        self.ctx = Context()
        self.number = c.source_slug[:3]
        self.doc_years: dict[str, int] = {}
        self.doc_nodes: dict[str, URIRef] = {}
        self.places: dict[str, tuple[str, Link, str, str]] = {}  # Place.slug → resolve_place()

    def mint(self, kind: str, slug_: str) -> URIRef:
        """A new IRI by the slug rule; when the graph already has that IRI for something this is not (an
        ambiguous link, a namesake), the source's number tells them apart."""
        return iri(kind, slug_ if not self.gaz.by_slug(kind, slug_) else f"{slug_}-{self.number}")

    # ---------------------------------------------------------------- places and organizations
    def resolve_place(self, p: Place) -> tuple[str, Link, str, str]:
        """(slug, link, class, Vietnamese name) of the place ``p`` names: a unit of the national reference
        data (of the article's province, of the era of the article's date), else one of the graph's, else
        minted by the IRI rule — the unit's name, then its province's (docs/sources.md)."""
        if p.slug not in self.places:
            self.places[p.slug] = self._resolve_place(p)
        return self.places[p.slug]

    def _resolve_place(self, p: Place) -> tuple[str, Link, str, str]:
        nat, gaz = self.gaz.national, self.gaz
        name = p.label if p.slug == "tphcm" else p.name
        if nat is not None:
            level = {"Province": "province", "District": "district", "AdministrativeUnit": "commune"}.get(p.cls)
            within = None
            province = self.ctx.province
            if level != "province" and province is not None and province.slug != p.slug:
                pslug, plink, _, _ = self.resolve_place(province)
                within = {pslug} | {a.rsplit("/", 1)[1] for a in plink.alternatives}
            found = (nat.find(name, level, p.unit, within, self.art_date)
                     or nat.find(name, None, p.unit, within, self.art_date))
            if len(found) > 1 and self.art_date is None and len({f.unit.short for f in found}) == 1 \
                    and {f.unit.era for f in found} == {"legacy", "2025"}:
                # no date to choose the era by: the unit as it stood before 2025 (the 2025 one listed)
                legacy = [f for f in found if f.unit.era == "legacy"]
                others = tuple(iri("place", f.slug) for f in found if f.unit.era != "legacy")
                if len(legacy) == 1:
                    f = legacy[0]
                    return f.slug, Link(str(iri("place", f.slug)), 0.8, tuple(map(str, others))), f.cls, f.unit.name
            if len(found) == 1:
                f = found[0]
                # the name with its marks and the type word the text gives ("Huyện ủy Kim Bảng" names the
                # unit the reference data lists as "Thị xã Kim Bảng", its type since 2025: 0.9)
                exact = name in (f.unit.name, f.unit.short) and (not p.unit or p.unit.lower() == f.unit.kind.lower())
                return f.slug, Link(str(iri("place", f.slug)), 1.0 if exact else 0.9), f.cls, f.unit.name
            if found:
                alternatives = tuple(sorted(str(iri("place", f.slug)) for f in found))
                minted = self._minted_place_slug(p)
                return minted, Link(None, round(1 / len(found), 2), alternatives), p.cls, p.label
        link = gaz.lookup(p.label, "place")
        if link.iri:
            return link.iri.rsplit("/", 1)[1], link, self._place_class(link.iri, p), gaz.names.get(link.iri, p.label)
        return self._minted_place_slug(p), link, p.cls, p.label

    def _minted_place_slug(self, p: Place) -> str:
        """The IRI rule for a unit the reference data does not hold: its full name, then its parents'."""
        own = slug(p.state_ref)
        parent = None
        if p.cls != "Province":
            parent = self.ctx.district if p.cls == "AdministrativeUnit" and self.ctx.district else self.ctx.province
        if parent is None or parent.slug == p.slug:
            return own
        return f"{own}--{self.resolve_place(parent)[0]}"

    def place(self, p: Place) -> URIRef:
        slug_, link, cls, name = self.resolve_place(p)
        node = URIRef(link.iri) if link.iri else self.mint("place", slug_)
        self.c.add(node, RDF.type, dv(cls), p.span, CONF["place"], link)
        self.c.add(node, SKOS.prefLabel, Literal(name, lang="vi"), p.span, CONF["place"])
        if not link.iri:
            self.c.add(node, SKOS.prefLabel, Literal(place_en(p), lang="en"), p.span, CONF["place"])
        return node

    def _place_class(self, iri_: str, p: Place) -> str:
        known = self.gaz.types.get(iri_, set()) & {"Province", "District", "Commune", "Country", "AdministrativeUnit"}
        return sorted(known)[0] if known else p.cls

    def _body_link(self, o: Org) -> tuple[str, Link, str | None, str | None]:
        """(slug, link, class, Vietnamese name) of a body of an administrative unit: ``{body}--{place}``,
        the reference data's or the graph's when it holds that IRI, else minted by that rule. An ambiguous
        place makes the body ambiguous too: minted, with the bodies of each candidate place as alternatives."""
        place_slug, plink, _, _ = self.resolve_place(o.place)
        body_slug = f"{o.body}--{place_slug}"
        nat = self.gaz.national
        alternatives = tuple(str(iri("organization", f"{o.body}--{a.rsplit('/', 1)[1]}")) for a in plink.alternatives
                             if nat is not None and nat.body(o.body, a.rsplit("/", 1)[1]))
        if plink.iri is None and plink.alternatives:
            return body_slug, Link(None, plink.score if alternatives else 0.0, alternatives), None, None
        found = nat.body(o.body, place_slug) if nat is not None else None
        if found:
            return body_slug, Link(str(iri("organization", body_slug)), plink.score, alternatives), found[2], found[1]
        known = self.gaz.by_slug("organization", body_slug)
        if known:
            return body_slug, Link(known, 1.0), None, self.gaz.names.get(known)
        return body_slug, Link(None, 0.0), None, None

    def org(self, o: Org) -> URIRef:
        national_cls = name = None
        if o.body and o.place is not None:
            slug_, link, national_cls, name = self._body_link(o)
        else:
            slug_ = o.slug
            known = self.gaz.by_slug("organization", o.slug)
            link = Link(known, 1.0) if known else self.gaz.lookup(o.label, "organization")
        node = URIRef(link.iri) if link.iri else self.mint("organization", slug_)
        cls = national_cls or o.cls
        if link.iri:  # keep the class the graph gives it (our class from the name is coarser)
            known_cls = self.gaz.types.get(link.iri, set())
            if known_cls and cls not in known_cls:
                cls = sorted(known_cls)[0]
        self.c.add(node, RDF.type, dv(cls), o.span, CONF["org"], link)
        name = name or (self.gaz.names.get(link.iri, o.label) if link.iri else o.label)
        self.c.add(node, SKOS.prefLabel, Literal(name, lang="vi"), o.span, CONF["org"])
        english = org_en(o) if not link.iri else None
        if english:
            self.c.add(node, SKOS.prefLabel, Literal(english, lang="en"), o.span, CONF["org"])
        if o.parent is not None:
            self.c.add(node, dv("subOrganizationOf"), self.org(o.parent), o.span, CONF["org"])
        if o.place is not None and cls in ("PartyCommittee", "PeoplesCommittee", "PeoplesCouncil", "FatherlandFront",
                                           "SocioPoliticalOrganization"):
            self.c.add(node, dv("jurisdiction"), self.place(o.place), o.span, CONF["org"])
        return node

    # ---------------------------------------------------------------- people and posts
    def person(self, p: PersonMention, event: URIRef | None) -> URIRef:
        link = self.gaz.lookup(p.name, "person")
        if link.iri:
            link = Link(link.iri, round(link.score * 0.9, 2))  # a name alone: a namesake is possible
        node = URIRef(link.iri) if link.iri else self.mint("person", p.slug)
        self.c.add(node, RDF.type, dv("Person"), p.span, CONF["person"], link)
        name = self.gaz.names.get(link.iri, p.name) if link.iri else p.name
        self.c.add(node, dv("fullName"), Literal(name, lang="vi"), p.span, CONF["person"])
        for post in p.posts:
            org = self.org(post.org)
            role = iri("role", post.role.slug)
            self.c.add(role, RDF.type, dv("Role"), post.span, CONF["role"])
            self.c.add(role, SKOS.prefLabel, Literal(post.role.vi, lang="vi"), post.span, CONF["role"])
            self.c.add(role, SKOS.prefLabel, Literal(post.role.en, lang="en"), post.span, CONF["role"])
            pnode = iri("post", f"{node.rsplit('/', 1)[1]}--{post.role.slug}--{org.rsplit('/', 1)[1]}")
            span = Span(min(p.span.start, post.span.start), max(p.span.end, post.span.end))
            self.c.add(pnode, RDF.type, dv("Post"), span, CONF["post"])
            self.c.add(pnode, dv("holder"), node, span, CONF["post"])
            self.c.add(pnode, dv("role"), role, post.span, CONF["post"])
            self.c.add(pnode, dv("postIn"), org, post.span, CONF["post"])
            if self.art_date:
                self.c.add(pnode, dv("attestedOn"), Literal(self.art_date.isoformat(), datatype=XSD.date), span,
                           CONF["post"])
            if event is not None:
                self.c.add(pnode, dv("attestedAt"), event, span, CONF["post"])
        return node

    # ---------------------------------------------------------------- documents
    def document(self, d: DocMention) -> URIRef:
        if d.refers_to is not None:
            return self.document(d.refers_to)
        link = self._doc_link(d)
        place = self.ctx.province.slug if self.ctx.province else None
        year = self.doc_years.get(d.key) or d.year
        if d.carries_out is not None:  # "{type}-{issuer}-{what it carries out}"
            target = self.document(d.carries_out)
            issuer = self.org(d.issuer) if d.issuer is not None else None
            parts = [d.type] + ([str(issuer).rsplit("/", 1)[-1]] if issuer is not None else [])
            local = "-".join(parts + [str(target).rsplit("/", 1)[-1]])
        elif d.named:
            local = d.named
        elif d.number and not d.state:
            num, level = d.number.split("-", 1)[0], slug(d.level or "")
            local = f"{d.type}-{int(num):d}-{level}" if num.isdigit() else f"{d.type}-{slug(num)}-{level}"
            if d.level not in ("TW",) and place and not d.level.startswith("TW"):
                local += f"-{place}"
        elif d.number:
            parts = d.number.replace("/", "-").split("-")
            local = f"{d.type}-{parts[0]}-{slug(parts[-1])}" + (f"-{place}" if "UBND" in d.number and place else "")
        else:
            local = f"{d.type}-{d.short}" + (f"-{place}" if place else "")
        if year and not d.named and d.carries_out is None and not (local.endswith(str(year))):
            local += f"-{year}"
        node = URIRef(link.iri) if link.iri else self.mint("document", local)
        node = self.doc_nodes.setdefault(d.key, node)
        conf = CONF["number"] if d.number and not d.inferred else (CONF["short-linked"] if link.iri or d.inferred
                                                                      else CONF["short"])
        cls = d.cls
        if link.iri and d.number is None:
            known = self.gaz.types.get(link.iri, set()) & {"PartyDocument", "StateDocument", "Document"}
            cls = sorted(known)[0] if known else cls
        c = self.c
        c.add(node, RDF.type, dv(cls), d.span, conf, link)
        c.add(node, dv("documentType"), iri("document-type", d.type), d.span, conf)
        if d.number:
            c.add(node, dv("documentNumber"), Literal(d.number), d.span, conf)
        elif link.iri:
            known_numbers = [n for n, iris in self.gaz.numbers.items() if link.iri in iris]
            if known_numbers:
                c.add(node, dv("documentNumber"), Literal(known_numbers[0]), d.span, conf)
            elif link.iri in self.gaz.titles:
                c.add(node, dv("title"), Literal(self.gaz.titles[link.iri], lang="vi"), d.span, conf)
        elif d.short:
            c.add(node, dv("documentNumber"), Literal(d.short), d.span, conf)
        if not link.iri and d.term:
            c.add(node, dv("partyTerm"), Literal(d.term), d.span, conf)
            if d.plenum:
                c.add(node, dv("adoptedAtPlenum"), Literal(d.plenum), d.span, conf)
                c.add(node, SKOS.altLabel, Literal(self.article.text[d.span.start:d.span.end], lang="vi"), d.span, conf)
                if not d.title:  # a document needs a number or a title (dvsh): the plenum's name, until one is read
                    c.add(node, dv("title"), Literal(f"Nghị quyết Hội nghị lần thứ {d.plenum} Ban Chấp hành Trung "
                                                     f"ương Đảng khóa {d.term}", lang="vi"), d.span, conf)
        if not link.iri and d.period:
            for prop, y in zip(("periodStart", "periodEnd"), d.period):
                c.add(node, dv(prop), Literal(str(y), datatype=XSD.gYear), d.span, conf)
        if d.date is not None:
            if d.date.iso and d.date.year_from_text:
                c.add(node, dv("dateIssued"), Literal(d.date.iso, datatype=XSD.date),
                      Span(d.date.start, d.date.end), CONF["date-text"])
            elif not d.date.year_from_text:
                c.add(node, dv("issuedMonthDay"), Literal(d.date.month_day, datatype=XSD.gMonthDay),
                      Span(d.date.start, d.date.end), CONF["date-article"])
        if d.issuer is not None:
            c.add(node, dv("issuedBy"), self.org(d.issuer), d.issuer.span, CONF["issuer"])
        if d.title and d.title_span:
            c.add(node, dv("title"), Literal(d.title, lang="vi"), d.title_span, CONF["title"])
        return node

    def _doc_link(self, d: DocMention) -> Link:
        gaz = self.gaz
        if d.linked:
            return Link(d.linked, 0.9)
        if d.named or d.carries_out is not None:
            return Link(None, 0.0)
        if d.number:
            found = sorted(gaz.numbers.get(d.number, set()))
        else:
            code_of = {"qd": "QĐ", "qdi": "QĐi", "ct": "CT", "nq": "NQ", "kl": "KL", "kh": "KH", "hd": "HD", "da": "ĐA",
                       "qc": "QC", "ctr": "CTr", "ctrhd": "CTrHĐ", "nd": "NĐ", "tb": "TB", "bc": "BC"}
            code = code_of.get(d.type, "")
            found = sorted(i for n, iris in gaz.numbers.items() for i in iris
                           if re.match(rf"0*{d.short}-{code}/", n))
        if len(found) > 1 and self.ctx.province:
            near = [i for i in found if f"-{self.ctx.province.slug}" in i]
            found = near or found
        if len(found) == 1:
            return Link(found[0], 1.0 if d.number else 0.7)
        if found:
            return Link(None, round(1 / len(found), 2), tuple(found))
        return Link(None, 0.0)

    # ---------------------------------------------------------------- events
    def event_iri(self, ev: EventMention) -> URIRef:
        parts = []
        if ev.date and ev.date.iso:
            parts.append(ev.date.iso)
        place = ev.place or self.ctx.district or self.ctx.province
        if place:
            parts.append(place.slug)
        parts.append(ev.kind)
        return iri("event", "-".join(parts))

    def event(self, ev: EventMention, node: URIRef, doc_iris: dict) -> None:
        c = self.c
        span = ev.span
        c.add(node, RDF.type, dv(ev.cls), span, CONF["event"])
        where = ev.place or self.ctx.district or self.ctx.province
        label = f"{ev.label} ({where.label})" if where else ev.label
        c.add(node, SKOS.prefLabel, Literal(label, lang="vi"), span, CONF["event"])
        english = EVENT_EN[ev.kind] + (f" ({place_en(where)})" if where else "")
        c.add(node, SKOS.prefLabel, Literal(english, lang="en"), span, CONF["event"])
        if ev.date:
            dspan = Span(ev.date.start, ev.date.end)
            if ev.date.iso:
                conf = CONF["date-text"] if ev.date.year_from_text else CONF["date-article"]
                c.add(node, dv("startDate"), Literal(ev.date.iso, datatype=XSD.date), dspan, conf)
            else:
                c.add(node, dv("startMonthDay"), Literal(ev.date.month_day, datatype=XSD.gMonthDay), dspan,
                      CONF["date-text"])
            if ev.date.part_of_day:
                c.add(node, dv("partOfDay"), dv(ev.date.part_of_day), dspan, CONF["date-text"])
        if ev.organizer:
            c.add(node, dv("organizer"), self.org(ev.organizer), ev.organizer.span, CONF["event"])
        if ev.place:
            c.add(node, dv("location"), self.place(ev.place), ev.place.span, CONF["event"])
        for r in ev.people:
            person = self.person(r.person, node)
            c.add(node, dv(r.prop), person, r.span, CONF["event"] - 0.1)
        prop = dv("surveysImplementationOf") if ev.cls == "SurveyVisit" else dv("disseminates")
        for d, dspan in ev.documents:
            target = doc_iris.get(id(d))
            if target is not None:
                c.add(node, prop, target, dspan, CONF["event"] - 0.1)
        if ev.count:
            n, approx, cspan = ev.count
            c.add(node, dv("attendeeCount"), Literal(n), cspan, CONF["count"])
            if approx:
                c.add(node, dv("attendeeCountIsApproximate"), Literal(True), cspan, CONF["count"])
        for place, pspan in ev.points:
            pl = self.place(place)
            stem = node.rsplit("/", 1)[1].split("-hoi-nghi")[0]
            cp = iri("connection-point", f"{stem}-{place.slug}")
            c.add(cp, RDF.type, dv("ConnectionPoint"), pspan, CONF["event"])
            c.add(cp, SKOS.prefLabel, Literal(f"Điểm cầu {place.state_ref}", lang="vi"), pspan, CONF["event"])
            c.add(cp, SKOS.prefLabel, Literal(f"{place_en(place)} connection point", lang="en"), pspan, CONF["event"])
            c.add(cp, dv("pointLocation"), pl, pspan, CONF["event"])
            c.add(node, dv("connectionPoint"), cp, pspan, CONF["event"])
        if ev.point_count:
            c.add(node, dv("grassrootsConnectionPointCount"), Literal(ev.point_count[0]), ev.point_count[1], CONF["count"])
