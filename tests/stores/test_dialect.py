"""Virtuoso's dialect (graph/stores.py): a query's non-ASCII strings in CONCAT and as GROUP_CONCAT separators
are typed so that Virtuoso 7.2 reads them as it reads the data's strings. The rewrite is checked as text,
as the same answers on the embedded store (the standard's), and for real on Virtuoso against the embedded
store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import named_queries
from graph.stores import RemoteStore, VirtuosoDialect, typed_non_ascii_strings

XS = "<http://www.w3.org/2001/XMLSchema#string>"
DOC = "<https://w3id.org/danvan/id/document/qd-23-tw-2021>"
PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def test_only_non_ascii_strings_of_concat_and_group_concat_separators_change():
    text = ('SELECT (CONCAT(?a, " — ", ?b, "-", "\\u00B7", "x"@vi, IF(?c, "é", "")) AS ?t) '
            '(GROUP_CONCAT(DISTINCT ?a; SEPARATOR=" · ") AS ?g) (GROUP_CONCAT(?b; SEPARATOR=", ") AS ?h) '
            'WHERE { ?s <http://e/é> "é" # CONCAT("é")\n FILTER (?a = "é") }')
    adapted, n = typed_non_ascii_strings(text)
    assert n == 3
    assert adapted == (
        f'SELECT (CONCAT(?a, STRDT(" — ", {XS}), ?b, "-", STRDT("\\u00B7", {XS}), "x"@vi, IF(?c, "é", "")) AS ?t) '
        f'(SUBSTR(GROUP_CONCAT(DISTINCT CONCAT(STRDT(" · ", {XS}), STR(?a)); SEPARATOR=""), 4) AS ?g) '
        '(GROUP_CONCAT(?b; SEPARATOR=", ") AS ?h) '
        'WHERE { ?s <http://e/é> "é" # CONCAT("é")\n FILTER (?a = "é") }')
    ascii_only = 'SELECT (CONCAT(?a, " - ") AS ?t) WHERE { ?s ?p ?a }'
    assert typed_non_ascii_strings(ascii_only) == (ascii_only, 0)
    assert VirtuosoDialect().adapt(ascii_only) == ascii_only


@pytest.mark.parametrize("name", sorted(named_queries.all_queries()))
def test_the_adapted_named_queries_answer_the_same_on_the_embedded_store(embedded, name):
    """What Virtuoso is sent means what the query means: the standard's engine answers both alike."""
    q = named_queries.get(name)
    bindings = named_queries.bind(q, {})
    adapted = VirtuosoDialect().adapt(q.text)
    assert list(map(str, named_queries.run(embedded.store, adapted, bindings))) == \
        list(map(str, named_queries.run(embedded.store, q.text, bindings)))


QUERIES = {
    "concat": f'SELECT ?t WHERE {{ {DOC} eli:title ?title BIND (CONCAT("« ", ?title, " » — ", ?title) AS ?t) }}',
    "escaped": f'SELECT ?t WHERE {{ {DOC} eli:title ?title BIND (CONCAT(?title, "\\u2014") AS ?t) }}',
    # STR: this Oxigraph keeps a language tag all the parts share, Virtuoso (and SPARQL 1.1) never does
    "separator": 'SELECT (GROUP_CONCAT(DISTINCT STR(?label); SEPARATOR=" · ") AS ?all) WHERE { '
                 '?s skos:prefLabel ?label FILTER (LANG(?label) = "vi" && STRSTARTS(?label, "Ban Dân vận")) }',
    "left alone in a comparison": 'SELECT ?s WHERE { ?s eli:id_local ?n FILTER (?n = "23-QĐ/TW") }',
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_virtuoso_answers_non_ascii_strings_as_the_embedded_store(loaded, embedded, name):
    _engine, endpoint = loaded("virtuoso")
    text = PREFIXES + QUERIES[name]
    expected = rows(embedded.query(text))
    assert expected and len(expected[0]) == 1
    got = rows(RemoteStore(endpoint, timeout_s=30).query(text))
    assert got == expected
    assert "?" not in str(got) and "Ã" not in str(got)


def rows(results) -> list[list[tuple]]:
    """Each row's terms (a literal's text and language), a GROUP_CONCAT's parts sorted: their order is the
    engine's."""
    def term(t):
        if isinstance(t, ox.Literal):
            return " · ".join(sorted(t.value.split(" · "))), t.language
        return str(t), None

    return sorted([term(t) for t in row] for row in results)
