"""Train the answer's sentence ranker and write retrieval/ranker.json (README « Answers »).

    python benchmarks/train_ranker.py                # learn, choose the thresholds, print, write
    python benchmarks/train_ranker.py --dry-run      # print only
    python benchmarks/train_ranker.py --with-fiches  # add the fiches-travail train half's headings

Training questions, which no evaluation measures: the three dev sets, written in three voices
(data/eval/facts-dev.jsonl, facts-dev2.jsonl, and facts-mixed-dev.jsonl in residents' words over
the mixed collection), each asked of its corpus's benchmark index as ``respond`` asks it (k = 5).
A candidate sentence is a positive when it holds the question's span (the phrase stating the
fact). A logistic regression (scikit-learn) learns the features' weights from the questions one
of whose candidates holds the span. The three thresholds are then chosen end to end through
``compose``, on answers composed out of fold (each question by weights fitted without its fold):
the most facts in the answer plus unanswerable questions declined, the median answer within 50
words, then fewer words. Printed: the share of questions whose span is in the top-ranked
sentence, in a 5-fold cross-validation by question, at three regularisations; the weights; each
threshold's grid; the out-of-fold figures.
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
from core.logistic import LogisticModel  # noqa: E402
from core.model import load_embedder  # noqa: E402
from retrieval.answer import Answer, Ranked, answer_documents, citations_of, compose, ranked_candidates  # noqa: E402
from retrieval.facts import asked_fact  # noqa: E402
from retrieval.index import IndexHandle  # noqa: E402
from retrieval.ranker import FEATURES, RANKER_PATH, Ranker  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

DEV_SETS = ("facts-dev", "facts-dev2", "facts-mixed-dev")
FOLDS = 5
MEDIAN_WORDS = 50  # the goal for the median answer
C = 1.0  # scikit-learn's default regularisation; 0.1 and 10 were compared (printed)
KEEP_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
UNSTATED_GRID = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
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


def fit(asked: list[Asked], c: float = C) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression
    rows = [a for a in asked if a.ranked is not None and a.labels.any()]
    x = np.vstack([a.ranked.features for a in rows])
    y = np.concatenate([a.labels for a in rows])
    # standardised, so that the regularisation weighs each feature alike (a cosine varies by
    # hundredths, a flag by one), then the weights brought back to the features as computed
    mean, scale = x.mean(axis=0), np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    return LogisticModel(FEATURES, tuple(float(w) for w in weights), float(model.intercept_[0] - weights @ mean))


def top_one(asked: list[Asked], ranker: Ranker) -> float:
    """The share of the questions with a positive candidate whose top-ranked sentence holds the span."""
    rows = [a for a in asked if a.ranked is not None and a.labels.any()]
    return round(statistics.mean(a.labels[int(np.argmax(ranker.probabilities(a.ranked.features)))] for a in rows), 4) if rows else 0.0


def cross_validated(asked: list[Asked], c: float, folds: int = 5) -> float:
    hits = []
    for k in range(folds):
        train = [a for i, a in enumerate(asked) if i % folds != k]
        test = [a for i, a in enumerate(asked) if i % folds == k]
        ranker = Ranker(fit(train, c), 0.0, 1.01, 1.0)
        hits.append((top_one(test, ranker), sum(a.ranked is not None and a.labels.any() for a in test)))
    return round(sum(h * n for h, n in hits) / sum(n for _, n in hits), 4)


def fold_rankers(asked: list[Asked], c: float = C, folds: int = FOLDS) -> list[Ranker]:
    """For each question, the ranker fitted on the other folds: the thresholds are then chosen on
    answers composed by weights that never saw their question."""
    fitted = [fit([a for i, a in enumerate(asked) if i % folds != k], c) for k in range(folds)]
    return [Ranker(fitted[i % folds], unstated_below=0.0, second_within=1.01, keep_within=1.0) for i in range(len(asked))]


def answers(asked: list[Asked], rankers: list[Ranker], **thresholds) -> list[tuple[FactQuestion, Answer]]:
    return [(a.question, compose(a.ranked, a.citations, replace(r, **thresholds)) if a.ranked is not None
             else Answer(a.question.question, [], [], no_answer=True)) for a, r in zip(asked, rankers)]


def choose(asked: list[Asked], rankers: list[Ranker], chosen: dict, field: str, grid: tuple) -> tuple[dict, dict]:
    """The grid value of ``field`` with the most facts in the answer plus unanswerable questions
    declined, among those keeping the median answer within ``MEDIAN_WORDS`` (then fewer words)."""
    figures = {value: measure(answers(asked, rankers, **(chosen | {field: value}))) for value in grid}
    short = [v for v in grid if figures[v].get("answer_words_median", 0) <= MEDIAN_WORDS] or list(grid)
    best = max(short, key=lambda v: (facts_score(figures[v]), -figures[v].get("answer_words_median", 0)))
    return chosen | {field: best}, figures


def facts_score(report: dict) -> float:
    """Facts in the answer plus unanswerable questions declined, counted in questions."""
    return (report.get("fact_in_answer", 0) * report.get("answerable", 0)
            + report.get("unanswerable_declined", 0) * report.get("unanswerable", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write retrieval/ranker.json")
    parser.add_argument("--with-fiches", action="store_true",
                        help="learn from the fiches-travail train half's headings too (README: it lowers the dev sets' figures)")
    parser.add_argument("--corpora", default="seed-loi,etalab-guides,fiches-travail,seed-loi-etalab",
                        help="comma-separated: learn only from the questions of these benchmark indexes")
    args = parser.parse_args()
    corpora = args.corpora.split(",")
    fiches = ask_all(fiches_questions(args.shared / "corpus" / "fiches-travail", "train")
                     if args.with_fiches else [], args.shared)
    dev = ask_all([q for name in DEV_SETS for q in fact_questions(ROOT / "data" / "eval" / f"{name}.jsonl")
                   if q.corpus in corpora], args.shared)
    everything = fiches + dev
    for c in (0.1, C, 10.0):
        print(json.dumps({"C": c, "cross_validated_top_one": cross_validated(everything, c)}))
    logistic = fit(everything)
    fitted = Ranker(logistic, 0, 1.01, 1)
    print(json.dumps({"train_top_one": {"dev sets": top_one(dev, fitted)} | ({"fiches-train": top_one(fiches, fitted)} if fiches else {}),
                      "weights": dict(zip(FEATURES, [round(w, 3) for w in logistic.weights])),
                      "intercept": round(logistic.intercept, 3)},
                     ensure_ascii=False))
    rankers, chosen = fold_rankers(everything), {"keep_within": 0.7, "second_within": 1.01}
    for field, grid in (("unstated_below", UNSTATED_GRID), ("second_within", SECOND_GRID), ("keep_within", KEEP_GRID)):
        chosen, figures = choose(everything, rankers, chosen, field, grid)
        print(json.dumps({field: {v: (r.get("fact_in_answer"), r.get("unanswerable_declined"), r.get("answer_words_median"))
                                  for v, r in figures.items()}}))
    print(json.dumps({"out-of-fold": measure(answers(everything, rankers, **chosen)),
                      "fiches-train": measure(answers(fiches, rankers[:len(fiches)], **chosen)) if fiches else None,
                      "dev sets": measure(answers(dev, rankers[len(fiches):], **chosen)), "chosen": chosen},
                     ensure_ascii=False))
    ranker = Ranker(logistic, **chosen)
    if not args.dry_run:
        RANKER_PATH.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"written {RANKER_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
