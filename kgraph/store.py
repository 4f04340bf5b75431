"""The graph store: one named graph per report, plus ontology, labels and runs graphs.

`open_store(path)` gives a `GraphStore` over an embedded Oxigraph (RocksDB) store.
Writes are single SPARQL updates (`_update`) and reads are SPARQL queries, except
`export` (Store.dump), `stats`' quad count and `load_ontology`'s parsing, so a
remote SPARQL 1.1 store can later implement the same class by overriding a few
methods (`_update`, the query calls, `export`, `close`).

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

import json
import os
import socket
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterable
from urllib.parse import unquote

import pyoxigraph as ox

from kgraph import vocab

try:  # flock: per open file, released by the kernel when the process dies
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

ONTOLOGY_GRAPH = vocab.BASE + "ontology"
LABELS_GRAPH = vocab.ID + "graph/labels"
RUNS_GRAPH = vocab.ID + "graph/runs"
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


def open_store(location: str | None = None, *, write: bool = False) -> "GraphStore":
    location = location or default_location()
    if location.startswith(("http://", "https://")):
        raise StoreError(f"remote SPARQL stores are not supported yet: {location}")
    return GraphStore(location, write=write)


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
    try:
        return ox.Store(location)
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(
                f"{location} is in use by another program (RocksDB lock held: an "
                f"Oxigraph server or a process not using kgraph's lock?): {e}") from e
        raise StoreError(f"cannot open store {location}: {e}") from e


def _ntriple(s, p, o) -> str:
    # str() of pyoxigraph terms is N-Triples syntax, escapes included
    # ("\"", "\\", "\n", "\r", "\t"), which is valid inside SPARQL INSERT DATA
    return f"{s} {p} {o} ."


def _insert_data(graph: str, triples: Iterable[str]) -> str:
    body = "\n".join(triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def _iri(graph: str) -> str:
    return ox.NamedNode(graph).value  # validates: raises ValueError on a bad IRI


class GraphStore:
    """A kgraph dataset. Use `open_store`; close it (or use `with`)."""

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

    # -- plumbing
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

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
        rows = self._store.query(
            f"SELECT ?g ?sha WHERE {{ GRAPH ?g {{ ?g <{vocab.KG}sha256> ?sha }} }}")
        index = {}
        for g, sha in rows:
            rid = unquote(g.value[len(REPORT_PREFIX):])
            if vocab.report_iri(rid) != g.value:
                rid = self._identifier(g)
            index[rid] = (g.value, sha.value)
        return index

    def _identifier(self, graph: ox.NamedNode) -> str:
        rows = self._store.query(
            f"SELECT ?id WHERE {{ GRAPH {graph} {{ {graph} dcterms:identifier ?id }} }}",
            prefixes=vocab.PREFIXES)
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

    def refresh_labels(self) -> None:
        """Recompute the labels graph: one skos:prefLabel per entity.

        Candidates are the entity's kg:canonicalLabel values if it has any, else
        its rdfs:label values, from report graphs. The winner is the longest,
        then the most frequent (number of reports using it), then the first in
        code-point order. 10,000 reports / 15,000 entities: ~1 s.
        """
        self._update(_REFRESH_LABELS)

    # -- inspection
    def stats(self) -> dict:
        def scalar(sparql):
            row = next(iter(self._store.query(_PREFIX_DECL + sparql)))
            return int(row[0].value)

        def per_type(sparql):
            return {r[0].value: int(r[1].value)
                    for r in self._store.query(_PREFIX_DECL + sparql)}

        return {
            "reports": scalar("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g kg:sha256 ?s } }"),
            "quads": len(self._store),
            "entities": per_type(
                "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g {"
                " ?m kg:mentionType ?t ; kg:denotes ?e } } GROUP BY ?t ORDER BY ?t"),
            "relations": per_type(
                "SELECT ?t (COUNT(*) AS ?n) WHERE { GRAPH ?g {"
                " ?s kg:relationType ?t } } GROUP BY ?t ORDER BY ?t"),
            "mentions": scalar(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m kg:mentionType ?t } }"),
        }

    def export(self, out: BinaryIO, format: str = "trig") -> None:
        """Write the dataset. Dataset formats (trig, nquads, jsonld) keep every
        graph; triple formats (turtle, nt, rdfxml, n3) get the union of all
        graphs, deduplicated - which report a triple came from is lost."""
        try:
            fmt = FORMATS[format.lower()]
        except KeyError:
            raise StoreError(f"unknown export format {format!r}; "
                             f"choose from {', '.join(FORMATS)}") from None
        if fmt.supports_datasets:
            self._store.dump(out, fmt, prefixes=SERIALIZE_PREFIXES)
        else:
            union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                      use_default_graph_as_union=True)
            union.serialize(out, fmt)


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
    FILTER(?g NOT IN (<%(ontology)s>, <%(labels)s>, <%(runs)s>))
  } GROUP BY ?e ?l ?c }
""" % {"len": _PAD.format(x="STRLEN(STR(?l))"), "count": _PAD.format(x="COUNT(?g)"),
       "ontology": ONTOLOGY_GRAPH, "labels": LABELS_GRAPH, "runs": RUNS_GRAPH}
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
