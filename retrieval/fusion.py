"""Combine rankings: pure functions over ``(id, score)`` lists, best first."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

Ranking = list[tuple[int, float]]


def reciprocal_rank_fusion(rankings: list[Ranking], weights: list[float], k: int = 60) -> Ranking:
    """Σ weight / (k + rank), rank starting at 1; ties keep the order of first appearance."""
    if len(rankings) != len(weights):
        raise ValueError("one weight per ranking")
    fused: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights):
        for rank, (item, _score) in enumerate(ranking, start=1):
            fused[item] += weight / (k + rank)
    return sorted(fused.items(), key=lambda x: -x[1])


def zscore_fusion(rankings: list[Ranking], weights: list[float]) -> Ranking:
    """Convex combination of z-scored scores; an item missing from a ranking gets that
    ranking's lowest z-score (it scored below every candidate it returned)."""
    if len(rankings) != len(weights):
        raise ValueError("one weight per ranking")
    normalised = [_zscores(r) for r in rankings]
    items = list(dict.fromkeys(i for r in rankings for i, _ in r))
    total = sum(weights) or 1.0
    fused = []
    for item in items:
        score = 0.0
        for z, weight in zip(normalised, weights):
            floor = min(z.values()) if z else 0.0
            score += weight * z.get(item, floor)
        fused.append((item, score / total))
    return sorted(fused, key=lambda x: -x[1])


def _zscores(ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    scores = np.array([s for _, s in ranking], dtype=np.float64)
    std = scores.std()
    z = (scores - scores.mean()) / std if std > 0 else np.zeros_like(scores)
    return {item: float(v) for (item, _), v in zip(ranking, z)}
