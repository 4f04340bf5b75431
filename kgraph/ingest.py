"""Batch ingestion: files -> extractions -> one named graph per report in the store.

Incremental: a report's identity is its path under the ingested root (or a sidecar id)
and its content hash is kept in its graph, so unchanged reports cost one hash and no
NLP. Each report's graph is replaced in one transaction; workers extract in parallel
and the main process is the only writer.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kgraph import __version__, rdf, vocab
from kgraph.model import Extraction
from kgraph.read import ReadError, find_reports, identify, read_report

KG = vocab.KG
PROV = vocab.PREFIXES["prov"]
XSD = vocab.PREFIXES["xsd"]


@dataclass
class Summary:
    run: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[dict] = field(default_factory=list)
    started: str = ""
    ended: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"run": self.run, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged, "removed": self.removed, "failed": self.failed,
                "started": self.started, "ended": self.ended, "seconds": round(self.seconds, 3)}


@dataclass
class Job:
    path: str
    root: str
    id: str
    sha256: str
    status: str  # new | changed


def plan(paths, index: dict[str, tuple[str, str]], summary: Summary) -> list[Job]:
    """Which files need extraction; unreadable ones go to summary.failed."""
    jobs = []
    for file, root in find_reports(paths):
        try:
            rid, digest = identify(file, root)
        except ReadError as e:
            summary.failed.append({"file": str(file), "error": str(e)})
            continue
        old = index.get(rid)
        if old and old[1] == digest:
            summary.unchanged += 1
            continue
        jobs.append(Job(str(file), str(root), rid, digest, "changed" if old else "new"))
    return jobs


def _extract_job(job: Job) -> tuple[Job, Extraction | None, str | None]:
    from kgraph.extract import extract

    try:
        report = read_report(job.path, job.root)
        report.id = job.id
        return job, extract(report), None
    except ReadError as e:
        return job, None, str(e)
    except Exception as e:  # one bad report must not stop the batch
        return job, None, f"{job.path}: extraction failed ({type(e).__name__}: {e})"


def _init_worker() -> None:
    from kgraph.analyse import get_analyzer

    get_analyzer()  # models load once per worker, before the first report


def run_jobs(jobs: list[Job], workers: int):
    """Yield (job, extraction, error) in input order, extracting in `workers` processes."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _extract_job(job)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(workers, initializer=_init_worker) as pool:
        yield from pool.imap(_extract_job, jobs, chunksize=1)


def ingest(paths, store, *, workers: int | None = None, prune: bool = False,
           progress=None) -> Summary:
    """Ingest report files/folders into `store` (a writable GraphStore)."""
    started = time.time()
    summary = Summary(run=vocab.run_iri(_run_id()), started=_now())
    store.load_ontology(ontology_path())
    index = store.report_index()
    jobs = plan(paths, index, summary)
    workers = workers or os.cpu_count() or 1
    bar = progress(len(jobs)) if progress else None
    for job, ex, error in run_jobs(jobs, workers):
        if error:
            summary.failed.append({"file": job.path, "error": error})
        else:
            store.replace_report(vocab.report_iri(job.id), rdf.report_quads(ex, summary.run))
            setattr(summary, job.status, getattr(summary, job.status) + 1)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    if prune:
        summary.removed = prune_missing(paths, store, index, summary)
    store.refresh_labels()
    summary.ended = _now()
    summary.seconds = time.time() - started
    store.add_run(run_quads(summary))
    return summary


def prune_missing(paths, store, index, summary: Summary) -> int:
    """Remove the graphs of reports that are no longer under the given paths."""
    present = set()
    for file, root in find_reports(paths):
        try:
            present.add(identify(file, root)[0])
        except ReadError:
            present.add(None)
    removed = 0
    for rid, (graph, _) in index.items():
        if rid not in present:
            store.remove_report(graph)
            removed += 1
    return removed


def run_quads(s: Summary) -> list[ox.Quad]:
    g = ox.NamedNode(vocab.ID + "graph/runs")
    run = ox.NamedNode(s.run)

    def lit(value, dtype):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + dtype))

    triples = [
        (ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(KG + "IngestRun")),
        (ox.NamedNode(PROV + "startedAtTime"), lit(s.started, "dateTime")),
        (ox.NamedNode(PROV + "endedAtTime"), lit(s.ended, "dateTime")),
        (ox.NamedNode(KG + "kgraphVersion"), ox.Literal(__version__)),
        (ox.NamedNode(KG + "countNew"), lit(s.new, "integer")),
        (ox.NamedNode(KG + "countChanged"), lit(s.changed, "integer")),
        (ox.NamedNode(KG + "countUnchanged"), lit(s.unchanged, "integer")),
        (ox.NamedNode(KG + "countRemoved"), lit(s.removed, "integer")),
        (ox.NamedNode(KG + "countFailed"), lit(len(s.failed), "integer")),
    ]
    return [ox.Quad(run, p, o, g) for p, o in triples]


def ontology_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "ontologies" / "kgraph.ttl",
                      here.parent / "ontologies" / "kgraph.ttl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("ontologies/kgraph.ttl is missing from the installation")


def _run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
