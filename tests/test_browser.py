"""End to end in a real browser (Debian's headless Chromium driven by Playwright)."""

from pathlib import Path

import pytest
from conftest import ROOT

from drive import CHROMIUM, ask, browser, open_page, running_ui, settled

ARTIFACTS = ROOT / "artifacts"
CAPTURES = ROOT / "docs" / "guide" / "captures"  # the staff guide's screenshots, retaken on every run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium (make browser)")
    return CHROMIUM


def test_a_practitioner_asks_reads_an_excerpt_and_opens_it_in_the_document(chromium, seed_index):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_ui(seed_index.index_path, {"BOUSSOLE_ADMIN_PASSWORD": "s3cret"}) as url, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        ask(page, "Comment favoriser l'accès à la culture en QPV ?")  # loads the model
        page.goto(url)  # a new conversation
        elapsed = ask(page, "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
        print(f"\nbrowser: Enter → excerpts displayed in {elapsed:.0f} ms (bundled corpus, model loaded)")
        answer = page.locator("[data-testid='stChatMessage']").last
        first_card = answer.locator("article.bsl-card").first
        assert "Intégrer l’égalité femmes-hommes" in first_card.inner_text()
        source = answer.get_by_role("link", name="Ouvrir la source").first
        assert source.get_attribute("href").startswith("/fichiers/")
        # a viewport tall enough for the whole conversation, so the answer is on screen
        page.set_viewport_size({"width": 1280, "height": 2400})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "question-desktop.png"),
                        clip={"x": 0, "y": 0, "width": 1280, "height": 1300})
        page.screenshot(path=str(CAPTURES / "question.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 1300})
        page.set_viewport_size({"width": 390, "height": 5000})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "question-phone.png"),
                        clip={"x": 0, "y": 0, "width": 390, "height": 1700})
        page.set_viewport_size({"width": 1280, "height": 900})

        served = page.request.get(url + source.get_attribute("href"))
        assert served.status == 200 and "égalité" in served.text()
        assert page.request.get(url + "/fichiers/inconnu").status == 404

        answer.get_by_role("link", name="Voir le passage [1] dans le document").click()
        cited = page.locator("mark#passage-cite")
        cited.wait_for(timeout=60_000)
        assert "égalité" in cited.inner_text()
        assert "document?doc=" in page.url
        page.screenshot(path=str(ARTIFACTS / "document-desktop.png"))
        page.screenshot(path=str(CAPTURES / "document.png"))

        open_page(page, f"{url}/administration")  # the staff guide shows it signed in
        password = page.get_by_label("Mot de passe", exact=True)
        password.fill("s3cret")
        page.keyboard.press("Enter")
        password.wait_for(state="detached", timeout=60_000)
        settled(page)
        page.screenshot(path=str(CAPTURES / "administration.png"))


def test_a_pdf_citation_opens_on_its_printed_page_with_the_passage_highlighted(chromium, mixed_index, searcher):
    from urllib.parse import urlencode

    from retrieval.documents import citation_params

    hit = next(h for h in searcher.search("Comment publier une réutilisation sur data.gouv.fr ?").hits
               if h.document.kind == "pdf")
    address = urlencode(citation_params(searcher.handle.get(), hit.passage))
    with running_ui(mixed_index.index_path) as url, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 1200})
        page.goto(f"{url}/document?{address}")
        image = page.locator("figure.bsl-page img")
        image.wait_for(timeout=120_000)
        page.wait_for_function("document.querySelector('figure.bsl-page img').naturalWidth > 0", timeout=60_000)
        assert image.evaluate("img => img.naturalWidth") >= 1000
        assert f"Page {hit.passage.page} de" in image.get_attribute("alt")
        assert f"?passage={hit.passage.id}" in image.get_attribute("src")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "document-pdf-page.png"))
