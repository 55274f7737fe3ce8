"""Synthetic source files in the shape of the real ones (documents, organizations, posts, events), for
benchmarks at sizes the five articles cannot reach. Deterministic for a given size."""

from datetime import date, timedelta
from pathlib import Path

HEADER = """@prefix dv: <https://w3id.org/danvan/ontology#> .
@prefix o: <https://w3id.org/danvan/id/organization/> .
@prefix d: <https://w3id.org/danvan/id/document/> .
@prefix p: <https://w3id.org/danvan/id/person/> .
@prefix post: <https://w3id.org/danvan/id/post/> .
@prefix r: <https://w3id.org/danvan/id/role/> .
@prefix e: <https://w3id.org/danvan/id/event/> .
@prefix s: <https://w3id.org/danvan/id/source/> .
@prefix dt: <https://w3id.org/danvan/id/document-type/> .
@prefix lv: <https://w3id.org/danvan/id/level/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _entities(source: int, per_source: int) -> str:
    lines = []
    for k in range(per_source):
        n = source * per_source + k
        org, parent = f"o:o{n}", f"o:o{n // 10}"
        doc, older = f"d:d{n}", f"d:d{n - 1}"
        # one day per group: a replacing document is always later than the one it replaces
        day = (date(2000, 1, 1) + timedelta(days=n)).isoformat()
        lines.append(f'{org} a dv:PartyCommittee ; skos:prefLabel "Tổ chức {n}"@vi , "Organization {n}"@en ;'
                     f" dv:level lv:tu ; dv:subOrganizationOf {parent} .")
        lines.append(f'{doc} a dv:PartyDocument ; dv:documentNumber "{n}-QĐ/TU" ; dv:documentType dt:qd ;'
                     f' dv:issuedBy {org} ; dv:dateIssued "{day}"^^xsd:date ;'
                     f' dv:title "Quyết định {n}"@vi' + (f" ; dv:basedOn {older}" if n % 3 else "")
                     + (f" ; dv:replaces {older}" if n % 7 == 0 and n else "") + " .")
        lines.append(f'p:p{n} a dv:Person ; dv:fullName "Người {n}"@vi .')
        lines.append(f"post:p{n} a dv:Post ; dv:holder p:p{n} ; dv:role r:r{n % 5} ;"
                     f' dv:postIn {org} ; dv:attestedOn "{day}"^^xsd:date ; dv:attestedAt e:e{n} .')
        lines.append(f'r:r{n % 5} a dv:Role ; skos:prefLabel "Chức danh {n % 5}"@vi .')
        lines.append(f'e:e{n} a dv:Conference ; skos:prefLabel "Hội nghị {n}"@vi ;'
                     f' dv:startDate "{day}"^^xsd:date ; dv:organizer {org} ; dv:speaker p:p{n} ;'
                     f" dv:disseminates {doc} .")
    return "\n".join(lines)


def write_sources(folder: Path, entities: int, sources: int = 20) -> list[Path]:
    """``sources`` source files describing ``entities`` groups (an organization, a document, a person,
    a post, an event) each — about 30 triples per group."""
    folder.mkdir(parents=True, exist_ok=True)
    per_source = max(1, entities // sources)
    paths = []
    for s in range(sources):
        path = folder / f"s{s:03d}.ttl"
        path.write_text(
            HEADER + f's:s{s} a dv:NewsArticleSource ; dv:headline "Nguồn {s}"@vi ;'
            f' dv:seedFile "{s:03d}_{s:016x}.txt" .\n' + _entities(s, per_source) + "\n",
            encoding="utf-8")
        paths.append(path)
    return paths
