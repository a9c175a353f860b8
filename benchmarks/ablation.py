"""What each retrieval component adds, in one run, on the external PIAF set.

    python benchmarks/ablation.py [--index /tmp/boussole-bench/service-public]

Rows: dense alone, BM25 alone, passage-level RRF, passage-level z-score fusion, the default
(documents ranked by their best dense passage window and BM25 over their whole text), the
default without neighbour windows, without the glossary, on an index built without title
fields (title, heading and themes left out of passages) and on one with the previous
170-word passages (each built beside the main one if missing). Prints a Markdown table
(document level, k = 10) and the answer-span share on answers.jsonl.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import (  # noqa: E402
    PREVIOUS_PASSAGES,
    corpus_arguments,
    indexed_settings,
    variant_path,
)
from core.settings import Settings  # noqa: E402
from retrieval.evaluation import evaluate, load_questions  # noqa: E402
from retrieval.search import SearchOptions  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402

# (name, search settings, options, index settings: rows with the last set need their own index)
ROWS = [
    ("dense alone (e5-small, passages with title and headings, neighbour windows)", {}, SearchOptions(use_lexical=False), {}),
    ("BM25 alone (French analysis, passages)", {}, SearchOptions(use_dense=False), {}),
    ("passage RRF, k=60, weights 1/0.5", {"fusion": "rrf", "lexical_weight": 0.5, "document_lexical_weight": 0},
     SearchOptions(), {}),
    ("passage z-score fusion, weights 1/0.2", {"document_lexical_weight": 0}, SearchOptions(), {}),
    ("**default**: best dense passage window + whole-document BM25, z-scored, 0.8/0.2", {}, SearchOptions(), {}),
    ("default without neighbour windows", {"neighbour_windows": False}, SearchOptions(), {}),
    ("default without the glossary", {}, SearchOptions(use_glossary=False), {}),
    ("default without title fields", {}, SearchOptions(), {"title_fields": False}),
    ("default with passages of 170 words (120–300)", {}, SearchOptions(), PREVIOUS_PASSAGES),
]


def main() -> None:
    args = corpus_arguments(__doc__, "service-public")
    eval_dir = args.shared / "eval" / "service-public"
    questions = load_questions(eval_dir / "questions.jsonl")
    with_spans = load_questions(eval_dir / "answers.jsonl")
    searchers = {}
    print("| configuration | recall@1 | recall@5 | recall@10 | MRR@10 | span in top-5 | declined | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, changes, options, index_changes in ROWS:
        key = tuple(sorted(index_changes.items()))
        if key not in searchers:
            searchers[key] = open_searcher(variant_index(args, index_changes))
        searcher = searchers[key]
        index_settings = searcher.settings
        searcher.settings = index_settings.with_(**changes)
        report = evaluate(searcher, questions, k=10, options=options)
        spans = evaluate(searcher, with_spans, k=10, options=options)
        searcher.settings = index_settings
        m = report.metrics
        print(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | "
              f"{m['mrr@10']:.3f} | {spans.metrics['answer_in_top5']:.3f} | {m['declined_on_topic']} | "
              f"{report.latency_ms['p50']} | {report.latency_ms['p95']} |", flush=True)


def variant_index(args: argparse.Namespace, index_changes: dict) -> Settings:
    """The main index, or one built beside it with other passage settings."""
    variant = argparse.Namespace(**{**vars(args), "index": variant_path(args.index, index_changes)})
    return indexed_settings(variant, **index_changes)


if __name__ == "__main__":
    main()
