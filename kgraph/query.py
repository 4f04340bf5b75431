"""Named queries: `queries/*.rq` files with a header, bound parameters, results.

A query file starts with comment lines:

    # title: Who attended which event
    # description: People who took part in events ...
    #   (an indented comment line continues the previous field)
    # param: event_type iri optional -- an event class
    # param: person string optional -- part of the person's name, case-insensitive

`# param: NAME TYPE optional|required -- description`, TYPE in iri|string|date|integer.
A parameter NAME is the SPARQL variable ?NAME, bound with Oxigraph's
substitutions (the value is never pasted into the query text). Oxigraph 0.5
imposes two rules on such variables, checked by `parse_query_file`:

* in a SELECT, ?NAME must be in the projection (`SELECT ?event ?person ...`),
  otherwise Oxigraph refuses the substitution; SELECT * does not count;
* do not test BOUND(?NAME) when no pattern binds ?NAME: Oxigraph folds it to
  false before substituting, so `FILTER(!BOUND(?p) || ...)` keeps every row.
  For an optional parameter write `COALESCE(...)`: e.g.
  `FILTER(COALESCE(CONTAINS(LCASE(?name), LCASE(?person)), true))` or
  `FILTER(?type = COALESCE(?event_type, ?type))`, or use ?NAME in a triple
  pattern (`?event a ?event_type`), where an unset parameter matches anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgraph import vocab

TYPES = ("iri", "string", "date", "integer")
XSD = vocab.PREFIXES["xsd"]


class QueryError(ValueError):
    """A bad query file, an unknown query, or a bad parameter value."""


@dataclass
class Param:
    name: str
    type: str  # one of TYPES
    required: bool
    description: str = ""


@dataclass
class NamedQuery:
    name: str  # the file stem
    title: str
    description: str
    params: list[Param]
    sparql: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class Result:
    """A query's outcome, fully read. `kind`: select | boolean (ASK) | graph
    (CONSTRUCT/DESCRIBE: `triples`, also given as subject/predicate/object rows)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # name -> term, None if unbound
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    def serialize(self, format: str = "turtle") -> bytes:
        """A graph result as RDF (format names of kgraph.store.FORMATS)."""
        from kgraph.store import FORMATS, SERIALIZE_PREFIXES

        if format not in FORMATS:
            raise QueryError(f"unknown RDF format {format!r}; choose from {', '.join(FORMATS)}")
        return ox.serialize(self.triples, format=FORMATS[format], prefixes=SERIALIZE_PREFIXES)


# --- finding and parsing query files ---------------------------------------------------


def queries_dir() -> Path:
    """$KGRAPH_QUERIES, else the copy packed into the wheel, else <repo>/queries."""
    env = os.environ.get("KGRAPH_QUERIES")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    packed = package / "_data" / "queries"  # hatch force-include in wheel installs
    if packed.is_dir():
        return packed
    return package.parent / "queries"  # editable install / source checkout


def load_queries(dir: str | os.PathLike | None = None) -> dict[str, NamedQuery]:
    d = Path(dir) if dir is not None else queries_dir()
    if not d.is_dir():
        raise QueryError(f"no queries directory at {d} (set KGRAPH_QUERIES)")
    return {p.stem: parse_query_file(p) for p in sorted(d.glob("*.rq"))}


_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(optional|required)\s*(?:--\s*(.*))?$")
_FIELD = re.compile(r"^#\s?(title|description|param):\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")  # "#   more text" continues a field


def parse_query_file(path: str | os.PathLike) -> NamedQuery:
    """Read a query file's header (the leading comment lines) and check the query.
    Comment lines that are neither fields nor indented continuations (e.g. a
    "# Columns: ..." note) are free text."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Param] = []
    last = None  # the field (name or Param) a continuation line extends
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        if m := _FIELD.match(stripped):
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                last = _parse_param(value, path, lineno)
                if any(p.name == last.name for p in params):
                    raise QueryError(f"{path}:{lineno}: param {last.name} declared twice")
                params.append(last)
            else:
                fields[key] = value
                last = key
        elif (m := _CONTINUATION.match(stripped)) and last is not None:
            more = m.group(1).strip()
            if isinstance(last, Param):
                last.description = f"{last.description} {more}".strip()
            else:
                fields[last] = f"{fields[last]} {more}".strip()
        else:
            last = None
    q = NamedQuery(name=path.stem, title=fields.get("title", path.stem),
                   description=fields.get("description", ""), params=params,
                   sparql=text, path=path)
    check_query(q)
    return q


def _parse_param(spec: str, path: Path, lineno: int) -> Param:
    m = _PARAM.match(spec)
    if not m:
        raise QueryError(f"{path}:{lineno}: bad param line {spec!r}; expected "
                         f"'NAME TYPE optional|required -- description'")
    name, ptype, req, desc = m.groups()
    if ptype not in TYPES:
        raise QueryError(f"{path}:{lineno}: param {name}: unknown type {ptype!r}; "
                         f"use one of {', '.join(TYPES)}")
    return Param(name, ptype, req == "required", (desc or "").strip())


def check_query(q: NamedQuery) -> None:
    """Fail early on what Oxigraph would reject or silently get wrong at run time:
    a syntax error, a SELECT not projecting a parameter, BOUND(?param)."""
    where = f"{q.path or q.name}"
    dummy = {ox.Variable(p.name): ox.Literal("x") for p in q.params}
    try:
        # an empty in-memory store: parses and plans the query, touches no data
        ox.Store().query(q.sparql, substitutions=dummy or None,
                         prefixes=vocab.PREFIXES)
    except SyntaxError as e:
        raise QueryError(f"{where}: SPARQL syntax error: {e}") from None
    except RuntimeError as e:
        if "projection" in str(e):
            raise QueryError(f"{where}: {e}: Oxigraph can only bind parameters "
                             f"that the SELECT lists; add them to it") from None
        raise QueryError(f"{where}: {e}") from None
    for p in q.params:
        if re.search(r"BOUND\s*\(\s*[?$]" + re.escape(p.name) + r"\b", q.sparql, re.I):
            # conservative: BOUND is fine when a pattern binds ?p, but that is rare
            # for a parameter and the silent failure is costly
            raise QueryError(f"{where}: BOUND(?{p.name}) on a parameter is false even "
                             f"when it is given (Oxigraph 0.5); use COALESCE, "
                             f"see kgraph/query.py")


# --- binding parameters ---------------------------------------------------------


def bind(q: NamedQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check and convert command-line strings to RDF terms for q's parameters."""
    names = [p.name for p in q.params]
    for name in values:
        if name not in names:
            valid = ", ".join(names) if names else "none"
            raise QueryError(f"unknown parameter {name!r} for query {q.name!r}; "
                             f"valid parameters: {valid}")
    terms = {}
    for p in q.params:
        raw = values.get(p.name)
        if raw is None or raw == "":
            if p.required:
                raise QueryError(f"query {q.name!r} needs parameter {p.name!r} "
                                 f"({p.type}): {p.description}")
            continue
        terms[p.name] = to_term(raw, p.type, p.name)
    return terms


def to_term(raw: str, ptype: str, name: str = "value") -> ox.NamedNode | ox.Literal:
    if ptype == "iri":
        return _iri(raw, name)
    if ptype == "date":
        return _date(raw, name)
    if ptype == "integer":
        try:
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError:
            raise QueryError(f"{name}: {raw!r} is not an integer") from None
    return ox.Literal(raw)  # string: a plain xsd:string literal


# YYYY-MM-DD -> xsd:date; the partial dates reports have: YYYY-MM, YYYY
_DATE_TYPES = ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear"))


def _date(raw: str, name: str) -> ox.Literal:
    raw = raw.strip()
    for pattern, xsd_type in _DATE_TYPES:
        if re.fullmatch(pattern, raw):
            return ox.Literal(raw, datatype=ox.NamedNode(XSD + xsd_type))
    raise QueryError(f"{name}: {raw!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def typed_values(values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for ad hoc SPARQL parameters, whose types are not declared: <iri>,
    http(s)://..., a known prefix (kg:Congress) -> IRI; digits -> xsd:integer;
    YYYY-MM-DD / YYYY-MM -> as for `date`; "in double quotes" or anything else
    -> a string."""
    terms = {}
    for name, raw in values.items():
        value = raw.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            terms[name] = ox.Literal(value[1:-1])
        elif (value.startswith("<") and value.endswith(">")) or re.match(r"^https?://", value) \
                or (":" in value and value.split(":", 1)[0] in vocab.PREFIXES):
            terms[name] = _iri(value, name)
        elif re.fullmatch(r"[-+]?\d+", value):
            terms[name] = to_term(value, "integer", name)
        elif re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
            terms[name] = _date(value, name)
        else:
            terms[name] = ox.Literal(raw)
    return terms


def _iri(raw: str, name: str) -> ox.NamedNode:
    """<full IRI>, a full IRI, or prefixed (kg:Congress) with vocab.PREFIXES."""
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    elif ":" in raw and not re.match(r"^[a-zA-Z][\w+.-]*://", raw):
        prefix, local = raw.split(":", 1)
        if prefix not in vocab.PREFIXES:
            raise QueryError(f"{name}: unknown prefix {prefix!r} in {raw!r}; known: "
                             f"{', '.join(vocab.PREFIXES)}")
        raw = vocab.PREFIXES[prefix] + local
    if not re.match(r"^[a-zA-Z][\w+.-]*:", raw):
        raise QueryError(f"{name}: {raw!r} is not an IRI (write kg:Congress or a full IRI)")
    try:
        return ox.NamedNode(raw)
    except ValueError as e:
        raise QueryError(f"{name}: {raw!r} is not a valid IRI: {e}") from None


# --- paging -----------------------------------------------------------------------


def paged(sparql: str, limit: int | None = None, offset: int = 0) -> str:
    """The query's text asking only for rows offset .. offset+limit-1 of its answer.

    The window is written into the query's own top-level LIMIT / OFFSET, so the
    store returns only those rows (and, without ORDER BY, stops early). A LIMIT
    or OFFSET the query already has is kept as the edge of its answer: a file
    ending `OFFSET 10 LIMIT 100`, paged with limit=50, offset=80, gives its rows
    80..99 (`LIMIT 20 OFFSET 90`). LIMIT and OFFSET of subqueries and the text
    of strings, IRIs and comments are left alone (the text is tokenized, as for
    remote parameter binding); a trailing VALUES clause stays last.
    """
    if limit is None and not offset:
        return sparql
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError("limit and offset must not be negative")
    from kgraph.store import _FORMS, _is_word, _tokens

    toks = _tokens(sparql)
    start = next((i for i, t in enumerate(toks) if _is_word(t, *_FORMS)), None)
    if start is None:
        raise QueryError("only a query (SELECT, CONSTRUCT, DESCRIBE, ASK) can be paged")
    own = {"LIMIT": None, "OFFSET": None}
    spans: list[tuple[int, int]] = []  # the query's own LIMIT n / OFFSET n, to replace
    trailing_values = None
    depth = 0
    for i in range(start, len(toks)):
        kind, text, begin, _ = toks[i]
        if kind == "punct" and text in "{(":
            depth += 1
        elif kind == "punct" and text in "})":
            depth -= 1
        elif depth == 0 and _is_word(toks[i], "LIMIT", "OFFSET"):
            number = toks[i + 1] if i + 1 < len(toks) else None
            if number is None or not re.fullmatch(r"\d+", number[1]):
                raise QueryError(f"{text} must be followed by a number")
            own[text.upper()] = int(number[1])
            spans.append((begin, number[3]))
        elif depth == 0 and _is_word(toks[i], "VALUES") and trailing_values is None:
            trailing_values = begin
    first = (own["OFFSET"] or 0) + offset
    count = limit
    if own["LIMIT"] is not None:
        left = max(0, own["LIMIT"] - offset)
        count = left if limit is None else min(limit, left)
    clause = " ".join(([f"LIMIT {count}"] if count is not None else [])
                      + ([f"OFFSET {first}"] if first else []))
    at = spans[0][0] if spans else trailing_values if trailing_values is not None else len(sparql)
    for begin, end in sorted(spans, reverse=True):
        sparql = sparql[:begin] + sparql[end:]
    # own line: the text before may end with a comment
    return sparql[:at] + f"\n{clause}\n" + sparql[at:]


# --- running ----------------------------------------------------------------------


def run_raw(store, sparql_or_query, params: dict | None = None):
    """The unread pyoxigraph result (for output.write_raw). `params`: terms, or
    strings when given a NamedQuery (they are then checked with `bind`)."""
    sparql, terms = _prepare(sparql_or_query, params)
    try:
        return store.query(sparql, terms)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error: {e}") from None


def run(store, sparql_or_query, params: dict | None = None) -> Result:
    raw = run_raw(store, sparql_or_query, params)
    if isinstance(raw, ox.QueryBoolean):
        return Result("boolean", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [{v: sol[v] for v in variables} for sol in raw]
        return Result("select", variables=variables, rows=rows)
    triples = list(raw)  # CONSTRUCT / DESCRIBE; shown as subject/predicate/object rows
    return Result("graph", variables=["subject", "predicate", "object"], triples=triples,
                  rows=[{"subject": t.subject, "predicate": t.predicate,
                         "object": t.object} for t in triples])


def _prepare(sparql_or_query, params):
    params = params or {}
    if isinstance(sparql_or_query, NamedQuery):
        if all(isinstance(v, str) for v in params.values()):
            params = bind(sparql_or_query, params)
        return sparql_or_query.sparql, params
    return sparql_or_query, params
