"""Raw Natasha (kgraph.baseline) scored against the shared gold sets.

    python benchmarks/eval_baseline.py [--shared ../shared] [--json]

Prints, per set, strict and lenient entity scores per type (all six contract
types, then only the three Natasha knows), normal-form accuracy and identity
(iri = "natasha:" + normal form). The figures go into docs/quality.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kgraph.baseline import models, natasha_extract
from kgraph.evaluate import (format_entities, format_identity, format_normals, load_brat_dir,
                             score)

SETS = {"library-dev": "gold/library-dev", "seed": "gold/seed", "nerel-dev": "nerel/dev"}
NATASHA_TYPES = ("PERSON", "ORGANIZATION", "LOCATION")


def run_set(path: Path) -> dict:
    gold = load_brat_dir(path)
    t0 = time.perf_counter()
    preds = [natasha_extract(d.text, d.path) for d in gold]
    seconds = time.perf_counter() - t0
    return {
        "documents": len(gold),
        "characters": sum(len(d.text) for d in gold),
        "seconds": seconds,
        "all_types": score(gold, preds),
        "natasha_types": score(gold, preds, types=NATASHA_TYPES),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--json", action="store_true", help="print the full scores as JSON")
    args = ap.parse_args()

    models()  # load once, outside the timings
    results = {name: run_set(args.shared / rel) for name, rel in SETS.items()
               if (args.shared / rel).is_dir()}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for name, r in results.items():
        print(f"=== {name}: {r['documents']} documents, {r['characters']} characters, "
              f"Natasha {r['seconds']:.2f} s ({r['characters'] / r['seconds']:.0f} chars/s)")
        print(format_entities(r["all_types"]))
        sub = r["natasha_types"]["entities"]
        print(f"micro over PERSON/ORGANIZATION/LOCATION: strict F1 {sub['strict']['micro']['f1']:.3f}, "
              f"lenient F1 {sub['lenient']['micro']['f1']:.3f}")
        print()
        print(format_normals(r["natasha_types"], show_mismatches=0))
        print(format_identity(r["natasha_types"]))
        print()


if __name__ == "__main__":
    main()
