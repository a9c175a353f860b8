"""When to say « aucun passage pertinent »: a threshold calibrated on each index.

How close the best passage comes to a question depends on the corpus (its size, its passage
length), so a fixed cosine would decline good questions on one index and answer nonsense on
another. At each build, everyday questions that no resource centre document answers (cooking,
sport, trivia…) are run against the new vectors; the threshold is the highest best-match
cosine they reach, plus a small margin. A question whose best passage scores below it is
declined. ``BOUSSOLE_ABSTAIN_THRESHOLD`` overrides it when set above 0.

Checked on data/eval/questions.jsonl (10 off-topic, 30 on-topic questions, none of them
among the probes): see the README's evaluation section.
"""

from __future__ import annotations

import numpy as np

PROBES = [
    "Comment réussir une mayonnaise maison ?",
    "Quelle est la meilleure recette de lasagnes ?",
    "Combien de calories contient une banane ?",
    "Qui a remporté le Tour de France en 2019 ?",
    "Quelles sont les règles du rugby à sept ?",
    "Comment régler le dérailleur d'un vélo de course ?",
    "Quelle est la distance entre la Terre et la Lune ?",
    "Pourquoi le ciel est-il bleu ?",
    "Comment apprendre à jouer de la guitare ?",
    "Quel est le meilleur jeu vidéo de l'année ?",
    "Comment tailler un rosier en automne ?",
    "Combien de temps vit une tortue ?",
    "Quelle est la plus haute montagne d'Europe ?",
    "Comment enlever une tache de vin rouge ?",
    "Qui a peint la Joconde ?",
    "Comment faire pousser des tomates sur un balcon ?",
    "Quel film regarder ce soir ?",
    "Comment nettoyer un aquarium ?",
    "Quelle est la population de la Chine ?",
    "Comment fonctionne un moteur à explosion ?",
]
MARGIN = 0.01
FALLBACK_THRESHOLD = 0.825  # used only by an index built before calibration existed


def calibrate(dense_index, probe_vectors: np.ndarray) -> dict:
    """Threshold for this index: the probes' highest best-match cosine plus ``MARGIN``."""
    if dense_index.ntotal == 0:
        return {"threshold": 1.0, "probe_max": None, "probes": len(probe_vectors)}
    scores, _ = dense_index.search(np.ascontiguousarray(probe_vectors, dtype=np.float32), 1)
    best = scores[:, 0]
    return {"threshold": round(float(best.max()) + MARGIN, 4), "probe_max": round(float(best.max()), 4),
            "probe_median": round(float(np.median(best)), 4), "probes": len(probe_vectors)}


def threshold_for(manifest_dense: dict, override: float) -> float:
    if override > 0:
        return override
    return float(manifest_dense.get("abstention", {}).get("threshold", FALLBACK_THRESHOLD))
