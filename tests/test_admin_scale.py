"""Administration over some 300 real documents (the fiches-travail and service-public sheets), in
a real browser (Debian's headless Chromium driven by Playwright): each section reachable, the
curator's view searched and paged, passages folded, no date cut, the last harvest's failures on top."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from datetime import datetime, timezone

import lxml.html
import pytest
from conftest import CORPUS

from drive import CHROMIUM, browser, open_page, running_ui, settled
from ingest.overview import PAGE_SIZE

pytestmark = pytest.mark.browser

PASSWORD = "s3cret"
SERVICE_PUBLIC = 50  # sheets added to the 265 fiches-travail pages: past 300 documents
FAILURES = [{"url": "https://centre.example/publications/rapport-annuel-2025.pdf", "reason": "HTTP 503"},
            {"url": "https://centre.example/publications/guide-tutorat.docx",
             "reason": "the file is larger than the limit (50 MB)"}]
FULL_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FRENCH_DATE = re.compile(r"\b\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4}\b")
SECTIONS = {"Publications": "Ajouter des publications", "Le site": "Site du centre de ressources",
            "Documents": "Les documents tels que Boussole les voit", "Visiteurs": "Ce que cherchent les visiteurs"}


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]


def trimmed_copies(dest):
    """Each page cut to its title and first sentence (its <head> kept: title, canonical address),
    in a temporary folder: ~300 documents of one passage each, embedded by the real model in about
    a minute; whole pages are thousands of passages."""
    fiches = dest / "fiches-travail"
    fiches.mkdir(parents=True)
    for page in sorted((CORPUS / "fiches-travail").glob("*.html")):
        raw = page.read_text(encoding="utf-8")
        tree = lxml.html.fromstring(raw)
        first = next((p.text_content() for p in tree.iter("p") if p.text_content().strip()), "")
        (fiches / page.name).write_text(
            f"{raw[:raw.index('</head>') + 7]}<body><h1>{html.escape(tree.findtext('.//h1') or '')}</h1>"
            f"<p>{html.escape(first_sentence(first))}</p></body></html>", encoding="utf-8")
    (fiches / "catalogue.csv").write_bytes((CORPUS / "fiches-travail" / "catalogue.csv").read_bytes())
    sheets = dest / "service-public"
    sheets.mkdir()
    with open(CORPUS / "service-public" / "catalogue.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:SERVICE_PUBLIC]
    for row in rows:
        text = (CORPUS / "service-public" / row["file"]).read_text(encoding="utf-8")
        (sheets / row["file"]).write_text(first_sentence(next(t for t in text.splitlines() if t.strip())) + "\n",
                                          encoding="utf-8")
    with open(sheets / "catalogue.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return dest


@pytest.fixture(scope="module")
def large_index(base_settings, embedder, tmp_path_factory):
    """~300 documents indexed, and a harvest that ended an hour ago with two failures, recorded as
    the harvest records it."""
    from core.store import write_last_harvest
    from ingest.refresh import refresh
    folder = tmp_path_factory.mktemp("admin-scale")
    settings = base_settings.with_(data_dir=folder / "data", index_dir=folder / "index",
                                   sources=trimmed_copies(folder / "sources"))
    report = refresh(settings, embedder=embedder)
    assert report.failed == 0 and report.documents >= 300, (report.documents, report.failures)
    finished = datetime.now(timezone.utc).replace(microsecond=0)
    write_last_harvest(settings.index_path, {
        "finished_at": finished.isoformat(), "ok": False,
        "counts": {"downloaded": 4, "unchanged": 290, "removed": 1}, "failures": FAILURES})
    return settings, report.documents


@pytest.fixture(scope="module")
def app_url(large_index):
    settings, _ = large_index
    env = {"BOUSSOLE_ADMIN_PASSWORD": PASSWORD, "BOUSSOLE_SOURCES": str(settings.sources_path),
           "BOUSSOLE_DATA_DIR": str(settings.data_dir)}
    with running_ui(settings.index_path, env) as url:
        yield url


@pytest.fixture(scope="module")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium (make browser)")
    with browser() as b:
        yield b


def signed_in(chromium_browser, app_url, width=1280):
    page = chromium_browser.new_page(viewport={"width": width, "height": 900})
    open_page(page, f"{app_url}/administration")
    password = page.get_by_label("Mot de passe", exact=True)
    password.fill(PASSWORD)
    page.keyboard.press("Enter")
    password.wait_for(state="detached", timeout=60_000)
    page.get_by_role("tab", name="Documents").wait_for(timeout=60_000)
    settled(page)
    return page


@pytest.fixture
def admin(chromium_browser, app_url):
    page = signed_in(chromium_browser, app_url)
    yield page
    page.close()


def documents_tab(page):
    page.get_by_role("tab", name="Documents").click()
    page.get_by_role("heading", name=SECTIONS["Documents"]).wait_for(timeout=30_000)
    settled(page)


def caption_of_list(page) -> str:
    return page.get_by_text(re.compile(r"document\(s\) sur \d+ ; page")).inner_text()


def test_the_last_harvests_failures_are_on_top_each_with_its_address_and_reason(admin):
    headline = admin.get_by_text(re.compile(r"^Cette nuit \("))
    assert "2 en échec" in headline.inner_text()
    tabs_top = admin.get_by_role("tablist").bounding_box()["y"]
    for failure in FAILURES:
        line = admin.locator("li").filter(has_text=failure["url"])
        assert failure["reason"] in line.inner_text()
        assert line.is_visible() and line.bounding_box()["y"] < tabs_top  # above the sections, seen on landing


def test_each_section_is_reachable_by_its_tab(admin):
    for tab, heading in SECTIONS.items():
        admin.get_by_role("tab", name=tab).click()
        admin.get_by_role("heading", name=heading).wait_for(timeout=30_000)
        assert admin.get_by_role("heading", name=heading).is_visible()
        for other in set(SECTIONS.values()) - {heading}:
            assert not admin.get_by_role("heading", name=other).is_visible()


def test_the_curators_view_shows_a_page_of_documents_and_moves_to_the_next(admin, large_index):
    _, count = large_index
    documents_tab(admin)
    pages = -(-count // PAGE_SIZE)
    assert caption_of_list(admin) == f"{count} document(s) sur {count} ; page 1 sur {pages}."
    chooser = admin.locator(".st-key-curator input")
    first_of_page_1 = chooser.input_value()
    chooser.click()
    admin.keyboard.press("ArrowDown")
    options = admin.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    assert options.count() == PAGE_SIZE  # one page of the 300, not all of them
    admin.keyboard.press("Escape")
    admin.get_by_test_id("stNumberInputStepUp").click()
    admin.get_by_text(f"page 2 sur {pages}.").wait_for(timeout=30_000)
    settled(admin)
    assert caption_of_list(admin) == f"{count} document(s) sur {count} ; page 2 sur {pages}."
    assert chooser.input_value() != first_of_page_1


def test_searching_the_curators_view_narrows_it_to_the_matching_document(admin, large_index):
    _, count = large_index
    documents_tab(admin)
    box = admin.get_by_label("Chercher un document (mots du titre ou du fichier)")
    box.fill("demission")  # accents aside
    box.press("Enter")
    admin.get_by_text(re.compile(rf"^\d document\(s\) sur {count} ; page 1 sur 1\.$")).wait_for(timeout=30_000)
    settled(admin)
    assert "démission" in admin.locator(".st-key-curator input").input_value().lower()


def test_a_documents_passages_are_folded_until_asked_for(admin):
    documents_tab(admin)
    fold = admin.get_by_test_id("stExpander").filter(has_text="passage(s), tels qu'ils seront cités")
    passages = fold.locator("ol.bsl-passages")
    assert fold.locator("details").get_attribute("open") is None
    assert not passages.is_visible()
    fold.locator("summary").click()
    passages.wait_for(state="visible", timeout=10_000)


CUT_DATES = """() => {
  const dated = /\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2} [a-zéû]+\\.? \\d{4}\\b/;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.offsetParent !== null && dated.test(e.value ?? e.textContent))
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
    .map(e => (e.value ?? e.textContent).slice(0, 80));
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_no_date_is_cut_on_a_phone_or_a_desktop(chromium_browser, app_url, width):
    page = signed_in(chromium_browser, app_url, width)
    try:
        updated = page.get_by_test_id("stMetric").filter(has_text="Dernière mise à jour")
        value = updated.get_by_test_id("stMetricValue")
        assert FRENCH_DATE.search(value.inner_text()), value.inner_text()
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "« Dernière mise à jour » is cut"
        assert page.evaluate(CUT_DATES) == []
        documents_tab(page)
        date = page.get_by_label("Date (AAAA, AAAA-MM ou AAAA-MM-JJ)")
        assert FULL_DATE.fullmatch(date.input_value())  # the fiche's catalogue date, whole
        assert date.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        assert page.evaluate(CUT_DATES) == []
    finally:
        page.close()


def test_the_documents_section_stays_short_with_300_documents(admin):
    documents_tab(admin)
    height = admin.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    print(f"\nAdministration, Documents section at 1280 px: {height} px high")
    # a page of 20 in a drop-down and one document's passages folded: ~2,500 px; 300 documents
    # drawn, or their passages unfolded, would be well past it
    assert height < 5_000
