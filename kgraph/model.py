"""The data that flows between stages: a read Report, its Mentions and Relations.

read -> Report; analyse + extract -> Extraction(report, mentions, relations);
resolve fills Mention.iri; rdf turns an Extraction into quads of the report's graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "EVENT", "DATE", "PROFESSION")

# relation type -> (allowed head types, allowed tail types), as in the extraction contract
RELATION_TYPES = {
    "PARTICIPANT_IN": ({"PERSON", "ORGANIZATION"}, {"EVENT"}),
    "ORGANIZES": ({"PERSON", "ORGANIZATION"}, {"EVENT"}),
    "TAKES_PLACE_IN": ({"EVENT"}, {"LOCATION", "ORGANIZATION"}),
    "POINT_IN_TIME": ({"EVENT"}, {"DATE"}),
    "WORKS_AS": ({"PERSON"}, {"PROFESSION"}),
    "WORKPLACE": ({"PERSON"}, {"ORGANIZATION"}),
    "PART_OF": ({"ORGANIZATION"}, {"ORGANIZATION"}),
    "LOCATED_IN": ({"LOCATION", "ORGANIZATION"}, {"LOCATION"}),
    "ALTERNATIVE_NAME": (set(ENTITY_TYPES), set(ENTITY_TYPES)),
}


@dataclass
class Report:
    """One input document, decoded to plain text, with what is known about it."""

    path: str  # as given on the command line (the contract's `doc`)
    id: str  # identity: path relative to the ingested root, or an id from metadata
    text: str  # decoded with no newline translation; all offsets point into it
    sha256: str = ""  # of the raw bytes: unchanged files are skipped on re-ingest
    format: str = "txt"  # txt | html | docx | pdf | md
    encoding: str | None = None
    title: str | None = None
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    source: str | None = None  # the library that published it
    url: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


@dataclass
class Mention:
    """A typed span of the report's text (nested spans allowed)."""

    id: str  # T1, T2, ... in text order
    type: str  # one of ENTITY_TYPES
    start: int
    end: int  # exclusive
    text: str
    normal: str = ""  # nominative, right gender (GUIDE §3)
    iri: str | None = None  # filled by resolve
    # type-specific facts, e.g. DATE: value; PERSON: gender, surname, first, middle;
    # EVENT: kind, ordinal, level, title; ORGANIZATION: kind ("library", "unit", ...)
    attrs: dict = field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class Relation:
    type: str  # one of RELATION_TYPES
    head: str  # Mention.id
    tail: str  # Mention.id
    role: str | None = None  # PARTICIPANT_IN/ORGANIZES: speaker, delegate, moderator, ...


@dataclass
class Extraction:
    report: Report
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # sentence offsets

    def mention(self, mid: str) -> Mention:
        return next(m for m in self.mentions if m.id == mid)

    def sentence_of(self, m: Mention) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= m.start < e:
                return (s, e)
        return (m.start, m.end)

    def to_json(self) -> dict:
        """One line of the extraction contract (shared/spec/extraction-jsonl.md)."""
        ents = []
        for m in self.mentions:
            ent = {"id": m.id, "type": m.type, "start": m.start, "end": m.end,
                   "text": m.text, "normal": m.normal, "iri": m.iri}
            for key in ("value", "kind", "gender"):
                if key in m.attrs:
                    ent[key] = m.attrs[key]
            ents.append(ent)
        rels = []
        for r in self.relations:
            rel = {"type": r.type, "head": r.head, "tail": r.tail}
            if r.role:
                rel["role"] = r.role
            rels.append(rel)
        return {"doc": self.report.path, "entities": ents, "relations": rels}
