"""DATE mentions in Russian text: spans, normal forms and ISO-like values (GUIDE §2, §3).

    >>> [(d.text, d.normal, d.value) for d in find_dates("В мае 2023 года прошел конгресс.")]
    [('В мае 2023 года', 'май 2023 года', '2023-05')]

How it works
------------
1. *Atoms*: one compiled regular expression per construction of the genre (day +
   month, numeric date, month, year, year range, coordinated days/years, decade,
   century, season, relative year/month, quarter/half-year, "конец/начало/середина"
   + a period). Every rule may take a leading ``в/во`` (inside the span, GUIDE §2)
   and most take a part-of-period prefix (``в конце января``, ``начала XX века``).
   A handler turns each match into a candidate with its normal form and a
   structured value (``_T``); overlaps are resolved leftmost-longest. Each rule
   runs only in windows around the hits of a cheap *trigger* (a month stem, a
   4-digit number, …), which keeps the pass at about 1M characters a second.
2. *Filters*: candidates inside quoted titles («…», "…", „…“) or inside the
   caller's ``exclude`` spans are dropped; so are frequencies (``каждую весну``).
3. *Ranges*: two adjacent atoms joined by a dash (``ноябрь–декабрь``,
   ``30 ноября – 1 декабря 2023 г.``) or by ``с … по …`` are merged; a
   year-less side takes the year of the other side (also across ``и``).
4. *Values*: a year-less date takes the year of ``report_date``; relative
   expressions (``в этом году``, ``осенью прошлого года``) resolve against it;
   without a report date the year is ``XXXX``. When the report date has a month,
   the tense of the clause can move a year-less date by one year: before the
   report date but future (``будут изданы к весне``, ``решено провести весной``)
   -> next year; after it but past (``съезд, проходивший в октябре`` in a January
   report) -> previous year. The tense comes from lexical cues and, lazily, from
   pymorphy2 (through natasha's MorphVocab), only for such dates.

Durations (``два года``, ``за последние два года``), frequencies (``ежегодно``),
anniversaries (``80-летию``) and numbers before other nouns never match: a year
needs four digits and a year word (``г.``, ``год``…), a month or a day+month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["DateSpan", "find_dates", "resolve_value", "guess_report_date", "quoted_regions"]


@dataclass
class DateSpan:
    start: int
    end: int  # exclusive
    text: str
    normal: str
    value: str | None


# ---------------------------------------------------------------------------
# Vocabulary

_MONTH_NOM = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
              "сентябрь", "октябрь", "ноябрь", "декабрь"]


def _month_forms() -> dict[str, tuple[int, str]]:
    """Every case form of every month -> (number, case)."""
    forms: dict[str, tuple[int, str]] = {}
    for num, nom in enumerate(_MONTH_NOM, 1):
        if nom == "май":
            table = {"май": "nom", "мая": "gen", "маю": "dat", "маем": "ins", "мае": "loc"}
        elif nom.endswith("ь"):  # soft stem: январь, февраль, апрель, июнь, июль, сентябрь…
            s = nom[:-1]
            table = {nom: "nom", s + "я": "gen", s + "ю": "dat", s + "ем": "ins",
                     s + "ём": "ins", s + "е": "loc"}
        else:  # hard stem: март, август
            table = {nom: "nom", nom + "а": "gen", nom + "у": "dat", nom + "ом": "ins",
                     nom + "е": "loc"}
        for form, case in table.items():
            forms[form] = (num, case)
    return forms


MONTH_FORMS = _month_forms()

# season form -> (code, gender, nominative)
SEASON_FORMS: dict[str, tuple[str, str, str]] = {}
for _code, _gender, _forms in (
    ("SP", "f", "весна весны весне весну весной весною"),
    ("SU", "n", "лето лета летом лете"),  # "лету" left out: "на лету"
    ("FA", "f", "осень осени осенью"),
    ("WI", "f", "зима зимы зиме зиму зимой зимою"),
):
    _nom = _forms.split()[0]
    for _f in _forms.split():
        SEASON_FORMS[_f] = (_code, _gender, _nom)
_SEASON_LAST_MONTH = {"SP": 5, "SU": 8, "FA": 11, "WI": 14}  # WI: see _compare_report

# relative adjectives: stem -> (offset from the report year, nominative m/f/n)
_REL = {
    "эт": (0, ("этот", "эта", "это")),
    "текущ": (0, ("текущий", "текущая", "текущее")),
    "нынешн": (0, ("нынешний", "нынешняя", "нынешнее")),
    "уходящ": (0, ("уходящий", "уходящая", "уходящее")),
    "прошл": (-1, ("прошлый", "прошлая", "прошлое")),
    "минувш": (-1, ("минувший", "минувшая", "минувшее")),
    "предыдущ": (-1, ("предыдущий", "предыдущая", "предыдущее")),
    "истекш": (-1, ("истекший", "истекшая", "истекшее")),
    "позапрошл": (-2, ("позапрошлый", "позапрошлая", "позапрошлое")),
    "следующ": (1, ("следующий", "следующая", "следующее")),
    "будущ": (1, ("будущий", "будущая", "будущее")),
    "наступающ": (1, ("наступающий", "наступающая", "наступающее")),
}
_GENDER_IDX = {"m": 0, "f": 1, "n": 2}

# part-of-period words -> nominative
_PARTS = (("начал", "начало"), ("кон", "конец"), ("середин", "середина"),
          ("перв", "первая половина"), ("втор", "вторая половина"))

_ORDINALS = {  # stem -> (number, nominative masc, nominative neut)
    "перв": (1, "первый", "первое"), "втор": (2, "второй", "второе"),
    "трет": (3, "третий", "третье"), "четверт": (4, "четвертый", "четвертое"),
    "четвёрт": (4, "четвёртый", "четвёртое"),
}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_CYR_TO_LAT = str.maketrans({"Х": "X", "І": "I", "х": "X", "і": "I"})

# ---------------------------------------------------------------------------
# Regular-expression building blocks (compiled once, at import)


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_SP = r"[ \u00a0\u202f]"
_S = _SP + "+"
_DASH = _SP + r"*[-‐‑‒–—―]" + _SP + "*"
_NL = r"(?![а-яёa-z0-9])"  # end of word (the patterns are case-insensitive)
_NB = r"(?<![а-яёa-z0-9])"  # start of word
_V = rf"(?P<v>{_NB}во?{_S})?"  # leading в/во, part of the span
_PART_BODY = (rf"{_NB}(?:начал(?:ом|о|а|е|у)|кон(?:ец|ца|це|цу|цом)|середин(?:ой|а|ы|е|у)"
              rf"|(?:перв|втор)(?:ая|ой|ою|ую){_S}половин(?:ой|а|ы|е|у)){_S}")
_PART = rf"(?P<part>{_PART_BODY})?"  # начало/конец/середина/половина + a period
_NUM0 = r"(?<![\w.,:/№-])"  # start of a number (not 3,5 / 1.2 / COVID-19)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)(?:-?го)?"
_YEAR = r"(?:1\d{3}|20\d\d)(?!\d)"
_YWORD = r"(?:годами|годах|годам|годов|годом|годы|году|года|годе|год|гг\.?|г\.?)(?![а-яёa-z])"
_ORD_SUFFIX = r"(?:-?(?:го|м|й)(?![а-яё]))?"  # 1945-го, 2017-м, 2017-й
_YEAR_TAIL = rf"(?P<y>{_YEAR}){_ORD_SUFFIX}(?:{_SP}?(?P<w>{_YWORD}))?"
_MONTH = rf"(?:{_alt(MONTH_FORMS)}){_NL}"
_MONTH_GEN = rf"(?:{_alt(f for f, (_, c) in MONTH_FORMS.items() if c == 'gen')}){_NL}"
_SEASON = rf"(?:{_alt(SEASON_FORMS)}){_NL}"
_REL_ADJ = (r"(?:эт(?:ому|ого|ою|от|им|ом|ой|а|у|о)"
            r"|(?:поза)?прошл(?:ого|ому|ый|ым|ом|ая|ой|ую|ое)"
            r"|(?:следующ|будущ|наступающ|текущ|уходящ|минувш|предыдущ|истекш)"
            r"(?:его|ему|ий|им|ем|ая|ей|ую|ее)"
            r"|нынешн(?:его|ему|ий|им|ем|яя|ей|юю|ее))") + _NL
_YEAR_NOUN_SG = r"(?:годом|году|года|годе|год)" + _NL
_ROMAN = r"(?-i:[IVXХІ]{1,6})"
_WEEKDAYS = {"понедельник": "понедельник", "вторник": "вторник", "сред": "среда",
             "четверг": "четверг", "пятниц": "пятница", "суббот": "суббота",
             "воскресень": "воскресенье"}
_WEEKDAY = (r"(?:(?:понедельник|вторник|четверг)(?:ом|а|у|е)?"
            r"|(?:сред|пятниц|суббот)(?:ой|ей|а|у|ы|е)|воскресень(?:ем|е|я|ю))") + _NL
_CENT_WORD = r"(?:веками|веках|векам|веков|веком|века|веке|веку|век|вв\.|в\.)"
_FLAGS = re.I

# Every rule has a *trigger*: a cheap pattern for the one word it cannot do without
# (a month, a 4-digit number, a season…). The rule runs only in windows around the
# triggers' hits, which makes the whole pass several times faster on ordinary text.
_TRIGGERS = {
    "month": (rf"{_NB}(?:январ|феврал|март|апрел|ма[йяею]|июн|июл|август|сентябр|октябр"
              r"|ноябр|декабр)"),
    "numeric": r"\d\.[01]?\d\.\d\d",
    "year": r"[12]\d{3}",
    "decade": r"0-(?:х|е|ых|ые)",
    "century": r"(?:век|вв?\.)",
    "season": rf"{_NB}(?:весн|лет|осен|зим)",
    "relyear": rf"{_NB}год",
    "relmonth": rf"{_NB}месяц",
    "quarter": r"(?:квартал|полугоди)",
}
_TRIGGER_RX = {k: re.compile(v, _FLAGS) for k, v in _TRIGGERS.items()}
_WINDOW_LEFT, _WINDOW_RIGHT = 80, 120  # longest context of a rule around its trigger

_RULES: list[tuple[str, str, re.Pattern]] = []


def _rule(name: str, pattern: str, trigger: str):
    _RULES.append((name, trigger, re.compile(pattern, _FLAGS)))


# 12 октября 2023 г. | 12–13 октября | 5-го апреля 2023 года | во вторник, 12 марта
_rule("daymonth", rf"{_V}(?:{_NB}(?P<wd>{_WEEKDAY}),?{_S})?{_NUM0}(?P<d1>{_DAY})"
                  rf"(?:(?P<dash>{_DASH})(?P<d2>{_DAY}))?{_S}"
                  rf"(?P<mon>{_MONTH_GEN})(?:{_S}{_YEAR_TAIL})?", "month")
# 12 и 13 октября | 1, 2 и 3 марта 2024 г.
_rule("daycoord", rf"{_V}{_NUM0}(?P<ds>{_DAY}(?:,{_SP}*{_DAY})*{_S}и{_S}{_DAY}){_S}"
                  rf"(?P<mon>{_MONTH_GEN})(?:{_S}{_YEAR_TAIL})?", "month")
# с 5 по 6 апреля 2023 г.
_rule("dayrange", rf"(?P<s>{_NB}с{_S})(?P<d1>{_DAY}){_S}по{_S}(?P<d2>{_DAY}){_S}"
                  rf"(?P<mon>{_MONTH_GEN})(?:{_S}{_YEAR_TAIL})?", "month")
# 15.03.2023 | 15.03.2023 г.
_rule("numeric", rf"{_V}{_NUM0}(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>{_YEAR}|\d\d(?![\d.]))"
                 rf"(?:{_SP}?(?P<w>г\.|года|г{_NL}))?", "numeric")
# 2023-03-15 (not inside URLs)
_rule("iso", rf"(?<![\w./-])(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-])", "year")
# в мае 2023 года | сентябре прошлого года | в конце января | ноябрь
_rule("month", rf"{_V}{_PART}(?:{_NB}(?P<madj>{_REL_ADJ}){_S})?{_NB}(?P<mon>{_MONTH})"
               rf"(?:{_S}(?:{_YEAR_TAIL}|(?P<radj>{_REL_ADJ}){_S}(?P<rnoun>года{_NL})))?", "month")
# 2022–2023 гг. | 2024–2026 годы | в 1998—2010 годах
_rule("yearrange", rf"{_V}{_NUM0}(?P<y1>{_YEAR})(?P<dash>{_DASH}|/)(?P<y2>{_YEAR})"
                   rf"{_SP}?(?:(?P<uch>учебн(?:ого|ому|ый|ым|ом|ые|ых|ыми)){_S})?(?P<w>{_YWORD})",
      "year")
# с 2019 по 2021 год
_rule("yearrange2", rf"(?P<s>{_NB}с{_S})(?P<y1>{_YEAR}){_S}по{_S}(?P<y2>{_YEAR})"
                    rf"{_SP}?(?P<w>{_YWORD})", "year")
# в 2017 году | 2017 года | 2024г. | в начале 2024 года
_rule("year", rf"{_V}{_PART}{_NUM0}(?P<y>{_YEAR}){_ORD_SUFFIX}{_SP}?(?P<w>{_YWORD})", "year")
# в 2022 и 2023 годах | 2019, 2021 и 2023 гг.
_rule("yearcoord", rf"{_V}{_NUM0}(?P<ys>{_YEAR}(?:,{_SP}*{_YEAR})*{_S}и{_S}{_YEAR}){_SP}?"
                   rf"(?P<w>(?:годах|годам|годами|годов|годы|гг\.?){_NL})", "year")
# в 2014, … (a bare year only after в and before punctuation)
_rule("bareyear", rf"(?P<v>{_NB}во?{_S}){_NUM0}(?P<y>1[5-9]\d\d|20\d\d)(?![\d-])"
                  rf"(?=[,;:)!?]|\.(?!\d)|$)", "year")
# 1960-х годов | в 1960-е годы | 60-х годов XX века
_rule("decade", rf"{_V}{_PART}{_NUM0}(?P<dec>\d{{3}}0|[1-9]0)-(?:ых|ые|х|е){_NL}"
                rf"(?:{_SP}?(?P<w>годами|годах|годам|годов|годы|гг\.?)(?![а-яёa-z]))?"
                rf"(?:{_S}(?P<cent>{_ROMAN}){_S}(?:века|веке|в\.))?", "decade")
# XIX века | в XIX веке | XIX–XX вв. | начала XX века | 19 века
_rule("century", rf"{_V}{_PART}(?<![а-яёa-z0-9.])(?P<c1>{_ROMAN}|[12]?\d)(?:(?P<dash>{_DASH})"
                 rf"(?P<c2>{_ROMAN}|[12]?\d))?{_SP}*(?P<w>{_CENT_WORD})"
                 rf"(?![а-яёa-z])", "century")
# весной | этой осенью | осенью прошлого года | весной 2012 года | в конце лета
_rule("season", rf"{_V}{_PART}{_NB}(?:(?P<adj>{_REL_ADJ}){_S})?(?P<sea>{_SEASON})"
                rf"(?:{_S}(?:{_YEAR_TAIL}|(?P<radj>{_REL_ADJ}){_S}(?P<rnoun>года{_NL})))?",
      "season")
# в этом году | прошлого года | на следующий год -> следующий год
_rule("relyear", rf"{_V}{_PART}{_NB}(?P<adj>{_REL_ADJ}){_S}(?P<noun>{_YEAR_NOUN_SG})", "relyear")
# в прошлом месяце | в этом месяце
_rule("relmonth", rf"{_V}{_NB}(?P<adj>{_REL_ADJ}){_S}(?P<noun>месяц(?:ем|а|е|у)?){_NL}", "relmonth")
# до конца года -> конца года
_rule("partyear", rf"{_V}(?P<part>{_PART_BODY})(?P<noun>года{_NL})", "relyear")
# в первом квартале 2024 года | II полугодие
_rule("quarter", rf"{_V}(?<![а-яёa-z0-9.])(?P<ord>{_ROMAN}|[1-4](?:-?(?:го|ом|ый|ий|й|м|е))?"
                 rf"|перв[а-яё]{{2,3}}|втор[а-яё]{{2,3}}|трет[а-яё]{{2,3}}|четв[её]рт[а-яё]{{2,3}})"
                 rf"{_S}(?P<unit>квартал(?:ами|ах|ом|ам|ов|ы|е|а|у)?"
                 rf"|полугоди(?:ем|ям|е|я|ю|и)){_NL}"
                 rf"(?:{_S}(?:{_YEAR_TAIL}|(?P<radj>{_REL_ADJ}){_S}(?P<rnoun>года{_NL})))?",
      "quarter")

_RANGE_GAP_DASH = re.compile(rf"^{_DASH}$")
_RANGE_GAP_PO = re.compile(rf"^{_S}по{_S}$", re.I)
_RANGE_S = re.compile(rf"{_NB}с{_S}$", re.I)
_FREQ_BEFORE = re.compile(rf"{_NB}(?:кажд[а-яё]+|ежегодно){_S}$", re.I)
_ROMAN_WORD = re.compile(r"(?<![а-яёА-ЯЁA-Za-z])[IVXХІ]+(?![а-яёА-ЯЁA-Za-z])")
_YWORD_FIX = re.compile(rf"(\d)(?:-?го)?{_SP}?(гг?)\.?(?![а-яё])", re.I)

# ---------------------------------------------------------------------------
# Parsed values


@dataclass
class _T:
    """A parsed time expression; the year may be explicit, relative or missing."""

    # day | month | year | season | decade | century | quarter | half | relmonth | range | set
    kind: str
    year: int | None = None  # explicit
    rel: int | None = None  # offset from the report year
    wrap: int = 0  # extra years inside a year-less range (дек. – февр.)
    month: int | None = None
    day: int | None = None
    season: str | None = None
    code: str | None = None  # decade "196X", century "18XX"
    n: int | None = None  # quarter/half number
    a: _T | None = None  # range start
    b: _T | None = None  # range end

    @property
    def yearless(self) -> bool:
        return self.year is None and self.rel is None and self.kind in ("day", "month", "season",
                                                                         "quarter", "half")


@dataclass
class _Cand:
    start: int
    end: int
    normal: str
    t: _T
    has_v: bool = False
    rule: str = ""


# ---------------------------------------------------------------------------
# Helpers


def _fix_spacing(s: str) -> str:
    """`2024г.` -> `2024 г.`; Cyrillic Roman numerals -> Latin; squeeze spaces."""
    s = _YWORD_FIX.sub(lambda m: f"{m.group(1)} {m.group(2).lower()}.", s)
    s = _ROMAN_WORD.sub(lambda m: m.group(0).translate(_CYR_TO_LAT), s)
    return re.sub(rf"{_SP}+", " ", s)


def _lower_first(s: str) -> str:
    if s and s[0].isalpha() and s[0].isupper() and not re.match(r"[IVXХІ]+(?![а-яёa-z])", s):
        return s[0].lower() + s[1:]
    return s


def _part_nom(part: str) -> str:
    p = part.strip().lower()
    for stem, nom in _PARTS:
        if p.startswith(stem):
            return nom
    return p


def _rel_info(adj: str) -> tuple[int, tuple[str, str, str]]:
    a = adj.lower()
    for stem in sorted(_REL, key=len, reverse=True):
        if a.startswith(stem):
            return _REL[stem]
    raise KeyError(adj)


def _year_word_nom(w: str | None, plural: bool = False) -> str:
    if not w:
        return ""
    wl = w.lower()
    if wl.startswith("г") and not wl.startswith("год"):
        return "гг." if wl.startswith("гг") else "г."
    if plural or wl in ("годы", "годов", "годах", "годам", "годами"):
        return "годы"
    return "год"


def _roman(s: str) -> int | None:
    s = s.translate(_CYR_TO_LAT).upper()
    if s.isdigit():
        return int(s)
    if not re.fullmatch(r"X{0,3}(IX|IV|V?I{0,3})", s) or not s:
        return None
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN_VALUES[ch]
        total += -v if v < prev else v
        prev = max(prev, v)
    return total


def _century_code(s: str) -> str | None:
    n = _roman(s)
    if not n or n > 21:
        return None
    return f"{n - 1:0>2}XX" if n > 1 else "00XX"


def _year2(s: str) -> int:
    y = int(s)
    if len(s) == 2:
        y += 2000 if y <= 50 else 1900
    return y


# ---------------------------------------------------------------------------
# Rule handlers: match -> candidate (or None to reject)


def _sentence_start(text: str, i: int) -> bool:
    before = text[:i].rstrip(" \u00a0\t")
    return not before or before[-1] in ".!?\n:;«\"(—–-…"


def _core(m: re.Match) -> tuple[str, bool]:
    v = m.groupdict().get("v")
    start = m.end("v") if v else m.start()
    return m.string[start:m.end()], bool(v)


def _with_part(m: re.Match, core: str, normal: str) -> str:
    """With a part-of-period prefix the rest stays as written (genitive complement)."""
    part = m.groupdict().get("part")
    if part:
        return _part_nom(part) + " " + _fix_spacing(core[len(part):])
    return normal


def _h_daymonth(m: re.Match) -> _Cand | None:
    mon = m.group("mon")
    if mon[0].isupper() and not mon.isupper():  # "8 Марта", "ул. 1 Мая": names, not dates
        return None
    month = MONTH_FORMS[mon.lower()][0]
    d1 = int(re.match(r"\d+", m.group("d1")).group())
    year = int(m.group("y")) if m.group("y") else None
    core, v = _core(m)
    t = _T("day", year=year, month=month, day=d1)
    if m.group("d2"):
        d2 = int(re.match(r"\d+", m.group("d2")).group())
        if d2 <= d1:
            return None
        t = _T("range", a=t, b=replace(t, day=d2))
    normal = _lower_first(_fix_spacing(core))
    wd = m.groupdict().get("wd")
    if wd:  # "в среду, 3 октября" -> "среда, 3 октября"
        nom = next(n for stem, n in _WEEKDAYS.items() if wd.lower().startswith(stem))
        normal = nom + _fix_spacing(core[len(wd):])
    return _Cand(m.start(), m.end(), normal, t, v)


def _h_numeric(m: re.Match) -> _Cand | None:
    d, mo = int(m.group("d")), int(m.group("m"))
    ys = m.group("y")
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    if len(ys) == 2 and not (m.group("w") and len(m.group("d")) == len(m.group("m")) == 2):
        return None  # a two-digit year only as "01.02.03 г." ("24.03.02" is a code)
    core, v = _core(m)
    t = _T("day", year=_year2(ys), month=mo, day=d)
    return _Cand(m.start(), m.end(), _fix_spacing(core), t, v)


def _h_iso(m: re.Match) -> _Cand | None:
    d, mo = int(m.group("d")), int(m.group("m"))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    return _Cand(m.start(), m.end(), m.group(0), _T("day", year=int(m.group("y")), month=mo, day=d))


def _h_month(m: re.Match) -> _Cand | None:
    mon = m.group("mon")
    core, v = _core(m)
    y, radj = m.group("y"), m.group("radj")
    if mon[0].isupper() and not mon.isupper() and not (v or m.group("part") or y or radj):
        return None  # "Мая", "Марта", "Августа" alone are names
    if y and not m.group("w") and int(y) < 1800:
        # "в мае 1500 человек": a bare number after a month is a year only when plausible
        return _h_month_noyear(m)
    month = MONTH_FORMS[mon.lower()][0]
    t = _T("month", month=month)
    tail = m.string[m.end("mon"):m.end()]  # the year or "прошлого года"
    normal = _MONTH_NOM[month - 1] + _fix_spacing(tail)
    if y:
        t.year = int(y)
    elif radj:
        t.rel = _rel_info(radj)[0]
    madj = m.group("madj")
    if madj:  # "в следующем мае"
        if y or radj:
            return None
        off, noms = _rel_info(madj)
        t.rel = off
        normal = noms[0] + " " + normal
    return _Cand(m.start(), m.end(), _with_part(m, core, normal), t, v)


def _h_month_noyear(m: re.Match) -> _Cand:
    end = m.end("mon")
    core = m.string[(m.end("v") if m.group("v") else m.start()):end]
    month = MONTH_FORMS[m.group("mon").lower()][0]
    normal = _with_part(m, core, _MONTH_NOM[month - 1])
    return _Cand(m.start(), end, normal, _T("month", month=month), bool(m.group("v")))


def _h_yearrange(m: re.Match) -> _Cand | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if y2 <= y1:
        return None
    core, v = _core(m)
    t = _T("range", a=_T("year", year=y1), b=_T("year", year=y2))
    if m.groupdict().get("s"):
        normal = _lower_first(_fix_spacing(core))
    else:
        w, uch = m.group("w"), m.groupdict().get("uch")
        if uch and not w.lower().startswith("год"):
            return None
        wn = _year_word_nom(w)
        if uch:  # "в 2023–2024 учебном году" -> "2023–2024 учебный год"
            wn = "учебные годы" if wn == "годы" else "учебный год"
        normal = f"{m.group('y1')}{m.group('dash').strip() or '–'}{m.group('y2')} {wn}"
    return _Cand(m.start(), m.end(), normal, t, v)


def _h_year(m: re.Match) -> _Cand | None:
    core, v = _core(m)
    normal = f"{m.group('y')} {_year_word_nom(m.group('w'))}"
    t = _T("year", year=int(m.group("y")))
    return _Cand(m.start(), m.end(), _with_part(m, core, normal), t, v)


def _h_bareyear(m: re.Match) -> _Cand | None:
    return _Cand(m.start(), m.end(), m.group("y"), _T("year", year=int(m.group("y"))), True)


def _h_decade(m: re.Match) -> _Cand | None:
    dec, w, cent = m.group("dec"), m.group("w"), m.group("cent")
    if len(dec) == 2 and not (w or cent):
        return None  # "20-х" alone is too ambiguous
    if len(dec) == 4:
        code = dec[:3] + "X"
    else:
        cc = _century_code(cent) if cent else "19XX"
        if not cc:
            return None
        code = cc[:2] + dec[0] + "X"
    core, v = _core(m)
    normal = f"{dec}-е" + (" годы" if w and w.lower().startswith("год") else (" гг." if w else ""))
    if cent:
        normal += " " + _fix_spacing(core[core.lower().rfind(cent.lower()):])
    return _Cand(m.start(), m.end(), _with_part(m, core, normal), _T("decade", code=code), v)


_CENT_NOM = {"век": "век", "века": "век", "веке": "век", "веку": "век", "веком": "век",
             "веков": "века", "веках": "века", "векам": "века", "веками": "века",
             "в.": "в.", "вв.": "вв."}


def _h_century(m: re.Match) -> _Cand | None:
    c1 = _century_code(m.group("c1"))
    if not c1:
        return None
    core, v = _core(m)
    w = m.group("w").lower()
    if m.group("c2"):
        c2 = _century_code(m.group("c2"))
        if not c2 or c2 <= c1:
            return None
        t = _T("range", a=_T("century", code=c1), b=_T("century", code=c2))
        wn = "века" if w.startswith("век") else _CENT_NOM[w]
        normal = (f"{m.group('c1').translate(_CYR_TO_LAT)}{m.group('dash').strip()}"
                  f"{m.group('c2').translate(_CYR_TO_LAT)} {wn}")
    else:
        if w == "в." and not m.group("c1").translate(_CYR_TO_LAT).isupper():
            return None  # "19 в." is too likely something else
        t = _T("century", code=c1)
        normal = f"{m.group('c1').translate(_CYR_TO_LAT)} {_CENT_NOM[w]}"
    return _Cand(m.start(), m.end(), _with_part(m, core, normal), t, v)


def _h_season(m: re.Match) -> _Cand | None:
    sea, adj, y, radj = m.group("sea"), m.group("adj"), m.group("y"), m.group("radj")
    code, gender, nom = SEASON_FORMS[sea.lower()]
    core, v = _core(m)
    if sea[0].isupper() and not (v or adj or m.group("part")) \
            and not _sentence_start(m.string, m.start()):
        return None  # "ИА Красная Весна": a name
    if y and not m.group("w") and int(y) < 1800:
        return None
    t = _T("season", season=code)
    normal = nom
    if adj:
        off, noms = _rel_info(adj)
        t.rel = off
        normal = noms[_GENDER_IDX[gender]] + " " + nom
    if y:
        t.year, t.rel = int(y), None
    elif radj:
        t.rel = _rel_info(radj)[0]
    if y or radj:
        normal += _fix_spacing(core[m.end("sea") - (m.end("v") if v else m.start()):])
    return _Cand(m.start(), m.end(), _with_part(m, core, normal), t, v)


def _coordination(items: list[_T], consecutive: bool) -> _T:
    """`12 и 13 октября`, `в 2022 и 2023 годах`: a range when the items are consecutive,
    otherwise a set, which has no single value."""
    if consecutive:
        return _T("range", a=items[0], b=items[-1])
    return _T("set")


def _h_yearcoord(m: re.Match) -> _Cand | None:
    years = [int(y) for y in re.findall(r"\d{4}", m.group("ys"))]
    if any(b <= a for a, b in zip(years, years[1:])):
        return None
    core, v = _core(m)
    t = _coordination([_T("year", year=y) for y in years],
                      all(b == a + 1 for a, b in zip(years, years[1:])))
    w = m.group("w").lower()
    normal = _fix_spacing(m.group("ys")) + " " + ("гг." if w.startswith("гг") else "годы")
    return _Cand(m.start(), m.end(), normal, t, v)


def _h_daycoord(m: re.Match) -> _Cand | None:
    mon = m.group("mon")
    if mon[0].isupper() and not mon.isupper():
        return None
    days = [int(d) for d in re.findall(r"\d+(?=-?(?:го)?(?:,|\s|$))", m.group("ds"))]
    if any(b <= a for a, b in zip(days, days[1:])):
        return None
    month = MONTH_FORMS[mon.lower()][0]
    year = int(m.group("y")) if m.group("y") else None
    core, v = _core(m)
    t = _coordination([_T("day", year=year, month=month, day=d) for d in days],
                      all(b == a + 1 for a, b in zip(days, days[1:])))
    return _Cand(m.start(), m.end(), _lower_first(_fix_spacing(core)), t, v)


def _h_relyear(m: re.Match) -> _Cand | None:
    off, noms = _rel_info(m.group("adj"))
    core, v = _core(m)
    normal = _with_part(m, core, noms[0] + " год")
    return _Cand(m.start(), m.end(), normal, _T("year", rel=off), v)


def _h_relmonth(m: re.Match) -> _Cand | None:
    off, noms = _rel_info(m.group("adj"))
    t = _T("relmonth", rel=off)
    return _Cand(m.start(), m.end(), noms[0] + " месяц", t, bool(m.group("v")))


def _h_partyear(m: re.Match) -> _Cand | None:
    core, v = _core(m)
    return _Cand(m.start(), m.end(), _with_part(m, core, ""), _T("year", rel=0), v)


def _h_quarter(m: re.Match) -> _Cand | None:
    ordw, unit = m.group("ord"), m.group("unit").lower()
    half = unit.startswith("полугод")
    n = None
    num = re.match(r"\d", ordw)
    if num:
        n = int(num.group())
    elif re.fullmatch(r"[IVXХІ]+", ordw):
        n = _roman(ordw)
    else:
        for stem, (k, _, _) in _ORDINALS.items():
            if ordw.lower().startswith(stem):
                n = k
    if not n or n > (2 if half else 4):
        return None
    core, v = _core(m)
    t = _T("half" if half else "quarter", n=n)
    if m.group("y"):
        t.year = int(m.group("y"))
    elif m.group("radj"):
        t.rel = _rel_info(m.group("radj"))[0]
    if num or not ordw[0].isalpha() or re.fullmatch(r"[IVXХІ]+", ordw):
        ord_nom = ordw.translate(_CYR_TO_LAT) if not num else str(n) + ("-е" if half else "-й")
    else:
        ord_nom = next(forms[2 if half else 1] for stem, forms in _ORDINALS.items()
                       if ordw.lower().startswith(stem))
    normal = f"{ord_nom} {'полугодие' if half else 'квартал'}"
    normal += _fix_spacing(core[m.end("unit") - (m.end("v") if v else m.start()):])
    return _Cand(m.start(), m.end(), normal, t, v)


_HANDLERS = {
    "daymonth": _h_daymonth, "dayrange": _h_daymonth, "daycoord": _h_daycoord,
    "numeric": _h_numeric, "iso": _h_iso, "month": _h_month,
    "yearrange": _h_yearrange, "yearrange2": _h_yearrange, "year": _h_year,
    "yearcoord": _h_yearcoord, "bareyear": _h_bareyear, "decade": _h_decade,
    "century": _h_century, "season": _h_season, "relyear": _h_relyear,
    "relmonth": _h_relmonth, "partyear": _h_partyear, "quarter": _h_quarter,
}

# ---------------------------------------------------------------------------
# Quoted titles


_QUOTE_OR_LINE = re.compile('[«»„“”"\n]')


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Spans of «…», „…“, “…” and "…" (per line), quotes included."""
    regions: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    pairs = {"«": "»", "„": "“", "“": "”"}
    for found in _QUOTE_OR_LINE.finditer(text):  # the other characters change nothing
        i, ch = found.start(), found.group()
        if ch == "\n":
            stack.clear()
            straight = None
        elif ch in pairs and not (ch == "“" and stack and stack[-1][0] == "„"):
            stack.append((ch, i))
        elif stack and ch == pairs[stack[-1][0]]:
            _, s = stack.pop()
            if not stack:
                regions.append((s, i + 1))
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                regions.append((straight, i + 1))
                straight = None
    return regions


# ---------------------------------------------------------------------------
# Tense of the sentence (for year-less dates before the report date)

_FUTURE_CUE = re.compile(
    r"(?<![а-яё])(?:будет|будут|будем|буду|станет|станут|планиру[а-яё]*|запланир[а-яё]*|"
    r"предстоит|предстоящ[а-яё]*|решено|решили|намечен[а-яё]*|намеча[а-яё]*|собира[а-яё]*|"
    r"договорились|следующ[а-яё]*|предложил[аи]?|предложено|планах?)(?![а-яё])", re.I)
_WORD = re.compile(r"[а-яёА-ЯЁ]+")
_morph = None


def _analyzer():
    global _morph
    if _morph is None:
        try:  # natasha's MorphVocab wraps pymorphy2 and works on Python 3.11
            from natasha import MorphVocab
            _morph = MorphVocab()
        except Exception:  # pragma: no cover - natasha missing or broken
            _morph = False
    return _morph


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return s, (min(ends) if ends else len(text))


def _tense(text: str, start: int, end: int) -> str | None:
    """The tense of the clause around text[start:end]: "futr", "past" or None.

    A deadline or plan preposition (`к весне`, `на ноябрь`, `до мая`) counts as future;
    otherwise the tense cue nearest to the date wins: a lexical cue (`будет`, `решено`,
    `следующую`…) or a finite verb/participle/gerund tagged past or future by pymorphy2.
    """
    if re.search(rf"{_NB}(?:ко?|на|до){_S}$", text[max(0, start - 4):start], re.I):
        return "futr"
    s, e = _sentence(text, start, end)
    cues: list[tuple[int, bool]] = []
    for m in _FUTURE_CUE.finditer(text, s, e):
        cues.append((m.start(), True))
    morph = _analyzer()
    if morph:
        from kgraph.analyse import parse_word  # the same dictionary, cached

        for m in _WORD.finditer(text, s, e):
            if start <= m.start() < end or _FUTURE_CUE.fullmatch(m.group()):
                continue
            tag = parse_word(m.group().lower())[0].tag
            tense = tag.tense
            # short passive participles take their tense from the auxiliary:
            # "будут представлены" is future, "были представлены" past
            if tense in ("futr", "past") and tag.POS != "PRTS":
                cues.append((m.start(), tense == "futr"))
    if not cues:
        return None
    future = min(cues, key=lambda c: min(abs(c[0] - start), abs(c[0] - end)))[1]
    return "futr" if future else "past"


# ---------------------------------------------------------------------------
# Values


@dataclass
class _Ctx:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, report_date: str | None) -> _Ctx:
        if not report_date:
            return cls()
        m = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", report_date.strip())
        if not m:
            return cls()
        return cls(*(int(g) if g else None for g in m.groups()))


def _anchor(t: _T) -> _T | None:
    """The first year-less component of t, if any."""
    if t.kind == "range":
        return _anchor(t.a) or _anchor(t.b)
    return t if t.yearless else None


def _compare_report(t: _T, ctx: _Ctx) -> int:
    """-1 when t (in the report's year) lies wholly before the report date, +1 when it
    begins after it, 0 when it contains it or the report month is unknown."""
    if ctx.month is None:
        return 0
    if t.kind == "day":
        key = (t.month, t.day)
        if ctx.day is None:
            return -1 if t.month < ctx.month else (1 if t.month > ctx.month else 0)
        return -1 if key < (ctx.month, ctx.day) else (1 if key > (ctx.month, ctx.day) else 0)
    first, last = {
        "month": lambda: (t.month, t.month),
        "season": lambda: (_SEASON_LAST_MONTH[t.season] - 2, _SEASON_LAST_MONTH[t.season]),
        "quarter": lambda: (t.n * 3 - 2, t.n * 3),
        "half": lambda: (t.n * 6 - 5, t.n * 6),
    }[t.kind]()
    if t.kind == "season" and t.season == "WI":
        return 0  # winter straddles the new year: keep the report's year
    return -1 if last < ctx.month else (1 if first > ctx.month else 0)


def _render(t: _T, ctx: _Ctx, shift: int) -> str | None:
    if t.kind == "set":
        return None
    if t.kind == "range":
        return f"{_render(t.a, ctx, shift)}/{_render(t.b, ctx, shift)}"
    if t.kind in ("decade", "century"):
        return t.code
    if t.kind == "relmonth":
        if ctx.year is None or ctx.month is None:
            return "XXXX-XX"
        k = ctx.year * 12 + ctx.month - 1 + t.rel
        return f"{k // 12}-{k % 12 + 1:02d}"
    if t.year is not None:
        y = str(t.year)
    elif ctx.year is None:
        y = "XXXX"
    elif t.rel is not None:
        y = str(ctx.year + t.rel)
    else:
        y = str(ctx.year + shift + t.wrap)
    if t.kind == "year":
        return y
    if t.kind == "month":
        return f"{y}-{t.month:02d}"
    if t.kind == "day":
        return f"{y}-{t.month:02d}-{t.day:02d}"
    if t.kind == "season":
        return f"{y}-{t.season}"
    if t.kind == "quarter":
        return f"{y}-Q{t.n}"
    if t.kind == "half":
        return f"{y}-H{t.n}"
    raise ValueError(t.kind)


def _value(c: _Cand, ctx: _Ctx, text: str) -> str | None:
    """A year-less date is put in the report's year, unless it lies before the report
    date while the clause speaks of the future (next year), or after it while the
    clause speaks of the past (previous year)."""
    shift = 0
    anchor = _anchor(c.t)
    if anchor is not None and ctx.year is not None:
        side = _compare_report(anchor, ctx)
        if side:
            tense = _tense(text, c.start, c.end)
            if side < 0 and tense == "futr":
                shift = 1
            elif side > 0 and tense == "past":
                shift = -1
    return _render(c.t, ctx, shift)


# ---------------------------------------------------------------------------
# Ranges


def _month_key(t: _T) -> int | None:
    return t.month if t.kind in ("day", "month") else None


def _join_years(a: _T, b: _T) -> tuple[_T, _T]:
    """Give a year-less side of a range the year of the other side."""
    a, b = replace(a), replace(b)
    ma, mb = _month_key(a), _month_key(b)
    backwards = ma is not None and mb is not None and mb < ma
    if a.yearless and b.year is not None:
        a.year = b.year - (1 if backwards else 0)
    elif b.yearless and a.year is not None:
        b.year = a.year + (1 if backwards else 0)
    elif a.yearless and b.rel is not None:
        a.rel = b.rel - (1 if backwards else 0)
    elif b.yearless and a.rel is not None:
        b.rel = a.rel + (1 if backwards else 0)
    elif a.yearless and b.yearless and backwards:
        b.wrap = 1
    return a, b


_COORD_GAP = re.compile(rf"^(?:,{_SP}*|{_S}и{_S})$", re.I)


def _share_years(text: str, cands: list[_Cand]) -> None:
    """`30 июня и 1 июля 2019 года`: a year-less date takes the year of the next one."""
    for c, d in zip(reversed(cands[:-1]), reversed(cands[1:])):
        if c.t.kind in ("day", "month") and c.t.yearless and d.t.kind in ("day", "month") \
                and not d.has_v and _COORD_GAP.match(text[c.end:d.start]):
            if d.t.year is not None and (c.t.month, c.t.day or 0) <= (d.t.month, d.t.day or 0):
                c.t.year = d.t.year


_RANGE_KINDS = {"day", "month", "season", "year", "quarter", "half"}


def _merge_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if i + 1 < len(cands):
            d = cands[i + 1]
            gap = text[c.end:d.start]
            ok_kinds = c.t.kind in _RANGE_KINDS and d.t.kind in _RANGE_KINDS and not d.has_v
            if ok_kinds and _RANGE_GAP_DASH.match(gap) and "\n" not in gap:
                a, b = _join_years(c.t, d.t)
                normal = c.normal + _fix_spacing(gap) + d.normal
                out.append(_Cand(c.start, d.end, normal, _T("range", a=a, b=b), c.has_v, "range"))
                i += 2
                continue
            s = _RANGE_S.search(text, max(0, c.start - 3), c.start)
            if ok_kinds and not c.has_v and s and _RANGE_GAP_PO.match(gap):
                a, b = _join_years(c.t, d.t)
                normal = _lower_first(_fix_spacing(text[s.start():d.end]))
                out.append(_Cand(s.start(), d.end, normal, _T("range", a=a, b=b), False, "range"))
                i += 2
                continue
        out.append(c)
        i += 1
    return out


# ---------------------------------------------------------------------------
# API


def _windows(text: str, trigger: re.Pattern) -> list[tuple[int, int]]:
    """Merged windows around the trigger's hits, cut at whitespace (never mid-word)."""
    out: list[list[int]] = []
    n = len(text)
    for m in trigger.finditer(text):
        s, e = max(0, m.start() - _WINDOW_LEFT), min(n, m.end() + _WINDOW_RIGHT)
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        while e < n and not text[e].isspace():
            e += 1
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _candidates(text: str) -> list[_Cand]:
    found: list[_Cand] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    for name, trigger, rx in _RULES:
        if trigger not in windows:
            windows[trigger] = _windows(text, _TRIGGER_RX[trigger])
        for s, e in windows[trigger]:
            for m in rx.finditer(text, s, e):
                c = _HANDLERS[name](m)
                if c is not None and c.end > c.start:
                    c.rule = name
                    found.append(c)
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[_Cand] = []
    last_end = -1
    for c in found:
        if c.start >= last_end:
            chosen.append(c)
            last_end = c.end
    return chosen


def find_dates(text: str, report_date: str | None = None,
               exclude: list[tuple[int, int]] | tuple = ()) -> list[DateSpan]:
    """DATE mentions of `text`, in text order.

    report_date: ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; gives the year of year-less and
    relative dates (otherwise `XXXX`). exclude: spans (start, end) where no date may
    overlap, e.g. titles found by another stage; quoted titles are always excluded.
    """
    blocked = list(exclude) + quoted_regions(text)
    cands = [c for c in _candidates(text)
             if not any(s < c.end and c.start < e for s, e in blocked)
             and not _FREQ_BEFORE.search(text, max(0, c.start - 20), c.start)]  # каждую весну
    cands = _merge_ranges(text, cands)
    _share_years(text, cands)
    ctx = _Ctx.parse(report_date)
    return [DateSpan(c.start, c.end, text[c.start:c.end], c.normal, _value(c, ctx, text))
            for c in cands]


def resolve_value(expression: str, report_date: str | None = None) -> str | None:
    """The value of a single date expression (`"осенью прошлого года"`, `"15.03.2023"`),
    or None when the whole string is not one date."""
    spans = find_dates(expression.strip(), report_date)
    if len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(expression.strip()):
        return spans[0].value
    return None


def guess_report_date(text: str, head: int = 400) -> str | None:
    """The first complete date (day, month and year) in the first `head` characters
    (a report's date line), as YYYY-MM-DD; None if there is none."""
    for d in find_dates(text[:head]):
        if d.value and re.fullmatch(r"\d{4}-\d\d-\d\d(/.*)?", d.value):
            return d.value[:10]
    return None
