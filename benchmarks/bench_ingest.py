"""Ingestion speed and memory on a generated corpus (issue 5; extraction speed, issue 3).

    python benchmarks/bench_ingest.py                 # 2,000 reports, ~10 min on 2 cores
    python benchmarks/bench_ingest.py --docs 500      # quicker
    python benchmarks/bench_ingest.py --profile       # + where the time goes (cProfile)
    python benchmarks/bench_ingest.py --stages-only --stages 1000   # CPU per stage only

Every measurement runs in a fresh process, as an operator would run it, so that model
loading, imports and memory are counted the same way for everyone and this process
stays small (Linux carries a process's peak memory over exec into the child):

* raw Natasha: its full stack (kgraph.baseline.natasha_full_stack: segment, morphology,
  syntax, NER) over the texts of the files, one document at a time;
* extraction only: kgraph.extract.extract over the same reports (read_report), no store;
* `kgraph ingest --workers 1` and `--workers 2`, each into a fresh store;
* a no-op re-run: `kgraph ingest` over 1,000 of those files, unchanged, on the 1-worker
  store.

Throughput is documents (and characters) per second of wall time from process start
to exit: start-up and model loading included for all. The "process" columns leave
them out (extraction vs Natasha: issue 3's ratio). CPU is user+sys of the process and
its children. Natasha and extraction run with one BLAS thread, as `kgraph ingest` sets
for itself (see kgraph.ingest.one_blas_thread); --blas-compare also times Natasha with
the BLAS default on a sample.

Targets (issue 5): ingest 1 worker >= 0.8 x raw Natasha; 2 workers >= 1.7 x 1 worker;
no-op re-run over 1,000 reports <= 3 s; peak RSS <= 600 MB per worker.
Issue 3: extraction-only time <= 1.25 x raw Natasha.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_gen import generate  # noqa: E402

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

NATASHA = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from kgraph.baseline import models, natasha_full_stack
models()
t1 = time.perf_counter()
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
texts = [open(p, encoding="utf-8", newline="").read() for p in paths]
t2, c2 = time.perf_counter(), time.process_time()
for text in texts:
    natasha_full_stack([text])
t3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({"load": t1 - t0, "process": t3 - t2, "process_cpu": c3 - c2,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

EXTRACT = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
from kgraph.analyse import get_analyzer
from kgraph.extract import extract_many
from kgraph.ingest import CHUNK
from kgraph.read import read_report
get_analyzer()
t1 = time.perf_counter()
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
reports = [read_report(p, os.path.dirname(p)) for p in paths]
t2, c2 = time.perf_counter(), time.process_time()
for k in range(0, len(reports), CHUNK):  # as an ingest worker does
    extract_many(reports[k:k + CHUNK])
t3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({"load": t1 - t0, "process": t3 - t2, "process_cpu": c3 - c2,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PROFILE = r"""
import cProfile, io, json, os, pstats, sys, tempfile
from kgraph.analyse import get_analyzer
from kgraph.extract import extract_many
from kgraph.ingest import CHUNK
from kgraph.read import read_report
get_analyzer()
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
reports = [read_report(p, os.path.dirname(p)) for p in paths]
extract_many(reports[:20])  # warm caches
prof = cProfile.Profile()
prof.enable()
for k in range(0, len(reports), CHUNK):
    extract_many(reports[k:k + CHUNK])
prof.disable()

# ingest's writing process (1 worker: extraction in a worker, not profiled), on a fresh store
from kgraph.ingest import ingest
from kgraph.store import open_store
store_dir = tempfile.mkdtemp()
iprof = cProfile.Profile()
with open_store(os.path.join(store_dir, "s"), write=True) as store:
    iprof.enable()
    ingest(paths, store, workers=1)
    iprof.disable()

def cum(stats, names):
    out = {}
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        for label, (f_end, f_name) in names.items():
            if file.endswith(f_end) and func == f_name:
                out[label] = out.get(label, 0.0) + ct
    return out

def top(stats, n, own):
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        if own == ("/kgraph/" in file):
            rows.append((tt, ct, nc, f"{file.split('site-packages/')[-1].split('/main/')[-1]}:{line}({func})"))
    rows.sort(reverse=True)
    return rows[:n]

es = pstats.Stats(prof)
total = sum(tt for (cc, nc, tt, ct, callers) in es.stats.values())
stages = cum(es, {
    "extract (all)": ("kgraph/extract.py", "extract"),
    "natasha (Analyzer.natasha_docs)": ("kgraph/analyse.py", "natasha_docs"),
    "analyse (incl. natasha; lemmas, tokens)": ("kgraph/analyse.py", "analyse"),
    "entities.find_entities": ("kgraph/entities.py", "find_entities"),
    "relations.extract_relations": ("kgraph/relations.py", "extract_relations"),
    "resolve.resolve_document": ("kgraph/resolve.py", "resolve_document"),
    "phrases.noun_target": ("kgraph/phrases.py", "noun_target"),
    "phrases.phrase_normal": ("kgraph/phrases.py", "phrase_normal"),
    "pymorphy2 MorphAnalyzer.parse": ("pymorphy2/analyzer.py", "parse"),
    "natasha MorphVocab.lemmatize": ("natasha/morph/vocab.py", "lemmatize"),
})
ist = pstats.Stats(iprof)
istages = cum(ist, {
    "ingest (all)": ("kgraph/ingest.py", "ingest"),
    "plan (hash files)": ("kgraph/ingest.py", "plan"),
    "extraction (_extract_jobs)": ("kgraph/ingest.py", "_extract_jobs"),
    "read_report": ("kgraph/read.py", "read_report"),
    "Batch.resolve (cross-report identities)": ("kgraph/extract.py", "resolve"),
    "registry_from_store": ("kgraph/resolve.py", "registry_from_store"),
    "rdf.report_quads": ("kgraph/rdf.py", "report_quads"),
    "store.add_reports": ("kgraph/store.py", "add_reports"),
    "store.refresh_labels": ("kgraph/store.py", "refresh_labels"),
    "load_ontology / ontology_is_current": ("kgraph/ingest.py", "ontology_is_current"),
})
print(json.dumps({"docs": len(reports), "extract_stages": stages,
                  "extract_top_own": top(es, 15, True), "extract_top_libs": top(es, 12, False),
                  "ingest_stages": istages}))
"""


STAGES = r"""
import json, os, sys, tempfile, time
from kgraph import analyse, entities, relations, resolve, rdf, vocab
from kgraph.baseline import models, natasha_full_stack
from kgraph.extract import Batch
from kgraph.ingest import CHUNK
from kgraph.model import Extraction
from kgraph.read import read_report
from kgraph.store import open_store
analyse.get_analyzer(); models()
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
reports = [read_report(p, os.path.dirname(p)) for p in paths]
cpu = time.process_time
ms = {k: 0.0 for k in ("natasha full stack", "kgraph analyse (Natasha + tokens, lemmas)",
                       "entities.find_entities", "relations.extract_relations",
                       "resolve.resolve_document (in the report)",
                       "Batch.resolve (across reports)", "rdf.report_quads",
                       "store.add_reports")}
last = {"Batch.resolve (across reports)": 0.0}
batch, n = Batch(), len(reports)
with open_store(os.path.join(tempfile.mkdtemp(), "s"), write=True) as store:
    for k0 in range(0, n, CHUNK):  # as an ingest worker and the writer do
        chunk = reports[k0:k0 + CHUNK]
        c = cpu()
        for r in chunk:
            natasha_full_stack([r.text])
        ms["natasha full stack"] += cpu() - c
        c = cpu(); analyses = analyse.analyse_many([r.text for r in chunk])
        ms["kgraph analyse (Natasha + tokens, lemmas)"] += cpu() - c
        written = []
        for k, (r, an) in enumerate(zip(chunk, analyses), start=k0):
            steps = []
            c = cpu(); mentions = entities.find_entities(an, r); steps.append(cpu() - c)
            c = cpu(); rels = relations.extract_relations(an, mentions, r); steps.append(cpu() - c)
            ex = Extraction(r, mentions, rels, [(s.start, s.end) for s in an.sents])
            c = cpu(); resolve.resolve_document(ex); steps.append(cpu() - c)
            c = cpu(); batch.resolve(ex); steps.append(cpu() - c)
            c = cpu(); quads = rdf.report_quads(ex, vocab.run_iri("bench")); steps.append(cpu() - c)
            written.append((vocab.report_iri(r.id), quads))
            for key, t in zip(list(ms)[2:7], steps):
                ms[key] += t
            if k >= n - 100:
                last["Batch.resolve (across reports)"] += steps[3]
        c = cpu(); store.add_reports(written); ms["store.add_reports"] += cpu() - c
print(json.dumps({"docs": n, "ms_per_doc": {k: 1000 * v / n for k, v in ms.items()},
                  "batch_resolve_last_100_ms": 1000 * last["Batch.resolve (across reports)"]
                  / min(100, n)}))
"""


def run(cmd, env=None, timeout=7200) -> dict:
    """Run a command; wall and CPU time (user+sys of it and its children), its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(map(str, cmd[:6]))}... failed ({p.returncode}):\n{p.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "load_before": load, "out": p.stdout, "err": p.stderr}


def env_with(extra: dict | None = None, drop=()) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra or {})
    return env


def python_code(code: str, list_file: Path, env: dict) -> dict:
    r = run([sys.executable, "-c", code, str(list_file)], env=env)
    r.update(json.loads(r["out"].strip().splitlines()[-1]))
    return r


def kgraph_ingest(args: list, env: dict) -> dict:
    r = run([sys.executable, "-m", "kgraph", "ingest", *map(str, args), "--json"], env=env)
    r["summary"] = json.loads(r["out"])
    return r


def machine() -> dict:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    import pyoxigraph

    return {"nproc": os.cpu_count(), "cores usable": len(os.sched_getaffinity(0)),
            "ram": mem, "cpu": cpu, "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="reports to generate (default 2000)")
    ap.add_argument("--noop-docs", type=int, default=1000, help="files in the no-op re-run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None, help="keep the corpus and stores here")
    ap.add_argument("--profile", action="store_true", help="also profile extraction and ingest")
    ap.add_argument("--profile-docs", type=int, default=300)
    ap.add_argument("--blas-compare", type=int, default=0, metavar="N",
                    help="also time raw Natasha with the BLAS default threads on N texts")
    ap.add_argument("--stages", type=int, default=0, metavar="N",
                    help="also time each stage per document (CPU, no profiler) on N reports")
    ap.add_argument("--stages-only", action="store_true", help="only the --stages timing")
    ap.add_argument("--json-out", default=None, help="write all figures as JSON here")
    args = ap.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kgraph-bench-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    for store in ("store1", "store2", "store1.lock", "store2.lock"):
        p = work / store
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    if args.stages_only:
        args.docs = args.stages = args.stages or 1000
    paths = generate(corpus, args.docs, args.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    list_file = work / "files.txt"
    list_file.write_text("\n".join(map(str, paths)), encoding="utf-8")
    one = env_with(ONE_THREAD)
    plain = env_with(drop=ONE_THREAD)  # ingest sets its BLAS threads itself
    out: dict = {"machine": machine(), "docs": len(paths), "chars": chars, "workdir": str(work)}
    print(f"corpus: {len(paths)} reports, {chars} characters ({chars // len(paths)} per report) "
          f"in {corpus}", flush=True)
    m = out["machine"]
    print(f"machine: {m['nproc']} cores ({m['cores usable']} usable), {m['ram']}, {m['cpu']}; "
          f"Python {m['python']}", flush=True)

    steps = [] if args.stages_only else [
        ("natasha", lambda: python_code(NATASHA, list_file, one)),
        ("extract", lambda: python_code(EXTRACT, list_file, one)),
        ("ingest1", lambda: kgraph_ingest([corpus, "--store", work / "store1", "--workers", 1], plain)),
        ("ingest2", lambda: kgraph_ingest([corpus, "--store", work / "store2", "--workers", 2], plain)),
        ("noop", lambda: kgraph_ingest([*paths[:args.noop_docs], "--store", work / "store1",
                                        "--workers", 1], plain)),
        ("noop_all", lambda: kgraph_ingest([corpus, "--store", work / "store1"], plain)),
    ]
    if args.blas_compare:
        sample = work / "sample.txt"
        sample.write_text("\n".join(map(str, paths[:args.blas_compare])), encoding="utf-8")
        steps += [("natasha_sample_1thread", lambda: python_code(NATASHA, sample, one)),
                  ("natasha_sample_blas_default", lambda: python_code(NATASHA, sample, plain))]
    for name, step in steps:
        print(f"  {name} ...", end=" ", flush=True)
        r = step()
        r.pop("out", None)
        err = r.pop("err", "")
        out[name] = r
        print(f"{r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (load avg before {r['load_before']:.1f})",
              flush=True)
        if name.startswith("ingest") and r["summary"]["failed"]:
            print(err[-2000:])

    if not args.stages_only:
        n = len(paths)
        nat, ext, i1, i2 = out["natasha"], out["extract"], out["ingest1"], out["ingest2"]
        noop = out["noop"]
        rate = lambda s: (n / s, chars / s)  # noqa: E731
        print()
        print(f"{'':30}{'wall s':>8}{'docs/s':>8}{'chars/s':>9}{'CPU s':>8}"
              f"{'process s':>11}{'process CPU s':>15}")
        for label, r in (("raw Natasha full stack", nat), ("extraction only (no store)", ext),
                         ("kgraph ingest --workers 1", i1), ("kgraph ingest --workers 2", i2)):
            d, c = rate(r["wall"])
            print(f"{label:30}{r['wall']:8.1f}{d:8.1f}{c:9.0f}{r['cpu']:8.1f}"
                  f"{r.get('process', float('nan')):11.1f}{r.get('process_cpu', float('nan')):15.1f}")
        ratios = {
            "ingest1_vs_natasha": nat["wall"] / i1["wall"],
            "ingest1_vs_natasha_cpu": nat["cpu"] / i1["cpu"],
            "workers2_vs_1": i1["wall"] / i2["wall"],
            "extract_vs_natasha_process": ext["process"] / nat["process"],
            "extract_vs_natasha_cpu": ext["process_cpu"] / nat["process_cpu"],
        }
        out["ratios"] = ratios
        print()
        print(f"ingest 1 worker / raw Natasha throughput: {ratios['ingest1_vs_natasha']:.2f} "
              f"(CPU: {ratios['ingest1_vs_natasha_cpu']:.2f})   target >= 0.8")
        print(f"ingest 2 workers / 1 worker:              {ratios['workers2_vs_1']:.2f}   target >= 1.7")
        print(f"extraction-only / Natasha (models loaded; wall): {ratios['extract_vs_natasha_process']:.2f} "
              f"(CPU: {ratios['extract_vs_natasha_cpu']:.2f})   target <= 1.25")
        s = noop["summary"]
        print(f"no-op re-run over {s['unchanged']} unchanged reports (store of {n}): "
              f"{noop['wall']:.2f} s wall, ingest itself {s['seconds']:.2f} s   target <= 3 s")
        print(f"no-op re-run over the whole folder ({n}): {out['noop_all']['wall']:.2f} s")
        p1, p2 = i1["summary"]["peak_rss_mb"], i2["summary"]["peak_rss_mb"]
        for label, r in (("1 worker", i1), ("2 workers", i2)):
            cpu = r["summary"].get("cpu_seconds") or {}
            if cpu:
                print(f"CPU per report, {label}: writing process {1000 * cpu['main'] / n:.1f} ms "
                      f"(resolve, RDF, store), extraction workers {1000 * cpu['workers'] / n:.1f} ms "
                      f"(incl. model loading)")
        c1 = i1["summary"].get("cpu_seconds") or {}
        if c1:
            # two workers and the writer share two cores: at best 2 E / (E + W) x one worker
            e, w = c1["workers"], c1["main"]
            print(f"2-worker ceiling on 2 cores with this writer: 2E/(E+W) = {2 * e / (e + w):.2f}")
        print(f"peak RSS: 1 worker: writer {p1['main']:.0f} MB, worker {p1['workers'] or 0:.0f} MB; "
              f"2 workers: each worker <= {p2['workers']:.0f} MB, main {p2['main']:.0f} MB; "
              f"raw Natasha {nat['rss_mb']:.0f} MB   target <= 600 MB per worker")
        if args.blas_compare:
            a, b = out["natasha_sample_1thread"], out["natasha_sample_blas_default"]
            print(f"raw Natasha on {args.blas_compare} texts: 1 BLAS thread {a['process']:.1f} s "
                  f"({a['cpu']:.1f} s CPU), BLAS default {b['process']:.1f} s ({b['cpu']:.1f} s CPU)")
        if args.profile:
            pf = work / "profile.txt"
            pf.write_text("\n".join(map(str, paths[:args.profile_docs])), encoding="utf-8")
            prof = python_code(PROFILE, pf, one)
            out["profile"] = {k: v for k, v in prof.items() if k not in ("out", "err")}
            print(f"\nprofile (cProfile, {prof['docs']} reports; cProfile inflates Python code "
                  f"relative to numpy)")
            total = prof["extract_stages"].get("extract (all)", 1.0)
            for k, v in prof["extract_stages"].items():
                print(f"  {k:44}{v:8.2f} s {100 * v / total:5.0f}%")
            print("  kgraph functions by own time:")
            for tt, ct, nc, name in prof["extract_top_own"]:
                print(f"    {tt:7.2f} s own {ct:7.2f} s cum {nc:8d} calls  {name}")
            print("  library functions by own time:")
            for tt, ct, nc, name in prof["extract_top_libs"]:
                print(f"    {tt:7.2f} s own {ct:7.2f} s cum {nc:8d} calls  {name}")
            print("  ingest --workers 1, main loop:")
            itotal = prof["ingest_stages"].get("ingest (all)", 1.0)
            for k, v in prof["ingest_stages"].items():
                print(f"    {k:44}{v:8.2f} s {100 * v / itotal:5.0f}%")
    if args.stages:
        sf = work / "stages.txt"
        sf.write_text("\n".join(map(str, paths[:args.stages])), encoding="utf-8")
        st = python_code(STAGES, sf, one)
        out["stages"] = {k: v for k, v in st.items() if k not in ("out", "err")}
        print(f"\nCPU per document, {st['docs']} reports, one stage after another (no profiler):")
        for k, v in st["ms_per_doc"].items():
            print(f"  {k:46}{v:7.1f} ms")
        print(f"  {'Batch.resolve over the last 100 reports':46}"
              f"{st['batch_resolve_last_100_ms']:7.1f} ms  (grows with the reports before)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
