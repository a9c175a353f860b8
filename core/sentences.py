"""Where sentences start and end in French text: passages are cut at these boundaries, and
answers are made of whole sentences."""

from __future__ import annotations

import re

# What opens a list item: « - », « • », « 1. », « 2) », « 3° ». A list is numbered with one or two
# digits: a year closing a sentence on its own line (« …se fonde sur ces principes depuis\n2011. »)
# opens no item.
_LIST_MARK = r"[-•▪◦*]\s|\d{1,2}[.)°]\s"
# A sentence ends at . ! ? … or a blank line, or where a line opens a list item; the next one
# starts after the spaces.
_SENTENCE_END = re.compile(rf"(?<=[.!?…])\s+|\n\s*\n|\n(?={_LIST_MARK})")
_LIST_ITEM = re.compile(rf"\s*(?:{_LIST_MARK})")
# « 1. » opening a line is a list number, not a sentence ending on its period (unless a blank
# line follows it)
_LONE_NUMBER = re.compile(r"\s*\d{1,2}\.")
_BLANK_LINE = re.compile(r"\n\s*\n")


def is_list_item(sentence: str) -> bool:
    return bool(_LIST_ITEM.match(sentence))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (also used to compose answers)."""
    spans, position = [], 0
    for match in list(_SENTENCE_END.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        if match and _LONE_NUMBER.fullmatch(text[position:end]) and not _BLANK_LINE.search(match.group()):
            continue
        if text[position:end].strip():
            spans.append((position, end))
        if match:
            position = match.end()
    return spans


# An answer quotes whole sentences of this length: shorter ones are headings or fragments,
# longer ones are lists run together by the PDF's extraction.
MIN_QUOTABLE_WORDS = 5
MAX_QUOTABLE_WORDS = 80


def quotable_sentences(text: str, longest: int = MAX_QUOTABLE_WORDS) -> list[tuple[int, int, str]]:
    """The sentences of a passage an answer may quote: start, end, and the sentence with its
    line breaks and runs of spaces made single spaces (as it is shown and embedded)."""
    out = []
    for start, end in sentence_spans(text):
        sentence = " ".join(text[start:end].split())
        if MIN_QUOTABLE_WORDS <= len(sentence.split()) <= longest:
            out.append((start, end, sentence))
    return out
