"""The extraction stage: a Report -> its mentions, relations and identities."""

from __future__ import annotations

from kgraph.analyse import analyse
from kgraph.entities import find_entities
from kgraph.model import Extraction, Report
from kgraph.relations import extract_relations
from kgraph.resolve import resolve_document


def extract(report: Report) -> Extraction:
    an = analyse(report.text)
    mentions = find_entities(an, report)
    relations = extract_relations(an, mentions, report)
    ex = Extraction(report, mentions, relations, [(s.start, s.end) for s in an.sents])
    resolve_document(ex)
    return ex
