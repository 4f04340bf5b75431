"""An Extraction -> the quads of its report's named graph (the kgraph ontology).

The terms are declared in ``ontologies/kgraph.ttl`` (prefix ``kg:``); the model is
described in ``ontologies/README.md``. One report = one named graph whose name is
the report's IRI (``vocab.report_iri``). It holds:

* the report node (``kg:Report``, Dublin Core metadata, the text, provenance);
* one ``kg:Mention`` per resolved mention (offsets, surface, normal form, sentence);
* the entities the mentions denote (types, labels, attributes);
* per relation a direct triple (``person kg:participantIn event``) and a reified
  ``kg:Statement`` that carries its evidence (the two mentions) and role.

Usage::

    store.extend(report_quads(extraction, run_iri=vocab.run_iri(run_id)))
"""

from __future__ import annotations

import re
from datetime import date as _date
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from . import vocab
from .model import Extraction, Mention

# --------------------------------------------------------------------------- terms


class _NS:
    """Attribute access to the terms of a namespace: ``KG.Person``."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        setattr(self, name, node)  # built once: report_quads asks for terms ~500 times
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)


KG = _NS(vocab.KG)
RDF = _NS(vocab.PREFIXES["rdf"])
RDFS = _NS(vocab.PREFIXES["rdfs"])
OWL = _NS(vocab.PREFIXES["owl"])
XSD = _NS(vocab.PREFIXES["xsd"])
SKOS = _NS(vocab.PREFIXES["skos"])
DCTERMS = _NS(vocab.PREFIXES["dcterms"])
SCHEMA = _NS(vocab.PREFIXES["schema"])
PROV = _NS(vocab.PREFIXES["prov"])

WIKIDATA = "http://www.wikidata.org/entity/"

# the graph that holds the ontology itself (its IRI; kg: terms are ``…/ontology#X``)
GRAPH_ONTOLOGY = NamedNode("https://w3id.org/kgraph/ontology")

# the ontology file: in the repository, or packaged into the wheel
_HERE = Path(__file__).resolve().parent
ONTOLOGY_PATH = next(
    (p for p in (_HERE / "_data" / "ontologies" / "kgraph.ttl",
                 _HERE.parent / "ontologies" / "kgraph.ttl") if p.exists()),
    _HERE.parent / "ontologies" / "kgraph.ttl",
)

# contract entity type -> class
ENTITY_CLASS: dict[str, NamedNode] = {
    "PERSON": KG.Person,
    "ORGANIZATION": KG.Organization,
    "LOCATION": KG.Place,
    "EVENT": KG.Event,
    "DATE": KG.Date,
    "PROFESSION": KG.Post,
}

# contract relation type -> property of the direct triple (ALTERNATIVE_NAME has no
# direct triple between the entities: it becomes a skos:altLabel of the tail)
RELATION_PROPERTY: dict[str, NamedNode] = {
    "PARTICIPANT_IN": KG.participantIn,
    "ORGANIZES": KG.organizerOf,
    "TAKES_PLACE_IN": KG.takesPlaceIn,
    "POINT_IN_TIME": KG.date,
    "WORKS_AS": KG.holdsPost,
    "WORKPLACE": KG.worksAt,
    "PART_OF": KG.partOf,
    "LOCATED_IN": KG.locatedIn,
    "ALTERNATIVE_NAME": SKOS.altLabel,
}

# EVENT mention attrs["kind"] -> subclass of kg:Event (keys are normalised by
# event_class(): lower case, "-" and " " read as "_")
EVENT_KINDS: dict[str, NamedNode] = {
    "congress": KG.Congress,              # съезд, конгресс
    "conference": KG.Conference,          # конференция
    "seminar": KG.Seminar,                # семинар, семинар-тренинг, практикум
    "seminar_training": KG.Seminar,
    "practicum": KG.Training,
    "workshop": KG.Training,
    "training": KG.Training,              # тренинг, обучение, курсы
    "course": KG.Training,
    "webinar": KG.Webinar,                # вебинар, онлайн-семинар
    "round_table": KG.RoundTable,         # круглый стол
    "roundtable": KG.RoundTable,
    "forum": KG.Forum,                    # форум
    "exhibition": KG.Exhibition,          # выставка, экспозиция
    "exposition": KG.Exhibition,
    "book_fair": KG.BookFair,             # книжная выставка-ярмарка
    "bookfair": KG.BookFair,
    "fair": KG.BookFair,
    "campaign": KG.Campaign,              # акция
    "action": KG.Campaign,
    "festival": KG.Festival,              # фестиваль, Дни культуры
    "culture_days": KG.Festival,
    "days_of_culture": KG.Festival,
    "contest": KG.Contest,                # конкурс, олимпиада
    "competition": KG.Contest,
    "meeting": KG.Meeting,                # заседание, совещание, встреча
    "session": KG.Meeting,
    "consultation": KG.Meeting,
    "professional_day": KG.ProfessionalDevelopmentDay,  # день повышения квалификации,
    "professional_development_day": KG.ProfessionalDevelopmentDay,  # производственная
    "methodist_day": KG.ProfessionalDevelopmentDay,     # учеба, День методиста
    "production_training": KG.ProfessionalDevelopmentDay,
    "lecture": KG.Lecture,                # лекция, онлайн-лекция
    "master_class": KG.MasterClass,       # мастер-класс
    "masterclass": KG.MasterClass,
    "presentation": KG.Presentation,      # презентация, вечер-презентация
    "excursion": KG.Excursion,            # экскурсия
    "tour": KG.Excursion,
    "concert": KG.Concert,                # концерт
    "stage": KG.Campaign,                 # районный этап акции: a stage of a campaign
    "ceremony": KG.Meeting,               # церемония награждения
    "quest": KG.Contest,                  # литературный квест: a game with winners
    "section": KG.Section,                # секция, лаборатория съезда
    "laboratory": KG.Section,
}

# Relation.role -> concept of the kg:Roles scheme (unknown roles: participant)
ROLES = ("participant", "speaker", "delegate", "organiser", "exhibitor", "moderator",
         "jury", "guest", "head-of-delegation")
_ROLE_ALIASES = {
    "organizer": "organiser", "organisator": "organiser", "conductor": "organiser",
    "presenter": "speaker", "lecturer": "speaker", "reporter": "speaker",
    "chair": "moderator", "host": "moderator",
    "jury-member": "jury", "judge": "jury", "commission": "jury",
    "head": "head-of-delegation", "delegation-head": "head-of-delegation",
    "attendee": "participant", "contestant": "participant", "winner": "participant",
}

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


# --------------------------------------------------------------------------- helpers


def ru(text: str) -> Literal:
    """A Russian text value (@ru)."""
    return Literal(text, language="ru")


def integer(n: int) -> Literal:
    return Literal(str(int(n)), datatype=XSD.integer)


def role_iri(role: str | None) -> NamedNode:
    """kg:role-speaker for "speaker"; unknown or empty roles -> kg:role-participant."""
    key = re.sub(r"[\s_]+", "-", (role or "").strip().lower())
    key = _ROLE_ALIASES.get(key, key)
    if key not in ROLES:
        key = "participant"
    return KG["role-" + key]


def event_class(kind: str | None) -> NamedNode | None:
    """The kg:Event subclass for an EVENT mention's kind, or None when unknown."""
    if not kind:
        return None
    key = re.sub(r"[\s\-]+", "_", str(kind).strip().lower())
    if key in EVENT_KINDS:
        return EVENT_KINDS[key]
    # a class local name is accepted too ("RoundTable")
    for cls in set(EVENT_KINDS.values()):
        if cls.value.rsplit("#", 1)[1].lower() == key.replace("_", ""):
            return cls
    return None


def _valid_ymd(y: str, m: str, d: str | None = None) -> bool:
    try:
        _date(int(y) if y != "XXXX" else 2000, int(m), int(d) if d else 1)
    except ValueError:
        return False
    return True


def date_literal(value: str | None) -> Literal | None:
    """A typed literal for a full or partial ISO date, None for anything else.

    2018-11-01 -> xsd:date; 2018-11 -> xsd:gYearMonth; 2018 -> xsd:gYear;
    XXXX-11-20 (year unknown) -> xsd:gMonthDay --11-20; XXXX-11 -> xsd:gMonth --11.
    Seasons (2023-SP), decades (196X) and ranges give None (ranges: see date_range).
    """
    if not value:
        return None
    v = value.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v):
        return Literal(v, datatype=XSD.date) if _valid_ymd(*m.groups()) else None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
        return Literal(v, datatype=XSD.gYearMonth) if _valid_ymd(*m.groups()) else None
    if re.fullmatch(r"\d{4}", v):
        return Literal(v, datatype=XSD.gYear)
    if m := re.fullmatch(r"XXXX-(\d{2})-(\d{2})", v):
        if _valid_ymd("XXXX", *m.groups()):
            return Literal(f"--{m[1]}-{m[2]}", datatype=XSD.gMonthDay)
        return None
    if m := re.fullmatch(r"XXXX-(\d{2})", v):
        return Literal(f"--{m[1]}", datatype=XSD.gMonth) if 1 <= int(m[1]) <= 12 else None
    return None


def date_range(value: str | None) -> tuple[Literal | None, Literal | None]:
    """(start, end) typed literals of a date value; end only for ranges a/b."""
    if not value:
        return (None, None)
    if "/" in value:
        a, _, b = value.partition("/")
        return (date_literal(a), date_literal(b))
    return (date_literal(value), None)


def ordinal_int(value) -> int | None:
    """7 for 7, "7", "VII" or "VII-й"; None when it is not an ordinal."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    s = str(value).strip()
    if m := re.match(r"\d+", s):
        return int(m.group())
    if m := re.match(r"[IVXLCDM]+(?![^\W\d_])", s):
        total, prev = 0, 0
        for ch in reversed(m.group()):
            n = _ROMAN[ch]
            total += -n if n < prev else n
            prev = max(prev, n)
        return total or None
    return None


def _iri_or_literal(value: str):
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value):
        try:
            return NamedNode(value)
        except ValueError:
            pass
    return Literal(value)


def _wikidata(value) -> NamedNode | None:
    s = str(value).strip()
    if m := re.fullmatch(r"(?:https?://www\.wikidata\.org/(?:entity|wiki)/)?(Q\d+)", s):
        return NamedNode(WIKIDATA + m.group(1))
    return None


def _text(value) -> Literal:
    """Russian text @ru; a value with no Cyrillic letter (a URL, a code) stays plain."""
    s = str(value)
    return ru(s) if _CYRILLIC.search(s) else Literal(s)


# --------------------------------------------------------------------------- graph


class _Graph:
    """Collects the quads of one graph once each, in insertion order."""

    def __init__(self, name: NamedNode):
        self.name = name
        self.quads: list[Quad] = []
        self._seen: set[Quad] = set()

    def add(self, s, p, o) -> None:
        q = Quad(s, p, o, self.name)
        if q not in self._seen:
            self._seen.add(q)
            self.quads.append(q)


def _report(g: _Graph, ex: Extraction, run_iri: str | None) -> None:
    r = ex.report
    node = g.name
    g.add(node, RDF.type, KG.Report)
    g.add(node, DCTERMS.identifier, Literal(r.id))
    if r.title:
        g.add(node, DCTERMS.title, _text(r.title))
    if r.date:
        g.add(node, DCTERMS.date, date_literal(r.date) or Literal(r.date))
    if r.source:
        g.add(node, DCTERMS.source, _text(r.source))
    if r.url:
        g.add(node, SCHEMA.url, _iri_or_literal(r.url))
    if r.sha256:
        g.add(node, KG.sha256, Literal(r.sha256))
    if r.path:
        g.add(node, KG.sourcePath, Literal(r.path))
    if r.format:
        g.add(node, DCTERMS.format, Literal(r.format))
    g.add(node, KG.text, ru(r.text))
    if run_iri:
        g.add(node, PROV.wasGeneratedBy, NamedNode(run_iri))


def _mention(g: _Graph, ex: Extraction, m: Mention) -> None:
    node = NamedNode(vocab.mention_iri(ex.report.id, m.id))
    g.add(node, RDF.type, KG.Mention)
    g.add(node, KG.inReport, g.name)
    g.add(node, KG.denotes, NamedNode(m.iri))
    g.add(node, KG.start, integer(m.start))
    g.add(node, KG.end, integer(m.end))
    g.add(node, KG.surface, ru(m.text))
    if m.normal:
        g.add(node, KG.normal, ru(m.normal))
    g.add(node, KG.mentionType, Literal(m.type))
    s, e = ex.sentence_of(m)
    g.add(node, KG.sentence, ru(ex.report.text[s:e]))
    g.add(node, KG.sentenceStart, integer(s))
    if m.attrs.get("why"):
        g.add(node, KG.resolvedBy, Literal(m.attrs["why"], language="en"))


def _entity(g: _Graph, m: Mention, alternative: bool = False) -> None:
    """The entity's triples from one mention; an `alternative` mention (the head of an
    ALTERNATIVE_NAME, e.g. an abbreviation) gives an altLabel instead of a label."""
    node = NamedNode(m.iri)
    a = m.attrs or {}
    cls = ENTITY_CLASS.get(m.type)
    if cls is not None:
        g.add(node, RDF.type, cls)
    if m.type == "ORGANIZATION" and a.get("kind") == "unit":
        g.add(node, RDF.type, KG.OrganizationalUnit)
    if m.type == "EVENT" and (sub := event_class(a.get("kind"))) is not None:
        g.add(node, RDF.type, sub)
    label = m.normal or m.text
    g.add(node, SKOS.altLabel if alternative else RDFS.label, ru(label))
    if m.text and m.text != label:
        g.add(node, SKOS.altLabel, ru(m.text))
    if a.get("parent_iri"):  # a unit of the report's source library, named nowhere in it
        g.add(node, KG.partOf, NamedNode(a["parent_iri"]))
    if a.get("canonical"):
        g.add(node, KG.canonicalLabel, ru(str(a["canonical"])))
    if a.get("wikidata") and (wd := _wikidata(a["wikidata"])) is not None:
        g.add(node, OWL.sameAs, wd)
    if m.type == "PERSON":
        if a.get("gender") in ("female", "male"):
            g.add(node, KG.gender, Literal(a["gender"]))
        for key, prop in (("surname", KG.familyName), ("first", KG.givenName),
                          ("middle", KG.patronymic), ("initials", KG.initials)):
            if a.get(key):
                g.add(node, prop, ru(str(a[key])))
    elif m.type == "EVENT":
        if a.get("ordinal") is not None and (n := ordinal_int(a["ordinal"])) is not None:
            g.add(node, KG.ordinal, integer(n))
        if a.get("level"):
            g.add(node, KG.level, Literal(str(a["level"])))
        if a.get("title"):
            g.add(node, KG.title, ru(str(a["title"])))
    elif m.type == "DATE":
        if a.get("value"):
            g.add(node, KG.isoValue, Literal(str(a["value"])))


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and inner is not outer


def _relations(g: _Graph, ex: Extraction, by_id: dict[str, Mention]) -> None:
    rid = ex.report.id
    # (person iri, org iri) pairs stated by WORKPLACE, and PART_OF pairs, for postIn
    workplace = {(by_id[r.head].iri, by_id[r.tail].iri) for r in ex.relations
                 if r.type == "WORKPLACE" and r.head in by_id and r.tail in by_id}
    part_of = {(by_id[r.head].iri, by_id[r.tail].iri) for r in ex.relations
               if r.type == "PART_OF" and r.head in by_id and r.tail in by_id}

    for index, r in enumerate(ex.relations, start=1):
        head, tail = by_id.get(r.head), by_id.get(r.tail)
        prop = RELATION_PROPERTY.get(r.type)
        if head is None or tail is None or prop is None:
            continue  # unresolved mention or unknown relation type
        if head.iri == tail.iri and r.type != "ALTERNATIVE_NAME":
            continue  # a relation never links an entity to itself
        h, t = NamedNode(head.iri), NamedNode(tail.iri)
        st = NamedNode(vocab.mention_iri(rid, f"R{index}"))
        if r.type == "ALTERNATIVE_NAME":
            # the head is another name of the tail: an altLabel, no entity-entity triple
            alt = ru(head.normal or head.text)
            g.add(t, SKOS.altLabel, alt)
            subject, obj = t, alt
        else:
            g.add(h, prop, t)
            subject, obj = h, t
        g.add(st, RDF.type, KG.Statement)
        g.add(st, RDF.subject, subject)
        g.add(st, RDF.predicate, prop)
        g.add(st, RDF.object, obj)
        g.add(st, KG.relationType, Literal(r.type))
        g.add(st, KG.evidence, NamedNode(vocab.mention_iri(rid, head.id)))
        g.add(st, KG.evidence, NamedNode(vocab.mention_iri(rid, tail.id)))
        if r.role:
            g.add(st, KG.role, role_iri(r.role))

        if r.type == "POINT_IN_TIME":
            start, end = date_range((tail.attrs or {}).get("value"))
            if start is not None:
                g.add(h, SCHEMA.startDate, start)
            if end is not None:
                g.add(h, SCHEMA.endDate, end)
        elif r.type == "WORKS_AS":
            _post_in(g, ex, head, tail, workplace, part_of)


def _post_in(g: _Graph, ex: Extraction, person: Mention, post: Mention,
             workplace: set, part_of: set) -> None:
    """post kg:postIn the unit/organisation named inside the post phrase that the
    person works at (WORKPLACE); when both a unit and its parent are there, the unit."""
    orgs = []
    for m in ex.mentions:
        if (m.type == "ORGANIZATION" and m.iri and _inside(m, post)
                and (person.iri, m.iri) in workplace and m.iri not in orgs):
            orgs.append(m.iri)
    parents = {p for (u, p) in part_of if u in orgs and p in orgs}
    for org in orgs:
        if org not in parents:
            g.add(NamedNode(post.iri), KG.postIn, NamedNode(org))


def report_quads(ex: Extraction, run_iri: str | None = None) -> list[Quad]:
    """The quads of the report's named graph (graph name = vocab.report_iri(id)).

    Mentions without an IRI (unresolved) are left out, with the relations that
    touch them.
    """
    g = _Graph(NamedNode(vocab.report_iri(ex.report.id)))
    _report(g, ex, run_iri)
    resolved = [m for m in ex.mentions if m.iri]
    by_id = {m.id: m for m in resolved}
    # heads of ALTERNATIVE_NAME naming the same entity as the tail: not its label
    alternative = {r.head for r in ex.relations
                   if r.type == "ALTERNATIVE_NAME" and r.head in by_id and r.tail in by_id
                   and by_id[r.head].iri == by_id[r.tail].iri}
    for m in resolved:
        _mention(g, ex, m)
    for m in resolved:
        _entity(g, m, alternative=m.id in alternative)
    _relations(g, ex, by_id)
    return g.quads


def ontology_quads(path: str | Path | None = None) -> list[Quad]:
    """The ontology (ontologies/kgraph.ttl) as quads of the GRAPH_ONTOLOGY graph."""
    from pyoxigraph import RdfFormat, parse

    p = Path(path) if path else ONTOLOGY_PATH
    with open(p, "rb") as f:
        return [Quad(t.subject, t.predicate, t.object, GRAPH_ONTOLOGY)
                for t in parse(f, format=RdfFormat.TURTLE)]
