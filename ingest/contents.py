"""Tables of contents are kept out of passages: a « Sommaire » quoted as an excerpt answers
nothing (« 1.4 Prioriser : quels logiciels ouvrir ... 4 »). The PDF outline still gives sections.

A table of contents is a run of entry lines — a title, then a leader (dots, an ellipsis) or
spaces, then a page number — of at least three entries, or any run of lines ending in page
numbers right under a « Sommaire » / « Table des matières » heading. Text is normalised
first (tabs and « … » have become spaces and "...").
"""

from __future__ import annotations

import re

_TITLE = re.compile(r"^(sommaire|table des mati[eè]res|contents|table of contents)\s*:?$", re.IGNORECASE)
# "1.4 Prioriser : quels logiciels ouvrir ... 4", "Introduction . . . . 3", "Annexes ..... 12"
_LEADER_ENTRY = re.compile(r"^\S.{0,200}?\s?(?:\.\s?){2,}\.?\s*\d{1,4}$|^\S.{0,200}?\s\.\s\d{1,4}$")
# "1 Introduction 3", "Partie II Les acteurs 14"
_LOOSE_ENTRY = re.compile(r"^\S.{0,160}?[^\d\s.,;:]\s+\d{1,4}$")
MIN_ENTRIES = 3


def contents_lines(lines: list[str]) -> set[int]:
    """Indices of the lines that belong to a table of contents."""
    drop: set[int] = set()
    i = 0
    while i < len(lines):
        titled = bool(_TITLE.match(lines[i].strip()))
        start = i + 1 if titled else i
        end, entries, leaders = start, 0, 0
        while end < len(lines):
            line = lines[end].strip()
            if not line:
                end += 1
                continue
            leader = bool(_LEADER_ENTRY.match(line))
            if not (leader or ((titled or leaders) and _LOOSE_ENTRY.match(line))):
                break
            entries, leaders, end = entries + 1, leaders + leader, end + 1
        if entries >= MIN_ENTRIES and (titled or leaders >= MIN_ENTRIES):
            drop.update(range(i, end))
            i = end
        else:
            i += 1
    return drop


def without_contents(text: str) -> str:
    lines = text.split("\n")
    drop = contents_lines(lines)
    return "\n".join(line for n, line in enumerate(lines) if n not in drop).strip() if drop else text
