"""Generate a corpus of library activity reports from templates (for benchmarks).

The reports are in the style of corpus/ (a title, a dateline, a few paragraphs about a
seminar, conference, exhibition or contest: who organised it, where, who spoke, in
what post), built from sentence templates whose slots are filled from lists of
fictional people, posts, libraries, events, cities and dates. Nothing is copied from
real reports. The same seed gives the same corpus.

    python benchmarks/corpus_gen.py OUT_DIR --docs 3000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]

# (masculine, feminine) surnames; one form for both when they do not change
SURNAMES = [("Иванов", "Иванова"), ("Петров", "Петрова"), ("Нургалиев", "Нургалиева"),
            ("Ахметов", "Ахметова"), ("Смирнов", "Смирнова"), ("Кенжебаев", "Кенжебаева"),
            ("Сидоров", "Сидорова"), ("Жумабаев", "Жумабаева"), ("Козлов", "Козлова"),
            ("Оспанов", "Оспанова"), ("Байжанов", "Байжанова"), ("Лебедев", "Лебедева"),
            ("Токтаров", "Токтарова"), ("Морозов", "Морозова"), ("Сейтказин", "Сейтказина"),
            ("Ким", "Ким"), ("Шевченко", "Шевченко"), ("Искаков", "Искакова"),
            ("Волков", "Волкова"), ("Утепов", "Утепова")]
FIRST = {"m": ["Ерлан", "Сергей", "Андрей", "Марат", "Алексей", "Бауыржан", "Дмитрий",
               "Асхат", "Николай", "Тимур"],
         "f": ["Гульнара", "Мария", "Ольга", "Айгуль", "Наталья", "Жанна", "Светлана",
               "Динара", "Елена", "Сауле"]}
# father's name -> (masculine, feminine) patronymic
PATRONYMICS = [("Канатович", "Канатовна"), ("Петрович", "Петровна"), ("Серикович", "Сериковна"),
               ("Викторович", "Викторовна"), ("Асанович", "Асановна"),
               ("Николаевич", "Николаевна"), ("Маратович", "Маратовна"),
               ("Иванович", "Ивановна")]

# posts: nominative; units: genitive (as they follow a post)
POSTS = ["заведующий отделом", "главный библиотекарь", "ведущий библиотекарь", "методист",
         "библиограф", "заместитель директора", "заведующий сектором", "директор"]
POSTS_F = {"заведующий отделом": "заведующая отделом", "главный библиотекарь": "главный библиотекарь",
           "ведущий библиотекарь": "ведущий библиотекарь", "методист": "методист",
           "библиограф": "библиограф", "заместитель директора": "заместитель директора",
           "заведующий сектором": "заведующая сектором", "директор": "директор"}
UNITS = {"заведующий отделом": ["обслуживания читателей", "краеведения", "комплектования",
                                "научно-методической работы", "редких книг"],
         "заведующий сектором": ["автоматизации", "детской литературы", "массовой работы"]}


@dataclass
class Library:
    nom: str
    gen: str
    prep: str  # after "в"
    short: str
    city: int  # index in CITIES


LIBRARIES = [
    Library("Павлодарская областная универсальная научная библиотека им. С. Торайгырова",
            "Павлодарской областной универсальной научной библиотеки им. С. Торайгырова",
            "Павлодарской областной универсальной научной библиотеке им. С. Торайгырова",
            "ПОУНБ", 0),
    Library("Национальная академическая библиотека Республики Казахстан",
            "Национальной академической библиотеки Республики Казахстан",
            "Национальной академической библиотеке Республики Казахстан", "НАБ", 4),
    Library("Омская государственная областная научная библиотека им. А. С. Пушкина",
            "Омской государственной областной научной библиотеки им. А. С. Пушкина",
            "Омской государственной областной научной библиотеке им. А. С. Пушкина",
            "Пушкинская библиотека", 3),
    Library("Экибастузская централизованная библиотечная система",
            "Экибастузской централизованной библиотечной системы",
            "Экибастузской централизованной библиотечной системе", "ЦБС", 1),
    Library("Восточно-Казахстанская областная библиотека им. А. Пушкина",
            "Восточно-Казахстанской областной библиотеки им. А. Пушкина",
            "Восточно-Казахстанской областной библиотеке им. А. Пушкина", "ВКОБ", 7),
    Library("Центральная городская библиотека", "Центральной городской библиотеки",
            "Центральной городской библиотеке", "ЦГБ", 2),
    Library("Алтайская краевая универсальная научная библиотека им. В. Я. Шишкова",
            "Алтайской краевой универсальной научной библиотеки им. В. Я. Шишкова",
            "Алтайской краевой универсальной научной библиотеке им. В. Я. Шишкова",
            "АКУНБ", 8),
    Library("Областная детская библиотека", "Областной детской библиотеки",
            "Областной детской библиотеке", "ОДБ", 5),
]
CITIES = [("Павлодар", "Павлодаре"), ("Экибастуз", "Экибастузе"), ("Семей", "Семее"),
          ("Омск", "Омске"), ("Астана", "Астане"), ("Костанай", "Костанае"),
          ("Караганда", "Караганде"), ("Усть-Каменогорск", "Усть-Каменогорске"),
          ("Барнаул", "Барнауле"), ("Алматы", "Алматы")]
# (genitive, instrumental)
ORGANISERS = [("Казахстанского библиотечного союза", "Казахстанским библиотечным союзом"),
              ("управления культуры области", "управлением культуры области"),
              ("отдела культуры и развития языков", "отделом культуры и развития языков"),
              ("Российской библиотечной ассоциации", "Российской библиотечной ассоциацией")]


@dataclass
class Event:
    nom: str
    gen: str
    gender: str  # m | f | n: "прошёл / прошла / прошло"
    level: list


EVENTS = [Event("семинар", "семинара", "m", ["областной", "республиканский", "районный"]),
          Event("семинар-практикум", "семинара-практикума", "m", ["областной", "городской"]),
          Event("конференция", "конференции", "f", ["научно-практическая", "международная",
                                                     "региональная"]),
          Event("круглый стол", "круглого стола", "m", [""]),
          Event("книжная выставка", "книжной выставки", "f", [""]),
          Event("акция", "акции", "f", ["республиканская", "областная"]),
          Event("конкурс", "конкурса", "m", ["областной", "профессиональный"]),
          Event("форум", "форума", "m", ["молодёжный", "международный"]),
          Event("вебинар", "вебинара", "m", [""])]
TITLES = ["Библиотека и общество", "Чтение детям", "Электронные ресурсы библиотек",
          "Краеведение: новые подходы", "Книга объединяет", "Цифровая библиотека",
          "Лучший библиотекарь года", "Читающий регион", "Библиотека будущего",
          "Память поколений", "Бір ел – бір кітап", "Степные книги", "Голос книги",
          "Библиотечный маркетинг", "Наследие Абая"]
TOPICS = ["оцифровке краеведческих изданий", "работе с детской аудиторией",
          "продвижении чтения в социальных сетях", "комплектовании фондов",
          "электронном каталоге", "проектной деятельности библиотек",
          "обслуживании людей с ограниченными возможностями"]


def person(rng: random.Random):
    g = rng.choice("mf")
    surname = rng.choice(SURNAMES)[0 if g == "m" else 1]
    first = rng.choice(FIRST[g])
    middle = rng.choice(PATRONYMICS)[0 if g == "m" else 1]
    full = f"{first} {middle} {surname}" if rng.random() < 0.3 else f"{surname} {first} {middle}"
    initials = f"{first[0]}.{middle[0]}. {surname}"
    return g, full, initials


def post_phrase(rng: random.Random, g: str, lib: Library) -> str:
    post = rng.choice(POSTS)
    word = POSTS_F[post] if g == "f" else post
    units = UNITS.get(post)
    unit = f" {rng.choice(units)}" if units else ""
    return f"{word}{unit} {lib.short}" if rng.random() < 0.5 else f"{word}{unit}"


def past(g: str, m: str, f: str) -> str:
    return f if g == "f" else m


def report(rng: random.Random, i: int) -> tuple[str, str]:
    """(file stem, text) of one report."""
    year = rng.randint(2017, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    lib = rng.choice(LIBRARIES)
    city, city_prep = CITIES[lib.city]
    ev = rng.choice(EVENTS)
    level = rng.choice(ev.level)
    title = rng.choice(TITLES)
    org, org_instr = rng.choice(ORGANISERS)
    held = {"m": "прошёл", "f": "прошла", "n": "прошло"}[ev.gender]
    event_phrase = f"{level} {ev.nom}".strip()

    people = [person(rng) for _ in range(rng.randint(3, 6))]
    head = f"{ev.nom.capitalize()} «{title}» в {city_prep}"
    sentences = [
        f"{day} {MONTHS[month - 1]} в {lib.prep} (г. {city}) {held} {event_phrase} «{title}».",
        f"Организаторами выступили {lib.short} совместно с {org_instr}.",
        f"В работе {ev.gen} приняли участие более {rng.randint(2, 12) * 10} специалистов "
        f"областных, городских и районных библиотек.",
    ]
    g, full, initials = people[0]
    sentences.append(f"С приветственным словом {past(g, 'выступил', 'выступила')} "
                     f"{post_phrase(rng, g, lib)} {full}.")
    for g, full, initials in people[1:]:
        kind = rng.randrange(4)
        if kind == 0:
            sentences.append(f"{full}, {post_phrase(rng, g, lib)}, {past(g, 'рассказал', 'рассказала')} "
                             f"о {rng.choice(TOPICS)}.")
        elif kind == 1:
            sentences.append(f"С докладом «{rng.choice(TITLES)}» {past(g, 'выступил', 'выступила')} "
                             f"{post_phrase(rng, g, lib)} {initials}.")
        elif kind == 2:
            sentences.append(f"Модератором {ev.gen} {past(g, 'стал', 'стала')} {initials}.")
        else:
            other = rng.choice([x for x in LIBRARIES if x is not lib])
            sentences.append(f"{other.nom} на мероприятии {past(g, 'представлял', 'представляла')} "
                             f"{post_phrase(rng, g, other)} {full}.")
    if rng.random() < 0.5:
        sentences.append(f"Участники обсудили вопросы о {rng.choice(TOPICS)} и договорились "
                         f"об обмене опытом с коллегами из соседних регионов.")
    if rng.random() < 0.6:
        sentences.append(f"По итогам {ev.gen} участникам вручены сертификаты, а лучшие "
                         f"работы отмечены дипломами {org}.")
    paragraphs, k = [], 0
    while k < len(sentences):  # 1-3 sentences per paragraph
        step = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[k:k + step]))
        k += step
    text = f"{head}\n\n{day} {MONTHS[month - 1]} {year} г.\n\n" + "\n\n".join(paragraphs) + "\n"
    stem = f"{year}-{month:02d}-{day:02d}-r{i:05d}"
    return stem, text


def generate(out: str | Path, docs: int, seed: int = 1) -> list[Path]:
    """Write `docs` reports as OUT/<stem>.txt (one flat folder); return their paths."""
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(docs):
        stem, text = report(rng, i)
        path = out / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.out, args.docs, args.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    print(f"{len(paths)} reports, {chars} characters ({chars // max(len(paths), 1)} per report) "
          f"in {args.out}")


if __name__ == "__main__":
    main()
