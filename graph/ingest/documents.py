"""Document references in every written form: "23-QĐ/TW", "Quyết định số 23-QĐ/TW", "84 QĐ/TWĐTN",
"367-QĐ/TWĐTN-VP", "30/2020/NĐ-CP", "88/QĐ-UBND", and by type and number only ("Quyết định 23",
"QĐ 23", "Quy chế 05"); with their date, issuer and title where the text gives them, and the relations
between them ("thay thế", "căn cứ", "cụ thể hóa", "triển khai").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.ingest.article import Article, Span
from graph.ingest.dates import DateMention
from graph.ingest.gazetteer import Gazetteer
from graph.ingest.names import Context, Org, read_org

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

    @property
    def cls(self) -> str:
        if self.state:
            return "StateDocument"
        return "PartyDocument" if self.level in PARTY_LEVELS else "Document"


def find_documents(a: Article, dates: list[DateMention], gaz: Gazetteer, ctx: Context) -> list[DocMention]:
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
    # documents the graph knows by a name rather than a number ("Nghị quyết Trung ương 7 (khóa XI)")
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
    for d in found:
        _details(d, a, dates, gaz, ctx)
    _resolve_short(found)
    return found


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
    q = _QUOTED.match(t, end) if _QUOTED.match(t, end) else None
    if q:
        d.title, d.title_span = q.group(1).strip(), Span(q.start(1), q.end(1))
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
