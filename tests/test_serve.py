"""kgraph serve: the SPARQL endpoint queried by a real client (SPARQLWrapper), the pages
over HTTP, the timeout and the row cap, escaping, and ingestion while serving
(real `kgraph serve` and `kgraph ingest` processes on one store)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest

from kgraph import serve, vocab
from kgraph.serve import Outcome, Span, highlight, negotiate, page_for, uses_service

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, POST, POSTDIRECTLY  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
KG = vocab.KG
CONGRESS = vocab.report_iri("2019-10-02-congress.txt")
OMAROVA = vocab.ID + "person/omarova-de"
MAX_ROWS = 100
TIMEOUT = 3.0

SCRIPT_TEXT = (
    "Отчёт <script>alert('xss')</script> о семинаре\n\n"
    "12 марта 2019 года в Павлодаре прошёл областной семинар «<b>Новые форматы</b>». "
    "С докладом выступила главный библиотекарь Омарова Дина Ериковна <img src=x onerror=alert(1)>.\n"
)


def build_store(root: Path) -> str:
    """The fixture reports plus one report full of markup, ingested (workers=1)."""
    from kgraph.ingest import ingest
    from kgraph.store import open_store

    corpus = root / "corpus"
    shutil.copytree(FIXTURES, corpus)
    (corpus / "script.txt").write_text(SCRIPT_TEXT, encoding="utf-8")
    (corpus / "script.json").write_text(json.dumps(
        {"title": "<script>alert('title')</script> Отчёт", "date": "2019-03-13"}), encoding="utf-8")
    location = str(root / "store")
    with open_store(location, write=True) as store:
        summary = ingest([str(corpus)], store, workers=1)
    assert not summary.failed and summary.new == 4
    return location


@pytest.fixture(scope="session")
def location(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="session")
def server(location):
    s = serve.start(location, workers=2, timeout=TIMEOUT, max_rows=MAX_ROWS, refresh=0.5)
    yield s
    s.stop()


def get(server, path, accept=None, data=None, headers=None, method=None):
    """(status, headers, body) of a request; HTTP errors are returned, not raised."""
    h = dict(headers or {})
    if accept:
        h["Accept"] = accept
    req = urllib.request.Request(server.url + path, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def q(iri):
    return urllib.parse.quote(iri, safe="")


def wrapper(server, query, fmt=JSON):
    sw = SPARQLWrapper.SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


# --- SPARQL endpoint with SPARQLWrapper --------------------------------------------------

PEOPLE = """PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?person ?name WHERE { ?person a kg:Person ; skos:prefLabel ?name } ORDER BY ?name"""


def test_select_json(server):
    result = wrapper(server, PEOPLE, JSON).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["person", "name"]
    names = {b["name"]["value"]: b for b in data["results"]["bindings"]}
    assert "Омарова Дина Ериковна" in names
    b = names["Омарова Дина Ериковна"]
    assert b["person"] == {"type": "uri", "value": OMAROVA}
    assert b["name"]["xml:lang"] == "ru"


def test_select_xml(server):
    doc = wrapper(server, PEOPLE, XML).query().convert()
    assert isinstance(doc, Document)
    uris = [u.firstChild.data for u in doc.getElementsByTagName("uri")]
    assert OMAROVA in uris
    literals = doc.getElementsByTagName("literal")
    assert any(lit.getAttribute("xml:lang") == "ru" for lit in literals)


def test_select_csv_and_tsv(server):
    data = wrapper(server, PEOPLE, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["person", "name"]
    assert [OMAROVA, "Омарова Дина Ериковна"] in rows
    tsv = wrapper(server, PEOPLE, TSV).query().convert().decode("utf-8")
    lines = tsv.splitlines()
    assert lines[0] == "?person\t?name"
    assert f'<{OMAROVA}>\t"Омарова Дина Ериковна"@ru' in lines


def test_ask_and_post(server):
    sw = wrapper(server, f"ASK {{ <{OMAROVA}> a <{KG}Person> }}", JSON)
    sw.setMethod(POST)  # form-encoded
    assert sw.query().convert()["boolean"] is True
    sw = wrapper(server, PEOPLE, JSON)
    sw.setMethod(POST)
    sw.setRequestMethod(POSTDIRECTLY)  # application/sparql-query
    assert len(sw.query().convert()["results"]["bindings"]) >= 5


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's ConjunctiveGraph, in SPARQLWrapper
def test_construct_turtle_and_jsonld(server):
    construct = (f"CONSTRUCT {{ ?p ?rel ?e }} WHERE {{ BIND(<{OMAROVA}> AS ?p) "
                 f"?p ?rel ?e . FILTER(?rel = <{KG}participantIn>) }}")
    result = wrapper(server, construct, TURTLE).query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    triples = list(ox.parse(result.convert(), format=ox.RdfFormat.TURTLE))
    assert len(triples) >= 2
    assert all(t.subject == ox.NamedNode(OMAROVA) for t in triples)
    assert any("/event/congress" in t.object.value for t in triples)
    graph = wrapper(server, construct, JSONLD).query().convert()  # an rdflib Graph
    assert len(graph) == len(triples)
    status, headers, body = get(server, "/sparql?" + urllib.parse.urlencode({"query": construct}),
                                accept="application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(body.decode().strip().splitlines()) == len(triples)


def test_updates_are_refused(server, location):
    insert = f"INSERT DATA {{ <{OMAROVA}> <{KG}gender> \"x\" }}"
    sw = wrapper(server, insert, JSON)
    sw.setMethod(POST)  # SPARQLWrapper sends it as update=...
    with pytest.raises(urllib.error.HTTPError) as e:
        sw.query()
    assert e.value.code == 403
    status, _, body = get(server, "/sparql", data=insert.encode(),
                          headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, body = get(server, "/sparql?" + urllib.parse.urlencode({"query": insert}))
    assert status == 400  # an update is not a query
    status, _, _ = get(server, "/sparql?" + urllib.parse.urlencode({"update": insert}))
    assert status == 403
    ask = f'ASK {{ <{OMAROVA}> <{KG}gender> "x" }}'
    assert wrapper(server, ask, JSON).query().convert()["boolean"] is False


def test_bad_queries_are_400(server):
    status, headers, body = get(server, "/sparql?query=SELEC+nothing")
    assert status == 400 and b"syntax" in body.lower()
    assert headers["Content-Type"].startswith("text/plain")
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = get(server, "/sparql?" + urllib.parse.urlencode({"query": service}))
    assert status == 400 and b"SERVICE" in body
    status, _, _ = get(server, "/sparql", data=b"query=x", headers={"Content-Type": "text/plain"})
    assert status == 415


def test_row_cap(server):
    status, headers, body = get(server, "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o }"),
                                accept="text/csv")
    assert status == 200
    assert headers["X-Kgraph-Truncated"] == "true"
    assert headers["X-Kgraph-Row-Limit"] == str(MAX_ROWS)
    assert len(list(csv.reader(io.StringIO(body.decode())))) == MAX_ROWS + 1  # + header
    status, headers, _ = get(server, "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))
    assert headers["X-Kgraph-Truncated"] == "false"
    status, headers, body = get(server, "/sparql?query=" + q(
        "CONSTRUCT WHERE { ?s ?p ?o }"), accept="application/n-triples")
    assert headers["X-Kgraph-Truncated"] == "true"
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == MAX_ROWS


def test_timeout_stops_the_query_and_the_server_goes_on(server):
    pids = {w.pid for w in server.pool._all}
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    status, headers, body = get(server, "/sparql?query=" + q(slow))
    elapsed = time.monotonic() - started
    assert status == 503, body
    assert b"timeout" in body
    assert headers["Retry-After"]
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    # the overrunning worker was killed and replaced; the endpoint still answers
    status, _, body = get(server, "/sparql?query=" + q("ASK { ?s ?p ?o }"))
    assert status == 200 and json.loads(body)["boolean"] is True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = {w.pid for w in server.pool._all if w.alive()}
        if len(alive) == server.pool.size and alive != pids:
            break
        time.sleep(0.1)
    killed = pids - alive
    assert len(killed) == 1
    (pid,) = killed
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_content_negotiation():
    media = serve.RESULT_MEDIA
    assert negotiate(None, media, "json") == "json"
    assert negotiate("*/*", media, "json") == "json"
    assert negotiate("text/csv", media, "json") == "csv"
    assert negotiate("text/*;q=0.5, application/sparql-results+xml", media, "json") == "xml"
    assert negotiate("application/sparql-results+json;q=0.2, text/tab-separated-values",
                     media, "json") == "tsv"
    assert negotiate("image/png", media, "json") == "json"
    assert negotiate("text/csv;q=0, */*;q=0.1", media, "json") == "json"
    assert negotiate("application/ld+json", serve.GRAPH_MEDIA, "turtle") == "jsonld"
    assert serve.prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
    assert not serve.prefers_html("application/sparql-results+json")
    assert not serve.prefers_html(None)


def test_format_parameter(server):
    status, headers, body = get(server, "/sparql?format=tsv&query=" + q(PEOPLE),
                                accept="application/sparql-results+json")
    assert headers["Content-Type"].startswith("text/tab-separated-values")


def test_a_browser_asking_sparql_gets_a_page(server):
    status, headers, body = get(server, "/sparql?query=" + q(PEOPLE),
                                accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Омарова Дина Ериковна" in body.decode()
    status, headers, body = get(server, "/sparql", accept="text/html")
    assert status == 200 and b'id="yasgui"' in body
    assert b"/static/yasgui/yasgui.min.js" in body


# --- serializers and helpers ---------------------------------------------------------------


def test_serializers_round_trip_through_pyoxigraph():
    s = ox.Store()
    g = ox.NamedNode("http://example.org/g")
    terms = [ox.Literal("tab\there\nnew \"q\" <x> & é"), ox.Literal("Омарова", language="ru"),
             ox.Literal("7", datatype=ox.NamedNode(vocab.PREFIXES["xsd"] + "integer")),
             ox.NamedNode("http://example.org/a?b=1&c=<2>".replace("<", "%3C").replace(">", "%3E")),
             ox.BlankNode("b0")]
    for i, t in enumerate(terms):
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                      t, g))
    sparql = "SELECT ?s ?o ?none WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s"
    expected = [tuple(sol) for sol in s.query(sparql)]
    o = serve.evaluate(_Plain(s), sparql, None, 100)
    for fmt, parse_fmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                           ("tsv", ox.QueryResultsFormat.TSV)):
        data = serve.RESULT_FORMATS[fmt][1](o)
        parsed = ox.parse_query_results(data, format=parse_fmt)
        assert [v.value for v in parsed.variables] == ["s", "o", "none"]
        got = [tuple(sol) for sol in parsed]
        if fmt == "tsv":  # blank node ids may be renamed by the parser
            got = [r for r in got if not isinstance(r[1], ox.BlankNode)]
            want = [r for r in expected if not isinstance(r[1], ox.BlankNode)]
        else:
            want = expected
        assert got == want, fmt
    rows = list(csv.reader(io.StringIO(serve.results_csv(o).decode())))
    assert rows[0] == ["s", "o", "none"] and rows[1][1] == terms[0].value
    assert json.loads(serve.results_json(Outcome("boolean", boolean=True))) == \
        {"head": {}, "boolean": True}
    xml = serve.results_xml(Outcome("select", ["x"], [(ox.Literal("a\x0cb"),)]))
    assert list(ox.parse_query_results(xml, format=ox.QueryResultsFormat.XML))[0][0].value == "a\ufffdb"


class _Plain:
    """A bare pyoxigraph store with GraphStore's query signature."""

    def __init__(self, store):
        self.store = store

    def query(self, sparql, params=None):
        return self.store.query(sparql, use_default_graph_as_union=True)


def test_uses_service():
    assert uses_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("select * { service silent <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }")
    assert not uses_service('SELECT * { ?s ?p "SERVICE" }')
    assert not uses_service("SELECT ?service { ?service a <http://x/SERVICE> } # SERVICE")
    assert not uses_service("SELECT * { ?s ex:service ?o }")


def test_page_for():
    assert page_for(CONGRESS) == "/report?iri=" + q(CONGRESS)
    assert page_for(CONGRESS + "#T3") == "/report?iri=" + q(CONGRESS) + "#T3"
    assert page_for(OMAROVA) == "/entity?iri=" + q(OMAROVA)
    assert page_for(KG + "Congress").startswith("/entity?iri=")
    assert page_for("http://www.wikidata.org/entity/Q1") == "http://www.wikidata.org/entity/Q1"
    assert page_for("javascript:alert(1)") is None
    assert page_for("urn:x:y") is None


def _strip(html_text):
    import html as html_mod
    import re

    return html_mod.unescape(re.sub(r"<[^>]+>", "", html_text))


def _max_link_depth(html_text):
    import re

    depth = worst = 0
    for tag in re.findall(r"<(/?)a[ >]", html_text):
        depth += -1 if tag == "/" else 1
        worst = max(worst, depth)
    return worst


def test_highlight_nests_splits_and_escapes():
    text = "<b>Иван</b> & отдел библиотеки"
    #       0         11 14   19 20        30
    out = highlight(text, [Span(0, 11, "person", "/e?1", "PERSON"),
                           Span(14, 30, "org", "/e?2", "ORG", id="T2"),
                           Span(20, 30, "lib", "/e?3", "LIB"),  # nested in org
                           Span(25, 40, "bad"), Span(5, 5, "empty")])  # dropped
    assert "<b>" not in out and "&lt;b&gt;Иван&lt;/b&gt;" in out and " &amp; " in out
    assert _strip(out) == text  # the text comes back whole
    assert out.count("<mark") == out.count("</mark>") == 3
    org = out.index('<mark class="org" id="T2"')
    assert org < out.index('<mark class="lib"') < out.rindex("</mark></mark>")
    assert _max_link_depth(out) == 1  # links never nest
    assert '<a href="/e?3" title="LIB">библиотеки</a>' in out
    assert '<a href="/e?2" title="ORG">отдел </a>' in out

    # crossing spans: the later one is split where the earlier ends
    out = highlight("abcdef", [Span(0, 4, "x", "/x"), Span(2, 6, "y", "/y")])
    assert _strip(out) == "abcdef"
    assert out == ('<mark class="x"><a href="/x" title="">ab</a><mark class="y">'
                   '<a href="/y" title="">cd</a></mark></mark><mark class="y">'
                   '<a href="/y" title="">ef</a></mark>')
    assert highlight("a<b", []) == "a&lt;b"


# --- pages ----------------------------------------------------------------------------------


def test_home_lists_every_ready_question(server):
    from kgraph.query import load_queries

    status, headers, body = get(server, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for name, nq in load_queries().items():
        assert f'action="/ask/{name}"' in page
        for p in nq.params:
            assert f'name="{p.name}"' in page
    assert "https://" not in page.split("<main>")[0]  # no CDN: every asset is local
    assert '<link rel="stylesheet" href="/static/kgraph.css">' in page


def test_ask_page_and_csv(server, location):
    from kgraph.output import write_rows
    from kgraph.query import load_queries, run
    from kgraph.store import open_store

    status, _, body = get(server, "/ask/attendance")
    page = body.decode()
    assert status == 200
    assert "Омарова Дина Ериковна" in page
    assert f'href="/entity?iri={q(OMAROVA)}"' in page
    assert f'href="/report?iri={q(CONGRESS)}"' in page
    assert 'href="/ask/attendance.csv"' in page
    status, headers, body = get(server, "/ask/attendance.csv")
    assert headers["Content-Type"].startswith("text/csv")
    with open_store(location) as store:  # the same answer as `kgraph ask attendance --csv`
        result = run(store, load_queries()["attendance"], {})
    buf = io.StringIO()
    write_rows(result.variables, result.rows, "csv", buf)
    assert body.decode("utf-8") == buf.getvalue()
    status, _, body = get(server, "/ask/attendance?name=" + q("омаров"))
    page = body.decode()
    assert "Омарова Дина Ериковна" in page and "Ахметов" not in page
    status, _, body = get(server, "/ask/attendance?event_type=kg:Congress")
    assert "II Всеказахстанский съезд" in body.decode() and "семинар" not in body.decode()


def test_ask_page_errors(server):
    status, _, body = get(server, "/ask/events?from=yesterday")
    assert status == 400 and "not a date" in body.decode()
    status, _, body = get(server, "/ask/report")  # a required parameter is missing
    assert status == 400 and "needs parameter" in body.decode()
    status, _, _ = get(server, "/ask/nonexistent")
    assert status == 404
    status, _, body = get(server, "/ask/report?report=" + q(CONGRESS))
    assert status == 200 and "Нур-Султан" in body.decode()


def test_entity_page(server):
    status, _, body = get(server, "/entity?iri=" + q(OMAROVA))
    page = body.decode()
    assert status == 200
    assert "<h1>Омарова Дина Ериковна</h1>" in page
    assert "Д.Е. Омарова" in page  # another name
    assert "delegate" in page and "moderator" in page  # roles of her events
    assert "II Всеказахстанский съезд" in page  # an event
    assert "главный библиотекарь" in page  # her post
    # the evidence sentence, the mention highlighted, linked to the report at the mention
    assert '<mark class="hl m-person">Дина Ериковна Омарова</mark>' in page
    assert "В составе делегации Павлодарской области" in page
    assert f'href="/report?iri={q(CONGRESS)}#T' in page
    status, _, _ = get(server, "/entity?iri=" + q(vocab.ID + "person/nobody"))
    assert status == 404
    status, _, _ = get(server, "/entity?iri=" + q("not an iri"))
    assert status == 400
    status, headers, _ = get(server, "/entity?iri=" + q(CONGRESS))
    assert status == 200  # followed the redirect to the report page


def test_report_page(server):
    status, _, body = get(server, "/report?iri=" + q(CONGRESS))
    page = body.decode()
    assert status == 200
    assert "<h1>Библиотекари области на съезде в Нур-Султане</h1>" in page
    assert f'<a href="/entity?iri={q(OMAROVA)}" title="PERSON: Омарова Дина Ериковна">' \
           f'Дина Ериковна Омарова</a>' in page
    assert 'class="m m-event"' in page and 'id="T' in page
    # the text is whole once the markup is taken away
    import html as html_mod
    import re
    text_div = page.split('<div class="report-text" id="text">')[1].split("</div>")[0]
    original = (FIXTURES / "2019-10-02-congress.txt").read_text(encoding="utf-8")
    assert html_mod.unescape(re.sub(r"<[^>]+>", "", text_div)) == original


def test_report_with_markup_is_shown_as_text(server):
    iri = vocab.report_iri("script.txt")
    status, _, body = get(server, "/report?iri=" + q(iri))
    page = body.decode()
    assert status == 200
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Новые" not in page
    assert page.count("&lt;script&gt;alert(") == 4  # <title>, <h1>, dcterms:title, the text
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # the pages that quote it escape it too
    status, _, body = get(server, "/reports")
    assert "<script>alert" not in body.decode()
    assert "&lt;script&gt;alert(" in body.decode()
    status, _, body = get(server, "/entity?iri=" + q(OMAROVA))
    assert "<img src=x" not in body.decode()


def test_reports_page_ids_static_and_health(server):
    status, _, body = get(server, "/reports")
    assert status == 200 and body.decode().count('href="/report?iri=') == 4
    status, headers, _ = get(server, "/static/kgraph.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, headers, body = get(server, "/static/yasgui/yasgui.min.js")
    assert status == 200 and len(body) > 100_000
    assert get(server, "/static/../serve.py")[0] == 404
    assert get(server, "/static/%2e%2e/serve.py")[0] == 404
    assert get(server, "/nowhere")[0] == 404
    health = json.loads(get(server, "/health")[2])
    assert health["status"] == "ok" and health["max_rows"] == MAX_ROWS
    # /id/... stands for the instance IRI https://w3id.org/kgraph/id/...
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as e:
        opener.open(server.url + "/id/person/omarova-de")
    assert e.value.code == 303
    assert e.value.headers["Location"] == "/entity?iri=" + q(OMAROVA)
    status, _, body = get(server, "/id/report/2019-10-02-congress.txt")
    assert status == 200 and "Нур-Султане" in body.decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None



# --- the summary graph stays out of the pages; pages of ready questions -----------------

EVENT = vocab.ID + "event/congress-sezd-bibliotekarei-2019"
ASTANA = vocab.ID + "place/astana"


def _summary_in(page: str) -> list[str]:
    """What of the summary graph (graph name, kgs: terms, row nodes) a page shows."""
    from kgraph.store import KGS, SUMMARY_GRAPH, SUMMARY_ROW

    return [s for iri in (SUMMARY_GRAPH, KGS, SUMMARY_ROW) for s in (iri, q(iri)) if s in page]


def _body_rows(page: str, section: str) -> list[str]:
    import re

    part = page.split(section, 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", part.split("<tbody>", 1)[1], re.S)


def test_entity_pages_show_report_facts_not_the_summary_index(server):
    """The summary graph describes people, events and places with kgs: triples
    (name, rank, search text, dependsOn, inPlace, its rows of attendance...): an
    index for the ready questions, not facts that a report states."""
    import re

    for iri in (OMAROVA, EVENT, ASTANA):
        status, _, body = get(server, "/entity?iri=" + q(iri))
        page = body.decode()
        assert status == 200
        assert _summary_in(page) == [], iri
        facts = _body_rows(page, '<section class="facts">')
        assert facts, iri
        for row in facts:  # every fact names the reports that state it, and only them
            stated_in = row.rsplit("<td>", 1)[1]
            links = re.findall(r'href="([^"]+)"', stated_in)
            assert links and all(link.startswith("/report?iri=" + q(vocab.ID + "report/"))
                                 for link in links), row
    page = get(server, "/entity?iri=" + q(OMAROVA))[2].decode()
    # what users see stays: type, labels, attributes, facts, evidence
    assert 'class="type">Person</a>' in page
    assert "<dd>Омарова Д.Е. · Омарова Дина Ериковна</dd>" in page
    assert page.count("<dd>female</dd>") == 1  # kg:gender; kgs:gender is not listed
    assert "омарова д.е." not in page  # kgs:search, her names lower-cased
    assert "participant in" in page and "delegate" in page
    assert '<mark class="hl m-person">Дина Ериковна Омарова</mark>' in page
    event = get(server, "/entity?iri=" + q(EVENT))[2].decode()
    assert "← participant in" in event and "Омарова Дина Ериковна" in event


def test_summary_nodes_have_no_page_and_no_link(server):
    from kgraph.store import KGS, SUMMARY_GRAPH, SUMMARY_ROW

    status, _, body = get(server, "/entity?iri=" + q(SUMMARY_GRAPH))
    assert status == 404 and "summary graph" in body.decode()
    status, _, _ = get(server, "/report?iri=" + q(SUMMARY_GRAPH))
    assert status == 404  # not a report: its kgs:version is no report metadata
    rows_of = (f"SELECT ?row WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?row <{KGS}person> <{OMAROVA}> }} }}")
    rows = wrapper(server, rows_of, JSON).query().convert()["results"]["bindings"]
    row = rows[0]["row"]["value"]  # the endpoint still answers about the summary
    assert row.startswith(SUMMARY_ROW)
    status, _, body = get(server, "/entity?iri=" + q(row))
    assert status == 404 and "summary graph" in body.decode()
    status, _, body = get(server, "/sparql?query=" + q(rows_of), accept="text/html")
    assert status == 200 and row.rpartition("/")[2] in body.decode()
    assert "/entity?iri=" + q(row) not in body.decode()  # shown, not linked to a 404
    assert page_for(row) is None and page_for(KGS + "person") is None
    assert page_for(SUMMARY_GRAPH) is None


def test_report_page_and_report_list_show_no_summary(server):
    page = get(server, "/report?iri=" + q(CONGRESS))[2].decode()
    assert _summary_in(page) == []  # kgs:marker, kgs:entities are about the report too
    assert "Омарова Дина Ериковна" in page
    page = get(server, "/reports")[2].decode()
    assert _summary_in(page) == [] and page.count('href="/report?iri=') == 4


def test_ready_questions_are_paged_and_the_csv_is_whole(location):
    """With 2 rows a page, following "next page" from the first page gives every
    row of the CSV download, in its order; parameters stay on every page."""
    import html as html_mod
    import re

    s = serve.start(location, workers=1, timeout=30, max_rows=MAX_ROWS, page_rows=2)
    try:
        for params in ("", "name=" + q("о")):
            csv_path = "/ask/attendance.csv" + (f"?{params}" if params else "")
            table = list(csv.reader(io.StringIO(get(s, csv_path)[2].decode())))[1:]
            assert len(table) > 4
            want = [{v for v in row if v.startswith("https://")} for row in table]
            got, path, pages = [], "/ask/attendance" + (f"?{params}" if params else ""), 0
            while path:
                status, _, body = get(s, path)
                page = body.decode()
                assert status == 200
                rows = _body_rows(page, '<table class="results">')
                assert 1 <= len(rows) <= 2
                got += [set(re.findall(r'title="(https://[^"]+)"', r)) for r in rows]
                assert f'href="{html_mod.escape(csv_path)}"' in page  # every row, not a page
                pages += 1
                link = re.search(r'<a href="([^"]+)" rel="next">next page', page)
                path = html_mod.unescape(link.group(1)) if link else None
                if path and params:
                    assert params in path
            assert got == want and pages == (len(table) + 1) // 2
        status, _, body = get(s, "/ask/attendance?page=2")
        assert 'rel="prev">' in body.decode() and "Rows <strong>3–4</strong>" in body.decode()
        status, _, body = get(s, "/ask/attendance?page=999")
        assert status == 200 and "No rows on page 999" in body.decode()
        assert "<tbody>" not in body.decode()
        for bad in ("0", "-3", "x"):  # the first page
            assert "Rows <strong>1–2</strong>" in get(s, "/ask/attendance?page=" + bad)[2].decode()
    finally:
        s.stop()

# --- ingestion while serving ---------------------------------------------------------------------


def _kgraph(*args, **kwargs):
    return [sys.executable, "-m", "kgraph", *args]


def test_ingest_while_serving(tmp_path):
    """`kgraph serve` keeps running while `kgraph ingest` writes a new report into
    the same store; the pages show it without a restart."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("2019-03-12-seminar.txt", "2019-03-12-seminar.json"):
        shutil.copy(FIXTURES / name, first / name)
    for name in ("2019-10-02-congress.txt", "2019-10-02-congress.json"):
        shutil.copy(FIXTURES / name, second / name)
    store = str(tmp_path / "store")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(_kgraph("ingest", str(first), "--store", store, "--workers", "1", "-q"),
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    proc = subprocess.Popen(_kgraph("serve", "--port", "0", "--store", store, "--refresh", "0.5",
                                    "--workers", "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() else url

        def page(path):
            with urllib.request.urlopen(url + path, timeout=30) as resp:
                return resp.read().decode()

        assert "Семинар для сельских библиотекарей" in page("/reports")
        assert "Библиотекари области на съезде" not in page("/reports")
        assert "II Всеказахстанский съезд" not in page("/ask/attendance")

        # the operator's periodic ingest, while the server runs
        done = subprocess.run(
            _kgraph("ingest", str(second), "--store", store, "--workers", "1", "-q"),
            capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr
        assert "new 1" in done.stdout

        deadline = time.monotonic() + 30
        while "Библиотекари области на съезде" not in page("/reports"):
            assert time.monotonic() < deadline, "the new report never showed"
            time.sleep(0.25)
        assert "II Всеказахстанский съезд" in page("/ask/attendance")
        assert "Дина Ериковна Омарова" in page("/report?iri=" + q(CONGRESS))
        assert proc.poll() is None  # never restarted
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_refuses_a_missing_store(tmp_path):
    done = subprocess.run(_kgraph("serve", "--port", "0", "--store", str(tmp_path / "none")),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no store at" in done.stderr


def test_watcher_waits_for_the_writer(tmp_path, location):
    """The generation goes up when the store changed and its writer let go."""
    from kgraph.store import lock_path

    store = str(tmp_path / "store")
    shutil.copytree(location, store)
    w = serve.StoreWatcher(store, interval=0.01)
    time.sleep(0.02)
    assert w.current() == 0
    lock_path(store).write_text(json.dumps({"pid": os.getpid(), "host": __import__("socket").gethostname()}))
    (Path(store) / "999999.log").write_bytes(b"x")  # the directory changed
    time.sleep(0.02)
    assert w.current() == 0  # a live writer holds the lock: wait
    lock_path(store).write_text("")  # released
    time.sleep(0.02)
    assert w.current() == 1
    time.sleep(0.02)
    assert w.current() == 1  # nothing new
