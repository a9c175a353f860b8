"""The curator's view: each document's state, its passages, and removing or re-reading one."""

from conftest import CORPUS, copy_files
from core.store import read_last_refresh
from ingest.catalogue import parse_catalogue
from ingest.curation import document_statuses, remove_document, reread_document, status_text
from ingest.refresh import refresh
from retrieval.index import Index

PDF = CORPUS / "etalab-guides" / "guide-reutilisation.pdf"


def test_a_failure_of_the_last_refresh_is_visible_with_its_reason(settings, sources, embedder):
    copy_files(sources, PDF)
    refresh(settings, [sources], embedder=embedder)
    (sources / PDF.name).write_bytes(b"%PDF-1.7 broken")  # an update that breaks an indexed file
    (sources / "nouveau.pdf").write_bytes(b"%PDF-1.7 broken too")  # and a new file that never went in
    refresh(settings, [sources], embedder=embedder)
    assert len(read_last_refresh(settings.index_path)["failures"]) == 2
    statuses = {s.path.rsplit("/", 1)[-1]: s for s in document_statuses(Index.open(settings.index_path),
                                                                        settings.index_path)}
    broken, new = statuses[PDF.name], statuses["nouveau.pdf"]
    assert broken.indexed and "corrupt" in broken.failure  # the previous version is still served
    assert "La version précédente reste servie." in status_text(broken)
    assert not new.indexed and "corrupt" in new.failure and "non indexé" in status_text(new)
    assert statuses["guide-egalite-femmes-hommes.txt"].failure == ""


def test_removing_a_document_deletes_its_file_and_row_only_and_it_leaves_the_index(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    before = (sources / "catalogue.csv").read_text(encoding="utf-8").splitlines()
    index = Index.open(settings.index_path)
    doc = next(d for d in index.documents.values() if d.source == "questions-educatives-2020.txt")
    report = remove_document(settings, index, doc.doc_id, embedder)
    assert report.removed == 1 and not (sources / doc.source).exists()
    after = (sources / "catalogue.csv").read_text(encoding="utf-8").splitlines()
    assert after == [line for line in before if not line.startswith("questions-educatives-2020.txt,")]
    assert "questions-educatives-2020.txt" not in parse_catalogue((sources / "catalogue.csv").read_bytes()).rows
    assert doc.doc_id not in Index.open(settings.index_path).documents


def test_re_reading_a_document_extracts_and_embeds_it_again(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    index = Index.open(settings.index_path)
    doc = next(d for d in index.documents.values() if d.source == "guide-egalite-femmes-hommes.txt")
    report = reread_document(settings, index, doc.doc_id, embedder)
    assert report.updated == 1 and report.embedded == doc.passages
    assert len(Index.open(settings.index_path).documents) == 10


def test_removing_a_document_of_a_folder_without_catalogue_creates_none(settings, tmp_path, embedder):
    folder = copy_files(tmp_path / "loi", CORPUS / "loi-ville-2014" / "article-1.md",
                        CORPUS / "loi-ville-2014" / "article-7.md")
    refresh(settings, [folder], embedder=embedder)
    index = Index.open(settings.index_path)
    doc = next(d for d in index.documents.values() if d.source == "article-7.md")
    assert remove_document(settings, index, doc.doc_id, embedder).removed == 1
    assert sorted(p.name for p in folder.iterdir()) == ["article-1.md"]
