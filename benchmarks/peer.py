"""Boussole against the baseline users would otherwise pick: LangChain's FAISS vector store.

    pip install -e ".[bench]"
    python benchmarks/peer.py --index /tmp/boussole-bench/service-public

Same corpus (../shared/corpus/service-public), same passages, same model and the same
passage vectors (taken from Boussole's index, so neither side pays for embedding twice); the
peer uses LangChain's defaults (``FAISS.from_embeddings``, ``similarity_search``). Quality on
../shared/eval/service-public/questions.jsonl (document level) and query latency, side by
side, then the ratios Boussole/peer. One JSON line.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import corpus_arguments, indexed_settings  # noqa: E402
from core.formats import embedding_text  # noqa: E402
from core.store import current_build, load_documents  # noqa: E402
from retrieval.evaluation import evaluate, load_questions  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402


class SameModel(Embeddings):
    """LangChain's Embeddings interface over Boussole's loaded model (same prompts)."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts):
        return self.embedder.embed_passages(texts).tolist()

    def embed_query(self, text):
        return self.embedder.embed_queries([text])[0].tolist()


def peer_store(build: Path, embedder):
    from langchain_community.vectorstores import FAISS

    db = sqlite3.connect(build / "passages.sqlite")
    doc_ids = {d for (d,) in db.execute("SELECT doc_id FROM documents")}
    items = load_documents(build, doc_ids)
    pairs, metadatas = [], []
    for item in items:
        for passage, vector in zip(item.passages, item.vectors):
            pairs.append((embedding_text(item.document, passage), np.asarray(vector).tolist()))
            metadatas.append({"source": item.document.source})
    return FAISS.from_embeddings(pairs, SameModel(embedder), metadatas=metadatas)


def peer_eval(store, questions, k=10):
    r1 = r5 = r10 = mrr = 0.0
    latencies = []
    for q in questions:
        started = time.perf_counter()
        docs = store.similarity_search(q.question, k=50)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = list(dict.fromkeys(d.metadata["source"] for d in docs))[:k]
        rank = next((i + 1 for i, s in enumerate(ranked) if s in q.relevant), None)
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
        r10 += bool(rank and rank <= 10)
        mrr += 1 / rank if rank else 0
    n = len(questions)
    ordered = sorted(latencies)
    return ({"recall@1": round(r1 / n, 4), "recall@5": round(r5 / n, 4), "recall@10": round(r10 / n, 4),
             "mrr@10": round(mrr / n, 4)},
            {"p50": round(statistics.median(ordered), 1), "p95": round(ordered[int(0.95 * (n - 1))], 1)})


def main() -> None:
    args = corpus_arguments(__doc__, "service-public")
    settings = indexed_settings(args)
    questions = load_questions(args.shared / "eval" / "service-public" / "questions.jsonl")
    searcher = open_searcher(settings)
    ours = evaluate(searcher, questions, k=10)
    store = peer_store(current_build(args.index), searcher.embedder)
    store.similarity_search("échauffement", k=5)
    peer_metrics, peer_latency = peer_eval(store, questions)
    keys = ("recall@1", "recall@5", "recall@10", "mrr@10")
    print(json.dumps({
        "boussole": {"metrics": {k: ours.metrics[k] for k in keys}, "latency_ms": ours.latency_ms},
        "langchain_faiss": {"metrics": peer_metrics, "latency_ms": peer_latency},
        "ratios_boussole_over_peer": {
            **{k: round(ours.metrics[k] / peer_metrics[k], 3) for k in keys},
            "latency_p50": round(ours.latency_ms["p50"] / peer_latency["p50"], 2),
            "latency_p95": round(ours.latency_ms["p95"] / peer_latency["p95"], 2)},
    }))


if __name__ == "__main__":
    main()
