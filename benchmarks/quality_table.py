"""Print the tables of docs/quality.md: kgraph beside raw Natasha on the gold sets.

    python benchmarks/quality_table.py [--shared ../shared] > /tmp/quality.md

Each figure is what `kgraph eval DIR --json` (and `--baseline`) gives for that set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kgraph.cli import baseline_extract, batch_extractor
from kgraph.evaluate import evaluate

TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "EVENT", "DATE", "PROFESSION", "micro")
RELATIONS = ("PARTICIPANT_IN", "ORGANIZES", "TAKES_PLACE_IN", "POINT_IN_TIME", "WORKS_AS",
             "WORKPLACE", "PART_OF", "LOCATED_IN", "ALTERNATIVE_NAME", "micro")


def f(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def entity_table(ours: dict, base: dict) -> list[str]:
    rows = ["| type | kgraph strict P / R / F1 | kgraph lenient F1 | Natasha strict F1 | Natasha lenient F1 |",
            "|---|---|---|---|---|"]
    for t in TYPES:
        s, l = ours["entities"]["strict"].get(t), ours["entities"]["lenient"].get(t)
        bs, bl = base["entities"]["strict"].get(t), base["entities"]["lenient"].get(t)
        if not s:
            continue
        rows.append(f"| {t} | {f(s['precision'])} / {f(s['recall'])} / **{f(s['f1'])}** | {f(l['f1'])} "
                    f"| {f(bs and bs['f1'])} | {f(bl and bl['f1'])} |")
    return rows


def relation_table(ours: dict) -> list[str]:
    rows = ["| relation | gold | P | R | F1 |", "|---|---|---|---|---|"]
    for r in RELATIONS + ("attendance",):
        x = ours["relations"].get(r) if r != "attendance" else ours["relations"].get("attendance")
        if not x:
            continue
        gold = x.get("tp", 0) + x.get("fn", 0)
        rows.append(f"| {r} | {gold} | {f(x['precision'])} | {f(x['recall'])} | **{f(x['f1'])}** |")
    return rows


def normal_table(ours: dict, base: dict) -> list[str]:
    rows = ["| type | kgraph accuracy | Natasha accuracy |", "|---|---|---|"]
    for t in TYPES:
        x, b = ours["normal"].get(t), base["normal"].get(t)
        if x and x.get("total"):
            rows.append(f"| {t} | {f(x['accuracy'])} ({x['correct']}/{x['total']}) "
                        f"| {f(b['accuracy']) if b and b.get('total') else '–'} |")
    return rows


def identity_lines(ours: dict) -> list[str]:
    i = ours.get("identity")
    if not i:
        return []
    p, b = i["pairwise"], i["b3"]
    return [f"Identity ({i['mentions']} matched mentions): pairwise precision **{f(p['precision'])}**, "
            f"recall **{f(p['recall'])}**, F1 {f(p['f1'])}; B³ F1 {f(b['f1'])}; "
            f"merged persons with different gold ids: **{i['person_merges']}**."]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    args = ap.parse_args()
    sets = [("library-dev", Path(args.shared) / "gold" / "library-dev"),
            ("seed", Path(args.shared) / "gold" / "seed"),
            ("NEREL dev", Path(args.shared) / "nerel" / "dev")]
    for name, path in sets:
        ours = evaluate(path, batch_extractor())
        base = evaluate(path, baseline_extract)
        print(f"### {name} ({ours['documents']} documents)\n")
        print("\n".join(entity_table(ours, base)), "\n")
        if name != "NEREL dev":
            print("\n".join(relation_table(ours)), "\n")
            print("\n".join(normal_table(ours, base)), "\n")
            print("\n".join(identity_lines(ours)), "\n")


if __name__ == "__main__":
    main()
