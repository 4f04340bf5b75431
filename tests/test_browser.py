"""The pages in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven
by playwright. Skipped when the browser or playwright is absent; `.ci/run` installs
both. Never `playwright install` (it downloads browsers)."""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from kgraph import serve, vocab  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCRIPT_TEXT = "Отчёт <script>alert('xss')</script> о семинаре в Павлодаре.\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kgraph.ingest import ingest
    from kgraph.store import open_store

    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(FIXTURES, corpus)
    (corpus / "script.txt").write_text(SCRIPT_TEXT, encoding="utf-8")
    (corpus / "script.json").write_text(json.dumps({"title": "<script>alert('t')</script>"}),
                                        encoding="utf-8")
    location = str(root / "store")
    with open_store(location, write=True) as store:
        assert not ingest([str(corpus)], store, workers=1).failed
    s = serve.start(location, workers=1, timeout=20)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    pg = context.new_page()
    outside, dialogs, errors = [], [], []

    def check_request(request):  # every request stays on this server (offline)
        if not request.url.startswith((server.url, "data:", "about:")):
            outside.append(request.url)

    pg.on("request", check_request)
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    assert not outside, f"requests left the server: {outside}"
    assert not dialogs, f"a script ran: {dialogs}"
    assert not errors, f"JavaScript errors: {errors}"


def test_question_to_person_to_evidence_to_report(page, server):
    page.goto(server.url + "/")
    form = page.locator("form#form-attendance")
    form.get_by_role("button", name="Answer").click()
    page.wait_for_url("**/ask/attendance*")
    table = page.locator("table.results")
    sync_api.expect(table).to_contain_text("Омарова Дина Ериковна")
    assert page.get_by_role("link", name="Download CSV").get_attribute("href") == \
        "/ask/attendance.csv"

    # follow a person to their page
    table.get_by_role("link", name="Омарова Дина Ериковна").first.click()
    page.wait_for_url("**/entity?iri=*")
    sync_api.expect(page.locator("h1")).to_have_text("Омарова Дина Ериковна")
    # the summary graph's index (kgs: names, ranks, search texts, rows) is not shown
    sync_api.expect(page.locator("main")).not_to_contain_text("summary")
    facts = page.locator("section.facts tbody tr")
    assert facts.count() >= 3
    for i in range(facts.count()):  # each fact links to the reports that state it
        stated_in = facts.nth(i).locator("td").last.locator("a")
        assert stated_in.count() >= 1
        assert all(stated_in.nth(j).get_attribute("href").startswith("/report?iri=")
                   for j in range(stated_in.count()))
    # the evidence sentence, with the mention highlighted
    evidence = page.locator("blockquote.sentence", has_text="В составе делегации")
    sync_api.expect(evidence).to_be_visible()
    mark = evidence.locator("mark.hl")
    sync_api.expect(mark).to_have_text("Дина Ериковна Омарова")
    background = mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    # to the report, at the mention
    page.locator("ol.evidence li", has=evidence).locator("p.source a").first.click()
    page.wait_for_url("**/report?iri=*")
    sync_api.expect(page.locator("h1")).to_have_text("Библиотекари области на съезде в Нур-Султане")
    fragment = urllib.parse.urlsplit(page.url).fragment
    target = page.locator(f'mark[id="{fragment}"]')
    sync_api.expect(target).to_have_text("Дина Ериковна Омарова")
    # entities in the text link to their pages
    link = page.locator("#text a", has_text="Нур-Султане").first
    assert link.get_attribute("href").startswith("/entity?iri=")


def test_report_with_a_script_shows_it_as_text(page, server):
    iri = vocab.report_iri("script.txt")
    page.goto(server.url + "/report?iri=" + urllib.parse.quote(iri, safe=""))
    text = page.locator("#text")
    sync_api.expect(text).to_contain_text("<script>alert('xss')</script>")
    sync_api.expect(page.locator("h1")).to_have_text("<script>alert('t')</script>")
    assert page.locator("main script").count() == 0


def test_events_question_with_a_parameter(page, server):
    page.goto(server.url + "/")
    form = page.locator("form#form-events")
    form.locator('input[name="event_type"]').fill("kg:Congress")
    form.get_by_role("button", name="Answer").click()
    page.wait_for_url("**/ask/events?*")
    rows = page.locator("table.results tbody tr")
    sync_api.expect(rows).to_have_count(1)
    sync_api.expect(rows.first).to_contain_text("Всеказахстанский съезд")


def test_sparql_editor_runs_a_query(page, server):
    page.goto(server.url + "/sparql")
    sync_api.expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    page.locator(".yasqe_queryButton").click()
    sync_api.expect(page.locator(".yasr")).to_contain_text("Омарова Дина Ериковна")
