"""What the endpoint checks in a query's text before evaluating it: updates, SERVICE, FROM graphs.

Strings and comments may contain any word harmlessly, so they are blanked out first (IRIs too, when
looking for keywords). The checks err on the side of refusing: a false SERVICE match costs a 400, a
missed one would be an outbound request.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_STRINGS = (r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
            r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_IRI = r'<[^<>"{}|^`\\\s]*>'
_COMMENT = r"#[^\n]*"
# Order matters: an IRI may contain '#', a string may contain '<'.
_INERT = re.compile(f"{_STRINGS}|{_IRI}|{_COMMENT}")
_STRINGS_AND_COMMENTS = re.compile(f"{_STRINGS}|({_IRI})|{_COMMENT}")

# A SPARQL Update starts, after its prologue, with one of these keywords.
_PROLOGUE = r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
_UPDATE_RE = re.compile(_PROLOGUE + r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
# SERVICE as a keyword: not part of a name, a variable, a prefixed name or a blank node label.
_SERVICE_RE = re.compile(r"(?<![\w:?$.-])SERVICE(?![\w:-])", re.IGNORECASE)
_PREFIX_RE = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE_RE = re.compile(r"\bBASE\s*<([^>]*)>", re.IGNORECASE)
_FROM_RE = re.compile(r"(?<![\w:?$.-])FROM\s+(NAMED\s+)?(<[^>]*>|(?:[A-Za-z][\w.-]*)?:[^\s{}()<>]*)", re.IGNORECASE)


def looks_like_update(text: str) -> bool:
    return bool(_UPDATE_RE.match(text))


def calls_service(text: str) -> bool:
    """Whether the query has a SERVICE clause (any form, SILENT too): pyoxigraph would fetch it over
    HTTP, and the endpoint makes no outbound requests."""
    return bool(_SERVICE_RE.search(_INERT.sub(" ", text)))


def dataset_graphs(text: str) -> list[str]:
    """The graph IRIs named by ``FROM`` and ``FROM NAMED`` (prefixed names and BASE resolved)."""
    # Keep IRIs (group 1), blank strings and comments.
    plain = _STRINGS_AND_COMMENTS.sub(lambda m: m.group(1) or " ", text)
    prefixes = {(p or ""): iri for p, iri in _PREFIX_RE.findall(plain)}
    base = next(iter(_BASE_RE.findall(plain)), "")
    graphs = []
    for _named, ref in _FROM_RE.findall(plain):
        if ref.startswith("<"):
            graphs.append(urljoin(base, ref[1:-1]) if base else ref[1:-1])
        else:
            prefix, _, local = ref.partition(":")
            if prefix in prefixes:
                graphs.append(prefixes[prefix] + local)
            else:
                graphs.append(ref)  # pyoxigraph will call the unknown prefix a syntax error
    return graphs
