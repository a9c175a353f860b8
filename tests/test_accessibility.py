"""Accessibility in a real browser: axe-core (offline, from the axe-playwright-python wheel) on
every page, before and after an answer, on a desktop and a 320 px screen; the keyboard-only
journey; French throughout."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from drive import CHROMIUM, ask, browser, open_page, running_ui, settled

pytestmark = pytest.mark.browser
QUESTION = "Comment intégrer l'égalité femmes-hommes dans nos actions ?"
ENGLISH = re.compile(r"\b(Running|Stop|Skip to|Send message|Thumbs|Sidebar|Collapse|Press Enter|"
                     r"Choose an|Browse files|Drag and drop|per file|Page not found|Show password|Upload)\b")


@pytest.fixture(scope="module")
def app(mixed_index):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium (make browser)")
    with running_ui(mixed_index.index_path, {"BOUSSOLE_ADMIN_PASSWORD": "s3cret",
                                             "BOUSSOLE_CONTACT": "accessibilite@centre.example.org"}) as url:
        yield url


@pytest.fixture(scope="module")
def chrome():
    with browser() as b:
        yield b


def violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


def visible_english(page) -> list[str]:
    names = page.evaluate("""() => [...document.querySelectorAll('[aria-label],[title],[placeholder]')]
        .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a)).filter(Boolean))""")
    return ENGLISH.findall(page.inner_text("body") + " " + " ".join(names))


def test_the_served_page_is_in_french(app):
    for path in ("/", "/documents", "/document", "/administration", "/accessibilite"):
        served = httpx.get(app + path)
        assert served.status_code == 200 and '<html lang="fr">' in served.text
        assert re.search(r"<title>[^<]+ — Boussole</title>", served.text)


def test_the_default_page_s_former_address_opens_it(app, chrome):
    page = chrome.new_page()
    page.goto(f"{app}/question?{urlencode({'x': '1'})}")
    page.get_by_placeholder("Votre question").wait_for(timeout=60_000)
    assert page.url == f"{app}/?x=1" and "introuvable" not in page.inner_text("body")


@pytest.mark.parametrize("width", [1280, 320])
def test_every_page_has_no_axe_violation_before_and_after_an_answer(app, chrome, mixed_index, width):
    page = chrome.new_page(viewport={"width": width, "height": 900})
    page.goto(app)
    page.get_by_placeholder("Votre question").wait_for(timeout=60_000)
    settled(page)
    found = {"question": violations(page)}
    ask(page, QUESTION)
    found["answer"] = violations(page)
    page.get_by_role("link", name=re.compile("Voir le passage")).first.click()
    page.locator("mark#passage-cite").wait_for(timeout=60_000)
    settled(page)
    found["document"] = violations(page)
    for path in ("documents", "accessibilite", "administration"):
        open_page(page, f"{app}/{path}")
        found[path] = violations(page)
    page.get_by_label("Mot de passe", exact=True).fill("s3cret")
    page.keyboard.press("Enter")
    page.get_by_text("Ajouter des publications").wait_for(timeout=60_000)
    settled(page)
    found["administration, signed in"] = violations(page)
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 640])  # 640: a 1280 px screen at 200 % zoom
def test_no_page_scrolls_sideways_on_a_narrow_screen(app, chrome, width):
    page = chrome.new_page(viewport={"width": width, "height": 800})
    page.goto(app)
    ask(page, QUESTION)
    wide = {"question": page.evaluate("document.documentElement.scrollWidth")}
    for path in ("documents", "accessibilite"):
        open_page(page, f"{app}/{path}")
        wide[path] = page.evaluate("document.documentElement.scrollWidth")
    assert all(w <= width for w in wide.values()), wide


def test_no_english_is_shown_or_read_out(app, chrome):
    page = chrome.new_page()
    page.goto(app)
    box = page.get_by_placeholder("Votre question")
    box.wait_for(timeout=60_000)
    box.fill(QUESTION)
    box.press("Enter")
    page.wait_for_timeout(200)  # while it runs: the status widget
    during = visible_english(page)
    page.wait_for_selector("article.bsl-card", timeout=60_000)
    settled(page)
    after = visible_english(page)
    open_page(page, f"{app}/administration")
    page.get_by_label("Mot de passe", exact=True).fill("s3cret")
    page.keyboard.press("Enter")
    page.get_by_text("Ajouter des publications").wait_for(timeout=60_000)
    settled(page)
    assert (during, after, visible_english(page)) == ([], [], [])


def test_the_answer_is_announced_once_when_complete_and_the_focus_moves_to_it(app, chrome):
    page = chrome.new_page()
    page.goto(app)
    box = page.get_by_placeholder("Votre question")
    box.wait_for(timeout=60_000)
    page.evaluate("""() => { window.announced = [];
        new MutationObserver(() => { const t = document.getElementById('bsl-annonce').textContent;
            if (t) window.announced.push(t); })
        .observe(document.getElementById('bsl-annonce'), {childList: true, subtree: true, characterData: true}); }""")
    box.fill(QUESTION)
    box.press("Enter")
    page.wait_for_selector("article.bsl-card", timeout=60_000)
    settled(page)
    announced = page.evaluate("window.announced")
    region = page.locator("#bsl-annonce")
    assert region.get_attribute("aria-live") == "polite"
    assert len(announced) == 1 and announced[0].startswith("Réponse : ")
    # not left in the field, nor sent back to the top: on the answer, a region named « Réponse »
    focused = page.evaluate("""() => { const e = document.activeElement, answer = [...document.querySelectorAll(
            "[data-testid='stChatMessage']")].pop();
        return {inside: answer.contains(e), name: e.getAttribute('aria-label'), tabindex: e.getAttribute('tabindex'),
                cards: e.querySelectorAll('article.bsl-card').length}; }""")
    assert focused == {"inside": True, "name": "Réponse", "tabindex": "-1", "cards": 5}


def test_the_whole_journey_works_with_the_keyboard_alone(app, chrome):
    page = chrome.new_page()
    page.goto(app)
    page.get_by_placeholder("Votre question").wait_for(timeout=60_000)
    settled(page)
    presses = 0
    while page.evaluate("document.activeElement.tagName") != "TEXTAREA" and presses < 3:
        # from the top: the skip link « Aller à la question » comes first
        focused = page.evaluate("document.activeElement.innerText || ''")
        page.keyboard.press("Enter" if focused == "Aller à la question" else "Tab")
        presses += 1
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA", f"not reached in {presses} key presses"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("article.bsl-card", timeout=60_000)
    settled(page)
    first_card_title = page.locator("article.bsl-card h3").first.inner_text()
    for _ in range(80):  # from the answer, which has the focus, on to the first excerpt's links
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.innerText || ''")
        if name.startswith("Voir le passage [1]"):
            break
    else:
        pytest.fail("the first excerpt's document link cannot be reached with the keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                            "getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none none", "the focus is not visible"
    page.keyboard.press("Enter")
    page.locator("mark#passage-cite").wait_for(timeout=60_000)
    assert "document?doc=" in page.url and first_card_title.split("] ", 1)[-1][:20] in page.inner_text("body")
    page.go_back()  # and back to the conversation, still there
    page.locator("article.bsl-card").first.wait_for(timeout=60_000)
    assert page.locator("article.bsl-card h3").first.inner_text() == first_card_title


def test_the_excerpt_count_is_obeyed_and_a_text_filed_twice_shows_once(app, chrome):
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app)
    page.get_by_placeholder("Votre question").wait_for(timeout=60_000)
    settled(page)
    count = page.get_by_role("slider", name="Nombre d'extraits")
    shown = {}
    for k, question in ((3, QUESTION), (5, "Comment publier une réutilisation sur data.gouv.fr ?")):
        count.focus()
        page.keyboard.press("Home")
        for _ in range(k - 1):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("k => document.querySelector('input[type=range][aria-label^=Nombre]').value === String(k)",
                               arg=k)
        settled(page)
        ask(page, question)
        answer = page.locator("[data-testid='stChatMessage']").last
        shown[k] = answer.locator("article.bsl-card blockquote").all_inner_texts()
        page.get_by_role("button", name="Nouvelle conversation").click()  # the next question stands alone
        page.locator("article.bsl-card").first.wait_for(state="detached", timeout=60_000)
        settled(page)
    assert {k: len(texts) for k, texts in shown.items()} == {3: 3, 5: 5}
    # the equality notice is in two folders (tests/conftest.py): one card, and one document
    assert len(set(shown[3])) == len(shown[3])
    open_page(page, f"{app}/documents")
    listed = page.locator("div.bsl-card").all_inner_texts()
    assert sum("Intégrer l’égalité femmes-hommes" in d for d in listed) == 1
    guide = next(d for d in listed if "Publier des réutilisations" in d)  # no catalogue row: dated by its cover
    assert "2024-05-27" in guide and "sans date" not in guide
