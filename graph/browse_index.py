"""Browse listings and facet counts, computed once at build time into ``browse.sqlite`` beside the store.

The browse and home pages used to scan the store on every request (every entity of a kind, its name,
its facet values, then a sort in Python): 32 s for ``/browse/document`` at 1M triples. Everything those
pages show depends only on the build, so the build writes it down once, in the order the pages show it:

- ``entity``: every typed entity under ``{base}id/``, its kind, its display name in each language (the
  same names the pages used to compute: :func:`webapp.browse.display_names`), its date, and its rank in
  Vietnamese dictionary order (:func:`webapp.collation.vi_key`) among its kind, per language. A page
  without filters is the ranks ``[(page-1)·size, page·size)``: one index range, whatever the page number.
- ``facet``: (kind, facet, value, entity) for every facet of :func:`webapp.browse.facets_for`, with the
  patterns the pages used to run; ``facet_count`` holds the counts with no filter active (the first
  page of every listing), and counts under filters are ``GROUP BY`` over the ``facet`` index.
- ``facet_value``: each facet value's display text per language.
- ``latest_event``: the home page's latest events (the same query it used to run per build).

An incremental build (:func:`update`) copies the previous build's index and writes again only the rows
the change can reach (see its doc); an entity's row id comes from its IRI (:func:`entity_id`), so no other
row moves, and the rows equal a full :func:`write`'s (tests/graph/test_build_incremental.py).

Written after the store is loaded (by :func:`write`, one call in :mod:`graph.build`), into a temporary
file renamed into place, so the file always matches the store it was built from. The web app opens it
read-only (``immutable``) per build, one connection per thread (:class:`BrowseIndex`).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox

from graph.changes import Change
from graph.sqlite_file import ReadOnlySqlite

FILENAME = "browse.sqlite"
SCHEMA_VERSION = 2  # 2: entity ids from the IRI, facet values ranked by name then value
LANGS = ("vi", "en")
LATEST_EVENTS = 5

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL, name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL, rank_vi INTEGER NOT NULL, rank_en INTEGER NOT NULL, date TEXT);
CREATE TABLE facet (kind TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE TABLE facet_count (kind TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
  pos_vi INTEGER NOT NULL, pos_en INTEGER NOT NULL);
CREATE TABLE facet_value (kind TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL, rank_vi INTEGER NOT NULL, rank_en INTEGER NOT NULL, PRIMARY KEY (kind, facet, value));
CREATE TABLE latest_event (pos INTEGER PRIMARY KEY, iri TEXT NOT NULL, date TEXT NOT NULL, place TEXT);
"""
_DDL_AFTER = """
CREATE UNIQUE INDEX entity_vi ON entity (kind, rank_vi);
CREATE UNIQUE INDEX entity_en ON entity (kind, rank_en);
CREATE INDEX facet_value_entity ON facet (kind, facet, value, entity);
CREATE INDEX facet_entity ON facet (entity, kind, facet, value);
CREATE INDEX facet_count_vi ON facet_count (kind, facet, pos_vi);
CREATE INDEX facet_count_en ON facet_count (kind, facet, pos_en);
"""


def path(build_dir: str | os.PathLike) -> Path:
    return Path(build_dir) / FILENAME


def write(db: ox.Store, build_dir: str | os.PathLike) -> dict[str, int]:
    """Compute the browse index of ``db`` (its default graph: the union of the sources and inferences)
    into ``build_dir/browse.sqlite``; returns counts (entities, facet rows)."""
    # The definitions of kinds, facets and names are the pages' own, so a listing shows what it did.
    from webapp.browse import ORDER, _facet_value_names, dates, display_names, facets_for
    from webapp.collation import vi_key
    from webapp.describe import every_label
    from webapp.home import latest_events_rows

    target = path(build_dir)
    temporary = target.with_suffix(".sqlite.tmp")
    temporary.unlink(missing_ok=True)
    con = sqlite3.connect(temporary)
    entities = facet_rows = 0
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _DDL)
        by_kind = _entities_by_kind(db)
        key = functools.lru_cache(maxsize=None)(vi_key)  # most names are the same in both languages
        for kind in ORDER:
            iris = by_kind.get(kind, [])
            if not iris:
                continue
            names = {lang: _chunked(lambda part: display_names(db, kind, part, lang), iris) for lang in LANGS}
            ranks = {lang: {iri: r for r, iri in enumerate(sorted(iris, key=lambda i: key(names[lang][i])))}
                     for lang in LANGS}
            when = _chunked(lambda part: dates(db, kind, part), iris)
            ids = {iri: entity_id(iri) for iri in iris}
            con.executemany("INSERT INTO entity VALUES (?,?,?,?,?,?,?,?)", [
                (ids[i], i, kind, names["vi"][i], names["en"][i], ranks["vi"][i], ranks["en"][i], when.get(i))
                for i in iris])
            entities += len(iris)
            for f in facets_for(kind):
                pairs: set[tuple[int, str]] = set()
                terms = {}
                for r in db.query(f"SELECT DISTINCT ?s ?v WHERE {{ {f.sparql('?v')} }}"):
                    s, v = r["s"], r["v"]
                    if v is None or not isinstance(s, ox.NamedNode) or s.value not in ids:
                        continue
                    pairs.add((ids[s.value], v.value))
                    terms[v.value] = v
                con.executemany("INSERT INTO facet VALUES (?,?,?,?)", [(kind, f.name, v, e) for e, v in pairs])
                facet_rows += len(pairs)
                counts: dict[str, int] = {}
                for _e, v in pairs:
                    counts[v] = counts.get(v, 0) + 1
                value_names = {lang: _facet_value_names(db, list(terms.values()), lang) for lang in LANGS}
                names_of = {v: (value_names["vi"].get(v, v), value_names["en"].get(v, v)) for v in terms}
                _facet_rows(con, kind, f.name, names_of, counts, _value_ranks(names_of, key))
        con.executemany("INSERT INTO latest_event VALUES (?,?,?,?)",
                        [(n, e, d, p) for n, (e, d, p) in enumerate(latest_events_rows(db, LATEST_EVENTS))])
        con.executescript(_DDL_AFTER)
        con.execute("ANALYZE")  # statistics, so that SQLite joins a selection to the facet index by entity
        con.executemany("INSERT INTO meta VALUES (?, ?)", [("schema_version", str(SCHEMA_VERSION)),
                                                           ("entities", str(entities))])
        con.commit()
    finally:
        con.close()
        every_label.cache_clear()  # it holds the store: the build closes it next
    os.replace(temporary, target)
    return {"entities": entities, "facet_rows": facet_rows}


def update(db: ox.Store, build_dir: str | os.PathLike, change: Change, say) -> dict[str, int]:
    """The index of ``db`` from the previous build's (``change``, :mod:`graph.changes`), the same rows as
    :func:`write` gives. What a row reads: an entity's own statements (its kind, names, date and facet
    values), the labels of a post's holder, role and organization, a document issuer's level, and each
    facet value's label; so the changed subjects' rows, their posts' and their documents' are written
    again, the ranks of their kinds and the counts and ranks of their facets recomputed. A change to a
    level or to a class hierarchy (what the level and class facets read) means a full :func:`write`."""
    from webapp.describe import every_label

    target = path(build_dir)
    temporary = target.with_suffix(".sqlite.tmp")
    why = _full_rewrite_needed(db, change)
    if why is None:
        shutil.copyfile(path(change.previous), temporary)
        con = sqlite3.connect(temporary)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta"))
            if meta.get("schema_version") != str(SCHEMA_VERSION):
                why = "the previous browse index is of another version"
            else:
                counts = _update(con, db, change)
                con.commit()
        finally:
            con.close()
            every_label.cache_clear()
        if why is None:
            os.replace(temporary, target)
            return counts
        temporary.unlink(missing_ok=True)
    say(f"store: browse index written in full ({why})")
    return write(db, build_dir)


_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"


def _full_rewrite_needed(db: ox.Store, change: Change) -> str | None:
    from graph import settings

    if not path(change.previous).is_file():
        return "the previous build has no browse index"
    removed, added = change.default()
    if any(q.predicate.value == _SUBCLASS for q in removed | added):
        return "a class hierarchy changed"
    level = ox.NamedNode(settings.ontology_namespace() + "AdministrativeLevel")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for s in {q.subject for q in removed | added}:
        for where in (db, change.old):
            if next(iter(where.quads_for_pattern(s, rdf_type, level, ox.DefaultGraph())), None) is not None:
                return "a level changed"
    return None


def _update(con: sqlite3.Connection, db: ox.Store, change: Change) -> dict[str, int]:
    from graph import settings
    from webapp.browse import ORDER, _facet_value_names, dates, display_names, facets_for
    from webapp.collation import vi_key
    from webapp.describe import LABEL_PROPERTIES, _headline_properties
    from webapp.home import latest_events_rows
    from webapp.urls import KINDS, entity_prefix

    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    # An entity that goes in moves the ranks of every one after it in its kind: with the (kind, rank)
    # indexes in place, each moved row costs index writes twice over (through negative ranks, as they are
    # unique). Without them the moved rows take their new ranks in one pass; the indexes are made again at
    # the end, which also checks the ranks are unique.
    con.execute("DROP INDEX entity_vi")
    con.execute("DROP INDEX entity_en")
    prefix = entity_prefix()
    dv = settings.ontology_namespace()
    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    subjects = change.subjects()
    removed, added = change.default()
    naming = {*LABEL_PROPERTIES, *_headline_properties(), _NOTATION}
    renamed = {q.subject.value for q in removed | added if q.predicate.value in naming}
    leveled = {q.subject.value for q in removed | added if q.predicate.value == dv + "level"}
    iris = set(subjects)
    for props, changed in ((("holder", "role", "postIn"), renamed), (("issuedBy",), leveled)):
        for x in changed:  # posts named after x; documents whose level facet reads their issuer's level
            for p in props:
                iris.update(q.subject.value for q in db.quads_for_pattern(None, ox.NamedNode(dv + p), ox.NamedNode(x),
                                                                          default) if isinstance(q.subject, ox.NamedNode))
    by_kind: dict[str, list[str]] = {}
    for iri in sorted(iris):
        kind, sep, _rest = iri[len(prefix):].partition("/") if iri.startswith(prefix) else ("", "", "")
        if sep and kind in KINDS:
            by_kind.setdefault(kind, []).append(iri)
    key = functools.lru_cache(maxsize=None)(vi_key)
    touched_facets: set[tuple[str, str]] = set()
    terms: dict[str, object] = {}
    for kind in ORDER:
        changed = by_kind.get(kind, [])
        if not changed:
            continue
        ids = {iri: entity_id(iri) for iri in changed}
        con.executemany("DELETE FROM entity WHERE id = ?", [(i,) for i in ids.values()])
        con.executemany("DELETE FROM facet WHERE entity = ?", [(i,) for i in ids.values()])
        typed = [i for i in changed if next(iter(db.quads_for_pattern(ox.NamedNode(i), rdf_type, None, default)), None)]
        names = {lang: _chunked(lambda part: display_names(db, kind, part, lang), typed) for lang in LANGS}
        when = _chunked(lambda part: dates(db, kind, part), typed)
        # the kind's order: the others keep theirs; each changed entity goes in by its name, then IRI
        order, old_ranks = {}, {}
        for n, lang in enumerate(LANGS):
            rows = con.execute(f"SELECT iri, name_{lang}, rank_{lang} FROM entity WHERE kind = ? ORDER BY rank_{lang}",
                               (kind,)).fetchall()
            old_ranks[lang] = {iri: rank for iri, _name, rank in rows}
            rest = [(iri, name) for iri, name, _rank in rows]
            keys = _LazyKeys(rest, key)  # a view of ``rest``, which grows as the changed entities go in
            for iri in sorted(typed, key=lambda i: (key(names[lang][i]), i)):
                rest.insert(bisect.bisect_left(keys, (key(names[lang][iri]), iri)), (iri, names[lang][iri]))
            order[lang] = {iri: r for r, (iri, _name) in enumerate(rest)}
        con.executemany("INSERT INTO entity VALUES (?,?,?,?,?,?,?,?)", [
            (ids[i], i, kind, names["vi"][i], names["en"][i], order["vi"][i], order["en"][i], when.get(i))
            for i in typed])
        for lang in LANGS:
            moved = [(r, iri) for iri, r in order[lang].items() if iri not in ids and old_ranks[lang].get(iri) != r]
            con.executemany(f"UPDATE entity SET rank_{lang} = ? WHERE id = ?", [(r, entity_id(iri)) for r, iri in moved])
        for f in facets_for(kind):
            pairs = set()
            for start in range(0, len(typed), 5000):  # a VALUES block of a part at a time, as write's names
                values = " ".join(str(ox.NamedNode(i)) for i in typed[start:start + 5000])
                for r in db.query(f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {values} }} {f.sparql('?v')} }}"):
                    if r["v"] is not None and isinstance(r["s"], ox.NamedNode) and r["s"].value in ids:
                        pairs.add((ids[r["s"].value], r["v"].value))
                        terms[r["v"].value] = r["v"]
            con.executemany("INSERT INTO facet VALUES (?,?,?,?)", [(kind, f.name, v, e) for e, v in pairs])
        touched_facets.update((kind, f.name) for f in facets_for(kind))
    # facets whose values' names may have changed
    for kind, facet in con.execute("SELECT DISTINCT kind, facet FROM facet_value WHERE value IN (SELECT value FROM "
                                   "json_each(?))", (json.dumps(sorted(renamed)),)).fetchall():
        touched_facets.add((kind, facet))
    for kind, facet in sorted(touched_facets):
        counts = dict(con.execute("SELECT value, COUNT(*) FROM facet WHERE kind = ? AND facet = ? GROUP BY value",
                                  (kind, facet)))
        known = {v: (vi, en) for v, vi, en in con.execute(
            "SELECT value, name_vi, name_en FROM facet_value WHERE kind = ? AND facet = ?", (kind, facet))}
        fresh = [v for v in counts if v not in known or v in renamed]
        fresh_set = set(fresh)
        if fresh:
            fresh_terms = [terms.get(v) or ox.NamedNode(v) for v in fresh]  # a year is never a changed subject
            value_names = {lang: _facet_value_names(db, fresh_terms, lang) for lang in LANGS}
            known.update({v: (value_names["vi"].get(v, v), value_names["en"].get(v, v)) for v in fresh})
        # the values' order: the others keep theirs, each new or renamed one goes in by its name, then value
        value_ranks = {}
        for n, lang in enumerate(LANGS):
            rest = [(v, name) for v, name in con.execute(
                f"SELECT value, name_{lang} FROM facet_value WHERE kind = ? AND facet = ? ORDER BY rank_{lang}",
                (kind, facet)) if v in counts and v not in fresh_set]
            keys = _LazyKeys(rest, key)
            for v in sorted(fresh, key=lambda v: (key(known[v][n]), v)):
                rest.insert(bisect.bisect_left(keys, (key(known[v][n]), v)), (v, known[v][n]))
            value_ranks[lang] = {v: r for r, (v, _name) in enumerate(rest)}
        con.execute("DELETE FROM facet_count WHERE kind = ? AND facet = ?", (kind, facet))
        con.execute("DELETE FROM facet_value WHERE kind = ? AND facet = ?", (kind, facet))
        _facet_rows(con, kind, facet, {v: known[v] for v in counts}, counts, value_ranks)
    # the latest events read an event's type, start date and place: recomputed when one of those changed
    dated = {dv + "startDate", dv + "location"}
    if any(q.predicate.value in dated or (q.predicate == rdf_type and q.object.value == dv + "Event")
           for q in removed | added):
        con.execute("DELETE FROM latest_event")
        con.executemany("INSERT INTO latest_event VALUES (?,?,?,?)",
                        [(n, e, d, p) for n, (e, d, p) in enumerate(latest_events_rows(db, LATEST_EVENTS))])
    con.execute("CREATE UNIQUE INDEX entity_vi ON entity (kind, rank_vi)")
    con.execute("CREATE UNIQUE INDEX entity_en ON entity (kind, rank_en)")
    con.execute("ANALYZE entity_vi")  # dropping an index drops its statistics
    con.execute("ANALYZE entity_en")
    entities = con.execute("SELECT COUNT(*) FROM entity").fetchone()[0]
    con.execute("UPDATE meta SET value = ? WHERE key = 'entities'", (str(entities),))
    # the planner's statistics (ANALYZE) are kept from the previous build: one edit hardly moves them
    return {"entities": entities, "facet_rows": con.execute("SELECT COUNT(*) FROM facet").fetchone()[0]}


class _LazyKeys:
    """The sort keys (name's key, IRI) of a kind's entities in their order, computed only where a binary
    search looks."""

    def __init__(self, rows: list[tuple[str, str]], key):
        self.rows, self.key = rows, key

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int):
        iri, name = self.rows[i]
        return (self.key(name), iri)


def entity_id(iri: str) -> int:
    """An entity's row id: from its IRI alone (63 bits of its SHA-256), so a row keeps its id whatever is
    added or removed around it (an incremental build rewrites only the changed entities' rows)."""
    return int.from_bytes(hashlib.sha256(iri.encode()).digest()[:8], "big") >> 1


def _value_ranks(names_of: dict[str, tuple[str, str]], key) -> dict[str, dict[str, int]]:
    """Each facet value's rank per language: by its name (dictionary order), then by the value."""
    return {lang: {v: r for r, v in enumerate(sorted(names_of, key=lambda v: (key(names_of[v][n]), v)))}
            for n, lang in enumerate(LANGS)}


def _facet_rows(con: sqlite3.Connection, kind: str, facet: str, names_of: dict[str, tuple[str, str]],
                counts: dict[str, int], value_ranks: dict[str, dict[str, int]]) -> None:
    """A facet's ``facet_value`` and ``facet_count`` rows, from each value's names (vi, en), rank and count."""
    # the order a facet lists its values in without filters: most frequent first, then by name
    pos = {lang: {v: p for p, v in enumerate(sorted(counts, key=lambda v: (-counts[v], value_ranks[lang][v])))}
           for lang in LANGS}
    con.executemany("INSERT INTO facet_count VALUES (?,?,?,?,?,?)",
                    [(kind, facet, v, n, pos["vi"][v], pos["en"][v]) for v, n in counts.items()])
    con.executemany("INSERT INTO facet_value VALUES (?,?,?,?,?,?,?)", [
        (kind, facet, v, vi, en, value_ranks["vi"][v], value_ranks["en"][v]) for v, (vi, en) in names_of.items()])


def _entities_by_kind(db: ox.Store) -> dict[str, list[str]]:
    """Every typed entity under ``{base}id/`` by kind (the first path segment), each in IRI order: one
    pass over the rdf:type index (a SPARQL ``DISTINCT … ORDER BY`` decodes and sorts every IRI: 11 s at 100k)."""
    from webapp.urls import KINDS, entity_prefix

    prefix = entity_prefix()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    seen: set[str] = set()
    for q in db.quads_for_pattern(None, rdf_type, None, ox.DefaultGraph()):
        if isinstance(q.subject, ox.NamedNode):
            seen.add(q.subject.value)
    groups: dict[str, list[str]] = {}
    for iri in sorted(seen):
        # the pages' rule: {base}id/{kind}/… is of that kind (whatever follows the slash)
        kind, sep, _rest = iri[len(prefix):].partition("/") if iri.startswith(prefix) else ("", "", "")
        if sep and kind in KINDS:
            groups.setdefault(kind, []).append(iri)
    return groups


def _chunked(compute, iris: list[str], size: int = 5000) -> dict:
    """``compute`` over ``iris`` in parts: its queries join a ``VALUES`` block of one part at a time."""
    out: dict = {}
    for start in range(0, len(iris), size):
        out.update(compute(iris[start:start + size]))
    return out


# ---------------------------------------------------------------------------------------------- reading


class BrowseIndex(ReadOnlySqlite):
    """A read-only ``browse.sqlite``; one SQLite connection per thread. Every method is a few index
    lookups or one bounded range: no method reads every entity of a kind unless a filter asks for a
    count over them, and then only the ``facet`` index."""

    FILENAME = FILENAME
    WHAT = "browse index"

    def __init__(self, file: str | os.PathLike):
        super().__init__(file)
        self._counts: dict[str, int] | None = None

    @staticmethod
    def _lang(lang: str) -> str:
        return "en" if lang == "en" else "vi"

    @staticmethod
    def _selection(kind: str, active: list[tuple[str, str]]) -> tuple[str, list]:
        """A ``WITH sel(entity)`` clause and its arguments: the entities with every (facet, value) of
        ``active``, read from the facet index, so what follows costs what the selection holds."""
        parts = " INTERSECT ".join("SELECT entity FROM facet WHERE kind = ? AND facet = ? AND value = ?"
                                   for _ in active)
        return f"WITH sel(entity) AS ({parts}) ", [x for facet, value in active for x in (kind, facet, value)]

    def counts(self) -> dict[str, int]:
        if self._counts is None:  # read once: the file never changes
            self._counts = dict(self._con().execute("SELECT kind, COUNT(*) FROM entity GROUP BY kind"))
        return self._counts

    def total(self, kind: str, active: list[tuple[str, str]]) -> int:
        if not active:
            return self._con().execute("SELECT COUNT(*) FROM entity WHERE kind = ?", (kind,)).fetchone()[0]
        with_sel, args = self._selection(kind, active)
        return self._con().execute(with_sel + "SELECT COUNT(*) FROM sel", args).fetchone()[0]

    def page(self, kind: str, active: list[tuple[str, str]], lang: str, offset: int, size: int) -> list[tuple]:
        """(iri, name, date) of the entities ranked ``offset``…``offset+size`` in Vietnamese order."""
        lg = self._lang(lang)
        if not active:  # ranks are dense per kind: the page is one index range (keyset), at any depth
            sql = (f"SELECT iri, name_{lg}, date FROM entity e WHERE kind = ? AND rank_{lg} >= ? AND rank_{lg} < ? "
                   f"ORDER BY rank_{lg}")
            return self._con().execute(sql, (kind, offset, offset + size)).fetchall()
        with_sel, args = self._selection(kind, active)
        sql = (with_sel + f"SELECT e.iri, e.name_{lg}, e.date FROM sel JOIN entity e ON e.id = sel.entity "
               f"ORDER BY e.rank_{lg} LIMIT ? OFFSET ?")
        return self._con().execute(sql, [*args, size, offset]).fetchall()

    def facet_counts(self, kind: str, facet: str, others: list[tuple[str, str]], lang: str, top: int,
                     selected: str | None = None) -> list[tuple[str, str, int]]:
        """(value, its display name, number of entities) under the ``others`` filters: the ``top`` most
        frequent values (ties in Vietnamese order of their names), and ``selected`` if it is not among them."""
        lg = self._lang(lang)
        if not others:  # the first page of every listing: the first ``top`` positions, one index range
            rows = self._con().execute(
                f"SELECT c.value, v.name_{lg}, c.n FROM facet_count c JOIN facet_value v ON v.kind = c.kind AND "
                f"v.facet = c.facet AND v.value = c.value WHERE c.kind = ? AND c.facet = ? AND c.pos_{lg} < ? "
                f"ORDER BY c.pos_{lg}", (kind, facet, top)).fetchall()
            if selected is not None and all(r[0] != selected for r in rows):
                rows += self._con().execute(
                    f"SELECT c.value, v.name_{lg}, c.n FROM facet_count c JOIN facet_value v ON v.kind = c.kind AND "
                    "v.facet = c.facet AND v.value = c.value WHERE c.kind = ? AND c.facet = ? AND c.value = ?",
                    (kind, facet, selected)).fetchall()
            return rows
        with_sel, args = self._selection(kind, others)
        counted = ("SELECT f.value, COUNT(*) AS n FROM sel CROSS JOIN facet f ON f.entity = sel.entity "
                   "AND f.facet = ? AND f.kind = ? GROUP BY f.value")
        args = [*args, facet, kind]
        sql = (f"{with_sel}SELECT c.value, v.name_{lg}, c.n FROM ({counted}) c JOIN facet_value v "
               f"ON v.kind = ? AND v.facet = ? AND v.value = c.value ORDER BY c.n DESC, v.rank_{lg} LIMIT ?")
        rows = self._con().execute(sql, [*args, kind, facet, top]).fetchall()
        if selected is not None and all(r[0] != selected for r in rows):
            rows += self._con().execute(
                f"{with_sel}SELECT c.value, v.name_{lg}, c.n FROM ({counted}) c JOIN facet_value v ON v.kind = ? "
                "AND v.facet = ? AND v.value = c.value WHERE c.value = ?", [*args, kind, facet, selected]).fetchall()
        return rows

    def first(self, kind: str, lang: str, n: int) -> list[tuple[str, str]]:
        lg = self._lang(lang)
        return self._con().execute(f"SELECT iri, name_{lg} FROM entity WHERE kind = ? ORDER BY rank_{lg} LIMIT ?",
                                   (kind, n)).fetchall()

    def latest_events(self) -> list[tuple[str, str, str | None]]:
        return self._con().execute("SELECT iri, date, place FROM latest_event ORDER BY pos").fetchall()
