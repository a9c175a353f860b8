"""One text, one document: the same text in two places is indexed once, every place known."""

import shutil

import pytest
from conftest import SEED

from core.store import current_build, read_manifest
from ingest.curation import document_statuses, status_text
from ingest.refresh import refresh
from retrieval.index import Index

NOTICE = "guide-egalite-femmes-hommes.txt"
OTHER = "acces-offre-culturelle-qpv.txt"


@pytest.fixture
def two_notices(tmp_path):
    """A seed notice with its catalogue row, and a copy of it in another folder."""
    folder = tmp_path / "sources"
    folder.mkdir()
    rows = [line for line in (SEED / "catalogue.csv").read_text(encoding="utf-8").splitlines()
            if line.startswith(("file,", NOTICE))]
    (folder / "catalogue.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copy(SEED / NOTICE, folder / NOTICE)
    (folder / "archives").mkdir()
    shutil.copy(SEED / NOTICE, folder / "archives" / NOTICE)
    return folder


def indexed(settings) -> dict[str, str]:
    return {d.source: d.title for d in Index.open(settings.index_path).documents.values()}


def test_a_notice_in_two_folders_is_one_document_and_the_curator_sees_both_places(mixed_index):
    index = Index.open(mixed_index.index_path)
    assert [d.source for d in index.documents.values() if d.source.endswith(NOTICE)] == [NOTICE]
    # the catalogued file is the one indexed: its row holds the title and date staff chose
    status = next(s for s in document_statuses(index, mixed_index.index_path) if s.path.endswith(f"/{NOTICE}"))
    root = status.path.split("/")[0]
    assert status.copies == (f"{root}/copies/{NOTICE}",)
    assert f"Même texte aussi dans : {root}/copies/{NOTICE}" in status_text(status)


def test_the_same_words_as_text_and_markdown_are_one_document_the_first_by_path(settings, tmp_path, embedder):
    folder = tmp_path / "notes"
    folder.mkdir()
    text = (SEED / OTHER).read_text(encoding="utf-8")
    (folder / "b-notice.txt").write_bytes(text.encode("utf-8"))
    (folder / "a-notice.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # other bytes, same words
    refresh(settings, [folder], embedder=embedder)
    assert set(indexed(settings)) == {"a-notice.md"}


def test_an_unchanged_rerun_with_copies_keeps_the_build(mixed_index, embedder):
    before = read_manifest(current_build(mixed_index.index_path))
    again = refresh(mixed_index, embedder=embedder)
    assert again.build_id == before.build_id and again.documents == before.counts["documents"]
    assert again.unchanged == len(before.documents) and again.embedded == 0


def test_when_the_indexed_file_goes_its_copy_takes_its_place(settings, two_notices, embedder):
    refresh(settings, [two_notices], embedder=embedder)
    (two_notices / NOTICE).unlink()
    report = refresh(settings, [two_notices], embedder=embedder)
    assert report.failed == 0 and set(indexed(settings)) == {f"archives/{NOTICE}"}
    manifest = read_manifest(current_build(settings.index_path))
    assert not any(info.get("copy_of") for info in manifest.documents.values())


def test_a_notice_filed_twice_is_cited_once(mixed_index, searcher):
    from retrieval.respond import respond
    answer = respond(mixed_index, searcher, "Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    texts = [" ".join(c.hit.passage.text.split()) for c in answer.citations]
    assert any(c.hit.document.source == NOTICE for c in answer.citations)
    assert len(texts) == len(set(texts)) and not any(c.hit.document.source.startswith("copies/") for c in answer.citations)


def test_a_passage_shown_already_gives_its_place_to_the_next(searcher):
    from dataclasses import replace

    from retrieval.search import distinct_passages
    first, second = searcher.search("Comment intégrer l'égalité femmes-hommes dans nos actions ?").hits[:2]
    again = replace(first, rank=2, passage=replace(first.passage, id=-1, text=first.passage.text.replace(" ", "  ")))
    kept = distinct_passages([first, again, second])
    assert [(h.rank, h.passage.id) for h in kept] == [(1, first.passage.id), (2, second.passage.id)]
