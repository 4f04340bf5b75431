"""`kgraph export` and the summary graph: a dataset export moved to another store
answers the ready questions there, and a later `kgraph ingest` against that store
keeps it consistent (docs/remote-stores.md, "Exports and the summary graph")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kgraph.cli import main
from kgraph.store import KGS, SUMMARY_GRAPH, SUMMARY_ROW

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
QUESTIONS = ("attendance", "congress", "events", "organisers", "people")


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def answers(store) -> dict:
    return {name: json.loads(cli("ask", name, "--json", "--store", store)) for name in QUESTIONS}


def copy_fixtures(folder: Path, *names: str) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        for path in FIXTURES.glob(name + ".*"):
            shutil.copy(path, folder / path.name)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A store of two reports, and its N-Quads export."""
    root = tmp_path_factory.mktemp("export")
    corpus = root / "corpus"
    copy_fixtures(corpus, "2019-03-12-seminar", "2019-10-02-congress")
    cli("ingest", corpus, "--store", root / "a", "--workers", 1)
    cli("export", "--format", "nquads", "-o", root / "kg.nq", "--store", root / "a")
    return root


def test_a_dataset_export_holds_the_summary_graph(exported):
    quads = list(ox.parse(path=str(exported / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    summary = [q for q in quads if q.graph_name == ox.NamedNode(SUMMARY_GRAPH)]
    assert summary and all(q.predicate.value.startswith(KGS) for q in summary)


def test_an_exported_store_answers_and_a_later_ingest_keeps_it_consistent(exported, tmp_path):
    # the researcher loads the export into another store (here: an embedded one)
    moved = tmp_path / "moved"
    target = ox.Store(str(moved))
    target.bulk_load(path=str(exported / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    target.flush()
    del target
    before = answers(exported / "a")
    assert before["attendance"] and answers(moved) == before  # at once, no rebuild

    # later: one more report, ingested into the moved store only
    corpus = tmp_path / "corpus"
    copy_fixtures(corpus, "2019-03-12-seminar", "2019-10-02-congress",
                  "2020-04-05-ekibastuz-cp1251")
    cli("ingest", corpus, "--store", moved, "--workers", 1)
    cli("ingest", corpus, "--store", tmp_path / "fresh", "--workers", 1)  # from scratch
    after = answers(moved)
    assert after != before
    assert after == answers(tmp_path / "fresh")


def test_a_triple_format_export_leaves_the_summary_out(exported):
    text = cli("export", "--format", "nt", "--store", exported / "a")
    assert text.strip()
    assert KGS not in text and SUMMARY_ROW not in text


def test_ingest_rebuilds_a_summary_that_is_missing(exported, tmp_path):
    """A store loaded without the summary graph (a triple export, a hand-made copy)
    has reports but no summary; the next `kgraph ingest`, with nothing new to read,
    rebuilds it, so that the ready questions answer again."""
    quads = [q for q in ox.parse(path=str(exported / "kg.nq"), format=ox.RdfFormat.N_QUADS)
             if q.graph_name != ox.NamedNode(SUMMARY_GRAPH)]
    store = tmp_path / "loaded"
    target = ox.Store(str(store))
    target.extend(quads)
    target.flush()
    del target
    assert not answers(store)["attendance"]
    corpus = tmp_path / "corpus"
    copy_fixtures(corpus, "2019-03-12-seminar", "2019-10-02-congress")
    summary = json.loads(cli("ingest", corpus, "--store", store, "--workers", 1, "--json"))
    assert (summary["new"], summary["unchanged"]) == (0, 2)
    assert answers(store) == answers(exported / "a")
