"""HTTP API benchmark: /api/v1/search under 1, 4 and 16 concurrent clients, against the
in-process search of benchmarks/query.py, in the same run (the HTTP layer's cost as a ratio).

    python benchmarks/api.py [--index /tmp/boussole-bench/fiches-travail] [--questions N]

The app is started as users run it (`boussole ui`, its own process, on a free port); the
clients are threads of this process, each with its own HTTP connection. Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]  # tests/drive.py: the browser harness
from benchmarks.common import corpus_arguments, indexed_settings  # noqa: E402
from benchmarks.query import percentile  # noqa: E402
from retrieval.evaluation import load_questions  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402
from drive import running_ui  # noqa: E402

CLIENTS = (1, 4, 16)


def measure(call, questions: list[str], clients: int) -> dict:
    """Every question once, spread over ``clients`` concurrent callers."""
    latencies: list[float] = []

    def timed(question: str) -> None:
        started = time.perf_counter()
        call(question)
        latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(timed, questions))
    elapsed = time.perf_counter() - started
    return {"per_s": round(len(questions) / elapsed, 1), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1)}


def http_caller(url: str):
    """One keep-alive connection per client thread, as a real client would hold."""
    local = threading.local()

    def call(question: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=120)
        response = local.client.get("/api/v1/search", params={"q": question})
        response.raise_for_status()
    return call


def main() -> None:
    args = corpus_arguments(__doc__, "fiches-travail")
    settings = indexed_settings(args)
    questions = [q.question for q in load_questions(args.shared / "eval" / "service-public" / "questions.jsonl")]
    questions = questions[: args.questions or 200]
    searcher = open_searcher(settings)
    searcher.search(questions[0])
    report = {"queries": len(questions), "in_process": {}, "http": {}, "http_over_in_process_p50": {}}
    with running_ui(args.index, {"BOUSSOLE_API_RATE_LIMIT": "1000000/minute"}) as url:
        call = http_caller(url)
        call(questions[0])  # the server loads its model at the first question
        for clients in CLIENTS:
            # alternated, so that both see the same machine state
            report["in_process"][str(clients)] = measure(searcher.search, questions, clients)
            report["http"][str(clients)] = measure(call, questions, clients)
            report["http_over_in_process_p50"][str(clients)] = round(
                report["http"][str(clients)]["p50_ms"] / report["in_process"][str(clients)]["p50_ms"], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
