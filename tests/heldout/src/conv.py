#!/usr/bin/env python3
"""Held-out gold: convert inline markup (NAME.src) to BRAT (NAME.txt + NAME.ann)
and validate the result.  Stdlib only.

    python3 tests/heldout/src/conv.py build    # src/*.src -> ../NAME.txt/.ann
    python3 tests/heldout/src/conv.py check    # validate ../*.txt/.ann
    python3 tests/heldout/src/conv.py stats    # counts
    python3 tests/heldout/src/conv.py review   # listing for proof-reading

Markup: [LABEL TYPE|key=value|key="value with spaces" span text], nestable;
then a line ---relations--- and lines `TYPE HEAD TAIL  # comment`.
"""
import collections, glob, os, re, sys

from kgraph.model import RELATION_TYPES

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
ETYPES = {"PERSON", "ORGANIZATION", "LOCATION", "EVENT", "DATE", "PROFESSION"}
PREFIX = {"PERSON": "per:", "ORGANIZATION": "org:", "LOCATION": "loc:", "EVENT": "evt:"}
RTYPES = RELATION_TYPES  # the contract's argument types (kgraph/model.py)
DATE_RE = re.compile(r"^(\d{4}|XXXX|\d\dX|\d\dXX|\d{3}X)(-(\d\d|SP|SU|FA|WI)(-\d\d)?)?"
                     r"(/(\d{4}|XXXX)(-(\d\d|SP|SU|FA|WI)(-\d\d)?)?)?$")


class SrcError(Exception):
    pass


def parse_header(s, i, name):
    """s[i] is just after '['.  Returns (label, type, attrs, index of span text)."""
    j = s.index(" ", i)
    label = s[i:j]
    j += 1
    k = j
    inq = False
    while True:
        c = s[k]
        if c == '"':
            inq = not inq
        elif c == " " and not inq:
            break
        elif c == "\n":
            raise SrcError(f"{name}: newline in header at {k}")
        k += 1
    head = s[j:k]
    parts = re.findall(r'(?:[^|"]|"[^"]*")+', head)
    etype = parts[0]
    attrs = {}
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if val.startswith('"'):
            val = val[1:-1]
        attrs[key] = val
    return label, etype, attrs, k + 1


def parse_src(path):
    name = os.path.basename(path)
    raw = open(path, encoding="utf-8", newline="").read()
    body, sep, rels = raw.partition("\n---relations---\n")
    if not sep:
        raise SrcError(f"{name}: no ---relations--- line")
    out = []
    ents = []
    stack = []
    i = 0
    pos = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(body[i + 1]); pos += 1; i += 2
        elif c == "[":
            label, etype, attrs, i = parse_header(body, i + 1, name)
            stack.append((label, etype, attrs, pos))
        elif c == "]":
            if not stack:
                raise SrcError(f"{name}: unbalanced ] at {i}")
            label, etype, attrs, start = stack.pop()
            ents.append(dict(label=label, type=etype, attrs=attrs, start=start, end=pos))
            i += 1
        else:
            out.append(c); pos += 1; i += 1
    if stack:
        raise SrcError(f"{name}: unclosed [ {stack[-1][0]}")
    text = "".join(out)
    for e in ents:
        e["text"] = text[e["start"]:e["end"]]
    relations = []
    for line in rels.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        rt, h, t = line.split()
        relations.append((rt, h, t))
    return text, ents, relations


def build():
    for path in sorted(glob.glob(os.path.join(HERE, "*.src"))):
        text, ents, rels = parse_src(path)
        ents.sort(key=lambda e: (e["start"], -e["end"]))
        lab = {}
        lines = []
        for n, e in enumerate(ents, 1):
            if e["label"] in lab:
                raise SrcError(f"{path}: duplicate label {e['label']}")
            lab[e["label"]] = f"T{n}"
            e["tid"] = f"T{n}"
            lines.append(f"T{n}\t{e['type']} {e['start']} {e['end']}\t{e['text']}")
        for n, (rt, h, t) in enumerate(rels, 1):
            if h not in lab or t not in lab:
                raise SrcError(f"{path}: unknown label in {rt} {h} {t}")
            lines.append(f"R{n}\t{rt} Arg1:{lab[h]} Arg2:{lab[t]}")
        for n, e in enumerate(ents, 1):
            a = e["attrs"]
            note = [f"normal={a.get('normal', e['text'])}"]
            if "id" in a:
                note.append(f"id={a['id']}")
            if "value" in a:
                note.append(f"value={a['value']}")
            lines.append(f"#{n}\tAnnotatorNotes {e['tid']}\t" + "; ".join(note))
        base = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(OUT, base + ".txt"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(os.path.join(OUT, base + ".ann"), "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(lines) + "\n")
    print("built")


def read_ann(base):
    text = open(base + ".txt", encoding="utf-8", newline="").read()
    ents, rels, notes = {}, [], {}
    for line in open(base + ".ann", encoding="utf-8", newline="").read().splitlines():
        if line.startswith("T"):
            tid, mid, span = line.split("\t")
            typ, s, e = mid.split()
            ents[tid] = dict(id=tid, type=typ, start=int(s), end=int(e), text=span)
        elif line.startswith("R"):
            rid, mid = line.split("\t")
            rt, a1, a2 = mid.split()
            rels.append((rid, rt, a1[5:], a2[5:]))
        elif line.startswith("#"):
            _, mid, note = line.split("\t")
            tid = mid.split()[1]
            d = {}
            for kv in note.split("; "):
                k, _, v = kv.partition("=")
                d[k] = v
            notes[tid] = d
    for tid, d in notes.items():
        ents[tid].update(norm=d.get("normal"), eid=d.get("id"), value=d.get("value"))
    return text, ents, rels


def check():
    errs = []
    idtype = {}
    for txt in sorted(glob.glob(os.path.join(OUT, "*.txt"))):
        base = txt[:-4]
        name = os.path.basename(base)
        text, ents, rels = read_ann(base)
        words = len(re.findall(r"\w+", text))
        if not 150 <= words <= 300:
            errs.append(f"{name}: {words} words")
        for e in ents.values():
            t = e["text"]
            if text[e["start"]:e["end"]] != t:
                errs.append(f"{name} {e['id']}: span text mismatch")
            if not t or t != t.strip() or "\n" in t:
                errs.append(f"{name} {e['id']}: whitespace/newline/empty {t!r}")
            if e["type"] not in ETYPES:
                errs.append(f"{name} {e['id']}: bad type")
            if e["type"] in PREFIX:
                if not e.get("eid") or not e["eid"].startswith(PREFIX[e["type"]]):
                    errs.append(f"{name} {e['id']}: bad id {e.get('eid')}")
                else:
                    prev = idtype.setdefault(e["eid"], e["type"])
                    if prev != e["type"]:
                        errs.append(f"{name}: id {e['eid']} has two types")
            elif e.get("eid"):
                errs.append(f"{name} {e['id']}: id on {e['type']}")
            if e["type"] == "DATE":
                if not e.get("value") or not DATE_RE.match(e["value"]):
                    errs.append(f"{name} {e['id']}: bad DATE value {e.get('value')}")
            elif e.get("value"):
                errs.append(f"{name} {e['id']}: value on non-DATE")
            if not e.get("norm"):
                errs.append(f"{name} {e['id']}: no normal")
        L = list(ents.values())
        for a in L:
            for b in L:
                if a is b:
                    continue
                if a["start"] < b["start"] < a["end"] < b["end"]:
                    errs.append(f"{name}: {a['id']} crosses {b['id']}")
                if (a["start"], a["end"], a["type"]) == (b["start"], b["end"], b["type"]) and a["id"] < b["id"]:
                    errs.append(f"{name}: {a['id']} and {b['id']} same span and type")
        facts = set()

        def key(e):
            return e.get("eid") or (e["type"], e["norm"])
        for rid, rt, h, t in rels:
            if rt not in RTYPES:
                errs.append(f"{name} {rid}: bad relation type"); continue
            H, T = ents[h], ents[t]
            hs, ts = RTYPES[rt]
            if H["type"] not in hs or T["type"] not in ts:
                errs.append(f"{name} {rid}: {rt} {H['type']}->{T['type']} not allowed")
            if rt == "ALTERNATIVE_NAME":
                if key(H) != key(T):
                    errs.append(f"{name} {rid}: ALTERNATIVE_NAME with different ids")
            elif key(H) == key(T):
                errs.append(f"{name} {rid}: self relation {key(H)}")
            f = (key(H), rt, key(T))
            if f in facts:
                errs.append(f"{name} {rid}: duplicate fact {f}")
            facts.add(f)
    print("\n".join(errs) if errs else "OK")
    return not errs


def stats():
    ec, rc = collections.Counter(), collections.Counter()
    ids = collections.defaultdict(set)
    att = 0
    for txt in sorted(glob.glob(os.path.join(OUT, "*.txt"))):
        base = txt[:-4]
        text, ents, rels = read_ann(base)
        nw = len(re.findall(r"\w+", text))
        print(f"{os.path.basename(base)}\t{nw} words\t{len(ents)} entities\t{len(rels)} relations")
        for e in ents.values():
            ec[e["type"]] += 1
            if e.get("eid"):
                ids[e["eid"]].add(os.path.basename(base))
        for rid, rt, h, t in rels:
            rc[rt] += 1
            if rt == "PARTICIPANT_IN" and ents[h]["type"] == "PERSON":
                att += 1
    print(dict(ec), sum(ec.values()))
    print(dict(rc), sum(rc.values()))
    print("attendance rows", att, "distinct ids", len(ids),
          "ids in >=2 docs", sum(1 for v in ids.values() if len(v) > 1))
    for k, v in sorted(ids.items()):
        if len(v) > 1:
            print("  ", k, len(v))


def review():
    for txt in sorted(glob.glob(os.path.join(OUT, "*.txt"))):
        base = txt[:-4]
        text, ents, rels = read_ann(base)
        print("=" * 20, os.path.basename(base))
        for e in sorted(ents.values(), key=lambda e: (e["start"], -e["end"])):
            print(f"{e['id']:>4} {e['type'][:5]:5} {e['text']!r:60} | {e['norm']} | {e.get('eid') or ''} {e.get('value') or ''}")
        for rid, rt, h, t in rels:
            print(f"{rid:>4} {rt:15} {ents[h]['text']!r} -> {ents[t]['text']!r}")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "build"
    if cmd == "build":
        build(); check()
    else:
        {"check": check, "stats": stats, "review": review}[cmd]()
