"""A logistic regression over named features, as the shape of an answer (retrieval/shapes.py), the
ranking of candidate sentences (retrieval/ranker.py) and the decision to abstain (core/abstention.py)
each ship one: weights by feature name and an intercept in a JSON file, with the means and scales
of the features when it was fitted on them standardised. Each module keeps its own file, its own
thresholds and what it decides with them; this holds only the arithmetic and the reading and
writing of the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    names: tuple[str, ...]  # the features, in the order of the weights and of a row's values
    weights: tuple[float, ...]
    intercept: float
    # Given together, each feature is standardised, (x - mean) / scale, before it is weighed: the
    # model was fitted so. Without them the weights apply to the features as computed.
    means: tuple[float, ...] | None = None
    scales: tuple[float, ...] | None = None

    def probability(self, row: Sequence[float] | Mapping[str, float]) -> float:
        """For one row: its values in the order of ``names``, or a mapping from name to value."""
        values = [row[name] for name in self.names] if isinstance(row, Mapping) else row
        if self.means is None:
            z = sum(w * x for w, x in zip(self.weights, values)) + self.intercept
        else:
            z = sum(w * (x - m) / s for w, x, m, s in zip(self.weights, values, self.means, self.scales)) + self.intercept
        # numpy's exp, not math's: they differ in the last bit for some z, and the decisions
        # shipped (abstention's) were taken with numpy's
        return float(1 / (1 + np.exp(-z)))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """For each row of a matrix whose columns are ``names``; an empty matrix gives none."""
        if not len(rows):
            return np.zeros(0)
        if self.means is not None:
            rows = (rows - np.array(self.means)) / np.array(self.scales)
        return 1 / (1 + np.exp(-(rows @ np.array(self.weights) + self.intercept)))

    def to_json(self) -> dict:
        """``weights`` and ``intercept``, then ``mean`` and ``scale`` when standardised, by name."""
        data = {"weights": dict(zip(self.names, self.weights)), "intercept": self.intercept}
        if self.means is not None:
            data |= {"mean": dict(zip(self.names, self.means)), "scale": dict(zip(self.names, self.scales))}
        return data

    @classmethod
    def from_json(cls, data: dict, names: Sequence[str] | None = None, trainer: str = "") -> LogisticModel:
        """What ``to_json`` wrote (other keys ignored). ``names`` fixes the order of the features and
        requires each, naming ``trainer`` in the error (a feature added since the file was trained);
        without it the file's own order is taken."""
        weights = data["weights"]
        names = tuple(weights) if names is None else tuple(names)
        if lacking := [name for name in names if name not in weights]:
            raise ValueError(f"weights lack {', '.join(lacking)}: retrain with {trainer}")
        means, scales = data.get("mean"), data.get("scale")
        return cls(names, tuple(float(weights[name]) for name in names), float(data["intercept"]),
                   None if means is None else tuple(float(means[name]) for name in names),
                   None if scales is None else tuple(float(scales[name]) for name in names))
