"""Identity: one IRI per real-world entity, from a normalised key of each mention.

Keys are deterministic, so the same person/organisation/place/event gets the same IRI
in every report and every run without looking anything up:
- PERSON: surname + first initial (`шахметова ш`); a later mention by surname alone,
  or by first name and patronymic, joins the compatible person named earlier;
- ORGANIZATION, LOCATION: the gazetteer's key when the name is known there, else the
  normal form; a unit is keyed under its parent (`отдел краеведения` of which library);
  a bare `библиотека` in a post phrase is the library the report is about;
- EVENT: its title (or normal form) and year; a standing campaign has no year;
- PROFESSION: the post and its workplace; DATE: its ISO value.
"""

from __future__ import annotations

import re

from kgraph import gazetteer
from kgraph.model import Extraction, Mention
from kgraph.vocab import entity_iri

QUOTES = re.compile(r"[«»\"“”„']")
SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = QUOTES.sub("", text)
    text = re.sub(r"\bимени\b", "им.", text)
    text = re.sub(r"\s*([.–—-])\s*", r"\1", text)
    text = text.replace("–", "-").replace("—", "-")
    return SPACES.sub(" ", text).strip()


def resolve_document(ex: Extraction) -> None:
    """Fill Mention.iri for every mention of one report."""
    rels = {(r.type, r.head): r.tail for r in ex.relations}
    by_id = {m.id: m for m in ex.mentions}
    persons: list[Mention] = []
    home = home_library(ex)
    keys: dict[str, str] = {}
    for m in ex.mentions:
        if m.type == "PERSON":
            key = person_key(m, persons)
            persons.append(m)
        elif m.type == "ORGANIZATION":
            key = org_key(m, home, rels, by_id, keys)
        elif m.type == "LOCATION":
            key = place_key(m)
        elif m.type == "EVENT":
            key = event_key(m, ex, rels, by_id)
        elif m.type == "DATE":
            key = m.attrs.get("value") or name_key(m.normal)
        else:
            key = name_key(m.normal)
        keys[m.id] = key
        m.attrs["key"] = key
    # units and posts are keyed under their parent once all parents have keys
    for m in ex.mentions:
        parent = rels.get(("PART_OF", m.id))
        if m.type == "ORGANIZATION" and parent and m.attrs.get("kind") == "unit":
            keys[m.id] = f"{keys[m.id]}@{keys[parent]}"
        m.iri = entity_iri(m.type, keys[m.id])
        m.attrs["key"] = keys[m.id]


def person_key(m: Mention, earlier: list[Mention]) -> str:
    surname = m.attrs.get("surname")
    first = m.attrs.get("first") or m.attrs.get("initials", "")[:1]
    if surname and first:
        return name_key(f"{surname} {first[:1]}")
    # a partial name joins the compatible person named earlier in the report
    for p in reversed(earlier):
        if surname and p.attrs.get("surname") == surname:
            return p.attrs["key"]
        if not surname and first and p.attrs.get("first") == first and (
                not m.attrs.get("middle") or p.attrs.get("middle") == m.attrs.get("middle")):
            return p.attrs["key"]
    return name_key(m.normal)


def home_library(ex: Extraction) -> Mention | None:
    """The library the report is about: the first named library in it."""
    for m in ex.mentions:
        if m.type == "ORGANIZATION" and m.attrs.get("kind") == "library" and len(m.text) > 12:
            return m
    return None


def link(m: Mention) -> str | None:
    """The gazetteer's key for a known place or library; adds its canonical name and
    Wikidata id to the mention."""
    entry = gazetteer.load().lookup(m.normal, m.type)
    if entry is None:
        return None
    m.attrs["canonical"] = entry.name
    if entry.wikidata:
        m.attrs["wikidata"] = entry.wikidata
    return entry.key


def org_key(m: Mention, home: Mention | None, rels, by_id, keys) -> str:
    entry = link(m)
    if entry:
        return entry
    if home is not None and m is not home and m.text.lower().startswith(("библиотек", "цбс")) \
            and len(m.text.split()) == 1:
        return keys.get(home.id) or name_key(home.normal)
    return name_key(m.normal)


def place_key(m: Mention) -> str:
    return link(m) or name_key(m.normal)


def event_key(m: Mention, ex: Extraction, rels, by_id) -> str:
    title = m.attrs.get("title")
    base = name_key(title) if title else name_key(m.normal)
    kind = m.attrs.get("kind", "event")
    date = rels.get(("POINT_IN_TIME", m.id))
    year = None
    if date and date in by_id:
        year = (by_id[date].attrs.get("value") or "")[:4]
    if not year or not year.isdigit():
        year = str(ex.report.year) if ex.report.year else ""
    if kind == "campaign" and not rels.get(("POINT_IN_TIME", m.id)):
        year = ""
    return f"{kind} {base} {year}".strip()
