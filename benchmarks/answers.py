"""Extractive answers against marked answer spans.

    python benchmarks/answers.py                 # external: ../shared/eval/service-public/answers.jsonl
    python benchmarks/answers.py --set dev       # dev: fiches-travail, where the answers' choices are made

External: the 105 questions of `answers.jsonl`, the span a person marked in the sheet. Dev: the
fiches-travail pages' questions-headings (« Quelle visite s'impose lors de l'embauche… ? »), the
span being the words the ministry's editors put in bold at the start of the answer under it —
another people's marking, on other pages. For each question: does the answer contain the span
(whitespace- and case-normalised), its best sentence's token F1 against the span, how long the
answer is, and whether it merely repeats excerpt [1] (every sentence taken from it, and more than
half of its words) — excerpt [1] is shown right under the answer. One JSON line.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import BENCH_INDEXES, corpus_arguments, indexed_settings  # noqa: E402
from retrieval.answer import Answer, extractive_answer, scored_candidates  # noqa: E402
from retrieval.evaluation import EvalQuestion, load_questions, squash  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402

DEV_SPAN_WORDS = (5, 40)  # a bold run shorter than this is a term, longer is a whole paragraph
DEV_EVERY = 2  # one question-heading in two: about 240 questions


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


def dev_questions(folder: Path) -> list[EvalQuestion]:
    """Question-headings of the fiches-travail pages, each with the bold words opening its answer."""
    found = []
    for page in sorted(folder.glob("*.html")):
        tree = lxml.html.fromstring(page.read_bytes())
        for heading in tree.iter("h2", "h3", "h4"):
            question = " ".join(heading.text_content().split())
            answer = heading.getnext()
            if not question.endswith("?") or answer is None or answer.tag != "p":
                continue
            bold = [" ".join(b.text_content().split()) for b in answer.iter("strong", "b")]
            span = next((b for b in bold if DEV_SPAN_WORDS[0] <= len(b.split()) <= DEV_SPAN_WORDS[1]), "")
            if span:
                found.append(EvalQuestion(question, (page.name,), span))
    return found[::DEV_EVERY]


def span_sentence_rank(question: EvalQuestion, result, embedder) -> int | None:
    """Where the first sentence holding the span comes among the scored candidates (1 = best),
    or None when no candidate holds it: how far sentence selection alone can go."""
    candidates, scores, _ = scored_candidates(question.question, result, embedder)
    order = sorted(range(len(candidates)), key=lambda i: -scores[i])
    return next((rank for rank, i in enumerate(order, start=1)
                 if squash(question.answer) in squash(candidates[i].text)), None)


def repeats_first_excerpt(answer: Answer) -> bool:
    first = answer.citations[0].hit.passage.text
    taken = [s for s in answer.sentences if s.n == 1]
    return len(taken) == len(answer.sentences) and sum(len(s.text.split()) for s in taken) > len(first.split()) / 2


def main() -> None:
    args = corpus_arguments(__doc__, "service-public", extra=lambda p: p.add_argument(
        "--set", choices=["external", "dev"], default="external"))
    if args.set == "dev":
        args.corpus = "fiches-travail"
        if args.index == BENCH_INDEXES / "service-public":
            args.index = BENCH_INDEXES / "fiches-travail"
    settings = indexed_settings(args)
    searcher = open_searcher(settings)
    questions = (dev_questions(args.shared / "corpus" / "fiches-travail") if args.set == "dev"
                 else load_questions(args.shared / "eval" / "service-public" / "answers.jsonl"))
    if args.questions:
        questions = questions[:args.questions]
    contains, in_excerpts, f1s, cited_right, sentences, declined, words, repeats = 0, 0, [], 0, 0, 0, [], 0
    contains_when_shown, span_ranks = 0, []
    for q in questions:
        result = searcher.search(q.question, k=5)
        shown = any(squash(q.answer) in squash(h.passage.text) for h in result.hits)
        in_excerpts += shown
        answer = extractive_answer(q.question, result, searcher.answer_embedder)
        span_ranks.append(None if result.no_answer else span_sentence_rank(q, result, searcher.answer_embedder))
        if answer.no_answer:
            declined += 1
            f1s.append(0.0)
            continue
        text = " ".join(s.text for s in answer.sentences)
        contains += squash(q.answer) in squash(text)
        contains_when_shown += shown and squash(q.answer) in squash(text)
        words.append(len(text.split()))
        repeats += repeats_first_excerpt(answer)
        # F1 of the best answer sentence: the span is short, the answer is several sentences
        f1s.append(max(token_f1(s.text, q.answer) for s in answer.sentences))
        for s in answer.sentences:
            sentences += 1
            cited_right += answer.citations[s.n - 1].hit.document.source in q.relevant
    n = len(questions)
    print(json.dumps({
        "set": args.set, "questions": n, "declined": declined,
        "answer_contains_span": round(contains / n, 4),
        "span_in_top5_excerpts": round(in_excerpts / n, 4),
        # the composition's own share: of the questions whose span is in an excerpt
        "answer_contains_span_when_in_excerpts": round(contains_when_shown / max(1, in_excerpts), 4),
        # the ceiling of choosing sentences with these scores: the span's sentence among the first r
        **{f"span_sentence_in_first_{r}_candidates": round(sum(k is not None and k <= r for k in span_ranks) / n, 4)
           for r in (1, 2, 3)},
        "span_in_a_candidate": round(sum(k is not None for k in span_ranks) / n, 4),
        "best_sentence_token_f1_mean": round(statistics.mean(f1s), 4),
        "share_f1_above_0.5": round(sum(f > 0.5 for f in f1s) / len(f1s), 4),
        "answer_words_mean": round(statistics.mean(words), 1),
        "answer_sentences": sentences,
        "share_repeating_excerpt_1": round(repeats / max(1, len(words)), 4),
        "share_sentences_citing_relevant_sheet": round(cited_right / max(1, sentences), 4),
    }))


if __name__ == "__main__":
    main()
