"""Noun phrases over Natasha tokens: how far a name reaches, and its nominative form.

A phrase is a head noun with its agreeing left modifiers (ordinals, adjectives,
participles, `научно – практической`) and its right complements (genitive chains,
`по ...` topics, `им. ...` eponyms, `№ 3`, a quoted title). Each entity rule picks the
complements it allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kgraph.analyse import Analysis, Token, get_pymorphy, parse_word

TIME_LEMMAS = {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
               "сентябрь", "октябрь", "ноябрь", "декабрь", "год", "век", "неделя", "месяц"}
ROMAN = re.compile(r"^[IVXLCІ]+$")
QUOTES = {"«": "»", '"': '"', "„": "“", "“": "”"}
DASHES = {"-", "–", "—"}
# abbreviations before a full stop that mark a place, not a noun of a name
MARKERS = {"г", "гг", "с", "п", "пос", "ст", "обл", "им", "ул", "д", "мкр", "р", "рн", "вв", "тыс"}
ADJ_LIKE = {"ADJ", "DET"}


@dataclass
class Phrase:
    first: int  # token index of the phrase start
    head: int  # token index of the head noun
    last: int  # token index after the phrase
    title: tuple[int, int] | None = None  # token range of a quoted title, quotes included

    def span(self, an: Analysis) -> tuple[int, int]:
        return an.tokens[self.first].start, an.tokens[self.last - 1].end


def is_roman(tok: Token) -> bool:
    return bool(ROMAN.match(tok.text)) and len(tok.text) <= 6


ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "І": 1}


def roman(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text.replace("І", "I")):
        val = ROMAN_VALUES.get(ch, 0)
        total = total - val if val < prev else total + val
        prev = max(prev, val)
    return total


# participles that head post phrases ("заведующая отделом"), never modifiers of a unit
NOT_MODIFIERS = {"заведовать", "заведующий", "заведующая", "руководить", "исполнять"}
GEN_ADJ = re.compile(r"(?:ой|ого|его|ых|их)$")
ADJ_LEMMA = re.compile(r"(ый|ий|ой|ся)$")


def adjectival(tok: Token) -> bool:
    """Adjective by form, whatever the tagger says (`практической` tagged NOUN after a
    typo, `Павлодарскую` tagged PROPN)."""
    if tok.pos in ADJ_LIKE:
        # (a hyphenated noun tagged ADJ is no adjective: `инженер-программист`)
        return bool(ADJ_LEMMA.search(tok.lemma)) or not tok.lemma.replace("-", "").isalpha()
    if tok.pos == "PROPN":  # (`Модератором` at a sentence's start is no adjective)
        return bool(PLACE_ADJ.search(tok.text)) and any(
            p.tag.POS in ("ADJF", "PRTF") for p in parse_word(tok.text.lower()))
    return tok.pos == "NOUN" and bool(ADJ_LEMMA.search(tok.lemma)) and tok.text[-2:] in ADJ_ENDINGS


PLACE_ADJ = re.compile(r"(?:ая|ой|ую|ий|ый|ого|ому|ым|им|ом|ое|ые|ие|ых|их|ыми|ими)$")


ADJ_ENDINGS = {"ой", "ая", "ий", "ый", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ую", "юю",
               "го", "му", "ей", "ом", "ем"}


ADJ_FORM = re.compile(r"(?:ий|ый|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ом|ем|ую|юю|ых|их|ыми|ими)$")


def is_modifier(tok: Token) -> bool:
    """An agreeing left modifier: adjective, participle (full form), ordinal."""
    if tok.lemma in DEICTIC or tok.lemma in NOT_MODIFIERS:
        return False
    if adjectival(tok):
        return True
    if tok.pos == "VERB" and tok.feats.get("VerbForm") == "Part" and tok.feats.get("Case") \
            and ADJ_FORM.search(tok.text.lower()):
        return True  # (not `инженер-программист` tagged a participle)
    return is_roman(tok)


def nounish(tok: Token) -> bool:
    return (tok.pos in ("NOUN", "PROPN") or tok.pos in ADJ_LIKE) and not adjectival(tok)


DEICTIC = {"этот", "тот", "такой", "следующий", "данный", "весь", "каждый", "свой", "наш",
           "который", "её", "его", "их", "ее", "один", "другой"}


def left_edge(an: Analysis, i: int, first: int, event: bool = False) -> int:
    """Index of the leftmost agreeing modifier of the head at i; event: an instrumental
    before an event noun in another case is the predicate of a role, not a modifier
    (`Ведущей семинара была`, `Модератором вебинара стала`)."""
    j = i
    head = an.tokens[i]
    head_case = head.feats.get("Case")
    while j - 1 >= first:
        tok = an.tokens[j - 1]
        if tok.pos == "VERB" and tok.feats.get("Case") != head_case:
            break  # "посвященных Дням культуры": the participle governs, it does not agree
        if event and tok.feats.get("Case") == "Ins" and head_case not in (None, "Ins"):
            break
        if is_modifier(tok):
            j -= 1
        elif (tok.text in DASHES and j - 2 >= first and an.tokens[j - 2].text.lower().endswith("о")
              and an.tokens[j - 2].pos in ("ADV", "ADJ", "NOUN", "X")):
            j -= 2  # "научно – практической": a compound adjective split by spaces
        else:
            break
    return j


def quoted(an: Analysis, i: int, last: int) -> int | None:
    """If a quoted title opens at token i, the index after its closing quote."""
    tok = an.tokens[i]
    close = QUOTES.get(tok.text)
    if close is None:
        return None
    depth = 0
    for k in range(i + 1, min(last, i + 40)):
        text = an.tokens[k].text
        if text == tok.text and close != tok.text:
            depth += 1
        elif text == close:
            if depth == 0:
                return k + 1
            depth -= 1
    return None


def case_of(tok: Token) -> str | None:
    return tok.feats.get("Case")


def is_abbrev(tok: Token) -> bool:
    text = tok.text
    return len(text) >= 2 and text.isupper() and text.isalpha()


def genitive_np(an: Analysis, k: int, last: int) -> int | None:
    """If a genitive noun phrase starts at k, the index of its noun (else None)."""
    j = k
    while j < last and is_modifier(an.tokens[j]) and (
            case_of(an.tokens[j]) in ("Gen", None) or GEN_ADJ.search(an.tokens[j].text)):
        j += 1  # the tagger calls some genitive adjectives nominative ("городской ЦБС")
    if j < last and j > k and an.tokens[j].text in DASHES:
        return None
    if j >= last:
        return None
    tok = an.tokens[j]
    if len(tok.text) == 1 or (j + 1 < last and an.tokens[j + 1].text == "." and tok.text.islower()
                              and tok.text in MARKERS):
        return None  # "г." / "обл." are markers, not nouns (a sentence's last `дела.` is one)
    if tok.lemma in TIME_LEMMAS or (j > 0 and an.tokens[j - 1].pos == "NUM" and tok.text.islower()):
        return None  # "библиотеки 2 февраля": a date, not a complement
    if nounish(tok) and (case_of(tok) == "Gen" and form_allows_genitive(tok.text) or is_abbrev(tok)):
        return j
    if j > k and case_of(an.tokens[j - 1]) == "Gen" and not adjectival(an.tokens[j - 1]):
        return j - 1  # "вставок" tagged ADJ: the last of the run is the noun
    return None


@lru_cache(maxsize=50_000)
def form_allows_genitive(word: str) -> bool:
    """The tagger's genitive, checked against the word form: `конференции мастер-класс`
    is no genitive chain, as `мастер-класс` cannot be genitive."""
    if not word.islower() or "-" not in word and len(word) < 3:
        return True
    parses = parse_word(word)
    known = [p for p in parses if p.is_known or "-" in word]
    return not known or any(p.tag.case in ("gent", "gen2") for p in known)


def eponym_end(an: Analysis, k: int, last: int, bare: bool = False) -> int | None:
    """`им. С.Торайгырова`, `имени Алишера Навои`: the index after the name.
    bare: the name follows the head directly (`музей Ф.М. Достоевского`); k is before it."""
    tok = an.tokens[k]
    j = k + 1
    if bare:
        pass
    elif tok.text.lower() == "им" and j < last and an.tokens[j].text == ".":
        j += 1
    elif tok.text.lower() not in ("имени", "им."):
        return None
    initials = 0
    while j + 1 < last and is_initial(an, j):
        j += 2
        initials += 1
    if j >= last or not is_name_word(an.tokens[j]):
        return None
    j += 1
    # a first name + surname (`Алишера Навои`), never the next person's initials
    if not initials and j < last and is_name_word(an.tokens[j]) and not is_initial(an, j) \
            and (not an.person_starts_at(j) or known_first_name(an.tokens[j - 1].text)) \
            and not known_first_name(an.tokens[j].text):  # "им. Абая Нурлан Байгазин" stops
        j += 1  # "им. Алишера Навои": a first name and a surname
    return j


def known_first_name(word: str) -> bool:
    from kgraph.names import is_first_name

    return is_first_name(word)


def is_initial(an: Analysis, j: int) -> bool:
    t = an.tokens[j]
    return (len(t.text) == 1 and t.text.isupper() and j + 1 < len(an.tokens)
            and an.tokens[j + 1].text == "." and an.tokens[j + 1].start == t.end)


def is_name_word(tok: Token) -> bool:
    return len(tok.text) > 1 and tok.text[:1].isupper() and tok.text.replace("-", "").isalpha()


def inflect_word(word: str, pos: str, feats: dict, target: set) -> str:
    """`word` in the grammemes `target` (e.g. {"nomn", "sing"}), keeping its letter case."""
    lowered = word.lower()
    form = _inflect(lowered, pos, feats.get("Case"), frozenset(target), word.islower())
    if form is None:
        return word
    return match_case(word, form)


CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
POS_OC = {"NOUN": {"NOUN"}, "PROPN": {"NOUN"}, "ADJ": {"ADJF"}, "DET": {"ADJF", "NPRO"},
          "VERB": {"PRTF"}}


# readings a common noun written in lower case does not have: a guessed first name or an
# indeclinable (`вебинар` is no feminine name `Вебинара` in the genitive plural)
PROPER_GUESSES = {"Name", "Surn", "Patr", "Fixd", "Geox"}


def common_parses(parses) -> list:
    return [p for p in parses if not PROPER_GUESSES & p.tag.grammemes] or list(parses)


@lru_cache(maxsize=100_000)
def _inflect(word: str, pos: str, case: str | None, target: frozenset, common: bool = False) -> str | None:
    morph = get_pymorphy()
    parses = common_parses(parse_word(word)) if common else parse_word(word)
    wanted = POS_OC.get(pos, set())
    oc_case = CASES.get(case or "")
    best = None
    for p in parses:
        if wanted and p.tag.POS not in wanted:
            continue
        if oc_case and p.tag.case and p.tag.case != oc_case and not (
                oc_case == "loct" and p.tag.case == "loc2"):
            if best is None:
                best = p
            continue
        best = p
        break
    if best is None and wanted:
        return _inflect(word, "", case, target, common)  # "заведующего": a participle used as a noun
    if best is None:
        return None
    target = set(target)
    if "plur" in target:
        target.discard("masc"), target.discard("femn"), target.discard("neut")
    out = best.inflect(target)
    return out.word if out else None


def noun_target(tok: Token) -> tuple[set, str | None]:
    """Grammemes for the nominative of a head noun, and its gender for agreement."""
    target, gender = _noun_target(tok.text.lower(), tok.feats.get("Number"), tok.feats.get("Case"),
                                  tok.text.islower())
    return set(target), gender


@lru_cache(maxsize=50_000)
def _noun_target(word: str, tagged_number: str | None, tagged_case: str | None, common: bool = False):
    morph = get_pymorphy()
    number = "plur" if tagged_number == "Plur" else "sing"
    case = CASES.get(tagged_case or "")
    nouns = [p for p in parse_word(word) if p.tag.POS == "NOUN"]
    nouns = common_parses(nouns) if common else nouns
    agreeing = [p for p in nouns if p.tag.case == case] or nouns
    gender = agreeing[0].tag.gender if agreeing else None
    if agreeing and all(p.tag.number == "plur" for p in agreeing):
        number = "plur"  # "Дней культуры": the tagger's number can be wrong, the form cannot
    elif agreeing and not any(p.tag.number == "plur" for p in agreeing):
        number = "sing"  # "мастер-класс" tagged plural
    return frozenset({"nomn", number}), gender


def match_case(original: str, form: str) -> str:
    if original.isupper() and len(original) > 1:
        return form.upper()
    if "-" in original and original.count("-") == form.count("-"):
        # "Восточно-Казахстанской" -> "Восточно-Казахстанская": each part keeps its capital
        return "-".join(match_case(o, f) for o, f in zip(original.split("-"), form.split("-")))
    if original[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def phrase_normal(an: Analysis, first: int, head: int, last: int, lower_first: bool = False) -> str:
    """The phrase in the nominative: head and its left modifiers inflected, the rest kept."""
    head_tok = an.tokens[head]
    target, gender = noun_target(head_tok)
    mods = [an.tokens[k] for k in range(first, head) if adjectival(an.tokens[k])]
    if "plur" in target and mods and mods[-1].feats.get("Number") == "Sing":
        target = {"nomn", "sing"}  # "научно – практической конференций": a typo, not a plural
    if head_tok.text.isupper():  # "Павлодарскую ОУНБ": an abbreviation does not decline
        target, gender = {"nomn", "sing"}, abbreviation_gender(head_tok.text)
    words = []
    for k in range(first, last):
        tok = an.tokens[k]
        text = tok.text
        if head_tok.text.isupper() and k < head and is_modifier(tok) and not is_roman(tok):
            words.append(inflect_hyphenated(text, tok, target | ({gender} if gender else set()), "ADJ"))
            continue
        if k == head and case_of(tok) not in (None, "Nom"):
            text = inflect_hyphenated(text, tok, target)
        elif first <= k < head and is_modifier(tok) and not is_roman(tok) and case_of(tok) != "Nom":
            mod_target = set(target) | ({gender} if gender and "sing" in target else set())
            text = inflect_hyphenated(text, tok, mod_target, pos="ADJ" if adjectival(tok) else tok.pos)
        words.append(text)
    out = join_tokens(an, first, last, words)
    if lower_first and out[:1].isupper() and not out[:2].isupper():
        out = out[:1].lower() + out[1:]
    return out


ABBREVIATION_GENDER = {"Б": "femn", "С": "femn", "Ц": "masc", "Т": "masc", "О": "neut"}


def abbreviation_gender(abbr: str) -> str | None:
    """The gender of the last word an abbreviation stands for: ОУНБ (библиотека) is
    feminine, ЦБС (система) too, КБС (союз) masculine — a guess by the last letter."""
    if abbr in ("КБС", "РБА"):
        return "masc" if abbr == "КБС" else "femn"
    return ABBREVIATION_GENDER.get(abbr[-1:])


def inflect_hyphenated(text: str, tok: Token, target: set, pos: str | None = None) -> str:
    pos = pos or tok.pos
    out = inflect_word(text, pos, tok.feats, target)
    if out != text or "-" not in text:
        return out
    # "семинаре-тренинге": inflect both parts when pymorphy knows no compound; not a
    # first part that ends in a linking о ("Восточно-Казахстанская": not "Восточная-")
    parts = text.split("-")
    return "-".join(p if len(p) <= 2 or (k < len(parts) - 1 and p.lower().endswith("о"))
                    else inflect_word(p, pos, tok.feats, target) for k, p in enumerate(parts))


def join_tokens(an: Analysis, first: int, last: int, words: list[str]) -> str:
    """Join words with the original spacing, tidying what GUIDE §3 asks to tidy."""
    out = words[0]
    for idx in range(1, len(words)):
        prev, tok = an.tokens[first + idx - 1], an.tokens[first + idx]
        gap = an.text[prev.end:tok.start]
        word = words[idx]
        if "\n" in gap:
            gap = " "
        if tok.text in DASHES and prev.text.lower().endswith("о") and idx + 1 < len(words) \
                and prev.pos != "PUNCT" and words[idx + 1][:1].islower():
            out += "-"  # "научно – практической" -> "научно-практическая"
            continue
        if prev.text in DASHES and out.endswith("-"):
            out += word
            continue
        if gap == "" and prev.text == "." and word[:1].isupper() and len(word) > 1:
            gap = " "  # "им.С.Торайгырова" -> "им. С. Торайгырова" handled below
        out += gap + word
    return tidy(out)


@lru_cache(maxsize=65536)
def tidy(text: str) -> str:
    text = re.sub(r"\bим\.\s*", "им. ", text)
    text = re.sub(r"(?<=\b[А-ЯЁ]\.)(?=[А-ЯЁ][а-яё])", " ", text)  # "С.Торайгырова" -> "С. Торайгырова"
    text = re.sub(r"\bг\.\s*", "г. ", text)
    # Latin i / Latin look-alikes inside Cyrillic words (Kazakh "бiр" -> "бір")
    text = re.sub(r"(?<=[а-яёәғқңөұүһі])i|i(?=[а-яёәғқңөұүһі])", "і", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text
