"""Precision and recall of `danvan ingest`, per fact type, on three corpora, and its speed; writes
docs/ingest-evaluation.md.

- dev: tests/fixtures/ingest/dev (the rules were written against it);
- held-out: tests/fixtures/ingest/heldout (never run while the first rules were written; its one miss was
  analysed during the recall work of 2026-12-01, so it is development material since);
- held-out 2: tests/fixtures/ingest/heldout2 (written and committed before the recall work, run once at its
  end);
- seeds: the five source articles, read from --articles DIR (they are not in the repository), against the
  curated sources that cite them (graph/sources/000–004, matched by dv:seedFile). Each seed is read with a
  gazetteer built from every other source, so a seed's own curated file cannot leak its IRIs into its
  candidate.

Also: "no invented date" (every date written has its day and month in the evidence span, and its year in
the text or the article's date), and an ablation: the same runs with an empty gazetteer (no linking).

    .venv/bin/python bench/bench_ingest.py --articles /work/shared/seeds [--runs 5] [--baseline DIR]

``--baseline DIR``: DIR is a checkout of an earlier version (``git worktree add DIR COMMIT``); its extractor
ingests the same corpora in a subprocess (``--emit-candidates``, with DIR's ``graph`` package first on the
path), and its candidates are scored here, by this version's keys, next to this version's: before and after
in one run.
"""

from __future__ import annotations

import argparse
import json
import platform
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("DANVAN_BENCH_CODE") or ROOT)  # whose extractor runs (--baseline: an earlier one)
sys.path.insert(0, str(CODE))

from graph import resources  # noqa: E402
from graph.ingest import article_from_bytes, ingest, read_article  # noqa: E402
from graph.ingest.article import fold  # noqa: E402
from graph.ingest.candidate import DV  # noqa: E402
from graph.ingest.evaluate import TYPES, expected_facts, facts_of, matches, score  # noqa: E402
from graph.ingest.gazetteer import Gazetteer, _packaged, from_files, packaged  # noqa: E402
from graph.ingest.national import _index  # noqa: E402
from graph.load import Packaged  # noqa: E402

DOC = ROOT / "docs" / "ingest-evaluation.md"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
HISTORY = "<!-- history: kept as written when the bench rewrites the page -->"


def corpus(folder: Path) -> list[tuple[Path, dict, dict]]:
    out = []
    for txt in sorted(folder.glob("*.txt")):
        spec = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
        out.append((txt, spec["options"], expected_facts(spec["expected"])))
    return out


def seeds(folder: Path) -> list[tuple[Path, dict, dict, Gazetteer]]:
    """(article, options, gold facts, gazetteer without the article's own curated source)."""
    files = [Packaged(p, "graph/sources") for p in resources.source_files()]
    out = []
    for path in files:
        g = Graph().parse(data=path.read_bytes().decode("utf-8"), format="turtle")
        seed = next(g.objects(None, URIRef(DV + "seedFile")), None)
        if seed is None or not (folder / str(seed)).exists():
            continue
        others = from_files(f for f in files if f.name != path.name)
        out.append((folder / str(seed), {}, facts_of(g), others))
    return out


def all_corpora(articles: Path | None) -> dict[str, list]:
    out = {"development": corpus(FIXTURES / "dev"), "held-out": corpus(FIXTURES / "heldout"),
           "held-out 2": corpus(FIXTURES / "heldout2")}
    if articles:
        out["seed articles"] = seeds(articles)
    return out


def emit_candidates(articles: Path | None, out: Path) -> None:
    """Each corpus article's candidate Turtle, by this process's extractor (the --baseline subprocess)."""
    result = {}
    for name, items in all_corpora(articles).items():
        result[name] = {str(item[0]): ingest(read_article(item[0]), gazetteer=item[3] if len(item) > 3 else None,
                                             **item[1]).turtle() for item in items}
    out.write_text(json.dumps(result), encoding="utf-8")


def baseline_scores(baseline: Path, articles: Path | None) -> dict[str, dict]:
    """Scores of the candidates an earlier version's extractor writes for the same corpora, by these keys."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "candidates.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--emit-candidates", str(out)]
        if articles:
            cmd += ["--articles", str(articles)]
        subprocess.run(cmd, env={**os.environ, "DANVAN_BENCH_CODE": str(baseline.resolve())}, check=True)
        emitted = json.loads(out.read_text(encoding="utf-8"))
    scores = {}
    for name, items in all_corpora(articles).items():
        pairs = [(facts_of(Graph().parse(data=emitted[name][str(item[0])], format="turtle")), item[2])
                 for item in items]
        scores[name] = score(pairs)
    return scores


def invented_dates(candidate) -> list[str]:
    """Dates whose day/month are not in their evidence span, or whose year is neither in the text nor the
    article's date."""
    g, text = candidate.graph(), candidate.article.text
    published = g.value(candidate.source, URIRef(DV + "datePublished"))
    bad = []
    for ev in g.subjects(RDF.type, URIRef(DV + "Evidence")):
        value = g.value(ev, RDF.object)
        if not (isinstance(value, Literal) and value.datatype in (XSD.date, XSD.gMonthDay)):
            continue
        if g.value(ev, RDF.predicate) == URIRef(DV + "attestedOn") and value == published:
            continue  # a post is attested on the article's date by design
        m = re.match(r"(\d{4})?-?-(\d{2})-(\d{2})", str(value))
        year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        span = fold(text[int(g.value(ev, URIRef(DV + "charStart"))):int(g.value(ev, URIRef(DV + "charEnd")))])
        numbers = [int(n) for n in re.findall(r"\d+", span)]
        if day not in numbers or month not in numbers:
            bad.append(f"{value}: day/month not in its evidence")
        elif year and year not in text and not (published and str(published).startswith(year)):
            bad.append(f"{value}: year {year} neither in the text nor the article's date")
    return bad


def run(items, gazetteer_for) -> tuple[dict, list[str], dict]:
    pairs, bad, per_file = [], [], {}
    for item in items:
        path, options, gold = item[0], item[1], item[2]
        cand = ingest(read_article(path), gazetteer=gazetteer_for(item), **options)
        found = facts_of(cand.graph())
        pairs.append((found, gold))
        bad += [f"{path.name}: {b}" for b in invented_dates(cand)]
        per_file[path.name] = {}
        for t in TYPES:
            _, wrong, missed = matches(found[t], gold[t])
            if wrong or missed:
                per_file[path.name][t] = (sorted(map(_show, wrong)), sorted(map(_show, missed)))
    return score(pairs), bad, per_file


def _show(fact) -> str:
    return " ".join(map(str, fact)) if isinstance(fact, tuple) else str(fact)


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def table(scores: dict) -> str:
    rows = ["| fact type | precision | recall | found right | found wrong | missed |", "|---|---|---|---|---|---|"]
    for t in TYPES:
        s = scores[t]
        rows.append(f"| {t} | {fmt(s.precision)} | {fmt(s.recall)} | {s.tp} | {s.fp} | {s.fn} |")
    return "\n".join(rows)


def timing(paths: list[Path], runs: int) -> tuple[float, float, float]:
    """Milliseconds per article (median over runs, each run over every article, after a warm-up), the
    slowest article's median, and the gazetteer load (once per process)."""
    start = time.perf_counter()
    _packaged.cache_clear()
    _index.cache_clear()
    packaged()
    load_ms = (time.perf_counter() - start) * 1000
    per = {p: [] for p in paths}
    for p in paths:
        ingest(read_article(p)).turtle()
    for _ in range(runs):
        for p in paths:
            t = time.perf_counter()
            ingest(read_article(p)).turtle()
            per[p].append((time.perf_counter() - t) * 1000)
    medians = [statistics.median(v) for v in per.values()]
    return statistics.median(medians), max(medians), load_ms


def cli_timing(article: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock ms of `danvan ingest ARTICLE` as a user runs it (a new process each time): cold, with an
    empty cache folder (the national index is built and written), and warm (the index read back)."""
    danvan = shutil.which("danvan", path=str(Path(sys.executable).parent)) or "danvan"
    cold, warm = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "XDG_CACHE_HOME": cache}
            for bucket in (cold, warm):
                t = time.perf_counter()
                subprocess.run([danvan, "ingest", str(article)], env=env, check=True, capture_output=True)
                bucket.append((time.perf_counter() - t) * 1000)
    return cold, warm


def _describe(checkout: Path) -> str:
    rev = subprocess.run(["git", "-C", str(checkout), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return rev.stdout.strip()[:90] or str(checkout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=Path, help="folder holding the seed articles (NNN_<hex>.txt)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true", help="print, do not write docs/ingest-evaluation.md")
    ap.add_argument("--baseline", type=Path, help="a checkout of an earlier version: its scores beside these")
    ap.add_argument("--emit-candidates", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.emit_candidates:
        emit_candidates(args.articles, args.emit_candidates)
        return 0

    empty = Gazetteer()
    results = {}
    corpora = all_corpora(args.articles)
    for name, items in corpora.items():
        if name == "seed articles":
            continue
        results[name] = run(items, lambda item: None)
        results[name + " (no gazetteer)"] = run(items, lambda item: empty)
    seed_items = corpora.get("seed articles", [])
    if seed_items:
        results["seed articles"] = run(seed_items, lambda item: item[3])
        results["seed articles (no gazetteer)"] = run(seed_items, lambda item: empty)
    before = baseline_scores(args.baseline, args.articles) if args.baseline else None

    paths = [i[0] for i in corpus(FIXTURES / "dev")] + [i[0] for i in seed_items]
    median_ms, worst_ms, load_ms = timing(paths, args.runs)
    cold, warm = cli_timing(paths[0], args.runs)

    for name, (scores, bad, per_file) in results.items():
        print(f"== {name}")
        print(table(scores))
        print("invented dates:", bad or "none")
    out = [
        "# Ingest: precision and recall",
        "",
        "Written by `bench/bench_ingest.py` (`--articles DIR` adds the five seed articles, which are not in the",
        "repository). Facts are compared by the keys of `graph/ingest/evaluate.py`: documents by number,",
        "relations by (number, property, number), people by folded name, posts by (name, role, organization),",
        "events by (class, date), organizations by IRI slug, dates by value. Targets (issue 11): precision ≥ 0.9",
        "and recall ≥ 0.8 per type on texts not used during development.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other workers, Python {platform.python_version()}.",
        "",
        "Read with care: the held-out texts were written by the author of the rules, in the same style as the",
        "development texts; they show the rules are not fitted to single sentences, little more. *Held-out 2*",
        "(five texts) was written and committed before the recall work of 2026-12-01 changed any rule and run",
        "once, at its end; the first *held-out* set had its one miss analysed during that work, so it is",
        "development material since. The seed articles are real news curated independently (their curated",
        "sources record facts a reader infers, which no rule here produces), and they were looked at while the",
        "rules were improved: they are a second development set, not a test.",
        "",
    ]
    if before is not None:
        out += ["## Before and after (this run)", "",
                f"Before: the extractor of `{_describe(args.baseline)}`, run on the same corpora in the same run "
                "and scored by the same keys. Each cell is precision / recall (found right, found wrong, missed).", ""]
        names = [n for n in ("held-out 2", "held-out", "development", "seed articles") if n in before]
        out += ["| fact type | " + " | ".join(f"{n}: before | {n}: after" for n in names) + " |",
                "|---|" + "---|---|" * len(names)]
        for t in TYPES:
            cells = []
            for n in names:
                for sc in (before[n][t], results[n][0][t]):
                    cells.append(f"{fmt(sc.precision)} / {fmt(sc.recall)} ({sc.tp}, {sc.fp}, {sc.fn})")
            out.append(f"| {t} | " + " | ".join(cells) + " |")
        out.append("")
    for name in ("held-out 2", "held-out", "development", "seed articles"):
        if name not in results:
            continue
        scores, bad, per_file = results[name]
        out += [f"## {name.capitalize()}", "", table(scores), "",
                f"Invented dates: {len(bad)}" + (": " + "; ".join(bad) if bad else "."), ""]
        misses = {f: d for f, d in per_file.items() if d}
        if misses and name != "development":
            out += ["What went wrong, per file (found wrongly / missed):", ""]
            for f, d in misses.items():
                for t, (fp, fn) in d.items():
                    out.append(f"- `{f}` {t}: wrong {fp or '–'}; missed {fn or '–'}")
            out.append("")
    out += ["## What linking to the graph bought", "",
            "The same runs with an empty gazetteer (nothing known: every entity minted from its name):", ""]
    for name in ("held-out 2", "held-out", "seed articles"):
        key = name + " (no gazetteer)"
        if key in results:
            with_, without = results[name][0], results[key][0]
            changes = ", ".join(
                f"{t} P {fmt(without[t].precision)}→{fmt(with_[t].precision)} R {fmt(without[t].recall)}→{fmt(with_[t].recall)}"
                for t in TYPES if (without[t].tp, without[t].fp) != (with_[t].tp, with_[t].fp))
            out.append(f"- {name}: {changes or 'no change (every entity in these texts is new to the graph)'}")
    big = "\n\n".join(p.read_text(encoding="utf-8") for p in paths)
    big = (big * (200_000 // len(big.encode()) + 1)).encode()[:199_000].decode("utf-8", "ignore").encode()
    start = time.perf_counter()
    ingest(article_from_bytes(big)).turtle()
    big_ms = (time.perf_counter() - start) * 1000
    out += ["", "## Speed", "",
            f"Ingest of one article (read, extract, link, write Turtle), median of {args.runs} runs over "
            f"{len(paths)} articles: **{median_ms:.0f} ms**; slowest article {worst_ms:.0f} ms "
            f"(target ≤ 2000 ms). Loading the gazetteer (the curated sources and the national index, "
            f"DANVAN_NATIONAL={os.environ.get('DANVAN_NATIONAL', 'all') or 'all'}), once per process: {load_ms:.0f} ms.",
            "",
            f"`danvan ingest {paths[0].name}` as a user runs it (a new process; median of {args.runs} runs, "
            f"fastest–slowest): cold, the national index built and cached, "
            f"**{statistics.median(cold):.0f} ms** ({min(cold):.0f}–{max(cold):.0f}); warm, read from the cache, "
            f"**{statistics.median(warm):.0f} ms** ({min(warm):.0f}–{max(warm):.0f}).",
            "",
            f"The largest input accepted (200 kB: every article above concatenated, about forty times a news "
            f"article), one run: {big_ms:.0f} ms.",
            ""]
    text = "\n".join(out)
    if DOC.exists() and HISTORY in DOC.read_text(encoding="utf-8"):  # the measured history, written by hand
        text += "\n" + HISTORY + DOC.read_text(encoding="utf-8").split(HISTORY, 1)[1]
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
