"""`kgraph ask NAME --limit N --offset M` and `kgraph query ... --limit N`: pages of an
answer, through click's CliRunner, over a store ingested from the fixture reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "reports"


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("paging") / "kg"
    result = invoke("ingest", FIXTURES, "--store", location, "--workers", 1)
    assert result.exit_code == 0, result.output
    return location


def ask(store, name, *args, env=None):
    result = invoke("ask", name, "--json", "--store", store, *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_pages_of_attendance_put_together_are_the_full_list(store):
    full, err = ask(store, "attendance")
    assert len(full) >= 5 and err == ""
    pages, offset = [], 0
    while True:
        page, err = ask(store, "attendance", "--limit", 2, "--offset", offset)
        pages += page
        offset += 2
        if offset >= len(full):
            assert err == ""  # the last page: nothing more to fetch
            break
        assert len(page) == 2
        assert f"--limit 2 --offset {offset}" in err  # how to get the next page
    assert pages == full  # same rows, same order
    assert ask(store, "attendance", "--offset", len(full))[0] == []
    assert ask(store, "attendance", "--limit", 3, "--offset", len(full) + 5)[0] == []
    assert ask(store, "attendance", "--offset", 1)[0] == full[1:]  # no limit: the rest


def test_a_page_with_parameters(store):
    named, _ = ask(store, "attendance", "-p", "name=Омарова")
    assert len(named) >= 2
    first, err = ask(store, "attendance", "-p", "name=Омарова", "--limit", 1)
    assert first == named[:1] and "--offset 1" in err
    last, err = ask(store, "attendance", "-p", "name=Омарова", "--limit", 1,
                    "--offset", len(named) - 1)
    assert last == named[-1:] and err == ""


def test_table_csv_and_help(store):
    table = invoke("ask", "attendance", "--limit", 2, "--store", store)
    assert table.exit_code == 0
    assert table.stdout.rstrip().endswith("(2 rows)")
    assert "More rows follow: kgraph ask attendance --limit 2 --offset 2" in table.stderr
    csv_page = invoke("ask", "people", "--csv", "--limit", 1, "--store", store).stdout
    lines = csv_page.splitlines()
    assert len(lines) == 2 and lines[0].startswith("person,")  # header + one row
    help_text = " ".join(invoke("ask", "--help").stdout.split())
    assert "--limit N" in help_text and "--offset M" in help_text
    assert "LIMIT in the SPARQL" in help_text
    assert invoke("ask", "attendance", "--limit", 0, "--store", store).exit_code == 2
    assert invoke("ask", "attendance", "--offset", -1, "--store", store).exit_code == 2


def test_the_question_files_own_limit_still_bounds_the_answer(store, tmp_path):
    """A .rq file that ends with its own OFFSET/LIMIT (and has a LIMIT in a subquery,
    and mentions LIMIT in a comment): pages stay inside the file's answer."""
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "top.rq").write_text("""# title: People, second to fifth
# description: By name; the file keeps LIMIT 4 OFFSET 1 of its answer
PREFIX kgs: <https://w3id.org/kgraph/summary#>
SELECT ?person ?name WHERE {
  { SELECT ?person WHERE { GRAPH <https://w3id.org/kgraph/id/graph/summary> {
      ?person kgs:search ?s } } LIMIT 100 }
  GRAPH <https://w3id.org/kgraph/id/graph/summary> { ?person kgs:name ?name ; kgs:rank ?rank }
}
ORDER BY ?rank
OFFSET 1 LIMIT 4   # LIMIT 1000 here would be a comment
""", encoding="utf-8")
    env = {"KGRAPH_QUERIES": str(queries)}
    full, _ = ask(store, "top", env=env)
    everyone, _ = ask(store, "people")
    assert len(full) == 4 and len(everyone) == 5
    assert [r["person"] for r in full] == [r["person"] for r in everyone[1:5]]
    page, err = ask(store, "top", "--limit", 3, env=env)
    assert page == full[:3] and "--offset 3" in err
    page, err = ask(store, "top", "--limit", 3, "--offset", 3, env=env)
    assert page == full[3:] and err == ""  # the file's LIMIT ends the answer
    assert ask(store, "top", "--offset", 4, env=env)[0] == []


def test_query_command_pages(store):
    sparql = "SELECT ?r WHERE { ?r a kg:Report } ORDER BY ?r"
    full = json.loads(invoke("query", sparql, "--json", "--store", store).stdout)
    assert len(full) == 3
    first = invoke("query", sparql, "--json", "--limit", 2, "--store", store)
    assert json.loads(first.stdout) == full[:2] and "--offset 2" in first.stderr
    rest = invoke("query", sparql, "--json", "--limit", 2, "--offset", 2, "--store", store)
    assert json.loads(rest.stdout) == full[2:] and rest.stderr == ""
    raw = invoke("query", sparql, "--format", "srj", "--limit", 1, "--store", store)
    bindings = json.loads(raw.stdout)["results"]["bindings"]
    assert [b["r"]["value"] for b in bindings] == [full[0]["r"]]
