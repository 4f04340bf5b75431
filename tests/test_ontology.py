"""ontologies/kgraph.ttl: parses, documents every term, declares every term the data uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, Store
from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from kgraph import rdf, vocab
from kgraph.model import RELATION_TYPES, Extraction, Mention, Relation, Report

ROOT = Path(__file__).resolve().parents[1]
TTL = ROOT / "ontologies" / "kgraph.ttl"
KG = vocab.KG
ONTOLOGY_IRI = URIRef("https://w3id.org/kgraph/ontology")
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)

# the terms the brief fixes (the data uses exactly these)
CLASSES = """Person Organization OrganizationalUnit Place Event Congress Conference Seminar
Training Webinar RoundTable Forum Exhibition BookFair Campaign Festival Contest Meeting
ProfessionalDevelopmentDay Lecture MasterClass Presentation Excursion Concert Section Post
Date Report Mention Statement IngestRun Role""".split()
OBJECT_PROPERTIES = """participantIn organizerOf takesPlaceIn date holdsPost worksAt partOf
locatedIn postIn inReport denotes evidence role""".split()
DATATYPE_PROPERTIES = """start end surface normal mentionType sentence sentenceStart isoValue
ordinal level title relationType sha256 sourcePath text canonicalLabel gender familyName
givenName patronymic initials kgraphVersion countNew countChanged countUnchanged
countRemoved countFailed resolvedBy""".split()
ROLES = """participant speaker delegate organiser exhibitor moderator jury guest
head-of-delegation""".split()


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(TTL, format="turtle")


def kg_terms(g: rdflib.Graph, kind) -> set[str]:
    return {str(s) for s in g.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(KG)}


def declared(g: rdflib.Graph) -> set[str]:
    terms = set()
    for kind in TERM_KINDS:
        terms |= kg_terms(g, kind)
    terms |= {str(c) for c in g.subjects(SKOS.inScheme, URIRef(KG + "Roles"))}
    return terms


# --------------------------------------------------------------------------- a rich report

TEXT = (
    "В сентябре в НБ РК г.Алматы состоялся Всеказахстанский съезд библиотекарей. "
    "Съезд организовал Казахстанский библиотечный союз (КБС). "
    "Руководитель отдела развития библиотек и методической работы областной библиотеки "
    "им.С.Торайгырова А.Жилкибекова выступила с докладом на секции съезда "
    "«Библиотеки будущего». "
    "Модератором VII Международной научно-практической конференции «Библиотеки и их роль» "
    "стала Канушина Людмила Сергеевна."
)


def rich_extraction() -> Extraction:
    mentions: list[Mention] = []

    def m(type_, surface, normal=None, key=None, after=0, **attrs):
        start = TEXT.index(surface, after)
        mention = Mention(f"T{len(mentions) + 1}", type_, start, start + len(surface), surface,
                          normal or surface, vocab.entity_iri(type_, key or normal or surface),
                          attrs)
        mentions.append(mention)
        return mention

    date = m("DATE", "В сентябре", "сентябрь", key="2018-09", value="2018-09")
    nb = m("ORGANIZATION", "НБ РК", key="nb-rk", kind="library", wikidata="Q4380451")
    rk = m("LOCATION", "РК", after=nb.start, key="kazakhstan", canonical="Казахстан")
    almaty = m("LOCATION", "г.Алматы", "Алматы")
    congress = m("EVENT", "Всеказахстанский съезд библиотекарей", kind="congress",
                 level="republican")
    kbs = m("ORGANIZATION", "Казахстанский библиотечный союз", key="kbs")
    kbs2 = m("ORGANIZATION", "КБС", key="kbs")
    post = m("PROFESSION", "Руководитель отдела развития библиотек и методической работы "
             "областной библиотеки им.С.Торайгырова", "руководитель отдела развития библиотек "
             "и методической работы областной библиотеки им. С. Торайгырова")
    unit = m("ORGANIZATION", "отдела развития библиотек и методической работы",
             "отдел развития библиотек и методической работы", key="pounb-ordbmr", kind="unit")
    lib = m("ORGANIZATION", "областной библиотеки им.С.Торайгырова",
            "областная библиотека им. С. Торайгырова", key="pounb")
    eponym = m("PERSON", "С.Торайгырова", "Торайгыров С.", after=lib.start, gender="male",
               surname="Торайгыров", initials="С.")
    zh = m("PERSON", "А.Жилкибекова", "Жилкибекова А.", gender="female")
    section = m("EVENT", "секции съезда «Библиотеки будущего»", kind="section",
                title="«Библиотеки будущего»")
    conf = m("EVENT", "VII Международной научно-практической конференции «Библиотеки и их роль»",
             "VII Международная научно-практическая конференция «Библиотеки и их роль»",
             kind="conference", ordinal="VII", level="international",
             title="«Библиотеки и их роль»")
    kan = m("PERSON", "Канушина Людмила Сергеевна", gender="female", surname="Канушина",
            first="Людмила", middle="Сергеевна")
    rels = [
        Relation("POINT_IN_TIME", congress.id, date.id),
        Relation("TAKES_PLACE_IN", congress.id, nb.id),
        Relation("TAKES_PLACE_IN", congress.id, almaty.id),
        Relation("LOCATED_IN", nb.id, rk.id),
        Relation("LOCATED_IN", almaty.id, rk.id),
        Relation("ORGANIZES", kbs.id, congress.id, role="organiser"),
        Relation("ALTERNATIVE_NAME", kbs2.id, kbs.id),
        Relation("WORKS_AS", zh.id, post.id),
        Relation("WORKPLACE", zh.id, unit.id),
        Relation("WORKPLACE", zh.id, lib.id),
        Relation("PART_OF", unit.id, lib.id),
        Relation("PARTICIPANT_IN", zh.id, section.id, role="speaker"),
        Relation("PARTICIPANT_IN", zh.id, congress.id, role="speaker"),
        Relation("PARTICIPANT_IN", kan.id, conf.id, role="moderator"),
        Relation("PARTICIPANT_IN", lib.id, congress.id, role="delegation"),  # unknown role
    ]
    for role in ROLES:
        rels.append(Relation("PARTICIPANT_IN", kan.id, conf.id, role=role))
    assert eponym.start >= lib.start and eponym.end <= lib.end  # nested mentions
    mentions.sort(key=lambda x: (x.start, -x.end))
    return Extraction(Report(path="corpus/rich.txt", id="rich.txt", text=TEXT, sha256="0" * 64,
                             title="Съезд", date="2018-09-30", source="НАБ",
                             url="https://example.org/rich"),
                      mentions, rels, [(0, len(TEXT))])


# --------------------------------------------------------------------------- tests


def test_parses_with_rdflib_and_loads_into_oxigraph(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    store = Store()
    store.load(path=str(TTL), format=RdfFormat.TURTLE,
               to_graph=rdf.GRAPH_ONTOLOGY)
    assert len(store) == len(onto)
    assert str(rdf.GRAPH_ONTOLOGY.value) == str(ONTOLOGY_IRI)


def test_ontology_header(onto):
    labels = {(lit.language, str(lit)) for lit in onto.objects(ONTOLOGY_IRI, RDFS.label)}
    assert {lang for lang, _ in labels} == {"en", "ru"}
    assert list(onto.objects(ONTOLOGY_IRI, RDFS.comment))


def test_the_fixed_terms_are_declared(onto):
    assert kg_terms(onto, OWL.Class) >= {KG + c for c in CLASSES}
    assert kg_terms(onto, OWL.ObjectProperty) == {KG + p for p in OBJECT_PROPERTIES}
    assert kg_terms(onto, OWL.DatatypeProperty) == {KG + p for p in DATATYPE_PROPERTIES}
    concepts = {str(c) for c in onto.subjects(SKOS.inScheme, URIRef(KG + "Roles"))}
    assert concepts == {KG + "role-" + r for r in ROLES}
    assert (URIRef(KG + "Roles"), RDF.type, SKOS.ConceptScheme) in onto


def test_every_term_has_labels_and_comment(onto):
    terms = set()
    for kind in TERM_KINDS:
        terms |= kg_terms(onto, kind)
    assert terms
    for term in sorted(terms):
        t = URIRef(term)
        langs = {lit.language for lit in onto.objects(t, RDFS.label)}
        assert {"ru", "en"} <= langs, f"{term}: rdfs:label @ru and @en"
        comments = {lit.language for lit in onto.objects(t, RDFS.comment)}
        assert "en" in comments, f"{term}: rdfs:comment @en"


def test_roles_have_labels(onto):
    for concept in onto.subjects(SKOS.inScheme, URIRef(KG + "Roles")):
        langs = {lit.language for lit in onto.objects(concept, SKOS.prefLabel)}
        assert langs == {"ru", "en"}, concept
        assert (concept, RDF.type, URIRef(KG + "Role")) in onto
        assert (concept, RDF.type, SKOS.Concept) in onto
        assert list(onto.objects(concept, SKOS.definition))
    assert {rdf.role_iri(r).value for r in rdf.ROLES} == {KG + "role-" + r for r in ROLES}


def test_classes_are_aligned_to_standards(onto):
    """Every class reaches a term outside kg: by subClassOf (through kg: classes)."""
    for cls in kg_terms(onto, OWL.Class):
        seen, todo, external = set(), [URIRef(cls)], False
        while todo and not external:
            c = todo.pop()
            for sup in list(onto.objects(c, RDFS.subClassOf)) + list(
                    onto.objects(c, SKOS.closeMatch)):
                if isinstance(sup, URIRef) and not str(sup).startswith(KG):
                    external = True
                elif sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        assert external, f"{cls} is not aligned to a standard term"


def test_relation_properties_are_aligned(onto):
    for rel, prop in rdf.RELATION_PROPERTY.items():
        if rel == "ALTERNATIVE_NAME":
            assert prop.value == str(SKOS.altLabel)
            continue
        p = URIRef(prop.value)
        aligned = (list(onto.objects(p, RDFS.subPropertyOf)) + list(onto.objects(p, OWL.inverseOf))
                   + list(onto.objects(p, SKOS.closeMatch)))
        assert aligned, f"{prop.value} ({rel}) is not aligned"


def test_maps_use_declared_terms(onto):
    terms = declared(onto)
    assert set(rdf.ENTITY_CLASS) == set(vocab.KIND)
    assert set(rdf.RELATION_PROPERTY) == set(RELATION_TYPES)
    for node in [*rdf.ENTITY_CLASS.values(), *rdf.EVENT_KINDS.values(),
                 *rdf.RELATION_PROPERTY.values()]:
        if node.value.startswith(KG):
            assert node.value in terms, node.value
    assert {KG + c for c in CLASSES if c not in ("Report", "Mention", "Statement", "IngestRun",
                                                  "Role", "OrganizationalUnit")} <= {
        n.value for n in [*rdf.ENTITY_CLASS.values(), *rdf.EVENT_KINDS.values()]}


def test_every_term_the_data_uses_is_declared(onto):
    ex = rich_extraction()
    assert {m.type for m in ex.mentions} == set(vocab.KIND)
    assert {r.type for r in ex.relations} == set(RELATION_TYPES)
    quads = rdf.report_quads(ex, run_iri=vocab.run_iri("test"))
    terms = declared(onto)
    used = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, NamedNode) and term.value.startswith(KG):
                used.add(term.value)
    undeclared = used - terms
    assert not undeclared, f"used but not declared: {sorted(undeclared)}"
    # all the roles were used, the unknown one as participant
    assert {KG + "role-" + r for r in ROLES} <= used
    # object properties link resources, datatype properties give literals
    objprops = kg_terms(onto, OWL.ObjectProperty)
    dataprops = kg_terms(onto, OWL.DatatypeProperty)
    for q in quads:
        p = q.predicate.value
        if p in objprops:
            assert isinstance(q.object, NamedNode), q
        elif p in dataprops:
            assert isinstance(q.object, Literal), q
    # rdf:type objects in kg: are classes
    classes = kg_terms(onto, OWL.Class)
    for q in quads:
        if q.predicate.value == str(RDF.type) and q.object.value.startswith(KG):
            assert q.object.value in classes


def test_domains_and_ranges_hold_on_the_data(onto):
    """Check rdfs:domain/rdfs:range (named kg: classes only) against the data's types."""
    quads = rdf.report_quads(rich_extraction())
    types: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate.value == str(RDF.type):
            types.setdefault(q.subject.value, set()).add(q.object.value)

    def classes_of(node: str) -> set[str]:
        out = set()
        for t in types.get(node, ()):
            out |= {str(c) for c in onto.transitive_objects(URIRef(t), RDFS.subClassOf)}
        return out

    def allowed(expr) -> set[str]:
        members = list(onto.items(onto.value(expr, OWL.unionOf))) if onto.value(
            expr, OWL.unionOf) else [expr]
        return {str(c) for c in members}

    for q in quads:
        p = URIRef(q.predicate.value)
        if not q.predicate.value.startswith(KG):
            continue
        for dom in onto.objects(p, RDFS.domain):
            assert classes_of(q.subject.value) & allowed(dom), (q, dom)
        for rng in onto.objects(p, RDFS.range):
            if isinstance(q.object, NamedNode) and q.object.value in types:
                assert classes_of(q.object.value) & allowed(rng), (q, rng)

