"""Passages scored over windows of two consecutive passages."""

import numpy as np
import pytest

from retrieval.index import Index
from retrieval.search import dense_ranking
from retrieval.windows import window_ranking, window_scores

NONE = np.nan


def test_a_passage_takes_the_mean_with_its_better_neighbour():
    scores = window_scores(np.array([0.8]), np.array([0.6]), np.array([0.7]))
    assert scores[0] == pytest.approx(0.75)


def test_a_passage_at_a_documents_edge_keeps_its_own_score_when_alone_is_better():
    scores = window_scores(np.array([0.8, 0.8]), np.array([NONE, 0.5]), np.array([0.5, NONE]))
    assert list(scores) == [0.8, 0.8]


def test_a_lone_spike_between_weak_neighbours_falls_behind_a_steady_pair():
    own, previous, following = np.array([0.9, 0.8]), np.array([0.5, 0.8]), np.array([0.5, 0.7])
    spike, steady = window_scores(own, previous, following)
    assert steady > spike


def test_window_ranking_uses_the_real_neighbours_of_the_same_document(searcher, embedder):
    index: Index = searcher.handle.get()
    vector = embedder.embed_queries(["Comment ouvrir le code source d'un logiciel public ?"])
    ranking = dense_ranking(index, vector, 30, None)
    vectors = np.load(index.build / "vectors.npy")
    cosine = vectors @ vector[0]
    rescored = dict(window_ranking(index, vector, ranking))
    assert set(rescored) == {pid for pid, _ in ranking}
    for pid, _ in ranking:
        same = [n for n in (pid - 1, pid + 1)
                if 0 <= n < index.size and index.passage_doc[n] == index.passage_doc[pid]]
        windows = [cosine[pid]] if len(same) < 2 else []
        windows += [(cosine[pid] + cosine[n]) / 2 for n in same]
        assert abs(rescored[pid] - max(windows)) < 1e-5
    assert any(abs(rescored[pid] - cosine[pid]) > 1e-4 for pid in rescored)  # windows did change scores


def test_windows_work_on_an_hnsw_index(settings, sources, embedder):
    from ingest.refresh import refresh
    refresh(settings.with_(hnsw_threshold=1), [sources], embedder=embedder)
    index = Index.open(settings.index_path)
    assert index.manifest.dense["kind"] == "hnsw"
    vector = embedder.embed_queries(["conseil citoyen"])
    ranking = dense_ranking(index, vector, 10, None)
    rescored = window_ranking(index, vector, ranking)
    assert sorted(pid for pid, _ in rescored) == sorted(pid for pid, _ in ranking)
