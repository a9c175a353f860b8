"""Answers against the phrase that states the fact, as a person gets them (``respond``, k = 5).

    python benchmarks/answers.py                      # external: ../shared/eval/service-public/answers.jsonl
    python benchmarks/answers.py --set dev            # fiches-travail question-headings, one in two
    python benchmarks/answers.py --set fiches-heldout # those of the pages the answer ranker did not learn from
    python benchmarks/answers.py --set facts-dev      # data/eval/facts-dev.jsonl: where choices are made
    python benchmarks/answers.py --set facts-dev2     # data/eval/facts-dev2.jsonl: a second dev set, written later
    python benchmarks/answers.py --set facts-heldout  # data/eval/facts-heldout.jsonl: run to measure
    python benchmarks/answers.py --no-shapes          # every question answered in sentences, no list

External: the 105 questions of `answers.jsonl`, the span a person marked in the sheet. Dev: the
fiches-travail pages' question-headings (« Quelle visite s'impose lors de l'embauche… ? »), the
span being the words the ministry's editors put in bold at the start of the answer under it.
Facts: questions in users' words over the seed notices and loi texts, the fiches-travail and the
etalab guides, each with the phrase that answers it, and questions whose fact no document states
(answer null): each is asked of its corpus's benchmark index. Printed, one JSON line: the fact in
the excerpt cards and in the answer (whitespace- and case-normalised), answer words (median, 90th
percentile), how often an unanswerable question is declined and an answerable one wrongly is.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import BENCH_INDEXES, ROOT, corpus_arguments, indexed_settings  # noqa: E402
from benchmarks.query import percentile  # noqa: E402
from core.model import load_embedder  # noqa: E402
from retrieval.answer import Answer  # noqa: E402
from retrieval.evaluation import load_questions, squash  # noqa: E402
from retrieval.index import IndexHandle  # noqa: E402
from retrieval.respond import respond  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

DEV_SPAN_WORDS = (5, 40)  # a bold run shorter than this is a term, longer is a whole paragraph
DEV_EVERY = 2  # one question-heading in two: about 240 questions


@dataclass(frozen=True)
class FactQuestion:
    question: str
    answer: str  # the phrase that states the fact; empty when no document states it
    source: str
    corpus: str  # the benchmark index that holds its document (/tmp/boussole-bench/<corpus>)


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


def dev_questions(folder: Path) -> list[FactQuestion]:
    """Question-headings of the fiches-travail pages, each with the bold words opening its answer
    (one in two: the set the hand rules were chosen on)."""
    return heading_questions(sorted(folder.glob("*.html")))[::DEV_EVERY]


def fiches_questions(folder: Path, half: str) -> list[FactQuestion]:
    """Every question-heading of half the fiches-travail pages, split by page on a hash of its
    name: "train", the half the answer ranker learns from (benchmarks/train_ranker.py), or
    "heldout", the half it is measured on."""
    pages = [p for p in sorted(folder.glob("*.html")) if (zlib.crc32(p.name.encode()) % 2 == 0) == (half == "train")]
    return heading_questions(pages)


def heading_questions(pages: list[Path]) -> list[FactQuestion]:
    """The question-headings of ``pages``, each with the bold words opening its answer."""
    found = []
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        for heading in tree.iter("h2", "h3", "h4"):
            question = " ".join(heading.text_content().split())
            answer = heading.getnext()
            if not question.endswith("?") or answer is None or answer.tag != "p":
                continue
            bold = [" ".join(b.text_content().split()) for b in answer.iter("strong", "b")]
            span = next((b for b in bold if DEV_SPAN_WORDS[0] <= len(b.split()) <= DEV_SPAN_WORDS[1]), "")
            if span:
                found.append(FactQuestion(question, span, page.name, "fiches-travail"))
    return found


def span_in(span: str, texts) -> bool:
    return any(squash(span) in squash(t) for t in texts)


def fact_questions(path: Path) -> list[FactQuestion]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [FactQuestion(r["question"], r["answer"] or "", r["source"] or "", r["corpus"]) for r in rows]


def answered(searcher: Searcher, question: str, shapes: bool = True) -> Answer:
    """What a person gets in the app or the API: ``respond`` with its defaults (k = 5)."""
    return respond(searcher.settings, searcher, question, k=5, shapes=shapes)


def measure(asked: list[tuple[FactQuestion, Answer]]) -> dict:
    """The issue's figures: the fact in the excerpts and in the answer (of the answerable
    questions), answer length, and how often each kind of question is declined."""
    answerable = [(q, a) for q, a in asked if q.answer]
    unanswerable = [(q, a) for q, a in asked if not q.answer]
    words = [len(" ".join(s.text for s in a.sentences).split()) for q, a in asked if not a.no_answer and a.sentences]
    report = {"questions": len(asked), "answerable": len(answerable), "unanswerable": len(unanswerable)}
    if answerable:
        report |= {
            "fact_in_excerpts": share(span_in(q.answer, [c.hit.passage.text for c in a.citations]) for q, a in answerable),
            "fact_in_answer": share(not a.no_answer and span_in(q.answer, [s.text for s in a.sentences]) for q, a in answerable),
            "answerable_declined": share(a.no_answer for q, a in answerable),
            "listed_as_documents": sum(a.shape == "documents" for q, a in answerable),
            "best_sentence_token_f1_mean": round(statistics.mean(
                max((token_f1(s.text, q.answer) for s in a.sentences), default=0.0) for q, a in answerable), 4),
        }
    if unanswerable:
        report["unanswerable_declined"] = share(a.no_answer for q, a in unanswerable)
    if words:
        report |= {"answer_words_median": statistics.median(words),
                   "answer_words_p90": round(percentile(words, 0.9), 1), "answer_words_mean": round(statistics.mean(words), 1)}
    return report


def share(flags) -> float:
    flags = list(flags)
    return round(sum(flags) / max(1, len(flags)), 4)


def main() -> None:
    def extra(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--set", default="external",
                            help="external, dev, fiches-train, fiches-heldout, or a data/eval/facts-*.jsonl by name")
        parser.add_argument("--corpora", default="",
                            help="comma-separated: only the questions asked of these benchmark indexes")
        parser.add_argument("--no-shapes", action="store_true",
                            help="sentences for every question, none answered by the list of documents")
    args = corpus_arguments(__doc__, "service-public", extra=extra)
    embedder = None
    searchers: dict[str, Searcher] = {}

    def searcher_for(corpus: str) -> Searcher:
        nonlocal embedder
        if corpus not in searchers:
            index = args.index if corpus == args.corpus else BENCH_INDEXES / corpus
            settings = indexed_settings(argparse.Namespace(index=index, shared=args.shared, corpus=corpus))
            embedder = embedder or load_embedder(settings)
            searchers[corpus] = Searcher(settings, embedder, IndexHandle(settings.index_path))
        return searchers[corpus]

    if args.set == "external":
        questions = [FactQuestion(q.question, q.answer, q.relevant[0] if q.relevant else "", args.corpus)
                     for q in load_questions(args.shared / "eval" / "service-public" / "answers.jsonl")]
    elif args.set == "dev":
        questions = dev_questions(args.shared / "corpus" / "fiches-travail")
    elif args.set in ("fiches-train", "fiches-heldout"):
        questions = fiches_questions(args.shared / "corpus" / "fiches-travail", args.set.removeprefix("fiches-"))
    elif args.set.startswith("facts-") and (ROOT / "data" / "eval" / f"{args.set}.jsonl").is_file():
        questions = fact_questions(ROOT / "data" / "eval" / f"{args.set}.jsonl")
    else:
        raise SystemExit(f"no such set: {args.set} (external, dev, fiches-train, fiches-heldout, facts-…)")
    if args.corpora:
        questions = [q for q in questions if q.corpus in args.corpora.split(",")]
    if args.questions:
        questions = questions[:args.questions]
    asked = [(q, answered(searcher_for(q.corpus), q.question, not args.no_shapes)) for q in questions]
    report = {"set": args.set, **measure(asked)}
    for corpus in dict.fromkeys(q.corpus for q in questions):
        if len(searchers) > 1:
            report[corpus] = measure([(q, a) for q, a in asked if q.corpus == corpus])
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
