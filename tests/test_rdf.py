"""kgraph.rdf: an Extraction -> quads of its report graph; queries/*.rq over them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store, Variable

from kgraph import rdf, vocab
from kgraph.model import Extraction, Mention, Relation, Report

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
KG = vocab.KG
XSD = vocab.PREFIXES["xsd"]


# --------------------------------------------------------------------------- builders


class Doc:
    """Builds the mentions of a text by their surface: offsets are found in the text."""

    def __init__(self, text: str):
        self.text = text
        self.mentions: list[Mention] = []
        self.relations: list[Relation] = []

    def m(self, type_: str, surface: str, normal: str = "", key: str | None = None,
          nth: int = 0, within: Mention | None = None, **attrs) -> Mention:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(surface, start + 1 if start >= 0 else
                                    (within.start if within else 0))
        iri = vocab.entity_iri(type_, key or normal or surface)
        mention = Mention(id=f"T{len(self.mentions) + 1}", type=type_, start=start,
                          end=start + len(surface), text=surface, normal=normal or surface,
                          iri=iri, attrs=attrs)
        assert self.text[mention.start:mention.end] == surface
        self.mentions.append(mention)
        return mention

    def r(self, type_: str, head: Mention, tail: Mention, role: str | None = None):
        self.relations.append(Relation(type_, head.id, tail.id, role))

    def extraction(self, rid: str, **report) -> Extraction:
        # sentence ends: ". " after a word of 2+ letters (not after an initial "Ш.")
        sentences, start = [], 0
        for gap in re.finditer(r"(?<=[\w)»][\w)»][.!?])\s+(?=[А-ЯA-Z0-9])", self.text):
            sentences.append((start, gap.start()))
            start = gap.end()
        sentences.append((start, len(self.text)))
        ms = sorted(self.mentions, key=lambda m: (m.start, -m.end))
        return Extraction(Report(path=f"corpus/{rid}", id=rid, text=self.text, **report),
                          ms, self.relations, sentences)


SENTENCE = ("Руководитель библиотеки Ш.Шахметова приняла участие в Днях культуры "
            "Павлодарской области в г.Барнаул.")


def pavlodar_report() -> Extraction:
    """Report A: the Days of Culture (Шахметова, delegate) and a congress speaker."""
    d = Doc("1 ноября 2018 года. " + SENTENCE + " Руководитель отдела развития библиотек "
            "и методической работы А.Жилкибекова выступила с докладом на Всеказахстанском "
            "съезде библиотекарей в г.Алматы.")
    date = d.m("DATE", "1 ноября 2018 года", "1 ноября 2018 года", value="2018-11-01")
    post = d.m("PROFESSION", "Руководитель библиотеки", "руководитель библиотеки",
               key="руководитель библиотеки шахметова")
    lib = d.m("ORGANIZATION", "библиотеки", "библиотека", key="ПОУНБ", within=post,
              canonical="Павлодарская областная универсальная научная библиотека "
                        "им. С. Торайгырова", wikidata="Q4380452")
    shah = d.m("PERSON", "Ш.Шахметова", "Шахметова Ш.", gender="female",
               surname="Шахметова", initials="Ш.")
    dk = d.m("EVENT", "Днях культуры Павлодарской области",
             "Дни культуры Павлодарской области", key="dni-kultury-2018", kind="festival")
    po = d.m("LOCATION", "Павлодарской области", "Павлодарская область", within=dk)
    barnaul = d.m("LOCATION", "г.Барнаул", "Барнаул")
    post2 = d.m("PROFESSION", "Руководитель отдела развития библиотек и методической работы",
                "руководитель отдела развития библиотек и методической работы",
                key="руководитель ордбмр")
    unit = d.m("ORGANIZATION", "отдела развития библиотек и методической работы",
               "отдел развития библиотек и методической работы", key="ПОУНБ ордбмр",
               within=post2, kind="unit")
    zh = d.m("PERSON", "А.Жилкибекова", "Жилкибекова А.", gender="female")
    congress = d.m("EVENT", "Всеказахстанском съезде библиотекарей",
                   "Всеказахстанский съезд библиотекарей", key="congress-2018",
                   kind="congress", level="republican")
    almaty = d.m("LOCATION", "г.Алматы", "Алматы")
    d.r("WORKS_AS", shah, post)
    d.r("WORKPLACE", shah, lib)
    d.r("PARTICIPANT_IN", shah, dk, role="delegate")
    d.r("TAKES_PLACE_IN", dk, barnaul)
    d.r("POINT_IN_TIME", dk, date)
    d.r("WORKS_AS", zh, post2)
    d.r("WORKPLACE", zh, unit)
    d.r("PART_OF", unit, lib)
    d.r("PARTICIPANT_IN", zh, congress, role="speaker")
    d.r("TAKES_PLACE_IN", congress, almaty)
    return d.extraction("2018/pavlodar-dk.txt", sha256="ab" * 32, date="2018-11-01",
                        title="День повышения квалификации",
                        source="Павлодарская областная библиотека им. С. Торайгырова",
                        url="https://example.org/news/1")


def almaty_report() -> Extraction:
    """Report B: the same congress, dated, with a venue, an organiser and a participant."""
    d = Doc("В сентябре 2018 года в НБ РК г.Алматы состоялся Всеказахстанский съезд "
            "библиотекарей. Съезд организовал Казахстанский библиотечный союз (КБС). "
            "В работе съезда приняла участие М.Гончарова.")
    date = d.m("DATE", "В сентябре 2018 года", "сентябрь 2018 года", value="2018-09")
    nb = d.m("ORGANIZATION", "НБ РК", "НБ РК", key="nb-rk")
    rk = d.m("LOCATION", "РК", "РК", key="Казахстан", within=nb)
    almaty = d.m("LOCATION", "г.Алматы", "Алматы")
    congress = d.m("EVENT", "Всеказахстанский съезд библиотекарей",
                   "Всеказахстанский съезд библиотекарей", key="congress-2018",
                   kind="congress")
    kbs = d.m("ORGANIZATION", "Казахстанский библиотечный союз",
              "Казахстанский библиотечный союз", key="kbs")
    kbs2 = d.m("ORGANIZATION", "КБС", "КБС", key="kbs")
    gon = d.m("PERSON", "М.Гончарова", "Гончарова М.", gender="female")
    d.r("POINT_IN_TIME", congress, date)
    d.r("TAKES_PLACE_IN", congress, nb)
    d.r("TAKES_PLACE_IN", congress, almaty)
    d.r("LOCATED_IN", nb, almaty)
    d.r("LOCATED_IN", nb, rk)
    d.r("ORGANIZES", kbs, congress)
    d.r("ALTERNATIVE_NAME", kbs2, kbs)
    d.r("PARTICIPANT_IN", gon, congress)
    return d.extraction("2018/almaty-congress.txt", date="2018-09", format="html")


# --------------------------------------------------------------------------- queries


def parse_header(text: str) -> dict:
    """The `# title:`, `# description:` and `# param:` lines of a query file."""
    head = {"params": {}}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if m := re.match(r"#\s*(title|description):\s*(.+)", line):
            head[m[1]] = m[2].strip()
        elif m := re.match(r"#\s*param:\s*(\w+)\s+(iri|string|date|integer)\s+"
                           r"(optional|required)\s+--\s+(.+)", line):
            head["params"][m[1]] = {"type": m[2], "required": m[3] == "required",
                                    "description": m[4]}
    return head


def run(store: Store, query: str, /, **params) -> list[dict]:
    """Run queries/QUERY.rq with params bound by substitution; rows as {var: value}."""
    text = (QUERIES / f"{query}.rq").read_text(encoding="utf-8")
    head = parse_header(text)
    subs = {}
    for key, value in params.items():
        ptype = head["params"][key]["type"]  # KeyError: an undeclared parameter
        term = {"iri": lambda v: NamedNode(v),
                "string": lambda v: Literal(v),
                "date": lambda v: Literal(v, datatype=NamedNode(XSD + "date"))
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else Literal(v),
                "integer": lambda v: Literal(str(v), datatype=NamedNode(XSD + "integer")),
                }[ptype](value)
        subs[Variable(key)] = term
    for key, spec in head["params"].items():
        if spec["required"]:
            assert key in params, f"{query}: parameter {key} is required"
    solutions = store.query(text, use_default_graph_as_union=True, substitutions=subs)
    names = [v.value for v in solutions.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in solutions]


class _Bare:
    """A bare pyoxigraph Store as kgraph.store.consolidate sees a store."""

    def __init__(self, store: Store):
        self.store = store

    def _select(self, sparql):
        return self.store.query(sparql)

    def _update(self, sparql):
        self.store.update(sparql)


def summarise(s: Store, **options) -> dict:
    """Write the summary graph the ready questions read (kgraph ingest does it after
    each run, with the labels graph; here the labels graph is left as the test made
    it, so that names fall back to the reports' labels when it has none)."""
    from kgraph.store import consolidate

    return consolidate(_Bare(s), labels=False, **options)


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    s.extend(rdf.report_quads(pavlodar_report(), run_iri=vocab.run_iri("r1")))
    s.extend(rdf.report_quads(almaty_report(), run_iri=vocab.run_iri("r1")))
    summarise(s)
    return s


@pytest.fixture(scope="module")
def store_with_ontology(store) -> Store:
    s = Store()
    s.extend(store.quads_for_pattern(None, None, None, None))
    s.extend(rdf.ontology_quads())
    return s


def objects(quads, s, p) -> list:
    s = NamedNode(s) if isinstance(s, str) else s
    p = NamedNode(p) if isinstance(p, str) else p
    return [q.object for q in quads if q.subject == s and q.predicate == p]


def values(quads, s, p) -> set[str]:
    return {o.value for o in objects(quads, s, p)}


RDF_TYPE = vocab.PREFIXES["rdf"] + "type"
RDFS_LABEL = vocab.PREFIXES["rdfs"] + "label"
SKOS = vocab.PREFIXES["skos"]
SCHEMA = vocab.PREFIXES["schema"]


# --------------------------------------------------------------------------- rdf.py


def test_graph_and_report_node():
    ex = pavlodar_report()
    quads = rdf.report_quads(ex, run_iri=vocab.run_iri("r1"))
    graph = vocab.report_iri(ex.report.id)
    assert {q.graph_name.value for q in quads} == {graph}
    assert len(quads) == len(set(quads)), "no duplicate quads"
    assert values(quads, graph, RDF_TYPE) == {KG + "Report"}
    dcterms = vocab.PREFIXES["dcterms"]
    assert values(quads, graph, dcterms + "identifier") == {"2018/pavlodar-dk.txt"}
    (date,) = objects(quads, graph, dcterms + "date")
    assert (date.value, date.datatype.value) == ("2018-11-01", XSD + "date")
    (title,) = objects(quads, graph, dcterms + "title")
    assert (title.value, title.language) == ("День повышения квалификации", "ru")
    assert objects(quads, graph, SCHEMA + "url") == [NamedNode("https://example.org/news/1")]
    assert values(quads, graph, KG + "sha256") == {"ab" * 32}
    assert values(quads, graph, KG + "sourcePath") == {"corpus/2018/pavlodar-dk.txt"}
    assert values(quads, graph, dcterms + "format") == {"txt"}
    assert values(quads, graph, KG + "text") == {ex.report.text}
    assert objects(quads, graph, vocab.PREFIXES["prov"] + "wasGeneratedBy") == [
        NamedNode(vocab.run_iri("r1"))]
    # without a run, no provenance link; a year-month date is a gYearMonth
    quads = rdf.report_quads(almaty_report())
    graph = vocab.report_iri("2018/almaty-congress.txt")
    assert objects(quads, graph, vocab.PREFIXES["prov"] + "wasGeneratedBy") == []
    (date,) = objects(quads, graph, dcterms + "date")
    assert date.datatype.value == XSD + "gYearMonth"


@pytest.mark.parametrize("value,datatype,lexical", [
    ("2018-11-01", "date", "2018-11-01"), ("2018-11", "gYearMonth", "2018-11"),
    ("2018", "gYear", "2018"), ("XXXX-11-20", "gMonthDay", "--11-20"),
    ("XXXX-11", "gMonth", "--11"), ("2023-SP", None, None), ("196X", None, None),
    ("2018-13-01", None, None), ("", None, None),
])
def test_date_literal(value, datatype, lexical):
    lit = rdf.date_literal(value)
    if datatype is None:
        assert lit is None
    else:
        assert (lit.value, lit.datatype.value) == (lexical, XSD + datatype)


def test_report_date_and_url_fallbacks():
    ex = Extraction(Report(path="a.txt", id="a", text="x", date="осень 2018",
                           url="not a url"))
    quads = rdf.report_quads(ex)
    graph = vocab.report_iri("a")
    (date,) = objects(quads, graph, vocab.PREFIXES["dcterms"] + "date")
    assert date.value == "осень 2018" and date.datatype.value == XSD + "string"
    assert objects(quads, graph, SCHEMA + "url") == [Literal("not a url")]
    (year,) = objects(rdf.report_quads(Extraction(Report("b", "b", "x", date="2018"))),
                      vocab.report_iri("b"), vocab.PREFIXES["dcterms"] + "date")
    assert year.datatype.value == XSD + "gYear"


def test_mentions():
    ex = pavlodar_report()
    quads = rdf.report_quads(ex)
    graph = vocab.report_iri(ex.report.id)
    nodes = {q.subject.value for q in quads
             if q.predicate.value == RDF_TYPE and q.object.value == KG + "Mention"}
    assert nodes == {vocab.mention_iri(ex.report.id, m.id) for m in ex.mentions}
    shah = next(m for m in ex.mentions if m.text == "Ш.Шахметова")
    node = vocab.mention_iri(ex.report.id, shah.id)
    assert objects(quads, node, KG + "inReport") == [NamedNode(graph)]
    assert objects(quads, node, KG + "denotes") == [NamedNode(shah.iri)]
    assert objects(quads, node, KG + "start") == [
        Literal(str(shah.start), datatype=NamedNode(XSD + "integer"))]
    assert values(quads, node, KG + "end") == {str(shah.end)}
    assert objects(quads, node, KG + "surface") == [Literal("Ш.Шахметова", language="ru")]
    assert objects(quads, node, KG + "normal") == [Literal("Шахметова Ш.", language="ru")]
    assert values(quads, node, KG + "mentionType") == {"PERSON"}
    assert values(quads, node, KG + "sentence") == {SENTENCE}
    assert values(quads, node, KG + "sentenceStart") == {str(ex.report.text.index(SENTENCE))}


def test_unresolved_mentions_are_left_out():
    ex = pavlodar_report()
    dk = next(m for m in ex.mentions if m.attrs.get("kind") == "festival")
    dk.iri = None
    quads = rdf.report_quads(ex)
    assert vocab.mention_iri(ex.report.id, dk.id) not in {q.subject.value for q in quads}
    assert not any(q.predicate.value == KG + "participantIn" and "shakhmetova" in q.subject.value
                   for q in quads)
    assert not any(q.subject.value.endswith("#R3") for q in quads)  # its statement too
    assert any(q.subject.value.endswith("#R6") for q in quads)  # the others stay


def test_entities():
    ex = pavlodar_report()
    quads = rdf.report_quads(ex)
    by_text = {m.text: m for m in ex.mentions}
    shah = by_text["Ш.Шахметова"].iri
    assert values(quads, shah, RDF_TYPE) == {KG + "Person"}
    assert objects(quads, shah, RDFS_LABEL) == [Literal("Шахметова Ш.", language="ru")]
    assert objects(quads, shah, SKOS + "altLabel") == [Literal("Ш.Шахметова", language="ru")]
    assert values(quads, shah, KG + "gender") == {"female"}
    assert values(quads, shah, KG + "familyName") == {"Шахметова"}
    assert values(quads, shah, KG + "initials") == {"Ш."}
    lib = by_text["библиотеки"].iri
    assert values(quads, lib, RDF_TYPE) == {KG + "Organization"}
    assert values(quads, lib, KG + "canonicalLabel") == {
        "Павлодарская областная универсальная научная библиотека им. С. Торайгырова"}
    assert values(quads, lib, vocab.PREFIXES["owl"] + "sameAs") == {
        "http://www.wikidata.org/entity/Q4380452"}
    unit = by_text["отдела развития библиотек и методической работы"].iri
    assert values(quads, unit, RDF_TYPE) == {KG + "Organization", KG + "OrganizationalUnit"}
    dk = by_text["Днях культуры Павлодарской области"].iri
    assert values(quads, dk, RDF_TYPE) == {KG + "Event", KG + "Festival"}
    congress = by_text["Всеказахстанском съезде библиотекарей"].iri
    assert values(quads, congress, RDF_TYPE) == {KG + "Event", KG + "Congress"}
    assert values(quads, congress, KG + "level") == {"republican"}
    assert values(quads, by_text["г.Барнаул"].iri, RDF_TYPE) == {KG + "Place"}
    post = by_text["Руководитель библиотеки"].iri
    assert values(quads, post, RDF_TYPE) == {KG + "Post"}
    date = by_text["1 ноября 2018 года"].iri
    assert values(quads, date, RDF_TYPE) == {KG + "Date"}
    assert values(quads, date, KG + "isoValue") == {"2018-11-01"}
    # no altLabel when the text is the normal form
    assert objects(quads, date, SKOS + "altLabel") == []


def test_event_attributes_and_kinds():
    d = Doc("VII Международная конференция «Библиотеки и их роль» прошла 5–6 апреля 2024 г.")
    ev = d.m("EVENT", "VII Международная конференция «Библиотеки и их роль»", kind="Conference",
             ordinal="VII", level="international", title="«Библиотеки и их роль»")
    date = d.m("DATE", "5–6 апреля 2024 г.", value="2024-04-05/2024-04-06")
    d.r("POINT_IN_TIME", ev, date)
    quads = rdf.report_quads(d.extraction("r"))
    assert values(quads, ev.iri, RDF_TYPE) == {KG + "Event", KG + "Conference"}
    assert objects(quads, ev.iri, KG + "ordinal") == [
        Literal("7", datatype=NamedNode(XSD + "integer"))]
    assert values(quads, ev.iri, KG + "level") == {"international"}
    assert values(quads, ev.iri, KG + "title") == {"«Библиотеки и их роль»"}
    assert objects(quads, ev.iri, SCHEMA + "startDate") == [
        Literal("2024-04-05", datatype=NamedNode(XSD + "date"))]
    assert objects(quads, ev.iri, SCHEMA + "endDate") == [
        Literal("2024-04-06", datatype=NamedNode(XSD + "date"))]
    assert values(quads, date.iri, KG + "isoValue") == {"2024-04-05/2024-04-06"}
    assert rdf.event_class("round-table") == rdf.EVENT_KINDS["round_table"]
    assert rdf.event_class("Book fair") == rdf.EVENT_KINDS["book_fair"]
    assert rdf.event_class("something else") is None
    assert [rdf.ordinal_int(v) for v in ("VII", "XXVIII", 3, "3-й", "IV-й", "x y", "Международная")] == [
        7, 28, 3, 3, 4, None, None]


def test_relations_and_statements():
    ex = pavlodar_report()
    quads = rdf.report_quads(ex)
    rid = ex.report.id
    for index, r in enumerate(ex.relations, start=1):
        head, tail = ex.mention(r.head), ex.mention(r.tail)
        prop = rdf.RELATION_PROPERTY[r.type]
        assert Quad(NamedNode(head.iri), prop, NamedNode(tail.iri),
                    NamedNode(vocab.report_iri(rid))) in quads
        st = vocab.mention_iri(rid, f"R{index}")
        assert values(quads, st, RDF_TYPE) == {KG + "Statement"}
        assert objects(quads, st, vocab.PREFIXES["rdf"] + "subject") == [NamedNode(head.iri)]
        assert objects(quads, st, vocab.PREFIXES["rdf"] + "predicate") == [prop]
        assert objects(quads, st, vocab.PREFIXES["rdf"] + "object") == [NamedNode(tail.iri)]
        assert values(quads, st, KG + "relationType") == {r.type}
        assert values(quads, st, KG + "evidence") == {
            vocab.mention_iri(rid, head.id), vocab.mention_iri(rid, tail.id)}
        roles = values(quads, st, KG + "role")
        assert roles == ({KG + "role-" + r.role} if r.role else set())
    # POINT_IN_TIME gives the event a typed start date
    dk = next(m for m in ex.mentions if m.attrs.get("kind") == "festival")
    assert objects(quads, dk.iri, SCHEMA + "startDate") == [
        Literal("2018-11-01", datatype=NamedNode(XSD + "date"))]


def test_roles():
    assert rdf.role_iri("speaker").value == KG + "role-speaker"
    assert rdf.role_iri("head_of_delegation").value == KG + "role-head-of-delegation"
    assert rdf.role_iri("organizer").value == KG + "role-organiser"
    assert rdf.role_iri("whatever").value == KG + "role-participant"
    assert rdf.role_iri(None).value == KG + "role-participant"


def test_alternative_name():
    ex = almaty_report()
    quads = rdf.report_quads(ex)
    kbs = next(m for m in ex.mentions if m.text == "Казахстанский библиотечный союз")
    index = next(i for i, r in enumerate(ex.relations, 1) if r.type == "ALTERNATIVE_NAME")
    assert Literal("КБС", language="ru") in objects(quads, kbs.iri, SKOS + "altLabel")
    st = vocab.mention_iri(ex.report.id, f"R{index}")
    assert objects(quads, st, vocab.PREFIXES["rdf"] + "subject") == [NamedNode(kbs.iri)]
    assert objects(quads, st, vocab.PREFIXES["rdf"] + "predicate") == [
        NamedNode(SKOS + "altLabel")]
    assert objects(quads, st, vocab.PREFIXES["rdf"] + "object") == [Literal("КБС", language="ru")]
    assert values(quads, st, KG + "relationType") == {"ALTERNATIVE_NAME"}
    # the short name is not a label of the entity, only an altLabel
    assert objects(quads, kbs.iri, RDFS_LABEL) == [
        Literal("Казахстанский библиотечный союз", language="ru")]
    # no entity-to-entity triple for it
    assert not [q for q in quads if q.subject.value == kbs.iri and q.object.value == kbs.iri]


def test_post_in_prefers_the_unit():
    d = Doc("Заведующая отделом краеведения Омской областной библиотеки И.Петрова.")
    post = d.m("PROFESSION", "Заведующая отделом краеведения Омской областной библиотеки",
               "заведующая отделом краеведения Омской областной библиотеки")
    unit = d.m("ORGANIZATION", "отделом краеведения", "отдел краеведения",
               key="omsk kraeved", kind="unit")
    lib = d.m("ORGANIZATION", "Омской областной библиотеки", "Омская областная библиотека")
    person = d.m("PERSON", "И.Петрова", "Петрова И.")
    other = d.m("ORGANIZATION", "Омской", key="not a workplace", within=lib)
    d.r("WORKS_AS", person, post)
    d.r("WORKPLACE", person, unit)
    d.r("WORKPLACE", person, lib)
    d.r("PART_OF", unit, lib)
    quads = rdf.report_quads(d.extraction("r"))
    assert values(quads, person.iri, KG + "holdsPost") == {post.iri}
    assert values(quads, post.iri, KG + "postIn") == {unit.iri}
    assert other.iri not in values(quads, post.iri, KG + "postIn")
    # without PART_OF, both organisations in the phrase
    d.relations = [r for r in d.relations if r.type != "PART_OF"]
    quads = rdf.report_quads(d.extraction("r"))
    assert values(quads, post.iri, KG + "postIn") == {unit.iri, lib.iri}
    # no WORKPLACE, no postIn
    d.relations = [r for r in d.relations if r.type == "WORKS_AS"]
    assert values(rdf.report_quads(d.extraction("r")), post.iri, KG + "postIn") == set()


def test_output_is_deterministic():
    assert rdf.report_quads(pavlodar_report()) == rdf.report_quads(pavlodar_report())


def test_ontology_quads():
    quads = rdf.ontology_quads()
    assert quads and {q.graph_name for q in quads} == {rdf.GRAPH_ONTOLOGY}


# --------------------------------------------------------------------------- queries

QUERY_NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))


def test_expected_queries_exist():
    assert {"attendance", "events", "people", "report", "organisers"} <= set(QUERY_NAMES)


@pytest.mark.parametrize("query", QUERY_NAMES)
def test_query_headers_and_runs(store, query):
    text = (QUERIES / f"{query}.rq").read_text(encoding="utf-8")
    head = parse_header(text)
    assert head.get("title") and head.get("description")
    # every declared param is a projected variable, and every "# param:" line parses
    assert len(head["params"]) == len(re.findall(r"^#\s*param:", text, re.M))
    select = re.search(r"^SELECT (.*)$", text, re.M).group(1)
    for name in head["params"]:
        assert f"?{name}" in select.split(), f"{query}: ?{name} must be projected"
    required = {k: vocab.report_iri("2018/pavlodar-dk.txt")
                for k, spec in head["params"].items() if spec["required"]}
    rows = run(store, query, **required)
    assert rows, f"{query} gives no rows"
    assert rows == run(store, query, **required), "rows are ordered deterministically"


PAVLODAR = vocab.report_iri("2018/pavlodar-dk.txt")
ALMATY = vocab.report_iri("2018/almaty-congress.txt")
PERSON = vocab.ID + "person/"
EVENT = vocab.ID + "event/"


def test_attendance(store):
    rows = run(store, "attendance")
    assert list(rows[0]) == ["person", "person_name", "event", "event_name", "event_type",
                             "role", "date", "place", "report", "name"]
    got = [(r["person_name"], r["event_name"], r["event_type"], r["role"], r["date"],
            r["place"], r["report"]) for r in rows]
    assert got == [
        ("Гончарова М.", "Всеказахстанский съезд библиотекарей", KG + "Congress",
         "participant", "2018-09", "Алматы", ALMATY),
        ("Жилкибекова А.", "Всеказахстанский съезд библиотекарей", KG + "Congress",
         "speaker", "2018-09", "Алматы", PAVLODAR),
        ("Шахметова Ш.", "Дни культуры Павлодарской области", KG + "Festival",
         "delegate", "2018-11-01", "Барнаул", PAVLODAR),
    ]
    assert rows[2]["person"] == PERSON + "shakhmetova-sh"
    assert rows[2]["event"] == EVENT + "dni-kultury-2018"


def test_attendance_params(store, store_with_ontology):
    def people(**params):
        return [(r["person_name"], r["event_type"])
                for r in run(store, "attendance", **params)]
    assert people(name="ШАХМЕТ") == [("Шахметова Ш.", KG + "Festival")]
    assert people(name="Ш.Шахметова") == [("Шахметова Ш.", KG + "Festival")]  # an altLabel
    assert people(name="nobody") == []
    assert people(event_type=KG + "Congress") == [
        ("Гончарова М.", KG + "Congress"), ("Жилкибекова А.", KG + "Congress")]
    assert people(event_type=KG + "Congress", name="жилк") == [
        ("Жилкибекова А.", KG + "Congress")]
    assert people(event_type=KG + "Seminar") == []
    assert len(people(event_type=KG + "Event")) == 3
    # superclasses through the ontology: only when it is loaded
    assert people(event_type=SCHEMA + "Festival") == []
    rows = run(store_with_ontology, "attendance", event_type=SCHEMA + "Festival")
    assert [r["person_name"] for r in rows] == ["Шахметова Ш."]
    rows = run(store_with_ontology, "attendance", event_type=SCHEMA + "Event")
    assert len(rows) == 3


def test_congress_is_attendance_at_congresses(store):
    assert run(store, "congress") == run(store, "attendance", event_type=KG + "Congress")
    assert run(store, "congress", name="гонч") == run(
        store, "attendance", event_type=KG + "Congress", name="гонч")


def test_events(store):
    rows = run(store, "events")
    got = [(r["event_name"], r["event_type"], r["date"], r["place"], r["participants"],
            r["reports"]) for r in rows]
    assert got == [
        ("Всеказахстанский съезд библиотекарей", KG + "Congress", "2018-09", "Алматы", "2", "2"),
        ("Дни культуры Павлодарской области", KG + "Festival", "2018-11-01", "Барнаул", "1", "1"),
    ]


@pytest.mark.parametrize("params,expected", [
    ({}, ["congress-2018", "dni-kultury-2018"]),
    ({"event_type": KG + "Festival"}, ["dni-kultury-2018"]),
    ({"place": "барнаул"}, ["dni-kultury-2018"]),
    ({"place": "НБ"}, ["congress-2018"]),        # the venue
    ({"place": "РК"}, ["congress-2018"]),        # the venue is located in РК
    ({"place": "Омск"}, []),
    ({"from": "2018-10-01"}, ["dni-kultury-2018"]),
    ({"from": "2018-09-15"}, ["congress-2018", "dni-kultury-2018"]),  # 2018-09 overlaps
    ({"from": "2018"}, ["congress-2018", "dni-kultury-2018"]),
    ({"from": "2018-11-02"}, []),
    ({"to": "2018-09-30"}, ["congress-2018"]),
    ({"to": "2018-08-31"}, []),
    ({"from": "2018-09-01", "to": "2018-10-31"}, ["congress-2018"]),
    ({"to": "2018-12-31", "place": "алматы", "event_type": KG + "Congress"}, ["congress-2018"]),
])
def test_events_params(store, params, expected):
    rows = run(store, "events", **params)
    assert [r["event"].removeprefix(EVENT) for r in rows] == expected
    for r in rows:
        for key, value in params.items():
            assert r[key] == value  # a given parameter is echoed in its column


def test_people(store):
    rows = {r["person_name"]: r for r in run(store, "people")}
    assert list(rows) == ["Гончарова М.", "Жилкибекова А.", "Шахметова Ш."]
    zh = rows["Жилкибекова А."]
    assert zh["posts"] == "руководитель отдела развития библиотек и методической работы"
    assert zh["units"] == "отдел развития библиотек и методической работы"
    assert zh["organisations"] == "библиотека"  # the unit's parent
    assert (zh["gender"], zh["reports"]) == ("female", "1")
    shah = rows["Шахметова Ш."]
    assert (shah["posts"], shah["units"], shah["organisations"]) == (
        "руководитель библиотеки", None, "библиотека")
    assert rows["Гончарова М."]["posts"] is None
    assert [r["person_name"] for r in run(store, "people", name="шахм")] == ["Шахметова Ш."]
    assert run(store, "people", name="zzz") == []


def test_report(store):
    ex = almaty_report()
    rows = run(store, "report", report=ALMATY)
    assert [(int(r["start"]), int(r["end"]), r["type"], r["normal"], r["surface"], r["entity"])
            for r in rows] == [(m.start, m.end, m.type, m.normal, m.text, m.iri)
                               for m in sorted(ex.mentions, key=lambda m: (m.start, -m.end))]
    assert {r["report"] for r in rows} == {ALMATY}
    assert rows[1]["surface"] == "НБ РК" and rows[2]["surface"] == "РК"  # outer first
    assert len(run(store, "report", report=PAVLODAR)) == len(pavlodar_report().mentions)
    assert run(store, "report", report=vocab.report_iri("missing")) == []
    with pytest.raises(AssertionError, match="required"):
        run(store, "report")


def test_organisers(store):
    rows = run(store, "organisers")
    assert [(r["organiser_name"], r["organiser_type"], r["event_name"], r["event_type"],
             r["date"], r["report"]) for r in rows] == [
        ("Казахстанский библиотечный союз", KG + "Organization",
         "Всеказахстанский съезд библиотекарей", KG + "Congress", "2018-09", ALMATY)]
    assert len(run(store, "organisers", name="кбс")) == 1  # an alternative name
    assert run(store, "organisers", name="омск") == []
    assert len(run(store, "organisers", event_type=KG + "Congress")) == 1
    assert run(store, "organisers", event_type=KG + "Exhibition") == []


def test_pref_label_wins(store):
    s = Store()
    s.extend(store.quads_for_pattern(None, None, None, None))
    labels = NamedNode(vocab.ID + "graph/labels")
    s.add(Quad(NamedNode(PERSON + "shakhmetova-sh"), NamedNode(SKOS + "prefLabel"),
               Literal("Шахметова Шара", language="ru"), labels))
    summarise(s, full=True)  # a labels graph changed by hand: no report changed
    rows = run(s, "attendance", name="шахм")
    assert [r["person_name"] for r in rows] == ["Шахметова Шара"]
    assert [r["person_name"] for r in run(s, "people", name="шара")] == ["Шахметова Шара"]


# --------------------------------------------------------------------------- integration


def test_queries_through_the_graph_store(tmp_path):
    """The same queries through kgraph.store/kgraph.query (written elsewhere): the
    ontology graph loaded, the labels graph computed, parameters given as strings."""
    store_mod = pytest.importorskip("kgraph.store")
    query_mod = pytest.importorskip("kgraph.query")
    queries = query_mod.load_queries(QUERIES)
    assert set(queries) == set(QUERY_NAMES)
    for name, q in queries.items():
        mine = parse_header(q.sparql)["params"]
        assert [(p.name, p.type, p.required) for p in q.params] == [
            (k, v["type"], v["required"]) for k, v in mine.items()], name
    gs = store_mod.GraphStore(str(tmp_path / "store"), write=True)
    try:
        for ex in (pavlodar_report(), almaty_report()):
            gs.replace_report(vocab.report_iri(ex.report.id), rdf.report_quads(ex))
        gs.load_ontology(rdf.ONTOLOGY_PATH)
        gs.refresh_labels()

        def rows(query, /, **params):
            result = query_mod.run(gs, queries[query], params)
            return [{k: (v.value if v is not None else None) for k, v in r.items()}
                    for r in result.rows]

        att = rows("attendance")
        assert [(r["person_name"], r["role"], r["date"], r["place"]) for r in att] == [
            ("Гончарова М.", "participant", "2018-09", "Алматы"),
            ("Жилкибекова А.", "speaker", "2018-09", "Алматы"),
            ("Шахметова Ш.", "delegate", "2018-11-01", "Барнаул")]
        assert [r["person_name"] for r in rows("attendance", event_type="schema:Festival")] == [
            "Шахметова Ш."]
        assert [r["person_name"] for r in rows("congress", name="жилк")] == ["Жилкибекова А."]
        assert [r["event"].removeprefix(EVENT) for r in rows("events", **{"from": "2018-10-01"})
                ] == ["dni-kultury-2018"]
        # the labels graph: the canonical label wins over the mention's normal form
        people = {r["person_name"]: r for r in rows("people")}
        assert people["Шахметова Ш."]["organisations"] == (
            "Павлодарская областная универсальная научная библиотека им. С. Торайгырова")
        assert [r["organiser_name"] for r in rows("organisers")] == [
            "Казахстанский библиотечный союз"]
        assert len(rows("report", report=ALMATY)) == len(almaty_report().mentions)
    finally:
        gs.close()


def test_dates_without_a_year():
    d = Doc("5 апреля состоялся областной семинар «Новые технологии».")
    date = d.m("DATE", "5 апреля", value="XXXX-04-05")
    ev = d.m("EVENT", "областной семинар «Новые технологии»", kind="seminar")
    d.r("POINT_IN_TIME", ev, date)
    s = Store()
    s.extend(rdf.report_quads(d.extraction("undated")))
    summarise(s)
    assert objects(s.quads_for_pattern(NamedNode(ev.iri), None, None), ev.iri,
                   SCHEMA + "startDate") == [
        Literal("--04-05", datatype=NamedNode(XSD + "gMonthDay"))]
    (row,) = run(s, "events")
    assert row["date"] == "XXXX-04-05"  # the ISO value, not the startDate literal
    assert run(s, "events", to="2030-01-01") == []  # no year: left out by date filters
    assert run(s, "events", **{"from": "1900-01-01"}) == []


# --------------------------------------------------------------------------- the summary graph

SUMMARY = vocab.ID + "graph/summary"
LABELS = vocab.ID + "graph/labels"


def almaty_report_changed() -> Extraction:
    """Report B re-ingested after a correction: Гончарова spoke, the congress met at
    the academy (no longer at НБ РК), and the union is named by its abbreviation only."""
    d = Doc("В сентябре 2018 года в г.Алматы состоялся Всеказахстанский съезд "
            "библиотекарей. Съезд организовал КБС. На съезде выступила М.Гончарова.")
    date = d.m("DATE", "В сентябре 2018 года", "сентябрь 2018 года", value="2018-09")
    almaty = d.m("LOCATION", "г.Алматы", "Алматы")
    congress = d.m("EVENT", "Всеказахстанский съезд библиотекарей",
                   "Всеказахстанский съезд библиотекарей", key="congress-2018",
                   kind="congress")
    kbs = d.m("ORGANIZATION", "КБС", "КБС", key="kbs")
    gon = d.m("PERSON", "М.Гончарова", "Гончарова М.", gender="female")
    d.r("POINT_IN_TIME", congress, date)
    d.r("TAKES_PLACE_IN", congress, almaty)
    d.r("ORGANIZES", kbs, congress)
    d.r("PARTICIPANT_IN", gon, congress, role="speaker")
    return d.extraction("2018/almaty-congress.txt", date="2018-09", format="html")


def semey_report() -> Extraction:
    """Report C: a seminar in Semey (in the Abai region), moderated by Шахметова (also in
    report A, whose post there gets a longer name here) and organised by her library."""
    d = Doc("В марте 2019 года в г.Семей, область Абай, прошел областной семинар "
            "«Чтение». Модератор — руководитель Павлодарской областной библиотеки "
            "Шахметова Шара. Семинар организовала библиотека.")
    date = d.m("DATE", "В марте 2019 года", "март 2019 года", value="2019-03")
    semey = d.m("LOCATION", "г.Семей", "Семей")
    abai = d.m("LOCATION", "область Абай", "область Абай")
    seminar = d.m("EVENT", "областной семинар «Чтение»", key="seminar-2019", kind="seminar")
    post = d.m("PROFESSION", "руководитель Павлодарской областной библиотеки",
               key="руководитель библиотеки шахметова")
    shah = d.m("PERSON", "Шахметова Шара", "Шахметова Ш.", gender="female")
    lib = d.m("ORGANIZATION", "библиотека", key="ПОУНБ")
    d.r("POINT_IN_TIME", seminar, date)
    d.r("TAKES_PLACE_IN", seminar, semey)
    d.r("LOCATED_IN", semey, abai)
    d.r("WORKS_AS", shah, post)
    d.r("PARTICIPANT_IN", shah, seminar, role="moderator")
    d.r("ORGANIZES", lib, seminar)
    return d.extraction("2019/semey-seminar.txt", sha256="cd" * 32, date="2019-03")


def graph_set(gs, graph: str) -> set:
    """The graph's quads; the summary's per-report entity lists (bookkeeping, in no
    particular order) as sorted lists."""
    out = set()
    for q in gs._store.quads_for_pattern(None, None, None, NamedNode(graph)):
        if q.predicate.value == "https://w3id.org/kgraph/summary#entities":
            q = Quad(q.subject, q.predicate, Literal(" ".join(sorted(q.object.value.split()))),
                     q.graph_name)
        out.add(q)
    return out


def answers(gs) -> dict:
    """Every ready question's rows (with typical parameters too), as plain values."""
    from kgraph.query import load_queries, run as run_query

    out = {}
    cases = {"attendance": [{}, {"name": "шахм"}, {"event_type": "kg:Congress"}],
             "congress": [{}, {"name": "гонч"}], "events": [{}, {"place": "абай"}],
             "organisers": [{}, {"name": "кбс"}], "people": [{}, {"name": "шахм"}],
             "report": [{"report": ALMATY}]}
    for name, q in load_queries(QUERIES).items():
        for params in cases.get(name, [{}]):
            result = run_query(gs, q, params)
            out[name, tuple(sorted(params.items()))] = [
                {k: (v.value if v is not None else None) for k, v in r.items()}
                for r in result.rows]
    return out


def run_query_rows(gs, name, **params) -> list[dict]:
    from kgraph.query import load_queries, run as run_query

    result = run_query(gs, load_queries(QUERIES)[name], params)
    return [{k: (v.value if v is not None else None) for k, v in r.items()} for r in result.rows]


def consolidated_like_from_scratch(gs) -> dict:
    """After an incremental consolidation: the summary and labels graphs and every
    answer equal those of a consolidation from scratch."""
    summary, labels, before = graph_set(gs, SUMMARY), graph_set(gs, LABELS), answers(gs)
    assert gs.consolidate(full=True)["mode"] == "full"
    assert graph_set(gs, LABELS) == labels
    assert graph_set(gs, SUMMARY) == summary
    assert answers(gs) == before
    return before


def write(gs, ex: Extraction) -> None:
    gs.replace_report(vocab.report_iri(ex.report.id), rdf.report_quads(ex))


def test_summary_follows_new_changed_and_removed_reports(tmp_path):
    from kgraph.store import GraphStore

    SEMEY = vocab.report_iri("2019/semey-seminar.txt")
    gs = GraphStore(str(tmp_path / "store"), write=True)
    try:
        write(gs, pavlodar_report())
        write(gs, almaty_report())
        first = gs.consolidate()
        assert (first["mode"], first["reports"]) == ("full", 2)  # no summary yet
        # the first summary is mostly bulk-loaded: the same as an update writes
        assert first["bulk_loaded"] > 50
        assert gs.summary_is_current()
        consolidated_like_from_scratch(gs)
        assert gs.consolidate()["reports"] == 0  # nothing changed: nothing to do

        # a new report: its rows, and what it changes for entities of other reports
        write(gs, semey_report())
        done = gs.consolidate()
        assert (done["mode"], done["reports"], done["removed"]) == ("incremental", 1, 0)
        now = consolidated_like_from_scratch(gs)
        shah = [r for r in now["attendance", ()] if r["person"] == PERSON + "shakhmetova-sh"]
        assert [(r["event_name"], r["role"], r["place"]) for r in shah] == [
            ("Дни культуры Павлодарской области", "delegate", "Барнаул"),
            ("областной семинар «Чтение»", "moderator", "Семей")]
        assert [r["event"] for r in now["events", (("place", "абай"),)]] == [
            EVENT + "seminar-2019"]  # Семей is in область Абай
        people = {r["person"]: r for r in now["people", ()]}
        assert people[PERSON + "shakhmetova-sh"]["reports"] == "2"
        # the post's label in report C is longer: the post's name changed for report A's
        # holder too, although report A was not touched
        assert people[PERSON + "shakhmetova-sh"]["posts"] == (
            "руководитель Павлодарской областной библиотеки")

        # a changed report (no kg:sha256: found by the hash of its graph): the stale
        # facts go, the new ones come
        write(gs, almaty_report_changed())
        done = gs.consolidate()
        assert (done["mode"], done["reports"]) == ("incremental", 1)
        now = consolidated_like_from_scratch(gs)
        gon = [r for r in now["attendance", ()] if r["person"] == PERSON + "goncharova-m"]
        assert [(r["role"], r["place"], r["report"]) for r in gon] == [
            ("speaker", "Алматы", ALMATY)]
        assert [r["organiser_name"] for r in now["organisers", ()]] == [
            "КБС",  # the union's only name now
            "Павлодарская областная универсальная научная библиотека им. С. Торайгырова"]
        assert now["events", (("place", "абай"),)]
        congress = next(r for r in now["events", ()] if r["event"] == EVENT + "congress-2018")
        assert congress["place"] == "Алматы"
        assert not any(quad.object == NamedNode(vocab.ID + "org/nb-rk")
                       for quad in graph_set(gs, SUMMARY)), "the old venue is gone"

        # a removed report (kgraph ingest --prune): its rows and its entities go
        gs.remove_report(PAVLODAR)
        done = gs.consolidate()
        assert (done["mode"], done["removed"]) == ("incremental", 1)
        now = consolidated_like_from_scratch(gs)
        assert {r["person"] for r in now["people", ()]} == {
            PERSON + "goncharova-m", PERSON + "shakhmetova-sh"}
        assert [r["event_name"] for r in now["attendance", (("name", "шахм"),)]] == [
            "областной семинар «Чтение»"]
        assert now["people", (("name", "шахм"),)][0]["reports"] == "1"
        assert not any(quad.subject == NamedNode(PERSON + "zhilkibekova-a")
                       for quad in graph_set(gs, SUMMARY) | graph_set(gs, LABELS))

        # and back
        write(gs, pavlodar_report())
        assert gs.consolidate()["reports"] == 1
        consolidated_like_from_scratch(gs)

        # a report that only says where a place is: the events there (in reports that
        # did not change) are now found by the name of the region
        d = Doc("Барнаул находится в Алтайском крае.")
        d.r("LOCATED_IN", d.m("LOCATION", "Барнаул"), d.m("LOCATION", "Алтайском крае",
                                                           "Алтайский край"))
        write(gs, d.extraction("2020/altai.txt"))
        done = gs.consolidate()
        assert (done["reports"], done["dependent_events"]) == (1, 1)  # the one in Barnaul
        now = consolidated_like_from_scratch(gs)
        assert [r["event"] for r in now["events", (("place", "абай"),)]] == [
            EVENT + "seminar-2019"]
        found = run_query_rows(gs, "events", place="алтайский")
        assert [r["event"] for r in found] == [EVENT + "dni-kultury-2018"]
        assert gs.consolidate(changed=[SEMEY])["reports"] == 1  # redone on request
        consolidated_like_from_scratch(gs)
    finally:
        gs.close()


def test_summary_ranks_follow_the_names_order():
    """The questions sort on integer ranks; these follow ORDER BY LCASE(STR(name)), IRI."""
    d = Doc("Ёлкина Е., абай А., Абай Б., Иванова И. и Zeta Z. приняли участие в форуме.")
    forum = d.m("EVENT", "форуме", "форум", key="forum", kind="forum")
    names = [("Ёлкина Е.", "e"), ("абай А.", "a1"), ("Абай Б.", "a2"), ("Иванова И.", "i"),
             ("Zeta Z.", "z")]
    for text, key in names:
        d.r("PARTICIPANT_IN", d.m("PERSON", text, key=key), forum)
    s = Store()
    s.extend(rdf.report_quads(d.extraction("forum.txt")))
    summarise(s)
    got = [r["person_name"] for r in run(s, "attendance")]
    assert got == ["Zeta Z.", "абай А.", "Абай Б.", "Иванова И.", "Ёлкина Е."]
    assert got == [r["person_name"] for r in run(s, "people")]
    old_order = [r["n"] for r in (dict(n=sol["n"].value) for sol in s.query(
        "SELECT ?n WHERE { GRAPH ?g { ?p a <%sPerson> ; <%s> ?n } } ORDER BY LCASE(STR(?n)) ?p"
        % (KG, RDFS_LABEL)))]
    assert got == old_order
