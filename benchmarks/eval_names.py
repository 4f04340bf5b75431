"""Person normal forms (kgraph.names) against the gold PERSON spans.

    python benchmarks/eval_names.py [--shared ../shared] [--sets seed library-dev] [-v]

Runs `analyse` on every gold document, calls `parse_person` on each gold PERSON
span and compares `.normal` with the gold normal form (whitespace-normalised,
ё→е). Also scores the gender where the gold normal form reveals it (a
patronymic, a -ова/-ов surname, a known first name). Prints accuracy and every
mismatch.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from kgraph.analyse import analyse
from kgraph.evaluate import load_brat_dir
from kgraph.names import (FEMALE_NAMES, MALE_NAMES, is_patronymic, parse_person,
                          patronymic_readings)

SETS = {"seed": "gold/seed", "library-dev": "gold/library-dev"}
KZ_GENDER = {n.lower(): "female" for n in FEMALE_NAMES} | {n.lower(): "male" for n in MALE_NAMES}


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip().replace("ё", "е").replace("Ё", "Е")


def gold_gender(normal: str) -> str | None:
    """The sex the gold normal form shows, or None."""
    words = [w for w in normal.split() if not w.endswith(".")]
    for w in words:
        if is_patronymic(w):
            r = patronymic_readings(w)
            gs = {g for _, g in r}
            if len(gs) == 1:
                return "female" if gs.pop() == "f" else "male"
    has_initials = any(w.endswith(".") for w in normal.split())
    if words and (has_initials or len(words) >= 2):
        s = words[0].lower()
        if re.search(r"(ова|ева|ёва|ина|ына|ская|цкая)$", s):
            return "female"
        if re.search(r"(ов|ев|ёв|ин|ын|ский|цкий)$", s):
            return "male"
    for w in words:
        if w.lower() in KZ_GENDER:
            return KZ_GENDER[w.lower()]
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mention")
    args = ap.parse_args()

    total = ok = g_total = g_ok = 0
    seconds = 0.0
    calls = 0
    for name in args.sets:
        docs = load_brat_dir(Path(args.shared) / SETS[name])
        s_total = s_ok = 0
        for doc in docs:
            an = analyse(doc.text)
            for e in doc.entities:
                if e["type"] != "PERSON" or not e.get("normal"):
                    continue
                t0 = time.perf_counter()
                p = parse_person(an, e["start"], e["end"])
                seconds += time.perf_counter() - t0
                calls += 1
                gold, pred = norm(e["normal"]), norm(p.normal)
                s_total += 1
                s_ok += gold == pred
                gg = gold_gender(e["normal"])
                if gg:
                    g_total += 1
                    g_ok += gg == p.gender
                if gold != pred or (gg and gg != p.gender) or args.verbose:
                    mark = "OK " if gold == pred else "ERR"
                    gmark = "" if not gg or gg == p.gender else f"  [gender {p.gender} != {gg}]"
                    ctx = doc.text[max(0, e["start"] - 50):e["end"] + 30].replace("\n", " ")
                    print(f"{mark} {doc.name}: {e['text']!r} -> {pred!r}, gold {gold!r}{gmark}\n"
                          f"      …{ctx}…")
        print(f"{name}: {s_ok}/{s_total} = {s_ok / max(1, s_total):.3f}")
        total += s_total
        ok += s_ok
    print(f"ALL normal forms: {ok}/{total} = {ok / max(1, total):.3f}")
    print(f"ALL gender (where the gold shows it): {g_ok}/{g_total} = {g_ok / max(1, g_total):.3f}")
    print(f"parse_person: {calls} calls, {1000 * seconds / max(1, calls):.2f} ms per call")


if __name__ == "__main__":
    main()
