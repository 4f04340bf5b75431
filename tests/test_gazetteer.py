"""The packaged gazetteer: data validity, name normalisation, lookups, ambiguity, IRIs."""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import pytest

from kgraph import gazetteer as gz_mod
from kgraph.gazetteer import Entry, Gazetteer, load, name_key, validate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(gz_mod.data_text())


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load()


# ---------------------------------------------------------------- the file


def test_packaged_file_validates(data):
    assert validate(data) == []


def test_required_fields_and_types(data):
    for e in data["entries"]:
        for f in ("key", "type", "kind", "name", "names", "parent", "wikidata"):
            assert f in e, (e.get("key"), f)
        assert e["type"] in ("LOCATION", "ORGANIZATION"), e["key"]
        assert e["kind"] in gz_mod.KINDS[e["type"]], e["key"]
        assert isinstance(e["names"], list) and e["name"].strip(), e["key"]


def test_keys_unique_and_slug_stable(data):
    keys = [e["key"] for e in data["entries"]]
    assert len(keys) == len(set(keys))
    from kgraph import vocab

    for k in keys:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k), k
        assert vocab.slug(k) == k


def test_parents_exist_and_chains_are_acyclic(data):
    by_key = {e["key"]: e for e in data["entries"]}
    for e in data["entries"]:
        seen, p = {e["key"]}, e["parent"]
        while p is not None:
            assert p in by_key, (e["key"], p)
            assert p not in seen, f"cycle at {e['key']}"
            seen.add(p)
            p = by_key[p]["parent"]


def test_wikidata_ids_are_qids_or_null(data):
    qids = [e["wikidata"] for e in data["entries"] if e["wikidata"] is not None]
    assert all(re.fullmatch(r"Q[1-9]\d*", q) for q in qids)
    assert len(qids) == len(set(qids)), "two entries share a QID"
    assert data["_meta"]["wikidata"]["verified_from"], "the file must say how QIDs were verified"


def test_no_plain_alias_names_two_entries_of_a_type(data):
    owners: dict[tuple[str, str], set[str]] = {}
    for e in data["entries"]:
        ctx = {name_key(n) for n in e.get("context_names", [])}
        for n in [e["name"], *e["names"]]:
            k = name_key(n)
            if k not in ctx:
                owners.setdefault((e["type"], k), set()).add(e["key"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_history_names_are_names(data):
    for e in data["entries"]:
        forms = {name_key(n) for n in [e["name"], *e["names"]]}
        for h in e.get("history", []):
            assert name_key(h["name"]) in forms, (e["key"], h)


def test_scope_is_covered(gaz):
    expected = [
        # Kazakhstan: all regions and cities of republican significance
        "astana", "almaty", "shymkent", "abai-oblast", "akmola-oblast", "aktobe-oblast", "almaty-oblast",
        "atyrau-oblast", "east-kazakhstan-oblast", "west-kazakhstan-oblast", "zhambyl-oblast", "zhetisu-oblast",
        "karaganda-oblast", "kostanay-oblast", "kyzylorda-oblast", "mangystau-oblast", "pavlodar-oblast",
        "north-kazakhstan-oblast", "turkistan-oblast", "ulytau-oblast",
        # Pavlodar region
        "pavlodar", "ekibastuz", "aksu", "irtyshsk", "bayanaul", "zhelezinka", "uspenka", "sharbakty", "terenkol",
        "irtysh-raion", "pavlodar-raion",
        # Russian neighbours and the rest
        "omsk-oblast", "altai-krai", "novosibirsk-oblast", "kurgan-oblast", "orenburg-oblast", "chelyabinsk-oblast",
        "tyumen-oblast", "saratov-oblast", "samara-oblast", "volgograd-oblast", "astrakhan-oblast", "altai-republic",
        "omsk", "barnaul", "novosibirsk", "kurgan", "orenburg", "chelyabinsk", "tyumen", "saratov", "samara",
        "volgograd", "astrakhan", "gorno-altaysk", "moscow", "saint-petersburg", "kazan", "izhevsk", "bishkek",
        "tashkent", "minsk", "semey", "ust-kamenogorsk", "petropavlovsk",
        # geography
        "pavlodar-priirtyshye", "west-siberia", "siberia", "central-asia", "irtysh-river",
        # organisations
        "nab-rk", "nb-rk", "pavlodar-ounb", "omsk-gonb", "altai-akunb", "vko-ounb", "abai-ounb", "sko-ounb",
        "karaganda-ounb", "kostanay-ounb", "akmola-ounb", "kbs", "rba", "gpntb-so-ran", "rnb", "rgb",
        # countries
        "kazakhstan", "russia", "kyrgyzstan", "uzbekistan", "belarus", "china", "turkey", "australia",
    ]
    missing = [k for k in expected if k not in gaz]
    assert missing == []


def test_regional_centres_point_at_their_regions(gaz):
    assert gaz["semey"].parent == "abai-oblast"
    assert gaz["ust-kamenogorsk"].parent == "east-kazakhstan-oblast"
    assert gaz["petropavlovsk"].parent == "north-kazakhstan-oblast"
    assert gaz["taldykorgan"].parent == "zhetisu-oblast"
    assert gaz["zhezkazgan"].parent == "ulytau-oblast"
    assert gaz["astana"].parent == "kazakhstan"  # city of republican significance


# ---------------------------------------------------------------- name_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("Павлодар", "ПАВЛОДАР"),
        ("г.Павлодар", "Павлодар"),
        ("г. Павлодар", "Павлодар"),
        ("город Павлодар", "Павлодар"),
        ("с.Иртышск", "Иртышск"),
        ("село Иртышск", "Иртышск"),
        ("пос. Иртышск", "Иртышск"),
        ("Павлодар қаласы", "Павлодар"),
        ("«Пушкинка»", "Пушкинка"),
        ("\"Пушкинка\"", "Пушкинка"),
        ("Ёлки", "Елки"),
        ("область Жетiсу", "область Жетісу"),  # Latin i
        ("Бiр ел – бiр кiтап", "Бір ел - бір кітап"),
        ("Өскемен", "Оскемен"),  # Kazakh letters folded
        ("Тереңкөл", "Теренкол"),
        ("им.С.Торайгырова", "имени С. Торайгырова"),
        ("ОГОНБ им. А.С.Пушкина", "ОГОНБ имени А. С. Пушкина"),
        ("Алма–Ата", "Алма-Ата"),
        ("Алма - Ата", "Алма-Ата"),
        ("Павлодарская обл.", "Павлодарская область"),
        ("детская библиотека № 3", "детская библиотека №3"),
        ("  Павлодар  ", "Павлодар"),
        ("КГУ «Павлодарская областная библиотека»", "Павлодарская областная библиотека"),
    ],
)
def test_name_key_equates(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Омск", "Томск"),
        ("городская библиотека", "библиотека"),  # «город» only as a whole word
        ("Eurasian Book Fair", "Еурасиан Воок Фаир"),  # pure Latin words stay Latin
    ],
)
def test_name_key_keeps_apart(a, b):
    assert name_key(a) != name_key(b)


def test_name_key_of_empty():
    assert name_key("") == "" and name_key("  «» ") == ""


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "key, forms",
    [
        ("astana", ["Астана", "Нур-Султан", "Нұр-Сұлтан", "Акмола", "Целиноград", "Акмолинск", "г.Астана",
                    "г. Нур-Султан"]),
        ("almaty", ["Алматы", "Алма-Ата", "г.Алматы", "Алма–Ата"]),
        ("semey", ["Семей", "Семипалатинск", "г. Семей"]),
        ("ust-kamenogorsk", ["Усть-Каменогорск", "Өскемен", "Оскемен"]),
        ("pavlodar", ["Павлодар", "г. Павлодар", "Павлодар қаласы"]),
        ("ekibastuz", ["Экибастуз", "Екібастұз", "г.Экибастуз"]),
        ("barnaul", ["Барнаул", "г.Барнаул"]),
        ("omsk", ["Омск", "г. Омск", "Омбы"]),
        ("aksu", ["Аксу", "Ақсу", "Ермак"]),
        ("irtyshsk", ["Иртышск", "с. Иртышск", "с.Иртышск"]),
        ("terenkol", ["Теренколь", "Тереңкөл", "Качиры", "село Тереңкөл"]),
        ("saint-petersburg", ["Санкт-Петербург", "Ленинград", "Петроград"]),
        ("kazakhstan", ["Казахстан", "Республика Казахстан", "РК", "Қазақстан"]),
        ("russia", ["Россия", "Российская Федерация", "РФ"]),
        ("kyrgyzstan", ["Кыргызстан", "Кыргызская Республика", "Киргизия"]),
        ("belarus", ["Беларусь", "Республика Беларусь", "Белоруссия"]),
        ("abai-oblast", ["область Абай", "Абайская область", "Абай облысы"]),
        ("zhetisu-oblast", ["область Жетісу", "область Жетысу", "Жетысуская область", "область Жетiсу"]),
        ("ulytau-oblast", ["область Ұлытау", "Улытауская область", "Ұлытау облысы"]),
        ("east-kazakhstan-oblast", ["Восточно-Казахстанская область", "ВКО", "Шығыс Қазақстан облысы"]),
        ("north-kazakhstan-oblast", ["Северо-Казахстанская область", "СКО"]),
        ("turkistan-oblast", ["Туркестанская область", "Южно-Казахстанская область"]),
        ("pavlodar-oblast", ["Павлодарская область", "Павлодарская обл.", "Павлодар облысы"]),
        ("irtysh-raion", ["Иртышский район", "Ертіс ауданы"]),
        ("pavlodar-priirtyshye", ["Павлодарское Прииртышье"]),
        ("west-siberia", ["Западная Сибирь"]),
        ("irtysh-river", ["Иртыш", "река Иртыш"]),
    ],
)
def test_location_forms_resolve_to_one_entry(gaz, key, forms):
    for f in forms:
        e = gaz.lookup(f, "LOCATION")
        assert e is not None and e.key == key, (f, e and e.key)
        assert gaz.lookup(f) is e  # unique across types too


@pytest.mark.parametrize(
    "key, forms",
    [
        ("nab-rk", ["НАБ", "НАБ РК", "Национальная академическая библиотека Республики Казахстан",
                    "Национальная академическая библиотека РК"]),
        ("nb-rk", ["НБ РК", "Национальная библиотека Республики Казахстан"]),
        ("pavlodar-ounb", ["ПОУНБ", "ПОУНБ им. С. Торайгырова", "ПОУНБ им.С.Торайгырова",
                           "Павлодарская ОУНБ", "Павлодарская ОУНБ им. С. Торайгырова",
                           "Павлодарская областная универсальная научная библиотека им. С. Торайгырова",
                           "Павлодарская областная универсальная научная библиотека имени С.Торайгырова",
                           "областная библиотека им. С. Торайгырова", "областная библиотека им.С.Торайгырова",
                           "Павлодарская областная библиотека им. С. Торайгырова"]),
        ("omsk-gonb", ["ОГОНБ им. А.С. Пушкина", "Омская ГОНБ им. А.С. Пушкина", "Омская ГОНБ им. А.С.Пушкина",
                       "Омская государственная областная научная библиотека им. А.С. Пушкина",
                       "Омская государственная областная научная библиотека имени А.С. Пушкина",
                       "БУК «Омская государственная областная научная библиотека имени А.С. Пушкина»"]),
        ("altai-akunb", ["АКУНБ", "АКУНБ им. В.Я. Шишкова",
                         "Алтайская краевая универсальная научная библиотека им. В.Я. Шишкова",
                         "Алтайская краевая универсальная научная библиотека им. В. Я. Шишкова"]),
        ("vko-ounb", ["ВКОУНБ", "ВКОУНБ им. А.С. Пушкина"]),
        ("abai-ounb", ["Абайская ОУНБ им. Абая", "Абайская областная универсальная научная библиотека им. Абая"]),
        ("sko-ounb", ["Северо-Казахстанская ОУНБ им. С. Муканова"]),
        ("karaganda-ounb", ["Карагандинская ОУНБ им. Н.В. Гоголя"]),
        ("kbs", ["КБС", "Казахстанский библиотечный союз"]),
        ("rba", ["РБА", "Российская библиотечная ассоциация"]),
        ("gpntb-so-ran", ["ГПНТБ СО РАН"]),
        ("rnb", ["РНБ", "Российская национальная библиотека"]),
        ("rgb", ["РГБ", "Российская государственная библиотека"]),
    ],
)
def test_organisation_forms_resolve_to_one_entry(gaz, key, forms):
    for f in forms:
        e = gaz.lookup(f, "ORGANIZATION")
        assert e is not None and e.key == key, (f, e and e.key)


def test_every_plain_name_finds_its_entry(gaz):
    for e in gaz:
        ctx = {name_key(n) for n in e.context_names}
        for n in (e.name, *e.names):
            if name_key(n) not in ctx:
                assert gaz.lookup(n, e.type) is e, (e.key, n)


def test_type_filter(gaz):
    assert gaz.lookup("Павлодар", "ORGANIZATION") is None
    assert gaz.lookup("НАБ", "LOCATION") is None
    assert gaz.lookup("нет такого места") is None
    assert gaz.lookup("") is None


@pytest.mark.parametrize("form", ["Пушкинка", "«Пушкинка»", "Пушкинская библиотека", "Ертіс", "Успенка",
                                  "Гоголевка", "Жетісу"])
def test_ambiguous_aliases_return_none_without_context(gaz, form):
    assert gaz.lookup(form) is None
    assert gaz.lookup(form, "ORGANIZATION") is None
    assert gaz.lookup(form, "LOCATION") is None


def test_pushkinka_resolved_by_context(gaz):
    assert {e.key for e in gaz.candidates("«Пушкинка»")} == {"omsk-gonb", "vko-ounb"}
    assert gaz.lookup("«Пушкинка»", "ORGANIZATION", context="omsk-oblast").key == "omsk-gonb"
    assert gaz.lookup("Пушкинка", context=["omsk"]).key == "omsk-gonb"
    assert gaz.lookup("Пушкинка", context="east-kazakhstan-oblast").key == "vko-ounb"
    assert gaz.lookup("Пушкинка", context=gaz["ust-kamenogorsk"]).key == "vko-ounb"
    # a shared country is not enough, nor is an unknown context
    assert gaz.lookup("Пушкинка", context="pavlodar") is None
    assert gaz.lookup("Пушкинка", context="kazakhstan") is None
    assert gaz.lookup("Пушкинка", context="no-such-key") is None
    # both candidates in context: still ambiguous
    assert gaz.lookup("Пушкинка", context=["omsk", "ust-kamenogorsk"]) is None


def test_other_context_names(gaz):
    assert gaz.lookup("Ертіс", "LOCATION", context="pavlodar-oblast").key == "irtyshsk"
    assert gaz.lookup("Успенка", context="pavlodar").key == "uspenka"
    assert gaz.lookup("Успенка", context="omsk-oblast") is None
    assert gaz.lookup("Гоголевка", context="karaganda").key == "karaganda-ounb"
    assert gaz.lookup("Жетісу", context="taldykorgan").key == "zhetisu-oblast"
    assert "пушкинка" in gaz.ambiguous_names()


# ---------------------------------------------------------------- hierarchy, IRIs


def test_ancestors(gaz):
    assert [e.key for e in gaz.ancestors("pavlodar-ounb")] == ["pavlodar", "pavlodar-oblast", "kazakhstan"]
    assert [e.key for e in gaz.ancestors("irtyshsk")] == ["irtysh-raion", "pavlodar-oblast", "kazakhstan"]
    assert [e.key for e in gaz.ancestors("altai-akunb")] == ["barnaul", "altai-krai", "russia"]
    assert gaz.ancestors("kazakhstan") == []
    assert gaz.ancestors("no-such-key") == []
    assert "pavlodar" in {e.key for e in gaz.children("pavlodar-oblast")}


def test_iri(gaz):
    assert gaz.iri(gaz["astana"]) == "https://w3id.org/kgraph/id/place/astana"
    assert gaz.iri("nab-rk") == "https://w3id.org/kgraph/id/org/nab-rk"
    assert gaz.iri(gaz.lookup("Нур-Султан")) == gaz.iri(gaz.lookup("Целиноград"))
    assert Gazetteer.wikidata_iri(gaz["astana"]) == "http://www.wikidata.org/entity/Q1520"
    assert Gazetteer.wikidata_iri(gaz["irtyshsk"]) is None


def test_known_qids(gaz):
    # read off Wikidata-derived sources (see _meta.wikidata); guards against accidental edits
    assert gaz["astana"].wikidata == "Q1520"
    assert gaz["almaty"].wikidata == "Q35493"
    assert gaz["kazakhstan"].wikidata == "Q232"
    assert gaz["russia"].wikidata == "Q159"
    assert gaz["pavlodar-oblast"].wikidata == "Q486144"
    assert gaz["omsk-oblast"].wikidata == "Q5835"
    assert gaz["altai-krai"].wikidata == "Q5942"


def test_history_years(gaz):
    former = {h.name: (h.start, h.end) for h in gaz["astana"].history}
    assert former["Целиноград"] == (1961, 1992)
    assert former["Нур-Султан"] == (2019, 2022)


def test_load_is_cached(gaz):
    assert load() is gaz
    assert isinstance(next(iter(gaz)), Entry)


# ---------------------------------------------------------------- the validator itself


def _broken(data, mutate):
    d = copy.deepcopy(data)
    mutate(d["entries"])
    return validate(d)


def test_validator_catches_errors(data):
    by_key = lambda es, k: next(e for e in es if e["key"] == k)  # noqa: E731
    assert _broken(data, lambda es: es.append(copy.deepcopy(es[0])))  # duplicate key
    assert _broken(data, lambda es: by_key(es, "pavlodar").update(parent="nowhere"))
    assert _broken(data, lambda es: by_key(es, "kazakhstan").update(parent="pavlodar"))  # cycle
    assert _broken(data, lambda es: by_key(es, "omsk").update(wikidata="4985"))
    assert _broken(data, lambda es: by_key(es, "omsk").update(type="PLACE"))
    assert _broken(data, lambda es: by_key(es, "omsk").update(kind="library"))
    assert _broken(data, lambda es: by_key(es, "omsk").pop("names"))
    assert _broken(data, lambda es: by_key(es, "omsk").update(key="Omsk City"))
    # an alias of two entries of one type must be a context name
    assert _broken(data, lambda es: by_key(es, "barnaul")["names"].append("г. Омск"))
    assert _broken(data, lambda es: by_key(es, "nb-rk")["names"].append("«Пушкинка»"))
    # ... but the same form for two different types is fine
    assert not _broken(data, lambda es: by_key(es, "nab-rk")["names"].append("Барнаул"))
    with pytest.raises(ValueError):
        d = copy.deepcopy(data)
        d["entries"][1]["parent"] = "nowhere"
        Gazetteer.from_dict(d)


# ---------------------------------------------------------------- agreement with the gold ids


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_gold_normals_never_resolve_to_another_gold_id(gaz):
    """Where a gold id's slug is a gazetteer key, lookups of its normals give that key (or nothing)."""
    checked = 0
    for path in SHARED.glob("gold/*/ids.tsv"):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["type"] not in ("LOCATION", "ORGANIZATION"):
                    continue
                slug = row["id"].split(":", 1)[1]
                for normal in row["normals"].split(" | "):
                    e = gaz.lookup(normal, row["type"])
                    if e is not None:
                        assert e.key == slug, (row["id"], normal, e.key)
                        checked += 1
    if checked == 0:
        pytest.skip("no gold ids.tsv found")
