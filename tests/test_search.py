"""Hybrid search on a small real index (seed notices + a PDF guide + an HTML page + a law article)."""

import pytest

from core.errors import SettingsError
from retrieval.filters import Filters
from retrieval.search import SearchOptions
from conftest import searcher_declining

EQUALITY = "guide-egalite-femmes-hommes.txt"


def test_the_equality_guide_answers_the_equality_question(searcher):
    result = searcher.search("Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    assert not result.no_answer
    assert result.hits[0].document.source == EQUALITY
    assert result.hits[0].rank == 1 and result.hits[0].document.title.startswith("Intégrer l’égalité")


def test_a_question_typed_without_accents_finds_the_same_document(searcher):
    with_accents = searcher.search("Comment intégrer l'égalité femmes-hommes dans nos actions ?")
    without = searcher.search("comment integrer l egalite femmes hommes dans nos actions")
    assert without.hits[0].document.doc_id == with_accents.hits[0].document.doc_id


def test_pdf_passages_carry_their_page(searcher):
    result = searcher.search("publier une réutilisation sur data.gouv.fr")
    hit = next(h for h in result.hits if h.document.kind == "pdf")
    assert hit.passage.page >= 1 and f"p. {hit.passage.page}" in hit.label


def test_the_glossary_expands_acronyms_in_questions(searcher):
    result = searcher.search("accès à la culture en QPV")
    assert "quartier prioritaire de la politique de la ville" in result.expansion
    assert result.hits[0].document.source == "acces-offre-culturelle-qpv.txt"


def test_lexical_and_dense_each_find_something_and_fusion_keeps_both(searcher):
    question = "démission du salarié et délai de préavis"
    dense = searcher.search(question, options=SearchOptions(use_lexical=False))
    lexical = searcher.search(question, options=SearchOptions(use_dense=False))
    hybrid = searcher.search(question)
    for result in (dense, lexical, hybrid):
        assert result.hits[0].document.source == "pages/la-demission.html"


def test_one_document_cannot_fill_the_page(searcher):
    result = searcher.search("réutilisation de données publiques", k=8, per_doc=2)
    per_doc = {}
    for hit in result.hits:
        per_doc[hit.document.doc_id] = per_doc.get(hit.document.doc_id, 0) + 1
    assert max(per_doc.values()) <= 2


def test_type_filter_keeps_only_that_type(searcher):
    result = searcher.search("les habitants des quartiers", filters=Filters(types=("webinaire",)))
    assert result.hits and {h.document.type for h in result.hits} == {"webinaire"}


def test_theme_and_period_filters(searcher):
    result = searcher.search("la santé des habitants des quartiers", filters=Filters(themes=("santé",)))
    assert {h.document.source for h in result.hits} == {"sante-conseils-citoyens-herault.txt"}
    dated = searcher.search("l'émancipation des femmes des quartiers", filters=Filters(since="2021", until="2021"))
    assert dated.hits and all(h.document.date.startswith("2021") for h in dated.hits)


def test_folder_filter(searcher):
    result = searcher.search("la place des conseils citoyens dans le contrat de ville",
                             filters=Filters(folders=("loi",)))
    assert {h.document.source for h in result.hits} == {"loi/article-7.md"}


def test_a_malformed_period_is_refused():
    with pytest.raises(SettingsError):
        Filters(since="mars 2020")


def test_an_off_topic_question_is_declined(searcher):
    result = searcher.search("Quelle est la recette de la pâte à crêpes ?")
    assert result.no_answer and result.hits == []


@pytest.fixture(scope="module")
def hnsw_and_flat(base_settings, embedder, tmp_path_factory):
    """The seed corpus indexed twice: exact (flat) and as an HNSW graph."""
    from conftest import SEED

    from ingest.refresh import refresh
    from retrieval.index import IndexHandle
    from retrieval.search import Searcher

    searchers = {}
    for kind, threshold in (("flat", 200_000), ("hnsw", 1)):
        settings = base_settings.with_(index_dir=tmp_path_factory.mktemp(kind), sources=SEED,
                                       hnsw_threshold=threshold)
        refresh(settings, embedder=embedder)
        searchers[kind] = Searcher(settings, embedder, IndexHandle(settings.index_path))
    assert searchers["hnsw"].handle.get().manifest.dense["kind"] == "hnsw"
    return searchers


@pytest.mark.parametrize("exact_limit", [50_000, 0])  # exact over the allowed vectors, or HNSW with a selector
def test_a_filtered_search_on_an_hnsw_index_finds_what_the_exact_index_finds(hnsw_and_flat, monkeypatch,
                                                                              exact_limit):
    monkeypatch.setattr("core.dense.EXACT_FILTER_LIMIT", exact_limit)
    question, only = "Comment associer les habitants aux décisions ?", Filters(types=("webinaire",))
    found = {kind: s.search(question, filters=only, k=5) for kind, s in hnsw_and_flat.items()}
    assert found["hnsw"].hits and all(h.document.type == "webinaire" for h in found["hnsw"].hits)
    assert [h.document.doc_id for h in found["hnsw"].hits] == [h.document.doc_id for h in found["flat"].hits]


def test_a_declined_question_names_the_document_that_came_close(searcher):
    question = "Quel préavis respecter pour une démission ?"
    result = searcher_declining(searcher, question, 0.01).search(question)
    assert result.no_answer and result.hits == []
    assert [d.source for d in result.near] == ["pages/la-demission.html"]


def test_an_off_topic_question_just_under_the_threshold_has_no_near_miss(searcher):
    question = "Comment tricoter une écharpe au point mousse ?"
    result = searcher_declining(searcher, question, 0.01).search(question)
    assert result.no_answer and result.near == []


def test_a_question_far_under_the_threshold_has_no_near_miss(searcher):
    question = "Quel préavis respecter pour une démission ?"
    result = searcher_declining(searcher, question, 0.2).search(question)
    assert result.no_answer and result.near == []
