"""kgraph.names: person normal forms, gender and identity keys on hand-written sentences."""

import pytest

from kgraph.analyse import analyse
from kgraph.names import (compatible, first_name_readings, parse_person, patronymic_readings,
                          person_key, surname_readings)

SENTENCES = [
    "Руководитель библиотеки Ш.Шахметова приняла участие в работе областного семинара.",
    "На заседании клуба сделал доклад А.Жилкибеков.",
    "Председателем жюри стала Шамшигуль Кабдешевна Шахметова.",
    "Отдельную благодарность объявили Шахметовой Ш.К. за подготовку выставки.",
    "Встреча прошла в областной библиотеке им. С.Торайгырова в начале месяца.",
    "Коллеги из Омской библиотеки имени А.С.Пушкина привезли книги.",
    "Делегацию ГОНБ им. А. С. Пушкина встречали в аэропорту.",
    "Грамоту вручили вместе с Д.К. Оспановым.",
    "Большой интерес вызвал рассказ Алии Маратовны Сагындыковой о грантах.",
    "Ольга Викторовна напомнила о сроках подачи заявок.",
    "Инженер-программист Ю.Дорошенко показал новую систему.",
    "Конкурс провела методист Лариса Шевченко.",
    "Книги подарила библиотекарь Светлана Пак.",
    "Мастер-класс провела Ким С.П., а обзор подготовил Ким Ж.С.",
    "Стихи прочитала Айдана Нұрланқызы Сейтқали.",
    "Гостей приветствовал Нурлан Серикұлы Ахметов.",
    "О редких изданиях рассказала Меруерт Әбдіқадыр.",
    "По словам Касенова, новый каталог уже работает.",
    "Читатели обсудили произведения М.Ж.Копеева.",
    "Отчет о поездке представлен Жумабаевой С.А. на совете.",
    "Выставку открыла Никандрова В. А., заведующая отделом краеведения.",
    "На встрече с Гулшат Есенгелдиной звучали стихи.",
    "Слово предоставили Дастану Жакупову.",
    "Руководитель отдела методической работы А.Жилкибекова рассказала о планах.",
    "В рамках акции читали рассказы Беимбета Майлина.",
    "Отчет подготовила Айгерим Ерболовна.",
]
TEXT = "\n".join(SENTENCES)


@pytest.fixture(scope="module")
def an():
    return analyse(TEXT)


def person(an, needle, line=None, nth=0):
    """parse_person on the nth occurrence of needle (in the given sentence, if any)."""
    base = TEXT.index(SENTENCES[line]) if line is not None else 0
    start = TEXT.index(needle, base)
    for _ in range(nth):
        start = TEXT.index(needle, start + 1)
    return parse_person(an, start, start + len(needle))


def test_glued_initials_female_subject(an):
    p = person(an, "Ш.Шахметова", 0)
    assert p.normal == "Шахметова Ш."
    assert p.gender == "female"
    assert (p.surname, p.first, p.initials) == ("Шахметова", None, "Ш.")


def test_male_subject_after_verb(an):
    p = person(an, "А.Жилкибеков", 1)
    assert p.normal == "Жилкибеков А."
    assert p.gender == "male"


def test_female_in_post_apposition(an):
    p = person(an, "А.Жилкибекова", 23)
    assert p.normal == "Жилкибекова А."
    assert p.gender == "female"


def test_keys_of_one_person_agree(an):
    a = person(an, "Ш.Шахметова", 0)
    b = person(an, "Шахметовой Ш.К.", 3)
    c = person(an, "Шамшигуль Кабдешевна Шахметова", 2)
    assert b.normal == "Шахметова Ш.К."
    assert c.normal == "Шахметова Шамшигуль Кабдешевна"
    assert person_key(a) == person_key(b) == person_key(c) == "шахметова ш"
    assert compatible(a, b) and compatible(b, c) and compatible(a, c)
    assert c.initials == "Ш.К."


def test_same_surname_other_initials(an):
    a = person(an, "Ким С.П.", 13)
    b = person(an, "Ким Ж.С.", 13)
    assert a.normal == "Ким С.П." and b.normal == "Ким Ж.С."
    assert a.gender == "female" and b.gender == "male"
    assert not compatible(a, b)


def test_eponyms_are_genitive(an):
    assert person(an, "С.Торайгырова", 4).normal == "Торайгыров С."
    assert person(an, "А.С.Пушкина", 5).normal == "Пушкин А.С."
    p = person(an, "А. С. Пушкина", 6)
    assert p.normal == "Пушкин А.С." and p.gender == "male"


def test_case_endings_removed(an):
    assert person(an, "Д.К. Оспановым", 7).normal == "Оспанов Д.К."
    assert person(an, "Жумабаевой С.А.", 19).normal == "Жумабаева С.А."
    p = person(an, "Алии Маратовны Сагындыковой", 8)
    assert p.normal == "Сагындыкова Алия Маратовна"
    assert (p.surname, p.first, p.middle, p.gender) == ("Сагындыкова", "Алия", "Маратовна", "female")
    assert person(an, "Гулшат Есенгелдиной", 21).normal == "Есенгелдина Гулшат"
    assert person(an, "Дастану Жакупову", 22).normal == "Жакупов Дастан"
    assert person(an, "Беимбета Майлина", 24).normal == "Майлин Беимбет"


def test_first_name_and_patronymic_only(an):
    p = person(an, "Ольга Викторовна", 9)
    assert p.normal == "Ольга Викторовна"
    assert p.surname is None and p.gender == "female"
    assert person_key(p) == " о"
    assert person(an, "Айгерим Ерболовна", 25).normal == "Айгерим Ерболовна"


def test_indeclinable_surnames(an):
    assert person(an, "Ю.Дорошенко", 10).normal == "Дорошенко Ю."
    assert person(an, "Лариса Шевченко", 11).normal == "Шевченко Лариса"
    p = person(an, "Светлана Пак", 12)
    assert p.normal == "Пак Светлана" and p.gender == "female"
    assert person(an, "Меруерт Әбдіқадыр", 16).normal == "Әбдіқадыр Меруерт"


def test_kazakh_patronymics_kept(an):
    p = person(an, "Айдана Нұрланқызы Сейтқали", 14)
    assert p.normal == "Сейтқали Айдана Нұрланқызы"
    assert p.gender == "female"
    p = person(an, "Нурлан Серикұлы Ахметов", 15)
    assert p.normal == "Ахметов Нурлан Серикұлы"
    assert p.gender == "male"


def test_surname_alone(an):
    p = person(an, "Касенова", 17)
    assert p.normal == "Касенов" and p.gender == "male"
    assert person_key(p) == "касенов "


def test_genitive_complement_of_a_noun(an):
    assert person(an, "М.Ж.Копеева", 18).normal == "Копеев М.Ж."


def test_spaced_initials_after_surname(an):
    p = person(an, "Никандрова В. А.", 20)
    assert p.normal == "Никандрова В.А."
    assert p.gender == "female"


def test_paradigms():
    assert surname_readings("Шахметова")[("nom", "f")] == "Шахметова"
    assert surname_readings("Шахметова")[("gen", "m")] == "Шахметов"
    assert ("nom", "m") not in surname_readings("Шахметова")
    assert surname_readings("Оспановым") == {("ins", "m"): "Оспанов"}
    assert surname_readings("Достоевского")[("gen", "m")] == "Достоевский"
    assert surname_readings("Ланской")[("gen", "f")] == "Ланская"
    assert surname_readings("Пака")[("gen", "m")] == "Пак"
    assert surname_readings("Пак")[("dat", "f")] == "Пак"
    assert set(surname_readings("Дорошенко").values()) == {"Дорошенко"}
    assert first_name_readings("Айгерим")[("gen", "f")] == "Айгерим"
    assert ("nom", "m") not in first_name_readings("Салтанат")  # not pymorphy's masculine
    assert first_name_readings("Бауыржана")[("gen", "m")] == "Бауыржан"
    assert patronymic_readings("Маратовны") == {("gen", "f"): "Маратовна"}
    assert patronymic_readings("Серикқызы")[("dat", "f")] == "Серикқызы"


def test_compatible_rules():
    from kgraph.names import PersonName
    a = PersonName("Мусина", "Жанар", "Кайратовна", "Ж.К.", "female", "Мусина Жанар Кайратовна")
    b = PersonName("Мусина", None, None, "Ж.", "female", "Мусина Ж.")
    c = PersonName(None, "Жанар", "Кайратовна", "Ж.К.", "female", "Жанар Кайратовна")
    d = PersonName("Мусина", "Жанна", None, "Ж.", "female", "Мусина Жанна")
    e = PersonName("Мусин", None, None, "Ж.", "male", "Мусин Ж.")
    assert compatible(a, b) and compatible(a, c) and compatible(b, c)
    assert compatible(b, d) and not compatible(a, d)
    assert not compatible(b, e)


@pytest.mark.parametrize("text, needle, normal, gender", [
    # a list of speakers, each with a post in brackets: the middle one was read as a
    # man's genitive (`Мырзахметов Б.М.`)
    ("На заседании выступили Г.К. Жетписбаева (главный специалист НАБ), Б.М. Мырзахметова "
     "(заведующая научно-методическим отделом Абайской ОУНБ) и А.Н. Бекмаганбетова "
     "(заведующая методическим отделом СКОУНБ).", "Б.М. Мырзахметова", "Мырзахметова Б.М.",
     "female"),
    ("На семинаре выступили Е.С. Жолдасбаев (заместитель директора) и Б.М. Мырзахметова.",
     "Е.С. Жолдасбаев", "Жолдасбаев Е.С.", "male"),
])
def test_a_post_in_brackets_after_the_name(text, needle, normal, gender):
    start = text.index(needle)
    p = parse_person(analyse(text), start, start + len(needle))
    assert (p.normal, p.gender) == (normal, gender)
