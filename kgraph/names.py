"""Person names: parts, gender and the nominative normal form (GUIDE §2 PERSON, §3).

Natasha's tags on names are unreliable for this genre (glued initials come out as
"Gen Masc", so `Ш.Шахметова` would become `Ш.Шахметов`), so the case and gender
of a PERSON span are decided here from evidence, strongest first:

1. what the words themselves allow: every part (surname, first name, patronymic)
   lists the (case, gender) readings its ending admits, with the nominative form
   for each (`Шахметова` = nom/fem or gen,acc/masc; `Оспановым` = ins/masc;
   `Маратовны` = gen/fem; `Айгерим` = fem, any case). The readings of all parts
   are intersected, so a patronymic or a known first name fixes the gender;
2. the context: `им.`/`имени` (genitive), a preposition, apposition to a post
   phrase (`руководитель отдела ... А.Жилкибекова`: the post's case, and its
   gender when the post shows one: `заведующая`), a genitive complement of a
   common noun (`произведений С.Торайгырова`), an apposition or participle
   after a comma (`, рассказавшей`), the agreeing past-tense verb (`приняла`,
   `выступил`), then Natasha's own tags as a last resort.

The nominative is then built per part with the chosen reading. Spelling is
kept as written otherwise (Kazakh letters, hyphens, indeclinable names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kgraph.analyse import Analysis, Token, get_analyzer

CASES = ("nom", "gen", "dat", "acc", "ins", "loc")
GENDERS = ("m", "f")
ALL = frozenset((c, g) for c in CASES for g in GENDERS)
OC_CASES = {"nomn": "nom", "gent": "gen", "gen2": "gen", "datv": "dat", "accs": "acc",
            "ablt": "ins", "loct": "loc", "loc2": "loc", "voct": "nom"}
UD_CASES = {"Nom": "nom", "Gen": "gen", "Dat": "dat", "Acc": "acc", "Ins": "ins", "Loc": "loc"}
GENDER_WORD = {"m": "male", "f": "female"}

VOWELS = set("аеёиоуыэюяәөүұіi")
# Latin letters that look Cyrillic (typed by mistake inside Cyrillic names)
LATIN_TO_CYR = str.maketrans("AaBCcEeHKkMOoPpTXxyi", "АаВСсЕеНКкМОоРрТХхуі")

# --------------------------------------------------------------------------
# Word lists

# Common Kazakh (and Central Asian) first names; pymorphy's dictionary either lacks
# them or gives them the wrong gender (`Салтанат`, `Жанар` come out masculine).
FEMALE_NAMES = """
Айгерим Айгуль Айгүл Айжан Айнур Айнура Айдана Аружан Аяжан Акмарал Алма Алия Алтынай
Анар Арайлым Асель Әсел Асем Әсем Ару Балжан Бибигуль Ботагоз Гаухар Галия Гульбану
Гульден Гульжан Гульзира Гульмира Гульнар Гульнара Гульнур Гульсим Гульшат Гулшат
Гүлшат Гүлнар Гүлмира Дамира Дана Динара Дильназ Жанар Жанара Жанаргуль Жанна Жибек
Жулдыз Жұлдыз Зарина Зауре Зәуре Индира Камила Карлыгаш Қарлығаш Кенжегуль Куляш
Күләш Ләззат Ляззат Мадина Маржан Мейрамгуль Меруерт Назгуль Назерке Назира Нургуль
Нұргүл Перизат Райхан Раушан Роза Сабина Самал Салтанат Сания Сауле Сәуле Толкын
Толқын Томирис Умит Үміт Фарида Шамшигуль Шолпан Шынар Эльмира Айслу Аккенже Акерке
Ақерке Алуа Амина Асия Бакытгуль Гульнафис Гульфайруз Жазира Жансая Жаннат Зухра
Калима Кульпаш Күлпаш Ляйля Мариям Нурсулу Сымбат Тогжан Тоғжан Улжан Ұлжан Шара
Айман Айымгуль Гульсара Гульшара Динара Жамиля Сара Хадиша Батима Бану Анеля Асылзат
""".split()
MALE_NAMES = """
Абай Абылай Адиль Әділ Азамат Айбек Айдос Айдар Акжол Ақжол Алибек Алишер Алмас Амантай
Арман Асан Асет Асхат Асылбек Ахмет Бакытжан Бауыржан Бегзат Бейбит Бейбіт Бекзат Берик
Берік Болат Габит Ғабит Даурен Дәурен Данияр Дархан Дастан Ерболат Ербол Ербулан Ержан
Еркебулан Еркін Ерик Ерлан Ермек Жандос Жанат Жамбыл Жасулан Жомарт Кайрат Қайрат
Канат Қанат Магжан Мағжан Максат Марат Медет Мейрам Мирас Мурат Мұрат Мухтар Мұхтар
Нурбол Нұрбол Нурлан Нұрлан Нуржан Нұржан Нурсултан Нұрсұлтан Олжас Рустем Руслан Сабит
Сакен Сәкен Самат Санжар Саят Серик Серік Серикбай Султан Сұлтан Талгат Талғат Темирлан
Тимур Улан Шерзод Шокан Шоқан Беимбет Бейімбет Ильяс Ілияс Сабыржан Абылайхан Кенесары
Ахметкали Токтар Токтогул Ерболат Асылхан Бахытжан Даулет Дәулет Ерасыл Жаксылык Кайсар
""".split()

# Nouns for posts and roles: a name right after such a phrase is in apposition to it
POSTS = {
    "руководитель", "руководительница", "директор", "заместитель", "заведующий",
    "заведующая", "библиотекарь", "библиотекарша", "методист", "специалист", "инженер",
    "программист", "начальник", "консул", "сотрудник", "сотрудница", "представитель",
    "представительница", "краевед", "поэт", "поэтесса", "писатель", "писательница",
    "председатель", "президент", "вице-президент", "секретарь", "библиограф", "редактор",
    "журналист", "журналистка", "аким", "министр", "ректор", "декан", "профессор",
    "доцент", "преподаватель", "преподавательница", "учитель", "учительница", "эксперт",
    "координатор", "менеджер", "куратор", "хранитель", "реставратор", "архивист",
    "технолог", "консультант", "глава", "депутат", "художник", "художница", "артист",
    "артистка", "автор", "гость", "гостья", "участник", "участница", "коллега",
    "лауреат", "победитель", "победительница", "модератор", "спикер", "докладчик",
    "докладчица", "ведущая", "акын", "композитор", "ученый", "учёный", "историк",
    "исследователь", "исследовательница", "студент", "студентка", "ученик", "ученица",
    "читатель", "читательница", "аналитик", "администратор", "бухгалтер", "юрист",
    "оператор", "дизайнер", "фотограф", "волонтер", "волонтёр", "переводчик",
    "переводчица", "литературовед", "искусствовед", "филолог", "педагог", "член",
    "ветеран", "меценат", "основатель", "основательница", "организатор",
    "управляющий", "управляющая", "уполномоченный", "посол", "генконсул",
}
# posts whose grammatical gender shows the person's sex (masc posts are used for women)
GENDERED_POSTS = {
    "заведующий": "m", "заведующая": "f", "руководительница": "f", "библиотекарша": "f",
    "сотрудница": "f", "представительница": "f", "поэтесса": "f", "писательница": "f",
    "журналистка": "f", "преподавательница": "f", "учительница": "f", "художница": "f",
    "артистка": "f", "гостья": "f", "участница": "f", "победительница": "f",
    "докладчица": "f", "ведущая": "f", "исследовательница": "f", "студентка": "f",
    "ученица": "f", "читательница": "f", "переводчица": "f", "основательница": "f",
    "управляющая": "f", "управляющий": "m",
}
# case governed by prepositions (the ones that take a person)
PREPOSITIONS = {
    "без": {"gen"}, "для": {"gen"}, "до": {"gen"}, "из": {"gen"}, "от": {"gen"},
    "у": {"gen"}, "около": {"gen"}, "после": {"gen"}, "среди": {"gen"}, "кроме": {"gen"},
    "возле": {"gen"}, "вокруг": {"gen"}, "против": {"gen"}, "со": {"ins", "gen"},
    "с": {"ins", "gen"}, "к": {"dat"}, "ко": {"dat"}, "по": {"dat", "loc"},
    "благодаря": {"dat"}, "о": {"loc"}, "об": {"loc"}, "обо": {"loc"}, "при": {"loc"},
    "над": {"ins"}, "под": {"ins"}, "перед": {"ins"}, "между": {"ins"}, "за": {"ins", "acc"},
    "про": {"acc"}, "через": {"acc"}, "на": {"acc", "loc"}, "в": {"acc", "loc"},
    "во": {"acc", "loc"},
}
EPONYM = re.compile(r"(?:\b[Ии]м\.?|\b[Ии]мени)\s*$")
CLAUSE_STOP = {",", ";", ":", ".", "!", "?", "и", "а", "но", "или", "либо", "—", "–", "-"}

# --------------------------------------------------------------------------
# pymorphy, cached


@dataclass(frozen=True)
class _Parse:
    tag: str
    grams: frozenset
    normal: str
    known: bool  # from pymorphy's dictionary, not guessed


@lru_cache(maxsize=100_000)
def _parses(word: str) -> tuple[_Parse, ...]:
    morph = get_analyzer().morph_vocab
    out = []
    for p in morph.parse(word):
        grams = frozenset(re.split(r"[ ,]", str(p.tag)))
        known = type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"
        out.append(_Parse(str(p.tag), grams, p.normal_form, known))
    return tuple(out)


def _gender_of(grams) -> str | None:
    if "masc" in grams:
        return "m"
    if "femn" in grams:
        return "f"
    return None


@lru_cache(maxsize=50_000)
def _verb_gender(word: str) -> str | None:
    """'m'/'f' for a past-tense singular verb (`приняла`, `выступил`), else None."""
    genders = {_gender_of(p.grams) for p in _parses(word.lower())
               if "VERB" in p.grams and "past" in p.grams and "sing" in p.grams}
    genders.discard(None)
    return genders.pop() if len(genders) == 1 else None


@lru_cache(maxsize=50_000)
def _is_verb(word: str) -> bool:
    ps = _parses(word.lower())
    return bool(ps) and ps[0].grams & {"VERB", "INFN", "PRTS", "GRND"} != set()


@lru_cache(maxsize=50_000)
def _agreement(word: str, pos: tuple = ("PRTF", "ADJF", "NOUN")) -> tuple[frozenset, str | None]:
    """(cases, gender) of the singular readings of an agreeing word (participle,
    adjective or post noun); gender only when all readings agree."""
    cases, genders = set(), set()
    for p in _parses(word.lower()):
        if not p.grams & set(pos) or "sing" not in p.grams:
            continue
        for g, c in OC_CASES.items():
            if g in p.grams:
                cases.add(c)
        genders.add(_gender_of(p.grams))
    gender = genders.pop() if len(genders) == 1 else None
    return frozenset(cases), gender


@lru_cache(maxsize=50_000)
def _name_readings(word: str) -> dict | None:
    """First-name readings {(case, gender): nominative} from the Kazakh list or
    pymorphy's dictionary (Name tag); None when the word is not a known name."""
    low = _fold(word)
    if low in _KZ_FORMS:
        return {k: _restore(word, v) for k, v in _KZ_FORMS[low].items()}
    out = {}
    for p in _parses(word.lower()):
        if "Name" not in p.grams or not p.known or "plur" in p.grams:
            continue
        g = _gender_of(p.grams)
        genders = [g] if g else list(GENDERS)
        for gram, case in OC_CASES.items():
            if gram in p.grams:
                for gg in genders:
                    out.setdefault((case, gg), _restore(word, p.normal))
    return out or None


@lru_cache(maxsize=50_000)
def _is_surname_word(word: str) -> bool:
    """Known as a surname by pymorphy (dictionary `Surn` reading)."""
    return any("Surn" in p.grams and p.known for p in _parses(word.lower()))


# --------------------------------------------------------------------------
# Paradigms: word -> {(case, gender): nominative}


def _fold(s: str) -> str:
    return s.lower().replace("ё", "е")


def _restore(original: str, nominative: str) -> str:
    """Give a lowercase nominative the capitalisation of the written word."""
    if not nominative:
        return nominative
    n = len(_common_prefix(original.lower(), nominative.lower()))
    return original[:n] + nominative[n:] if n else nominative[:1].upper() + nominative[1:]


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def _is_vowel(ch: str) -> bool:
    return ch.lower() in VOWELS


def _add(out: dict, cases, genders, form: str) -> None:
    for c in cases:
        for g in genders:
            out.setdefault((c, g), form)


# -ов/-ев/-ин surnames: (gender, ending, cases); nominative = stem (m) or stem + а (f)
OV_STEMS = ("ов", "ев", "ёв", "ин", "ын", "ынь")
OV_ENDINGS = (
    ("m", "", ("nom",)), ("m", "а", ("gen", "acc")), ("m", "у", ("dat",)),
    ("m", "ым", ("ins",)), ("m", "е", ("loc",)),
    ("f", "а", ("nom",)), ("f", "ой", ("gen", "dat", "ins", "loc")), ("f", "у", ("acc",)),
    ("f", "ою", ("ins",)),
)
# adjectival surnames (-ский, -цкий, -ской, -ая)
ADJ_ENDINGS = (
    ("m", "ий", ("nom",)), ("m", "ой", ("nom",)), ("m", "ого", ("gen", "acc")),
    ("m", "ому", ("dat",)), ("m", "им", ("ins",)), ("m", "ом", ("loc",)),
    ("f", "ая", ("nom",)), ("f", "ой", ("gen", "dat", "ins", "loc")), ("f", "ую", ("acc",)),
    ("f", "ою", ("ins",)),
)
KZ_MALE_PATR = re.compile(r"(ұлы|улы|уулу)$")
KZ_FEMALE_PATR = re.compile(r"(қызы|кызы)$")


def surname_readings(word: str) -> dict:
    """{(case, gender): nominative} for a surname as written."""
    if "-" in word:  # double surnames: each piece agrees
        pieces = [surname_readings(p) for p in word.split("-") if p]
        keys = set(ALL)
        for p in pieces:
            keys &= set(p)
        if keys:
            parts = word.split("-")
            out = {}
            for k in keys:
                forms, j = [], 0
                for p in parts:
                    if p:
                        forms.append(pieces[j][k])
                        j += 1
                    else:
                        forms.append(p)
                out[k] = "-".join(forms)
            return out
    low = _fold(word)
    out: dict = {}
    if KZ_MALE_PATR.search(low):
        _add(out, CASES, "m", word)
        return out
    if KZ_FEMALE_PATR.search(low):
        _add(out, CASES, "f", word)
        return out
    for g, end, cases in OV_ENDINGS:
        stem = word[:len(word) - len(end)] if end else word
        if low.endswith(end) and _fold(stem).endswith(OV_STEMS) and len(stem) >= 4:
            _add(out, cases, g, stem if g == "m" else stem + "а")
    if out:
        return out
    for g, end, cases in ADJ_ENDINGS:
        stem = word[:len(word) - len(end)]
        if low.endswith(end) and _fold(stem).endswith(("ск", "цк")) and len(stem) >= 3:
            nom = stem + ("ий" if g == "m" else "ая")
            if g == "m" and end == "ой" and "nom" in cases:
                nom = word  # Трубецкой
            _add(out, cases, g, nom)
    if out:
        return out
    out = _adjectival_readings(word)
    if out:
        return out
    last = low[-1]
    if low.endswith(("ых", "их")) or (_is_vowel(last) and last not in "ая"):
        _add(out, CASES, GENDERS, word)  # Дорошенко, Шевченко, Сейтқали, Навои, Черных
    if not _is_vowel(last):
        _add(out, ("nom",), "m", word)  # Пак, Мельник, Әбдіқадыр: men decline,
        _add(out, CASES, "f", word)  # women do not
    _add_male_oblique(out, word)
    if last in "ая":  # first-declension surnames (Глинка) of either sex; see _weak_nominative
        _add(out, ("nom",), GENDERS, word)
    return out


ADJ_END = re.compile(r"(ого|его|ому|ему|ым|им|ом|ем|ая|яя|ой|ей|ую|юю|ый|ий)$")


def _adjectival_readings(word: str) -> dict:
    """Adjectival surnames pymorphy knows (`Толстого`, `Горького`, `Поперечного`)."""
    low = _fold(word)
    out: dict = {}
    if len(low) < 5 or not ADJ_END.search(low):
        return out
    for surn in (True, False):  # pymorphy's surname lemma (толстой) before the adjective's
        for p in _parses(low):
            if "sing" not in p.grams or not p.known:
                continue
            if surn != ("Surn" in p.grams and "NOUN" in p.grams) or (not surn and "ADJF" not in p.grams):
                continue
            g = _gender_of(p.grams)
            lemma = _fold(p.normal)
            if g is None or not re.search(r"(ый|ий|ой)$", lemma):
                continue
            nom = lemma if g == "m" else lemma[:-2] + ("яя" if lemma.endswith("ний") else "ая")
            for gram, case in OC_CASES.items():
                if gram in p.grams:
                    out.setdefault((case, g), _restore(word, nom))
    return out


def _weak_nominative(word: str) -> bool:
    """A surname in -а/-я that is not -ова/-ина/-ская: read as a nominative only on
    evidence, since `Пака`, `Мельника`, `Цоя` are far more often oblique cases of
    consonant-final surnames than nominatives like `Глинка`."""
    r = surname_readings(word)
    return _fold(word)[-1:] in ("а", "я") and any(k[0] != "nom" for k in r) and \
        not any(_fold(v).endswith(("ова", "ева", "ина", "ына", "ая")) for v in r.values())


def _add_male_oblique(out: dict, word: str) -> None:
    """Oblique cases of a consonant-final masculine name: Пака, Паку, Паком, Паке;
    Абая, Абаю, Абаем; Гоголя."""
    low = _fold(word)
    for end, cases in (("а", ("gen", "acc")), ("у", ("dat",)), ("ом", ("ins",)),
                       ("е", ("loc",)), ("я", ("gen", "acc")), ("ю", ("dat",)),
                       ("ем", ("ins",)), ("ём", ("ins",))):
        if not low.endswith(end) or len(low) - len(end) < 2:
            continue
        stem = word[:len(word) - len(end)]
        prev = _fold(stem)[-1]
        if end in ("я", "ю", "ем", "ём"):
            if _is_vowel(prev):
                stem += "й"  # Абая -> Абай
            elif end != "ем" or prev not in "жшчщц":
                stem += "ь"  # Гоголя -> Гоголь
        elif end in ("е",) and _is_vowel(prev):
            continue
        if _is_vowel(_fold(stem)[-1]):
            continue
        _add(out, cases, "m", stem)


KZ_TO_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def is_first_name(word: str) -> bool:
    """A first name the shipped Kazakh list or pymorphy's dictionary knows, in Kazakh or
    Russian spelling (`Айгерім` / `Айгерим`)."""
    return _name_readings(word) is not None or _name_readings(word.translate(KZ_TO_RU)) is not None


def first_name_readings(word: str) -> dict:
    """{(case, gender): nominative} for a first name: known, or by its ending."""
    known = _name_readings(word)
    return dict(known) if known else guess_name_readings(word)


FEMALE_NAME_END = re.compile(r"(гуль|гүл|гул|сулу|слу)$")
MALE_NAME_END = re.compile(r"(бек|бай|бол|болат|булан|бұлан|ұлан|улан|мурат|мұрат|хан)$")


def guess_name_readings(word: str) -> dict:
    """Readings of an unknown (mostly Kazakh) first name from its ending."""
    low = _fold(word)
    out: dict = {}
    last = low[-1]
    if FEMALE_NAME_END.search(low):  # Мейрамгүл, Бакытгуль
        _add(out, CASES, "f", word)
        return out
    if not _is_vowel(last):
        if not MALE_NAME_END.search(low):
            _add(out, CASES, "f", word)  # Kazakh women's names in a consonant do not decline
        _add(out, ("nom",), "m", word)
    elif last == "а":
        _add(out, ("nom",), "f", word)
    elif last == "я":
        _add(out, ("nom",), "f", word)
    # Сауле, Әли, Жансулу: indeclinable, besides the readings below; a final -у/-ю
    # is more often a dative (Беку -> Бек), so that reading comes first
    indeclinable = _is_vowel(last) and last not in "аяыо"
    if indeclinable and last not in "ую":
        _add(out, CASES, GENDERS, word)
    if len(low) < 4:  # `Си`, `Ли`: too short to guess an ending
        _add(out, CASES, GENDERS, word)
        return out
    stem = word[:-1]
    if low.endswith("ии"):
        _add(out, ("gen", "dat", "loc"), "f", stem + "я")
    elif last in "ы":
        _add(out, ("gen",), "f", stem + "а")
    elif last == "и":
        _add(out, ("gen",), "f", stem + ("а" if _fold(stem)[-1:] in set("гкхжшчщ") else "я"))
    elif last == "е":
        _add(out, ("dat", "loc"), "f", stem + "а")
    elif last == "у":
        _add(out, ("acc",), "f", stem + "а")
    elif last == "ю":
        _add(out, ("acc",), "f", stem + "я")
    if low.endswith("ой"):
        _add(out, ("ins",), "f", word[:-2] + "а")
    elif low.endswith("ей"):
        _add(out, ("ins",), "f", word[:-2] + "я")
    _add_male_oblique(out, word)
    if indeclinable:
        _add(out, CASES, GENDERS, word)
    return out


def _paradigm(name: str, gender: str) -> dict:
    """All forms of a listed first name: {form: {(case, gender): nominative}}."""
    low = _fold(name)
    forms: dict = {}

    def put(form, cases):
        for c in cases:
            forms.setdefault(form, {})[(c, gender)] = name.lower()

    last = low[-1]
    if gender == "m" and not _is_vowel(last):
        if last in "йь":
            s = low[:-1]
            put(low, ["nom"])
            put(s + "я", ["gen", "acc"])
            put(s + "ю", ["dat"])
            put(s + "ем", ["ins"])
            put(s + "е", ["loc"])
        else:
            put(low, ["nom"])
            put(low + "а", ["gen", "acc"])
            put(low + "у", ["dat"])
            put(low + ("ем" if last in "жшчщц" else "ом"), ["ins"])
            put(low + "е", ["loc"])
    elif gender == "f" and last == "а":
        s = low[:-1]
        put(low, ["nom"])
        put(s + ("и" if s[-1:] in "гкхжшчщ" else "ы"), ["gen"])
        put(s + "е", ["dat", "loc"])
        put(s + "у", ["acc"])
        put(s + ("ей" if s[-1:] in "жшчщц" else "ой"), ["ins"])
    elif gender == "f" and last == "я":
        s = low[:-1]
        put(low, ["nom"])
        put(s + "и", ["gen"])
        put(s + ("и" if s.endswith("и") else "е"), ["dat", "loc"])
        put(s + "ю", ["acc"])
        put(s + "ей", ["ins"])
    else:
        put(low, CASES)
    return forms


def _build_kz_forms() -> dict:
    forms: dict = {}
    for names, g in ((FEMALE_NAMES, "f"), (MALE_NAMES, "m")):
        for n in names:
            for form, readings in _paradigm(n, g).items():
                forms.setdefault(form, {}).update(readings)
    return forms


_KZ_FORMS = _build_kz_forms()

PATR_M = re.compile(r"^(.{2,}(?:ович|евич|ьич|ич))(а|у|ем|е)?$")
PATR_F = re.compile(r"^(.{2,}(?:овн|евн|ичн))(а|ы|е|у|ой|ою)$")


def is_patronymic(word: str) -> bool:
    low = _fold(word)
    return bool(KZ_MALE_PATR.search(low) or KZ_FEMALE_PATR.search(low)
                or (len(low) >= 6 and (PATR_M.match(low) or PATR_F.match(low))))


def patronymic_readings(word: str) -> dict:
    low = _fold(word)
    out: dict = {}
    if KZ_MALE_PATR.search(low):
        _add(out, CASES, "m", word)
    elif KZ_FEMALE_PATR.search(low):
        _add(out, CASES, "f", word)
    elif m := PATR_F.match(low):
        stem = word[:len(m.group(1))]
        end = m.group(2)
        cases = {"а": ("nom",), "ы": ("gen",), "е": ("dat", "loc"), "у": ("acc",),
                 "ой": ("ins",), "ою": ("ins",)}[end]
        _add(out, cases, "f", stem + "а")
    elif m := PATR_M.match(low):
        stem = word[:len(m.group(1))]
        end = m.group(2) or ""
        cases = {"": ("nom",), "а": ("gen", "acc"), "у": ("dat",), "ем": ("ins",),
                 "е": ("loc",)}[end]
        _add(out, cases, "m", stem)
    return out


def looks_like_surname(word: str) -> bool:
    low = _fold(word)
    if _is_surname_word(word):
        return True
    if low.endswith(("енко", "ко", "ых", "их", "ук", "юк", "швили", "дзе", "ян", "янц")):
        return True
    r = surname_readings(word)
    if any(_fold(v).endswith(OV_STEMS + ("ова", "ева", "ина", "ына", "ский", "цкий",
                                         "ская", "цкая")) for v in r.values()):
        return True
    return bool(KZ_MALE_PATR.search(low) or KZ_FEMALE_PATR.search(low))


# --------------------------------------------------------------------------
# The span's parts

INITIAL = re.compile(r"([^\W\d_]{1,2})\s*\.")
WORD = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*")


def _split(text: str) -> tuple[list[str], list[str], str]:
    """Words and initials of a name, and which came first ("i" or "w")."""
    words, initials, first_kind = [], [], None
    pos = 0
    while pos < len(text):
        m = INITIAL.match(text, pos)
        if m and (m.group(1)[0].isupper()) and (len(m.group(1)) == 1 or m.group(1)[1].islower()):
            initials.append(m.group(1))
            first_kind = first_kind or "i"
            pos = m.end()
            continue
        m = WORD.match(text, pos)
        if m:
            w = m.group()
            if w[0].isupper() or KZ_MALE_PATR.search(_fold(w)) or KZ_FEMALE_PATR.search(_fold(w)):
                if len(w) == 1 and w.isupper():
                    initials.append(w)  # an initial without its dot
                    first_kind = first_kind or "i"
                else:
                    words.append(w)
                    first_kind = first_kind or "w"
            pos = m.end()
            continue
        pos += 1
    return words, initials, first_kind or "w"


def _clean(word: str) -> str:
    if re.search(r"[а-яёәғқңөұүһі]", word, re.I):
        word = word.translate(LATIN_TO_CYR)
    if len(word) > 2 and word.isupper():
        word = "-".join(p[:1] + p[1:].lower() for p in word.split("-"))
    return word


@dataclass
class PersonName:
    surname: str | None
    first: str | None
    middle: str | None
    initials: str  # "Ш." or "М.Ж."
    gender: str | None  # "female" / "male"
    normal: str


def _roles(words: list[str]) -> dict:
    """Assign words to surname / first / middle."""
    n = len(words)
    if n == 0:
        return {}
    if n == 1:
        w = words[0]
        if is_patronymic(w) and not _name_readings(w):
            return {"middle": w}
        if looks_like_surname(w) or not _name_readings(w):
            return {"surname": w}
        return {"first": w}
    patr = [i for i, w in enumerate(words) if i > 0 and is_patronymic(w)]
    if patr:
        p = patr[0]
        if p == n - 1 and n >= 3:  # Фамилия Имя Отчество
            return {"surname": " ".join(words[:n - 2]), "first": words[n - 2], "middle": words[p]}
        if p == n - 1:  # Имя Отчество
            return {"first": words[0], "middle": words[1]}
        return {"first": " ".join(words[:p]), "middle": words[p],
                "surname": " ".join(words[p + 1:])}
    # no patronymic: Имя Фамилия or Фамилия Имя
    a, b = words[0], words[-1]
    a_name, b_name = _name_readings(a) is not None, _name_readings(b) is not None
    a_sur, b_sur = looks_like_surname(a), looks_like_surname(b)
    surname_first = (a_sur and not b_sur) or (b_name and not a_name and not b_sur)
    if surname_first and not (a_name and not a_sur):
        return {"surname": a, "first": " ".join(words[1:])}
    return {"first": " ".join(words[:-1]), "surname": b}


# --------------------------------------------------------------------------
# Context evidence


class _Evidence:
    def __init__(self):
        self.case: dict = {c: 0.0 for c in CASES}
        self.gender: dict = {g: 0.0 for g in GENDERS}
        self.weak: dict = {g: 0.0 for g in GENDERS}
        self.notes: list = []

    def cases(self, cases, w: float, why: str) -> None:
        for c in cases:
            self.case[c] += w
        if cases:
            self.notes.append((why, tuple(sorted(cases)), w))

    def sex(self, g: str | None, w: float, why: str) -> None:
        if g in self.gender:
            self.gender[g] += w
            self.notes.append((why, g, w))

    def hint(self, g: str | None, w: float, why: str) -> None:
        """Gender evidence too weak to report a gender on its own (Natasha's tag)."""
        if g in self.gender:
            self.weak[g] += w
            self.notes.append((why, g, w))

    def score(self, key, strong: bool = False) -> float:
        c, g = key
        return self.case[c] + self.gender[g] + (0 if strong else self.weak[g])


def _post_word(tok: Token) -> str | None:
    """The post lemma a token stands for (`руководитель`, `инженер-программист`), or None."""
    low = _fold(tok.text)
    lem = _fold(tok.lemma or "")
    for cand in (low, lem, low.split("-")[0], lem.split("-")[0]):
        if cand in POSTS:
            return cand
    for p in _parses(low):
        if p.normal in POSTS and p.grams & {"NOUN", "PRTF", "ADJF"}:
            return p.normal
    if tok.pos == "NOUN" and tok.feat("Animacy") == "Anim" and tok.feat("Number") == "Sing" \
            and tok.text[:1].islower():
        ps = _parses(low)
        if ps and not ps[0].grams & {"Name", "Surn", "Patr"} and "anim" in ps[0].grams:
            return ps[0].normal
    return None


def _post_cases(tok: Token) -> tuple[frozenset, str | None]:
    cases, _ = _agreement(tok.text.lower().split("-")[0] if "-" in tok.text else tok.text)
    if not cases:
        cases, _ = _agreement(tok.text)
    nat = UD_CASES.get(tok.feat("Case") or "")
    if nat and nat in cases and len(cases) > 1 and "nom" not in cases:
        cases = frozenset({nat})
    lemma = _post_word(tok)
    g = GENDERED_POSTS.get(lemma) if lemma else None
    if lemma in ("заведующий", "управляющий") or lemma in GENDERED_POSTS:
        _, g2 = _agreement(tok.text, ("PRTF", "ADJF", "NOUN"))
        g = g2 or g
    return cases, g


def _context(an: Analysis, start: int, end: int, ev: _Evidence, surname_tok: Token | None):
    text = an.text
    toks = an.tokens
    # tokens wholly before / after the span, in the span's sentence
    i0 = an.token_at(start)
    if i0 is None:
        return
    sent = toks[i0].sent
    left = i0 - 1
    while left >= 0 and toks[left].end > start:
        left -= 1
    right = i0
    while right < len(toks) and toks[right].start < end:
        right += 1

    # 1. eponym: им. / имени (a bare `им` only after a noun: not the pronoun)
    m = EPONYM.search(text[max(0, start - 8):start])
    if m and (m.group().strip().lower() != "им" or left < 1
              or toks[left - 1].pos in ("NOUN", "PROPN", "ADJ")):
        ev.cases({"gen"}, 6, "eponym")
        return

    def same_sent(i):
        return 0 <= i < len(toks) and toks[i].sent == sent

    # 2. preposition right before
    if same_sent(left) and toks[left].text.lower() in PREPOSITIONS and toks[left].pos == "ADP":
        ev.cases(PREPOSITIONS[toks[left].text.lower()], 4, "preposition " + toks[left].text)
        after_prep = True
    else:
        after_prep = False

    # 3. post phrase before the name (apposition) or a noun governing it
    governed = after_prep  # the name is governed: a verb after it is not its own
    posts, j, steps = [], left, 0
    while same_sent(j) and steps < 25 and not after_prep:
        t = toks[j]
        if _post_word(t):
            posts.append(t)
        elif t.text in (",", ";", ":", "!", "?") or (t.text == "." and not _abbrev_dot(an, j)):
            break
        elif t.pos in ("VERB", "AUX") or (t.pos == "PRON" and t.text.lower() not in ("его", "ее", "её", "их")):
            break
        elif t.pos == "SCONJ":
            break
        j -= 1
        steps += 1
    verb_left = j
    if posts:
        k = 0
        while k + 1 < len(posts):
            cases, _ = _post_cases(posts[k])
            if cases and "gen" in cases and "nom" not in cases:
                k += 1
            else:
                break
        cases, g = _post_cases(posts[k])
        if cases:
            ev.cases(cases, 3, "post " + posts[k].text)
        ev.sex(g, 3, "post " + posts[k].text)
    elif same_sent(left) and not after_prep and _common_noun(an, left):
        governed = _complement(an, left, right, ev)

    # 4. a verb before the post phrase (`стала главный библиотекарь ...`)
    j = verb_left
    for _ in range(3):
        if not same_sent(j):
            break
        t = toks[j]
        if t.pos in ("VERB", "AUX") or _is_verb(t.text):
            g = _verb_gender(t.text)
            coordinated = same_sent(right + 1) and toks[right].text.lower() in ("и", ",") \
                and toks[right + 1].text[:1].isupper()
            if _verb_plural(t.text) and coordinated:
                # `Участников приветствовали А.Жилкибекова и М.Таженова`
                ev.cases({"nom"}, 1.0, "coordinated subject of " + t.text)
            elif _has_subject_before(an, j):  # `Директор поблагодарила Г.Каужапарова`: an object
                ev.cases({"gen", "dat", "acc", "ins"}, 1.0, "object of " + t.text)
                if j == left and _transitive(t.text):
                    # `поздравили Т.Н. Гребенщикову` (acc), `Слово предоставили Касенову` (dat)
                    if _has_accusative(an, j, right):
                        ev.cases({"dat"}, 1.0, "recipient of " + t.text)
                    else:
                        ev.cases({"acc"}, 1.0, "direct object of " + t.text)
            elif g:
                ev.sex(g, 1.0, "verb before " + t.text)
                ev.cases({"nom"}, 0.5, "verb before " + t.text)
            break
        if t.pos not in ("PRON", "ADV", "PART", "DET"):
            break
        j -= 1

    # 5. right context: apposition / participle / relative pronoun / verb
    if same_sent(right + 1) and toks[right].text == "(":
        # `Б.М. Мырзахметова (заведующая отделом …)`: a post in brackets agrees with
        # the name (in a list, the tagger may read the name as a genitive)
        _apposition(toks, right + 1, same_sent, ev, "bracketed post ")
    k = _skip_brackets(an, right, sent)
    if same_sent(k) and toks[k].text in (",", "–", "—", "-") and same_sent(k + 1):
        t = toks[k + 1]
        low = t.text.lower()
        if low in ("которая", "который"):
            ev.sex("f" if low == "которая" else "m", 2, "relative " + low)
        elif _post_word(t) or (t.pos == "ADJ" and same_sent(k + 2) and _post_word(toks[k + 2])):
            _apposition(toks, k + 1, same_sent, ev, "apposition ")
        else:
            cases, g = _agreement(t.text, ("PRTF",))
            if cases:
                ev.cases(cases, 2.5, "participle " + t.text)
                ev.sex(g, 2.5, "participle " + t.text)
    elif not governed:
        v = _right_verb(an, k, sent)
        g = _verb_gender(toks[v].text) if v is not None else None
        if g:
            ev.sex(g, 1.5, "verb " + toks[v].text)
            ev.cases({"nom"}, 1.5, "verb " + toks[v].text)

    # 6. Natasha's tags on the surname (last resort)
    if surname_tok is not None:
        c = UD_CASES.get(surname_tok.feat("Case") or "")
        if c:
            ev.cases({c}, 0.3, "natasha case")
        g = {"Masc": "m", "Fem": "f"}.get(surname_tok.feat("Gender") or "")
        ev.hint(g, 0.2, "natasha gender")


def _apposition(toks, i: int, same_sent, ev: _Evidence, why: str) -> None:
    """A post phrase starting at token i in apposition to the name: its case and sex."""
    post = toks[i]
    # `главный библиотекарь`: the post noun after its modifiers
    while toks[i].pos == "ADJ" and same_sent(i + 1) and _post_word(toks[i + 1]):
        i += 1
        post = toks[i]
    if not _post_word(post):
        return
    cases, g = _post_cases(post)
    ev.cases(cases, 2.5, why + post.text)
    ev.sex(g, 2.5, why + post.text)


def _common_noun(an: Analysis, i: int) -> bool:
    """A common noun (lowercase, or capitalised only as the first word of a sentence)."""
    t = an.tokens[i]
    if not (t.pos == "NOUN" or _first_pos(t.text) == "NOUN"):
        return False
    if t.text[:1].islower():
        return True
    first = i == 0 or an.tokens[i - 1].sent != t.sent or an.tokens[i - 1].text in ("«", '"', "(")
    if not first or t.text.isupper():
        return False
    ps = _parses(t.text.lower())
    return bool(ps) and "NOUN" in ps[0].grams and not ps[0].grams & {"Name", "Surn", "Patr", "Geox", "Orgn"}


def _complement(an: Analysis, n: int, right: int, ev: _Evidence) -> bool:
    """The name follows a common noun N: a genitive complement (`произведений
    С.Торайгырова`, `По словам Касенова`) unless N is the object of a verb that has
    no subject before it, so that the name is that verb's subject (`сделала доклад
    А.Жилкибекова`, `приняли участие Мусина Ж.К. и Касенов Е.М.`)."""
    toks = an.tokens
    t = toks[n]
    case = UD_CASES.get(t.feat("Case") or "")
    sent = t.sent
    if case in ("acc", None) or (case == "nom" and _can_be_acc(t.text)):
        j = n - 1
        while j >= 0 and toks[j].sent == sent and toks[j].pos in ("ADJ", "DET", "NUM", "ADV"):
            j -= 1
        if j >= 0 and toks[j].sent == sent and (toks[j].pos in ("VERB", "AUX") or _verb_gender(toks[j].text)):
            v = toks[j]
            if not _has_subject_before(an, j):
                g = _verb_gender(v.text)
                plural = _verb_plural(v.text)
                coordinated = right + 1 < len(toks) and toks[right + 1].sent == sent and \
                    toks[right].text.lower() in ("и", ",") and toks[right + 1].text[:1].isupper()
                if g:
                    ev.sex(g, 2.5, "subject of " + v.text)
                    ev.cases({"nom"}, 2.5, "subject of " + v.text)
                    return False
                if plural and coordinated:
                    ev.cases({"nom"}, 2.5, "coordinated subject of " + v.text)
                    return False
    # the end of a prepositional phrase that opens the clause (`На пленарном заседании`,
    # `В завершение встречи`): the name is the subject when the verb after it agrees
    # and the clause has no other subject (`На выставке книг С.Торайгырова побывала
    # делегация`: it has)
    j = n
    while j >= 0 and toks[j].sent == sent and toks[j].pos in ("NOUN", "ADJ", "DET", "NUM") \
            and toks[j].text[:1].islower() and UD_CASES.get(toks[j].feat("Case") or "") != "nom":
        j -= 1
    if j >= 0 and toks[j].sent == sent and toks[j].pos == "ADP" and case != "nom":
        v = _right_verb(an, _skip_brackets(an, right, sent), sent)
        g = _verb_gender(toks[v].text) if v is not None else None
        if g and not _has_subject_before(an, j) and not _subject_after(an, v):
            ev.sex(g, 3, "subject after the phrase " + toks[j].text + " … " + t.text)
            ev.cases({"nom"}, 3, "subject after the phrase " + toks[j].text + " … " + t.text)
            return True
    ev.cases({"gen"}, 2, "complement of " + t.text)
    return True


def _skip_brackets(an: Analysis, k: int, sent: int) -> int:
    """The index after a bracketed aside at k (`(онлайн)`), or k."""
    toks = an.tokens
    while k < len(toks) and toks[k].sent == sent and toks[k].text == "(":
        depth = 0
        while k < len(toks) and toks[k].sent == sent:
            depth += toks[k].text == "("
            depth -= toks[k].text == ")"
            k += 1
            if depth == 0:
                break
    return k


def _right_verb(an: Analysis, k: int, sent: int) -> int | None:
    """The verb the name is likely the subject of, after it in the clause
    (`Ш.Шахметова в составе делегации приняла`), or None."""
    toks = an.tokens
    for _ in range(8):
        if k >= len(toks) or toks[k].sent != sent:
            return None
        t = toks[k]
        if t.text.lower() in CLAUSE_STOP or t.text in ("«", '"', "(", ")"):
            return None
        if t.pos in ("VERB", "AUX") or _verb_gender(t.text):
            return k
        if t.pos in ("NOUN", "PROPN") and t.feat("Case") == "Nom" and t.text[:1].islower():
            return None
        k += 1
    return None


def _subject_after(an: Analysis, v: int) -> bool:
    """A nominative noun or pronoun after the verb in its clause (the verb's own subject)."""
    toks = an.tokens
    sent = toks[v].sent
    k = v + 1
    while k < len(toks) and toks[k].sent == sent and \
            toks[k].text not in (",", ";", ":", "–", "—", ".", "«", "\"", "(", "и", "а", "но"):
        t = toks[k]
        if t.pos in ("NOUN", "PROPN", "PRON") and t.feat("Case") == "Nom" and \
                not (k > 0 and toks[k - 1].pos == "ADP"):
            return True
        k += 1
    return False


@lru_cache(maxsize=50_000)
def _can_be_acc(word: str) -> bool:
    return any("accs" in p.grams and "NOUN" in p.grams for p in _parses(word.lower()))


@lru_cache(maxsize=50_000)
def _verb_plural(word: str) -> bool:
    return any("VERB" in p.grams and "plur" in p.grams for p in _parses(word.lower()))


def _has_subject_before(an: Analysis, v: int) -> bool:
    """A nominative noun or pronoun before the verb in its clause."""
    toks = an.tokens
    sent = toks[v].sent
    j = v - 1
    while j >= 0 and toks[j].sent == sent and toks[j].text not in (",", ";", ":", "–", "—"):
        t = toks[j]
        if t.text == "»":  # a quoted title is not the subject: skip it
            while j >= 0 and toks[j].sent == sent and toks[j].text != "«":
                j -= 1
            j -= 1
            continue
        if t.pos in ("NOUN", "PROPN", "PRON") and t.feat("Case") == "Nom":
            # a noun that is really the object of a preposition is not a subject
            if not (j > 0 and toks[j - 1].pos == "ADP"):
                return True
        j -= 1
    return False


@lru_cache(maxsize=50_000)
def _transitive(word: str) -> bool:
    return any("VERB" in p.grams and "tran" in p.grams for p in _parses(word.lower()))


def _has_accusative(an: Analysis, v: int, right: int) -> bool:
    """Another accusative object in the verb's clause (before the verb or after the name)."""
    toks = an.tokens
    sent = toks[v].sent
    idx = list(range(v - 1, -1, -1))[:12] + list(range(right, min(len(toks), right + 8)))
    for k in idx:
        t = toks[k]
        if t.sent != sent or t.text in (",", ";", ":", "."):
            continue
        if t.pos == "NOUN" and t.feat("Case") == "Acc" and not (k > 0 and toks[k - 1].pos == "ADP"):
            return True
    return False


def _abbrev_dot(an: Analysis, j: int) -> bool:
    """A '.' that closes an abbreviation or an initial (`им.`, `г.`, `А.`), not a sentence."""
    if j == 0:
        return False
    prev = an.tokens[j - 1]
    return prev.end == an.tokens[j].start and (len(prev.text) <= 3 or prev.text.lower() in (
        "им", "обл", "ул", "пос", "р-н", "г", "с"))


@lru_cache(maxsize=50_000)
def _first_pos(word: str) -> str | None:
    ps = _parses(word.lower())
    return next(iter(p.tag.split(",")[0].split()[0] for p in ps), None) if ps else None


# --------------------------------------------------------------------------
# Public API


def parse_person(an: Analysis, start: int, end: int) -> PersonName:
    """Parts, gender and normal form of the PERSON span [start, end) of an.text."""
    return _parse(an, start, end)[0]


def _parse(an: Analysis, start: int, end: int) -> tuple[PersonName, _Evidence]:
    text = an.text[start:end]
    words, initials, _ = _split(text)
    words = [_clean(w) for w in words]
    # a post or title caught in the span (`Руководитель Ш.Шахметова`) is not a name part
    named = [w for w in words if _fold(w) not in POSTS]
    words = named if named or initials else words
    initials = [_clean(i)[:1].upper() + _clean(i)[1:] for i in initials]
    roles = _roles(words)

    readings = {}
    if roles.get("surname"):
        readings["surname"] = _multi(roles["surname"], surname_readings)
    if roles.get("first"):
        readings["first"] = _multi(roles["first"], first_name_readings)
    if roles.get("middle"):
        readings["middle"] = patronymic_readings(roles["middle"]) or \
            first_name_readings(roles["middle"])

    # the token carrying the surname (for Natasha's tags)
    surname_tok = None
    if roles.get("surname"):
        word = roles["surname"].split()[-1]
        for t in an.tokens_in(start, end):
            if t.text == word or _fold(t.text) == _fold(word):
                surname_tok = t
    ev = _Evidence()
    ev.cases({"nom"}, 0.3, "prior")
    if roles.get("surname") and not initials and not roles.get("first") and \
            _weak_nominative(roles["surname"]):
        ev.cases({"nom"}, -0.4, "weak nominative")
    _context(an, start, end, ev, surname_tok)

    keys = _combine(readings)
    best = None
    if keys:
        ranked = sorted(keys, key=lambda k: (-ev.score(k), CASES.index(k[0]), GENDERS.index(k[1])))
        best = ranked[0]
        # the same forms for the other sex and no real evidence between them: unknown
        other = [k for k in ranked if k[1] != best[1]
                 and abs(ev.score(k, True) - ev.score(best, True)) < 1e-9
                 and all(readings[r].get(k) == readings[r].get(best) for r in readings)]
        gender = None if other else best[1]
    else:
        gender = max(GENDERS, key=lambda g: ev.gender[g]) if any(ev.gender.values()) else None

    def nominative(role):
        if role not in roles or not roles[role]:
            return None
        r = readings.get(role) or {}
        if best and best in r:
            return r[best]
        if r:  # no common reading: the part's own best one
            k = max(r, key=lambda k: (ev.score(k), -CASES.index(k[0])))
            return r[k]
        return roles[role]

    surname, first, middle = nominative("surname"), nominative("first"), nominative("middle")

    init = "".join(i + "." for i in initials)
    if surname and (initials and not first):
        normal = f"{surname} {init}"
    elif surname:
        normal = " ".join(p for p in (surname, first, middle) if p)
        if initials:
            normal += " " + init
    else:
        normal = " ".join(p for p in (first, middle) if p)
        if initials:
            normal = (normal + " " + init).strip()
    if not init:
        init = "".join(p[0].upper() + "." for p in (first, middle) if p)
    name = PersonName(surname=surname, first=first, middle=middle, initials=init,
                      gender=GENDER_WORD.get(gender), normal=normal.strip() or _tidy(text))
    return name, ev


def explain(an: Analysis, start: int, end: int) -> list:
    """The evidence parse_person weighed for a span: [(why, what, weight)], for debugging."""
    return _parse(an, start, end)[1].notes


def _multi(text: str, fn) -> dict:
    """Readings of a role filled by several words: every word must agree."""
    parts = text.split()
    if len(parts) == 1:
        return fn(parts[0])
    rs = [fn(p) for p in parts]
    keys = set(rs[0])
    for r in rs[1:]:
        keys &= set(r)
    return {k: " ".join(r[k] for r in rs) for k in keys}


def _combine(readings: dict) -> set:
    """(case, gender) readings shared by all parts; relax the weakest part when none is."""
    if not readings:
        return set()
    sets = {r: set(v) for r, v in readings.items() if v}
    if not sets:
        return set()
    keys = set(ALL)
    for s in sets.values():
        keys &= s
    if keys:
        return keys
    # a first name with a wrong dictionary gender: fall back on its ending
    if "first" in readings:
        word = readings["first"]
        guess = set()
        for v in word.values():
            guess |= set(guess_name_readings(v))
        keys = set(ALL)
        for r, s in sets.items():
            keys &= (s | guess) if r == "first" else s
        if keys:
            return keys
    for drop in ("first", "surname", "middle"):
        keys = set(ALL)
        for r, s in sets.items():
            if r != drop:
                keys &= s
        if keys and len(sets) > 1:
            return keys
    return set()


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def person_key(name: PersonName) -> str:
    """Identity key: surname (nominative, ё→е, lowercase) + first initial: "шахметова ш"."""
    surname = _fold(name.surname) if name.surname else ""
    if name.first:
        initial = _fold(name.first)[:1]
    elif name.initials:
        initial = _fold(name.initials)[:1]
    else:
        initial = ""
    return f"{surname} {initial}"


def _initial_list(name: PersonName) -> tuple[str, ...]:
    return _initials(name.initials or "")


_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=50_000)
def _initials(text: str) -> tuple[str, ...]:
    # cached: identity resolution compares each new name with every known namesake
    return tuple(_fold(p) for p in _LETTERS.findall(text))


def _names_agree(a: str | None, b: str | None, ia: str | None, ib: str | None) -> bool:
    """A full name or an initial on each side: compatible unless they differ."""
    if a and b:
        return _fold(a) == _fold(b)
    xa = _fold(a)[:1] if a else ia
    xb = _fold(b)[:1] if b else ib
    return not (xa and xb) or xa == xb


def compatible(a: PersonName, b: PersonName) -> bool:
    """Could the two mentions name the same person?"""
    if a.surname and b.surname and _fold(a.surname) != _fold(b.surname):
        return False
    if a.gender and b.gender and a.gender != b.gender:
        return False
    ia, ib = _initial_list(a), _initial_list(b)
    if not _names_agree(a.first, b.first, ia[0] if ia else None, ib[0] if ib else None):
        return False
    if not _names_agree(a.middle, b.middle, ia[1] if len(ia) > 1 else None,
                        ib[1] if len(ib) > 1 else None):
        return False
    return True
