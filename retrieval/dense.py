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
    index = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    if params.get("kind") == "hnsw":
        index.hnsw.efSearch = params.get("efSearch", HNSW_EF_SEARCH)
    return index
