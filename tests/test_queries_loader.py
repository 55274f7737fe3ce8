"""The named-query loader: header parsing, typed binding, hostile values, and every shipped query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import named_queries as nq
from graph.store import fill_default_graph
from graph.errors import QueryError, QueryNotFound, QueryParameterError, QuerySyntaxError

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://w3id.org/danvan/id/person/"
NAME = ox.NamedNode("http://xmlns.com/foaf/0.1/name")

HEADER = """#+ title@vi: Người theo tên
#+ title@en: People by name
#+ description@vi: Tìm người theo họ tên.
#+ description@en: Finds people by name.
# an ordinary comment is allowed in the header
#+ param name: string ; Họ tên ; Name
#+ param since: date = 2020-01-01 ; Từ ngày ; Since
#+ param limit: integer = 10 ; Giới hạn ; Limit
#+ param year: year = 2021
#+ param lang: lang = vi
#+ param who: iri = https://w3id.org/danvan/id/person/a ; Người ; Person
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?p ?name WHERE { ?p foaf:name ?name }
"""

LOOKUP = """#+ title@en: lookup
#+ param name: string
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?p ?name WHERE { ?p foaf:name ?name }
"""


def test_header_is_parsed():
    q = nq.parse(HEADER, "people")
    assert q.title == {"vi": "Người theo tên", "en": "People by name"}
    assert q.description["en"] == "Finds people by name."
    assert [(p.name, p.type, p.required, p.default) for p in q.parameters] == [
        ("name", "string", True, None),
        ("since", "date", False, "2020-01-01"),
        ("limit", "integer", False, "10"),
        ("year", "year", False, "2021"),
        ("lang", "lang", False, "vi"),
        ("who", "iri", False, "https://w3id.org/danvan/id/person/a"),
    ]
    assert q.parameter("name").label == {"vi": "Họ tên", "en": "Name"}
    assert q.parameter("year").label == {}
    assert q.text == HEADER


@pytest.mark.parametrize("header, message", [
    ("#+ param x: colour\nSELECT * {}", "unknown type"),
    ("#+ param x string\nSELECT * {}", "cannot read parameter"),
    ("#+ param x: date = yesterday\nSELECT * {}", "default of 'x'"),
    ("#+ param x: string\n#+ param x: iri\nSELECT * {}", "declared twice"),
    ("#+ colour: red\nSELECT * {}", "unknown header key"),
])
def test_bad_headers_are_refused(header, message):
    with pytest.raises(QueryError, match=message):
        nq.parse(header, "bad", "bad.rq")


def test_header_ends_at_first_query_line():
    q = nq.parse("#+ title@en: t\nSELECT * {}\n#+ param late: string\n", "q")
    assert q.parameters == []


def test_bind_types_and_defaults():
    q = nq.parse(HEADER, "people")
    b = nq.bind(q, {"name": "Hồ Chí Minh", "limit": "+5", "who": " https://w3id.org/danvan/id/person/b "})
    v = {k.value: t for k, t in b.items()}
    assert v["name"] == ox.Literal("Hồ Chí Minh")
    assert v["since"] == ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date"))
    assert v["limit"] == ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))
    assert v["year"] == ox.Literal("2021", datatype=ox.NamedNode(XSD + "integer"))
    assert v["lang"] == ox.Literal("vi")
    assert v["who"] == ox.NamedNode("https://w3id.org/danvan/id/person/b")


def test_unknown_and_missing_parameters():
    q = nq.parse(HEADER, "people")
    with pytest.raises(QueryParameterError, match="no parameter 'nope'"):
        nq.bind(q, {"name": "x", "nope": "1"})
    with pytest.raises(QueryParameterError, match="needs parameter 'name'"):
        nq.bind(q, {})
    with pytest.raises(QueryParameterError, match="needs parameter 'name'"):
        nq.bind(q, {"name": ""})


@pytest.mark.parametrize("param, value", [
    ("who", "not an iri"),
    ("who", "https://w3id.org/a b"),
    ("who", "https://w3id.org/a>"),
    ("who", "https://w3id.org/a> } ; DROP ALL ; <x:"),
    ("who", 'https://w3id.org/"x"'),
    ("who", "https://w3id.org/{x}"),
    ("who", "https://w3id.org/a|b"),
    ("who", "https://w3id.org/a\\b"),
    ("who", "https://w3id.org/a^b"),
    ("who", "https://w3id.org/a`b"),
    ("who", "javascript:alert(1)"),
    ("who", "urn:x:y"),
    ("who", "/relative/path"),
    ("since", "2020-13-01"),
    ("since", "2020-1-1"),
    ("since", "2020-01-01T00:00:00"),
    ("since", '2020-01-01" } #'),
    ("limit", "1; DROP ALL"),
    ("limit", "1.5"),
    ("limit", "ten"),
    ("year", "21"),
    ("year", "2021-01"),
    ("lang", "vi\" } #"),
    ("lang", "a language"),
])
def test_invalid_values_are_refused(param, value):
    q = nq.parse(HEADER, "people")
    with pytest.raises(QueryParameterError):
        nq.bind(q, {"name": "x", param: value})


@pytest.fixture(scope="module")
def people():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "a"), NAME, ox.Literal("Nguyễn Văn A"), ox.NamedNode(EX + "g")))
    store.add(ox.Quad(ox.NamedNode(EX + "b"), NAME, ox.Literal("x\" } ; DROP ALL ; #"), ox.NamedNode(EX + "g")))
    # the same fact in a second graph: the default graph (their union) still holds it once
    store.add(ox.Quad(ox.NamedNode(EX + "a"), NAME, ox.Literal("Nguyễn Văn A"), ox.NamedNode(EX + "h")))
    fill_default_graph(store)
    return store


def _names(store, value: str) -> list[str]:
    q = nq.parse(LOOKUP, "lookup")
    return [r["p"].value for r in nq.run(store, q.text, nq.bind(q, {"name": value}))]


def test_string_values_match_only_themselves(people):
    assert _names(people, "Nguyễn Văn A") == [EX + "a"]
    # A value that would break out of a pasted query is just a string here: it matches the one
    # literal that has exactly that text, and nothing else happens.
    assert _names(people, "x\" } ; DROP ALL ; #") == [EX + "b"]
    assert _names(people, "\" } UNION { ?p ?q ?name } #") == []
    assert len(people) == 5


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_bound_harmlessly(people, text):
    expected = {"Nguyễn Văn A": [EX + "a"], "x\" } ; DROP ALL ; #": [EX + "b"]}.get(text, [])
    if text == "":
        with pytest.raises(QueryParameterError):
            _names(people, text)
        return
    assert _names(people, text) == expected
    assert len(people) == 5


def test_run_reads_the_union_as_a_set(people):
    rows = list(nq.run(people, "SELECT ?p WHERE { ?p ?x ?y }"))
    assert sorted(r["p"].value for r in rows) == [EX + "a", EX + "b"]  # a's fact is in two graphs, counted once


def test_run_reports_syntax_errors_with_position(people):
    with pytest.raises(QuerySyntaxError) as e:
        nq.run(people, "SELECT ?p WHERE {\n  ?p ?q ?o .\n  BOUND ?x\n}\n")
    assert e.value.line == 3 and isinstance(e.value.column, int)
    assert "3:" in str(e.value)


def test_parameter_must_be_projected(people):
    with pytest.raises(QueryError, match="projection"):
        nq.run(people, "SELECT ?p WHERE { ?p ?x ?name }", {ox.Variable("name"): ox.Literal("a")})


def test_from_file_and_get(tmp_path):
    path = tmp_path / "lookup.rq"
    path.write_text(LOOKUP, encoding="utf-8")
    q = nq.from_file(path)
    assert q.name == "lookup" and q.path == str(path)
    with pytest.raises(QueryNotFound):
        nq.from_file(tmp_path / "missing.rq")
    with pytest.raises(QueryNotFound, match="no named query"):
        nq.get("no-such-query")


def test_under_another_base_the_loader_moves_the_iris_and_defaults(monkeypatch, tmp_path):
    other = "http://kg.example.org/dv/"
    text = HEADER.replace("SELECT ?p ?name WHERE { ?p foaf:name ?name }",
                          'PREFIX dv: <https://w3id.org/danvan/ontology#>\n'
                          'SELECT ?p ?name WHERE { ?p foaf:name ?name ; dv:seeAlso <https://w3id.org/danvan/id/x> , '
                          '"https://w3id.org/danvan/id/not-an-iri" }')
    assert nq.parse(text, "people").text == text  # the canonical base: the file as written
    monkeypatch.setenv("DANVAN_BASE_IRI", other)
    q = nq.parse(text, "people")
    assert q.parameter("who").default == other + "id/person/a"
    assert "#+ param who: iri = http://kg.example.org/dv/id/person/a ; Người ; Person" in q.text
    assert "PREFIX dv: <http://kg.example.org/dv/ontology#>" in q.text
    assert f"<{other}id/x>" in q.text and '"https://w3id.org/danvan/id/not-an-iri"' in q.text  # literals stay
    assert nq.bind(q, {"name": "x"})[ox.Variable("who")] == ox.NamedNode(other + "id/person/a")
    (tmp_path / "bad.rq").write_text(LOOKUP + "FILTER (", encoding="utf-8")
    with pytest.raises(QuerySyntaxError, match="bad.rq"):
        nq.from_file(tmp_path / "bad.rq")
    for name, shipped in nq.all_queries().items():
        assert "w3id.org" not in shipped.text, f"{name} keeps the canonical base under {other}"


# ------------------------------------------------------------------------------ shipped queries

def test_every_shipped_query_loads():
    queries = nq.all_queries()
    assert queries, "queries/ ships no named query"
    for name, q in queries.items():
        assert q.title.get("vi") and q.title.get("en"), f"{name}: needs title@vi and title@en"
        for p in q.parameters:
            assert p.label.get("vi") and p.label.get("en"), f"{name}: parameter {p.name} needs vi and en labels"
        assert nq.get(name).text == q.text


def test_every_shipped_query_answers_with_its_defaults(store):
    """Each shipped query, run with its declared defaults, finds something in the seed data, and every
    parameter reaches the query (each row carries the value it was bound to)."""
    for name, q in nq.all_queries().items():
        bindings = nq.bind(q, {})
        rows = list(nq.run(store, q.text, bindings))
        assert rows, f"{name}: no answer with its defaults on the seed data"
        for variable, term in bindings.items():
            assert {r[variable] for r in rows} == {term}, f"{name}: ?{variable.value} is not the bound value"
