"""Where sentences start and end in French text: passages are cut at these boundaries, and
answers are made of whole sentences.

Lines first: a blank line ends a sentence, a list mark opens an item, and so does a line opening
with a capital or a digit after a line that does not go on (loaders keep a line break where a
block ends: a heading, a paragraph, a table cell). Inside a block, pysbd's French rules say where a
sentence ends (« article L. 411-2 », « M. », « etc. », « 1,5 », URLs); a few merges cover what it
cuts that a French reader would not: a piece opening in lower case or with a closing mark, a
number after an abbreviation (« l'art. 26 », « n° 06-42. 269 »), initials (« T. I. G »).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import pysbd
from pysbd.lang.french import French

Spans = list[tuple[int, int]]

# What opens a list item: « - », « — », « • », « 1. », « 2) », « 3° ». A list is numbered with one
# or two digits: a year closing a sentence on its own line (« …depuis\n2011. ») opens no item.
_LIST_MARK = r"[-–—•▪◦*]\s|\d{1,2}[.)°]\s"
_LIST_ITEM = re.compile(rf"\s*(?:{_LIST_MARK})")
# A line opening a new block: a capital, or a figure after a line not ending in a word
# (« …est de :\n1 re tranche : … = 24,38\n2 e tranche… », not « …comptait\n30 000 jeux »)…
_OPENS_BLOCK = re.compile(r"[ \t]*[A-ZÀ-ÖØ-Þ]")
_OPENS_WITH_FIGURE = re.compile(r"[ \t]*\d")
_ENDS_IN_WORD = re.compile(r"[^\W\d_][ \t]*$")
# …unless the line before it goes on: it ends with a comma, a hyphen, an apostrophe or a word that
# cannot end a sentence (« …produites par\nEtalab », « …depuis\n2011. »)
_GOES_ON_AFTER = re.compile(
    r"(?:[,'’(«\u2011-]|\b(?:à|au|aux|avec|ce|ces|cet|cette|chez|d|dans|de|depuis|des|dès|dont|du|en|"
    r"entre|et|jusqu|l|la|le|les|leur|leurs|mais|ni|notamment|ou|par|pour|qu|que|qui|sa|sans|selon|"
    r"ses|son|sous|sur|un|une|vers))[ \t]*$", re.I)
# Two sentences glued by the source (« aux enchères.Le produit… », « définies.Afin »)
_GLUED = re.compile(r"(?<=[a-zà-öø-ÿ]{2}[.!?])(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])")
# Where pysbd is needed at all: a block with no sentence mark inside is one sentence.
_INNER_END = re.compile(r"[.!?…][\"»”)\]]*\s+\S")
# Pieces that go on the one before them: opening in lower case or with a closing mark; a number
# after an abbreviation or a short number (« l'art. 26 », « article 131. 1 »); after an initial
_CONTINUES = re.compile(r"[a-zà-öø-ÿœæ»”)\],;:]")
_ABBREVIATIONS = sorted(set(French.Abbreviation.ABBREVIATIONS) | {
    "p", "no", "soc", "civ", "crim", "janv", "févr", "avr", "juil", "sept", "oct", "nov", "déc"},
    key=len, reverse=True)
_ENDS_ABBREVIATION = re.compile(
    r"(?:^|[\s(’'])(?:" + "|".join(map(re.escape, _ABBREVIATIONS)) + r"|\d{1,3})\.$", re.I)
_ENDS_INITIAL = re.compile(r"(?:^|[\s(’'])[A-Z]\.$")
# A blank line, a list item or a numbered heading (« 9.1.1 Description… ») opens a block whatever
# the line before it
_BLANK_OR_ITEM = re.compile(rf"[ \t]*(?:\n|{_LIST_MARK}|\d{{1,2}}(?:\.\d{{1,2}})+\s+[A-ZÀ-ÖØ-Þ])")
# « 1. » or « II. » alone: a list or section number, not a sentence
_LONE_NUMBER = re.compile(r"(?:\d{1,2}|[IVX]{1,4})\.")


def is_list_item(sentence: str) -> bool:
    return bool(_LIST_ITEM.match(sentence))


def sentence_spans(text: str, cut: Callable[[str], Spans] | None = None) -> Spans:
    """Character spans of the sentences of ``text`` (also used to compose answers), without
    surrounding spaces. ``cut`` splits one block into sentences (pysbd's French rules unless
    another is given, as benchmarks/sentences.py does to compare)."""
    return list(_pysbd_spans(text)) if cut is None else _spans(text, cut)


@lru_cache(maxsize=8192)
def _pysbd_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Kept: an answer cuts the passages of its documents, the same from one question to the next."""
    return tuple(_spans(text, pysbd_cut))


def _spans(text: str, cut: Callable[[str], Spans]) -> Spans:
    spans: Spans = []
    for start, end in _blocks(text):
        block = text[start:end]
        pieces = cut(block.replace("\n", " ")) if _INNER_END.search(block) or _GLUED.search(block) else [(0, len(block))]
        spans += _merged(text, [_trimmed(text, start + a, start + b) for a, b in _unglued(block, pieces)])
    return spans


def pysbd_cut(block: str) -> Spans:
    """pysbd's sentences of ``block``, found back in it. pysbd's own ``segment`` compiles a
    regular expression per sentence to find it, which evicts its big boundary expression from
    ``re``'s cache: its processor with that expression compiled once is 3× faster."""
    spans, position = [], 0
    for sentence in _pysbd().processor(block).process():
        start = block.find(sentence.strip(), position)
        if start < 0:  # pysbd rewrote it: the rest stays one piece
            break
        position = start + len(sentence.strip())
        spans.append((start, position))
    return spans + [(position, len(block))] if block[position:].strip() else spans


class _French(French):
    SENTENCE_BOUNDARY_REGEX = re.compile(French.SENTENCE_BOUNDARY_REGEX)


@lru_cache(maxsize=1)
def _pysbd() -> pysbd.Segmenter:
    segmenter = pysbd.Segmenter(language="fr", clean=False)
    segmenter.language_module = _French
    return segmenter


def _blocks(text: str) -> Spans:
    """Spans cut at blank lines, before list items, and before a line opening a new block."""
    spans, start, line_start = [], 0, 0
    for match in re.finditer("\n", text):
        line, after = text[line_start:match.start()], match.end()
        line_start = after
        if not line.strip() or _BLANK_OR_ITEM.match(text, after) or (not _GOES_ON_AFTER.search(line) and (
                _OPENS_BLOCK.match(text, after)
                or (_OPENS_WITH_FIGURE.match(text, after) and not _ENDS_IN_WORD.search(line)))):
            spans.append((start, match.start()))
            start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _unglued(block: str, pieces: Spans) -> Spans:
    out = []
    for a, b in pieces:
        cuts = [a] + [m.start() for m in _GLUED.finditer(block, a, b)] + [b]
        out += zip(cuts, cuts[1:])
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merged(text: str, pieces: Spans) -> Spans:
    out: Spans = []
    for start, end in pieces:
        if start >= end:
            continue
        if out and _goes_on(text[out[-1][0]:out[-1][1]], text[start:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _goes_on(before: str, piece: str) -> bool:
    return bool(_LONE_NUMBER.fullmatch(before) or _CONTINUES.match(piece) or _ENDS_INITIAL.search(before)
                or (piece[:1].isdigit() and _ENDS_ABBREVIATION.search(before)))


# An answer quotes whole sentences of this length: shorter ones are headings or fragments,
# longer ones are lists run together by the PDF's extraction.
MIN_QUOTABLE_WORDS = 5
MAX_QUOTABLE_WORDS = 80


def quotable_sentences(text: str, longest: int = MAX_QUOTABLE_WORDS) -> list[tuple[int, int, str]]:
    """The sentences of a passage an answer may quote: start, end, and the sentence with its
    line breaks and runs of spaces made single spaces (as it is shown and embedded). Headings and
    captions are left out; a section's number and heading glued before a sentence are cut off."""
    out = []
    for start, end in sentence_spans(text):
        start += heading_length(text[start:end])
        sentence = " ".join(text[start:end].split())
        if MIN_QUOTABLE_WORDS <= len(sentence.split()) <= longest and not is_heading(sentence):
            out.append((start, end, sentence))
    return out


# What tells a heading or a caption from a sentence, read on the Etalab guides:
# a section number of two levels or more (« 3.3 Guide juridique interactif », « 2.0.1 À qui
# est-il destiné? ») or of one before a capital, on a line without a final stop (« 5 Liste de
# ressources »); a caption's word (« Figure 2 : … », « Source : … »); or a short line without a
# final stop and without a figure (« Un extrait de décision de justice pseudonymisée »: a line
# with one, « Ouvert du lundi au dimanche de 9h à 23h », says something).
_SECTION_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+(?=\S)")
_CHAPTER_NUMBER = re.compile(r"\d{1,2}\s+[A-ZÀ-ÖØ-Þ]")
_CAPTION = re.compile(r"(?:figure|fig\.|tableau|graphique|schéma|illustration|carte|photo|image|sources?|"
                      r"crédits?)(?:\s+\d+)?\s*[:–—.-]", re.I)
# A final stop, or the comma of a list item going on (« Soit pendant une durée de cinquante ans, »)
_FINAL_STOP = re.compile(r"[.!?…:;,][»”\")\]]*$")
HEADING_WORDS = 12  # as a plain text's heading (ingest/markdown.py)
# A numbered heading glued before its first sentence: the number, a first word, the words after
# it in lower case, then the sentence from its capital (« 3.3 Guide juridique interactif Pour… »)
_GLUED_HEADING = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+\S+(?:\s+[^\sA-ZÀ-ÖØ-Þ]\S*)*\s+(?=[A-ZÀ-ÖØ-Þ])")


def is_heading(sentence: str) -> bool:
    """A heading, a section number or a figure's caption: never the opening of an answer."""
    if _SECTION_NUMBER.match(sentence) or _CAPTION.match(sentence):
        return True
    if _FINAL_STOP.search(sentence) or is_list_item(sentence):
        return False
    return bool(_CHAPTER_NUMBER.match(sentence)) or (
        len(sentence.split()) <= HEADING_WORDS and not any(c.isdigit() for c in sentence))


def heading_length(sentence: str) -> int:
    """How many characters of a numbered heading open ``sentence`` when a sentence follows it on
    the same line (0 otherwise)."""
    glued = _GLUED_HEADING.match(sentence)
    rest = sentence[glued.end():] if glued else ""
    return glued.end() if glued and _FINAL_STOP.search(rest.rstrip()) and len(rest.split()) >= MIN_QUOTABLE_WORDS else 0
