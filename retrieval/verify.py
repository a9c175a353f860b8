"""Check a generated answer against the excerpts it cites.

A marker ``[n]`` naming no excerpt is removed. A sentence is kept only if one of the excerpts
it cites supports it: at least half of its content words (French analysis: folded, stemmed,
no stop words) occur in the excerpt, or it is a near-copy of one of the excerpt's sentences
(cosine ≥ 0.92 with multilingual-e5-small) — and it does not contradict the excerpt: the
excerpt sentence closest to it has the same polarity (« ne… pas », « jamais », « aucun »…),
and every quantity it states (numbers, number words, years, months) is in the excerpt.
Word overlap alone cannot see either: « ne », « pas » are stop words and digits carry no
weight, so « dix ans » for « six ans » or an added « n'… pas » would pass. A sentence citing
nothing is not kept.

Why words first: on the bundled guides, five paraphrases of excerpt sentences scored cosine
0.875–0.915 and word overlap ≥ 0.6, while false statements in the same vocabulary scored
cosine 0.841–0.879 (too close to separate) but word overlap ≤ 0.25.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from core.analysis import Analyzer, fold
from core.model import Embeds
from core.sentences import sentence_spans
from retrieval.answer import AnswerSentence, Citation

MARKER = re.compile(r"\s*\[(\d+)\]")
MIN_OVERLAP = 0.5
MIN_COSINE = 0.92
NEGATIONS = frozenset({"ne", "n", "pas", "jamais", "aucun", "aucune", "nullement", "ni", "rien", "guere"})
NUMBER_WORDS = {
    "zero": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "cent": 100, "mille": 1000, "million": 1_000_000, "millions": 1_000_000, "milliard": 10**9,
    "milliards": 10**9, "moitie": "1/2", "tiers": "1/3", "quart": "1/4", "double": "x2", "triple": "x3",
}
MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
          "octobre", "novembre", "decembre")
# digits with thousands separated by a space (also non-breaking), decimals with a comma or a point
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[a-z0-9]+")


def split_sentences(text: str) -> list[str]:
    """Sentences of a generated answer; a marker after the full stop stays with its sentence."""
    text = re.sub(r"([.!?…])\s*((?:\[\d+\]\s*)+)", r" \2\1 ", text)
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


def _verify_sentence(sentence: str, citations: list[Citation], embedder: Embeds, analyzer: Analyzer,
                     cache: dict[int, np.ndarray]) -> AnswerSentence | None:
    """The sentence without its markers, credited to the first cited excerpt that supports it."""
    valid = {c.n: c for c in citations}
    plain = MARKER.sub("", sentence).strip()
    cited = [n for n in dict.fromkeys(int(n) for n in MARKER.findall(sentence)) if n in valid]
    support = next((n for n in cited if supports(valid[n], plain, embedder, analyzer, cache)), None)
    return AnswerSentence(plain, support) if plain and support is not None else None


def supports(citation: Citation, sentence: str, embedder: Embeds, analyzer: Analyzer,
             cache: dict[int, np.ndarray]) -> bool:
    excerpt = citation.hit.passage.text
    if contradicts(sentence, excerpt, analyzer):
        return False
    terms = set(analyzer.terms(sentence))
    if terms and len(terms & set(analyzer.terms(excerpt))) / len(terms) >= MIN_OVERLAP:
        return True
    if citation.n not in cache:
        pieces = [excerpt[a:b] for a, b in sentence_spans(excerpt)] or [excerpt]
        cache[citation.n] = embedder.embed_passages(pieces)
    vector = embedder.embed_passages([sentence])[0]
    return float((cache[citation.n] @ vector).max()) >= MIN_COSINE


def contradicts(sentence: str, excerpt: str, analyzer: Analyzer) -> bool:
    """True when ``sentence`` states a quantity the excerpt does not, or negates what the
    excerpt sentence closest to it affirms (or the reverse)."""
    if not quantities(sentence) <= quantities(excerpt):
        return True
    pieces = [excerpt[a:b] for a, b in sentence_spans(excerpt)] or [excerpt]
    terms = set(analyzer.terms(sentence))
    closest = max(pieces, key=lambda piece: len(terms & set(analyzer.terms(piece))))
    return negated(sentence) != negated(closest)


def negated(text: str) -> bool:
    return not NEGATIONS.isdisjoint(_WORD.findall(fold(text)))


def quantities(text: str) -> set[str]:
    """Numbers (« 1 000 », « 2,5 », « 25 % », « 1er »), number words and month names, normalised:
    « six ans » → {"6"}, « le 4 mars 2021 » → {"4", "month-3", "2021"}."""
    found = set()
    for match in _NUMBER.finditer(text):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
        found.add(str(float(raw)).removesuffix(".0"))
    for word in _WORD.findall(fold(text)):
        if word in NUMBER_WORDS:
            found.add(str(NUMBER_WORDS[word]))
        elif word in MONTHS:
            found.add(f"month-{MONTHS.index(word) + 1}")
    return found


class VerifiedStream:
    """Verifies a streamed answer sentence by sentence, so that only verified sentences are
    ever shown: ``feed`` takes tokens and calls ``on_sentence`` with each sentence once it is
    complete and supported; ``finish`` verifies the last one and returns the supported
    sentences and how many were dropped. Feeding the whole text at once verifies a whole answer."""

    def __init__(self, citations: list[Citation], embedder: Embeds,
                 on_sentence: Callable[[AnswerSentence], None] | None = None):
        self._citations, self._embedder, self._on_sentence = citations, embedder, on_sentence
        self._analyzer = Analyzer()
        self._cache: dict[int, np.ndarray] = {}
        self._text, self._done = "", 0
        self.kept: list[AnswerSentence] = []
        self.dropped = 0

    def feed(self, token: str) -> None:
        self._text += token
        sentences = split_sentences(self._text)
        # the last piece may still grow (or be a marker still arriving): wait for text after it
        if sentences and not re.search(r"[^\W\d_]", MARKER.sub("", sentences[-1]).replace("[", "")):
            sentences = sentences[:-1]
        self._check(sentences[:-1])

    def finish(self) -> tuple[list[AnswerSentence], int]:
        self._check(split_sentences(self._text))
        return self.kept, self.dropped

    def _check(self, sentences: list[str]) -> None:
        for sentence in sentences[self._done:]:
            verdict = _verify_sentence(sentence, self._citations, self._embedder, self._analyzer, self._cache)
            if verdict is None:
                self.dropped += bool(MARKER.sub("", sentence).strip())
            else:
                self.kept.append(verdict)
                if self._on_sentence:
                    self._on_sentence(verdict)
        self._done = max(self._done, len(sentences))
