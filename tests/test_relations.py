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
