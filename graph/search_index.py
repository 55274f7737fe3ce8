"""The search index: every entity's names, folded (no diacritics, no case, đ → d), in SQLite.

Written by the build into the build directory (``search.sqlite`` beside ``oxigraph/`` and
``build.json``) before the swap, so the index always matches the store it was built with, and a new
build brings a new index. The web app opens it read-only (``immutable``) per build.

Why SQLite: it is in the standard library, it answers from disk without loading the index into every
worker's memory, a B-tree index on the folded name gives exact and whole-name prefix matches in one
seek, and FTS5 (with a prefix index) gives all-words and word-prefix matches at any scale. A FILTER
scan over the store's literals was measured at 190 ms on 1M triples (DESIGN §2); see
``bench/bench_search.py`` for this index.

What is indexed, for every typed entity under ``{base}id/``: its labels in both languages
(:data:`NAME_PROPERTIES`), and for a document its number in every written form
(:func:`number_forms`: "23-QĐ/TW", "23", "QĐ 23", "Quyết định 23", "Quyết định số 23-QĐ/TW", "23/QĐ"…).

An incremental build (:func:`update`) copies the previous build's index and writes again only the rows of
the entities whose own statements changed: an entity's row reads nothing else but the document types.
Entity ids are in ranking order and spaced (:data:`STRIDE`), so a new or renamed entity takes an id
between its neighbours' and no other row moves; the rows are those a full :func:`write` gives, but for
the ids, which keep the same order (tests/graph/test_build_incremental.py compares them).

Ranking (:func:`SearchIndex.search`): a name equal to the whole query, then a name that starts with
it, then names holding every query word, then names with words starting with every query word, then
(only when nothing else matched) names holding some of the words. Within a tier, documents, then
people, then the other kinds, then by label.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph import settings
from graph.changes import Change
from graph.errors import StoreError
from graph.sqlite_file import ReadOnlySqlite

FILENAME = "search.sqlite"
SCHEMA_VERSION = 3  # 2: entity ids in ranking order; 3: ids STRIDE apart, names' ids from their entity's

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_ELI = "http://data.europa.eu/eli/ontology#"
_SCHEMA = "https://schema.org/"
_DCT = "http://purl.org/dc/terms/"


def name_properties() -> list[str]:
    """Properties whose literals are an entity's names, best first (the first gives the label)."""
    dv = settings.ontology_namespace()
    return [
        _SKOS + "prefLabel", dv + "fullName", _FOAF + "name", _SCHEMA + "name", _RDFS + "label",
        _ELI + "title", dv + "title", _DCT + "title", dv + "headline", _SCHEMA + "headline",
        _SKOS + "altLabel", dv + "pseudonym", _SKOS + "notation",
    ]


# Kinds listed first when matches tie (documents and people before the others).
KIND_ORDER = ("document", "person", "organization", "event", "movement", "work", "place", "role",
              "post", "document-type", "level", "connection-point", "attendee-group", "source")
MAX_QUERY = 200

TIERS = ("exact", "prefix", "words", "word-prefixes", "some-words")
SCORES = {"exact": 1.0, "prefix": 0.8, "words": 0.6, "word-prefixes": 0.4, "some-words": 0.2}


# ---------------------------------------------------------------------------------------------- folding

_NOT_WORD = re.compile(r"[\W_]+")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def fold(text: str) -> str:
    """Lowercase, without diacritics (NFD, combining marks dropped, đ/Đ → d), punctuation → one
    space, a space between letters and digits ("QĐ23" → "qd 23"), trimmed."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = unicodedata.normalize("NFC", bare).casefold()
    spaced = _NOT_WORD.sub(" ", bare)
    return " ".join(_LETTER_DIGIT.sub(" ", spaced).split())


# ------------------------------------------------------------------------------------- document numbers

_PARTY = re.compile(r"^\s*(\d+)\s*-\s*([^/\s]+)\s*/\s*(.+?)\s*$")  # 23-QĐ/TW, 08-CTrHĐ/TU
_STATE = re.compile(r"^\s*(\d+)\s*/\s*(?:(\d{4})\s*/\s*)?([^-/\s]+)\s*-\s*(.+?)\s*$")  # 30/2020/NĐ-CP, 88/QĐ-UBND


@dataclass(frozen=True)
class DocType:
    notation: str
    names: tuple[str, ...]  # the type's prefLabels, e.g. ("Quyết định", "Decision")


def parse_number(number: str) -> tuple[str, str | None] | None:
    """(the number's digits, the type notation written in it) for Party and State numbers."""
    m = _PARTY.match(number)
    if m:
        return m.group(1), m.group(2)
    m = _STATE.match(number)
    if m:
        return m.group(1), m.group(3)
    m = re.match(r"^\s*(\d+)", number)
    return (m.group(1), None) if m else None


def number_forms(number: str, doctype: DocType | None) -> set[str]:
    """The ways a document number is written: the number as given, its digits alone, and with the
    type's notation or full name before or after ("QĐ 23", "Quyết định 23", "Quyết định số 23",
    "Quyết định số 23-QĐ/TW", "23/QĐ", "23-QĐ")."""
    forms = {number}
    parsed = parse_number(number)
    if not parsed:
        return forms
    digits, written_type = parsed
    numbers = {digits, digits.lstrip("0") or "0"}
    types = {t for t in ((doctype.notation if doctype else None), written_type) if t}
    names = set(doctype.names) if doctype else set()
    for n in numbers:
        forms.add(n)
        for t in types | names:
            forms.update({f"{t} {n}", f"{t} số {n}", f"{t} so {n}"})
        for t in types:
            forms.update({f"{n}/{t}", f"{n}-{t}"})
    for t in types | names:
        forms.update({f"{t} {number}", f"{t} số {number}"})
    return forms


# ---------------------------------------------------------------------------------------------- writing

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, kind_rank INTEGER NOT NULL,
  label_vi TEXT, label_en TEXT, label_other TEXT, sort_key TEXT NOT NULL, number TEXT, types TEXT NOT NULL);
CREATE TABLE name (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL, folded TEXT NOT NULL);
"""
_DDL_AFTER = """
CREATE INDEX entity_rank ON entity (kind_rank, sort_key, iri);
CREATE INDEX name_folded ON name (folded, entity);
CREATE INDEX name_entity ON name (entity);
CREATE VIRTUAL TABLE name_fts USING fts5 (folded, content='name', content_rowid='id', prefix='1 2 3',
  tokenize='unicode61 remove_diacritics 0');
INSERT INTO name_fts (name_fts) VALUES ('rebuild');
"""


def path(build_dir: str | os.PathLike) -> Path:
    return Path(build_dir) / FILENAME


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _pick_label(names: list[tuple[int, str, str]], lang: str) -> str | None:
    """The best name in ``lang`` (by property order), else untagged; None if neither."""
    for want in (lang, ""):
        for _rank, tag, text in sorted(names):
            if tag == want:
                return text
    return None


STRIDE = 1 << 20  # between two entities' ids in a full write: room for entities an incremental build adds
NAME_BITS = 10  # a name's id is its entity's id << NAME_BITS, plus its place among the entity's names
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def write(db: ox.Store, build_dir: str | os.PathLike) -> dict[str, int]:
    """Build the index of ``db`` (the default graph, the union of the sources plus inferences) into
    ``build_dir/search.sqlite``; returns counts (entities, names)."""
    prefix = settings.base_iri() + "id/"
    target = path(build_dir)
    temporary = target.with_suffix(".sqlite.tmp")
    temporary.unlink(missing_ok=True)
    prefix_lit = {ox.Variable("prefix"): ox.Literal(prefix)}

    types: dict[str, set[str]] = {}
    for r in db.query("SELECT ?s ?t ?prefix WHERE { ?s a ?t FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix)) }",
                      substitutions=prefix_lit):
        if not r["s"].value.startswith(prefix + "evidence/"):  # a source's note on a fact, not an entity
            types.setdefault(r["s"].value, set()).add(r["t"].value)

    props = name_properties()
    prop_rank = {p: i for i, p in enumerate(props)}
    values = " ".join(f"<{p}>" for p in props)
    names: dict[str, list[tuple[int, str, str]]] = {}
    q = (f"SELECT ?s ?p ?l ?prefix WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?l "
         "FILTER(isLiteral(?l) && isIRI(?s) && STRSTARTS(STR(?s), ?prefix)) }")
    for r in db.query(q, substitutions=prefix_lit):
        s = r["s"].value
        if s in types:
            lit = r["l"]
            tag = (lit.language or "").lower().split("-")[0]
            names.setdefault(s, []).append((prop_rank[r["p"].value], tag, lit.value))

    doctypes = _document_types(db)
    by_notation = {fold(t.notation): t for t in doctypes.values()}
    numbers: dict[str, list[tuple[str, str | None]]] = {}
    q = (f"SELECT ?s ?n ?t ?prefix WHERE {{ ?s <{_ELI}id_local>|<{settings.ontology_namespace()}documentNumber> ?n "
         f"OPTIONAL {{ ?s <{_ELI}type_document>|<{settings.ontology_namespace()}documentType> ?t }} "
         "FILTER(isLiteral(?n) && STRSTARTS(STR(?s), ?prefix)) }")
    for r in db.query(q, substitutions=prefix_lit):
        if r["s"].value in types:
            numbers.setdefault(r["s"].value, []).append((r["n"].value, r["t"].value if r["t"] is not None else None))

    entries = [e for iri in types
               if (e := _entry(prefix, iri, types[iri], names.get(iri, []), numbers.get(iri, []), doctypes,
                                  by_notation))]
    # Ids in ranking order (kind, then label, then IRI) and names inserted in id order: the ranking
    # reads matches in id order (the FTS rowid order, the name index's order within one folded text)
    # and stops at the ``limit``-th entity, however common the words (SearchIndex.search). Ids are
    # STRIDE apart, so that an incremental build puts a new entity between two (:func:`update`).
    entries.sort(key=lambda e: e[:3])
    con = sqlite3.connect(temporary)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _DDL)
        counts = _insert(con, [(n * STRIDE, entry) for n, entry in enumerate(entries, start=1)])
        con.executescript(_DDL_AFTER)
        con.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("schema_version", str(SCHEMA_VERSION)), ("base_iri", settings.base_iri()),
            ("entities", str(counts[0])), ("names", str(counts[1]))])
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    os.replace(temporary, target)
    return {"entities": counts[0], "names": counts[1]}


def _entry(prefix: str, iri: str, types: set[str], own: list[tuple[int, str, str]],
           numbers: list[tuple[str, str | None]], doctypes: dict[str, DocType],
           by_notation: dict[str, DocType]) -> tuple | None:
    """The ranking key and row of one entity (None when there is nothing to find it by)."""
    nums: list[tuple[str, DocType | None]] = []
    for number, type_iri in sorted(numbers, key=lambda x: (x[0], x[1] or "")):
        doctype = doctypes.get(type_iri) if type_iri is not None else None
        if doctype is None:
            parsed = parse_number(number)
            doctype = by_notation.get(fold(parsed[1])) if parsed and parsed[1] else None
        if (number, doctype) not in nums:
            nums.append((number, doctype))
    own = sorted(own)
    if not own and not nums:
        return None  # nothing to find it by
    kind = iri[len(prefix):].split("/", 1)[0]
    label_vi, label_en = _pick_label(own, "vi"), _pick_label(own, "en")
    label_other = own[0][2] if own else None
    number = nums[0][0] if nums else None
    sort_key = fold(_with_number(number, label_vi or label_other or label_en) if number
                    else label_vi or label_other or label_en or iri)
    return (_kind_rank(kind), sort_key, iri, kind, label_vi, label_en, label_other, number, own, nums, types)


def _insert(con: sqlite3.Connection, rows: list[tuple[int, tuple]]) -> tuple[int, int]:
    """Insert (id, entry) rows and their names; (entities, names) inserted."""
    entity_rows, name_rows = [], []
    for eid, (rank, sort_key, iri, kind, label_vi, label_en, label_other, number, own, nums, types) in rows:
        entity_rows.append((eid, iri, kind, rank, label_vi, label_en, label_other, sort_key,
                            number, json.dumps(_ordered_types(types))))
        seen: set[str] = set()
        texts = [text for _r, _t, text in own]
        for num, doctype in nums:
            texts.extend(sorted(number_forms(num, doctype)))
        for text in texts:
            folded = fold(text)
            if folded and folded not in seen:
                if len(seen) == 1 << NAME_BITS:
                    raise StoreError(f"<{iri}> has more than {1 << NAME_BITS} names; the search index holds fewer.")
                name_rows.append(((eid << NAME_BITS) + len(seen), eid, text, folded))
                seen.add(folded)
    con.executemany("INSERT INTO entity VALUES (?,?,?,?,?,?,?,?,?,?)", entity_rows)
    con.executemany("INSERT INTO name VALUES (?,?,?,?)", name_rows)
    return len(entity_rows), len(name_rows)


def update(db: ox.Store, build_dir: str | os.PathLike, change: Change, say) -> dict[str, int]:
    """The index of ``db`` from the previous build's (``change``): the rows of the entities whose own
    statements changed are written again, the others kept. An entity's row reads only its own types,
    names and numbers, and the document types (a change to those means a full :func:`write`). The rows
    are those :func:`write` gives, but for the ids, which keep the same order."""
    prefix = settings.base_iri() + "id/"
    target = path(build_dir)
    temporary = target.with_suffix(".sqlite.tmp")
    doctypes = _document_types(db)
    why = None
    if doctypes != _document_types(change.old):
        why = "document types changed"
    elif not path(change.previous).is_file():
        why = "the previous build has no search index"
    if why is None:
        shutil.copyfile(path(change.previous), temporary)
        con = sqlite3.connect(temporary)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta"))
            if meta.get("schema_version") != str(SCHEMA_VERSION) or meta.get("base_iri") != settings.base_iri():
                why = "the previous search index is of another version"
            else:
                why = _update(con, db, prefix, change, doctypes)
            if why is None:
                con.commit()
                counts = [int(v) for (v,) in con.execute(
                    "SELECT value FROM meta WHERE key IN ('entities', 'names') ORDER BY key")]
        finally:
            con.close()
        if why is None:
            os.replace(temporary, target)
            return {"entities": counts[0], "names": counts[1]}
        temporary.unlink(missing_ok=True)
    say(f"store: search index written in full ({why})")
    return write(db, build_dir)


def _update(con: sqlite3.Connection, db: ox.Store, prefix: str, change: Change, doctypes) -> str | None:
    """Rewrite the changed entities' rows in ``con``; a reason to write it all instead, or None."""
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    iris = sorted(i for i in change.subjects() if i.startswith(prefix) and not i.startswith(prefix + "evidence/"))
    props = [ox.NamedNode(p) for p in name_properties()]
    dv = settings.ontology_namespace()
    number_props = [ox.NamedNode(_ELI + "id_local"), ox.NamedNode(dv + "documentNumber")]
    type_props = [ox.NamedNode(_ELI + "type_document"), ox.NamedNode(dv + "documentType")]
    default = ox.DefaultGraph()
    by_notation = {fold(t.notation): t for t in doctypes.values()}
    entries = []
    for iri in iris:
        node = ox.NamedNode(iri)
        types = {q.object.value for q in db.quads_for_pattern(node, _RDF_TYPE, None, default)}
        if not types:
            continue
        own = [(rank, (q.object.language or "").lower().split("-")[0], q.object.value)
               for rank, p in enumerate(props) for q in db.quads_for_pattern(node, p, None, default)
               if isinstance(q.object, ox.Literal)]
        doc_types = [q.object.value for p in type_props for q in db.quads_for_pattern(node, p, None, default)] or [None]
        numbers = [(q.object.value, t) for p in number_props for q in db.quads_for_pattern(node, p, None, default)
                   if isinstance(q.object, ox.Literal) for t in doc_types]
        entry = _entry(prefix, iri, types, own, numbers, doctypes, by_notation)
        if entry is not None:
            entries.append(entry)
    names = entities = 0
    for iri in iris:  # the old rows go
        row = con.execute("SELECT id FROM entity WHERE iri = ?", (iri,)).fetchone()
        if row is None:
            continue
        gone = con.execute("SELECT id, folded FROM name WHERE entity = ?", row).fetchall()
        con.executemany("INSERT INTO name_fts (name_fts, rowid, folded) VALUES ('delete', ?, ?)", gone)
        con.execute("DELETE FROM name WHERE entity = ?", row)
        con.execute("DELETE FROM entity WHERE id = ?", row)
        names -= len(gone)
        entities -= 1
    for entry in sorted(entries, key=lambda e: e[:3]):  # each between its neighbours in ranking order
        key = entry[:3]
        before = con.execute("SELECT id FROM entity WHERE (kind_rank, sort_key, iri) < (?, ?, ?) "
                             "ORDER BY kind_rank DESC, sort_key DESC, iri DESC LIMIT 1", key).fetchone()
        after = con.execute("SELECT id FROM entity WHERE (kind_rank, sort_key, iri) > (?, ?, ?) "
                            "ORDER BY kind_rank, sort_key, iri LIMIT 1", key).fetchone()
        low = before[0] if before else 0
        high = after[0] if after else low + 2 * STRIDE
        if high - low < 2:
            return "no room left between two entities' ids"
        eid = (low + high) // 2
        e, n = _insert(con, [(eid, entry)])
        con.executemany("INSERT INTO name_fts (rowid, folded) VALUES (?, ?)",
                        con.execute("SELECT id, folded FROM name WHERE entity = ?", (eid,)).fetchall())
        entities, names = entities + e, names + n
    con.executemany("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?",
                    [(entities, "entities"), (names, "names")])
    return None


def _with_number(number: str, label: str | None) -> str:
    """A document's label leads with its number, so "Quy chế…" of 23-QĐ/TW and of 290-QĐ/TW differ."""
    if not label:
        return number
    return label if fold(number) in fold(label) else f"{number} · {label}"


def _ordered_types(iris: set[str]) -> list[str]:
    dv = settings.ontology_namespace()
    return sorted(iris, key=lambda t: (not t.startswith(dv), t))


def _document_types(db: ox.Store) -> dict[str, DocType]:
    q = (f"SELECT ?t ?n ?l WHERE {{ ?t <{_SKOS}notation> ?n . ?t <{_SKOS}prefLabel> ?l "
         f"FILTER EXISTS {{ ?t a <{settings.ontology_namespace()}DocumentType> }} }}")
    notation: dict[str, str] = {}
    labels: dict[str, set[str]] = {}
    try:
        rows = list(db.query(q))
    except (OSError, SyntaxError, ValueError):
        rows = []
    for r in rows:
        t = r["t"].value
        notation.setdefault(t, r["n"].value)
        labels.setdefault(t, set()).add(r["l"].value)
    return {t: DocType(n, tuple(sorted(labels.get(t, ())))) for t, n in notation.items()}


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class Hit:
    iri: str
    kind: str
    label: str
    types: list[str]
    number: str | None
    tier: str
    score: float
    matched: str  # the name (as written, or a written form of the number) that matched best


PREFIX_RANGE = 2000  # names starting with the query read from the B-tree and sorted; past this, the FTS phrase
_FTS = "SELECT n.entity, n.text FROM name_fts JOIN name n ON n.id = name_fts.rowid WHERE name_fts MATCH ? "


class QueryTooLong(ValueError):
    pass


class SearchIndex(ReadOnlySqlite):
    """A read-only index file; one SQLite connection per thread."""

    FILENAME = FILENAME
    WHAT = "search index"

    def meta(self) -> dict[str, str]:
        return dict(self._con().execute("SELECT key, value FROM meta"))

    def search(self, query: str, limit: int = 20, lang: str = "vi") -> list[Hit]:
        """The best ``limit`` entities for ``query`` (see the module's ranking); [] for a query with no
        letter or digit. :class:`QueryTooLong` past :data:`MAX_QUERY` characters."""
        if len(query) > MAX_QUERY:
            raise QueryTooLong(f"the query is {len(query)} characters long; at most {MAX_QUERY} are searched")
        folded = fold(query)
        words = folded.split()
        if not words or limit <= 0:
            return []
        con = self._con()
        found: dict[int, tuple[str, str]] = {}  # entity id → (tier, matched text), in rank order
        quoted = [f'"{w}"' for w in words]
        # A whole-name prefix is the FTS phrase of the words at the start of a name, the last word a
        # prefix (folded names are words separated by single spaces, as FTS splits them).
        upper = folded + "\U0010ffff"
        few = con.execute("SELECT COUNT(*) FROM (SELECT 1 FROM name WHERE folded > ? AND folded < ? LIMIT ?)",
                          (folded, upper, PREFIX_RANGE)).fetchone()[0] < PREFIX_RANGE
        plans = [
            ("exact", "SELECT entity, text FROM name WHERE folded = ? ORDER BY entity", (folded,)),
            # a specific prefix: its few names from the B-tree; a common one: the FTS phrase, read in order
            ("prefix", "SELECT entity, text FROM name WHERE folded > ? AND folded < ? ORDER BY entity", (folded, upper))
            if few else ("prefix", _FTS + "ORDER BY name_fts.rowid", ('^"' + " ".join(words) + '" *',)),
            ("words", _FTS + "ORDER BY name_fts.rowid", (" ".join(quoted),)),
            ("word-prefixes", _FTS + "ORDER BY name_fts.rowid", (" ".join(q + "*" for q in quoted),)),
        ]
        for tier, sql, args in plans:
            if len(found) >= limit:
                break
            self._first(con.execute(sql, args), tier, limit, found)
        if not found:
            self._run(con, "some-words", "name_fts MATCH ?", (" OR ".join(q + "*" for q in quoted),), True,
                      limit, found, by_rank=True)
        return self._hits(con, found, lang)

    @staticmethod
    def _first(rows, tier: str, limit: int, found: dict[int, tuple[str, str]]) -> None:
        """Add the first entities of ``rows`` ((entity, text) in entity order: ids are in ranking order)
        to ``found`` until it holds ``limit``, each with the least of its matching names; reads only as
        far as the entity after the last one kept."""
        current, best = None, None
        for eid, text in rows:
            if eid != current:
                if current is not None and current not in found:
                    found[current] = (tier, best)
                    if len(found) >= limit:
                        return
                current, best = eid, text
            elif text < best:
                best = text
        if current is not None and current not in found and len(found) < limit:
            found[current] = (tier, best)

    @staticmethod
    def _run(con, tier, where, args, fts, limit, found, by_rank=False) -> None:
        # Only for the last tier (some of the words, best FTS rank first), tried when nothing else matched.
        source = "name_fts JOIN name n ON n.id = name_fts.rowid" if fts else "name n"
        order = "MIN(name_fts.rank), e.kind_rank, e.sort_key" if by_rank else "e.kind_rank, e.sort_key, e.id"
        sql = (f"SELECT e.id, MIN(n.text) FROM {source} JOIN entity e ON e.id = n.entity WHERE {where} "
               f"GROUP BY e.id ORDER BY {order} LIMIT ?")
        for eid, text in con.execute(sql, (*args, limit + len(found))):
            if eid not in found and len(found) < limit:
                found[eid] = (tier, text)

    @staticmethod
    def _hits(con, found: dict[int, tuple[str, str]], lang: str) -> list[Hit]:
        if not found:
            return []
        ids = list(found)
        rows = con.execute(
            f"SELECT id, iri, kind, label_vi, label_en, label_other, number, types FROM entity "
            f"WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
        by_id = {r[0]: r for r in rows}
        hits = []
        for eid in ids:
            _id, iri, kind, vi, en, other, number, types = by_id[eid]
            first, second = (vi, en) if lang != "en" else (en, vi)
            tier, matched = found[eid]
            label = first or second or other
            label = _with_number(number, label) if number else label or iri
            hits.append(Hit(iri, kind, label, json.loads(types), number, tier, SCORES[tier], matched))
        return hits
