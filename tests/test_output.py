"""kgraph.output: table, csv, tsv, json and raw SPARQL results."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from kgraph import vocab
from kgraph.output import _width, fit_widths, shorten_iri, write_object, write_raw, write_rows
from kgraph.query import run, run_raw
from kgraph.store import open_store

KG = vocab.KG
XSD = vocab.PREFIXES["xsd"]
PERSON = vocab.entity_iri("PERSON", "Иванова Анна Сергеевна")
LONG = ("Республиканский семинар-тренинг «Современная библиотека: новые форматы работы "
        "с читателями», проведённый Национальной академической библиотекой")

VARIABLES = ["person", "name", "event", "count", "note"]
ROWS = [
    {"person": ox.NamedNode(PERSON), "name": ox.Literal("Анна, \"Аня\"\nИванова", language="ru"),
     "event": ox.Literal(LONG), "count": ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
     "note": None},
    {"person": ox.NamedNode("http://example.org/other"), "name": ox.Literal("tab\there\\"),
     "event": ox.NamedNode(KG + "Congress"), "count": ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
     "note": ox.BlankNode("b0")},
]


def render(fmt, variables=VARIABLES, rows=ROWS, **kw):
    out = io.StringIO()
    write_rows(variables, rows, fmt, out, **kw)
    return out.getvalue()


def test_csv_parses_back_with_full_values():
    text = render("csv")
    assert "\r\n" in text  # RFC 4180 line ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == VARIABLES
    assert rows[1] == [PERSON, "Анна, \"Аня\"\nИванова", LONG, "12", ""]
    assert rows[2] == ["http://example.org/other", "tab\there\\", KG + "Congress", "3", "_:b0"]


def test_json_loads_as_a_list_of_objects():
    text = render("json")
    assert "Анна" in text  # not \u escaped
    data = json.loads(text)
    assert data[0] == {"person": PERSON, "name": "Анна, \"Аня\"\nИванова", "event": LONG,
                       "count": "12", "note": None}
    assert data[1]["event"] == KG + "Congress"


def test_tsv_keeps_one_line_per_row():
    lines = render("tsv").split("\n")
    assert lines[0].split("\t") == VARIABLES
    assert lines[1].split("\t")[1] == "Анна, \"Аня\"\\nИванова"
    assert lines[2].split("\t")[1] == "tab\\there\\\\"
    assert lines[3] == "" and len(lines) == 4


def test_table_fits_80_columns():
    text = render("table", width=80)
    lines = text.rstrip("\n").split("\n")
    assert all(_width(line) <= 80 for line in lines), text
    assert "…" in text  # the long event was cut
    assert "kgid:person/" in text and "kg:Congress" in text  # IRIs shortened
    assert lines[0].split()[:2] == ["person", "name"]
    assert "Анна, \"Аня\" Иванова" in text  # newlines flattened
    assert lines[-1] == "(2 rows)"
    # numbers are right-aligned: the counts end at the same column
    count_col = lines[0].index("count")
    assert lines[2][count_col:count_col + 5].strip() == "12"


def test_table_wide_characters_and_narrow_terminals():
    rows = [{"a": ox.Literal("图书馆" * 30), "b": ox.Literal("x" * 100)}]
    for width in (40, 80, 120):
        text = render("table", ["a", "b"], rows, width=width)
        assert all(_width(line) <= width for line in text.splitlines()), text


def test_table_short_columns_stay_whole():
    assert fit_widths([5, 200, 4], 80) == [5, 67, 4]
    assert fit_widths([10, 20], 80) == [10, 20]
    assert sum(fit_widths([50, 60, 70], 80)) + 4 <= 80


def test_empty_results():
    assert json.loads(render("json", rows=[])) == []
    assert render("csv", rows=[]) == ",".join(VARIABLES) + "\r\n"
    assert render("table", rows=[]).endswith("(0 rows)\n")


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        render("yaml")


def test_shorten_iri_uses_the_longest_namespace():
    assert shorten_iri(KG + "Person") == "kg:Person"
    assert shorten_iri(vocab.ID + "event/x") == "kgid:event/x"
    assert shorten_iri("http://example.org/x") == "http://example.org/x"


# --- real query results -------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "store")
    g = ox.NamedNode(vocab.report_iri("r.txt"))
    label = ox.NamedNode(vocab.PREFIXES["rdfs"] + "label")
    quads = [ox.Quad(ox.NamedNode(vocab.entity_iri("PERSON", f"p{i}")), label,
                     ox.Literal(f"Персона {i} «кавычки» \"q\"", language="ru"), g) for i in range(3)]
    with open_store(path, write=True) as s:
        s.replace_report(g.value, quads)
    with open_store(path) as s:
        yield s


SELECT = "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"


def test_rows_from_a_real_query(store):
    result = run(store, SELECT)
    data = json.loads(render("json", result.variables, result.rows))
    assert [d["l"] for d in data] == [f"Персона {i} «кавычки» \"q\"" for i in range(3)]


@pytest.mark.parametrize("binary", [True, False])
def test_raw_srj_parses_as_json(store, binary):
    out = io.BytesIO() if binary else io.StringIO()
    write_raw(run_raw(store, SELECT), "srj", out)
    text = out.getvalue().decode() if binary else out.getvalue()
    data = json.loads(text)
    assert data["head"]["vars"] == ["e", "l"]
    assert len(data["results"]["bindings"]) == 3
    assert data["results"]["bindings"][0]["l"]["xml:lang"] == "ru"


def test_raw_srx_tsv_and_ask(store):
    out = io.BytesIO()
    write_raw(run_raw(store, SELECT), "srx", out)
    assert ET.fromstring(out.getvalue()).tag.endswith("sparql")
    out = io.BytesIO()
    write_raw(run_raw(store, SELECT), "tsv", out)
    lines = out.getvalue().decode().splitlines()
    assert lines[0] == "?e\t?l" and lines[1].startswith("<" + vocab.ID)
    out = io.BytesIO()
    write_raw(run_raw(store, "ASK { ?s ?p ?o }"), "srj", out)
    assert json.loads(out.getvalue())["boolean"] is True
    with pytest.raises(ValueError, match="unknown results format"):
        write_raw(run_raw(store, SELECT), "yaml", io.BytesIO())


def test_raw_construct_as_turtle(store):
    out = io.BytesIO()
    write_raw(run_raw(store, "CONSTRUCT WHERE { ?e rdfs:label ?l }"), "turtle", out)
    assert len(list(ox.parse(out.getvalue(), format=ox.RdfFormat.TURTLE))) == 3


# --- objects (stats) ------------------------------------------------------------------------

STATS = {"reports": 12, "quads": 3456, "entities": {"PERSON": 10, "EVENT": 2},
         "relations": {}, "mentions": 40}


def test_write_object_table_and_json():
    out = io.StringIO()
    write_object(STATS, "table", out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["reports", "12"]
    assert "entities" in lines and any(l.split() == ["PERSON", "10"] for l in lines)
    assert lines[3].startswith("  PERSON")
    out = io.StringIO()
    write_object(STATS, "json", out)
    assert json.loads(out.getvalue()) == STATS
    out = io.StringIO()
    write_object(STATS, "csv", out)
    assert ["entities.PERSON", "10"] in list(csv.reader(io.StringIO(out.getvalue())))
