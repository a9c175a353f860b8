"""Scanned PDFs read by OCR, DOCX and ODT files, and tables of contents kept out of passages.
Every file is made by the test itself."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import CORPUS
from core.store import current_build, read_manifest
from ingest.chunking import section_path
from ingest.contents import contents_lines, without_contents
from ingest.office import load_docx, load_odt
from ingest.pdf import load_pdf
from ingest.refresh import refresh
from retrieval.index import Index

SCANNED_LINES = ["Le conseil citoyen rassemble les habitants du quartier.",
                 "Il participe au contrat de ville avec les associations.",
                 "Les membres sont tires au sort parmi les volontaires."]


def _scan(pages: list[list[str]]) -> bytes:
    """A PDF of page images (150 dpi, A4) without any text layer, as a scanner makes."""
    font = ImageFont.load_default(size=30)
    images = []
    for lines in pages:
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((120, 160 + 70 * i), line, fill=0, font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def _docs(settings):
    return {d.source: d for d in Index.open(settings.index_path).documents.values()}


def test_a_scanned_pdf_is_read_by_ocr_with_its_page_numbers(settings, tmp_path, embedder):
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "conseil-citoyen-scan.pdf").write_bytes(_scan([["Conseils citoyens", "Guide pour les habitants du quartier"],
                                                              SCANNED_LINES]))
    report = refresh(settings, [folder], embedder=embedder)
    assert report.failed == 0, report.failures
    doc = _docs(settings)["conseil-citoyen-scan.pdf"]
    assert doc.ocr_pages == 2 and doc.pages == 2
    passages = Index.open(settings.index_path).document_passages(doc.doc_id)
    text = " ".join(p.text for p in passages if p.page == 2)
    assert "conseil citoyen rassemble les habitants" in text and "contrat de ville" in text
    manifest = read_manifest(current_build(settings.index_path))
    assert manifest.documents[doc.doc_id]["ocr_pages"] == 2


def test_a_scanned_page_without_readable_text_is_reported_not_kept_empty(tmp_path):
    read = load_pdf(_scan([SCANNED_LINES, []]), "scan.pdf", 10, 120)
    assert read.ocr_pages == (1, 2)
    assert "rassemble les habitants" in read.units[0].text and read.units[1].text == ""
    assert read.warnings == ["scan.pdf: page 2: no text layer and OCR found no readable text; "
                             "the page is left out"]


def _docx(path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Guide des conseils citoyens"
    document.add_paragraph("Sommaire")
    for entry, page in (("Les conseils citoyens", 2), ("Composition", 3), ("Fonctionnement", 4)):
        document.add_paragraph(f"{entry} ........ {page}")
    document.add_heading("Les conseils citoyens", level=1)
    document.add_paragraph("Le conseil citoyen associe les habitants au contrat de ville.")
    document.add_heading("Composition", level=2)
    document.add_paragraph("Il réunit deux collèges tirés au sort.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Collège", "Membres"), ("Habitants", "Tirés au sort sur les listes"))):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.save(path)


def _odt(path):
    from odf import dc, table, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Fiche santé et conseils citoyens"))
    contents = text.TableOfContent(name="Sommaire")
    body = text.IndexBody()
    body.addElement(text.P(text="Santé ........ 2"))
    contents.addElement(body)
    document.text.addElement(contents)
    document.text.addElement(text.H(outlinelevel=1, text="Santé"))
    document.text.addElement(text.P(text="Le contrat local de santé associe les habitants."))
    document.text.addElement(text.H(outlinelevel=2, text="Acteurs"))
    grid = table.Table(name="Acteurs")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for cells in (("Acteur", "Rôle"), ("ARS", "Finance les actions de prévention")):
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    document.text.addElement(grid)
    document.save(str(path))


@pytest.fixture
def office_index(settings, tmp_path, embedder):
    folder = tmp_path / "bureautique"
    folder.mkdir()
    _docx(folder / "guide-conseils.docx")
    _odt(folder / "fiche-sante.odt")
    report = refresh(settings, [folder], embedder=embedder)
    assert report.failed == 0, report.failures
    return Index.open(settings.index_path)


def test_docx_headings_become_sections_and_tables_are_read_row_by_row(office_index):
    doc = next(d for d in office_index.documents.values() if d.source == "guide-conseils.docx")
    assert doc.title == "Guide des conseils citoyens" and doc.kind == "docx"
    passages = office_index.document_passages(doc.doc_id)
    text = "\n".join(p.text for p in passages)
    assert "Habitants | Tirés au sort sur les listes" in text
    assert "Sommaire" not in text and "........" not in text
    (unit,) = office_index.units(doc.doc_id)
    assert [(level, title) for _, level, title in unit.headings] == [(1, "Les conseils citoyens"), (2, "Composition")]


def test_a_passage_under_a_docx_subheading_carries_the_heading_path(tmp_path):
    _docx(tmp_path / "guide.docx")
    unit, _ = load_docx((tmp_path / "guide.docx").read_bytes(), "guide.docx")
    assert section_path(unit, unit.text.index("Il réunit deux collèges")) == "Les conseils citoyens > Composition"


def test_odt_headings_become_sections_and_its_table_of_contents_is_left_out(office_index, tmp_path):
    doc = next(d for d in office_index.documents.values() if d.source == "fiche-sante.odt")
    assert doc.title == "Fiche santé et conseils citoyens" and doc.kind == "odt"
    passages = office_index.document_passages(doc.doc_id)
    text = "\n".join(p.text for p in passages)
    assert "ARS | Finance les actions de prévention" in text
    assert "Santé ........ 2" not in text
    _odt(tmp_path / "fiche.odt")
    unit, _ = load_odt((tmp_path / "fiche.odt").read_bytes(), "fiche.odt")
    assert section_path(unit, unit.text.index("ARS | Finance")) == "Santé > Acteurs"


def test_a_table_of_contents_is_recognised_by_its_entries():
    lines = ["Table des matières", "1 Introduction 3", "1.1 À qui s’adresse ce guide? ... 3",
             "1.2 À quoi sert-il? ... 3", "2 Cadre juridique 9"]
    assert contents_lines(lines) == {0, 1, 2, 3, 4}
    prose = ["Le contrat de ville est signé pour 6", "ans par l'État et la commune... 2", "Fin."]
    assert contents_lines(prose) == set()
    assert without_contents("Texte.\nIntro ... 3\nSuite ... 4\nFin ... 5\nReprise du texte.") == \
        "Texte.\nReprise du texte."


def test_the_table_of_contents_of_a_real_guide_is_not_a_passage():
    pdf = load_pdf((CORPUS / "etalab-guides" / "guide-logiciels.pdf").read_bytes(), "guide-logiciels.pdf", 100, 60)
    assert pdf.units[1].page == 2 and pdf.units[1].text == ""  # the page stays, numbered, without its contents
    assert not any("Prioriser : quels logiciels ouvrir à quel degré? ..." in u.text for u in pdf.units)
    assert "1.4 Prioriser : quels logiciels ouvrir à quel degré?" in pdf.units[3].text  # the heading itself stays


def test_a_passage_of_a_scan_is_highlighted_over_the_words_the_ocr_read():
    import numpy as np

    from core.formats import ChunkParams
    from ingest.chunking import chunk_units
    from retrieval.pageimage import render_page

    raw = _scan([["Conseils citoyens", "Guide pour les habitants du quartier"], SCANNED_LINES])
    passage = next(p for p in chunk_units("s", load_pdf(raw, "scan.pdf", 10, 120).units,
                                          ChunkParams(60, 90, 160, 15)) if p.page == 2)
    image = np.asarray(Image.open(io.BytesIO(render_page(raw, 2, passage.text))).convert("RGB")).astype(int)
    yellow = (image[..., 0] > 240) & (image[..., 1] > 190) & (image[..., 1] < 240) & (image[..., 2] < 200)
    rows = np.flatnonzero(yellow.any(axis=1)) / image.shape[0]
    assert yellow.sum() > 5000
    # the three lines were drawn 160–300 px down a 1754 px page: the highlight is there, nowhere else
    assert rows.min() > 0.07 and rows.max() < 0.2, (rows.min(), rows.max())
