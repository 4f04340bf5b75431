"""Identity when a gold set arrives in two ingestion runs instead of one.

    python benchmarks/eval_crossrun.py ../shared/gold/library-dev          # split in the middle
    python benchmarks/eval_crossrun.py ../shared/gold/library-dev --split 5

The documents before the split are extracted as one batch and written to a fresh
embedded store (report graphs + summary, as `kgraph ingest` writes them); the rest are
resolved against `registry_from_store(store)`, as next month's `kgraph ingest` would.
Prints pairwise identity (as `kgraph eval`) for one batch and for the two runs: an
operator's monthly batches should give the same identities as one big batch.
"""

from __future__ import annotations

import argparse
import os
import tempfile

from kgraph import rdf, vocab
from kgraph.cli import batch_extractor
from kgraph.evaluate import evaluate, load_brat_dir
from kgraph.extract import Batch
from kgraph.model import Report
from kgraph.read import _date_from_text
from kgraph.resolve import registry_from_store
from kgraph.store import open_store


def two_runs(split: int):
    """An extractor for `evaluate` that switches to the store's registry at `split`."""
    state = {"batch": Batch(), "done": [], "store": os.path.join(tempfile.mkdtemp(), "s")}

    def run(gold_doc) -> dict:
        if len(state["done"]) == split:
            with open_store(state["store"], write=True) as store:
                for ex in state["done"]:
                    store.replace_report(vocab.report_iri(ex.report.id), rdf.report_quads(ex))
                store.refresh_labels()
            with open_store(state["store"]) as store:
                state["batch"] = Batch(registry_from_store(store))
        report = Report(path=str(gold_doc.path), id=gold_doc.name, text=gold_doc.text,
                        date=_date_from_text(gold_doc.text))
        ex = state["batch"](report)
        state["done"].append(ex)
        return ex.to_json()

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_dir")
    ap.add_argument("--split", type=int, default=None, help="documents in the first run")
    args = ap.parse_args()
    n = len(load_brat_dir(args.gold_dir))
    split = args.split if args.split is not None else n // 2
    for label, extractor in (("one run", batch_extractor()),
                             (f"two runs ({split} + {n - split})", two_runs(split))):
        ident = evaluate(args.gold_dir, extractor)["identity"]
        p = ident["pairwise"]
        print(f"{label:24} pairwise P {p['precision']:.3f}  R {p['recall']:.3f}  "
              f"person merges {ident['person_merges']}")


if __name__ == "__main__":
    main()
