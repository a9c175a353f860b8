"""Fusion and grouping are pure functions: checked against straightforward references."""

import random

from retrieval.fusion import reciprocal_rank_fusion, zscore_fusion
from retrieval.grouping import group_by_document, rank_documents
from retrieval.search import rank_documents_hybrid


def _reference_rrf(rankings, weights, k):
    scores = {}
    for ranking, w in zip(rankings, weights):
        for position, (item, _) in enumerate(ranking):
            scores[item] = scores.get(item, 0) + w / (k + position + 1)
    return scores


def test_rrf_matches_the_reference_on_random_rankings():
    rng = random.Random(7)
    for _ in range(50):
        rankings = [[(i, 1.0) for i in rng.sample(range(30), rng.randint(0, 20))] for _ in range(2)]
        fused = reciprocal_rank_fusion(rankings, [1.0, 0.5], k=60)
        reference = _reference_rrf(rankings, [1.0, 0.5], 60)
        assert dict(fused) == reference
        assert [s for _, s in fused] == sorted(reference.values(), reverse=True)


def test_rrf_of_nothing_is_nothing():
    assert reciprocal_rank_fusion([[], []], [1, 1]) == []


def test_rrf_weights_decide_between_two_disagreeing_rankers():
    dense, lexical = [(1, 0.9), (2, 0.8)], [(2, 7.0), (1, 3.0)]
    assert reciprocal_rank_fusion([dense, lexical], [1.0, 0.2])[0][0] == 1
    assert reciprocal_rank_fusion([dense, lexical], [0.2, 1.0])[0][0] == 2


def test_zscore_fusion_ranks_an_item_first_in_both_lists_first():
    fused = zscore_fusion([[(1, 0.9), (2, 0.5), (3, 0.1)], [(1, 9.0), (3, 5.0)]], [0.8, 0.2])
    assert fused[0][0] == 1 and {i for i, _ in fused} == {1, 2, 3}


def test_zscore_fusion_of_a_single_item_does_not_divide_by_zero():
    assert zscore_fusion([[(5, 0.3)], []], [1, 1]) == [(5, 0.0)]


def test_grouping_caps_passages_per_document_and_keeps_document_order():
    ranking = [(1, .9), (2, .8), (3, .7), (4, .6), (5, .5)]
    doc = {1: "a", 2: "a", 3: "a", 4: "b", 5: "c"}
    assert group_by_document(ranking, doc, per_doc=2, limit=10) == [(1, .9), (2, .8), (4, .6), (5, .5)]


def test_grouping_keeps_a_documents_passages_together():
    ranking = [(1, .9), (2, .8), (3, .7)]
    assert [i for i, _ in group_by_document(ranking, {1: "a", 2: "b", 3: "a"}, 2, 10)] == [1, 3, 2]


def test_grouping_respects_the_limit_and_empty_input():
    assert len(group_by_document([(i, 1.0) for i in range(10)], lambda i: i, 1, 3)) == 3
    assert group_by_document([], {}, 2, 5) == []


def test_documents_are_ranked_by_their_best_passage():
    ranking = [(1, .9), (2, .8), (3, .75)]
    assert rank_documents(ranking, {1: "a", 2: "b", 3: "b"}) == [("a", .9), ("b", .8)]


def test_a_document_whose_whole_text_matches_overtakes_a_slightly_better_passage():
    dense = [(1, .86), (2, .85), (3, .70), (4, .60)]
    whole = [("b", 12.0), ("c", 3.0), ("a", 2.5), ("d", 2.0)]
    doc_of = {1: "a", 2: "b", 3: "c", 4: "d"}
    ranked = rank_documents_hybrid(dense, dense, whole, doc_of, 0.2)
    assert [doc for doc, _ in ranked][:2] == ["b", "a"]


def test_without_whole_document_scores_documents_follow_their_best_fused_passage():
    fused = [(3, 2.0), (1, 1.0)]
    ranked = rank_documents_hybrid([(1, .9), (3, .8)], fused, [], {1: "a", 3: "c"}, 0.2)
    assert [doc for doc, _ in ranked] == ["c", "a"]
