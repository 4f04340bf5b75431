"""The graph store: one named graph per report, plus ontology, labels, runs and summary
graphs (the summary: what the ready questions read, see `consolidate`).

`open_store(path)` gives a `GraphStore` over an embedded Oxigraph (RocksDB) store;
`open_store("http://host:port")` (or `sparql+http://...`, see `parse_remote` and
docs/remote-stores.md) gives a `RemoteStore` that speaks SPARQL 1.1 Query and Update
over HTTP to a server (Oxigraph server, Fuseki, GraphDB). Both share `BaseStore`:
writes are single SPARQL updates (`_update`) and reads are SPARQL queries
(`_select`, `query`); only `export`, the quad count and opening/closing differ.

Concurrency (measured with pyoxigraph 0.5.13, see tests/test_store.py):

* Writers: RocksDB allows one read-write instance per directory; a second
  `Store(path)` fails with ``OSError: IO error: While lock file: <path>/LOCK:
  Resource temporarily unavailable`` - which does not say who holds it. So
  writers first take an flock on ``<store>.lock`` beside the directory and write
  their pid, command, start time and host into it; a second writer fails at once
  naming the holder. flock locks belong to the open file, so they vanish when
  the holder dies (even by SIGKILL): stale lock files never block.
* Readers (`write=False`) use `Store.read_only`, which takes no lock, so
  `kgraph ask` works while `kgraph ingest` runs. A read-only instance is a
  snapshot as of its opening: it does not see later writes (a fresh one does,
  even writes not yet flushed, since RocksDB replays the write-ahead log).
  pyoxigraph documents concurrent read-only opening as "undefined behaviour";
  in practice opening sometimes races with the writer's compaction and fails
  with ``RuntimeError: Corruption: ... No such file ...sst`` (~1 in 6 opens
  under a heavy write loop), so opening is retried. Keep read-only handles
  short-lived (one per command).
* Transactions: `Store.update` is atomic (a parse or evaluation error writes
  nothing) and readers never see half an update ("repeatable read"), so
  replacing a report is a single "DROP SILENT GRAPH; INSERT DATA" update.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterable
from urllib.parse import unquote, urlencode, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox

from kgraph import vocab

try:  # flock: per open file, released by the kernel when the process dies
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

ONTOLOGY_GRAPH = vocab.BASE + "ontology"
LABELS_GRAPH = vocab.ID + "graph/labels"
RUNS_GRAPH = vocab.ID + "graph/runs"
SUMMARY_GRAPH = vocab.ID + "graph/summary"  # see "the summary graph" below
REPORT_PREFIX = vocab.ID + "report/"

# export format names -> pyoxigraph formats
FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "n3": ox.RdfFormat.N3,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

# for serializations: kgid: is left out, entity IRIs' locals contain "/" which
# Turtle would write escaped (kgid:person\/ivanov)
SERIALIZE_PREFIXES = {p: iri for p, iri in vocab.PREFIXES.items() if p != "kgid"}
_PREFIX_DECL = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in vocab.PREFIXES.items())


class StoreError(Exception):
    """A store cannot be opened or written; the message says why and what to do."""


def default_location() -> str:
    return os.environ.get("KGRAPH_STORE") or os.path.join("data", "store")


def open_store(location: str | None = None, *, write: bool = False) -> "BaseStore":
    """A store directory -> GraphStore (embedded); a server URL -> RemoteStore:
    `http(s)://host:port[/path]` is an Oxigraph server's base URL (or any server
    with `<base>/query` and `<base>/update`, e.g. a Fuseki dataset);
    `sparql+http(s)://QUERY_URL[?update=UPDATE_URL]` names the endpoints."""
    location = location or default_location()
    if is_remote(location):
        return RemoteStore(location, write=write)
    return GraphStore(location, write=write)


def is_remote(location: str) -> bool:
    return location.lower().startswith(("http://", "https://", "sparql+http://",
                                        "sparql+https://"))


# --- the writer lock -------------------------------------------------------------


def lock_path(location: str | os.PathLike) -> Path:
    """`data/store` -> `data/store.lock` (beside the directory, not inside it:
    RocksDB owns the directory's contents)."""
    p = Path(location)
    return p.with_name(p.name + ".lock")


class WriterLock:
    """An exclusive, non-blocking flock on `<store>.lock` holding who owns it."""

    def __init__(self, location: str | os.PathLike):
        self.location = str(location)
        self.path = lock_path(location)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # Oxigraph makes one level only
        if fcntl is None:  # pragma: no cover
            return  # no holder-naming lock; RocksDB's own LOCK still protects the data
        # no O_TRUNC: the holder's info must stay readable until we own the lock
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(self._held_message()) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_holder_info(), ensure_ascii=False).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            # clear the info but keep the file: unlinking a lock file races with
            # a process that has just opened it
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def _held_message(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = None  # the holder is between taking the lock and writing its info
        if not info:
            return f"{self.location} is locked by another kgraph process (see {self.path})"
        return (f"{self.location} is locked by pid {info.get('pid')} "
                f"({info.get('command')}, started {info.get('started')}) "
                f"on host {info.get('host')}; wait for it to finish")


def _holder_info() -> dict:
    program = sys.argv[0] if sys.argv and sys.argv[0] else "python"
    name = os.path.basename(program)
    if name == "__main__.py":  # python -m kgraph
        name = os.path.basename(os.path.dirname(program))
    command = " ".join([name] + sys.argv[1:3])  # e.g. "kgraph ingest corpus/"
    return {"pid": os.getpid(), "command": command,
            "started": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "host": socket.gethostname()}


# --- the store ---------------------------------------------------------------------


def _open_read_only(location: str, attempts: int = 6) -> ox.Store:
    if not (Path(location) / "CURRENT").exists():
        raise StoreError(f"no store at {location} (run `kgraph ingest` first, "
                         f"or set KGRAPH_STORE / --store)")
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(location)
        except (RuntimeError, OSError) as e:
            # a writer's compaction removed a file while we opened: try again
            if attempt == attempts - 1:
                raise StoreError(f"cannot open {location} read-only "
                                 f"(is it being written?): {e}") from e
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _open_writable(location: str) -> ox.Store:
    _remove_bulk_leftovers(location)
    try:
        return ox.Store(location)
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(
                f"{location} is in use by another program (RocksDB lock held: an "
                f"Oxigraph server or a process not using kgraph's lock?): {e}") from e
        raise StoreError(f"cannot open store {location}: {e}") from e


def _remove_bulk_leftovers(location: str) -> None:
    """Delete the `bulk-*.sst` files a killed bulk load left behind. Oxigraph writes
    a bulk load's sorted files under these names and hands them to RocksDB in one
    ingestion at its end (which renames them); files still so named were never
    ingested, hold no data of the store, and would stay forever. Only the holder of
    the writer lock calls this, so no bulk load of ours is running."""
    try:
        leftovers = list(Path(location).glob("bulk-*.sst"))
    except OSError:
        return
    for f in leftovers:
        try:
            f.unlink()
        except OSError:
            pass  # not ours to fix; RocksDB ignores them anyway


def _ntriple(s, p, o) -> str:
    # str() of pyoxigraph terms is N-Triples syntax, escapes included
    # ("\"", "\\", "\n", "\r", "\t"), which is valid inside SPARQL INSERT DATA
    return f"{s} {p} {o} ."


def _insert_data(graph: str, triples: Iterable[str]) -> str:
    body = "\n".join(triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def _iri(graph: str) -> str:
    return ox.NamedNode(graph).value  # validates: raises ValueError on a bad IRI


class BaseStore:
    """What every kgraph store does, in SPARQL: subclasses provide `_update` (one
    atomic SPARQL update), `_select` (a SELECT over the dataset as is), `query`
    (a user query over the union of all graphs, parameters bound), `_quad_count`,
    `export` and `close`. Use `open_store`; close it (or use `with`)."""

    location: str
    writable: bool

    # -- plumbing
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def _update(self, sparql: str) -> None:
        raise NotImplementedError

    def _select(self, sparql: str):
        """An iterable of solutions (pyoxigraph QuerySolution) of a SELECT that
        names its graphs (GRAPH ?g); vocab.PREFIXES are predeclared."""
        raise NotImplementedError

    def _quad_count(self) -> int:
        raise NotImplementedError

    def query(self, sparql: str, params: dict | None = None):
        raise NotImplementedError

    def export(self, out: BinaryIO, format: str = "trig") -> None:
        raise NotImplementedError

    # -- reports
    def replace_report(self, graph: str, quads: list) -> None:
        """Replace the report's graph with `quads` in one transaction (quads must
        be in that graph, or in the default graph: they are put into it)."""
        graph = _iri(graph)
        for q in quads:
            g = q.graph_name
            if not (isinstance(g, ox.DefaultGraph) or getattr(g, "value", None) == graph):
                raise ValueError(f"quad {q} is not in graph <{graph}>")
        triples = (_ntriple(q.subject, q.predicate, q.object) for q in quads)
        self._update(f"DROP SILENT GRAPH <{graph}> ;\n" + _insert_data(graph, triples))

    def add_reports(self, reports: list[tuple[str, list]]) -> None:
        """Write several reports' graphs (graph IRI, quads), each replacing what the
        store has for it. Embedded stores write the new ones in one bulk load; here,
        one transaction per report."""
        for graph, quads in reports:
            self.replace_report(graph, quads)

    def remove_report(self, graph: str) -> None:
        self._update(f"DROP SILENT GRAPH <{_iri(graph)}>")

    def report_index(self) -> dict[str, tuple[str, str]]:
        """report id -> (graph IRI, sha256), from the report nodes' kg:sha256.

        Speed matters (it runs before any NLP to skip unchanged reports), so it
        reads one triple per report and decodes the id from the graph IRI
        (vocab.report_iri percent-encodes the id, which unquote reverses) rather
        than joining dcterms:identifier: 10,000 reports take ~0.06 s instead of
        ~0.23 s. An IRI that does not round-trip falls back to dcterms:identifier.
        """
        rows = self._select(
            f"SELECT ?g ?sha WHERE {{ GRAPH ?g {{ ?g <{vocab.KG}sha256> ?sha }} }}")
        index = {}
        for g, sha in rows:
            rid = unquote(g.value[len(REPORT_PREFIX):])
            if vocab.report_iri(rid) != g.value:
                rid = self._identifier(g)
            index[rid] = (g.value, sha.value)
        return index

    def _identifier(self, graph: ox.NamedNode) -> str:
        rows = self._select(
            f"SELECT ?id WHERE {{ GRAPH {graph} {{ {graph} dcterms:identifier ?id }} }}")
        return next((r[0].value for r in rows), graph.value)

    # -- the other graphs
    def load_ontology(self, path) -> None:
        """Replace graph <https://w3id.org/kgraph/ontology> with the file's triples
        (format from the extension: .ttl, .nt, .rdf, .trig...)."""
        triples = (_ntriple(q.subject, q.predicate, q.object)
                   for q in ox.parse(path=str(path)))
        self._update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}> ;\n"
                     + _insert_data(ONTOLOGY_GRAPH, triples))

    def add_run(self, quads) -> None:
        """Add ingestion-run provenance to <.../graph/runs> (kept across runs)."""
        triples = (_ntriple(q.subject, q.predicate, q.object) for q in quads)
        self._update(_insert_data(RUNS_GRAPH, triples))

    def refresh_labels(self, *, full: bool = False) -> dict:
        """Bring the consolidated graphs up to date after reports were written or
        removed: the labels graph and the summary graph (`consolidate`, which see).
        Kept under this name for its callers (kgraph ingest calls it once a run).

        The labels graph holds one skos:prefLabel per entity. Candidates are the
        entity's kg:canonicalLabel values if it has any, else its rdfs:label
        values, from report graphs. The winner is the longest, then the most
        frequent (number of reports using it), then the first in code-point
        order. 10,000 reports / 15,000 entities: ~1 s from scratch.
        """
        return self.consolidate(full=full)

    def consolidate(self, changed: Iterable[str] = (), *, full: bool = False) -> dict:
        """Update the labels graph and the summary graph that the ready questions
        read (see "the summary graph" in this module and docs/queries.md).

        Incremental: the reports written, replaced or removed since the last
        consolidation are found by their markers (kg:sha256 and
        prov:wasGeneratedBy; a hash of the graph for a graph without kg:sha256);
        `changed` names more report graphs to redo. Only those reports' rows,
        the entities they mention (and the people and events that depend on
        those entities' names and places) are recomputed, and the summary is
        written in one update. `full` (or a summary of another layout version)
        recomputes both graphs from scratch. Returns what was done and the
        seconds each step took.
        """
        return consolidate(self, changed, full=full)

    # -- inspection
    def summary_is_current(self) -> bool:
        """Whether the summary graph exists in this version of its layout (a store
        loaded from a triple export, or one that never finished a run, has none)."""
        rows = _Summariser(self).select(
            f"SELECT ?v WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ <{SUMMARY_GRAPH}> kgs:version ?v }} }}")
        return any(r[0].value == SUMMARY_VERSION for r in rows)

    def stats(self) -> dict:
        def scalar(sparql):
            row = next(iter(self._select(_PREFIX_DECL + sparql)))
            return int(row[0].value)

        def per_type(sparql):
            return {r[0].value: int(r[1].value)
                    for r in self._select(_PREFIX_DECL + sparql)}

        return {
            "reports": scalar("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g kg:sha256 ?s } }"),
            "quads": self._quad_count(),
            "entities": per_type(
                "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g {"
                " ?m kg:mentionType ?t ; kg:denotes ?e } } GROUP BY ?t ORDER BY ?t"),
            "relations": per_type(
                "SELECT ?t (COUNT(*) AS ?n) WHERE { GRAPH ?g {"
                " ?s kg:relationType ?t } } GROUP BY ?t ORDER BY ?t"),
            "mentions": scalar(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m kg:mentionType ?t } }"),
        }


def _export_format(format: str) -> ox.RdfFormat:
    try:
        return FORMATS[format.lower()]
    except KeyError:
        raise StoreError(f"unknown export format {format!r}; "
                         f"choose from {', '.join(FORMATS)}") from None


# A triple format flattens the graphs: the summary graph's kgs: rows would read as
# facts there and nothing could keep them consistent, so it is left out (dataset
# formats keep it: a store loaded from one answers at once; docs/remote-stores.md).
_TRIPLE_EXPORT = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                  f"FILTER(?g != <{SUMMARY_GRAPH}>) }}")


def _in_graph(name: ox.NamedNode, quads) -> list:
    """The quads in graph `name` (default-graph quads are moved into it)."""
    out = []
    for q in quads:
        g = q.graph_name
        if isinstance(g, ox.DefaultGraph):
            q = ox.Quad(q.subject, q.predicate, q.object, name)
        elif g != name:
            raise ValueError(f"quad {q} is not in graph <{name.value}>")
        out.append(q)
    return out


class GraphStore(BaseStore):
    """A kgraph dataset in an embedded Oxigraph store (a directory)."""

    def __init__(self, location: str, *, write: bool = False):
        self.location = str(location)
        self.writable = write
        self._lock: WriterLock | None = None
        if write:
            self._lock = WriterLock(self.location)
            self._lock.acquire()
            try:
                self._store = _open_writable(self.location)
            except BaseException:
                self._lock.release()
                raise
        else:
            self._store = _open_read_only(self.location)

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None:
            if self.writable:
                store.flush()
            self._store = None  # dropping the last reference closes RocksDB
            del store
        if self._lock:
            self._lock.release()
            self._lock = None

    def _update(self, sparql: str) -> None:
        if not self.writable:
            raise StoreError(f"{self.location} is open read-only")
        try:
            self._store.update(sparql)  # atomic: all or nothing
        except SyntaxError as e:
            raise StoreError(f"invalid update (nothing written): {e}") from e
        except (OSError, RuntimeError) as e:
            raise StoreError(f"update failed (nothing written): {e}") from e

    def replace_report(self, graph: str, quads: list) -> None:
        """As BaseStore.replace_report. A report graph the store does not have yet is
        added with Store.extend, atomic too and ~25% cheaper than the update (no
        SPARQL text to build and parse): most of a periodic batch is new reports."""
        name = ox.NamedNode(_iri(graph))
        if not self.writable or self._store.contains_named_graph(name):
            return super().replace_report(graph, quads)
        try:
            self._store.extend(_in_graph(name, quads))  # one transaction: all or nothing
        except (OSError, RuntimeError) as e:
            raise StoreError(f"write failed (nothing written): {e}") from e

    def add_reports(self, reports: list[tuple[str, list]]) -> None:
        """As BaseStore.add_reports: the graphs the store does not have yet go in
        one Store.bulk_extend, the others are replaced one transaction each.

        A bulk load costs a third of a transaction per quad (it sorts the quads
        into files that RocksDB takes in whole, without its write-ahead log or
        memtables) plus ~14 ms a call, hence several reports a call. It is all or
        nothing too: Oxigraph hands every file of the call to RocksDB in one
        IngestExternalFiles, which is atomic across column families; a kill
        before it leaves only bulk-*.sst files, removed at the next open
        (tests/test_store.py kills a real process during one)."""
        if not self.writable:
            raise StoreError(f"{self.location} is open read-only")
        fresh = []
        for graph, quads in dict(reports).items():  # a graph given twice: the last wins
            name = ox.NamedNode(_iri(graph))
            if self._store.contains_named_graph(name):
                self.replace_report(graph, quads)
            else:
                fresh.extend(_in_graph(name, quads))
        if fresh:
            self.bulk_insert(fresh)

    def _select(self, sparql: str):
        return self._store.query(sparql, prefixes=vocab.PREFIXES)

    def bulk_insert(self, quads) -> None:
        """Add quads in one bulk load (all or nothing; see add_reports)."""
        if not self.writable:
            raise StoreError(f"{self.location} is open read-only")
        try:
            self._store.bulk_extend(list(quads))
        except (OSError, RuntimeError) as e:
            raise StoreError(f"write failed (nothing written): {e}") from e

    def _quad_count(self) -> int:
        return len(self._store)

    def query(self, sparql: str, params: dict | None = None):
        """Run a SPARQL query over the union of all graphs (GRAPH ?g still works).

        `params` (name -> pyoxigraph term) are bound by Oxigraph's substitutions
        (SEP-0007), never pasted into the text. Oxigraph 0.5 quirks: in a SELECT
        every substituted variable must be projected, and BOUND(?param) is
        constant-folded to false when no pattern binds it; see kgraph/query.py.
        The vocab.PREFIXES are predeclared; PREFIX lines in the query win.
        """
        subs = {ox.Variable(k): v for k, v in (params or {}).items()}
        return self._store.query(sparql, substitutions=subs or None,
                                 use_default_graph_as_union=True,
                                 prefixes=vocab.PREFIXES)

    def export(self, out: BinaryIO, format: str = "trig") -> None:
        """Write the dataset. Dataset formats (trig, nquads, jsonld) keep every
        graph; triple formats (turtle, nt, rdfxml, n3) get the union of all
        graphs but the summary, deduplicated - which report a triple came from is
        lost (see _TRIPLE_EXPORT)."""
        fmt = _export_format(format)
        if fmt.supports_datasets:
            self._store.dump(out, fmt, prefixes=SERIALIZE_PREFIXES)
        else:
            self._store.query(_TRIPLE_EXPORT).serialize(out, fmt)


# One update: DROP + INSERT, so readers see either the old or the new labels.
# Each candidate (?e, ?l) gets a sort key ?k = canonical flag + zero-padded
# length + zero-padded report count (padding makes string order = numeric
# order). MAX(?k) per entity is the best key; labels that share it are equal on
# all three criteria, and MIN picks the alphabetically first of them. Report graphs are "every graph but the
# special ones": `?g NOT IN (...)` compares ids, STRSTARTS(STR(?g)...) would
# decode every graph name and made this 2x slower.
_PAD = 'SUBSTR(CONCAT("0000000000", STR({x})), STRLEN(STR({x})) + 1)'
_CANDIDATES = """
{ SELECT ?e ?l (CONCAT(STR(?c), %(len)s, %(count)s) AS ?k) WHERE {
    { GRAPH ?g { ?e rdfs:label ?l } BIND(0 AS ?c) }
    UNION
    { GRAPH ?g { ?e kg:canonicalLabel ?l } BIND(1 AS ?c) }
    FILTER(?g NOT IN (<%(ontology)s>, <%(labels)s>, <%(runs)s>, <%(summary)s>))
  } GROUP BY ?e ?l ?c }
""" % {"len": _PAD.format(x="STRLEN(STR(?l))"), "count": _PAD.format(x="COUNT(?g)"),
       "ontology": ONTOLOGY_GRAPH, "labels": LABELS_GRAPH, "runs": RUNS_GRAPH,
       "summary": SUMMARY_GRAPH}
_REFRESH_LABELS = _PREFIX_DECL + """
DROP SILENT GRAPH <%(labels)s> ;
INSERT { GRAPH <%(labels)s> { ?e skos:prefLabel ?label } }
WHERE {
  SELECT ?e (MIN(?l) AS ?label) WHERE {
    { SELECT ?e (MAX(?k) AS ?best) WHERE { %(cand)s } GROUP BY ?e }
    %(cand)s
    FILTER(?k = ?best)
  } GROUP BY ?e
}
""" % {"labels": LABELS_GRAPH, "cand": _CANDIDATES}


# --- the summary graph ----------------------------------------------------------------
#
# The ready questions (queries/*.rq) read a compact, consolidated graph instead of
# aggregating over the union of the report graphs, where every entity triple is
# repeated once per report that states it. <kgid:graph/summary> holds, in its own
# vocabulary (kgs:, so that ad hoc queries over the union see no new kg: triple):
#
# * one node per row of `attendance` (person, event, report) and of `organisers`
#   (organiser, event, report), IRI = kgid:summary/attendance/MD5(...), with the
#   values that depend on that report (role, event type as stated there,
#   organiser type);
# * per person, event and organiser (subject = the entity's IRI): its display
#   name (skos:prefLabel, else a label), an integer sort rank (its place in the
#   order by lower-cased name, then IRI: ORDER BY on integers never decodes a
#   string), and what the questions show or filter on (date, place, counts,
#   posts, lower-cased search texts);
# * the distinct kg:locatedIn edges of all reports (kgs:locatedIn), for
#   "places that contain it" across reports, and the event types of the rows
#   and events (<summary> kgs:rowType), for the event_type parameter;
# * bookkeeping: per report the entities it mentions (kgs:entities) and a
#   marker of the version summarised (kgs:marker: sha256 + run, or a hash of the
#   graph when it has no sha256), and the layout version (kgs:version).
#
# `consolidate` keeps it (and the labels graph) in step with the report graphs:
# it finds the reports written or removed since the last run by their markers,
# recomputes the rows of those reports and the entities they mention (plus the
# people and events whose names or places depend on those), and writes all of it
# in one update, so readers see the old summary or the new one, never half.
# See docs/queries.md.

KGS = vocab.BASE + "summary#"
SUMMARY_VERSION = "2"
SUMMARY_ROW = vocab.ID + "summary/"
SPECIAL_GRAPHS = (ONTOLOGY_GRAPH, LABELS_GRAPH, RUNS_GRAPH, SUMMARY_GRAPH)
_SUMMARY_PREFIXES = _PREFIX_DECL + f"PREFIX kgs: <{KGS}>\n"
_NOT_SPECIAL = "FILTER({g} NOT IN (%s))" % ", ".join(f"<{g}>" for g in SPECIAL_GRAPHS)
_FILL = {"S": SUMMARY_GRAPH, "L": LABELS_GRAPH, "O": ONTOLOGY_GRAPH, "R": RUNS_GRAPH,
         "ROW": SUMMARY_ROW}


def _values(var: str, iris) -> str:
    """VALUES ?var { <iri> ... } restricting a pattern; "" (no restriction) for None."""
    if iris is None:
        return ""
    return f"VALUES ?{var} {{ {' '.join(f'<{_iri(i)}>' for i in sorted(iris))} }}"


def _sub(template: str, **restrict) -> str:
    """Fill a summary template: %(S)s etc., and the optional VALUES restrictions."""
    fill = dict(_FILL)
    for key, value in restrict.items():
        fill[key] = value
    fill.setdefault("not_special_report", _NOT_SPECIAL.format(g="?report"))
    fill.setdefault("not_special_g", _NOT_SPECIAL.format(g="?g"))
    if "%(digest)s" in template:
        fill["digest"] = _NAMES_DIGEST % fill
    return template % fill


def _place_targets(events: str, places: str | None) -> str:
    """What _NAMES_DIGEST digests: the places the events are in (kgs:inPlace), and
    those of `places` that some event is in."""
    out = f"{{ GRAPH <{SUMMARY_GRAPH}> {{ {events} ?event kgs:inPlace ?x }} }}"
    if places:
        out += f" UNION {{ GRAPH <{SUMMARY_GRAPH}> {{ {places} ?any kgs:inPlace ?x }} }}"
    return out


# rows of `attendance`: one per (person, event, report), as attendance.rq had them
_ROWS_ATTENDANCE = """
INSERT { GRAPH <%(S)s> { ?row kgs:person ?person ; kgs:event ?event ; kgs:report ?report ;
                              kgs:role ?role ; kgs:eventType ?etype } }
WHERE {
  { SELECT ?person ?event ?report (COALESCE(MIN(?subtype), kg:Event) AS ?etype)
           (GROUP_CONCAT(DISTINCT ?role_key; separator=", ") AS ?roles)
    WHERE { { SELECT ?person ?event ?report ?subtype ?role_key WHERE {
      GRAPH ?report {
        %(reports)s
        ?person kg:participantIn ?event ; a kg:Person .
        OPTIONAL { ?event rdf:type ?subtype . FILTER(?subtype != kg:Event) }
      }
      %(not_special_report)s
      # (an OPTIONAL of several patterns is joined by hash: its own VALUES keeps it
      # to the reports)
      OPTIONAL { SELECT ?report ?person ?event ?role_key WHERE {
        GRAPH ?report {
          %(reports)s
          ?statement rdf:subject ?person ; rdf:predicate kg:participantIn ;
                     rdf:object ?event ; kg:role ?role_iri .
          FILTER(?role_iri != kg:role-participant)
        }
        BIND(STRAFTER(STR(?role_iri), "#role-") AS ?role_key)
      } }
    } ORDER BY ?role_key } }
    GROUP BY ?person ?event ?report }
  BIND(IF(COALESCE(?roles, "") = "", "participant", ?roles) AS ?role)
  BIND(IRI(CONCAT("%(ROW)sattendance/",
                  MD5(CONCAT(STR(?person), " ", STR(?event), " ", STR(?report))))) AS ?row)
}"""

# rows of `organisers`: one per (organiser, event, report)
_ROWS_ORGANISERS = """
INSERT { GRAPH <%(S)s> { ?row kgs:organiser ?organiser ; kgs:event ?event ; kgs:report ?report ;
                              kgs:eventType ?etype ; kgs:organiserType ?otype } }
WHERE {
  { SELECT ?organiser ?event ?report (MAX(?organiser_class) AS ?otype)
           (COALESCE(MIN(?subtype), kg:Event) AS ?etype)
    WHERE {
      GRAPH ?report {
        %(reports)s
        ?organiser kg:organizerOf ?event .
        OPTIONAL {
          VALUES ?organiser_class { kg:Person kg:Organization kg:OrganizationalUnit }
          ?organiser rdf:type ?organiser_class .
        }
        OPTIONAL { ?event rdf:type ?subtype . FILTER(?subtype != kg:Event) }
      }
      %(not_special_report)s
    }
    GROUP BY ?organiser ?event ?report }
  BIND(IRI(CONCAT("%(ROW)sorganising/",
                  MD5(CONCAT(STR(?organiser), " ", STR(?event), " ", STR(?report))))) AS ?row)
}"""

# which entities each report mentions (typed, or labelled: their labels count for
# the labels graph), one literal per report: the IRIs separated by spaces. Kept
# for the next consolidation, which must know what a replaced report mentioned.
_ENTITIES_OF = """
INSERT { GRAPH <%(S)s> { ?report kgs:entities ?entities } }
WHERE { SELECT ?report (GROUP_CONCAT(DISTINCT STR(?e); separator=" ") AS ?entities)
        WHERE {
          { GRAPH ?report { %(reports)s ?e a ?class
                            FILTER(?class NOT IN (kg:Mention, kg:Statement, kg:Report)) } }
          UNION
          { GRAPH ?report { %(reports)s ?e rdfs:label|kg:canonicalLabel|skos:altLabel ?label } }
          FILTER(isIRI(?e))
          %(not_special_report)s
        }
        GROUP BY ?report }"""

# the distinct kg:locatedIn edges of all reports, for paths across reports
_LOCATED_IN = """
INSERT { GRAPH <%(S)s> { ?x kgs:locatedIn ?y } }
WHERE { GRAPH ?g { %(entities)s ?x kg:locatedIn ?y } %(not_special_g)s }"""

# people: what people.rq shows, the texts its name filter searches, and the
# entities whose names its lists show (kgs:dependsOn: a later consolidation that
# renames one of them redoes the person)
_PEOPLE = [
    """
INSERT { GRAPH <%(S)s> { ?person kgs:reports ?reports } }
WHERE { SELECT ?person (COUNT(DISTINCT ?g) AS ?reports)
        WHERE { GRAPH ?g { %(persons)s ?person a kg:Person } %(not_special_g)s }
        GROUP BY ?person }""",
    """
INSERT { GRAPH <%(S)s> { ?person kgs:gender ?gender } }
WHERE { SELECT ?person (MIN(?value) AS ?gender)
        WHERE { GRAPH ?g { %(persons)s ?person a kg:Person ; kg:gender ?value } %(not_special_g)s }
        GROUP BY ?person }""",
    # any of their names, lower-cased, one a line: CONTAINS on it = "a name contains"
    """
INSERT { GRAPH <%(S)s> { ?person kgs:search ?search } }
WHERE { SELECT ?person (GROUP_CONCAT(DISTINCT ?key; separator="\\n") AS ?search)
        WHERE { { SELECT ?person ?key WHERE {
          { GRAPH ?g { %(persons)s
                       ?person a kg:Person ; rdfs:label|skos:altLabel|kg:canonicalLabel ?any_name }
            %(not_special_g)s }
          UNION
          { GRAPH <%(L)s> { %(persons)s ?person skos:prefLabel ?any_name }
            FILTER EXISTS { GRAPH ?g2 { ?person a kg:Person } } }
          BIND(LCASE(STR(?any_name)) AS ?key)
        } ORDER BY ?key } }
        GROUP BY ?person }""",
    """
INSERT { GRAPH <%(S)s> { ?person kgs:posts ?posts } }
WHERE { SELECT ?person (GROUP_CONCAT(DISTINCT ?post_name; separator="; ") AS ?posts)
        WHERE { { SELECT ?person ?post_name WHERE {
          GRAPH ?g { %(persons)s ?person kg:holdsPost ?post . ?post rdfs:label ?post_label }
          %(not_special_g)s
          OPTIONAL { GRAPH <%(L)s> { ?post skos:prefLabel ?post_pref } }
          BIND(STR(COALESCE(?post_pref, ?post_label)) AS ?post_name)
        } ORDER BY ?post_name } }
        GROUP BY ?person }""",
    """
INSERT { GRAPH <%(S)s> { ?person kgs:units ?units } }
WHERE { SELECT ?person (GROUP_CONCAT(DISTINCT ?unit_name; separator="; ") AS ?units)
        WHERE { { SELECT ?person ?unit_name WHERE {
          { SELECT DISTINCT ?person ?unit WHERE {
              GRAPH ?g {
                %(persons)s
                ?person kg:worksAt ?unit .
                FILTER(EXISTS { ?unit a kg:OrganizationalUnit } || EXISTS { ?unit kg:partOf ?parent })
              }
              %(not_special_g)s
          } }
          { SELECT ?unit (MIN(?label) AS ?unit_label) WHERE {
              { SELECT DISTINCT ?unit WHERE { GRAPH ?g { %(persons)s ?person kg:worksAt ?unit }
                                              %(not_special_g)s } }
              GRAPH ?lg { ?unit a kg:Organization ; rdfs:label ?label }
              FILTER(?lg NOT IN (<%(O)s>, <%(L)s>, <%(R)s>, <%(S)s>))
            } GROUP BY ?unit }
          OPTIONAL { GRAPH <%(L)s> { ?unit skos:prefLabel ?unit_pref } }
          BIND(STR(COALESCE(?unit_pref, ?unit_label)) AS ?unit_name)
        } ORDER BY ?unit_name } }
        GROUP BY ?person }""",
    """
INSERT { GRAPH <%(S)s> { ?person kgs:organisations ?organisations } }
WHERE { SELECT ?person (GROUP_CONCAT(DISTINCT ?org_name; separator="; ") AS ?organisations)
        WHERE { { SELECT ?person ?org_name WHERE {
          {
            # the workplaces that are not units
            SELECT DISTINCT ?person ?org WHERE {
              GRAPH ?g {
                %(persons)s
                ?person kg:worksAt ?org .
                FILTER NOT EXISTS { ?org a kg:OrganizationalUnit }
                FILTER NOT EXISTS { ?org kg:partOf ?parent }
              }
              %(not_special_g)s
            }
          } UNION {
            # the organisations the workplaces belong to
            SELECT DISTINCT ?person ?org WHERE {
              GRAPH ?g { %(persons)s ?person kg:worksAt ?unit . ?unit kg:partOf+ ?org }
              %(not_special_g)s
            }
          }
          { SELECT ?org (MIN(?label) AS ?org_label) WHERE {
              { SELECT DISTINCT ?org WHERE {
                  { GRAPH ?g { %(persons)s ?person kg:worksAt ?org } %(not_special_g)s }
                  UNION
                  { GRAPH ?g { %(persons)s ?person kg:worksAt ?unit . ?unit kg:partOf+ ?org }
                    %(not_special_g)s }
              } }
              GRAPH ?lg { ?org a kg:Organization ; rdfs:label ?label }
              FILTER(?lg NOT IN (<%(O)s>, <%(L)s>, <%(R)s>, <%(S)s>))
            } GROUP BY ?org }
          OPTIONAL { GRAPH <%(L)s> { ?org skos:prefLabel ?org_pref } }
          BIND(STR(COALESCE(?org_pref, ?org_label)) AS ?org_name)
        } ORDER BY ?org_name } }
        GROUP BY ?person }""",
    """
INSERT { GRAPH <%(S)s> { ?person kgs:dependsOn ?x } }
WHERE {
  { GRAPH ?g { %(persons)s ?person kg:holdsPost|kg:worksAt ?x } %(not_special_g)s }
  UNION
  { GRAPH ?g { %(persons)s ?person kg:worksAt ?unit . ?unit kg:partOf+ ?x } %(not_special_g)s }
}""",
]

# events: typed kg:Event somewhere, or the event of a row
_EVENTS = [
    """
INSERT { GRAPH <%(S)s> { ?event kgs:reports ?reports ; kgs:type ?type ;
                                kgs:participants ?participants } }
WHERE {
  { SELECT ?event (COUNT(DISTINCT ?g) AS ?reports)
    WHERE { GRAPH ?g { %(events)s ?event a kg:Event } %(not_special_g)s }
    GROUP BY ?event }
  OPTIONAL {
    SELECT ?event (MIN(?subtype) AS ?event_subtype)
    WHERE { GRAPH ?g { %(events)s ?event a kg:Event , ?subtype } FILTER(?subtype != kg:Event)
            %(not_special_g)s }
    GROUP BY ?event }
  OPTIONAL {
    SELECT ?event (COUNT(DISTINCT ?participant) AS ?participant_count)
    WHERE { GRAPH ?g { %(events)s ?participant kg:participantIn ?event } %(not_special_g)s }
    GROUP BY ?event }
  BIND(COALESCE(?event_subtype, kg:Event) AS ?type)
  BIND(COALESCE(?participant_count, 0) AS ?participants)
}""",
    """
INSERT { GRAPH <%(S)s> { ?event kgs:date ?date ; kgs:place ?place } }
WHERE {
  { SELECT DISTINCT ?event WHERE {
      { GRAPH ?g { %(events)s ?event a kg:Event } %(not_special_g)s }
      UNION
      { GRAPH ?g { %(events)s ?x kg:participantIn|kg:organizerOf ?event } %(not_special_g)s }
  } }
  OPTIONAL {
    SELECT ?event (MIN(?iso) AS ?iso_date)
    WHERE { GRAPH ?g { %(events)s ?event kg:date ?d . ?d kg:isoValue ?iso } %(not_special_g)s }
    GROUP BY ?event }
  OPTIONAL {
    SELECT ?event (MIN(STR(?start)) AS ?start_date)
    WHERE { GRAPH ?g { %(events)s ?event schema:startDate ?start } %(not_special_g)s }
    GROUP BY ?event }
  OPTIONAL {
    SELECT ?event (MIN(?where_name) AS ?settlement_name) WHERE {
      GRAPH ?g { %(events)s
                 ?event kg:takesPlaceIn ?where . ?where a kg:Place ; rdfs:label ?where_label }
      %(not_special_g)s
      OPTIONAL { GRAPH <%(L)s> { ?where skos:prefLabel ?where_pref } }
      BIND(COALESCE(?where_pref, ?where_label) AS ?where_name)
    }
    GROUP BY ?event }
  OPTIONAL {
    SELECT ?event (MIN(?where_name) AS ?venue_name) WHERE {
      GRAPH ?g {
        %(events)s
        ?event kg:takesPlaceIn ?where . ?where rdfs:label ?where_label .
        FILTER NOT EXISTS { ?where a kg:Place }
      }
      %(not_special_g)s
      OPTIONAL { GRAPH <%(L)s> { ?where skos:prefLabel ?where_pref } }
      BIND(COALESCE(?where_pref, ?where_label) AS ?where_name)
    }
    GROUP BY ?event }
  BIND(COALESCE(?iso_date, ?start_date) AS ?date)
  BIND(COALESCE(?settlement_name, ?venue_name) AS ?place)
}""",
    # the places and venues of the event and the places that contain them
    # (kg:locatedIn in any report): what its place search reads, and depends on
    """
INSERT { GRAPH <%(S)s> { ?event kgs:inPlace ?somewhere } }
WHERE {
  { GRAPH ?g { %(events)s ?event kg:takesPlaceIn ?somewhere } %(not_special_g)s }
  UNION
  { GRAPH ?g { %(events)s ?event kg:takesPlaceIn ?where } %(not_special_g)s
    GRAPH <%(S)s> { ?where kgs:locatedIn+ ?somewhere } }
}""",
    # a digest of those places' names, to tell later whether they changed
    """
INSERT { GRAPH <%(S)s> { ?x kgs:namesDigest ?digest } }
WHERE { %(digest)s }""",
    # their names, lower-cased, joined with " | "
    """
INSERT { GRAPH <%(S)s> { ?event kgs:placeSearch ?place_names } }
WHERE { SELECT ?event (GROUP_CONCAT(DISTINCT ?where_key; separator=" | ") AS ?place_names)
        WHERE { { SELECT ?event ?where_key WHERE {
          GRAPH <%(S)s> { %(events)s ?event kgs:inPlace ?somewhere }
          { SELECT DISTINCT ?somewhere ?where_key WHERE {
              { SELECT DISTINCT ?somewhere WHERE {
                  GRAPH <%(S)s> { %(events)s ?event kgs:inPlace ?somewhere } } }
              GRAPH ?lg { ?somewhere rdfs:label|skos:prefLabel|skos:altLabel|kg:canonicalLabel ?name }
              FILTER(?lg NOT IN (<%(S)s>))
              BIND(LCASE(STR(?name)) AS ?where_key)
          } }
        } ORDER BY ?where_key } }
        GROUP BY ?event }""",
]

# the names of places (all label kinds, lower-cased, sorted), as an MD5 digest: a
# consolidation redoes the events in a place only when this or its kg:locatedIn
# edges changed
_NAMES_DIGEST = """
SELECT ?x (MD5(GROUP_CONCAT(?key; separator="\\n")) AS ?digest) WHERE { { SELECT ?x ?key WHERE {
  { SELECT DISTINCT ?x ?key WHERE {
      { SELECT DISTINCT ?x WHERE { %(targets)s } }
      GRAPH ?lg { ?x rdfs:label|skos:prefLabel|skos:altLabel|kg:canonicalLabel ?name }
      FILTER(?lg NOT IN (<%(S)s>))
      BIND(LCASE(STR(?name)) AS ?key)
  } }
} ORDER BY ?key } } GROUP BY ?x"""

# organisers: the texts organisers.rq's name filter searches
_ORGANISERS = """
INSERT { GRAPH <%(S)s> { ?organiser kgs:organiserSearch ?search } }
WHERE { SELECT ?organiser (GROUP_CONCAT(DISTINCT ?key; separator="\\n") AS ?search)
        WHERE { { SELECT ?organiser ?key WHERE {
          { GRAPH ?g { %(organisers)s
                       ?organiser kg:organizerOf ?any_event ;
                                  rdfs:label|skos:altLabel|kg:canonicalLabel ?any_name }
            %(not_special_g)s }
          UNION
          { GRAPH <%(L)s> { %(organisers)s ?organiser skos:prefLabel ?any_name }
            FILTER EXISTS { GRAPH ?g2 { ?organiser kg:organizerOf ?any } } }
          BIND(LCASE(STR(?any_name)) AS ?key)
        } ORDER BY ?key } }
        GROUP BY ?organiser }"""

# the entities that get a display name and a rank, with their name: persons,
# events, organisers and the participants and events of rows
_NAMED = """
SELECT ?e ?name (LCASE(STR(?name)) AS ?key) WHERE { {
SELECT ?e (COALESCE(MIN(?pref), MIN(?label)) AS ?name) WHERE {
  { SELECT DISTINCT ?e WHERE {
      { GRAPH ?g { %(entities)s ?e a kg:Person } %(not_special_g)s }
      UNION { GRAPH ?g { %(entities)s ?e a kg:Event } %(not_special_g)s }
      UNION { GRAPH ?g { %(entities)s ?e kg:organizerOf|kg:participantIn ?x } %(not_special_g)s }
      UNION { GRAPH ?g { %(entities)s ?x kg:organizerOf|kg:participantIn ?e } %(not_special_g)s }
  } }
  OPTIONAL { GRAPH <%(L)s> { ?e skos:prefLabel ?pref } }
  OPTIONAL { GRAPH ?g { ?e rdfs:label ?label } %(not_special_g)s }
} GROUP BY ?e } }"""


class _Summariser:
    """One consolidation run over a store (see BaseStore.consolidate)."""

    def __init__(self, store: "BaseStore"):
        self.store = store
        self.timing: dict[str, float] = {}

    # -- reading
    def select(self, sparql: str):
        return self.store._select(_SUMMARY_PREFIXES + sparql)

    def _timed(self, step: str, fn, *args):
        t = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timing[step] = round(self.timing.get(step, 0.0) + time.perf_counter() - t, 3)

    def report_graphs(self) -> set[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {r[0].value for r in rows if isinstance(r[0], ox.NamedNode)} - set(SPECIAL_GRAPHS)

    def markers(self, graphs: set[str]) -> dict[str, str]:
        """graph -> what identifies the version of the report it holds: its sha256
        and the run that wrote it, or (no sha256) a hash of its triples."""
        out: dict[str, list[str]] = {}
        for g, sha, run in self.select(
                "SELECT ?g ?sha ?run WHERE { GRAPH ?g { ?g kg:sha256 ?sha "
                "OPTIONAL { ?g prov:wasGeneratedBy ?run } } }"):
            if g.value in graphs:
                out.setdefault(g.value, []).append(f"{sha.value} {run.value if run else ''}")
        markers = {g: " ".join(sorted(v)) for g, v in out.items()}
        for g in sorted(graphs - set(markers)):  # rare: graphs written without a report node
            digest = hashlib.sha256()
            lines = sorted(f"{s} {p} {o}" for s, p, o in self.select(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{_iri(g)}> {{ ?s ?p ?o }} }}"))
            for line in lines:
                digest.update(line.encode("utf-8") + b"\n")
            markers[g] = "graph " + digest.hexdigest()
        return markers

    def has_summary(self) -> bool:
        return bool(list(self.select(
            f"SELECT ?s WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?s ?p ?o }} }} LIMIT 1")))

    def summarised(self) -> tuple[str | None, dict[str, str]]:
        version = next((r[0].value for r in self.select(
            f"SELECT ?v WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ <{SUMMARY_GRAPH}> kgs:version ?v }} }}")),
            None)
        old = {r[0].value: r[1].value for r in self.select(
            f"SELECT ?g ?m WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?g kgs:marker ?m }} }}")}
        return version, old

    def entities_of(self, reports: set[str]) -> set[str]:
        """The entities the reports mention now (in their graphs) and mentioned when
        they were last summarised (kgs:entities)."""
        if not reports:
            return set()
        values = _values("report", reports)
        now = self.select(f"""SELECT DISTINCT ?e WHERE {{
            {{ GRAPH ?report {{ {values} ?e a ?class
                               FILTER(?class NOT IN (kg:Mention, kg:Statement, kg:Report)) }} }}
            UNION {{ GRAPH ?report {{ {values} ?e rdfs:label|kg:canonicalLabel|skos:altLabel ?l }} }}
            }}""")
        before = self.select(f"""SELECT ?entities WHERE {{ {values}
            GRAPH <{SUMMARY_GRAPH}> {{ ?report kgs:entities ?entities }} }}""")
        out = {r[0].value for r in now if isinstance(r[0], ox.NamedNode)}
        for r in before:
            out.update(r[0].value.split())
        return out

    def dependents(self, entities: set[str]) -> tuple[set[str], set[str]]:
        """The people whose posts, units or organisations name one of the entities,
        and the events whose places or places containing them are among them
        (kgs:dependsOn, kgs:inPlace as summarised)."""
        if not entities:
            return set(), set()
        values = _values("x", entities)
        people = self.select(f"""SELECT DISTINCT ?person WHERE {{
            GRAPH <{SUMMARY_GRAPH}> {{ {values} ?person kgs:dependsOn ?x ; kgs:search ?s }} }}""")
        events = self.select(f"""SELECT DISTINCT ?event WHERE {{
            GRAPH <{SUMMARY_GRAPH}> {{ {values} ?event kgs:inPlace ?x }} }}""")
        return ({r[0].value for r in people}, {r[0].value for r in events})

    def changed_places(self, entities: set[str]) -> set[str]:
        """Those of the entities that are places of events (kgs:inPlace) and whose
        names (their digest) or kg:locatedIn edges are no longer as summarised."""
        if not entities:
            return set()
        values = _values("x", entities)
        S = SUMMARY_GRAPH
        stored = {r[0].value: r[1].value for r in self.select(
            f"SELECT ?x ?d WHERE {{ GRAPH <{S}> {{ {values} ?x kgs:namesDigest ?d }} }}")}
        now = {r[0].value: r[1].value for r in self.select(_sub(
            _NAMES_DIGEST, targets=f"GRAPH <{S}> {{ {values} ?any kgs:inPlace ?x }}"))}
        old_edges, new_edges = set(), set()
        for x, y in self.select(f"SELECT ?x ?y WHERE {{ GRAPH <{S}> {{ {values} ?x kgs:locatedIn ?y }} }}"):
            old_edges.add((x.value, y.value))
        for x, y in self.select(f"SELECT DISTINCT ?x ?y WHERE {{ GRAPH ?g {{ {values} "
                                f"?x kg:locatedIn ?y }} {_NOT_SPECIAL.format(g='?g')} }}"):
            new_edges.add((x.value, y.value))
        moved = {x for x, _ in old_edges ^ new_edges}
        return {x for x in set(stored) | set(now) if stored.get(x) != now.get(x)} | moved

    def pref_labels(self, entities: set[str]) -> dict[str, str]:
        if not entities:
            return {}
        rows = self.select(f"""SELECT ?e ?label WHERE {{ GRAPH <{LABELS_GRAPH}> {{
            {_values("e", entities)} ?e skos:prefLabel ?label }} }}""")
        return {r[0].value: str(r[1]) for r in rows}

    def names(self, entities: set[str] | None) -> dict[str, tuple]:
        """entity -> (display name or None, its LCASE or None) for the named
        entities among `entities` (None: all), from the labels and report graphs.
        The lower-casing is the store's, since the order must be SPARQL's."""
        rows = self.select(_sub(_NAMED, entities=_values("e", entities)))
        return {r[0].value: (r[1], r[2].value if r[2] is not None else None)
                for r in rows if isinstance(r[0], ox.NamedNode)}

    def ranked(self) -> dict[str, tuple[str | None, int]]:
        """entity -> (lower-cased name or None, rank) as summarised now."""
        rows = self.select(f"""SELECT ?e ?key ?rank WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
            ?e kgs:rank ?rank OPTIONAL {{ ?e kgs:name ?name }} }}
            BIND(LCASE(STR(?name)) AS ?key) }}""")
        return {r[0].value: (r[1].value if r[1] is not None else None, int(r[2].value))
                for r in rows}


def _rank_order(keys: dict[str, str | None]) -> list[str]:
    """Entities in SPARQL's ORDER BY LCASE(STR(?name)) ?e order: no name first, then
    by the lower-cased name and the IRI, comparing code points as Oxigraph does."""
    return sorted(keys, key=lambda e: (keys[e] is not None, keys[e] or "", e))


def consolidate(store: "BaseStore", changed=(), full: bool = False, labels: bool = True) -> dict:
    """Bring the labels graph and the summary graph up to date with the report
    graphs; see BaseStore.consolidate. `store` needs only `_select` and `_update`.
    labels=False leaves the labels graph as it is (tests that set labels by hand)."""
    started = time.perf_counter()
    run = _Summariser(store)
    graphs = run._timed("detect", run.report_graphs)
    version, old = run._timed("detect", run.summarised)
    current = run._timed("detect", run.markers, graphs)
    if version != SUMMARY_VERSION:
        full = True
    if full:
        reports = set(graphs)
        gone: set[str] = set()
    else:
        reports = {g for g in graphs if old.get(g) != current[g]}
        reports |= {g for g in map(_iri, changed) if g in graphs}
        gone = set(old) - graphs
    result = {"mode": "full" if full else "incremental", "reports": len(reports),
              "removed": len(gone)}
    if not full and not reports and not gone:
        result["seconds"] = round(time.perf_counter() - started, 3)
        result["timing"] = run.timing
        return result

    if full:
        entities = None
        if labels:
            run._timed("labels", store._update, _REFRESH_LABELS)
        persons = events = organisers = None
    else:
        entities = run._timed("affected", run.entities_of, reports | gone)
        renamed = entities
        if labels:
            before_labels = run._timed("labels", run.pref_labels, entities)
            run._timed("labels", store._update, _refresh_labels_for(entities))
            after_labels = run._timed("labels", run.pref_labels, entities)
            # the people's lists show posts, units and organisations by their
            # prefLabel (a label only when they have none)
            renamed = {e for e in entities
                       if e not in after_labels or before_labels.get(e) != after_labels[e]}
        people_dep, _ = run._timed("affected", run.dependents, renamed)
        places = run._timed("affected", run.changed_places, entities)
        _, events_dep = run._timed("affected", run.dependents, places)
        persons, events, organisers = entities | people_dep, entities | events_dep, entities
        # (people and events redone for what they show of other entities)
        result.update(dependent_people=len(people_dep - entities),
                      dependent_events=len(events_dep - entities))
    # names, then ranks over every named entity (the unaffected keep theirs)
    names = run._timed("names", run.names, entities)
    before = {} if full else run._timed("names", run.ranked)
    keys = {e: k for e, (k, _) in before.items() if entities is None or e not in entities}
    keys.update((e, key) for e, (_, key) in names.items())
    new_ranks = {e: i for i, e in enumerate(_rank_order(keys))}
    old_ranks = {e: r for e, (_, r) in before.items()}
    moved = {e: r for e, r in new_ranks.items()
             if old_ranks.get(e) != r or (entities is not None and e in entities)}
    result.update(entities=len(keys) if full else len(entities), reranked=len(moved))

    ops = _summary_ops(full, reports, gone, entities, persons, events, organisers,
                       names, moved, current)
    if full and hasattr(store, "bulk_insert") and not run.has_summary():
        ops, result["bulk_loaded"] = run._timed("write", _first_summary, store, ops)
    run._timed("write", store._update, _SUMMARY_PREFIXES + " ;\n".join(ops))
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["timing"] = run.timing
    return result


_INSERT_INTO_SUMMARY = re.compile(
    r"\s*INSERT \{ GRAPH <%s> \{(.*?)\} \}\s*WHERE\b" % re.escape(SUMMARY_GRAPH), re.S)


def _first_summary(store: "BaseStore", ops: list[str]) -> tuple[list[str], int]:
    """Write a store's first summary faster; return the operations left to do and
    the number of quads written.

    The operations that read nothing of the summary run as CONSTRUCT queries, and
    their triples go into it in one bulk load (atomic; ~5 us a quad instead of ~30
    for an update's INSERT: most of a first consolidation's cost). The rest (those
    that read what the first wrote, and the markers that make the summary current)
    are left for the usual update. Only for a store without a summary: readers had
    none before, and a kill in between leaves a summary without its version, which
    the next run rebuilds from scratch."""
    first, rest = [], []
    for op in ops:
        m = _INSERT_INTO_SUMMARY.match(op)
        if op.strip() == f"DROP SILENT GRAPH <{SUMMARY_GRAPH}>":
            continue  # there is none (and it would drop the bulk-loaded part)
        if m and f"GRAPH <{SUMMARY_GRAPH}>" not in op[m.end():]:
            first.append(f"{_SUMMARY_PREFIXES}CONSTRUCT {{{m.group(1)}}}\nWHERE{op[m.end():]}")
        else:
            rest.append(op)
    graph = ox.NamedNode(SUMMARY_GRAPH)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
             for q in first for t in store._select(q)]
    store.bulk_insert(quads)
    return rest, len(quads)


def _refresh_labels_for(entities: set[str]) -> str:
    """_REFRESH_LABELS for some entities only: their prefLabel depends on nothing
    else than their own labels in the report graphs."""
    if not entities:
        return _PREFIX_DECL + "INSERT DATA { }"
    values = _values("e", entities)
    cand = _CANDIDATES.replace("{ GRAPH ?g { ?e rdfs:label", f"{{ GRAPH ?g {{ {values} ?e rdfs:label", 1)
    cand = cand.replace("{ GRAPH ?g { ?e kg:canonicalLabel",
                        f"{{ GRAPH ?g {{ {values} ?e kg:canonicalLabel", 1)
    assert cand.count(values) == 2
    return _PREFIX_DECL + """
DELETE { GRAPH <%(labels)s> { ?e skos:prefLabel ?old } }
WHERE { %(values)s GRAPH <%(labels)s> { ?e skos:prefLabel ?old } } ;
INSERT { GRAPH <%(labels)s> { ?e skos:prefLabel ?label } }
WHERE {
  SELECT ?e (MIN(?l) AS ?label) WHERE {
    { SELECT ?e (MAX(?k) AS ?best) WHERE { %(cand)s } GROUP BY ?e }
    %(cand)s
    FILTER(?k = ?best)
  } GROUP BY ?e
}""" % {"labels": LABELS_GRAPH, "values": values, "cand": cand}


def _summary_ops(full, reports, gone, entities, persons, events, organisers,
                 names, moved, markers) -> list[str]:
    """The operations of the one update that writes the summary."""
    S = SUMMARY_GRAPH
    ops = []
    if full:
        ops.append(f"DROP SILENT GRAPH <{S}>")
        restrict = dict(reports="", entities="", persons="", events="", organisers="")
    else:
        stale = _values("report", reports | gone)
        ops.append(f"DELETE {{ GRAPH <{S}> {{ ?row ?p ?o }} }} WHERE {{ {stale} "
                   f"GRAPH <{S}> {{ ?row kgs:report ?report ; ?p ?o }} }}")
        ops.append(f"DELETE {{ GRAPH <{S}> {{ ?report ?p ?o }} }} WHERE {{ {stale} "
                   f"GRAPH <{S}> {{ ?report ?p ?o }} FILTER(?p IN (kgs:entities, kgs:marker)) }}")
        touched = entities | persons | events | organisers
        if touched:  # what is recomputed below (names and ranks: at the end)
            ops.append(f"DELETE {{ GRAPH <{S}> {{ ?e ?p ?o }} }} WHERE {{ {_values('e', touched)} "
                       f"GRAPH <{S}> {{ ?e ?p ?o }} "
                       f"FILTER(?p NOT IN (kgs:name, kgs:rank)) }}")
        if entities:
            ops.append(f"DELETE {{ GRAPH <{S}> {{ ?e kgs:name ?o }} }} WHERE {{ "
                       f"{_values('e', entities)} GRAPH <{S}> {{ ?e kgs:name ?o }} }}")
        if entities or moved:
            ops.append(f"DELETE {{ GRAPH <{S}> {{ ?e kgs:rank ?o }} }} WHERE {{ "
                       f"{_values('e', entities | set(moved))} GRAPH <{S}> {{ ?e kgs:rank ?o }} }}")
        restrict = dict(reports=_values("report", reports) if reports else None,
                        entities=_values("x", entities) if entities else None,
                        persons=_values("person", persons) if persons else None,
                        events=_values("event", events) if events else None,
                        organisers=_values("organiser", organisers) if organisers else None)
    if restrict["reports"] is not None:
        for template in (_ROWS_ATTENDANCE, _ROWS_ORGANISERS, _ENTITIES_OF):
            ops.append(_sub(template, reports=restrict["reports"]))
    if restrict["entities"] is not None:
        ops.append(_sub(_LOCATED_IN, entities=restrict["entities"]))
    if restrict["persons"] is not None:
        ops += [_sub(t, persons=restrict["persons"]) for t in _PEOPLE]
    if restrict["events"] is not None:
        targets = _place_targets(restrict["events"],
                                 None if full or not entities else _values("x", entities))
        ops += [_sub(t, events=restrict["events"], targets=targets) for t in _EVENTS]
    if restrict["organisers"] is not None:
        ops.append(_sub(_ORGANISERS, organisers=restrict["organisers"]))
    # the names of the affected entities, and every rank that changed
    named = sorted((e, n) for e, (n, _) in names.items() if n is not None)
    for i in range(0, len(named), 5000):
        rows = " ".join(f"(<{e}> {n})" for e, n in named[i:i + 5000])
        ops.append(f"INSERT {{ GRAPH <{S}> {{ ?e kgs:name ?name }} }} "
                   f"WHERE {{ VALUES (?e ?name) {{ {rows} }} }}")
    ranks = sorted(moved.items())
    for i in range(0, len(ranks), 5000):
        rows = " ".join(f"(<{e}> {r})" for e, r in ranks[i:i + 5000])
        ops.append(f"INSERT {{ GRAPH <{S}> {{ ?e kgs:rank ?rank }} }} "
                   f"WHERE {{ VALUES (?e ?rank) {{ {rows} }} }}")
    # the event types of the rows and events, for the event_type parameter
    ops.append(f"DELETE WHERE {{ GRAPH <{S}> {{ <{S}> kgs:rowType ?t }} }}")
    ops.append(f"INSERT {{ GRAPH <{S}> {{ <{S}> kgs:rowType ?t }} }} WHERE {{ "
               f"SELECT DISTINCT ?t WHERE {{ GRAPH <{S}> {{ ?x kgs:eventType|kgs:type ?t }} }} }}")
    # bookkeeping
    lines = [f"<{g}> kgs:marker {ox.Literal(markers[g])} ." for g in sorted(reports)]
    if full:
        lines.append(f"<{S}> kgs:version {ox.Literal(SUMMARY_VERSION)} .")
    if lines:
        ops.append(f"INSERT DATA {{ GRAPH <{S}> {{\n" + "\n".join(lines) + "\n} }")
    return ops


# --- remote stores ------------------------------------------------------------------
#
# A RemoteStore talks SPARQL 1.1 Query and Update over HTTP (urllib; no other
# dependency): queries are POSTed form-encoded (query=...) with an Accept header for
# SPARQL JSON results (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE); updates are
# POSTed as application/sparql-update. Results are parsed by pyoxigraph, so callers
# get the same QuerySolutions / QueryBoolean / terms as from the embedded store.
# The Graph Store HTTP Protocol is not needed: `export` reads the quads with one
# SELECT over GRAPH ?g. See docs/remote-stores.md.

TIMEOUT_ENV = "KGRAPH_REMOTE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0  # seconds without an answer (connecting, or between bytes)
OXIGRAPH_UNION = "union-default-graph"  # Oxigraph server's per-query option
_JSON_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


@dataclass
class Endpoints:
    """Where a remote store is: see `parse_remote`."""

    query: str
    update: str | None
    credentials: str | None  # "user:password" for HTTP basic authentication
    display: str  # the location without the password, for messages


def parse_remote(location: str) -> Endpoints:
    """A remote --store value -> its endpoints.

    * `http(s)://[user:pass@]host:port[/path]`: a base URL with `/query` and
      `/update` under it: an Oxigraph server (`oxigraph serve`), whose queries
      get its `union-default-graph` option, or a Fuseki dataset
      (`http://host:3030/ds`).
    * `sparql+http(s)://QUERY_URL[?update=UPDATE_URL]`: explicit endpoints. The
      `update` parameter is kgraph's (an absolute URL, or relative to the query
      URL; percent-encode `&` inside it); every other parameter stays on the
      query URL (e.g. GraphDB's `infer=false`). Without `update` the store can
      only be read.
    """
    explicit = location.lower().startswith("sparql+")
    url = location[len("sparql+"):] if explicit else location
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise StoreError(f"not a server URL: {location!r} (expected http://host:port "
                         f"or sparql+http://host/query?update=...)")
    if parts.fragment:
        raise StoreError(f"{location!r}: a store URL has no #fragment")
    credentials = None
    display = location
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        netloc = host + (f":{parts.port}" if parts.port else "")
        display = ("sparql+" if explicit else "") + urlunsplit(
            parts._replace(netloc=f"{parts.username}@{netloc}"))
        parts = parts._replace(netloc=netloc)
    if not explicit:
        if parts.query:
            raise StoreError(f"{display!r}: a base URL takes no ?parameters; name the "
                             f"endpoints with sparql+http://QUERY_URL?update=UPDATE_URL")
        base = urlunsplit(parts).rstrip("/")
        return Endpoints(f"{base}/query?{OXIGRAPH_UNION}", f"{base}/update",
                         credentials, display)
    update = None
    kept = []
    for item in parts.query.split("&") if parts.query else []:
        key, _, value = item.partition("=")
        if key == "update":
            if not value:
                raise StoreError(f"{display!r}: update= needs a URL")
            update = urljoin(urlunsplit(parts._replace(query="")), unquote(value))
            if urlsplit(update).scheme.lower() not in ("http", "https"):
                raise StoreError(f"{display!r}: the update endpoint {update!r} is not "
                                 f"an http(s) URL")
        else:
            kept.append(item)
    return Endpoints(urlunsplit(parts._replace(query="&".join(kept))), update,
                     credentials, display)


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise StoreError(f"{TIMEOUT_ENV} must be positive, not {raw!r}")
    return value


class _HTTPStatus(Exception):
    def __init__(self, url: str, code: int, reason: str, text: str):
        super().__init__(f"{url} answered {code} {reason}: {text}".rstrip(": "))
        self.url, self.code, self.reason, self.text = url, code, reason, text


class _Triples(list):
    """A CONSTRUCT/DESCRIBE result read from a server: a list of pyoxigraph
    Triples (query.run shows them as rows) that serializes like QueryTriples."""

    def serialize(self, output=None, format=None):
        if not isinstance(format, ox.RdfFormat):
            raise ValueError(f"a graph result needs an RDF format: {', '.join(FORMATS)}")
        return ox.serialize(self, output, format)


class RemoteStore(BaseStore):
    """A kgraph dataset on a SPARQL 1.1 server (see `parse_remote` for the URLs).

    * Atomicity: every write is one SPARQL update request ("DROP SILENT GRAPH;
      INSERT DATA" for a report), which Oxigraph, Fuseki (TDB2) and GraphDB run
      as one transaction: all or nothing, and readers see the old graph or the
      new one.
    * No writer lock: kgraph cannot lock a server for other machines; run one
      ingest at a time against a remote store (docs/remote-stores.md).
    * Queries run over the server's default graph, which must be the union of
      the named graphs (as `use_default_graph_as_union` does for the embedded
      store). Opening checks it (one small query, which also tells whether the
      server answers) and refuses a server whose default graph is not the union.
    * Parameters are bound by VALUES blocks injected into the query text
      (`bind_values`): a server has no pre-binding.
    """

    def __init__(self, location: str, *, write: bool = False):
        endpoints = parse_remote(location)
        self.query_url, self.update_url = endpoints.query, endpoints.update
        self.location = endpoints.display  # never the password
        self.writable = write
        self.timeout = _timeout()
        self._auth = None
        if endpoints.credentials is not None:
            token = base64.b64encode(endpoints.credentials.encode("utf-8")).decode("ascii")
            self._auth = "Basic " + token
        if write and self.update_url is None:
            raise StoreError(f"{self.location} has no update endpoint, so it cannot be "
                             f"written: add ?update=URL (see docs/remote-stores.md)")
        self._check_union()

    def close(self) -> None:
        pass  # no connection is kept between requests

    # -- HTTP
    def _open(self, url: str, body: bytes, content_type: str, accept: str | None):
        headers = {"Content-Type": content_type, "User-Agent": "kgraph"}
        if accept:
            headers["Accept"] = accept
        if self._auth:
            headers["Authorization"] = self._auth
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            try:
                text = e.read(2000).decode("utf-8", "replace").strip()
            except Exception:  # noqa: BLE001 - the status is what matters
                text = ""
            raise _HTTPStatus(url, e.code, e.reason or "", " ".join(text.split())[:1000]) from None
        except urllib.error.URLError as e:
            raise StoreError(f"cannot reach {url}: {_why(e.reason, self.timeout)}") from None
        except (TimeoutError, socket.timeout) as e:
            raise StoreError(f"cannot reach {url}: {_why(e, self.timeout)}") from None
        except (OSError, http.client.HTTPException) as e:
            raise StoreError(f"cannot reach {url}: {_why(e, self.timeout)}") from None

    def _read(self, response, url: str) -> bytes:
        try:
            with response:
                return response.read()
        except (OSError, http.client.HTTPException) as e:
            raise StoreError(f"reading the answer of {url} failed: "
                             f"{_why(e, self.timeout)}") from None

    def _post_query(self, sparql: str, accept: str):
        """(response, content type) of a query; HTTP 400 -> SyntaxError, as the
        embedded store raises for a query it cannot parse or plan."""
        body = urlencode({"query": sparql}).encode("ascii")
        try:
            response = self._open(self.query_url, body,
                                  "application/x-www-form-urlencoded", accept)
        except _HTTPStatus as e:
            if e.code == 400:
                raise SyntaxError(f"{e.text or e.reason} (the server at "
                                  f"{self.query_url} refused the query)") from None
            raise StoreError(f"query failed: {e}") from None
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return response, ctype

    def _results(self, sparql: str):
        """A SELECT/ASK's pyoxigraph QuerySolutions or QueryBoolean."""
        response, ctype = self._post_query(sparql, _JSON_RESULTS)
        data = self._read(response, self.query_url)
        if ctype not in (_JSON_RESULTS, "application/json"):
            raise StoreError(f"{self.query_url} answered {ctype or 'no content type'}, not "
                             f"SPARQL JSON results: is it a SPARQL query endpoint?")
        try:
            return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        except SyntaxError as e:
            raise StoreError(f"{self.query_url} sent unreadable results: {e}") from None

    def _triples(self, sparql: str) -> _Triples:
        response, ctype = self._post_query(sparql, _NTRIPLES)
        data = self._read(response, self.query_url)
        if ctype not in (_NTRIPLES, "text/plain"):
            raise StoreError(f"{self.query_url} answered {ctype or 'no content type'}, "
                             f"not N-Triples: is it a SPARQL query endpoint?")
        try:
            return _Triples(q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES))
        except SyntaxError as e:
            raise StoreError(f"{self.query_url} sent unreadable N-Triples: {e}") from None

    # -- the store interface
    def _update(self, sparql: str) -> None:
        if not self.writable:
            raise StoreError(f"{self.location} is open read-only")
        body = sparql.encode("utf-8")
        try:
            response = self._open(self.update_url, body,
                                  "application/sparql-update; charset=utf-8", None)
        except _HTTPStatus as e:
            # a refused update request is not applied at all: servers parse the
            # whole request first and run it as one transaction
            raise StoreError(f"update failed (nothing written): {e}") from None
        self._read(response, self.update_url)

    def _select(self, sparql: str):
        try:
            return self._results(with_prefixes(sparql))
        except SyntaxError as e:  # kgraph's own query: the server cannot run it
            raise StoreError(f"{self.location} cannot run kgraph's query: {e}") from None

    def _quad_count(self) -> int:
        row = next(iter(self._select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))
        return int(row[0].value)

    def query(self, sparql: str, params: dict | None = None):
        """Like GraphStore.query: the union of all graphs (the server's default
        graph), `params` bound with VALUES (`bind_values`), vocab.PREFIXES
        predeclared. SELECT/ASK give pyoxigraph QuerySolutions/QueryBoolean;
        CONSTRUCT/DESCRIBE a list of Triples."""
        try:
            bound = bind_values(sparql, params or {})
        except ValueError as e:
            from kgraph.query import QueryError  # (kgraph.query imports this module)

            raise QueryError(f"cannot bind the parameters: {e}") from None
        text = with_prefixes(bound)
        try:
            if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
                return self._triples(text)
            return self._results(text)
        except SyntaxError as e:
            if text != bound:  # positions in the server's message count that line
                raise SyntaxError(f"{e} (kgraph put a line of PREFIX declarations "
                                  f"before the query)") from None
            raise

    def export(self, out: BinaryIO, format: str = "trig") -> None:
        """As GraphStore.export. Dataset formats: the quads of all named graphs,
        read with one SELECT over GRAPH ?g and streamed (kgraph writes no triple
        to the default graph); triple formats: as GraphStore.export."""
        fmt = _export_format(format)
        if not fmt.supports_datasets:
            self.query(_TRIPLE_EXPORT).serialize(out, fmt)
            return
        response, ctype = self._post_query(
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", _JSON_RESULTS)
        with response:
            if ctype not in (_JSON_RESULTS, "application/json"):
                raise StoreError(f"{self.query_url} answered {ctype}, not SPARQL JSON results")
            try:
                rows = ox.parse_query_results(response, ox.QueryResultsFormat.JSON)
                quads = (ox.Quad(r[0], r[1], r[2], r[3]) for r in rows)
                ox.serialize(quads, out, fmt, prefixes=SERIALIZE_PREFIXES)
            except BrokenPipeError:
                raise  # the reader of `out` went away (| head): not the server's fault
            except (OSError, http.client.HTTPException) as e:
                raise StoreError(f"reading the answer of {self.query_url} failed: "
                                 f"{_why(e, self.timeout)}") from None

    def _check_union(self) -> None:
        """Reach the server, and check that its default graph is the union of the
        named graphs (when there is data to tell): the queries rely on it."""
        row = next(iter(self._select(
            "SELECT ?union ?named WHERE { BIND(EXISTS { ?s ?p ?o } AS ?union) "
            "BIND(EXISTS { GRAPH ?g { ?s ?p ?o } } AS ?named) }")), None)
        if row is None:
            raise StoreError(f"{self.query_url} gave no answer row to a check query")
        if row["named"] is not None and row["named"].value == "true" \
                and row["union"] is not None and row["union"].value == "false":
            raise StoreError(
                f"{self.location}: the server's default graph is not the union of its "
                f"named graphs, so kgraph's queries would find nothing. Configure it "
                f"(Fuseki: tdb2:unionDefaultGraph true; Oxigraph: use the base URL or "
                f"--union-default-graph); see docs/remote-stores.md")


def _why(error, timeout: float) -> str:
    """The reason of a connection failure, in a few words."""
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (set {TIMEOUT_ENV} to wait longer)"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror or error})"
    if isinstance(error, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error) or type(error).__name__


# --- SPARQL text: query form, prefixes, parameter binding ---------------------------
#
# A server has no pre-binding, so parameters become VALUES blocks in the query text.
# The text is tokenized (strings, IRIs, comments, variables, brackets) and never
# pasted into: a value is written as an N-Triples term (pyoxigraph escapes literals;
# IRIs are validated), a parameter name must be a plain variable name.

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''
             | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*\"\"\"
             | '(?:[^'\\\r\n]|\\[\s\S])*'
             | "(?:[^"\\\r\n]|\\[\s\S])*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
  | (?P<word>(?:[^\s{}()\[\];,"'<>\#?$\\=!&|^*+/]|\\[\s\S])+)
  | (?P<punct>[\s\S])
""", re.X)
_VARNAME = re.compile(r"[\w\u00B7\u0300-\u036F\u203F\u2040]+")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_BIND_VAR_PREFIX = "_kgraph_bind_"


def _tokens(sparql: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of the significant tokens (no blanks, no comments)."""
    out = []
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            out.append((kind, m.group(), m.start(), m.end()))
    return out


def _is_word(token, *words: str) -> bool:
    return token[0] == "word" and token[1].upper() in words


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE (None: not a query)."""
    return next((t[1].upper() for t in _tokens(sparql) if _is_word(t, *_FORMS)), None)


def with_prefixes(sparql: str) -> str:
    """Predeclare the vocab.PREFIXES that the query does not declare itself (the
    embedded store's `prefixes=`; a query's own PREFIX wins)."""
    toks = _tokens(sparql)
    declared = {toks[i + 1][1][:-1] for i in range(len(toks) - 1)
                if _is_word(toks[i], "PREFIX") and toks[i + 1][1].endswith(":")}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in vocab.PREFIXES.items() if p not in declared]
    return (" ".join(missing) + "\n" + sparql) if missing else sparql


def sparql_term(term, name: str = "value") -> str:
    """A pyoxigraph NamedNode or Literal as SPARQL text, safely escaped."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if re.search(r'[<>"{}|^`\\\x00-\x20]', iri):
            raise ValueError(f"{name}: {iri!r} is not a valid IRI")
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return str(term)  # N-Triples: quotes, backslashes and line breaks escaped
    raise ValueError(f"{name}: a {type(term).__name__} cannot be a parameter value on a "
                     f"remote store (IRIs and literals can)")


class _Scope:
    """A SELECT level (the query, or a subquery) and the parameters bound in it."""

    def __init__(self, active: set[str]):
        self.active = active  # parameter names bound in this scope
        self.where: _Frame | None = None  # its WHERE group, once found
        self.parens = 0  # "(" open at its own level (SELECT clause, GROUP BY...)


class _Frame:
    """A brace-delimited block while scanning: a group graph pattern, the pattern
    of a [NOT] EXISTS, a subquery ({ SELECT ... }), a VALUES data block or a
    CONSTRUCT template."""

    def __init__(self, kind: str, token: int, scope: _Scope | None = None):
        self.kind = kind  # group | exists | sub | data | template
        self.token = token  # index of its "{"
        self.scope = scope  # group/exists: the scope it is in; sub: its own
        self.mentions: set[str] = set()  # variables used at its own level
        self.top_where = False  # a sub that is the query's WHERE group itself


def bind_values(sparql: str, params: dict) -> str:
    """Bind `params` (variable name -> NamedNode/Literal) in a query's text.

    The result behaves like Oxigraph's substitutions (pre-binding) in the
    embedded store. A `VALUES (?a ?b) { (term term) }` block opens the query's
    WHERE group, so the projection, FILTERs, OPTIONALs and EXISTS see the
    values. Every nested group that uses one of the variables itself gets one
    too (a FILTER in a UNION branch sees the value), while a [NOT] EXISTS pattern
    sees the bindings of the group whose FILTER holds it. A subquery
    (`{ SELECT ... }`) gets the values of the parameters it projects, like its
    nested groups; the others do not reach into it, as with substitutions (it is
    joined with them). `BIND(expr AS ?a)` on a bound parameter becomes
    `BIND(expr AS ?_kgraph_bind_N)` plus a FILTER keeping the rows where both
    agree or expr failed, which is what pre-binding does. A parameter assigned in
    the query's SELECT clause (`(expr AS ?a)`) cannot be bound: ValueError.
    """
    if not params:
        return sparql
    values = {}
    for name, term in params.items():
        if not isinstance(name, str) or not _VARNAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
        values[name] = sparql_term(term, name)
    toks = _tokens(sparql)
    form_at = next((i for i, t in enumerate(toks) if _is_word(t, *_FORMS)), None)
    if form_at is None:
        raise ValueError("parameters can only be bound in a query (SELECT, ASK, "
                         "CONSTRUCT or DESCRIBE)")
    form = toks[form_at][1].upper()
    query = _Scope(set(values))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in sparql
    frames: list[_Frame] = []
    template: _Frame | None = None
    short_construct = False  # CONSTRUCT WHERE { ... }
    data_brace = None  # index of the "{" of a VALUES data block
    for i in range(form_at, len(toks)):
        kind, text, start, end = toks[i]
        top = frames[-1] if frames else None
        # the scope whose own level this token is at, if any (not inside a group)
        level = query if top is None else top.scope if top.kind == "sub" else None
        if kind == "var":
            if top is not None and top.kind in ("group", "exists"):
                top.mentions.add(text[1:])
            elif level is query and query.where is None and query.parens \
                    and text[1:] in values and _is_word(toks[i - 1], "AS"):
                raise ValueError(f"parameter ?{text[1:]} is assigned in the SELECT clause "
                                 f"(... AS ?{text[1:]}), so it cannot be bound")
        elif _is_word(toks[i], "WHERE") and top is None and form == "CONSTRUCT" \
                and template is None:
            short_construct = True
        elif _is_word(toks[i], "VALUES"):
            j = i + 1
            while j < len(toks) and toks[j][1] != "{":
                j += 1
            data_brace = j
        elif _is_word(toks[i], "BIND") and top is not None and top.kind in ("group", "exists"):
            edits.extend(_bind_rewrite(toks, i, top.scope.active, values, len(edits)))
        elif kind != "punct":
            pass
        elif text in "()" and level is not None:
            level.parens += 1 if text == "(" else -1
        elif text == "{":
            scope = query if top is None else top.scope
            if i == data_brace:
                frame = _Frame("data", i)
            elif top is not None and top.kind in ("data", "template"):
                frame = _Frame(top.kind, i)
            elif top is None and not query.parens and form == "CONSTRUCT" \
                    and template is None and not short_construct:
                frame = template = _Frame("template", i)
            elif i + 1 < len(toks) and _is_word(toks[i + 1], "SELECT"):
                projected, assigned = _projection(toks, i + 1)
                frame = _Frame("sub", i, _Scope(scope.active & (projected - assigned)))
                if top is None and query.where is None and not query.parens:
                    frame.top_where = True  # WHERE { SELECT ... }
                    query.where = frame
            else:
                exists = top is not None and _is_word(toks[i - 1], "EXISTS")
                frame = _Frame("exists" if exists else "group", i, scope)
                if level is not None and level.where is None and not level.parens:
                    level.where = frame
            frames.append(frame)
        elif text == "}":
            if not frames:
                raise ValueError("unbalanced braces in the query")
            frame = frames.pop()
            names: list[str] = []
            if frame.kind == "exists":
                # [NOT] EXISTS sees the bindings of the group its FILTER is in
                if frames and frames[-1].kind in ("group", "exists"):
                    frames[-1].mentions |= frame.mentions
            elif frame.kind == "group":
                active = frame.scope.active
                names = [n for n in values if n in active
                         and (frame is frame.scope.where or n in frame.mentions)]
            elif frame.top_where:
                names = list(values)
            if names:
                block = _values_block(names, values)
                at = toks[frame.token][3]
                if frame.kind == "sub":  # WHERE { SELECT ... }: wrapped to take VALUES
                    edits.append((at, at, f" {block} {{"))
                    edits.append((start, start, "} "))
                else:
                    edits.append((at, at, f" {block} "))
    if frames:
        raise ValueError("unbalanced braces in the query")
    if query.where is None:
        if form != "DESCRIBE":
            raise ValueError(f"no WHERE group in the {form} query to bind parameters in")
        at = _describe_end(toks, form_at, len(sparql))  # DESCRIBE ?x: VALUES is the WHERE
        edits.append((at, at, f" WHERE {{ {_values_block(list(values), values)} }} "))
    elif short_construct:
        # CONSTRUCT WHERE { triples }: the same triples, without VALUES, as template
        body = sparql[toks[query.where.token][3]:_closing(toks, query.where.token)[2]]
        at = toks[form_at][3]
        edits.append((at, at, f" {{{body}}}"))
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


def _projection(toks, select_at: int) -> tuple[set[str], set[str]]:
    """A subquery's projected variables and those it assigns ((expr AS ?v)).
    SELECT * projects nothing here: its parameters are only joined."""
    projected, assigned = set(), set()
    depth = 0
    for j in range(select_at + 1, len(toks)):
        kind, text = toks[j][0], toks[j][1]
        if kind == "punct" and text == "(":
            depth += 1
        elif kind == "punct" and text == ")":
            depth -= 1
        elif kind == "punct" and text == "{" and depth == 0:
            break
        elif kind == "var" and depth == 0:
            projected.add(text[1:])
        elif kind == "var" and _is_word(toks[j - 1], "AS"):
            projected.add(text[1:])
            assigned.add(text[1:])
    return projected, assigned


def _values_block(names: list[str], values: dict[str, str]) -> str:
    return (f"VALUES ({' '.join('?' + n for n in names)}) "
            f"{{ ({' '.join(values[n] for n in names)}) }}")


def _closing(toks, open_at: int):
    """The token closing the bracket opened at toks[open_at]."""
    opener = toks[open_at][1]
    closer = {"{": "}", "(": ")"}[opener]
    depth = 0
    for j in range(open_at, len(toks)):
        if toks[j][0] == "punct" and toks[j][1] in (opener, closer):
            depth += 1 if toks[j][1] == opener else -1
            if depth == 0:
                return toks[j]
    raise ValueError("unbalanced brackets in the query")


def _bind_rewrite(toks, i: int, active: set[str], values: dict, n: int) -> list:
    """BIND(expr AS ?param) -> BIND(expr AS ?_kgraph_bind_N) FILTER(...): edits."""
    if i + 1 >= len(toks) or toks[i + 1][1] != "(":
        return []
    close = _closing(toks, i + 1)
    j = toks.index(close, i + 1)
    if j - 2 <= i + 1 or not _is_word(toks[j - 2], "AS") or toks[j - 1][0] != "var":
        return []
    name = toks[j - 1][1][1:]
    if name not in values or name not in active:
        return []
    var = f"?{_BIND_VAR_PREFIX}{n}"
    _, _, vstart, vend = toks[j - 1]
    return [(vstart, vend, var),
            (close[3], close[3], f" FILTER(COALESCE(sameTerm({var}, ?{name}), true))")]


def _describe_end(toks, form_at: int, length: int) -> int:
    """Where a DESCRIBE's resources (and FROM clauses) end."""
    j = form_at + 1
    while j < len(toks) and (toks[j][0] in ("var", "iri") or toks[j][1] == "*"
                             or (toks[j][0] == "word" and ":" in toks[j][1])
                             or _is_word(toks[j], "FROM", "NAMED")):
        j += 1
    return toks[j][2] if j < len(toks) else length
