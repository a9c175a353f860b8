"""Dates from the document itself, when no catalogue gives one: printed on a PDF's first page,
else in its metadata; a Word or LibreOffice file's properties."""

import io
from datetime import date, datetime, timezone

import pypdfium2 as pdfium
import pytest
from conftest import CORPUS
from pypdf import PdfReader, PdfWriter

from ingest.dates import pdf_date, stated_date
from ingest.office import load_docx, load_odt
from retrieval.index import Index

GUIDES = sorted((CORPUS / "etalab-guides").glob("*.pdf"))


def first_page(raw: bytes) -> str:
    return pdfium.PdfDocument(raw)[0].get_textpage().get_text_range()


def with_metadata(raw: bytes, **info: str) -> bytes:
    """The same PDF with its CreationDate and ModDate replaced (absent when not given)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    writer.metadata = {"/Title": "Un guide", **{f"/{k}": v for k, v in info.items()}}
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_etalab_guide_is_dated_by_its_cover(guide):
    raw = guide.read_bytes()
    assert pdf_date(raw, first_page(raw)) == "2024-05-27"  # « 27/05/2024 » under the title


def test_an_indexed_pdf_without_catalogue_row_shows_its_date(mixed_index):
    guide = next(d for d in Index.open(mixed_index.index_path).documents.values() if d.kind == "pdf")
    assert guide.date == "2024-05-27"


def test_the_printed_date_wins_over_the_file_s_metadata():
    raw = with_metadata(GUIDES[0].read_bytes(), CreationDate="D:20190315120000Z")
    assert pdf_date(raw, first_page(raw)) == "2024-05-27"


def test_a_pdf_printing_no_date_is_dated_by_its_creation_then_its_modification():
    raw = GUIDES[0].read_bytes()
    assert pdf_date(with_metadata(raw, CreationDate="D:20190315120000Z", ModDate="D:20200101"), "") == "2019-03-15"
    assert pdf_date(with_metadata(raw, ModDate="D:20200102093000+01'00'"), "") == "2020-01-02"
    assert pdf_date(with_metadata(raw), "") == ""


@pytest.mark.parametrize("page, expected", [
    ("Guide des conseils citoyens\nNovembre 2019", "2019-11"),
    ("Rapport d'activité\nPublié le 3 mars 2020\nMise à jour : 12/03/2021", "2021-03-12"),
    ("Les chiffres clés\n2018\nCentre de ressources", "2018"),
    ("Note\nle 1er juillet 2020", "2020-07-01"),
])
def test_a_date_printed_on_a_cover_is_read_as_precisely_as_it_is_printed(page, expected):
    assert stated_date(page) == expected


def test_impossible_future_and_far_down_dates_are_not_a_document_s_date():
    assert stated_date("Bilan\n31/02/2020") == ""
    assert stated_date("Appel à projets\nDate limite : 1er juillet 2099", today=date(2026, 1, 1)) == ""
    body = "\n".join(["Titre"] + [f"Ligne {n} du texte." for n in range(30)] + ["Réunion le 6 novembre 2019"])
    assert stated_date(body) == ""


def test_a_word_file_is_dated_by_its_last_save_else_its_creation(tmp_path):
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Le conseil citoyen associe les habitants au contrat de ville.")
    document.core_properties.created = datetime(2015, 6, 1, tzinfo=timezone.utc)
    document.core_properties.modified = datetime(2021, 3, 12, 10, 0, tzinfo=timezone.utc)
    document.save(tmp_path / "saved.docx")
    properties = document.core_properties._element  # a file saved by a tool that records no last save
    properties.remove(properties.find(qn("dcterms:modified")))
    document.save(tmp_path / "created.docx")
    dates = [load_docx((tmp_path / name).read_bytes(), name)[1].date for name in ("saved.docx", "created.docx")]
    assert dates == ["2021-03-12", "2015-06-01"]


def test_a_libreoffice_file_is_dated_by_its_last_save_else_its_creation(tmp_path):
    from odf import dc, meta, text
    from odf.opendocument import OpenDocumentText

    def odt(name: str, *properties) -> str:
        document = OpenDocumentText()
        for prop in properties:
            document.meta.addElement(prop)
        document.text.addElement(text.P(text="Le contrat local de santé associe les habitants."))
        document.save(str(tmp_path / name))
        return load_odt((tmp_path / name).read_bytes(), name)[1].date

    assert odt("saved.odt", meta.CreationDate(text="2016-09-01T08:00:00"), dc.Date(text="2019-11-05T17:30:12")) == "2019-11-05"
    assert odt("created.odt", meta.CreationDate(text="2016-09-01T08:00:00")) == "2016-09-01"
    assert odt("none.odt") == ""
