"""Entity mentions: Natasha's PER/ORG/LOC, repaired, plus rules for what it has no type for.

Rules (GUIDE §2): EVENT = an event noun with a descriptive modifier, ordinal, topic
complement or title; PROFESSION = a post phrase next to a named person; ORGANIZATION
also from descriptive phrases and units (`отдел ...`), which Natasha misses; DATE from
`kgraph.dates`. Titles are opaque: nothing is found inside a quoted title.
"""

from __future__ import annotations

import re

from kgraph import gazetteer, phrases
from kgraph import lexicon as lx
from kgraph.analyse import Analysis, Token, get_pymorphy, parse_word
from kgraph.model import Mention, Report
from kgraph.names import is_first_name, parse_person
from kgraph.phrases import (
    DASHES,
    adjectival,
    DEICTIC,
    Phrase,
    eponym_end,
    is_initial,
    is_name_word,
    genitive_np,
    inflect_word,
    is_abbrev,
    is_modifier,
    is_roman,
    roman,
    left_edge,
    match_case,
    noun_target,
    phrase_normal,
    quoted,
    tidy,
)

# a settlement marker, but not the `г.` (год) after a year: "12 декабря 2024 г."
MARKER = re.compile(r"(?<!\d\d\d\d )(?<!\d\d\d\d)(?:\b(?:г|с|пос|п|ст)\.[ \u00a0]?)$")
INITIALS = re.compile(r"\b[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ]\.")
EPONYM = re.compile(r"\b(?:им\.|имени)\s*\S")
LEVELS = {
    "международный": "international", "всемирный": "international", "евразийский": "international",
    "республиканский": "republican", "всеказахстанский": "republican", "всероссийский": "national",
    "национальный": "national", "межрегиональный": "interregional", "областной": "regional",
    "краевой": "regional", "региональный": "regional", "городской": "city", "районный": "district",
}


def find_entities(an: Analysis, report: Report) -> list[Mention]:
    repair_event_nouns(an)
    titles = quoted_spans(an)
    cands: list[Mention] = []
    cands += natasha_mentions(an, titles)
    cands += rule_persons(an, cands)
    cands += rule_places(an)
    person_starts = {m.start for m in cands if m.type == "PERSON"}
    events = event_mentions(an)
    cands += events
    cands += org_mentions(an, person_starts, event_titles(an, events))
    cands += nickname_orgs(an)
    cands += post_mentions(an, cands, person_starts)
    cands += date_mentions(an, report, titles)
    mentions = settle(cands, titles)
    for m in mentions:
        if m.type == "PERSON":
            person_attrs(an, m)
    extra = surname_mentions(an, mentions, titles)
    for m in extra:
        person_attrs(an, m)
    if extra:
        mentions = sorted(mentions + extra, key=lambda m: (m.start, -m.end, m.type))
    for i, m in enumerate(mentions, 1):
        m.id = f"T{i}"
    return mentions


def event_titles(an: Analysis, events: list[Mention]) -> set[int]:
    """Token indices where an event's own title opens (`цикла вебинаров НАБ «...»`)."""
    out = set()
    for e in events:
        if "title" in e.attrs:
            for t in an.tokens_in(e.start, e.end):
                if t.text in QUOTES_OPEN:
                    out.add(t.i)
                    break
    return out


QUOTES_OPEN = {"«", '"', "„", "“"}


def surname_forms(surname: str) -> set[str]:
    """A surname's case forms: `Ғалымжанов` -> Ғалымжанова, Ғалымжанову, Ғалымжановым ...;
    `Тұрсынбаева` -> Тұрсынбаевой, Тұрсынбаеву."""
    if surname.endswith(("ова", "ева", "ёва", "ина", "ына")):
        stem = surname[:-1]
        return {surname, stem + "ой", stem + "у"}
    if surname[-1:] in "аеёиоуыэюяіәөүұ":
        return {surname}  # `Шевченко`, `Сейтқали`: indeclinable
    return {surname, surname + "а", surname + "у", surname + "ым", surname + "ом", surname + "е"}


def surname_mentions(an: Analysis, mentions: list[Mention], titles) -> list[Mention]:
    """A surname alone (`его провел Ғалымжанов`) of a person named in full elsewhere in the
    report, which Natasha misses for Kazakh names (GUIDE §2: `По словам Касенова`)."""
    forms = {}
    for m in mentions:
        surname = m.attrs.get("surname") if m.type == "PERSON" and not m.attrs.get("eponym") else None
        if surname and " " not in surname and len(surname) > 3 and not is_first_name(surname):
            for form in surname_forms(surname):
                forms[form] = surname
    if not forms:
        return []
    out = []
    for tok in an.tokens:
        if tok.text not in forms or not is_name_word(tok):
            continue
        if any(m.start <= tok.start < m.end for m in mentions) or \
                any(a <= tok.start < b for a, b in titles):
            continue
        nxt = an.tokens[tok.i + 1] if tok.i + 1 < len(an.tokens) else None
        if nxt is not None and (is_name_word(nxt) or is_initial(an, nxt.i)) \
                and an.text[tok.end:nxt.start] == " ":
            continue  # part of a longer name Natasha did not take
        out.append(Mention("", "PERSON", tok.start, tok.end, tok.text, tok.text, attrs={}))
    return out


def person_attrs(an: Analysis, m: Mention) -> None:
    """The nominative in the right gender (`Ш.Шахметова` -> `Шахметова Ш.`) and name parts."""
    name = parse_person(an, m.start, m.end)
    m.normal = name.normal or m.normal
    for key in ("surname", "first", "middle", "initials", "gender"):
        value = getattr(name, key)
        if value:
            m.attrs[key] = value


# --- Natasha's spans, repaired -------------------------------------------------------

def line_pieces(an: Analysis):
    """Natasha's spans, cut where they cross a line break (GUIDE §1: a span never does;
    `А.С. Бөкейхановой.` at a paragraph's end and `Әсем Мұхтарова` opening the next)."""
    for etype, start, end, normal in an.ner:
        if "\n" not in an.text[start:end]:
            yield etype, start, end, normal
            continue
        pos = start
        for k, piece in enumerate(an.text[start:end].split("\n")):
            a = pos + len(piece) - len(piece.lstrip())
            b = pos + len(piece.rstrip())
            while b > a and an.text[b - 1] in ".,;:" and not re.search(r"\b\w\.$", an.text[a:b]):
                b -= 1
            pos += len(piece) + 1
            if b > a and an.tokens_in(a, b) and (k == 0 or etype != "LOCATION" or known_place(an, a, b)):
                yield etype, a, b, an.text[a:b]  # (a place's later line must be a known place)


def known_place(an: Analysis, start: int, end: int) -> bool:
    toks = an.tokens_in(start, end)
    return gazetteer.load().lookup(an.text[start:end], "LOCATION") is not None or (
        len(toks) == 1 and geo_name(toks[0].text) is not None)


def natasha_mentions(an: Analysis, titles: list[tuple[int, int]]) -> list[Mention]:
    out = []
    for etype, start, end, normal in line_pieces(an):
        text = an.text[start:end]
        if text.endswith(")") and "(" not in text:  # "Экибастуз)": a bracket is no name
            end = len(an.text[:end - 1].rstrip())
            normal = normal.rstrip(") ")
            if end <= start:
                continue
        toks = an.tokens_in(start, end)
        while len(toks) > 1 and toks[0].pos == "ADP":  # "В Костанае": the preposition is not the name
            toks = toks[1:]
            start = toks[0].start
            normal = normal.split(" ", 1)[-1]
        if etype == "PERSON" and common_word(an, start, end):
            continue  # "Модератором стала ...": a capitalised common noun, not a name
        if etype == "PERSON" and (EPONYM.search(an.text[start:end]) or any(
                org_head(t) for t in an.tokens_in(start, end))):
            continue  # an organisation and a person run together; the rules split them
        toks = an.tokens_in(start, end)
        if etype == "PERSON" and len(toks) >= 3 and with_marker(an.text, start) < start:
            # "г. Темиртау Олжас Сейтжанов": a town after its marker, then a person
            town = with_marker(an.text, start)
            out.append(Mention("", "LOCATION", town, toks[0].end, an.text[town:toks[0].end],
                               place_name(an, town, toks[0].end, toks[0].text),
                               attrs={"source": "ner"}))
            start = toks[1].start
        if etype == "PERSON" and library_nickname(an, start, end):
            # `Гоголевка`, `Пушкинка`: a library called after its eponym (GUIDE §2)
            out.append(Mention("", "ORGANIZATION", start, end, an.text[start:end],
                               nickname_normal(an.text[start:end]),
                               attrs={"source": "rule", "kind": "library"}))
            continue
        if etype == "PERSON" and genitive_town(an, start, end):
            etype, normal = "LOCATION", genitive_town(an, start, end)  # "жители Риддера"
        if etype == "PERSON":
            start = after_eponym(an, start, end)
            start = after_post(an, start, end)
            start = with_surname(an, start, end)
            start = with_first_name(an, start, end)
            end = with_last_name(an, start, end)
            glued = GLUED_INITIALS.search(an.text, max(0, start - 6), start)
            if glued and not INITIALS.search(an.text[start:end]) and (
                    glued.start() == 0 or not an.text[glued.start() - 1].isalpha()):
                start = glued.start()  # "Ө.Нұрпейісова": Natasha dropped the initial
            if re.search(r"\b[А-ЯЁӘҒҚҢӨҰҮҺІ]$", an.text[start:end]) and an.text[end:end + 1] == ".":
                end += 1  # "Тусупбековой А.С." keeps the stop of its last initial
        cut = an.text.find("(", start, end)
        if etype == "LOCATION" and ")" in an.text[cut:end]:
            cut = -1  # "Кировоградской (Кропивницкой) области" is one name
        if cut > start:  # "Казахстанский библиотечный союз (КБС)": two names, not one
            end = len(an.text[:cut].rstrip())
            normal = tidy(normal.split("(")[0])
        if etype == "PERSON" and looks_like_place(an, start, end):
            etype = "LOCATION"
            normal = place_normal(an, start, end)
        attrs = {"source": "ner"}
        if etype == "LOCATION":
            end = before_person(an, start, end)  # "г. Темиртау Олжас Сейтжанов"
            if is_place_adjective(an, start, end) and inside_org_name(an, start):
                continue  # `Павлодарской ОУНБ`: the adjective belongs to the name
            start, end, normal = place_extent(an, start, end, normal)
        if etype == "ORGANIZATION" and COUNTRY_AFTER.match(an.text, end):
            end += len(COUNTRY_AFTER.match(an.text, end).group())  # "Правительство РК"
            normal = f"{normal} {an.text[end - 2:end]}"
        if etype == "ORGANIZATION":
            start = after_post(an, start, end)
            end = before_person(an, start, end)
            normal, attrs["kind"] = ner_org(an, start, end, normal)
            attrs["bare"] = generic_org(an, start, end)
        out.append(Mention("", etype, start, end, an.text[start:end], normal, attrs=attrs))
    return out


COUNTRY_AFTER = re.compile(r" (?:РК|РФ)\b")
AFTER_EPONYM = re.compile(r"(?:\bим\.|\bимени)\s*(?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.\s*){0,2}$")


def after_eponym(an: Analysis, start: int, end: int) -> int:
    """`им. С. Торайгырова Бахтияр Нурланович Темирбаев`: Natasha starts the person at
    the eponym's surname; the person starts after it."""
    toks = an.tokens_in(start, end)
    if len(toks) >= 2 and AFTER_EPONYM.search(an.text, max(0, start - 12), start) \
            and is_name_word(toks[1]):
        return toks[1].start
    return start


SURNAME_END = re.compile(r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая)$")
NICKNAME = re.compile(r"^[А-ЯЁ][а-яё]{3,}(?:ин|ов|ев|ёв)к(?:а|и|е|у|ой|ою)$")


def library_nickname(an: Analysis, start: int, end: int) -> bool:
    """`Гоголевка`, `Пушкинки`: one capitalised word in -инка/-овка/-евка, a library called
    after its eponym; not a village after its marker or noun (`с. Михайловка`)."""
    toks = an.tokens_in(start, end)
    if len(toks) != 1 or not NICKNAME.match(toks[0].text):
        return False
    i = toks[0].i
    prev = an.tokens[i - 1] if i > 0 else None
    return with_marker(an.text, start) == start and not (
        prev is not None and prev.lemma in lx.SETTLEMENT_WORDS)


def nickname_normal(word: str) -> str:
    return re.sub(r"к(?:а|и|е|у|ой|ою)$", "ка", word)


def nickname_orgs(an: Analysis) -> list[Mention]:
    """`отдел краеведения «Пушкинки»`: a library nickname alone in guillemets is an
    organisation, the guillemets inside its span; so is one Natasha does not tag and the
    dictionary knows no place by (`На ярмарке Пушкинка представила ...`)."""
    out = []
    for tok in an.tokens:
        quote_before = tok.i > 0 and an.tokens[tok.i - 1].text == "«"
        if NICKNAME.match(tok.text) and not in_ner(an, tok) and not quote_before \
                and library_nickname(an, tok.start, tok.end) \
                and not any("Geox" in p.tag for p in parse_word(tok.text.lower())):
            out.append(Mention("", "ORGANIZATION", tok.start, tok.end, tok.text, nickname_normal(tok.text),
                               attrs={"source": "rule", "kind": "library"}))
            continue
        if tok.text == "«" and tok.i + 2 < len(an.tokens) and an.tokens[tok.i + 2].text == "»" \
                and NICKNAME.match(an.tokens[tok.i + 1].text):
            start, end = tok.start, an.tokens[tok.i + 2].end
            word = an.tokens[tok.i + 1].text
            out.append(Mention("", "ORGANIZATION", start, end, an.text[start:end],
                               f"«{nickname_normal(word)}»", attrs={"source": "rule", "kind": "library"}))
    return out


PATRONYMIC = re.compile(r"(?:вна|чна|вич|ич|қызы|кызы|ұлы|улы)$")


def after_post(an: Analysis, start: int, end: int) -> int:
    """Natasha glues a capitalised post to the name or organisation after it
    (`Инженер-программист Б.Н. Темирбаев`): the span starts after the post words."""
    toks = an.tokens_in(start, end)
    k = 0
    while k < len(toks) - 1 and (post_head(toks[k]) or toks[k].lemma in lx.POST_MODIFIERS):
        k += 1
    return toks[k].start if k else start


def with_first_name(an: Analysis, start: int, end: int) -> int:
    """`Ғалымжан Сейітұлы` where Natasha took only `Сейітұлы` (a Kazakh first name
    it does not know): a known first name right before the span belongs to it."""
    i = an.token_at(start)
    if not i or len(an.tokens_in(start, end)) > 2:
        return start
    prev = an.tokens[i - 1]
    if is_name_word(prev) and is_first_name(prev.text) and an.text[prev.end:start] == " ":
        return prev.start
    return start


# a surname's ending, in any case: Қайратов, Қайратова, Қайратовым, Сейітұлы
SURNAME_END = re.compile(r"(?:ов|ев|ёв|ин|ын|ск|ұлы|улы|қызы|кызы)(?:а|у|ым|ой|ом|е|ого|ому|ий|ая)?$")


def with_last_name(an: Analysis, start: int, end: int) -> int:
    """`Айбар Қайратов`, where Natasha took only the first name (a surname starting with
    a Kazakh letter is unknown to it): a capitalised word right after a lone first
    name, with a surname's ending, belongs to the name."""
    toks = an.tokens_in(start, end)
    if len(toks) != 1 or not is_first_name(toks[0].text):
        return end
    nxt = an.tokens[toks[0].i + 1] if toks[0].i + 1 < len(an.tokens) else None
    if (nxt is not None and nxt.sent == toks[0].sent and is_name_word(nxt)
            and an.text[end:nxt.start] == " " and SURNAME_END.search(nxt.text.lower())
            and not any(s <= nxt.start < e for _, s, e, _ in an.ner)):
        return nxt.end
    return end


def genitive_town(an: Analysis, start: int, end: int) -> str | None:
    """A town in an oblique case that Natasha takes for a person (`Риддера`):
    its nominative when the gazetteer knows it."""
    toks = an.tokens_in(start, end)
    if len(toks) != 1 or INITIALS.search(an.text[start:end]):
        return None
    gaz = gazetteer.load()
    for form in {toks[0].lemma.capitalize(), geo_name(toks[0].text) or ""}:
        if form and gaz.lookup(form, "LOCATION"):
            return form
    return None


def with_surname(an: Analysis, start: int, end: int) -> int:
    """`Тусупбекова Айгуль Серикқызы`, where Natasha took only `Айгуль Серикқызы`: a name
    and patronymic take the capitalised surname right before them."""
    toks = an.tokens_in(start, end)
    i = toks[0].i
    if len(toks) != 2 or not PATRONYMIC.search(toks[1].text) or i == 0:
        return start
    prev = an.tokens[i - 1]
    if is_name_word(prev) and prev.sent == toks[0].sent and i - 1 > an.sents[prev.sent].first \
            and not adjectival(prev) and not prev.text.isupper() \
            and an.text[prev.end:toks[0].start] == " ":  # (not `НАБ` before the name)
        return prev.start
    return start


def place_extent(an: Analysis, start: int, end: int, normal: str) -> tuple[int, int, str]:
    """`г.Барнаул` (marker inside), `Павлодарской обл.` (abbreviation's stop inside),
    `области Абай` (the area word is part of the name when it comes first)."""
    start = with_marker(an.text, start)
    normal = place_name(an, start, end, normal)
    if an.text[end - 3:end] == "обл" and an.text[end:end + 1] == ".":
        end += 1
        normal = re.sub(r"\bобл$", "область", normal)
    i = an.token_at(start)
    if i and an.tokens[i - 1].lemma in lx.AREA_WORDS and an.tokens[i].feats.get("Case") == "Nom":
        area = an.tokens[i - 1]
        name = f"{area.lemma} {an.text[start:end]}"
        if gazetteer.load().lookup(name, "LOCATION"):
            return area.start, end, name
    return start, end, normal


def before_person(an: Analysis, start: int, end: int) -> int:
    """Natasha runs `Омской ГОНБ им. А.С. Пушкина Т.Н. Гребенщикова` or `ЦБС Ғалымжан
    Қуандықов` together: an organisation stops where a person starts (a person Natasha
    found, or a known first name), unless the person is its eponym."""
    starts = [s for t, s, _, _ in an.ner if t == "PERSON" and start < s < end]
    toks = an.tokens_in(start, end)
    # a known first name starts a person only when a name word follows it: a lone one
    # ends the name itself (`Коллеж де Франс`, `Город Павия`)
    starts += [t.start for k, t in enumerate(toks[1:-1], 1)
               if is_name_word(t) and is_first_name(t.text) and not t.text.isupper()
               and is_name_word(toks[k + 1])]
    for pstart in sorted(starts):
        before = an.text[start:pstart].rstrip()
        if not before.endswith(("им.", "имени")) and not before.endswith(" им"):
            return len(an.text[:pstart].rstrip())
    return end


def place_name(an: Analysis, start: int, end: int, normal: str) -> str:
    """Natasha's place lemma checked against the gazetteer (`Семей` is not `Семья`) and
    our own inflection (`Омске` -> `Омск`, `Павлодарского Прииртышья`)."""
    surface = re.sub(r"^(?:г|с|пос|п|ст)\.\s?", "", an.text[start:end])
    normal = tidy(re.sub(r"^(?:г|с|пос|п|ст)\.\s?", "", normal))
    toks = [t for t in an.tokens_in(start, end) if t.text not in (".", "г", "с", "пос", "п", "ст")]
    ours = place_normal(an, toks[0].start, toks[-1].end) if toks else normal
    gaz = gazetteer.load()
    for candidate in (normal, ours, surface):
        if gaz.lookup(candidate, "LOCATION"):
            return candidate
    return ours if normal == surface else normal


def generic_org(an: Analysis, start: int, end: int) -> bool:
    """`ЦБС`, `Совета`: a generic abbreviation or bare noun, not a name (GUIDE §2)."""
    toks = an.tokens_in(start, end)
    if toks[0].lemma in DEICTIC or toks[0].lemma in lx.NOT_ORG_MODIFIERS:
        return True  # "Наша библиотека", "ближайшем филиале"
    if len(toks) != 1:
        return False
    tok = toks[0]
    return tok.text in lx.GENERIC_ABBREVIATIONS or (not tok.text.isupper() and tok.lemma in lx.ORG_HEADS)


INITIALED = re.compile(  # spaces only: a name never crosses a line
    r"(?<![\w.])(?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.[ \u00a0]?){1,2}[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+(?:-[А-ЯЁ][а-яё]+)?"
    r"|(?<![\w.])[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+(?:-[А-ЯЁ][а-яё]+)?[ \u00a0](?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.[ \u00a0]?){1,2}")
GLUED_INITIALS = re.compile(r"(?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.[ \u00a0]?){1,2}$")


def rule_persons(an: Analysis, cands: list[Mention]) -> list[Mention]:
    """Names with initials Natasha swallowed into a neighbouring organisation
    (`им. А.С. Пушкина Л.П. Зуева`): `И.О. Фамилия` and `Фамилия И.О.`."""
    persons = [m for m in cands if m.type == "PERSON"]
    out = []
    for match in INITIALED.finditer(an.text):
        start, end = match.start(), match.end()
        text = an.text[start:end].rstrip()
        end = start + len(text)
        if an.text[max(0, start - 4):start].rstrip().endswith(("им.", "имени")):
            continue  # an eponym, found with its organisation
        if any(p.start < end and start < p.end for p in persons):
            continue
        out.append(Mention("", "PERSON", start, end, text, text, attrs={"source": "rule"}))
    return out + first_name_persons(an, persons + out)


def first_name_persons(an: Analysis, persons: list[Mention]) -> list[Mention]:
    """`Ғалымжан Қуандықов`, `Әлия Серікқызы Омарова`: a known first name and the
    capitalised words after it, which Natasha misses for Kazakh names."""
    out = []
    for sent in an.sents:
        i = sent.first
        while i < sent.last:
            tok = an.tokens[i]
            j = i + 1
            if is_name_word(tok) and not tok.text.isupper() and is_first_name(tok.text):
                while j < sent.last and j - i < 3 and is_name_word(an.tokens[j]) \
                        and an.text[an.tokens[j - 1].end:an.tokens[j].start] == " " \
                        and not adjectival(an.tokens[j]):
                    j += 1
            if j - i >= 2 and not any(p.start < an.tokens[j - 1].end and tok.start < p.end
                                      for p in persons):
                start, end = tok.start, an.tokens[j - 1].end
                prev = an.tokens[i - 1] if i > sent.first else None
                if prev is not None and PATRONYMIC.search(an.tokens[j - 1].text) \
                        and SURNAME_END.search(prev.text) and is_name_word(prev) \
                        and an.text[prev.end:tok.start] == " " \
                        and not any(p.start <= prev.start < p.end for p in persons):
                    start = prev.start  # "Қуандықов Ғалымжан Сейітұлы": the surname first
                out.append(Mention("", "PERSON", start, end, an.text[start:end], an.text[start:end],
                                   attrs={"source": "rule"}))
                i = j
            else:
                i += 1
    return out


def rule_places(an: Analysis) -> list[Mention]:
    """Places Natasha misses: after a settlement marker (`с. Кызылжар`, `села Тереңкөл`),
    `РК`/`РФ`, and names the gazetteer knows as written (`Семей`)."""
    out = []
    gaz = gazetteer.load()
    found = [(s, e) for t, s, e, _ in an.ner if t == "LOCATION"]
    for sent in an.sents:
        for i in range(sent.first, sent.last):
            tok = an.tokens[i]
            if not is_name_word(tok) and tok.text not in ("РК", "РФ"):
                continue
            if any(a <= tok.start < b for a, b in found):
                continue
            start = with_marker(an.text, tok.start)
            end = tok.end
            marked = start < tok.start or (i > sent.first and an.tokens[i - 1].lemma in lx.SETTLEMENT_WORDS)
            known = i > sent.first and gaz.lookup(tok.text, "LOCATION") is not None
            geo = None if known or i == sent.first or tok.text.isupper() or in_ner(an, tok) \
                or an.text[max(0, tok.start - 4):tok.start].strip().endswith(".") else geo_name(tok.text)
            if tok.text in ("РК", "РФ") or marked or known or geo:
                normal = tok.text if (tok.text.isupper() or known) else geo or \
                    inflect_word(tok.text, "NOUN", tok.feats, {"nomn", "sing"})
                out.append(Mention("", "LOCATION", start, end, an.text[start:end], normal,
                                   attrs={"source": "rule"}))
    return out


def common_word(an: Analysis, start: int, end: int) -> bool:
    toks = an.tokens_in(start, end)
    if len(toks) != 1:
        return False
    morph = get_pymorphy()
    word = toks[0].text.lower()
    parses = parse_word(word)
    return morph.word_is_known(word) and not any(
        {"Name", "Surn", "Patr", "Geox"} & set(p.tag.grammemes) for p in parses)


def in_ner(an: Analysis, tok: Token) -> bool:
    return any(s <= tok.start < e for _, s, e, _ in an.ner)


def geo_name(word: str) -> str | None:
    """The nominative of a place name the dictionary knows (`Москвы`, `Калуга`, `Зимбабве`)."""
    for p in parse_word(word.lower()):
        if "Geox" in p.tag and p.tag.POS == "NOUN" and p.score > 0.3 and not (
                {"Name", "Surn", "Patr"} & set(p.tag.grammemes)):
            return match_case(word, p.normal_form)
    return None


def ner_org(an: Analysis, start: int, end: int, normal: str) -> tuple[str, str]:
    """Natasha's organisations, normalised as our phrases are: the head (an organisation
    noun, else the last noun: `Назарбаев Университета`) and its modifiers inflected."""
    toks = an.tokens_in(start, end)
    heads = [t for t in toks if org_head(t)]
    kind = org_kind(heads[0]) if heads else "organization"
    if heads:
        head = heads[0]
    else:
        nouns = [t for t in toks if t.pos in ("NOUN", "PROPN") and not adjectival(t)]
        head = nouns[-1] if nouns and nouns[-1].feats.get("Case") not in (None, "Nom") else None
    if head is not None:
        normal = phrase_normal(an, toks[0].i, head.i, toks[-1].i + 1)
    return tidy(normal), kind


def with_marker(text: str, start: int) -> int:
    """Extend a place to its settlement marker: `г.Барнаул`, `с. Иртышск` (GUIDE §2)."""
    m = MARKER.search(text, max(0, start - 5), start)
    return m.start() if m else start


def looks_like_place(an: Analysis, start: int, end: int) -> bool:
    """Natasha tags `Павлодарского Прииртышья` as a person: an adjective + noun, no initials."""
    toks = [t for t in an.tokens_in(start, end) if t.text != "."]
    if INITIALS.search(an.text[start:end]) or len(toks) < 2:
        return False
    first = toks[0].text.lower()
    return first.endswith(("ского", "ское", "ский", "ская", "ской", "цкого", "цкий"))


def inside_org_name(an: Analysis, start: int) -> bool:
    """Is the token at `start` followed by an organisation noun it modifies?"""
    i = an.token_at(start)
    if i is None:
        return False
    j = i + 1
    while j < len(an.tokens) and j - i < 5 and is_modifier(an.tokens[j]):
        j += 1  # "Павлодарской областной универсальной научной библиотеки"
    return j < len(an.tokens) and org_head(an.tokens[j])


def is_place_adjective(an: Analysis, start: int, end: int) -> bool:
    toks = an.tokens_in(start, end)
    return len(toks) == 1 and toks[0].pos == "ADJ" and toks[0].text[:1].isupper()


def place_normal(an: Analysis, start: int, end: int) -> str:
    """`Павлодарского Прииртышья` -> `Павлодарское Прииртышье` (adjective + noun)."""
    toks = an.tokens_in(start, end)
    head = toks[-1]
    target, gender = noun_target(head)
    words = [inflect_word(t.text, "ADJ", t.feats, target | ({gender} if gender else set()))
             for t in toks[:-1]]
    words.append(inflect_word(head.text, "NOUN", head.feats, target))
    return tidy(" ".join(words))


# --- rule phrases ----------------------------------------------------------------------

def section_event(an: Analysis, i: int) -> bool:
    """`секции «Цифровые коллекции»` (a titled part of a congress) is an event;
    `Секции библиотечного краеведения РБА` is a body of the association."""
    return an.tokens[i].lemma == "секция" and i + 1 < len(an.tokens) and an.tokens[i + 1].text in "«\""


def event_kind(an: Analysis, tok: Token, lemma: str | None = None) -> str | None:
    if tok.lemma == "секция" and section_event(an, tok.i):
        return "section"
    lemma = lemma or event_lemma(tok)
    if lemma in lx.EVENT_HEADS:
        return lx.EVENT_HEADS[lemma]
    if "-" in lemma:
        for part in (lemma.split("-")[0], lemma.split("-")[-1]):
            if part in lx.EVENT_HEADS:
                return lx.EVENT_HEADS[part]
    return None


EVENT_PREFIXES = frozenset(w[:4] for w in list(lx.EVENT_HEADS) + list(lx.EVENT_HEADS_WITH))
UD_CASES = {"nomn": "Nom", "gent": "Gen", "datv": "Dat", "accs": "Acc", "ablt": "Ins", "loct": "Loc",
            "gen2": "Gen", "loc2": "Loc"}


def repair_event_nouns(an: Analysis) -> None:
    """An event noun the tagger did not know (`вебинаре` tagged a verb, `вебинара` given
    back as its own lemma, feminine plural): the dictionary's noun reading replaces the
    tag, for the entity rules and the relation rules alike."""
    for tok in an.tokens:
        low = tok.text.lower()
        if low[:4] not in EVENT_PREFIXES or tok.lemma in lx.EVENT_HEADS \
                or tok.lemma in lx.EVENT_HEADS_WITH or "-" in low:
            continue
        for p in phrases.common_parses(parse_word(low)):
            if p.tag.POS == "NOUN" and p.normal_form in lx.EVENT_HEADS:
                feats = {"Case": UD_CASES.get(p.tag.case, "Nom"),
                         "Number": "Plur" if p.tag.number == "plur" else "Sing"}
                if p.tag.gender:
                    feats["Gender"] = {"masc": "Masc", "femn": "Fem", "neut": "Neut"}[p.tag.gender]
                tok.pos, tok.lemma, tok.feats = "NOUN", p.normal_form, feats
                break


def event_lemma(tok: Token) -> str:
    """The tagger's lemma, or the dictionary's when the tagger did not know the word and
    gave the form back (`вебинара` -> вебинара): `вебинар`."""
    lemma = tok.lemma
    if lemma[:4] not in EVENT_PREFIXES or lemma in lx.EVENT_HEADS or lemma in lx.EVENT_HEADS_WITH \
            or lemma != tok.text.lower():
        return lemma
    for p in parse_word(lemma):
        if p.tag.POS == "NOUN" and (p.normal_form in lx.EVENT_HEADS or p.normal_form in lx.EVENT_HEADS_WITH):
            return p.normal_form
    return lemma


def event_mentions(an: Analysis) -> list[Mention]:
    out = []
    for sent in an.sents:
        for i in range(sent.first, sent.last):
            tok = an.tokens[i]
            if "чтени" in tok.text and lx.READINGS.match(tok.text.lower()):
                out += readings(an, i, sent.first, sent.last)
                continue
            if tok.pos not in ("NOUN", "PROPN"):
                continue
            lemma = event_lemma(tok)
            kind = event_kind(an, tok, lemma)
            special = lx.EVENT_HEADS_WITH.get(lemma)
            if kind is None and special is None:
                continue
            ph = grow(an, i, sent.first, sent.last, mode="event")
            if special is not None and not has_words(an, ph, special):
                continue
            series = series_noun(an, ph, sent.first)
            if series is not None:  # "цикл вебинаров «...»": the series is the event
                ph = Phrase(left_edge(an, series, sent.first), series, ph.last, ph.title)
                kind = lx.SERIES_KIND
            elif is_plural(tok) and lemma != "день" and not singular_modifiers(an, ph):
                continue  # plural and habitual mentions are not one event (GUIDE §2)
            if has_words(an, ph, lx.PART_MODIFIERS):
                continue
            kind = kind or lx.EVENT_KIND_WITH[lemma]
            if lemma == "день" and has_words(an, ph, ("культура",)):
                if "plur" not in noun_target(tok)[0]:
                    continue  # "Дню работников культуры" is a holiday, "Дни культуры" a festival
                kind = "festival"
            if special is None and kind in lx.PARTICIPANT_GENITIVE_KINDS:
                without_participants(an, ph)
            named_by_special = special is not None and lemma != "стол"
            if not named_by_special and not descriptive(an, ph, kind):
                continue
            later_occurrence(an, ph, sent.first)
            out.append(phrase_mention(an, ph, "EVENT", event_attrs(an, ph, kind)))
    out = [e for e in out if not in_topic_of(an, e, out)]
    return out + title_mentions(an, out)


def series_noun(an: Analysis, ph: Phrase, first: int) -> int | None:
    """`цикл вебинаров`, `серии мастер-классов`: the series noun right before a plural
    event noun (and its modifiers) names the event."""
    k = ph.first - 1
    if k < first or an.tokens[ph.head].feats.get("Case") != "Gen":
        return None
    tok = an.tokens[k]
    return k if tok.lemma in lx.SERIES_HEADS and tok.pos == "NOUN" else None


def readings(an: Analysis, i: int, first: int, last: int) -> list[Mention]:
    """`онлайн-чтения «Поэты двух берегов»`, `Абаевские чтения`, `чтения по сказкам ...`:
    readings are one event with a title, a topic or a proper name; not habitual
    (`громкие чтения, книжные обзоры и викторины`) nor a genitive (`праздник чтения`)."""
    tok = an.tokens[i]
    if tok.feats.get("Number") != "Plur" \
            and not tok.text.lower().endswith(("чтений", "чтениях", "чтениям", "чтениями")):
        return []
    ph = grow(an, i, first, last, mode="event")
    prev = an.tokens[ph.first - 1] if ph.first > first else None
    if prev is not None and prev.pos in ("NOUN", "PROPN") and not adjectival(prev):
        return []  # "праздник чтения", "марафон громких чтений": the complement of a noun
    right = an.tokens[i + 1:ph.last]
    sent_first = an.sents[tok.sent].first
    proper = any(t.text[:1].isupper() and t.i != sent_first for t in an.tokens[ph.first:i])
    if not (ph.title or proper or (right and right[0].text.lower() == "по")):
        return []
    return [phrase_mention(an, ph, "EVENT", event_attrs(an, ph, "reading"))]


def without_participants(an: Analysis, ph: Phrase) -> None:
    """`стажировка специалистов Костанайской ОУНБ`: people in the genitive right after the
    event noun are its participants, outside the span (GUIDE §2), unless a title follows."""
    k = ph.head + 1
    if ph.title or k >= ph.last:
        return
    noun = genitive_np(an, k, ph.last)
    if noun is not None and an.tokens[noun].lemma in lx.PARTICIPANT_NOUNS \
            and an.tokens[noun].feats.get("Number") == "Plur":
        ph.last = k


def later_occurrence(an: Analysis, ph: Phrase, first: int) -> None:
    """`Следующий методический день`: the determiner of a later occurrence is inside the
    span of a mention that is descriptive without it (GUIDE §2)."""
    k = ph.first - 1
    if k >= first and an.tokens[k].lemma in lx.LATER_OCCURRENCE \
            and an.tokens[k].feats.get("Case") == an.tokens[ph.head].feats.get("Case"):
        ph.first = k


def in_topic_of(an: Analysis, e: Mention, events: list[Mention]) -> bool:
    """`экскурсия по экспозиции о ...`: an untitled event inside another event's topic
    complement is the topic, not an event of its own."""
    if "title" in e.attrs:
        return False
    for o in events:
        if o.start < e.start and e.end <= o.end:
            between = an.text[o.start:e.start].lower().split()
            if any(w in ("по", "о", "об") for w in between):
                return True
    return False


def singular_modifiers(an: Analysis, ph: Phrase) -> bool:
    """`VII Международной научно – практической конференций`: singular modifiers mean the
    plural noun is a typo."""
    mods = [t for t in an.tokens[ph.first:ph.head] if adjectival(t)]
    return bool(mods) and mods[-1].feats.get("Number") == "Sing"


def is_plural(tok: Token) -> bool:
    """Natasha's number, confirmed by the word form (`мастер-класс` is tagged plural)."""
    if tok.feats.get("Number") != "Plur" or tok.text.isupper():
        return False
    parses = [p for p in parse_word(tok.text.lower()) if p.tag.POS == "NOUN"]
    # (a guessed indeclinable reading is every number: `вебинара` unknown to the dictionary)
    parses = [p for p in parses if "Fixd" not in p.tag] or parses
    return not parses or any(p.tag.number == "plur" for p in parses)


def title_mentions(an: Analysis, events: list[Mention]) -> list[Mention]:
    """A quoted title standing alone (`«Библионочь-2023» в Рубцовске`) names the event
    that carries the same title elsewhere in the report."""
    titles = {e.attrs["title"]: e for e in events if "title" in e.attrs}
    covered = [(e.start, e.end) for e in events]
    out = []
    for sent in an.sents:
        i = sent.first
        while i < sent.last:
            end = quoted(an, i, sent.last)
            if not end:
                i += 1
                continue
            start, stop = an.tokens[i].start, an.tokens[end - 1].end
            title = tidy(an.text[start:stop])
            if title in titles and not any(a <= start and stop <= b for a, b in covered):
                attrs = {k: v for k, v in titles[title].attrs.items() if k in ("kind", "title")}
                out.append(Mention("", "EVENT", start, stop, an.text[start:stop], title, attrs=attrs))
            i = end
    return out


def has_words(an: Analysis, ph: Phrase, lemmas) -> bool:
    return any(an.tokens[k].lemma in lemmas for k in range(ph.first, ph.last) if k != ph.head)


def descriptive(an: Analysis, ph: Phrase, kind: str) -> bool:
    """GUIDE §2: an event needs a descriptive modifier, an ordinal, a topic complement or
    a title; bare anaphors (`съезда`, `круглого стола`) are not events."""
    if ph.title:
        return True
    right = an.tokens[ph.head + 1:ph.last]
    if right and right[0].text.lower() in ("по", "о", "об", "для"):
        return True
    if any(t.text[:1].isupper() for t in right):
        return True  # a named owner or place: "заседание Совета КБС", "Дни культуры Омской области"
    if right and kind in lx.TOPIC_GENITIVE_KINDS:
        return True  # "выставка факсимильных изданий", "съезд библиотекарей"
    return any(is_modifier(t) and t.lemma not in lx.NOT_DESCRIPTIVE
               for t in an.tokens[ph.first:ph.head])


def event_attrs(an: Analysis, ph: Phrase, kind: str) -> dict:
    attrs = {"kind": kind}
    for k in range(ph.first, ph.head + 1):
        tok = an.tokens[k]
        if is_roman(tok):
            attrs["ordinal"] = roman(tok.text)
        level = LEVELS.get(tok.lemma)
        if level and "level" not in attrs:
            attrs["level"] = level
    if ph.title:
        a, b = ph.title
        attrs["title"] = tidy(an.text[an.tokens[a].start:an.tokens[b - 1].end])
    return attrs


def org_head(tok: Token) -> bool:
    if tok.pos not in ("NOUN", "PROPN"):
        return False
    return tok.lemma in lx.ORG_HEADS or tok.text in lx.ORG_ABBREVIATIONS or library_abbreviation(tok.text)


def library_abbreviation(text: str) -> bool:
    """`ЗКОУНБ`, `КарОУНБ`-like abbreviations of a region's library: a known library
    abbreviation with a region's letters before it."""
    return len(text) > 4 and text[1:].isupper() and text.endswith(lx.LIBRARY_ABBREVIATION_ENDS)


def org_mentions(an: Analysis, person_starts: set[int],
                 titles_taken: set[int] = frozenset()) -> list[Mention]:
    out = []
    for sent in an.sents:
        i = sent.first
        while i < sent.last:
            tok = an.tokens[i]
            if not org_head(tok) or is_plural(tok) or event_kind(an, tok) or section_event(an, i):
                i += 1
                continue
            mode = "unit" if tok.lemma in lx.UNIT_HEADS else "org"
            if tok.lemma in lx.BODY_HEADS:
                mode = "body"
            # an abbreviated name before an event's title (`вебинаров НАБ «...»`) does not
            # take it; a body (`комиссии акции «...»`) or a legal form (`МБУК «...»`) does
            taken = titles_taken if tok.text.isupper() and tok.text not in lx.LEGAL_FORMS \
                else frozenset()
            in_post = post_complement(an, left_edge(an, i, sent.first), sent.first)
            ph = grow(an, i, sent.first, sent.last, mode=mode, person_starts=person_starts,
                      titles_taken=taken, loose=in_post)
            if has_words(an, ph, lx.NOT_ORG_MODIFIERS) and ph.first < ph.head:
                i += 1  # "электронная библиотека", "модельной библиотеки": not an organisation
                continue
            if tok.lemma not in lx.DESCRIPTIVE_ORG_HEADS and not tok.text.isupper() \
                    and not (named(an, ph) or has_proper_modifier(an, ph)) \
                    and not (in_post and ph.first == ph.head == ph.last - 1
                             and not post_head(an.tokens[ph.first - 1])):  # "кафедры ... [университета]"
                i += 1  # "среднюю школу", "срочную службу": a kind of place, not a name
                continue
            if tok.text.isupper() and ph.first < ph.head \
                    and an.tokens[ph.head - 1].feats.get("Number") == "Plur":
                i += 1  # "для методистов районных ЦБС": several systems, not one
                continue
            bare = (ph.first == ph.head and ph.last == ph.head + 1 and not tok.text.isupper()) \
                or (ph.first == ph.head == ph.last - 1 and tok.text in lx.GENERIC_ABBREVIATIONS) \
                or (tok.lemma in lx.NEEDS_NAME and not named(an, ph))
            attrs = {"kind": org_kind(tok), "bare": bare}
            out.append(phrase_mention(an, ph, "ORGANIZATION", attrs))
            out += eponyms(an, ph)
            i += 1
    return out


def post_complement(an: Analysis, left: int, first: int) -> bool:
    """Is the phrase starting at `left` the end of a post's genitive chain (`директор ЦБС`,
    `доцент кафедры истории университета`)? Then a person follows it, not an eponym, and a
    settlement after its marker is part of its name."""
    j = left - 1
    while j >= first and left - j <= 8:
        tok = an.tokens[j]
        if post_head(tok):
            return True
        if tok.pos not in ("NOUN", "PROPN", "ADJ", "CCONJ") or tok.text[:1] in "«»\"":
            return False
        j -= 1
    return False


def named(an: Analysis, ph: Phrase) -> bool:
    """A title, a number or a capitalised word after the head: `Совета КБС`,
    `клуба «Кітапқұмар»`, `школы №1`."""
    right = an.tokens[ph.head + 1:ph.last]
    return bool(ph.title) or any(t.text[:1].isupper() or t.text == "№" for t in right)


def has_proper_modifier(an: Analysis, ph: Phrase) -> bool:
    """`Северной основной школы`: a capitalised modifier not only starting the sentence."""
    sent_first = an.sents[an.tokens[ph.first].sent].first
    return any(t.text[:1].isupper() and t.i != sent_first for t in an.tokens[ph.first:ph.head])


def eponyms(an: Analysis, ph: Phrase) -> list[Mention]:
    """The person an organisation is named after is a nested PERSON (GUIDE §2)."""
    out = []
    for k in range(ph.head + 1, ph.last):
        word = an.tokens[k].text.lower()
        if word in ("им", "имени") or (k == ph.head + 1 and is_initial(an, k)):
            end = eponym_end(an, k if word in ("им", "имени") else k - 1, ph.last,
                             bare=word not in ("им", "имени"))
            first = k + 2 if word == "им" else (k + 1 if word == "имени" else k)
            if end and first < end:
                start, stop = an.tokens[first].start, an.tokens[end - 1].end
                out.append(Mention("", "PERSON", start, stop, an.text[start:stop],
                                   an.text[start:stop], attrs={"eponym": True}))
    return out


def org_kind(tok: Token) -> str:
    if tok.lemma in lx.UNIT_HEADS:
        return "unit"
    if tok.lemma in lx.BODY_HEADS:
        return "body"
    if tok.lemma in lx.LIBRARY_HEADS or tok.text in lx.ORG_ABBREVIATIONS or library_abbreviation(tok.text):
        return "library"
    return "organization"


def post_head(tok: Token) -> bool:
    return tok.pos in ("NOUN", "PROPN", "ADJ", "VERB") and (
        tok.lemma in lx.POST_HEADS or tok.text.lower() in lx.POST_HEADS
        or tok.text.lower().startswith("заведующ")  # "заведующего сектором", any case
        or ("-" in tok.lemma and tok.lemma.split("-")[0] in lx.POST_HEADS
            and tok.lemma.split("-")[-1] in lx.POST_HEADS))  # "библиотекарь-краевед"


def post_mentions(an: Analysis, cands: list[Mention], person_starts: set[int]) -> list[Mention]:
    """Post phrases attributed to a named person: right before the name, or after it."""
    persons = [m for m in cands if m.type == "PERSON"]
    out = []
    for sent in an.sents:
        i = sent.first
        while i < sent.last:
            tok = an.tokens[i]
            if not post_head(tok) or tok.lemma in lx.POST_MODIFIERS or (
                    tok.feats.get("Number") == "Plur" and tok.pos == "NOUN" and is_plural(tok)):
                i += 1  # "член Союза журналистов": a group, not the person's post
                continue
            ph = grow(an, i, sent.first, sent.last, mode="post", person_starts=person_starts)
            start, end = ph.span(an)
            if attributed(an, start, end, persons):
                out.append(phrase_mention(an, ph, "PROFESSION", {}))
                i = ph.last
            else:
                i += 1
    return out


def attributed(an: Analysis, start: int, end: int, persons: list[Mention]) -> bool:
    for p in persons:
        gap = an.text[end:p.start]
        if p.start >= end and len(gap) <= 3 and gap.strip() in ("", ",", "–", "-", "—"):
            return True  # "(библиотекарь – Жумагулова А.Е.)"
        if p.start >= end and FROM_PLACE.match(an.text, end, p.start):
            return True  # "детская писательница из г. Омска Мария Иванова"
        gap = an.text[p.end:start]
        if p.end <= start and len(gap) <= 3 and gap.strip() in (",", "–", "-", "(", "—"):
            return True
    return False


FROM_PLACE = re.compile(r" из (?:(?:г|с)\.[ \u00a0]?)?[А-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+ $")


def phrase_mention(an: Analysis, ph: Phrase, etype: str, attrs: dict) -> Mention:
    start, end = ph.span(an)
    first = an.tokens[ph.first]
    sent_start = ph.first == an.sents[first.sent].first
    # GUIDE §3: a common noun's capital that only starts a sentence is lowered
    # (a title line is lowered too, `Методический день` -> `методический день`; a named
    # day keeps its capital: `День методиста`)
    lower = etype == "PROFESSION" or (
        etype == "EVENT" and sent_start and first.lemma not in lx.CAPITALISED_LEVELS
        and first.lemma != "день"
        and an.text[:first.start].rstrip(" \t\u00a0")[-1:] in (".", "!", "?", "\n", ""))
    normal = phrase_normal(an, ph.first, ph.head, ph.last, lower_first=lower)
    return Mention("", etype, start, end, an.text[start:end], normal, attrs=attrs)


# --- phrase growth -------------------------------------------------------------------------

def grow(an: Analysis, i: int, first: int, last: int, mode: str,
         person_starts: set[int] = frozenset(), titles_taken: set[int] = frozenset(),
         loose: bool = False) -> Phrase:
    """The phrase around head i. mode: event | org | unit | body | post. titles_taken:
    token indices of titles that belong to an event around the phrase. loose: the phrase
    is the complement of a post, where a settlement after its marker is part of the name
    even when it does not decline (`директор ЦБС г. Темиртау`)."""
    left = left_edge(an, i, first, event=mode == "event")
    ph = Phrase(left, i, i + 1)
    k = i + 1
    steps = 0
    while k < last and steps < 12:
        steps += 1
        if k in titles_taken:
            break  # "цикла вебинаров НАБ «...»": the title is the event's, not НАБ's
        nxt = extend_once(an, ph, k, last, mode, person_starts, loose or mode == "post")
        if nxt is None:
            break
        ph.last = k = nxt
        if ph.title:
            if mode in ("org", "unit", "post") and k < last:  # "МБУК «...» г. Рубцовска"
                ph.last = genitive_place(an, k, last, loose or mode == "post") or ph.last
            break  # nothing else of the name follows its title
    return ph


def extend_once(an: Analysis, ph: Phrase, k: int, last: int, mode: str, person_starts,
                loose: bool = False) -> int | None:
    """The index after one more complement starting at token k, or None to stop."""
    tok = an.tokens[k]
    head = an.tokens[ph.head]
    if tok.start in person_starts and mode not in ("org", "unit", "body"):
        return None
    end = quoted(an, k, last)
    if end is not None:
        if mode in ("org", "unit") and end == k + 3 and NICKNAME.match(an.tokens[k + 1].text):
            return None  # "отдел краеведения «Пушкинки»": the parent library, not a name
        ph.title = (k, end)
        return end
    if tok.text.lower() in ("им", "имени", "им."):
        return eponym_end(an, k, last)
    if tok.text == "№" and k + 1 < last and an.tokens[k + 1].text[:1].isdigit():
        return k + 2
    if mode in ("org", "unit") and head.lemma in EPONYM_HEADS and is_initial(an, k) and not loose:
        return eponym_end(an, k - 1, last, bare=True)  # "музей Ф.М. Достоевского"
    if tok.start in person_starts:
        return None
    if tok.text.lower() == "по" and (mode in ("event", "post") or (
            mode == "body" and an.tokens[ph.head].lemma in lx.TOPIC_BODIES)):
        return topic_end(an, k + 1, last)
    if tok.text.lower() in ("о", "об") and mode == "event" and k == ph.head + 1:
        return topic_end(an, k + 1, last, case="Loc")  # "дискуссия о роли методических служб"
    if tok.text.lower() == "для" and mode == "event":
        return audience_end(an, k + 1, last)
    if tok.text.lower() == "для" and mode in ("org", "post"):
        return served_end(an, k + 1, last)  # "библиотека для незрячих и слабовидящих граждан"
    if tok.text.lower() in ("в", "во") and mode in ("org", "post") and head.lemma in lx.MISSION_HEADS:
        return mission_place(an, k + 1, last)  # "генеральное консульство РК в г. Омске"
    if tok.text.lower() == "и" and k > ph.head + 1 and mode in ("unit", "org", "post", "event"):
        noun = genitive_np(an, k + 1, last)
        if noun is not None and not stops_before(an, noun, mode) and an.tokens[noun].text.islower():
            return noun + 1  # "развития библиотек и методической работы", not "... и АКУНБ"
        return None
    if tok.text == "," and mode in ("org", "unit") and k > ph.head + 1:
        return coordinated_end(an, k, last, mode)
    if mode in ("org", "unit", "post"):
        place = genitive_place(an, k, last, loose)
        if place is not None:
            return place
    noun = genitive_np(an, k, last)
    if noun is None and mode == "post" and k == ph.head + 1 \
            and an.tokens[ph.head].text.lower().startswith(("заведующ", "руководящ")):
        noun = np_in_case(an, k, last, "Ins")  # "заведующая отделом обслуживания"
    if noun is None:
        if is_abbrev(tok) and mode in ("org", "unit", "body", "post", "event") and tok.pos == "PROPN":
            if mode == "body" and k > ph.head + 1 and an.tokens[k - 1].text.islower():
                return None  # "Секции библиотечного краеведения РБА": named without its parent
            return k + 1  # "НБ РК", "Совета КБС", "директора ПОУНБ"
        return None
    if stops_before(an, noun, mode, head):
        return None
    if mode == "body" and noun == k and (tok.text in lx.ORG_ABBREVIATIONS or library_abbreviation(tok.text)) \
            and k > ph.head + 1 \
            and an.tokens[k - 1].text.islower():
        return None  # "Секции библиотечного краеведения РБА": named without its parent
    return max(noun + 1, an.ner_end(k, ("LOCATION",)) or 0)  # "Республики Казахстан" as Natasha found it


EPONYM_HEADS = {"музей", "театр", "университет", "институт"}  # libraries say "им."


def genitive_place(an: Analysis, k: int, last: int, loose: bool = False) -> int | None:
    """`ЦБС г. Экибастуза`, `библиотеке села Тереңкөл`: a settlement named in the genitive
    is part of an organisation's name; `в НБ РК г.Алматы` (indeclinable) is its location,
    except in a post, where the organisation is a genitive complement (`библиотекарь
    сельской библиотеки с. Жаркайын`): loose."""
    tok = an.tokens[k]
    if tok.text in ("г", "с") and k + 2 < last and an.tokens[k + 1].text == ".":
        name = an.tokens[k + 2]
        return k + 3 if is_name_word(name) and (loose or can_be_genitive(name.text)) else None
    if is_modifier(tok) and k + 2 < last and an.tokens[k + 1].text == "обл" \
            and an.tokens[k + 2].text == ".":
        return k + 3  # "Павлодарской обл."
    if tok.lemma in ("село", "город", "поселок") and tok.feats.get("Case") == "Gen" \
            and k + 1 < last and is_name_word(an.tokens[k + 1]):
        return k + 2
    return None


def can_be_genitive(word: str) -> bool:
    parses = parse_word(word.lower())
    if any(p.tag.POS == "ADJF" and p.tag.case == "gent" for p in parses):
        return True  # "г. Рудного", "г. Лисаковска"
    known = [p for p in parses if p.tag.POS == "NOUN"]
    if any("Fixd" in p.tag for p in known):
        return False
    return any(p.tag.case == "gent" for p in known) or word.endswith(("а", "я"))


def stops_before(an: Analysis, noun: int, mode: str, head: Token | None = None) -> bool:
    """A unit's name stops before its parent organisation (GUIDE §2, unit and parent);
    a post before another post, except a deputy's (`заместитель министра культуры`)."""
    tok = an.tokens[noun]
    if mode in ("org", "unit") and tok.lemma in lx.PARENT_BODIES:
        return True
    if mode == "unit" and tok.feats.get("Number") != "Plur" and (tok.lemma in lx.LIBRARY_HEADS or tok.text in lx.ORG_ABBREVIATIONS
                           or tok.lemma in lx.UNIT_PARENTS):
        return True
    if mode == "post" and tok.lemma in lx.POST_HEADS and tok.lemma not in ("директор", "руководитель") \
            and not (head is not None and head.lemma in lx.DEPUTY_HEADS):
        return True
    return False


def topic_end(an: Analysis, k: int, last: int, case: str = "Dat") -> int | None:
    """`по повышению квалификации сотрудников публичных библиотек`."""
    j = k
    while j < last and is_modifier(an.tokens[j]):
        j += 1
    if j >= last or an.tokens[j].pos not in ("NOUN", "PROPN") or an.tokens[j].feats.get("Case") != case:
        return None
    if an.tokens[j].lemma in lx.PLACE_TOPICS:
        return None  # "экскурсия по библиотеке": a place walked through, not a topic
    j += 1
    while j < last:
        noun = genitive_np(an, j, last)
        if noun is None:
            word = an.tokens[j].text.lower()
            if word == "и":
                noun = genitive_np(an, j + 1, last)
            elif word in ("с", "со"):  # "по работе с электронными каталогами"
                noun = np_in_case(an, j + 1, last, "Ins")
            elif word in ("в", "во"):  # "по поиску в электронном каталоге"
                noun = topic_locative(an, j + 1, last)
            elif word in ("о", "об") and case == "Dat":  # "экскурсия по экспозиции о ..."
                noun = np_in_case(an, j + 1, last, "Loc")
                noun = noun if noun is not None and an.tokens[noun].text.islower() else None
            if noun is None:
                break
        j = noun + 1
    return j


def topic_locative(an: Analysis, k: int, last: int) -> int | None:
    """`по ведению страниц в социальных сетях`, `о роли служб в цифровизации библиотек`:
    a locative of a common noun continues a topic; a place, a venue, a time or a frame
    (`в г. Омске`, `в зале`, `в 2024 году`, `в рамках`, `в онлайн-формате`) does not."""
    noun = np_in_case(an, k, last, "Loc")
    if noun is None:
        return None
    tok = an.tokens[noun]
    if not tok.text.islower() or tok.lemma in lx.NOT_TOPIC_LOCATIVES or tok.lemma in lx.ORG_HEADS \
            or len(tok.text) < 3 or tok.text in phrases.MARKERS \
            or any(an.tokens[x].text[:1].isdigit() for x in range(k, noun)):
        return None
    return noun


def np_in_case(an: Analysis, k: int, last: int, case: str) -> int | None:
    j = k
    while j < last and is_modifier(an.tokens[j]):
        j += 1
    if j < last and an.tokens[j].pos in ("NOUN", "PROPN") and an.tokens[j].feats.get("Case") == case:
        return j
    return None


def audience_end(an: Analysis, k: int, last: int) -> int | None:
    """`для методистов ЦБС «...»` is inside an event name only when a title follows."""
    j = k
    for _ in range(8):
        if j >= last:
            return None
        if quoted(an, j, last):
            return j
        if an.tokens[j].pos in ("PUNCT",) or an.tokens[j].pos == "VERB" and not is_modifier(an.tokens[j]):
            return None
        j += 1
    return None


def coordinated_end(an: Analysis, k: int, last: int, mode: str) -> int | None:
    """`управление культуры, развития языков и архивного дела`: a comma list closed by `и`."""
    j = k
    while j < last and an.tokens[j].text == ",":
        noun = genitive_np(an, j + 1, last)
        if noun is None:
            return None
        j = noun + 1
        while j < last:
            nxt = genitive_np(an, j, last)
            if nxt is None:
                break
            j = nxt + 1
    if j < last and an.tokens[j].text.lower() == "и":
        noun = genitive_np(an, j + 1, last)
        if noun is not None:
            return noun + 1
    return None


def served_end(an: Analysis, k: int, last: int) -> int | None:
    """`специальной библиотеки для незрячих и слабовидящих граждан`: the people a special
    library serves are part of its name; other `для ...` (`для читателей`) are not."""
    j = k
    seen = False
    while j < last:
        tok = an.tokens[j]
        if tok.lemma in lx.SERVED_PEOPLE:
            seen = True
        elif not (tok.text.lower() == "и" and seen) and not (seen and tok.pos == "NOUN"
                                                               and tok.feats.get("Case") == "Gen"):
            break
        j += 1
    return j if seen else None


def mission_place(an: Analysis, k: int, last: int) -> int | None:
    """`консульство РК в г. Омске`, `консул в Омске`: the host city of a diplomatic
    mission is part of its name."""
    if k >= last:
        return None
    if an.tokens[k].text in ("г", "с") and k + 2 < last and an.tokens[k + 1].text == "." \
            and is_name_word(an.tokens[k + 2]):
        return k + 3
    end = an.ner_end(k, ("LOCATION",))
    if end:
        return end
    tok = an.tokens[k]
    return k + 1 if is_name_word(tok) and tok.feats.get("Case") == "Loc" else None


# --- dates ---------------------------------------------------------------------------------

def date_mentions(an: Analysis, report: Report, titles) -> list[Mention]:
    try:
        from kgraph.dates import find_dates
    except ImportError:  # pragma: no cover - the module ships with the package
        return []
    out = []
    for d in find_dates(an.text, report.date, exclude=titles):
        attrs = {"value": d.value} if d.value else {}
        out.append(Mention("", "DATE", d.start, d.end, d.text, d.normal, attrs=attrs))
    return out


# --- settling overlaps ----------------------------------------------------------------------

def quoted_spans(an: Analysis) -> list[tuple[int, int]]:
    """Character spans strictly inside quotes: titles are opaque."""
    out = []
    for sent in an.sents:
        i = sent.first
        while i < sent.last:
            end = quoted(an, i, sent.last)
            if end:
                if not speech(an, i, end):
                    out.append((an.tokens[i].end, an.tokens[end - 1].start))
                i = end
            else:
                i += 1
    return out


def speech(an: Analysis, i: int, end: int) -> bool:
    """Quoted speech, not a title: after a colon, long, or a clause with a finite verb."""
    inner = an.tokens[i + 1:end - 1]
    finite = any(t.pos in ("VERB", "AUX") and t.feats.get("VerbForm") == "Fin" for t in inner)
    return (i > 0 and an.tokens[i - 1].text == ":") or len(inner) > 15 or (finite and len(inner) > 5)


PRIORITY = {"EVENT": 5, "PROFESSION": 4, "ORGANIZATION": 3, "LOCATION": 2, "PERSON": 2, "DATE": 1}


def settle(cands: list[Mention], titles: list[tuple[int, int]]) -> list[Mention]:
    """Drop mentions inside titles, duplicates, bare nouns outside posts; resolve crossings."""
    cands = [m for m in cands if not inside_title(m, titles, cands) and m.end > m.start]
    cands = prefer_longest_org(cands)
    posts = [m for m in cands if m.type == "PROFESSION"]
    kept: list[Mention] = []
    seen = set()
    for m in sorted(cands, key=lambda m: (-PRIORITY[m.type], m.start, -(m.end - m.start))):
        key = (m.type, m.start, m.end)
        if key in seen:
            continue
        if m.attrs.pop("bare", False) and not any(p.start <= m.start and m.end <= p.end for p in posts) \
                and not after_unit(m, kept):
            continue
        if any(crosses(m, k) for k in kept):
            continue
        if m.type in ("PERSON", "LOCATION", "ORGANIZATION") and any(
                k.type != m.type and (k.start, k.end) == (m.start, m.end) for k in kept):
            continue
        seen.add(key)
        kept.append(m)
    places = [k for k in kept if k.type == "LOCATION"]
    persons = [k for k in kept if k.type == "PERSON"]
    kept = [m for m in kept if not (m.type == "PERSON" and any(  # "г. Экибастуза" is no person
        p.start <= m.start and m.end <= p.end for p in places))]
    kept = [m for m in kept if not (m.type == "LOCATION" and any(
        p.start <= m.start and m.end <= p.end for p in persons))]  # nor "Абенова" a place
    kept = [m for m in kept if not (m.type == "PERSON" and any(  # "Мальцева" inside the
        p is not m and p.start <= m.start and m.end <= p.end for p in persons))]  # full name
    for m in kept:
        m.attrs.pop("source", None)
    return sorted(kept, key=lambda m: (m.start, -m.end, m.type))


def after_unit(m: Mention, kept: list[Mention]) -> bool:
    """`[отдел краеведения] [ЦРБ]`: a bare parent right after an annotated unit is
    annotated, since PART_OF hangs on it (GUIDE §2)."""
    return m.type == "ORGANIZATION" and any(
        k.type == "ORGANIZATION" and k.attrs.get("kind") == "unit" and m.start - k.end == 1
        for k in kept)


def inside_title(m: Mention, titles, cands) -> bool:
    """Titles are opaque: nothing inside a quoted title counts, unless the mention is the
    whole quoted name on its own (`«Металлоинвест»` names a company)."""
    for a, b in titles:
        if a <= m.start and m.end <= b:
            if m.type == "LOCATION" and any(
                    (c.start, c.end) == (a, b) and c.type == "ORGANIZATION" for c in cands):
                return False  # a place inside a quoted organisation name: «Единая Россия»
            if (m.start, m.end) != (a, b) or m.type not in ("ORGANIZATION", "PERSON", "LOCATION"):
                return True
            return any(c.start < a and b < c.end and c.type in ("EVENT", "ORGANIZATION")
                       for c in cands)
    return False


def crosses(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end and not (
        (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end))


def prefer_longest_org(cands: list[Mention]) -> list[Mention]:
    """Natasha's and the rules' organisations overlap: of two that start together or
    cross, keep the longer; a nested organisation starting later is a parent (`Совета [КБС]`)."""
    orgs = sorted((m for m in cands if m.type == "ORGANIZATION"), key=lambda m: m.start - m.end)
    kept: list[Mention] = []
    drop = set()
    for b in orgs:
        generic = b.text in lx.GENERIC_ABBREVIATIONS
        for a in kept:  # Natasha runs an organisation into the next person's name
            if a.start == b.start and a.attrs.get("source") == "ner" and b.attrs.get("source") != "ner" \
                    and (INITIALS.search(a.text[b.end - a.start:]) or EPONYM.search(b.text)):
                kept.remove(a)
                drop.add(id(a))
                break
        if any(b.start == a.start or crosses(a, b) or (generic and b.end == a.end) for a in kept):
            drop.add(id(b))
        else:
            kept.append(b)
    return [m for m in cands if id(m) not in drop]
