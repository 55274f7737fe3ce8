"""graph.sparql_grammar: every terminal form, the shape it reads, its limits, and — the property that
matters — that its SERVICE decision is never laxer than the engine's.

The oracle is pyoxigraph itself, evaluating each generated query in this process over an in-memory store
with one triple, with SERVICE pointed at a loopback listener (started here) that counts the requests it
gets and answers an empty SPARQL JSON result. Whenever the engine sent the listener a request, the
analysis must have refused the query (a SERVICE reported, or a syntax error: both are a 400 at /sparql).
"""

from __future__ import annotations

import http.server
import json
import threading

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import QueryError, QuerySyntaxError, QueryTooComplex, QueryTooLarge
from graph.sparql_grammar import MAX_DEPTH, MAX_QUERY_LENGTH, analyze, rebase_iris, tokenize

EX = {"ex": "http://e/"}


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


# ------------------------------------------------------------------------------------------ terminals

@pytest.mark.parametrize("text, expected", [
    ("<http://e/a#b>", [("iri", "http://e/a#b")]),
    ("<>", [("iri", "")]),
    ("<http://e/\\u00E9>", [("iri", "http://e/\\u00E9")]),
    ("ex:", [("pname", "ex:")]),
    (":", [("pname", ":")]),
    ("ex:a", [("pname", "ex:a")]),
    ("ex:a\\#b", [("pname", "ex:a\\#b")]),
    ("ex:a\\'b", [("pname", "ex:a\\'b")]),
    ("ex:a%20b", [("pname", "ex:a%20b")]),
    ("ex:a.b.", [("pname", "ex:a.b"), ("punct", ".")]),
    ("ex:1:2", [("pname", "ex:1:2")]),
    ("é.x:ñ", [("pname", "é.x:ñ")]),
    ("_:b1", [("bnode", "_:b1")]),
    ("_:b.", [("bnode", "_:b"), ("punct", ".")]),
    ("?x $y ?1a", [("var", "?x"), ("var", "$y"), ("var", "?1a")]),
    ("?", [("punct", "?")]),
    ('"a"@en-GB', [("string", '"a"'), ("langtag", "@en-GB")]),
    ('"a"@ar--rtl', [("string", '"a"'), ("langtag", "@ar--rtl")]),
    ("1 1.5 .5 1e3 1.5E-2 1.e2", [("number", "1"), ("number", "1.5"), ("number", ".5"), ("number", "1e3"),
                                  ("number", "1.5E-2"), ("number", "1.e2")]),
    ('"a\\"b"', [("string", '"a\\"b"')]),
    ("'a\\'b'", [("string", "'a\\'b'")]),
    ('"""a"b""c\n"""', [("string", '"""a"b""c\n"""')]),
    ("'''a'b''c\n'''", [("string", "'''a'b''c\n'''")]),
    ('"\\t\\b\\n\\r\\f\\\\\\u0041\\U00000041"', [("string", '"\\t\\b\\n\\r\\f\\\\\\u0041\\U00000041"')]),
    ("# SERVICE <x> {}\nASK", [("word", "ASK")]),
    ("ask Select sErViCe", [("word", "ASK"), ("word", "SELECT"), ("word", "SERVICE")]),
    ("^^ || && != <= >= ^ | / ! = + - * , ; . ~",
     [("punct", p) for p in "^^ || && != <= >= ^ | / ! = + - * , ; . ~".split()]),
    ("{ ( [ ] ) }", [("punct", p) for p in "{ ( [ ] ) }".split()]),
])
def test_every_terminal_form(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("FILTER(?a<?b)", "punct"),  # a comparison after an operand inside an expression
    ("FILTER(?a = <http://e/>)", "iri"),
    ("{ ?s ?p <http://e/> }", "iri"),
    ("VALUES (?a ?b) { (<http://e/a> <http://e/b>) }", "iri"),
    ("FILTER(<<( ?s ?p ?o )>> < ?x)", "punct"),
])
def test_less_than_is_read_by_context(text, kind):
    second_lt = [t for t in tokenize(text) if t.text.startswith("<") or t.kind == "iri"]
    assert second_lt[-1].kind == kind


@pytest.mark.parametrize("text, where", [
    ('"abc', (1, 1)),
    ("'a\nb'", (1, 1)),
    ('"\\q"', (1, 2)),
    ("ex:a\\\"b", (1, 5)),
    ("ex:%zz", (1, 4)),
    ("@", (1, 1)),
    ("\n  &", (2, 3)),
    ("SERVICESILENT", (1, 1)),
    ("trueSERVICE", (1, 1)),
    ("{ )", (1, 3)),
    ("{", (1, 2)),
])
def test_lexical_errors_have_line_and_column(text, where):
    with pytest.raises(QuerySyntaxError) as e:
        tokenize(text)
    assert (e.value.line, e.value.column) == where
    assert f"line {where[0]}, column {where[1]}" in str(e.value)


# ------------------------------------------------------------------------------------------ shapes

def test_forms_and_updates():
    assert analyze("SELECT * {}").form == "SELECT"
    assert analyze("BASE <http://b/> PREFIX e: <x/> ASK {}").form == "ASK"
    assert analyze("PREFIX x: <http://e/>\n# c\nINSERT DATA { x:s x:p x:o }").is_update
    assert analyze("                            delete where { ?s ?p ?o }").is_update
    assert analyze("LOAD <http://127.0.0.1:9/x>").is_update
    assert not analyze("SELECT ?insert { ?insert ?p ?o }").is_update


@pytest.mark.parametrize("query, targets", [
    ("SELECT * { SERVICE <http://x/> { } }", ("http://x/",)),
    ("SELECT * { SERVICE SILENT <http://x/> { } }", ("http://x/",)),
    ("SELECT * { SERVICE ?v { } }", ("?v",)),
    ("PREFIX ex: <http://e/> SELECT ?x { OPTIONAL { ?s ex:a\\#b ?o } SERVICE <http://x/> { } }", ("http://x/",)),
    ("PREFIX ex: <http://e/> SELECT ?x { OPTIONAL { ?s ex:a\\'b ?o } SERVICE <http://x/> { } }", ("http://x/",)),
    ("SELECT * { { SELECT * { FILTER NOT EXISTS { service <http://x/> { } } } } }", ("http://x/",)),
    ("SELECT * { ?s ?p ?o FILTER(?s<?p)SERVICE?v#>\n{ } }", ("?v",)),
    ("SELECT * { ?s ?p '''SERVICE <http://x/> {}''' # SERVICE <http://y/> {}\n}", ()),
    ("SELECT * { ?s ?p <http://e/#SERVICE> }", ()),
    ("SELECT ?service { ?service ?p ?o }", ()),
])
def test_service_clauses(query, targets):
    assert analyze(query, EX).services == targets


def test_from_graphs_are_resolved():
    shape = analyze("BASE <http://h/> PREFIX r: <g/> SELECT * FROM <x> FROM NAMED r:y FROM dv:z { }",
                    prefixes={"dv": "http://d/"})
    assert shape.from_graphs == ("http://h/x", "http://d/z")
    assert shape.from_named_graphs == ("http://h/g/y",)
    assert analyze("ASK FROM <g> { }", base="http://end/sparql").from_graphs == ("http://end/g",)


def test_predeclared_prefixes_and_the_queries_own_win():
    assert analyze("SELECT * FROM dv:g {}", prefixes={"dv": "http://d/"}).from_graphs == ("http://d/g",)
    own = analyze("PREFIX dv: <http://mine/> SELECT * FROM dv:g {}", prefixes={"dv": "http://d/"})
    assert own.from_graphs == ("http://mine/g",)


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p nope:x }",  # undeclared: Oxigraph may split it into keywords
    "PREFIX service: <http://e/> SELECT * { ?s ?p service:x }",
    "PREFIX trueSERVICE: <http://e/> SELECT * { ?s ?p trueSERVICE:x }",
    "PREFIX FROM: <http://e/> SELECT * FROM:g { }",
    "ASKFROM <http://e/g> { }",
    # after a "}" inside a SELECT expression, "(" still opens an expression: "<" is a comparison here
    "PREFIX : <http://e/> SELECT (EXISTS { ?s ?p ?o } AS ?e) (?e<1AS?x)FROM:g#>\nWHERE {}",
    "PREFIX : <http://e/> SELECT (EXISTS { VALUES ?z {1} } AS ?e) (?e<1AS?x)FROM:g#>\nWHERE {}",
])
def test_names_the_engine_could_read_as_keywords_are_refused(query):
    with pytest.raises(QuerySyntaxError):
        analyze(query)


def test_limits_come_first():
    with pytest.raises(QueryTooLarge, match="100,001"):
        analyze("#" * (MAX_QUERY_LENGTH + 1))
    deep = "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000
    with pytest.raises(QueryTooLarge):
        analyze(deep)
    nested = "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    with pytest.raises(QueryTooComplex, match="nested too deeply"):
        analyze(nested)
    ok = "SELECT * WHERE " + "{" * MAX_DEPTH + "}" * MAX_DEPTH
    assert analyze(ok).depth == MAX_DEPTH
    assert issubclass(QueryTooComplex, QueryError) and issubclass(QueryTooLarge, QueryError)


def test_hostile_whitespace_is_read_in_one_pass():
    # The update-detection regex this replaces backtracked exponentially on leading spaces.
    assert analyze(" " * 28 + "SELECT * { ?s ?p ?o }").form == "SELECT"
    indented = "        PREFIX a: <http://a/>\n        PREFIX b: <http://b/>\n        SELECT * { ?s a:p b:o }"
    assert analyze(indented).prefixes == {"a": "http://a/", "b": "http://b/"}


# ------------------------------------------------------------------------------------------ the oracle

class _Listener(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.requests = 0
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        self.server.requests += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def engine():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")))
    return store


def _engine_requests(engine, listener, query: str) -> int:
    before = listener.requests
    try:
        result = engine.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, RuntimeError, OSError, ValueError):
        pass
    return listener.requests - before


def _refused(query: str) -> bool:
    """What /sparql decides from the grammar: refuse (a SERVICE or a syntax error) or evaluate."""
    try:
        return bool(analyze(query).services)
    except QueryError:
        return True


def test_the_oracle_sees_a_plain_service(engine, listener):
    url = f"http://127.0.0.1:{listener.server_address[1]}/svc"
    query = f"SELECT * WHERE {{ ?s ?p ?o SERVICE <{url}> {{ ?x ?y ?z }} }}"
    assert _engine_requests(engine, listener, query) == 1  # the oracle can see a SERVICE…
    assert analyze(query).services == (url,)  # …and so does the analysis
    for glued in (f"SELECT * {{ ?s ?p ?o SERVICESILENT <{url}> {{ }} }}",
                  f"SELECT * {{ ?s ?p ?o OPTIONAL {{ ?s ?p true}} ?s ?p ?o FILTER(true)SERVICE<{url}>{{}} }}"):
        assert _engine_requests(engine, listener, glued) == 1
        assert _refused(glued)


# Pieces around SERVICE: escaped local names, the four string forms with escapes, comments, IRIs with '#'.
_HOSTILE = [
    "OPTIONAL { ?s ex:a\\#b ?o }", "OPTIONAL { ?s ex:a\\'b ?o }", "OPTIONAL { ?s ex:a\\\"b ?o }",
    "OPTIONAL { ?s ex:a\\\\b ?o }", "OPTIONAL { ?s <http://e/a#b> ?o }", "OPTIONAL { ?s <http://e/a#> ?o }",
    "FILTER(?o != 'a\\'b#')", 'FILTER(?o != "a\\"b#")', "FILTER(?o != '''a'b''#''')", 'FILTER(?o != """a"b""#""")',
    "FILTER(?o != 'x\\\\')", 'FILTER(?o != "}")', "# a comment with ' and \" and {\n", "#\r",
    "FILTER(?s<?p || true)", "FILTER(?o<?p)", "?s ?p ?o .", "?s ?p ?o", "OPTIONAL { ?s ?p true }",
    "BIND(<{url}> AS ?svc)", "FILTER(true)", "", " ", "\n",
    # names Oxigraph may split into keywords: true SERVICE :x (":" is the listener when declared)
    "?s ?p trueSERVICE:x { }", "?s ?p true.SERVICE:x { }", "?s ?p ?o FILTER(?s<?p)SERVICE:x#>\n{ }",
]
_SERVICE = ["SERVICE <{url}> { ?x ?y ?z }", "SERVICE SILENT <{url}> { }", "SERVICE ?svc { }",
            "service<{url}>{}", "SERVICE<{url}>#>\n{ }", "SERVICESILENT <{url}> { }", "SERVICE\t<{url}>{}"]


@st.composite
def hostile_queries(draw):
    def block(depth: int) -> str:
        parts = draw(st.lists(st.sampled_from(_HOSTILE), max_size=4))
        if draw(st.booleans()):
            parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(_SERVICE)))
        if depth < 2 and draw(st.booleans()):
            inner = block(depth + 1)
            wrapper = draw(st.sampled_from(["{ SELECT * WHERE { %s } }", "OPTIONAL { %s }",
                                            "{ %s } UNION { ?s ?p ?o }", "FILTER EXISTS { %s }"]))
            parts.insert(draw(st.integers(0, len(parts))), wrapper % inner)
        glue = draw(st.sampled_from([" ", "\n", "", " . "]))
        return glue.join(parts)

    prologue = draw(st.sampled_from(["PREFIX ex: <http://e/>\n", "PREFIX ex: <http://e/> PREFIX : <{url}#>\n"]))
    return prologue + "SELECT * WHERE { ?s ?p ?o " + block(0) + " }"


@settings(max_examples=400, deadline=None)
@given(template=hostile_queries())
def test_no_query_the_engine_would_run_with_a_service_passes(engine, listener, template):
    url = f"http://127.0.0.1:{listener.server_address[1]}/svc"
    query = template.replace("{url}", url)
    ran_service = _engine_requests(engine, listener, query) > 0
    refused = _refused(query)
    if ran_service:
        assert refused, f"the engine called SERVICE but the analysis let it through:\n{query}"
    if not refused:
        assert not ran_service


def test_a_graph_pattern_is_found_by_the_tokens_not_the_text():
    # an engine is sent the build's named graphs only for a query that has a GRAPH pattern (graph/stores.py)
    assert analyze("SELECT * WHERE { graph ?g { ?s ?p ?o } }").graph_patterns
    assert not analyze('SELECT * WHERE { ?s ?p "GRAPH ?g" } # GRAPH\n').graph_patterns
    assert not analyze("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:GRAPH ?o }").graph_patterns


def test_rebase_moves_the_iris_and_nothing_else():
    old, new = "https://w3id.org/danvan/", "http://kg.example.org/dv/"
    text = ('# a comment naming https://w3id.org/danvan/id/x stays\n'
            'BASE <https://w3id.org/danvan/>\n'
            'PREFIX dv: <https://w3id.org/danvan/ontology#>\n'
            'PREFIX x: <http://www.w3.org/2001/XMLSchema#>\n'
            'SELECT ?s WHERE { ?s dv:p <https://w3id.org/danvan/id/a> , <id/b> , "https://w3id.org/danvan/id/c" ,\n'
            '  """https://w3id.org/danvan/id/d""" , "https://w3id.org/danvan/id/e"@vi ,\n'
            '  "https://w3id.org/danvan/ontology#"^^x:anyURI , \'https://w3id.org/danvan/f\'^^<http://www.w3.org/2001/XMLSchema#anyURI> ,\n'
            '  <http://other.example/https://w3id.org/danvan/> . FILTER (?s != <https://w3id.org/danvanity>) }')
    moved = rebase_iris(text, old, new)
    assert moved == (
        '# a comment naming https://w3id.org/danvan/id/x stays\n'
        'BASE <http://kg.example.org/dv/>\n'
        'PREFIX dv: <http://kg.example.org/dv/ontology#>\n'
        'PREFIX x: <http://www.w3.org/2001/XMLSchema#>\n'
        'SELECT ?s WHERE { ?s dv:p <http://kg.example.org/dv/id/a> , <id/b> , "https://w3id.org/danvan/id/c" ,\n'
        '  """https://w3id.org/danvan/id/d""" , "https://w3id.org/danvan/id/e"@vi ,\n'
        '  "http://kg.example.org/dv/ontology#"^^x:anyURI , \'http://kg.example.org/dv/f\'^^<http://www.w3.org/2001/XMLSchema#anyURI> ,\n'
        '  <http://other.example/https://w3id.org/danvan/> . FILTER (?s != <https://w3id.org/danvanity>) }')
    assert rebase_iris(text, old, old) is text


def test_rebase_reads_the_grammar_so_a_bad_text_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError):
        rebase_iris('SELECT * WHERE { ?s ?p "unclosed }', "https://a/", "https://b/")
