"""Hostile and odd files: each is reported by name, nothing crashes the run."""

import io
import zipfile

from pypdf import PdfWriter

from ingest.refresh import refresh
from retrieval.index import Index

NOTE = "# Note\n\nLes conseils citoyens participent au contrat de ville de leur quartier."


def _pdf_with_pages(path, count, size=(595, 842)):
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=size[0], height=size[1])
    with open(path, "wb") as handle:
        writer.write(handle)


def _run(settings, folder, embedder):
    report = refresh(settings, [folder], embedder=embedder)
    return report, {f.path.rsplit("/", 1)[-1]: f.reason for f in report.failures}


def test_limits_refuse_bombs_and_huge_files_by_name(settings, tmp_path, embedder):
    folder = tmp_path / "hostile"
    folder.mkdir()
    _pdf_with_pages(folder / "bombe.pdf", 60)
    _pdf_with_pages(folder / "page-geante.pdf", 1, size=(14400, 14400))
    with open(folder / "enorme.txt", "wb") as handle:  # 200 MB, sparse: cheap to create
        handle.truncate(200 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("guide.txt", "contenu")
    (folder / "archive.pdf").write_bytes(buffer.getvalue())
    (folder / "bon.md").write_text(NOTE, encoding="utf-8")
    report, reasons = _run(settings.with_(max_pdf_pages=50), folder, embedder)
    assert "60 pages, more than the limit of 50" in reasons["bombe.pdf"]
    assert "no text layer" in reasons["page-geante.pdf"]
    assert "larger than the limit" in reasons["enorme.txt"]
    assert "not a PDF" in reasons["archive.pdf"]
    assert report.added == 1 and report.failed == 4


def test_deeply_nested_and_malformed_html_does_not_crash_the_run(settings, tmp_path, embedder):
    folder = tmp_path / "html"
    folder.mkdir()
    text = "Les adultes-relais assurent une médiation sociale dans les quartiers prioritaires. " * 10
    (folder / "imbrique.html").write_text(
        "<html><body>" + "<div>" * 5000 + f"<p>{text}</p>" + "</div>" * 5000 + "</body></html>", encoding="utf-8")
    (folder / "casse.html").write_text(
        f"<html><head><title>Page cassée<body><h1>Médiation<p>{text}<table><tr><td>x</div></span>",
        encoding="utf-8")
    (folder / "scripts.html").write_text(
        "<html><head><style>p{color:red}</style><script>var secret = 1;</script></head><body>"
        f"<article><h1>Médiation sociale</h1><p>{text}</p></article><script>alert(1)</script></body></html>",
        encoding="utf-8")
    report, reasons = _run(settings, folder, embedder)
    assert report.added + report.failed == 3
    assert report.added >= 2, reasons
    index = Index.open(settings.index_path)
    for doc in index.documents.values():
        for passage in index.document_passages(doc.doc_id):
            assert "alert(1)" not in passage.text and "var secret" not in passage.text


def test_file_names_with_spaces_accents_and_dots_are_kept(settings, tmp_path, embedder):
    folder = tmp_path / "noms"
    (folder / "sous dossier").mkdir(parents=True)
    (folder / "guide été 2021.md").write_text(NOTE, encoding="utf-8")
    (folder / "sous dossier" / "compte..rendu.md").write_text(NOTE.replace("Note", "Compte rendu"), encoding="utf-8")
    (folder / "catalogue.csv").write_text(
        "\ufefffile;title;date;type;themes;colonne inconnue\n"
        "guide été 2021.md;Guide été;2021;guide;participation;x\n"
        "guide été 2021.md;Doublon;2020;guide;;y\n"
        "../hors.md;Hors du dossier;2020;guide;;\n", encoding="utf-8")
    report, _ = _run(settings, folder, embedder)
    assert report.added == 2 and report.failed == 0
    docs = {d.source: d for d in Index.open(settings.index_path).documents.values()}
    assert docs["guide été 2021.md"].title == "Guide été"
    assert "sous dossier/compte..rendu.md" in docs
    assert any("duplicate" in w for w in report.warnings)
    assert any("inside the folder" in w for w in report.warnings)
