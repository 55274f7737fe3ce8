"""The same assertions on every store: embedded, Oxigraph server and Virtuoso hold the seed build and
answer every named query, ASK, CONSTRUCT, DESCRIBE and the page lookups with the same terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import named_queries
from graph.bounded import QueryTimeout
from graph.errors import EngineAuthError, QueryError, RowLimitExceeded
from graph.sparql_grammar import string_value, tokenize
from graph.stores import Endpoint, RemoteStore, Store

DOC = ox.NamedNode("https://w3id.org/danvan/id/document/qd-23-tw-2021")
TITLE = ox.NamedNode("https://w3id.org/danvan/ontology#title")


def table(results, concatenated: dict[str, str] | None = None) -> list[tuple]:
    """Rows as sorted tuples of N-Triples terms (order-free; unbound as None). ``concatenated`` maps the
    columns a ``GROUP_CONCAT`` makes to its separator: the order of the parts is the engine's (SPARQL leaves
    it open; Virtuoso sorts a DISTINCT one, Oxigraph keeps the order they arrive in), so they are compared
    sorted — each part, and the separator, exactly."""
    names = [v.value for v in results.variables]
    concatenated = concatenated or {}

    def cell(name, term):
        if term is None:
            return ""
        if name in concatenated and isinstance(term, ox.Literal):
            parts = sorted(term.value.split(concatenated[name]))
            term = ox.Literal(concatenated[name].join(parts), datatype=term.datatype)
        return str(term)

    return sorted(tuple(cell(n, row[n]) for n in names) for row in results)


def group_concat_columns(text: str) -> dict[str, str]:
    """``{"postsThen": " · "}`` for each ``(GROUP_CONCAT(…; SEPARATOR="…") AS ?postsThen)`` of a query, read
    by the SPARQL tokenizer."""
    tokens = tokenize(text)
    out = {}
    for k, token in enumerate(tokens):
        if token.kind != "word" or token.text != "GROUP_CONCAT":
            continue
        depth, close = 0, None
        for j in range(k + 1, len(tokens)):
            depth += {"(": 1, ")": -1}.get(tokens[j].text, 0) if tokens[j].kind == "punct" else 0
            if depth == 0:
                close = j
                break
        separator = " "
        if tokens[close - 3].kind == "word" and tokens[close - 3].text == "SEPARATOR":
            separator = string_value(tokens[close - 1].text)
        if tokens[close + 1].text == "AS" and tokens[close + 2].kind == "var":
            out[tokens[close + 2].text[1:]] = separator
    return out


def graph_of(results) -> set[str]:
    return {str(t) for t in results}


@pytest.mark.parametrize("name", sorted(named_queries.all_queries()))
def test_every_named_query_answers_as_on_the_embedded_store(backend, embedded, name):
    q = named_queries.get(name)
    bindings = named_queries.bind(q, {})
    concatenated = group_concat_columns(q.text)
    expected = table(named_queries.run(embedded.store, q.text, bindings), concatenated)
    got = backend.query(q.text, substitutions=bindings)
    assert isinstance(got, ox.QuerySolutions)
    assert table(got, concatenated) == expected
    assert expected, f"{name} answers nothing on the seed: the comparison would prove nothing"


def test_group_concat_columns_are_found_by_the_grammar():
    assert group_concat_columns(named_queries.get("document-events").text) == {"postsThen": " · "}
    assert group_concat_columns('SELECT (GROUP_CONCAT(DISTINCT STR(?x)) AS ?all) WHERE { ?s ?p ?x }') == {"all": " "}


def test_it_is_a_store(backend):
    assert isinstance(backend, Store)


def test_ask_construct_describe_round_trip(backend, embedded):
    yes = backend.query(f"ASK {{ {DOC} {TITLE} ?t }}")
    no = backend.query("ASK { <https://example.org/nothing> ?p ?o }")
    assert isinstance(yes, ox.QueryBoolean) and bool(yes) and not bool(no)
    construct = f"CONSTRUCT {{ {DOC} ?p ?o }} WHERE {{ {DOC} ?p ?o }}"
    got = backend.query(construct)
    assert isinstance(got, ox.QueryTriples)
    assert graph_of(got) == graph_of(embedded.query(construct)) != set()
    # DESCRIBE's extent is the engine's choice (the standard leaves it open): it includes the subject's
    # own statements on every engine
    described = graph_of(backend.query(f"DESCRIBE {DOC}"))
    assert graph_of(embedded.query(construct)) <= described


def test_the_page_lookups_and_counts_agree(backend, embedded):
    assert backend.triples() == embedded.triples() > 0
    assert {g.value for g in backend.named_graphs()} == {g.value for g in embedded.named_graphs()}
    for pattern in [(DOC, None, None, None), (None, None, DOC, None), (DOC, TITLE, None, ox.DefaultGraph())]:
        assert sorted(map(str, backend.quads_for_pattern(*pattern))) == \
            sorted(map(str, embedded.quads_for_pattern(*pattern))) != []
    health = backend.health()
    assert health["status"] == "ok" and health["build_id"] == embedded.identity()["build_id"]
    assert health["triples"] == embedded.triples()


def test_a_bound_value_reaches_the_query_as_a_term(backend, embedded):
    text = f"SELECT ?s ?t WHERE {{ ?s {TITLE} ?t }}"
    bound = {ox.Variable("s"): DOC}
    assert table(backend.query(text, substitutions=bound)) == table(embedded.query(text, substitutions=bound)) != []


def test_the_row_cap_refuses_a_longer_answer(backend):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with pytest.raises(RowLimitExceeded) as e:
        backend.query(text, max_rows=10)
    assert e.value.max_rows == 10
    assert len(list(backend.query(text, max_rows=100_000))) == backend.triples()


def test_updates_and_service_never_reach_an_engine(backend):
    before = backend.triples()
    with pytest.raises(QueryError):  # the grammar (remote) or pyoxigraph's query parser (embedded) refuses it
        backend.query("INSERT DATA { <urn:x> <urn:y> <urn:z> }")
    if backend.kind == "remote":
        # the embedded store's SERVICE wall is the walled worker process (tests/webapp/test_network_wall.py)
        with pytest.raises(QueryError):
            backend.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert not bool(backend.query("ASK { <urn:x> ?p ?o }"))
    assert backend.triples() == before


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 3k³ rows


@pytest.mark.parametrize("name", ["oxigraph-server", "virtuoso"])
def test_a_slow_query_ends_in_a_deadline_error_not_partial_data(loaded, name):
    _engine, endpoint = loaded(name)
    remote = RemoteStore(endpoint, timeout_s=30)
    with pytest.raises(QueryTimeout):
        remote.query(SLOW, deadline_s=1.0)
    assert bool(remote.query("ASK { ?s ?p ?o }"))  # the engine still answers


def test_refused_credentials_are_a_typed_error_without_the_password(loaded):
    engine, _endpoint = loaded("virtuoso")
    secret = "not-the-password-5731"
    wrong = Endpoint(engine.auth_url, user="dba", password=secret)
    assert secret not in repr(wrong)
    with pytest.raises(EngineAuthError) as e:
        RemoteStore(wrong).query("ASK {}")
    assert secret not in str(e.value) and "DANVAN_ENDPOINT_USER" in str(e.value)
    # the right ones work
    assert bool(RemoteStore(Endpoint(engine.auth_url, user="dba", password="dba")).query("ASK { ?s ?p ?o }"))


def test_virtuosos_public_user_can_neither_federate_nor_update(loaded, engines_module):
    """The engine's own wall, beside the app's grammar check: Virtuoso's anonymous SPARQL user (as
    docs/deployment.md asks it to be configured) is refused SERVICE and updates by Virtuoso itself."""
    engine, _endpoint = loaded("virtuoso")
    for text, refusal in [("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SECURITY"),
                          ("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }", "SECURITY"),
                          ('DEFINE get:soft "soft" SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }',
                           "SECURITY")]:
        with pytest.raises(engines_module.EngineError) as e:
            engine.request(text)
        assert refusal in str(e.value)


@pytest.mark.parametrize("name", ["oxigraph-server", "virtuoso"])
def test_the_endpoints_answer_is_the_embedded_workers_byte_for_byte(loaded, embedded, name):
    """RemoteStore.run gives /sparql what the worker pool gives it: the same bytes in every format, the
    row cap exact with ``truncated`` said, CONSTRUCT in every graph format."""
    from graph.namespaces import prefixes
    from graph.query_worker import evaluate

    _engine, endpoint = loaded(name)
    remote = RemoteStore(endpoint, timeout_s=30)
    text = f"SELECT ?p ?o WHERE {{ {DOC} ?p ?o }} ORDER BY ?p ?o"
    for fmt in ("json", "xml", "csv", "tsv"):
        for cap in (5, 10_000):
            req = {"query": text, "max_rows": cap, "results_format": fmt, "graph_format": None,
                   "prefixes": prefixes()}
            want = evaluate(embedded.store, req)
            got = remote.run(text, timeout=30, max_rows=cap, results_format=fmt, graph_format=None)
            assert (got.kind, got.format, got.truncated) == ("solutions", fmt, cap == 5)
            assert got.body == want["body"]
    construct = f"CONSTRUCT {{ {DOC} ?p ?o }} WHERE {{ {DOC} ?p ?o }}"
    got = remote.run(construct, timeout=30, max_rows=10_000, results_format=None, graph_format="turtle")
    parsed = {str(t) for t in ox.parse(got.body, format=ox.RdfFormat.TURTLE)}
    assert parsed == graph_of(embedded.query(construct)) and got.kind == "graph"
    ask = remote.run("ASK { ?s ?p ?o }", timeout=30, max_rows=10, results_format="json", graph_format=None)
    assert b"true" in ask.body


def test_a_blank_node_is_not_a_wildcard(backend):
    """In a query `_:x` is a variable; a lookup by a blank node must still match only that node (here none)."""
    assert list(backend.quads_for_pattern(ox.BlankNode("nowhere"), None, None, None)) == []
    assert list(backend.quads_for_pattern(None, TITLE, ox.BlankNode("nowhere"), None)) == []


def test_the_export_writes_the_same_quads(backend, embedded):
    """`danvan export` on an engine: each named graph of the build, as the embedded export writes them
    (N-Quads); blank nodes aside, whose labels each answer draws anew."""
    from io import BytesIO

    from graph.export import export

    def lines(store) -> list[str]:
        out = BytesIO()
        export(store, "nquads", out)
        return out.getvalue().decode("utf-8").splitlines()

    want, got = lines(embedded), lines(backend)
    assert len(got) == len(want) > 1000
    assert sorted(line for line in got if "_:" not in line) == sorted(line for line in want if "_:" not in line)
