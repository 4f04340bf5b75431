"""Ready-question latency on a store of generated reports, and the cost of keeping the
summary graph up to date (docs/queries.md).

    python benchmarks/bench_queries.py                          # 10,000 reports, 20 runs
    python benchmarks/bench_queries.py --reports 2000 --repeat 5
    python benchmarks/bench_queries.py --queries /tmp/old-queries --skip-refresh   # other .rq files
    python benchmarks/bench_queries.py --json bench.json --verify

The store: synthetic `Extraction` objects (people, posts, units, libraries, places,
events, dates, roles; people and events recurring across reports), made by the
generator of benchmarks/bench_serve.py, turned into quads by `kgraph.rdf.report_quads`
(as `kgraph ingest` does) and bulk-loaded; then the ontology is loaded and the labels
and summary graphs are computed from scratch (`consolidate(full=True)`, timed), and
RocksDB is compacted (`optimize`) so that every run measures the same steady state. A
store already at --store built with the same report count is reused.

Refresh (unless --skip-refresh): a consolidation with nothing changed (the detection
alone); then --changed reports are replaced by changed versions, as many removed
(`--prune`) and as many new ones written, each through `replace_report` /
`remove_report` like an ingest, and the incremental consolidation that follows is
timed; then a consolidation from scratch on the same store. --verify checks that the
incremental one left the same summary and labels graphs as the one from scratch.

Latency: each ready question of --queries (default: the repository's queries/), with
no parameter and with typical ones, runs once to warm up and then --repeat times, in
this process, on a read-only store opened as `kgraph ask` opens it. Per run, three
timings: the query answered in full inside Oxigraph (every row evaluated, its terms
decoded and written as CSV; no Python objects): the "median"/"p90" columns and its
CPU time; the time to the first row (the evaluation: with an ORDER BY everything but
decoding and reading the rows); and the time `kgraph ask` takes to read every row
into Python objects (kgraph.query.run), which adds the Python side. Target (issue 6):
median <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_serve  # noqa: E402  (the report generator)

from kgraph import rdf, vocab  # noqa: E402
from kgraph.query import bind, load_queries, run  # noqa: E402
from kgraph.store import SUMMARY_GRAPH, SUMMARY_VERSION, open_store  # noqa: E402

SEED = 7

# typical parameters (those of benchmarks/bench_serve.py); `report` gets a report IRI
PARAMS = {
    "attendance": [{}, {"event_type": "kg:Congress"}, {"name": "омаров"}],
    "congress": [{}, {"name": "ахметов"}],
    "events": [{}, {"event_type": "kg:Seminar"}, {"from": "2020-01-01", "to": "2020-12-31"},
               {"place": "Павлодар"}],
    "organisers": [{}, {"event_type": "kg:Exhibition"}, {"name": "павлодар"}],
    "people": [{}, {"name": "сейтов"}],
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the store ---------------------------------------------------------------------------


def build(location: str, reports: int) -> dict:
    """Generate `reports` reports into a new store, consolidate it from scratch."""
    from kgraph.ingest import ontology_path

    # beside the store, named after it: two stores in one folder each have their own
    marker = Path(str(location).rstrip("/") + ".bench-queries.json")
    if marker.exists() and Path(location).is_dir():
        info = json.loads(marker.read_text())
        if info.get("reports") == reports and info.get("summary") == SUMMARY_VERSION:
            log(f"reusing {location} ({reports} reports)")
            return info
    shutil.rmtree(location, ignore_errors=True)
    Path(location).parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    pools = bench_serve.Pools(rng, people=max(50, reports // 2), events=max(20, reports // 8))
    t = time.perf_counter()
    quads = bench_serve.bulk_load_reports(location, reports, pools, rng)
    generated = time.perf_counter() - t
    log(f"generated and loaded {reports} reports ({quads} quads) in {generated:.0f} s")
    with open_store(location, write=True) as gs:
        gs.load_ontology(ontology_path())
        t = time.perf_counter()
        cpu = time.process_time()
        full = gs.consolidate(full=True)
        full.update(wall_s=round(time.perf_counter() - t, 2),
                    cpu_s=round(time.process_time() - cpu, 2))
    log(f"labels + summary from scratch: {full['wall_s']} s")
    compact(location)
    info = {"reports": reports, "quads": quads, "summary": SUMMARY_VERSION,
            "generate_and_load_s": round(generated, 1), "first_consolidation": full,
            "summary_quads": summary_size(location)}
    marker.write_text(json.dumps(info, indent=1))
    return info


def compact(location: str) -> None:
    t = time.perf_counter()
    store = ox.Store(location)
    store.optimize()
    store.flush()
    del store
    log(f"compacted in {time.perf_counter() - t:.0f} s")


def summary_size(location: str) -> int:
    with open_store(location) as gs:
        row = next(iter(gs.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SUMMARY_GRAPH}> "
                                 f"{{ ?s ?p ?o }} }}")))
        return int(row[0].value)


# --- refresh -----------------------------------------------------------------------------


def changed_version(rid: str, i: int, pools, rng) -> "rdf.Extraction":
    """Report `rid` as a re-ingest would find it after a correction: other people,
    roles, event (a freshly generated report under the same id, new sha256)."""
    ex = bench_serve.generate_report(i, pools, rng)
    ex.report.id = ex.report.path = rid
    ex.report.sha256 = f"{i + 10**9:064x}"
    return ex


def timed(fn, *args, **kwargs):
    t, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, round(time.perf_counter() - t, 3), round(time.process_time() - cpu, 3)


def summary_set(gs) -> set:
    """The summary and labels graphs (per-report entity lists sorted: bookkeeping)."""
    from kgraph.store import KGS, LABELS_GRAPH

    out = set()
    for g in (SUMMARY_GRAPH, LABELS_GRAPH):
        for q in gs._store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
            if q.predicate.value == KGS + "entities":
                q = ox.Quad(q.subject, q.predicate,
                            ox.Literal(" ".join(sorted(q.object.value.split()))), q.graph_name)
            out.add(q)
    return out


def refresh(location: str, reports: int, changed: int, verify: bool) -> dict:
    """Time the consolidations that follow an ingest of `changed` changed, removed and
    new reports, and one from scratch."""
    out = {}
    rng = random.Random(SEED + 1)
    pools = bench_serve.Pools(random.Random(SEED), people=max(50, reports // 2),
                              events=max(20, reports // 8))
    with open_store(location, write=True) as gs:
        result, wall, cpu = timed(gs.consolidate)
        out["nothing_changed"] = {"wall_s": wall, "cpu_s": cpu, "result": result}
        log(f"consolidation, nothing changed: {wall} s")

        ids = sorted(gs.report_index())
        picked = random.Random(SEED + 2).sample(ids, 2 * changed)
        to_change, to_remove = picked[:changed], picked[changed:]
        run_iri = vocab.run_iri("bench-refresh")
        t = time.perf_counter()
        for k, rid in enumerate(to_change):
            ex = changed_version(rid, reports + k, pools, rng)
            gs.replace_report(vocab.report_iri(rid), rdf.report_quads(ex, run_iri))
        for rid in to_remove:
            gs.remove_report(vocab.report_iri(rid))
        for k in range(changed):
            ex = bench_serve.generate_report(reports + changed + k, pools, rng)
            ex.report.id = ex.report.path = f"gen/new/{k:05d}.txt"
            gs.replace_report(vocab.report_iri(ex.report.id), rdf.report_quads(ex, run_iri))
        writes = round(time.perf_counter() - t, 3)
        log(f"wrote {changed} changed and {changed} new reports, removed {changed}: {writes} s")
        result, wall, cpu = timed(gs.consolidate)
        out["incremental"] = {"changed": changed, "removed": changed, "new": changed,
                              "report_writes_s": writes, "wall_s": wall, "cpu_s": cpu,
                              "result": result}
        log(f"incremental consolidation: {wall} s ({result})")
        before = summary_set(gs) if verify else None
        result, wall, cpu = timed(gs.consolidate, full=True)
        out["from_scratch"] = {"wall_s": wall, "cpu_s": cpu, "result": result}
        log(f"consolidation from scratch: {wall} s")
        if verify:
            same = summary_set(gs) == before
            out["incremental_equals_from_scratch"] = same
            log(f"incremental == from scratch: {same}")
    compact(location)
    return out


# --- latency -----------------------------------------------------------------------------


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(location: str, queries_dir: str | None, repeat: int, only=None) -> list[dict]:
    queries = load_queries(queries_dir)
    rows = []
    with open_store(location) as store:
        report = next(iter(store.query(
            "SELECT ?g WHERE { GRAPH ?g { ?g a kg:Report } } LIMIT 1")))[0].value
        params = dict(PARAMS, report=[{"report": report}])
        for name, q in queries.items():
            if only and name not in only:
                continue
            for values in params.get(name, [{}]):
                if any(p.required and p.name not in values for p in q.params):
                    continue
                terms = bind(q, values)
                first, answer, read, cpu = [], [], [], []
                count = None
                for k in range(repeat + 1):  # the first run warms the caches up
                    t = time.perf_counter()
                    it = iter(store.query(q.sparql, terms))
                    next(it, None)
                    t_first = time.perf_counter() - t
                    del it
                    t, c = time.perf_counter(), time.process_time()
                    store.query(q.sparql, terms).serialize(format=ox.QueryResultsFormat.CSV)
                    t_answer, c_answer = time.perf_counter() - t, time.process_time() - c
                    t = time.perf_counter()
                    result = run(store, q, terms)
                    t_read = time.perf_counter() - t
                    count = len(result.rows)
                    if k:
                        first.append(t_first * 1000)
                        answer.append(t_answer * 1000)
                        read.append(t_read * 1000)
                        cpu.append(c_answer * 1000)
                    if t_read > 10 and k >= 2:
                        break  # slow (a baseline): a few runs tell enough
                row = {"question": name, "params": values, "rows": count, "runs": len(answer),
                       "median_ms": round(statistics.median(answer), 1),
                       "p90_ms": round(_pct(answer, 90), 1),
                       "cpu_median_ms": round(statistics.median(cpu), 1),
                       "first_row_median_ms": round(statistics.median(first), 1),
                       "python_read_median_ms": round(statistics.median(read), 1)}
                rows.append(row)
                log(f"  {name:<11} {json.dumps(values, ensure_ascii=False)[:44]:<44} "
                    f"{count:>6} rows  median {row['median_ms']:>7.1f}  p90 {row['p90_ms']:>7.1f}"
                    f"  first row {row['first_row_median_ms']:>7.1f}"
                    f"  kgraph ask read {row['python_read_median_ms']:>7.1f} ms")
    return rows


def table(rows: list[dict]) -> str:
    out = ["| question | parameters | rows | median ms | p90 ms | CPU ms | first row ms "
           "| read by `kgraph ask` ms |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "—"
        if r["question"] == "report":
            params = "report=(a report IRI)"
        out.append(f"| {r['question']} | {params} | {r['rows']} | {r['median_ms']} | "
                   f"{r['p90_ms']} | {r['cpu_median_ms']} | {r['first_row_median_ms']} | "
                   f"{r['python_read_median_ms']} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--store", default="/tmp/kgraph-bench-queries/store")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--changed", type=int, default=10,
                    help="reports changed, removed and added before the incremental refresh")
    ap.add_argument("--queries", help="a directory of .rq files (default: queries/)")
    ap.add_argument("--only", nargs="*", help="only these questions")
    ap.add_argument("--skip-refresh", action="store_true")
    ap.add_argument("--verify", action="store_true",
                    help="check that the incremental refresh equals the one from scratch")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)

    figures = {"store": build(args.store, args.reports)}
    if not args.skip_refresh:
        figures["refresh"] = refresh(args.store, args.reports, args.changed, args.verify)
    log(f"latency, {args.repeat} runs per question (after one warm-up):")
    figures["latency"] = measure(args.store, args.queries, args.repeat, args.only)
    print(table(figures["latency"]))
    if "refresh" in figures:
        r = figures["refresh"]
        print(f"\nsummary refresh: nothing changed {r['nothing_changed']['wall_s']} s; "
              f"incremental after {args.changed} changed + {args.changed} removed + "
              f"{args.changed} new reports {r['incremental']['wall_s']} s "
              f"(writing those reports: {r['incremental']['report_writes_s']} s); "
              f"from scratch {r['from_scratch']['wall_s']} s")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
