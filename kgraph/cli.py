"""The `kgraph` command line (click): ingest, extract, ask, query, stats, export, eval, runs."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from kgraph import __version__

FORMAT_FLAGS = [
    click.option("--table", "fmt", flag_value="table", default=True, help="Aligned columns (default)."),
    click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row."),
    click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated values."),
    click.option("--json", "fmt", flag_value="json", help="A JSON list of objects."),
]


def output_options(func):
    for option in reversed(FORMAT_FLAGS):
        func = option(func)
    return func


def store_option(func):
    """--store for a command; a store error while it runs is a clear message and exit 2."""
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        from kgraph.store import StoreError

        try:
            return func(*args, **kwargs)
        except StoreError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)

    return click.option(
        "--store", "store_location", envvar="KGRAPH_STORE", default=None, metavar="PATH|URL",
        help="Store directory (default ./data/store), or a SPARQL server's URL "
             "(see docs/remote-stores.md); or $KGRAPH_STORE.")(guarded)


def param_option(func):
    return click.option(
        "-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
        help="A query parameter; repeat for several.")(func)


def open_or_exit(location, write=False):
    from kgraph.store import StoreError, open_store

    try:
        return open_store(location, write=write)
    except StoreError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)


def parse_params(params: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in params:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint="--param")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgraph")
def main():
    """kgraph: library activity reports -> a knowledge graph you can query.

    \b
    kgraph ingest corpus/          read, extract and store reports (incremental)
    kgraph ask attendance          a ready question, e.g. who attended which event
    kgraph query 'SELECT ...'      any SPARQL over the store
    kgraph extract report.txt      entities and relations as JSON lines
    """


# --- ingest -----------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_option
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="Extraction processes, besides the one that writes (default: the "
                   "number of cores).")
@click.option("--prune", is_flag=True, help="Remove reports that are no longer under PATHS.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--curation", type=click.Path(dir_okay=False), envvar="KGRAPH_CURATION",
              default=None, help="A JSON file pinning or splitting identities (see docs/identity.md).")
def ingest(paths, store_location, workers, prune, as_json, quiet, curation):
    """Read report files or folders into the store; unchanged reports are skipped.

    Each report's graph is replaced in one transaction: a run that is killed leaves
    every report wholly old or wholly new, and the next run finishes the work. A file
    that cannot be read fails alone (what the store has for it stays) and is named on
    stderr and in --json's "failed". One ingest per store at a time: a second one
    exits at once, naming the first. The progress bar (on a terminal) shows
    done/total, rate and ETA; `kgraph runs` lists the runs.

    Exit status: 0 all reports stored, 1 some files failed, 2 usage or store error.
    """
    from kgraph.ingest import ingest as run_ingest
    from kgraph.store import StoreError

    store = open_or_exit(store_location, write=True)
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    try:
        with store:
            summary = run_ingest(paths, store, workers=workers, prune=prune,
                                 progress=progress_bar if show_bar else None, curation=curation)
    except StoreError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"new {summary.new}, changed {summary.changed}, unchanged {summary.unchanged}, "
                   f"removed {summary.removed}, failed {len(summary.failed)} "
                   f"({summary.seconds:.1f} s)")
    for failure in summary.failed:
        click.echo(f"failed: {failure['error']}", err=True)
    sys.exit(1 if summary.failed else 0)


def progress_bar(total: int):
    """A bar on stderr for the reports to extract: done/total, rate, elapsed<ETA, and
    the counts so far (ingest sets them as the postfix)."""
    from tqdm import tqdm

    return tqdm(total=total, desc="ingest", unit="report", file=sys.stderr,
                dynamic_ncols=True, mininterval=0.5, smoothing=0.1)


# --- extract ------------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text", "table"]), default="jsonl",
              show_default=True, help="jsonl: the extraction contract; text: the plain text read; "
              "table: one mention per line.")
@click.option("--store", "store_location", default=None, metavar="PATH",
              help="Also link identities to the entities of this store (read only).")
def extract(paths, fmt, store_location):
    """Extract entities and relations from report files (nothing is stored).

    Prints one JSON object per document in input order. Identities (`iri`) are resolved
    across the files given, and against a store with --store.
    A file that cannot be read is reported on stderr and the others go on.
    """
    from kgraph.extract import Batch
    from kgraph.read import ReadError, find_reports, read_report
    from kgraph.resolve import registry_from_store

    registry = None
    if store_location:
        with open_or_exit(store_location) as store:
            registry = registry_from_store(store)
    run_extract = Batch(registry)

    failed = 0
    for file, root in find_reports(paths):
        try:
            report = read_report(file, root)
        except ReadError as e:
            click.echo(f"Error: {e}", err=True)
            failed += 1
            if fmt == "jsonl":  # one line per input document, even for one that failed
                click.echo(json.dumps({"doc": str(file), "entities": [], "relations": [],
                                       "error": str(e)}, ensure_ascii=False))
            continue
        report.path = str(file)
        if fmt == "text":
            click.echo(report.text, nl=False)
            continue
        ex = run_extract(report)
        if fmt == "jsonl":
            click.echo(json.dumps(ex.to_json(), ensure_ascii=False))
        else:
            for m in ex.mentions:
                click.echo(f"{m.id}\t{m.type}\t{m.start}\t{m.end}\t{m.text}\t{m.normal}")
            for r in ex.relations:
                click.echo(f"\t{r.type}\t{r.head}\t{r.tail}\t{r.role or ''}")
    sys.exit(1 if failed else 0)


# --- ask / query ----------------------------------------------------------------------------

def page_options(func):
    """--limit/--offset: one page of the answer, cut by the store (LIMIT/OFFSET in
    the SPARQL, kgraph.query.paged), not after reading every row."""
    func = click.option(
        "--offset", type=click.IntRange(min=0), default=0, metavar="M",
        help="Skip the first M rows (with --limit: a later page).")(func)
    return click.option(
        "--limit", type=click.IntRange(min=1), default=None, metavar="N",
        help="Only N rows: the store computes just that page (LIMIT in the SPARQL; "
             "a LIMIT/OFFSET of the query itself still bounds the answer). When more "
             "rows follow, stderr gives the --offset of the next page.")(func)


def run_page(store, sparql: str, bound: dict, limit: int | None, offset: int):
    """Run one page of a query: (result, the offset of the next page or None).
    One row more than asked is fetched, to tell whether another page follows."""
    from kgraph.query import paged, run
    from kgraph.store import query_form

    select = query_form(sparql) == "SELECT"
    probe = limit + 1 if limit is not None and select else limit
    result = run(store, paged(sparql, probe, offset), bound)
    if limit is not None and select and len(result.rows) > limit:
        result.rows = result.rows[:limit]
        return result, offset + limit
    return result, None


def next_page_hint(command: str, limit: int, next_offset: int | None) -> None:
    if next_offset is not None:  # stderr: stdout stays the data alone
        click.echo(f"More rows follow: {command} --limit {limit} --offset {next_offset} "
                   f"(same parameters) for the next page.", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the ready questions.")
@param_option
@page_options
@output_options
@store_option
def ask(name, list_only, params, limit, offset, fmt, store_location):
    """Answer a ready question from queries/ (no SPARQL needed).

    \b
    kgraph ask --list
    kgraph ask attendance --csv
    kgraph ask events -p event_type=kg:Congress -p place=Астана
    kgraph ask attendance --limit 50              # the first 50 rows, quickly
    kgraph ask attendance --limit 50 --offset 50  # the next 50
    """
    from kgraph.query import QueryError, bind, load_queries

    queries = load_queries()
    if list_only or not name:
        for q in queries.values():
            params_txt = " ".join(f"[{p.name}]" if not p.required else p.name for p in q.params)
            click.echo(f"{q.name:<14} {q.title}" + (f"  ({params_txt})" if params_txt else ""))
        return
    if name not in queries:
        raise click.BadParameter(f"unknown question {name!r}; try: {', '.join(queries)}",
                                 param_hint="NAME")
    q = queries[name]
    try:
        bound = bind(q, parse_params(params))
    except QueryError as e:
        raise click.UsageError(str(e))
    store = open_or_exit(store_location)
    with store:
        try:
            result, next_offset = run_page(store, q.sparql, bound, limit, offset)
        except QueryError as e:
            raise click.UsageError(f"{name}: {e}")
    # parameters are echoed as columns only because Oxigraph binds projected variables
    result.variables = [v for v in result.variables if q.param(v) is None]
    if fmt == "table":
        readable(result)
    print_result(result, fmt)
    next_page_hint(f"kgraph ask {name}", limit, next_offset)


def readable(result) -> None:
    """For people at a terminal: `person_name` instead of the `person` IRI, and a
    report's path instead of its IRI."""
    from pyoxigraph import Literal, NamedNode

    from kgraph.vocab import ID

    result.variables = [v for v in result.variables if f"{v}_name" not in result.variables]
    prefix = ID + "report/"
    for row in result.rows:
        for var, value in row.items():
            if isinstance(value, NamedNode) and value.value.startswith(prefix):
                row[var] = Literal(value.value[len(prefix):])


@main.command()
@click.argument("sparql")
@param_option
@page_options
@output_options
@click.option("--format", "raw", type=click.Choice(["srj", "srx", "tsv", "csv"]), default=None,
              help="A raw SPARQL results format (srj: JSON, srx: XML).")
@store_option
def query(sparql, params, limit, offset, fmt, raw, store_location):
    """Run SPARQL (text, or a .rq file) over the store; named graphs are queried as one.

    Parameters (-p name=value) pre-bind ?name; values are never pasted into the text.
    """
    from kgraph.output import write_raw
    from kgraph.query import QueryError, paged, typed_values

    path = Path(sparql)
    text = path.read_text(encoding="utf-8") if sparql.endswith(".rq") and path.is_file() else sparql
    store = open_or_exit(store_location)
    with store:
        try:
            bound = typed_values(parse_params(params))
            if raw:
                write_raw(store.query(paged(text, limit, offset), bound), raw, sys.stdout.buffer)
                return
            result, next_offset = run_page(store, text, bound, limit, offset)
        except (QueryError, SyntaxError) as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)
        print_result(result, fmt)
        next_page_hint("kgraph query ...", limit, next_offset)


def print_result(result, fmt: str) -> None:
    from kgraph.output import write_rows

    if result.kind == "boolean":
        click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        sys.stdout.buffer.write(result.serialize("turtle"))
    else:
        write_rows(result.variables, result.rows, fmt, sys.stdout)


# --- show ---------------------------------------------------------------------------------------

@main.command()
@click.argument("name_or_iri")
@click.option("--why", is_flag=True, help="Say why each mention was linked to the entity.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@store_option
def show(name_or_iri, why, as_json, store_location):
    """An entity: its labels, facts and every mention with its sentence and report.

    NAME_OR_IRI is an entity IRI or part of a name; several matches are listed.
    """
    from kgraph.show import describe, find, format_text

    store = open_or_exit(store_location)
    with store:
        if name_or_iri.startswith(("http://", "https://")):
            iri = name_or_iri
        else:
            found = find(store, name_or_iri)
            if not found:
                click.echo(f"No entity is named like {name_or_iri!r}.", err=True)
                sys.exit(1)
            if len(found) > 1 and not as_json:
                click.echo(f"{len(found)} entities match; showing the most mentioned. Others:", err=True)
                for f in found[1:10]:
                    click.echo(f"  {f['name']}  ({f['type']}, {f['mentions']} mentions)  {f['iri']}", err=True)
            iri = found[0]["iri"]
        entity = describe(store, iri)
    if as_json:
        click.echo(json.dumps(entity, ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(entity, why=why))


# --- stats / export / runs ----------------------------------------------------------------------

@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@store_option
def stats(as_json, store_location):
    """Reports, quads, entities per type and relations per type in the store."""
    from kgraph.output import write_object

    store = open_or_exit(store_location)
    with store:
        write_object(store.stats(), "json" if as_json else "table", sys.stdout)


@main.command()
@click.option("--format", "fmt", default="trig", show_default=True,
              type=click.Choice(["trig", "nquads", "turtle", "nt", "rdfxml", "jsonld", "n3"]),
              help="RDF format; triple formats merge all graphs into one.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to a file instead of stdout.")
@store_option
def export(fmt, output, store_location):
    """Write the whole graph (all reports, ontology, labels, runs) as RDF."""
    store = open_or_exit(store_location)
    with store:
        if output:
            with open(output, "wb") as f:
                store.export(f, fmt)
        else:
            store.export(sys.stdout.buffer, fmt)


@main.command()
@output_options
@store_option
def runs(fmt, store_location):
    """Ingestion runs recorded in the store (prov:Activity), newest first.

    A run is recorded when it starts; its end and counts are added when it ends, so
    an "unfinished" run is still going, or was killed or stopped by an error.
    """
    from kgraph.query import run

    store = open_or_exit(store_location)
    with store:
        print_result(run(store, RUNS_QUERY, {}), fmt)


RUNS_QUERY = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?id ?status ?started ?ended ?version ?new ?changed ?unchanged ?removed ?failed ?run
WHERE {
  ?run a kg:IngestRun ; prov:startedAtTime ?started .
  BIND(STRAFTER(STR(?run), "/run/") AS ?id)
  OPTIONAL { ?run kg:kgraphVersion ?version }
  OPTIONAL { ?run prov:endedAtTime ?ended ; kg:countNew ?new ; kg:countChanged ?changed ;
                  kg:countUnchanged ?unchanged ; kg:countRemoved ?removed ;
                  kg:countFailed ?failed }
  BIND(IF(BOUND(?ended), "finished", "unfinished") AS ?status)
} ORDER BY DESC(?started) DESC(STR(?run))
"""


# --- eval ---------------------------------------------------------------------------------------

@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print all figures as JSON.")
@click.option("--baseline", is_flag=True, help="Score raw Natasha instead of kgraph.")
def evaluate_cmd(gold_dir, as_json, baseline):
    """Score extraction against BRAT gold (NAME.txt + NAME.ann): P/R/F1 per entity type
    (strict and lenient), relations as facts, normal forms, and identity (pairwise, B³)."""
    from kgraph.evaluate import evaluate, format_report

    scores = evaluate(gold_dir, baseline_extract if baseline else batch_extractor())
    if as_json:
        click.echo(json.dumps(scores, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(scores))


def batch_extractor():
    """Extraction over a gold set in order, identities resolved across its documents."""
    from kgraph.extract import Batch
    from kgraph.model import Report
    from kgraph.read import _date_from_text

    batch = Batch()

    def run(gold_doc) -> dict:
        report = Report(path=str(gold_doc.path), id=gold_doc.name, text=gold_doc.text,
                        date=_date_from_text(gold_doc.text))
        return batch(report).to_json()

    return run


def kgraph_extract(gold_doc) -> dict:
    return batch_extractor()(gold_doc)


def baseline_extract(gold_doc) -> dict:
    from kgraph.baseline import natasha_extract

    return natasha_extract(gold_doc.text, doc=str(gold_doc.path))


# --- serve ----------------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes the graph to the network (no login!).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port (0: any free port, printed at start).")
@store_option
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query processes (default: cores, at most 4).")
@click.option("--threads", type=click.IntRange(1, 256), default=16, show_default=True,
              help="HTTP request threads.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
              help="Seconds a query may run; longer ones are stopped (503).")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Rows (or triples) an answer holds at most (header X-Kgraph-Truncated).")
@click.option("--refresh", type=click.FloatRange(0), default=2.0, show_default=True,
              help="Seconds between checks for a finished ingest (0: never reopen).")
def serve(host, port, store_location, workers, threads, timeout, max_rows, refresh):
    """Serve the graph: SPARQL endpoint at /sparql, question and entity pages at /.

    Read-only: keep running `kgraph ingest` on the same store (e.g. from cron);
    the pages show the new reports a few seconds after each ingest ends.
    """
    from kgraph.serve import create_server
    from kgraph.store import StoreError, default_location

    location = store_location or default_location()
    try:
        server = create_server(location, host, port, workers=workers, threads=threads,
                               timeout=timeout, max_rows=max_rows, refresh=refresh)
    except StoreError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    except OSError as e:  # e.g. the port is taken
        click.echo(f"Error: cannot listen on {host}:{port}: {e}", err=True)
        sys.exit(2)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}: anyone who can reach this address can "
                   f"read the whole graph.", err=True)
    click.echo(f"kgraph serving {location} at {server.url}/ (SPARQL: {server.url}/sparql); "
               f"Ctrl-C stops", err=True)
    click.echo(server.url)  # stdout: the address alone, for scripts
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
