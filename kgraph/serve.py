"""`kgraph serve`: a read-only SPARQL 1.1 Protocol endpoint and web pages over a store.

Routes (all GET unless said; see docs/serving.md):

* ``/sparql`` - the SPARQL 1.1 Protocol query operation: GET ``?query=``, POST
  form-encoded (``query=``) or ``application/sparql-query``. Results by content
  negotiation (or ``?format=``): SPARQL JSON (default), XML, CSV, TSV; CONSTRUCT
  and DESCRIBE as Turtle (default), N-Triples, JSON-LD, RDF/XML. Updates are
  refused (403). A GET without ``query`` (or a browser asking for HTML) gets the
  SPARQL editor page (YASGUI, served from kgraph/web/static/yasgui).
* ``/`` the ready questions of queries/ as forms; ``/ask/NAME?PARAM=...`` a page of the
  answer as an HTML table (``&page=N``), ``/ask/NAME.csv?...`` all of it as CSV;
* ``/entity?iri=IRI``, ``/report?iri=IRI``, ``/reports``; ``/id/...`` redirects
  the local part of an instance IRI (https://w3id.org/kgraph/id/...) to its page;
* ``/static/...`` the CSS and JavaScript (nothing is loaded from elsewhere);
  ``/health`` a JSON status.

Design (the reasons are in docs/serving.md):

* Queries run in a pool of worker *processes*, each holding a read-only
  handle of the store (`open_store(location)`: no lock, a snapshot as of
  opening). pyoxigraph cannot interrupt a running query, so the deadline is
  enforced by killing the worker that overran it (the client gets 503) and
  starting a fresh one: a runaway query never keeps burning a core.
* Results are read up to the row cap (`max_rows`) in the worker; a capped
  answer carries ``X-Kgraph-Truncated: true``.
* `StoreWatcher` notices when the store directory changed (a `kgraph ingest`
  wrote to it) and, once no writer holds the store's lock, bumps a generation
  number; workers reopen their handle when the generation they are given
  differs from theirs. So the periodic ingest keeps its writer lock, and the
  pages show the new reports seconds after it finished, without a restart.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import mimetypes
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, quote, unquote, urlencode

import pyoxigraph as ox

from kgraph import vocab
from kgraph.store import (KGS, LABELS_GRAPH, ONTOLOGY_GRAPH, REPORT_PREFIX,
                          SPECIAL_GRAPHS, SUMMARY_GRAPH, SUMMARY_ROW)

WEB_DIR = Path(__file__).resolve().parent / "web"
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 30.0  # seconds a query may run
DEFAULT_MAX_ROWS = 10_000  # rows (or triples) of one answer
DEFAULT_REFRESH = 2.0  # seconds between looks at the store directory
PAGE_ROWS = 1_000  # rows an HTML table shows
MAX_BODY = 1 << 20  # bytes of a POSTed query

XSD_STRING = vocab.PREFIXES["xsd"] + "string"
RDF = vocab.PREFIXES["rdf"]


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: list | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


# --- watching the store for new ingests ------------------------------------------------


def _is_remote(location: str) -> bool:
    from kgraph.store import is_remote

    return is_remote(location)


def store_signature(location: str) -> tuple:
    """What changes when a writer changed the store: RocksDB's data files (.sst),
    write-ahead logs (.log), MANIFEST and CURRENT - names, sizes, mtimes. The info
    log (LOG*), LOCK, OPTIONS and IDENTITY are left out: readers never touch the
    data files, so opening read-only handles does not change the signature."""
    entries = []
    try:
        with os.scandir(location) as it:
            for e in it:
                n = e.name
                if n.endswith((".sst", ".log")) or n.startswith("MANIFEST-") or n == "CURRENT":
                    try:
                        st = e.stat()
                    except FileNotFoundError:  # removed by a compaction meanwhile
                        continue
                    entries.append((n, st.st_size, st.st_mtime_ns))
    except FileNotFoundError:
        return ()
    return tuple(sorted(entries))


def writer_active(location: str) -> bool:
    """Whether a kgraph writer (e.g. `kgraph ingest`) holds the store now.

    Reads `<store>.lock` without locking it (taking even a shared flock would
    make a starting ingest fail): the holder writes its pid and host there and
    empties it on release. A holder that died without releasing (SIGKILL) left
    its info behind: a pid that no longer exists on this host does not count."""
    from kgraph.store import lock_path

    try:
        text = lock_path(location).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    if not text:
        return False
    try:
        info = json.loads(text)
    except ValueError:
        return True  # being written right now
    if info.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(info.get("pid")), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError):
        return True
    return True


class StoreWatcher:
    """A generation number that goes up when the store changed and no writer
    holds it any more. Looks at the directory at most every `interval` seconds
    (a few dozen stat calls); a writer that stays longer than `max_defer`
    seconds does not hold the pages back for ever."""

    def __init__(self, location: str, interval: float = DEFAULT_REFRESH,
                 max_defer: float = 600.0):
        self.location = location
        self.interval = interval
        self.max_defer = max_defer
        self.local = not _is_remote(location)
        self.generation = 0
        self.opened = time.time()  # when the current generation started
        self._signature = store_signature(location) if self.local else ()
        self._next = time.monotonic() + interval
        self._deferred_since: float | None = None
        self._lock = threading.Lock()

    def current(self) -> int:
        if not self.local or self.interval <= 0:
            return self.generation
        now = time.monotonic()
        if now < self._next or not self._lock.acquire(blocking=False):
            return self.generation
        try:
            self._next = now + self.interval
            signature = store_signature(self.location)
            if signature != self._signature:
                if writer_active(self.location):
                    self._deferred_since = self._deferred_since or now
                    if now - self._deferred_since < self.max_defer:
                        return self.generation
                self._deferred_since = None
                self._signature = signature
                self.generation += 1
                self.opened = time.time()
        finally:
            self._lock.release()
        return self.generation


# --- query workers ------------------------------------------------------------------------


@dataclass
class Outcome:
    """One query's answer as read by a worker: kind select | boolean | graph | error."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False
    status: int = 200  # for errors
    message: str = ""

    def dicts(self) -> list[dict]:
        return [dict(zip(self.variables, r)) for r in self.rows]


def evaluate(store, sparql: str, params: dict | None, cap: int) -> Outcome:
    """Run one query and read at most `cap` rows or triples."""
    if uses_service(sparql):
        return Outcome("error", status=400, message="SERVICE (federated query) is disabled "
                       "on this endpoint: it would make the server send requests elsewhere")
    try:
        result = store.query(sparql, params or None)
    except SyntaxError as e:
        return Outcome("error", status=400, message=f"SPARQL syntax error: {e}")
    except ValueError as e:  # e.g. a substitution the query does not allow
        return Outcome("error", status=400, message=str(e))
    if isinstance(result, ox.QueryBoolean):
        return Outcome("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            if len(rows) >= cap:
                return Outcome("select", variables, rows, truncated=True)
            rows.append(tuple(solution))
        return Outcome("select", variables, rows)
    triples = []
    for triple in result:
        if len(triples) >= cap:
            return Outcome("graph", triples=triples, truncated=True)
        triples.append(triple)
    return Outcome("graph", triples=triples)


def _worker_main(conn, location: str) -> None:  # pragma: no cover - runs in a child
    """A query worker: receives (generation, [(sparql, params)], cap), answers
    [Outcome]. Reopens its read-only handle when the generation changed; a read
    error (a file removed by the writer's compaction under an old handle) gets
    one retry on a fresh handle."""
    from kgraph.store import StoreError, open_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us
    store, generation = None, None

    def reopen():
        nonlocal store
        store = None  # drop the old handle first: RocksDB closes with it
        store = open_store(location)

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        gen, jobs, cap = message
        outcomes = []
        try:
            if store is None or gen != generation:
                reopen()
                generation = gen
            for sparql, params in jobs:
                try:
                    outcomes.append(evaluate(store, sparql, params, cap))
                except (OSError, RuntimeError) as e:
                    if not _store_file_error(e):
                        outcomes.append(Outcome("error", status=500, message=f"query failed: {e}"))
                        continue
                    reopen()
                    outcomes.append(evaluate(store, sparql, params, cap))
        except StoreError as e:
            store = None
            outcomes = [Outcome("error", status=503, message=str(e))] * len(jobs)
        except Exception as e:  # noqa: BLE001 - the worker must answer
            outcomes = [Outcome("error", status=500,
                                message=f"query failed: {type(e).__name__}: {e}")] * len(jobs)
        try:
            conn.send(outcomes)
        except (OSError, ValueError):
            return


def _store_file_error(e: Exception) -> bool:
    """A RocksDB read error of an old read-only handle (the writer's compaction
    removed a file it had not opened yet): a fresh handle fixes it."""
    text = str(e)
    return any(k in text for k in ("No such file", "Corruption", "IO error"))


_SKIP = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)


def uses_service(sparql: str) -> bool:
    """Whether the query has a SERVICE clause (strings, IRIs and comments aside).
    pyoxigraph would send the federated part over HTTP to any host it names:
    the endpoint refuses such queries rather than become a proxy."""
    # SPARQL processes \\uXXXX escapes before parsing (\\u0053ERVICE is SERVICE)
    text = re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: _char(m.group(1) or m.group(2)), sparql)
    return bool(_SERVICE.search(_SKIP.sub(" ", text)))


def _char(hex_digits: str) -> str:
    try:
        return chr(int(hex_digits, 16))
    except ValueError:
        return "\ufffd"


def _worker_entry(fd: int, location: str) -> None:  # pragma: no cover - runs in a child
    from multiprocessing.connection import Connection

    _worker_main(Connection(fd), location)


_WORKER_CODE = ("import sys; from kgraph.serve import _worker_entry; "
                "_worker_entry(int(sys.argv[1]), sys.argv[2])")


class _Worker:
    """A query worker: a fresh `python -c` process (not multiprocessing: nothing of
    the caller's __main__ is imported again), talking over a socket pair with
    multiprocessing's Connection (pickled messages)."""

    def __init__(self, location: str):
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [package_root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), location],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, kill: bool = False, grace: float = 5.0) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.conn.close()


class QueryTimeout(HTTPError):
    pass


class QueryPool:
    """`size` worker processes over one store. `run` hands a batch of queries to
    an idle worker and waits at most `timeout` seconds for it; a worker that
    overruns is killed and replaced. Waiting for an idle worker is bounded by
    `wait` seconds (then 503, "busy")."""

    def __init__(self, location: str, size: int = 2, timeout: float = DEFAULT_TIMEOUT,
                 wait: float | None = None, watcher: StoreWatcher | None = None):
        self.location = location
        self.size = max(1, size)
        self.timeout = timeout
        self.wait = timeout if wait is None else wait
        self.watcher = watcher or StoreWatcher(location, interval=0)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(self.size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.location)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=True)
        if not self._closed:
            self._add()

    def run(self, jobs: list[tuple[str, dict | None]], cap: int) -> list[Outcome]:
        if self._closed:
            raise HTTPError(503, "the server is stopping")
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise HTTPError(503, f"all {self.size} query workers stayed busy for "
                                 f"{self.wait:g} s; try again later",
                            [("Retry-After", "5")]) from None
        healthy = False
        try:
            worker.conn.send((self.watcher.current(), jobs, cap))
            if not worker.conn.poll(self.timeout):
                raise QueryTimeout(503, f"the query ran longer than the {self.timeout:g} s "
                                        f"timeout and was stopped",
                                   [("Retry-After", "5")])
            outcomes = worker.conn.recv()
            healthy = True
            return outcomes
        except (EOFError, OSError) as e:
            raise HTTPError(500, f"the query worker died ({type(e).__name__}); "
                                 f"it has been restarted") from None
        finally:
            if healthy:
                self._idle.put(worker)
            else:  # killed in the background: the client gets its 503 now
                threading.Thread(target=self._replace, args=(worker,), daemon=True).start()

    def one(self, sparql: str, params: dict | None, cap: int) -> Outcome:
        return self.run([(sparql, params)], cap)[0]

    def close(self, grace: float = 2.0) -> None:
        """Stop the workers: idle ones exit at once, busy ones are killed after
        `grace` seconds."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + grace
        for w in workers:
            try:
                w.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait(timeout=5)
            w.conn.close()


# --- SPARQL results serializers ------------------------------------------------------------
# Written here rather than with pyoxigraph's QuerySolutions.serialize because the
# rows were already read (capped) by the worker; tests round-trip them through
# pyoxigraph's parser. Graph results use pyoxigraph's RDF serializers.


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise TypeError(f"not an RDF term: {t!r}")


def results_json(o: Outcome) -> bytes:
    if o.kind == "boolean":
        return json.dumps({"head": {}, "boolean": o.boolean}).encode()
    bindings = [{v: _json_term(t) for v, t in zip(o.variables, row) if t is not None}
                for row in o.rows]
    return json.dumps({"head": {"vars": o.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(s: str) -> str:
    # characters XML 1.0 cannot carry (e.g. form feeds from PDFs) become U+FFFD
    return html.escape(_XML_INVALID.sub("\ufffd", s), quote=True)


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{_xml_text(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_xml_text(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f'<literal xml:lang="{_xml_text(t.language)}">{_xml_text(t.value)}</literal>'
        if t.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml_text(t.datatype.value)}">{_xml_text(t.value)}</literal>'
        return f"<literal>{_xml_text(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
                f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {t!r}")


def results_xml(o: Outcome) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if o.kind == "boolean":
        out.append(f"<head/><boolean>{'true' if o.boolean else 'false'}</boolean></sparql>\n")
        return "".join(out).encode("utf-8")
    out.append("<head>" + "".join(f'<variable name="{_xml_text(v)}"/>' for v in o.variables)
               + "</head>\n<results>\n")
    for row in o.rows:
        out.append("<result>" + "".join(
            f'<binding name="{_xml_text(v)}">{_xml_term(t)}</binding>'
            for v, t in zip(o.variables, row) if t is not None) + "</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return t.value
    return str(t)


def results_csv(o: Outcome) -> bytes:
    if o.kind == "boolean":  # as pyoxigraph writes it
        return b"true" if o.boolean else b"false"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(o.variables)
    for row in o.rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def results_tsv(o: Outcome) -> bytes:
    if o.kind == "boolean":
        return b"true" if o.boolean else b"false"
    # str() of a pyoxigraph term is its N-Triples form, with \t \n \r escaped
    lines = ["\t".join("?" + v for v in o.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in o.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# format name -> (media type, serializer); first media type of a kind is its default
RESULT_FORMATS: dict[str, tuple[str, Callable[[Outcome], bytes]]] = {
    "json": ("application/sparql-results+json", results_json),
    "xml": ("application/sparql-results+xml", results_xml),
    "csv": ("text/csv", results_csv),
    "tsv": ("text/tab-separated-values", results_tsv),
}
GRAPH_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
# media types clients send -> format name, per kind of answer
RESULT_MEDIA = {
    "application/sparql-results+json": "json", "application/json": "json",
    "text/javascript": "json", "application/javascript": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA = {
    "text/turtle": "turtle", "application/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
}
# ?format= / ?output= values (SPARQLWrapper sends both, with these names)
FORMAT_ALIASES = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"),
    "srx": ("xml", None), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
}


def graph_bytes(o: Outcome, fmt: str) -> bytes:
    from kgraph.store import SERIALIZE_PREFIXES

    rdf_format = GRAPH_FORMATS[fmt][1]
    prefixes = SERIALIZE_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD) else None
    return ox.serialize(o.triples, format=rdf_format, prefixes=prefixes)


# --- content negotiation ------------------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """`Accept` -> [(media range, q)], in header order; q=0 ranges kept (they refuse)."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def accept_quality(accept: list[tuple[str, float]], media: str) -> float:
    """The q of the most specific range matching `media` (-1 when none does)."""
    best, best_spec = -1.0, -1
    kind = media.split("/")[0]
    for rng, q in accept:
        if rng == media:
            spec = 2
        elif rng == kind + "/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if spec > best_spec:
            best, best_spec = q, spec
    return best


def negotiate(accept_header: str | None, media_map: dict[str, str], default: str) -> str:
    """The format name for the client's Accept: the acceptable media type with the
    highest q (ties: the order of media_map); `default` when nothing matches."""
    accept = parse_accept(accept_header)
    if not accept:
        return default
    best, best_q = None, 0.0
    for media, fmt in media_map.items():
        q = accept_quality(accept, media)
        if q > best_q:
            best, best_q = fmt, q
    return best or default


def prefers_html(accept_header: str | None) -> bool:
    """A browser navigating (text/html explicitly wanted over SPARQL results)."""
    accept = parse_accept(accept_header)
    html_q = max((q for r, q in accept if r in ("text/html", "application/xhtml+xml")), default=0)
    other = max((accept_quality(accept, m) for m in RESULT_MEDIA), default=0)
    return html_q > 0 and html_q >= other and any(r == "text/html" for r, _ in accept)


# --- turning terms into links -----------------------------------------------------------------


def page_for(iri: str) -> str | None:
    """The local page of an IRI: reports (and their mentions) -> /report,
    kgraph instances and ontology terms -> /entity, web IRIs -> themselves;
    anything else (urn:, javascript:, ...) -> no link, nor the summary graph's
    own terms and rows (see `is_summary_term`: they have no page)."""
    if is_summary_term(iri):
        return None
    if iri.startswith(REPORT_PREFIX):
        report, _, fragment = iri.partition("#")
        href = "/report?iri=" + quote(report, safe="")
        return href + ("#" + quote(fragment, safe="") if fragment else "")
    if iri.startswith(vocab.BASE):
        return "/entity?iri=" + quote(iri, safe="")
    if re.match(r"^https?://", iri):
        return iri
    return None


def is_summary_term(iri: str) -> bool:
    """The summary graph, its kgs: vocabulary and its row nodes
    (kgid:summary/attendance/...): kgraph's precomputed index for the ready
    questions (kgraph/store.py, docs/queries.md), not facts of the reports."""
    return iri == SUMMARY_GRAPH or iri.startswith((KGS, SUMMARY_ROW))


def short_iri(iri: str) -> str:
    from kgraph.output import shorten_iri

    return shorten_iri(iri)


def report_id(iri: str) -> str:
    return unquote(iri[len(REPORT_PREFIX):]) if iri.startswith(REPORT_PREFIX) else iri


def term_text(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        return short_iri(t.value)
    if isinstance(t, ox.Literal):
        return t.value
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    return str(t)


@dataclass
class Cell:
    text: str
    href: str | None = None
    title: str | None = None
    cls: str = ""
    external: bool = False


def table_cells(variables: list[str], rows: list[tuple]) -> list[list[Cell]]:
    """Rows of terms -> cells. IRIs link to their pages; a NAME_name column links
    to the page of the IRI in column NAME of the same row (person_name -> person)."""
    index = {v: i for i, v in enumerate(variables)}
    out = []
    for row in rows:
        cells = []
        for v, t in zip(variables, row):
            if isinstance(t, ox.NamedNode):
                href = page_for(t.value)
                cells.append(Cell(short_iri(t.value), href, t.value, "iri",
                                  external=bool(href) and not href.startswith("/")))
                continue
            cell = Cell(term_text(t), cls="num" if _numeric(t) else "")
            if v.endswith("_name") and v[:-5] in index and isinstance(t, ox.Literal):
                target = row[index[v[:-5]]]
                if isinstance(target, ox.NamedNode) and (h := page_for(target.value)) \
                        and h.startswith("/"):
                    cell.href, cell.title = h, target.value
            cells.append(cell)
        out.append(cells)
    return out


_NUMERIC = {vocab.PREFIXES["xsd"] + t for t in ("integer", "decimal", "double", "float")}


def _numeric(t) -> bool:
    return isinstance(t, ox.Literal) and t.datatype.value in _NUMERIC


# --- highlighting mentions in text ---------------------------------------------------------------


@dataclass
class Span:
    start: int
    end: int
    cls: str = ""  # CSS classes
    href: str | None = None  # where the mention's text links
    title: str = ""
    id: str | None = None  # an HTML id (anchor)
    children: list["Span"] = field(default_factory=list)


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def highlight(text: str, spans: list[Span]) -> str:
    """HTML of `text` with each span wrapped in <mark>; nested spans nest. All text
    is escaped. A span that crosses its parent's end is split there and goes on
    after it; spans out of the text's range are dropped. Links (<a>) never nest:
    a piece of text links to the innermost span that covers it."""
    import heapq

    n = len(text)
    todo = [((s.start, -s.end, i), Span(s.start, s.end, s.cls, s.href, s.title, s.id))
            for i, s in enumerate(spans) if 0 <= s.start < s.end <= n]
    heapq.heapify(todo)
    seq = len(todo)
    root = Span(0, n)
    stack = [root]
    while todo:
        _, s = heapq.heappop(todo)
        while stack[-1] is not root and s.start >= stack[-1].end:
            stack.pop()
        parent = stack[-1]
        if s.end > parent.end:  # crossing: the rest continues after the parent
            rest = Span(parent.end, s.end, s.cls, s.href, s.title)
            heapq.heappush(todo, ((rest.start, -rest.end, seq), rest))
            seq += 1
            s.end = parent.end
        parent.children.append(s)
        stack.append(s)
    out: list[str] = []

    def piece(a: int, b: int, link: str | None, title: str):
        if a >= b:
            return
        chunk = _esc(text[a:b])
        if link:
            out.append(f'<a href="{_esc(link)}" title="{_esc(title)}">{chunk}</a>')
        else:
            out.append(chunk)

    def render(node: Span, is_root: bool):
        if not is_root:
            attrs = f' class="{_esc(node.cls)}"'
            if node.id:
                attrs += f' id="{_esc(node.id)}"'
            if node.title:
                attrs += f' data-title="{_esc(node.title)}"'
            out.append(f"<mark{attrs}>")
        pos = node.start
        for child in node.children:
            piece(pos, child.start, node.href, node.title)
            render(child, False)
            pos = child.end
        piece(pos, node.end, node.href, node.title)
        if not is_root:
            out.append("</mark>")

    render(root, True)
    return "".join(out)


# --- the page queries -------------------------------------------------------------------------------

# graphs that are not reports: ontology, labels, runs, and the summary graph (its
# kgs: triples about an entity are an index for the ready questions, not facts)
_EXCLUDED_GRAPHS = ", ".join(f"<{g}>" for g in SPECIAL_GRAPHS)
_NOT_KGS = f'FILTER(!STRSTARTS(STR(?p), "{KGS}"))'  # wherever a kgs: triple may be
_LABEL_PREDICATES = "skos:prefLabel, rdfs:label, skos:altLabel, kg:canonicalLabel"

# %ENTITY% and %REPORT% are replaced by a validated IRI in N-Triples form (see
# `fill`): with Oxigraph 0.5 a *substituted* variable is joined in after the
# pattern was evaluated (`?s ?p ?entity` read the whole store: 8 s on 10,000
# reports), a constant is used by the index (1 ms).
# The description reads every graph but the summary: the labels graph gives the
# preferred label, the ontology graph the labels and comments of kg: terms.
Q_ENTITY_DESCRIPTION = f"""
SELECT DISTINCT ?p ?o WHERE {{
  GRAPH ?g {{ %ENTITY% ?p ?o }}
  FILTER(?g != <{SUMMARY_GRAPH}>)
  {_NOT_KGS}
  FILTER(?p IN (rdf:type, {_LABEL_PREDICATES}, rdfs:comment, owl:sameAs)
         || (isLiteral(?o) && ?p != kg:text))
}} ORDER BY ?p ?o
"""

# facts: from report graphs only, each with the reports that state it
Q_ENTITY_OUT = f"""
SELECT ?p ?o (COALESCE(MIN(?pref), MIN(?label)) AS ?name)
       (GROUP_CONCAT(DISTINCT ?role_key; separator=", ") AS ?roles)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?reports)
WHERE {{
  GRAPH ?g {{ %ENTITY% ?p ?o }}
  FILTER(isIRI(?o) && ?p NOT IN (rdf:type, owl:sameAs))
  FILTER(?g NOT IN ({_EXCLUDED_GRAPHS}))
  {_NOT_KGS}
  OPTIONAL {{
    GRAPH ?g {{ ?st rdf:subject %ENTITY% ; rdf:predicate ?p ; rdf:object ?o ; kg:role ?role }}
    BIND(STRAFTER(STR(?role), "#role-") AS ?role_key)
  }}
  OPTIONAL {{ GRAPH <{LABELS_GRAPH}> {{ ?o skos:prefLabel ?pref }} }}
  OPTIONAL {{ GRAPH ?g {{ ?o rdfs:label ?label }} }}
}} GROUP BY ?p ?o ORDER BY ?p ?name ?o LIMIT 1000
"""

Q_ENTITY_IN = f"""
SELECT ?s ?p (COALESCE(MIN(?pref), MIN(?label)) AS ?name)
       (GROUP_CONCAT(DISTINCT ?role_key; separator=", ") AS ?roles)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?reports)
WHERE {{
  GRAPH ?g {{ ?s ?p %ENTITY% }}
  FILTER(?p NOT IN (rdf:subject, rdf:object, kg:denotes, kg:evidence, owl:sameAs))
  FILTER(?g NOT IN ({_EXCLUDED_GRAPHS}))
  {_NOT_KGS}
  OPTIONAL {{
    GRAPH ?g {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object %ENTITY% ; kg:role ?role }}
    BIND(STRAFTER(STR(?role), "#role-") AS ?role_key)
  }}
  OPTIONAL {{ GRAPH <{LABELS_GRAPH}> {{ ?s skos:prefLabel ?pref }} }}
  OPTIONAL {{ GRAPH ?g {{ ?s rdfs:label ?label }} }}
}} GROUP BY ?s ?p ORDER BY ?p ?name ?s LIMIT 1000
"""

Q_ENTITY_MENTIONS = """
SELECT ?mention ?report ?start ?end ?surface ?type ?sentence ?sentence_start ?title ?date
WHERE {
  GRAPH ?report {
    ?mention kg:denotes %ENTITY% ; kg:start ?start ; kg:end ?end ;
             kg:surface ?surface ; kg:mentionType ?type .
    OPTIONAL { ?mention kg:sentence ?sentence }
    OPTIONAL { ?mention kg:sentenceStart ?sentence_start }
    OPTIONAL { ?report dcterms:title ?title }
    OPTIONAL { ?report dcterms:date ?date }
  }
} ORDER BY DESC(STR(?date)) ?report ?start LIMIT 501
"""

Q_REPORT_META = """
SELECT ?p ?o WHERE { GRAPH %REPORT% { %REPORT% ?p ?o } } ORDER BY ?p
"""

Q_REPORT_MENTIONS = f"""
SELECT ?mention ?start ?end ?type ?surface ?entity (COALESCE(MIN(?pref), MIN(?label)) AS ?name)
WHERE {{
  GRAPH %REPORT% {{
    ?mention a kg:Mention ; kg:start ?start ; kg:end ?end ; kg:mentionType ?type ; kg:surface ?surface .
    OPTIONAL {{ ?mention kg:denotes ?entity . OPTIONAL {{ ?entity rdfs:label ?label }} }}
  }}
  OPTIONAL {{ GRAPH <{LABELS_GRAPH}> {{ ?entity skos:prefLabel ?pref }} }}
}} GROUP BY ?mention ?start ?end ?type ?surface ?entity ORDER BY ?start DESC(?end)
"""

Q_REPORT_FACTS = f"""
SELECT ?st ?s ?p ?o ?type ?role (MIN(?s_name0) AS ?s_name) (MIN(?o_name0) AS ?o_name)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?ev), "#"); separator=" ") AS ?evidence)
WHERE {{
  GRAPH %REPORT% {{
    ?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:relationType ?type .
    OPTIONAL {{ ?st kg:role ?role }}
    OPTIONAL {{ ?st kg:evidence ?ev }}
    OPTIONAL {{ ?s rdfs:label ?s_label }}
    OPTIONAL {{ ?o rdfs:label ?o_label }}
  }}
  OPTIONAL {{ GRAPH <{LABELS_GRAPH}> {{ ?s skos:prefLabel ?s_pref }} }}
  OPTIONAL {{ GRAPH <{LABELS_GRAPH}> {{ ?o skos:prefLabel ?o_pref }} }}
  BIND(COALESCE(?s_pref, ?s_label) AS ?s_name0)
  BIND(COALESCE(?o_pref, ?o_label) AS ?o_name0)
}} GROUP BY ?st ?s ?p ?o ?type ?role ORDER BY ?type ?s_name ?o_name
"""


def fill(template: str, **iris: ox.NamedNode) -> str:
    """Put IRIs into a page query: %NAME% -> <iri>. pyoxigraph has validated each
    NamedNode (no space, <, >, ", {, }, |, ^, ` or \\ can be in it), so the text
    cannot break out of the IRI."""
    for name, iri in iris.items():
        if not isinstance(iri, ox.NamedNode):
            raise TypeError(f"{name} must be a NamedNode")
        template = template.replace(f"%{name.upper()}%", str(iri))
    return template


Q_REPORTS = """
SELECT ?report ?id ?title ?date ?source WHERE {
  GRAPH ?report {
    ?report a kg:Report .
    OPTIONAL { ?report dcterms:identifier ?id }
    OPTIONAL { ?report dcterms:title ?title }
    OPTIONAL { ?report dcterms:date ?date }
    OPTIONAL { ?report dcterms:source ?source }
  }
} ORDER BY DESC(STR(?date)) ?report
"""

Q_TERM_LABELS = f"""
SELECT ?term ?label WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?term rdfs:label ?label }} FILTER(isIRI(?term))
}}
"""

Q_CLASSES = f"""
SELECT DISTINCT ?class WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?class a owl:Class }} FILTER(isIRI(?class))
}} ORDER BY ?class
"""


# --- requests and responses -----------------------------------------------------------------------------


class Request:
    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "") or "/"
        self.args = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.accept = environ.get("HTTP_ACCEPT")
        self._body: bytes | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.args.get(name)
        return values[0] if values else default

    @property
    def content_type(self) -> str:
        return (self.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise HTTPError(400, "bad Content-Length") from None
            if length > MAX_BODY:
                raise HTTPError(413, f"the request body is over {MAX_BODY} bytes")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def form(self) -> dict[str, list[str]]:
        if self.content_type != "application/x-www-form-urlencoded":
            return {}
        try:
            text = self.body().decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPError(400, "the form is not UTF-8") from None
        return parse_qs(text, keep_blank_values=True)


@dataclass
class Response:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def redirect(location: str) -> Response:
    return Response(b"", 303, "text/plain", [("Location", location)])


STATUS_TEXT = {200: "OK", 302: "Found", 303: "See Other", 400: "Bad Request", 403: "Forbidden",
               404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
               413: "Payload Too Large", 415: "Unsupported Media Type",
               500: "Internal Server Error", 503: "Service Unavailable"}

# pages: scripts only from here, no inline scripts, nothing fetched from elsewhere
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


# --- the application -------------------------------------------------------------------------------------


class App:
    """The WSGI application. `pool` runs the queries; `queries_dir` overrides
    where the ready questions are read from (default: kgraph.query.queries_dir)."""

    def __init__(self, pool: QueryPool, *, max_rows: int = DEFAULT_MAX_ROWS,
                 page_rows: int = PAGE_ROWS, queries_dir: str | None = None):
        import jinja2

        self.pool = pool
        self.max_rows = max_rows
        self.page_rows = page_rows
        self.queries_dir = queries_dir
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(short_iri=short_iri, page_for=page_for, quote=quote,
                                report_id=report_id, term_text=term_text)
        self._terms: tuple[int, dict] = (-1, {})
        self._classes: tuple[int, list] = (-1, [])
        self._terms_lock = threading.Lock()

    # -- WSGI
    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPError as e:
            response = self.error(request, e)
        except Exception as e:  # noqa: BLE001 - one bad request must not kill the server
            print(f"kgraph serve: {request.method} {request.path}: "
                  f"{type(e).__name__}: {e}", file=sys.stderr)
            response = self.error(request, HTTPError(500, f"{type(e).__name__}: {e}"))
        headers = [("Content-Type", response.content_type),
                   ("Content-Length", str(len(response.body))),
                   ("X-Content-Type-Options", "nosniff")]
        if response.content_type.startswith("text/html"):
            headers += [("Content-Security-Policy", CSP), ("Referrer-Policy", "no-referrer")]
        headers += response.headers
        start_response(f"{response.status} {STATUS_TEXT.get(response.status, '')}".strip(),
                       headers)
        return [b""] if request.method == "HEAD" else [response.body]

    def dispatch(self, r: Request) -> Response:
        path = r.path
        if path == "/sparql":
            return self.sparql(r)
        if r.method not in ("GET", "HEAD"):
            raise HTTPError(405, f"{r.method} is not allowed here", [("Allow", "GET, HEAD")])
        if path == "/":
            return self.home(r)
        if path.startswith("/ask/"):
            return self.ask(r, path[len("/ask/"):])
        if path == "/entity":
            return self.entity(r)
        if path == "/report":
            return self.report(r)
        if path == "/reports":
            return self.reports(r)
        if path.startswith("/static/"):
            return self.static(path[len("/static/"):])
        if path.startswith("/id/"):
            return self.dereference(r)
        if path == "/health":
            return self.health()
        if path == "/favicon.ico":
            return Response(b"", 404, "text/plain")
        raise HTTPError(404, f"no page at {path}")

    def render(self, template: str, code: int = 200, **context) -> Response:
        body = self.env.get_template(template).render(**context).encode("utf-8")
        return Response(body, code)

    def error(self, r: Request, e: HTTPError) -> Response:
        if r.path == "/sparql" and not prefers_html(r.accept) or r.path.startswith("/static/") \
                or r.path.endswith(".csv") or r.path == "/health":
            return Response((e.message + "\n").encode("utf-8"), e.status,
                            "text/plain; charset=utf-8", e.headers)
        page = self.render("error.html", e.status, status=e.status,
                           reason=STATUS_TEXT.get(e.status, ""), message=e.message)
        page.headers = e.headers
        return page

    # -- queries
    def run(self, jobs: list[tuple[str, dict | None]], cap: int | None = None) -> list[Outcome]:
        outcomes = self.pool.run(jobs, cap or self.max_rows)
        for o in outcomes:
            if o.kind == "error":
                raise HTTPError(o.status, o.message)
        return outcomes

    def term_labels(self) -> dict[str, str]:
        """Ontology term IRI -> its English label (Russian if none), per generation."""
        gen = self.pool.watcher.generation
        if self._terms[0] != gen:
            with self._terms_lock:
                if self._terms[0] != gen:
                    o = self.run([(Q_TERM_LABELS, None)])[0]
                    labels: dict[str, str] = {}
                    for term, label in o.rows:  # English wins, else Russian, else any
                        rank = {"en": 0, "ru": 1}.get(label.language or "", 2)
                        old = labels.get(term.value)
                        if old is None or rank < old[0]:
                            labels[term.value] = (rank, label.value)
                    self._terms = (gen, {k: v for k, (_, v) in labels.items()})
        return self._terms[1]

    def predicate_label(self, iri: str) -> str:
        return self.term_labels().get(iri) or short_iri(iri)

    # -- /sparql
    def sparql(self, r: Request) -> Response:
        if r.method in ("GET", "HEAD"):
            args = r.args
            if "update" in args:
                raise HTTPError(403, "this endpoint is read-only: SPARQL Update is not accepted")
            if "query" not in args:
                return self.editor(r)
            queries = args["query"]
            if prefers_html(r.accept) and not r.arg("format") and not r.arg("output"):
                return self.sparql_html(r, queries[0])
        elif r.method == "POST":
            ctype = r.content_type
            args = dict(r.args)
            if ctype == "application/sparql-update":
                raise HTTPError(403, "this endpoint is read-only: SPARQL Update is not accepted")
            if ctype == "application/x-www-form-urlencoded":
                form = r.form()
                if "update" in form:
                    raise HTTPError(403, "this endpoint is read-only: SPARQL Update is not accepted")
                queries = form.get("query", [])
                for k, v in form.items():
                    args.setdefault(k, v)
            elif ctype == "application/sparql-query":
                try:
                    queries = [r.body().decode("utf-8")]
                except UnicodeDecodeError:
                    raise HTTPError(400, "the query is not UTF-8") from None
            else:
                raise HTTPError(415, "POST a query as application/x-www-form-urlencoded "
                                     "(query=...) or application/sparql-query")
            r.args = args
        else:
            raise HTTPError(405, f"{r.method} is not allowed on /sparql",
                            [("Allow", "GET, HEAD, POST")])
        if len(queries) != 1:
            raise HTTPError(400, "give exactly one query")
        if r.args.get("default-graph-uri") or r.args.get("named-graph-uri"):
            raise HTTPError(400, "default-graph-uri and named-graph-uri are not supported: the "
                                 "default graph is the union of all graphs; use GRAPH in the query")
        outcome = self.run([(queries[0], None)])[0]
        return self.sparql_response(r, outcome)

    def sparql_response(self, r: Request, o: Outcome) -> Response:
        requested = (r.arg("format") or r.arg("output") or "").strip().lower()
        headers = [("X-Kgraph-Row-Limit", str(self.max_rows)),
                   ("X-Kgraph-Truncated", "true" if o.truncated else "false"),
                   ("Vary", "Accept"), ("Cache-Control", "no-store")]
        if o.kind == "graph":
            fmt = None
            if requested:
                fmt = FORMAT_ALIASES.get(requested, (None, None))[1] or GRAPH_MEDIA.get(requested)
            fmt = fmt or negotiate(r.accept, GRAPH_MEDIA, "turtle")
            media = GRAPH_FORMATS[fmt][0]
            return Response(graph_bytes(o, fmt), 200, media + "; charset=utf-8"
                            if fmt != "jsonld" else media, headers)
        fmt = None
        if requested:
            fmt = FORMAT_ALIASES.get(requested, (None, None))[0] or RESULT_MEDIA.get(requested)
        fmt = fmt or negotiate(r.accept, RESULT_MEDIA, "json")
        media, serializer = RESULT_FORMATS[fmt]
        ctype = media + "; charset=utf-8" if media.startswith("text/") else media
        return Response(serializer(o), 200, ctype, headers)

    def sparql_html(self, r: Request, sparql: str) -> Response:
        outcome = self.run([(sparql, None)])[0]
        return self.render("sparql_result.html", sparql=sparql, outcome=outcome,
                           cells=table_cells(outcome.variables, outcome.rows[:self.page_rows])
                           if outcome.kind == "select" else [],
                           graph_text=graph_bytes(outcome, "turtle").decode("utf-8")
                           if outcome.kind == "graph" else "",
                           shown=min(len(outcome.rows), self.page_rows),
                           max_rows=self.max_rows,
                           csv_href="/sparql?" + urlencode({"query": sparql, "format": "csv"}))

    def editor(self, r: Request) -> Response:
        example = ("SELECT ?person ?name WHERE {\n  ?person a kg:Person ; skos:prefLabel ?name .\n}"
                   "\nORDER BY ?name\nLIMIT 20")
        prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in vocab.PREFIXES.items())
        return self.render("sparql.html", example=prefixes + "\n" + example,
                           yasgui=(STATIC_DIR / "yasgui" / "yasgui.min.js").is_file())

    # -- ready questions
    def queries(self) -> dict:
        from kgraph.query import load_queries

        return load_queries(self.queries_dir)

    def home(self, r: Request) -> Response:
        return self.render("home.html", queries=self.queries(), values={},
                           classes=self.classes())

    def classes(self) -> list[str]:
        """Ontology classes (kg:Congress...) for the datalist of iri inputs, read
        once per store generation."""
        gen = self.pool.watcher.generation
        cached = self._classes
        if cached[0] == gen:
            return cached[1]
        try:
            o = self.run([(Q_CLASSES, None)], cap=500)[0]
        except HTTPError:
            return []
        classes = [short_iri(t.value) for (t,) in o.rows if isinstance(t, ox.NamedNode)
                   and t.value.startswith(vocab.KG)]
        self._classes = (gen, classes)
        return classes

    def ask(self, r: Request, name: str) -> Response:
        from kgraph.output import write_rows
        from kgraph.query import QueryError, bind, paged

        as_csv = name.endswith(".csv")
        name = name[:-4] if as_csv else name
        queries = self.queries()
        q = queries.get(name)
        if q is None:
            raise HTTPError(404, f"no ready question {name!r}; see the list on the home page")
        values = {p.name: (r.arg(p.name) or "").strip() for p in q.params}
        given = {k: v for k, v in values.items() if v}
        try:
            terms = bind(q, given)
        except QueryError as e:
            if as_csv:
                raise HTTPError(400, str(e)) from None
            return self.render("ask.html", 400, q=q, values=values, error=str(e),
                               classes=self.classes())
        if as_csv:  # the whole answer (up to --max-rows), never a page
            outcome = self.run([(q.sparql, terms)])[0]
            buf = io.StringIO()
            write_rows(outcome.variables, outcome.dicts(), "csv", buf)
            headers = [("Content-Disposition", f'attachment; filename="{name}.csv"'),
                       ("X-Kgraph-Row-Limit", str(self.max_rows)),
                       ("X-Kgraph-Truncated", "true" if outcome.truncated else "false")]
            return Response(buf.getvalue().encode("utf-8"), 200, "text/csv; charset=utf-8",
                            headers)
        # a page: the store computes page_rows rows (+1: is there a next page?)
        page = _page_number(r)
        per = self.page_rows
        first = (page - 1) * per
        outcome = self.run([(paged(q.sparql, per + 1, first), terms)], cap=per + 1)[0]
        rows = outcome.rows[:per]
        more = len(outcome.rows) > per
        qs = urlencode(given)
        here = f"/ask/{quote(name)}?" + (f"{qs}&" if qs else "")
        return self.render("ask.html", q=q, values=values, outcome=outcome,
                           variables=outcome.variables, rows=rows,
                           cells=table_cells(outcome.variables, rows),
                           first=first + 1, last=first + len(rows), page=page,
                           prev_href=f"{here}page={page - 1}" if page > 1 and rows else None,
                           next_href=f"{here}page={page + 1}" if more else None,
                           first_href=here.rstrip("?&"), classes=self.classes(),
                           csv_href=f"/ask/{quote(name)}.csv" + (f"?{qs}" if qs else ""))

    # -- entity and report pages
    def _iri_arg(self, r: Request) -> ox.NamedNode:
        raw = (r.arg("iri") or "").strip()
        if not raw:
            raise HTTPError(400, "give the IRI: ?iri=https://w3id.org/kgraph/id/...")
        if ":" in raw and raw.split(":", 1)[0] in vocab.PREFIXES and "://" not in raw:
            prefix, local = raw.split(":", 1)
            raw = vocab.PREFIXES[prefix] + local
        try:
            return ox.NamedNode(raw)
        except ValueError:
            raise HTTPError(400, f"not a valid IRI: {raw!r}") from None

    def entity(self, r: Request) -> Response:
        iri = self._iri_arg(r)
        if is_summary_term(iri.value):
            raise HTTPError(404, f"<{iri.value}> belongs to the summary graph, an index that "
                                 f"kgraph computes from the reports for the ready questions "
                                 f"(docs/queries.md); it has no page. Its facts are on the "
                                 f"pages of the entities and reports it refers to.")
        if iri.value.startswith(REPORT_PREFIX):
            return redirect(page_for(iri.value))
        desc, out, inc, mentions = self.run([
            (fill(q, entity=iri), None) for q in (Q_ENTITY_DESCRIPTION, Q_ENTITY_OUT,
                                                  Q_ENTITY_IN, Q_ENTITY_MENTIONS)], cap=2000)
        P = vocab.PREFIXES
        types, labels, alt, attrs, comments, same = [], [], [], [], [], []
        pref = None
        for pred, obj in desc.rows:
            pv = pred.value
            if pv == RDF + "type":
                types.append(obj.value if isinstance(obj, ox.NamedNode) else term_text(obj))
            elif pv == P["skos"] + "prefLabel":
                pref = pref or obj.value
            elif pv in (P["rdfs"] + "label", vocab.KG + "canonicalLabel"):
                labels.append(obj.value)
            elif pv == P["skos"] + "altLabel":
                alt.append(obj.value)
            elif pv == P["rdfs"] + "comment":
                comments.append(obj)
            elif pv == P["owl"] + "sameAs":
                same.append(obj.value)
            else:
                attrs.append((self.predicate_label(pv), term_text(obj)))
        labels = list(dict.fromkeys(labels))
        alt = [a for a in dict.fromkeys(alt) if a != pref and a not in labels]
        if not (desc.rows or out.rows or inc.rows or mentions.rows):
            raise HTTPError(404, f"nothing is known about <{iri.value}> in this store")
        facts = self._facts(out.rows, incoming=False) + self._facts(inc.rows, incoming=True)
        items = []
        for row in mentions.rows[:500]:
            m = dict(zip(mentions.variables, row))
            items.append(self._mention_item(m))
        type_names = [(t, self.term_labels().get(t) or short_iri(t)) for t in types]
        return self.render(
            "entity.html", iri=iri.value, name=pref or (labels[0] if labels else short_iri(iri.value)),
            types=type_names, pref=pref, labels=labels, alt=alt, attrs=attrs,
            comments=[c.value for c in comments if not c.language or c.language in ("en", "ru")],
            same=same, facts=facts, mentions=items, more_mentions=len(mentions.rows) > 500,
            truncated=out.truncated or inc.truncated)

    def _facts(self, rows, incoming: bool) -> list[dict]:
        """Rows of Q_ENTITY_OUT (p, o, ...) or Q_ENTITY_IN (s, p, ...) -> facts."""
        facts = []
        for row in rows:
            other, pred = (row[0], row[1]) if incoming else (row[1], row[0])
            name, roles, reports = row[2], row[3], row[4]
            if not isinstance(other, ox.NamedNode):
                continue
            label = self.predicate_label(pred.value)
            facts.append({
                "predicate": ("← " + label) if incoming else label,
                "predicate_iri": pred.value,
                "other": other.value,
                "other_text": name.value if name is not None else short_iri(other.value),
                "href": page_for(other.value),
                "roles": roles.value if roles is not None else "",
                "reports": [(rep, report_id(rep)) for rep in
                            (reports.value.split() if reports is not None else [])],
            })
        return facts

    def _mention_item(self, m: dict) -> dict:
        sentence = m.get("sentence").value if m.get("sentence") is not None else m["surface"].value
        base = int(m["sentence_start"].value) if m.get("sentence_start") is not None else int(m["start"].value)
        a, b = int(m["start"].value) - base, int(m["end"].value) - base
        surface = m["surface"].value
        if not (0 <= a < b <= len(sentence) and sentence[a:b] == surface):
            found = sentence.find(surface)
            a, b = (found, found + len(surface)) if found >= 0 else (0, 0)
        report = m["report"].value
        fragment = m["mention"].value.partition("#")[2]
        href = page_for(report) + ("#" + quote(fragment, safe="") if fragment else "")
        return {
            "html": highlight(sentence, [Span(a, b, "hl m-" + m["type"].value.lower())]),
            "report": report, "report_href": href,
            "report_title": m["title"].value if m.get("title") is not None else report_id(report),
            "date": m["date"].value if m.get("date") is not None else "",
            "type": m["type"].value, "surface": surface,
        }

    def report(self, r: Request) -> Response:
        iri = self._iri_arg(r)
        meta, mentions, facts = self.run([
            (fill(q, report=iri), None) for q in (Q_REPORT_META, Q_REPORT_MENTIONS,
                                                  Q_REPORT_FACTS)], cap=20_000)
        report_type = (ox.NamedNode(RDF + "type"), ox.NamedNode(vocab.KG + "Report"))
        if report_type not in meta.rows:  # e.g. the summary, labels or runs graph
            raise HTTPError(404, f"no report <{iri.value}> in this store")
        text, fields, title = "", [], None
        for pred, obj in meta.rows:
            if pred.value == vocab.KG + "text":
                text = obj.value
            elif pred.value == RDF + "type":
                continue
            else:
                if pred.value == vocab.PREFIXES["dcterms"] + "title":
                    title = obj.value
                href = page_for(obj.value) if isinstance(obj, ox.NamedNode) else None
                fields.append({"label": self.predicate_label(pred.value), "iri": pred.value,
                               "text": term_text(obj) if href is None else obj.value,
                               "href": href})
        spans, listing = [], []
        for row in mentions.rows:
            m = dict(zip(mentions.variables, row))
            start, end = int(m["start"].value), int(m["end"].value)
            entity = m.get("entity")
            name = m["name"].value if m.get("name") is not None else m["surface"].value
            mtype = m["type"].value
            mid = m["mention"].value.partition("#")[2] or None
            href = page_for(entity.value) if isinstance(entity, ox.NamedNode) else None
            spans.append(Span(start, end, "m m-" + mtype.lower(), href, f"{mtype}: {name}", mid))
            listing.append({"type": mtype, "surface": m["surface"].value, "name": name,
                            "href": href, "anchor": mid, "start": start})
        listing.sort(key=lambda x: x["start"])
        fact_rows = []
        for row in facts.rows:
            f = dict(zip(facts.variables, row))
            s, o = f["s"], f["o"]
            fact_rows.append({
                "type": f["type"].value,
                "s_text": f["s_name"].value if f.get("s_name") is not None else term_text(s),
                "s_href": page_for(s.value) if isinstance(s, ox.NamedNode) else None,
                "predicate": self.predicate_label(f["p"].value),
                "o_text": f["o_name"].value if f.get("o_name") is not None else term_text(o),
                "o_href": page_for(o.value) if isinstance(o, ox.NamedNode) else None,
                "role": f["role"].value.rpartition("#role-")[2] if f.get("role") is not None else "",
                "evidence": f["evidence"].value.split() if f.get("evidence") is not None else [],
            })
        title = title or report_id(iri.value)
        return self.render("report.html", iri=iri.value, title=title, fields=fields,
                           text_html=highlight(text, spans), mentions=listing, facts=fact_rows)

    def reports(self, r: Request) -> Response:
        page = _page_number(r)
        per = 200
        o = self.run([(Q_REPORTS + f" LIMIT {per + 1} OFFSET {(page - 1) * per}", None)])[0]
        rows = [dict(zip(o.variables, row)) for row in o.rows[:per]]
        return self.render("reports.html", rows=rows, page=page, more=len(o.rows) > per)

    def dereference(self, r: Request) -> Response:
        # the raw path keeps percent-escapes (report ids are percent-encoded in IRIs)
        raw = r.environ.get("REQUEST_URI") or r.environ.get("RAW_URI")
        path = raw.split("?", 1)[0] if raw else quote(r.path, safe="/-_.~%")
        if "://" in path:  # an absolute request-target
            path = "/" + path.split("://", 1)[1].split("/", 1)[1]
        iri, _, fragment = (vocab.ID + path[len("/id/"):]).partition("#")
        return redirect(page_for(iri) or "/")

    def health(self) -> Response:
        w = self.pool.watcher
        body = {"status": "ok", "store": self.pool.location, "generation": w.generation,
                "snapshot_opened": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(w.opened)),
                "workers": self.pool.size, "timeout_s": self.pool.timeout,
                "max_rows": self.max_rows}
        return Response(json.dumps(body).encode(), 200, "application/json")

    def static(self, rel: str) -> Response:
        base = STATIC_DIR.resolve()
        path = (base / unquote(rel)).resolve()
        if base not in path.parents or not path.is_file():
            raise HTTPError(404, f"no file {rel}")
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "text/javascript"):
            ctype += "; charset=utf-8"
        return Response(path.read_bytes(), 200, ctype, [("Cache-Control", "max-age=3600")])


def _page_number(r: Request) -> int:
    """?page=N (1-based); anything else is page 1."""
    try:
        return min(max(1, int(r.arg("page", "1"))), 10 ** 9)
    except ValueError:
        return 1


# --- running the server --------------------------------------------------------------------------------


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@dataclass
class Server:
    """A running server (see `start`): `url`, `port`, `stop()`."""

    host: str
    port: int
    app: App
    pool: QueryPool
    waitress_server: Any
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until closed, Ctrl-C (KeyboardInterrupt) or, in the main thread,
        SIGTERM; the query workers are stopped on the way out."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.waitress_server.run()
        finally:
            self.pool.close()

    def stop(self) -> None:
        """Stop a server started with `start`: its loop closes every socket
        itself (closing them from this thread would pull them from under its
        select), the request threads finish, the workers stop."""
        ws = self.waitress_server
        if self.thread is not None and self.thread.is_alive():
            def close_all():
                for dispatcher in list(ws._map.values()):
                    try:
                        dispatcher.close()
                    except OSError:
                        pass
            ws.trigger.pull_trigger(close_all)
            self.thread.join(timeout=10)
        else:
            ws.close()
        ws.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        self.pool.close()


def create_server(location: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                  workers: int | None = None, threads: int = 16,
                  timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                  refresh: float = DEFAULT_REFRESH, queries_dir: str | None = None,
                  page_rows: int = PAGE_ROWS) -> Server:
    """Check the store opens, start the query workers, bind the socket (port 0:
    any free port). Run it with `.serve_forever()` or `start(...)`."""
    import waitress.server

    from kgraph.store import open_store

    with open_store(location):  # fails early, with the store's own message
        pass
    # waitress warns at every queued request ("Task queue depth is N"): a burst of
    # clients is normal here (requests wait for a query worker), not news
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    watcher = StoreWatcher(location, interval=refresh)
    pool = QueryPool(location, size=workers or min(4, os.cpu_count() or 1),
                     timeout=timeout, watcher=watcher)
    try:
        app = App(pool, max_rows=max_rows, page_rows=page_rows, queries_dir=queries_dir)
        ws = waitress.server.create_server(
            app, host=host, port=port, threads=threads, connection_limit=max(100, 4 * threads * 8),
            backlog=1024, channel_timeout=max(120, int(timeout) * 2), ident="kgraph",
            clear_untrusted_proxy_headers=True)
    except BaseException:
        pool.close()
        raise
    return Server(host, ws.effective_port, app, pool, ws)


def start(location: str, host: str = DEFAULT_HOST, port: int = 0, **options) -> Server:
    """Start a server in a background thread (tests, benchmarks); `.stop()` it."""
    server = create_server(location, host, port, **options)
    server.thread = threading.Thread(target=server.serve_forever, name="kgraph-serve",
                                     daemon=True)
    server.thread.start()
    return server
