"""Batch ingestion: files -> extractions -> one named graph per report in the store.

Incremental: a report's identity is its path under the ingested root (or a sidecar id)
and its content hash is kept in its graph, so unchanged reports cost one hash and no
NLP. Each report's graph is replaced all at once (`store.add_reports`: new reports a
few dozen to a bulk load, changed ones one transaction each);
workers extract in parallel and the main process is the only writer.

What an operator can rely on:

* A run is recorded (kg:IngestRun, a prov:Activity, in the runs graph) when it starts,
  and its end time and counts are added when it ends: a run without an end was killed
  or failed. Every report graph names the run that wrote it (prov:wasGeneratedBy).
* Killing ingestion at any moment leaves each report wholly old or wholly new (one
  update per changed report, one atomic bulk load per few dozen new ones); the next
  run redoes what is missing, since unfinished reports still have their old hash
  (or none).
* A file that cannot be read or extracted goes to `Summary.failed` with a reason that
  names it; the batch goes on, and what the store holds for that report is left as
  is, even by --prune.
* Workers: `fork`ed processes (Linux) that load the models once each in the pool
  initializer, unless the parent had loaded them already (then they inherit them);
  the parent never loads them when all the extraction is done by workers. A worker
  that dies (killed, out of memory) fails the file it was extracting, not the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
RUNS_GRAPH = vocab.ID + "graph/runs"


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
    files: int = 0  # report files found under the paths
    workers: int = 0  # extraction processes used (0: no work; see run_jobs and MIN_POOL)
    peak_rss_mb: dict = field(default_factory=dict)  # {"main": MB, "workers": MB or None}
    # CPU seconds of this run: the writing process's own, and its extraction workers'
    cpu_seconds: dict = field(default_factory=dict)  # {"main": s, "workers": s}

    def to_json(self) -> dict:
        return {"run": self.run, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged, "removed": self.removed, "failed": self.failed,
                "files": self.files, "workers": self.workers,
                "started": self.started, "ended": self.ended, "seconds": round(self.seconds, 3),
                "peak_rss_mb": self.peak_rss_mb, "cpu_seconds": self.cpu_seconds}


@dataclass
class Job:
    path: str
    root: str
    id: str
    sha256: str
    status: str  # new | changed


def plan(paths, index: dict[str, tuple[str, str]], summary: Summary) -> tuple[list[Job], set[str]]:
    """(the files that need extraction, the ids of all reports found under `paths`).

    Unreadable files go to summary.failed; their ids still count as present (so that
    --prune leaves their stored version alone). Two files with the same id (the same
    relative path under two roots, or the same sidecar id): the second one fails.
    """
    jobs: list[Job] = []
    present: set[str] = set()
    first: dict[str, str] = {}  # id -> the file that has it
    for file, root in find_reports(paths):
        summary.files += 1
        try:
            rid, digest = identify(file, root)
        except ReadError as e:
            summary.failed.append({"file": str(file), "error": str(e)})
            present.update(_ids_of_unreadable(file, root))
            continue
        present.add(rid)
        if rid in first:
            summary.failed.append({"file": str(file), "error": (
                f"{file}: has the same report id {rid!r} as {first[rid]}; skipped "
                f"(ingest the folders separately or give it an \"id\" in a sidecar .json)")})
            continue
        first[rid] = str(file)
        old = index.get(rid)
        if old and old[1] == digest:
            summary.unchanged += 1
            continue
        jobs.append(Job(str(file), str(root), rid, digest, "changed" if old else "new"))
    return jobs, present


def _ids_of_unreadable(file, root) -> set[str]:
    """The ids a file that failed identify() may be stored under: its path id, and
    its sidecar's id when the sidecar is readable."""
    from kgraph import read

    ids = set()
    try:
        ids.add(read._relative_id(Path(file), root, str(file)))
    except ReadError:
        pass
    try:
        side_id = read._read_sidecar(Path(file))[1].get("id")
        if side_id:
            ids.add(side_id)
    except (ReadError, OSError):
        pass
    return ids


# --- extraction, in the main process or in workers -------------------------------------


# reports extracted together by a worker (their texts analysed in common batches:
# kgraph.extract.extract_many)
CHUNK = 8


def _extract_jobs(jobs: list[Job]) -> list[tuple[Job, Extraction | None, str | None]]:
    """(job, extraction, error) of each job, in order. Identities are resolved by the
    writing process, against the whole batch. The readable reports are extracted
    together; if that fails, one by one, so that only the bad one fails."""
    from kgraph.extract import extract_many

    out: dict[int, tuple] = {}
    reports = {}
    for k, job in enumerate(jobs):
        try:
            report = read_report(job.path, job.root)
            report.id = job.id
            reports[k] = report
        except ReadError as e:
            out[k] = (job, None, str(e))
        except Exception as e:  # one bad report must not stop the batch
            out[k] = (job, None, _failed(job, e))
    try:
        for k, ex in zip(reports, extract_many(list(reports.values()))):
            out[k] = (jobs[k], ex, None)
    except Exception:
        for k, report in reports.items():
            try:
                out[k] = (jobs[k], extract_many([report])[0], None)
            except Exception as e:
                out[k] = (jobs[k], None, _failed(jobs[k], e))
    return [out[k] for k in range(len(jobs))]


def _failed(job: Job, e: Exception) -> str:
    return f"{job.path}: extraction failed ({type(e).__name__}: {e})"


# job states in the shared array, so that the parent knows which job a dead worker had
_QUEUED, _RUNNING, _DONE = 0, 1, 2
_STATE = None  # the shared array, in a worker
_INHERITED_FDS: list[int] = []  # set by ingest(): the writer lock, closed in workers


def _init_worker(state=None, close_fds=(), parent: int | None = None) -> None:
    """Pool initializer: runs once in each worker, before its first report."""
    global _STATE
    _STATE = state
    for fd in close_fds:  # a worker outliving its parent must not keep the store locked
        try:
            os.close(fd)
        except OSError:
            pass
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    one_blas_thread()
    import kgraph.extract  # noqa: F401  (the rule modules, once)
    from kgraph.analyse import get_analyzer

    get_analyzer()  # loads the models, or keeps the ones a forked worker inherited


def _pool_task(indices: list[int], jobs: list[Job]):
    for i in indices:
        _STATE[i] = _RUNNING
    try:
        return _extract_jobs(jobs)
    finally:
        for i in indices:
            _STATE[i] = _DONE


def _die_with_parent(parent: int | None) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:  # it died before prctl
        os._exit(1)


# Fewer reports than this with one worker are extracted in this process: a worker
# process would save less than it costs to start.
MIN_POOL = 8


def pooled(jobs: int, workers: int) -> bool:
    """Whether `jobs` reports are extracted in worker processes (else in this one)."""
    return jobs > 1 and (workers > 1 or jobs >= MIN_POOL)


def run_jobs(jobs: list[Job], workers: int):
    """Yield (job, extraction, error) in input order, extracting in `workers` processes.

    Even one worker is a process of its own (for batches of MIN_POOL reports or more),
    so that extraction runs while this process resolves and writes the report before:
    ~1.5x the throughput of doing both in turn on a machine with two cores."""
    if not pooled(len(jobs), workers):
        one_blas_thread()
        for k in range(0, len(jobs), CHUNK):
            yield from _extract_jobs(jobs[k:k + CHUNK])
        return
    yield from _run_pool(jobs, max(1, workers))


def _mp_context():
    # fork: workers start at once and inherit what the parent has loaded; elsewhere
    # (macOS, Windows) fork is unsafe or missing
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _run_pool(jobs: list[Job], workers: int):
    """Extract in a pool of forked workers, a few reports a task; yield results in
    input order.

    A worker that dies (SIGKILL, the OOM killer, a crash in a native library) breaks
    the pool: what finished is kept, the report it was running fails, and the rest go
    to a new pool. When several reports were running at that moment (a task of
    several, or several workers), each of them is run again alone, so that only the
    culprit fails.
    """
    ctx = _mp_context()
    # a forked worker holds copies of this process's descriptors, the writer lock's
    # among them; a spawned one does not (and its numbers mean other files there)
    inherited = tuple(_INHERITED_FDS) if ctx.get_start_method() == "fork" else ()
    n = len(jobs)
    state = ctx.RawArray("b", n)
    results: dict[int, tuple] = {}  # finished, not yet yielded
    waiting = list(range(n))  # to run in a full pool
    suspects: list[int] = []  # to run one at a time
    nxt = 0  # the next index to yield
    strikes = 0  # pools that broke with no report running (workers killed from outside)
    while nxt < n:
        alone = bool(suspects)
        batch = suspects if alone else waiting
        if not batch:
            break
        executor = ProcessPoolExecutor(
            max_workers=1 if alone else min(workers, len(batch)), mp_context=ctx,
            initializer=_init_worker, initargs=(state, inherited, os.getpid()))
        tasks = _tasks(batch, 1 if alone else CHUNK, workers)
        futures = {}
        broken = False
        # at most `window` tasks submitted and not yet taken: when the writer is
        # slower than the workers, extractions must not pile up in memory
        window = 4 * workers
        submitted = 0
        try:
            for taken, task in enumerate(tasks):
                while submitted < len(tasks) and submitted - taken < window:
                    t = tasks[submitted]
                    futures[submitted] = executor.submit(_pool_task, t, [jobs[j] for j in t])
                    submitted += 1
                # (popped: a done future holds its extractions, let them go)
                results.update(zip(task, futures.pop(taken).result()))
                while nxt in results:
                    yield results.pop(nxt)
                    nxt += 1
        except BrokenProcessPool:
            broken = True
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if not broken:
            if alone:
                suspects = []
            else:
                waiting = []
            continue
        for k, f in futures.items():  # keep what finished before the pool broke
            if f.done() and not f.cancelled() and f.exception() is None:
                results.update(zip(tasks[k], f.result()))
        left = [i for i in batch if i not in results]
        running = [i for i in left if state[i] == _RUNNING]
        for i in left:
            state[i] = _QUEUED
        strikes = 0 if running else strikes + 1
        if len(running) == 1:  # the culprit
            i = running.pop()
            results[i] = (jobs[i], None, f"{jobs[i].path}: the worker process died while "
                          f"extracting it (killed, out of memory, or a crash in a native "
                          f"library)")
        rest = [i for i in left if i not in results and i not in running]
        if alone:
            suspects = rest
        else:
            waiting, suspects = rest, running
        if strikes >= 3:
            for i in waiting + suspects:
                results[i] = (jobs[i], None, f"{jobs[i].path}: not extracted: worker processes "
                              f"keep dying (killed from outside?)")
            waiting, suspects = [], []
        while nxt in results:
            yield results.pop(nxt)
            nxt += 1


def _tasks(batch: list[int], size: int, workers: int) -> list[list[int]]:
    """`batch` cut into tasks of `size` reports, smaller when there are too few
    reports to keep every worker busy."""
    size = max(1, min(size, len(batch) // (2 * workers)))
    return [batch[k:k + size] for k in range(0, len(batch), size)]


# --- BLAS threads --------------------------------------------------------------------

_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_OPENBLAS_SETTERS = ("openblas_set_num_threads", "scipy_openblas_set_num_threads64_",
                     "openblas_set_num_threads64_", "scipy_openblas_set_num_threads")


def one_blas_thread() -> None:
    """One BLAS thread per extracting process, unless OPENBLAS_NUM_THREADS says otherwise.

    Natasha's models multiply small matrices: OpenBLAS's threads cost more in
    synchronisation than they save (measured here: 4x the CPU time for the same texts
    on 2 cores) and fight the other workers for the cores (docs/performance.md).
    Before numpy loads, the environment does it; after, OpenBLAS is told directly
    (what threadpoolctl does), on Linux.
    """
    for var in _BLAS_VARS:
        os.environ.setdefault(var, "1")
    if "numpy" not in sys.modules or not sys.platform.startswith("linux"):
        return
    try:
        threads = max(1, int(os.environ["OPENBLAS_NUM_THREADS"]))
    except ValueError:
        threads = 1
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            libs = {line.split(None, 5)[-1].strip() for line in f
                    if "openblas" in line.lower() and "/" in line}
    except OSError:
        return
    import ctypes

    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter(threads)
                break


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1  # the cores this process may use
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# --- a run --------------------------------------------------------------------------


def ingest(paths, store, *, workers: int | None = None, prune: bool = False,
           progress=None, curation=None) -> Summary:
    """Ingest report files/folders into `store` (a writable store).

    `workers`: extraction processes (default: the cores), besides this one, which
    resolves identities and writes (a batch under MIN_POOL reports with one worker
    is extracted here).
    `progress(total)`: a tqdm-like bar factory (update, close, set_postfix_str).
    `curation`: a curation file of pinned/split identities (see resolve.Curation).
    """
    started, cpu_before = time.time(), _cpu()
    one_blas_thread()  # before numpy loads, if it has not yet
    now = datetime.now(timezone.utc)
    summary = Summary(run=vocab.run_iri(_run_id(now)), started=_now(now))
    labels_stale = not previous_run_finished(store) or not store.summary_is_current()
    store.add_run(run_start_quads(summary))  # a run that never ends shows as such
    if not ontology_is_current(store, ontology_path()):
        store.load_ontology(ontology_path())
    index = store.report_index()
    jobs, present = plan(paths, index, summary)
    batch = None
    if jobs:
        from kgraph.extract import Batch
        from kgraph.resolve import Curation, registry_from_store

        # identities resolve in this process, in file order, against what the store knows
        batch = Batch(registry_from_store(store), Curation.load(curation))
    summary.workers = min(workers or default_workers(), len(jobs))
    _INHERITED_FDS[:] = _lock_fds(store)
    bar = progress(len(jobs)) if progress and jobs else None
    writer = _Writer(store, summary)
    try:
        for job, ex, error in run_jobs(jobs, summary.workers):
            if error:
                summary.failed.append({"file": job.path, "error": error})
            else:
                try:
                    batch.resolve(ex)
                    quads = rdf.report_quads(ex, summary.run)
                except Exception as e:  # a bug on one report must not stop the batch
                    summary.failed.append({"file": job.path, "error": (
                        f"{job.path}: could not be turned into RDF ({type(e).__name__}: {e})")})
                else:
                    writer.add(job, quads)
            if bar:
                bar.update(1)
                if hasattr(bar, "set_postfix_str"):  # (counting those not yet written)
                    bar.set_postfix_str(f"new {writer.done['new']}, changed "
                                        f"{writer.done['changed']}, failed {len(summary.failed)}",
                                        refresh=False)
        _step(bar, "writing")
        writer.write()
        if prune:
            summary.removed = prune_missing(paths, store, index, present, summary)
        if writer.written or summary.removed or labels_stale:
            _step(bar, "summarising")  # ~2-3 s per 1,000 new reports on a first ingest
            store.refresh_labels()
    finally:
        _INHERITED_FDS.clear()
        if bar:
            bar.close()
    summary.ended = _now()
    summary.seconds = time.time() - started
    summary.peak_rss_mb = _peak_rss(pool=pooled(len(jobs), summary.workers))
    summary.cpu_seconds = {k: round(v - cpu_before[k], 2) for k, v in _cpu().items()}
    store.add_run(run_end_quads(summary))
    return summary


def _step(bar, name: str) -> None:
    """Name the step after the last report in the bar's label (where a narrow terminal
    still shows it): on a large run they take seconds."""
    if bar is not None and hasattr(bar, "set_description_str"):
        bar.set_description_str(name, refresh=True)


def previous_run_finished(store) -> bool:
    """Whether the last recorded run ended normally with this kgraph version, so the
    labels graph matches the report graphs. A killed run may have written reports
    without refreshing the labels; then the next run refreshes them even with nothing
    to write. (Refreshing always would cost a no-op run over 1,000 reports ~0.4-1 s.)
    """
    rows = list(store.query(f"""
        SELECT ?ended ?version WHERE {{ GRAPH <{RUNS_GRAPH}> {{
          ?run a kg:IngestRun ; prov:startedAtTime ?started .
          OPTIONAL {{ ?run prov:endedAtTime ?ended }}
          OPTIONAL {{ ?run kg:kgraphVersion ?version }} }} }}
        ORDER BY DESC(?started) DESC(STR(?run)) LIMIT 1"""))
    if not rows:
        return False
    ended, version = rows[0][0], rows[0][1]
    return ended is not None and version is not None and version.value == __version__


def prune_missing(paths, store, index, present: set[str], summary: Summary) -> int:
    """Remove the graphs of reports that are no longer under the given paths.

    Nothing is removed when no report file at all was found: an empty or unmounted
    folder would otherwise empty the store.
    """
    gone = [graph for rid, (graph, _) in index.items() if rid not in present]
    if gone and not present:
        where = " ".join(str(p) for p in paths)
        summary.failed.append({"file": where, "error": (
            f"{where}: no report files found; --prune removed nothing "
            f"(an empty or unmounted folder?)")})
        return 0
    for graph in gone:
        store.remove_report(graph)
    return len(gone)


# RocksDB keeps transactional writes in memtables (one per index) until they fill up:
# ~0.5 MB per report here, 550 MB after 1,000 reports. Flushing every 100 keeps the
# writer at ~150 MB (docs/performance.md). Bulk loads do not use them.
FLUSH_EVERY = 100
# reports are written several at a time (store.add_reports: one bulk load for the new
# ones): ~100 generated reports. Each bulk load costs ~14 ms, and RocksDB later merges
# the small files it adds: on 1,000 reports the writer's CPU is 12.8 s with batches of
# 25,000 quads, 10.9 s with 50,000, 10.0 s with 100,000, but the last batch is written
# after the last extraction, alone (docs/performance.md). KGRAPH_BULK_QUADS changes it
# (tests use small batches to kill a run between two of them).
BULK_QUADS = 50_000


def bulk_quads() -> int:
    try:
        return max(1, int(os.environ.get("KGRAPH_BULK_QUADS", BULK_QUADS)))
    except ValueError:
        return BULK_QUADS


class _Writer:
    """Collects resolved reports and writes them a few dozen at a time; counts them
    in the summary once they are in the store. A run killed in between loses the
    reports collected since the last write: their old version (or none) stays, and
    the next run extracts them again."""

    def __init__(self, store, summary: Summary):
        self.store, self.summary = store, summary
        self.pending: list[tuple[Job, list]] = []
        self.quads = 0
        self.written = 0
        self.limit = bulk_quads()
        self.done = {"new": 0, "changed": 0}  # added, written or not yet

    def add(self, job: Job, quads: list) -> None:
        self.pending.append((job, quads))
        self.done[job.status] = self.done.get(job.status, 0) + 1
        self.quads += len(quads)
        if self.quads >= self.limit:
            self.write()

    def write(self) -> None:
        if not self.pending:
            return
        self.store.add_reports([(vocab.report_iri(job.id), quads) for job, quads in self.pending])
        before = self.written
        for job, _ in self.pending:
            setattr(self.summary, job.status, getattr(self.summary, job.status) + 1)
            self.written += 1
        if self.written // FLUSH_EVERY > before // FLUSH_EVERY:
            _flush(self.store)
        self.pending, self.quads = [], 0


def _flush(store) -> None:
    flush = getattr(getattr(store, "_store", None), "flush", None)  # embedded stores only
    if flush is not None:
        flush()


def _lock_fds(store) -> list[int]:
    fd = getattr(getattr(store, "_lock", None), "_fd", None)
    return [fd] if isinstance(fd, int) else []


def _cpu() -> dict:
    """CPU seconds (user + system) so far: this process's, and its finished children's."""
    t = os.times()
    return {"main": t.user + t.system, "workers": t.children_user + t.children_system}


def _peak_rss(pool: bool) -> dict:
    try:
        import resource
    except ImportError:  # Windows
        return {}
    # ru_maxrss: KiB on Linux, bytes on macOS
    unit = 1 if sys.platform == "darwin" else 1024
    mb = lambda who: round(resource.getrusage(who).ru_maxrss * unit / 2**20, 1)  # noqa: E731
    return {"main": mb(resource.RUSAGE_SELF),
            "workers": mb(resource.RUSAGE_CHILDREN) if pool else None}


# --- provenance -------------------------------------------------------------------------


def _lit(value, dtype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + dtype))


def run_start_quads(s: Summary) -> list[ox.Quad]:
    """What is known when a run starts: written first, so a killed run still shows."""
    triples = [
        (ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(KG + "IngestRun")),
        (ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(PROV + "Activity")),
        (ox.NamedNode(PROV + "startedAtTime"), _lit(s.started, "dateTime")),
        (ox.NamedNode(KG + "kgraphVersion"), ox.Literal(__version__)),
    ]
    return _run_quads(s, triples)


def run_end_quads(s: Summary) -> list[ox.Quad]:
    triples = [
        (ox.NamedNode(PROV + "endedAtTime"), _lit(s.ended, "dateTime")),
        (ox.NamedNode(KG + "countNew"), _lit(s.new, "integer")),
        (ox.NamedNode(KG + "countChanged"), _lit(s.changed, "integer")),
        (ox.NamedNode(KG + "countUnchanged"), _lit(s.unchanged, "integer")),
        (ox.NamedNode(KG + "countRemoved"), _lit(s.removed, "integer")),
        (ox.NamedNode(KG + "countFailed"), _lit(len(s.failed), "integer")),
    ]
    return _run_quads(s, triples)


def run_quads(s: Summary) -> list[ox.Quad]:
    """All of a finished run's quads."""
    return run_start_quads(s) + run_end_quads(s)


def _run_quads(s: Summary, triples) -> list[ox.Quad]:
    g = ox.NamedNode(RUNS_GRAPH)
    run = ox.NamedNode(s.run)
    return [ox.Quad(run, p, o, g) for p, o in triples]


def ontology_is_current(store, path) -> bool:
    """Whether the store's ontology graph already holds the file's triples.

    Reloading an unchanged ontology is not a no-op: its blank nodes (OWL lists and
    restrictions) get new ids on each parse, so a re-run would change the export.
    Both sides are compared after canonicalising their blank nodes (~1,000 triples).
    """
    from kgraph.store import ONTOLOGY_GRAPH

    def canonical(triples) -> ox.Dataset:
        d = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        d.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # one process: comparable
        return d

    wanted = canonical(ox.parse(path=str(path)))
    have = canonical(store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"))
    return wanted == have


def ontology_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "ontologies" / "kgraph.ttl",
                      here.parent / "ontologies" / "kgraph.ttl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("ontologies/kgraph.ttl is missing from the installation")


def _run_id(now: datetime) -> str:
    """20261126T125319Z-1f3a9c: the start to the second, then the millisecond (3 hex
    digits) and 3 random ones, so that ids sort by start (`kgraph runs`) even for
    runs started within the same second."""
    return (now.strftime("%Y%m%dT%H%M%SZ") + "-" + f"{now.microsecond // 1000:03x}"
            + uuid.uuid4().hex[:3])


def _now(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).isoformat(timespec="seconds").replace("+00:00", "Z")
