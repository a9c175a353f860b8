"""Cut units (PDF pages, text bodies) into passages of a few sentences (about 90 words by default).

Passages follow sentence boundaries, start a new passage at a heading when the current one
is long enough, repeat a few words of the previous passage (overlap) so an idea split in two
is still found whole, and never leave their unit, hence never span two documents. Each
passage's text is exactly ``unit.text[char_start:char_end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.documents import Heading, Passage, Unit
from core.formats import ChunkParams
from core.sentences import sentence_spans

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    words: int


def chunk_units(doc_id: str, units: tuple[Unit, ...] | list[Unit], params: ChunkParams) -> list[Passage]:
    passages: list[Passage] = []
    for unit_index, unit in enumerate(units):
        for start, end in chunk_spans(unit.text, [h.offset for h in unit.headings], params):
            passages.append(Passage(
                doc_id=doc_id, ordinal=len(passages), unit=unit_index, page=unit.page,
                section=section_path(unit, start), char_start=start, char_end=end,
                text=unit.text[start:end]))
    return passages


def chunk_spans(text: str, breaks: list[int], params: ChunkParams) -> list[tuple[int, int]]:
    """Character spans covering every word of ``text``; ``breaks`` are preferred cut points."""
    pieces = _pieces(text, params.max_words)
    if not pieces:
        return []
    breaks = sorted(set(breaks))
    at_heading = lambda i: any(pieces[i].end <= b <= pieces[i + 1].start for b in breaks)
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last, words = first, pieces[first].words
        while last + 1 < len(pieces):
            nxt = pieces[last + 1]
            if words + nxt.words > params.max_words:
                break
            if words >= params.target_words or (words >= params.min_words and at_heading(last)):
                break
            last, words = last + 1, words + nxt.words
        spans.append((pieces[first].start, pieces[last].end))
        if last + 1 >= len(pieces):
            break
        # No overlap across a heading: the next passage starts its own section.
        first = last + 1 if at_heading(last) else _overlap_start(pieces, first, last, params.overlap_words)
    return spans


def _overlap_start(pieces: list[_Span], first: int, last: int, overlap: int) -> int:
    """Step back over whole sentences worth at most ``overlap`` words, always moving forward."""
    start, words = last + 1, 0
    while start - 1 > first and words + pieces[start - 1].words <= overlap:
        start -= 1
        words += pieces[start].words
    return start


def _pieces(text: str, max_words: int) -> list[_Span]:
    """Sentences (or word runs, for a sentence longer than ``max_words``) as spans."""
    pieces: list[_Span] = []
    for start, end in sentence_spans(text):
        pieces.extend(_split_long(text, start, end, max_words))
    return pieces


def _split_long(text: str, start: int, end: int, max_words: int) -> list[_Span]:
    words = [m.span() for m in _WORD.finditer(text, start, end)]
    spans = []
    for i in range(0, len(words), max_words):
        run = words[i:i + max_words]
        spans.append(_Span(run[0][0], run[-1][1], len(run)))
    return spans


def section_path(unit: Unit, offset: int) -> str:
    """Heading path ("Titre > Sous-titre") in force at ``offset``, or the PDF outline section."""
    path: list[Heading] = []
    for heading in unit.headings:
        if heading.offset > offset:
            # A passage starting just before its heading belongs to that heading's section.
            break
        while path and path[-1].level >= heading.level:
            path.pop()
        path.append(heading)
    titles = [h.title for h in path]
    if unit.section and not titles:
        return unit.section
    return " > ".join(titles)
