"""Namespaces and the IRI scheme: deterministic IRIs from normalised identities."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

BASE = "https://w3id.org/kgraph/"
KG = BASE + "ontology#"  # the kgraph ontology (ontologies/kgraph.ttl)
ID = BASE + "id/"  # instance data

PREFIXES = {
    "kg": KG,
    "kgid": ID,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# entity type -> the path segment of its IRIs
KIND = {
    "PERSON": "person",
    "ORGANIZATION": "org",
    "LOCATION": "place",
    "EVENT": "event",
    "PROFESSION": "post",
    "DATE": "date",
}

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Kazakh letters
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}


def translit(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(_TRANSLIT.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=100_000)  # every mention of an entity asks again
def slug(text: str, max_len: int = 80) -> str:
    """A readable ASCII slug; long keys get a short hash so they stay unique."""
    s = unicodedata.normalize("NFKD", translit(text))
    s = s.encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"
    if len(s) > max_len:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        s = s[: max_len - 9].rstrip("-") + "-" + digest
    return s


def entity_iri(etype: str, key: str) -> str:
    """IRI of an entity of type `etype` whose normalised identity is `key`."""
    return f"{ID}{KIND[etype]}/{slug(key)}"


def report_iri(report_id: str) -> str:
    """The report's IRI, also the name of the graph that holds its facts."""
    return f"{ID}report/{quote(report_id, safe='/-_.')}"


def mention_iri(report_id: str, mention_id: str) -> str:
    return f"{report_iri(report_id)}#{mention_id}"


def run_iri(run_id: str) -> str:
    return f"{ID}run/{run_id}"

RDF_TYPE = PREFIXES["rdf"] + "type"
