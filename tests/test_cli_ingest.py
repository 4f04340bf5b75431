"""`kgraph ingest` and `kgraph runs` as an operator uses them: real files, a real store,
exit codes, --json, the progress bar, and bad input in the middle of a batch.

Extraction runs in this process (--workers 1); test_ingest.py has the tests with
real subprocesses (SIGKILL, a second writer, two workers).
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from kgraph import read, vocab
from kgraph.cli import main
from kgraph.store import RUNS_GRAPH, open_store

from test_ingest import HTML, snapshot, tiny, write


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def ingest(folder, store, *more):
    return cli("ingest", *([folder] if folder is not None else []), "--store", store,
               "--workers", "1", *more)


def export_without_runs(store) -> list[str]:
    result = cli("export", "--format", "nquads", "--store", store)
    assert result.exit_code == 0, result.stderr
    return sorted(line for line in result.stdout.splitlines()
                  if line.strip() and f"<{RUNS_GRAPH}>" not in line)


def make_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# --- idempotent, --json, exit codes, runs --------------------------------------------------


def test_rerun_changes_nothing_in_the_export(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    for i in range(3):
        write(folder / f"r{i}.txt", tiny(i))
    make_docx(folder / "d.docx", tiny(3))
    write(folder / "n.html", HTML)
    first = ingest(folder, store, "--json")
    assert first.exit_code == 0, first.stderr
    summary = json.loads(first.stdout)
    assert {k: summary[k] for k in ("new", "changed", "unchanged", "removed", "failed")} == \
        {"new": 5, "changed": 0, "unchanged": 0, "removed": 0, "failed": []}
    assert summary["run"].startswith(vocab.ID + "run/") and summary["workers"] == 1
    before = export_without_runs(store)
    assert any("/report/d.docx>" in line for line in before)

    again = ingest(folder, store, "--json", "--prune")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == 5
    assert export_without_runs(store) == before

    runs = cli("runs", "--store", store, "--json")
    rows = json.loads(runs.stdout)
    assert [(r["status"], r["new"], r["unchanged"]) for r in rows] == \
        [("finished", "0", "5"), ("finished", "5", "0")]
    assert rows[1]["run"] == summary["run"]
    csv = cli("runs", "--store", store, "--csv").stdout.splitlines()
    assert csv[0].startswith("id,status,started,ended,version,new,changed")
    assert len(csv) == 3
    table = cli("runs", "--store", store, "--table").stdout
    assert "finis" in table and "(2 rows)" in table


def test_plain_summary_and_exit_codes(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    write(folder / "ok.txt", tiny(0))
    result = ingest(folder, store)
    assert result.exit_code == 0
    assert result.stdout.startswith("new 1, changed 0, unchanged 0, removed 0, failed 0")
    assert result.stderr == ""  # no progress bar when stderr is not a terminal

    write(folder / "empty.txt", b"")
    result = ingest(folder, store)
    assert result.exit_code == 1
    assert f"failed: {folder / 'empty.txt'}: empty file" in result.stderr

    assert cli("ingest", tmp_path / "missing", "--store", store).exit_code == 2  # usage
    assert cli("ingest", folder, "--store", store, "--workers", "0").exit_code == 2
    with open_store(str(store), write=True):  # the store is locked: exit 2, say by whom
        result = ingest(folder, store)
    assert result.exit_code == 2
    assert f"is locked by pid {os.getpid()}" in result.stderr


def test_progress_bar_on_a_terminal_only(tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    folder, store = tmp_path / "in", tmp_path / "store"
    for i in range(3):
        write(folder / f"r{i}.txt", tiny(i))
    for extra, expect_bar in ((["--json"], False), ([], True)):
        (folder / "r0.txt").write_text(tiny(0, version=len(extra) + 1), encoding="utf-8")
        err = Terminal()
        monkeypatch.setattr(sys, "stderr", err)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        with pytest.raises(SystemExit) as exit_:
            main(["ingest", str(folder), "--store", str(store), "--workers", "1", *extra])
        assert exit_.value.code == 0
        bar = err.getvalue()
        if expect_bar:  # counts, rate and ETA
            assert bar.startswith("\ringest:")
            assert "1/1 [" in bar and "<00:00" in bar and "new 0, changed 1, failed 0" in bar
            # the steps after the last report say what they do
            assert bar.rstrip().split("\r")[-1].startswith("summarising: 100%|")
        else:
            assert bar == ""


# --- bad input in a batch -----------------------------------------------------------------


def declared_bomb(good: bytes) -> bytes:
    """A valid small DOCX plus a member whose central directory declares 300 MB."""
    buf = io.BytesIO(good)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("word/media/big.bin", b"x" * 100)
    data = bytearray(buf.getvalue())
    entry = data.rfind(b"PK\x01\x02")  # the last central directory entry: ours
    assert data[entry + 46:entry + 46 + 18] == b"word/media/big.bin"
    data[entry + 24:entry + 28] = struct.pack("<I", 300 * 2**20)  # uncompressed size
    return bytes(data)


def ratio_bomb(good: bytes) -> bytes:
    """A valid small DOCX plus 8 MB of zeros compressed ~1000:1."""
    buf = io.BytesIO(good)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/image1.bin", bytes(8 * 2**20))
    return buf.getvalue()


ODD_NAMES = ["отчёт с пробелами.txt", "\"кавычки\" и 'апострофы'.txt", "-начинается с минуса.txt",
             "Ünïcødé ё й.md"]


def test_bad_files_fail_alone_and_leave_the_stored_version(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    good = {
        "empty.txt": write(folder / "empty.txt", tiny(0)),
        "binary.txt": write(folder / "binary.txt", tiny(1)),
        "truncated.docx": make_docx(folder / "truncated.docx", tiny(2)),
        "bomb.docx": make_docx(folder / "bomb.docx", tiny(3)),
        "declared.docx": make_docx(folder / "declared.docx", tiny(4)),
        "invalid.html": write(folder / "invalid.html", HTML),
        "big.txt": write(folder / "big.txt", tiny(5)),
        "-плохой \"файл\".docx": make_docx(folder / "-плохой \"файл\".docx", tiny(6)),
    }
    for i, name in enumerate(ODD_NAMES):
        write(folder / name, tiny(i + 1, version=2))
    first = ingest(folder, store)
    assert first.exit_code == 0, first.stderr
    before = snapshot(store)
    assert len(before) == len(good) + len(ODD_NAMES)
    for name in ODD_NAMES:
        assert vocab.report_iri(name) in before

    docx_bytes = good["bomb.docx"].read_bytes()
    write(folder / "empty.txt", b"")
    write(folder / "binary.txt", b"\x00\x01\x02\xff\xfe" * 2000)
    write(folder / "truncated.docx", good["truncated.docx"].read_bytes()[:1500])
    write(folder / "bomb.docx", ratio_bomb(docx_bytes))
    write(folder / "declared.docx", declared_bomb(docx_bytes))
    write(folder / "invalid.html", "<<<>>> <!-- --> <script>var x = 1;</script>")
    with open(folder / "big.txt", "wb") as f:  # 100 MB of real text
        f.write(("Библиотека провела семинар. " * 2000 + "\n").encode() * 1900)
    assert (folder / "big.txt").stat().st_size > 100 * 10**6
    write(folder / "-плохой \"файл\".docx", b"PK\x03\x04 not really a zip")
    write(folder / "new.txt", tiny(7))

    result = ingest(folder, store, "--json", "--prune")
    assert result.exit_code == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["removed"], summary["unchanged"]) == (1, 0, len(ODD_NAMES))
    failed = {Path(f["file"]).name: f["error"] for f in summary["failed"]}
    expected = {
        "empty.txt": "empty file",
        "binary.txt": "binary",
        "truncated.docx": "truncated or corrupt zip",
        "bomb.docx": "zip bomb",
        "declared.docx": "DOCX unpacks to",
        "invalid.html": "no main text",
        "big.txt": "file too large",
        "-плохой \"файл\".docx": "not a valid DOCX",
    }
    assert set(failed) == set(expected)
    for name, problem in expected.items():
        assert failed[name].startswith(str(folder / name) + ":"), failed[name]
        assert problem in failed[name], failed[name]
        assert f"failed: {folder / name}:" in result.stderr

    after = snapshot(store)
    for name in good:  # the previously ingested good versions are untouched
        assert after[vocab.report_iri(name)] == before[vocab.report_iri(name)], name
    assert vocab.report_iri("new.txt") in after


def test_a_100_mb_file_fails_fast_without_nlp(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    with open(write(folder / "big.txt", b""), "wb") as f:
        f.write(("слово " * 10_000 + "\n").encode() * 1000)
    t0 = time.monotonic()
    result = ingest(folder, store, "--json")
    assert time.monotonic() - t0 < 10
    summary = json.loads(result.stdout)
    assert summary["workers"] == 0  # nothing to extract: no models loaded
    assert "big.txt: file too large (" in summary["failed"][0]["error"]


def test_unreadable_file(tmp_path, monkeypatch):
    folder, store = tmp_path / "in", tmp_path / "store"
    write(folder / "ok.txt", tiny(0))
    secret = write(folder / "secret.txt", tiny(1))
    assert ingest(folder, store).exit_code == 0
    before = snapshot(store)
    write(secret, tiny(1, version=2))
    if os.name == "posix" and os.geteuid() != 0:
        secret.chmod(0)  # for real
    else:  # root reads anything: make the OS refuse this one file instead
        real_open = open

        def refusing(path, *args, **kwargs):
            if Path(path).name == "secret.txt":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(read, "open", refusing, raising=False)
    try:
        result = ingest(folder, store, "--json", "--prune")
    finally:
        secret.chmod(0o644)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["failed"] == [{"file": str(secret),
                                  "error": f"{secret}: permission denied"}]
    assert (summary["unchanged"], summary["removed"]) == (1, 0)
    assert snapshot(store) == before


def test_odd_names_given_explicitly(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    paths = [write(folder / name, tiny(i)) for i, name in enumerate(ODD_NAMES)]
    result = cli("ingest", "--store", store, "--workers", "1", "--json", "--", *paths)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["new"] == len(ODD_NAMES)
    with open_store(str(store)) as st:
        stored = {r["p"].value for r in st.query(
            "SELECT ?p WHERE { GRAPH ?g { ?g kg:sourcePath ?p } }")}
    assert stored == {str(p) for p in paths}
