"""Abstention: a threshold read on the off-topic bank at each build, the question's own words
looked up in the collection, and a conversation that never pulls an off-topic question in."""

from __future__ import annotations

import json

import numpy as np

from conftest import ROOT
from core.abstention import MARGIN, QUANTILE, load_probes, threshold_from
from retrieval.conversation import follow_up_search
from retrieval.index import IndexHandle
from retrieval.search import Searcher

EMPLOYMENT = "Quels dispositifs pour l'emploi dans les quartiers prioritaires ?"
CULTURE = "Comment favoriser l'accès à la culture en QPV ?"


def test_the_shipped_bank_is_the_dev_half_written_for_it():
    shipped = (ROOT / "core" / "offtopic-bank.jsonl").read_text(encoding="utf-8")
    assert shipped == (ROOT / "data" / "eval" / "offtopic-bank-dev.jsonl").read_text(encoding="utf-8")
    assert len(load_probes()) >= 200 and len({p.category for p in load_probes()}) >= 10


def test_the_threshold_is_a_high_quantile_of_the_bank_on_the_index(seed_index, embedder):
    index = IndexHandle(seed_index.index_path).get()
    probes = load_probes()
    best, _ = index.dense.search(embedder.embed_queries([p.question for p in probes]), 1)
    recorded = index.manifest.dense["abstention"]
    expected = threshold_from(best[:, 0], [p.category for p in probes], QUANTILE, MARGIN)
    assert recorded["threshold"] == expected["threshold"]
    assert recorded["probes"] == len(probes) - sum(p.category in recorded["covered"] for p in probes)
    above = int((best[:, 0] > recorded["threshold"] - MARGIN).sum())
    assert 0 < above < len(probes) * (1 - QUANTILE) + 2  # a quantile of the bank, not its maximum


def test_off_topic_questions_in_everyday_words_are_declined_on_a_mixed_collection(searcher):
    for question in ("recette de la ratatouille svp", "horaires piscine municipale beziers"):
        assert searcher.search(question).no_answer, question
    assert not searcher.search(CULTURE).no_answer


def test_a_question_none_of_whose_words_the_collection_knows_is_declined_whatever_its_cosine(searcher):
    lenient = Searcher(searcher.settings.with_(abstain_threshold=0.01), searcher.embedder, searcher.handle)
    unknown = lenient.search("ratatouille provençale svp")
    assert unknown.known_share == 0.0 and unknown.no_answer
    assert unknown.best_dense > 0.01  # its cosine alone would have answered
    assert not lenient.search("culture dans les quartiers").no_answer


def test_a_typo_of_one_letter_is_still_a_known_word(searcher):
    assert searcher.search("accès à la cultre dans les quartiers").known_share == 1.0


def test_an_off_topic_question_after_an_on_topic_one_is_declined(searcher):
    result = follow_up_search(searcher, [EMPLOYMENT], "recette de la ratatouille", k=5)
    assert result.no_answer and result.hits == []


def test_a_question_that_stands_alone_shows_no_card_of_the_previous_topic(searcher):
    question = "Quels sont les membres du conseil citoyen dans les quartiers prioritaires ?"
    alone = searcher.search(question, k=5)
    result = follow_up_search(searcher, [EMPLOYMENT], question, k=5)
    assert not result.no_answer
    assert {h.document.doc_id for h in result.hits} <= {h.document.doc_id for h in alone.hits}


def test_the_bank_is_declined_on_the_mixed_collection(searcher):
    """Most of the bank's held-out half, less the categories the collection covers (its
    labour-ministry page covers « travail »), on a real small index; the benchmark gives every figure."""
    covered = searcher.handle.get().manifest.dense["abstention"]["covered"]
    assert covered == ["travail"]
    rows = (ROOT / "data" / "eval" / "offtopic-bank-heldout.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [row["question"] for row in map(json.loads, filter(str.strip, rows))
                 if row["category"] not in covered][::12]
    declined = np.mean([searcher.search(q).no_answer for q in questions])
    assert declined >= 0.85, declined  # 15 of 17 when written
