"""Train the shape decision (a request for documents, or a question to answer) and write
retrieval/shapes.json (README « Requests for documents »).

    python benchmarks/train_shapes.py            # learn, choose the threshold, print, write
    python benchmarks/train_shapes.py --dry-run  # print only

Training questions: ``benchmarks.shapes.TRAINING`` — the request dev set (requests-dev.jsonl,
requests and answers labelled) and, as answers, the factual dev sets (facts-dev, facts-dev2,
facts-mixed-dev) and the retrieval questions (questions.jsonl, off-topic ones included; three of
them are requests by their form, ``REQUESTS_AMONG_QUESTIONS``). The held-out sets are not read.
A logistic regression (scikit-learn) over ``retrieval.shapes.FEATURES``. The probability threshold
is chosen on out-of-fold probabilities (5-fold stratified cross-validation): the one of least cost,
a fact question given the list costing ``LISTED_ANSWER_COST`` times a request answered in sentences
(its answer is lost; the request's documents still show as cited excerpts). Printed: the
cross-validated precision and recall at that threshold and at 0.5, the grid, the weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.shapes import TRAINING, labelled  # noqa: E402
from core.logistic import LogisticModel  # noqa: E402
from retrieval.shapes import FEATURES, SHAPES_PATH, ShapeModel, question_features  # noqa: E402

CS = (0.1, 1.0, 10.0, 100.0)  # the regularisation, chosen as the threshold is, by cross-validated cost
LISTED_ANSWER_COST = 3.0  # a fact question given the list, against a request answered in sentences
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.05))
FOLDS = 5
SEED = 0


def training_rows() -> tuple[list[str], np.ndarray, np.ndarray]:
    rows = [row for path in TRAINING for row in labelled(path)]
    texts = [text for text, _ in rows]
    return texts, np.array([question_features(t) for t in texts]), np.array([r for _, r in rows], dtype=int)


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return cross_val_predict(LogisticRegression(C=c, max_iter=1000), x, y, cv=folds, method="predict_proba")[:, 1]


def figures(probabilities: np.ndarray, y: np.ndarray, threshold: float) -> dict:
    listed = probabilities >= threshold
    true_pos = int((listed & (y == 1)).sum())
    false_pos = int((listed & (y == 0)).sum())
    missed = int((~listed & (y == 1)).sum())
    return {"threshold": threshold, "precision": round(true_pos / max(1, true_pos + false_pos), 3),
            "recall": round(true_pos / max(1, true_pos + missed), 3), "answers_listed": false_pos,
            "requests_missed": missed, "cost": LISTED_ANSWER_COST * false_pos + missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write retrieval/shapes.json")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression
    texts, x, y = training_rows()
    print(json.dumps({"questions": len(y), "requests": int(y.sum()), "answers": int((1 - y).sum())}))
    best = {}
    for c in CS:
        probabilities = out_of_fold(x, y, c)
        grid = [figures(probabilities, y, t) for t in THRESHOLDS]
        # of equal cost, the higher threshold: fewer answers listed
        best[c] = (min(grid, key=lambda f: (f["cost"], -f["threshold"])), grid, probabilities)
        print(json.dumps({"C": c, "cross_validated_best": best[c][0]}))
    c = min(CS, key=lambda c: (best[c][0]["cost"], c))  # of equal cost, the stronger regularisation
    chosen, grid, probabilities = best[c]
    for row in grid:
        print(json.dumps(row))
    print(json.dumps({"C": c, "cross_validated_at_0.5": figures(probabilities, y, 0.5), "chosen": chosen}))
    wrong = [(t, int(label), round(float(p), 3)) for t, label, p in zip(texts, y, probabilities)
             if (p >= chosen["threshold"]) != bool(label)]
    print(json.dumps({"cross_validated_errors": wrong}, ensure_ascii=False))
    fitted = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    model = ShapeModel(LogisticModel(FEATURES, tuple(float(w) for w in fitted.coef_[0]), float(fitted.intercept_[0])),
                       chosen["threshold"])
    print(json.dumps({"weights": {n: round(w, 3) for n, w in zip(FEATURES, model.logistic.weights)},
                      "intercept": round(model.logistic.intercept, 3), "threshold": model.threshold}, ensure_ascii=False))
    if not args.dry_run:
        SHAPES_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SHAPES_PATH.relative_to(SHAPES_PATH.parent.parent)}")


if __name__ == "__main__":
    main()
