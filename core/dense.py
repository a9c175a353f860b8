"""The FAISS index over passage vectors, chosen by size.

Exact inner product (cosine on normalised vectors) while it is fast enough; past
``hnsw_threshold`` passages an HNSW graph, whose parameters go into the manifest.
"""

from __future__ import annotations

import faiss
import numpy as np

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96
# Below this many allowed passages a filtered HNSW search reads their vectors and is exact
# (50,000 × 384 dimensions: about 10 ms, as long as an unfiltered exact search of as many).
EXACT_FILTER_LIMIT = 50_000


def build_dense(vectors: np.ndarray, hnsw_threshold: int) -> tuple[faiss.Index, dict]:
    dimension = vectors.shape[1]
    if len(vectors) <= hnsw_threshold:
        index = faiss.IndexFlatIP(dimension)
        params = {"kind": "flat-ip"}
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        params = {"kind": "hnsw", "M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION,
                  "efSearch": HNSW_EF_SEARCH}
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, params


def load_dense(path: str, params: dict) -> faiss.Index:
    """Open the index memory-mapped: vectors (and the HNSW graph) stay in the page cache,
    shared between processes, instead of being copied into each one. ``IO_FLAG_MMAP_IFC`` is
    the flag that maps flat and HNSW indexes (``IO_FLAG_MMAP`` alone copies them: measured by
    benchmarks/memory.py)."""
    index = faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    if params.get("kind") == "hnsw":
        index.hnsw.efSearch = params.get("efSearch", HNSW_EF_SEARCH)
    return index


def search_dense(index: faiss.Index, vector: np.ndarray, n: int,
                 allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` nearest passages (scores, ids), among ``allowed`` ids when given.

    A filter over an HNSW graph is a trap: plain ``SearchParameters`` are silently ignored or
    return nothing, and a selective filter leaves the greedy walk stranded among excluded nodes
    (measured: 1 hit of 10 allowed). A filtered search is therefore exact over the allowed
    vectors when they are few, and an HNSW search with its own parameters and a wider beam
    otherwise."""
    if allowed is None:
        return index.search(vector, n)
    if isinstance(index, faiss.IndexHNSW) and len(allowed) > EXACT_FILTER_LIMIT:
        params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(allowed),
                                            efSearch=max(index.hnsw.efSearch, 4 * n))
        return index.search(vector, n, params=params)
    if not isinstance(index, faiss.IndexHNSW):
        return index.search(vector, n, params=faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed)))
    scores = index.reconstruct_batch(allowed) @ vector[0]
    top = np.argsort(-scores, kind="stable")[:n]
    return scores[top][None, :], allowed[top][None, :]
