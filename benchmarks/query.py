"""Query benchmark: latency of a full query and throughput under concurrent callers.

    python benchmarks/query.py [--index /tmp/boussole-bench/fiches-travail] [--questions N]

Uses (and builds once, if missing) an index of ../shared/corpus/fiches-travail. A full query
is what `boussole search` does: embed the question, dense + BM25 search, fusion, grouping,
texts fetched from SQLite. Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import corpus_arguments, indexed_settings  # noqa: E402
from retrieval.evaluation import load_questions  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    args = corpus_arguments(__doc__, "fiches-travail")
    settings = indexed_settings(args)
    searcher = open_searcher(settings)
    questions = [q.question for q in load_questions(args.shared / "eval" / "service-public" / "questions.jsonl")]
    questions = questions[: args.questions or 200]
    searcher.search(questions[0])
    latencies, stages = [], {}
    for question in questions:
        started = time.perf_counter()
        result = searcher.search(question)
        latencies.append((time.perf_counter() - started) * 1000)
        for stage, ms in result.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    throughput = {}
    for callers in (1, 4, 16):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=callers) as pool:
            list(pool.map(searcher.search, questions))
        throughput[str(callers)] = round(len(questions) / (time.perf_counter() - started), 1)
    index = searcher.handle.get()
    print(json.dumps({
        "index_passages": index.size, "index_documents": len(index.documents), "queries": len(questions),
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(percentile(latencies, 0.95), 1)},
        "stage_median_ms": {k: round(statistics.median(v), 2) for k, v in stages.items()},
        "queries_per_s": throughput,
    }))


if __name__ == "__main__":
    main()
