"""Relation extraction against the gold sets, given the GOLD entities.

    /work/venv/bin/python benchmarks/eval_relations.py [GOLD_DIR ...] [-v] [--doc NAME]

For every gold document: its T entities become Mention objects (type, span, text,
normal form from the AnnotatorNotes, id = the T id), the text is analysed with
Natasha, and `kgraph.relations.extract_relations` runs over them. Relations are
scored as facts (GUIDE §8): each mention is replaced by its gold identity (the
`id=` cluster, or TYPE|normal for PROFESSION and DATE), facts are deduplicated and
the (head, type, tail) sets are compared per document. This isolates the relation
rules from entity extraction.

Prints P/R/F1 per relation type and micro for each set; with -v also the false
positives and negatives of every document (to guide the rules, not to fit them).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from kgraph.analyse import analyse
from kgraph.evaluate import gold_key, load_brat_dir, map_to_gold, prf
from kgraph.model import RELATION_TYPES, Mention, Report
from kgraph.relations import extract_relations

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_SETS = [SHARED / "gold" / "seed", SHARED / "gold" / "library-dev"]

MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
WORD_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)


def first_full_date(text: str) -> str | None:
    """The first day-month-year date in the text, as ISO (the report's date)."""
    found = []
    for m in NUMERIC_DATE.finditer(text):
        found.append((m.start(), f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"))
    for m in WORD_DATE.finditer(text):
        month = MONTHS.index(m.group(2).lower()) + 1
        found.append((m.start(), f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"))
    return min(found)[1] if found else None


def mentions_of(doc) -> list[Mention]:
    out = []
    for e in doc.entities:
        attrs = {"value": e["value"]} if e.get("value") else {}
        out.append(Mention(id=e["id"], type=e["type"], start=e["start"], end=e["end"],
                           text=e["text"], normal=e.get("normal") or e["text"], attrs=attrs))
    return out


def run_doc(doc, predicted: bool = False):
    """(gold facts, predicted facts, predicted relations) of one document; with
    `predicted` the mentions come from the entity stage instead of the gold."""
    report = Report(path=doc.path, id=doc.name, text=doc.text, date=first_full_date(doc.text))
    an = analyse(doc.text)
    if predicted:
        from kgraph.entities import find_entities
        mentions = find_entities(an, report)
    else:
        mentions = mentions_of(doc)
    relations = extract_relations(an, mentions, report)

    by_id = {e["id"]: e for e in doc.entities}
    gold = {(gold_key(by_id[r["head"]]), r["type"], gold_key(by_id[r["tail"]]))
            for r in doc.relations}
    ments = {m.id: {"type": m.type, "start": m.start, "end": m.end, "id": m.id, "text": m.text}
             for m in mentions}

    def key(m):
        g = map_to_gold(m, doc.entities)
        return gold_key(g) if g else f"?{m['type']}:{m['text']}"

    pred = {(key(ments[r.head]), r.type, key(ments[r.tail])) for r in relations}
    return gold, pred, relations


def score_set(path: Path, verbose: bool, only: str | None, predicted: bool = False) -> Counter:
    docs = load_brat_dir(path)
    counts: dict[str, Counter] = {t: Counter() for t in RELATION_TYPES}
    print(f"\n=== {path.name}: {len(docs)} documents")
    for doc in docs:
        if only and only not in doc.name:
            continue
        gold, pred, _ = run_doc(doc, predicted)
        for f in gold & pred:
            counts[f[1]]["tp"] += 1
        for f in pred - gold:
            counts[f[1]]["fp"] += 1
        for f in gold - pred:
            counts[f[1]]["fn"] += 1
        if verbose and (gold ^ pred):
            print(f"--- {doc.name}: {len(gold & pred)} tp, {len(pred - gold)} fp, {len(gold - pred)} fn")
            for f in sorted(pred - gold, key=lambda f: (f[1], f)):
                print(f"  FP {f[1]:15s} {f[0]}  ->  {f[2]}")
            for f in sorted(gold - pred, key=lambda f: (f[1], f)):
                print(f"  FN {f[1]:15s} {f[0]}  ->  {f[2]}")
    total = Counter()
    print(f"{'relation':17s} {'gold':>5s} {'pred':>5s} {'tp':>5s} |     P     R    F1")
    for typ, c in counts.items():
        total.update(c)
        s = prf(c["tp"], c["fp"], c["fn"])
        print(f"{typ:17s} {c['tp'] + c['fn']:5d} {c['tp'] + c['fp']:5d} {c['tp']:5d} |"
              f" {s['precision']:5.3f} {s['recall']:5.3f} {s['f1']:5.3f}")
    s = prf(total["tp"], total["fp"], total["fn"])
    print(f"{'micro':17s} {total['tp'] + total['fn']:5d} {total['tp'] + total['fp']:5d} "
          f"{total['tp']:5d} | {s['precision']:5.3f} {s['recall']:5.3f} {s['f1']:5.3f}")
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    ap.add_argument("-v", "--verbose", action="store_true", help="list FP/FN per document")
    ap.add_argument("--doc", help="only documents whose name contains this")
    ap.add_argument("--predicted", action="store_true",
                    help="use the entity stage's mentions instead of the gold entities")
    args = ap.parse_args(argv)
    for path in args.sets:
        if not path.is_dir():
            print(f"skipped (not found): {path}", file=sys.stderr)
            continue
        score_set(path, args.verbose, args.doc, args.predicted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
