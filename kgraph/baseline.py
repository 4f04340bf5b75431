"""Raw Natasha as a baseline: what the off-the-shelf models give without kgraph's rules.

natasha_extract(text) -> a contract object (PERSON/ORGANIZATION/LOCATION only,
no relations), to be scored by kgraph.evaluate next to kgraph's own output.
natasha_full_stack(texts) runs the whole Natasha stack, for speed comparisons.
"""

from __future__ import annotations

from types import SimpleNamespace

NATASHA_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}

# Loading the embeddings and models takes about a second: do it once per process.
_MODELS: SimpleNamespace | None = None


def models() -> SimpleNamespace:
    """The Natasha models, loaded on first use."""
    global _MODELS
    if _MODELS is None:
        from natasha import (MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger,
                             NewsSyntaxParser, Segmenter)

        emb = NewsEmbedding()
        _MODELS = SimpleNamespace(
            segmenter=Segmenter(),
            morph=NewsMorphTagger(emb),
            syntax=NewsSyntaxParser(emb),
            ner=NewsNERTagger(emb),
            vocab=MorphVocab(),
        )
    return _MODELS


def _analyse(text: str):
    """Segment, tag morphology, parse syntax and tag NER (normalisation needs
    morphology for all spans and syntax for ORG)."""
    from natasha import Doc

    m = models()
    doc = Doc(text)
    doc.segment(m.segmenter)
    doc.tag_morph(m.morph)
    doc.parse_syntax(m.syntax)
    doc.tag_ner(m.ner)
    return doc


def natasha_extract(text: str, doc: str = "") -> dict:
    """One contract object from Natasha's NER alone: normal = span.normalize(),
    iri = "natasha:" + normal (so identical normal forms are one entity)."""
    m = models()
    entities = []
    for span in _analyse(text).spans:
        span.normalize(m.vocab)
        normal = span.normal or span.text
        entities.append({
            "id": f"T{len(entities) + 1}",
            "type": NATASHA_TYPES[span.type],
            "start": span.start,
            "end": span.stop,
            "text": text[span.start:span.stop],
            "normal": normal,
            "iri": "natasha:" + normal,
        })
    return {"doc": doc, "entities": entities, "relations": []}


def natasha_full_stack(texts) -> list:
    """Run segmentation, morphology, syntax and NER over texts; returns the
    Natasha Docs (for speed baselines)."""
    return [_analyse(t) for t in texts]
