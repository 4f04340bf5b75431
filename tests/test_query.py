"""kgraph.query: query files, parameters, running against a real store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kgraph
from kgraph import vocab
from kgraph.query import (NamedQuery, QueryError, bind, load_queries, parse_query_file,
                          queries_dir, run, run_raw, typed_values)
from kgraph.store import open_store

KG = vocab.KG
XSD = vocab.PREFIXES["xsd"]

ATTENDANCE = """\
# title: Who attended which event
# description: People who took part in events,
#   in any role.
# param: event_type iri optional -- an event class
# param: person string optional -- part of the person's name,
#   case-insensitive
# param: limit integer required -- at most this many rows
#
# Columns: person, name, event (a free note, not a field)

PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT ?p ?name ?event ?event_type ?person ?limit WHERE {
  ?p kg:participantIn ?event ; rdfs:label ?name .
  ?event a ?event_type .
  FILTER(COALESCE(CONTAINS(LCASE(STR(?name)), LCASE(?person)), true))
}
ORDER BY ?name
"""


@pytest.fixture
def qfile(tmp_path):
    path = tmp_path / "attendance.rq"
    path.write_text(ATTENDANCE, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path):
    """Two people at a congress, one at a seminar, in one report graph."""
    path = str(tmp_path / "store")
    g = ox.NamedNode(vocab.report_iri("r.txt"))
    label = ox.NamedNode(vocab.PREFIXES["rdfs"] + "label")
    rdf_type = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
    people = {"anna": ("Анна Иванова", "congress"), "boris": ("Борис Петров", "congress"),
              "vera": ("Вера Сидорова", "seminar")}
    events = {"congress": "Congress", "seminar": "Seminar"}
    quads = []
    for key, cls in events.items():
        e = ox.NamedNode(vocab.entity_iri("EVENT", key))
        quads.append(ox.Quad(e, rdf_type, ox.NamedNode(KG + cls), g))
    for key, (name, event) in people.items():
        p = ox.NamedNode(vocab.entity_iri("PERSON", key))
        quads += [ox.Quad(p, label, ox.Literal(name, language="ru"), g),
                  ox.Quad(p, ox.NamedNode(KG + "participantIn"),
                          ox.NamedNode(vocab.entity_iri("EVENT", event)), g)]
    with open_store(path, write=True) as s:
        s.replace_report(g.value, quads)
    with open_store(path) as s:
        yield s


# --- files --------------------------------------------------------------------------


def test_queries_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("KGRAPH_QUERIES", str(tmp_path))
    assert queries_dir() == tmp_path
    monkeypatch.delenv("KGRAPH_QUERIES")
    package = Path(kgraph.__file__).resolve().parent
    expected = package / "_data" / "queries"
    if not expected.is_dir():  # editable install: the repository's queries/
        expected = package.parent / "queries"
    assert queries_dir() == expected


def test_parse_query_file(qfile):
    q = parse_query_file(qfile)
    assert q.name == "attendance"
    assert q.path == qfile
    assert q.title == "Who attended which event"
    assert q.description == "People who took part in events, in any role."
    assert [(p.name, p.type, p.required) for p in q.params] == [
        ("event_type", "iri", False), ("person", "string", False), ("limit", "integer", True)]
    assert q.params[1].description == "part of the person's name, case-insensitive"
    assert "SELECT ?p ?name" in q.sparql


def test_load_queries(qfile, tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("not a query")
    assert list(load_queries(tmp_path)) == ["attendance"]
    monkeypatch.setenv("KGRAPH_QUERIES", str(tmp_path))
    assert list(load_queries()) == ["attendance"]
    with pytest.raises(QueryError, match="no queries directory"):
        load_queries(tmp_path / "missing")


@pytest.mark.parametrize("header, error", [
    ("# param: x strin optional -- typo", "unknown type 'strin'"),
    ("# param: x string maybe", "bad param line"),
])
def test_bad_param_lines_name_file_and_line(tmp_path, header, error):
    path = tmp_path / "bad.rq"
    path.write_text(f"# title: T\n{header}\nSELECT ?x WHERE {{ }}\n")
    with pytest.raises(QueryError, match=error) as e:
        parse_query_file(path)
    assert f"{path}:2" in str(e.value)


def test_query_checks_catch_oxigraph_pitfalls(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# param: name string optional\nSELECT ?x WHERE { ?x ?p ?name }\n")
    with pytest.raises(QueryError, match="SELECT lists"):  # not projected
        parse_query_file(path)
    path.write_text("# param: name string optional\n"
                    "SELECT ?x ?name WHERE { ?x ?p ?o FILTER(!BOUND(?name) || ?o = ?name) }\n")
    with pytest.raises(QueryError, match="COALESCE"):
        parse_query_file(path)
    path.write_text("SELECT ?x WHERE { ?x ?p }\n")
    with pytest.raises(QueryError, match="syntax"):
        parse_query_file(path)


def test_the_repository_queries_parse():
    """Every shipped query passes the header and Oxigraph checks."""
    for name, q in load_queries().items():
        assert q.title and q.title != name, f"{name}: no title"
        assert q.description, f"{name}: no description"


# --- bind ---------------------------------------------------------------------------


def test_bind_converts_by_type(qfile):
    q = parse_query_file(qfile)
    terms = bind(q, {"event_type": "kg:Congress", "person": "анна", "limit": "5"})
    assert terms == {"event_type": ox.NamedNode(KG + "Congress"), "person": ox.Literal("анна"),
                     "limit": ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))}
    full = bind(q, {"event_type": f"<{KG}Seminar>", "limit": "1"})["event_type"]
    assert full == ox.NamedNode(KG + "Seminar")
    assert bind(q, {"event_type": f"{KG}Seminar", "limit": "1"})["event_type"] == full


def test_bind_errors(qfile):
    q = parse_query_file(qfile)
    with pytest.raises(QueryError, match="valid parameters: event_type, person, limit"):
        bind(q, {"evnt_type": "kg:Congress", "limit": "1"})
    with pytest.raises(QueryError, match="needs parameter 'limit'"):
        bind(q, {})
    with pytest.raises(QueryError, match="not an integer"):
        bind(q, {"limit": "five"})
    with pytest.raises(QueryError, match="unknown prefix 'foo'"):
        bind(q, {"limit": "1", "event_type": "foo:Bar"})
    with pytest.raises(QueryError, match="not an IRI"):
        bind(q, {"limit": "1", "event_type": "Congress"})
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind(q, {"limit": "1", "event_type": "http://example.org/a b"})


def test_dates():
    q = NamedQuery("q", "t", "", [], "SELECT * {}")
    from kgraph.query import Param
    q.params = [Param("from", "date", False)]
    assert bind(q, {"from": "2018-09-15"})["from"] == ox.Literal(
        "2018-09-15", datatype=ox.NamedNode(XSD + "date"))
    assert bind(q, {"from": "2018-09"})["from"].datatype.value == XSD + "gYearMonth"
    assert bind(q, {"from": "2018"})["from"].datatype.value == XSD + "gYear"
    with pytest.raises(QueryError, match="not a date"):
        bind(q, {"from": "15.09.2018"})


def test_typed_values_guess_types():
    terms = typed_values({"a": "kg:Congress", "b": "https://example.org/x", "c": "42",
                          "d": "2018-09-15", "e": "Астана", "f": '"42"', "g": "<urn:x:1>"})
    assert terms["a"] == ox.NamedNode(KG + "Congress")
    assert terms["b"] == ox.NamedNode("https://example.org/x")
    assert terms["c"].datatype.value == XSD + "integer"
    assert terms["d"].datatype.value == XSD + "date"
    assert terms["e"] == ox.Literal("Астана")
    assert terms["f"] == ox.Literal("42")
    assert terms["g"] == ox.NamedNode("urn:x:1")


# --- run ----------------------------------------------------------------------------


def names(result):
    return [row["name"].value for row in result.rows]


def test_run_named_query_with_and_without_params(store, qfile):
    q = parse_query_file(qfile)
    everyone = run(store, q, {"limit": "10"})
    assert everyone.kind == "select"
    assert everyone.variables == ["p", "name", "event", "event_type", "person", "limit"]
    assert names(everyone) == ["Анна Иванова", "Борис Петров", "Вера Сидорова"]
    assert everyone.rows[0]["person"] is None  # an unset optional parameter is unbound

    congress = run(store, q, {"limit": "10", "event_type": "kg:Congress"})
    assert names(congress) == ["Анна Иванова", "Борис Петров"]
    boris = run(store, q, {"limit": "10", "person": "ПЕТР"})  # case-insensitive
    assert names(boris) == ["Борис Петров"]


def test_values_are_bound_not_pasted(store, qfile):
    q = parse_query_file(qfile)
    result = run(store, q, {"limit": "1", "person": '"} ; DROP ALL ; #'})
    assert result.rows == []
    assert len(run(store, q, {"limit": "1"}).rows) == 3  # nothing was dropped


def test_run_ask_and_construct(store):
    ask = run(store, "ASK { ?p kg:participantIn ?e }")
    assert ask.kind == "boolean" and ask.boolean is True
    param = {"e": ox.NamedNode(vocab.entity_iri("EVENT", "seminar"))}
    graph = run(store, "CONSTRUCT { ?p kg:attended ?e } WHERE { ?p kg:participantIn ?e }", param)
    assert graph.kind == "graph"
    assert [t.subject.value for t in graph.triples] == [vocab.entity_iri("PERSON", "vera")]
    assert graph.rows[0]["object"] == param["e"]
    turtle = graph.serialize("turtle")
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == 1


def test_run_raw_is_unread(store):
    raw = run_raw(store, "SELECT ?p WHERE { ?p kg:participantIn ?e }")
    assert isinstance(raw, ox.QuerySolutions)
    assert len(list(raw)) == 3


def test_syntax_errors_are_query_errors(store):
    with pytest.raises(QueryError, match="syntax"):
        run(store, "SELEKT ?x WHERE { }")


# --- the ready questions and the summary graph --------------------------------------


def test_ready_questions_read_only_what_the_summary_holds():
    """Every kgs: term a ready question uses is one the consolidation writes."""
    import re

    import kgraph.store as store_mod

    source = Path(store_mod.__file__).read_text(encoding="utf-8")
    written = set(re.findall(r"kgs:(\w+)", source))
    for name, q in load_queries().items():
        used = set(re.findall(r"kgs:(\w+)", q.sparql))
        assert used <= written, f"{name}: {sorted(used - written)} not in the summary"


def test_consolidating_an_empty_store_and_a_store_without_summary(tmp_path):
    """No report: empty answers. Report graphs written without consolidating (a store
    of an older kgraph): the first consolidation builds the summary from scratch."""
    path = str(tmp_path / "store")
    with open_store(path, write=True) as s:
        assert s.consolidate()["mode"] == "full"
        for name, q in load_queries().items():
            values = {p.name: vocab.report_iri("none") for p in q.params if p.required}
            assert run(s, q, values).rows == [], name
        g = ox.NamedNode(vocab.report_iri("r.txt"))
        p = ox.NamedNode(vocab.entity_iri("PERSON", "anna"))
        s.replace_report(g.value, [
            ox.Quad(g, ox.NamedNode(KG + "sha256"), ox.Literal("1" * 64), g),
            ox.Quad(p, ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(KG + "Person"), g),
            ox.Quad(p, ox.NamedNode(vocab.PREFIXES["rdfs"] + "label"),
                    ox.Literal("Анна", language="ru"), g)])
        s._update(f"DROP GRAPH <{vocab.ID}graph/summary>")  # as if never consolidated
        done = s.refresh_labels()  # what kgraph ingest calls
        assert (done["mode"], done["reports"]) == ("full", 1)
        assert [r["person_name"].value for r in run(s, load_queries()["people"]).rows] == ["Анна"]
        assert s.refresh_labels()["reports"] == 0
