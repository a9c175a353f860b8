"""Follow-up questions read in their conversation: a topic shift finds its new topic, a
refinement keeps the old one; conversations in `boussole eval`."""

import json
import shutil

import pytest

from conftest import CORPUS, ROOT, SEED, copy_files
from retrieval.conversation import discount_hubs, follow_up_search
from retrieval.evaluation import evaluate, load_questions
from retrieval.index import IndexHandle
from retrieval.search import Searcher

EQUALITY = "Comment monter un projet qui favorise l'égalité entre filles et garçons dans mon association ?"
GENERAL = "politique-de-la-ville-dans-10-ans.txt"
CULTURE = "Comment faire venir les habitants des quartiers au théâtre ou au musée ?"


@pytest.fixture(scope="module")
def law_searcher(base_settings, embedder, tmp_path_factory):
    """The seed notices and three articles of the 2014 law (objectives, contracts, councils)."""
    from ingest.refresh import refresh
    folder = tmp_path_factory.mktemp("seed-law")
    shutil.copytree(SEED, folder, dirs_exist_ok=True)
    copy_files(folder / "loi", *(CORPUS / "loi-ville-2014" / f"article-{n}.md" for n in (1, 6, 7)))
    settings = base_settings.with_(index_dir=tmp_path_factory.mktemp("seed-law-index"), sources=folder)
    refresh(settings, embedder=embedder)
    return Searcher(settings, embedder, IndexHandle(settings.index_path))


def first_source(searcher, result) -> str:
    return searcher.handle.get().documents[result.documents[0][0]].source


def test_a_topic_shift_finds_its_new_topic(seed_searcher):
    result = follow_up_search(seed_searcher, [EQUALITY], "et pour l'emploi des jeunes ?", k=5)
    assert first_source(seed_searcher, result) == "leviers-emploi-quartiers.txt"
    assert result.hits[0].document.source == "leviers-emploi-quartiers.txt"


def test_a_refinement_keeps_the_conversation_s_topic(seed_searcher):
    result = follow_up_search(seed_searcher, [CULTURE], "c'était quand ce webinaire ?", k=5)
    assert first_source(seed_searcher, result) == "acces-offre-culturelle-qpv.txt"


HEALTH = "Comment la santé est-elle prise en compte dans les contrats de ville ?"


def test_the_general_document_that_comes_first_for_anything_is_found_among_the_probes(seed_searcher):
    hubs = seed_searcher.hub_shares()
    documents = seed_searcher.handle.get().documents
    assert max(hubs, key=hubs.get) == next(d for d in documents if documents[d].source == GENERAL)
    assert sum(hubs.values()) == pytest.approx(1.0)


def test_a_vague_refinement_keeps_its_topic(seed_searcher):
    result = follow_up_search(seed_searcher, [HEALTH], "c'était dans quel département ?", k=5)
    assert first_source(seed_searcher, result) == "sante-conseils-citoyens-herault.txt"


def test_a_short_topic_shift_is_not_taken_by_the_general_document(seed_searcher):
    result = follow_up_search(seed_searcher, ["Existe-t-il une ressource sur la médiation numérique ?"],
                              "et sur la transition écologique ?", k=5)
    assert first_source(seed_searcher, result) == "transition-alimentaire-quartiers.txt"


def test_a_topic_shift_too_short_to_be_answered_alone_still_finds_its_topic(seed_searcher):
    previous = ["À quoi ressemblera la politique de la ville dans dix ans ?", "c'était lors de quelle journée ?"]
    alone = seed_searcher.search("et pour l'emploi ?")
    # its own words are below the threshold (the learned abstention may answer it all the same)
    assert alone.best_dense < seed_searcher.handle.get().manifest.dense["abstention"]["threshold"]
    result = follow_up_search(seed_searcher, previous, "et pour l'emploi ?", k=5)
    assert not result.no_answer and result.near == []
    assert result.hits[0].document.source == "leviers-emploi-quartiers.txt"


def test_a_question_long_enough_to_stand_alone_still_reads_its_context(law_searcher):
    # « la » is the policy asked about before, not an article: alone, the general document came first
    previous = ["Quels sont les objectifs de la politique de la ville ?"]
    result = follow_up_search(law_searcher, previous, "et concrètement, quels contrats la mettent en œuvre ?", k=5)
    assert first_source(law_searcher, result) == "loi/article-6.md"


def test_a_new_question_that_stands_alone_is_not_drawn_back_to_the_previous_topic(seed_searcher):
    result = follow_up_search(seed_searcher, [EQUALITY], CULTURE, k=5)
    assert first_source(seed_searcher, result) == "acces-offre-culturelle-qpv.txt"


def test_hub_discount_lowers_each_document_by_its_share():
    from retrieval.search import SearchResult
    result = SearchResult("q", "", [], False, [("general", 1.0), ("precise", 0.6)], 0.9, "b")
    assert [d for d, _ in discount_hubs(result, {"general": 0.6}).documents] == ["precise", "general"]


def test_a_fused_result_keeps_at_most_its_passages_per_document_ranked_in_order(seed_searcher):
    result = follow_up_search(seed_searcher, [EQUALITY], "et pour l'emploi des jeunes ?", k=6)
    per_document = {}
    for hit in result.hits:
        per_document[hit.document.doc_id] = per_document.get(hit.document.doc_id, 0) + 1
    assert max(per_document.values()) <= seed_searcher.settings.max_per_doc
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))


def test_a_question_without_a_conversation_is_searched_as_is(seed_searcher):
    alone = seed_searcher.search(CULTURE, k=5)
    assert [h.passage.id for h in follow_up_search(seed_searcher, [], CULTURE, k=5).hits] == \
        [h.passage.id for h in alone.hits]


def test_eval_reads_conversations_and_reports_follow_ups_apart(seed_searcher, tmp_path):
    path = tmp_path / "conversations.jsonl"
    path.write_text(json.dumps({"question": CULTURE, "relevant": ["acces-offre-culturelle-qpv.txt"]}) + "\n"
                    + json.dumps({"conversation": [
                        {"question": EQUALITY, "relevant": ["guide-egalite-femmes-hommes.txt"]},
                        {"question": "et pour l'emploi des jeunes ?", "relevant": ["leviers-emploi-quartiers.txt"]}]})
                    + "\n", encoding="utf-8")
    questions = load_questions(path)
    assert [(q.conversation, q.turn, q.previous) for q in questions] == [
        (None, None, ()), (1, 0, ()), (1, 1, (EQUALITY,))]
    report = evaluate(seed_searcher, questions, k=5).to_json()
    assert report["metrics"]["follow_up_questions"] == 1 and report["metrics"]["follow_up_recall@1"] == 1.0
    assert [(q.get("conversation"), q.get("turn")) for q in report["questions"]] == [(None, None), (1, 0), (1, 1)]


@pytest.mark.parametrize("name", ["conversations.jsonl", "conversations-heldout.jsonl"])
def test_the_conversation_sets_name_only_documents_that_exist(name):
    known = {p.name for p in SEED.iterdir()} | {p.name for p in (CORPUS / "loi-ville-2014").iterdir()}
    questions = load_questions(ROOT / "data" / "eval" / name)
    assert sum(q.follow_up for q in questions) >= 20
    assert {source for q in questions for source in q.relevant} <= known


class CountingModel:
    """The embedder, counting the calls that embed questions."""

    def __init__(self, embedder):
        self.embedder, self.calls = embedder, []
        self.dimension, self.source = embedder.dimension, embedder.source

    def embed_queries(self, texts):
        self.calls.append(list(texts))
        return self.embedder.embed_queries(texts)

    def embed_passages(self, texts):
        return self.embedder.embed_passages(texts)


def test_a_follow_up_s_two_readings_take_one_call_of_the_model(seed_searcher):
    model = CountingModel(seed_searcher.embedder)
    searcher = Searcher(seed_searcher.settings, model, seed_searcher.handle)
    follow_up_search(searcher, ["Comment les conseils citoyens sont-ils composés ?"], "et qui les anime ?")
    readings = [call for call in model.calls if any("et qui les anime" in text for text in call)]
    assert len(readings) == 1 and len(readings[0]) == 2  # (the other calls embed the hub probes)

