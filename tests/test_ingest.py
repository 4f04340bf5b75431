"""kgraph.ingest on real files and real embedded stores: incremental and idempotent runs,
formats end to end, provenance, workers (fork, models loaded once), and safety with
real processes: a second writer, SIGKILL in the middle of a run, dying workers.

Reports are tiny (one to three sentences) and extraction runs in this process
(workers=1) except where processes are the point.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docx
import pyoxigraph as ox
import pytest

from kgraph import ingest as ingest_mod
from kgraph import vocab
from kgraph.ingest import ingest
from kgraph.read import sha256_file
from kgraph.store import RUNS_GRAPH, StoreError, lock_path, open_store

P = vocab.PREFIXES
REPORT_PREFIX = vocab.ID + "report/"
GENERATED_BY = P["prov"] + "wasGeneratedBy"

PEOPLE = [("Иванова Мария Петровна", "заведующая отделом"),
          ("Сергей Ким", "библиотекарь"),
          ("Оспанова Гульнара Темирбековна", "директор"),
          ("Петров Андрей Ильич", "методист"),
          ("Нургалиев Ерлан Канатович", "главный библиотекарь"),
          ("Смирнова Ольга Викторовна", "заведующая сектором")]
PLACES = ["Павлодаре", "Экибастузе", "Семее", "Омске", "Костанае", "Караганде"]
EVENTS = ["семинар «Чтение детям»", "акция «Читаем вместе»", "конкурс «Лучший читатель»",
          "круглый стол «Библиотека и школа»", "выставка «Книги о степи»",
          "конференция «Краеведение сегодня»"]


def tiny(i: int, version: int = 1) -> str:
    """A report of two sentences; another version changes its date and person."""
    person, post = PEOPLE[(i + version - 1) % len(PEOPLE)]
    return (f"{10 + i % 18} марта 202{version} г. в {PLACES[i % len(PLACES)]} прошёл "
            f"{EVENTS[i % len(EVENTS)]}. Его провела {post} {person}.\n")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def make_folder(root: Path, n: int, version: int = 1) -> dict[str, Path]:
    return {f"r{i:02d}.txt": write(root / f"r{i:02d}.txt", tiny(i, version)) for i in range(n)}


def report_graphs(store) -> dict[str, frozenset[str]]:
    """graph IRI -> its quads as text, minus the run that wrote it (differs by run)."""
    out: dict[str, set[str]] = {}
    for q in store._store.quads_for_pattern(None, None, None, None):
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value.startswith(REPORT_PREFIX):
            if q.predicate.value != GENERATED_BY:
                out.setdefault(g.value, set()).add(f"{q.subject} {q.predicate} {q.object}")
    return {g: frozenset(t) for g, t in out.items()}


def graph_sha(triples: frozenset[str]) -> str:
    sha = next(t for t in triples if f"<{vocab.KG}sha256>" in t)
    return sha.rsplit('"', 2)[-2]


def run_ingest(paths, location, **kw):
    with open_store(str(location), write=True) as store:
        return ingest([str(p) for p in paths], store, workers=kw.pop("workers", 1), **kw)


def snapshot(location) -> dict[str, frozenset[str]]:
    with open_store(str(location)) as store:
        return report_graphs(store)


def kgraph(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgraph", *args], capture_output=True,
                          text=True, timeout=kw.pop("timeout", 180), **kw)


# --- incremental, idempotent -------------------------------------------------------------


def test_unchanged_reports_are_skipped_without_nlp(tmp_path, monkeypatch):
    files = make_folder(tmp_path / "in", 3)
    store = tmp_path / "store"
    s = run_ingest([tmp_path / "in"], store)
    assert (s.new, s.changed, s.unchanged, s.failed, s.files) == (3, 0, 0, [], 3)
    before = snapshot(store)
    assert len(before) == 3

    def no_nlp(jobs):
        raise AssertionError(f"{[job.path for job in jobs]} extracted again")

    monkeypatch.setattr(ingest_mod, "_extract_jobs", no_nlp)
    s = run_ingest([tmp_path / "in"], store)
    assert (s.new, s.changed, s.unchanged, s.workers) == (0, 0, 3, 0)
    assert snapshot(store) == before
    monkeypatch.undo()

    write(files["r01.txt"], tiny(1, version=2))
    s = run_ingest([tmp_path / "in"], store)
    assert (s.new, s.changed, s.unchanged) == (0, 1, 2)
    after = snapshot(store)
    changed = vocab.report_iri("r01.txt")
    assert after[changed] != before[changed]
    assert graph_sha(after[changed]) == sha256_file(files["r01.txt"])
    assert "Смирнова" not in " ".join(before[changed])
    assert {g: t for g, t in after.items() if g != changed} == \
        {g: t for g, t in before.items() if g != changed}


def test_prune_removes_vanished_reports_only_when_asked(tmp_path):
    files = make_folder(tmp_path / "in", 3)
    store = tmp_path / "store"
    run_ingest([tmp_path / "in"], store)
    files["r02.txt"].unlink()
    s = run_ingest([tmp_path / "in"], store)
    assert s.removed == 0 and len(snapshot(store)) == 3
    s = run_ingest([tmp_path / "in"], store, prune=True)
    assert (s.removed, s.unchanged) == (1, 2)
    assert set(snapshot(store)) == {vocab.report_iri("r00.txt"), vocab.report_iri("r01.txt")}


def test_prune_of_an_empty_folder_removes_nothing(tmp_path):
    make_folder(tmp_path / "in", 2)
    store = tmp_path / "store"
    run_ingest([tmp_path / "in"], store)
    (tmp_path / "empty").mkdir()
    s = run_ingest([tmp_path / "empty"], store, prune=True)
    assert s.removed == 0 and len(snapshot(store)) == 2
    assert "no report files found" in s.failed[0]["error"]


def test_the_same_id_twice_fails_the_second_file(tmp_path):
    write(tmp_path / "a" / "x.txt", tiny(0))
    write(tmp_path / "b" / "x.txt", tiny(1))
    store = tmp_path / "store"
    s = run_ingest([tmp_path / "a", tmp_path / "b"], store)
    assert s.new == 1 and len(s.failed) == 1
    assert s.failed[0]["file"] == str(tmp_path / "b" / "x.txt")
    assert "same report id 'x.txt'" in s.failed[0]["error"]
    s = run_ingest([tmp_path / "a", tmp_path / "b"], store)  # still idempotent
    assert (s.new, s.changed, s.unchanged) == (0, 0, 1)


# --- formats end to end -----------------------------------------------------------------


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Новости | Библиотека</title><meta property="og:site_name" content="Библиотека"></head>
<body><nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
<article><h1>Семинар в Павлодаре</h1>
<p>12 марта 2023 г. в Павлодаре прошёл семинар «Чтение детям».</p>
<p>Его провела заведующая отделом Иванова Мария Петровна.</p></article>
<footer>© Библиотека, все права защищены</footer></body></html>"""


def test_every_format_end_to_end(tmp_path):
    from test_read import make_pdf

    root = tmp_path / "in"
    document = docx.Document()
    document.add_paragraph("Акция в Экибастузе")
    document.add_paragraph("В Экибастузе прошла акция «Читаем вместе». Участие принял "
                           "библиотекарь Сергей Ким.")
    (root / "docs").mkdir(parents=True)
    document.save(str(root / "docs" / "акция.docx"))
    write(root / "news" / "seminar.html", HTML)
    write(root / "notes.md", "---\ntitle: Конкурс\ndate: 2022-04-01\n---\n"
          "# Конкурс\n\nВ Семее прошёл конкурс «Лучший читатель». Его провёл методист "
          "Петров Андрей Ильич.\n")
    write(root / "scan.pdf", make_pdf([["В Омске прошла конференция «Краеведение сегодня».",
                                        "Её провела директор Смирнова Ольга Викторовна."]]))
    store = tmp_path / "store"
    s = run_ingest([root], store)
    assert s.failed == [] and s.new == 4
    with open_store(str(store)) as st:
        rows = {r["id"].value: (r["format"].value, r["person"].value) for r in st.query("""
            SELECT ?id ?format ?person WHERE { GRAPH ?g {
              ?g dcterms:identifier ?id ; dcterms:format ?format .
              ?m kg:inReport ?g ; kg:mentionType "PERSON" ; kg:surface ?person } }""")}
    assert {k: (f, p.split()[0]) for k, (f, p) in rows.items()} == {
        "docs/акция.docx": ("docx", "Сергей"), "news/seminar.html": ("html", "Иванова"),
        "notes.md": ("md", "Петров"), "scan.pdf": ("pdf", "Смирнова")}
    assert run_ingest([root], store).unchanged == 4


# --- provenance ----------------------------------------------------------------------------


def test_runs_are_activities_and_reports_say_which_run_wrote_them(tmp_path):
    files = make_folder(tmp_path / "in", 2)
    store = tmp_path / "store"
    first = run_ingest([tmp_path / "in"], store)
    write(files["r00.txt"], tiny(0, version=2))
    second = run_ingest([tmp_path / "in"], store)
    with open_store(str(store)) as st:
        runs = {r["run"].value: r for r in st.query("""
            SELECT * WHERE { GRAPH <%s> {
              ?run a kg:IngestRun, prov:Activity ; prov:startedAtTime ?start ;
                   prov:endedAtTime ?end ; kg:kgraphVersion ?version ; kg:countNew ?new ;
                   kg:countChanged ?changed ; kg:countUnchanged ?unchanged ;
                   kg:countRemoved ?removed ; kg:countFailed ?failed } }""" % RUNS_GRAPH)}
        by = {r["g"].value: r["run"].value for r in st.query(
            "SELECT ?g ?run WHERE { GRAPH ?g { ?g a kg:Report ; prov:wasGeneratedBy ?run } }")}
    assert set(runs) == {first.run, second.run}
    r = runs[second.run]
    assert [int(r[k].value) for k in ("new", "changed", "unchanged", "removed", "failed")] == \
        [0, 1, 1, 0, 0]
    assert r["start"].datatype.value == P["xsd"] + "dateTime"
    assert r["start"].value <= r["end"].value
    assert by == {vocab.report_iri("r00.txt"): second.run, vocab.report_iri("r01.txt"): first.run}


# --- safety with real processes ---------------------------------------------------------


def poll_reports(location, timeout=120.0, until=lambda graphs: bool(graphs)):
    """Poll the store read-only (as `kgraph ask` would) until `until(report graphs)`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            graphs = snapshot(location)
        except StoreError:  # not created yet, or opening raced with a compaction
            graphs = {}
        if until(graphs):
            return graphs
        time.sleep(0.05)
    raise AssertionError("the store never reached the expected state")


def test_sigkill_mid_run_leaves_each_report_wholly_old_or_new(tmp_path):
    """v1 of all reports is stored; v2 lands; `kgraph ingest` is SIGKILLed once the first
    v2 reports are written. Every report graph must then be exactly a clean ingest of
    v1 or of v2, a second `kgraph ingest` must fail at once naming the holder, and the
    next run must finish the work."""
    n = 240  # enough that the kill lands mid-run, on a busy machine or an idle one
    folder, store, ref = tmp_path / "reports", tmp_path / "store", tmp_path / "ref"
    make_folder(folder, n, 1)
    assert run_ingest([folder], store).new == n
    clean1 = snapshot(store)
    shutil.copytree(store, ref)
    make_folder(folder, n, 2)  # the new versions land
    # v2 ingested without interruption over v1 (identities resolve against what the
    # store knows, so "clean" means: from the same starting store)
    clean2 = snapshot_of(folder, ref)
    sha2 = {g: graph_sha(t) for g, t in clean2.items()}
    assert all(graph_sha(clean1[g]) != sha2[g] for g in clean1)

    args = [sys.executable, "-m", "kgraph", "ingest", str(folder), "--store", str(store),
            "--workers", "1"]
    # reports are written a few at a time (small batches: the kill falls in the run)
    env = dict(os.environ, KGRAPH_BULK_QUADS="300")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        # while it runs, a second ingest fails at once and names it
        wait_for_lock_holder(store, proc.pid)
        t0 = time.monotonic()
        second = kgraph("ingest", str(folder), "--store", str(store), "--workers", "1")
        assert second.returncode == 2, second.stderr
        assert time.monotonic() - t0 < 30  # no waiting for the lock (this is Python start-up)
        assert f"locked by pid {proc.pid}" in second.stderr
        assert "(kgraph ingest" in second.stderr

        poll_reports(store, until=lambda gs: any(graph_sha(t) in sha2.values()
                                                  for t in gs.values()))
    finally:
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert "%|" not in err and out == ""  # no progress bar in a pipe

    mid = snapshot(store)
    assert set(mid) == set(clean1)
    new = [g for g, t in mid.items() if t == clean2[g]]
    old = [g for g, t in mid.items() if t == clean1[g]]
    assert sorted(new + old) == sorted(mid), "a report is neither wholly old nor wholly new"
    assert new and old, f"killed too late or too early: {len(new)} new, {len(old)} old"

    # the killed run shows as unfinished; the next run completes the work
    runs = kgraph("runs", "--store", str(store), "--json")
    statuses = [r["status"] for r in json.loads(runs.stdout)]
    assert statuses == ["unfinished", "finished"], runs.stdout
    done = kgraph("ingest", str(folder), "--store", str(store), "--workers", "1", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["changed"], summary["unchanged"]) == (len(old), len(new))
    # the same facts as an uninterrupted run; only the explanations of identities
    # (kg:resolvedBy) may differ, since the last run knew some v2 reports already
    assert without_explanations(snapshot(store)) == without_explanations(clean2)
    with open_store(str(store)) as st, open_store(str(ref)) as reference:
        assert labels(st) == labels(reference)


def without_explanations(graphs):
    return {g: {t for t in ts if f"<{vocab.KG}resolvedBy>" not in t} for g, ts in graphs.items()}


def test_sigkill_while_adding_new_reports_leaves_each_absent_or_whole(tmp_path):
    """New reports are written a few at a time in one bulk load, not by the update
    that replaces a changed one: a kill in the middle of a first ingest must leave
    each report absent or exactly as a clean run writes it, and the next run must
    add the rest. (Small bulk loads here, so that the kill falls between two.)"""
    folder, store = tmp_path / "reports", tmp_path / "store"
    make_folder(folder, 200, 1)
    clean = snapshot_of(folder, tmp_path / "ref")
    env = dict(os.environ, KGRAPH_BULK_QUADS="300")
    proc = subprocess.Popen([sys.executable, "-m", "kgraph", "ingest", str(folder),
                             "--store", str(store), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for_lock_holder(store, proc.pid)
        poll_reports(store)  # the first reports are in
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    mid = snapshot(store)
    assert mid and all(mid[g] == clean[g] for g in mid), "a new report is half-written"
    assert len(mid) < len(clean), "killed too late"
    done = kgraph("ingest", str(folder), "--store", str(store), "--workers", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] == len(clean) - len(mid)
    assert snapshot(store) == clean


def snapshot_of(folder: Path, location: Path) -> dict[str, frozenset[str]]:
    run_ingest([folder], location)
    return snapshot(location)


def labels(store) -> set[str]:
    g = ox.NamedNode(vocab.ID + "graph/labels")
    return {str(q) for q in store._store.quads_for_pattern(None, None, None, g)}


def wait_for_lock_holder(location: Path, pid: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if json.loads(lock_path(location).read_text() or "{}").get("pid") == pid:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"pid {pid} never took the writer lock")


def test_a_report_the_rules_fail_on_fails_alone(tmp_path, monkeypatch):
    """Reports are extracted a few at a time; an exception on one of them (a bug in a
    rule) fails that file only, with the reason, and the others of its batch are stored."""
    import kgraph.extract as extract_mod

    folder = tmp_path / "in"
    make_folder(folder, 5)
    write(folder / "r02.txt", "В Павлодаре прошёл семинар. СБОЙ.\n")
    real = extract_mod.find_entities

    def buggy(an, report):
        if "СБОЙ" in report.text:
            raise RuntimeError("a rule broke")
        return real(an, report)

    monkeypatch.setattr(extract_mod, "find_entities", buggy)
    s = run_ingest([folder], tmp_path / "store")
    assert s.new == 4
    assert [f["file"] for f in s.failed] == [str(folder / "r02.txt")]
    assert "extraction failed (RuntimeError: a rule broke)" in s.failed[0]["error"]
    assert vocab.report_iri("r02.txt") not in snapshot(tmp_path / "store")


# --- workers -------------------------------------------------------------------------------

WORKERS_SCRIPT = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from kgraph import analyse, extract, ingest
    from kgraph.store import open_store

    folder, store, log = sys.argv[1:4]
    original = analyse.Analyzer.__init__

    def logged(self):  # every model load, by process id
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\\n")
        original(self)

    analyse.Analyzer.__init__ = logged
    real_extract = extract.extract_many

    def poisoned(reports):  # a worker killed (say by the OOM killer) mid-report
        if any("ЯД" in report.text for report in reports):
            os.kill(os.getpid(), 9)
        return real_extract(reports)

    extract.extract_many = poisoned

    def run():
        with open_store(store, write=True) as s:
            return ingest.ingest([folder], s, workers=2).to_json()

    out = {"parent": os.getpid()}
    out["fresh"] = run()                      # the parent has not loaded the models
    out["parent_loaded_after_fresh"] = analyse._ANALYZER is not None
    print(json.dumps(out), flush=True)
    input()                                   # the test changes the files
    analyse.get_analyzer()                    # now the parent has them: workers inherit
    out["inherited"] = run()
    print(json.dumps(out), flush=True)
""")


def test_two_workers_load_models_once_each_and_survive_a_dying_worker(tmp_path):
    folder, store, log = tmp_path / "in", tmp_path / "store", tmp_path / "loads.log"
    make_folder(folder, 4)
    proc = subprocess.Popen([sys.executable, "-c", WORKERS_SCRIPT, str(folder), str(store),
                             str(log)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(proc.stdout.readline() or "null")
        assert first, proc.stderr.read()
        fresh = first["fresh"]
        assert (fresh["new"], fresh["failed"], fresh["workers"]) == (4, [], 2)
        assert first["parent_loaded_after_fresh"] is False
        loads = log.read_text().split()
        assert len(loads) == 2 and str(first["parent"]) not in loads  # once per worker
        # workers hold the models (main's own figure is not checked: Linux keeps the
        # peak of the process that forked and exec'd it, here pytest's)
        assert fresh["peak_rss_mb"]["workers"] > 100, fresh
        two_workers = snapshot(store)

        # same results as one worker in this process
        assert two_workers == snapshot_of(folder, tmp_path / "one")

        make_folder(folder, 4, version=2)
        write(folder / "r01.txt", "В Павлодаре прошёл семинар. ЯД.\n")
        proc.stdin.write("\n")
        proc.stdin.flush()
        second = json.loads(proc.stdout.readline() or "null")
        assert second, proc.stderr.read()
        inherited = second["inherited"]
        assert log.read_text().split()[2:] == [str(first["parent"])]  # workers did not reload
        assert inherited["changed"] == 3
        assert [f["file"] for f in inherited["failed"]] == [str(folder / "r01.txt")]
        assert "worker process died while extracting it" in inherited["failed"][0]["error"]
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    after = snapshot(store)
    r01 = vocab.report_iri("r01.txt")
    assert after[r01] == two_workers[r01]  # the stored version of the failed file stays


def test_blas_is_told_to_use_one_thread(monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    ingest_mod.one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    ingest_mod.one_blas_thread()  # an explicit setting wins
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    ingest_mod.one_blas_thread()  # back to one thread for the other tests


def test_labels_are_refreshed_after_an_unfinished_run_only(tmp_path, monkeypatch):
    from kgraph.store import GraphStore

    folder, store, ref = tmp_path / "in", tmp_path / "store", tmp_path / "ref"
    make_folder(folder, 2)
    run_ingest([folder], store)
    shutil.copytree(store, ref)
    write(folder / "r00.txt", tiny(0, version=2))
    real = GraphStore.refresh_labels

    def killed(self, *args, **kwargs):  # the run dies after writing its reports
        raise KeyboardInterrupt

    monkeypatch.setattr(GraphStore, "refresh_labels", killed)
    with pytest.raises(KeyboardInterrupt):
        run_ingest([folder], store)
    calls = []
    monkeypatch.setattr(GraphStore, "refresh_labels",
                        lambda self, *a, **kw: calls.append(1) or real(self, *a, **kw))
    s = run_ingest([folder], store)  # nothing to write, but the last run did not finish
    assert (s.changed, s.unchanged, calls) == (0, 2, [1])
    run_ingest([folder], store)  # after a finished run: nothing to do
    assert calls == [1]
    monkeypatch.undo()
    assert run_ingest([folder], ref).changed == 1  # the same, never interrupted
    with open_store(str(store)) as st, open_store(str(ref)) as reference:
        assert labels(st) == labels(reference)
