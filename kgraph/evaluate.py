"""Score extraction output (shared/spec/extraction-jsonl.md) against BRAT gold.

Used by `kgraph eval GOLD_DIR [--json]`. The method follows GUIDE §8:

* entities: STRICT = same (start, end, type); LENIENT = same type and
  overlapping spans, matched one-to-one (exact matches first, then the
  largest overlap), which absorbs the `в`/`г.` and nesting conventions;
* relations: compared as *facts* (head entity, type, tail entity) per
  document, where a mention is replaced by its gold identity, so a fact
  stated twice, or linked between other mentions of the same entities,
  counts once;
* normal forms: accuracy on strictly matched mentions;
* identity: the predicted `iri` and the gold `id` are two clusterings of the
  matched mentions of a whole set, compared pairwise and with B³.

The gold may be the library gold (ids and normal forms in AnnotatorNotes) or
NEREL (no ids or normal forms; its types are mapped by TYPE_MAP).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from math import comb
from pathlib import Path
from typing import Callable, Iterable

from kgraph.model import ENTITY_TYPES, RELATION_TYPES

# NEREL type -> contract type; NEREL types that are not keys here are dropped.
# The contract's own types map to themselves, so library gold passes unchanged.
TYPE_MAP = {
    "CITY": "LOCATION",
    "COUNTRY": "LOCATION",
    "STATE_OR_PROVINCE": "LOCATION",
    "DISTRICT": "LOCATION",
    "LOCATION": "LOCATION",
    "PERSON": "PERSON",
    "ORGANIZATION": "ORGANIZATION",
    "EVENT": "EVENT",
    "DATE": "DATE",
    "PROFESSION": "PROFESSION",
}

# Types without identity ids (GUIDE §4): a fact about them is keyed by the normal form.
NO_ID_TYPES = ("PROFESSION", "DATE")


@dataclass
class GoldDoc:
    """One gold document: its text, entities and relations in contract shape.

    entities: dicts with id (the T-id), type, start, end, text, normal (None
    when the gold has none, as in NEREL), cluster (the gold `id` attribute,
    e.g. "per:musina-zhk", or None) and value (DATE, or None).
    relations: dicts with type, head, tail (T-ids).
    stats: what the loader changed or dropped, by reason (for the report).
    """

    name: str
    text: str
    entities: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    path: str = ""  # the .txt file, for running an extractor on it
    stats: Counter = field(default_factory=Counter)


# --------------------------------------------------------------------------
# Loading BRAT


def load_brat_dir(path, discontinuous: str = "join") -> list[GoldDoc]:
    """Read every NAME.txt + NAME.ann pair of a directory, sorted by name.

    discontinuous: "join" turns a fragmented span "a b;c d" into a..d (its text
    is then the document text in between), "skip" drops it (and its
    relations); either way it is counted in GoldDoc.stats.
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"not a directory: {path}")
    docs = []
    for ann in sorted(path.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        if txt.exists():
            docs.append(load_brat_doc(txt, ann, discontinuous))
    return docs


def load_brat_doc(txt_path, ann_path=None, discontinuous: str = "join") -> GoldDoc:
    txt_path = Path(txt_path)
    ann_path = Path(ann_path) if ann_path else txt_path.with_suffix(".ann")
    # newline="": offsets are code points of the undecoded line ends (contract)
    with open(txt_path, encoding="utf-8", newline="") as f:
        text = f.read()
    with open(ann_path, encoding="utf-8", newline="") as f:
        lines = [ln.rstrip("\r") for ln in f.read().split("\n")]

    raw_ents, raw_rels, notes = [], [], {}
    for line in lines:
        if line.startswith("T"):
            raw_ents.append(_parse_t(line))
        elif line.startswith("R"):
            raw_rels.append(_parse_r(line))
        elif line.startswith("#"):
            tid, note = _parse_note(line)
            if tid:
                notes[tid] = note
        # E (events), A (attributes), N (Wikidata links) lines: not used

    doc = GoldDoc(name=txt_path.stem, text=text, path=str(txt_path))
    alias = _build_entities(doc, raw_ents, notes, discontinuous)
    _build_relations(doc, raw_rels, alias)
    return doc


def _parse_t(line: str) -> dict:
    # "T5\tPERSON 147 161\tС. Торайгырова" or "T9\tLAW 1 5;9 12\t..."
    tid, spec = line.split("\t")[:2]
    typ, _, spans = spec.partition(" ")
    frags = [tuple(int(x) for x in frag.split()) for frag in spans.split(";")]
    return {"id": tid, "type": typ, "frags": frags}


def _parse_r(line: str) -> dict:
    # "R3\tWORKPLACE Arg1:T10 Arg2:T9" (NEREL may add a trailing tab)
    parts = line.split("\t")[1].split()
    args = dict(a.split(":", 1) for a in parts[1:] if ":" in a)
    return {"type": parts[0], "head": args.get("Arg1"), "tail": args.get("Arg2")}


def _parse_note(line: str) -> tuple[str | None, dict]:
    # "#4\tAnnotatorNotes T4\tnormal=...; id=org:x; value=2023"; values never contain ";"
    parts = line.split("\t")
    if len(parts) < 3 or not parts[1].startswith("AnnotatorNotes"):
        return None, {}
    tid = parts[1].split()[-1]
    note = {}
    for item in parts[2].split(";"):
        key, sep, value = item.strip().partition("=")
        if sep:
            note[key.strip()] = value.strip()
    return tid, note


def _build_entities(doc: GoldDoc, raw_ents, notes, discontinuous) -> dict:
    """Fill doc.entities; returns T-id -> kept T-id (duplicates are aliased)."""
    alias, seen = {}, {}
    for raw in raw_ents:
        typ = TYPE_MAP.get(raw["type"])
        if typ is None:
            doc.stats["dropped_entities"] += 1
            continue
        frags = raw["frags"]
        if len(frags) > 1:
            doc.stats["discontinuous"] += 1
            if discontinuous == "skip":
                continue
        start, end = min(s for s, _ in frags), max(e for _, e in frags)
        # NEREL may give one span two types that map to one (CITY + LOCATION)
        key = (start, end, typ)
        if key in seen:
            doc.stats["duplicate_entities"] += 1
            alias[raw["id"]] = seen[key]
            continue
        seen[key] = alias[raw["id"]] = raw["id"]
        note = notes.get(raw["id"], {})
        doc.entities.append({
            "id": raw["id"], "type": typ, "start": start, "end": end,
            "text": doc.text[start:end], "normal": note.get("normal"),
            "cluster": note.get("id"), "value": note.get("value"),
        })
    return alias


def _build_relations(doc: GoldDoc, raw_rels, alias) -> None:
    """Keep contract relations whose arguments were kept and fit the contract's
    head/tail types (a NEREL WORKPLACE to a COUNTRY could never be predicted)."""
    types = {e["id"]: e["type"] for e in doc.entities}
    for raw in raw_rels:
        head, tail = alias.get(raw["head"]), alias.get(raw["tail"])
        sig = RELATION_TYPES.get(raw["type"])
        if sig is None:
            doc.stats["dropped_relations_type"] += 1
        elif head is None or tail is None:
            doc.stats["dropped_relations_argument"] += 1
        elif types[head] not in sig[0] or types[tail] not in sig[1]:
            doc.stats["dropped_relations_signature"] += 1
        else:
            doc.relations.append({"type": raw["type"], "head": head, "tail": tail})


# --------------------------------------------------------------------------
# Helpers


def norm_text(s: str | None) -> str:
    """Whitespace collapsed, ё -> е (the comparison of normal forms)."""
    return " ".join((s or "").split()).replace("ё", "е").replace("Ё", "Е")


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision/recall/F1 with counts; 0/0 is taken as 0.0."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def _table(counts: dict[str, Counter], order: Iterable[str]) -> dict:
    """{type: prf} for the types seen in gold or prediction, plus "micro"."""
    out, total = {}, Counter()
    for typ in list(order) + sorted(set(counts) - set(order)):
        c = counts.get(typ)
        if c and (c["tp"] or c["fp"] or c["fn"]):
            out[typ] = prf(c["tp"], c["fp"], c["fn"])
            total.update(c)
    out["micro"] = prf(total["tp"], total["fp"], total["fn"])
    return out


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def _is_exact(a: dict, b: dict) -> bool:
    return a["start"] == b["start"] and a["end"] == b["end"]


def _pred_entities(pred: dict, types) -> tuple[list[dict], dict]:
    """Predicted entities deduplicated by (start, end, type), and id -> entity
    for every id (relations may point at a duplicate)."""
    kept, by_key, by_id = [], {}, {}
    for e in pred.get("entities", []):
        if types and e["type"] not in types:
            continue
        ent = {"id": e["id"], "type": e["type"], "start": e["start"], "end": e["end"],
               "text": e.get("text", ""), "normal": e.get("normal") or "",
               "iri": e.get("iri")}
        key = (ent["start"], ent["end"], ent["type"])
        if key not in by_key:
            by_key[key] = ent
            kept.append(ent)
        by_id[ent["id"]] = by_key[key]
    return kept, by_id


def _pair_docs(gold: list[GoldDoc], predicted: list[dict]) -> list[dict]:
    """The prediction for each gold doc: by name (the stem of `doc`) when every
    gold doc is found that way, else by position."""
    by_name = {Path(p.get("doc", "")).stem: p for p in predicted}
    if all(g.name in by_name for g in gold):
        return [by_name[g.name] for g in gold]
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold documents")
    return list(predicted)


# --------------------------------------------------------------------------
# Alignment of predicted to gold mentions


def align_one_to_one(gold_ents: list[dict], pred_ents: list[dict]) -> list[tuple[dict, dict]]:
    """Lenient one-to-one matching: same type, overlapping spans; exact matches
    first, then the largest overlap (greedy, which is optimal for the usual
    nested or shifted spans and keeps the result easy to explain)."""
    cands = []
    for gi, g in enumerate(gold_ents):
        for pi, p in enumerate(pred_ents):
            if g["type"] == p["type"]:
                ov = _overlap(g, p)
                if ov:
                    cands.append((not _is_exact(g, p), -ov, g["start"], p["start"], gi, pi))
    cands.sort()
    used_g, used_p, pairs = set(), set(), []
    for *_, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold_ents[gi], pred_ents[pi]))
    return pairs


def map_to_gold(pred: dict, gold_ents: list[dict]) -> dict | None:
    """The gold mention a predicted mention stands for in relation facts
    (many-to-one): same type, overlapping; exact first, then largest overlap."""
    best, best_key = None, None
    for g in gold_ents:
        if g["type"] != pred["type"]:
            continue
        ov = _overlap(g, pred)
        if ov:
            key = (_is_exact(g, pred), ov, -(g["end"] - g["start"]))
            if best_key is None or key > best_key:
                best, best_key = g, key
    return best


def gold_key(g: dict) -> str:
    """The identity of a gold mention in facts: its cluster id, or
    TYPE|normal form for PROFESSION/DATE and mentions without id (NEREL: text)."""
    if g.get("cluster") and g["type"] not in NO_ID_TYPES:
        return g["cluster"]
    return f'{g["type"]}|{norm_text(g.get("normal") or g["text"]).casefold()}'


# --------------------------------------------------------------------------
# Scoring


def score(gold: list[GoldDoc], predicted: list[dict], types: Iterable[str] | None = None,
          max_mismatches: int = 10) -> dict:
    """Score one contract object per gold document (same order, or keyed by
    the stem of `doc`). `types` restricts everything to those entity types
    (e.g. the three a plain NER model knows). Returns a JSON-serialisable dict:
    documents, gold_stats, entities{strict,lenient}, relations, attendance,
    normal, identity (None when the gold has no ids)."""
    types = set(types) if types else None
    preds = _pair_docs(gold, predicted)

    strict, lenient = defaultdict(Counter), defaultdict(Counter)
    rel_counts, att_counts = defaultdict(Counter), Counter()
    normal_counts, mismatches = defaultdict(Counter), defaultdict(list)
    id_items = []  # (gold cluster, predicted iri, gold type, doc) per matched mention
    gold_stats = Counter()

    for g, p in zip(gold, preds):
        gold_stats.update(g.stats)
        g_ents = [e for e in g.entities if not types or e["type"] in types]
        p_ents, p_by_id = _pred_entities(p, types)

        _count_strict(g_ents, p_ents, strict)
        pairs = align_one_to_one(g_ents, p_ents)
        _count_lenient(g_ents, p_ents, pairs, lenient)
        _count_normals(g.name, pairs, normal_counts, mismatches, max_mismatches)
        id_items += [(ge["cluster"], pe["iri"], ge["type"], g.name, pe["text"] or ge["text"])
                     for ge, pe in pairs if ge.get("cluster")]

        g_facts, g_att = _gold_facts(g, g_ents)
        p_facts, p_att = _pred_facts(g.name, p, p_by_id, g_ents)
        _count_facts(g_facts, p_facts, rel_counts)
        att_counts.update(tp=len(g_att & p_att), fp=len(p_att - g_att), fn=len(g_att - p_att))

    has_ids = any(e.get("cluster") for d in gold for e in d.entities)
    return {
        "documents": len(gold),
        "gold_stats": dict(gold_stats),
        "entities": {"strict": _table(strict, ENTITY_TYPES),
                     "lenient": _table(lenient, ENTITY_TYPES)},
        "relations": _table(rel_counts, RELATION_TYPES),
        "attendance": prf(att_counts["tp"], att_counts["fp"], att_counts["fn"]),
        "normal": _normal_table(normal_counts, mismatches),
        "identity": identity_scores(id_items, max_mismatches) if has_ids else None,
    }


def _count_strict(g_ents, p_ents, counts) -> None:
    gold_keys = {(e["start"], e["end"], e["type"]) for e in g_ents}
    pred_keys = {(e["start"], e["end"], e["type"]) for e in p_ents}
    for k in gold_keys & pred_keys:
        counts[k[2]]["tp"] += 1
    for k in pred_keys - gold_keys:
        counts[k[2]]["fp"] += 1
    for k in gold_keys - pred_keys:
        counts[k[2]]["fn"] += 1


def _count_lenient(g_ents, p_ents, pairs, counts) -> None:
    matched = Counter(ge["type"] for ge, _ in pairs)
    for typ, n in Counter(e["type"] for e in g_ents).items():
        counts[typ]["fn"] += n - matched[typ]
    for typ, n in Counter(e["type"] for e in p_ents).items():
        counts[typ]["fp"] += n - matched[typ]
    for typ, n in matched.items():
        counts[typ]["tp"] += n


def _count_normals(doc, pairs, counts, mismatches, limit) -> None:
    """Normal forms on strict matches only: a partial span has another normal form."""
    for ge, pe in pairs:
        if not _is_exact(ge, pe) or ge.get("normal") is None:
            continue
        typ = ge["type"]
        counts[typ]["total"] += 1
        if norm_text(ge["normal"]) == norm_text(pe["normal"]):
            counts[typ]["correct"] += 1
        elif len(mismatches[typ]) < limit:
            mismatches[typ].append({"doc": doc, "text": ge["text"],
                                    "gold": ge["normal"], "predicted": pe["normal"]})


def _normal_table(counts, mismatches) -> dict:
    out, total = {}, Counter()
    for typ in list(ENTITY_TYPES) + sorted(set(counts) - set(ENTITY_TYPES)):
        c = counts.get(typ)
        if c:
            out[typ] = {"accuracy": c["correct"] / c["total"], "correct": c["correct"],
                        "total": c["total"], "mismatches": mismatches.get(typ, [])}
            total.update(c)
    out["micro"] = {"accuracy": total["correct"] / total["total"] if total["total"] else None,
                    "correct": total["correct"], "total": total["total"]}
    return out


def _gold_facts(g: GoldDoc, g_ents) -> tuple[set, set]:
    """Gold relations as deduplicated facts, and the attendance subset."""
    by_id = {e["id"]: e for e in g_ents}
    facts, att = set(), set()
    for r in g.relations:
        h, t = by_id.get(r["head"]), by_id.get(r["tail"])
        if h is None or t is None:  # an argument outside `types`
            continue
        fact = (gold_key(h), r["type"], gold_key(t))
        facts.add(fact)
        if r["type"] == "PARTICIPANT_IN" and h["type"] == "PERSON":
            att.add(fact)
    return facts, att


def _pred_facts(doc, p, p_by_id, g_ents) -> tuple[set, set]:
    """Predicted relations as facts over gold identities; a mention that maps
    to no gold mention gets an id of its own, so its facts are false positives."""
    def key(ent):
        g = map_to_gold(ent, g_ents)
        return gold_key(g) if g else f'?{doc}#{ent["id"]}'

    facts, att = set(), set()
    for r in p.get("relations", []):
        h, t = p_by_id.get(r["head"]), p_by_id.get(r["tail"])
        if h is None or t is None:  # dangling id or filtered type
            continue
        fact = (key(h), r["type"], key(t))
        facts.add(fact)
        if r["type"] == "PARTICIPANT_IN" and h["type"] == "PERSON":
            att.add(fact)
    return facts, att


def _count_facts(g_facts, p_facts, counts) -> None:
    for f in g_facts & p_facts:
        counts[f[1]]["tp"] += 1
    for f in p_facts - g_facts:
        counts[f[1]]["fp"] += 1
    for f in g_facts - p_facts:
        counts[f[1]]["fn"] += 1


# --------------------------------------------------------------------------
# Identity (cross-document resolution)


def identity_scores(items: list[tuple], max_examples: int = 10) -> dict:
    """Compare two clusterings of the matched mentions of a whole set.

    items: (gold id, predicted iri, gold type, doc, text) per mention matched to
    a gold mention with an id. A missing iri is a singleton. Pairwise: P = share
    of the pairs with the same iri that have the same gold id, R = share of the
    pairs with the same gold id that got the same iri (None when no pair is
    claimed / exists). B³ averages per-mention overlap of the two clusters.
    "person_merges" counts PERSON pairs that share an iri but not a gold id.
    """
    gold_ids = [it[0] for it in items]
    pred_ids = [it[1] if it[1] is not None else f"#{i}" for i, it in enumerate(items)]
    cells = Counter(zip(gold_ids, pred_ids))
    g_sizes, p_sizes = Counter(gold_ids), Counter(pred_ids)

    both = sum(comb(n, 2) for n in cells.values())
    same_pred = sum(comb(n, 2) for n in p_sizes.values())
    same_gold = sum(comb(n, 2) for n in g_sizes.values())
    pp = both / same_pred if same_pred else None
    pr = both / same_gold if same_gold else None
    pf = 2 * pp * pr / (pp + pr) if pp and pr else (0.0 if pp is not None and pr is not None else None)

    n = len(items)
    b3p = sum(c * c / p_sizes[pid] for (_, pid), c in cells.items()) / n if n else 0.0
    b3r = sum(c * c / g_sizes[gid] for (gid, _), c in cells.items()) / n if n else 0.0
    b3f = 2 * b3p * b3r / (b3p + b3r) if b3p + b3r else 0.0

    merges, examples = _person_merges(items, pred_ids, max_examples)
    return {
        "mentions": n,
        "gold_clusters": len(g_sizes),
        "predicted_clusters": len(p_sizes),
        "pairwise": {"precision": pp, "recall": pr, "f1": pf, "same_both": both,
                     "same_predicted": same_pred, "same_gold": same_gold},
        "b3": {"precision": b3p, "recall": b3r, "f1": b3f},
        "person_merges": merges,
        "person_merge_examples": examples,
    }


def _person_merges(items, pred_ids, max_examples) -> tuple[int, list]:
    by_iri = defaultdict(list)
    for it, pid in zip(items, pred_ids):
        if it[2] == "PERSON":
            by_iri[pid].append(it)
    merges, examples = 0, []
    for pid, group in by_iri.items():
        ids = Counter(it[0] for it in group)
        # pairs in the group minus the pairs that share a gold id
        merges += comb(len(group), 2) - sum(comb(c, 2) for c in ids.values())
        if len(ids) > 1 and len(examples) < max_examples:
            examples.append({"iri": pid, "gold_ids": sorted(ids),
                             "mentions": sorted({f"{it[4]} ({it[3]})" for it in group})})
    return merges, examples


# --------------------------------------------------------------------------
# Running and reporting


def evaluate(gold_dir, extract: Callable[[GoldDoc], dict], **kwargs) -> dict:
    """Load GOLD_DIR, run `extract` (GoldDoc -> contract object) on every
    document, and score. kwargs go to score()."""
    gold = load_brat_dir(gold_dir)
    return score(gold, [extract(d) for d in gold], **kwargs)


def _f(x) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def format_entities(scores: dict) -> str:
    st, le = scores["entities"]["strict"], scores["entities"]["lenient"]
    lines = ["Entities           gold  pred |  strict P     R    F1 | lenient P     R    F1",
             "-" * 79]
    for typ in st:
        s, l = st[typ], le.get(typ, prf(0, 0, 0))
        gold_n, pred_n = s["tp"] + s["fn"], s["tp"] + s["fp"]
        lines.append(f"{typ:<17} {gold_n:5d} {pred_n:5d} |     {_f(s['precision'])} {_f(s['recall'])}"
                     f" {_f(s['f1'])} |     {_f(l['precision'])} {_f(l['recall'])} {_f(l['f1'])}")
    return "\n".join(lines)


def format_relations(scores: dict) -> str:
    lines = ["Relation facts     gold  pred    tp |     P     R    F1", "-" * 56]
    rows = dict(scores["relations"])
    rows["attendance"] = scores["attendance"]
    for typ, s in rows.items():
        lines.append(f"{typ:<17} {s['tp'] + s['fn']:5d} {s['tp'] + s['fp']:5d} {s['tp']:5d} |"
                     f" {_f(s['precision'])} {_f(s['recall'])} {_f(s['f1'])}")
    return "\n".join(lines)


def format_normals(scores: dict, show_mismatches: int = 3) -> str:
    lines = ["Normal forms (strict matches)  correct/total  accuracy", "-" * 56]
    for typ, s in scores["normal"].items():
        lines.append(f"{typ:<30} {s['correct']:5d}/{s['total']:<5d}     {_f(s['accuracy'])}")
        for m in s.get("mismatches", [])[:show_mismatches]:
            lines.append(f"    {m['doc']}: {m['gold']!r} != {m['predicted']!r}")
    return "\n".join(lines)


def format_identity(scores: dict) -> str:
    ident = scores.get("identity")
    if not ident:
        return "Identity: the gold has no ids"
    pw, b3 = ident["pairwise"], ident["b3"]
    return "\n".join([
        f"Identity over {ident['mentions']} matched mentions "
        f"({ident['gold_clusters']} gold ids, {ident['predicted_clusters']} predicted iris)",
        f"  pairwise  P {_f(pw['precision'])}  R {_f(pw['recall'])}  F1 {_f(pw['f1'])}"
        f"  (pairs: same iri {pw['same_predicted']}, same id {pw['same_gold']}, both {pw['same_both']})",
        f"  B3        P {_f(b3['precision'])}  R {_f(b3['recall'])}  F1 {_f(b3['f1'])}",
        f"  person merges (pairs with one iri, two gold ids): {ident['person_merges']}",
    ])


def format_report(scores: dict) -> str:
    """A plain-text report of score()'s result."""
    head = f"{scores['documents']} documents"
    if scores.get("gold_stats"):
        head += "; gold loader: " + ", ".join(f"{k} {v}" for k, v in sorted(scores["gold_stats"].items()))
    return "\n\n".join([head, format_entities(scores), format_relations(scores),
                        format_normals(scores), format_identity(scores)]) + "\n"
