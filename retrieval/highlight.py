"""Where the question's words appear in an excerpt, for highlighting.

Matching uses the same French analysis as BM25 (folded, stemmed), so « emplois » in the
question highlights « l'emploi » in the excerpt. Returns character spans; the UI escapes the
text and wraps the spans.
"""

from __future__ import annotations

import re

from core.analysis import Analyzer

_WORD = re.compile(r"\w[\w+]*", re.UNICODE)


def term_spans(text: str, question: str, analyzer: Analyzer | None = None) -> list[tuple[int, int]]:
    analyzer = analyzer or Analyzer()
    wanted = set(analyzer.terms(question))
    if not wanted:
        return []
    spans = []
    for match in _WORD.finditer(text):
        terms = analyzer.terms(match.group())
        if terms and terms[0] in wanted:
            spans.append(match.span())
    return spans


def split_marked(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (segment, highlighted) pieces, in order."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
