"""The public server under load (issue 7): a bounded locust run on loopback against a real `danvan serve`;
writes its figures under a label to bench/results/load-LABEL.json and renders every label it finds there
into the "## Load (issue 7)" section of docs/benchmarks.md.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_load.py --label before            # full size, 3 runs of each scenario
    .venv/bin/python bench/bench_load.py --label try --quick --results /tmp/load --doc /tmp/load.md
                                                                   # a short smoke run (~1 min), kept apart

It builds the packaged sources into a temporary store (`danvan build`), then for each run of each
scenario starts a fresh `danvan serve` on 127.0.0.1 (DANVAN_QUERY_TIMEOUT=--query-timeout, default 5;
`--server-env KEY=VALUE` adds settings), finds its targets through the server itself (entity IRIs of
several kinds and their labels over /sparql, the named queries from /queries.json), runs the scenario
and stops the server. Nothing waits for ever: every request has a client timeout (--timeout), the
phases have fixed lengths, and after the last phase the run waits at most one client timeout for the
requests still in flight.

Scenario A (the issue's): --users (50) simulated people, each waiting --think (2–4) s between requests
(so that without runaway queries the server keeps up: about 17 requests a second), over a mix of entity
pages, /search, /browse, named-query pages, ordinary /sparql queries and /health. After 5 s of warm-up
that are not counted, three phases by the time a request is sent: *before* (--calm seconds, no
runaway queries), *during* (--duration seconds, --runaway-share (5%) of the requests are runaway SPARQL
queries: cross products with ORDER BY that only the deadline stops), *after* (--calm seconds without).

Scenario B: --runaway-users (12) users sending nothing but runaway queries, back to back, and one probe
asking for an entity page every 0.5 s; after a 5 s settling time the probe's answers are counted for
--probe-duration seconds.

Every user draws from its own random.Random seeded from --seed and its number, so the request sequence
of each user is the same from run to run (their interleaving is not). Latencies are measured from
sending to the last byte, errors and timeouts included (a timed-out request counts as --timeout).
"""

from __future__ import annotations

from locust import FastHttpUser, task  # first: locust patches the standard library for gevent

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

import gevent
import gevent.pool
from locust.env import Environment

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import DOC, clean_env, danvan_command, replace_section, served  # noqa: E402
from graph.settings import CANONICAL_BASE  # noqa: E402

HEADING = "## Load (issue 7)"
RESULTS = Path(__file__).resolve().parent / "results"
LABEL_ORDER = ("before", "after")

SPARQL_JSON = "application/sparql-results+json"
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
# Kinds whose pages the load visits (several, from hubs with many statements to small leaves).
ENTITY_KINDS = ("organization", "person", "document", "event", "place", "post", "source")
PER_KIND = 6
# What a simulated person asks for, and how often (runaway queries come on top, in the runaway phases).
MIX = {"entity": 35, "search": 15, "browse": 15, "queries": 10, "sparql": 15, "health": 10}
PAGES = ("entity", "search", "browse")
# Seconds of load before anything is counted: the users' first requests, the server's first queries.
WARM_UP = 5.0
# Cross products of the whole store (2,500 triples: 10^13 rows and more) sorted: only the deadline ends them.
RUNAWAY = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?l ?a",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY DESC(STR(?c)) ?f",
    "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY STR(?i) ?f ?c",
)


# ------------------------------------------------------------------------------------- recording

@dataclass
class Control:
    """The phase the run is in (shared by every user of one run) and the requests now in flight."""
    base: str
    phase: str = "start"
    in_flight: int = 0


@dataclass
class Recorder:
    """Every answered or failed request: (phase when sent, category, status, milliseconds)."""
    timeout_ms: float
    samples: list[tuple[str, str, str, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def on_request(self, response_time, response, exception, context, **_kw) -> None:
        code = getattr(response, "status_code", 0) or 0
        if code:
            status = str(code)
        elif exception is not None and any(w in f"{type(exception).__name__} {exception}".lower()
                                           for w in ("timeout", "timed out")):
            status = "timeout"
        else:
            status = "connection error"
        ms = self.timeout_ms if status == "timeout" else float(response_time)
        if not code:  # which failure, without the URL (geventhttpclient wraps it as "…, original=REASON")
            reason = f"{context['cat']}: {type(exception).__name__}: {str(exception).rpartition('original=')[2]}"
            self.errors[reason[:200]] = self.errors.get(reason[:200], 0) + 1
        self.samples.append((context["phase"], context["cat"], status, ms))


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n·p/100)
    return ordered[int(rank) - 1]


def latency(samples, phase: str, cats) -> dict:
    ms = [s[3] for s in samples if s[0] == phase and s[1] in cats]
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms) if ms else None}


def histogram(samples, phase: str | None = None, cats=None) -> dict[str, int]:
    out: dict[str, int] = {}
    for ph, cat, status, _ in samples:
        if (phase is None or ph == phase) and (cats is None or cat in cats):
            out[status] = out.get(status, 0) + 1
    return dict(sorted(out.items()))


# -------------------------------------------------------------------------------------- targets

@dataclass
class Targets:
    entities: list[str]
    searches: list[str]
    browse: list[str]
    queries: list[str]
    sparql: list[str]


def discover(base: str, timeout: float) -> Targets:
    """What the load asks for, read from the served graph itself (sorted, so every run asks the same)."""
    import urllib.request

    def get_json(path: str, accept: str = "application/json") -> dict:
        req = urllib.request.Request(base + path, headers={"Accept": accept})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.load(r)

    prefix = CANONICAL_BASE + "id/"
    query = (PREFIXES + "SELECT DISTINCT ?s ?label WHERE { ?s skos:prefLabel ?label "
             f'FILTER(STRSTARTS(STR(?s), "{prefix}") && LANGMATCHES(LANG(?label), "vi")) }} ORDER BY ?s')
    rows = get_json("/sparql?" + urlencode({"query": query}), SPARQL_JSON)["results"]["bindings"]
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        kind, _, slug = row["s"]["value"][len(prefix):].partition("/")
        if kind in ENTITY_KINDS and slug and all(slug != s for s, _ in by_kind.get(kind, [])):
            by_kind.setdefault(kind, []).append((slug, row["label"]["value"]))
    chosen = [(kind, slug, label) for kind in ENTITY_KINDS for slug, label in by_kind.get(kind, [])[:PER_KIND]]
    if len(by_kind) < 3:
        raise SystemExit(f"the served graph has entities of only {sorted(by_kind)}; expected several kinds")
    entities = [f"/id/{kind}/{quote(slug)}" for kind, slug, _ in chosen]
    # Searches as a person types them: one or two words of a label.
    searches = sorted({" ".join(label.split()[:n]) for _, _, label in chosen for n in (1, 2)})
    browse = ["/browse", "/browse/organization/tree"] + [f"/browse/{k}" for k in sorted(by_kind)]
    names = sorted(q["name"] for q in get_json("/queries.json")["queries"])
    queries = [f"/queries/{quote(n)}" for n in names]
    some = [prefix + f"{kind}/{slug}" for kind, slug, _ in chosen[::PER_KIND]]
    sparql = [PREFIXES + "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label LIMIT 20",
              "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)"]
    for iri in some:
        sparql += [f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 50", f"ASK {{ <{iri}> ?p ?o }}"]
    return Targets(entities, searches, browse, queries, sparql)


# ---------------------------------------------------------------------------------------- users

def user_classes(targets: Targets, ctrl: Control, args) -> tuple[type, type, type]:
    """Locust user classes bound to this run's targets, control and options."""
    numbers = itertools.count()

    class Base(FastHttpUser):
        abstract = True
        network_timeout = args.timeout
        connection_timeout = args.timeout

        def on_start(self) -> None:
            n = next(numbers)
            self.rng = random.Random(f"{args.seed}/{type(self).__name__}/{n}")
            if args.client_header:
                self.client_headers = {args.client_header: f"10.77.{n // 250}.{n % 250 + 1}"}
            else:
                self.client_headers = {}

        def send(self, cat: str, method: str, path: str, **kw) -> None:
            headers = {**self.client_headers, **kw.pop("headers", {})}
            ctrl.in_flight += 1
            try:
                self.client.request(method, path, name=cat, headers=headers, allow_redirects=False,
                                    context={"phase": ctrl.phase, "cat": cat}, **kw)
            finally:
                ctrl.in_flight -= 1

        def runaway(self) -> None:
            self.send("runaway", "POST", "/sparql", data=self.rng.choice(RUNAWAY).encode(),
                      headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON})

    class Person(Base):
        """Scenario A: one person browsing, with a share of runaway queries in the runaway phase."""

        def on_start(self) -> None:
            super().on_start()
            gevent.sleep(self.rng.uniform(0, args.think[1]))  # people arrive one by one, not all at once

        def wait_time(self) -> float:
            return self.rng.uniform(*args.think)

        @task
        def one(self) -> None:
            if ctrl.phase in ("start", "drain"):
                gevent.sleep(0.2)
                return
            if ctrl.phase == "during" and self.rng.random() < args.runaway_share:
                self.runaway()
                return
            cat = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
            lang = "?lang=en" if self.rng.random() < 0.2 else ""
            if cat == "entity":
                self.send(cat, "GET", self.rng.choice(targets.entities) + lang)
            elif cat == "search":
                self.send(cat, "GET", "/search?" + urlencode({"q": self.rng.choice(targets.searches)}))
            elif cat == "browse":
                self.send(cat, "GET", self.rng.choice(targets.browse) + lang)
            elif cat == "queries":
                self.send(cat, "GET", self.rng.choice(targets.queries) + lang)
            elif cat == "sparql":
                self.send(cat, "GET", "/sparql?" + urlencode({"query": self.rng.choice(targets.sparql)}),
                          headers={"Accept": SPARQL_JSON})
            else:
                self.send(cat, "GET", "/health")

    class Runaway(Base):
        """Scenario B: nothing but runaway queries, back to back."""
        fixed_count = args.runaway_users

        def wait_time(self) -> float:
            return 0.0

        @task
        def one(self) -> None:
            if ctrl.phase in ("start", "drain"):
                gevent.sleep(0.2)
                return
            self.runaway()

    class Probe(Base):
        """Scenario B: an entity page every 0.5 s by the clock, whether or not the last one answered (a
        probe that waited for its answers would send fewer requests the slower the server got)."""
        fixed_count = 1
        concurrency = 200  # connections the probe may hold open at once

        def on_start(self) -> None:
            super().on_start()
            self.order = itertools.cycle(targets.entities)
            self.pending = gevent.pool.Group()

        def on_stop(self) -> None:
            self.pending.kill(block=False)

        def wait_time(self) -> float:
            return 0.5

        @task
        def one(self) -> None:
            if ctrl.phase not in ("start", "drain"):
                self.pending.spawn(self.send, "probe", "GET", next(self.order))

    return Person, Runaway, Probe


def run_locust(classes: list[type], users: int, phases: list[tuple[str, float]], ctrl: Control,
               recorder: Recorder, drain: float) -> int:
    """Start ``users`` users, walk through ``phases`` (name, seconds), stop sending, wait up to ``drain``
    seconds for the requests in flight, stop. Returns locust's own count of requests."""
    env = Environment(user_classes=classes, host=ctrl.base)
    env.events.request.add_listener(recorder.on_request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    for name, seconds in phases:
        ctrl.phase = name
        gevent.sleep(seconds)
    ctrl.phase = "drain"
    for _ in range(int(drain * 10) + 1):
        if ctrl.in_flight == 0:
            break
        gevent.sleep(0.1)
    left = ctrl.in_flight
    runner.quit()
    runner.greenlet.join(timeout=30)
    if left:
        print(f"  {left} requests still in flight after {drain:.0f} s were dropped", file=sys.stderr)
    return env.stats.total.num_requests


# ------------------------------------------------------------------------------------- scenarios

def server_env(args) -> dict[str, str]:
    env = {"DANVAN_QUERY_TIMEOUT": f"{args.query_timeout:g}"}
    for item in args.server_env:
        key, sep, value = item.partition("=")
        if not sep or not key.startswith("DANVAN_"):
            raise SystemExit(f"--server-env {item!r}: give DANVAN_NAME=VALUE")
        env[key] = value
    return env


def scenario_a(store: Path, args, log: Path) -> dict:
    with served(store, log, **server_env(args)) as base:
        targets = discover(base, args.timeout)
        ctrl, rec = Control(base), Recorder(args.timeout * 1000)
        person, _, _ = user_classes(targets, ctrl, args)
        phases = [("warm-up", WARM_UP), ("before", args.calm), ("during", args.duration), ("after", args.calm)]
        counted = run_locust([person], args.users, phases, ctrl, rec, args.timeout)
        phases = phases[1:]
    s = [x for x in rec.samples if x[0] != "warm-up"]
    kinds = list(MIX) + ["runaway"]
    return {
        "requests": len(s), "warm_up_requests": len(rec.samples) - len(s), "locust_requests": counted,
        "status": histogram(s), "errors": rec.errors,
        "phases": {ph: {"requests": sum(1 for x in s if x[0] == ph), "status": histogram(s, ph),
                        "pages": latency(s, ph, PAGES), "health": latency(s, ph, ("health",)),
                        "sparql": latency(s, ph, ("sparql",)),
                        "by_kind": {k: histogram(s, ph, (k,)) for k in kinds if histogram(s, ph, (k,))}}
                   for ph, _ in phases},
    }


def scenario_b(store: Path, args, log: Path) -> dict:
    with served(store, log, **server_env(args)) as base:
        targets = discover(base, args.timeout)
        ctrl, rec = Control(base), Recorder(args.timeout * 1000)
        _, runaway, probe = user_classes(targets, ctrl, args)
        phases = [("settle", WARM_UP), ("probe", args.probe_duration)]
        counted = run_locust([runaway, probe], args.runaway_users + 1, phases, ctrl, rec, args.timeout)
    s = rec.samples
    probes = [x for x in s if x[0] == "probe" and x[1] == "probe"]
    return {
        "requests": len(s), "locust_requests": counted,
        "probe": {"sent": len(probes), "answered": sum(1 for x in probes if x[2] == "200"),
                  "status": histogram(s, "probe", ("probe",)), **latency(s, "probe", ("probe",))},
        "runaway": histogram(s, "probe", ("runaway",)), "errors": rec.errors,
        "all": histogram(s),
    }


# ----------------------------------------------------------------------------------------- output

def machine() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        model, cores = fields.get("Model name", "unknown CPU").strip(), fields.get("CPU(s)", "?").strip()
    except (OSError, subprocess.CalledProcessError):
        model, cores = "unknown CPU", "?"
    return f"{model}, {cores} CPUs"


def commit() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout.strip()

    served_code = ("graph", "webapp", "queries", "ontology")
    head = git("rev-parse", "--short=10", "HEAD") or "unknown"
    last = git("log", "-1", "--format=%h", "--abbrev=10", "--", *served_code)
    dirty = git("status", "--porcelain", "--", *served_code)
    return (head + (f" (server code as of {last})" if last and last != head else "")
            + (" + uncommitted changes" if dirty else ""))


def median_of(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def secs(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def spread(values_ms: list) -> str:
    """The median of the runs, and their range when there are several."""
    values_ms = [v for v in values_ms if v is not None]
    if not values_ms:
        return "–"
    mid = secs(statistics.median(values_ms))
    if len(values_ms) == 1:
        return mid
    return f"{mid} ({secs(min(values_ms))}–{secs(max(values_ms))})"


def count(values: list) -> str:
    m = median_of(values)
    return "–" if m is None else f"{m:g}"


def render_label(data: dict) -> list[str]:
    a_runs, b_runs, cfg = data["a"], data["b"], data["config"]
    n_a, n_b = len(a_runs), len(b_runs)
    env = ", ".join(f"{k}={v}" for k, v in data["server_env"].items())
    loads = [r["load_before"] for r in a_runs + b_runs if "load_before" in r]
    busy = (f" 1-minute load average before the runs: {min(loads):.1f}–{max(loads):.1f} (other work on the "
            "machine shares its CPUs with the server and the load generator)." if loads else "")
    lines = [f"### {data['label']}: commit {data['commit']}, {data['date']}", "",
             f"Machine: {data['machine']}; server `danvan serve` (waitress, 4 threads) with {env}; "
             f"client timeout {cfg['timeout']:g} s.{busy} Command: `{data['command']}`.", ""]
    if n_a:
        phases = list(a_runs[0]["phases"])
        statuses = sorted({k for r in a_runs for p in r["phases"].values() for k in p["status"]},
                          key=lambda k: (not k.isdigit(), k))
        lines += [f"**Scenario A**: {cfg['users']} users waiting {cfg['think'][0]:g}–{cfg['think'][1]:g} s "
                  f"between requests, after {WARM_UP:g} s of warm-up: phases before {cfg['calm']:g} s / during "
                  f"{cfg['duration']:g} s ({cfg['runaway_share']:.0%} runaway queries) / after {cfg['calm']:g} s. "
                  f"Each cell is the median of {n_a} run{'s' if n_a > 1 else ''}"
                  + (" (range in parentheses)" if n_a > 1 else "") + ".", "",
                  "| phase | requests | " + " | ".join(statuses) + " |",
                  "|---|---:|" + "---:|" * len(statuses)]
        for ph in phases:
            cells = [count([r["phases"][ph]["requests"] for r in a_runs])]
            cells += [count([r["phases"][ph]["status"].get(k, 0) for r in a_runs]) for k in statuses]
            lines.append(f"| {ph} | " + " | ".join(cells) + " |")
        total = [count([r["requests"] for r in a_runs])]
        total += [count([r["status"].get(k, 0) for r in a_runs]) for k in statuses]
        lines += ["| **all** | " + " | ".join(total) + " |", "",
                  "| latency | " + " | ".join(phases) + " |", "|---|" + "---:|" * len(phases)]
        for what, label in (("pages", "pages (entity, search, browse)"), ("health", "`/health`")):
            for stat in ("p50", "p95", "max"):
                lines.append(f"| {label} {stat} | "
                             + " | ".join(spread([r["phases"][ph][what][stat] for r in a_runs]) for ph in phases)
                             + " |")
        lines += ["", "Answers other than 200 by kind of request, each run's count"
                  + (" (run 1 / run 2 / …)" if n_a > 1 else "") + ":", ""]
        for ph in phases:
            odd: dict[tuple[str, str], list[int]] = {}
            for r in a_runs:
                for kind, hist in r["phases"][ph]["by_kind"].items():
                    for status, n in hist.items():
                        if status != "200":
                            odd.setdefault((kind, status), [0] * n_a)
            for i, r in enumerate(a_runs):
                for (kind, status), ns in odd.items():
                    ns[i] = r["phases"][ph]["by_kind"].get(kind, {}).get(status, 0)
            told = "; ".join(f"{kind} {status}: {' / '.join(map(str, ns))}"
                             for (kind, status), ns in sorted(odd.items()))
            lines.append(f"- {ph}: {told or 'none'}")
        lines.append("")
    if n_b:
        probe = [r["probe"] for r in b_runs]
        runaway_statuses = sorted({k for r in b_runs for k in r["runaway"]})
        lines += [f"**Scenario B**: {cfg['runaway_users']} users sending only runaway queries while one probe "
                  f"asks for an entity page every 0.5 s, counted over {cfg['probe_duration']:g} s after "
                  f"{WARM_UP:g} s of settling; median of {n_b} run{'s' if n_b > 1 else ''}.", "",
                  "| probes sent | answered 200 | p50 | p95 | max | runaway answers |",
                  "|---:|---:|---:|---:|---:|---|",
                  f"| {count([p['sent'] for p in probe])} | {count([p['answered'] for p in probe])} | "
                  f"{spread([p['p50'] for p in probe])} | {spread([p['p95'] for p in probe])} | "
                  f"{spread([p['max'] for p in probe])} | "
                  + ", ".join(f"{k}: {count([r['runaway'].get(k, 0) for r in b_runs])}" for k in runaway_statuses)
                  + " |", ""]
    return lines


def render(results: Path) -> str:
    files = sorted(results.glob("load-*.json"))
    found = {json.loads(f.read_text(encoding="utf-8"))["label"]: f for f in files}
    order = [lb for lb in LABEL_ORDER if lb in found] + sorted(set(found) - set(LABEL_ORDER))
    lines = [HEADING, "",
             "Produced by `bench/bench_load.py` (locust as a library, loopback only, bounded: it builds a "
             "temporary store, starts and stops `danvan serve` itself). Scenario A is issue 7's: a mix of "
             "entity pages, search, browse, named-query pages, ordinary SPARQL and `/health`, with a share "
             "of runaway SPARQL queries (sorted cross products of the whole store that only the deadline "
             "stops) in the middle phase; latencies are by the phase a request was sent in, from sending to "
             "the last byte, with timed-out requests counted at the client timeout. Scenario B: 12 clients "
             "sending only runaway queries and one probe asking for entity pages. The raw figures of every "
             "run are in `bench/results/load-LABEL.json`; rerun a label with "
             "`.venv/bin/python bench/bench_load.py --label LABEL`. The load generator runs on the same "
             "machine as the server, so both share its CPUs. Every simulated user comes from 127.0.0.1: "
             "against a per-client query budget, `--client-header NAME` gives each user its own made-up "
             "address in that header (and `--server-env` the setting that makes the server read it).", ""]
    if not order:
        lines.append("No run recorded yet.")
    for lb in order:
        lines += render_label(json.loads(found[lb].read_text(encoding="utf-8")))
    if "before" in found and "after" not in found:
        lines.append("The *after* figures come from the same command with `--label after` once issue 7's "
                     "fixes are in.")
    return "\n".join(lines).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------------------- main

def think(text: str) -> tuple[float, float]:
    lo, sep, hi = text.partition("-")
    try:
        pair = (float(lo), float(hi if sep else lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give seconds as LO-HI, e.g. 2-4") from None
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: give 0 <= LO <= HI")
    return pair


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", required=True, help="name of this run's figures, e.g. before or after")
    ap.add_argument("--quick", action="store_true",
                    help="a short smoke run: 10 users, 4 s calm, 15 s runaway, 10 s probe, one run each")
    ap.add_argument("--runs", type=int, default=3, help="runs of each scenario (default 3)")
    ap.add_argument("--scenario", choices=("A", "B", "both"), default="both")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--think", type=think, default=(2.0, 4.0), metavar="LO-HI",
                    help="seconds a scenario A user waits between requests, drawn uniformly (default 2-4)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the runaway phase (default 60)")
    ap.add_argument("--calm", type=float, default=10.0, help="seconds before and after it (default 10)")
    ap.add_argument("--runaway-share", type=float, default=0.05)
    ap.add_argument("--runaway-users", type=int, default=12)
    ap.add_argument("--probe-duration", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=30.0, help="client timeout per request, seconds")
    ap.add_argument("--query-timeout", type=float, default=5.0, help="the server's DANVAN_QUERY_TIMEOUT")
    ap.add_argument("--server-env", action="append", default=[], metavar="DANVAN_X=V",
                    help="another setting for the server (repeatable)")
    ap.add_argument("--client-header", metavar="NAME",
                    help="send NAME: a distinct made-up address per user (for a per-client budget keyed on a "
                         "forwarded header)")
    ap.add_argument("--seed", default="issue-7")
    ap.add_argument("--doc", type=Path, default=DOC)
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--render-only", action="store_true", help="only rewrite the doc section from the results")
    args = ap.parse_args()
    if args.quick:
        args.users, args.calm, args.duration, args.probe_duration, args.runs = 10, 4.0, 15.0, 10.0, 1
        args.timeout = min(args.timeout, 15.0)
    if not args.render_only:
        data = {"label": args.label, "commit": commit(), "machine": machine(),
                "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
                "command": "bench/bench_load.py " + " ".join(sys.argv[1:]),
                "server_env": server_env(args),
                "config": {k: getattr(args, k) for k in ("users", "think", "duration", "calm", "runaway_share",
                                                         "runaway_users", "probe_duration", "timeout",
                                                         "query_timeout", "seed", "runs", "client_header")},
                "a": [], "b": []}
        with tempfile.TemporaryDirectory(prefix="danvan-load-") as tmp:
            store = Path(tmp) / "store"
            built = subprocess.run([danvan_command(), "build"], env=clean_env(DANVAN_STORE=str(store)),
                                   capture_output=True, text=True)
            if built.returncode != 0:
                raise SystemExit(f"danvan build exited {built.returncode}:\n{built.stderr}")
            for i in range(args.runs):
                if args.scenario in ("A", "both"):
                    print(f"scenario A, run {i + 1}/{args.runs}", file=sys.stderr, flush=True)
                    load = os.getloadavg()[0]
                    data["a"].append(scenario_a(store, args, Path(tmp) / f"server-a{i}.log"))
                    data["a"][-1]["load_before"] = load
                    print(json.dumps(data["a"][-1]["phases"], indent=None)[:2000], file=sys.stderr)
                if args.scenario in ("B", "both"):
                    print(f"scenario B, run {i + 1}/{args.runs}", file=sys.stderr, flush=True)
                    load = os.getloadavg()[0]
                    data["b"].append(scenario_b(store, args, Path(tmp) / f"server-b{i}.log"))
                    data["b"][-1]["load_before"] = load
                    print(json.dumps(data["b"][-1]), file=sys.stderr)
        args.results.mkdir(parents=True, exist_ok=True)
        out = args.results / f"load-{args.label}.json"
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    text = render(args.results)
    replace_section(args.doc, HEADING, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
