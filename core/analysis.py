"""French text analysis for BM25: case and accent folding, elisions, stop words, stemming.

Accents are folded before stemming, on passages and questions alike, so « egalite » typed
without accents meets « égalité » in the guides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_FRENCH

# Bump when ``terms`` changes: the next refresh rebuilds the BM25 indexes (not the vectors).
ANALYZER_VERSION = "2"
_ELISION = re.compile(r"\b(?:[lmtsdncj]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+(?:\+)?")


# An answer reads the same sentences several times (does it state the fact, what is it about…),
# and the same documents' sentences again for the next question: folding them was half of its
# time. Sentences and questions are remembered; pages and whole documents, folded once at ingest,
# are not (16,384 of them would hold a corpus in memory).
REMEMBERED_FOLD_CHARS = 1000


def fold(text: str) -> str:
    """Lower case without accents: « Égalité » → « egalite »; œ/æ become oe/ae."""
    return _remembered_fold(text) if len(text) <= REMEMBERED_FOLD_CHARS else _fold(text)


@lru_cache(maxsize=16384)
def _remembered_fold(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(fold(w) for w in STOPWORDS_FRENCH)


class Analyzer:
    """Turns text into BM25 terms. One per thread: PyStemmer objects are not thread-safe."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("french")

    def terms(self, text: str) -> list[str]:
        words = _TOKEN.findall(fold(_ELISION.sub(" ", text)))
        stop = _stopwords()
        kept = [_singular(w) for w in words if w not in stop and (len(w) > 1 or w.isdigit())]
        return self._stemmer.stemWords(kept)


def _singular(word: str) -> str:
    """Snowball keeps the plural « s » after a vowel (« emplois », « lois »), so « emploi » and
    « emplois » would not meet; drop it first, on passages and questions alike."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def without_plural(word: str) -> str:
    """A noun named in a question, without its plural ending (« membres », « réseaux »), to find it
    in the singular or plural; longer than three letters only (« prix », « dos » stay)."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word
