"""Every answer the product gives to a fixed set of questions, for checking that a change meant
for speed changes no answer: run it in two checkouts and compare the outputs (``cmp``).

    python benchmarks/answer_dump.py [--index /tmp/boussole-bench/seed-loi] > answers.jsonl

The questions: the conversations (data/eval/conversations*.jsonl), each turn asked after the
ones before it, and the factual dev questions (facts-dev, facts-dev2). One JSON line per answer:
its sentences with their citation numbers, the passages cited, whether it declined, the listed
documents (scores are left out: they move in the sixth decimal with the batch a text is embedded in).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import BENCH_INDEXES, ROOT  # noqa: E402
from core.settings import Settings  # noqa: E402
from retrieval.respond import respond  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402

EVAL = ROOT / "data" / "eval"


def asked() -> list[tuple[list[str], str]]:
    """(previous questions, question), in order."""
    turns = []
    for name in ("conversations.jsonl", "conversations-heldout.jsonl"):
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            questions = [t["question"] for t in json.loads(line)["conversation"]]
            turns += [(questions[:i], q) for i, q in enumerate(questions)]
    for name in ("facts-dev.jsonl", "facts-dev2.jsonl"):
        turns += [([], json.loads(line)["question"]) for line in (EVAL / name).read_text(encoding="utf-8").splitlines()]
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=BENCH_INDEXES / "seed-loi")
    args = parser.parse_args()
    settings = Settings.from_env().with_(index_dir=args.index)
    searcher = open_searcher(settings)
    for previous, question in asked():
        answer = respond(settings, searcher, question, previous=previous)
        print(json.dumps({"previous": previous, "question": question,
                          "sentences": [(s.text, s.n) for s in answer.sentences],
                          "cited": [c.hit.passage.id for c in answer.citations],
                          "no_answer": answer.no_answer, "listing": answer.listing}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
