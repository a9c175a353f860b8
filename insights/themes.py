"""The kept questions grouped by meaning, for staff: each theme named by its most central question
and its most frequent words, with its size, its trend and the closest documents.

Questions are embedded with the model Boussole already loads and grouped by agglomerative
clustering (scikit-learn, average linkage on the cosine distance of centred vectors) cut at ``DISTANCE``: the number of
themes is not known in advance, and a question unlike any other stays alone instead of being
forced into a theme. The cut was chosen on data/eval/declined-themes-dev.jsonl (README « What
visitors look for »)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from core.analysis import fold
from core.model import Embeds
from insights.store import KeptQuestion

DISTANCE = 0.9
TREND_DAYS = 7  # a theme's trend: its questions of the last week against the week before
_WORDS = re.compile(r"[^\W\d_][\w'’-]{3,}")
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")
_COMMON = frozenset(fold(w) for w in (
    "comment quels quelles quel quelle existe existe-t-il est-ce pour dans avec mais sans plus tout tous "
    "faire peut peut-on doit être avoir sont leur leurs notre nous vous votre cette ceci cela quand quoi "
    "depuis entre aussi encore très chez bonjour merci svp pouvez-vous y-a-t-il").split())


@dataclass(frozen=True)
class Theme:
    label: str  # its most central question
    words: tuple[str, ...]
    size: int
    trend: int  # questions of the last week minus those of the week before
    questions: tuple[str, ...]
    documents: tuple[str, ...]  # the closest documents' titles; empty: « aucun document proche »


def group_labels(vectors: np.ndarray, distance: float = DISTANCE) -> np.ndarray:
    """Theme numbers. The vectors are centred first: the model puts all short questions close
    together (cosine 0.84–0.91 between unrelated ones), and what they share says nothing of theme."""
    from sklearn.cluster import AgglomerativeClustering
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    centred = vectors - vectors.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    return AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                   distance_threshold=distance).fit_predict(centred)


def themes(kept: list[KeptQuestion], embedder: Embeds, today: date, closest=None) -> list[Theme]:
    """``closest(question) -> list[str]``: the titles of the documents nearest a question (the
    searcher's), or None to skip them. Largest themes first."""
    if not kept:
        return []
    vectors = embedder.embed_queries([k.text for k in kept])
    labels = group_labels(vectors)
    found = []
    for label in set(labels.tolist()):
        members = [i for i in range(len(kept)) if labels[i] == label]
        centre = vectors[members].mean(axis=0)
        central = kept[max(members, key=lambda i: float(vectors[i] @ centre))].text
        found.append(Theme(central, frequent_words([kept[i].text for i in members]), len(members),
                           _trend([kept[i].day for i in members], today),
                           tuple(kept[i].text for i in members), tuple(closest(central)) if closest else ()))
    return sorted(found, key=lambda t: (-t.size, t.label))


def frequent_words(texts: list[str], top: int = 5) -> tuple[str, ...]:
    counts = Counter(w.lower() for text in texts for w in set(_WORDS.findall(_PLACEHOLDER.sub(" ", text)))
                     if fold(w) not in _COMMON)
    return tuple(w for w, _ in counts.most_common(top))


def _trend(days: list[date], today: date) -> int:
    recent = sum(today - timedelta(days=TREND_DAYS) < d <= today for d in days)
    before = sum(today - timedelta(days=2 * TREND_DAYS) < d <= today - timedelta(days=TREND_DAYS) for d in days)
    return recent - before


def themes_csv(found: list[Theme]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["theme", "mots", "questions", "tendance", "documents proches", "exemples"])
    for t in found:
        writer.writerow([_cell(t.label), _cell(", ".join(t.words)), t.size, f"{t.trend:+d}",
                         _cell(" | ".join(t.documents) or "aucun document proche"), _cell(" | ".join(t.questions[:5]))])
    return out.getvalue()


def _cell(text: str) -> str:
    """A visitor's words as a spreadsheet cell: one opening on = + - @ would run as a formula
    when staff open the export (« =HYPERLINK(…) »), so it is quoted as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def closest_documents(searcher, limit: int = 3):
    """The titles of the documents nearest a question, by Boussole's own search; none when it
    declines the question (« aucun document proche »)."""
    def closest(question: str) -> list[str]:
        result = searcher.search(question, k=limit, per_doc=1)
        return [] if result.no_answer else [h.document.title for h in result.hits]
    return closest


def themes_json(found: list[Theme]) -> list[dict]:
    return [{"theme": t.label, "words": list(t.words), "size": t.size, "trend": t.trend,
             "documents": list(t.documents), "questions": list(t.questions)} for t in found]
