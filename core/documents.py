"""The data that flows through ingestion: documents, their text units, and passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def valid_date(date: str) -> bool:
    """Dates are YYYY, YYYY-MM or YYYY-MM-DD: as precise as the publication says, no more."""
    return bool(_DATE.match(date))


@dataclass(frozen=True)
class Heading:
    """A heading found in a unit's text: ``offset`` is where its section starts."""
    offset: int
    level: int
    title: str


@dataclass(frozen=True)
class Unit:
    """A page of a PDF, or the whole body of a text document, with its headings.

    Passages point into ``text`` with character offsets, so the UI can highlight them.
    ``section`` is the PDF outline entry covering the page, when the PDF has bookmarks.
    """
    text: str
    page: int | None = None
    headings: tuple[Heading, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    url: str = ""
    date: str = ""
    type: str = ""
    themes: tuple[str, ...] = ()
    description: str = ""  # a few lines on the publication (from the site's listing)


@dataclass(frozen=True)
class Document:
    doc_id: str
    source: str  # path relative to its root folder, with "/" separators
    root: str  # the root folder's name in the index (its location is in the manifest)
    kind: str  # "pdf", "html", "markdown" or "text"
    metadata: Metadata
    units: tuple[Unit, ...]
    content_hash: str
    pages: int = 0
    ocr_pages: int = 0  # pages read by OCR (scans without a text layer)


@dataclass(frozen=True)
class Passage:
    """A passage of one document, with everything needed to cite it."""
    doc_id: str
    ordinal: int  # position within its document, for the neighbouring passages
    unit: int  # index of the unit (page or body) it comes from
    page: int | None
    section: str  # heading path, " > "-separated
    char_start: int
    char_end: int
    text: str


@dataclass
class Failure:
    """A file that could not be ingested, and why (shown to staff as is)."""
    path: str
    reason: str


@dataclass
class RefreshReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: int = 0
    passages: int = 0
    build_id: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    embedded: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"removed {self.removed}, failed {self.failed}")
