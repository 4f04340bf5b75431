"""The analysis stage: Natasha's output as kgraph reads it."""

from kgraph.analyse import get_analyzer


def test_cached_span_normal_forms_are_natashas_own():
    """analyse caches each word's inflection instead of calling span.normalize: the
    normal forms must stay exactly Natasha's, organisations (syntax-guided) included."""
    analyzer = get_analyzer()
    text = ("Делегация Павлодарской областной библиотеки им. С. Торайгырова посетила "
            "Национальную академическую библиотеку Республики Казахстан в Астане. "
            "Директора Омской государственной научной библиотеки встретила Анна Петрова.")
    doc = analyzer.natasha_doc(text)
    assert len(doc.spans) >= 4
    for span in doc.spans:
        ours = analyzer.span_normal(span)
        span.normalize(analyzer.morph_vocab)
        assert ours == span.normal
    spans = {(t, text[s:e]): n for t, s, e, n in analyzer.analyse(text).ner}
    assert spans[("LOCATION", "Астане")] == "Астана"


def test_ner_on_the_segmenters_words_gives_natashas_spans():
    """analyse feeds Natasha's NER model the words its segmenter found instead of
    letting the tagger tokenize the text again: the spans must be the same."""
    from natasha import Doc

    analyzer = get_analyzer()
    text = ("12 марта 2024 г.\nВ Национальной академической библиотеке РК (г. Астана) "
            "прошел семинар.\nВыступили Ш.Шахметова и А.Жилкибекова из Павлодара, "
            "т.е. сотрудники ПОУНБ им. С. Торайгырова; модератор – Дина Омарова.")
    ours = [(s.start, s.stop, s.type) for s in analyzer.natasha_doc(text).spans]
    doc = Doc(text)
    doc.segment(analyzer.segmenter)
    doc.tag_ner(analyzer.ner_tagger)
    assert ours == [(s.start, s.stop, s.type) for s in doc.spans]
    assert len(ours) >= 5


TEXTS = [
    "Семинар прошёл в Павлодаре.",
    "12 марта 2024 г.\nВ Национальной академической библиотеке РК (г. Астана) прошел "
    "семинар «Библиотека и общество».\n   \nВыступили Ш.Шахметова, заведующая отделом "
    "краеведения ПОУНБ им. С. Торайгырова, и А.Жилкибекова.",
    "Книжная выставка.",
    "В рамках Дней культуры Павлодарской области в Барнауле состоялась встреча "
    "библиотекарей; директор Алтайской краевой библиотеки В.Н.Егорова рассказала о "
    "проектах, а гости из Казахстана - о работе с читателями в сельских библиотеках. " * 3,
    "",
]


def as_tuples(an):
    return ([(t.start, t.end, t.text, t.pos, t.feats, t.lemma, t.head, t.rel, t.sent)
             for t in an.tokens], [(s.start, s.end, s.first, s.last) for s in an.sents], an.ner)


def test_texts_analysed_together_get_what_each_gets_alone():
    """analyse_many batches the sentences of several texts by length for Natasha's
    taggers: every token's tags, head and relation and every NER span must be what
    the text gets analysed alone, Natasha's way (doc.tag_morph, parse_syntax, tag_ner)."""
    from natasha import Doc

    analyzer = get_analyzer()
    together = analyzer.analyse_many(TEXTS)
    assert [as_tuples(an) for an in together] == [as_tuples(analyzer.analyse(t)) for t in TEXTS]
    # and alone is Natasha's own pipeline
    for text, doc in zip(TEXTS, analyzer.natasha_docs(TEXTS)):
        ref = Doc(text)
        ref.segment(analyzer.segmenter)
        if not text:
            continue
        ref.tag_morph(analyzer.morph_tagger)
        ref.parse_syntax(analyzer.syntax_parser)
        assert [(t.pos, t.feats, t.id, t.head_id, t.rel) for t in doc.tokens] == [
            (t.pos, t.feats, t.id, t.head_id, t.rel) for t in ref.tokens]
    assert sum(len(an.tokens) for an in together) > 150


def test_a_line_of_spaces_is_analysed():
    """A sentence without tokens (a line of spaces) once crashed Natasha's parser when
    it was alone in its batch."""
    analyzer = get_analyzer()
    assert analyzer.analyse("   \n").tokens == []
    assert analyzer.analyse("\u00a0\u00a0").tokens == []
    an = analyzer.analyse("Текст.\n \t \nЕщё текст.")
    assert [t.text for t in an.tokens] == ["Текст", ".", "Ещё", "текст", "."]
    assert {t.pos for t in an.tokens} >= {"NOUN", "PUNCT"}
