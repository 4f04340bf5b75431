"""Remote stores (kgraph.store.RemoteStore) against a real Oxigraph server.

The server comes from the `oxigraph_server` fixture (tests/conftest.py): the one
.ci/run starts ($KGRAPH_TEST_SERVER), or one started here when the `oxigraph`
command is installed; tests that need it skip otherwise. Every such test starts
from an empty server. Tests of URL parsing, parameter binding and connection
errors need no server.
"""

from __future__ import annotations

import http.server
import itertools
import json
import re
import socket
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kgraph import vocab
from kgraph.cli import main
from kgraph.query import QueryError, load_queries, run, to_term, typed_values
from kgraph.store import (GraphStore, RemoteStore, StoreError, bind_values, open_store,
                          parse_remote, query_form, sparql_term, with_prefixes)

REPORTS = Path(__file__).parent / "fixtures" / "reports"
KG = vocab.KG
RDF_TYPE = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
LABEL = ox.NamedNode(vocab.PREFIXES["rdfs"] + "label")

HOSTILE = [
    '} DROP ALL {',
    '"} ; DROP ALL ; INSERT DATA { <x:a> <x:b> "c" } #',
    "') } } DROP ALL { ('",
    '\\"} DROP ALL { #',
    'line\nbreak } # DROP ALL {',
    '"""',
    "'''",
    "\\u0022 } DROP ALL { \\u0022",
    '# } DROP ALL {',
    '<x:a> } DROP ALL { <x:b>',
    'ends with a backslash \\',
    '?x $y ) VALUES ?z { 1 }',
]


# --- helpers ------------------------------------------------------------------------


def cli(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def ingest(store) -> dict:
    return json.loads(cli("ingest", REPORTS, "--store", store, "--workers", "1", "--json").stdout)


def ask(store, name, *params) -> list[dict]:
    args = ["ask", name, "--json", "--store", store]
    for p in params:
        args += ["-p", p]
    return json.loads(cli(*args).stdout)


def stats(store) -> dict:
    return json.loads(cli("stats", "--json", "--store", store).stdout)


_RUN = re.compile(r"run/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")
_TIME = re.compile(r'"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"')


def canonical_export(store, tmp_path, fmt="trig") -> set:
    """The exported dataset with run ids and times masked, blank nodes canonical."""
    out = tmp_path / f"export-{time.monotonic_ns()}.{fmt}"
    cli("export", "--format", fmt, "-o", out, "--store", store)
    text = _TIME.sub('"TIME"', _RUN.sub("run/RUN", out.read_text(encoding="utf-8")))
    rdf_format = {"trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
    dataset = ox.Dataset(ox.parse(text.encode("utf-8"), rdf_format))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def clear(url: str) -> None:
    """Empty the test server (plain HTTP: does not rely on the code under test)."""
    request = urllib.request.Request(url + "/update", data=b"DROP ALL", method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 204)


def rows_of(result) -> list[tuple]:
    if isinstance(result, ox.QueryBoolean):
        return [(bool(result),)]
    return [tuple(str(s[v]) for v in result.variables) for s in result]


def report_quads(rid, sha, people):
    g = ox.NamedNode(vocab.report_iri(rid))
    quads = [ox.Quad(g, ox.NamedNode(KG + "sha256"), ox.Literal(sha), g)]
    for key, name in people:
        p = ox.NamedNode(vocab.entity_iri("PERSON", key))
        quads += [ox.Quad(p, RDF_TYPE, ox.NamedNode(KG + "Person"), g),
                  ox.Quad(p, LABEL, ox.Literal(name, language="ru"), g)]
    return g.value, quads


def graph_rows(store, graph):
    sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return sorted(rows_of(store.query(sparql)))


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The fixture reports ingested into an embedded store, and what it answers."""
    path = str(tmp_path_factory.mktemp("reference") / "store")
    summary = ingest(path)
    assert summary["new"] == 3 and not summary["failed"], summary
    tmp = tmp_path_factory.mktemp("reference-export")
    return SimpleNamespace(
        path=path,
        asks={name: ask(path, name) for name in load_queries() if name != "report"},
        stats=stats(path),
        export=canonical_export(path, tmp),
        export_nt=canonical_export(path, tmp, "nt"),
    )


@pytest.fixture
def server(oxigraph_server):
    """An empty Oxigraph server's base URL."""
    clear(oxigraph_server)
    return oxigraph_server


@pytest.fixture
def loaded(server, reference):
    """The server holding exactly the reference store's graphs."""
    with open_store(reference.path) as embedded:
        quads = list(embedded._store.quads_for_pattern(None, None, None, None))
    by_graph: dict[str, list] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    with open_store(server, write=True) as remote:
        for graph, graph_quads in by_graph.items():
            remote.replace_report(graph, graph_quads)
    return server


# --- one end-to-end test, on both kinds of store --------------------------------------


@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_end_to_end(kind, reference, tmp_path, request):
    """ingest -> ask (every ready question) / stats / export -> re-ingest, through the
    CLI; the answers equal the reference embedded store's."""
    store = str(tmp_path / "store") if kind == "embedded" else request.getfixturevalue("server")

    first = ingest(store)
    assert (first["new"], first["changed"], first["unchanged"], first["failed"]) == (3, 0, 0, [])
    attendance = ask(store, "attendance")
    assert attendance, "the fixture reports have participants"
    assert attendance == reference.asks["attendance"]
    for name, rows in reference.asks.items():
        assert ask(store, name) == rows, name
    assert stats(store) == reference.stats
    assert canonical_export(store, tmp_path) == reference.export
    assert canonical_export(store, tmp_path, "nt") == reference.export_nt

    again = ingest(store)  # unchanged files: a no-op but for the run record
    assert (again["new"], again["changed"], again["unchanged"], again["failed"]) == (0, 0, 3, [])
    after = stats(store)
    assert {k: v for k, v in after.items() if k != "quads"} == \
        {k: v for k, v in reference.stats.items() if k != "quads"}
    assert ask(store, "attendance") == attendance
    runs = json.loads(cli("runs", "--json", "--store", store).stdout)
    assert len(runs) == 2


# --- parameters: bound like the embedded store's substitutions -----------------------


def parameter_cases(store, few: bool = False) -> list[tuple[str, dict]]:
    """(query name, {param: command-line value}) for every ready question and each of
    its parameters: values found in the data, values matching nothing, hostile ones;
    each parameter alone, and all of a query's parameters together. `few`: two values
    a parameter (one found in the data, one not), all parameters together once."""
    def values(sparql):
        return [r[0].value for r in store.query(sparql)]

    samples = {
        ("iri", "event_type"): ["kg:Congress", "kg:Seminar", "kg:Event", "kg:Exhibition",
                                "<urn:x:no%7Dthing>"],
        ("iri", "report"): values("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g kg:sha256 ?s } }")
        + [vocab.report_iri("missing.txt")],
        ("string", None): sorted(set(values(
            "SELECT DISTINCT ?l WHERE { ?p a kg:Person ; rdfs:label ?l } LIMIT 3")))
        + ["а", "Павлодар", "Астана", "nobody"] + HOSTILE[:4],
        ("date", None): ["2019", "2019-10", "2019-03-12", "2019-10-02", "2020", "2018-01-01"],
        ("integer", None): ["1", "0"],
    }

    def sample(p):
        values = samples.get((p.type, p.name)) or samples[(p.type, None)]
        return [values[0], values[-1]] if few else values

    cases = []
    for q in load_queries().values():
        if not any(p.required for p in q.params):
            cases.append((q.name, {}))
        for p in q.params:
            cases += [(q.name, {p.name: v}) for v in sample(p)]
        if len(q.params) > 1:
            for combo in itertools.product(*[sample(p)[:1 if few else 2] for p in q.params]):
                cases.append((q.name, dict(zip([p.name for p in q.params], combo))))
    return cases


def terms_for(name, params):
    q = load_queries()[name]
    return q, {k: to_term(v, q.param(k).type, k) for k, v in params.items()}


def test_values_binding_equals_substitutions_for_every_ready_question(reference):
    """No server needed: on one in-memory copy of the reference data, each query with
    Oxigraph's substitutions and with bind_values' VALUES gives the same rows."""
    with open_store(reference.path) as embedded:
        memory = ox.Store()
        memory.bulk_extend(embedded._store.quads_for_pattern(None, None, None, None))
        cases = parameter_cases(embedded)
    changed = set()
    for name, params in cases:
        q, terms = terms_for(name, params)
        expected = rows_of(memory.query(
            q.sparql, substitutions={ox.Variable(k): v for k, v in terms.items()} or None,
            use_default_graph_as_union=True, prefixes=vocab.PREFIXES))
        got = rows_of(memory.query(with_prefixes(bind_values(q.sparql, terms)),
                                   use_default_graph_as_union=True))
        assert got == expected, (name, params)
        if params and expected != rows_of(memory.query(
                q.sparql, use_default_graph_as_union=True, prefixes=vocab.PREFIXES)):
            changed.add(name)
    # not vacuous: parameters change the answers of every question that has some
    assert changed == {q.name for q in load_queries().values() if q.params}


def test_every_ready_question_answers_the_same_on_the_server(reference, loaded):
    # fewer cases than above: a server whose data was dropped and reloaded (each test
    # here starts with DROP ALL) plans some queries ~10x slower until RocksDB compacts
    with open_store(reference.path) as embedded, open_store(loaded) as remote:
        assert isinstance(remote, RemoteStore)
        for name, params in parameter_cases(embedded, few=True):
            q = load_queries()[name]
            expected = run(embedded, q, dict(params))
            got = run(remote, q, dict(params))
            assert got.variables == expected.variables, name
            assert got.rows == expected.rows, (name, params)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_bound_as_values(value):
    """Whatever the text, it comes back as the value of ?x: it never became syntax."""
    memory = ox.Store()
    for term in (ox.Literal(value), ox.Literal(value, language="ru"),
                 ox.Literal(value, datatype=ox.NamedNode(KG + "t"))):
        sparql = bind_values("SELECT ?x ?y WHERE { OPTIONAL { ?s ?p ?y } }", {"x": term})
        assert [r["x"] for r in memory.query(sparql)] == [term]


def test_hostile_parameters_on_the_server(server):
    cli("ingest", REPORTS, "--store", server, "--workers", "1", "--quiet")
    before = stats(server)
    for value in HOSTILE:
        result = cli("query", "SELECT ?x WHERE { }", "-p", f"x={value}", "--json",
                     "--store", server, ok=False)
        try:
            term = typed_values({"x": value})["x"]  # '"..."' is unquoted, '<...>' an IRI
        except QueryError:
            assert result.exit_code == 2 and "not a valid IRI" in result.output
        else:
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout) == [{"x": term.value}]
    for value in HOSTILE[:4]:  # a few: the ready questions are slower than the query above
        assert ask(server, "attendance", f"name={value}") == []
        assert ask(server, "events", f"place={value}") == []
    bad_iri = cli("ask", "report", "-p", "report=https://x/a> } DROP ALL { <x:b", "--store", server,
                  ok=False)
    assert bad_iri.exit_code == 2 and "not a valid IRI" in bad_iri.output
    assert stats(server) == before  # nothing dropped, nothing inserted


def test_names_and_terms_that_cannot_be_bound():
    with pytest.raises(ValueError, match="variable name"):
        bind_values("SELECT ?x WHERE { }", {"x) { } } DROP ALL { (": ox.Literal("a")})
    with pytest.raises(ValueError, match="BlankNode"):
        sparql_term(ox.BlankNode())
    with pytest.raises(ValueError, match="assigned in the SELECT clause"):
        bind_values("SELECT (1 AS ?x) WHERE { }", {"x": ox.Literal("a")})
    with pytest.raises(ValueError, match="only be bound in a query"):
        bind_values("INSERT DATA { <x:a> <x:b> ?x }", {"x": ox.Literal("a")})


# --- bind_values on tricky query text --------------------------------------------------


def one_triple_store():
    memory = ox.Store()
    memory.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("v")))
    return memory


@pytest.mark.parametrize("sparql, expected", [
    # braces, keywords and variables inside comments, strings and IRIs are text
    ('SELECT ?x ?s WHERE { # { ?x WHERE SELECT\n ?s ?p ?o FILTER(?o != "{ ?x } #") }',
     [("a", "urn:s")]),
    ("SELECT ?x ?s WHERE { ?s ?p ?o FILTER(?o != '''{ ?x\n}''') }", [("a", "urn:s")]),
    # WHERE is optional, $x is ?x
    ("SELECT $x ?s { ?s ?p ?o }", [("a", "urn:s")]),
    # the WHERE group is a subquery: wrapped so it can take VALUES
    ("SELECT ?x ?s WHERE { SELECT ?s ?x { ?s ?p ?o } }", [("a", "urn:s")]),
    # a FILTER in a UNION branch sees the value (as with substitutions)
    ("SELECT ?x ?s WHERE { { ?s ?p ?o FILTER(?o = COALESCE(?x, ?o)) } UNION { BIND(1 AS ?s) } }",
     [("a", "1")]),
    # BIND to a bound parameter keeps rows where both agree, or the expression failed
    ('SELECT ?x ?s WHERE { ?s ?p ?o BIND("a" AS ?x) }', [("a", "urn:s")]),
    ('SELECT ?x ?s WHERE { ?s ?p ?o BIND("b" AS ?x) }', []),
    ("SELECT ?x ?s WHERE { ?s ?p ?o BIND(1/0 AS ?x) }", [("a", "urn:s")]),
    # a subquery sees the parameters it projects (also through nested subqueries)...
    ("SELECT ?x ?s WHERE { { SELECT ?s ?x WHERE { ?s ?p ?o FILTER(?o = COALESCE(?x, ?o)) } } }",
     []),
    ("SELECT ?x ?s WHERE { { SELECT ?s ?x { { SELECT ?s ?x { ?s ?p ?o "
     "FILTER(?o = COALESCE(?x, ?o)) } } } } }", []),
    ("SELECT ?x ?s WHERE { { SELECT ?s (?o AS ?x) WHERE { ?s ?p ?o } } }", []),
    ("SELECT ?x ?s WHERE { ?s ?p ?o FILTER EXISTS { SELECT ?x WHERE { ?a ?b ?x } } }", []),
    # ...and not the others (SELECT * projects only what its patterns bind)
    ("SELECT ?x ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o FILTER(?o = COALESCE(?x, ?o)) } } }",
     [("a", "urn:s")]),
    ("SELECT ?x ?s WHERE { { SELECT * WHERE { ?s ?p ?o FILTER(?o = COALESCE(?x, ?o)) } } }",
     [("a", "urn:s")]),
    ("SELECT ?x ?s WHERE { { SELECT ?s ?x { { SELECT ?s { ?s ?p ?o "
     "FILTER(?o = COALESCE(?x, ?o)) } } } } }", [("a", "urn:s")]),
    # VALUES data blocks are left alone; an existing VALUES joins
    ('SELECT ?x ?s WHERE { VALUES ?x { "a" "b" } ?s ?p ?o }', [("a", "urn:s")]),
    ('SELECT ?x ?s WHERE { ?s ?p ?o } VALUES ?s { <urn:s> }', [("a", "urn:s")]),
])
def test_bind_values_on_tricky_text(sparql, expected):
    memory = one_triple_store()
    params = {"x": ox.Literal("a")}
    with_subs = memory.query(sparql, substitutions={ox.Variable("x"): ox.Literal("a")})
    assert rows_of(memory.query(bind_values(sparql, params))) == rows_of(with_subs)
    got = [tuple(s[v].value for v in ("x", "s")) for s in memory.query(bind_values(sparql, params))]
    assert got == expected


def test_bind_values_in_other_query_forms():
    memory = one_triple_store()
    v = {"x": ox.Literal("v")}
    assert bool(memory.query(bind_values("ASK { ?s ?p ?x }", v)))
    assert not bool(memory.query(bind_values("ASK { ?s ?p ?x }", {"x": ox.Literal("w")})))
    for sparql in ("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", "CONSTRUCT WHERE { ?s ?p ?x }",
                   "CONSTRUCT { ?s ?p ?x } { ?s ?p ?x }"):
        assert len(list(memory.query(bind_values(sparql, v)))) == 1, sparql
    described = memory.query(bind_values("DESCRIBE ?x", {"x": ox.NamedNode("urn:s")}))
    assert len(list(described)) == 1
    assert query_form("PREFIX a: <x:> # SELECT\n CONSTRUCT WHERE { }") == "CONSTRUCT"


def test_with_prefixes_keeps_the_querys_own():
    text = with_prefixes("PREFIX kg: <urn:mine#>\nSELECT * { ?s kg:p ?o }")
    assert "PREFIX kg: <urn:mine#>" in text
    assert f"PREFIX kg: <{KG}>" not in text
    assert f"PREFIX skos: <{vocab.PREFIXES['skos']}>" in text


# --- store URLs -------------------------------------------------------------------------


def test_store_urls():
    e = parse_remote("http://127.0.0.1:7878/")
    assert (e.query, e.update) == ("http://127.0.0.1:7878/query?union-default-graph",
                                   "http://127.0.0.1:7878/update")
    e = parse_remote("http://host:3030/ds")  # a Fuseki dataset
    assert (e.query, e.update) == ("http://host:3030/ds/query?union-default-graph",
                                   "http://host:3030/ds/update")
    e = parse_remote("sparql+http://host:7200/repositories/kg?infer=false"
                     "&update=/repositories/kg/statements")
    assert (e.query, e.update) == ("http://host:7200/repositories/kg?infer=false",
                                   "http://host:7200/repositories/kg/statements")
    e = parse_remote("sparql+https://h/ds/query?update=https://h/ds/update")
    assert (e.query, e.update) == ("https://h/ds/query", "https://h/ds/update")
    e = parse_remote("sparql+http://h/sparql")
    assert (e.query, e.update) == ("http://h/sparql", None)
    e = parse_remote("http://me:s%40cret@h:1")
    assert (e.credentials, e.display) == ("me:s@cret", "http://me@h:1")
    for bad in ("http://h:1/?x=1", "sparql+http://h/q?update=", "sparql+http://h/q?update=ftp://x",
                "sparql+ftp://h/q", "http://h:1/#f"):
        with pytest.raises(StoreError):
            parse_remote(bad)


def test_unreachable_server_says_so():
    port = free_port()
    with pytest.raises(StoreError, match=rf"cannot reach http://127.0.0.1:{port}/query"
                                         r"\S*: connection refused"):
        open_store(f"http://127.0.0.1:{port}")
    result = cli("stats", "--store", f"http://127.0.0.1:{port}", ok=False)
    assert result.exit_code == 2
    assert "cannot reach" in result.output and "connection refused" in result.output


def test_a_silent_server_times_out(monkeypatch):
    monkeypatch.setenv("KGRAPH_REMOTE_TIMEOUT", "0.5")
    with socket.socket() as s:  # accepts connections (backlog), never answers
        s.bind(("127.0.0.1", 0))
        s.listen(4)
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"no answer within 0.5 s"):
            open_store(f"http://127.0.0.1:{s.getsockname()[1]}")
        assert time.monotonic() - started < 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _FakeEndpoint(http.server.BaseHTTPRequestHandler):
    """Answers any POST with SPARQL JSON results; records what it was sent."""

    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append((self.path, dict(self.headers), body))
        data = json.dumps({"head": {"vars": ["union", "named"]}, "results": {"bindings": [{
            "union": {"type": "literal", "value": "true",
                      "datatype": "http://www.w3.org/2001/XMLSchema#boolean"},
            "named": {"type": "literal", "value": "true",
                      "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_explicit_endpoints_and_basic_authentication():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _FakeEndpoint)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        _FakeEndpoint.seen = []
        store = open_store(f"sparql+http://kg:pa%20ss@127.0.0.1:{port}/repositories/kg"
                           f"?infer=false&update=/repositories/kg/statements", write=True)
        assert store.location == (f"sparql+http://kg@127.0.0.1:{port}/repositories/kg"
                                  f"?infer=false&update=/repositories/kg/statements")
        store.remove_report(vocab.report_iri("a.txt"))
        (qpath, qheaders, qbody), (upath, uheaders, ubody) = _FakeEndpoint.seen
        assert qpath == "/repositories/kg?infer=false"
        assert qheaders["Authorization"] == "Basic a2c6cGEgc3M="  # kg:pa ss
        assert qheaders["Content-Type"] == "application/x-www-form-urlencoded"
        assert qbody.startswith(b"query=")
        assert upath == "/repositories/kg/statements"
        assert uheaders["Content-Type"].startswith("application/sparql-update")
        assert ubody == f"DROP SILENT GRAPH <{vocab.report_iri('a.txt')}>".encode()
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- the server: writes, atomicity, read-only, union default graph ---------------------


def test_replace_report_on_the_server(server):
    with open_store(server, write=True) as store:
        assert isinstance(store, RemoteStore) and not isinstance(store, GraphStore)
        g, v1 = report_quads("lib/a.txt", "1" * 64, [("ivanov", "Иванов")])
        other, q_other = report_quads("lib/b.txt", "2" * 64, [("petrov", 'Петров "П" \\ {}')])
        store.replace_report(g, v1)
        store.replace_report(other, q_other)
        _, v2 = report_quads("lib/a.txt", "3" * 64, [("sidorov", "Сидоров")])
        store.replace_report(g, v2)
        assert graph_rows(store, g) == sorted(
            (str(q.subject), str(q.predicate), str(q.object)) for q in v2)
        assert graph_rows(store, other) == sorted(
            (str(q.subject), str(q.predicate), str(q.object)) for q in q_other)
        assert store.report_index() == {"lib/a.txt": (g, "3" * 64),
                                        "lib/b.txt": (other, "2" * 64)}
        store.remove_report(other)
        store.remove_report(vocab.report_iri("never-stored"))  # silent
        assert set(store.report_index()) == {"lib/a.txt"}


def test_a_failing_update_leaves_the_old_graph(server):
    with open_store(server, write=True) as store:
        g, v1 = report_quads("a.txt", "1" * 64, [("a", "А")])
        store.replace_report(g, v1)
        before = graph_rows(store, g)
        # a "term" whose text is not valid in INSERT DATA, after valid quads
        bad = SimpleNamespace(subject=ox.NamedNode(g), predicate=ox.NamedNode(KG + "p"),
                              object=ox.Variable("oops"), graph_name=ox.NamedNode(g))
        _, v2 = report_quads("a.txt", "2" * 64, [("b", "Б")])
        with pytest.raises(StoreError, match="nothing written"):
            store.replace_report(g, v2 + [bad])
        assert graph_rows(store, g) == before
        assert store.report_index()["a.txt"] == (g, "1" * 64)


def test_readers_never_see_half_a_report(server):
    """A writer replaces a graph between a 10-person and a 30-person version while a
    reader counts its triples: every count is one of the two versions."""
    g, small = report_quads("r.txt", "1" * 64, [(f"p{i}", f"П{i}") for i in range(10)])
    _, big = report_quads("r.txt", "2" * 64, [(f"q{i}", f"Q{i}") for i in range(30)])
    sizes = {len(small), len(big)}
    counts, errors = [], []
    done = threading.Event()

    def read():
        try:
            with open_store(server) as reader:
                while not done.is_set():
                    row = next(iter(reader.query(
                        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")))
                    counts.append(int(row["n"].value))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    with open_store(server, write=True) as writer:
        writer.replace_report(g, small)
        thread = threading.Thread(target=read)
        thread.start()
        try:
            for i in range(40):
                writer.replace_report(g, big if i % 2 == 0 else small)
        finally:
            done.set()
            thread.join(timeout=30)
    assert not errors, errors
    assert counts and set(counts) <= sizes, set(counts)


def test_a_reader_cannot_write(server):
    with open_store(server) as reader:
        with pytest.raises(StoreError, match="read-only"):
            reader.replace_report(*report_quads("a.txt", "1" * 64, []))
    with pytest.raises(StoreError, match="no update endpoint"):
        open_store(f"sparql+{server}/query", write=True)


def test_the_default_graph_must_be_the_union(server):
    with open_store(server, write=True) as store:
        store.replace_report(*report_quads("a.txt", "1" * 64, [("a", "Анна")]))
    # without Oxigraph's union-default-graph option the default graph is empty
    with pytest.raises(StoreError, match="not the union of its named graphs"):
        open_store(f"sparql+{server}/query?update={server}/update")
    # the option on an explicit query URL is kept
    with open_store(f"sparql+{server}/query?union-default-graph&update=/update") as store:
        rows = rows_of(store.query("SELECT ?l WHERE { ?p rdfs:label ?l }"))
        assert rows == [('"Анна"@ru',)]


def test_query_forms_and_errors_on_the_server(reference, loaded):
    with open_store(reference.path) as embedded, open_store(loaded) as remote:
        for sparql, params in [
            ("ASK { ?p a kg:Person }", {}),
            ("ASK { ?p a ?t }", {"t": ox.NamedNode(KG + "Nothing")}),
            ("CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }", {}),
            ("DESCRIBE ?p", {"p": ox.NamedNode(vocab.entity_iri("PERSON", "nobody"))}),
            ("SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY ?t", {}),
        ]:
            expected, got = run(embedded, sparql, params), run(remote, sparql, params)
            assert (got.kind, got.boolean) == (expected.kind, expected.boolean), sparql
            if got.kind == "graph":
                assert sorted(map(str, got.triples)) == sorted(map(str, expected.triples))
            else:
                assert got.rows == expected.rows, sparql
    result = cli("query", "SELECT ?x WHERE { ?x }", "--store", loaded, ok=False)
    assert result.exit_code == 2 and "SPARQL syntax error" in result.output
    srj = cli("query", "SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p LIMIT 2",
              "--format", "srj", "--store", loaded).stdout
    assert srj == cli("query", "SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p LIMIT 2",
                      "--format", "srj", "--store", reference.path).stdout
