"""Fusion and grouping are pure functions: checked against straightforward references."""

import random

from retrieval.fusion import reciprocal_rank_fusion, zscore_fusion
from retrieval.grouping import group_by_document, rank_documents


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


def test_a_second_good_passage_can_lift_a_document():
    ranking = [(1, .9), (2, .85), (3, .84)]
    ranked = rank_documents(ranking, {1: "a", 2: "b", 3: "b"}, second_weight=0.5)
    assert ranked[0][0] == "b"
