"""Rule-based relation extraction over given entity mentions (GUIDE §5–§6).

    extract_relations(an, mentions, report) -> list[Relation]

The rules read the constructions of the genre, not particular reports:

* post phrases: `[post] [name]`, `[name], [post]`, `[name] – [post]` give WORKS_AS, and
  every organisation inside the post phrase is a WORKPLACE; `X (Org)`, `X из Org`,
  `Org представляли X и Y`, `специалисты Org: X ...`, `Его заведующая X` tie a person
  to an organisation too;
* organisation structure: a unit followed by its parent (`отделом краеведения ЦРБ`)
  or with the parent nested (`Совета КБС`) is PART_OF it; a library unit with no
  parent belongs to the library the report is about; places nested in, bracketed
  after or attached to a name are LOCATED_IN; `Полное имя (АББР)` is an
  ALTERNATIVE_NAME;
* events: each sentence is cut into clauses (main, relative `, который/где`,
  participial `, прошедшем ...`, complement `, что ...`, coordinate `, а ...`), and
  in each clause the trigger lemmas (`состоялся`, `прошел`, `приняла участие`,
  `выступила`, `модератором`, `в составе делегации`, `организовали`, `совместно с`,
  `на базе`, ...) link the persons, organisations, places and dates of the clause
  to its events. A clause that names no event refers to the event the text is
  about at that point (the *focus*: the title's event, then the last event said to
  take place), or to the event an anaphor (`семинар`, `встречи`, `конкурсную
  комиссию`) points back to;
* attendance (GUIDE §6): speakers, moderators, delegates, jury members, guests and
  prize-winners take part; a part (section, master class, ceremony) implies the
  whole; reporting back at an in-house day framed as a trip report implies
  attendance of the reported events, unless only materials were reviewed.
  Beyond the canonical `X выступила на Y`, the rules read the genre's other word
  orders and frames: the event first (`Секцию «...» модерировала X`, `Этап
  организовала ЦБС`), a pronoun for the event that agrees with it (`На ней
  выступил`, `В его работе приняли участие`), the person as the object (`X избрали
  председателем жюри`, `наградили X`, `дипломы вручили X`), any act inside a
  locative frame (`X на церемонии поблагодарила коллег`, `Во время семинара X
  показал`), role nouns in every form (`Гостьей учебы стала`, `Модератор – X`,
  `В числе участников – X`), lists on bulleted lines after a colon, arrivals
  (`Из ПОУНБ приехали X и Y`), passive organisers (`выставка, подготовленная
  отделом`), parts the text places in a whole (`в рамках конференции провела
  мастер-класс`, `праздник, которым завершился день`), and a denial (`в вебинаре
  не участвовала`) that overrides any other reading. Near misses are kept out: an
  author in the genitive (`произведения писателя X`), a person thanked, a topic
  inside an event's name (`практикум по составлению паспорта [библиотеки]`), an
  event pronoun that is a verb's object read as a possessive (`провела его
  методист`).

Facts are deduplicated per (head entity, type, tail entity), where an entity is its
`iri` if resolved, else its type and normal form; the most explicit mention pair
(same clause > same sentence > across sentences, body > title) is kept.

Why clauses are cut on the surface: Natasha's dependency parses of the long,
list-heavy sentences of reports are often broken (two roots, a name attached to the
wrong post), while punctuation, `который`/`где`, participles and finite verbs are
reliable. The parse is used where it is local and sound (an anaphor's subject or
object relation); the tagger's case is trusted only where the word form agrees.

Word lists are lemmas; every rule function names the construction it reads in its
docstring. Nothing here knows particular libraries, people or events.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kgraph.analyse import Analysis, Token, parse_word
from kgraph.phrases import is_roman, roman
from kgraph.model import RELATION_TYPES, Mention, Relation, Report

# ---------------------------------------------------------------------------
# Word lists (lemmas, lower case, ё -> е)

# an event takes place: `состоялся`, `прошел`, `открылась`, `начал работу`
HAPPEN = {"состояться", "пройти", "проходить", "проводиться", "открыться", "начаться",
          "стартовать", "открываться", "завершиться", "работать", "организовать",
          "провести", "проводить", "начать"}
# verbs that only report the happening when the event is their subject
HAPPEN_INTRANSITIVE = {"состояться", "пройти", "проходить", "проводиться", "открыться",
                       "начаться", "стартовать", "открываться", "завершиться", "начать"}
# taking part (need an event, explicit or anaphoric)
PARTICIPATE = {"участвовать", "присоединиться", "побывать", "присутствовать",
               "подключиться", "посетить", "представлять"}
# arriving as guests: `Из ПОУНБ приехали X и Y`
ARRIVE = {"приехать", "прибыть", "приезжать", "прибывать"}
# moving an exhibition to a planned venue (`экспозицию перевезут в ...`)
MOVE = {"перевезти", "перенести", "переехать", "переместить"}
# a trip or visit attends only the event it names (`побывали на форуме`)
PARTICIPATE_EXPLICIT = {"побывать", "посетить", "выезжать", "поехать", "съездить"}
# speaking at an event: the speaker role
SPEAK = {"выступить", "выступать", "рассказать", "рассказывать", "доложить",
         "поделиться", "презентовать", "говорить", "познакомить", "ознакомить",
         "прочитать", "представить", "изложить", "пересказать", "отчитаться", "зачитать"}
# remarks: speaking only where the text is a meeting's record (an in-house day in focus)
REMARK = {"добавить", "отметить", "напомнить", "подчеркнуть", "сообщить", "пояснить"}
# other acts at an event that make the actor a participant
ACT = {"открыть", "завершить", "закрыть", "обратиться", "приветствовать", "вручить",
       "получить", "вести", "подготовить", "сделать", "провести", "проводить", "занять",
       "присудить",
       "наградить", "поздравить",
       # imperfective, as converbs: `Открывая семинар, директор X отметила`
       "открывать", "завершать", "закрывать", "обращаться", "вручать", "приветствовать"}
# leading an event or a part of it: `Заседание вела`, `Секцию модерировала`
MODERATE = {"вести", "модерировать", "председательствовать"}
# choosing a person for a role at an event: `X избрали председателем жюри`
ELECT = {"избрать", "выбрать", "назначить", "утвердить", "включить", "избираться"}
# honouring a person at an event: `X наградили грамотой`, `чествовали X`
HONOUR = {"наградить", "чествовать", "удостоить", "награждать"}
# giving a prize to a person (in the dative): `дипломы вручили X и Y`
GIVE = {"вручить", "присудить", "вручать", "присуждать"}
# what a contest's prize-winners are honoured with: `Дипломом I степени награждена X`
PRIZES = {"диплом", "грамота", "приз", "степень", "гран-при", "премия", "кубок", "медаль"}
# winning a contest: `В номинации «...» победила X`
WIN = {"победить", "побеждать", "выиграть"}
# predicate nouns: `Модератором стала`, `Гостем встречи стала`, `участники семинара`
ROLE_NOUNS = {"модератор": "moderator", "ведущий": "moderator", "гость": "guest",
              "председатель": "jury", "жюри": "jury", "участник": "participant",
              "победитель": "participant", "призер": "participant", "лауреат": "participant",
              "обладатель": "participant", "дипломант": "participant",
              "финалист": "participant", "докладчик": "speaker", "спикер": "speaker",
              "эксперт": "speaker", "организатор": "organiser", "слушатель": "participant",
              "стажер": "participant", "лектор": "speaker",
              # who trains at a seminar conducts it: ORGANIZES and PARTICIPANT_IN
              "тренер": "trainer"}
# feminine forms of the role nouns read as the role (`Участницей стала`,
# `Обладательницей Гран-при стала`, `Гостьей вечера была`)
ROLE_FEMININE = {"участница": "участник", "победительница": "победитель",
                 "обладательница": "обладатель", "гостья": "гость", "докладчица": "докладчик",
                 "финалистка": "финалист", "дипломантка": "дипломант", "призерка": "призер",
                 "лауреатка": "лауреат", "модераторка": "модератор",
                 "слушательница": "слушатель", "стажерка": "стажер"}
# roles that stand in the nominative next to their holder: `участники семинара X`,
# `X – участник конкурса`, `победитель конкурса X`
NOMINATIVE_ROLES = {"участник", "победитель", "призер", "лауреат", "обладатель", "дипломант",
                    "финалист"}
DASHES = ("–", "—", "-")
# nouns of a talk: `выступление X`, `с докладом выступила`
TALK_NOUNS = {"выступление", "доклад", "сообщение", "лекция", "онлайн-лекция",
              "презентация", "приветствие"}
# talking to the press is not speaking at an event
PRESS = {"журналист", "корреспондент", "интервью", "газета", "сми", "телеканал", "радио",
         "пресса", "эфир", "репортер"}
# every word that can make a clause about taking part
ALL_TRIGGERS = (SPEAK | ACT | PARTICIPATE | PARTICIPATE_EXPLICIT | set(ROLE_NOUNS) | TALK_NOUNS
                | {"принять", "участие", "делегация", "делегат", "возглавить", "возглавлять",
                   "жюри", "комиссия", "войти"} | MODERATE | ELECT | HONOUR | GIVE | WIN
                | ARRIVE)
# organising: `организовали`, `организатором выступил`, `провела конференцию`
ORGANISE = {"организовать", "провести", "проводить", "проводиться", "подготовить",
            "координировать", "представить", "организовывать", "составить"}
# planning, not doing: `предложил провести`, `решено провести`
PLAN = {"предложить", "решить", "планировать", "собираться", "договориться", "обещать",
        "пригласить", "попросить", "решено", "намереваться", "готовиться", "запланировать"}
# nouns whose genitive event was not attended: materials, records, decisions
MATERIAL = {"материал", "запись", "видеозапись", "обзор", "решение", "итог", "резолюция",
            "трансляция", "публикация", "результат", "условие", "план", "подготовка"}
# speaker markers of own presence in a report-back (GUIDE §6)
PRESENCE = {"поездка", "участие", "посещение", "командировка", "визит", "выезд"}
# staff and members: their organisation is not itself a participant
STAFF = {"сотрудник", "специалист", "коллега", "представитель", "учащийся", "ученик",
         "студент", "волонтер", "член", "участник", "читатель", "библиотекарь",
         "работник", "школьник", "гость", "делегация", "преподаватель", "методист"}
# genitive persons that are authors or eponyms, never actors
WORK_NOUNS = {"произведение", "рассказ", "книга", "творчество", "сочинение", "стих",
              "роман", "имя", "память", "юбилей", "собрание", "рука", "слово"}

# bare event nouns that refer back to a mentioned event
EVENT_ANAPHORS = {"семинар", "форум", "конференция", "конгресс", "съезд", "заседание",
                  "совещание", "встреча", "мероприятие", "акция", "конкурс", "выставка",
                  "экспозиция", "церемония", "учеба", "вечер", "фестиваль", "праздник",
                  "презентация", "тренинг", "вебинар", "чтение", "обучение", "стажировка",
                  "круглый", "конкурсный", "марафон", "квест", "лекция", "открытие",
                  "неделя", "декада", "месячник", "закрытие",
                  # parts and stages: `Этап организовала`, `Секцию модерировала`
                  "этап", "тур", "секция", "мастер-класс", "практикум", "консультация",
                  "дискуссия", "финал", "экскурсия", "смотр", "олимпиада", "викторина",
                  "ярмарка", "сессия", "слет", "день",
                  # a series: `Завершил цикл X, проведший вебинар ...`
                  "цикл", "серия", "флешмоб", "салон", "гостиная"}
ANAPHOR_SAME = {"экспозиция": "выставка", "конкурсный": "конкурс", "круглый": "стол",
                "обучение": "*", "стажировка": "*", "мероприятие": "*", "вечер": "*",
                "открытие": "*", "закрытие": "*", "праздник": "*"}
# third-person pronouns that can stand for an event, with the genders they agree with
EVENT_PRONOUNS = {"ней": ("Fem",), "нее": ("Fem",), "неё": ("Fem",), "ее": ("Fem",),
                  "её": ("Fem",), "нем": ("Masc", "Neut"), "нём": ("Masc", "Neut"),
                  "него": ("Masc", "Neut"), "нему": ("Masc", "Neut"),
                  "его": ("Masc", "Neut"), "ним": ("Masc", "Neut"), "них": "Plur",
                  "их": "Plur"}
# nouns of an event's frame after a possessive: `в его работе`, `в ее рамках`
EVENT_FRAMES = {"работа", "рамка", "ход", "программа", "время", "участник", "организатор",
                "открытие", "закрытие", "завершение", "итог", "гость"}
# an event that opens, closes or goes on with another one (its part)
CLOSE_WITH = {"завершиться", "открыться", "начаться", "продолжиться", "завершаться",
              "открываться", "начинаться"}
# generic nouns for events: `приняла участие в мероприятиях, посвященных X`
GENERIC_EVENTS = {"мероприятие", "событие", "торжество"}
# moments of an event, not events: `открытие форума`, `закрытие недели`
EVENT_MOMENTS = {"открытие", "закрытие"}
# determiners that make an anaphor another event: `следующее совещание`
OTHER_EVENT = {"следующий", "ближайший", "очередной", "подобный", "такой", "другой",
               "новый", "будущий", "каждый"}
# parts of a bigger event (a participant of a part attends the whole, GUIDE §6)
PART_EVENTS = {"мастер-класс", "практикум", "лекция", "онлайн-лекция", "консультация",
               "секция", "стол", "дискуссия", "тренинг", "церемония", "финал", "экскурсия",
               "площадка", "лаборатория", "презентация"}
# wholes that a part never extends to: a campaign or series as a whole
SERIES_EVENTS = {"акция", "цикл", "серия", "проект", "программа", "марафон"}
# a series of events named by its series noun: opening or closing it is done by its
# first or last part, which the actor attends, not the series as a whole
SERIES_NOUNS = {"цикл", "серия"}
OPEN_CLOSE = {"открыть", "завершить", "закрыть", "открывать", "завершать", "закрывать",
              "начать", "продолжить"}
# what an exhibitor shows at a fair: `стенд подготовили две библиотеки`, `представила
# свои издания` (GUIDE §6: it presented an exhibit there)
EXHIBITS = {"стенд", "экспозиция", "коллекция", "издание", "книга", "продукция"}
SHOW = {"подготовить", "представить", "презентовать", "показать", "привезти", "выставить"}
# in-house days where the staff report (`методический день`, `производственная учеба`)
INHOUSE_DAYS = {"день", "учеба", "учёба"}
# watching an event together: `организовала коллективный просмотр вебинара`
VIEWING = {"просмотр", "трансляция"}
# editions and local stages of a series
EDITION_EVENTS = {"этап", "тур"}
CONTEST_EVENTS = {"конкурс", "олимпиада", "чемпионат", "викторина"}

# organisations
UNIT_HEADS = {"отдел", "сектор", "служба", "лаборатория", "кабинет", "центр", "филиал",
              "кафедра", "секция", "совет", "комиссия", "правление", "крыло", "управление",
              "департамент", "комитет"}
LIBRARY_UNITS = {"отдел", "сектор", "служба", "лаборатория", "кабинет"}
ADMINISTRATION = {"культура", "образование", "спорт", "туризм", "архивный", "язык", "районный",
                  "городской", "областной", "краевой", "республиканский", "муниципальный",
                  "акимат", "администрация", "министерство", "управление"}
MEMBERSHIP_BODIES = {"союз", "ассоциация", "секция", "общество", "федерация", "альянс",
                     "консорциум", "конфедерация"}
LIBRARY_RE = re.compile(r"[Бб]иблиотек|\b[А-ЯЁ]*(?:Б|ЦБС)\b|Пушкинк|Гоголевк|"
                        r"[Бб]иблиотечн\w* информационн\w* систем")
# rooms and buildings of a venue: `в читальном зале [библиотеки]`
ROOM_WORDS = {"зал", "фойе", "холл", "конференц-зал", "помещение", "здание", "стена",
              "читальный", "актовый", "выставочный", "малый", "большой", "главный", "площадка"}
# meetings with a guest: `творческая встреча с [поэтессой]`
MEETING_EVENTS = {"встреча", "вечер", "беседа", "диалог", "разговор", "презентация"}
CONSULATE_RE = re.compile(r"консульств|посольств|представительств", re.I)

# places
REGION_WORDS = {"область", "обл", "край", "район", "республика", "округ", "штат",
                "провинция", "регион", "страна", "сибирь", "азия", "европа", "прииртышье",
                "поволжье", "урал", "казахстан", "россия", "рк", "рф", "кыргызстан",
                "узбекистан", "таджикистан", "туркменистан", "беларусь", "китай",
                "монголия", "татарстан", "башкортостан", "удмуртия", "алтай", "абай"}
SETTLEMENT_RE = re.compile(r"^(г|с|пос|п|ст|д|аул|село|город|поселок)\.?\s*[А-ЯЁA-Z]", re.I)

# nouns of time that take no organisation in the genitive
TIME_NOUNS = {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
              "октябрь", "ноябрь", "декабрь", "год", "неделя", "месяц", "весна", "лето", "осень",
              "зима", "квартал", "полугодие"}
PREPOSITIONS = {"к", "с", "со", "у", "от", "для", "о", "об", "обо", "про", "по", "из", "без",
                "между", "при", "за", "перед", "над", "под", "через", "в", "во", "на"}
REL_WORDS = {"который"}
WHERE_WORDS = {"где", "куда", "откуда"}


def _norm(s: str) -> str:
    return s.lower().replace("ё", "е")


ANAPHOR_PREFIXES = frozenset(w[:4] for w in EVENT_ANAPHORS | PART_EVENTS)


def _known_lemma(word: str) -> str:
    """The dictionary's lemma of an event noun the tagger did not know (cached parses)."""
    if word in EVENT_ANAPHORS or word in PART_EVENTS:
        return word
    for p in parse_word(word):
        if p.tag.POS == "NOUN" and (p.normal_form in EVENT_ANAPHORS or p.normal_form in PART_EVENTS):
            return p.normal_form
    return word


def _adjective_like(t: Token) -> bool:
    """A modifier the tagger took for a noun (`методическим отделом`,
    `Северо-Казахстанской ОУНБ`): its lemma has an adjective's ending."""
    lem = _norm(t.lemma)
    return not t.text.isupper() and lem.endswith(("ый", "ий", "ой")) and len(lem) > 4


def _uniq(ms: list[Mention]) -> list[Mention]:
    """Mentions without repeats, in order (Mention is not hashable)."""
    seen, out = set(), []
    for m in ms:
        if m.id not in seen:
            seen.add(m.id)
            out.append(m)
    return out


# ---------------------------------------------------------------------------
# The document: mentions in their token geometry, lines, clauses


@dataclass
class Clause:
    idx: int
    sent: int
    kind: str  # main | rel | part | comp
    toks: list[int] = field(default_factory=list)
    parent: int | None = None  # the clause it is embedded in (rel/part/comp)
    prev: int | None = None  # the clause it is coordinated with (`, а ...`)
    anchor: Mention | None = None  # rel/part: the mention the clause attaches to
    where: bool = False  # a `где`/`куда` clause: the anchor is a place
    heading: bool = False  # on a title or date line
    mentions: list[Mention] = field(default_factory=list)
    subject_rel: bool = False  # `, который/которая ...` in the nominative: the anchor acts
    prep_rel: bool = False  # `, благодаря которой ...`: the anchor is no actor
    # filled by the event walk
    focus: Mention | None = None
    # memoised word sets (clauses do not change once built): see _pred_lemmas
    _pred: frozenset | None = field(default=None, repr=False, compare=False)
    _trigger: frozenset | None = field(default=None, repr=False, compare=False)


class Doc:
    """Index of one analysed report and its mentions."""

    def __init__(self, an: Analysis, mentions: list[Mention], report: Report):
        self.an, self.report, self.text = an, report, an.text
        # lemmas and words are read hundreds of thousands of times per batch: once here
        lemmas = [_norm(t.lemma) for t in an.tokens]
        self._lemmas = [ROLE_FEMININE.get(lem, lem) for lem in lemmas]
        for t in an.tokens:  # `вебинара`: a word the tagger did not know, given back as is
            if self._lemmas[t.i] == _norm(t.text) and self._lemmas[t.i][:4] in ANAPHOR_PREFIXES:
                self._lemmas[t.i] = _known_lemma(self._lemmas[t.i])
        self._words = [_norm(t.text) for t in an.tokens]
        self.lemma_set = frozenset(self._lemmas)  # lets rules skip a word the report lacks
        self.ms = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.by_id = {m.id: m for m in self.ms}
        self.toks: dict[str, tuple[int, int]] = {}
        for m in self.ms:
            ts = an.tokens_in(m.start, m.end)
            self.toks[m.id] = (ts[0].i, ts[-1].i + 1) if ts else (-1, -1)
        self._nest()
        self.tok_mentions: dict[int, list[Mention]] = defaultdict(list)
        for m in self.ms:
            for i in range(*self.toks[m.id]):
                self.tok_mentions[i].append(m)
        self._in_mention = [bool(self.tok_mentions.get(i)) for i in range(len(an.tokens))]
        self.verbal = [_is_verbal(t) for t in an.tokens]  # read per clause, many times
        self._lines()
        self._quotes()
        self.post_of: dict[str, Mention] = {}  # PROFESSION id -> its person
        self.posts_of: dict[str, list[Mention]] = defaultdict(list)  # person id -> posts
        # person id -> organisations tied to them outside the post phrase
        self.ties: dict[str, list[Mention]] = defaultdict(list)
        self.clauses: list[Clause] = []
        self.clause_of_tok: dict[int, Clause] = {}

    # -- geometry

    def _nest(self) -> None:
        """parent = the smallest mention that strictly contains a mention."""
        self.parent: dict[str, Mention | None] = {}
        self.children: dict[str, list[Mention]] = defaultdict(list)
        stack: list[Mention] = []
        for m in self.ms:
            while stack and not (stack[-1].start <= m.start and m.end <= stack[-1].end):
                stack.pop()
            par = stack[-1] if stack else None
            self.parent[m.id] = par
            if par:
                self.children[par.id].append(m)
            stack.append(m)

    def ancestors(self, m: Mention):
        p = self.parent[m.id]
        while p is not None:
            yield p
            p = self.parent[p.id]

    def descendants(self, m: Mention):
        for c in self.children[m.id]:
            yield c
            yield from self.descendants(c)

    def is_top(self, m: Mention) -> bool:
        return self.parent[m.id] is None

    def inside(self, m: Mention, *types: str) -> bool:
        return any(a.type in types for a in self.ancestors(m))

    def tokens(self, m: Mention) -> list[Token]:
        a, b = self.toks[m.id]
        return self.an.tokens[a:b] if a >= 0 else []

    def first_tok(self, m: Mention) -> int:
        return self.toks[m.id][0]

    def last_tok(self, m: Mention) -> int:
        return self.toks[m.id][1] - 1

    def sent_of(self, m: Mention) -> int:
        i = self.first_tok(m)
        return self.an.tokens[i].sent if i >= 0 else -1

    def tok(self, i: int) -> Token | None:
        return self.an.tokens[i] if 0 <= i < len(self.an.tokens) else None

    def lemma(self, i: int) -> str:
        return self._lemmas[i] if 0 <= i < len(self._lemmas) else ""

    def word(self, i: int) -> str:
        return self._words[i] if 0 <= i < len(self._words) else ""

    def gap_text(self, a: Mention, b: Mention) -> str:
        return self.text[a.end:b.start].strip() if a.end <= b.start else "#"

    def head(self, m: Mention) -> Token | None:
        """The first noun of a mention's own words (before any nested mention or
        quote): `научно-методическим отделом` -> отделом."""
        for t in self.tokens(m):
            if t.text in ("«", '"', "("):
                break
            if t.pos in ("NOUN", "PROPN") and not any(
                    c.start <= t.start < c.end for c in self.children[m.id]) \
                    and not _adjective_like(t):
                return t
        ts = self.tokens(m)
        return ts[0] if ts else None

    def head_lemma(self, m: Mention) -> str:
        h = self.head(m)
        if h is None:
            return ""
        lem = self._lemmas[h.i]
        if lem.startswith("онлайн-") and len(lem) > 7:
            lem = lem[7:]
        return lem

    def event_kind(self, m: Mention) -> str:
        """`семинаре-тренинге` -> семинар, `выставке-ярмарке` -> выставка."""
        lem = self.head_lemma(m)
        if "-" in lem and lem != "мастер-класс":
            first = lem.split("-")[0]
            if first in EVENT_ANAPHORS or first in PART_EVENTS:
                return first
        return lem

    # -- lines, headings, quotes

    def _lines(self) -> None:
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        heading_lines = set()
        for no, start in enumerate(self.line_starts):
            end = self.text.find("\n", start)
            line = self.text[start:end if end >= 0 else len(self.text)].strip()
            if not line:
                continue
            if line[-1] in ".!?…:;" or len(line) > 160:
                break  # (a line opening a list, `выступили:`, is body text too)
            heading_lines.add(no)
        self.heading_lines = heading_lines

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo

    def is_heading(self, offset: int) -> bool:
        return self.line_of(offset) in self.heading_lines

    def _quotes(self) -> None:
        """Token indices inside «...» or (...) outside mentions."""
        self.in_quotes: set[int] = set()
        self.in_brackets: set[int] = set()
        for s in self.an.sents:
            q = b = 0
            for i in range(s.first, s.last):
                t = self.an.tokens[i].text
                if t == "«":
                    q += 1
                elif t == "»":
                    q = max(0, q - 1)
                elif t == "(":
                    b += 1
                elif t == ")":
                    b = max(0, b - 1)
                elif q:
                    self.in_quotes.add(i)
                elif b:
                    self.in_brackets.add(i)

    def in_mention(self, i: int) -> bool:
        return 0 <= i < len(self._in_mention) and self._in_mention[i]

    # -- clauses

    def clause_of(self, m: Mention) -> Clause | None:
        return self.clause_of_tok.get(self.first_tok(m))


# ---------------------------------------------------------------------------
# Output: candidate facts, deduplicated per entity triple


class Facts:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.best: dict[tuple, tuple[float, Relation, int]] = {}
        self.denied: set[tuple] = set()
        self.order = 0

    def key(self, m: Mention) -> tuple:
        if m.iri:
            return ("iri", m.iri)
        return (m.type, _norm(" ".join((m.normal or m.text).split())))

    def add(self, typ: str, head: Mention | None, tail: Mention | None,
            strength: float = 3.0, role: str | None = None) -> None:
        if head is None or tail is None or head.id == tail.id:
            return
        heads, tails = RELATION_TYPES[typ]
        if head.type not in heads or tail.type not in tails:
            return
        kh, kt = self.key(head), self.key(tail)
        if kh == kt and typ != "ALTERNATIVE_NAME":
            return
        # a title mention is the least explicit place to state a fact
        if self.doc.is_heading(head.start) or self.doc.is_heading(tail.start):
            strength -= 0.5
        k = (kh, typ, kt)
        old = self.best.get(k)
        if old is None or strength > old[0] or (strength == old[0] and role and not old[1].role):
            self.order += 1
            if old is not None and not role:
                role = old[1].role
            self.best[k] = (strength, Relation(typ, head.id, tail.id, role), self.order)

    def deny(self, typ: str, head: Mention, tail: Mention) -> None:
        """The text says the fact does not hold (`в вебинаре не участвовала`): it is
        dropped whatever other clause suggested it."""
        self.denied.add((self.key(head), typ, self.key(tail)))

    def relations(self) -> list[Relation]:
        by = self.doc.by_id
        rels = [r for k, (_, r, _) in self.best.items() if k not in self.denied]
        return sorted(rels, key=lambda r: (by[r.head].start, r.type, by[r.tail].start))


# ---------------------------------------------------------------------------
# Entry point


def extract_relations(an: Analysis, mentions: list[Mention], report: Report) -> list[Relation]:
    doc = Doc(an, mentions, report)
    facts = Facts(doc)
    _attach_posts(doc, facts)
    _segment(doc)
    _alternative_names(doc, facts)
    _located_in(doc, facts)
    _workplace_ties(doc, facts)
    _part_of(doc, facts)
    events = EventContext(doc)
    _takes_place_in(doc, events, facts)
    _point_in_time(doc, events, facts)
    _bracketed_details(doc, facts)
    _organizes(doc, events, facts)
    _participants(doc, events, facts)
    _table_rows(doc, facts)
    return facts.relations()


# ---------------------------------------------------------------------------
# Posts: WORKS_AS and the WORKPLACE inside the post phrase


def _membership_skip(doc: Doc, prof: Mention, nxt: list[Mention]) -> Mention | None:
    """`краевед, член Союза журналистов X`: the person after a membership apposition."""
    if len(nxt) >= 2 and nxt[0].type == "ORGANIZATION" and nxt[1].type == "PERSON":
        g = doc.gap_text(prof, nxt[0])
        if re.fullmatch(r",?\s*(член\w*|участни\w*)", g, re.I) and not doc.gap_text(nxt[0], nxt[1]):
            return nxt[1]
    return None


def _attach_posts(doc: Doc, facts: Facts) -> None:
    """A post before the name (`директор ЦБС Лещенко О.В.`, `библиотекарь – Жумагулова`)
    or after it (`Гребенщикова, заведующая отделом`, `Есенгелдиной – поэтессой`)."""
    tops = [m for m in doc.ms if doc.is_top(m) and not _is_eponym(doc, m)]
    for k, p in enumerate(tops):
        if p.type != "PROFESSION":
            continue
        person = None
        # the post's complements when the entity stage left them outside the post span:
        # `[заведующая] [отделом] [ЦРБ] [X]`
        extra, j = [], k + 1
        while j < len(tops) and tops[j].type in ("ORGANIZATION", "LOCATION") and \
                not doc.gap_text(tops[j - 1], tops[j]):
            extra.append(tops[j])
            j += 1
        nxt = tops[j:j + 2]
        if nxt and nxt[0].type == "PERSON" and re.fullmatch(r"[–—-]?", doc.gap_text(tops[j - 1], nxt[0])):
            person = nxt[0]
        if person is None:
            extra = []
            person = _membership_skip(doc, p, tops[k + 1:k + 3])
        if person is None and k > 0 and tops[k - 1].type == "PERSON" and not _name_follows(doc, p):
            if re.fullmatch(r"[,–—-]|\(", doc.gap_text(tops[k - 1], p)):
                person = tops[k - 1]
        if person is None:
            continue
        doc.post_of[p.id] = person
        doc.posts_of[person.id].append(p)
        facts.add("WORKS_AS", person, p)
        # every organisation in the post phrase: the unit and the library (GUIDE §5)
        for o in list(doc.descendants(p)) + extra:
            if o.type == "ORGANIZATION" and not doc.inside(o, "EVENT"):
                facts.add("WORKPLACE", person, o)


def _is_eponym(doc: Doc, m: Mention) -> bool:
    """`им. Алишера Навои`, `имени Абая`: a name inside an organisation's name."""
    if m.type != "PERSON":
        return False
    i = doc.first_tok(m) - 1
    if doc.word(i) == ".":
        i -= 1
    return doc.word(i) in ("им", "имени")


def _name_follows(doc: Doc, p: Mention) -> bool:
    """A capitalised word right after a post that no mention covers: most likely the
    name of the post's holder, missed by the entity stage; the post is not the
    preceding person's then."""
    i = doc.last_tok(p) + 1
    t = doc.tok(i)
    return t is not None and not doc.in_mention(i) and t.text[:1].isupper() \
        and t.pos in ("PROPN", "NOUN") and t.sent == doc.an.tokens[i - 1].sent


# ---------------------------------------------------------------------------
# Clauses


def _is_predicate(t: Token) -> bool:
    """A finite verb, a short passive participle (`была организована`) or a finite
    auxiliary: the predicate of a clause."""
    if t.pos not in ("VERB", "AUX"):
        return _mistagged_past(t)
    form = t.feats.get("VerbForm")
    return form == "Fin" or (form == "Part" and t.feats.get("Variant") == "Short")


INFINITIVE = re.compile(r"([аеиоуыяюё]ть|[аеиоуыяюё]ться|чь|чься|[сз]ти|[сз]тись|..честь|"
                        r"класть|красть|пасть)$")


def _infinitive(lemma: str) -> bool:
    """A verb's lemma: `модерировать`, `провести`, `прочесть`; not a noun with a
    consonant before -ть (`гость`, `область`, `часть`, `весть`)."""
    return bool(INFINITIVE.search(lemma))


PAST_END = ("л", "ла", "ло", "ли", "лся", "лась", "лось", "лись")


def _mistagged_past(t: Token) -> bool:
    """A past-tense verb the tagger took for a noun after an object in front
    (`Секцию «...» модерировала X`): the lemmatiser still gives the infinitive."""
    return (t.pos in ("NOUN", "PROPN", "ADJ") and t.text[:1].islower()
            and _norm(t.text).endswith(PAST_END) and _infinitive(_norm(t.lemma)))


PARTICIPLE_END = re.compile(r"(вш|[её]дш|ющ|ящ|ащ|ущ|нн|[её]нн|ем|им|т)(ий|ая|ое|ие|ей|его|ем|"
                            r"их|им|ую|ими|ой|ого|ому|ым|ее)$")


def _is_participle(t: Token) -> bool:
    if t.feats.get("VerbForm") == "Part" and t.feats.get("Variant") != "Short":
        return True
    lem = _norm(t.lemma)
    return (_infinitive(lem) and t.pos != "VERB"
            and bool(PARTICIPLE_END.search(_norm(t.text))))


def _segment_has_predicate(doc: Doc, i: int, end: int) -> bool:
    j = i
    while j < end:
        t = doc.an.tokens[j]
        if t.text in (",", ";", ":") and not doc.in_mention(j) and j not in doc.in_quotes:
            break
        if _is_predicate(t) and not doc.in_mention(j):
            return True
        j += 1
    return False


def _agrees(doc: Doc, m: Mention, word: Token | None) -> bool:
    """Gender and number agreement of `который`/a participle with a mention's head
    (persons pass: the tagger's gender of names is unreliable)."""
    if word is None or m.type == "PERSON":
        return True
    h = doc.head(m)
    if h is None:
        return True
    for feat in ("Number", "Gender"):
        a, b = word.feats.get(feat), h.feats.get(feat)
        if feat == "Gender" and (word.feats.get("Number") == "Plur" or h.feats.get("Number") == "Plur"):
            continue
        if a and b and a != b:
            return False
    return True


def _anchor_before(doc: Doc, i: int, word: Token | None = None) -> Mention | None:
    """The mention a relative or participial clause at boundary token i attaches to:
    the one that ends right before the comma, or an earlier one of the sentence that
    agrees with `который`/the participle (`конференция «...», посвященной 20-летию
    столицы Казахстана, которая состоялась`); a post stands for its person."""
    j = i - 1
    while j >= 0 and doc.an.tokens[j].text in ("»", '"', ")", "."):
        if doc.in_mention(j):
            break
        j -= 1
    sent = doc.an.tokens[i].sent
    cands: list[Mention] = []
    for m in reversed(doc.ms):
        if doc.last_tok(m) > j or doc.an.tokens[doc.first_tok(m)].sent != sent:
            continue
        if not doc.is_top(m):
            continue
        if m.type == "PROFESSION":
            m = doc.post_of.get(m.id)
            if m is None:
                continue
        if m.type == "DATE" or any(c.id == m.id for c in cands):
            continue
        cands.append(m)
        if len(cands) == 3:
            break
    ends = {doc.last_tok(p) for p in doc.ms if p.type == "PROFESSION" and doc.is_top(p)}
    if not cands or (doc.last_tok(cands[0]) != j and j not in ends):
        return None  # the clause attaches to a word that names no entity
    for m in cands:
        if _agrees(doc, m, word):
            return m
    return cands[0]


def _relative_word(doc: Doc, i: int, end: int) -> Token | None:
    """`который` among the first three words of a segment, before any verb."""
    for k in range(i, min(i + 3, end)):
        t = doc.an.tokens[k]
        if _norm(t.lemma) in REL_WORDS:
            return t
        if t.pos in ("VERB", "AUX", "PUNCT"):
            return None
    return None


BULLETS = {"–", "—", "-", "•", "*", "·", "▪"}


def _segment(doc: Doc) -> None:
    """Cut every sentence into clauses (see Clause)."""
    an = doc.an
    line_head = None  # `Выступили:` closing a line: the bulleted lines below are its items
    carried = None  # the list head of a sentence that ended with `;` (the splitter cuts there)
    for si, s in enumerate(an.sents):
        heading = doc.is_heading(s.start)
        first = an.tokens[s.first].text
        bullet = first in BULLETS or re.fullmatch(r"\d{1,2}[.)]?", first)
        if not bullet:
            line_head = None
        if carried is not None and "\n" in doc.text[an.tokens[s.first - 1].end:s.start]:
            carried = None  # a list in running text ends with its line
        cur = Clause(len(doc.clauses), si, "main", heading=heading,
                     prev=line_head if bullet else carried)
        doc.clauses.append(cur)
        main = cur
        if an.tokens[s.last - 1].text == ":":
            line_head = cur.idx
        list_head = carried  # `С отчетами выступили: X; Y; Z`: the items share the head
        carried = None
        i = s.first
        while i < s.last:
            t = an.tokens[i]
            cur.toks.append(i)
            doc.clause_of_tok[i] = cur
            boundary = (t.text in (",", ";", ":") and not doc.in_mention(i)
                        and i not in doc.in_quotes and i + 1 < s.last)
            if not boundary:
                i += 1
                continue
            n1, n2 = an.tokens[i + 1], an.tokens[i + 2] if i + 2 < s.last else None
            l1, l2 = _norm(n1.lemma), _norm(n2.lemma) if n2 else ""
            new = None
            if t.text in (";", ":"):
                if t.text == ":":
                    list_head = main.idx
                new = Clause(len(doc.clauses), si, "main", heading=heading, prev=list_head)
                main = new
            elif (rel := _relative_word(doc, i + 1, s.last)) is not None or l1 in WHERE_WORDS:
                # `, который ...`, `, в котором ...`, `, итоги которого ...`, `, в работе
                # которого ...`, `, где ...`
                new = Clause(len(doc.clauses), si, "rel", parent=cur.idx, heading=heading,
                             anchor=_anchor_before(doc, i, rel), where=l1 in WHERE_WORDS)
                new.subject_rel = rel is not None and rel is n1 and rel.feats.get("Case") == "Nom"
                new.prep_rel = rel is not None and rel is not n1 and an.tokens[rel.i - 1].pos == "ADP"
            elif _norm(n1.text) in ("а", "но", "однако") and cur.kind == "rel" \
                    and cur.anchor is not None and cur.anchor.type == "EVENT" \
                    and any(_is_predicate(an.tokens[k]) for k in cur.toks) \
                    and _segment_has_predicate(doc, i + 1, s.last):
                # `семинаре, где X выступила ..., а Y провела мастер-класс`: the second
                # conjunct is about the same event
                new = Clause(len(doc.clauses), si, "rel", parent=cur.parent, heading=heading,
                             anchor=cur.anchor, where=cur.where, prev=cur.idx)
            elif _norm(n1.text) in ("а", "но", "однако"):
                new = Clause(len(doc.clauses), si, "main", prev=main.idx, heading=heading)
                main = new
            elif _is_participle(n1) and not doc.in_mention(i + 1) \
                    and doc.lemma(i - 1) not in GENERIC_EVENTS:
                # (`в мероприятиях, посвященных Дням культуры`: the event is the
                # main clause's own object, so no clause is cut there)
                new = Clause(len(doc.clauses), si, "part", parent=cur.idx, heading=heading,
                             anchor=_anchor_before(doc, i, n1))
            elif l1 in ("что", "чтобы") and n1.pos in ("SCONJ", "PRON"):
                new = Clause(len(doc.clauses), si, "comp", parent=cur.idx, heading=heading)
            elif cur.kind == "rel" and _norm(n1.text) == "и" \
                    and any(_is_predicate(an.tokens[k]) for k in cur.toks) \
                    and not _segment_has_predicate(doc, i + 1, s.last):
                # `мастер-класс, который провела X, и викторина «...»`: the comma closes
                # the relative clause; the conjunct belongs to the clause around it
                while cur.kind != "main" and cur.parent is not None:
                    cur = doc.clauses[cur.parent]
            elif _segment_has_predicate(doc, i + 1, s.last):
                # (a participial clause has its participle for a predicate: `Конкурс,
                # организованный X, прошел в мае`)
                has_pred = cur.kind == "part" or any(_is_predicate(an.tokens[k]) for k in cur.toks)
                if cur.kind != "main" and has_pred:
                    # the relative clause is over: the main clause resumes
                    back = cur
                    while back.kind != "main" and back.parent is not None:
                        back = doc.clauses[back.parent]
                    cur = back
                elif cur.kind == "main" and has_pred and _norm(n1.text) != "и":
                    new = Clause(len(doc.clauses), si, "main", prev=main.idx, heading=heading)
                    main = new
            if new is not None:
                doc.clauses.append(new)
                cur = new
            i += 1
        if an.tokens[s.last - 1].text == ";" and list_head is not None:
            carried = list_head
    for m in doc.ms:
        c = doc.clause_of(m)
        if c is not None:
            c.mentions.append(m)


def _clause_lemmas(doc: Doc, c: Clause) -> set[str]:
    """The lemmas of all of a clause's own words (outside mentions)."""
    return {doc.lemma(i) for i in c.toks if not doc.in_mention(i)}


def _is_verbal(t: Token) -> bool:
    return t.pos in ("VERB", "AUX") or _is_participle(t) or _mistagged_past(t)


def _pred_lemmas(doc: Doc, c: Clause) -> frozenset[str]:
    """The lemmas of the verbs that predicate in a clause: finite verbs, short
    participles, infinitives and converbs, and the participle of a participial
    clause; not a participle used as an adjective (`Полученные идеи`,
    `приглашенный эксперт`). Memoised on the clause: the rules ask it many times."""
    if c._pred is None:
        out = set()
        for i in c.toks:
            if doc.in_mention(i) or not doc.verbal[i]:
                continue
            t = doc.an.tokens[i]
            if (_is_predicate(t) or t.feats.get("VerbForm") in ("Inf", "Conv")
                    or c.kind == "part"):
                out.add(_norm(t.lemma))
        c._pred = frozenset(out)
    return c._pred


def _trigger_lemmas(doc: Doc, c: Clause) -> frozenset[str]:
    """What a clause says: its nouns, adjectives, adverbs and predicating verbs."""
    if c._trigger is None:
        words = {doc.lemma(i) for i in c.toks if not doc.in_mention(i) and not doc.verbal[i]}
        c._trigger = frozenset(words) | _pred_lemmas(doc, c)
    return c._trigger


# ---------------------------------------------------------------------------
# ALTERNATIVE_NAME, LOCATED_IN, PART_OF, WORKPLACE ties


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+", text)).lower()


def _is_abbreviation_of(short: str, full: str) -> bool:
    letters = "".join(ch for ch in short if ch.isupper()).lower()
    if len(letters) < 2 or len(short) >= len(full):
        return False
    it = iter(_initials(full))
    return all(ch in it for ch in letters)


def _alternative_names(doc: Doc, facts: Facts) -> None:
    """`Казахстанский библиотечный союз (КБС)`, `НАБ РК (НАБ РК, г. Астана)`,
    `... (далее – ...)`: head = the short name, tail = the full one."""
    for a in doc.ms:
        for b in doc.ms:
            if b.start <= a.end or b.type != a.type or b.start - a.end > 12:
                continue
            g = doc.text[a.end:b.start]
            if not re.fullmatch(r"\s*\(\s*(далее\s*[–—-]\s*)?", g, re.I):
                continue
            after = doc.text[b.end:b.end + 2].lstrip()
            if not after.startswith((")", ",")):
                continue
            if "далее" in g or _is_abbreviation_of(b.text, a.text):
                facts.add("ALTERNATIVE_NAME", b, a)
    # `«Пушкинка» – Восточно-Казахстанская ОУНБ им. А.С. Пушкина – представила`: a
    # quoted byname, then the full name between dashes
    for a, b in zip(doc.ms, doc.ms[1:]):
        if a.type == b.type == "ORGANIZATION" and a.text.startswith("«") and doc.is_top(b) \
                and re.fullmatch(r"\s*[–—]\s*", doc.text[a.end:b.start]) \
                and re.match(r"\s*[–—,]", doc.text[b.end:b.end + 3]):
            facts.add("ALTERNATIVE_NAME", a, b)


def _is_region(m: Mention) -> bool:
    if SETTLEMENT_RE.match(m.text):
        return False
    words = {_norm(w).rstrip(".") for w in re.findall(r"[\wӘәҒғҚқҢңӨөҰұҮүҺһІі.]+", m.text)}
    norm_words = {_norm(w) for w in (m.normal or "").split()}
    return any(w[:5] in {r[:5] for r in REGION_WORDS} for w in words | norm_words if len(w) > 1)


def _located_in(doc: Doc, facts: Facts) -> None:
    """A place nested in an organisation's name, bracketed after it, or attached to
    it; a settlement followed by its region."""
    for o in doc.ms:
        if o.type not in ("ORGANIZATION", "LOCATION"):
            continue
        if o.type == "ORGANIZATION":
            membership = doc.head_lemma(o) in MEMBERSHIP_BODIES
            for loc in doc.children[o.id]:
                if loc.type != "LOCATION" or membership or _place_adjective(doc, loc):
                    continue
                # a consulate is not located in the country it represents (`Генеральное
                # консульство [РК] в [Омске]`: in Omsk, not in Kazakhstan)
                before = doc.text[o.start:loc.start]
                if CONSULATE_RE.search(before) and not re.search(r"\bв\s*$", before):
                    continue
                facts.add("LOCATED_IN", o, loc)
        # attached after it: `ЦРБ с. Иртышск`, `НАБ (г.Астана)`, `центре «Көрме» в г.Астана`,
        # `г.Барнаул Алтайского края`, `г. Павлодаре (Республика Казахстан)`
        for loc in _attached_places(doc, o):
            if o.type == "LOCATION" and not _is_region(loc):
                continue
            facts.add("LOCATED_IN", o, loc)


def _place_adjective(doc: Doc, loc: Mention) -> bool:
    """`[Железинской] ЦБС`: a place adjective taken for a place is not where the
    organisation is (GUIDE §9: place adjectives are not places)."""
    ts = doc.tokens(loc)
    return bool(ts) and not SETTLEMENT_RE.match(loc.text) and all(
        t.pos == "ADJ" or _adjective_like(t) for t in ts if t.text not in ("-", "–"))


def _attached_places(doc: Doc, o: Mention) -> list[Mention]:
    out = []
    following = [m for m in doc.ms if m.start >= o.end and doc.parent[m.id] is doc.parent[o.id]]
    for m in following[:3]:
        g = doc.text[o.end:m.start]
        if m.type == "LOCATION":
            if re.fullmatch(r"\s*", g) or re.fullmatch(r"\s*\(\s*", g) or \
                    (o.type == "ORGANIZATION" and re.fullmatch(r"\s+в\s+", g)):
                out.append(m)
            elif o.type == "ORGANIZATION" and re.fullmatch(r"\s*\([^()]*,\s*", g):
                out.append(m)  # `НАБ РК (НАБ РК, г. Астана)`
            break
        if m.type == "ORGANIZATION" and re.fullmatch(r"\s*\(\s*", g):
            continue  # the short name in brackets; the place may follow it
        break
    return out


def _is_administration(doc: Doc, u: Mention) -> bool:
    """`районный отдел культуры`, `отдел образования`: a body of the administration,
    not a unit of a library."""
    lem = {_norm(t.lemma) for t in doc.tokens(u)}
    return bool(lem & ADMINISTRATION)


def _is_parent_after_unit(doc: Doc, o: Mention) -> bool:
    """`[отдел] [ЦГБ]`: the parent named right after its unit."""
    before = [m for m in doc.ms if m.end <= o.start and m.type == "ORGANIZATION"
              and doc.parent[m.id] is doc.parent[o.id]]
    return bool(before) and _is_unit(doc, before[-1]) and not doc.gap_text(before[-1], o)


def _is_unit(doc: Doc, o: Mention) -> bool:
    return doc.head_lemma(o) in UNIT_HEADS


def _is_library(doc: Doc, o: Mention) -> bool:
    return bool(LIBRARY_RE.search(o.text)) and not _is_unit(doc, o)


def home_library(doc: Doc) -> Mention | None:
    """The library the report is about: the organisation matching report.source,
    else the first library mentioned."""
    orgs = [m for m in doc.ms if m.type == "ORGANIZATION" and not doc.inside(m, "EVENT")]
    src = _norm(doc.report.source or "")
    if src:
        for o in orgs:
            if _norm(o.normal or o.text) == src or _norm(o.text) in src or src in _norm(o.normal or o.text):
                return o
    for o in orgs:
        if _is_library(doc, o):
            return o
    return None


def _part_of(doc: Doc, facts: Facts) -> None:
    """A unit and its parent right after it (`отделом обслуживания ЦРБ`), or nested
    (`Совета КБС`); a library unit with no parent: the library named earlier in
    the sentence, else the library of the report."""
    home = home_library(doc)
    for u in doc.ms:
        if u.type != "ORGANIZATION" or not _is_unit(doc, u):
            continue
        parent = None
        for c in doc.children[u.id]:
            if c.type == "ORGANIZATION" and c.start > doc.head(u).start:
                parent = c
                break
        if parent is None:
            nxt = [m for m in doc.ms if m.start >= u.end and m.start - u.end <= 2
                   and doc.parent[m.id] is doc.parent[u.id]]
            if nxt and nxt[0].type == "ORGANIZATION" and not doc.gap_text(u, nxt[0]):
                parent = nxt[0]
        if parent is not None:
            facts.add("PART_OF", u, parent)
            continue
        h = doc.head(u)
        named_centre = doc.head_lemma(u) == "центр" and h is not None and h.text[:1].isupper()
        if (doc.head_lemma(u) not in LIBRARY_UNITS and not named_centre) or any(
                c.type == "LOCATION" for c in doc.children[u.id]) or _is_administration(doc, u):
            continue
        if _unrecognised_parent_follows(doc, u):
            continue
        # a unit in the post of a person tied to another library (`специалисты ПОУНБ:
        # главный библиотекарь отдела развития X`) is that library's
        post = next((a for a in doc.ancestors(u) if a.type == "PROFESSION"), None)
        person = doc.post_of.get(post.id) if post is not None else None
        tied = [o for o in doc.ties.get(person.id, []) if _is_library(doc, o)] if person else []
        if tied:
            facts.add("PART_OF", u, tied[0], 2)
            continue
        # no parent named with it: the library the text is about at that point (a
        # unit of a person's post: the library of the report, not another person's)
        before = [m for m in doc.ms if m.type == "ORGANIZATION" and m.end <= u.start
                  and doc.sent_of(m) == doc.sent_of(u) and _is_library(doc, m)
                  and not doc.inside(m, "EVENT")]
        if before and not doc.inside(u, "PROFESSION"):
            facts.add("PART_OF", u, before[-1], 2)
        elif home is not None:
            facts.add("PART_OF", u, home, 1)


# an adjective in an oblique case (`Северо-Казахстанской`, `областного`), which no first
# name looks like (`Дмитрий`, `Юрий` do look like a nominative adjective)
OBLIQUE_ADJECTIVE = re.compile(r"(ск|цк|н)(ой|ого|ую|ому|ом)$")


def _unrecognised_parent_follows(doc: Doc, u: Mention) -> bool:
    """`отдел ЦГБ`, `детским отделом Центральной городской библиотеки ...` with the
    parent not recognised as an entity: the parent is named, so no other is guessed."""
    nxt = doc.tok(doc.last_tok(u) + 1)
    if nxt is None or nxt.sent != doc.an.tokens[doc.first_tok(u)].sent:
        return False
    if doc.in_mention(nxt.i):
        # a name that swallowed the parent: `отдела [Северо-Казахстанской ОУНБ ... Тәжібаева]`
        starts_name = any(m.type == "PERSON" and doc.first_tok(m) == nxt.i
                          for m in doc.tok_mentions[nxt.i])
        return starts_name and bool(OBLIQUE_ADJECTIVE.search(_norm(nxt.text)))
    if nxt.text.isupper() and len(nxt.text) > 1:
        return True
    return nxt.text[:1].isupper() and (nxt.pos == "ADJ" or _adjective_like(nxt)
                                       or bool(LIBRARY_RE.search(nxt.text)))


def _tie(doc: Doc, facts: Facts, p: Mention, o: Mention, strength: float = 3.0) -> None:
    """WORKPLACE outside the post phrase, remembered for the units of the person's post."""
    doc.ties[p.id].append(o)
    facts.add("WORKPLACE", p, o, strength)


def _workplace_ties(doc: Doc, facts: Facts) -> None:
    """Organisations tied to a person outside the post phrase (GUIDE §5)."""
    tops = [m for m in doc.ms if doc.is_top(m)]
    for k, p in enumerate(tops):
        if p.type != "PERSON":
            continue
        nxt = tops[k + 1:k + 2]
        if nxt and nxt[0].type == "ORGANIZATION":
            g = doc.gap_text(p, nxt[0])
            # `Касенов Ерлан (Павлодарская ОУНБ ...)`, `Любимова Е.А. из Омской ... библиотеки`
            if g in ("(", "из") and (g != "(" or doc.text[nxt[0].end:nxt[0].end + 1] == ")"):
                _tie(doc, facts, p, nxt[0])
        # `Северная сельская библиотека (библиотекарь – Жумагулова А.Е.)`
        j = k - 1
        posts = doc.posts_of.get(p.id, [])
        if j >= 0 and posts and tops[j].id == posts[0].id:
            j -= 1
        if j >= 0 and tops[j].type == "ORGANIZATION":
            first = posts[0] if posts and posts[0].start < p.start else p
            if doc.gap_text(tops[j], first) == "(" and doc.text[p.end:p.end + 1] == ")":
                _tie(doc, facts, p, tops[j])
    for c in doc.clauses:
        lem = _clause_lemmas(doc, c)
        persons = [m for m in c.mentions if m.type == "PERSON" and doc.is_top(m)]
        orgs = [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)]
        # `От Павлодарской ОУНБ в нем приняли участие директор X и ...`
        for o in _represented_by(doc, c):
            for p in persons:
                if p.start > o.end:
                    _tie(doc, facts, p, o)
        # `Из ПОУНБ приехали [post] X и [post] Y`
        for o in _come_from(doc, c):
            for p in persons:
                if p.start > o.end:
                    _tie(doc, facts, p, o)
        # `Алтайскую ... библиотеку представляли [post] X и [post] Y`,
        # `X представляла областную библиотеку на форуме`
        for o in _represented(doc, c):
            for p in persons:
                _tie(doc, facts, p, o)
    # `специалисты НАБ: заведующий отделом X ..., а главный специалист Y`
    for s in doc.an.sents:
        for i in range(s.first, s.last - 2):
            if doc.lemma(i) in ("специалист", "сотрудник") and not doc.in_mention(i):
                orgs = [m for m in doc.tok_mentions.get(i + 1, [])
                        if m.type == "ORGANIZATION" and doc.first_tok(m) == i + 1 and doc.is_top(m)]
                if orgs and doc.word(doc.last_tok(orgs[0]) + 1) == ":":
                    for p in doc.ms:
                        if p.type == "PERSON" and doc.is_top(p) and s.first <= doc.first_tok(p) < s.last \
                                and p.start > orgs[0].end:
                            _tie(doc, facts, p, orgs[0])
    # `Его заведующая X`: the organisation of the previous sentence that agrees
    for prof, person in doc.post_of.items():
        pm = doc.by_id[prof]
        i = doc.first_tok(pm) - 1
        if doc.word(i) not in ("его", "ее", "её"):
            continue
        # `Подготовила и провела его методист ЦБС X`: the pronoun is the verb's object,
        # and a post that names its organisation needs no possessive
        before = doc.tok(i - 1)
        if (before is not None and before.sent == doc.an.tokens[i].sent and _is_verbal(before)) \
                or any(o.type == "ORGANIZATION" for o in doc.descendants(pm)):
            continue
        gender = "Fem" if doc.word(i) in ("ее", "её") else "Masc"
        sent = doc.sent_of(pm)
        cands = [m for m in doc.ms if m.type == "ORGANIZATION" and m.end <= pm.start
                 and doc.sent_of(m) >= sent - 1 and not doc.inside(m, "PROFESSION", "EVENT")
                 and not _is_parent_after_unit(doc, m)]
        agree = [m for m in cands if (doc.head(m) and doc.head(m).feats.get("Gender") in
                                      ((gender,) if gender == "Fem" else ("Masc", "Neut")))]
        pick = (agree or cands)[-1:] if (agree or cands) else []
        for o in pick:
            _tie(doc, facts, person, o, 2)


# ---------------------------------------------------------------------------
# Events in context: focus, anaphors, the role an event plays in its clause


class EventContext:
    """Which event each clause is about, and how its explicit events are used."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.events = [m for m in doc.ms if m.type == "EVENT"]
        self.context: dict[str, str] = {m.id: self._context(m) for m in self.events}
        self.reportback = self._reportback()
        self.inhouse: Mention | None = None
        self._walk()
        self.parts: dict[str, list[Mention]] = defaultdict(list)  # part id -> wholes
        for part, whole in self.closing:
            self.parts[part.id].append(whole)
        self._stated_parts()

    # -- how an event is used in its clause

    def _context(self, e: Mention) -> str:
        """ok | topic (`рассказала о X`) | material (`обзор материалов X`, `итоги X`) |
        umbrella (`в рамках X`, `под эгидой X`) | plan (`подготовка к X`) | parallel
        (`параллельно с X`) | nested."""
        doc = self.doc
        if doc.inside(e, "ORGANIZATION", "PERSON"):
            return "nested"
        c = doc.clause_of(e)
        i = doc.first_tok(e) - 1
        seen_noun = False
        # `провела в рамках [конференции] мастер-класс`: the umbrella frames the event
        # named between, not this one
        other_event = False
        while c is not None and i >= 0 and doc.clause_of_tok.get(i) is c:
            t = doc.an.tokens[i]
            lem, w = _norm(t.lemma), _norm(t.text)
            if doc.in_mention(i) and not any(a.type == "EVENT" for a in doc.tok_mentions[i]):
                i -= 1
                continue
            if any(a.type == "EVENT" for a in doc.tok_mentions.get(i, [])) or (
                    lem in EVENT_ANAPHORS and not doc.in_mention(i) and not (
                        i == doc.first_tok(e) - 1 and e.text.startswith(("«", '"')))):
                other_event = True  # (`акции «Бір ел»`: the noun of a bare title is its own)
            if w in ("о", "об", "обо", "про"):
                return "topic"
            if w == "параллельно":
                return "parallel"  # `пройдет параллельно с акцией X`: another event
            if w in ("рамках", "эгидой") or lem in ("эгида",):
                return "ok" if other_event else "umbrella"
            if lem in MATERIAL and not seen_noun:
                return "material"
            if _is_predicate(t) or t.pos == "VERB" or t.text in (",", "(", "–"):
                break
            if w in ("к",) and i + 1 == doc.first_tok(e):
                return "plan"
            if t.pos in ("NOUN", "PROPN") and lem not in MATERIAL | PRESENCE:
                seen_noun = True
            i -= 1
        return "ok"

    def positive_topic(self, e: Mention) -> bool:
        """`о поездке на X`, `об участии в X`: the speaker's own presence."""
        doc = self.doc
        i = doc.first_tok(e) - 1
        c = doc.clause_of(e)
        while i >= 0 and doc.clause_of_tok.get(i) is c:
            if doc.lemma(i) in PRESENCE:
                return True
            if doc.word(i) in ("о", "об", "обо"):
                return doc.lemma(i + 1) in PRESENCE
            i -= 1
        return False

    # -- report-back framing (GUIDE §6)

    def _reportback(self) -> int | None:
        """The sentence that frames an in-house day as reporting on trips: `учеба по
        итогам выездов`, `отчет специалистов о поездках ..., в которых они
        участвовали`, `сотрудники отчитались о поездках`."""
        doc = self.doc
        trips = {"выезд", "поездка", "посещение", "командировка"}
        if not trips & doc.lemma_set:
            return None
        for k, s in enumerate(doc.an.sents):
            for i in range(s.first, s.last):
                if doc.lemma(i) not in trips:
                    continue
                # the trips are what is reported (`по итогам выездов`, `отчитались перед
                # коллегами о поездках`), not a word of another clause (`по итогам защиты
                # проектов, поскольку такие поездки ...`)
                if any(doc.lemma(j) in ("итог", "отчет", "отчитаться", "рассказать")
                       for j in range(max(s.first, i - 5), i)) or any(
                        doc.lemma(j) == "участвовать" for j in range(i + 1, min(s.last, i + 8))):
                    return k
        return None

    # -- the event each clause is about

    def _walk(self) -> None:
        doc = self.doc
        focus = None
        self.first_focus: Mention | None = None
        self.closing: list[tuple[Mention, Mention]] = []  # (closing event, the event it closes)
        for c in doc.clauses:
            evs = [e for e in c.mentions if e.type == "EVENT" and doc.is_top(e)
                   and self.context[e.id] == "ok"]
            preds = _pred_lemmas(doc, c)
            new = None
            if evs:
                # `В рамках этапа X провела конкурс`: a part placed in the focus
                framed = any(doc.word(i - 1) == "рамках" for i in c.toks)
                if c.heading and focus is None:
                    new = evs[0]
                elif c.kind in ("main", "comp") and not c.heading:
                    if preds & HAPPEN_INTRANSITIVE:
                        new = evs[0]
                    elif (preds & (PARTICIPATE | {"принять", "организовать", "провести"})
                          or _is_role_noun(doc, c, "участник")) and \
                            doc.event_kind(evs[0]) not in PART_EVENTS and not framed:
                        new = evs[0]
                    elif focus is None:
                        new = evs[0]
                    elif "подвести" in preds and "итог" in _clause_lemmas(doc, c) \
                            and doc.word(doc.first_tok(evs[0]) - 1) in ("на", "в", "во"):
                        # `Итоги подвели на празднике чтения`: the closing event of the
                        # event in focus, and the focus from here on
                        new = evs[0]
                        if new.id != focus.id and doc.event_kind(focus) not in SERIES_EVENTS:
                            self.closing.append((new, focus))
            if new is None and focus is None and c.kind == "rel" and evs and \
                    preds & HAPPEN_INTRANSITIVE:
                new = evs[0]
            if new is not None and focus is not None and self.background_edition(new, focus):
                new = None  # `I фестиваль прошел в прошлом году`: background, not the focus
            if new is not None and not (self.inhouse is not None):
                focus = new
                if self.first_focus is None and not c.heading:
                    self.first_focus = new
            if self.reportback is not None and self.inhouse is None and focus is not None \
                    and 0 <= c.sent - self.reportback <= 1 and c.sent - doc.sent_of(focus) <= 2:
                self.inhouse = focus
            c.focus = focus

    # -- parts that the text places inside a whole

    def _stated_parts(self) -> None:
        """`Итоговым мероприятием этапа стал праздник чтения «...»`, `Неделя завершилась
        литературным квестом «...»`: the second event is a part of the first."""
        doc = self.doc
        for c in doc.clauses:
            named = [e for e in self.explicit(c) if doc.is_top(e)]
            if c.kind == "rel" and c.anchor is not None and c.anchor.type == "EVENT" \
                    and _pred_lemmas(doc, c) & CLOSE_WITH:
                # `праздник поэзии, которым завершился день`
                for _, w in self.anaphors(c) + [(doc.first_tok(e), e) for e in named]:
                    if w.id != c.anchor.id:
                        self.parts[c.anchor.id].append(w)
            if not named and not ("часть" in doc.lemma_set and self.anaphors(c)):
                continue
            for i in c.toks:
                if doc.in_mention(i):
                    continue
                # `[итоговым] мероприятием [этапа]`
                if doc.lemma(i) in ("мероприятие", "событие", "часть", "программа"):
                    whole = self.resolve(c, i + 1) or next(
                        (e for e in named if doc.first_tok(e) == i + 1), None)
                    if whole is not None:
                        # (`Практикум стал частью семинара «...»`: a part named back)
                        parts = named + [e for k, e in self.anaphors(c) if k < i]
                        for e in _uniq(parts):
                            if e.id != whole.id:
                                self.parts[e.id].append(whole)
                # `[Неделя] завершилась [квестом]`: the subject closes with its part
                if doc.lemma(i) in CLOSE_WITH:
                    subj = [e for k, e in self.anaphors(c)
                            if doc.an.tokens[k].rel.startswith("nsubj")]
                    subj += [e for e in named if doc.head(e) is not None
                             and doc.head(e).rel.startswith("nsubj")]
                    for part in named:
                        h = doc.head(part)
                        if h is not None and h.feats.get("Case") == "Ins" and part.start > \
                                doc.an.tokens[i].start:
                            for w in subj:
                                if w.id != part.id:
                                    self.parts[part.id].append(w)

    def resolve(self, c: Clause, i: int) -> Mention | None:
        """The event a bare noun at token i refers to (None for another event)."""
        doc = self.doc
        lem = doc.lemma(i)
        if lem not in EVENT_ANAPHORS or doc.in_mention(i):
            return None
        t = doc.an.tokens[i]
        if t.feats.get("Number") == "Plur" and lem not in ("чтение",):
            return None
        if any(doc.lemma(k) in OTHER_EVENT for k in range(max(0, i - 2), i)):
            return None
        if lem == "день" and not self._day_anaphor(i):
            return None
        want = ANAPHOR_SAME.get(lem, lem)
        if lem in EVENT_MOMENTS and (self.resolve(c, i + 1) is not None or any(
                m.type == "EVENT" for m in doc.tok_mentions.get(i + 1, []))):
            return None  # `закрытие недели`: the genitive names the event
        before = [e for e in self.events if e.start < t.start and not doc.inside(e, "ORGANIZATION")
                  and self.context[e.id] != "parallel"]
        if want == "*":
            # `Праздник открыл X`: the last празднник named, else the event in focus
            if lem not in GENERIC_EVENTS and lem not in EVENT_MOMENTS:
                for e in reversed(before):
                    if doc.event_kind(e) == lem:
                        return e
            return c.focus
        for e in reversed(before):
            kind = doc.event_kind(e)
            if kind == want or kind.startswith(want) or ANAPHOR_SAME.get(kind) == want:
                if c.focus is not None and self.background_edition(e, c.focus):
                    return c.focus  # `на ярмарке` after `на IV ярмарке в прошлом году`
                return e
        return c.focus if c.focus is not None and doc.event_kind(c.focus) == want else None

    def background_edition(self, e: Mention, focus: Mention) -> bool:
        """Another edition of the event in focus, recalled beside it: it takes neither
        the focus nor a later bare noun."""
        return self.other_edition(e, focus) or self.recalled(e, focus)

    def other_edition(self, a: Mention, b: Mention) -> bool:
        """`I фестиваль` and `II фестиваль «…»`: events of one kind with different
        ordinals, one recalled beside the other. The report is about the one it put in
        focus; a bare `фестиваль` later means that one."""
        oa, ob = self.ordinal(a), self.ordinal(b)
        if not (oa and ob and oa != ob):
            return False
        return bool(self._kinds(a) & self._kinds(b))

    def recalled(self, e: Mention, focus: Mention) -> bool:
        """`первый конкурс «…» прошел в 1997 году`, in a report of 2024 on that contest:
        a numbered edition of the focus's kind dated in an earlier year."""
        year = self.doc.report.year
        c = self.doc.clause_of(e)
        # (the focus may be a part named with its whole: `церемония награждения
        # победителей конкурса «…»`)
        kinds = self._kinds(focus).union(*(self._kinds(w) for w in self.doc.children[focus.id]
                                           if w.type == "EVENT"))
        if not year or c is None or self.ordinal(e) is None or e.id == focus.id \
                or not self._kinds(e) & kinds:
            return False
        years = [int(v[:4]) for d in c.mentions if d.type == "DATE"
                 for v in [str((d.attrs or {}).get("value") or "")] if v[:4].isdigit()]
        return bool(years) and max(years) < year

    def _kinds(self, e: Mention) -> set[str]:
        """`выставка-ярмарка`: выставка and ярмарка (a later `ярмарка` is that one)."""
        kinds = {self.doc.event_kind(e), *self.doc.head_lemma(e).split("-")}
        return kinds | {ANAPHOR_SAME.get(k, k) for k in kinds}

    def ordinal(self, e: Mention) -> int | None:
        """The ordinal an event's name starts with: `II Международный конгресс`,
        `Первая конференция`."""
        tokens = self.doc.tokens(e)
        if not tokens:
            return None
        if is_roman(tokens[0]):
            return roman(tokens[0].text)
        return ORDINAL_WORDS.get(self.doc.lemma(tokens[0].i))

    def _day_anaphor(self, i: int) -> bool:
        """`в рамках методического дня`, `Гостями дня стали`: `день` is an event only
        with a plain adjective or alone, not as a span of time (`в этот же день`,
        `в первый день`, `день открытия`, `на следующий день`)."""
        doc = self.doc
        prev = doc.an.tokens[i - 1] if i > 0 else None
        if prev is not None and (prev.pos in ("DET", "NUM") or _norm(prev.lemma) in
                                 {"этот", "тот", "же", "один", "первый", "второй", "третий",
                                  "последний", "весь", "целый", "каждый"}):
            return False
        nxt = doc.tok(i + 1)
        return not (nxt is not None and nxt.pos in ("NOUN", "PROPN")
                    and nxt.sent == doc.an.tokens[i].sent and nxt.feats.get("Case") == "Gen")

    def pronoun(self, c: Clause, i: int) -> Mention | None:
        """The event a third-person pronoun at token i stands for: `На ней выступил`,
        `В его работе приняли участие`, `Провела его`, `ее перевезут`. The last event
        named in this or the two previous sentences whose head agrees with the
        pronoun in gender and number (`ней` -> the section, not the congress before
        it); the focus when none agrees."""
        doc = self.doc
        w = doc.word(i)
        if w not in EVENT_PRONOUNS or doc.in_mention(i):
            return None
        want = EVENT_PRONOUNS[w]
        t = doc.an.tokens[i]
        cands = [e for e in self.events if e.end <= t.start and doc.is_top(e)
                 and doc.sent_of(e) >= t.sent - 2 and self.context[e.id] != "material"]
        for e in reversed(cands):
            h = doc.head(e)
            if h is None:
                continue
            num, gen = h.feats.get("Number"), h.feats.get("Gender")
            if want == "Plur":
                if num == "Plur":
                    return e
            elif num != "Plur" and gen in want:
                return e
        return c.focus if want != "Plur" else None

    def pronouns(self, c: Clause) -> list[tuple[int, Mention]]:
        """Event pronouns of a clause: after a preposition (`на ней`, `в нем`), a
        possessive of the event's frame (`в его работе`, `в ее рамках`), or right
        next to a verb (`Провела его`, `Его организовали`)."""
        doc = self.doc
        out = []
        for i in c.toks:
            if doc.word(i) not in EVENT_PRONOUNS or doc.in_mention(i):
                continue
            prev, nxt = doc.tok(i - 1), doc.tok(i + 1)
            after_prep = prev is not None and doc.word(i - 1) in PREPOSITIONS
            frame = nxt is not None and doc.lemma(i + 1) in EVENT_FRAMES
            by_verb = any(t is not None and t.sent == doc.an.tokens[i].sent and (
                _is_predicate(t) or t.feats.get("VerbForm") == "Inf") for t in (prev, nxt))
            if not (after_prep or frame or by_verb):
                continue
            if doc.word(i) in ("его", "ее", "её", "их") and not (frame or by_verb):
                continue  # `у его коллег`: a person's, not an event's
            e = self.pronoun(c, i)
            if e is not None:
                out.append((i, e))
        return out

    def anaphors(self, c: Clause) -> list[tuple[int, Mention]]:
        out = []
        for i in c.toks:
            e = self.resolve(c, i)
            if e is not None:
                out.append((i, e))
        return out

    def explicit(self, c: Clause, allowed=("ok",)) -> list[Mention]:
        """The events a clause names, outermost, used as `allowed`."""
        doc = self.doc
        return [e for e in c.mentions if e.type == "EVENT" and self.context[e.id] in allowed
                and not doc.inside(e, "EVENT")]

    def wholes(self, e: Mention) -> list[Mention]:
        """The enclosing event a part's participant also attends (GUIDE §6): an event
        nested in it (`церемония награждения победителей [конкурса]`), or the one it
        is held within (`В рамках форума состоялась встреча`); never a campaign or
        series as a whole, nor from a local stage."""
        doc = self.doc
        if doc.event_kind(e) in EDITION_EVENTS:
            return []
        out = [w for w in doc.children[e.id] if w.type == "EVENT"] + self.parts.get(e.id, [])
        c = doc.clause_of(e)
        if c is not None and self.context[e.id] == "ok":
            out += [u for u in c.mentions if u.type == "EVENT" and self.context[u.id] == "umbrella"
                    and doc.is_top(u) and doc.text[max(0, u.start - 12):u.start].strip()
                    .lower().endswith("рамках")]
            for i in c.toks:
                if doc.word(i - 1) == "рамках":
                    u = self.resolve(c, i)
                    if u is not None and u.id != e.id:
                        out.append(u)
        # `секции «…», работавшей в рамках конгресса «…»`: said of the part after it (not
        # `прошла под эгидой форума`: the umbrella's sponsor is not attended)
        for r in doc.clauses:
            if r.kind in ("part", "rel") and r.anchor is not None and r.anchor.id == e.id:
                out += [u for u in r.mentions if u.type == "EVENT" and doc.is_top(u)
                        and self.context[u.id] == "umbrella"
                        and doc.text[max(0, u.start - 12):u.start].strip().lower()
                        .endswith("рамках")]
        return [w for w in _uniq(out) if doc.event_kind(w) not in SERIES_EVENTS]


# ---------------------------------------------------------------------------
# TAKES_PLACE_IN


def _venues(doc: Doc, c: Clause) -> list[Mention]:
    """Organisations and places in a locative of the clause: `в НБ РК г.Алматы`,
    `на базе Назарбаев Университета`, `в НАБ РК (НАБ РК, г. Астана)`."""
    out = []
    for m in c.mentions:
        if m.type not in ("ORGANIZATION", "LOCATION") or not doc.is_top(m):
            continue
        i = doc.first_tok(m) - 1
        while doc.lemma(i) in ROOM_WORDS and not doc.in_mention(i):
            i -= 1  # `в читальном зале [ЦРБ]`
        w = doc.word(i)
        if w in ("в", "во", "на") or (doc.lemma(i) == "база" and doc.word(i - 1) == "на"):
            out.append(m)
            out.extend(_attached_places(doc, m))
    return out


def _takes_place_in(doc: Doc, ev: EventContext, facts: Facts) -> None:
    """Event -> the venue organisation and the settlement (GUIDE §5); regions only
    when no settlement is given for the event anywhere in the report."""
    cands: dict[str, list[tuple[Mention, float]]] = defaultdict(list)
    for c in doc.clauses:
        venues = _venues(doc, c)
        for e, v, strength in _venue_pairs(doc, ev, c, venues):
            cands[e.id].append((v, strength))
    _heading_places(doc, ev, cands)
    for eid, vs in cands.items():
        e = doc.by_id[eid]
        settled = any(v.type == "LOCATION" and not _is_region(v) for v, _ in vs)
        for v, strength in vs:
            if v.type == "LOCATION" and _is_region(v) and (
                    settled or doc.event_kind(e) in SERIES_EVENTS):
                # a settlement is given: regions come via LOCATED_IN; a campaign as a
                # whole spans regions, only its stages have places
                continue
            facts.add("TAKES_PLACE_IN", e, v, strength)


def _venue_pairs(doc: Doc, ev: EventContext, c: Clause, venues: list[Mention]):
    """(event, venue, strength) stated by one clause."""
    # `EVENT в ORG`, `EVENT на базе ORG`, `EVENT в ORG (г. X)`: the venue right after
    for e in c.mentions:
        if e.type != "EVENT" or ev.context[e.id] == "nested":
            continue
        for v in venues:
            head = _venue_head(doc, venues, v)
            if VENUE_GAP.fullmatch(doc.text[e.end:head.start]):
                yield e, v, 3
    # `посетили музей, где для них провели экскурсию`, `в Семее, где прошел форум`
    if c.kind == "rel" and c.where and c.anchor is not None and \
            c.anchor.type in ("ORGANIZATION", "LOCATION"):
        for e in ev.explicit(c):
            yield e, c.anchor, 3
    if not venues:
        return
    preds = _pred_lemmas(doc, c)
    targets: list[Mention] = []
    # `форума, который прошел ... в г. Павлодаре`, `семинаре, прошедшем ... в НАБ РК`
    if c.kind in ("rel", "part") and c.anchor is not None and c.anchor.type == "EVENT" \
            and preds & HAPPEN:
        targets.append(c.anchor)
    # `В ЦРБ состоялось открытие этапа`, `участвовали в семинаре в НАБ`, `экспозицию
    # перевезут в Северную библиотеку`, `Конкурс проводился в ...`
    if preds & (HAPPEN | PARTICIPATE | MOVE | {"принять"}):
        targets += [e for e in ev.explicit(c) if doc.is_top(e)]
        for i, e in ev.anaphors(c):
            t = doc.an.tokens[i]
            if c.heading or t.rel.startswith("nsubj") or t.rel == "obj" or (
                    t.feats.get("Case") in ("Nom", "Acc") and doc.word(i - 1) not in PREPOSITIONS):
                targets.append(e)
        # `ее перевезут в ...`, `Его провели в ...`: a pronoun subject or object
        targets += [e for i, e in ev.pronouns(c) if doc.word(i - 1) not in PREPOSITIONS]
    for e in _uniq(targets):
        for v in venues:
            yield e, v, 3 if doc.clause_of(e) is c else 2


VENUE_GAP = re.compile(r"\s*(в|во|на|на\s+базе)\s+")


def _venue_head(doc: Doc, venues: list[Mention], v: Mention) -> Mention:
    """The venue a bracketed or attached place belongs to (`в НБ РК г.Алматы`)."""
    for o in venues:
        if o.id != v.id and any(p.id == v.id for p in _attached_places(doc, o)):
            return o
    return v


def _heading_places(doc: Doc, ev: EventContext, cands) -> None:
    """A title with no event but an activity in a place (`Сотрудники X прошли обучение
    в Астане`): the place of the report's first event."""
    if ev.first_focus is None:
        return
    for c in doc.clauses:
        if not c.heading or any(m.type == "EVENT" for m in c.mentions):
            continue
        if not any(doc.lemma(i) in EVENT_ANAPHORS | {"курс"} for i in c.toks):
            continue
        for v in _venues(doc, c):
            if v.type == "LOCATION":
                cands[ev.first_focus.id].append((v, 1))


# ---------------------------------------------------------------------------
# POINT_IN_TIME


def _date_usable(doc: Doc, d: Mention) -> bool:
    """Not a dateline, an end date (`до 15 декабря`), the period reviewed
    (`итоги 2017 года`, `за 2022 год`, `план на 2024 год`)."""
    c = doc.clause_of(d)
    if c is None:
        return False
    if c.heading and not any(_is_predicate(doc.an.tokens[i]) for i in c.toks):
        return False  # a dateline or the date of a title line
    first = doc.an.sents[doc.sent_of(d)].first
    i = doc.first_tok(d) - 1
    if i < first:
        return True
    if doc.word(i) in ("до", "к", "на", "за", "по", "после", "с", "от"):
        return False
    for k in range(max(first, i - 2), i + 1):
        if doc.lemma(k) in ("итог", "результат", "план", "отчет", "период"):
            return False
    return True


AUDIENCE_GAP = re.compile(r"\s*(для(\s+[а-яёА-ЯЁ]+){1,4}\s*)?")


def _point_in_time(doc: Doc, ev: EventContext, facts: Facts) -> None:
    for c in doc.clauses:
        dates = [d for d in c.mentions if d.type == "DATE" and _date_usable(doc, d)]
        if not dates:
            continue
        lem = _clause_lemmas(doc, c)
        if lem & {"итог", "подвести", "подводить"} and not lem & HAPPEN_INTRANSITIVE:
            continue  # the date results are announced
        preds = _pred_lemmas(doc, c)
        targets: list[Mention] = []
        if c.kind in ("rel", "part") and c.anchor is not None and c.anchor.type == "EVENT" \
                and preds & (HAPPEN | PARTICIPATE):
            targets.append(c.anchor)
        events = [e for e in ev.explicit(c, ("ok", "plan")) if doc.is_top(e)]
        if preds & (HAPPEN | PARTICIPATE | {"принять", "присоединиться", "стать"}):
            targets += events
            for i, e in ev.anaphors(c):
                t = doc.an.tokens[i]
                head = doc.lemma(t.head)
                # `Семинар прошел 5 мая`; `Конкурс с июня по ноябрь проводили X и Y`
                if (t.rel.startswith("nsubj") and head in HAPPEN_INTRANSITIVE) or (
                        t.rel in ("obj", "nsubj:pass") and head in HAPPEN - HAPPEN_INTRANSITIVE):
                    targets.append(e)
        # a date right before or after the event: `провести в апреле 2024 г. фестиваль`,
        # `на форуме «...» осенью прошлого года`, `семинара для сотрудников ЦБС в мае`
        near = [e for e in c.mentions if e.type == "EVENT" and doc.is_top(e)
                and ev.context[e.id] not in ("umbrella", "nested")]
        for e in near:
            for d in dates:
                if AUDIENCE_GAP.fullmatch(doc.text[e.end:d.start]) or \
                        re.fullmatch(r"\s*", doc.text[d.end:e.start]):
                    targets.append(e)
        seen = set()
        for e in targets:
            if e.id in seen:
                continue
            seen.add(e.id)
            d = min(dates, key=lambda d: abs(d.start - e.start))
            facts.add("POINT_IN_TIME", e, d, 3 if doc.clause_of(e) is c else 2)


ORDINAL_WORDS = {w: k for k, w in enumerate(
    ("первый", "второй", "третий", "четвертый", "пятый", "шестой", "седьмой", "восьмой",
     "девятый", "десятый"), start=1)}
# a table flattened into lines, announced by its columns: `(дата – мероприятие – место –
# ответственный)`, then `10 октября – вебинар «…» – онлайн – Кусаинов Т.А.`
TABLE_HEADER = re.compile(r"\(\s*дата\s*[–—-]\s*мероприятие\s*[–—-][^()\n]*?[–—-]\s*"
                          r"(ответственн\w*|организатор\w*|участник\w*)\s*\)", re.I)
CELL = re.compile(r"\s[–—]\s")
BRACKET_AFTER = re.compile(r"\s*\(([^()\n]{1,150})\)")


def _table_rows(doc: Doc, facts: Facts) -> None:
    """The rows of a table the report flattened into lines, under a line that names
    its columns: each row's event takes the dates before it, the venues and places
    between it and the last cell, and the people of the last cell as organisers
    (`ответственный`, `организатор`) or participants (`участники`)."""
    for header in TABLE_HEADER.finditer(doc.text):
        typ = "PARTICIPANT_IN" if header.group(1).lower().startswith("участник") \
            else "ORGANIZES"
        rows = 0
        pos = doc.text.find("\n", header.end())
        while pos >= 0:
            start = pos + 1
            end = doc.text.find("\n", start)
            end = len(doc.text) if end < 0 else end
            pos = end if end < len(doc.text) else -1
            line = doc.text[start:end]
            cells = list(CELL.finditer(line))
            if not line.strip() and not rows:
                continue  # (a blank line between the header and its rows)
            if not cells:
                break  # a blank line or a line of text after the rows
            rows += 1
            _table_row(doc, facts, typ, start, end, start + cells[-1].end())


def _table_row(doc: Doc, facts: Facts, typ: str, start: int, end: int, last: int) -> None:
    inside = [m for m in doc.ms if start <= m.start and m.end <= end and doc.is_top(m)]
    event = next((m for m in inside if m.type == "EVENT"), None)
    if event is None:
        return
    for m in inside:
        if m.type == "DATE" and m.end <= event.start:
            facts.add("POINT_IN_TIME", event, m, 4)
        elif m.type in ("LOCATION", "ORGANIZATION") and event.end <= m.start and m.end <= last:
            facts.add("TAKES_PLACE_IN", event, m, 4)
        elif m.type == "PERSON" and m.start >= last:
            facts.add(typ, m, event, 4, role="participant" if typ == "PARTICIPANT_IN" else None)


def _bracketed_details(doc: Doc, facts: Facts) -> None:
    """`конгресса «…» (15–16 октября, НАБ РК, г. Астана)`: a bracket right after an
    event that holds only its dates, venues and places gives its time and place; not
    another event's of the clause (`секции, работавшей в рамках конгресса (…)`)."""
    for e in doc.ms:
        if e.type != "EVENT" or not doc.is_top(e):
            continue
        m = BRACKET_AFTER.match(doc.text, e.end)  # (no slice: texts can be long)
        if m is None:
            continue
        a, b = m.start(1), m.end(1)
        inside = [x for x in doc.ms if a <= x.start and x.end <= b and doc.is_top(x)]
        rest = doc.text[a:b]
        for x in sorted(inside, key=lambda x: -x.start):
            rest = rest[:x.start - a] + rest[x.end - a:]
        if not inside or rest.strip(" ,;") or any(
                x.type not in ("DATE", "LOCATION", "ORGANIZATION") for x in inside):
            continue
        c = doc.clause_of(e)
        others = [o for o in c.mentions if o.type == "EVENT" and o.id != e.id] if c else []
        if c is not None and c.anchor is not None and c.anchor.type == "EVENT":
            others.append(c.anchor)  # the part the clause is said of
        for x in inside:
            typ = "POINT_IN_TIME" if x.type == "DATE" else "TAKES_PLACE_IN"
            facts.add(typ, e, x, 4)
            for o in others:
                facts.deny(typ, o, x)


# ---------------------------------------------------------------------------
# Actors of a clause


def _subjects(doc: Doc, c: Clause, types=("ORGANIZATION", "PERSON")) -> list[Mention]:
    """Persons and organisations of a clause that can be its actors: top-level, not
    after a preposition, not in brackets, not the genitive of a staff or work noun
    (`специалисты НАБ`, `рассказы Майлина`, `при поддержке Министерства`), not a
    parent named after its unit."""
    out = []
    for m in c.mentions:
        if m.type not in types or not doc.is_top(m):
            continue
        i = doc.first_tok(m)
        if i in doc.in_brackets or doc.word(i - 1) == "(":
            continue
        prev = i - 1
        if doc.word(prev) in PREPOSITIONS or doc.word(prev) == "рук" or _is_eponym(doc, m):
            continue
        if not doc.in_mention(prev) and doc.lemma(prev) in STAFF | WORK_NOUNS:
            continue
        if m.type == "PERSON" and _genitive_of_noun(doc, m):
            continue
        if m.type == "ORGANIZATION":
            if _is_parent_after_unit(doc, m):
                continue
            t = doc.tok(prev)
            if t is not None and t.sent == doc.an.tokens[i].sent and not doc.in_mention(prev) \
                    and t.pos in ("NOUN", "PROPN") and doc.lemma(prev) not in TIME_NOUNS:
                continue  # a genitive complement of a noun (not of `В апреле НАБ провела`)
        out.append(m)
    return out


def _genitive_of_noun(doc: Doc, m: Mention) -> bool:
    """`произведения писателя Василия Шукшина`, `письма [post] X`: a person in the
    genitive after a noun (behind their post, if any) is an author or an owner, not an
    actor; a talk noun's speaker is read elsewhere (`выступление X`)."""
    first = m
    posts = doc.posts_of.get(m.id, [])
    if posts and posts[0].end <= m.start and doc.last_tok(posts[0]) == doc.first_tok(m) - 1:
        first = posts[0]
    prev = doc.tok(doc.first_tok(first) - 1)
    if prev is not None and prev.text in ("и", ",") and prev.sent == doc.an.tokens[doc.first_tok(m)].sent:
        # `произведения Оралхана Бөкея и Василия Шукшина`: the second author too
        before = [p for p in doc.tok_mentions.get(prev.i - 1, [])
                  if p.type == "PERSON" and doc.is_top(p) and doc.last_tok(p) == prev.i - 1]
        return bool(before) and _genitive_of_noun(doc, before[0])
    if prev is None or doc.in_mention(prev.i) or prev.pos != "NOUN" or \
            prev.sent != doc.an.tokens[doc.first_tok(m)].sent:
        return False
    if _norm(prev.lemma) in TALK_NOUNS | set(ROLE_NOUNS) | {"участие", "присутствие", "состав"}:
        return False  # `приняли участие Иванова А.П.`: a surname in -ова may read as Gen
    # only declined words tell the case: an indeclinable surname (`И.В. Ткаченко`) is
    # tagged at random
    words = doc.tokens(first) if first is not m else []
    heads = [t for t in doc.tokens(m) + words[:1] if t.pos in ("PROPN", "NOUN")
             and _norm(t.text) != _norm(t.lemma) and len(t.text) > 2]
    return bool(heads) and all(t.feats.get("Case") == "Gen" for t in heads)


def _gender(doc: Doc, m: Mention) -> str | None:
    """A person's grammatical gender from the name's endings."""
    words = (m.normal or m.text).split()
    for w in words:
        w = _norm(w.strip(".,"))
        if re.search(r"(овна|евна|ична|кызы|қызы)$", w):
            return "Fem"
        if re.search(r"(ович|евич|ич|улы|ұлы)$", w):
            return "Masc"
    for w in words:
        w = _norm(w.strip(".,"))
        if re.search(r"(ова|ева|ёва|ина|ына|ская|цкая)$", w):
            return "Fem"
        if re.search(r"(ов|ев|ёв|ин|ын|ский|цкий)$", w):
            return "Masc"
    return None


def _pronoun_subject(doc: Doc, c: Clause) -> Mention | None:
    """`Она провела консультацию`: the person an `он`/`она` subject refers to, the
    last acting person of the same gender in this or the two previous sentences."""
    for i in c.toks:
        w = doc.word(i)
        if w not in ("она", "он") or doc.in_mention(i) or doc.an.tokens[i].pos != "PRON":
            continue
        gender = "Fem" if w == "она" else "Masc"
        sent = doc.an.tokens[i].sent
        for m in reversed(doc.ms):
            if m.type != "PERSON" or not doc.is_top(m) or doc.first_tok(m) >= i:
                continue
            if doc.sent_of(m) < sent - 2:
                break
            mc = doc.clause_of(m)
            if mc is None or not any(x.id == m.id for x in _subjects(doc, mc, ("PERSON",))):
                continue
            if _gender(doc, m) in (gender, None):
                return m
        return None
    return None


def _predicate_lemmas(doc: Doc, c: Clause) -> set[str]:
    """Lemmas of the clause's finite predicates and their infinitives."""
    out = set()
    for i in c.toks:
        t = doc.an.tokens[i]
        if doc.in_mention(i):
            continue
        if _is_predicate(t) or t.feats.get("VerbForm") == "Inf":
            out.add(_norm(t.lemma))
    return out


def _is_planned(doc: Doc, c: Clause) -> bool:
    """`предложил провести фестиваль`, `решено провести`, `договорились о школе` (an
    announced organiser is one: `Конкурс проведет библиотека` keeps its ORGANIZES)."""
    return bool(_predicate_lemmas(doc, c) & PLAN)


def _future(t: Token) -> bool:
    """A finite verb in the future (`станет`, `пройдет`, `будет`): what is announced."""
    return t.feats.get("Tense") == "Fut" and t.feats.get("VerbForm") == "Fin" \
        and t.pos in ("VERB", "AUX")


def _plan_start(doc: Doc, c: Clause) -> int | None:
    """The token of a clause's first planning predicate (`пригласила`, `решено`) or
    future one (`выступят`, `станет`): what follows it is not attended yet."""
    for i in c.toks:
        t = doc.an.tokens[i]
        if doc.in_mention(i):
            continue
        if (doc.lemma(i) in PLAN and (_is_predicate(t) or t.feats.get("VerbForm") == "Inf")) \
                or _future(t):
            return i
    return None


def _after_plan(doc: Doc, e: Mention) -> bool:
    """`... и пригласила коллег на методический день`: an event named after a planning
    predicate of its clause is planned, not reported."""
    c = doc.clause_of(e)
    at = _plan_start(doc, c) if c is not None else None
    return at is not None and doc.an.tokens[at].start < e.start


def _acts_before(doc: Doc, c: Clause, i: int) -> bool:
    """`Она рассказала о секции ..., и пригласила коллег на ...`: the clause reports an
    act of its own before the plan (what follows the plan is planned)."""
    return any(doc.verbal[k] and _is_predicate(doc.an.tokens[k]) and doc.lemma(k) in SPEAK | ACT
               and not doc.in_mention(k) for k in c.toks if k < i)


def _is_negated(doc: Doc, c: Clause) -> bool:
    """`Сама она в вебинаре не участвовала`, `не смогла приехать`: a predicate under
    `не` states that nothing happened (`не только выступила, но и ...` is not it)."""
    for i in c.toks:
        if doc.word(i) in ("не", "ни") and not doc.in_mention(i):
            t = doc.tok(i + 1)
            if t is not None and _is_predicate(t):  # (`не скрывая волнения` is no denial)
                return True
    return False


def _clause_events(doc: Doc, ev: EventContext, c: Clause, fallback: bool = True) -> list[Mention]:
    """The events a clause's predicate is about: named ones, anaphors, the anchor of a
    relative clause, else the focus."""
    evs = ev.explicit(c)
    if evs:
        return evs
    out = [e for _, e in ev.anaphors(c)]
    if out:
        return _uniq(out)
    if c.kind in ("rel", "part") and c.anchor is not None and c.anchor.type == "EVENT":
        return [c.anchor]
    if c.kind == "rel" and (c.prep_rel or c.where) and c.anchor is not None \
            and c.anchor.type in ("ORGANIZATION", "LOCATION"):
        # `о стажировке в Челябинской ОУНБ, в которой участвовала вместе с X`: the
        # relative clause is about the event held at the place it follows
        e = _event_before(doc, c.anchor)
        if e is not None:
            return [e]
    # a pronoun: `Провела его`, `Его организовали`, `Участие в нем приняли`, `На ней
    # выступил`
    out = [e for _, e in ev.pronouns(c)]
    if out:
        return _uniq(out)
    if _elliptic(doc, c):
        return _clause_events(doc, ev, doc.clauses[c.prev], fallback)
    return [c.focus] if (fallback and c.focus is not None) else []


def _elliptic(doc: Doc, c: Clause) -> bool:
    """A coordinate clause without its own predicate (`, а [post] Есенова – о ...`)."""
    return c.prev is not None and not any(_is_predicate(doc.an.tokens[i]) for i in c.toks)


def _elliptic_lemmas(doc: Doc, c: Clause) -> set[str]:
    """The trigger lemmas of a clause; `ЦГБ подготовила квест, а детская библиотека –
    программу`: the second clause borrows the predicate of the first."""
    lem = _trigger_lemmas(doc, c)
    if _elliptic(doc, c):
        lem |= _trigger_lemmas(doc, doc.clauses[c.prev])
    return lem


def _object_events(doc: Doc, ev: EventContext, c: Clause, verb_lemmas: set[str]) -> list[Mention]:
    """Events that are the object (or passive subject) of one of the verbs: `провела
    [мастер-класс]`, `[Выставку] подготовил`, `провели [онлайн-встречу]`, `Провела
    [его]`; not a genitive (`Обзор экспозиции провела`, `решения [конференции]`)."""
    verbs = [i for i in c.toks if doc.lemma(i) in verb_lemmas and not doc.in_mention(i)]
    if not verbs and not (_elliptic(doc, c) and _elliptic_lemmas(doc, c) & verb_lemmas):
        return []
    out = []
    for e in ev.explicit(c):
        if doc.is_top(e) and (_is_object(doc, c, e) or _programme_of(doc, doc.first_tok(e))):
            out.append(e)
    for i, e in ev.anaphors(c):
        t = doc.an.tokens[i]
        k = i - 1
        while k > c.toks[0] and doc.an.tokens[k].pos in ("DET", "ADJ") and not doc.in_mention(k):
            k -= 1  # `на этом вебинаре`: the preposition before the determiner
        if t.feats.get("Case") in ("Nom", "Acc") and doc.word(k) not in PREPOSITIONS \
                and doc.lemma(i - 1) not in MATERIAL and doc.lemma(i) not in EVENT_MOMENTS:
            out.append(e)
        elif _programme_of(doc, i):
            out.append(e)
    for v in verbs:
        # `Провела его`, `Его организовали`
        for k in (v - 1, v + 1):
            if doc.word(k) in ("его", "ее", "её", "их") and not doc.in_mention(k):
                e = ev.pronoun(c, k)
                if e is not None:
                    out.append(e)
    return _uniq(out)


def _programme_of(doc: Doc, i: int) -> bool:
    """`Программу стажировки составила и провела X`: the event at i is the genitive of
    its programme, and the programme the verb's object (not `в программе праздника`)."""
    return doc.lemma(i - 1) == "программа" and not doc.in_mention(i - 1) \
        and doc.word(i - 2) not in PREPOSITIONS and doc.an.tokens[i - 1].feats.get("Case") in ("Acc", "Nom")


def _is_object(doc: Doc, c: Clause, e: Mention) -> bool:
    """An event is a verb's object or subject when the word that governs it is a verb
    (past adverbs, dates and a `для ...` phrase), not a noun (`решения [конференции]`)
    or a preposition; at a clause edge the tagger's case decides."""
    i = doc.first_tok(e) - 1
    while i >= 0 and doc.clause_of_tok.get(i) is c:
        t = doc.an.tokens[i]
        if t.pos == "ADV" or any(m.type == "DATE" for m in doc.tok_mentions.get(i, [])):
            i -= 1
            continue
        # a prepositional phrase in between: `провела для казахстанских коллег
        # мастер-класс`, `представила на празднике выставку`
        back = [k for k in range(max(0, i - 4), i) if doc.an.tokens[k].pos == "ADP"
                and doc.clause_of_tok.get(k) is c]
        if back and t.pos in ("ADJ", "NOUN", "PROPN", "DET", "NUM") and all(
                doc.an.tokens[k].pos in ("ADJ", "NOUN", "PROPN", "DET", "NUM")
                for k in range(back[-1] + 1, i + 1)):
            i = back[-1] - 1
            continue
        break
    t = doc.tok(i) if doc.clause_of_tok.get(i) is c else None
    if t is None or t.pos in ("PUNCT", "CCONJ", "SCONJ") or doc.in_mention(i):
        # (the parse's object relation too: `Мастер-класс ... провела` came out Gen)
        h = doc.head(e)
        return h is None or h.feats.get("Case") in ("Nom", "Acc", None) or \
            h.rel in ("obj", "nsubj", "nsubj:pass")
    if t.pos in ("VERB", "AUX"):
        return True
    return False


# ---------------------------------------------------------------------------
# ORGANIZES


def _organizes(doc: Doc, ev: EventContext, facts: Facts) -> None:
    home = home_library(doc)
    for c in doc.clauses:
        lem = _elliptic_lemmas(doc, c)
        subjects = _subjects(doc, c)
        # the owner named in the event's name: `конференция [РБА]`, `заседании [Совета КБС]`
        # (`День библиотек [ЦБС]` is the day of that library: a participant, not an owner)
        for e in c.mentions:
            if e.type != "EVENT":
                continue
            owners = [o for o in doc.children[e.id] if o.type == "ORGANIZATION"
                      and _owner_genitive(doc, e, o)]
            if owners and doc.event_kind(e) != "день":
                facts.add("ORGANIZES", owners[0], e, 3, "organiser")
        if _is_planned(doc, c) or _is_negated(doc, c):
            continue
        # `Организаторами форума выступили A и B`, `Организатором акции выступил A`
        if "организатор" in lem and (_is_role_noun(doc, c, "организатор") or _elliptic(doc, c)):
            evs = _clause_events(doc, ev, c)
            for s in subjects:
                for e in evs:
                    facts.add("ORGANIZES", s, e, 3, "organiser")
            continue
        # `Его организовали A и B`, `НАБ РК провела конференцию`, `A подготовила квест`,
        # `Выставку подготовил отдел`, `Саблин представил выставку`, `конкурс, который
        # проводит управление`, `Конкурс проводился управлением и библиотекой`
        verbs = lem & ORGANISE
        if verbs:
            evs = _object_events(doc, ev, c, verbs)
            if c.kind == "rel" and c.anchor is not None and c.anchor.type == "EVENT" and \
                    not ev.explicit(c) and not (c.where or c.prep_rel):
                evs = [c.anchor]  # (`форум, где X представила стенд`: the form is no object)
            if _passive_participle_of_event(doc, ev, c):
                # `выставка «...», подготовленная отделом редких книг`: the agent in
                # the instrumental organises the event the participle describes
                evs = [c.anchor]
            if "проведение" in lem and not evs:
                evs = [e for _, e in ev.anaphors(c)]  # `координировала проведение акции`
            if verbs == {"представить"}:
                evs = [e for e in evs if doc.event_kind(e) in ("выставка", "экспозиция")]
            agents = subjects
            if c.anchor is not None and c.anchor.type in ("ORGANIZATION", "PERSON") and \
                    not subjects and (c.kind == "part" or c.subject_rel):
                agents = [c.anchor]  # `АКУНБ, которая координировала проведение акции`
            if not agents:
                # `Из фонда областной библиотеки была организована выставка`
                agents = [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)
                          and doc.lemma(doc.first_tok(m) - 1) == "фонд"]
            venues = _venues(doc, c)
            for e in evs:
                for a in agents:
                    if any(v.id == a.id for v in venues):
                        continue  # the venue is not the organiser
                    facts.add("ORGANIZES", a, e, 3, "organiser")
        # `совместно с X`: X organises too; a passive with no agent: the host library
        if "совместно" in lem:
            evs = _clause_events(doc, ev, c)
            partners = [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)
                        and doc.word(doc.first_tok(m) - 1) in ("с", "со")
                        and doc.word(doc.first_tok(m) - 2) == "совместно"]
            for e in evs:
                for p in partners:
                    facts.add("ORGANIZES", p, e, 3, "organiser")
                anchor_acts = c.anchor is not None and c.anchor.type in ("ORGANIZATION", "PERSON") \
                    and (c.kind == "part" or c.subject_rel)
                if partners and not [s for s in subjects if s not in partners] and not anchor_acts:
                    host = _host(doc, e) or home
                    if host is not None:
                        facts.add("ORGANIZES", host, e, 2, "organiser")


PASSIVE_PARTICIPLE = re.compile(r"(нн|т)(ый|ая|ое|ые|ой|ого|ую|ом|ых|ым|ому|ыми)$")


def _passive_participle_of_event(doc: Doc, ev: EventContext, c: Clause) -> bool:
    """A participial clause opened by a passive participle (`подготовленная`,
    `организованный`, `проведенного`) that describes an event and names no other."""
    if c.kind != "part" or c.anchor is None or c.anchor.type != "EVENT" or ev.explicit(c):
        return False
    t = doc.an.tokens[c.toks[0]]
    return t.feats.get("Voice") == "Pass" or bool(PASSIVE_PARTICIPLE.search(_norm(t.text)))


def _owner_genitive(doc: Doc, e: Mention, o: Mention) -> bool:
    """An organisation in an event's name owns it when it is the name's own genitive
    (`конференция [РБА]`, `заседание [Совета КБС]`), not inside a complement of its
    topic or audience (`практикум по составлению паспорта [сельской библиотеки]`,
    `семинар для сотрудников [ЦБС]`)."""
    for i in range(doc.first_tok(e), doc.first_tok(o)):
        if doc.word(i) in PREPOSITIONS or doc.an.tokens[i].text == "«":
            return False
    return True


def _host(doc: Doc, e: Mention) -> Mention | None:
    """The library an event takes place in, as stated where the event is named."""
    for c in doc.clauses:
        if any(m.id == e.id for m in c.mentions):
            for v in _venues(doc, c):
                if v.type == "ORGANIZATION" and _is_library(doc, v):
                    return v
    return None


# ---------------------------------------------------------------------------
# PARTICIPANT_IN


def _role(doc: Doc, c: Clause, lem: set[str]) -> str | None:
    """The role a clause gives its actors, None when it gives no participation; a
    list item after a colon takes the role of its head (`Гостями семинара стали
    специалисты ПОУНБ: [post] X и [post] Y`)."""
    if _elliptic(doc, c):  # the head's role noun is read in the head (`Тренерами выступили:`)
        prev = doc.clauses[c.prev]
        role = _own_role(doc, prev, _trigger_lemmas(doc, prev))
        if role is not None:
            return role
    return _own_role(doc, c, lem)


def _own_role(doc: Doc, c: Clause, lem: set[str]) -> str | None:
    if {"войти", "состав"} <= lem:
        body = _possessed_body(doc, c)
        if body in ("жюри", "комиссия"):
            return "jury"  # `Жюри возглавила X. В его состав вошли Y и Z`
        if body == "делегация":
            return "delegate"
    if "делегация" in lem or "делегат" in lem:
        if lem & {"возглавить", "возглавлять", "глава", "руководитель"}:
            return "head-of-delegation"
        return "delegate"
    among = _among_role(doc, c)
    if among is not None:
        return among
    for noun, role in ROLE_NOUNS.items():
        if noun in lem and noun != "организатор" and _is_role_noun(doc, c, noun):
            if noun == "председатель" and not lem & {"жюри", "комиссия"}:
                continue
            return role
    if "жюри" in lem or ("комиссия" in lem and lem & {"войти", "член", "состав"}):
        return "jury"
    if c.kind == "rel" and _antecedent(doc, c) in ("жюри", "комиссия"):
        return "jury"  # `жюри, в состав которого вошли X и Y`
    if lem & {"представить", "презентовать"} and lem & {"экспозиция", "коллекция", "стенд"}:
        return "exhibitor"
    if lem & MODERATE:
        return "moderator"
    if lem & SPEAK or lem & TALK_NOUNS or {"предоставить", "слово"} <= lem:
        return "speaker"  # (`слово было предоставлено поэту X`)
    if "представлять" in lem and "себя" not in lem:
        return "participant"
    if lem & ARRIVE:
        return "guest"
    if lem & (HONOUR | WIN) or (lem & ELECT and _names_its_event(doc, c, lem)) \
            or _nominated(doc, c, lem) or _prize_holders(doc, c):
        return "participant"  # (the holders of prize places won them: _wins)
    if ("принять" in lem and "участие" in lem) or lem & (PARTICIPATE - {"представлять"}) \
            or lem & ACT or ("войти" in lem and "состав" in lem) or lem & PARTICIPATE_EXPLICIT:
        return "participant"
    return None


def _possessed_body(doc: Doc, c: Clause) -> str | None:
    """`В его состав вошли`: the jury, commission or delegation of the sentence before
    that the possessive stands for."""
    for i in c.toks:
        if doc.lemma(i) == "состав" and doc.word(i - 1) in ("его", "ее", "её", "их"):
            sent = doc.an.tokens[i].sent
            first = doc.an.sents[max(0, sent - 1)].first
            for k in range(i - 2, first - 1, -1):
                if doc.lemma(k) in ("жюри", "комиссия", "делегация") and not doc.in_mention(k):
                    return doc.lemma(k)
            return None
    return None


def _antecedent(doc: Doc, c: Clause) -> str:
    """The lemma of the word a relative clause follows (`жюри, в состав которого`)."""
    i = c.toks[0] - 1
    while i >= 0 and doc.an.tokens[i].text in (",", "»", ")"):
        i -= 1
    return doc.lemma(i) if i >= 0 else ""


def _wins(doc: Doc, c: Clause, lem: set[str]) -> bool:
    """Contestants who won: `победила X`, `стала победителем`, `лауреатами стали`,
    `X заняла второе место`, `место присуждено X`; they take part in the contest."""
    return bool(lem & WIN) or ("место" in lem and bool(lem & {"занять", "присудить"})) \
        or any(_is_role_noun(doc, c, n) for n in NOMINATIVE_ROLES - {"участник"}) \
        or _nominated(doc, c, lem) or bool(_prize_holders(doc, c))


def _prize_holders(doc: Doc, c: Clause) -> list[Mention]:
    """`Второе место – у [post] X, третье – у Y`: a prize place held `у` someone, in a
    clause without a verb (not `у его коллег`, `у нее в гостях`)."""
    if "место" not in _clause_lemmas(doc, c) or any(_is_predicate(doc.an.tokens[i])
                                                     for i in c.toks):
        return []
    out = []
    for m in c.mentions:
        if m.type != "PERSON" or not doc.is_top(m):
            continue
        i = doc.first_tok(m) - 1
        posts = doc.posts_of.get(m.id, [])
        if posts and doc.last_tok(posts[0]) == i:
            i = doc.first_tok(posts[0]) - 1  # `у [библиотекаря ЦБС] Жанны Ильясовой`
        if doc.word(i) == "у":
            out.append(m)
    return out


def _nominated(doc: Doc, c: Clause, lem: set[str]) -> bool:
    """`Лучшим методистом признана X`, `«Открытием года» стала X`: a contestant named in a
    nomination, when the report names a contest."""
    if not lem & {"признать", "стать"}:
        return False
    nomination = any(  # (`Лучшим` is lemmatised as `хороший`)
        doc.word(i).startswith(("лучш", "самы")) and not doc.in_mention(i) for i in c.toks) \
        and "признать" in lem or any(i in doc.in_quotes and not doc.in_mention(i) for i in c.toks)
    if not nomination:
        return False
    end = doc.an.tokens[c.toks[-1]].end
    return any(e.type == "EVENT" and e.start < end and doc.event_kind(e) in CONTEST_EVENTS
               for e in doc.ms)


def _among_role(doc: Doc, c: Clause) -> str | None:
    """`В числе участников форума – X`, `Среди гостей были X и Y`, `среди
    победителей – X`: the role of a group the named persons are counted in."""
    for i in c.toks:
        if doc.in_mention(i) or doc.lemma(i) not in ROLE_NOUNS:
            continue
        if doc.word(i - 1) == "среди" or (doc.word(i - 1) == "числе" and doc.word(i - 2) == "в"):
            role = ROLE_NOUNS[doc.lemma(i)]
            if role != "organiser":
                return role
    return None


def _is_role_noun(doc: Doc, c: Clause, noun: str) -> bool:
    """A role said of the actors: `стала участником`, `Модератором выступил`, `Ведущей
    встречи была`, `участники семинара X`, `X – участник конкурса`; not `к участникам`,
    `познакомила участников`, `победителям вручила`, `Гости поблагодарили X`."""
    if noun not in doc.lemma_set:
        return False
    for i in c.toks:
        if doc.lemma(i) == noun and not doc.in_mention(i):
            if doc.word(i - 1) in PREPOSITIONS:
                continue
            # the word's ending, not the tagger's case (`Модератором` came out Nom)
            w = doc.word(i)
            raw = _norm(doc.an.tokens[i].lemma)
            adjectival = noun.endswith(("ий", "ый", "ой"))
            if adjectival:
                ins = ("ой", "ей", "им", "ым", "ими", "ыми")
            elif raw.endswith(("а", "я")):  # feminine: `участницей`, `гостьей`
                ins = ("ой", "ей", "ёй", "ами", "ями")
            else:
                ins = ("ом", "ем", "ём", "ами", "ями")
            if w.endswith(ins):
                return True
            nominative = w in (raw, raw + "и", raw + "ы", raw[:-1] + "и", raw[:-1] + "ы") or (
                adjectival and w[-2:] in ("ий", "ый", "ая", "ие", "ые"))
            if noun in NOMINATIVE_ROLES and nominative:
                return True
            # `Модератор – X`, `Спикеры – X и Y`, `Ведущая — X`
            if nominative and doc.word(i + 1) in DASHES:
                return True
    return False


def _materials_only(doc: Doc, lem: set[str]) -> bool:
    """`сделала обзор материалов вебинара`, `опираясь на опубликованные материалы`,
    `обзор видеозаписей`, `по материалам организаторов`: the speaker did not attend
    what they summarise."""
    return bool(lem & {"материал", "видеозапись", "запись"} and lem & {"по",
        "обзор", "опираться", "размещенный", "разместить", "опубликовать", "опубликованный",
        "подготовить", "сделать", "посмотреть"}) or ("обзор" in lem and bool(
            lem & {"запись", "видеозапись", "публикация"}))


def _persons(doc: Doc, c: Clause) -> list[Mention]:
    """The persons who act in a clause: subjects, the speaker of a talk noun, a
    relative clause's antecedent, the antecedent of an `она`/`он` subject."""
    out = []
    for m in _subjects(doc, c, ("PERSON",)):
        if not _may_be_subject(doc, m):
            continue
        posts = doc.posts_of.get(m.id, [])
        if posts and posts[0].end <= m.start:
            w = doc.word(doc.first_tok(posts[0]) - 1)
            if w in PREPOSITIONS - {"с", "в", "на"} or doc.lemma(doc.first_tok(posts[0]) - 1) in STAFF:
                continue  # `к [post] X`, `благодарит [post] X`
        out.append(m)
    # `выступление [post] Сагындыковой`: the speaker in the genitive of a talk noun
    for m in c.mentions:
        if m.type == "PERSON" and doc.is_top(m) and not any(x.id == m.id for x in out):
            i = doc.first_tok(m) - 1
            posts = doc.posts_of.get(m.id, [])
            if posts and doc.last_tok(posts[0]) == i:
                i = doc.first_tok(posts[0]) - 1
            if doc.lemma(i) in TALK_NOUNS and not doc.in_mention(i):
                out.append(m)
    if c.kind in ("rel", "part") and c.anchor is not None and c.anchor.type == "PERSON" \
            and (c.kind == "part" or c.subject_rel or not (out or c.prep_rel)):
        out.insert(0, c.anchor)
    # `участвовала вместе с А.С. Бөкейхановой`: who did it with the actor did it too
    for m in _together_with(doc, c, ("PERSON",)):
        if not any(x.id == m.id for x in out):
            out.append(m)
    if not out:
        p = _pronoun_subject(doc, c)
        if p is not None:
            out.append(p)
    return out


def _together_with(doc: Doc, c: Clause, types) -> list[Mention]:
    """`вместе с X`, `совместно с X`: X acts together with the clause's actor (a post
    between counts: `вместе с методистом ЦБС X`)."""
    if "вместе" not in doc.lemma_set and "совместно" not in doc.lemma_set:
        return []
    out = []
    for m in c.mentions:
        if m.type not in types or not doc.is_top(m):
            continue
        i = doc.first_tok(m)
        posts = doc.posts_of.get(m.id, [])
        if posts and doc.last_tok(posts[0]) == i - 1:
            i = doc.first_tok(posts[0])
        if doc.word(i - 1) in ("с", "со") and doc.word(i - 2) in ("вместе", "совместно"):
            out.append(m)
    # coordinated: `вместе с X и Y`
    for m in c.mentions:
        if m.type in types and doc.is_top(m) and not any(x.id == m.id for x in out) and any(
                doc.word(doc.first_tok(m) - 1) == "и" and doc.last_tok(x) == doc.first_tok(m) - 2
                for x in out):
            out.append(m)
    return out


def _names_its_event(doc: Doc, c: Clause, lem: set[str]) -> bool:
    """An election is part of an event only when the clause names it (`участники
    секции избрали`, `на ней избрали`) or a jury (`председателем жюри избрали`);
    `X избрали депутатом` is not about the event in focus."""
    return bool(lem & {"жюри", "комиссия", "модератор", "секретарь", "председатель"}) or any(
        e.type == "EVENT" for e in c.mentions) or any(
        doc.lemma(i) in EVENT_ANAPHORS or doc.word(i) in EVENT_PRONOUNS
        for i in c.toks if not doc.in_mention(i))


def _chosen(doc: Doc, c: Clause, lem: set[str]) -> list[Mention]:
    """Persons who take part as the object of the clause: elected or appointed to a
    role (`Полякову участники секции избрали в рабочую группу`, `Председателем жюри
    избрали X`), honoured (`наградили X`), or the recipients of a prize (`дипломы
    вручили X и Y`); not the object of thanks or praise (`поблагодарили X`)."""
    cases = set()
    if lem & HONOUR or (lem & ELECT and _names_its_event(doc, c, lem)):
        cases.add("Acc")
    if lem & GIVE or {"предоставить", "слово"} <= lem:
        cases.add("Dat")
    if not cases:
        return []
    out = []
    for m in c.mentions:
        if m.type != "PERSON" or not doc.is_top(m) or _is_eponym(doc, m):
            continue
        i = doc.first_tok(m)
        if doc.word(i - 1) in PREPOSITIONS or i in doc.in_brackets:
            continue
        if any(t.feats.get("Case") in cases for t in doc.tokens(m)):
            out.append(m)
    return out


def _represented(doc: Doc, c: Clause) -> list[Mention]:
    """The organisation named persons represent: the accusative object of
    `представлять` (`Алтайскую ... библиотеку представляли X и Y`)."""
    if "представлять" not in _pred_lemmas(doc, c) or "себя" in _clause_lemmas(doc, c):
        return []
    out = []
    for m in c.mentions:
        h = doc.head(m)
        if m.type == "ORGANIZATION" and doc.is_top(m) and h is not None \
                and h.feats.get("Case") == "Acc" and doc.word(doc.first_tok(m) - 1) not in PREPOSITIONS:
            out.append(m)
    return out


def _represented_by(doc: Doc, c: Clause) -> list[Mention]:
    """`От [Павлодарской ОУНБ] приняли участие X и Y`: the organisation a clause's
    named persons come from."""
    if not any(m.type == "PERSON" for m in c.mentions):
        return []
    return [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)
            and doc.word(doc.first_tok(m) - 1) == "от" and doc.first_tok(m) - 1 == c.toks[0]]


def _come_from(doc: Doc, c: Clause) -> list[Mention]:
    """`Из [ПОУНБ] приехали X и Y`: the organisation the persons of a clause of arrival
    come from (a tie to their workplace; the library itself does not take part)."""
    if not _pred_lemmas(doc, c) & ARRIVE or not any(m.type == "PERSON" for m in c.mentions):
        return []
    return [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)
            and doc.word(doc.first_tok(m) - 1) == "из"]


def _may_be_subject(doc: Doc, m: Mention) -> bool:
    """A name the tagger reads as an object (`поблагодарили Смирнову`) is not an actor;
    its case tags are unreliable, so any nominative word or a subject relation keeps it."""
    ts = doc.tokens(m)
    if any(t.feats.get("Case") == "Nom" or t.rel.startswith("nsubj") for t in ts):
        return True
    return not any(t.feats.get("Case") in ("Acc", "Dat") and t.rel in ("obj", "iobj", "obl")
                   for t in ts)


def _orgs_participating(doc: Doc, c: Clause, lem: set[str]) -> list[Mention]:
    """Organisations that take part themselves (GUIDE §6): the subject of `приняла
    участие`, `присоединилось к`, `заняла место`; `в составе делегации X`; `X
    представляли ...`; the winner `присуждено X`; not `сотрудники X`."""
    out = []
    takes_part = ("принять" in lem and "участие" in lem) or bool(lem & {"участвовать",
                                                                       "присоединиться"}) \
        or ("занять" in lem and "место" in lem) or _is_role_noun(doc, c, "участник") \
        or _among_role(doc, c) == "participant" or _wins(doc, c, lem) or _exhibits(doc, c, lem) \
        or ("получить" in lem and bool(lem & PRIZES))  # `Гран-при конкурса получила X`
    awarded = "присудить" in lem
    for m in c.mentions:
        if m.type != "ORGANIZATION" or not doc.is_top(m):
            continue
        i = doc.first_tok(m)
        h = doc.head(m)
        case = h.feats.get("Case") if h is not None else None
        if doc.lemma(i - 1) == "делегация" or any(r.id == m.id for r in _represented_by(doc, c)):
            out.append(m)  # `в составе делегации Пушкинской библиотеки`, `от ОУНБ ... X и Y`
        elif any(r.id == m.id for r in _represented(doc, c)) and _persons(doc, c):
            out.append(m)  # `Алтайскую ... библиотеку представляли X и Y`
        elif awarded and case == "Dat" and doc.word(i - 1) not in PREPOSITIONS:
            out.append(m)  # `Второе место присуждено X`
        elif takes_part and i not in doc.in_quotes and (case in ("Nom", None) or (
                i == c.toks[0] and _nominative_form(h))) and \
                any(x.id == m.id for x in _subjects(doc, c, ("ORGANIZATION",))):
            # (the tagger's case is wrong at a sentence's start: `Библиотека-филиал №3
            # стала победителем`; a title is no actor: `издание «Библиотеки ...»`)
            out.append(m)
    if takes_part:
        out += _together_with(doc, c, ("ORGANIZATION",))  # `представила издания вместе с НАБ`
        if not out and c.anchor is not None and c.anchor.type == "ORGANIZATION" \
                and (c.kind == "part" or c.subject_rel) and _exhibits(doc, c, lem):
            out.append(c.anchor)  # `библиотека, представившая свои издания`
    if "делегация" in lem and not out and (takes_part or _persons(doc, c)):
        out += _delegation_org(doc, c)
    if _elliptic(doc, c):
        # `Второе место присуждено X, третье – Y`
        prev_lem = _trigger_lemmas(doc, doc.clauses[c.prev])
        if prev_lem & {"присудить"} or {"занять", "место"} <= prev_lem:
            out += [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)]
    return _uniq(out)


def _nominative_form(t: Token | None) -> bool:
    """The word form can be a nominative whatever the tagger says (`Библиотека-филиал №3
    стала победителем` came out genitive at the start of a sentence)."""
    if t is None or t.text.isupper():
        return False
    word = _norm(t.text)
    return any(p.tag.case == "nomn" for p in parse_word(word)) or (
        "-" in word and all(any(p.tag.case == "nomn" for p in parse_word(part))
                            for part in word.split("-")))


def _exhibits(doc: Doc, c: Clause, lem: set[str]) -> bool:
    """`Казахстанский стенд подготовили две библиотеки`, `где Гоголевка представила свои
    издания`: showing an exhibit at the event (a fair) is taking part in it."""
    return bool(lem & SHOW and lem & EXHIBITS) and any(
        doc.lemma(i) in EXHIBITS and not doc.in_mention(i) and doc.word(i - 1) not in PREPOSITIONS
        for i in c.toks)


def _delegation_org(doc: Doc, c: Clause) -> list[Mention]:
    """`Делегация СКОУНБ посетила Курган. В составе делегации в конференции приняли
    участие X и Y`: the organisation a delegation named before (title included) is
    from takes part through it."""
    first = c.toks[0]
    for m in reversed(doc.ms):
        if m.type != "ORGANIZATION" or not doc.is_top(m) or doc.first_tok(m) >= first:
            continue
        if doc.sent_of(m) < c.sent - 3:
            break
        i = doc.first_tok(m) - 1
        if doc.lemma(i) == "делегация" and not doc.in_mention(i):
            return [m]
    return []


def _participants(doc: Doc, ev: EventContext, facts: Facts) -> None:
    """PARTICIPANT_IN per clause: its actors (persons, organisations that take part
    themselves) x the events it is about, with the role its trigger gives."""
    reporters: list[tuple[Mention, Clause]] = []
    for c in doc.clauses:
        if c.heading:
            _heading_participants(doc, c, facts)
            continue
        _guests(doc, ev, c, facts)
        _viewing(doc, ev, c, facts)
        lem = _elliptic_lemmas(doc, c)
        if _is_negated(doc, c):
            _deny_participation(doc, ev, c, lem, facts)
            continue
        plan_at = _plan_start(doc, c)
        if plan_at is not None and not _acts_before(doc, c, plan_at):
            continue
        role = _role(doc, c, lem)
        if role is None and lem & REMARK and ev.inhouse is not None and c.focus is ev.inhouse:
            role = "speaker"  # `Темирбаев ... добавил, что ...` at the in-house day
        if role is None:
            _acts_at(doc, ev, c, facts)
            continue
        persons = _uniq(_persons(doc, c) + _chosen(doc, c, lem) + _prize_holders(doc, c))
        if not persons and _elliptic(doc, c):
            # `она поделилась впечатлениями о X, а также о Y, в которой участвовала`
            persons = _persons(doc, doc.clauses[c.prev])
        orgs = _orgs_participating(doc, c, lem)
        if not persons and not orgs:
            continue
        targets = _targets(doc, ev, c, lem, role)
        if plan_at is not None:  # `рассказала о секции ... и пригласила коллег на день`
            cut = doc.an.tokens[plan_at].start
            targets = [e for e in targets if e.start < cut]
        named = {m.id for m in c.mentions}
        # `провела мастер-класс`: who conducts an event organises it and takes part
        conducted = _object_events(doc, ev, c, {"провести"}) if "провести" in lem else []
        if role == "trainer":  # `Тренерами выступили X и Y`: they conduct the event
            conducted = _uniq(conducted + targets)
        if (role == "speaker" or lem & SPEAK) and c.focus is not None and targets \
                and doc.event_kind(c.focus) in INHOUSE_DAYS and not _is_planned(doc, c) \
                and c.focus.id not in {e.id for e in targets} and c.kind == "main":
            # `Методист X поделилась впечатлениями о поездке на семинар`: who reports at
            # an in-house day takes part in it (GUIDE §6), besides the event reported on
            targets = targets + [c.focus]
        for p in persons:
            if (role == "speaker" or lem & SPEAK) and ev.inhouse is not None and \
                    c.sent >= doc.sent_of(ev.inhouse):
                reporters.append((p, c))
            strength = 3 if doc.clause_of(p) is c else 2
            for e in conducted:
                facts.add("ORGANIZES", p, e, strength, "organiser")
                facts.add("PARTICIPANT_IN", p, e, strength, "organiser")
            for e in _with_wholes(ev, c, targets):
                facts.add("PARTICIPANT_IN", p, e, strength if e.id in named else 2, role)
        for o in orgs:
            for e in targets:
                facts.add("PARTICIPANT_IN", o, e, 3 if e.id in named else 2,
                          "exhibitor" if role == "exhibitor" else "participant")
    _report_back(doc, ev, reporters, facts)


def _viewing(doc: Doc, ev: EventContext, c: Clause, facts: Facts) -> None:
    """`Коллективный просмотр вебинара организовала Карагандинская ОУНБ`: who organises
    watching an event together takes part in it (GUIDE §6)."""
    if not _trigger_lemmas(doc, c) & VIEWING or not _pred_lemmas(doc, c) & ORGANISE:
        return
    watched = []
    for i in c.toks:
        if doc.lemma(i) not in VIEWING or doc.in_mention(i):
            continue
        k = i + 1
        while k in doc.clause_of_tok and doc.clause_of_tok[k] is c and not doc.in_mention(k) \
                and doc.an.tokens[k].pos == "ADJ":
            k += 1
        named = [e for e in doc.tok_mentions.get(k, []) if e.type == "EVENT" and doc.first_tok(e) == k
                 and doc.is_top(e)]
        watched += named or ([ev.resolve(c, k)] if ev.resolve(c, k) is not None else [])
    if not watched:
        return
    actors = [m for m in _subjects(doc, c) if m.type in ("ORGANIZATION", "PERSON")]
    if not actors and c.anchor is not None and c.anchor.type in ("ORGANIZATION", "PERSON") \
            and (c.kind == "part" or c.subject_rel):
        actors = [c.anchor]  # `Карагандинская ОУНБ, организовавшая коллективный просмотр`
    for a in actors:
        for e in _uniq(watched):
            facts.add("PARTICIPANT_IN", a, e, 3, "participant")


def _frame_events(doc: Doc, ev: EventContext, c: Clause) -> list[Mention]:
    """Events a clause places its action in: a locative `на церемонии`, `в семинаре`,
    `на ней`, or `во время семинара`, `в ходе встречи`; not a direction (`на конкурс`
    in the accusative) nor an umbrella (`в рамках форума`)."""
    out = []
    named = [(doc.first_tok(e), e) for e in ev.explicit(c) if doc.is_top(e)]
    for i, e in named + ev.anaphors(c) + ev.pronouns(c):
        if doc.lemma(i - 1) in EVENT_MOMENTS and not doc.in_mention(i - 1):
            i -= 1  # `на открытии выставки`: the moment stands in the locative
        w1, w2 = doc.word(i - 1), doc.word(i - 2)
        if (w2, w1) in (("во", "время"), ("в", "ходе"), ("в", "период")):
            out.append(e)
        elif w1 in ("на", "в", "во") and not _noun_before(doc, i - 1):
            t = doc.an.tokens[i]
            h = doc.head(e) if doc.in_mention(i) else t
            case = (h or t).feats.get("Case")
            if case in ("Loc", None) or doc.word(i) in EVENT_PRONOUNS:
                out.append(e)
    return _uniq(out)


def _noun_before(doc: Doc, i: int) -> bool:
    """A common noun right before the preposition at i: the phrase belongs to it
    (`об изменениях в конкурсе`), not to the verb."""
    t = doc.tok(i - 1)
    return t is not None and t.pos == "NOUN" and not doc.in_mention(t.i) \
        and t.sent == doc.an.tokens[i].sent


def _acts_at(doc: Doc, ev: EventContext, c: Clause, facts: Facts) -> None:
    """A person who does anything at an event was there: `X на церемонии
    поблагодарила коллег`, `Во время семинара X показал программу`. Only with a
    finite verb of the person and the event as the clause's own locative frame, or
    the frame of the clause it is coordinated with (`На открытии X прочитала стихи,
    а Y показал карты`)."""
    if not any(_is_predicate(doc.an.tokens[i]) for i in c.toks if not doc.in_mention(i)):
        return
    frame = _frame_events(doc, ev, c)
    if not frame and c.prev is not None and doc.word(c.toks[0]) in ("а", "и"):
        frame = _frame_events(doc, ev, doc.clauses[c.prev])
    if not frame:
        return
    for p in _persons(doc, c):
        for e in _with_wholes(ev, c, frame):
            facts.add("PARTICIPANT_IN", p, e, 3 if doc.clause_of(p) is c else 2, "participant")


def _deny_participation(doc: Doc, ev: EventContext, c: Clause, lem: set[str],
                        facts: Facts) -> None:
    """`Сама она в вебинаре не участвовала`: the persons of a negated clause of taking
    part did not attend its events, even if a report-back block suggests it."""
    if not (lem & PARTICIPATE or {"принять", "участие"} <= lem or lem & PARTICIPATE_EXPLICIT):
        return
    for p in _persons(doc, c):
        for e in _clause_events(doc, ev, c, fallback=False):
            facts.deny("PARTICIPANT_IN", p, e)


def _targets(doc: Doc, ev: EventContext, c: Clause, lem: set[str], role: str) -> list[Mention]:
    """The events the actors of a clause take part in."""
    explicit = ev.explicit(c)
    # `представил выставку`, `выставку, которую подготовила X`: who makes an event
    # organises it, no more (GUIDE §5); `подготовила презентацию` is a talk at one
    made = lem & (SPEAK | ACT | PARTICIPATE)
    if made and made <= {"представить", "подготовить"}:
        objects = _object_events(doc, ev, c, made)
        if c.kind == "rel" and c.anchor is not None and c.anchor.type == "EVENT" \
                and not (c.subject_rel or c.where or c.prep_rel):
            objects.append(c.anchor)
        if objects:
            explicit = [e for e in explicit if not any(o.id == e.id for o in objects)]
            if not explicit:
                return []
    # `о поездке на X`, `об участии в X`: the speaker's own presence
    topics = [e for e in ev.explicit(c, ("topic",)) if ev.positive_topic(e)]
    targets = explicit + topics
    if not targets:
        if not lem & (ALL_TRIGGERS - PARTICIPATE_EXPLICIT) and not _nominated(doc, c, lem) \
                and not {"предоставить", "слово"} <= lem and not _prize_holders(doc, c):
            return []  # a trip or a visit names its event
        if lem & PRESS:
            return []  # `рассказала журналистам`: an interview, not a talk at the event
        targets = _clause_events(doc, ev, c)
    if role == "jury" or _wins(doc, c, lem) or (lem & HONOUR and lem & PRIZES):
        targets = _contest(doc, ev, c, targets)
    # relative clauses of the event: `форуме, где она выступала с докладом`,
    # `мастер-классе, в котором участвовала сама`
    delegation = role in ("delegate", "head-of-delegation") and not targets
    for r in doc.clauses:
        if r.parent != c.idx or r.anchor is None:
            continue
        rl = _trigger_lemmas(doc, r)
        if not (rl & (PARTICIPATE | SPEAK | {"консультировать"}) or "участие" in rl):
            continue
        if r.kind == "rel":
            anchor = r.anchor if r.anchor.type == "EVENT" else _event_before(doc, r.anchor)
            if anchor is not None:
                targets.append(anchor)
        elif r.kind == "part" and delegation:
            # `возглавил делегацию ОУНБ, принявшую участие в конференции «…»`
            targets += ev.explicit(r)
    if lem & OPEN_CLOSE and targets and all(doc.event_kind(e) in SERIES_NOUNS for e in targets) \
            and not lem & (PARTICIPATE | SPEAK | {"участие"}):
        return []  # `Завершил цикл X, проведший вебинар ...`: X attends the webinar
    if _materials_only(doc, lem | _clause_lemmas(doc, c)):
        # what is summarised was not attended; only the event the summary is given
        # at (`На семинаре X сделала обзор материалов ...`) or the focus
        reviewed = {e.id for e in ev.explicit(c, ("material",))} | {
            e.id for i, e in ev.anaphors(c) if doc.lemma(i - 1) in MATERIAL}
        targets = [e for e in targets if any(x.id == e.id for x in explicit)
                   and doc.word(doc.first_tok(e) - 1) in ("на", "в", "во")] or (
            [c.focus] if c.focus is not None and c.focus.id not in reviewed else [])
    return _uniq(targets)


def _guests(doc: Doc, ev: EventContext, c: Clause, facts: Facts) -> None:
    """`творческая встреча с [поэтессой] X`: the guest of a meeting takes part."""
    for e in c.mentions:
        if e.type != "EVENT" or doc.event_kind(e) not in MEETING_EVENTS:
            continue
        nxt = [m for m in c.mentions if m.start >= e.end and doc.is_top(m)][:1]
        if nxt and re.fullmatch(r"\s*(с|со)\s+", doc.text[e.end:nxt[0].start]):
            p = doc.post_of.get(nxt[0].id) if nxt[0].type == "PROFESSION" else nxt[0]
            if p is not None and p.type == "PERSON":
                facts.add("PARTICIPANT_IN", p, e, 3, "guest")


def _event_before(doc: Doc, m: Mention) -> Mention | None:
    """`о Дне методиста в Иртышской ЦБС, где ...`, `о конференции, проходившей в
    Москве, где ...`: the event a venue is attached to."""
    evs = [e for e in doc.ms if e.type == "EVENT" and e.end <= m.start
           and re.fullmatch(r"\s*(в|во|на)\s+", doc.text[e.end:m.start])]
    if evs:
        return evs[-1]
    c = doc.clause_of(m)
    if c is not None and c.kind in ("rel", "part") and c.anchor is not None \
            and c.anchor.type == "EVENT":
        return c.anchor
    return None


def _contest(doc: Doc, ev: EventContext, c: Clause, targets: list[Mention]) -> list[Mention]:
    """Jury and prize-winners belong to the last competition mentioned, or to the stage
    of it that the text names (`Районный этап конкурса «...»`: the stage's winners)."""
    if any(doc.event_kind(e) in CONTEST_EVENTS for e in targets):
        out = [e for e in targets if doc.event_kind(e) in CONTEST_EVENTS]
    else:
        # (`По итогам конкурса «...» победителями признаны X и Y`: the contest of the
        # clause, though named as what is summed up)
        end = doc.an.tokens[c.toks[-1]].end
        before = [e for e in ev.events if e.start < end and doc.event_kind(e) in CONTEST_EVENTS
                  and not (c.focus is not None and ev.background_edition(e, c.focus))]
        out = [before[-1]] if before else targets
    return _uniq([_stage_of(doc, e) for e in out])


def _stage_of(doc: Doc, e: Mention) -> Mention:
    p = doc.parent.get(e.id)
    return p if p is not None and p.type == "EVENT" and doc.event_kind(p) in EDITION_EVENTS else e


def _with_wholes(ev: EventContext, c: Clause, targets: list[Mention]) -> list[Mention]:
    """A part's participant attends the whole: the event nested in the part, or the
    event the text is about (`провела практикум` at a seminar)."""
    doc = ev.doc
    out = []
    for e in targets:
        out.append(e)
        wholes = ev.wholes(e)
        out += wholes
        if doc.event_kind(e) in PART_EVENTS and c.focus is not None and c.focus.id != e.id \
                and doc.event_kind(c.focus) not in PART_EVENTS | SERIES_EVENTS and not wholes:
            out.append(c.focus)  # (a part whose whole is named is not the focus's)
        # `семинаре, где ... Y провела мастер-класс`: the part is held at the anchor
        if doc.event_kind(e) in PART_EVENTS and c.kind == "rel" and c.anchor is not None \
                and c.anchor.type == "EVENT" and c.anchor.id != e.id \
                and doc.event_kind(c.anchor) not in PART_EVENTS | SERIES_EVENTS:
            out.append(c.anchor)
    return _uniq(out)


def _heading_participants(doc: Doc, c: Clause, facts: Facts) -> None:
    """Title lines: `ЦБС г.Экибастуза на заседании Совета КБС`, `Северная сельская
    библиотека – участник областного конкурса`."""
    orgs = [m for m in c.mentions if m.type == "ORGANIZATION" and doc.is_top(m)]
    evs = [m for m in c.mentions if m.type == "EVENT" and doc.is_top(m)]
    for o in orgs:
        for e in evs:
            if e.start > o.end and re.fullmatch(r"\s*(на|в|во|[–—-]\s*участник\w*)\s+",
                                                doc.text[o.end:e.start]):
                facts.add("PARTICIPANT_IN", o, e, 2, "participant")


def _report_back(doc: Doc, ev: EventContext, reporters, facts: Facts) -> None:
    """The in-house meeting rule (GUIDE §6): who reports at an in-house day attends
    it; when the day is framed as a trip report, they also attend the events of
    their block of text (their paragraph, after the previous reporter's sentence, up
    to their own), unless they only reviewed materials."""
    inhouse = ev.inhouse
    if inhouse is None:
        return
    by_sent: dict[int, list[tuple[Mention, Clause]]] = defaultdict(list)
    for p, c in reporters:
        by_sent[c.sent].append((p, c))
    last_sent: dict[int, int] = {}
    for sent_no in sorted(by_sent):
        sent = doc.an.sents[sent_no]
        line = doc.line_of(sent.start)
        start = last_sent.get(line, -1)
        last_sent[line] = sent_no
        lem = {doc.lemma(i) for i in range(sent.first, sent.last)}
        block = [e for e in ev.events
                 if doc.line_of(e.start) == line and start < doc.sent_of(e) <= sent_no
                 and e.id != inhouse.id and not doc.inside(e, "EVENT")
                 and ev.context[e.id] not in ("umbrella", "nested", "plan", "material")
                 and not _after_plan(doc, e)]
        for p, c in by_sent[sent_no]:
            facts.add("PARTICIPANT_IN", p, inhouse, 2, "speaker")
            if _materials_only(doc, lem):
                continue
            for e in block:
                facts.add("PARTICIPANT_IN", p, e, 2, "speaker")
