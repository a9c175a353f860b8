"""Loaders on real documents from ../shared: PDF, HTML, Markdown, text."""

import re

import pytest
from conftest import CORPUS

from core.errors import ExtractionError
from ingest.html import load_html
from ingest.markdown import markdown_unit, text_unit
from ingest.pdf import join_broken_sentences, load_pdf, page_text

GUIDE = CORPUS / "etalab-guides" / "guide-logiciels.pdf"


@pytest.fixture(scope="module")
def guide():
    pdf = load_pdf(GUIDE.read_bytes(), GUIDE.name, max_pages=500, max_seconds=60)
    return pdf.units, pdf.metadata


def test_pdf_words_stay_separated(guide):
    units, _ = guide
    words = [w for u in units for w in re.findall(r"[^\W\d_]+", u.text)]
    glued = [w for w in words if len(w) > 20]
    # pypdf produced 176 such words on this guide ("Ouvrirlescodessources")
    assert len(glued) <= 3, glued
    assert "ouverture des codes sources" in " ".join(u.text for u in units)


def test_pdf_units_are_numbered_pages(guide):
    units, _ = guide
    assert [u.page for u in units] == list(range(1, len(units) + 1))
    assert len(units) == 9


def test_pdf_title_comes_from_its_metadata(guide):
    assert guide[1].title == "Ouvrir les codes sources"


def test_pdf_pages_carry_their_outline_section(guide):
    units, _ = guide
    assert units[2].section == "Introduction"
    assert any(" > " in u.section for u in units), [u.section for u in units]


def test_pdf_running_headers_and_footers_are_dropped(guide):
    units, _ = guide
    assert not any("Consultez la dernière version" in u.text for u in units[1:])


def test_a_sentence_cut_by_a_page_break_is_finished_on_the_page_it_starts_on(guide):
    units, _ = guide  # page 6 ends « …en communiquant sur le », page 7 goes on « logiciel, car… »
    assert units[5].text.endswith("en communiquant sur le logiciel, car une critique émise (ou un retour de bug) "
                                  "pourra en fait porter sur un logiciel qui n’est pas développé par l’équipe.")
    assert units[6].text.startswith("1.6.8 Si le logiciel est sensible"), units[6].text[:60]


@pytest.mark.parametrize("pages", [
    ["Nature des données : valeurs en pourcentage", "9.1 MaPrimeRénov’\nDescription générale"],
    ["5 Liste de ressources 21", "1 Introduction\nLa mission Etalab accompagne les administrations."],
    ["La phrase finit sur sa page.", "puis une autre commence en minuscule."],
])
def test_a_page_that_ends_its_sentence_or_opens_a_heading_is_not_joined(pages):
    assert join_broken_sentences(pages) == pages


def test_a_word_cut_by_a_page_break_is_joined_back():
    assert join_broken_sentences(["permet de bénéficier de véri-", "fications de la qualité. La suite."]) == [
        "permet de bénéficier de vérifications de la qualité.", "La suite."]


def test_a_year_closing_a_sentence_cut_by_a_page_break_goes_back_with_it():
    assert join_broken_sentences(["se fonde sur ces principes depuis", "2011. En juin 2019, la plateforme…"]) == [
        "se fonde sur ces principes depuis 2011.", "En juin 2019, la plateforme…"]


def test_pdf_tex_ligatures_and_line_hyphens_are_repaired():
    assert page_text("o\x1brir\nl’ou\u2011\r\nverture") == "offrir\nl’ouverture"


def test_a_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(ExtractionError, match="not a PDF"):
        load_pdf(b"PK\x03\x04 zip content", "archive.pdf", 10, 10)


def test_html_main_text_title_and_canonical_url():
    page = CORPUS / "fiches-travail" / "la-demission.html"
    unit, meta = load_html(page.read_bytes(), page.name)
    assert meta.title == "La démission"
    assert meta.url == "https://travail-emploi.gouv.fr/la-demission"
    assert "délai de préavis" in unit.text
    assert unit.headings, "the page's headings should be kept"
    assert "<" not in unit.text and "function(" not in unit.text


def test_html_scripts_and_styles_are_not_text():
    html = ("<html><head><title>Guide</title><style>body{color:red}</style></head><body>"
            "<script>alert('x')</script><h1>Les conseils citoyens</h1><p>"
            + "Les conseils citoyens associent les habitants au contrat de ville. " * 5
            + "</p></body></html>")
    unit, meta = load_html(html.encode(), "page.html")
    assert "alert" not in unit.text and "color:red" not in unit.text
    assert "associent les habitants" in unit.text


def test_markdown_headings_are_recorded_with_offsets():
    unit = markdown_unit("# Titre\n\nIntro.\n\n## Partie **une**\n\nTexte de la partie.")
    assert [(h.level, h.title) for h in unit.headings] == [(1, "Titre"), (2, "Partie une")]
    second = unit.headings[1]
    assert unit.text[second.offset:].startswith("Partie une")
    assert "**" not in unit.text


def test_text_short_standalone_lines_are_headings():
    unit = text_unit("Introduction\n\nUn paragraphe qui se termine par un point.\n\nDeuxième partie\n\nSuite.")
    assert [h.title for h in unit.headings] == ["Introduction", "Deuxième partie"]
