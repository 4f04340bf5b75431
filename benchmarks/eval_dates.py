"""kgraph.dates.find_dates scored against the DATE mentions of the shared gold sets.

    python benchmarks/eval_dates.py [--shared ../shared] [-v]

Per set: strict (exact span) and lenient (overlapping span) P/R/F1 of DATE
mentions; on the library sets also the accuracy of `normal` and `value` over
the strictly matched mentions. -v lists every miss, false alarm and mismatch.

Report date used for the library sets (the gold has no metadata date): the
first gold DATE value that is a full date (`YYYY-MM-DD`, or the start of such a
range); failing that, the first non-range value with a known year, cut to its
`YYYY` or `YYYY-MM`; failing that, none (values then come out as `XXXX`).
NEREL is run without a report date, and only spans are scored there: NEREL
also tags durations, weekdays, `сегодня` etc. as DATE, which the library guide
excludes (GUIDE §2), so its recall is not comparable; a second line restricts
the NEREL gold to "calendar" mentions (those containing a month, season, year
or century word or a 4-digit number) to show recall on the constructions the
library guide covers.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from kgraph.dates import find_dates
from kgraph.evaluate import load_brat_dir

SETS = {"library-dev": ("gold/library-dev", True), "seed": ("gold/seed", True),
        "nerel-dev": ("nerel/dev", False)}

CALENDAR = re.compile(
    r"\d{4}|январ|феврал|март|апрел|\bма[йяею]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"весн|лет[оа]м?\b|осен|зим[аоуые]|век[аеу]?\b|\d\d?\.\d\d?\.\d|в этом году|прошл\w+ год|"
    r"следующ\w+ год|текущ\w+ год", re.I)
DURATION = re.compile(r"\b(назад|последни\w*|течение|спустя|через|около|свыше|более|почти|"
                      r"несколько|кажд\w+)\b", re.I)


def gold_report_date(dates: list[dict]) -> str | None:
    values = [d["value"] or "" for d in sorted(dates, key=lambda d: d["start"])]
    for v in values:
        first = v.split("/")[0]
        if re.fullmatch(r"\d{4}-\d\d-\d\d", first):
            return first
    for v in values:
        m = re.match(r"\d{4}(-\d\d(?!-[A-Z]))?", v)
        if m and "/" not in v:
            return m.group(0)
    return None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_set(path: Path, library: bool, verbose: bool, calendar_only: bool = False) -> dict:
    docs = load_brat_dir(path)
    c = dict(tp=0, fp=0, fn=0, ltp_g=0, ltp_p=0, n_gold=0, n_pred=0, normal_ok=0,
             value_ok=0, matched=0, chars=0, seconds=0.0)
    for doc in docs:
        gold = [e for e in doc.entities if e["type"] == "DATE"]
        if calendar_only:
            gold = [e for e in gold if CALENDAR.search(e["text"]) and not DURATION.search(e["text"])]
        rd = gold_report_date(gold) if library else None
        t0 = time.perf_counter()
        pred = find_dates(doc.text, rd)
        c["seconds"] += time.perf_counter() - t0
        c["chars"] += len(doc.text)
        if calendar_only:  # score only predictions that do not overlap a dropped NEREL DATE
            others = [e for e in doc.entities if e["type"] == "DATE" and e not in gold]
            pred = [p for p in pred if not any(o["start"] < p.end and p.start < o["end"]
                                               for o in others)]
        gspans = {(g["start"], g["end"]): g for g in gold}
        pspans = {(p.start, p.end): p for p in pred}
        c["n_gold"] += len(gspans)
        c["n_pred"] += len(pspans)
        for span, g in gspans.items():
            p = pspans.get(span)
            if p is None:
                if verbose:
                    near = [q.text for q in pred if q.start < g["end"] and g["start"] < q.end]
                    print(f"  MISS {doc.name}: {g['text']!r} (pred {near})")
                continue
            c["tp"] += 1
            if library:
                c["matched"] += 1
                c["normal_ok"] += p.normal == g["normal"]
                c["value_ok"] += p.value == g["value"]
                if verbose and (p.normal != g["normal"] or p.value != g["value"]):
                    print(f"  DIFF {doc.name}: {g['text']!r}: normal {p.normal!r} vs {g['normal']!r}, "
                          f"value {p.value!r} vs {g['value']!r} (report {rd})")
        for span, p in pspans.items():
            if span not in gspans:
                c["fp"] += 1
                if verbose:
                    ctx = doc.text[max(0, p.start - 30):p.end + 20].replace("\n", " ")
                    print(f"  FA   {doc.name}: {p.text!r} in …{ctx}…")
        c["fn"] += len(gspans) - sum(1 for s in gspans if s in pspans)
        c["ltp_g"] += sum(1 for g in gold if any(p.start < g["end"] and g["start"] < p.end for p in pred))
        c["ltp_p"] += sum(1 for p in pred if any(p.start < g["end"] and g["start"] < p.end for g in gold))
    c["documents"] = len(docs)
    return c


def report(name: str, c: dict, library: bool) -> None:
    p, r, f = prf(c["tp"], c["fp"], c["fn"])
    lp = c["ltp_p"] / c["n_pred"] if c["n_pred"] else 0.0
    lr = c["ltp_g"] / c["n_gold"] if c["n_gold"] else 0.0
    lf = 2 * lp * lr / (lp + lr) if lp + lr else 0.0
    speed = c["chars"] / c["seconds"] if c["seconds"] else 0.0
    print(f"=== {name}: {c['documents']} documents, {c['n_gold']} gold DATE, {c['n_pred']} predicted "
          f"({c['seconds'] * 1000:.0f} ms, {speed / 1000:.0f}k chars/s)")
    print(f"strict   P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"lenient  P {lp:.3f}  R {lr:.3f}  F1 {lf:.3f}")
    if library and c["matched"]:
        print(f"normal accuracy {c['normal_ok'] / c['matched']:.3f} ({c['normal_ok']}/{c['matched']}), "
              f"value accuracy {c['value_ok'] / c['matched']:.3f} ({c['value_ok']}/{c['matched']}) "
              f"over strict matches")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    find_dates("В мае будет семинар.", "2023-12-01")  # load the morphology once, outside the timings
    for name, (rel, library) in SETS.items():
        path = args.shared / rel
        if not path.is_dir():
            continue
        report(name, run_set(path, library, args.verbose), library)
        if not library:
            report(name + " (calendar mentions only)",
                   run_set(path, library, False, calendar_only=True), library)


if __name__ == "__main__":
    main()
