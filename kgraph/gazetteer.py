"""A packaged gazetteer: one identity for the places and organisations of the genre.

The data lives in ``kgraph/data/gazetteer.json`` (its ``_meta`` block documents the
format and how the Wikidata ids were checked). Each entry has a stable ASCII ``key``
that is also its IRI slug::

    >>> gaz = load()
    >>> e = gaz.lookup("г. Нур-Султан", "LOCATION")
    >>> e.key, gaz.iri(e)
    ('astana', 'https://w3id.org/kgraph/id/place/astana')

``lookup`` takes the *normal form* of a mention (nominative, as the extractor produces
it) and matches it against every listed name after :func:`name_key` normalisation. It
does not inflect: callers pass nominative forms. Forms that are ambiguous in the real
world («Пушкинка» is the Omsk and the Ust-Kamenogorsk library) are stored as
``context_names`` and resolve only when a ``context`` (keys of places or organisations
the document is about) points at one candidate; otherwise ``lookup`` returns ``None``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from . import vocab

TYPES = ("LOCATION", "ORGANIZATION")
KINDS = {
    "LOCATION": {"country", "historical-country", "region", "historical-region", "city", "town", "village",
                 "district", "geo-region", "river"},
    "ORGANIZATION": {"library", "association", "university", "government-body"},
}
# kinds too broad to disambiguate by: sharing a country does not make «Пушкинка» local
_BROAD_KINDS = {"country", "historical-country", "geo-region", "river"}
_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QID_RE = re.compile(r"^Q[1-9][0-9]*$")
WIKIDATA = "http://www.wikidata.org/entity/"


class Former(NamedTuple):
    """A former name of an entry, with the years it was in use when known."""

    name: str
    start: int | None = None  # the JSON's "from"
    end: int | None = None  # the JSON's "to"


@dataclass(frozen=True)
class Entry:
    key: str
    type: str  # LOCATION | ORGANIZATION
    kind: str  # country | region | city | ... | library | association | ...
    name: str  # current Russian nominative
    names: tuple[str, ...] = ()  # other nominative forms (abbreviations, Kazakh, historical)
    parent: str | None = None  # key of the containing entry
    wikidata: str | None = None  # QID or None
    # forms valid only with a matching context (they win over the same form in name/names)
    context_names: tuple[str, ...] = ()
    history: tuple[Former, ...] = ()  # former names with years
    note: str | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every form of the entry (name, names, context names), without duplicates."""
        seen: dict[str, None] = {}
        for n in (self.name, *self.names, *self.context_names):
            seen.setdefault(n, None)
        return tuple(seen)


Place = Entry  # the brief's alternative name

# ---------------------------------------------------------------- normalisation

_QUOTES = "«»„“”‟\"'‘’‚‛‹›`´"
_DASHES = "‐‑‒–—―−"
# Latin letters typed inside Cyrillic words (GUIDE §1: «Бiр ел – бiр кiтап» with a Latin i)
_HOMOGLYPHS = str.maketrans({
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М", "O": "О", "P": "Р",
    "T": "Т", "X": "Х", "Y": "У",
    "a": "а", "c": "с", "e": "е", "i": "і", "k": "к", "o": "о", "p": "р", "x": "х", "y": "у",
})
# Kazakh letters and ё folded to their usual Russian-keyboard substitutes
_FOLD = str.maketrans({
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
})
_CYR = re.compile(r"[\u0400-\u04FF]")
_WORD = re.compile(r"[^\W\d_]+")
_LEGAL_FORM = re.compile(
    r"^\s*(?:КГУ|КГКП|ГККП|ГКП|ГУ|РГКП|РГУ|РГП на ПХВ|РГП|МБУК|МАУК|МБУ|МУК|БУК|ГБУК|КГБУК|ГАУК(?: НСО)?|"
    r"ФГБУ|ФГБУН|ФГБОУ ВО|ФГБОУ|НАО|АО|ТОО|ОО|РОО|ОЮЛ|ЧУ)\s*[«\"“„](.+)[»\"”“]\s*$"
)
_MARKER_ABBR = re.compile(r"^(?:г|гор|с|п|пос|пгт|рп|д|дер|ст|аул|мкр)\.\s*")
_MARKER_WORD = re.compile(r"^(?:город|село|поселок|посёлок|аул|ауыл|деревня|станция|станица|микрорайон)\s+")
_MARKER_KK = re.compile(r"\s+(?:каласы|ауылы|кенти|селосы)$")  # after folding: қаласы, ауылы, кенті


def _fix_homoglyphs(text: str) -> str:
    def fix(m: re.Match) -> str:
        w = m.group(0)
        return w.translate(_HOMOGLYPHS) if _CYR.search(w) else w

    return _WORD.sub(fix, text)


@lru_cache(maxsize=100_000)
def name_key(text: str) -> str:
    """The matching key of a name: equal keys mean "the same written name".

    Case-insensitive; ё→е; Latin look-alikes inside Cyrillic words → Cyrillic; Kazakh
    letters folded (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і→и); quotes dropped; dashes
    unified and unspaced; «имени»→«им.»; initials spaced («А.С.Пушкина»→«а. с. пушкина»);
    «обл.»→«область», «р-н»→«район»; a leading settlement marker (г., с., пос., город,
    село, ...) or a trailing Kazakh one (қаласы, ауылы) dropped; a legal form before a
    quoted name (КГУ «...», БУК «...») dropped; «№ 3»→«№3»; spaces collapsed.
    """
    # NFKC would turn «№» into «No»: keep it
    s = unicodedata.normalize("NFKC", (text or "").replace("№", "\ue000")).replace("\ue000", "№").strip()
    m = _LEGAL_FORM.match(s)
    if m:
        s = m.group(1)
    s = _fix_homoglyphs(s)
    s = s.lower().translate(_FOLD)
    s = re.sub(f"[{re.escape(_QUOTES)}]", " ", s)
    s = re.sub(f"[{_DASHES}]", "-", s)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"№\s*", "№", s)
    s = re.sub(r"\bимени\b", "им.", s)
    s = re.sub(r"\bим\.\s*", "им. ", s)
    s = re.sub(r"\b([^\W\d_])\.\s*(?=[^\W\d_])", r"\1. ", s)  # initials
    s = re.sub(r"\bобл\.?(?=\s|,|$)", "область", s)
    s = re.sub(r"\bр-н\b\.?", "район", s)
    s = re.sub(r"\s+", " ", s).strip(" ,;:")
    s = _MARKER_ABBR.sub("", s)
    s = _MARKER_WORD.sub("", s)
    s = _MARKER_KK.sub("", s)
    return s.strip(" .,;:")


# ---------------------------------------------------------------- validation

def validate(data: dict) -> list[str]:
    """Problems in the gazetteer data (an empty list when it is valid)."""
    errors: list[str] = []
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        return ["`entries` must be a non-empty list"]
    allowed = {"key", "type", "kind", "name", "names", "parent", "wikidata", "context_names", "history", "note"}
    required = ("key", "type", "kind", "name", "names", "parent", "wikidata")
    by_key: dict[str, dict] = {}
    for i, e in enumerate(entries):
        where = f"entry {i} ({e.get('key', '?')})" if isinstance(e, dict) else f"entry {i}"
        if not isinstance(e, dict):
            errors.append(f"{where}: not an object")
            continue
        for f in required:
            if f not in e:
                errors.append(f"{where}: missing field `{f}`")
        for f in e:
            if f not in allowed:
                errors.append(f"{where}: unknown field `{f}`")
        key = e.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            errors.append(f"{where}: key must be a lowercase ASCII slug")
        elif vocab.slug(key) != key:
            errors.append(f"{where}: key is not stable under vocab.slug")
        elif key in by_key:
            errors.append(f"{where}: duplicate key")
        else:
            by_key[key] = e
        t = e.get("type")
        if t not in TYPES:
            errors.append(f"{where}: type must be one of {TYPES}")
        elif e.get("kind") not in KINDS[t]:
            errors.append(f"{where}: kind {e.get('kind')!r} is not a {t} kind")
        if not isinstance(e.get("name"), str) or not name_key(e.get("name", "")):
            errors.append(f"{where}: empty name")
        for f in ("names", "context_names"):
            v = e.get(f, [])
            if not isinstance(v, list) or not all(isinstance(n, str) and name_key(n) for n in v):
                errors.append(f"{where}: `{f}` must be a list of non-empty strings")
        q = e.get("wikidata")
        if q is not None and not (isinstance(q, str) and _QID_RE.match(q)):
            errors.append(f"{where}: wikidata must be null or match ^Q[1-9][0-9]*$")
        forms = {name_key(n) for n in [e.get("name", "")] + list(e.get("names", []))}
        if not isinstance(e.get("history", []), list):
            errors.append(f"{where}: `history` must be a list")
            continue
        for h in e.get("history", []):
            if not isinstance(h, dict) or not isinstance(h.get("name"), str) or set(h) - {"name", "from", "to"}:
                errors.append(f"{where}: bad history item {h!r}")
                continue
            if name_key(h["name"]) not in forms:
                errors.append(f"{where}: history name {h['name']!r} is not among its names")
            years = [h.get(k) for k in ("from", "to") if h.get(k) is not None]
            if not all(isinstance(y, int) for y in years) or years != sorted(years):
                errors.append(f"{where}: bad years in history item {h!r}")
    # parents exist, no cycles
    for key, e in by_key.items():
        p = e.get("parent")
        if p is not None and p not in by_key:
            errors.append(f"{key}: parent {p!r} does not exist")
        seen = {key}
        while p is not None and p in by_key:
            if p in seen:
                errors.append(f"{key}: cycle in parent chain")
                break
            seen.add(p)
            p = by_key[p].get("parent")
    # a plain form may name only one entry of a type; ambiguous forms must be context_names
    owners: dict[tuple[str, str], set[str]] = {}
    for key, e in by_key.items():
        for k in _plain_keys(e):
            owners.setdefault((e.get("type"), k), set()).add(key)
        for n in e.get("context_names", []):
            owners.setdefault((e.get("type"), name_key(n)), set())  # reserve: see below
    for key, e in by_key.items():
        for n in e.get("context_names", []):
            plain_owners = owners.get((e.get("type"), name_key(n)), set()) - {key}
            if plain_owners:
                errors.append(f"{key}: context name {n!r} is a plain name of {sorted(plain_owners)}")
    for (t, k), keys in owners.items():
        if len(keys) > 1:
            errors.append(f"{t} name {k!r} maps to {sorted(keys)}: make it a context name or drop it")
    return errors


def _plain_keys(e: dict) -> set[str]:
    ctx = {name_key(n) for n in e.get("context_names", [])}
    return {name_key(n) for n in [e.get("name", "")] + list(e.get("names", []))} - ctx - {""}


# ---------------------------------------------------------------- the gazetteer

class Gazetteer:
    """Entries indexed by key and by :func:`name_key` of their names."""

    def __init__(self, entries: Iterable[Entry], meta: dict | None = None):
        self.meta = meta or {}
        self._by_key: dict[str, Entry] = {}
        self._plain: dict[str, list[Entry]] = {}
        self._context: dict[str, list[Entry]] = {}
        for e in entries:
            self._by_key[e.key] = e
            ctx = {name_key(n) for n in e.context_names}
            for n in (e.name, *e.names):
                k = name_key(n)
                if k and k not in ctx:
                    _add(self._plain, k, e)
            for k in ctx:
                _add(self._context, k, e)

    # -- construction
    @classmethod
    def from_dict(cls, data: dict, check: bool = True) -> Gazetteer:
        if check:
            errors = validate(data)
            if errors:
                raise ValueError("invalid gazetteer:\n  " + "\n  ".join(errors[:20]))
        entries = [
            Entry(
                key=e["key"], type=e["type"], kind=e["kind"], name=e["name"], names=tuple(e.get("names", ())),
                parent=e.get("parent"), wikidata=e.get("wikidata"), context_names=tuple(e.get("context_names", ())),
                history=tuple(Former(h["name"], h.get("from"), h.get("to")) for h in e.get("history", ())),
                note=e.get("note"),
            )
            for e in data["entries"]
        ]
        return cls(entries, data.get("_meta"))

    @classmethod
    def from_file(cls, path: str | Path, check: bool = True) -> Gazetteer:
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f), check=check)

    # -- access
    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Entry | None:
        return self._by_key.get(key)

    def __getitem__(self, key: str) -> Entry:
        return self._by_key[key]

    def children(self, key: str) -> list[Entry]:
        return [e for e in self._by_key.values() if e.parent == key]

    def ancestors(self, key: str | Entry) -> list[Entry]:
        """Containing entries, nearest first: library → city → region → country."""
        e = self._by_key.get(key.key if isinstance(key, Entry) else key)
        out: list[Entry] = []
        seen = set()
        while e is not None and e.parent and e.parent not in seen:
            seen.add(e.parent)
            e = self._by_key.get(e.parent)
            if e is not None:
                out.append(e)
        return out

    # -- name resolution
    def candidates(self, normal: str, type: str | None = None) -> list[Entry]:
        """Every entry that has `normal` among its names or context names."""
        k = name_key(normal)
        out: list[Entry] = []
        for e in self._plain.get(k, []) + self._context.get(k, []):
            if (type is None or e.type == type) and e not in out:
                out.append(e)
        return out

    def lookup(self, normal: str, type: str | None = None,
               context: str | Entry | Iterable[str | Entry] | None = None) -> Entry | None:
        """The one entry that `normal` (a nominative normal form) names, or None.

        A plain name resolves by itself. A context name («Пушкинка», «Успенка») resolves
        only when `context` (keys or entries of places/organisations of the document)
        shares a region, city or organisation with exactly one candidate. Several
        candidates (e.g. the same name for a LOCATION and an ORGANIZATION when `type` is
        None) are narrowed by `context` the same way, else the answer is None.
        """
        k = name_key(normal)
        if not k:
            return None
        plain = [e for e in self._plain.get(k, []) if type is None or e.type == type]
        ctx = [e for e in self._context.get(k, []) if (type is None or e.type == type) and e not in plain]
        if len(plain) == 1 and not ctx:
            return plain[0]
        cands = plain + [e for e in ctx if e not in plain]
        if not cands or context is None:
            return None
        hits = [e for e in cands if self._in_context(e, context)]
        return hits[0] if len(hits) == 1 else None

    def _scope(self, e: Entry) -> set[str]:
        return {x.key for x in [e, *self.ancestors(e)] if x.kind not in _BROAD_KINDS}

    def _in_context(self, e: Entry, context: str | Entry | Iterable[str | Entry]) -> bool:
        if isinstance(context, (str, Entry)):
            context = [context]
        scope = self._scope(e)
        for c in context:
            c = self._by_key.get(c.key if isinstance(c, Entry) else c)
            if c is not None and scope & self._scope(c):
                return True
        return False

    def ambiguous_names(self) -> dict[str, list[str]]:
        """Context names (by name_key) and the keys of the entries they may name."""
        return {k: [e.key for e in v] for k, v in sorted(self._context.items())}

    # -- IRIs
    def iri(self, entry: Entry | str) -> str:
        """The entity IRI: vocab.entity_iri(type, key), e.g. .../id/place/astana, .../id/org/nab-rk."""
        e = entry if isinstance(entry, Entry) else self._by_key[entry]
        return vocab.entity_iri(e.type, e.key)

    @staticmethod
    def wikidata_iri(entry: Entry) -> str | None:
        """http://www.wikidata.org/entity/Q… for owl:sameAs, or None."""
        return WIKIDATA + entry.wikidata if entry.wikidata else None


def _add(index: dict[str, list[Entry]], k: str, e: Entry) -> None:
    lst = index.setdefault(k, [])
    if e not in lst:
        lst.append(e)


def data_text() -> str:
    """The packaged gazetteer.json as text."""
    return resources.files("kgraph").joinpath("data", "gazetteer.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The packaged gazetteer (validated once, cached)."""
    return Gazetteer.from_dict(json.loads(data_text()))
