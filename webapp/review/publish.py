"""Accepting a reviewed article: its source file goes into the sources folder and the graph is built.

The file is written under the candidate source's slug (``{slug}.ttl``, replacing an earlier review of
the same article) and a build runs over every ``*.ttl`` in the folder. If the build fails (the data does
not conform, a file does not parse) the folder is put back as it was, so it always builds, and the live
store keeps serving the last good build (``graph.build`` never swaps in a failed one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from graph import terms as ox
from graph.build import build
from graph.errors import DanvanError, ValidationFailed
from graph.load import folder_sources
from webapp.review import candidate as cand


@dataclass
class Outcome:
    ok: bool
    path: Path
    build_id: str | None = None
    triples: int | None = None
    facts: int = 0
    report: list[dict] | None = None  # what failed: {"severity", "text"} per finding, in the page's language


def provenance(c: cand.Candidate, reviewer: str, when: datetime) -> list[ox.Triple]:
    s = ox.NamedNode(c.source)
    xsd = cand.XSD
    return [
        ox.Triple(s, ox.NamedNode(cand.dv("reviewedBy")), ox.Literal(reviewer)),
        ox.Triple(s, ox.NamedNode(cand.dv("reviewedAt")),
                  ox.Literal(when.isoformat(timespec="seconds"), datatype=ox.NamedNode(xsd + "dateTime"))),
        ox.Triple(s, ox.NamedNode(cand.dv("candidateSha256")), ox.Literal(c.sha256)),
    ]


def reviewed_source(c: cand.Candidate, d: cand.Decisions, reviewer: str, when: datetime) -> str:
    header = (f"# Reviewed source, written by `danvan review`: the facts {reviewer} accepted from the candidate\n"
              f"# (sha256 {c.sha256}) on {when.isoformat(timespec='seconds')}. Offsets count code points in the\n"
              f"# article's NFC text (sha256 {c.article_sha256 or 'not given'}), kept outside the repository.\n\n")
    return cand.turtle(cand.reviewed_triples(c, d, provenance(c, reviewer, when)), header, c.source, c.evidence_nodes)


def publish(c: cand.Candidate, d: cand.Decisions, reviewer: str, sources: Path, store: Path,
            lang: str) -> Outcome:
    """Write the reviewed source into ``sources`` and build ``store`` from that folder."""
    when = datetime.now(timezone.utc)
    text = reviewed_source(c, d, reviewer, when)
    target = sources / f"{c.slug}.ttl"
    previous = target.read_bytes() if target.exists() else None
    tmp = sources / f".{c.slug}.ttl.part"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    accepted = sum(1 for f in c.facts if d.status.get(f.key) == "accepted")
    try:
        result = build(store, sources=folder_sources(sources), wait=True)
    except ValidationFailed as e:
        _restore(target, previous)
        return Outcome(False, target, facts=accepted, report=findings(e.result, _namer(e.store, lang), lang))
    except DanvanError as e:
        _restore(target, previous)
        return Outcome(False, target, facts=accepted, report=[{"severity": "Violation", "text": str(e)}])
    return Outcome(True, target, result.build_id, result.triples, accepted)


def findings(result, name, lang: str) -> list[dict]:
    """One line per finding (as `danvan build` prints them, without its verdict and CLI hints),
    violations first."""
    groups: dict[tuple, list] = {}
    for f in result.findings:
        groups.setdefault(f.group(), []).append(f)
    lines = [{"severity": m[0].severity, "text": m[0].readable(name, lang).removeprefix(m[0].severity + ": ")}
             for m in groups.values()]
    return sorted(lines, key=lambda line: line["severity"] != "Violation")


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(previous)
        os.replace(tmp, target)


def _namer(data: ox.Store | None, lang: str):
    """Names for the validation report, from the data that was validated (as `danvan build` prints it)."""
    from webapp.describe import display_names
    from webapp.entity import compact
    from webapp.urls import split_entity_iri

    def name(iri: str) -> str:
        found = display_names(data, {iri}, lang) if data is not None else {}
        ours = split_entity_iri(iri)
        return found.get(iri) or (f"{ours[0]}/{ours[1]}" if ours else compact(iri))

    return name
