"""Which documents a search may return: type, theme, period, source folder."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from core.analysis import fold
from core.documents import valid_date
from core.errors import SettingsError


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    since: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str = ""
    folders: tuple[str, ...] = ()

    def __post_init__(self):
        for bound in (self.since, self.until):
            if bound and not valid_date(bound):
                raise SettingsError(f"date {bound!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def active(self) -> bool:
        return bool(self.types or self.themes or self.since or self.until or self.folders)

    @cached_property
    def _folded_types(self) -> frozenset[str]:
        return frozenset(fold(t) for t in self.types)

    @cached_property
    def _folded_themes(self) -> frozenset[str]:
        return frozenset(fold(t) for t in self.themes)

    @cached_property
    def _folders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.strip("/") for f in self.folders))

    def allows(self, doc) -> bool:
        # the lists are folded once per Filters (one request), not once per document
        if self.types and fold(doc.type) not in self._folded_types:
            return False
        if self.themes and self._folded_themes.isdisjoint(fold(t) for t in doc.themes):
            return False
        if self.folders and not any(_in_folder(doc, f) for f in self._folders):
            return False
        if self.since and (not doc.date or doc.date[:len(self.since)] < self.since):
            return False
        if self.until and (not doc.date or doc.date[:len(self.until)] > self.until):
            return False
        return True

    def passage_mask(self, index) -> np.ndarray | None:
        """Boolean mask over passages, or None when nothing is filtered."""
        if not self.active:
            return None
        allowed = np.array([self.allows(index.documents[d]) for d in index.doc_ids], dtype=bool)
        return allowed[index.passage_doc] if len(allowed) else np.zeros(0, dtype=bool)


def _in_folder(doc, folder: str) -> bool:
    """Its root folder (by name), or a subfolder given inside the root or from the root's name
    (``folder`` without its outer slashes)."""
    return (doc.root == folder or doc.source.startswith(folder + "/")
            or f"{doc.root}/{doc.source}".startswith(folder + "/"))
