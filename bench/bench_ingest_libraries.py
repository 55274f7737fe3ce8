"""What `underthesea` and `dateparser` would buy `danvan ingest`, by measurement (issue 11, "Libraries by
measurement"): precision and recall per fact type, and ingest time per article, with each library put in
place of (or beside) the rule it could replace. Neither is a dependency of the project; install them in
the environment that runs this bench (`.venv/bin/pip install underthesea dateparser`).

- `underthesea` (its CRF word segmentation + POS + chunking + NER, which ship inside the wheel; the deep
  NER, which downloads a model, is never called): people's names from its PER entities **instead of** the
  name rule (`people.find_names`), and **added to** it (a PER span the rule did not find is kept).
- `dateparser` (languages=["vi"], DATE_ORDER=DMY) reads each date span the regexes of `dates.py` found,
  **instead of** their own reading: with its default settings (a missing year is filled, from today), and
  with REQUIRE_PARTS=[day, month, year] (a missing year → no parse → the rule's own reading is kept).

Run it with the network cut, so a download would fail loudly (the bench also counts socket connections):

    unshare -n .venv/bin/python bench/bench_ingest_libraries.py --articles /work/shared/seeds

Writes the table to docs/ingest-evaluation.md's "Libraries" section (between its markers), unless
--no-write. The held-out sets are not run here (they are measured once, by bench_ingest.py).
"""

from __future__ import annotations

import argparse
import importlib
import datetime as dt
import socket
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import FIXTURES, corpus, fmt, invented_dates, seeds  # noqa: E402
from graph.ingest import ingest, pipeline, people, read_article  # noqa: E402
from graph.ingest.article import Span, fold  # noqa: E402
from graph.ingest.evaluate import TYPES, facts_of, score  # noqa: E402

DOC = ROOT / "docs" / "ingest-evaluation.md"
BEGIN, END = "<!-- libraries: written by bench/bench_ingest_libraries.py -->", "<!-- /libraries -->"

CONNECTS: list = []
_connect = socket.socket.connect


def _spy(self, *args, **kwargs):  # any network use by a library is counted (and fails under unshare -n)
    CONNECTS.append(args)
    return _connect(self, *args, **kwargs)


socket.socket.connect = _spy


# --- underthesea: PER entities as names ---------------------------------------------------------------

def _per_spans(a) -> list[Span]:
    from underthesea import ner
    spans = []
    for sent in a.sentences:
        text = a.text[sent.start:sent.end]
        if not text.strip():
            continue
        cursor, current = sent.start, None
        for token in ner(text):
            word, tag = token[0], token[3]
            pos = a.folded.find(fold(word), cursor, sent.end)
            if pos < 0:
                current = None
                continue
            end = pos + len(word)
            cursor = end
            if tag == "B-PER" or (tag == "I-PER" and current is None):
                current = Span(pos, end)
                spans.append(current)
            elif tag == "I-PER":
                current = spans[-1] = Span(current.start, end)
            else:
                current = None
    return [s for s in spans if len(a.text[s.start:s.end].split()) >= 2]  # a lone word is not a full name


def names_underthesea(a, taken=(), places=frozenset()):
    return [s for s in _per_spans(a)
            if not any(t.start <= s.start < t.end for t in taken) and fold(a.text[s.start:s.end]) not in places]


def names_union(a, taken=(), places=frozenset()):
    rules = RULE_NAMES(a, taken, places)
    extra = [s for s in names_underthesea(a, taken, places)
             if not any(r.start < s.end and s.start < r.end for r in rules)]
    return sorted(rules + extra, key=lambda s: s.start)


# --- dateparser: the regex-found spans read by dateparser ----------------------------------------------

def _dates_with(settings: dict):
    import dateparser

    def find(article, article_date):
        out = []
        for d in RULE_DATES(article, article_date):
            parsed = dateparser.parse(article.text[d.start:d.end], languages=["vi"],
                                      settings={"DATE_ORDER": "DMY", **settings})
            if parsed is None:
                out.append(d)  # nothing read: keep the rule's reading
                continue
            out.append(replace(d, day=parsed.day, month=parsed.month, year=parsed.year, year_from_text=True))
        return out
    return find


RULE_NAMES = people.find_names
RULE_DATES = pipeline.find_dates
VARIANTS = {
    "rules (as shipped)": {},
    "underthesea names instead of the name rule": {"names": names_underthesea},
    "underthesea names added to the name rule": {"names": names_union},
    "dateparser, default settings": {"dates": lambda: _dates_with({})},
    "dateparser, day+month+year required": {"dates": lambda: _dates_with({"REQUIRE_PARTS": ["day", "month", "year"]})},
}


def measure(items, variant: dict, gazetteer_for) -> tuple[dict, int, list[float]]:
    people.find_names = variant.get("names", RULE_NAMES)
    pipeline.find_dates = variant["dates"]() if "dates" in variant else RULE_DATES
    try:
        pairs, invented, times = [], 0, []
        for item in items:
            path, options, gold = item[0], item[1], item[2]
            art = read_article(path)
            t = time.perf_counter()
            cand = ingest(art, gazetteer=gazetteer_for(item), **options)
            cand.turtle()
            times.append((time.perf_counter() - t) * 1000)
            pairs.append((facts_of(cand.graph()), gold))
            invented += len(invented_dates(cand))
        return score(pairs), invented, times
    finally:
        people.find_names, pipeline.find_dates = RULE_NAMES, RULE_DATES


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=Path, help="folder holding the seed articles (NNN_<hex>.txt)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    corpora = {"development": (corpus(FIXTURES / "dev"), lambda item: None)}
    if args.articles:
        corpora["seed articles"] = (seeds(args.articles), lambda item: item[3])
    t = time.perf_counter()
    importlib.import_module("dateparser")
    from underthesea import ner
    ner("Khởi động.")  # load the CRF models once, outside the per-article times
    load_ms = (time.perf_counter() - t) * 1000

    rows = ["| corpus | variant | " + " | ".join(TYPES) + " | invented dates | ms / article (median) |",
            "|---|---|" + "---|" * len(TYPES) + "---|---|"]
    for cname, (items, gaz_for) in corpora.items():
        measure(items, {}, gaz_for)  # warm-up: gazetteers and caches
        for vname, variant in VARIANTS.items():
            scores, invented, times = measure(items, variant, gaz_for)
            cells = [f"{fmt(scores[t].precision)} / {fmt(scores[t].recall)}" for t in TYPES]
            rows.append(f"| {cname} | {vname} | " + " | ".join(cells) +
                        f" | {invented} | {statistics.median(times):.0f} |")
    table = "\n".join(rows)
    print(table)
    print(f"library import + model load, once per process: {load_ms:.0f} ms; socket connections: {len(CONNECTS)}")
    section = "\n".join([
        BEGIN, "## Libraries, by measurement", "",
        f"`bench/bench_ingest_libraries.py`, run under `unshare -n` (no network), {dt.date.today().isoformat()}. "
        "Each cell is precision / recall; the development corpus and the seed articles (the held-out sets "
        "are kept for bench_ingest.py).", "",
        table, "",
        f"Importing both libraries and loading underthesea's CRF models: {load_ms:.0f} ms once per process "
        f"(a `danvan ingest` is one process per article); socket connections during the run: {len(CONNECTS)}.",
        END])
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8")
        if BEGIN in text:
            text = text.split(BEGIN)[0] + section + text.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
