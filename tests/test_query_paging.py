"""kgraph.query.paged: a page of a query's answer asked of the store (LIMIT/OFFSET
written into the SPARQL), checked against the full answer on a real store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph.query import QueryError, paged

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    g = ox.NamedNode(EX + "g")
    for i in range(10):
        s.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "n"),
                      ox.Literal(str(i), datatype=ox.NamedNode(
                          "http://www.w3.org/2001/XMLSchema#integer")), g))
    return s


def answer(store, sparql):
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(sparql, use_default_graph_as_union=True)]


# each query's full answer is the reference; comments and strings that mention
# LIMIT, a subquery's own LIMIT, the file's own LIMIT/OFFSET, a trailing VALUES
QUERIES = [
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY DESC(?n) # LIMIT 1, a comment at the end",
    f"SELECT ?n ?t WHERE {{ ?s <{EX}n> ?n BIND(\"LIMIT 2 OFFSET 1\" AS ?t) }} ORDER BY ?n",
    f"SELECT ?n WHERE {{ {{ SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n LIMIT 7 }} }} ORDER BY ?n",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n LIMIT 6",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n OFFSET 3",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n offset 2 limit 5",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n LIMIT 8 VALUES ?s {{ <{EX}s1> <{EX}s4> <{EX}s6> <{EX}s9> }}",
    f"SELECT ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n VALUES ?s {{ <{EX}s1> <{EX}s4> <{EX}s6> }}",
    f"SELECT (COUNT(*) AS ?c) ?k WHERE {{ ?s <{EX}n> ?n BIND(?n - 2 * FLOOR(?n / 2) AS ?k) }} "
    f"GROUP BY ?k ORDER BY ?k",
]


@pytest.mark.parametrize("sparql", QUERIES)
def test_every_page_is_the_slice_of_the_full_answer(store, sparql):
    full = answer(store, sparql)
    assert full  # the reference is not empty
    for limit in (None, 1, 2, 3, 20):
        for offset in (0, 1, 2, 5, 9, 12):
            page = answer(store, paged(sparql, limit, offset))
            end = None if limit is None else offset + limit
            assert page == full[offset:end], (limit, offset, paged(sparql, limit, offset))


def test_pages_put_together_are_the_answer(store):
    sparql = QUERIES[6]  # the file's own OFFSET 2 LIMIT 5
    full = answer(store, sparql)
    pages, offset = [], 0
    while page := answer(store, paged(sparql, 2, offset)):
        pages += page
        offset += 2
    assert pages == full and len(full) == 5


def test_the_text_keeps_subqueries_strings_and_comments():
    sub = f"SELECT ?n WHERE {{ {{ SELECT ?n WHERE {{ ?s <{EX}n> ?n }} LIMIT 7 }} }} LIMIT 9"
    text = paged(sub, 3, 4)
    assert "LIMIT 7" in text  # the subquery's own
    assert "LIMIT 9" not in text and text.rstrip().endswith("LIMIT 3 OFFSET 4")
    with_string = f'SELECT ?n WHERE {{ ?s <{EX}n> "LIMIT 5" }} # LIMIT 6'
    text = paged(with_string, 2)
    assert '"LIMIT 5"' in text and "# LIMIT 6\nLIMIT 2\n" in text
    assert paged(with_string) == with_string  # nothing asked: unchanged


def test_a_construct_and_a_describe_are_paged_too(store):
    construct = f"CONSTRUCT {{ ?s <{EX}m> ?n }} WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n"
    triples = list(store.query(paged(construct, 3, 2), use_default_graph_as_union=True))
    assert sorted(int(t.object.value) for t in triples) == [2, 3, 4]
    describe = f"DESCRIBE ?s WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n"
    assert len(list(store.query(paged(describe, 1), use_default_graph_as_union=True))) == 1


def test_bad_requests():
    with pytest.raises(QueryError, match="negative"):
        paged("SELECT * WHERE { ?s ?p ?o }", -1)
    with pytest.raises(QueryError, match="negative"):
        paged("SELECT * WHERE { ?s ?p ?o }", 1, -5)
    with pytest.raises(QueryError, match="only a query"):
        paged("INSERT DATA { <a:b> <a:c> <a:d> }", 5)
    with pytest.raises(QueryError, match="number"):
        paged("SELECT * WHERE { ?s ?p ?o } LIMIT ?x", 5)
