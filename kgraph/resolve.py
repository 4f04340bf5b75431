"""Identity: one IRI per real-world entity, across mentions, reports and runs.

Each mention gets a normalised key, and its IRI is derived from the key, so the same
entity gets the same IRI in every report and run without a lookup. Keys:
- PERSON: surname + initials (`шахметова ш к`); a partial name joins the compatible
  person named earlier in the report, else the one compatible person already known;
- ORGANIZATION, LOCATION: the gazetteer's key when the name is known there (`Нур-Султан`
  and `Астана` are one place), else the normal form; a unit is keyed under its parent;
  a bare `библиотека` in a post phrase is the library the report is about; a name the
  text gives as another name of an entity (`КБС` in `... союз (КБС)`) joins it; names
  are compared by `org_words`, where `г. Курчатова` and `Курчатовская` are one word;
- EVENT: kind + title (or name) + year; a standing campaign has no year; two names side
  by side (`конгресс: XXVIII конференция РБА`) are one event; a known edition is found
  by kind, year and name (`registry.event`);
- PROFESSION: the post and its workplace; DATE: its ISO value.

A `Registry` holds what is already known (the store, earlier files of a batch) so a
report ingested next month links to the same entities. The reason for each decision is
kept in `Mention.attrs["why"]` (shown by `kgraph show --why`). A curation file can pin
a surface form to an IRI or keep two keys apart (see `Curation`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kgraph import gazetteer
from kgraph import lexicon as lx
from kgraph.model import Extraction, Mention
from kgraph.names import EPONYM, PersonName, compatible
from kgraph.vocab import entity_iri, slug

QUOTES = re.compile(r"[«»\"“”„']")
SPLIT = "split by the curation file"
SPACES = re.compile(r"\s+")
LEVEL_WORDS = re.compile(
    r"\b(международн|республиканск|всеказахстанск|всероссийск|областн|краев|региональн|"
    r"межрегиональн|городск|районн|ежегодн|традиционн|расширенн)\w*\s*")
ROMAN_PREFIX = re.compile(r"^[ivxlc]+\s+")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = QUOTES.sub("", text)
    text = re.sub(r"\bимени\b", "им.", text)
    text = re.sub(r"\s*([.–—-])\s*", r"\1", text)
    text = text.replace("–", "-").replace("—", "-")
    return SPACES.sub(" ", text).strip()


# --- what is already known ------------------------------------------------------------

@dataclass
class Registry:
    """Entities known before this report: from the store and earlier files of a batch."""

    persons: dict[str, PersonName] = field(default_factory=dict)  # iri -> name parts
    labels: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (type, key) -> iris
    events: dict[str, set[EventName]] = field(default_factory=dict)  # iri -> the names it had
    org_words: dict[frozenset, set[str]] = field(default_factory=dict)  # name words -> iris
    by_surname: dict[str, set[str]] = field(default_factory=dict)  # surname key -> person iris
    org_index: dict[str, set[frozenset]] = field(default_factory=dict)  # word -> org_words keys
    # descriptions located in a place, by their words and the place's: exact lookups only
    placed: dict[frozenset, set[str]] = field(default_factory=dict)
    # event indexes: (kind, base) -> iris in the order met; (kind, bare words) and
    # (kind, year) -> iris
    event_bases: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    event_words: dict[tuple[str, frozenset], set[str]] = field(default_factory=dict)
    event_years: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add_org(self, iri: str, words: frozenset) -> None:
        self.org_words.setdefault(words, set()).add(iri)
        for w in words:
            self.org_index.setdefault(w, set()).add(words)

    def add_event(self, iri: str, m: Mention) -> None:
        name = event_name(m, m.attrs.get("year", ""))
        if name in self.events.get(iri, ()):
            return
        self.events.setdefault(iri, set()).add(name)
        bases = self.event_bases.setdefault((name.kind, name.base), [])
        if iri in bases:
            bases.remove(iri)
        bases.append(iri)
        self.event_words.setdefault((name.kind, name.words), set()).add(iri)
        if name.year:
            self.event_years.setdefault((name.kind, name.year), set()).add(iri)

    def event(self, name: EventName) -> tuple[str | None, str]:
        """The known event `name` names, with the reason; None when none or several."""
        def fits(iri, same_year=False, test=lambda k: True):
            # one of its names answers, and none of them has another year, ordinal or title
            names = self.events[iri]
            return any(k.kind == name.kind and test(k) and (k.year or not same_year) for k in names) \
                and not any(different_editions(name, k) for k in names)

        found = [iri for iri in self.event_bases.get((name.kind, name.base), ())
                 if fits(iri, test=lambda k: k.base == name.base)]
        if found:
            return found[-1], "the same event already known"
        if name.year and len(name.words) > 1:
            # `III Всеказахстанский съезд библиотекарей «…»` and, the same year,
            # `Всеказахстанский съезд библиотекарей, проходивший в октябре`
            found = [iri for iri in self.event_words.get((name.kind, name.words), ())
                     if fits(iri, True, lambda k: k.words == name.words)]
            if len(found) == 1:
                return found[0], "the same kind, name and year as an event already known"
        if name.year and name.kind in EDITION_KINDS and len(name.words) > 1:
            # `конференция РБА` and `Ежегодная конференция Российской библиотечной
            # ассоциации «…»` of the same year: one name within the other
            found = [iri for iri in self.event_years.get((name.kind, name.year), ())
                     if fits(iri, True, lambda k: within(name.words, k.words))]
            if len(found) == 1:
                return found[0], "the same kind and year, one name within the other"
        return None, ""

    def add_person(self, iri: str, name: PersonName) -> None:
        known = self.persons.get(iri)
        self.persons[iri] = richer(known, name) if known else name
        self.by_surname.setdefault(name_key(name.surname or ""), set()).add(iri)

    def add(self, ex: Extraction) -> None:
        for m in ex.mentions:
            if not m.iri:
                continue
            if m.type == "PERSON" and m.attrs.get("surname"):
                self.add_person(m.iri, person_name(m))
            if m.type in ("ORGANIZATION", "LOCATION", "EVENT") and m.attrs.get("kind") != "unit" \
                    and not (m.type == "ORGANIZATION" and generic_name(m)):
                for label in (m.normal, m.text):
                    self.labels.setdefault((m.type, name_key(label)), set()).add(m.iri)
                if m.type == "ORGANIZATION":
                    self.add_org(m.iri, org_words(m.normal))
            if m.type == "ORGANIZATION" and m.attrs.get("placed_words"):
                self.placed.setdefault(frozenset(m.attrs["placed_words"]), set()).add(m.iri)
            if m.type == "EVENT":
                self.add_event(m.iri, m)

    def add_rows(self, rows) -> None:
        """Rows of (iri, type, label, attrs dict) read from a store."""
        for iri, etype, label, attrs in rows:
            if etype == "PERSON" and attrs.get("surname"):
                self.add_person(iri, PersonName(
                    surname=attrs.get("surname"), first=attrs.get("first"),
                    middle=attrs.get("middle"), initials=attrs.get("initials") or "",
                    gender=attrs.get("gender"), normal=label))
            elif etype in ("ORGANIZATION", "LOCATION", "EVENT") and not attrs.get("unit") \
                    and not (etype == "ORGANIZATION"
                             and generic_name(Mention("", etype, 0, 0, label, label))):
                # what `add` keeps of a mention (`центральная районная библиотека
                # с. Успенка` is named by its place: not a bare description)
                self.labels.setdefault((etype, name_key(label)), set()).add(iri)
                if etype == "ORGANIZATION":
                    self.add_org(iri, org_words(label))

    def person(self, name: PersonName) -> tuple[str | None, str]:
        """The one known person `name` can be, with the reason; None when none or several."""
        same_surname = self.by_surname.get(name_key(name.surname or ""), ())
        found = [iri for iri in same_surname if compatible(self.persons[iri], name)]
        if len(found) == 1:
            return found[0], f"compatible with the one known {self.persons[found[0]].normal}"
        if len(found) > 1:
            exact = [iri for iri in found if same_initials(self.persons[iri], name)]
            if len(exact) == 1:
                return exact[0], f"same initials as {self.persons[exact[0]].normal}"
        return None, ""

    def org(self, words: frozenset[str]) -> str | None:
        """The one known organisation whose name has the same words (order and
        abbreviations aside) and a proper part."""
        found = self.org_words.get(words, set())
        if not found and len(words) >= 2:
            # `Иртышская ЦБС` / `Иртышская районная ЦБС`: one name within the other; only
            # names sharing a proper word are compared (an index keeps this cheap)
            candidates = {k for w in words - common_org_words() for k in self.org_index.get(w, ())}
            found = {iri for known in candidates if len(known) >= 2
                     and (words < known or known < words) and proper_overlap(words, known)
                     for iri in self.org_words[known]}
        return next(iter(found)) if len(found) == 1 else None

    def placed_org(self, words: frozenset) -> str | None:
        """The one organisation known by exactly these words, counting a description's
        place (`центральная районная библиотека с. Иртышск`) as a word of its name."""
        found = self.org_words.get(words, set()) | self.placed.get(words, set())
        return next(iter(found)) if len(found) == 1 else None

    def label(self, etype: str, text: str) -> str | None:
        found = self.labels.get((etype, name_key(text)), set())
        return next(iter(found)) if len(found) == 1 else None


def person_name(m: Mention) -> PersonName:
    a = m.attrs
    return PersonName(surname=a.get("surname"), first=a.get("first"), middle=a.get("middle"),
                      initials=a.get("initials") or "", gender=a.get("gender"), normal=m.normal)


def richer(a: PersonName, b: PersonName) -> PersonName:
    """Keep the fuller name of the same person (full first name over an initial)."""
    def score(n):
        return (bool(n.first), bool(n.middle), len(n.initials or ""))
    return b if score(b) > score(a) else a


def same_initials(a: PersonName, b: PersonName) -> bool:
    return initials_of(a) == initials_of(b)


def initials_of(n: PersonName) -> str:
    if n.first:
        return (n.first[:1] + (n.middle or "")[:1]).lower()
    return re.sub(r"[^\w]", "", n.initials or "").lower()


# --- curation ----------------------------------------------------------------------------

@dataclass
class Curation:
    """A small hand-kept file (JSON) that ingestion honours:

        {"same": [{"type": "PERSON", "name": "Шахметова Ш.", "iri": "https://.../person/..."}],
         "split": [{"type": "PERSON", "name": "Ким С.", "key": "ким с (детская библиотека)"}]}

    `same` pins every mention with that normal form to an IRI; `split` gives mentions
    with that normal form a key of their own instead of joining others.
    """

    same: dict[tuple[str, str], str] = field(default_factory=dict)
    split: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> "Curation":
        if not path or not Path(path).is_file():
            return cls()
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        out = cls()
        for item in data.get("same", []):
            out.same[(item["type"], name_key(item["name"]))] = item["iri"]
        for item in data.get("split", []):
            out.split[(item["type"], name_key(item["name"]))] = item["key"]
        return out


# --- one report ---------------------------------------------------------------------------

def resolve_document(ex: Extraction, registry: Registry | None = None,
                     curation: Curation | None = None) -> None:
    """Fill Mention.iri (and attrs key/why) for every mention of one report."""
    registry = registry or Registry()
    curation = curation or Curation()
    rels = {(r.type, r.head): r.tail for r in ex.relations}
    alt = {r.head: r.tail for r in ex.relations if r.type == "ALTERNATIVE_NAME"}
    by_id = {m.id: m for m in ex.mentions}
    home = home_library(ex)
    year = str(ex.report.year or "")
    # the report's known places and organisations decide ambiguous names (`«Пушкинка»`)
    context = [k for m in ex.mentions if m.type in ("LOCATION", "ORGANIZATION") for k in [link(m)] if k]
    done: dict[str, Mention] = {}
    for m in ex.mentions:
        pinned = curation.same.get((m.type, name_key(m.normal)))
        if pinned:
            m.iri, m.attrs["why"] = pinned, "pinned by the curation file"
            done[m.id] = m
            continue
        split = curation.split.get((m.type, name_key(m.normal)))
        if split:
            key, why = split, SPLIT
        elif m.type == "PERSON":
            key, why = person_key(m, [d for d in done.values() if d.type == "PERSON"
                                      and not is_eponym(ex, d)], registry)
        elif m.type == "ORGANIZATION":
            place = by_id.get(rels.get(("LOCATED_IN", m.id)))
            scope = place_scope(place) if place else ex.report.source or ex.report.id
            key, why = org_key(m, home, done, registry, context, scope, place)
        elif m.type == "LOCATION":
            key, why = place_key(m, registry)
        elif m.type == "EVENT":
            key, why = event_key(m, ex, rels, by_id, year, done, registry)
        elif m.type == "DATE":
            key, why = m.attrs.get("value") or name_key(m.normal), "its ISO value"
        else:
            key, why = post_key(m, ex), "the post and its workplace"
        set_identity(m, key, why)
        done[m.id] = m
    join_acronyms(ex)
    join_given_names(ex, registry)
    join_alternative_names(ex, alt, by_id)
    join_event_appositions(ex)
    key_units(ex, rels, by_id)


def set_identity(m: Mention, key: str, why: str) -> None:
    m.attrs["key"] = key
    m.attrs["why"] = why
    m.iri = key if key.startswith("https://") else entity_iri(m.type, key)


def join_alternative_names(ex: Extraction, alt: dict, by_id: dict) -> None:
    """`Казахстанский библиотечный союз (КБС)`: the short name takes the full name's IRI,
    and so does the same short name later in the report (`(далее – НБ)` defines it for
    the rest of the text, even after another library that `НБ` could describe)."""
    for head, tail in alt.items():
        short, full = by_id[head], by_id[tail]
        same = name_key(short.normal)
        for m in ex.mentions:
            if m is full:
                continue
            if m.iri == short.iri or (m.type == short.type and m.start > short.start
                                      and name_key(m.normal) == same):
                m.iri = full.iri
                m.attrs["why"] = f"another name of {full.normal} in this report"


APPOSITION = re.compile(r"\s*(?::|\s[–—]|\()\s*")


def join_event_appositions(ex: Extraction) -> None:
    """`Всероссийский библиотечный конгресс: XXVIII Ежегодная конференция РБА` (or
    `X – Y`, `X (Y)`): two names of one congress, conference or forum side by side
    take one IRI; the name already known across reports wins, else the second, fuller
    one. Other kinds after a colon are its parts (`Дни культуры: выставка «…»`)."""
    events = sorted((m for m in ex.mentions if m.type == "EVENT" and m.iri), key=lambda m: m.start)
    top = [m for m in events
           if not any(o is not m and o.start <= m.start and m.end <= o.end for o in events)]
    for a, b in zip(top, top[1:]):
        if a.iri == b.iri or a.end > b.start or not APPOSITION.fullmatch(ex.report.text[a.end:b.start]) \
                or not {a.attrs.get("kind"), b.attrs.get("kind")} <= EDITION_KINDS:
            continue
        keep, drop = (a, b) if a.attrs["key"].startswith("https://") \
            and not b.attrs["key"].startswith("https://") else (b, a)
        old = drop.iri
        for m in ex.mentions:
            if m.type == "EVENT" and m.iri == old:
                set_identity(m, keep.attrs["key"], f"another name of {keep.normal} beside it")


def key_units(ex: Extraction, rels: dict, by_id: dict) -> None:
    """A unit (`отдел краеведения`) is one per parent organisation; without a stated
    parent, it is a unit of the library the report is about."""
    home = home_library(ex)
    source = gazetteer.load().lookup(ex.report.source, "ORGANIZATION") if ex.report.source else None
    for m in ex.mentions:
        if m.type != "ORGANIZATION" or m.attrs.get("kind") != "unit" \
                or m.attrs["key"].startswith("https://") or "gazetteer" in m.attrs["why"]:
            continue
        parent = rels.get(("PART_OF", m.id)) or (home.id if home and m is not home else None)
        if parent:
            parent_key = by_id[parent].iri.rsplit("/", 1)[-1]
            set_identity(m, f"{m.attrs['key']}@{parent_key}", f"a unit of {by_id[parent].normal}")
        elif source is not None:
            # the library is only implied by the report's source: the unit is still its
            set_identity(m, f"{m.attrs['key']}@{source.key}", f"a unit of the report's source, {source.name}")
            m.attrs["parent_iri"] = gazetteer.load().iri(source)


def person_key(m: Mention, earlier: list[Mention], registry: Registry) -> tuple[str, str]:
    name = person_name(m)
    # a partial name joins the compatible person named earlier in the report
    for p in reversed(earlier):
        if p.attrs.get("why") == SPLIT:
            continue  # kept apart by hand: nobody joins it
        if joins(person_name(p), name):
            return p.attrs["key"], f"the same person as {p.normal} earlier in the report"
    if name.surname:
        iri, why = registry.person(name)
        if iri:
            return iri, why
        parts = [name_key(name.surname), initials_of(name)]
        return " ".join(x for x in parts if x), "surname and initials"
    return name_key(m.normal), NO_SURNAME


NO_SURNAME = "no surname: its own name"


def join_given_names(ex: Extraction, registry: Registry) -> None:
    """`Сәуле Ахметқызы` (or `Л.Н.`) with the surname given only later in the report
    (`Жанұзақова`, a person known by her full name): a name without a surname but with
    both initials joins the one person of the report with a surname whose name, as
    known, has the same two initials and does not conflict."""
    people = [m for m in ex.mentions if m.type == "PERSON" and m.iri]
    for m in people:
        if m.attrs.get("why") != NO_SURNAME:
            continue
        name = person_name(m)
        if name.surname or len(initials_of(name)) != 2:
            continue
        found = {}
        for p in people:
            if not p.attrs.get("surname") or p.attrs.get("why") == SPLIT:
                continue
            known = registry.persons.get(p.iri)
            full = richer(known, person_name(p)) if known else person_name(p)
            if initials_of(full) == initials_of(name) and compatible(full, name) \
                    and compatible(person_name(p), name):
                found[p.iri] = p
        if len(found) != 1:
            continue
        p, old = next(iter(found.values())), m.iri
        for o in people:
            if o.iri == old:
                set_identity(o, p.attrs["key"], f"the initials of {p.normal} in this report")


def is_eponym(ex: Extraction, p: Mention) -> bool:
    """`им. С. Торайгырова` in a library's name: a namesake of the library, never the
    person a later `Серик Оралович` of the report is."""
    return bool(EPONYM.search(ex.report.text[max(0, p.start - 8):p.start]))


def joins(earlier: PersonName, name: PersonName) -> bool:
    """May a later mention in the same report name the person named earlier?
    `Касенова` after `Е.М. Касенов`; `Ольга Викторовна` after `Лещенко О.В.`; but a
    lone first name (`Абая`) never joins by its initial alone."""
    if not compatible(earlier, name):
        return False
    if name.surname:
        return bool(earlier.surname)
    if name.first and name.middle:
        return bool(earlier.surname)
    return bool(name.first and earlier.first and name_key(name.first) == name_key(earlier.first))


def home_library(ex: Extraction) -> Mention | None:
    """The library the report is about: the first named library in it."""
    for m in ex.mentions:
        if m.type == "ORGANIZATION" and m.attrs.get("kind") == "library" and len(m.text) > 12:
            return m
    return None


def link(m: Mention, context=None) -> str | None:
    """The gazetteer's key for a known place or library; adds its canonical name and
    Wikidata id to the mention. `context`: keys of places of the report, which decide
    ambiguous names (`«Пушкинка»` in Omsk or in Ust-Kamenogorsk)."""
    gaz = gazetteer.load()
    entry = gaz.lookup(m.normal, m.type, context=context or None)
    if entry is None and m.type == "ORGANIZATION":
        entry = gaz.lookup(expanded_key(m.normal), m.type, context=context or None)
    if entry is None:
        return None
    m.attrs["canonical"] = entry.name
    if entry.wikidata:
        m.attrs["wikidata"] = entry.wikidata
    return entry.key


def org_key(m: Mention, home: Mention | None, done: dict, registry: Registry,
            context: list[str], scope: str | None = None,
            place: Mention | None = None) -> tuple[str, str]:
    """scope: the report's source library (or the report itself), which bounds what a
    bare description (`областная библиотека`) can mean; place: the place the text
    locates the organisation in (`центральная районная библиотека с. Иртышск`)."""
    entry = link(m, context=context)
    if entry:
        return entry, f"gazetteer: {m.attrs['canonical']}"
    orgs = [d for d in done.values() if d.type == "ORGANIZATION" and d.attrs.get("kind") != "unit"]
    if m.attrs.get("kind") == "unit":
        units = [d for d in done.values() if d.type == "ORGANIZATION" and d.attrs.get("kind") == "unit"]
        if len(m.text.split()) == 1 and units:  # "методист отдела": the unit named before
            return units[-1].attrs["key"], f"the unit {units[-1].normal} named earlier"
        return name_key(m.normal), "a unit: keyed under its parent"
    words = org_words(m.normal)
    if generic_name(m):
        # `областная библиотека`, `ЦБС`: the named organisation of this report it describes
        for d in reversed(orgs):
            if not generic_name(d) and describes(words, d):
                return d.attrs["key"], f"describes {d.normal} named earlier in the report"
        if home is not None and m is not home and home.attrs.get("key") and (
                m.text.lower().startswith("библиотек") or describes(words, home)):
            return home.attrs["key"], f"the report's library, {home.normal}"
        # the library that published the report, when the description fits it
        source = gazetteer.load().lookup(scope, "ORGANIZATION") if scope else None
        if source is not None and words <= org_words(source.name):
            return source.key, f"describes the report's source, {source.name}"
        if place is not None:
            # `центральная районная библиотека с. Иртышск` is named by its place:
            # `Иртышская центральная районная библиотека` elsewhere
            placed = words | org_words(place.normal)
            m.attrs["placed_words"] = tuple(sorted(placed))
            for d in reversed(orgs):
                if not generic_name(d) and placed == org_words(d.normal):
                    return d.attrs["key"], f"the same as {d.normal} named earlier in the report"
            known = registry.placed_org(placed) or registry.org(placed)
            if known:
                return known, "its description and place name a known organisation"
        elif home is not None and m is not home and (local := place_words(home)) \
                and not org_words(home.normal) & REGIONAL_WORDS:
            # `директор ЦБС` in a report about `Иртышская ЦРБ`: the district's own
            # `Иртышская ЦБС`, when exactly one such organisation is known (a regional
            # library's report speaks of the libraries of every district)
            known = registry.placed_org(words | local) or registry.org(words | local)
            if known:
                return known, f"describes the organisation of {home.normal}'s place"
        # `центральная районная библиотека с. Баянаул`, then `ЦРБ`: the one description
        # with these words the report has placed already
        same = {d.attrs["key"] for d in orgs if generic_name(d) and d.attrs.get("placed_words")
                and org_words(d.normal) == words}
        if len(same) == 1:
            return next(iter(same)), "the same description placed earlier in the report"
        # else the same words in another report may be another library: keep it within
        # the report's source
        return f"{expanded_key(m.normal)}@{name_key(scope or '')}".rstrip("@"), \
            "a description no named organisation answers, within its source"
    for d in reversed(orgs):
        if not generic_name(d) and words and words == org_words(d.normal):
            return d.attrs["key"], f"the same name as {d.normal} earlier in the report"
    # `Совет директоров` after `Совет директоров библиотек ... области`, `Курганская ОУНБ`
    # after `Курганская ОУНБ им. А.К. Югова`: the start of one name given earlier
    heads = {d.attrs["key"]: d for d in orgs if not generic_name(d) and starts(m.normal, d.normal)}
    if len(heads) == 1:
        d = next(iter(heads.values()))
        return d.attrs["key"], f"the start of the name {d.normal} given earlier in the report"
    known = registry.label("ORGANIZATION", m.normal) or registry.placed_org(words) or registry.org(words)
    if known:
        return known, "a name already known"
    return expanded_key(m.normal), "its name"


def starts(short: str, full: str) -> bool:
    """`short` is the first two or more words of `full` (abbreviations spelled out)."""
    a, b = expanded_key(short).split(), expanded_key(full).split()
    return 2 <= len(a) < len(b) and b[:len(a)] == a


ACRONYM = re.compile(r"^[А-ЯЁӘҒҚҢӨҰҮҺІ]{3,}$")


def join_acronyms(ex: Extraction) -> None:
    """`СКОУНБ им. С. Муканова` in the title, `Северо-Казахстанская областная
    универсальная научная библиотека им. С. Муканова` in the text: an abbreviation that
    spells the initials of exactly one organisation the report names takes its IRI,
    with every mention that had the abbreviation's."""
    orgs = [m for m in ex.mentions if m.type == "ORGANIZATION" and m.iri
            and m.attrs.get("kind") != "unit"]
    for m in orgs:
        named = acronym_of(m, orgs)
        if named is None or named.iri == m.iri:
            continue
        old = m.iri
        for o in ex.mentions:
            if o.type == "ORGANIZATION" and o.iri == old:
                set_identity(o, named.attrs["key"], f"the initials of {named.normal} in this report")


def acronym_of(m: Mention, orgs: list[Mention]) -> Mention | None:
    """The one organisation of `orgs` whose initials `m`'s name spells when it starts
    with an unknown abbreviation (`ЗКОУНБ`: Западно-Казахстанская областная
    универсальная научная библиотека; the parts of a hyphenated word count one each;
    the rest of the name, an eponym, must agree)."""
    first, _, rest = m.normal.partition(" ")
    if not ACRONYM.match(first) or first.lower() in lx.ABBREVIATION_EXPANSIONS:
        return None
    found = {}
    for d in orgs:
        if d is m or d.iri == m.iri and d.normal.startswith(first):
            continue
        for full in (d.normal, d.attrs.get("canonical")):
            if full and acronym_fits(first.lower(), rest, full):
                found[d.attrs["key"]] = d
    return next(iter(found.values())) if len(found) == 1 else None


def acronym_fits(letters: str, rest: str, full: str) -> bool:
    name, _, eponym = expanded_key(full).partition(" им.")
    initials = "".join(part[:1] for w in name.split() for part in w.split("-") if part)
    if initials != letters or len(name.split()) < 2:
        return False
    return not rest or org_words(rest) <= org_words("им." + eponym if eponym else "")


REGIONAL_WORDS = {"область", "край", "республика", "национальный"}


def place_words(m: Mention) -> frozenset:
    """The places in an organisation's name (`~иртыш` of `Иртышская ЦРБ`)."""
    return frozenset(w for w in org_words(m.normal) if w.startswith("~")) - common_org_words()


def describes(words: frozenset, named: Mention) -> bool:
    """A description (`областная библиотека`) fits a named organisation when its words
    are in the name as written or in the gazetteer's full name (`ПОУНБ` is the
    Павлодарская областная универсальная научная библиотека)."""
    return words <= org_words(named.normal) or (
        bool(named.attrs.get("canonical")) and words <= org_words(named.attrs["canonical"]))


def place_scope(place: Mention) -> str:
    """`центральная районная библиотека с. Иртышск`: a description located in a named
    place is that place's, in every report."""
    entry = gazetteer.load().lookup(place.normal, "LOCATION")
    return entry.key if entry else name_key(place.normal)


def generic_name(m: Mention) -> bool:
    """A descriptive name with no proper part: `областная библиотека`, `ЦБС`."""
    text = m.normal
    return not any(w[:1].isupper() for w in text.split()[1:]) and (
        text[:1].islower() or text in lx.GENERIC_ABBREVIATIONS or len(text.split()) == 1)


def proper_overlap(a: frozenset, b: frozenset) -> bool:
    """Two names share a word that is not a common library word (`иртышская`)."""
    return bool((a & b) - common_org_words())


def expanded_key(normal: str) -> str:
    """The name with library abbreviations spelled out: `Абайская ОУНБ им. Абая` and
    `Абайская областная универсальная научная библиотека им. Абая` share a key."""
    words = []
    for w in re.findall(r"[\w.-]+", name_key(normal)):
        words += lx.ABBREVIATION_EXPANSIONS.get(w, w).split()
    return " ".join(words)


@lru_cache(maxsize=50_000)
def org_words(normal: str) -> frozenset[str]:
    """The words of an organisation's name as they identify it, abbreviations spelled
    out, word order, case and `им.`/`имени` ignored: what two names of one organisation
    share (`Совет КБС` and `Совета Казахстанского библиотечного союза`). A place is one
    word whether it is named or derived (`ЦБС г. Экибастуза`, `ЦБС города Экибастуза`
    and `Экибастузская городская ЦБС`), see `org_word`."""
    text = EPONYM_INITIALS.sub("им. ", expanded_key(normal))
    # `г.экибастуза`: a settlement marker glued to its place is a word of its own
    text = SETTLEMENT_MARKER.sub(lambda g: MARKER_WORDS[g.group(1)] + " ", text)
    out, eponym = set(), False
    for w in text.replace("им.", " им. ").split():
        if w == "им.":
            eponym = True
            continue
        # "районнной": a tripled letter is a typo of a doubled one
        w = re.sub(r"(\w)\1\1+", r"\1\1", w.strip("."))
        if len(w) > 1 or w.isdigit():
            # the eponym (`им. А.С. Пушкина`) is a person, not the place of `Пушкинская`
            out.add("им:" + lemma(w) if eponym else org_word(w))
            eponym = False
    return frozenset(out)


EPONYM_INITIALS = re.compile(r"им\.(?:[^\W\d_]\.)+")
SETTLEMENT_MARKER = re.compile(r"(?<![\w.])(г|гор|с|п|пос|пгт|ст)\.(?=[^\W\d_]{2})")
MARKER_WORDS = {"г": "город", "гор": "город", "с": "село", "п": "поселок", "пос": "поселок",
                "пгт": "поселок", "ст": "станция"}
# `Аксуская`, `Иртышском`: an adjective made from a place, by its ending
PLACE_ADJECTIVE = re.compile(
    r"^([^\W\d_][\w-]+?)(ск|цк)(?:ий|ый|ая|ое|ие|ые|ого|ой|ому|ую|им|ым|ом|их|ых|ими|ыми)$")
# a level adjective and its noun are one word: `городская ЦБС` / `ЦБС города ...`
LEVEL_LEMMAS = {"городской": "город", "районный": "район", "областной": "область", "краевой": "край",
                "сельский": "село", "поселковый": "поселок", "посёлок": "поселок"}


@lru_cache(maxsize=50_000)
def org_word(word: str) -> str:
    """One word of a name: its lemma; a level adjective as its noun (`городской` →
    `город`); a place as `~` + a stem shared by the place noun and the adjective made
    from it (`Экибастуз`/`экибастузский` → `~экибастуз`, `Астана`/`астанинский`,
    `Омск`/`омский`, `Иртышск`/`иртышский`)."""
    from kgraph.analyse import get_pymorphy

    places = gazetteer.load().candidates(word, "LOCATION") if " " not in word else []
    if any(e.kind not in ("country", "historical-country") for e in places):
        return "~" + noun_stem(word.replace("ё", "е"))  # `Семей`, `Аксу`: a place as named
    parses = get_pymorphy().parse(word)
    if not parses:
        return word
    first = parses[0]
    lem = first.normal_form.replace("ё", "е")
    if lem in LEVEL_LEMMAS:
        return LEVEL_LEMMAS[lem]
    if (adj := PLACE_ADJECTIVE.match(word.replace("ё", "е"))) and not adj.group(1).endswith("че"):
        # by its ending, which a guess of the lemma may miss (`Аксуская`)
        return "~" + adjective_stem(adj.group(1) + adj.group(2) + "ий")
    if lem.endswith(("ский", "цкий")) and not lem.endswith("ческий") and len(lem) > 5:
        return "~" + adjective_stem(lem)
    if first.tag.POS == "NOUN":
        geo = next((p for p in parses[:3] if "Geox" in p.tag), None)
        if geo is not None:
            return "~" + noun_stem(geo.normal_form.replace("ё", "е"))
    return lem


def adjective_stem(lemma_: str) -> str:
    """`экибастузский` → `экибастуз`, `барнаульский` → `барнаул`, `омский` → `ом`."""
    base = lemma_[:-4]
    return base[:-1] if base.endswith("ь") else base


def noun_stem(noun: str) -> str:
    """The stem a place's adjective is made from: `Омск` → `ом` (`омский`), `Астана` →
    `астанин` (`астанинский`), `Тюмень` → `тюмен` (`тюменский`), `Успенка` → `успен`
    (`успенский`)."""
    if noun.endswith(("ск", "цк")) and len(noun) > 3 or noun.endswith("ка") and len(noun) > 4:
        return noun[:-2]
    if noun.endswith(("ье", "ья")) and len(noun) > 4:  # `Лебяжье` → `лебяжинский`
        return noun[:-2] + "ин"
    if noun.endswith("ия") and len(noun) > 4:  # `Евразия` → `евразийский`
        return noun[:-1] + "й"
    if noun[-1:] in ("а", "я", "ы", "и", "е", "о") and len(noun) > 3:
        return noun[:-1] + "ин"
    return noun[:-1] if noun.endswith("ь") else noun


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    from kgraph.analyse import get_pymorphy

    parses = get_pymorphy().parse(word)
    return parses[0].normal_form if parses else word


# words every library name has: they do not make two names one organisation's
_COMMON_SURFACE = set(" ".join(lx.ABBREVIATION_EXPANSIONS.values()).split()) | {
    "библиотека", "сельская", "городская", "районная", "детская", "отдел", "центр", "им."}


@lru_cache(maxsize=1)
def common_org_words() -> frozenset[str]:
    """The common words as written and as `org_words` gives them (computed on first use:
    it needs the morphology)."""
    return frozenset(_COMMON_SURFACE | {org_word(w) for w in _COMMON_SURFACE} | set(LEVEL_LEMMAS.values()))


def place_key(m: Mention, registry: Registry) -> tuple[str, str]:
    entry = link(m)
    if entry:
        return entry, f"gazetteer: {m.attrs['canonical']}"
    known = registry.label("LOCATION", m.normal)
    if known:
        return known, "a name already known"
    return name_key(m.normal), "its normal form"


def event_profile(m: Mention, year: str) -> tuple[str, str, str]:
    title = m.attrs.get("title")
    base = name_key(title) if title else bare_event_name(m.normal)
    return m.attrs.get("kind", "event"), base, year


class EventName(NamedTuple):
    """What one mention says about an event, to compare with the events known."""

    kind: str
    base: str  # the title, else the name without ordinal and level words
    year: str
    words: frozenset  # the name's words (without the title for an edition kind)
    ordinal: str  # `XXVIII`, `3`; "" when none
    title: str


# events held once a year or once an edition under one name (a congress, a forum), so
# that a name without the title in the same year is the titled edition
EDITION_KINDS = {"congress", "conference", "forum", "festival", "book_fair"}
ORDINAL = re.compile(r"^\s*(?:([IVXLCХІ]+)\s|(\d+)-?(?:[а-я]{1,3})?\s)")
TITLE = re.compile(r"«[^»]*»?|\"[^\"]*\"?")


def event_name(m: Mention, year: str) -> EventName:
    kind, base, _ = event_profile(m, year)
    title = name_key(m.attrs["title"]) if m.attrs.get("title") else ""
    plain = TITLE.sub(" ", m.normal) if kind in EDITION_KINDS else m.normal
    found = ORDINAL.match(m.normal)
    ordinal = ""
    if found:
        ordinal = (found.group(1) or "").translate(str.maketrans("ХІ", "XI")) or found.group(2)
    return EventName(kind, base, year, org_words(bare_event_name(plain)), ordinal, title)


def _other_ordinal(name: EventName, d: Mention) -> bool:
    """An event mention of the report with another ordinal than `name`."""
    other = event_name(d, d.attrs.get("year", "")).ordinal
    return bool(name.ordinal and other and name.ordinal != other)


def different_editions(a: EventName, b: EventName) -> bool:
    """Names that cannot be of one occurrence: another year, another ordinal (`XXVIII` /
    `XXIX Ежегодная конференция`) or another title."""
    return bool(a.year and b.year and a.year != b.year
                or a.ordinal and b.ordinal and a.ordinal != b.ordinal
                or a.title and b.title and a.title != b.title)


@lru_cache(maxsize=1)
def event_head_words() -> frozenset[str]:
    return frozenset(org_word(w) for w in [*lx.EVENT_HEADS, *lx.EVENT_HEADS_WITH])


def within(a: frozenset, b: frozenset) -> bool:
    """One event name within the other, sharing a word besides the kind noun."""
    return (a < b or b < a) and len(min(a, b, key=len)) > 1 and bool((a & b) - event_head_words())


def bare_event_name(normal: str) -> str:
    """`III Всеказахстанский съезд библиотекарей` and `Всеказахстанский съезд библиотекарей`
    name the same series: compare without ordinals and level words."""
    key = ROMAN_PREFIX.sub("", name_key(normal))
    return LEVEL_WORDS.sub("", key).strip()


def event_key(m: Mention, ex: Extraction, rels, by_id, year: str, done: dict,
              registry: Registry) -> tuple[str, str]:
    date = rels.get(("POINT_IN_TIME", m.id))
    if date and date in by_id and (by_id[date].attrs.get("value") or "")[:4].isdigit():
        year = by_id[date].attrs["value"][:4]
    elif (titled := re.search(r"(?<!\d)(19|20)\d\d(?!\d)", m.attrs.get("title", ""))):
        year = titled.group()  # «Лучшая библиотека-2024» is the 2024 edition
    kind = m.attrs.get("kind", "event")
    if kind == "campaign" and not date:
        year = ""  # a standing campaign is one event across years (GUIDE §4)
    m.attrs["year"] = year
    kind, base, _ = event_profile(m, year)
    specific = bool(m.attrs.get("title")) or len(base.split()) > 1
    name = event_name(m, year)
    known, why = registry.event(name) if specific else (None, "")
    own = (known, why) if known else (f"{kind} {base} {year}".strip(), "kind, name and year")
    earlier = [d for d in done.values() if d.type == "EVENT" and d.attrs.get("kind") == kind]
    # `II фестиваль` after `I фестиваль` in the same report: another edition
    other_editions = [d for d in earlier if _other_ordinal(name, d)]
    if not known and (any(different_editions(name, k)
                          for k in registry.events.get(entity_iri("EVENT", own[0]), ()))
                      or any(d.attrs["key"] == own[0] for d in other_editions)):
        # the key names another edition already (`XXIX` and `XXX конференция РБА`)
        own = (f"{kind} {base} {name.ordinal} {year}".strip(), "kind, name, ordinal and year")
    earlier = [d for d in earlier if d not in other_editions]
    line_end = first_line_end(ex)
    title_line = [d for d in earlier if d.start < line_end]
    # the report's title names the first event of its kind in the body
    first_in_body = m.start > line_end and len(title_line) == 1 and len(earlier) == 1
    words = set(bare_event_name(m.normal).split())
    before = ex.report.text[max(0, m.start - 12):m.start].lower().split()
    another = any(w.startswith(("следующ", "очередн", "будущ", "ближайш"))
                  for w in m.normal.lower().split() + before[-1:])
    if another and earlier:  # "Следующий методический день пройдет в сентябре"
        when = by_id[date].attrs.get("value") if date in by_id else None
        return f"{kind} {base} {when or year + ' next'}".strip(), "a later occurrence of an event named earlier"
    for d in reversed(earlier):  # the same event named again in the report
        other = set(bare_event_name(d.normal).split())
        same_name = event_profile(d, year)[1] == base or words <= other or other <= words
        if not (same_name or first_in_body):
            continue
        if specific and not d.attrs.get("title") and same_name:
            # this mention names it better: the earlier, vaguer ones take its identity
            for e in earlier:
                if e.attrs["key"] == d.attrs["key"]:
                    set_identity(e, own[0], f"the same event as {m.normal} later in the report")
            return own
        return d.attrs["key"], f"the same event as {d.normal} earlier in the report"
    return own


def first_line_end(ex: Extraction) -> int:
    end = ex.report.text.find("\n")
    return end if end >= 0 else len(ex.report.text)


def post_key(m: Mention, ex: Extraction) -> str:
    return name_key(m.normal)


# --- the store as a registry ---------------------------------------------------------------

# Each query reads one kind of triple with DISTINCT. A report graph repeats an entity's
# attributes, so over the union of graphs a single pattern joining them (mention, family
# name, given name, ... of one person) multiplies the copies: a person named in n reports
# gave n^6 rows, and ingestion over a store of 80 such reports took 25 s instead of 0.01.
STORE_PERSON_LABELS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT DISTINCT ?e ?label WHERE { GRAPH ?g { ?m kg:mentionType "PERSON" ; kg:denotes ?e ; kg:normal ?label } }
"""
STORE_PERSON_PARTS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT DISTINCT ?e ?part ?value WHERE {
  VALUES (?p ?part) { (kg:familyName "surname") (kg:givenName "first")
                      (kg:patronymic "middle") (kg:initials "initials") (kg:gender "gender") }
  ?e ?p ?value .
}
"""
STORE_LABELS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT DISTINCT ?e ?type ?n WHERE {
  VALUES ?type { "ORGANIZATION" "LOCATION" "EVENT" }
  GRAPH ?g { ?m kg:mentionType ?type ; kg:denotes ?e ; kg:normal ?n }
}
"""


STORE_UNITS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT DISTINCT ?e WHERE { ?e a kg:OrganizationalUnit }
"""
# Events as their mentions named them, with what decides their year: the event's date
# stated in that report, else the report's date (resolve_document's rule). One GRAPH
# per row, so an entity's attributes are not multiplied across reports.
STORE_EVENTS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?e ?n ?class ?title ?start ?date WHERE { GRAPH ?g {
  ?m kg:denotes ?e ; kg:mentionType "EVENT" ; kg:normal ?n .
  OPTIONAL { ?e a ?class FILTER(?class != kg:Event) }
  OPTIONAL { ?e kg:title ?title }
  OPTIONAL { ?e schema:startDate ?start }
  OPTIONAL { ?g dcterms:date ?date }
} }
"""
YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@lru_cache(maxsize=1)
def _kind_slugs() -> list[tuple[str, str]]:
    """(slug, kind) of every event kind, longest first: an event's IRI starts with its
    kind (event_key: `kind base year`), which its class does not always give back
    (`stage` of a campaign and the campaign are both kg:Campaign)."""
    from kgraph.rdf import EVENT_KINDS

    kinds = set(lx.EVENT_HEADS.values()) | set(EVENT_KINDS) | {"event", lx.SERIES_KIND}
    return sorted(((slug(k), k) for k in kinds), key=lambda sk: -len(sk[0]))


def _stored_kind(iri: str, cls) -> str:
    last = iri.rstrip("/").rsplit("/", 1)[-1]
    for prefix, kind in _kind_slugs():
        if last == prefix or last.startswith(prefix + "-"):
            return kind
    return cls.value.rsplit("#", 1)[1].lower() if cls is not None else "event"


def _stored_events(rows) -> list[tuple[str, Mention]]:
    """(iri, a Mention with what Registry.add_event reads) per stored event name."""
    out = []
    for row in rows:
        cls, title = row.get("class"), row.get("title")
        kind = _stored_kind(row["e"].value, cls)
        normal = row["n"].value
        attrs = {"kind": kind}
        if title is not None and title.value in normal:
            attrs["title"] = title.value
        if row.get("start") is not None and row["start"].value[:4].isdigit():
            year = row["start"].value[:4]
        elif attrs.get("title") and (found := YEAR.search(attrs["title"])):
            year = found.group()
        elif kind == "campaign":
            year = ""
        else:
            year = row["date"].value[:4] if row.get("date") is not None else ""
        attrs["year"] = year
        out.append((row["e"].value, Mention("", "EVENT", 0, 0, normal, normal, attrs=attrs)))
    return out


# Descriptions located in a place (`центральная районная библиотека` + kg:locatedIn
# Иртышск): Registry.placed, as resolve_document filled it when it read them.
STORE_PLACED = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT DISTINCT ?e ?n ?place WHERE {
  { SELECT DISTINCT ?g ?e ?p WHERE { GRAPH ?g { ?e kg:locatedIn ?p } } }
  GRAPH ?g { ?m kg:denotes ?e ; kg:mentionType "ORGANIZATION" ; kg:normal ?n .
             ?pm kg:denotes ?p ; kg:normal ?place }
}
"""


def _stored_placed(rows) -> list[tuple[str, frozenset]]:
    out = []
    for row in rows:
        normal = row["n"].value
        if generic_name(Mention("", "ORGANIZATION", 0, 0, normal, normal)):
            out.append((row["e"].value, org_words(normal) | org_words(row["place"].value)))
    return out


def _fullest(values) -> str:
    """Of the values reports gave (`Ш.` / `Шамшигуль`), the longest; ties by code point,
    so the same store always gives the same registry."""
    return min(values, key=lambda v: (-len(v), v))


def registry_from_store(store) -> Registry:
    """What a store already knows, so new reports link to its entities."""
    from kgraph.query import run

    labels: dict[str, set[str]] = {}
    for row in run(store, STORE_PERSON_LABELS, {}).rows:
        labels.setdefault(row["e"].value, set()).add(row["label"].value)
    parts: dict[str, dict[str, set[str]]] = {}
    for row in run(store, STORE_PERSON_PARTS, {}).rows:
        parts.setdefault(row["e"].value, {}).setdefault(
            row["part"].value, set()).add(row["value"].value)
    rows = []
    for iri in sorted(labels.keys() & parts.keys()):
        if "surname" in parts[iri]:
            attrs = {k: _fullest(v) for k, v in parts[iri].items()}
            rows.append((iri, "PERSON", _fullest(labels[iri]), attrs))
    units = {row["e"].value for row in run(store, STORE_UNITS, {}).rows}
    for row in run(store, STORE_LABELS, {}).rows:
        unit = row["e"].value in units
        rows.append((row["e"].value, row["type"].value, row["n"].value, {"unit": unit}))
    reg = Registry()
    reg.add_rows(rows)
    for iri, mention in sorted(_stored_events(run(store, STORE_EVENTS, {}).rows),
                               key=lambda item: (item[0], item[1].normal, item[1].attrs["year"])):
        reg.add_event(iri, mention)
    for iri, words in _stored_placed(run(store, STORE_PLACED, {}).rows):
        reg.placed.setdefault(words, set()).add(iri)
    return reg
