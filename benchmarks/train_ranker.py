"""Train the answer's sentence ranker and write retrieval/ranker.json (README « Answers »).

    python benchmarks/train_ranker.py            # learn, choose the thresholds, print, write
    python benchmarks/train_ranker.py --dry-run  # print only

Training questions, which no evaluation uses: the question-headings of half the fiches-travail
pages (split by page on a hash of its name, ``fiches_questions(…, "train")``) and the two dev sets
(data/eval/facts-dev.jsonl, facts-dev2.jsonl), each asked of its corpus's benchmark index as
``respond`` asks it (k = 5). A candidate sentence is a positive when it holds the question's span
(the bold words under the heading, the phrase stating the fact). A logistic regression
(scikit-learn) learns the features' weights from the questions one of whose candidates holds the
span; the three thresholds are then chosen on the same questions, end to end through ``compose``:
``keep_within`` on the fiches half's headings (span in the answer, then fewer words),
``unstated_below`` and ``second_within`` on the dev sets (facts in the answer plus unanswerable
questions declined, then fewer words). Printed: the share of questions whose span is in the
top-ranked sentence, on the training questions and in a 5-fold cross-validation by question; the
weights; each threshold's grid; the answers' figures on each training set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.answers import FactQuestion, fact_questions, fiches_questions, measure, span_in  # noqa: E402
from benchmarks.common import BENCH_INDEXES, ROOT, indexed_settings  # noqa: E402
from core.model import load_embedder  # noqa: E402
from retrieval.answer import Answer, Ranked, answer_documents, citations_of, compose, ranked_candidates  # noqa: E402
from retrieval.facts import asked_fact  # noqa: E402
from retrieval.index import IndexHandle  # noqa: E402
from retrieval.ranker import FEATURES, RANKER_PATH, Ranker  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

C = 1.0  # scikit-learn's default regularisation; 0.1 and 10 were compared (printed)
KEEP_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
UNSTATED_GRID = (0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
SECOND_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: never a second sentence


@dataclass
class Asked:
    question: FactQuestion
    ranked: Ranked | None  # None: the search itself declined
    citations: list
    labels: np.ndarray


def ask_all(questions: list[FactQuestion], shared: Path) -> list[Asked]:
    searchers: dict[str, Searcher] = {}
    embedder = None
    asked = []
    for q in questions:
        if q.corpus not in searchers:
            settings = indexed_settings(argparse.Namespace(index=BENCH_INDEXES / q.corpus, shared=shared, corpus=q.corpus))
            embedder = embedder or load_embedder(settings)
            searchers[q.corpus] = Searcher(settings, embedder, IndexHandle(settings.index_path))
        searcher = searchers[q.corpus]
        result = searcher.search(q.question, k=5)
        if result.no_answer or not result.hits:
            asked.append(Asked(q, None, [], np.zeros(0)))
            continue
        unshown = searcher.unshown_passages(result, answer_documents(result, asked_fact(q.question) is not None))
        ranked = ranked_candidates(q.question, result, searcher.sentence_embedder(result, unshown), unshown=unshown)
        labels = np.array([bool(q.answer) and span_in(q.answer, [c.text]) for c in ranked.candidates], dtype=float)
        asked.append(Asked(q, ranked, citations_of(result), labels))
    return asked


def fit(asked: list[Asked], c: float = C) -> tuple[tuple[float, ...], float]:
    from sklearn.linear_model import LogisticRegression
    rows = [a for a in asked if a.ranked is not None and a.labels.any()]
    x = np.vstack([a.ranked.features for a in rows])
    y = np.concatenate([a.labels for a in rows])
    # standardised, so that the regularisation weighs each feature alike (a cosine varies by
    # hundredths, a flag by one), then the weights brought back to the features as computed
    mean, scale = x.mean(axis=0), np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    return tuple(float(w) for w in weights), float(model.intercept_[0] - weights @ mean)


def top_one(asked: list[Asked], ranker: Ranker) -> float:
    """The share of the questions with a positive candidate whose top-ranked sentence holds the span."""
    rows = [a for a in asked if a.ranked is not None and a.labels.any()]
    return round(statistics.mean(a.labels[int(np.argmax(ranker.probabilities(a.ranked.features)))] for a in rows), 4) if rows else 0.0


def cross_validated(asked: list[Asked], c: float, folds: int = 5) -> float:
    hits = []
    for k in range(folds):
        train = [a for i, a in enumerate(asked) if i % folds != k]
        test = [a for i, a in enumerate(asked) if i % folds == k]
        weights, intercept = fit(train, c)
        ranker = Ranker(weights, intercept, 0.0, 1.01, 1.0)
        hits.append((top_one(test, ranker), sum(a.ranked is not None and a.labels.any() for a in test)))
    return round(sum(h * n for h, n in hits) / sum(n for _, n in hits), 4)


def answers(asked: list[Asked], ranker: Ranker) -> list[tuple[FactQuestion, Answer]]:
    return [(a.question, compose(a.ranked, a.citations, ranker) if a.ranked is not None
             else Answer(a.question.question, [], [], no_answer=True)) for a in asked]


def choose(asked: list[Asked], ranker: Ranker, field: str, grid: tuple, score) -> tuple[Ranker, dict]:
    """The grid value of ``field`` with the best ``score`` (then fewer words), and every value's figures."""
    figures = {value: measure(answers(asked, replace(ranker, **{field: value}))) for value in grid}
    best = max(grid, key=lambda v: (score(figures[v]), -figures[v].get("answer_words_median", 0)))
    return replace(ranker, **{field: best}), figures


def facts_score(report: dict) -> float:
    """Facts in the answer plus unanswerable questions declined, counted in questions."""
    return (report.get("fact_in_answer", 0) * report.get("answerable", 0)
            + report.get("unanswerable_declined", 0) * report.get("unanswerable", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write retrieval/ranker.json")
    parser.add_argument("--corpora", default="seed-loi,etalab-guides,fiches-travail",
                        help="comma-separated: learn only from the questions of these benchmark indexes")
    args = parser.parse_args()
    corpora = args.corpora.split(",")
    fiches = ask_all(fiches_questions(args.shared / "corpus" / "fiches-travail", "train")
                     if "fiches-travail" in corpora else [], args.shared)
    dev = ask_all([q for name in ("facts-dev", "facts-dev2") for q in fact_questions(ROOT / "data" / "eval" / f"{name}.jsonl")
                   if q.corpus in corpora], args.shared)
    everything = fiches + dev
    for c in (0.1, C, 10.0):
        print(json.dumps({"C": c, "cross_validated_top_one": cross_validated(everything, c)}))
    weights, intercept = fit(everything)
    ranker = Ranker(weights, intercept, unstated_below=0.1, second_within=1.01, keep_within=0.7)
    print(json.dumps({"train_top_one": {"fiches-train": top_one(fiches, ranker), "facts-dev+dev2": top_one(dev, ranker)},
                      "weights": dict(zip(FEATURES, [round(w, 3) for w in weights])), "intercept": round(intercept, 3)},
                     ensure_ascii=False))
    # without the fiches half (--corpora), on the dev sets' questions
    ranker, grid = choose(fiches or dev, ranker, "keep_within", KEEP_GRID, lambda r: r.get("fact_in_answer", 0))
    print(json.dumps({"keep_within": {v: (r.get("fact_in_answer"), r.get("answer_words_median")) for v, r in grid.items()}}))
    ranker, grid = choose(dev, ranker, "unstated_below", UNSTATED_GRID, facts_score)
    print(json.dumps({"unstated_below": {v: (r.get("fact_in_answer"), r.get("unanswerable_declined"),
                                             r.get("answer_words_median")) for v, r in grid.items()}}))
    ranker, grid = choose(dev, ranker, "second_within", SECOND_GRID, facts_score)
    print(json.dumps({"second_within": {v: (r.get("fact_in_answer"), r.get("answer_words_median")) for v, r in grid.items()}}))
    print(json.dumps({"fiches-train": measure(answers(fiches, ranker)) if fiches else None,
                      "facts-dev+dev2": measure(answers(dev, ranker)),
                      "chosen": {k: v for k, v in ranker.to_json().items() if k != "weights"}}, ensure_ascii=False))
    if not args.dry_run:
        RANKER_PATH.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"written {RANKER_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
