#!/usr/bin/env python3
"""Inline gold markup (src/NAME.src) -> BRAT (NAME.txt + NAME.ann), with validation.

Written for tests/heldout2 only (stdlib and kgraph.model).  Format as in shared/annotation/GUIDE.md §7:
  [LABEL TYPE|key=value|key="value with spaces" span text]
  ---relations---
  TYPE HEAD TAIL   # comment

Usage:
  python3 conv.py build SRC_DIR -o OUT_DIR     # build + validate, writes .txt/.ann, attendance.tsv, ids.tsv
  python3 conv.py check OUT_DIR                # validate existing .txt/.ann pairs
  python3 conv.py stats OUT_DIR
"""
import collections
import glob
import os
import re
import sys

from kgraph.model import RELATION_TYPES

ENT_TYPES = {"PERSON", "ORGANIZATION", "LOCATION", "EVENT", "DATE", "PROFESSION"}
ID_PREFIX = {"PERSON": "per:", "ORGANIZATION": "org:", "LOCATION": "loc:", "EVENT": "evt:"}
REL_TYPES = RELATION_TYPES  # the contract's argument types (kgraph/model.py)
DATE_VALUE = re.compile(
    r"^(?:[0-9X]{4}(?:-(?:[0-9X]{2}(?:-[0-9X]{2})?|SP|SU|FA|WI))?|[0-9]{2}XX|[0-9]{3}X)"
    r"(?:/(?:[0-9X]{4}(?:-(?:[0-9X]{2}(?:-[0-9X]{2})?|SP|SU|FA|WI))?|[0-9]{2}XX|[0-9]{3}X))?$")
ID_RE = re.compile(r"^(per|org|loc|evt):[a-z0-9][a-z0-9-]*$")


class Err(Exception):
    pass


def parse_src(path):
    raw = open(path, encoding="utf-8", newline="").read()
    marker = "\n---relations---\n"
    if marker not in raw:
        if raw.endswith("\n---relations---"):
            body, rels = raw[: -len("\n---relations---")], ""
        else:
            raise Err(f"{path}: no ---relations--- line")
    else:
        body, rels = raw.split(marker, 1)
    text = []
    ents = []  # dict(label,type,start,end,attrs)
    stack = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "\\" and i + 1 < n and body[i + 1] in "[]\\":
            text.append(body[i + 1]); i += 2; continue
        if c == "[":
            j = i + 1
            m = re.match(r"([A-Za-z0-9_]+) ", body[j:])
            if not m:
                raise Err(f"{path}: bad label at {i}: {body[i:i+40]!r}")
            label = m.group(1); j += m.end()
            # header until first space outside quotes
            k = j; inq = False
            while k < n:
                if body[k] == '"':
                    inq = not inq
                elif body[k] == " " and not inq:
                    break
                elif body[k] == "\n":
                    raise Err(f"{path}: newline in header of {label}")
                k += 1
            header = body[j:k]
            parts = re.findall(r'(?:[^|"]|"[^"]*")+', header)
            typ = parts[0]
            if typ not in ENT_TYPES:
                raise Err(f"{path}: {label}: bad type {typ!r}")
            attrs = {}
            for p in parts[1:]:
                if "=" not in p:
                    raise Err(f"{path}: {label}: bad attr {p!r}")
                key, val = p.split("=", 1)
                if val.startswith('"'):
                    if not val.endswith('"'):
                        raise Err(f"{path}: {label}: bad quoting {p!r}")
                    val = val[1:-1]
                if key not in ("normal", "id", "value", "note"):
                    raise Err(f"{path}: {label}: bad key {key}")
                if key in attrs:
                    raise Err(f"{path}: {label}: duplicate key {key}")
                if any(ch in val for ch in ';\t\n"'):
                    raise Err(f"{path}: {label}: bad char in value {val!r}")
                attrs[key] = val
            e = {"label": label, "type": typ, "start": len("".join(text)), "attrs": attrs}
            stack.append(e)
            i = k + 1
            continue
        if c == "]":
            if not stack:
                raise Err(f"{path}: unbalanced ] at {i}: {body[max(0,i-40):i+1]!r}")
            e = stack.pop()
            e["end"] = len("".join(text))
            ents.append(e)
            i += 1
            continue
        text.append(c); i += 1
    if stack:
        raise Err(f"{path}: unclosed {[e['label'] for e in stack]}")
    text = "".join(text)
    relations = []
    for ln, line in enumerate(rels.split("\n"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3:
            raise Err(f"{path}: bad relation line {line!r}")
        relations.append(tuple(parts))
    return text, ents, relations


def validate(name, text, ents, relations, errors, idtypes):
    labels = {}
    for e in ents:
        if e["label"] in labels:
            errors.append(f"{name}: duplicate label {e['label']}")
        labels[e["label"]] = e
        s, t = e["start"], e["end"]
        span = text[s:t]
        e["text"] = span
        if not span:
            errors.append(f"{name}: {e['label']} empty span")
            continue
        if span != span.strip() or "\n" in span:
            errors.append(f"{name}: {e['label']} span touches whitespace/crosses line: {span!r}")
        a = e["attrs"]
        if e["type"] in ID_PREFIX:
            i = a.get("id")
            if not i:
                errors.append(f"{name}: {e['label']} missing id")
            elif not ID_RE.match(i) or not i.startswith(ID_PREFIX[e["type"]]):
                errors.append(f"{name}: {e['label']} bad id {i}")
            else:
                prev = idtypes.setdefault(i, e["type"])
                if prev != e["type"]:
                    errors.append(f"{name}: id {i} has types {prev} and {e['type']}")
            if "value" in a:
                errors.append(f"{name}: {e['label']} value on non-DATE")
        else:
            if "id" in a:
                errors.append(f"{name}: {e['label']} id on {e['type']}")
        if e["type"] == "DATE":
            v = a.get("value")
            if not v or not DATE_VALUE.match(v):
                errors.append(f"{name}: {e['label']} bad/missing DATE value {v!r}")
        elif "value" in a:
            errors.append(f"{name}: {e['label']} value on {e['type']}")
    # crossing and same-type duplicates on the same span
    es = sorted(ents, key=lambda e: (e["start"], -e["end"]))
    for x in range(len(es)):
        for y in range(x + 1, len(es)):
            a, b = es[x], es[y]
            if b["start"] >= a["end"]:
                break
            if b["end"] > a["end"]:
                errors.append(f"{name}: spans cross: {a['label']} {b['label']}")
            if a["start"] == b["start"] and a["end"] == b["end"] and a["type"] == b["type"]:
                errors.append(f"{name}: same span+type twice: {a['label']} {b['label']}")
    def key(e):
        if e["type"] in ID_PREFIX:
            return e["attrs"].get("id")
        return (e["type"], e["attrs"].get("normal", e["text"]))
    seen = set()
    for r in relations:
        typ, h, t = r
        if typ not in REL_TYPES:
            errors.append(f"{name}: bad relation type {typ}"); continue
        if h not in labels or t not in labels:
            errors.append(f"{name}: relation {r} missing argument"); continue
        H, T = labels[h], labels[t]
        ht, tt = REL_TYPES[typ]
        if H["type"] not in ht or T["type"] not in tt:
            errors.append(f"{name}: relation {r} ill-typed {H['type']}->{T['type']}")
        if typ == "ALTERNATIVE_NAME":
            if key(H) != key(T):
                errors.append(f"{name}: ALTERNATIVE_NAME {r} args differ in id")
        elif key(H) == key(T):
            errors.append(f"{name}: self relation {r}")
        if typ == "PART_OF" and H["type"] == T["type"] == "ORGANIZATION":
            pass
        k = (key(H), typ, key(T))
        if k in seen:
            errors.append(f"{name}: duplicate fact {k} ({r})")
        seen.add(k)


def to_ann(ents, relations):
    es = sorted(ents, key=lambda e: (e["start"], -e["end"], e["label"]))
    tid = {}
    lines, notes = [], []
    for n, e in enumerate(es, 1):
        tid[e["label"]] = f"T{n}"
        lines.append(f"T{n}\t{e['type']} {e['start']} {e['end']}\t{e['text']}")
        a = e["attrs"]
        parts = [f"normal={a.get('normal', e['text'])}"]
        if "id" in a:
            parts.append(f"id={a['id']}")
        if "value" in a:
            parts.append(f"value={a['value']}")
        notes.append((f"T{n}", "; ".join(parts)))
    for n, (typ, h, t) in enumerate(relations, 1):
        lines.append(f"R{n}\t{typ} Arg1:{tid[h]} Arg2:{tid[t]}")
    for n, (t, note) in enumerate(notes, 1):
        lines.append(f"#{n}\tAnnotatorNotes {t}\t{note}")
    return "\n".join(lines) + "\n"


def read_ann(txt_path):
    text = open(txt_path, encoding="utf-8", newline="").read()
    ann = open(txt_path[:-4] + ".ann", encoding="utf-8", newline="").read()
    ents, rels, notes = {}, [], {}
    for line in ann.split("\n"):
        if not line:
            continue
        if line.startswith("T"):
            tid, mid, span = line.split("\t")
            typ, s, e = mid.split()
            ents[tid] = {"label": tid, "type": typ, "start": int(s), "end": int(e), "ann_text": span, "attrs": {}}
        elif line.startswith("R"):
            _, mid = line.split("\t")
            typ, a1, a2 = mid.split()
            rels.append((typ, a1.split(":")[1], a2.split(":")[1]))
        elif line.startswith("#"):
            _, mid, note = line.split("\t")
            tid = mid.split()[1]
            for p in note.split("; "):
                k, v = p.split("=", 1)
                ents[tid]["attrs"][k] = v
    return text, list(ents.values()), rels


def words(text):
    return len([w for w in text.split() if re.search(r"\w", w)])


def cmd_build(src_dir, out_dir):
    errors, idtypes, docs = [], {}, []
    for p in sorted(glob.glob(os.path.join(src_dir, "*.src"))):
        name = os.path.basename(p)[:-4]
        try:
            text, ents, rels = parse_src(p)
        except Err as ex:
            errors.append(str(ex)); continue
        validate(name, text, ents, rels, errors, idtypes)
        docs.append((name, text, ents, rels))
    if errors:
        print("\n".join(errors)); sys.exit(1)
    for name, text, ents, rels in docs:
        with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(os.path.join(out_dir, name + ".ann"), "w", encoding="utf-8", newline="") as f:
            f.write(to_ann(ents, rels))
        print(f"{name}: {words(text)} words, {len(ents)} entities, {len(rels)} relations")
    write_tables(out_dir, docs)


def write_tables(out_dir, docs):
    att = ["person_normal\tperson_id\tevent_normal\tevent_id\tdocument"]
    reg = collections.defaultdict(lambda: {"type": None, "docs": set(), "normals": [], "surface": []})
    for name, text, ents, rels in docs:
        lab = {e["label"]: e for e in ents}
        for typ, h, t in rels:
            if typ == "PARTICIPANT_IN" and lab[h]["type"] == "PERSON":
                H, T = lab[h], lab[t]
                att.append("\t".join([H["attrs"].get("normal", H["text"]), H["attrs"]["id"],
                                      T["attrs"].get("normal", T["text"]), T["attrs"]["id"], name]))
        for e in ents:
            i = e["attrs"].get("id")
            if not i:
                continue
            r = reg[i]; r["type"] = e["type"]; r["docs"].add(name)
            nf = e["attrs"].get("normal", e["text"])
            if nf not in r["normals"]:
                r["normals"].append(nf)
            if e["text"] not in r["surface"]:
                r["surface"].append(e["text"])
    with open(os.path.join(out_dir, "attendance.tsv"), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(att) + "\n")
    with open(os.path.join(out_dir, "ids.tsv"), "w", encoding="utf-8", newline="") as f:
        f.write("id\ttype\tdocs\tnormals\tsurface_forms\n")
        for i in sorted(reg):
            r = reg[i]
            f.write(f"{i}\t{r['type']}\t{len(r['docs'])}\t{' | '.join(r['normals'])}\t{' | '.join(r['surface'])}\n")


def cmd_check(d):
    errors, idtypes = [], {}
    for p in sorted(glob.glob(os.path.join(d, "*.txt"))):
        name = os.path.basename(p)[:-4]
        text, ents, rels = read_ann(p)
        for e in ents:
            if text[e["start"]:e["end"]] != e["ann_text"]:
                errors.append(f"{name}: {e['label']} text mismatch {e['ann_text']!r} != {text[e['start']:e['end']]!r}")
        validate(name, text, ents, rels, errors, idtypes)
    print("\n".join(errors) if errors else "OK")
    return not errors


def cmd_stats(d):
    et, rt = collections.Counter(), collections.Counter()
    ndocs, nw = 0, 0
    for p in sorted(glob.glob(os.path.join(d, "*.txt"))):
        text, ents, rels = read_ann(p)
        ndocs += 1; nw += words(text)
        et.update(e["type"] for e in ents)
        lab = {e["label"]: e for e in ents}
        rt.update(r[0] for r in rels)
    print(f"documents: {ndocs}, words: {nw}")
    for k in ["PERSON", "ORGANIZATION", "LOCATION", "EVENT", "DATE", "PROFESSION"]:
        print(f"{k}\t{et[k]}")
    print(f"total\t{sum(et.values())}")
    for k in REL_TYPES:
        print(f"{k}\t{rt[k]}")
    print(f"total\t{sum(rt.values())}")


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "build":
        cmd_build(a[1], a[3] if len(a) > 3 and a[2] == "-o" else os.path.dirname(a[1].rstrip("/")))
    elif a[0] == "check":
        sys.exit(0 if cmd_check(a[1]) else 1)
    elif a[0] == "stats":
        cmd_stats(a[1])
