"""Check a generated answer against the excerpts it cites.

A marker ``[n]`` naming no excerpt is removed. A sentence is kept only if one of the excerpts
it cites supports it: at least half of its content words (French analysis: folded, stemmed,
no stop words) occur in the excerpt, or it is a near-copy of one of the excerpt's sentences
(cosine ≥ 0.92 with multilingual-e5-small). A sentence citing nothing is not kept.

Why words first: on the bundled guides, five paraphrases of excerpt sentences scored cosine
0.875–0.915 and word overlap ≥ 0.6, while false statements in the same vocabulary scored
cosine 0.841–0.879 (too close to separate) but word overlap ≤ 0.25.
"""

from __future__ import annotations

import re

import numpy as np

from ingest.chunking import sentence_spans
from ingest.model import Embedder
from retrieval.analysis import Analyzer
from retrieval.answer import AnswerSentence, Citation

MARKER = re.compile(r"\s*\[(\d+)\]")
MIN_OVERLAP = 0.5
MIN_COSINE = 0.92


def split_sentences(text: str) -> list[str]:
    """Sentences of a generated answer; a marker after the full stop stays with its sentence."""
    text = re.sub(r"([.!?…])\s*((?:\[\d+\]\s*)+)", r" \2\1 ", text)
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


def verify_answer(text: str, citations: list[Citation], embedder: Embedder,
                  analyzer: Analyzer | None = None) -> tuple[list[AnswerSentence], int]:
    """Supported sentences (one per cited excerpt marker), and how many were dropped."""
    analyzer = analyzer or Analyzer()
    valid = {c.n: c for c in citations}
    excerpt_vectors: dict[int, np.ndarray] = {}  # each excerpt is embedded once, when first needed
    kept, dropped = [], 0
    for sentence in split_sentences(text):
        numbers = [int(n) for n in MARKER.findall(sentence)]
        plain = MARKER.sub("", sentence).strip()
        cited = [n for n in dict.fromkeys(numbers) if n in valid]
        support = next((n for n in cited
                        if supports(valid[n], plain, embedder, analyzer, excerpt_vectors)), None)
        if plain and support is not None:
            kept.append(AnswerSentence(plain.rstrip(), support))
        elif plain:
            dropped += 1
    return kept, dropped


def supports(citation: Citation, sentence: str, embedder: Embedder, analyzer: Analyzer,
             cache: dict[int, np.ndarray]) -> bool:
    excerpt = citation.hit.passage.text
    terms = set(analyzer.terms(sentence))
    if terms and len(terms & set(analyzer.terms(excerpt))) / len(terms) >= MIN_OVERLAP:
        return True
    if citation.n not in cache:
        pieces = [excerpt[a:b] for a, b in sentence_spans(excerpt)] or [excerpt]
        cache[citation.n] = embedder.embed_passages(pieces)
    vector = embedder.embed_passages([sentence])[0]
    return float((cache[citation.n] @ vector).max()) >= MIN_COSINE
