"""Scale benchmark: synthetic 384-dimension unit vectors at 100k, 1M and 2M passages.

    python benchmarks/scale.py [--sizes 100000 1000000 2000000] [--queries 200]

Random points on a 384-d sphere have no neighbourhood structure (every point is almost
equally far from every other), which no real embedding set looks like; the vectors here are
drawn around 5,000 random centres, as passages cluster around topics. For each size: the
exact index (the one Boussole uses below ``hnsw_threshold``) and the HNSW index it switches
to above, with its build time, memory (resident set growth), query latency and recall@10
against exact search. One JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.dense import build_dense  # noqa: E402

DIM = 384
CENTRES = 5000


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 200_000):
        stop = min(n, start + 200_000)
        picks = rng.integers(0, len(centres), stop - start)
        block = centres[picks] + rng.normal(0, 0.6 / np.sqrt(DIM), (stop - start, DIM)).astype(np.float32)
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def timed_search(index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, float, float]:
    latencies = []
    found = []
    for q in queries:
        started = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        latencies.append((time.perf_counter() - started) * 1000)
        found.append(ids[0])
    return np.array(found), float(np.median(latencies)), float(np.percentile(latencies, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 2_000_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    for n in args.sizes:
        vectors = synthetic(n, rng, centres)
        queries = synthetic(args.queries, rng, centres)
        row = {"passages": n, "vectors_mb": round(vectors.nbytes / 2**20)}
        for kind, threshold in (("exact", n + 1), ("approximate", 0)):
            before = rss_mb()
            started = time.perf_counter()
            index, params = build_dense(vectors, hnsw_threshold=threshold)
            build_s = time.perf_counter() - started
            memory = rss_mb() - before
            ids, p50, p95 = timed_search(index, queries)
            row[kind] = {"params": params, "build_s": round(build_s, 1), "memory_mb": round(memory),
                         "latency_ms": {"p50": round(p50, 2), "p95": round(p95, 2)}}
            if kind == "exact":
                truth = ids
            else:
                hits = sum(len(set(a) & set(b)) for a, b in zip(ids, truth))
                row[kind]["recall@10"] = round(hits / (10 * len(queries)), 4)
            del index
        print(json.dumps(row), flush=True)
        del vectors


if __name__ == "__main__":
    main()
