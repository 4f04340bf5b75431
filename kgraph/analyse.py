"""Linguistic analysis with Natasha: sentences, tokens, morphology, syntax, NER.

The models load once per process (`get_analyzer()`); `analyse(text)` returns a flat,
index-based view of Natasha's Doc that the rule stages walk cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace

import pymorphy2
from natasha import (
    Doc,
    MorphVocab,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    NewsSyntaxParser,
    Segmenter,
)
from natasha import norm as natasha_norm
from natasha.doc import DocSpan, inject_morph, inject_syntax, offset_syntax
from slovnet.bio import bio_spans
from natasha.segment import Sent

NER_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}
LINE = re.compile(r"[^\r\n]+")
_LETTER = re.compile(r"[^\W\d_]")  # what str.isalpha() accepts


class LineSegmenter(Segmenter):
    """razdel's sentences, never across a line break: reports put titles, date lines
    and list items on lines of their own, without a full stop."""

    def sentenize(self, text):
        for line in LINE.finditer(text):
            for sent in super().sentenize(line.group()):
                yield Sent(sent.start + line.start(), sent.stop + line.start(), sent.text)


@dataclass(slots=True)  # hundreds per report: slots make them cheaper to build and read
class Token:
    i: int  # index in Analysis.tokens
    start: int
    end: int
    text: str
    pos: str
    feats: dict
    lemma: str
    head: int  # index of the syntactic head, -1 for the root
    rel: str
    sent: int  # sentence index

    def feat(self, name: str) -> str | None:
        return self.feats.get(name)


@dataclass
class Sentence:
    start: int
    end: int
    first: int  # index of its first token
    last: int  # index after its last token


@dataclass
class Analysis:
    text: str
    tokens: list[Token] = field(default_factory=list)
    sents: list[Sentence] = field(default_factory=list)
    ner: list[tuple[str, int, int, str]] = field(default_factory=list)  # (type, start, end, normal)

    def token_at(self, offset: int) -> int | None:
        """Index of the token that starts at or covers `offset`."""
        lo, hi = 0, len(self.tokens)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.tokens[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.tokens) else None

    def ner_end(self, i: int, types=("LOCATION", "ORGANIZATION")) -> int | None:
        """If a Natasha span of `types` starts at token i, the index after its last token."""
        tok = self.tokens[i]
        for etype, start, end, _ in self.ner:
            if start == tok.start and etype in types:
                j = i
                while j < len(self.tokens) and self.tokens[j].start < end and self.tokens[j].text != "(":
                    j += 1
                return j
        return None

    def person_starts_at(self, i: int) -> bool:
        return any(t == "PERSON" and s == self.tokens[i].start for t, s, _, _ in self.ner)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        i = self.token_at(start)
        out = []
        while i is not None and i < len(self.tokens) and self.tokens[i].start < end:
            out.append(self.tokens[i])
            i += 1
        return out


# Batches of the neural taggers (see Analyzer.batched): at most this many sequences,
# and at most this many positions once padded (a long one goes alone, memory bounded)
BATCH_ITEMS = 16
BATCH_POSITIONS = 4096


class Analyzer:
    """Natasha's news models, loaded once; `analyse` runs the full stack on one text,
    `analyse_many` on several at once (faster, the same result)."""

    def __init__(self):
        self.segmenter = LineSegmenter()
        self.morph_vocab = MorphVocab()
        self.pymorphy = get_pymorphy()
        emb = NewsEmbedding()
        self.morph_tagger = NewsMorphTagger(emb)
        self.syntax_parser = NewsSyntaxParser(emb)
        self.ner_tagger = NewsNERTagger(emb)
        for tagger in (self.morph_tagger, self.syntax_parser, self.ner_tagger):
            tagger.infer.encoder.batch_size = BATCH_ITEMS  # our batches reach it whole

    def natasha_docs(self, texts: list[str]) -> list[Doc]:
        """Natasha's Doc of each text, segmented, tagged, parsed and with NER spans: what
        doc.segment, tag_morph, parse_syntax and tag_ner give, computed in batches of
        sentences of similar length from all the texts (see `batched`)."""
        docs = [Doc(text) for text in texts]
        for doc in docs:
            doc.segment(self.segmenter)
        # (a line of spaces is a sentence without tokens: nothing to tag, and a batch
        # of such alone would crash the parser)
        sents = [sent for doc in docs for sent in doc.sents if sent.tokens]
        words = [[t.text for t in sent.tokens] for sent in sents]
        for sent, markup in zip(sents, self.batched(self.morph_tagger.infer, words)):
            inject_morph(sent.tokens, markup.tokens)
        parses = iter(self.batched(self.syntax_parser.infer, words))
        for doc in docs:
            for sent_id, sent in enumerate(doc.sents, 1):  # as natasha's parse_syntax_doc
                if sent.tokens:
                    inject_syntax(sent.tokens, next(parses).tokens)
                    offset_syntax(sent_id, sent.tokens)
        self.tag_ner(docs)
        return docs

    def natasha_doc(self, text: str) -> Doc:
        return self.natasha_docs([text])[0]

    @staticmethod
    def batched(infer, items: list[list[str]]) -> list:
        """`infer(items)` (a slovnet tagger's inference), run over batches of items of
        similar length, the results back in the items' order.

        Natasha runs each text's sentences in text order, 8 to a batch, padded to the
        longest: on reports ~40% of the positions computed are padding, and each batch
        costs ~0.3 ms of numpy calls whatever its size. Sorted by length, several
        texts' sentences pad little and fill batches: the taggers cost ~30% less. Each
        sequence's result is the same as alone (padding is masked; checked on the gold
        sets, NEREL and the generated corpus, and by tests/test_analyse.py)."""
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        out: list = [None] * len(items)
        start = 0
        while start < len(order):
            end = start + 1
            while (end < len(order) and end - start < BATCH_ITEMS
                   and (end - start + 1) * len(items[order[end]]) <= BATCH_POSITIONS):
                end += 1
            batch = order[start:end]
            for i, result in zip(batch, infer([items[i] for i in batch])):
                out[i] = result
            start = end
        return out

    def tag_ner(self, docs: list[Doc]) -> None:
        """Natasha's `doc.tag_ner` for each doc, fed the words the segmenter already
        found: its NER tagger otherwise tokenizes the whole text again and searches
        each word back in it (0.65 ms of ~20 per report). The model sees the same
        words (razdel's tokens of each line are those of the whole text: checked on
        the gold sets, NEREL and the generated corpus) and gives the same spans."""
        infer = self.ner_tagger.infer

        def tags(batch):
            return infer.decoder(infer.process(infer.encoder(batch)))

        tagged = [doc for doc in docs if doc.text.strip()]
        for doc in docs:
            doc.spans = []
        results = self.batched(tags, [[t.text for t in doc.tokens] for doc in tagged])
        for doc, doc_tags in zip(tagged, results):
            doc.spans = [DocSpan(start, stop, type, doc.text[start:stop])
                         for start, stop, type in bio_spans(doc.tokens, doc_tags)]
            doc.envelop_span_tokens()
            doc.envelop_sent_spans()

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        return [self._analysis(doc) for doc in self.natasha_docs(texts)]

    def _analysis(self, doc: Doc) -> Analysis:
        text = doc.text
        out = Analysis(text=text)
        for si, sent in enumerate(doc.sents):
            first = len(out.tokens)
            ids = {}
            for tok in sent.tokens:
                ids[tok.id] = len(out.tokens)
                out.tokens.append(Token(
                    i=len(out.tokens), start=tok.start, end=tok.stop, text=tok.text,
                    pos=tok.pos or "X", feats=dict(tok.feats or {}),
                    lemma=self.lemma(tok.text, tok.pos, tok.feats),
                    head=-1, rel=tok.rel or "", sent=si,
                ))
            for tok in sent.tokens:
                out.tokens[ids[tok.id]].head = ids.get(tok.head_id, -1)
            out.sents.append(Sentence(sent.start, sent.stop, first, len(out.tokens)))
        for span in doc.spans:
            if span.type in NER_TYPES:
                out.ner.append((NER_TYPES[span.type], span.start, span.stop,
                                self.span_normal(span)))
        return out

    def span_normal(self, span) -> str:
        """Natasha's `span.normalize`, with each word's inflection cached: the same
        names recur in every report, and a word's nominative depends only on the word,
        its part of speech, gender, number and case (natasha.norm.inflect_word)."""
        tokens = span.tokens
        ids = set(natasha_norm.select_inflectable(tokens)) if span.type == "ORG" else None
        words = (_inflect(self.morph_vocab, natasha_norm.normal_word(t.text), t.pos,
                          *(t.feats.get(k) for k in ("Gender", "Number", "Case")))
                 if not ids or t.id in ids else t.text for t in tokens)
        return natasha_norm.recover_spaces(natasha_norm.recover_shapes(words, tokens), tokens)

    def lemma(self, text: str, pos: str | None, feats: dict | None) -> str:
        # Natasha's lemmatizer picks the pymorphy parse that agrees with the tagger
        if pos in ("PUNCT", "NUM", "SYM", None) or not _LETTER.search(text):
            return text.lower()
        # the tagger gives a word's features in one order: no need to sort for the key
        return _lemma(self.morph_vocab, text, pos, tuple((feats or {}).items()))


@lru_cache(maxsize=200_000)
def _inflect(vocab: MorphVocab, word: str, pos: str | None, gender, number, case) -> str:
    feats = {k: v for k, v in (("Gender", gender), ("Number", number), ("Case", case)) if v}
    return natasha_norm.inflect_word(vocab, SimpleNamespace(text=word, pos=pos, feats=feats))


@lru_cache(maxsize=200_000)
def _lemma(vocab: MorphVocab, text: str, pos: str, feats: tuple) -> str:
    return vocab.lemmatize(text, pos, dict(feats)).lower()


@lru_cache(maxsize=1)
def get_pymorphy() -> pymorphy2.MorphAnalyzer:
    """Plain pymorphy2 for inflection and lemmas (Natasha's MorphVocab wraps parses in UD
    tags); a dictionary only, cheap to load without the neural models."""
    return pymorphy2.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def parse_word(word: str) -> tuple:
    """pymorphy2's parses of a word, cached: the rules ask about the same words over
    and over (a dictionary lookup costs ~0.2 ms; a cache hit, nothing)."""
    return tuple(get_pymorphy().parse(word))


_ANALYZER: Analyzer | None = None


def get_analyzer() -> Analyzer:
    """The process-wide analyzer (models are ~100 MB; load them once per worker)."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = Analyzer()
    return _ANALYZER


def analyse(text: str) -> Analysis:
    return get_analyzer().analyse(text)


def analyse_many(texts: list[str]) -> list[Analysis]:
    """analyse() of each text, computed together (~25% cheaper for a few reports)."""
    return get_analyzer().analyse_many(texts)
