"""Printing query results for people (table) and for pipes (csv, tsv, json, raw).

* table: aligned columns fitted to the terminal width, long cells cut with "…",
  IRIs shortened with vocab.PREFIXES (kgid:person/ivanov-i-i); for reading only.
* csv: RFC 4180 (header row, CRLF, quotes doubled), full IRIs, literals' lexical
  values, unbound = empty.
* tsv: one line per row, values as in csv; tab, newline, CR and backslash
  inside a value are written \\t \\n \\r \\\\ so every row stays one line.
* json: a list of objects keyed by variable; values are strings (IRI, or a
  literal's lexical value), unbound is null.
* raw (`write_raw`): pyoxigraph's own serializers of the unread query result:
  SPARQL results JSON (srj), XML (srx), TSV, CSV; CONSTRUCT results as RDF.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from typing import IO, Iterable

import pyoxigraph as ox

from kgraph import vocab

ROW_FORMATS = ("table", "csv", "tsv", "json")
RAW_FORMATS = {
    "srj": ox.QueryResultsFormat.JSON,
    "srx": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
    "csv": ox.QueryResultsFormat.CSV,
}
ELLIPSIS = "…"
MIN_COL = 3  # a column never gets narrower than this ("ab…")
_NUMERIC = {vocab.PREFIXES["xsd"] + t for t in ("integer", "decimal", "double", "float", "int", "long")}


# --- turning terms into text ------------------------------------------------------


def plain(term) -> str | None:
    """The value machines want: full IRI, literal's lexical form, None if unbound."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)  # RDF-star triples, or plain Python values


def short(term) -> str:
    """The value people want: prefixed IRIs, "" for unbound."""
    if isinstance(term, ox.NamedNode):
        return shorten_iri(term.value)
    value = plain(term)
    return "" if value is None else value


def shorten_iri(iri: str) -> str:
    best = max((ns for ns in vocab.PREFIXES.values() if iri.startswith(ns)),
               key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in vocab.PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


# --- rows ---------------------------------------------------------------------------


def write_rows(variables: list[str], rows: Iterable[dict], fmt: str, out: IO[str],
               *, width: int | None = None) -> None:
    """Write SELECT-like rows (variable -> term or None) in a ROW_FORMATS format."""
    rows = list(rows)
    if fmt == "table":
        _write_table(variables, rows, out, width or terminal_width())
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\r\n")  # RFC 4180
        w.writerow(variables)
        for r in rows:
            w.writerow(["" if (v := plain(r.get(k))) is None else v for k in variables])
    elif fmt == "tsv":
        out.write("\t".join(variables) + "\n")
        for r in rows:
            out.write("\t".join(_tsv_escape(plain(r.get(k))) for k in variables) + "\n")
    elif fmt == "json":
        data = [{k: plain(r.get(k)) for k in variables} for r in rows]
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(ROW_FORMATS)}")


def _tsv_escape(value: str | None) -> str:
    if value is None:
        return ""
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def terminal_width() -> int:
    # $COLUMNS, else the terminal's size, else 80 (pipes, tests)
    return shutil.get_terminal_size((80, 24)).columns


def _write_table(variables, rows, out, width: int) -> None:
    cells = [[_one_line(short(r.get(k))) for k in variables] for r in rows]
    natural = [max([_width(v)] + [_width(row[i]) for row in cells])
               for i, v in enumerate(variables)]
    widths = fit_widths(natural, width, sep=2)
    right = [_numeric_column(rows, k) for k in variables]

    def line(values):
        parts = [_pad(_cut(v, w), w, r) for v, w, r in zip(values, widths, right)]
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(variables))
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row))
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def fit_widths(natural: list[int], total: int, sep: int = 2) -> list[int]:
    """Column widths summing (with separators) to at most `total`: the widest
    columns give way first, so short columns (dates, counts) stay whole."""
    avail = total - sep * (len(natural) - 1)
    if sum(natural) <= avail:
        return list(natural)
    # the largest cap such that sum(min(w, cap)) fits...
    cap = max(MIN_COL, avail // max(len(natural), 1))
    while sum(min(w, cap + 1) for w in natural) <= avail:
        cap += 1
    widths = [min(w, cap) for w in natural]
    # ...and the few cells left over go to the first capped columns
    spare = avail - sum(widths)
    for i, w in enumerate(natural):
        if spare > 0 and w > cap:
            widths[i] += 1
            spare -= 1
    return widths


def _numeric_column(rows, key) -> bool:
    values = [r.get(key) for r in rows if r.get(key) is not None]
    return bool(values) and all(isinstance(v, ox.Literal) and v.datatype.value in _NUMERIC
                                for v in values)


def _one_line(text: str) -> str:
    return " ".join(text.split()) if any(c in text for c in "\n\r\t") else text


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _cut(text: str, width: int) -> str:
    """Truncate to `width` terminal cells, ending with "…" when cut."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


# --- raw SPARQL results ---------------------------------------------------------------


def write_raw(result, fmt: str, out: IO) -> None:
    """Serialize an unread pyoxigraph result (query.run_raw) with pyoxigraph.

    SELECT/ASK: srj, srx, tsv, csv (the W3C SPARQL results formats; tsv writes
    terms in N-Triples syntax, unlike write_rows' tsv). CONSTRUCT/DESCRIBE: an
    RDF format name from kgraph.store.FORMATS (turtle, nt, rdfxml...).
    `out` may be a binary or a text stream.
    """
    if isinstance(result, ox.QueryTriples):
        from kgraph.store import FORMATS
        if fmt not in FORMATS:
            raise ValueError(f"a graph result needs an RDF format: {', '.join(FORMATS)}")
        data = result.serialize(format=FORMATS[fmt])
    else:
        if fmt not in RAW_FORMATS:
            raise ValueError(f"unknown results format {fmt!r}; choose from {', '.join(RAW_FORMATS)}")
        data = result.serialize(format=RAW_FORMATS[fmt])
    _write_bytes(out, data)


def _write_bytes(out: IO, data: bytes) -> None:
    if isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
        buffer = getattr(out, "buffer", None)
        if buffer is None:  # e.g. io.StringIO
            out.write(data.decode("utf-8"))
            return
        out.flush()  # keep ordering with text already written
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data)


# --- dicts (stats and similar) --------------------------------------------------------


def write_object(obj: dict, fmt: str, out: IO[str]) -> None:
    """A dict result: table = aligned "key  value" lines (nested dicts indented),
    json = the dict; csv/tsv = key,value rows with dotted keys."""
    if fmt == "json":
        json.dump(obj, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "table":
        lines = list(_object_lines(obj, 0))
        keyw = max((len(k) for k, _ in lines if _ is not None), default=0)
        for key, value in lines:
            out.write(key + "\n" if value is None else f"{key.ljust(keyw)}  {value}\n")
    elif fmt in ("csv", "tsv"):
        flat = list(_flatten(obj, ""))
        if fmt == "csv":
            w = csv.writer(out, lineterminator="\r\n")
            w.writerow(["key", "value"])
            w.writerows(flat)
        else:
            out.write("key\tvalue\n")
            for k, v in flat:
                out.write(f"{_tsv_escape(k)}\t{_tsv_escape(str(v))}\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(ROW_FORMATS)}")


def _object_lines(obj: dict, depth: int):
    for key, value in obj.items():
        indent = "  " * depth
        if isinstance(value, dict):
            yield indent + str(key), None
            yield from _object_lines(value, depth + 1)
        else:
            yield indent + str(key), "" if value is None else str(value)


def _flatten(obj: dict, prefix: str):
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, "" if value is None else value
