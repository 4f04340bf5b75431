"""The CLI end to end through click's CliRunner: files -> store -> answers."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_335b6b5e8d2b90ed.txt"


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("store") / "kg"
    result = invoke("ingest", FIXTURES, "--store", location, "--workers", 1, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["new"] == 3 and summary["failed"] == []
    return location


def attendance(store, *params):
    result = invoke("ask", "attendance", "--json", "--store", store, *params)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_attendance_names_people_events_roles_dates_places_and_reports(store):
    rows = attendance(store)
    assert {"person", "person_name", "event", "event_name", "role", "date", "place", "report"} <= set(rows[0])
    moderator = next(r for r in rows if r["person_name"].startswith("Омарова")
                     and r["event_name"] == "областной семинар «Сельская библиотека: новые форматы»")
    assert moderator["role"] == "moderator"
    assert moderator["date"].startswith("2019-03-12")
    assert moderator["report"].endswith("2019-03-12-seminar.txt")
    delegate = next(r for r in rows if "съезд" in r["event_name"])
    assert delegate["place"] in ("Астана", "Национальная академическая библиотека Республики Казахстан")


def test_one_person_across_reports_is_one_iri(store):
    rows = attendance(store)
    omarova = {r["person"] for r in rows if r["person_name"].startswith("Омарова")}
    assert len(omarova) == 1  # "Д.Е. Омарова" and "Дина Ериковна Омарова"
    akhmetov = {r["person"] for r in rows if r["person_name"].startswith("Ахметов")}
    assert len(akhmetov) == 1  # "Б.К. Ахметов" and "Бахыт Ахметов"


def test_parameters_filter_and_are_never_pasted(store):
    rows = attendance(store, "-p", "name=Омарова")
    assert rows and all("Омарова" in r["person_name"] for r in rows)
    assert attendance(store, "-p", 'name=") } DROP ALL {') == []
    assert len(attendance(store)) > len(rows)  # the store is intact


def test_csv_and_table_outputs(store):
    csv_out = invoke("ask", "attendance", "--csv", "--store", store).output
    assert csv_out.splitlines()[0].startswith("person,person_name,event")
    table = invoke("ask", "attendance", "--store", store).output
    assert "Омарова" in table


def test_ask_list_names_the_ready_questions():
    out = invoke("ask", "--list").output
    for name in ("attendance", "events", "people", "report"):
        assert name in out


def test_unknown_question_is_a_usage_error(store):
    result = invoke("ask", "nosuch", "--store", store)
    assert result.exit_code == 2
    assert "attendance" in result.output


def test_query_runs_sparql_and_raw_formats(store):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/kgraph/ontology#Report> }"
    rows = json.loads(invoke("query", q, "--json", "--store", store).output)
    assert rows == [{"n": "3"}]
    raw = json.loads(invoke("query", q, "--format", "srj", "--store", store).output)
    assert raw["results"]["bindings"][0]["n"]["value"] == "3"


def test_stats_counts_reports_entities_and_relations(store):
    stats = json.loads(invoke("stats", "--json", "--store", store).output)
    assert stats["reports"] == 3
    assert stats["quads"] > 100
    assert stats["entities"]["PERSON"] >= 4
    assert stats["relations"]["PARTICIPANT_IN"] >= 4


def test_export_trig_has_one_graph_per_report(store, tmp_path):
    out = tmp_path / "kg.trig"
    assert invoke("export", "--format", "trig", "-o", out, "--store", store).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("/id/report/") >= 3


def test_reingest_changes_nothing(store):
    result = invoke("ingest", FIXTURES, "--store", store, "--json", "--workers", 1)
    summary = json.loads(result.output)
    assert (summary["new"], summary["changed"], summary["unchanged"]) == (0, 0, 3)


def test_extract_follows_the_contract():
    path = FIXTURES / "2020-04-05-ekibastuz-cp1251.txt"
    result = invoke("extract", path, "--format", "jsonl")
    doc = json.loads(result.output.splitlines()[0])
    assert doc["doc"] == str(path)
    text = open(path, encoding="cp1251", newline="").read()
    for e in doc["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
        assert {"id", "type", "start", "end", "text", "normal", "iri"} <= set(e)
    ids = {e["id"] for e in doc["entities"]}
    assert all(r["head"] in ids and r["tail"] in ids for r in doc["relations"])
    person = next(e for e in doc["entities"] if e["type"] == "PERSON")
    assert person["normal"] == "Сейтова А.М."


@pytest.mark.shared
@pytest.mark.skipif(not SEED.exists(), reason="../shared is absent")
def test_seed_attendance_names_women_in_the_right_gender(tmp_path):
    location = tmp_path / "kg"
    assert invoke("ingest", SEED, "--store", location, "--workers", 1).exit_code == 0
    rows = attendance(location)
    pairs = {(r["person_name"], r["event_name"]) for r in rows}
    assert any(p == "Жилкибекова А." and "VII Международная научно-практическая конференция" in e
               for p, e in pairs)
    assert any(p == "Шахметова Ш." and e.startswith("Дни культуры Павлодарской области")
               for p, e in pairs)
    barnaul = [r for r in rows if r["person_name"] == "Шахметова Ш."]
    assert any(r["place"] == "Барнаул" for r in barnaul)


def test_extract_keeps_one_line_per_document_when_one_fails(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("Семинар прошел в г. Павлодаре.", encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["extract", str(good), str(empty)])
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [d["doc"] for d in lines] == [str(good), str(empty)]
    assert "error" in lines[1] and "b.txt" in lines[1]["error"]
    assert result.exit_code == 1
