"""kgraph.store on real embedded Oxigraph stores (tmp_path), writers in other processes."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kgraph import vocab
from kgraph.store import (LABELS_GRAPH, ONTOLOGY_GRAPH, RUNS_GRAPH, StoreError,
                          default_location, lock_path, open_store)

KG = vocab.KG
P = vocab.PREFIXES
RDF_TYPE = ox.NamedNode(P["rdf"] + "type")
LABEL = ox.NamedNode(P["rdfs"] + "label")


def kg(name):
    return ox.NamedNode(KG + name)


def report(rid, sha="0" * 64, *, entities=(), relations=(), extra=()):
    """The quads of a report graph shaped like kgraph.rdf's output.

    entities: (type, key, label, canonical or None); relations: (type, head i, tail i).
    """
    g = ox.NamedNode(vocab.report_iri(rid))

    def q(s, p, o):
        return ox.Quad(s, p, o, g)

    quads = [q(g, RDF_TYPE, kg("Report")), q(g, kg("sha256"), ox.Literal(sha)),
             q(g, ox.NamedNode(P["dcterms"] + "identifier"), ox.Literal(rid)),
             q(g, ox.NamedNode(P["prov"] + "wasGeneratedBy"), ox.NamedNode(vocab.run_iri("r1")))]
    mentions = []
    for i, (etype, key, label, canonical) in enumerate(entities):
        e = ox.NamedNode(vocab.entity_iri(etype, key))
        m = ox.NamedNode(vocab.mention_iri(rid, f"T{i + 1}"))
        mentions.append(m)
        quads += [q(m, RDF_TYPE, kg("Mention")), q(m, kg("mentionType"), ox.Literal(etype)),
                  q(m, kg("denotes"), e), q(e, LABEL, ox.Literal(label, language="ru"))]
        if canonical:
            quads.append(q(e, kg("canonicalLabel"), ox.Literal(canonical, language="ru")))
    for j, (rtype, head, tail) in enumerate(relations):
        st = ox.NamedNode(vocab.mention_iri(rid, f"R{j + 1}"))
        quads += [q(st, RDF_TYPE, kg("Statement")), q(st, kg("relationType"), ox.Literal(rtype)),
                  q(st, ox.NamedNode(P["rdf"] + "subject"), mentions[head]),
                  q(st, ox.NamedNode(P["rdf"] + "object"), mentions[tail])]
    quads += [q(*t) for t in extra]
    return g.value, quads


def graph_quads(store, graph):
    return set(store._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "data" / "store")


@pytest.fixture
def store(path):
    s = open_store(path, write=True)
    yield s
    s.close()


def run_python(code, *args, timeout=60):
    """Run code in another Python process (the kgraph venv), return CompletedProcess."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=timeout)


# --- locations and opening ------------------------------------------------------------


def test_default_location(monkeypatch):
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    assert default_location() == os.path.join("data", "store")
    monkeypatch.setenv("KGRAPH_STORE", "/somewhere/else")
    assert default_location() == "/somewhere/else"


def test_reading_a_missing_store_says_so(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        open_store(str(tmp_path / "nothing"))


def test_a_server_url_opens_a_remote_store():
    # more in tests/test_remote.py; port 1 on loopback refuses connections
    with pytest.raises(StoreError, match="cannot reach http://127.0.0.1:1/query"):
        open_store("http://127.0.0.1:1")


def test_read_only_store_refuses_writes(path, store):
    g, quads = report("a.txt")
    store.replace_report(g, quads)
    with open_store(path) as reader:
        with pytest.raises(StoreError, match="read-only"):
            reader.replace_report(g, quads)


# --- replace_report / remove_report / report_index -------------------------------------


def test_replace_report_replaces_the_graph(store):
    g, v1 = report("lib/a.txt", "1" * 64, entities=[("PERSON", "иванов", "Иванов", None)])
    other, q_other = report("lib/b.txt", "2" * 64)
    store.replace_report(g, v1)
    store.replace_report(other, q_other)
    assert graph_quads(store, g) == set(v1)

    _, v2 = report("lib/a.txt", "3" * 64, entities=[("PERSON", "петров", "Петров", None)])
    store.replace_report(g, v2)
    assert graph_quads(store, g) == set(v2)  # old quads gone, new in
    assert graph_quads(store, other) == set(q_other)  # other reports untouched
    assert store.report_index()["lib/a.txt"] == (g, "3" * 64)


def test_a_failing_update_leaves_the_old_graph(store):
    g, v1 = report("a.txt", "1" * 64)
    store.replace_report(g, v1)
    s = ox.NamedNode(g)
    # a "term" whose N-Triples form is not valid in INSERT DATA (a variable),
    # placed after valid quads: nothing of the update may be applied
    bad = SimpleNamespace(subject=s, predicate=kg("p"), object=ox.Variable("oops"),
                          graph_name=ox.NamedNode(g))
    _, v2 = report("a.txt", "2" * 64)
    with pytest.raises(StoreError, match="nothing written"):
        store.replace_report(g, v2 + [bad])
    assert graph_quads(store, g) == set(v1)
    assert store.report_index()["a.txt"] == (g, "1" * 64)


def test_quads_of_another_graph_are_refused(store):
    g, _ = report("a.txt")
    _, quads_b = report("b.txt")
    with pytest.raises(ValueError, match="not in graph"):
        store.replace_report(g, quads_b)


def test_add_reports_adds_new_graphs_and_replaces_stored_ones(store):
    g_a, a1 = report("a.txt", "1" * 64, entities=[("PERSON", "иванов", "Иванов", None)])
    store.replace_report(g_a, a1)
    _, a2 = report("a.txt", "2" * 64, entities=[("PERSON", "петров", "Петров", None)])
    g_b, b1 = report("b.txt", "3" * 64)
    _, b2 = report("b.txt", "4" * 64, entities=[("PERSON", "ким", "Ким", None)])
    g_c, c1 = report("c.txt", "5" * 64)
    store.add_reports([(g_a, a2), (g_b, b1), (g_c, c1), (g_b, b2)])
    assert graph_quads(store, g_a) == set(a2)  # the stored one replaced, not merged
    assert graph_quads(store, g_b) == set(b2)  # given twice: the last wins
    assert graph_quads(store, g_c) == set(c1)
    assert {rid: sha for rid, (_, sha) in store.report_index().items()} == {
        "a.txt": "2" * 64, "b.txt": "4" * 64, "c.txt": "5" * 64}
    with pytest.raises(ValueError, match="not in graph"):
        store.add_reports([(g_a, c1)])


BULK_WRITER = r"""
import sys
import pyoxigraph as ox
from kgraph import vocab
from kgraph.store import open_store
store = open_store(sys.argv[1], write=True)
reports = []
for r in range(40):
    g = ox.NamedNode(vocab.report_iri(f"r{r}.txt"))
    quads = [ox.Quad(g, ox.NamedNode(vocab.KG + "sha256"), ox.Literal(f"{r:064x}"), g)]
    quads += [ox.Quad(ox.NamedNode(f"{g.value}#m{i}"), ox.NamedNode(vocab.KG + "surface"),
                      ox.Literal(f"mention {i} of report {r}"), g) for i in range(5000)]
    reports.append((g.value, quads))
print("writing", flush=True)
store.add_reports(reports)
print("written", flush=True)
"""


@pytest.mark.parametrize("after", [0.2, 0.6, 1.2])
def test_a_kill_during_a_bulk_write_leaves_all_or_nothing(path, after):
    """add_reports writes new reports in one bulk load: SIGKILL at any moment leaves
    every report of it whole, or none of them; the next writer removes the files a
    killed bulk load left."""
    writer = subprocess.Popen([sys.executable, "-c", BULK_WRITER, path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        time.sleep(after)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
    with open_store(path, write=True) as s:
        counts = {rid: len(graph_quads(s, g)) for rid, (g, _) in s.report_index().items()}
        assert counts in ({}, {f"r{r}.txt": 5001 for r in range(40)}), (
            f"{len(counts)} reports, {sum(counts.values())} quads")
        assert not list(Path(path).glob("bulk-*.sst"))


def test_the_leftovers_of_a_killed_bulk_load_are_removed(path):
    with open_store(path, write=True):
        pass
    leftover = Path(path) / "bulk-1234567890.sst"
    leftover.write_bytes(b"half an SST file")
    with open_store(path):  # a reader leaves them (a writer may be loading)
        pass
    assert leftover.exists()
    with open_store(path, write=True) as s:
        s.replace_report(*report("a.txt"))
    assert not leftover.exists()


def test_report_index_after_writes_and_removal(store):
    ids = ["2018/pavlodar.txt", "отчёт 2019 (копия).docx", "100%/a b.pdf", "x"]
    for i, rid in enumerate(ids):
        store.replace_report(*report(rid, f"{i:064x}"))
    index = store.report_index()
    assert index == {rid: (vocab.report_iri(rid), f"{i:064x}") for i, rid in enumerate(ids)}

    store.remove_report(vocab.report_iri("x"))
    assert "x" not in store.report_index()
    store.remove_report(vocab.report_iri("never-stored"))  # silent
    # other graphs (ontology, labels, runs) never show up as reports
    store.refresh_labels()
    assert set(store.report_index()) == set(ids) - {"x"}


def test_report_index_falls_back_to_the_identifier(store):
    """A graph IRI that vocab.report_iri would not produce for its id still works."""
    g = vocab.ID + "report/a%2Fb"  # decodes to "a/b", but report_iri("a/b") differs
    node = ox.NamedNode(g)
    quads = [ox.Quad(node, kg("sha256"), ox.Literal("f" * 64), node),
             ox.Quad(node, ox.NamedNode(P["dcterms"] + "identifier"), ox.Literal("odd"), node)]
    store.replace_report(g, quads)
    assert store.report_index() == {"odd": (g, "f" * 64)}


def test_report_index_is_fast_for_10000_reports(path):
    """The ingest skip check: <= 0.3 s for 10,000 reports (typically ~0.05 s)."""
    quads = []
    for i in range(10_000):
        g, q = report(f"lib{i % 40}/report-{i}.docx", f"{i:064x}",
                      entities=[("PERSON", f"p{i % 500}", f"Персона {i % 500}", None)])
        quads += q
    with open_store(path, write=True) as s:
        s._store.bulk_extend(quads)  # fast setup; replace_report is tested above
        seconds = 1e9
        for _ in range(3):  # best of 3: other processes may be busy
            started = time.perf_counter()
            index = s.report_index()
            seconds = min(seconds, time.perf_counter() - started)
    assert len(index) == 10_000
    assert seconds <= 0.3, f"report_index took {seconds:.3f} s"


# --- literals ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'он сказал "привет"', "строка\nвторая\r\nтретья", "C:\\путь\\к\\файлу", "tab\there",
    "\\", 'end with a quote"', "'''", "ends with backslash\\", r"not an escape: \u0022 \n",
    "Қазақстан Ұлттық кітапханасы ✓ 😀", "nul\x00 and \x1f control", "line\u2028separator",
])
def test_literals_round_trip(store, text):
    g = vocab.report_iri("lit.txt")
    node = ox.NamedNode(g)
    literals = [ox.Literal(text), ox.Literal(text, language="ru"),
                ox.Literal(text, datatype=ox.NamedNode(KG + "customType"))]
    quads = [ox.Quad(node, kg(f"p{i}"), lit, node) for i, lit in enumerate(literals)]
    store.replace_report(g, quads)
    assert graph_quads(store, g) == set(quads)


# --- writer lock ------------------------------------------------------------------------

SECOND_WRITER = """
import sys, time
from kgraph.store import StoreError, open_store
started = time.monotonic()
try:
    open_store(sys.argv[1], write=True)
except StoreError as e:
    print(f"{time.monotonic() - started:.3f}")
    print(e)
    sys.exit(3)
print("opened")
"""

HOLDER = """
import sys, time
from kgraph.store import open_store
s = open_store(sys.argv[1], write=True)
print("ready", flush=True)
time.sleep(120)
"""


def test_second_writer_in_another_process_fails_at_once(path, store):
    p = run_python(SECOND_WRITER, path)
    assert p.returncode == 3, p.stdout + p.stderr
    seconds, message = p.stdout.split("\n", 1)
    assert float(seconds) < 1.0  # no waiting for the lock
    assert f"locked by pid {os.getpid()}" in message
    assert socket.gethostname() in message
    assert "started 20" in message  # the holder's start time
    program = os.path.basename(sys.argv[0])
    if program == "__main__.py":
        program = os.path.basename(os.path.dirname(sys.argv[0]))
    assert f"({program}" in message  # the holder's command


def test_second_writer_in_the_same_process_fails(path, store):
    with pytest.raises(StoreError, match=f"locked by pid {os.getpid()}"):
        open_store(path, write=True)


def test_lock_released_after_close(path):
    open_store(path, write=True).close()
    assert lock_path(path).exists()  # the file stays, the lock does not
    p = run_python(SECOND_WRITER, path)
    assert p.stdout.strip() == "opened", p.stdout + p.stderr


def test_lock_released_when_the_holder_is_killed(path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=f"locked by pid {holder.pid}"):
            open_store(path, write=True)
        # readers are not blocked by a writer
        with open_store(path) as reader:
            assert reader.report_index() == {}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    with open_store(path, write=True) as s:  # the stale lock file does not block
        s.replace_report(*report("after.txt"))
        assert "after.txt" in s.report_index()


def test_rocksdb_lock_becomes_a_store_error(path):
    os.makedirs(os.path.dirname(path))
    raw = ox.Store(path)  # a program that does not use kgraph's lock file
    try:
        with pytest.raises(StoreError, match="in use by another program"):
            open_store(path, write=True)
    finally:
        del raw
    open_store(path, write=True).close()  # and our own lock was released


def test_reader_sees_a_snapshot_fresh_readers_see_updates(path, store):
    """pyoxigraph 0.5 Store.read_only beside a live writer: works, frozen at opening."""
    store.replace_report(*report("one.txt"))
    with open_store(path) as old_reader:
        store.replace_report(*report("two.txt"))
        assert set(old_reader.report_index()) == {"one.txt"}
        code = ("import sys; from kgraph.store import open_store; "
                "print(sorted(open_store(sys.argv[1]).report_index()))")
        p = run_python(code, path)
        assert p.stdout.strip() == "['one.txt', 'two.txt']", p.stderr


# --- labels, ontology, runs -------------------------------------------------------------


def pref_labels(store):
    rows = store.query(f"SELECT ?e ?l WHERE {{ GRAPH <{LABELS_GRAPH}> {{ ?e skos:prefLabel ?l }} }}")
    out = {}
    for e, l in rows:
        assert e.value not in out, f"two prefLabels for {e.value}"
        out[e.value] = l.value
    return out


def test_refresh_labels(store):
    P_ = "PERSON"
    store.replace_report(*report("r1.txt", entities=[
        (P_, "ivanov", "Иванов", None),
        (P_, "abay", "Абай Кунанбаев", "Абай Құнанбайұлы"),
        (P_, "freq", "Ябв", None),
        (P_, "alpha", "Ббб", None),
    ]))
    store.replace_report(*report("r2.txt", entities=[
        (P_, "ivanov", "Иванов Иван Иванович", None),   # longest wins
        (P_, "abay", "Абай Кунанбаев Ибрагим", None),   # canonical wins over longer
        (P_, "freq", "Ябв", None),                       # 2 reports beat 1...
        (P_, "alpha", "Ааа", None),                      # same length and count: A < Б
    ]))
    store.replace_report(*report("r3.txt", entities=[(P_, "freq", "Где", None)]))
    store.refresh_labels()
    e = lambda key: vocab.entity_iri(P_, key)
    assert pref_labels(store) == {
        e("ivanov"): "Иванов Иван Иванович",
        e("abay"): "Абай Құнанбайұлы",
        e("freq"): "Ябв",  # ...even though "Где" comes first alphabetically
        e("alpha"): "Ааа",
    }
    # recomputed from scratch: removing the report with the long label changes it
    store.remove_report(vocab.report_iri("r2.txt"))
    store.refresh_labels()
    labels = pref_labels(store)
    assert labels[e("ivanov")] == "Иванов"
    assert labels[e("alpha")] == "Ббб"
    assert labels[e("freq")] == "Где"  # 1 report each now: alphabetical


def test_load_ontology_replaces_it_and_its_labels_are_not_entities(store, tmp_path):
    ttl = tmp_path / "onto.ttl"
    ttl.write_text('@prefix kg: <%s> . @prefix rdfs: <%s> .\n'
                   'kg:Person a rdfs:Class ; rdfs:label "Персона"@ru .\n' % (KG, P["rdfs"]),
                   encoding="utf-8")
    store.load_ontology(ttl)
    ttl.write_text('@prefix kg: <%s> .\nkg:Event a kg:Thing .\n' % KG, encoding="utf-8")
    store.load_ontology(ttl)
    assert graph_quads(store, ONTOLOGY_GRAPH) == {
        ox.Quad(kg("Event"), RDF_TYPE, kg("Thing"), ox.NamedNode(ONTOLOGY_GRAPH))}
    store.refresh_labels()
    assert pref_labels(store) == {}


def test_add_run_keeps_earlier_runs(store):
    for run_id in ("r1", "r2"):
        run = ox.NamedNode(vocab.run_iri(run_id))
        store.add_run([ox.Quad(run, RDF_TYPE, kg("IngestRun"), ox.NamedNode(RUNS_GRAPH))])
    assert len(graph_quads(store, RUNS_GRAPH)) == 2


# --- stats, query, export ---------------------------------------------------------------


def test_stats(store):
    store.replace_report(*report("r1.txt", entities=[
        ("PERSON", "a", "А", None), ("PERSON", "b", "Б", None), ("EVENT", "e", "Съезд", None)],
        relations=[("PARTICIPANT_IN", 0, 2), ("PARTICIPANT_IN", 1, 2)]))
    store.replace_report(*report("r2.txt", entities=[
        ("PERSON", "a", "А", None), ("ORGANIZATION", "o", "НАБ", None)],
        relations=[("WORKPLACE", 0, 1)]))
    stats = store.stats()
    assert stats["reports"] == 2
    assert stats["entities"] == {"EVENT": 1, "ORGANIZATION": 1, "PERSON": 2}
    assert stats["relations"] == {"PARTICIPANT_IN": 2, "WORKPLACE": 1}
    assert stats["mentions"] == 5
    assert stats["quads"] == len(store._store)


def test_query_params_are_bound_not_pasted(store):
    store.replace_report(*report("r1.txt", entities=[("PERSON", "a", "Анна", None)]))
    evil = ox.Literal('"} ; DROP ALL ; INSERT DATA { <x:a> <x:b> "c" } #')
    rows = list(store.query("SELECT ?e ?name WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name) }",
                            {"name": evil}))
    assert rows == []
    rows = list(store.query("SELECT ?e ?name WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name) }",
                            {"name": ox.Literal("Анна")}))
    assert [r["e"].value for r in rows] == [vocab.entity_iri("PERSON", "a")]
    assert store.report_index()  # nothing dropped


def test_export_trig_round_trips(store, tmp_path):
    store.replace_report(*report("r1.txt", entities=[("PERSON", "a", 'Анна "Н"\nК', None)]))
    store.replace_report(*report("r2.txt"))
    store.add_run([ox.Quad(ox.NamedNode(vocab.run_iri("r1")), RDF_TYPE, kg("IngestRun"),
                           ox.NamedNode(RUNS_GRAPH))])
    store.refresh_labels()
    everything = set(store._store)
    for fmt in ("trig", "nquads", "jsonld"):
        out = io.BytesIO()
        store.export(out, fmt)
        fresh = open_store(str(tmp_path / f"copy-{fmt}"), write=True)
        fresh._store.load(out.getvalue(), format={"trig": ox.RdfFormat.TRIG,
                                                 "nquads": ox.RdfFormat.N_QUADS,
                                                 "jsonld": ox.RdfFormat.JSON_LD}[fmt])
        assert set(fresh._store) == everything, fmt
        fresh.close()


def test_export_triple_formats_merge_the_graphs(store):
    g1, q1 = report("r1.txt")
    g2, q2 = report("r2.txt")
    store.replace_report(g1, q1)
    store.replace_report(g2, q2)
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in q1 + q2}
    for fmt in ("turtle", "nt", "rdfxml"):
        out = io.BytesIO()
        store.export(out, fmt)
        fmt_ = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
        parsed = {ox.Triple(q.subject, q.predicate, q.object)
                  for q in ox.parse(out.getvalue(), format=fmt_)}
        assert parsed == union, fmt
    with pytest.raises(StoreError, match="unknown export format"):
        store.export(io.BytesIO(), "docx")
