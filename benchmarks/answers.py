"""Extractive answers against the spans people marked (../shared/eval/service-public/answers.jsonl).

    python benchmarks/answers.py [--index /tmp/boussole-bench/service-public]

For each of the 105 questions: does the answer contain the marked span (whitespace- and
case-normalised), its token F1 against the span, and the share of answer sentences whose
citation points to the relevant sheet. One JSON line.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import corpus_arguments, indexed_settings  # noqa: E402
from retrieval.answer import extractive_answer  # noqa: E402
from retrieval.evaluation import load_questions, squash  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 between the answer's words and the span's words."""
    pred, ref = tokens(prediction), tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    args = corpus_arguments(__doc__, "service-public")
    settings = indexed_settings(args)
    searcher = open_searcher(settings)
    questions = load_questions(args.shared / "eval" / "service-public" / "answers.jsonl")
    contains, f1s, cited_right, sentences, declined = 0, [], 0, 0, 0
    for q in questions:
        answer = extractive_answer(q.question, searcher.search(q.question, k=5), searcher.embedder)
        if answer.no_answer:
            declined += 1
            f1s.append(0.0)
            continue
        text = " ".join(s.text for s in answer.sentences)
        contains += squash(q.answer) in squash(text)
        # F1 of the best answer sentence: the span is short, the answer is several sentences
        f1s.append(max(token_f1(s.text, q.answer) for s in answer.sentences))
        for s in answer.sentences:
            sentences += 1
            cited_right += answer.citations[s.n - 1].hit.document.source in q.relevant
    print(json.dumps({
        "questions": len(questions), "declined": declined,
        "answer_contains_span": round(contains / len(questions), 4),
        "best_sentence_token_f1_mean": round(statistics.mean(f1s), 4),
        "share_f1_above_0.5": round(sum(f > 0.5 for f in f1s) / len(f1s), 4),
        "answer_sentences": sentences,
        "share_sentences_citing_relevant_sheet": round(cited_right / max(1, sentences), 4),
    }))


if __name__ == "__main__":
    main()
