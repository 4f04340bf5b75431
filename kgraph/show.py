"""One entity as a person reads it: labels, facts, and every mention with its sentence.

Used by `kgraph show NAME_OR_IRI`; a name is matched against every label of every
entity (case-insensitive substring), so `kgraph show Шахметова` works.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kgraph.query import run
from kgraph.vocab import KG, PREFIXES

FIND = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e (SAMPLE(?type) AS ?etype) (MIN(?label) AS ?name) (COUNT(DISTINCT ?m) AS ?mentions) ?needle
WHERE {
  ?m kg:denotes ?e ; kg:mentionType ?type .
  ?e rdfs:label|skos:prefLabel|skos:altLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?needle))))
} GROUP BY ?e ?needle
"""

LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?kind ?value ?e WHERE {
  { ?e skos:prefLabel ?value BIND("prefLabel" AS ?kind) }
  UNION { ?e rdfs:label ?value BIND("label" AS ?kind) }
  UNION { ?e skos:altLabel ?value BIND("altLabel" AS ?kind) }
  UNION { ?e a ?value BIND("type" AS ?kind) }
  UNION { ?e owl:sameAs ?value BIND("sameAs" AS ?kind) }
} ORDER BY ?kind ?value
"""

FACTS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?relation ?direction ?other (MIN(?label) AS ?other_name)
       (GROUP_CONCAT(DISTINCT ?role_key; separator=", ") AS ?roles)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?reports) ?e
WHERE {
  {
    GRAPH ?g { ?st a kg:Statement ; kg:relationType ?relation ; rdf:subject ?e ; rdf:object ?other .
               OPTIONAL { ?st kg:role ?r } }
    BIND("out" AS ?direction)
  } UNION {
    GRAPH ?g { ?st a kg:Statement ; kg:relationType ?relation ; rdf:subject ?other ; rdf:object ?e .
               OPTIONAL { ?st kg:role ?r } }
    BIND("in" AS ?direction)
  }
  BIND(STRAFTER(STR(?r), "#role-") AS ?role_key)
  OPTIONAL { ?other skos:prefLabel|rdfs:label ?label }
} GROUP BY ?relation ?direction ?other ?e ORDER BY ?relation ?other_name
"""

MENTIONS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT ?report ?surface ?start ?end ?sentence ?sentence_start ?why ?e WHERE {
  ?m kg:denotes ?e ; kg:inReport ?report ; kg:surface ?surface ; kg:start ?start ;
     kg:end ?end ; kg:sentence ?sentence ; kg:sentenceStart ?sentence_start .
  OPTIONAL { ?m kg:resolvedBy ?why }
} ORDER BY ?report ?start
"""


def find(store, needle: str) -> list[dict]:
    """Entities with a label containing `needle`, most mentioned first."""
    rows = run(store, FIND, {"needle": Literal(needle)}).rows
    found = [{"iri": r["e"].value, "type": r["etype"].value, "name": r["name"].value,
              "mentions": int(r["mentions"].value)} for r in rows]
    # a name that starts with the words asked for beats one that only contains them
    key = needle.lower()
    return sorted(found, key=lambda f: (not f["name"].lower().startswith(key), -f["mentions"], f["iri"]))


def describe(store, iri: str) -> dict:
    e = {"e": NamedNode(iri)}
    out = {"iri": iri, "prefLabel": None, "labels": [], "altLabels": [], "types": [],
           "sameAs": [], "facts": [], "mentions": []}
    for r in run(store, LABELS, e).rows:
        kind, value = r["kind"].value, r["value"].value
        if kind == "prefLabel":
            out["prefLabel"] = value
        elif kind == "type":
            out["types"].append(short(value))
        else:
            out[{"label": "labels", "altLabel": "altLabels", "sameAs": "sameAs"}[kind]].append(value)
    for r in run(store, FACTS, e).rows:
        out["facts"].append({
            "relation": r["relation"].value, "direction": r["direction"].value,
            "other": r["other"].value,
            "other_name": r["other_name"].value if r["other_name"] else short(r["other"].value),
            "roles": r["roles"].value if r["roles"] else "", "reports": r["reports"].value.split()})
    for r in run(store, MENTIONS, e).rows:
        out["mentions"].append({
            "report": r["report"].value, "surface": r["surface"].value,
            "start": int(r["start"].value), "end": int(r["end"].value),
            "sentence": r["sentence"].value, "sentence_start": int(r["sentence_start"].value),
            "why": r["why"].value if r["why"] else None})
    return out


def short(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def highlight(sentence: str, start: int, end: int) -> str:
    """The sentence with the mention in [brackets] (offsets relative to the sentence)."""
    return f"{sentence[:start]}[{sentence[start:end]}]{sentence[end:]}"


def format_text(d: dict, why: bool = False) -> str:
    lines = [d["prefLabel"] or (d["labels"] or [d["iri"]])[0], f"  {d['iri']}"]
    types = [t for t in d["types"] if t.startswith("kg:")]
    lines.append(f"  type: {', '.join(types) or '-'}")
    others = sorted(set(d["labels"] + d["altLabels"]) - {d["prefLabel"]})
    if others:
        lines.append(f"  also: {'; '.join(others)}")
    for same in d["sameAs"]:
        lines.append(f"  same as: {same}")
    if d["facts"]:
        lines.append("Facts:")
        for f in d["facts"]:
            arrow = "->" if f["direction"] == "out" else "<-"
            role = f" ({f['roles']})" if f["roles"] else ""
            lines.append(f"  {f['relation']} {arrow} {f['other_name']}{role}")
    lines.append(f"Mentions ({len(d['mentions'])}):")
    for m in d["mentions"]:
        s = m["start"] - m["sentence_start"]
        lines.append(f"  {short(m['report'])} {m['start']}-{m['end']}: "
                     f"{highlight(m['sentence'], s, s + m['end'] - m['start'])}")
        if why and m["why"]:
            lines.append(f"      why: {m['why']}")
    return "\n".join(lines)


__all__ = ["find", "describe", "format_text", "KG"]
