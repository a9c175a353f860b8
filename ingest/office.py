"""Office documents: DOCX (python-docx) and ODT (odfpy), read in document order.

Headings become sections (their path is on each passage), tables are read row by row (cells
joined by « | »), and tables of contents are left out (Word's and LibreOffice's own, and any
run of entry lines ending in page numbers).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from core.documents import Heading, Metadata, Unit
from core.errors import ExtractionError
from ingest.contents import contents_lines
from ingest.dates import office_date
from ingest.normalize import normalize_text

# An office file is a zip of XML: it is refused before any parser unzips it when it would
# expand beyond these. A 300-page report with its images unzips to about 50 MB, and XML
# compresses 5 to 20 times; a zip bomb declares gigabytes at a ratio of a thousand.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # checked once the content passes 16 MB: small files may compress better
RATIO_FLOOR = 16 * 1024 * 1024

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)


@dataclass
class _Blocks:
    """Paragraphs in order, each a heading (level > 0) or body text (level 0)."""
    items: list[tuple[str, int]] = field(default_factory=list)

    def add(self, text: str, level: int = 0) -> None:
        text = normalize_text(text)
        if text:
            self.items.append((text, level))

    def unit(self) -> Unit:
        drop = contents_lines([text for text, _ in self.items])
        blocks, headings, offset = [], [], 0
        for n, (text, level) in enumerate(self.items):
            if n in drop:
                continue
            if level:
                headings.append(Heading(offset, level, text))
            blocks.append(text)
            offset += len(text) + 2
        return Unit(text="\n\n".join(blocks), headings=tuple(headings))


def check_archive(raw: bytes, name: str) -> None:
    """Refuse a DOCX or ODT whose declared content is too large or too compressed, from the
    zip's directory alone (zipfile never expands a member past its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ExtractionError(f"{name}: corrupt or unreadable office file, not a valid zip ({exc})") from exc
    unzipped = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ExtractionError(f"{name}: would unzip to {unzipped / 1e6:,.0f} MB, more than the limit of "
                              f"{MAX_UNZIPPED_BYTES / 1e6:.0f} MB (a zip bomb?)")
    if unzipped > RATIO_FLOOR and unzipped / packed > MAX_RATIO:
        raise ExtractionError(f"{name}: compressed {unzipped / packed:,.0f} times, more than the limit of "
                              f"{MAX_RATIO} (a zip bomb?)")


def load_docx(raw: bytes, name: str) -> tuple[Unit, Metadata]:
    import docx
    from docx.table import Table

    check_archive(raw, name)
    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError(f"{name}: corrupt or unreadable DOCX file ({exc})") from exc
    blocks = _Blocks()
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                blocks.add(_row_text(cell.text for cell in row.cells))
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if style.lower().startswith("toc"):
            continue  # Word's own table of contents
        blocks.add(item.text, _docx_level(style))
    properties = document.core_properties
    return blocks.unit(), Metadata(title=normalize_text(properties.title or ""),
                                   date=office_date(properties.modified, properties.created))


def _docx_level(style: str) -> int:
    if style.lower() in ("title", "titre"):
        return 1
    match = _HEADING_STYLE.match(style.strip())
    return int(match.group(1)) if match else 0


def load_odt(raw: bytes, name: str) -> tuple[Unit, Metadata]:
    from odf import dc, meta, teletype
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load

    check_archive(raw, name)
    try:
        document = load(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError) as exc:
        raise ExtractionError(f"{name}: corrupt or unreadable ODT file ({exc})") from exc
    blocks = _Blocks()

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE or child.qname == (TEXTNS, "table-of-content"):
                continue  # LibreOffice's own table of contents is left out
            if child.qname == (TEXTNS, "h"):
                blocks.add(teletype.extractText(child), int(child.getAttribute("outlinelevel") or 1))
            elif child.qname == (TEXTNS, "p"):
                blocks.add(teletype.extractText(child))
            elif child.qname == (TABLENS, "table-row"):
                blocks.add(_row_text(teletype.extractText(cell) for cell in child.childNodes
                                     if cell.qname == (TABLENS, "table-cell")))
            else:
                walk(child)

    walk(document.text)
    titles = document.meta.getElementsByType(dc.Title)
    saved, created = (document.meta.getElementsByType(kind) for kind in (dc.Date, meta.CreationDate))
    return blocks.unit(), Metadata(title=normalize_text(teletype.extractText(titles[0])) if titles else "",
                                   date=office_date(*(teletype.extractText(found[0]) if found else ""
                                                      for found in (saved, created))))


def _row_text(cells) -> str:
    """A table row as one line; a merged cell (repeated by the reader) is written once."""
    out: list[str] = []
    for cell in cells:
        cell = " ".join(cell.split())
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return " | ".join(out)
