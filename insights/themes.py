"""The kept questions grouped by meaning, for staff: each theme named by its most central question
and its most frequent words, with its size, its trend and the closest documents.

Questions are embedded with the model Boussole already loads and grouped by agglomerative
clustering (scikit-learn, average linkage on the cosine distance of centred vectors) cut at ``DISTANCE``: the number of
themes is not known in advance, and a question unlike any other stays alone instead of being
forced into a theme. The cut was chosen on data/eval/declined-themes-dev.jsonl (README « What
visitors look for »).

The work is bounded whatever the number of kept questions: the ``SAMPLE`` most recent are
grouped (clustering holds the pairs of those in memory: n² for n questions), the closest
documents are searched for the ``SEARCHED`` largest themes only, and a computation is stored
with the questions (``themes_of_batch``): a page view reads it; only a new batch of questions,
a new day or a new index makes another."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from core.analysis import fold
from core.model import Embeds
from insights.store import InsightStore, KeptQuestion

DISTANCE = 0.9
# 1,000 questions: eight weeks of a busy centre's declined questions (the two months Administration
# shows); their clustering takes a few MB and under a second, and 3,000 random ones made 1,243 themes
SAMPLE = 1_000
SEARCHED = 30  # the largest themes, those Administration shows: one search each
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
    searched: bool = True  # False: a smaller theme, whose documents were not searched


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


def themes(kept: list[KeptQuestion], embedder: Embeds, today: date, closest=None,
           sample: int = SAMPLE, searched: int = SEARCHED) -> list[Theme]:
    """``closest(question) -> list[str]``: the titles of the documents nearest a question (the
    searcher's), or None to skip them. The ``sample`` most recent questions (``kept`` is oldest
    first), largest themes first; documents searched for the ``searched`` largest."""
    kept = kept[-sample:]
    if not kept:
        return []
    vectors = embedder.embed_queries([k.text for k in kept])
    labels = group_labels(vectors)
    members_of: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        members_of.setdefault(label, []).append(i)
    found = []
    for members in members_of.values():
        centre = vectors[members].mean(axis=0)
        central = kept[max(members, key=lambda i: float(vectors[i] @ centre))].text
        found.append(Theme(central, frequent_words([kept[i].text for i in members]), len(members),
                           _trend([kept[i].day for i in members], today), tuple(kept[i].text for i in members), ()))
    found.sort(key=lambda t: (-t.size, t.label))
    return [replace(t, documents=tuple(closest(t.label)) if closest and n < searched else (),
                    searched=bool(closest) and n < searched) for n, t in enumerate(found)]


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
                         _cell(documents_text(t, " | ")), _cell(" | ".join(t.questions[:5]))])
    return out.getvalue()


def documents_text(theme: Theme, separator: str) -> str:
    if not theme.searched:
        return f"non cherchés (hors des {SEARCHED} plus grands thèmes)"
    return separator.join(theme.documents) or "aucun document proche"


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
    """``documents``: null when they were not searched (a smaller theme)."""
    return [{"theme": t.label, "words": list(t.words), "size": t.size, "trend": t.trend,
             "documents": list(t.documents) if t.searched else None, "questions": list(t.questions)} for t in found]


def themes_from_json(saved: list[dict]) -> list[Theme]:
    return [Theme(t["theme"], tuple(t["words"]), t["size"], t["trend"], tuple(t["questions"]),
                  tuple(t["documents"] or ()), t["documents"] is not None) for t in saved]


def batch_key(kept: list[KeptQuestion], today: date, build_id: str) -> str:
    """Names one computation of the themes: the questions themselves (a new one, an expired or
    erased one makes a new batch), the day (the trends) and the index (the closest documents)."""
    digest = hashlib.sha256()
    for k in kept:
        digest.update(f"{k.day.isoformat()}\0{k.reason}\0{k.text}\0".encode())
    return f"{today.isoformat()}:{build_id}:{digest.hexdigest()}"


def themes_of_batch(store: InsightStore, kept: list[KeptQuestion], today: date, build_id: str,
                    compute: Callable[[list[KeptQuestion]], list[Theme]]) -> list[Theme]:
    """The themes of ``kept``, computed once per batch and kept with the questions (every
    replica, every page view and a restart read them); ``compute`` runs when none is stored."""
    key = batch_key(kept, today, build_id)
    saved = store.saved_themes(key)
    if saved is not None:
        return themes_from_json(json.loads(saved))
    found = compute(kept)
    store.save_themes(key, json.dumps(themes_json(found), ensure_ascii=False))
    return found
