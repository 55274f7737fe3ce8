"""Document references in every written form: "23-QĐ/TW", "Quyết định số 23-QĐ/TW", "84 QĐ/TWĐTN",
"367-QĐ/TWĐTN-VP", "30/2020/NĐ-CP", "88/QĐ-UBND", and by type and number only ("Quyết định 23",
"QĐ 23", "Quy chế 05"); Party resolutions named by the meeting that adopted them ("Nghị quyết Trung
ương 7 (khóa XI)", "Nghị quyết Đại hội XIII của Đảng"); a programme or plan named by what it carries out
("Chương trình hành động thực hiện Nghị quyết …"); with their date, issuer and title where the text gives
them, and the relations between them ("thay thế", "căn cứ", "cụ thể hóa", "triển khai").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.ingest.article import Article, Span, fold
from graph.ingest.dates import DateMention
from graph.ingest.gazetteer import Gazetteer
from graph.ingest.names import Context, Org, find_orgs, read_org
from graph.ingest.numbers import parse_number

# folded code in a number → (canonical notation, type slug)
CODES = {"qdi": ("QĐi", "qdi"), "qd": ("QĐ", "qd"), "ctrhd": ("CTrHĐ", "ctrhd"), "ctr": ("CTr", "ctr"),
         "ct": ("CT", "ct"), "nq": ("NQ", "nq"), "kl": ("KL", "kl"), "kh": ("KH", "kh"), "hd": ("HD", "hd"),
         "da": ("ĐA", "da"), "qc": ("QC", "qc"), "tb": ("TB", "tb"), "bc": ("BC", "bc"), "nd": ("NĐ", "nd")}
# the type as a word → type slug (longest first)
WORDS = [("chuong trinh hanh dong", "ctrhd"), ("chuong trinh", "ctr"), ("quyet dinh", "qd"), ("quy dinh", "qdi"),
         ("chi thi", "ct"), ("nghi quyet", "nq"), ("ket luan", "kl"), ("ke hoach", "kh"), ("huong dan", "hd"),
         ("de an", "da"), ("quy che", "qc"), ("thong bao", "tb"), ("nghi dinh", "nd")]
WORD_LABEL = {"ctrhd": "Chương trình hành động", "ctr": "Chương trình", "qd": "Quyết định", "qdi": "Quy định",
              "ct": "Chỉ thị", "nq": "Nghị quyết", "kl": "Kết luận", "kh": "Kế hoạch", "hd": "Hướng dẫn",
              "da": "Đề án", "qc": "Quy chế", "tb": "Thông báo", "bc": "Báo cáo", "nd": "Nghị định"}
PARTY_LEVELS = {"TW", "TU", "HU", "ĐU", "ĐUK", "CB"}
_CODE = "|".join(sorted(CODES, key=len, reverse=True))
_PARTY = re.compile(rf"(?<![\w/])(\d{{1,4}})\s*[-–]?\s*({_CODE})\s*/\s*([a-z]{{2,8}})(?:-([a-z]{{1,6}}))?(?![\w/])")
_STATE_Y = re.compile(rf"(?<![\w/])(\d{{1,5}})\s*/\s*(\d{{4}})\s*/\s*({_CODE}|tt|tt)\s*-\s*([a-z]{{2,10}})(?![\w/])")
_STATE = re.compile(rf"(?<![\w/])(\d{{1,5}})\s*/\s*({_CODE})\s*-\s*([a-z]{{2,10}})(?![\w/])")
_TYPE_WORD = "|".join(w for w, _ in WORDS)
_SHORT = re.compile(rf"(?<![a-z])(?:({_TYPE_WORD})|({_CODE}))\s+(?:so\s+)?(\d{{1,4}})(?![\d/\w-])")
_PREFIX = re.compile(rf"(?:({_TYPE_WORD})\s+(?:so\s+)?)$")
_LEVEL_TEXT = {"tu": "TU", "tw": "TW", "hu": "HU", "du": "ĐU", "duk": "ĐUK", "cb": "CB", "qu": "QU", "tu.": "TU"}


@dataclass
class DocMention:
    span: Span
    type: str  # slug of the document type
    number: str | None  # as the graph writes it ("23-QĐ/TW"), None for "Quyết định 23"
    short: str | None  # the bare number of a short reference
    level: str | None  # "TW", "TU"… (Party), None otherwise
    state: bool = False
    year: int | None = None  # from a State number
    date: DateMention | None = None
    issuer: Org | None = None
    title: str | None = None
    title_span: Span | None = None
    key: str = ""  # one key per document the article names (mentions of one document share it)
    inferred: bool = False  # the number's level comes from the issuer, not the text
    linked: str | None = None  # found by a name the graph gives this document
    refers_to: "DocMention | None" = None
    named: str | None = None  # the slug of a document named, not numbered (a resolution, a plan of what it carries out)
    plenum: int | None = None  # a Central Committee resolution's plenum ("Trung ương 7")
    term: str | None = None  # its Party term ("khóa XI"), or the congress's ("Đại hội XIII")
    period: tuple[int, int] | None = None  # "nhiệm kỳ 2020-2025"
    carries_out: "DocMention | None" = None  # "Chương trình hành động thực hiện …": the document it carries out

    @property
    def cls(self) -> str:
        if self.state:
            return "StateDocument"
        return "PartyDocument" if self.level in PARTY_LEVELS else "Document"


def find_documents(a: Article, dates: list[DateMention], gaz: Gazetteer, ctx: Context,
                   orgs: list[Org] | None = None) -> list[DocMention]:
    f, t = a.folded, a.text
    found: list[DocMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= x or s >= y for x, y in taken)

    def start_of(m: re.Match) -> int:
        # "Quyết định số 23-QĐ/TW": the mention starts at the type word
        p = _PREFIX.search(f[max(0, m.start() - 30):m.start()])
        return m.start() - (len(p.group(0)) if p else 0)

    for m in _STATE_Y.finditer(f):
        code = CODES.get(m.group(3), (t[m.start(3):m.end(3)].upper(), None))
        if code[1] is None:
            continue
        number = f"{m.group(1)}/{m.group(2)}/{code[0]}-{t[m.start(4):m.end(4)].upper()}"
        found.append(DocMention(Span(start_of(m), m.end()), code[1], number, None, None, True, int(m.group(2))))
        taken.append((m.start(), m.end()))
    for m in _STATE.finditer(f):
        if not free(m.start(), m.end()):
            continue
        code = CODES[m.group(2)]
        number = f"{m.group(1)}/{code[0]}-{t[m.start(3):m.end(3)].upper().replace('UBND', 'UBND')}"
        found.append(DocMention(Span(start_of(m), m.end()), code[1], number, None, None, True))
        taken.append((m.start(), m.end()))
    for m in _PARTY.finditer(f):
        if not free(m.start(), m.end()):
            continue
        code = CODES[m.group(2)]
        level = _LEVEL_TEXT.get(m.group(3)) or t[m.start(3):m.end(3)].upper()
        if level == "TƯ":
            level = "TW"
        number = f"{m.group(1)}-{code[0]}/{level}"
        if m.group(4):
            number += "-" + t[m.start(4):m.end(4)].upper()
            level = level + "-" + t[m.start(4):m.end(4)].upper()
        found.append(DocMention(Span(start_of(m), m.end()), code[1], number, None, level))
        taken.append((m.start(), m.end()))
    for m in _SHORT.finditer(f):
        if not free(m.start(), m.end()):
            continue
        type_ = dict(WORDS).get(m.group(1)) if m.group(1) else CODES[m.group(2)][1]
        if m.group(2) and not t[m.start(2)].isupper():
            continue  # "qd 23" in lower case is not an abbreviation
        found.append(DocMention(Span(m.start(), m.end()), type_, None, m.group(3), None))
        taken.append((m.start(), m.end()))
    for d in _named_resolutions(a, gaz):
        if free(d.span.start, d.span.end):
            found.append(d)
            taken.append((d.span.start, d.span.end))
    # documents the graph knows by a name rather than a number
    for label, iris in gaz.labels.items():
        docs = sorted(i for i in iris if gaz.kind(i) == "document" and i in gaz.doc_types)
        if len(label) < 12 or len(docs) != 1:
            continue
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(label) + r"(?![a-z0-9])", f):
            if free(m.start(), m.end()):
                found.append(DocMention(Span(m.start(), m.end()), gaz.doc_types[docs[0]], None, None, None,
                                        linked=docs[0]))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.span.start)
    found += _carrying_out(a, found, gaz, ctx, orgs)
    titled = [d for d in _titled(a, gaz) if free(d.span.start, d.span.end)]
    found.sort(key=lambda d: d.span.start)
    for d in found:
        _details(d, a, dates, gaz, ctx)
    # a name that is (part of) the title of a document the article or the graph numbers is that document's
    # subject ("ban hành Quy chế công tác dân vận …"), not a document of its own
    if titled:
        subjects = {fold(x.title) for x in found if x.title} | {fold(x) for x in gaz.titles.values()}
        found += [d for d in titled if d.linked or not any(fold(d.title) in x for x in subjects)]
    found.sort(key=lambda d: d.span.start)
    _resolve_short(found)
    return found


# "thực hiện tốt Quy chế dân chủ ở cơ sở": a regulation known by its name, no number. The name is the
# capitalized type word and the lower-case words after it, up to a comma, a full stop or a word that
# starts the rest of the clause
_TITLED = re.compile(r"(?<![^\W\d_])(Quy chế|Quy định|Điều lệ)((?: [^\W\d_]+){2,8})")
_TITLE_STOP = set("của và tại trong cho được là đã này cũng chỉ khẳng đảm nêu quy với về đối nhằm theo số mới "
                  "trên phải gồm có cần khi ngày thì để do từ".split())  # with their marks: "có" ≠ "cơ"


def _titled(a: Article, gaz: Gazetteer) -> list[DocMention]:
    """Regulations named, not numbered: linked when the graph has one document of that title, minted
    (``qc-dan-chu-o-co-so``) only when the article names it twice or more — a name repeated is a name."""
    t, f = a.text, a.folded
    out = []
    by_title: dict[str, list[str]] = {}
    for i, title in gaz.titles.items():
        by_title.setdefault(fold(title), []).append(i)
    counts: dict[str, int] = {}
    for m in _TITLED.finditer(t):
        words = m.group(2).split()
        cut = next((i for i, w in enumerate(words) if w in _TITLE_STOP or not w[0].islower()), len(words))
        words = words[:cut]
        if len(words) < 2:
            continue
        name = f"{m.group(1)} {' '.join(words)}"
        type_ = dict(WORDS)[fold(m.group(1))]
        same = sorted(i for i in by_title.get(fold(name), ()) if gaz.kind(i) == "document")
        if fold(name) not in counts:
            counts[fold(name)] = len(re.findall(r"(?<![a-z])" + re.escape(fold(name)) + r"(?![a-z])", f))
        if len(same) != 1 and counts[fold(name)] < 2:
            continue
        d = DocMention(Span(m.start(), m.start() + len(name)), type_, None, None, None,
                       named=f"{type_}-{'-'.join(fold(w) for w in words)}", title=name,
                       linked=same[0] if len(same) == 1 else None)
        d.title_span = d.span
        out.append(d)
    return out


_ROMAN = r"[ivxl]{1,6}"
_ORDINAL = r"\d{1,2}|nhat|(?:muoi\s+)?(?:mot|hai|ba|tu|bon|nam|lam|sau|bay|tam|chin)|muoi"
# "Nghị quyết Trung ương 7 (khóa XI)", "Nghị quyết Hội nghị Trung ương 7 khóa XI", "Nghị quyết Hội nghị lần
# thứ bảy Ban Chấp hành Trung ương Đảng khóa XI"
_PLENUM = re.compile(rf"nghi quyet\s+(?:hoi nghi\s+)?(?:lan thu\s+(?P<n1>{_ORDINAL})\s+)?(?:ban chap hanh\s+|bch\s+)?"
                     rf"(?:trung uong|tw)(?:\s+dang)?(?:\s+(?:lan thu\s+)?(?P<n2>{_ORDINAL}))?\s*[,(]?\s*"
                     rf"khoa\s+(?P<term>{_ROMAN})(?![a-z])\s*\)?")
# "Nghị quyết Đại hội XIII của Đảng", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII", "… Đại hội Đảng
# toàn quốc lần thứ XIII"
_CONGRESS = re.compile(rf"nghi quyet\s+dai hoi\s+(?:dai bieu\s+)?(?:dang\s+)?(?:toan quoc\s+)?(?:lan thu\s+)?"
                       rf"(?P<term>{_ROMAN})(?![a-z])(?:\s+cua dang(?![a-z]))?")
# "Nghị quyết đại hội đảng bộ các cấp, nhiệm kỳ 2020-2025"
_EVERY_LEVEL = re.compile(r"nghi quyet\s+dai hoi\s+(?:dai bieu\s+)?dang bo cac cap\s*,?\s*(?:nhiem ky\s+)?"
                          r"(\d{4})\s*[-–]\s*(\d{4})")
CENTRAL_COMMITTEE = ("Ban Chấp hành Trung ương Đảng", "ban-chap-hanh-trung-uong", "CentralCommittee")


def _ordinal(word: str) -> int | None:
    return 1 if word == "nhat" else int(word) if word.isdigit() else parse_number(word)


def _named_resolutions(a: Article, gaz: Gazetteer) -> list[DocMention]:
    """Party resolutions named by the meeting that adopted them: linked to the graph's one resolution of
    that term and plenum, else minted (``nq-hoi-nghi-tw-7-khoa-xi``, ``nq-dai-hoi-xiii``)."""
    f, t = a.folded, a.text
    out = []
    for m in _PLENUM.finditer(f):
        n = m.group("n1") or m.group("n2")
        plenum = _ordinal(n) if n else None
        term = t[m.start("term"):m.end("term")]
        if plenum is None or not term.isupper():  # a term is written in capitals: "khóa XI"
            continue
        term = term.upper()
        end = m.end() if f[m.end() - 1] != ")" or "(" in f[m.start():m.end()] else m.end() - 1
        d = DocMention(Span(m.start(), end), "nq", None, None, "TW", plenum=plenum, term=term,
                       linked=gaz.resolution(term, plenum),
                       named=f"nq-hoi-nghi-tw-{plenum}-khoa-{term.lower()}")
        d.issuer = Org(CENTRAL_COMMITTEE[0], CENTRAL_COMMITTEE[1], CENTRAL_COMMITTEE[2], d.span)
        out.append(d)
    for m in _CONGRESS.finditer(f):
        term = t[m.start("term"):m.end("term")]
        if not term.isupper():
            continue
        term = term.upper()
        out.append(DocMention(Span(m.start(), m.end()), "nq", None, None, "TW", term=term,
                              linked=gaz.resolution(term, None), named=f"nq-dai-hoi-{term.lower()}",
                              title=f"Nghị quyết Đại hội đại biểu toàn quốc lần thứ {term} của Đảng"))
    for m in _EVERY_LEVEL.finditer(f):
        y1, y2 = int(m.group(1)), int(m.group(2))
        out.append(DocMention(Span(m.start(), m.end()), "nq", None, None, "ĐU", period=(y1, y2),
                              named=f"nq-dai-hoi-dang-bo-cac-cap-{y1}-{y2}",
                              title=f"Nghị quyết đại hội đảng bộ các cấp, nhiệm kỳ {y1}-{y2}"))
    for d in out:
        if d.title:
            d.title_span = d.span
    return out


# "… đã xây dựng Chương trình hành động thực hiện Nghị quyết …", "Kế hoạch triển khai Chỉ thị …": a document
# named by its type (capitalized, no number) and by the document it carries out, written right after it
_CARRYING = re.compile(rf"(?<![a-z])({_TYPE_WORD})\s+(?:cua\s+(?P<of>[^,;.]{{3,80}}?)\s+)?"
                       r"(?=(?:trien khai thuc hien|trien khai|thuc hien|cu the hoa)\s)")
_ISSUING = re.compile(r"\s+(?:da\s+|vua\s+|moi\s+)?(?:xay dung|ban hanh|trien khai xay dung)\s+$")


def _carrying_out(a: Article, found: list[DocMention], gaz: Gazetteer, ctx: Context,
                  orgs: list[Org] | None) -> list[DocMention]:
    f, t = a.folded, a.text
    out = []
    orgs = find_orgs(a, gaz, ctx) if orgs is None else orgs
    for m in _CARRYING.finditer(f):
        if not t[m.start()].isupper() or any(d.span.start <= m.start() < d.span.end for d in found):
            continue  # "xây dựng kế hoạch thực hiện": a plan in general, not one document
        verb = re.compile(r"(?:trien khai thuc hien|trien khai|thuc hien|cu the hoa)\s+").match(f, m.end())
        target = next((d for d in found if d.span.start == verb.end()), None)
        if target is None:
            continue
        type_ = dict(WORDS)[m.group(1)]
        d = DocMention(Span(m.start(), m.end(1)), type_, None, None, None, carries_out=target,
                       title=f"{WORD_LABEL[type_]} {t[m.end():target.span.end].strip()}")
        d.title_span = Span(m.start(), target.span.end)
        if m.group("of"):
            d.issuer = read_org(a, m.start("of"), gaz, ctx)
        else:  # the sentence's subject: "Đảng bộ Khối … đã xây dựng Chương trình …"
            sentence = a.sentence_of(m.start())
            d.issuer = next((o for o in orgs if sentence.start <= o.span.start and
                             _ISSUING.fullmatch(f[o.span.end:m.start()])), None)
        d.level = target.level if target.cls == "PartyDocument" else None  # a Party document's plan is the Party's
        out.append(d)
    return out


_AFTER_DATE = re.compile(r"\s*,?\s*(?:\(?\s*)?(?:ban hanh\s+)?(?:ngay\s*)?$")
_ISSUER = re.compile(r"[\s,)]*(?:ngay\s+[\d/ thangm-]+\s*)?[\s,)]*cua\s+")
_TITLE = re.compile(r"\s*,?\s*(?:cua\s+[^,;.()]{3,60}?\s+)?(?:ve\s+(?:viec\s+)?)(?=\S)")
# where a title written after "về" ends: punctuation that closes a clause, another document, a verb
_TITLE_END = re.compile(rf"[;.()\n“”\"]|,\s*ngay\s|\s+(?:va|cung|,)\s*(?:{_TYPE_WORD}|{_CODE})\s|"
                        r"\s+(?:da|duoc|nham|voi|dong thoi|tai)\s|$")
_QUOTED = re.compile(r"\s*,?\s*(?:ve\s+)?[“\"]([^”\"\n]{6,200})[”\"]")


def _details(d: DocMention, a: Article, dates: list[DateMention], gaz: Gazetteer, ctx: Context) -> None:
    f, t = a.folded, a.text
    end = d.span.end
    sentence = a.sentence_of(d.span.start)
    for dm in dates:
        if end <= dm.start <= end + 12 and re.fullmatch(r"[\s,(]*(?:ngay\s*)?", f[end:dm.start]):
            d.date = dm
            end = dm.end
            break
    if d.date is None:
        # "Ngày 5/10/2021, UBND tỉnh … ban hành Kế hoạch 88/KH-UBND": the sentence's date, before "ban hành"
        for dm in dates:
            if sentence.start <= dm.start and dm.end <= d.span.start and \
                    re.search(r"(?<![a-z])ban hanh\s+$", f[dm.end:d.span.start]) and \
                    not re.search(r"\d+\s*[-/]\s*[a-z]", f[dm.end:d.span.start]):
                d.date = dm
    m = _ISSUER.match(f, end)
    if m and m.end() < sentence.end:
        org = read_org(a, m.end(), gaz, ctx)
        if org and not org.partial:
            d.issuer = org
            end = org.span.end
    q = _QUOTED.match(f, end)  # on the folded text, where "về" is "ve"; the title from the text itself
    if q:
        d.title, d.title_span = t[q.start(1):q.end(1)].strip(), Span(q.start(1), q.end(1))
        return
    m = _TITLE.match(f, end)
    if m:
        stop = _TITLE_END.search(f, m.end(), sentence.end + 1)
        close = stop.start() if stop else sentence.end
        title = t[m.end():close].strip(" ,")
        if 6 <= len(title) <= 200:  # longer: the sentence ran on, not a title
            d.title = title[0].upper() + title[1:]
            d.title_span = Span(m.end(), m.end() + len(t[m.end():close].rstrip(" ,")))


ISSUER_LEVELS = {"PartyCommittee": None, "Politburo": "TW", "CentralCommittee": "TW", "Secretariat": "TW"}
_LEVEL_OF_HEAD = {"tinh-uy": "TU", "thanh-uy": "TU", "huyen-uy": "HU", "quan-uy": "HU", "thi-uy": "HU"}


def issuer_level(org: Org | None) -> str | None:
    """The level suffix a Party body's documents carry: TW for the central bodies, TU for a province's
    committee and its boards, HU for a district's (the numbering rule of DESIGN.md §3)."""
    while org is not None:
        if org.cls in ("Politburo", "CentralCommittee", "Secretariat"):
            return "TW"
        for head, level in _LEVEL_OF_HEAD.items():
            if org.slug.startswith(head + "-"):
                return level
        org = org.parent
    return None


def _resolve_short(found: list[DocMention]) -> None:
    """"Quyết định 23" names the "23-QĐ/…" the article writes in full, when there is exactly one; else
    a Party body named as its issuer gives the number its level ("Đề án 02 … của BTV Tỉnh ủy" → 02-ĐA/TU)."""
    full = [d for d in found if d.number]
    for d in found:
        if d.number:
            d.key = d.number
            continue
        if d.linked:
            d.key = d.linked
            continue
        if d.named or d.carries_out:
            d.key = d.named or f"{d.type}:{d.span.start}"
            continue
        same = {x.number for x in full if x.type == d.type and re.match(rf"0*{int(d.short)}[-/]", x.number)}
        if len(same) == 1:
            d.key = same.pop()
            d.refers_to = next(x for x in full if x.number == d.key)
        else:
            level = issuer_level(d.issuer) or next(
                (issuer_level(x.issuer) for x in found if x.short and int(x.short) == int(d.short)
                 and x.type == d.type and x.issuer), None)
            code = next((c for c, (n, t) in CODES.items() if t == d.type), None)
            if level and code:
                d.number, d.level, d.inferred = f"{d.short}-{CODES[code][0]}/{level}", level, True
                d.key = d.number
            else:
                d.key = f"{d.type}-{int(d.short)}"
    # one number per document: later short mentions of an inferred one share it
    numbers = {(d.type, int(d.short)): d.number for d in found if d.short and d.number}
    numbers.update({(d.type, int(d.number.split("-")[0])): d.number for d in found
                    if d.number and not d.short and d.number.split("-")[0].isdigit()})
    for d in found:
        if d.short and not d.number and (d.type, int(d.short)) in numbers:
            d.number = d.key = numbers[(d.type, int(d.short))]
            d.level, d.inferred = d.number.rsplit("/", 1)[1], True


RELATIONS = [  # folded keyword → (property, whether the later document is the subject)
    (re.compile(r"(?<![a-z])(?:duoc\s+)?thay the(?:\s+cho)?(?![a-z])"), "replaces"),
    (re.compile(r"(?<![a-z])can cu(?:\s+vao)?(?![a-z])"), "basedOn"),
    (re.compile(r"(?<![a-z])cu the hoa(?![a-z])"), "concretizes"),
    (re.compile(r"(?<![a-z])(?:trien khai(?:\s+thuc hien)?|thuc hien)(?![a-z])"), "basedOn"),
]


@dataclass
class Relation:
    subject: DocMention
    prop: str
    object: DocMention
    span: Span  # from the first document's start to the last one's end


# "… cho biết quy định mới căn cứ …", "Quyết định được ban hành căn cứ …": a document the article has
# already named, referred to by its type word and "mới" / "này" / "nói trên" or "(được) ban hành"
_ANAPHOR = re.compile(rf"(?<![a-z])({_TYPE_WORD})\s+(?:(?:moi|nay|tren|noi tren)\s+(?:duoc\s+)?(?:ban hanh\s+)?|"
                      r"(?:duoc\s+)?ban hanh\s+)(?:(?:la|da|se)\s+)?$")


def _earlier_one(a: Article, docs: list[DocMention], before: str, sentence_start: int) -> DocMention | None:
    """The document an anaphor before a relation's keyword names: the last one of that type named in an
    earlier sentence as issued ("ban hành Quy định 15-QĐi/TU"), else the only one of that type."""
    m = _ANAPHOR.search(before)
    if m is None or any(d.span.start >= sentence_start + m.start() and d.span.start < sentence_start + len(before)
                        for d in docs):
        return None
    type_ = dict(WORDS)[m.group(1)]
    earlier = [d for d in docs if d.type == type_ and d.span.end <= sentence_start]
    issued = [d for d in earlier
              if re.search(r"(?<![a-z])ban hanh\s+$", a.folded[a.sentence_of(d.span.start).start:d.span.start])]
    if issued:
        return issued[-1]
    return earlier[0] if len({d.key for d in earlier}) == 1 else None


def find_relations(a: Article, docs: list[DocMention]) -> list[Relation]:
    """Within one sentence: "A thay thế B", "B được thay thế bằng A", "A cụ thể hóa B", "Căn cứ B, … ban
    hành A", "A triển khai thực hiện B"."""
    f = a.folded
    out: list[Relation] = []
    for rx, prop in RELATIONS:
        for m in rx.finditer(f):
            sentence = a.sentence_of(m.start())
            in_sentence = [d for d in docs if sentence.start <= d.span.start < sentence.end]
            before = [d for d in in_sentence if d.span.end <= m.start()]
            after = [d for d in in_sentence if d.span.start >= m.end()]
            if not after:
                continue
            obj = after[0]
            if not re.fullmatch(r"[\s,:]*(?:(?:cac|nhung)\s+)?(?:noi dung\s+(?:cua\s+)?)?", f[m.end():obj.span.start]):
                continue
            passive = f[m.start():m.end()].startswith("duoc")
            subj = None
            if before:
                prev = before[-1]
                gap = f[prev.span.end:m.start()]
                if len(gap) <= 40 and not re.search(r"(?<![a-z])(?:va|cung|hoi nghi)(?![a-z])", gap):
                    subj = prev
                elif len(gap) <= 220 and prev is in_sentence[0] and not re.search(r"hoi nghi|quan triet", gap):
                    subj = prev  # the sentence's own subject, its title in between
            objects = [obj]
            if subj is None and prop in ("basedOn", "concretizes", "replaces"):
                # "Căn cứ A và B, … ban hành C": C is based on A and on B
                for k, later in enumerate(after[1:], start=1):
                    if re.search(r"ban hanh|xay dung", f[after[k - 1].span.end:later.span.start]):
                        subj, objects = later, after[:k]
                        break
            else:
                # "triển khai A và B": both, when joined by "và" or a comma
                for nxt in after[1:]:
                    if re.fullmatch(r"\s*(?:,|va)\s*", f[objects[-1].span.end:nxt.span.start]):
                        objects.append(nxt)
                    else:
                        break
            if subj is None and prop in ("basedOn", "concretizes", "replaces") and not passive:
                subj = _earlier_one(a, docs, f[sentence.start:m.start()], sentence.start)
            subjects = [subj] if subj else []
            if subj is not None and subj in before:
                # "Đề án 02 và Quy chế 05 … cụ thể hóa Quyết định 23": both concretize it
                k = before.index(subj)
                while k > 0 and re.fullmatch(r"\s*(?:,|va)\s*", f[before[k - 1].span.end:before[k].span.start]):
                    k -= 1
                    subjects.insert(0, before[k])
            for subj, obj in ((s, o) for s in subjects for o in objects):
                s_, o_ = subj, obj
                if s_ is None or s_.key == o_.key:
                    continue
                if passive and prop == "replaces":
                    s_, o_ = o_, s_
                lo, hi = min(s_.span.start, o_.span.start), max(s_.span.end, o_.span.end)
                out.append(Relation(s_, prop, o_, Span(lo, hi)))
    return out
