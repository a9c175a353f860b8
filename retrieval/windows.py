"""Score passages with their neighbours: windows of two consecutive passages.

Short passages (about 90 words) match precisely but judge a question on a few sentences; a
window of two reads a passage with the one before or after it. Each passage takes the best
mean over the windows that hold it; at a document's first or last passage the window past the
edge holds the passage alone, so its own score stands. Chosen on the held-out title → page set
(`benchmarks/heldout.py`) before the PIAF questions; README: "What was tried".

Passage ids of one document are consecutive in ordinal order (``core.store`` writes them so),
so a neighbour is the id one below or above when it belongs to the same document.
"""

from __future__ import annotations

import numpy as np

from retrieval.fusion import Ranking
from retrieval.index import Index


def window_scores(own: np.ndarray, previous: np.ndarray, following: np.ndarray) -> np.ndarray:
    """Best window mean per passage; NaN marks a neighbour beyond the document's edge."""
    before = np.where(np.isnan(previous), own, (own + previous) / 2)
    after = np.where(np.isnan(following), own, (own + following) / 2)
    return np.maximum(before, after)


def window_ranking(index: Index, vector: np.ndarray, ranking: Ranking) -> Ranking:
    """The dense candidates re-scored by their windows, best first."""
    if not ranking:
        return ranking
    ids = np.array([pid for pid, _ in ranking], dtype=np.int64)
    own = np.array([score for _, score in ranking], dtype=np.float32)
    scores = window_scores(own, neighbour_cosines(index, vector, ids, -1),
                           neighbour_cosines(index, vector, ids, 1))
    order = np.argsort(-scores, kind="stable")
    return [(int(ids[i]), float(scores[i])) for i in order]


def neighbour_cosines(index: Index, vector: np.ndarray, ids: np.ndarray, step: int) -> np.ndarray:
    """Cosine of the question with each passage's neighbour ``step`` away, NaN if none."""
    other = ids + step
    valid = (other >= 0) & (other < index.size)
    valid[valid] = index.passage_doc[other[valid]] == index.passage_doc[ids[valid]]
    out = np.full(len(ids), np.nan, dtype=np.float32)
    if valid.any():
        out[valid] = index.dense.reconstruct_batch(other[valid]) @ vector[0]
    return out
