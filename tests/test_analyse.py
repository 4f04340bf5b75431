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
