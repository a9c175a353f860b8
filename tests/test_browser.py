"""End to end in a real browser (Debian's headless Chromium driven by Playwright)."""

from pathlib import Path

import pytest
from conftest import ROOT

from ui.drive import CHROMIUM, ask, browser, running_ui

ARTIFACTS = ROOT / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium (make browser)")
    return CHROMIUM


def test_a_practitioner_asks_reads_an_excerpt_and_opens_it_in_the_document(chromium, seed_index):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_ui(seed_index.index_path) as url, browser() as b:
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
        page.set_viewport_size({"width": 390, "height": 5000})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "question-phone.png"),
                        clip={"x": 0, "y": 0, "width": 390, "height": 1700})
        page.set_viewport_size({"width": 1280, "height": 900})

        served = page.request.get(url + source.get_attribute("href"))
        assert served.status == 200 and "égalité" in served.text()
        assert page.request.get(url + "/fichiers/inconnu").status == 404

        answer.get_by_role("link", name="Voir dans le document").first.click()
        cited = page.locator("mark#passage-cite")
        cited.wait_for(timeout=60_000)
        assert "égalité" in cited.inner_text()
        assert "document?doc=" in page.url
        page.screenshot(path=str(ARTIFACTS / "document-desktop.png"))
