"""Markdown and plain-text loaders: the body text with its headings and their offsets.

Markdown is parsed with markdown-it (CommonMark) and rendered to plain text, one block per
paragraph, so excerpts read as text and headings become section titles.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from core.documents import Heading, Unit
from ingest.normalize import normalize_text

_PARSER = MarkdownIt("commonmark").enable("table")


def markdown_unit(source: str) -> Unit:
    """Render Markdown to plain text; headings are kept as lines and recorded with offsets."""
    blocks: list[str] = []
    headings: list[Heading] = []
    offset = 0
    level = 0
    for token in _PARSER.parse(normalize_text(source)):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            continue
        if token.type not in ("inline", "code_block", "fence"):
            continue
        text = _inline_text(token) if token.type == "inline" else token.content
        text = normalize_text(text)
        if not text:
            level = 0
            continue
        if level:
            headings.append(Heading(offset, level, text))
            level = 0
        blocks.append(text)
        offset += len(text) + 2
    return Unit(text="\n\n".join(blocks), headings=tuple(headings))


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def first_heading(unit: Unit) -> str:
    top = [h for h in unit.headings if h.level == min((x.level for x in unit.headings), default=1)]
    return top[0].title if top else ""


def text_unit(source: str) -> Unit:
    """Plain text: paragraphs are separated by blank lines; a short line standing alone
    between blank lines, without final punctuation, is taken as a heading."""
    text = normalize_text(source)
    headings = []
    offset = 0
    for block in text.split("\n\n"):
        if _looks_like_heading(block):
            headings.append(Heading(offset, 2, block))
        offset += len(block) + 2
    return Unit(text=text, headings=tuple(headings))


def _looks_like_heading(block: str) -> bool:
    return ("\n" not in block and 0 < len(block.split()) <= 12
            and block[-1] not in ".,;:!?»)" and not block[0].islower())


def first_line(text: str, limit: int = 160) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"
    return ""
