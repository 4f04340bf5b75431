#!/usr/bin/env python3
"""List the extractor's errors on the held-out set, for error analysis.

    kgraph extract tests/heldout/*.txt > /tmp/pred.jsonl
    python3 tests/heldout/src/compare.py /tmp/pred.jsonl

Entities: strict misses/spurious, and lenient (overlap + type) pairs whose
spans differ.  Relations: facts at the gold id level (predicted mentions are
mapped to the gold mention of the same type with the largest overlap).
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conv import read_ann, OUT


def key(e):
    return e.get("eid") or (e["type"], e["norm"])


def main(path):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        base = os.path.join(OUT, os.path.basename(doc["doc"])[:-4])
        text, gents, grels = read_ann(base)
        name = os.path.basename(base)
        G = list(gents.values())
        P = doc["entities"]
        gspan = {(e["type"], e["start"], e["end"]) for e in G}
        pspan = {(e["type"], e["start"], e["end"]) for e in P}
        print("=" * 10, name)
        for e in G:
            if (e["type"], e["start"], e["end"]) not in pspan:
                ov = [p for p in P if p["type"] == e["type"] and p["start"] < e["end"] and e["start"] < p["end"]]
                tag = "SPAN " + " | ".join(repr(p["text"]) for p in ov) if ov else "MISS"
                print(f"  ent {tag:5} {e['type']:12} {e['text']!r}")
        for p in P:
            if (p["type"], p["start"], p["end"]) not in gspan:
                ov = [e for e in G if e["type"] == p["type"] and p["start"] < e["end"] and e["start"] < p["end"]]
                if not ov:
                    other = [e for e in G if e["start"] < p["end"] and p["start"] < e["end"]]
                    o = (" (gold: " + ", ".join(f"{e['type']} {e['text']!r}" for e in other) + ")") if other else ""
                    print(f"  ent FP    {p['type']:12} {p['text']!r}{o}")
        # mapping predicted -> gold
        m = {}
        for p in P:
            best, bo = None, 0
            for e in G:
                if e["type"] != p["type"]:
                    continue
                o = min(p["end"], e["end"]) - max(p["start"], e["start"])
                if o > bo or (o == bo and o > 0 and (e["start"], e["end"]) == (p["start"], p["end"])):
                    best, bo = e, o
            if best:
                m[p["id"]] = best
        pe = {p["id"]: p for p in P}
        gf = {}
        for rid, rt, h, t in grels:
            gf.setdefault((key(gents[h]), rt, key(gents[t])), (gents[h]["text"], gents[t]["text"]))
        pf = {}
        for r in doc["relations"]:
            h, t = r["head"], r["tail"]
            hk = key(m[h]) if h in m else ("?", pe[h]["text"])
            tk = key(m[t]) if t in m else ("?", pe[t]["text"])
            pf.setdefault((hk, r["type"], tk), (pe[h]["text"], pe[t]["text"]))
        for f in sorted(set(gf) - set(pf), key=lambda f: f[1]):
            print(f"  rel FN {f[1]:15} {gf[f][0]!r} -> {gf[f][1]!r}")
        for f in sorted(set(pf) - set(gf), key=lambda f: f[1]):
            print(f"  rel FP {f[1]:15} {pf[f][0]!r} -> {pf[f][1]!r}")


if __name__ == "__main__":
    main(sys.argv[1])
