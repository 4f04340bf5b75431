"""Relation rules (kgraph.relations) on sentences written for these tests.

Each test builds the mentions by hand (as the entity stage would) and checks the
relations of one construction of the genre. Natasha loads once per session.
"""

from __future__ import annotations

import pytest

from kgraph.model import Mention, Report
from kgraph.relations import extract_relations


@pytest.fixture(scope="module")
def analyse():
    from kgraph.analyse import analyse as _analyse
    _analyse("Прогрев моделей.")  # load the models once for the module
    return _analyse


def mentions(text: str, spec: list[tuple]) -> list[Mention]:
    """spec: (type, surface) or (type, surface, n) for the n-th occurrence (0-based);
    normal = the surface unless given as a 4th item."""
    out = []
    for k, item in enumerate(spec):
        typ, surface = item[0], item[1]
        nth = item[2] if len(item) > 2 else 0
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        normal = item[3] if len(item) > 3 else surface
        out.append(Mention(id=f"T{k + 1}", type=typ, start=start, end=start + len(surface),
                           text=surface, normal=normal))
    return out


def run(analyse, text, spec, source=None):
    ms = mentions(text, spec)
    report = Report(path="t.txt", id="t", text=text, source=source)
    rels = extract_relations(analyse(text), ms, report)
    by = {m.id: m for m in ms}
    facts = {(by[r.head].text, r.type, by[r.tail].text) for r in rels}
    roles = {(by[r.head].text, r.type, by[r.tail].text): r.role for r in rels}
    return facts, roles


# --------------------------------------------------------------------------
# posts


def test_post_before_name_gives_post_workplaces_and_unit(analyse):
    text = ("Заведующая отделом обслуживания Каркаралинской центральной библиотеки "
            "Айгуль Нурлановна Серикова провела для читателей беседу.")
    facts, _ = run(analyse, text, [
        ("PROFESSION", "Заведующая отделом обслуживания Каркаралинской центральной библиотеки"),
        ("ORGANIZATION", "отделом обслуживания"),
        ("ORGANIZATION", "Каркаралинской центральной библиотеки"),
        ("PERSON", "Айгуль Нурлановна Серикова"),
    ])
    person = "Айгуль Нурлановна Серикова"
    assert (person, "WORKS_AS",
            "Заведующая отделом обслуживания Каркаралинской центральной библиотеки") in facts
    assert (person, "WORKPLACE", "отделом обслуживания") in facts
    assert (person, "WORKPLACE", "Каркаралинской центральной библиотеки") in facts
    assert ("отделом обслуживания", "PART_OF", "Каркаралинской центральной библиотеки") in facts


def test_post_after_name_and_unit_of_the_reporting_library(analyse):
    text = ("Костанайская областная библиотека подвела итоги года.\n"
            "Иван Петрович Орлов, главный библиотекарь сектора редких книг, рассказал "
            "коллегам о новых поступлениях.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Костанайская областная библиотека"),
        ("PERSON", "Иван Петрович Орлов"),
        ("PROFESSION", "главный библиотекарь сектора редких книг"),
        ("ORGANIZATION", "сектора редких книг"),
    ])
    assert ("Иван Петрович Орлов", "WORKS_AS", "главный библиотекарь сектора редких книг") in facts
    assert ("Иван Петрович Орлов", "WORKPLACE", "сектора редких книг") in facts
    # a unit with no parent named belongs to the library the report is about
    assert ("сектора редких книг", "PART_OF", "Костанайская областная библиотека") in facts


def test_report_source_chooses_the_home_library(analyse):
    text = ("Специалисты краевой библиотеки посетили городскую библиотеку.\n"
            "Заведующая отделом комплектования Мария Ивановна Белова показала гостям фонды.")
    spec = [
        ("ORGANIZATION", "краевой библиотеки"),
        ("ORGANIZATION", "городскую библиотеку", 0, "городская библиотека"),
        ("PROFESSION", "Заведующая отделом комплектования"),
        ("ORGANIZATION", "отделом комплектования"),
        ("PERSON", "Мария Ивановна Белова"),
    ]
    facts, _ = run(analyse, text, spec, source="городская библиотека")
    assert ("отделом комплектования", "PART_OF", "городскую библиотеку") in facts
    assert ("отделом комплектования", "PART_OF", "краевой библиотеки") not in facts


# --------------------------------------------------------------------------
# attendance


def test_took_part_in_an_event(analyse):
    text = ("Библиотекарь Гульнара Ахметова приняла участие в областном семинаре "
            "«Чтение в цифровую эпоху».")
    facts, roles = run(analyse, text, [
        ("PROFESSION", "Библиотекарь"),
        ("PERSON", "Гульнара Ахметова"),
        ("EVENT", "областном семинаре «Чтение в цифровую эпоху»"),
    ])
    fact = ("Гульнара Ахметова", "PARTICIPANT_IN", "областном семинаре «Чтение в цифровую эпоху»")
    assert fact in facts
    assert roles[fact] == "participant"


def test_an_organisation_takes_part_but_not_through_its_staff(analyse):
    text = ("Районная детская библиотека приняла участие в акции «Читаем вместе». "
            "Сотрудники городской библиотеки приняли участие в конкурсе «Книжный марафон».")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Районная детская библиотека"),
        ("EVENT", "акции «Читаем вместе»"),
        ("ORGANIZATION", "городской библиотеки"),
        ("EVENT", "конкурсе «Книжный марафон»"),
    ])
    assert ("Районная детская библиотека", "PARTICIPANT_IN", "акции «Читаем вместе»") in facts
    assert not any(f[0] == "городской библиотеки" and f[1] == "PARTICIPANT_IN" for f in facts)


def test_delegation_members_and_its_head(analyse):
    text = ("10 июня в г. Омске открылся библиотечный форум «Сибирь читает».\n"
            "В состав делегации вошли методист Ольга Ким и библиограф Артем Лунев. "
            "Делегацию возглавила Светлана Борисовна Жукова.")
    facts, roles = run(analyse, text, [
        ("DATE", "10 июня"),
        ("LOCATION", "г. Омске", 0, "Омск"),
        ("EVENT", "библиотечный форум «Сибирь читает»"),
        ("PROFESSION", "методист"),
        ("PERSON", "Ольга Ким"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Артем Лунев"),
        ("PERSON", "Светлана Борисовна Жукова"),
    ])
    forum = "библиотечный форум «Сибирь читает»"
    for person in ("Ольга Ким", "Артем Лунев"):
        assert (person, "PARTICIPANT_IN", forum) in facts
        assert roles[(person, "PARTICIPANT_IN", forum)] == "delegate"
    assert roles[("Светлана Борисовна Жукова", "PARTICIPANT_IN", forum)] == "head-of-delegation"
    assert (forum, "TAKES_PLACE_IN", "г. Омске") in facts
    assert (forum, "POINT_IN_TIME", "10 июня") in facts


def test_member_of_a_delegation_of_an_organisation(analyse):
    text = ("Директор Марина Лосева в составе делегации областной библиотеки работала "
            "на Международной книжной ярмарке «Книга Евразии».")
    facts, roles = run(analyse, text, [
        ("PROFESSION", "Директор"),
        ("PERSON", "Марина Лосева"),
        ("ORGANIZATION", "областной библиотеки"),
        ("EVENT", "Международной книжной ярмарке «Книга Евразии»"),
    ])
    fair = "Международной книжной ярмарке «Книга Евразии»"
    assert roles[("Марина Лосева", "PARTICIPANT_IN", fair)] == "delegate"
    assert ("областной библиотеки", "PARTICIPANT_IN", fair) in facts
    assert not any(f[1] == "WORKPLACE" for f in facts)  # not inferred from a delegation


def test_moderator_of_the_event_in_focus(analyse):
    text = ("5 февраля в Центральной городской библиотеке состоялся круглый стол "
            "«Библиотека и школа».\n"
            "Модератором выступила заведующая читальным залом Асель Жумабаева.")
    facts, roles = run(analyse, text, [
        ("DATE", "5 февраля"),
        ("ORGANIZATION", "Центральной городской библиотеке"),
        ("EVENT", "круглый стол «Библиотека и школа»"),
        ("PROFESSION", "заведующая читальным залом"),
        ("PERSON", "Асель Жумабаева"),
    ])
    fact = ("Асель Жумабаева", "PARTICIPANT_IN", "круглый стол «Библиотека и школа»")
    assert fact in facts and roles[fact] == "moderator"
    assert ("круглый стол «Библиотека и школа»", "TAKES_PLACE_IN",
            "Центральной городской библиотеке") in facts


def test_speakers_with_a_talk(analyse):
    text = ("На конференции «Книжная культура региона» с докладами выступили краевед "
            "Нурлан Сеитов и доцент Елена Варламова.")
    facts, roles = run(analyse, text, [
        ("EVENT", "конференции «Книжная культура региона»"),
        ("PROFESSION", "краевед"),
        ("PERSON", "Нурлан Сеитов"),
        ("PROFESSION", "доцент"),
        ("PERSON", "Елена Варламова"),
    ])
    for person in ("Нурлан Сеитов", "Елена Варламова"):
        fact = (person, "PARTICIPANT_IN", "конференции «Книжная культура региона»")
        assert fact in facts and roles[fact] == "speaker"
    assert ("Елена Варламова", "WORKS_AS", "доцент") in facts


def test_jury_of_a_competition(analyse):
    text = ("Подведены итоги районного конкурса «Лучший читатель года». В жюри конкурса "
            "вошли писатель Бауыржан Омаров и библиотекарь Дана Исаева.")
    facts, roles = run(analyse, text, [
        ("EVENT", "районного конкурса «Лучший читатель года»"),
        ("PROFESSION", "писатель"),
        ("PERSON", "Бауыржан Омаров"),
        ("PROFESSION", "библиотекарь"),
        ("PERSON", "Дана Исаева"),
    ])
    fact = ("Бауыржан Омаров", "PARTICIPANT_IN", "районного конкурса «Лучший читатель года»")
    assert fact in facts and roles[fact] == "jury"


def test_part_of_an_event_implies_the_whole(analyse):
    text = ("В Национальной библиотеке прошел Форум молодых библиотекарей. "
            "Светлана Юрьевна Глебова провела мастер-класс «Сторителлинг в библиотеке».")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Национальной библиотеке"),
        ("EVENT", "Форум молодых библиотекарей"),
        ("PERSON", "Светлана Юрьевна Глебова"),
        ("EVENT", "мастер-класс «Сторителлинг в библиотеке»"),
    ])
    person, mk = "Светлана Юрьевна Глебова", "мастер-класс «Сторителлинг в библиотеке»"
    assert (person, "ORGANIZES", mk) in facts
    assert (person, "PARTICIPANT_IN", mk) in facts
    assert (person, "PARTICIPANT_IN", "Форум молодых библиотекарей") in facts


def test_guest_of_a_meeting(analyse):
    text = "В библиотеке прошла литературная встреча с поэтом Маратом Жанузаковым."
    facts, roles = run(analyse, text, [
        ("EVENT", "литературная встреча"),
        ("PROFESSION", "поэтом"),
        ("PERSON", "Маратом Жанузаковым"),
    ])
    fact = ("Маратом Жанузаковым", "PARTICIPANT_IN", "литературная встреча")
    assert fact in facts and roles[fact] == "guest"


# --------------------------------------------------------------------------
# organisers


def test_organisers_but_not_sponsors(analyse):
    text = ("Организаторами фестиваля «Степные чтения» выступили областная библиотека и "
            "отдел культуры акимата при поддержке Фонда развития языков.")
    facts, roles = run(analyse, text, [
        ("EVENT", "фестиваля «Степные чтения»"),
        ("ORGANIZATION", "областная библиотека"),
        ("ORGANIZATION", "отдел культуры акимата"),
        ("ORGANIZATION", "Фонда развития языков"),
    ])
    fest = "фестиваля «Степные чтения»"
    assert ("областная библиотека", "ORGANIZES", fest) in facts
    assert roles[("областная библиотека", "ORGANIZES", fest)] == "organiser"
    assert ("отдел культуры акимата", "ORGANIZES", fest) in facts
    assert ("Фонда развития языков", "ORGANIZES", fest) not in facts


def test_organised_jointly_with_a_partner(analyse):
    text = ("Квест «Тайны старой книги» организовал городской музей совместно с "
            "молодежным центром «Шанырак».")
    facts, _ = run(analyse, text, [
        ("EVENT", "Квест «Тайны старой книги»"),
        ("ORGANIZATION", "городской музей"),
        ("ORGANIZATION", "молодежным центром «Шанырак»"),
    ])
    assert ("городской музей", "ORGANIZES", "Квест «Тайны старой книги»") in facts
    assert ("молодежным центром «Шанырак»", "ORGANIZES", "Квест «Тайны старой книги»") in facts


def test_the_owner_in_the_event_name_organises_it(analyse):
    text = "Елена Морозова выступила на заседании Президиума Российской библиотечной ассоциации."
    facts, _ = run(analyse, text, [
        ("PERSON", "Елена Морозова"),
        ("EVENT", "заседании Президиума Российской библиотечной ассоциации"),
        ("ORGANIZATION", "Президиума Российской библиотечной ассоциации"),
        ("ORGANIZATION", "Российской библиотечной ассоциации"),
    ])
    ev = "заседании Президиума Российской библиотечной ассоциации"
    assert ("Президиума Российской библиотечной ассоциации", "ORGANIZES", ev) in facts
    assert ("Российской библиотечной ассоциации", "ORGANIZES", ev) not in facts
    assert ("Елена Морозова", "PARTICIPANT_IN", ev) in facts


# --------------------------------------------------------------------------
# places and dates


def test_venue_organisation_and_settlement(analyse):
    text = "20 марта в ЦГБ г.Кокшетау состоялся областной семинар библиотекарей."
    facts, _ = run(analyse, text, [
        ("DATE", "20 марта"),
        ("ORGANIZATION", "ЦГБ"),
        ("LOCATION", "г.Кокшетау", 0, "Кокшетау"),
        ("EVENT", "областной семинар библиотекарей"),
    ])
    sem = "областной семинар библиотекарей"
    assert (sem, "TAKES_PLACE_IN", "ЦГБ") in facts
    assert (sem, "TAKES_PLACE_IN", "г.Кокшетау") in facts
    assert ("ЦГБ", "LOCATED_IN", "г.Кокшетау") in facts
    assert (sem, "POINT_IN_TIME", "20 марта") in facts


def test_no_region_when_a_settlement_is_given(analyse):
    text = ("Выставка «Мастера Алтая» прошла в г.Бийске Алтайского края, "
            "а затем ее показали в Национальной библиотеке Республики Алтай.")
    facts, _ = run(analyse, text, [
        ("EVENT", "Выставка «Мастера Алтая»"),
        ("LOCATION", "г.Бийске", 0, "Бийск"),
        ("LOCATION", "Алтайского края", 0, "Алтайский край"),
        ("ORGANIZATION", "Национальной библиотеке Республики Алтай"),
        ("LOCATION", "Республики Алтай", 0, "Республика Алтай"),
    ])
    ex = "Выставка «Мастера Алтая»"
    assert (ex, "TAKES_PLACE_IN", "г.Бийске") in facts
    assert (ex, "TAKES_PLACE_IN", "Алтайского края") not in facts
    assert ("г.Бийске", "LOCATED_IN", "Алтайского края") in facts
    assert ("Национальной библиотеке Республики Алтай", "LOCATED_IN", "Республики Алтай") in facts


def test_relative_clause_of_the_event_gives_place_and_date(analyse):
    text = ("Заведующая сектором Инна Глушко рассказала о Дне открытых дверей, который "
            "прошел 3 мая в Карагандинской областной библиотеке.")
    facts, _ = run(analyse, text, [
        ("PROFESSION", "Заведующая сектором"),
        ("ORGANIZATION", "сектором"),
        ("PERSON", "Инна Глушко"),
        ("EVENT", "Дне открытых дверей"),
        ("DATE", "3 мая"),
        ("ORGANIZATION", "Карагандинской областной библиотеке"),
    ])
    day = "Дне открытых дверей"
    assert (day, "TAKES_PLACE_IN", "Карагандинской областной библиотеке") in facts
    assert (day, "POINT_IN_TIME", "3 мая") in facts
    # telling about an event is not attending it
    assert ("Инна Глушко", "PARTICIPANT_IN", day) not in facts


def test_dates_that_are_not_the_time_of_the_event(analyse):
    text = ("Костанай, 12.04.2024\n"
            "На совещании «Итоги года» директор Павел Гусев представил итоги 2023 года. "
            "Выставка «Книги-юбиляры» будет работать до 30 июня.")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Костанай"),
        ("DATE", "12.04.2024"),
        ("EVENT", "совещании «Итоги года»"),
        ("PROFESSION", "директор"),
        ("PERSON", "Павел Гусев"),
        ("DATE", "2023 года"),
        ("EVENT", "Выставка «Книги-юбиляры»"),
        ("DATE", "30 июня"),
    ])
    assert not any(f[1] == "POINT_IN_TIME" for f in facts)
    assert ("Павел Гусев", "PARTICIPANT_IN", "совещании «Итоги года»") in facts


# --------------------------------------------------------------------------
# reporting back at an in-house day (GUIDE §6)

REPORT_BACK = (
    "12 декабря в областной библиотеке прошел день профессионального роста по итогам "
    "командировок специалистов.\n"
    "Главный библиотекарь Жанна Тулегенова поделилась впечатлениями о поездке на "
    "республиканский форум «Библиотека будущего».\n"
    "Ведущий методист Ольга Пак сделала обзор материалов вебинара «Детское чтение», "
    "запись которого размещена на сайте Национальной библиотеки.\n"
)
REPORT_BACK_SPEC = [
    ("DATE", "12 декабря"),
    ("ORGANIZATION", "областной библиотеке"),
    ("EVENT", "день профессионального роста"),
    ("PROFESSION", "Главный библиотекарь"),
    ("PERSON", "Жанна Тулегенова"),
    ("EVENT", "республиканский форум «Библиотека будущего»"),
    ("PROFESSION", "Ведущий методист"),
    ("PERSON", "Ольга Пак"),
    ("EVENT", "вебинара «Детское чтение»"),
    ("ORGANIZATION", "Национальной библиотеки"),
]


def test_report_back_with_own_trip_attends_both(analyse):
    facts, _ = run(analyse, REPORT_BACK, REPORT_BACK_SPEC)
    assert ("Жанна Тулегенова", "PARTICIPANT_IN", "день профессионального роста") in facts
    assert ("Жанна Тулегенова", "PARTICIPANT_IN",
            "республиканский форум «Библиотека будущего»") in facts


def test_report_back_on_materials_only_attends_the_inhouse_day_only(analyse):
    facts, _ = run(analyse, REPORT_BACK, REPORT_BACK_SPEC)
    assert ("Ольга Пак", "PARTICIPANT_IN", "день профессионального роста") in facts
    assert ("Ольга Пак", "PARTICIPANT_IN", "вебинара «Детское чтение»") not in facts


def test_summary_from_published_materials_is_not_attendance(analyse):
    text = ("3 марта в библиотеке прошла методическая учеба по итогам выездов сотрудников.\n"
            "Заведующая отделом Раиса Мухина кратко изложила решения Всероссийского "
            "библиотечного конгресса, опираясь на опубликованные материалы.")
    facts, _ = run(analyse, text, [
        ("DATE", "3 марта"),
        ("EVENT", "методическая учеба по итогам выездов сотрудников"),
        ("PROFESSION", "Заведующая отделом"),
        ("ORGANIZATION", "отделом"),
        ("PERSON", "Раиса Мухина"),
        ("EVENT", "Всероссийского библиотечного конгресса"),
    ])
    assert ("Раиса Мухина", "PARTICIPANT_IN",
            "методическая учеба по итогам выездов сотрудников") in facts
    assert ("Раиса Мухина", "PARTICIPANT_IN", "Всероссийского библиотечного конгресса") not in facts


# --------------------------------------------------------------------------
# names


def test_abbreviation_in_brackets_is_an_alternative_name(analyse):
    text = ("Казахстанский библиотечный союз (КБС) провел вебинар для сельских "
            "библиотекарей.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Казахстанский библиотечный союз"),
        ("ORGANIZATION", "КБС"),
        ("EVENT", "вебинар для сельских библиотекарей"),
    ])
    assert ("КБС", "ALTERNATIVE_NAME", "Казахстанский библиотечный союз") in facts
    assert ("Казахстанский библиотечный союз", "ORGANIZES",
            "вебинар для сельских библиотекарей") in facts


def test_a_place_in_brackets_is_not_an_alternative_name(analyse):
    text = "Семинар прошел в Областной научной библиотеке (г. Уральск)."
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Областной научной библиотеке"),
        ("LOCATION", "г. Уральск", 0, "Уральск"),
    ])
    assert ("Областной научной библиотеке", "LOCATED_IN", "г. Уральск") in facts
    assert not any(f[1] == "ALTERNATIVE_NAME" for f in facts)


def test_one_fact_per_entity_pair(analyse):
    text = ("Заведующая отделом Айжан Бекова выступила на форуме «Книга и город». "
            "На форуме «Книга и город» Айжан Бекова также провела презентацию.")
    ms = mentions(text, [
        ("PROFESSION", "Заведующая отделом"),
        ("ORGANIZATION", "отделом"),
        ("PERSON", "Айжан Бекова", 0),
        ("EVENT", "форуме «Книга и город»", 0),
        ("EVENT", "форуме «Книга и город»", 1),
        ("PERSON", "Айжан Бекова", 1),
    ])
    rels = extract_relations(analyse(text), ms, Report(path="t", id="t", text=text))
    attendance = [r for r in rels if r.type == "PARTICIPANT_IN"]
    assert len(attendance) == 1
    # the most explicit pair: the first sentence names both in one clause
    assert (attendance[0].head, attendance[0].tail) == ("T3", "T4")


def test_a_list_after_a_colon_shares_its_predicate(analyse):
    text = ("15 мая в районной библиотеке прошло совещание «Летнее чтение».\n"
            "С сообщениями выступили: библиотекарь Асем Жакупова; методист Олжас Каримов.")
    facts, roles = run(analyse, text, [
        ("DATE", "15 мая"),
        ("ORGANIZATION", "районной библиотеке"),
        ("EVENT", "совещание «Летнее чтение»"),
        ("PROFESSION", "библиотекарь"),
        ("PERSON", "Асем Жакупова"),
        ("PROFESSION", "методист"),
        ("PERSON", "Олжас Каримов"),
    ])
    for person in ("Асем Жакупова", "Олжас Каримов"):
        fact = (person, "PARTICIPANT_IN", "совещание «Летнее чтение»")
        assert fact in facts and roles[fact] == "speaker"


def test_workplace_named_next_to_the_person(analyse):
    text = ("В дискуссии «Библиотека без стен» участвовали Марат Исин (Костанайская областная "
            "библиотека) и Анна Грин из Челябинской областной библиотеки.")
    facts, _ = run(analyse, text, [
        ("EVENT", "дискуссии «Библиотека без стен»"),
        ("PERSON", "Марат Исин"),
        ("ORGANIZATION", "Костанайская областная библиотека"),
        ("PERSON", "Анна Грин"),
        ("ORGANIZATION", "Челябинской областной библиотеки"),
    ])
    assert ("Марат Исин", "WORKPLACE", "Костанайская областная библиотека") in facts
    assert ("Анна Грин", "WORKPLACE", "Челябинской областной библиотеки") in facts
    assert ("Анна Грин", "PARTICIPANT_IN", "дискуссии «Библиотека без стен»") in facts
    # named next to their people, the libraries themselves do not take part
    assert not any(f[0] == "Костанайская областная библиотека" and f[1] == "PARTICIPANT_IN"
                   for f in facts)


def test_planned_event_is_neither_organised_nor_attended(analyse):
    text = ("Директор Самат Нуров предложил провести в сентябре фестиваль "
            "«Читающий город».")
    facts, _ = run(analyse, text, [
        ("PROFESSION", "Директор"),
        ("PERSON", "Самат Нуров"),
        ("DATE", "в сентябре"),
        ("EVENT", "фестиваль «Читающий город»"),
    ])
    assert ("фестиваль «Читающий город»", "POINT_IN_TIME", "в сентябре") in facts
    assert not any(f[0] == "Самат Нуров" and f[1] in ("ORGANIZES", "PARTICIPANT_IN")
                   for f in facts)


# --------------------------------------------------------------------------
# attendance in less usual wording (each construction with a near miss)

FORUM = ("С 14 по 15 мая в Костанайской областной библиотеке прошел форум "
         "«Книжная степь».\n")
FORUM_SPEC = [
    ("DATE", "С 14 по 15 мая"),
    ("ORGANIZATION", "Костанайской областной библиотеке"),
    ("EVENT", "форум «Книжная степь»"),
]
FORUM_EV = "форум «Книжная степь»"


def test_object_first_moderated_section(analyse):
    text = FORUM + ("Секцию «Краеведение онлайн» модерировала Айнур Сапарова (Тургайская "
                    "районная библиотека).")
    facts, roles = run(analyse, text, FORUM_SPEC + [
        ("EVENT", "Секцию «Краеведение онлайн»"),
        ("PERSON", "Айнур Сапарова"),
        ("ORGANIZATION", "Тургайская районная библиотека"),
    ])
    section = "Секцию «Краеведение онлайн»"
    assert roles[("Айнур Сапарова", "PARTICIPANT_IN", section)] == "moderator"
    assert ("Айнур Сапарова", "PARTICIPANT_IN", FORUM_EV) in facts
    assert ("Айнур Сапарова", "WORKPLACE", "Тургайская районная библиотека") in facts
    # the library in brackets is the moderator's, it does not take part itself
    assert ("Тургайская районная библиотека", "PARTICIPANT_IN", section) not in facts


def test_object_first_anaphor_opened_and_led(analyse):
    text = FORUM + ("Форум открыла заместитель акима области Дина Ержанова. Круглый стол "
                    "вел библиограф Тимур Оспанов.")
    facts, roles = run(analyse, text, FORUM_SPEC + [
        ("PROFESSION", "заместитель акима области"),
        ("PERSON", "Дина Ержанова"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Тимур Оспанов"),
    ])
    assert ("Дина Ержанова", "PARTICIPANT_IN", FORUM_EV) in facts
    assert roles[("Тимур Оспанов", "PARTICIPANT_IN", FORUM_EV)] == "moderator"


def test_object_first_organised_by_an_organisation(analyse):
    text = ("В апреле в районе прошел отборочный этап конкурса «Знатоки книги».\n"
            "Этап организовала Аулиекольская районная ЦБС при поддержке отдела культуры.")
    facts, _ = run(analyse, text, [
        ("DATE", "В апреле"),
        ("EVENT", "отборочный этап конкурса «Знатоки книги»"),
        ("EVENT", "конкурса «Знатоки книги»"),
        ("ORGANIZATION", "Аулиекольская районная ЦБС"),
        ("ORGANIZATION", "отдела культуры"),
    ])
    stage = "отборочный этап конкурса «Знатоки книги»"
    assert ("Аулиекольская районная ЦБС", "ORGANIZES", stage) in facts
    assert ("отдела культуры", "ORGANIZES", stage) not in facts
    # an organiser is not a participant
    assert ("Аулиекольская районная ЦБС", "PARTICIPANT_IN", stage) not in facts


def test_pronoun_for_the_event_in_its_work(analyse):
    text = ("20 апреля в областной библиотеке прошел семинар «Фонд и читатель». В его работе "
            "приняли участие библиотекари Ирина Козлова и Тимур Абенов.")
    facts, _ = run(analyse, text, [
        ("DATE", "20 апреля"),
        ("ORGANIZATION", "областной библиотеке"),
        ("EVENT", "семинар «Фонд и читатель»"),
        ("PROFESSION", "библиотекари"),
        ("PERSON", "Ирина Козлова"),
        ("PERSON", "Тимур Абенов"),
    ])
    for person in ("Ирина Козлова", "Тимур Абенов"):
        assert (person, "PARTICIPANT_IN", "семинар «Фонд и читатель»") in facts


def test_pronoun_agrees_with_the_last_event_of_its_gender(analyse):
    text = ("В Уральске прошел съезд библиотекарей области. В рамках съезда работала секция "
            "«Детское чтение». На ней с сообщением выступила Лариса Котова.")
    facts, roles = run(analyse, text, [
        ("LOCATION", "Уральске", 0, "Уральск"),
        ("EVENT", "съезд библиотекарей области"),
        ("EVENT", "секция «Детское чтение»"),
        ("PERSON", "Лариса Котова"),
    ])
    assert roles[("Лариса Котова", "PARTICIPANT_IN", "секция «Детское чтение»")] == "speaker"
    assert ("Лариса Котова", "PARTICIPANT_IN", "съезд библиотекарей области") in facts


def test_pronoun_neuter_event(analyse):
    text = ("В марте состоялось выездное заседание методического совета. В нем участвовали "
            "директор ЦБС Роза Ахметова и методист Павел Зуев.")
    facts, _ = run(analyse, text, [
        ("DATE", "В марте"),
        ("EVENT", "выездное заседание методического совета"),
        ("ORGANIZATION", "методического совета"),
        ("PROFESSION", "директор ЦБС"),
        ("ORGANIZATION", "ЦБС"),
        ("PERSON", "Роза Ахметова"),
        ("PROFESSION", "методист"),
        ("PERSON", "Павел Зуев"),
    ])
    ev = "выездное заседание методического совета"
    assert ("Роза Ахметова", "PARTICIPANT_IN", ev) in facts
    assert ("Павел Зуев", "PARTICIPANT_IN", ev) in facts


def test_relative_clause_of_own_participation_at_an_inhouse_day(analyse):
    text = ("15 марта в ЦБС прошла производственная учеба.\n"
            "Методист Алия Бекова рассказала о работе круглого стола «Библиотека и семья», "
            "в котором участвовала.")
    facts, _ = run(analyse, text, [
        ("DATE", "15 марта"),
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "производственная учеба"),
        ("PROFESSION", "Методист"),
        ("PERSON", "Алия Бекова"),
        ("EVENT", "круглого стола «Библиотека и семья»"),
    ])
    assert ("Алия Бекова", "PARTICIPANT_IN", "производственная учеба") in facts
    assert ("Алия Бекова", "PARTICIPANT_IN", "круглого стола «Библиотека и семья»") in facts


def test_negated_participation_is_no_participation(analyse):
    text = ("15 марта в ЦБС прошла производственная учеба.\n"
            "Библиограф Сауле Омарова сделала обзор вебинара «Читающая Сибирь». Сама она в "
            "вебинаре не участвовала.")
    facts, _ = run(analyse, text, [
        ("DATE", "15 марта"),
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "производственная учеба"),
        ("PROFESSION", "Библиограф"),
        ("PERSON", "Сауле Омарова"),
        ("EVENT", "вебинара «Читающая Сибирь»"),
    ])
    assert ("Сауле Омарова", "PARTICIPANT_IN", "вебинара «Читающая Сибирь»") not in facts


def test_person_as_object_elected_by_the_participants(analyse):
    text = FORUM + ("Светлану Рахимову участники форума избрали в рабочую группу. "
                    "Председателем жюри конкурса эссе избрали Нину Петровну Гаврилову.")
    facts, roles = run(analyse, text, FORUM_SPEC + [
        ("PERSON", "Светлану Рахимову"),
        ("EVENT", "конкурса эссе"),
        ("PERSON", "Нину Петровну Гаврилову"),
    ])
    assert ("Светлану Рахимову", "PARTICIPANT_IN", FORUM_EV) in facts
    assert roles[("Нину Петровну Гаврилову", "PARTICIPANT_IN", "конкурса эссе")] == "jury"


def test_a_person_thanked_is_not_a_participant(analyse):
    text = FORUM + "Участники форума поблагодарили Ивана Соколова за помощь в издании сборника."
    facts, _ = run(analyse, text, FORUM_SPEC + [("PERSON", "Ивана Соколова")])
    assert ("Ивана Соколова", "PARTICIPANT_IN", FORUM_EV) not in facts


def test_acting_in_the_frame_of_an_event(analyse):
    text = ("В ЦРБ прошла церемония награждения победителей конкурса «Читающая семья».\n"
            "Директор Галина Ивановна Рябова на церемонии поблагодарила родителей. Во время "
            "семинара «Цифровой каталог» Игорь Ли показал коллегам новую программу.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "ЦРБ"),
        ("EVENT", "церемония награждения победителей конкурса «Читающая семья»"),
        ("EVENT", "конкурса «Читающая семья»"),
        ("PROFESSION", "Директор"),
        ("PERSON", "Галина Ивановна Рябова"),
        ("EVENT", "семинара «Цифровой каталог»"),
        ("PERSON", "Игорь Ли"),
    ])
    cer = "церемония награждения победителей конкурса «Читающая семья»"
    assert ("Галина Ивановна Рябова", "PARTICIPANT_IN", cer) in facts
    assert ("Игорь Ли", "PARTICIPANT_IN", "семинара «Цифровой каталог»") in facts
    assert ("Игорь Ли", "PARTICIPANT_IN", cer) not in facts


def test_guest_formulas(analyse):
    text = ("В ЦБС прошла производственная учеба «Новые формы работы».\n"
            "Гостем учебы стала методист областной библиотеки Ксения Орлова. Почетными "
            "гостями были ветеран труда Мария Лим и поэт Ерлан Жунусов.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "производственная учеба «Новые формы работы»"),
        ("PROFESSION", "методист областной библиотеки"),
        ("ORGANIZATION", "областной библиотеки"),
        ("PERSON", "Ксения Орлова"),
        ("PROFESSION", "ветеран труда"),
        ("PERSON", "Мария Лим"),
        ("PROFESSION", "поэт"),
        ("PERSON", "Ерлан Жунусов"),
    ])
    ev = "производственная учеба «Новые формы работы»"
    assert roles[("Ксения Орлова", "PARTICIPANT_IN", ev)] == "guest"
    assert ("Ксения Орлова", "WORKPLACE", "областной библиотеки") in facts
    assert ("Мария Лим", "PARTICIPANT_IN", ev) in facts
    assert ("Ерлан Жунусов", "PARTICIPANT_IN", ev) in facts


def test_conducted_a_part_in_the_frame_of_an_event(analyse):
    text = ("В Омске прошла межрегиональная конференция «Библиотека и музей».\n"
            "Заведующая отделом Наталья Фомина провела в рамках конференции мастер-класс "
            "«Квест в библиотеке».")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Омске", 0, "Омск"),
        ("EVENT", "межрегиональная конференция «Библиотека и музей»"),
        ("PROFESSION", "Заведующая отделом"),
        ("ORGANIZATION", "отделом"),
        ("PERSON", "Наталья Фомина"),
        ("EVENT", "мастер-класс «Квест в библиотеке»"),
    ])
    mk = "мастер-класс «Квест в библиотеке»"
    conf = "межрегиональная конференция «Библиотека и музей»"
    assert ("Наталья Фомина", "ORGANIZES", mk) in facts
    assert ("Наталья Фомина", "PARTICIPANT_IN", mk) in facts
    assert ("Наталья Фомина", "PARTICIPANT_IN", conf) in facts
    assert ("Наталья Фомина", "ORGANIZES", conf) not in facts


def test_passive_participle_and_short_passive_organiser(analyse):
    text = ("В фойе открылась выставка «Старопечатные книги», подготовленная отделом редких "
            "книг. Конкурс чтецов «Живое слово», организованный Детской библиотекой и "
            "отделом образования, прошел в мае. Выставка «Степь в лицах» подготовлена "
            "сектором краеведения.")
    facts, _ = run(analyse, text, [
        ("EVENT", "выставка «Старопечатные книги»"),
        ("ORGANIZATION", "отделом редких книг"),
        ("EVENT", "Конкурс чтецов «Живое слово»"),
        ("ORGANIZATION", "Детской библиотекой"),
        ("ORGANIZATION", "отделом образования"),
        ("DATE", "в мае"),
        ("EVENT", "Выставка «Степь в лицах»"),
        ("ORGANIZATION", "сектором краеведения"),
    ])
    assert ("отделом редких книг", "ORGANIZES", "выставка «Старопечатные книги»") in facts
    assert ("Детской библиотекой", "ORGANIZES", "Конкурс чтецов «Живое слово»") in facts
    assert ("отделом образования", "ORGANIZES", "Конкурс чтецов «Живое слово»") in facts
    assert ("сектором краеведения", "ORGANIZES", "Выставка «Степь в лицах»") in facts


def test_dedicated_to_a_person_is_not_organised_by_them(analyse):
    text = ("В библиотеке открылась выставка «Слово о поэте», посвященная Мукагали Макатаеву.")
    facts, _ = run(analyse, text, [
        ("EVENT", "выставка «Слово о поэте»"),
        ("PERSON", "Мукагали Макатаеву"),
    ])
    assert not any(f[0] == "Мукагали Макатаеву" for f in facts)


def test_three_speakers_with_reports(analyse):
    text = FORUM + ("С докладами выступили Алия Нурова, Борис Ким (Рудненская ЦБС) и "
                    "заведующая отделом Вера Лапина.")
    facts, roles = run(analyse, text, FORUM_SPEC + [
        ("PERSON", "Алия Нурова"),
        ("PERSON", "Борис Ким"),
        ("ORGANIZATION", "Рудненская ЦБС"),
        ("PROFESSION", "заведующая отделом"),
        ("ORGANIZATION", "отделом"),
        ("PERSON", "Вера Лапина"),
    ])
    for person in ("Алия Нурова", "Борис Ким", "Вера Лапина"):
        assert roles[(person, "PARTICIPANT_IN", FORUM_EV)] == "speaker"
    assert ("Рудненская ЦБС", "PARTICIPANT_IN", FORUM_EV) not in facts


def test_speakers_listed_after_a_colon_with_topics(analyse):
    text = FORUM + ("Выступили: заведующая сектором Анна Белова (ЦГБ) – о летнем чтении; "
                    "библиограф Марат Исаев – о краеведческих базах; методист Вера Ткач.")
    facts, roles = run(analyse, text, FORUM_SPEC + [
        ("PROFESSION", "заведующая сектором"),
        ("ORGANIZATION", "сектором"),
        ("PERSON", "Анна Белова"),
        ("ORGANIZATION", "ЦГБ"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Марат Исаев"),
        ("PROFESSION", "методист"),
        ("PERSON", "Вера Ткач"),
    ])
    for person in ("Анна Белова", "Марат Исаев", "Вера Ткач"):
        assert roles[(person, "PARTICIPANT_IN", FORUM_EV)] == "speaker"
    assert ("Анна Белова", "WORKPLACE", "ЦГБ") in facts


def test_among_the_participants(analyse):
    text = FORUM + ("В числе участников форума — библиотекари Анна Шевцова и Дина Оспанова. "
                    "Участниками дискуссии «Читатель будущего» стали Олег Фадеев и Жанар "
                    "Кенжебаева. Среди участников – директор ЦБС Ерлан Сагинтаев.")
    facts, _ = run(analyse, text, FORUM_SPEC + [
        ("PROFESSION", "библиотекари"),
        ("PERSON", "Анна Шевцова"),
        ("PERSON", "Дина Оспанова"),
        ("EVENT", "дискуссии «Читатель будущего»"),
        ("PERSON", "Олег Фадеев"),
        ("PERSON", "Жанар Кенжебаева"),
        ("PROFESSION", "директор ЦБС"),
        ("ORGANIZATION", "ЦБС"),
        ("PERSON", "Ерлан Сагинтаев"),
    ])
    for person in ("Анна Шевцова", "Дина Оспанова", "Ерлан Сагинтаев"):
        assert (person, "PARTICIPANT_IN", FORUM_EV) in facts
    for person in ("Олег Фадеев", "Жанар Кенжебаева"):
        assert (person, "PARTICIPANT_IN", "дискуссии «Читатель будущего»") in facts


def test_greeting_the_participants(analyse):
    text = FORUM + ("Участников форума приветствовал заместитель директора Арман Сеитов. "
                    "Директор Гульмира Нуртаева приветствовала гостей.")
    facts, _ = run(analyse, text, FORUM_SPEC + [
        ("PROFESSION", "заместитель директора"),
        ("PERSON", "Арман Сеитов"),
        ("PROFESSION", "Директор"),
        ("PERSON", "Гульмира Нуртаева"),
    ])
    assert ("Арман Сеитов", "PARTICIPANT_IN", FORUM_EV) in facts
    assert ("Гульмира Нуртаева", "PARTICIPANT_IN", FORUM_EV) in facts


def test_award_givers_and_recipients_at_the_ceremony(analyse):
    text = ("25 ноября в ЦБС состоялась церемония награждения победителей конкурса "
            "«Книжный лидер».\n"
            "Дипломы победителям вручила директор ЦБС Алма Жусупова. Дипломы первой "
            "степени получили Ольга Чен и Руслан Ахметов. Благодарственные письма вручили "
            "Сание Ермековой и Андрею Волкову.")
    facts, _ = run(analyse, text, [
        ("DATE", "25 ноября"),
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "церемония награждения победителей конкурса «Книжный лидер»"),
        ("EVENT", "конкурса «Книжный лидер»"),
        ("PROFESSION", "директор ЦБС"),
        ("ORGANIZATION", "ЦБС", 1),
        ("PERSON", "Алма Жусупова"),
        ("PERSON", "Ольга Чен"),
        ("PERSON", "Руслан Ахметов"),
        ("PERSON", "Сание Ермековой"),
        ("PERSON", "Андрею Волкову"),
    ])
    cer = "церемония награждения победителей конкурса «Книжный лидер»"
    for person in ("Алма Жусупова", "Ольга Чен", "Руслан Ахметов", "Сание Ермековой",
                   "Андрею Волкову"):
        assert (person, "PARTICIPANT_IN", cer) in facts


def test_online_participation(analyse):
    text = ("3 октября НАБ провела вебинар «Инклюзивная библиотека».\n"
            "К вебинару онлайн подключились библиотекари Асель Муканова и Игорь Дан. "
            "Заведующая отделом Роза Сейтова приняла участие в онлайн-формате.")
    facts, _ = run(analyse, text, [
        ("DATE", "3 октября"),
        ("ORGANIZATION", "НАБ"),
        ("EVENT", "вебинар «Инклюзивная библиотека»"),
        ("PROFESSION", "библиотекари"),
        ("PERSON", "Асель Муканова"),
        ("PERSON", "Игорь Дан"),
        ("PROFESSION", "Заведующая отделом"),
        ("ORGANIZATION", "отделом"),
        ("PERSON", "Роза Сейтова"),
    ])
    for person in ("Асель Муканова", "Игорь Дан", "Роза Сейтова"):
        assert (person, "PARTICIPANT_IN", "вебинар «Инклюзивная библиотека»") in facts


def test_online_participant_of_a_round_table(analyse):
    text = ("В «Гоголевке» прошел круглый стол «Чтение и семья». Из Новосибирска к "
            "обсуждению онлайн подключилась библиограф Мария Цой.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "«Гоголевке»"),
        ("EVENT", "круглый стол «Чтение и семья»"),
        ("LOCATION", "Новосибирска", 0, "Новосибирск"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Мария Цой"),
    ])
    assert ("Мария Цой", "PARTICIPANT_IN", "круглый стол «Чтение и семья»") in facts


# --------------------------------------------------------------------------
# the event the clause is about, not the nearest one


def test_jury_belongs_to_the_contest_not_the_ceremony(analyse):
    text = ("В ЦБС состоялась церемония награждения победителей районного конкурса "
            "«Библиотекарь года».\n"
            "Работы участников оценивало жюри: Сабина Исаева, Кайрат Мусин и Лилия Ганиева. "
            "В состав жюри также вошел журналист Денис Ковалев.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "церемония награждения победителей районного конкурса «Библиотекарь года»"),
        ("EVENT", "районного конкурса «Библиотекарь года»"),
        ("PERSON", "Сабина Исаева"),
        ("PERSON", "Кайрат Мусин"),
        ("PERSON", "Лилия Ганиева"),
        ("PROFESSION", "журналист"),
        ("PERSON", "Денис Ковалев"),
    ])
    contest = "районного конкурса «Библиотекарь года»"
    cer = "церемония награждения победителей районного конкурса «Библиотекарь года»"
    for person in ("Сабина Исаева", "Кайрат Мусин", "Лилия Ганиева", "Денис Ковалев"):
        assert roles[(person, "PARTICIPANT_IN", contest)] == "jury"
        assert (person, "PARTICIPANT_IN", cer) not in facts


def test_writer_whose_books_are_shown_is_not_a_participant(analyse):
    text = ("В читальном зале открылась выставка «Калина красная». На ней представлены "
            "произведения писателя Василия Шукшина, его письма и фотографии. Выставку "
            "подготовила библиограф Елена Рыбакова.")
    facts, _ = run(analyse, text, [
        ("EVENT", "выставка «Калина красная»"),
        ("PROFESSION", "писателя"),
        ("PERSON", "Василия Шукшина"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Елена Рыбакова"),
    ])
    assert not any(f[0] == "Василия Шукшина" and f[1] in ("PARTICIPANT_IN", "ORGANIZES")
                   for f in facts)
    assert ("Елена Рыбакова", "ORGANIZES", "выставка «Калина красная»") in facts


def test_topic_organisation_in_an_event_name_is_not_its_owner(analyse):
    text = ("Методисты провели практикум по составлению паспорта сельской библиотеки и "
            "заседание Совета КБС.")
    facts, _ = run(analyse, text, [
        ("EVENT", "практикум по составлению паспорта сельской библиотеки"),
        ("ORGANIZATION", "сельской библиотеки"),
        ("EVENT", "заседание Совета КБС"),
        ("ORGANIZATION", "Совета КБС"),
        ("ORGANIZATION", "КБС"),
    ])
    assert ("сельской библиотеки", "ORGANIZES",
            "практикум по составлению паспорта сельской библиотеки") not in facts
    assert ("Совета КБС", "ORGANIZES", "заседание Совета КБС") in facts


def test_pronoun_object_is_not_a_possessive_workplace(analyse):
    text = ("19 сентября в Железинской центральной районной библиотеке прошел методический "
            "день. Подготовила и провела его методист ЦБС Надежда Полякова.")
    facts, _ = run(analyse, text, [
        ("DATE", "19 сентября"),
        ("ORGANIZATION", "Железинской центральной районной библиотеке"),
        ("EVENT", "методический день"),
        ("PROFESSION", "методист ЦБС"),
        ("ORGANIZATION", "ЦБС"),
        ("PERSON", "Надежда Полякова"),
    ])
    assert ("Надежда Полякова", "WORKPLACE", "ЦБС") in facts
    assert ("Надежда Полякова", "WORKPLACE",
            "Железинской центральной районной библиотеке") not in facts
    assert ("Надежда Полякова", "ORGANIZES", "методический день") in facts
    assert ("Надежда Полякова", "PARTICIPANT_IN", "методический день") in facts


def test_possessive_post_still_ties_the_workplace(analyse):
    text = ("В селе Береке открылась модельная сельская библиотека. Ее заведующая Айгерим "
            "Болатова провела для гостей экскурсию.")
    facts, _ = run(analyse, text, [
        ("LOCATION", "селе Береке", 0, "Береке"),
        ("ORGANIZATION", "модельная сельская библиотека"),
        ("PROFESSION", "заведующая"),
        ("PERSON", "Айгерим Болатова"),
    ])
    assert ("Айгерим Болатова", "WORKPLACE", "модельная сельская библиотека") in facts


def test_unit_before_an_unrecognised_parent_is_not_guessed(analyse):
    text = ("Алтайская краевая библиотека провела конкурс. Победила заведующая детским "
            "отделом Центральной городской библиотеки им. В.М. Шукшина Ольга Белых.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Алтайская краевая библиотека"),
        ("PROFESSION", "заведующая детским отделом"),
        ("ORGANIZATION", "детским отделом"),
        ("PERSON", "Ольга Белых"),
    ])
    assert ("детским отделом", "PART_OF", "Алтайская краевая библиотека") not in facts


def test_unit_of_guests_from_another_library(analyse):
    text = ("В Железинской ЦБС прошел семинар «Сельская библиотека онлайн». Гостями семинара "
            "стали специалисты ПОУНБ: "
            "главный библиотекарь отдела развития библиотек Асем Сейтова и библиограф "
            "Олег Ким.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "Железинской ЦБС"),
        ("EVENT", "семинар «Сельская библиотека онлайн»"),
        ("ORGANIZATION", "ПОУНБ"),
        ("PROFESSION", "главный библиотекарь отдела развития библиотек"),
        ("ORGANIZATION", "отдела развития библиотек"),
        ("PERSON", "Асем Сейтова"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Олег Ким"),
    ])
    assert ("отдела развития библиотек", "PART_OF", "ПОУНБ") in facts
    assert ("отдела развития библиотек", "PART_OF", "Железинской ЦБС") not in facts
    assert ("Асем Сейтова", "WORKPLACE", "ПОУНБ") in facts
    # the list after the colon shares the head's role
    for person in ("Асем Сейтова", "Олег Ким"):
        assert roles[(person, "PARTICIPANT_IN", "семинар «Сельская библиотека онлайн»")] == "guest"
    # named by their staff only, the library is not a participant itself
    assert ("ПОУНБ", "PARTICIPANT_IN", "семинар «Сельская библиотека онлайн»") not in facts


def test_title_subject_visiting_is_not_the_organiser(analyse):
    text = ("Делегация СКОУНБ посетила Курган\n\n"
            "С 5 по 7 июня специалисты библиотеки находились с рабочим визитом в г. Кургане. "
            "В Курганской областной библиотеке прошла конференция «Книга без границ».")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "СКОУНБ"),
        ("LOCATION", "Курган", 0, "Курган"),
        ("DATE", "С 5 по 7 июня"),
        ("LOCATION", "г. Кургане", 0, "Курган"),
        ("ORGANIZATION", "Курганской областной библиотеке"),
        ("EVENT", "конференция «Книга без границ»"),
    ])
    assert ("СКОУНБ", "ORGANIZES", "конференция «Книга без границ»") not in facts


def test_contest_winner_organisation(analyse):
    text = ("Подведены итоги областного конкурса «Лучшая сельская библиотека». В номинации "
            "«Цифровой лидер» победила Змеиногорская городская библиотека.")
    facts, _ = run(analyse, text, [
        ("EVENT", "областного конкурса «Лучшая сельская библиотека»"),
        ("ORGANIZATION", "Змеиногорская городская библиотека"),
    ])
    assert ("Змеиногорская городская библиотека", "PARTICIPANT_IN",
            "областного конкурса «Лучшая сельская библиотека»") in facts


def test_planned_venue_of_a_moved_exhibition(analyse):
    text = ("В Пушкинской библиотеке открылась выставка «Алтай в гравюрах». В декабре ее "
            "перевезут в Центральную городскую библиотеку г. Риддера.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "Пушкинской библиотеке"),
        ("EVENT", "выставка «Алтай в гравюрах»"),
        ("DATE", "В декабре"),
        ("ORGANIZATION", "Центральную городскую библиотеку г. Риддера"),
        ("LOCATION", "г. Риддера", 0, "Риддер"),
    ])
    ex = "выставка «Алтай в гравюрах»"
    assert (ex, "TAKES_PLACE_IN", "Центральную городскую библиотеку г. Риддера") in facts
    # a settlement inside the venue's name is reached through the venue
    assert ("Центральную городскую библиотеку г. Риддера", "LOCATED_IN", "г. Риддера") in facts


# --------------------------------------------------------------------------
# the same constructions in other wording

SEMINAR = ("12 марта в Павлодарской областной библиотеке прошел семинар «Библиотека и "
           "краеведение».\n")
SEMINAR_SPEC = [
    ("DATE", "12 марта"),
    ("ORGANIZATION", "Павлодарской областной библиотеке"),
    ("EVENT", "семинар «Библиотека и краеведение»"),
]
SEMINAR_EV = "семинар «Библиотека и краеведение»"


def test_object_first_part_conducted_and_exhibition_presented(analyse):
    text = SEMINAR + ("Мастер-класс по созданию буктрейлеров провела методист Ирина Ли. "
                      "Книжную выставку «Край родной» представила библиограф Дана Серикова.")
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("EVENT", "Мастер-класс по созданию буктрейлеров"),
        ("PROFESSION", "методист"),
        ("PERSON", "Ирина Ли"),
        ("EVENT", "Книжную выставку «Край родной»"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Дана Серикова"),
    ])
    mk = "Мастер-класс по созданию буктрейлеров"
    assert ("Ирина Ли", "ORGANIZES", mk) in facts
    assert ("Ирина Ли", "PARTICIPANT_IN", mk) in facts
    assert ("Ирина Ли", "PARTICIPANT_IN", SEMINAR_EV) in facts
    assert ("Дана Серикова", "ORGANIZES", "Книжную выставку «Край родной»") in facts


def test_object_first_opened_with_a_greeting(analyse):
    text = SEMINAR + "Семинар приветственным словом открыл директор библиотеки Ерлан Жаксылыков."
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("PROFESSION", "директор библиотеки"),
        ("ORGANIZATION", "библиотеки"),
        ("PERSON", "Ерлан Жаксылыков"),
    ])
    assert ("Ерлан Жаксылыков", "PARTICIPANT_IN", SEMINAR_EV) in facts
    assert ("Ерлан Жаксылыков", "ORGANIZES", SEMINAR_EV) not in facts


def test_pronoun_joined_and_conducted(analyse):
    text = ("В апреле стартовала акция «Читаем всей семьей». К ней присоединились "
            "библиотекари Нина Ким и Асхат Бекенов. Провела ее заведующая сектором Лилия "
            "Сабитова.")
    facts, _ = run(analyse, text, [
        ("DATE", "В апреле"),
        ("EVENT", "акция «Читаем всей семьей»"),
        ("PROFESSION", "библиотекари"),
        ("PERSON", "Нина Ким"),
        ("PERSON", "Асхат Бекенов"),
        ("PROFESSION", "заведующая сектором"),
        ("ORGANIZATION", "сектором"),
        ("PERSON", "Лилия Сабитова"),
    ])
    ev = "акция «Читаем всей семьей»"
    assert ("Нина Ким", "PARTICIPANT_IN", ev) in facts
    assert ("Асхат Бекенов", "PARTICIPANT_IN", ev) in facts
    assert ("Лилия Сабитова", "ORGANIZES", ev) in facts


def test_pronoun_of_a_person_is_not_an_event(analyse):
    text = SEMINAR + ("Директор Айгуль Бекова рассказала о новом проекте. Ее коллега Марина "
                      "Лис подготовила для читателей буклет.")
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("PROFESSION", "Директор"),
        ("PERSON", "Айгуль Бекова"),
        ("PROFESSION", "коллега"),
        ("PERSON", "Марина Лис"),
    ])
    assert ("Марина Лис", "ORGANIZES", SEMINAR_EV) not in facts


def test_honoured_and_appointed_persons(analyse):
    text = ("В ЦБС состоялся праздник «День библиотекаря». Почетной грамотой наградили "
            "библиотекаря Галию Омарову. Коллеги поздравили Ивана Рябова с юбилеем.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "праздник «День библиотекаря»"),
        ("PROFESSION", "библиотекаря"),
        ("PERSON", "Галию Омарову"),
        ("PERSON", "Ивана Рябова"),
    ])
    ev = "праздник «День библиотекаря»"
    assert ("Галию Омарову", "PARTICIPANT_IN", ev) in facts
    # congratulated is said of a person, not of their presence
    assert ("Ивана Рябова", "PARTICIPANT_IN", ev) not in facts


def test_at_the_opening_of_an_event(analyse):
    text = ("В музее открылась выставка «Степные мотивы». На открытии выставки поэтесса "
            "Гульнар Есимова прочитала свои стихи, а краевед Олжас Нуров показал "
            "старинные карты. На сайте библиотеки библиограф Анна Орлова опубликовала обзор.")
    facts, _ = run(analyse, text, [
        ("EVENT", "выставка «Степные мотивы»"),
        ("PROFESSION", "поэтесса"),
        ("PERSON", "Гульнар Есимова"),
        ("PROFESSION", "краевед"),
        ("PERSON", "Олжас Нуров"),
        ("ORGANIZATION", "библиотеки"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Анна Орлова"),
    ])
    ev = "выставка «Степные мотивы»"
    assert ("Гульнар Есимова", "PARTICIPANT_IN", ev) in facts
    assert ("Олжас Нуров", "PARTICIPANT_IN", ev) in facts
    assert ("Анна Орлова", "PARTICIPANT_IN", ev) not in facts


def test_online_speaker_by_video_link(analyse):
    text = SEMINAR + ("По видеосвязи выступила Елена Фролова из Омской областной библиотеки. "
                      "В режиме онлайн к семинару присоединились коллеги из Экибастуза.")
    facts, roles = run(analyse, text, SEMINAR_SPEC + [
        ("PERSON", "Елена Фролова"),
        ("ORGANIZATION", "Омской областной библиотеки"),
        ("LOCATION", "Экибастуза", 0, "Экибастуз"),
    ])
    assert roles[("Елена Фролова", "PARTICIPANT_IN", SEMINAR_EV)] == "speaker"
    assert ("Елена Фролова", "WORKPLACE", "Омской областной библиотеки") in facts
    assert ("Омской областной библиотеки", "PARTICIPANT_IN", SEMINAR_EV) not in facts


def test_jury_wordings(analyse):
    text = ("15 мая прошло награждение победителей конкурса чтецов «Живое слово».\n"
            "Жюри возглавила писатель Айгерим Тажи. В жюри также работали библиотекари "
            "Олег Пак и Вера Сон. Призы победителям вручил аким района Марат Шайхин. "
            "Выступления оценивало жюри, в состав которого вошла журналист Инна Рой.")
    facts, roles = run(analyse, text, [
        ("DATE", "15 мая"),
        ("EVENT", "награждение победителей конкурса чтецов «Живое слово»"),
        ("EVENT", "конкурса чтецов «Живое слово»"),
        ("PROFESSION", "писатель"),
        ("PERSON", "Айгерим Тажи"),
        ("PROFESSION", "библиотекари"),
        ("PERSON", "Олег Пак"),
        ("PERSON", "Вера Сон"),
        ("PROFESSION", "аким района"),
        ("PERSON", "Марат Шайхин"),
        ("PROFESSION", "журналист"),
        ("PERSON", "Инна Рой"),
    ])
    contest = "конкурса чтецов «Живое слово»"
    cer = "награждение победителей конкурса чтецов «Живое слово»"
    for person in ("Айгерим Тажи", "Олег Пак", "Вера Сон", "Инна Рой"):
        assert roles[(person, "PARTICIPANT_IN", contest)] == "jury"
        assert (person, "PARTICIPANT_IN", cer) not in facts
    assert ("Марат Шайхин", "PARTICIPANT_IN", cer) in facts


def test_part_in_the_frame_of_a_stage(analyse):
    text = ("В Баянауле прошел районный этап акции «Одна страна – одна книга». В рамках этапа "
            "библиотекарь Мадина Жунус провела конкурс эссе «Мой край».")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Баянауле", 0, "Баянаул"),
        ("EVENT", "районный этап акции «Одна страна – одна книга»"),
        ("EVENT", "акции «Одна страна – одна книга»"),
        ("PROFESSION", "библиотекарь"),
        ("PERSON", "Мадина Жунус"),
        ("EVENT", "конкурс эссе «Мой край»"),
    ])
    stage = "районный этап акции «Одна страна – одна книга»"
    assert ("Мадина Жунус", "ORGANIZES", "конкурс эссе «Мой край»") in facts
    assert ("Мадина Жунус", "PARTICIPANT_IN", stage) in facts
    # a stage does not extend to the campaign as a whole
    assert ("Мадина Жунус", "PARTICIPANT_IN", "акции «Одна страна – одна книга»") not in facts


def test_denial_overrides_a_report_back_block(analyse):
    text = ("10 октября в библиотеке прошла учеба по итогам выездов специалистов.\n"
            "Библиограф Асия Каримова рассказала о вебинаре «Новые сервисы». Сама она в "
            "вебинаре не участвовала, а изучила его запись.")
    facts, _ = run(analyse, text, [
        ("DATE", "10 октября"),
        ("EVENT", "учеба по итогам выездов специалистов"),
        ("PROFESSION", "Библиограф"),
        ("PERSON", "Асия Каримова"),
        ("EVENT", "вебинаре «Новые сервисы»"),
    ])
    assert ("Асия Каримова", "PARTICIPANT_IN", "учеба по итогам выездов специалистов") in facts
    assert ("Асия Каримова", "PARTICIPANT_IN", "вебинаре «Новые сервисы»") not in facts


def test_visitor_who_reported_on_a_trip(analyse):
    text = ("10 октября в библиотеке прошла учеба по итогам выездов специалистов.\n"
            "Методист Арман Исаев, побывавший на форуме «Книга Евразии», рассказал о новых "
            "изданиях.")
    facts, _ = run(analyse, text, [
        ("DATE", "10 октября"),
        ("EVENT", "учеба по итогам выездов специалистов"),
        ("PROFESSION", "Методист"),
        ("PERSON", "Арман Исаев"),
        ("EVENT", "форуме «Книга Евразии»"),
    ])
    assert ("Арман Исаев", "PARTICIPANT_IN", "форуме «Книга Евразии»") in facts
    assert ("Арман Исаев", "PARTICIPANT_IN", "учеба по итогам выездов специалистов") in facts


def test_organisation_of_a_delegation_takes_part(analyse):
    text = ("Делегация Курганской областной библиотеки посетила Петропавловск. В составе "
            "делегации в конференции «Книга на границе» приняли участие Ольга Мирова и "
            "Сергей Лунин.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "Курганской областной библиотеки"),
        ("LOCATION", "Петропавловск"),
        ("EVENT", "конференции «Книга на границе»"),
        ("PERSON", "Ольга Мирова"),
        ("PERSON", "Сергей Лунин"),
    ])
    conf = "конференции «Книга на границе»"
    assert roles[("Ольга Мирова", "PARTICIPANT_IN", conf)] == "delegate"
    assert ("Курганской областной библиотеки", "PARTICIPANT_IN", conf) in facts
    assert ("Курганской областной библиотеки", "ORGANIZES", conf) not in facts


def test_speakers_on_bulleted_lines_after_a_colon(analyse):
    text = SEMINAR + ("С докладами выступили:\n"
                      "– Анна Белова, заведующая сектором ЦГБ;\n"
                      "– Марат Исаев, библиограф ОУНБ;\n"
                      "– методист Вера Ткач.\n"
                      "Участники посетили музей.")
    facts, roles = run(analyse, text, SEMINAR_SPEC + [
        ("PERSON", "Анна Белова"),
        ("PROFESSION", "заведующая сектором ЦГБ"),
        ("ORGANIZATION", "сектором"),
        ("ORGANIZATION", "ЦГБ"),
        ("PERSON", "Марат Исаев"),
        ("PROFESSION", "библиограф ОУНБ"),
        ("ORGANIZATION", "ОУНБ"),
        ("PROFESSION", "методист"),
        ("PERSON", "Вера Ткач"),
    ])
    for person in ("Анна Белова", "Марат Исаев", "Вера Ткач"):
        assert roles[(person, "PARTICIPANT_IN", SEMINAR_EV)] == "speaker"
    assert ("Марат Исаев", "WORKPLACE", "ОУНБ") in facts


def test_speakers_with_posts_after_their_names(analyse):
    text = SEMINAR + ("На семинаре выступили Айжан Касымова, директор Майской ЦБС, Павел "
                      "Орлов, методист Лебяжинской ЦБС, и краевед Нурлан Ахметов.")
    facts, roles = run(analyse, text, SEMINAR_SPEC + [
        ("PERSON", "Айжан Касымова"),
        ("PROFESSION", "директор Майской ЦБС"),
        ("ORGANIZATION", "Майской ЦБС"),
        ("PERSON", "Павел Орлов"),
        ("PROFESSION", "методист Лебяжинской ЦБС"),
        ("ORGANIZATION", "Лебяжинской ЦБС"),
        ("PROFESSION", "краевед"),
        ("PERSON", "Нурлан Ахметов"),
    ])
    for person in ("Айжан Касымова", "Павел Орлов", "Нурлан Ахметов"):
        assert roles[(person, "PARTICIPANT_IN", SEMINAR_EV)] == "speaker"
    assert ("Павел Орлов", "WORKPLACE", "Лебяжинской ЦБС") in facts
    assert ("Лебяжинской ЦБС", "PARTICIPANT_IN", SEMINAR_EV) not in facts


def test_near_misses_of_the_new_constructions(analyse):
    text = SEMINAR + ("Методист Жанна Ермекова рассказала об изменениях в семинаре. Директор "
                      "Ольга Фомина назначила Ирину Ли ответственной за фонд. В конкурсе "
                      "«Библиотекарь года» приняла участие Сеитова Анара.")
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("PROFESSION", "Методист"),
        ("PERSON", "Жанна Ермекова"),
        ("PROFESSION", "Директор"),
        ("PERSON", "Ольга Фомина"),
        ("PERSON", "Ирину Ли"),
        ("EVENT", "конкурсе «Библиотекарь года»"),
        ("PERSON", "Сеитова Анара"),
    ])
    # appointed to a post, not to a role at the event in focus
    assert ("Ирину Ли", "PARTICIPANT_IN", SEMINAR_EV) not in facts
    assert ("Ольга Фомина", "PARTICIPANT_IN", SEMINAR_EV) not in facts
    # `приняли участие [фамилия на -ова]` is not a genitive of the noun
    assert ("Сеитова Анара", "PARTICIPANT_IN", "конкурсе «Библиотекарь года»") in facts


def test_role_nouns_before_a_dash_and_in_the_feminine(analyse):
    text = SEMINAR + ("Модератор – Ирина Сомова. Спикеры – Олег Пак и Вера Ли. Гостьей семинара "
                      "стала поэтесса Зере Абай.")
    facts, roles = run(analyse, text, SEMINAR_SPEC + [
        ("PERSON", "Ирина Сомова"),
        ("PERSON", "Олег Пак"),
        ("PERSON", "Вера Ли"),
        ("PROFESSION", "поэтесса"),
        ("PERSON", "Зере Абай"),
    ])
    assert roles[("Ирина Сомова", "PARTICIPANT_IN", SEMINAR_EV)] == "moderator"
    assert roles[("Олег Пак", "PARTICIPANT_IN", SEMINAR_EV)] == "speaker"
    assert roles[("Вера Ли", "PARTICIPANT_IN", SEMINAR_EV)] == "speaker"
    assert roles[("Зере Абай", "PARTICIPANT_IN", SEMINAR_EV)] == "guest"


def test_opening_converb_and_the_floor_given(analyse):
    text = SEMINAR + ("Открывая семинар, директор Айгуль Рахимова отметила важность "
                      "краеведения. Слово для приветствия было предоставлено акиму района "
                      "Серику Баймуханову.")
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("PROFESSION", "директор"),
        ("PERSON", "Айгуль Рахимова"),
        ("PROFESSION", "акиму района"),
        ("PERSON", "Серику Баймуханову"),
    ])
    assert ("Айгуль Рахимова", "PARTICIPANT_IN", SEMINAR_EV) in facts
    assert ("Серику Баймуханову", "PARTICIPANT_IN", SEMINAR_EV) in facts


def test_prize_winners_belong_to_the_contest(analyse):
    text = SEMINAR + ("В рамках семинара подвели итоги конкурса «Юный чтец». Обладательницей "
                      "Гран-при стала Алина Ким. Дипломом I степени награждена Мария Лебедева.")
    facts, _ = run(analyse, text, SEMINAR_SPEC + [
        ("EVENT", "конкурса «Юный чтец»"),
        ("PERSON", "Алина Ким"),
        ("PERSON", "Мария Лебедева"),
    ])
    for person in ("Алина Ким", "Мария Лебедева"):
        assert (person, "PARTICIPANT_IN", "конкурса «Юный чтец»") in facts


def test_date_of_an_anaphor_object_in_a_later_sentence(analyse):
    text = ("12 декабря в АКУНБ прошла церемония награждения победителей конкурса "
            "«Библиотекарь года». Конкурс с июня по ноябрь проводили министерство культуры "
            "края и АКУНБ.")
    facts, _ = run(analyse, text, [
        ("DATE", "12 декабря"),
        ("ORGANIZATION", "АКУНБ"),
        ("EVENT", "церемония награждения победителей конкурса «Библиотекарь года»"),
        ("EVENT", "конкурса «Библиотекарь года»"),
        ("DATE", "с июня по ноябрь"),
        ("ORGANIZATION", "министерство культуры края"),
        ("ORGANIZATION", "АКУНБ", 1),
    ])
    contest = "конкурса «Библиотекарь года»"
    assert (contest, "POINT_IN_TIME", "с июня по ноябрь") in facts
    assert ("министерство культуры края", "ORGANIZES", contest) in facts
    assert (contest, "POINT_IN_TIME", "12 декабря") not in facts


def test_guests_who_came_from_a_library(analyse):
    text = ("В Железинской ЦБС прошел семинар «Сельская библиотека». Из ПОУНБ приехали "
            "главный библиотекарь Асем Сейтова и библиограф Олег Ким.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "Железинской ЦБС"),
        ("EVENT", "семинар «Сельская библиотека»"),
        ("ORGANIZATION", "ПОУНБ"),
        ("PROFESSION", "главный библиотекарь"),
        ("PERSON", "Асем Сейтова"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Олег Ким"),
    ])
    for person in ("Асем Сейтова", "Олег Ким"):
        assert roles[(person, "PARTICIPANT_IN", "семинар «Сельская библиотека»")] == "guest"
        assert (person, "WORKPLACE", "ПОУНБ") in facts
    assert ("ПОУНБ", "PARTICIPANT_IN", "семинар «Сельская библиотека»") not in facts


def test_a_final_event_and_a_closing_event_are_parts(analyse):
    text = ("В Баянауле прошел районный этап акции «Одна страна – одна книга». Итоговым "
            "мероприятием этапа стал праздник чтения «Абай әлемі». На нем выступил учитель "
            "Айдос Бекен.\n"
            "В ЦБС прошла неделя детской книги «Читай-город». Неделя завершилась литературным "
            "квестом «Тайны книг», который провела библиограф Инна Лис.")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Баянауле", 0, "Баянаул"),
        ("EVENT", "районный этап акции «Одна страна – одна книга»"),
        ("EVENT", "акции «Одна страна – одна книга»"),
        ("EVENT", "праздник чтения «Абай әлемі»"),
        ("PROFESSION", "учитель"),
        ("PERSON", "Айдос Бекен"),
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "неделя детской книги «Читай-город»"),
        ("EVENT", "литературным квестом «Тайны книг»"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Инна Лис"),
    ])
    stage = "районный этап акции «Одна страна – одна книга»"
    assert ("Айдос Бекен", "PARTICIPANT_IN", "праздник чтения «Абай әлемі»") in facts
    assert ("Айдос Бекен", "PARTICIPANT_IN", stage) in facts
    assert ("Айдос Бекен", "PARTICIPANT_IN", "акции «Одна страна – одна книга»") not in facts
    assert ("Инна Лис", "ORGANIZES", "литературным квестом «Тайны книг»") in facts
    assert ("Инна Лис", "PARTICIPANT_IN", "неделя детской книги «Читай-город»") in facts


def test_entity_slips_do_not_make_structure(analyse):
    # the entity stage may tag a place adjective as a place, or glue a parent to a name
    text = ("Методист Железинской ЦБС Анна Орлова выступила на семинаре. Главный "
            "библиотекарь методического отдела Северо-Казахстанской ОУНБ Гүлмира Тәжібаева "
            "рассказала о НАБ РК.")
    facts, _ = run(analyse, text, [
        ("PROFESSION", "Методист Железинской ЦБС"),
        ("ORGANIZATION", "Железинской ЦБС"),
        ("LOCATION", "Железинской"),
        ("PERSON", "Анна Орлова"),
        ("PROFESSION", "Главный библиотекарь методического отдела"),
        ("ORGANIZATION", "методического отдела"),
        ("PERSON", "Северо-Казахстанской ОУНБ Гүлмира Тәжібаева"),
        ("ORGANIZATION", "НАБ РК"),
    ])
    assert ("Железинской ЦБС", "LOCATED_IN", "Железинской") not in facts
    assert ("методического отдела", "PART_OF", "НАБ РК") not in facts


def test_a_closing_event_in_a_relative_clause_is_a_part(analyse):
    text = ("18 октября в районной библиотеке прошел методический день «Библиотека для всех». "
            "На празднике поэзии «Өлең – сөздің патшасы», которым завершился день, выступила "
            "поэтесса Гульмира Жанатқызы.")
    facts, roles = run(analyse, text, [
        ("DATE", "18 октября"),
        ("EVENT", "методический день «Библиотека для всех»"),
        ("EVENT", "празднике поэзии «Өлең – сөздің патшасы»"),
        ("PROFESSION", "поэтесса"),
        ("PERSON", "Гульмира Жанатқызы"),
    ])
    assert roles[("Гульмира Жанатқызы", "PARTICIPANT_IN",
                  "празднике поэзии «Өлең – сөздің патшасы»")] == "speaker"
    day = "методический день «Библиотека для всех»"
    assert ("Гульмира Жанатқызы", "PARTICIPANT_IN", day) in facts


# --------------------------------------------------------------------------
# issue 3, generalisation: more ways of taking part, and their near misses


def test_exhibitors_at_a_fair_take_part(analyse):
    text = ("В мае в Астане работала Евразийская книжная ярмарка «Кітап-2025». Стенд региона "
            "подготовили две библиотеки – областная библиотека им. Абая и Семейская ЦБС. "
            "Отдел краеведения подготовил книжную выставку «Семей литературный».")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Астане", 0, "Астана"),
        ("EVENT", "Евразийская книжная ярмарка «Кітап-2025»"),
        ("ORGANIZATION", "областная библиотека им. Абая"),
        ("ORGANIZATION", "Семейская ЦБС"),
        ("ORGANIZATION", "Отдел краеведения"),
        ("EVENT", "книжную выставку «Семей литературный»"),
    ])
    fair = "Евразийская книжная ярмарка «Кітап-2025»"
    assert ("областная библиотека им. Абая", "PARTICIPANT_IN", fair) in facts
    assert ("Семейская ЦБС", "PARTICIPANT_IN", fair) in facts
    # who prepares an exhibition organises it; it does not take part in it
    assert ("Отдел краеведения", "ORGANIZES", "книжную выставку «Семей литературный»") in facts
    assert not any(f[0] == "Отдел краеведения" and f[1] == "PARTICIPANT_IN" for f in facts)


def test_an_exhibitor_in_a_where_clause_and_its_partner(analyse):
    text = ("Директор рассказала о поездке на ярмарку «Книжный Алматы», где Пушкинка "
            "представила свои издания вместе с Национальной библиотекой.")
    facts, _ = run(analyse, text, [
        ("EVENT", "ярмарку «Книжный Алматы»"),
        ("ORGANIZATION", "Пушкинка"),
        ("ORGANIZATION", "Национальной библиотекой"),
    ])
    assert ("Пушкинка", "PARTICIPANT_IN", "ярмарку «Книжный Алматы»") in facts
    assert ("Национальной библиотекой", "PARTICIPANT_IN", "ярмарку «Книжный Алматы»") in facts
    assert ("Пушкинка", "ORGANIZES", "ярмарку «Книжный Алматы»") not in facts


def test_organising_a_collective_viewing_is_taking_part(analyse):
    text = ("В апреле НАБ провела онлайн-семинар «Книга и цифра». Коллективный просмотр "
            "семинара для сельских библиотекарей организовала Аксуская ЦБС.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "НАБ"),
        ("EVENT", "онлайн-семинар «Книга и цифра»"),
        ("ORGANIZATION", "Аксуская ЦБС"),
    ])
    assert ("Аксуская ЦБС", "PARTICIPANT_IN", "онлайн-семинар «Книга и цифра»") in facts
    assert ("НАБ", "ORGANIZES", "онлайн-семинар «Книга и цифра»") in facts


def test_winners_by_prize_and_by_nomination(analyse):
    text = ("Подведены итоги областного конкурса «Читающая семья». Гран-при конкурса получила "
            "Майская сельская библиотека. Лучшим библиографом признана Алия Сарсенова. "
            "«Надеждой года» стала Дина Оразова.")
    facts, _ = run(analyse, text, [
        ("EVENT", "областного конкурса «Читающая семья»"),
        ("ORGANIZATION", "Майская сельская библиотека"),
        ("PERSON", "Алия Сарсенова"),
        ("PERSON", "Дина Оразова"),
    ])
    contest = "областного конкурса «Читающая семья»"
    assert ("Майская сельская библиотека", "PARTICIPANT_IN", contest) in facts
    assert ("Алия Сарсенова", "PARTICIPANT_IN", contest) in facts
    assert ("Дина Оразова", "PARTICIPANT_IN", contest) in facts


def test_a_nomination_needs_a_contest(analyse):
    text = ("В библиотеке прошел семинар «Новые книги». Лучшим докладом участники признали "
            "выступление, а «Книгой года» стала повесть Анны Ким.")
    facts, _ = run(analyse, text, [
        ("EVENT", "семинар «Новые книги»"),
        ("PERSON", "Анны Ким"),
    ])
    assert not any(f[0] == "Анны Ким" for f in facts)


def test_stage_winners_take_part_in_the_stage(analyse):
    text = ("Районный этап конкурса «Юный чтец» провела Целиноградская ЦБС. Победителем стал "
            "Даниял Ахметов.")
    facts, _ = run(analyse, text, [
        ("EVENT", "Районный этап конкурса «Юный чтец»"),
        ("EVENT", "конкурса «Юный чтец»"),
        ("ORGANIZATION", "Целиноградская ЦБС"),
        ("PERSON", "Даниял Ахметов"),
    ])
    assert ("Даниял Ахметов", "PARTICIPANT_IN", "Районный этап конкурса «Юный чтец»") in facts


def test_trainers_conduct_the_event(analyse):
    text = ("В Кокшетау прошел семинар-тренинг «Цифровая библиотека». Тренерами выступили "
            "специалисты НАБ: методист Айдар Ахметов и библиограф Инна Лис.")
    facts, roles = run(analyse, text, [
        ("LOCATION", "Кокшетау"),
        ("EVENT", "семинар-тренинг «Цифровая библиотека»"),
        ("ORGANIZATION", "НАБ"),
        ("PROFESSION", "методист"),
        ("PERSON", "Айдар Ахметов"),
        ("PROFESSION", "библиограф"),
        ("PERSON", "Инна Лис"),
    ])
    event = "семинар-тренинг «Цифровая библиотека»"
    for person in ("Айдар Ахметов", "Инна Лис"):
        assert (person, "ORGANIZES", event) in facts
        assert (person, "PARTICIPANT_IN", event) in facts


def test_the_antecedent_of_a_prepositional_relative_is_no_actor(analyse):
    text = ("Программу стажировки «Библиотека и музей» составила методист Ольга Ким, благодаря "
            "которой стажеры приняли участие в конференции «Наследие».")
    facts, _ = run(analyse, text, [
        ("EVENT", "стажировки «Библиотека и музей»"),
        ("PROFESSION", "методист"),
        ("PERSON", "Ольга Ким"),
        ("EVENT", "конференции «Наследие»"),
    ])
    assert ("Ольга Ким", "ORGANIZES", "стажировки «Библиотека и музей»") in facts
    assert ("Ольга Ким", "PARTICIPANT_IN", "конференции «Наследие»") not in facts


def test_a_second_conjunct_of_a_where_clause_and_the_whole_of_its_part(analyse):
    text = ("Стажеры побывали на семинаре «Краеведение онлайн», где Анна Ли выступила с "
            "докладом, а Дина Ким провела мастер-класс «Оцифровка фото».")
    facts, _ = run(analyse, text, [
        ("EVENT", "семинаре «Краеведение онлайн»"),
        ("PERSON", "Анна Ли"),
        ("PERSON", "Дина Ким"),
        ("EVENT", "мастер-класс «Оцифровка фото»"),
    ])
    assert ("Дина Ким", "ORGANIZES", "мастер-класс «Оцифровка фото»") in facts
    assert ("Дина Ким", "PARTICIPANT_IN", "семинаре «Краеведение онлайн»") in facts
    assert ("Анна Ли", "PARTICIPANT_IN", "мастер-класс «Оцифровка фото»") not in facts


def test_a_relative_clause_closed_by_a_comma_before_and(analyse):
    text = ("В программе праздника были мастер-класс «Закладка», который провела Ксения Орлова, "
            "и викторина «Сказки Пушкина».")
    facts, _ = run(analyse, text, [
        ("EVENT", "мастер-класс «Закладка»"),
        ("PERSON", "Ксения Орлова"),
        ("EVENT", "викторина «Сказки Пушкина»"),
    ])
    assert ("Ксения Орлова", "ORGANIZES", "мастер-класс «Закладка»") in facts
    assert ("Ксения Орлова", "ORGANIZES", "викторина «Сказки Пушкина»") not in facts


def test_together_with_and_an_elliptic_conjunct(analyse):
    text = ("Методический день\n12 мая прошел методический день «Итоги». Первой выступила "
            "Анна Ли: она поделилась впечатлениями о форуме «Книга», а также о стажировке "
            "«Опыт соседей» в Омской библиотеке, в которой участвовала вместе с Б.К. Сариной.")
    facts, _ = run(analyse, text, [
        ("EVENT", "Методический день"),
        ("EVENT", "методический день «Итоги»"),
        ("PERSON", "Анна Ли"),
        ("EVENT", "форуме «Книга»"),
        ("EVENT", "стажировке «Опыт соседей»"),
        ("ORGANIZATION", "Омской библиотеке"),
        ("PERSON", "Б.К. Сариной"),
    ])
    assert ("Анна Ли", "PARTICIPANT_IN", "стажировке «Опыт соседей»") in facts
    assert ("Б.К. Сариной", "PARTICIPANT_IN", "стажировке «Опыт соседей»") in facts
    assert ("Б.К. Сариной", "PARTICIPANT_IN", "методический день «Итоги»") not in facts
    # a talk about an event is no attendance of it
    assert ("Анна Ли", "PARTICIPANT_IN", "форуме «Книга»") not in facts


def test_an_anaphor_names_the_last_event_of_its_kind_before_the_focus(analyse):
    text = ("В районе прошел этап акции «Читаем Абая». В рамках этапа Дина Ли провела конкурс "
            "эссе «Мой Абай». Итоги подвели на празднике поэзии в ЦБС. Праздник открыл "
            "директор ЦБС Ерлан Оспанов.")
    facts, _ = run(analyse, text, [
        ("EVENT", "этап акции «Читаем Абая»"),
        ("EVENT", "акции «Читаем Абая»"),
        ("PERSON", "Дина Ли"),
        ("EVENT", "конкурс эссе «Мой Абай»"),
        ("EVENT", "празднике поэзии"),
        ("ORGANIZATION", "ЦБС", 0),
        ("PROFESSION", "директор ЦБС"),
        ("ORGANIZATION", "ЦБС", 1),
        ("PERSON", "Ерлан Оспанов"),
    ])
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "празднике поэзии") in facts
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "конкурс эссе «Мой Абай»") not in facts
    # the results of the stage are summed up at the festival: a part of the stage
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "этап акции «Читаем Абая»") in facts
    assert ("Дина Ли", "PARTICIPANT_IN", "этап акции «Читаем Абая»") in facts


def test_a_possessive_of_the_jury_in_the_next_sentence(analyse):
    text = ("В ЦБС прошла церемония награждения победителей конкурса «Юный чтец». Жюри "
            "возглавила Анна Ли. В его состав вошли Ольга Ким и Айдар Сейтов.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "церемония награждения победителей конкурса «Юный чтец»"),
        ("EVENT", "конкурса «Юный чтец»"),
        ("PERSON", "Анна Ли"),
        ("PERSON", "Ольга Ким"),
        ("PERSON", "Айдар Сейтов"),
    ])
    ceremony = "церемония награждения победителей конкурса «Юный чтец»"
    for person in ("Ольга Ким", "Айдар Сейтов"):
        assert roles[(person, "PARTICIPANT_IN", "конкурса «Юный чтец»")] == "jury"
        assert (person, "PARTICIPANT_IN", ceremony) not in facts


def test_coordinated_authors_are_no_participants(analyse):
    text = ("В библиотеке открылась выставка «Степь в книгах». На ней представлены произведения "
            "Ильяса Есенберлина и Олжаса Сулейменова.")
    facts, _ = run(analyse, text, [
        ("EVENT", "выставка «Степь в книгах»"),
        ("PERSON", "Ильяса Есенберлина"),
        ("PERSON", "Олжаса Сулейменова"),
    ])
    assert not any(f[1] == "PARTICIPANT_IN" for f in facts)


def test_jointly_with_in_a_relative_clause_of_the_organiser(analyse):
    text = ("Делегация ЦБС посетила Омск.\nКонференция «Книга и край» прошла в Омской "
            "библиотеке, которая организовала ее совместно с университетом.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("LOCATION", "Омск"),
        ("EVENT", "Конференция «Книга и край»"),
        ("ORGANIZATION", "Омской библиотеке"),
        ("ORGANIZATION", "университетом"),
    ], source="ЦБС")
    event = "Конференция «Книга и край»"
    assert ("Омской библиотеке", "ORGANIZES", event) in facts
    assert ("университетом", "ORGANIZES", event) in facts
    assert ("ЦБС", "ORGANIZES", event) not in facts


def test_closing_a_series_is_attending_its_last_part(analyse):
    text = ("В марте НАБ провела цикл вебинаров «Библиотекарь будущего». Первый вебинар "
            "«Нейросети» провела Анна Ли. Завершил цикл методист Ерлан Оспанов, проведший "
            "вебинар «Авторское право».")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "НАБ"),
        ("EVENT", "цикл вебинаров «Библиотекарь будущего»"),
        ("EVENT", "Первый вебинар «Нейросети»"),
        ("PERSON", "Анна Ли"),
        ("PROFESSION", "методист"),
        ("PERSON", "Ерлан Оспанов"),
        ("EVENT", "вебинар «Авторское право»"),
    ])
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "вебинар «Авторское право»") in facts
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "Первый вебинар «Нейросети»") not in facts
    assert ("Ерлан Оспанов", "PARTICIPANT_IN", "цикл вебинаров «Библиотекарь будущего»") not in facts


def test_remarks_and_plans_at_an_inhouse_day(analyse):
    text = ("Производственная учеба\n20 июня в ЦБС прошла производственная учеба «Итоги "
            "полугодия». Сотрудники отчитались перед коллегами о поездках, в которых "
            "участвовали. Методист Ольга Ким, которая проводила на вебинаре «Фонды» консультацию, "
            "добавила, что памятка готова. Гостем учебы стала Анна Ли. Она рассказала о секции "
            "«Дети и книга», в которой участвовала, и пригласила коллег на семинар «Летнее чтение».")
    facts, _ = run(analyse, text, [
        ("EVENT", "Производственная учеба"),
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "производственная учеба «Итоги полугодия»"),
        ("PROFESSION", "Методист"),
        ("PERSON", "Ольга Ким"),
        ("EVENT", "вебинаре «Фонды»"),
        ("PERSON", "Анна Ли"),
        ("EVENT", "секции «Дети и книга»"),
        ("EVENT", "семинар «Летнее чтение»"),
    ])
    day = "производственная учеба «Итоги полугодия»"
    assert ("Ольга Ким", "PARTICIPANT_IN", "вебинаре «Фонды»") in facts
    assert ("Ольга Ким", "PARTICIPANT_IN", day) in facts
    assert ("Анна Ли", "PARTICIPANT_IN", "секции «Дети и книга»") in facts
    assert ("Анна Ли", "PARTICIPANT_IN", "семинар «Летнее чтение»") not in facts


def test_a_report_at_an_inhouse_day_attends_the_day(analyse):
    text = ("В ЦБС прошел методический день «Опыт года». Методист Ольга Пак поделилась "
            "впечатлениями о поездке на семинар «Сельская библиотека».")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "методический день «Опыт года»"),
        ("PROFESSION", "Методист"),
        ("PERSON", "Ольга Пак"),
        ("EVENT", "семинар «Сельская библиотека»"),
    ])
    assert ("Ольга Пак", "PARTICIPANT_IN", "семинар «Сельская библиотека»") in facts
    assert ("Ольга Пак", "PARTICIPANT_IN", "методический день «Опыт года»") in facts


def test_future_events_are_organised_but_not_attended(analyse):
    text = ("Областной конкурс «Библиотекарь года» проведет областная библиотека. На его "
            "финале выступит аким Ерлан Сейтов.")
    facts, _ = run(analyse, text, [
        ("EVENT", "Областной конкурс «Библиотекарь года»"),
        ("ORGANIZATION", "областная библиотека"),
        ("PERSON", "Ерлан Сейтов"),
    ])
    assert ("областная библиотека", "ORGANIZES", "Областной конкурс «Библиотекарь года»") in facts
    assert not any(f[1] == "PARTICIPANT_IN" for f in facts)


def test_the_floor_given_to_a_speaker(analyse):
    text = ("В ЦБС прошла конференция «Наследие Абая». Затем слово было предоставлено поэту "
            "Темирхану Медетбеку.")
    facts, roles = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "конференция «Наследие Абая»"),
        ("PROFESSION", "поэту"),
        ("PERSON", "Темирхану Медетбеку"),
    ])
    assert roles[("Темирхану Медетбеку", "PARTICIPANT_IN", "конференция «Наследие Абая»")] == "speaker"


def test_a_list_the_sentence_splitter_cuts_at_semicolons(analyse):
    text = ("В ЦБС прошел семинар «Краеведение». Выступили: Нурлан Оспанов – о базах данных; "
            "Гульмира Алиева – о работе с архивами.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "ЦБС"),
        ("EVENT", "семинар «Краеведение»"),
        ("PERSON", "Нурлан Оспанов"),
        ("PERSON", "Гульмира Алиева"),
    ])
    assert ("Гульмира Алиева", "PARTICIPANT_IN", "семинар «Краеведение»") in facts


def test_watching_the_recording_of_the_event_in_focus_is_no_attendance(analyse):
    text = ("НАБ провела вебинар «Доступная среда». Ирина Лис позже посмотрела запись вебинара "
            "и подготовила памятку.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "НАБ"),
        ("EVENT", "вебинар «Доступная среда»"),
        ("PERSON", "Ирина Лис"),
    ])
    assert ("Ирина Лис", "PARTICIPANT_IN", "вебинар «Доступная среда»") not in facts


def test_a_part_named_back_as_a_part_of_a_whole(analyse):
    text = ("Методист Жанна Ибраева провела практикум «Электронный каталог». Практикум стал "
            "частью областного семинара «Методическая служба».")
    facts, _ = run(analyse, text, [
        ("PROFESSION", "Методист"),
        ("PERSON", "Жанна Ибраева"),
        ("EVENT", "практикум «Электронный каталог»"),
        ("EVENT", "областного семинара «Методическая служба»"),
    ])
    assert ("Жанна Ибраева", "PARTICIPANT_IN", "областного семинара «Методическая служба»") in facts


def test_a_trip_word_far_from_the_report_does_not_make_an_inhouse_day(analyse):
    text = ("В Омске прошла стажировка «Обмен опытом». Участников отобрали по итогам защиты "
            "проектов, поскольку такие поездки полезны. На семинаре «Краеведение», где Анна Ли "
            "выступила с докладом, Дина Ким провела мастер-класс «Фото».")
    facts, _ = run(analyse, text, [
        ("LOCATION", "Омске", 0, "Омск"),
        ("EVENT", "стажировка «Обмен опытом»"),
        ("EVENT", "семинаре «Краеведение»"),
        ("PERSON", "Анна Ли"),
        ("PERSON", "Дина Ким"),
        ("EVENT", "мастер-класс «Фото»"),
    ])
    assert ("Анна Ли", "PARTICIPANT_IN", "мастер-класс «Фото»") not in facts


# --------------------------------------------------------------------------
# an earlier edition recalled beside the one the report is about


@pytest.mark.parametrize("text, spec, main, recalled, people", [
    ("12 мая в Костанае прошел II областной фестиваль «Книжный мир». Директор напомнила, "
     "что I фестиваль прошел в прошлом году в Аркалыке. На открытии выступили Айгуль "
     "Серикова и Марат Ибраев.",
     [("EVENT", "II областной фестиваль «Книжный мир»"), ("EVENT", "I фестиваль"),
      ("PERSON", "Айгуль Серикова"), ("PERSON", "Марат Ибраев")],
     "II областной фестиваль «Книжный мир»", "I фестиваль", ["Айгуль Серикова", "Марат Ибраев"]),
    ("В Астане прошел III библиотечный конгресс «Чтение и общество». II конгресс состоялся "
     "в 2022 году в Алматы. Пленарное заседание открыла Гульнара Ахметова.",
     [("EVENT", "III библиотечный конгресс «Чтение и общество»"), ("EVENT", "II конгресс"),
      ("PERSON", "Гульнара Ахметова")],
     "III библиотечный конгресс «Чтение и общество»", "II конгресс", ["Гульнара Ахметова"]),
    # a bare noun after the recalled edition means the edition the report is about
    ("С 3 по 5 мая в Алматы прошла V книжная ярмарка «Читай-город». Сотрудники вспомнили, "
     "что на IV ярмарке в прошлом году библиотека показала редкие книги. Библиотеку на "
     "ярмарке представляли Ольга Седова и Иван Пак.",
     [("EVENT", "V книжная ярмарка «Читай-город»"), ("EVENT", "IV ярмарке"),
      ("PERSON", "Ольга Седова"), ("PERSON", "Иван Пак")],
     "V книжная ярмарка «Читай-город»", "IV ярмарке", ["Ольга Седова", "Иван Пак"]),
    # an ordinal in words: `Первая конференция с этим названием прошла в 2019 году`
    ("3–4 октября 2024 года библиотека провела в Астане II Международную конференцию "
     "«Книга и город». Первая конференция с этим названием прошла в 2019 году. С докладом "
     "выступила Гульнара Ахметова.",
     [("EVENT", "II Международную конференцию «Книга и город»"),
      ("EVENT", "Первая конференция"), ("PERSON", "Гульнара Ахметова")],
     "II Международную конференцию «Книга и город»", "Первая конференция",
     ["Гульнара Ахметова"]),
    # a `выставка-ярмарка` is a `ярмарка` too
    ("Библиотека на ярмарке «Читай-город»\n\nС 3 по 5 мая в Алматы прошла V Международная "
     "книжная выставка-ярмарка «Читай-город». Сотрудники вспомнили, что на IV ярмарке в "
     "прошлом году библиотека показала редкие книги. Библиотеку на ярмарке представляли "
     "Ольга Седова.",
     [("EVENT", "ярмарке «Читай-город»"),
      ("EVENT", "V Международная книжная выставка-ярмарка «Читай-город»"),
      ("EVENT", "IV ярмарке"), ("PERSON", "Ольга Седова")],
     "V Международная книжная выставка-ярмарка «Читай-город»", "IV ярмарке", ["Ольга Седова"]),
])
def test_people_attend_the_edition_the_report_is_about(analyse, text, spec, main, recalled,
                                                      people):
    """`I фестиваль прошел в прошлом году`, recalled in a report on the II festival, does
    not become the event the next sentences are about."""
    facts, _ = run(analyse, text, spec)
    for person in people:
        assert (person, "PARTICIPANT_IN", main) in facts
        assert (person, "PARTICIPANT_IN", recalled) not in facts


def test_prize_places_held_by_people_without_a_verb(analyse):
    """`Второе место – у X, третье – у [post] Y`: the holders won places in the contest."""
    text = ("Итоги областного конкурса «Лучший читатель» подвели 5 мая. Первое место заняла "
            "Анна Ким. Второе место – у Марата Ибраева, третье – у библиотекаря "
            "Аксуской ЦБС Ольги Седовой.")
    facts, roles = run(analyse, text, [
        ("EVENT", "областного конкурса «Лучший читатель»"),
        ("PERSON", "Анна Ким"), ("PERSON", "Марата Ибраева"),
        ("PROFESSION", "библиотекаря Аксуской ЦБС"), ("ORGANIZATION", "Аксуской ЦБС"),
        ("PERSON", "Ольги Седовой"),
    ])
    contest = "областного конкурса «Лучший читатель»"
    for person in ("Анна Ким", "Марата Ибраева", "Ольги Седовой"):
        assert (person, "PARTICIPANT_IN", contest) in facts


def test_a_place_at_someones_is_not_a_prize(analyse):
    text = ("В Костанае прошел областной семинар «Чтение». У Анны Ким в гостях побывали "
            "коллеги, и место встречи понравилось всем.")
    facts, _ = run(analyse, text, [
        ("EVENT", "областной семинар «Чтение»"), ("PERSON", "Анны Ким"),
    ])
    assert ("Анны Ким", "PARTICIPANT_IN", "областной семинар «Чтение»") not in facts


@pytest.mark.parametrize("text, spec, person, part, whole, focus", [
    ("В мае в Павлодаре прошел областной семинар «Чтение». Заместитель директора Марат "
     "Ибраев выступил с докладом на секции «Краеведение», работавшей в рамках II форума "
     "«Книжная степь» (Астана).",
     [("EVENT", "областной семинар «Чтение»"), ("PERSON", "Марат Ибраев"),
      ("EVENT", "секции «Краеведение»"), ("EVENT", "II форума «Книжная степь»")],
     "Марат Ибраев", "секции «Краеведение»", "II форума «Книжная степь»",
     "областной семинар «Чтение»"),
    ("Анна Ким провела мастер-класс «Буктрейлер», прошедший в рамках фестиваля "
     "«Читающий город».",
     [("PERSON", "Анна Ким"), ("EVENT", "мастер-класс «Буктрейлер»"),
      ("EVENT", "фестиваля «Читающий город»")],
     "Анна Ким", "мастер-класс «Буктрейлер»", "фестиваля «Читающий город»", None),
])
def test_a_part_held_within_a_whole_said_after_it(analyse, text, spec, person, part, whole,
                                                  focus):
    """`на секции «…», работавшей в рамках конгресса «…»`: the speaker attends the
    congress too (GUIDE §6), not the event the text was about before."""
    facts, _ = run(analyse, text, spec)
    assert (person, "PARTICIPANT_IN", part) in facts
    assert (person, "PARTICIPANT_IN", whole) in facts
    if focus:
        assert (person, "PARTICIPANT_IN", focus) not in facts


def test_the_head_of_a_delegation_that_took_part(analyse):
    """`возглавил делегацию X, принявшую участие в конференции «…»`: the head and the
    organisation take part in the event the participle names."""
    text = ("В июне Марат Ибраев возглавил делегацию Костанайской ОУНБ, принявшую участие "
            "в международной конференции «Книга и время» в г. Бишкеке.")
    facts, roles = run(analyse, text, [
        ("PERSON", "Марат Ибраев"), ("ORGANIZATION", "Костанайской ОУНБ"),
        ("EVENT", "международной конференции «Книга и время»"), ("LOCATION", "г. Бишкеке"),
    ])
    conference = "международной конференции «Книга и время»"
    assert roles[("Марат Ибраев", "PARTICIPANT_IN", conference)] == "head-of-delegation"
    assert ("Костанайской ОУНБ", "PARTICIPANT_IN", conference) in facts


def test_a_quoted_byname_before_the_full_name_between_dashes(analyse):
    text = ("«Пушкинка» – Восточно-Казахстанская ОУНБ им. А.С. Пушкина – представила на "
            "фестивале выставку.")
    facts, _ = run(analyse, text, [
        ("ORGANIZATION", "«Пушкинка»"),
        ("ORGANIZATION", "Восточно-Казахстанская ОУНБ им. А.С. Пушкина"),
    ])
    assert ("«Пушкинка»", "ALTERNATIVE_NAME",
            "Восточно-Казахстанская ОУНБ им. А.С. Пушкина") in facts


def test_a_conference_held_under_the_aegis_of_a_forum_is_not_the_forum(analyse):
    """`конференции, которая прошла под эгидой форума «…»`: who spoke about the
    conference attended it, not the forum that sponsored it."""
    # (the stray full stop is as reports have them: the clauses still hang together)
    text = ("15 мая в библиотеке прошла производственная учеба по итогам выездов специалистов. "
            "О VII конференции «Книга и город», которая проходила в Назарбаев Университете. и "
            "прошла под эгидой форума «Евразия» сделала сообщение руководитель отдела Анна Ким.")
    facts, _ = run(analyse, text, [
        ("EVENT", "производственная учеба"), ("EVENT", "VII конференции «Книга и город»"),
        ("EVENT", "форума «Евразия»"), ("PERSON", "Анна Ким"),
    ])
    assert ("Анна Ким", "PARTICIPANT_IN", "VII конференции «Книга и город»") in facts
    assert ("Анна Ким", "PARTICIPANT_IN", "форума «Евразия»") not in facts


@pytest.mark.parametrize("text, spec, event, facts_expected, not_expected", [
    ("Специалисты библиотеки приняли участие во II областном фестивале «Книжный мир» "
     "(18–19 сентября, г. Павлодар).",
     [("EVENT", "II областном фестивале «Книжный мир»"), ("DATE", "18–19 сентября"),
      ("LOCATION", "г. Павлодар")],
     "II областном фестивале «Книжный мир»",
     [("POINT_IN_TIME", "18–19 сентября"), ("TAKES_PLACE_IN", "г. Павлодар")], []),
    ("Марат Ибраев выступил на секции «Краеведение», работавшей в рамках II форума "
     "«Книжная степь» (15–16 октября, НАБ РК, г. Астана).",
     [("PERSON", "Марат Ибраев"), ("EVENT", "секции «Краеведение»"),
      ("EVENT", "II форума «Книжная степь»"), ("DATE", "15–16 октября"),
      ("ORGANIZATION", "НАБ РК"), ("LOCATION", "г. Астана")],
     "II форума «Книжная степь»",
     [("POINT_IN_TIME", "15–16 октября"), ("TAKES_PLACE_IN", "НАБ РК"),
      ("TAKES_PLACE_IN", "г. Астана")],
     [("секции «Краеведение»", "POINT_IN_TIME", "15–16 октября")]),
])
def test_the_date_and_place_in_brackets_after_an_event(analyse, text, spec, event,
                                                      facts_expected, not_expected):
    facts, _ = run(analyse, text, spec)
    for typ, tail in facts_expected:
        assert (event, typ, tail) in facts
    for fact in not_expected:
        assert fact not in facts


def test_the_jury_judges_this_years_contest_not_the_first_one_recalled():
    """`первый конкурс «…» прошел в 1997 году`, recalled in a report of 2024 on the award
    ceremony of that contest: the jury named next judges the 2024 contest."""
    from kgraph.extract import extract

    text = ("17 декабря в библиотеке состоялась церемония награждения победителей конкурса "
            "«Лучший читатель – 2024». Директор напомнил, что первый конкурс «Лучший "
            "читатель» прошел в 1997 году в Алма-Ате. В состав жюри вошли Анна Ким и "
            "Марат Ибраев.")
    ex = extract(Report(path="t", id="t", text=text, date="2024-12-18"))
    by = {m.id: m for m in ex.mentions}
    judged = {(by[r.head].text, by[r.tail].text) for r in ex.relations
              if r.type == "PARTICIPANT_IN" and r.role == "jury"}
    assert judged == {("Анна Ким", "конкурса «Лучший читатель – 2024»"),
                      ("Марат Ибраев", "конкурса «Лучший читатель – 2024»")}


def test_a_table_flattened_into_lines_under_its_column_names():
    """`(дата – мероприятие – место – ответственный)`, then one event a line: each row's
    date, place and the people of the last column (organisers, or participants under
    `участники`)."""
    from kgraph.extract import extract

    text = ("Отдел методической работы Костанайской ОУНБ\n"
            "Информация о работе за III квартал 2024 года\n\n"
            "1. Мероприятия, проведенные отделом (дата – мероприятие – место – ответственный)\n\n"
            "10 июля – вебинар «Каталог без секретов» – онлайн – Ахметова Г.К.\n"
            "15 августа – областной семинар «Сельская библиотека» – г. Аркалык – Ибраев М.С.\n\n"
            "2. Участие в мероприятиях других организаций (дата – мероприятие – место – "
            "участники)\n\n"
            "3–4 сентября – II Международная конференция «Книга и город» – НАБ, г. Астана – "
            "Ахметова Г.К., Ким А.С.\n\n"
            "Отчет составила заведующая отделом Г.К. Ахметова.")
    ex = extract(Report(path="t", id="t", text=text, date="2024-10-01"))
    by = {m.id: m for m in ex.mentions}
    facts = {(by[r.head].text, r.type, by[r.tail].text) for r in ex.relations}
    seminar, conference = ("областной семинар «Сельская библиотека»",
                           "II Международная конференция «Книга и город»")
    assert {("Ахметова Г.К.", "ORGANIZES", "вебинар «Каталог без секретов»"),
            ("Ибраев М.С.", "ORGANIZES", seminar),
            (seminar, "TAKES_PLACE_IN", "г. Аркалык"), (seminar, "POINT_IN_TIME", "15 августа"),
            ("Ахметова Г.К.", "PARTICIPANT_IN", conference),
            ("Ким А.С.", "PARTICIPANT_IN", conference),
            (conference, "TAKES_PLACE_IN", "г. Астана")} <= facts
    assert ("Ким А.С.", "ORGANIZES", conference) not in facts


def test_a_campaign_held_in_parallel_is_not_the_one_joined():
    """`пройдет параллельно с республиканской акцией «…»`: `к акции присоединились X` is
    the campaign the report is about, not the parallel one named last."""
    from kgraph.extract import extract

    text = ("23 апреля в библиотеке стартовала областная акция «Читаем вместе – 2025». Акция "
            "продлится до октября и пройдет параллельно с республиканской акцией «Книга "
            "года». Первыми к акции присоединились Аксуская районная ЦБС и Майская районная ЦБС.")
    ex = extract(Report(path="t", id="t", text=text, date="2025-04-24"))
    by = {m.id: m for m in ex.mentions}
    joined = {(by[r.head].text, by[r.tail].text) for r in ex.relations
              if r.type == "PARTICIPANT_IN"}
    campaign = "областная акция «Читаем вместе – 2025»"
    assert joined == {("Аксуская районная ЦБС", campaign), ("Майская районная ЦБС", campaign)}
