"""kgraph.evaluate on two tiny hand-written BRAT documents (tests/fixtures/brat)."""

import copy
import json
from pathlib import Path

import pytest

from kgraph.evaluate import format_report, gold_key, load_brat_dir, score

FIXTURES = Path(__file__).parent / "fixtures" / "brat"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def gold():
    return load_brat_dir(FIXTURES / "lib")


def perfect(gold_docs):
    """The gold itself as contract objects: iri from the gold id."""
    preds = []
    for d in gold_docs:
        ents = [{"id": e["id"], "type": e["type"], "start": e["start"], "end": e["end"],
                 "text": e["text"], "normal": e["normal"],
                 "iri": "ex:" + e["cluster"] if e["cluster"] else None} for e in d.entities]
        preds.append({"doc": d.path, "entities": ents, "relations": copy.deepcopy(d.relations)})
    return preds


def ent(pred, text):
    return next(e for e in pred["entities"] if e["text"] == text)


def test_load(gold):
    assert [d.name for d in gold] == ["a_seminar", "b_visit"]
    a = gold[0]
    assert len(a.entities) == 8 and len(a.relations) == 6
    for e in a.entities:
        assert a.text[e["start"]:e["end"]] == e["text"]
    pers = next(e for e in a.entities if e["text"] == "И.П. Петрова")
    assert pers["normal"] == "Петрова И.П." and pers["cluster"] == "per:petrova-ip"
    date = next(e for e in a.entities if e["type"] == "DATE")
    assert date["value"] == "2024-05-05" and date["cluster"] is None


def test_perfect_prediction_scores_one(gold):
    s = score(gold, perfect(gold))
    for mode in ("strict", "lenient"):
        for typ, r in s["entities"][mode].items():
            assert r["f1"] == 1.0, (mode, typ)
    assert all(r["f1"] == 1.0 for r in s["relations"].values())
    assert s["attendance"]["f1"] == 1.0 and s["attendance"]["tp"] == 2
    assert s["normal"]["micro"]["accuracy"] == 1.0
    ident = s["identity"]
    assert ident["pairwise"]["precision"] == 1.0 and ident["pairwise"]["recall"] == 1.0
    assert ident["b3"]["f1"] == 1.0 and ident["person_merges"] == 0
    json.dumps(s)  # serialisable
    assert "PERSON" in format_report(s)


def test_order_independent_by_name(gold):
    preds = perfect(gold)[::-1]
    assert score(gold, preds)["entities"]["strict"]["micro"]["f1"] == 1.0


def test_missing_entity_lowers_recall(gold):
    preds = perfect(gold)
    preds[1]["entities"] = [e for e in preds[1]["entities"] if e["text"] != "Смирнов Олег"]
    preds[1]["relations"] = []
    s = score(gold, preds)
    micro = s["entities"]["strict"]["micro"]
    assert micro["precision"] == 1.0
    assert micro["recall"] == pytest.approx(12 / 13)
    assert s["entities"]["strict"]["PERSON"]["recall"] == pytest.approx(5 / 6)
    assert s["relations"]["WORKS_AS"]["recall"] == pytest.approx(1 / 2)


def test_overlap_counts_in_lenient_not_strict(gold):
    preds = perfect(gold)
    loc = ent(preds[0], "г.Омске")
    loc["start"] += 2  # "Омске": the NEREL convention without "г."
    loc["text"] = "Омске"
    s = score(gold, preds)
    assert s["entities"]["strict"]["LOCATION"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert s["entities"]["lenient"]["LOCATION"]["f1"] == 1.0
    # the relation on it still holds at fact level
    assert s["relations"]["TAKES_PLACE_IN"]["f1"] == 1.0


def test_normal_forms_compare_yo_and_spaces(gold):
    preds = perfect(gold)
    ent(preds[0], "Алёна Смирнова")["normal"] = "Смирнова  Алена"
    ent(preds[1], "Смирнов Олег")["normal"] = "Смирнова Олега"
    s = score(gold, preds)
    assert s["normal"]["PERSON"]["total"] == 6
    assert s["normal"]["PERSON"]["correct"] == 5
    assert s["normal"]["PERSON"]["mismatches"] == [
        {"doc": "b_visit", "text": "Смирнов Олег", "gold": "Смирнов Олег",
         "predicted": "Смирнова Олега"}]


def test_relation_between_overlapping_mentions_is_a_fact_tp(gold):
    preds = perfect(gold)
    p = preds[0]
    # only the relations, re-stated between shorter mentions, once twice
    p["entities"] += [
        {"id": "X1", "type": "EVENT", "start": 0, "end": 7, "text": "Семинар", "normal": "семинар"},
        {"id": "X2", "type": "PERSON", "start": 114, "end": 121, "text": "Петрова", "normal": "Петрова"},
    ]
    p["relations"] = [r for r in p["relations"] if r["type"] != "PARTICIPANT_IN"]
    p["relations"] += [
        {"type": "PARTICIPANT_IN", "head": "X2", "tail": "X1"},
        {"type": "PARTICIPANT_IN", "head": "X2", "tail": "T1"},  # same fact again
        {"type": "PARTICIPANT_IN", "head": "T8", "tail": "X1"},
        {"type": "PARTICIPANT_IN", "head": "T8", "tail": "X1"},  # exact duplicate
    ]
    s = score(gold, preds)
    r = s["relations"]["PARTICIPANT_IN"]
    assert (r["tp"], r["fp"], r["fn"]) == (2, 0, 0)
    assert s["attendance"]["f1"] == 1.0
    # the two extra mentions are entity false positives, not relation errors
    assert s["entities"]["strict"]["micro"]["fp"] == 2


def test_relation_to_unmatched_mention_is_fp(gold):
    preds = perfect(gold)
    preds[1]["entities"].append({"id": "X9", "type": "EVENT", "start": 70, "end": 78,
                                 "text": "Там же б", "normal": ""})
    preds[1]["relations"].append({"type": "PARTICIPANT_IN", "head": "T5", "tail": "X9"})
    s = score(gold, preds)
    assert s["relations"]["PARTICIPANT_IN"]["fp"] == 1
    assert s["attendance"]["precision"] == pytest.approx(2 / 3)


def test_gold_key():
    assert gold_key({"type": "PERSON", "cluster": "per:x", "normal": "X", "text": "X"}) == "per:x"
    prof = {"type": "PROFESSION", "cluster": None, "normal": "Главный  библиотекарь", "text": ""}
    assert gold_key(prof) == "PROFESSION|главный библиотекарь"


def test_identity_split(gold):
    # gold pairs with one id: petrova (a, b), omsk-lib (a, b), pushkin (a, b) -> 3
    preds = perfect(gold)
    ent(preds[1], "Петрова Ирина Петровна")["iri"] = "ex:another-petrova"
    ident = score(gold, preds)["identity"]
    assert ident["pairwise"]["same_gold"] == 3
    assert ident["pairwise"]["precision"] == 1.0
    assert ident["pairwise"]["recall"] == pytest.approx(2 / 3)
    assert ident["person_merges"] == 0
    assert ident["b3"]["precision"] == 1.0 and ident["b3"]["recall"] < 1.0


def test_identity_merge(gold):
    preds = perfect(gold)
    ent(preds[1], "Смирнов Олег")["iri"] = "ex:per:smirnova-a"  # one Smirnov(a) for two people
    ident = score(gold, preds)["identity"]
    assert ident["pairwise"]["same_predicted"] == 4
    assert ident["pairwise"]["precision"] == pytest.approx(3 / 4)
    assert ident["pairwise"]["recall"] == 1.0
    assert ident["person_merges"] == 1
    assert ident["person_merge_examples"][0]["gold_ids"] == ["per:smirnov-o", "per:smirnova-a"]
    # B3 precision: 10 mentions, the two merged ones have precision 1/2
    assert ident["b3"]["precision"] == pytest.approx(9 / 10)


def test_identity_missing_iri_is_singleton(gold):
    preds = perfect(gold)
    for p in preds:
        for e in p["entities"]:
            e["iri"] = None
    ident = score(gold, preds)["identity"]
    assert ident["pairwise"]["precision"] is None  # no pair claimed
    assert ident["pairwise"]["recall"] == 0.0


def test_types_filter(gold):
    preds = perfect(gold)
    for p in preds:
        p["entities"] = [e for e in p["entities"] if e["type"] == "PERSON"]
    s = score(gold, preds, types=["PERSON"])
    assert list(s["entities"]["strict"]) == ["PERSON", "micro"]
    assert s["entities"]["strict"]["micro"]["f1"] == 1.0


def test_nerel_type_mapping():
    (doc,) = load_brat_dir(FIXTURES / "nerel")
    types = sorted((e["text"], e["type"]) for e in doc.entities)
    assert ("Франции", "LOCATION") in types and ("Германии", "LOCATION") in types
    assert ("Берлин", "LOCATION") in types and ("Президент", "PROFESSION") in types
    assert not any(t == "здании рейхстага" or t == "два" for t, _ in types)
    assert [t for t, _ in types].count("Берлин") == 1  # CITY + LOCATION on one span
    assert all(e["normal"] is None and e["cluster"] is None for e in doc.entities)
    event = next(e for e in doc.entities if e["type"] == "EVENT")  # "прибыл ... 3 марта"
    assert doc.text[event["start"]:event["end"]] == event["text"] == "прибыл в Берлин 3 марта"
    assert doc.stats == {"dropped_entities": 2, "duplicate_entities": 1, "discontinuous": 1,
                         "dropped_relations_type": 1, "dropped_relations_signature": 1,
                         "dropped_relations_argument": 1}
    assert sorted(r["type"] for r in doc.relations) == ["TAKES_PLACE_IN", "WORKS_AS"]
    assert len(load_brat_dir(FIXTURES / "nerel", discontinuous="skip")[0].relations) == 1
    s = score([doc], [{"doc": "x", "entities": [], "relations": []}])
    assert s["identity"] is None
    assert s["entities"]["strict"]["micro"]["fn"] == len(doc.entities)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_shared_gold_counts():
    dev = load_brat_dir(SHARED / "gold" / "library-dev")
    assert len(dev) == 20
    assert sum(len(d.entities) for d in dev) == 596
    assert sum(len(d.relations) for d in dev) == 423
    assert all(not d.stats for d in dev)  # nothing dropped from the library gold
    for d in dev:
        for e in d.entities:
            assert d.text[e["start"]:e["end"]] == e["text"]
    nerel = load_brat_dir(SHARED / "nerel" / "dev")
    assert len(nerel) == 94
    ents = [e for d in nerel for e in d.entities]
    assert len(ents) > 1000
    assert {e["type"] for e in ents} == {"PERSON", "ORGANIZATION", "LOCATION", "EVENT",
                                          "DATE", "PROFESSION"}
    assert sum(len(d.relations) for d in nerel) > 0


def test_natasha_baseline_is_contract_shaped():
    from kgraph.baseline import natasha_extract, natasha_full_stack

    text = "Ирина Петрова из Омской областной библиотеки приехала в Павлодар."
    out = natasha_extract(text, "x.txt")
    assert out["doc"] == "x.txt" and out["relations"] == []
    assert {e["type"] for e in out["entities"]} <= {"PERSON", "ORGANIZATION", "LOCATION"}
    assert any(e["type"] == "PERSON" for e in out["entities"])
    for e in out["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["iri"] == "natasha:" + e["normal"]
    assert len(natasha_full_stack([text, text])) == 2
