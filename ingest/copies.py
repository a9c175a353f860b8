"""One text, one document: files whose extracted text is the same — the same bytes copied into
two folders, or the same words saved as .txt and as .md — are indexed once. The other files are
recorded as copies of it (in the build's manifest), so that the curator sees every location.

Which copy is indexed is decided from the files alone, whatever order a refresh met them in:
the one a catalogue describes (its row holds the title, date, address and themes staff chose),
else the first by root name and path (stable from one refresh to the next, and on any machine).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from core.documents import Unit


def text_hash(units: Iterable[Unit]) -> str:
    """The document's words, spaces and line breaks aside: a PDF re-saved or a text re-wrapped
    with the same words is the same text."""
    words = " ".join(" ".join(unit.text.split()) for unit in units).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Copy:
    """A file of the index, as much as choosing among copies needs."""
    doc_id: str
    root: str
    source: str
    text: str  # its text_hash
    catalogued: bool  # a catalogue row describes it

    @property
    def location(self) -> str:
        return f"{self.root}/{self.source}"

    @property
    def rank(self) -> tuple:
        return (not self.catalogued, self.root, self.source)


def primaries(copies: Iterable[Copy]) -> dict[str, list[Copy]]:
    """Each text's indexed file (by doc_id) with its other copies, best first."""
    groups: dict[str, list[Copy]] = {}
    for copy in copies:
        groups.setdefault(copy.text, []).append(copy)
    ordered = (sorted(group, key=lambda c: c.rank) for group in groups.values())
    return {group[0].doc_id: group[1:] for group in ordered}
