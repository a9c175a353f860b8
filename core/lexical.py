"""BM25 over the passages with French analysis (bm25s), saved beside the FAISS index."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import bm25s
import numpy as np

from core.analysis import Analyzer

_EMPTY = "__vide__"  # bm25s needs at least one term per passage
logging.getLogger("bm25s").setLevel(logging.WARNING)  # its DEBUG lines drown the summary


def build_lexical(texts: list[str], folder: Path) -> None:
    analyzer = Analyzer()
    corpus = [analyzer.terms(t) or [_EMPTY] for t in texts] or [[_EMPTY]]
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index(corpus, show_progress=False)
    model.save(str(folder))


class LexicalIndex:
    """Scores every passage for a query; safe to share between threads."""

    def __init__(self, folder: Path, size: int):
        self._model = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        self._size = size
        self._local = threading.local()

    def _analyzer(self) -> Analyzer:
        if not hasattr(self._local, "analyzer"):
            self._local.analyzer = Analyzer()
        return self._local.analyzer

    def terms(self, text: str) -> list[str]:
        return self._analyzer().terms(text)

    def coverage(self, terms: list[str]) -> np.ndarray:
        """For every row, the share of the terms it contains, each term weighted by its inverse
        document frequency (a term no row contains weighs the most): « volcan » counts for
        more than « forme »."""
        found, _, total = self.rarity(terms)
        return found / total if total else found

    def rarity(self, terms: list[str]) -> tuple[np.ndarray, float, float]:
        """For the distinct ``terms``, each weighted by its inverse document frequency: the weight
        every row holds, the weight the collection holds at all, and their whole weight."""
        found = np.zeros(self._size, dtype=np.float32)
        known = total = 0.0
        for term in dict.fromkeys(terms):
            present = self.scores([term]) > 0
            df = int(present.sum())
            idf = float(np.log(1 + (self._size - df + 0.5) / (df + 0.5)))
            found += idf * present
            total += idf
            known += idf if df else 0.0
        return found, known, total

    @property
    def vocabulary(self):
        """Every term some passage contains."""
        return self._model.vocab_dict.keys()

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [t for t in terms if t in self._model.vocab_dict]
        if not known or self._size == 0:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)[: self._size]
