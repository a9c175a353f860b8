"""Find the files a refresh covers, join each with its catalogue row, and load it into a Document."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath

from core.documents import Document, Metadata
from core.errors import ExtractionError
from core.roots import Placement
from core.settings import Settings
from ingest.catalogue import CATALOGUE_NAME, Catalogue, parse_catalogue
from ingest.html import load_html
from ingest.markdown import first_heading, first_line, markdown_unit, text_unit
from ingest.office import load_docx, load_odt
from ingest.pdf import load_pdf

KINDS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown",
         ".markdown": "markdown", ".txt": "text", ".docx": "docx", ".odt": "odt"}
OFFICE = {"docx": load_docx, "odt": load_odt}
# Bump when a loader changes what it extracts: every document is then re-extracted.
EXTRACTOR_VERSION = "9"  # 8: dates from PDF pages and metadata, office properties; 9: PDF lines joined inside paragraphs, words of justified lines spaced
HARVEST_STATE = ".harvest.json"  # the record ingest/harvest.py keeps in each folder it writes


@dataclass(frozen=True)
class SourceFile:
    path: Path
    root: str  # name of the root folder it belongs to (see core.roots)
    source: str  # relative to that root, "/"-separated
    catalogued: Metadata | None

    @property
    def doc_id(self) -> str:
        return document_id(self.root, self.source)


@dataclass
class Scan:
    files: list[SourceFile]
    problems: list[str]  # catalogue rows that are malformed or name missing files
    unsupported: list[tuple[Path, str]]


def document_id(root: str, source: str) -> str:
    """A document is its root's name and its path inside it: the same wherever the root lies."""
    return hashlib.sha1(f"{root}\0{source}".encode()).hexdigest()[:16]


class Catalogues:
    """The ``catalogue.csv`` files of one root, each read once and each for its own folder.

    A file's row comes from the nearest catalogue that names it: ``loi/catalogue.csv`` row
    ``article-7.md`` first, then the root's row ``loi/article-7.md``.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems: list[str] = []
        self._read: dict[Path, Catalogue] = {}

    def row(self, source: str) -> Metadata | None:
        folder, key = self.holding(source)
        return self._at(folder).rows.get(key)

    def holding(self, source: str) -> tuple[Path, str]:
        """The folder whose catalogue holds ``source``'s row, and the row's key there; the root's
        catalogue when none does (where a new row would go)."""
        parts = PurePosixPath(source).parts
        for depth in range(len(parts) - 1, -1, -1):
            folder = self.root.joinpath(*parts[:depth])
            key = "/".join(parts[depth:])
            if key in self._at(folder).rows:
                return folder, key
        return self.root, source

    def _at(self, folder: Path) -> Catalogue:
        if folder not in self._read:
            path = folder / CATALOGUE_NAME
            name = path.relative_to(self.root).as_posix()
            catalogue = parse_catalogue(path.read_bytes(), name) if path.is_file() else Catalogue()
            self.problems += catalogue.problems
            self.problems += [f"{name}: row for {key} but no such file in {folder}"
                              for key in catalogue.rows if not (folder / key).exists()]
            self._read[folder] = catalogue
        return self._read[folder]


def scan(placement: Placement, other_roots: frozenset[Path] = frozenset()) -> Scan:
    """The files a placement covers (its whole root, a subfolder, or one file), sorted, each with
    its catalogue row. Hidden files and catalogues are not documents, and a subfolder that is a
    root of its own in the index is left to it (its documents keep their identity)."""
    root = placement.root.path
    catalogues = Catalogues(root)
    target = root / placement.prefix if placement.prefix else root
    paths = [target] if target.is_file() else _walk(target, other_roots)
    files, unsupported = [], []
    for path in paths:
        if path.suffix.lower() not in KINDS:
            unsupported.append((path, f"unsupported file type {path.suffix or '(none)'}; "
                                      f"accepted: {', '.join(sorted(KINDS))}"))
            continue
        source = path.relative_to(root).as_posix()
        row = catalogues.row(source)
        if row is None and _harvested(path, root):
            continue  # a download a killed harvest did not commit: the next harvest deletes it
        files.append(SourceFile(path, placement.root.name, source, row))
    return Scan(files, catalogues.problems, unsupported)


def _harvested(path: Path, root: Path) -> bool:
    """Inside a folder the harvester keeps (it holds .harvest.json), where only the files its
    catalogue names are documents."""
    return any((folder / HARVEST_STATE).is_file() for folder in path.parents if folder.is_relative_to(root))


def _walk(folder: Path, skip: frozenset[Path]) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and Path(dirpath) / d not in skip)
        out += [Path(dirpath) / name for name in sorted(filenames)
                if not name.startswith(".") and name != CATALOGUE_NAME]
    return out


def content_hash(raw: bytes, catalogued: Metadata | None) -> str:
    digest = hashlib.sha256(raw)
    digest.update(EXTRACTOR_VERSION.encode())
    digest.update(json.dumps(asdict(catalogued) if catalogued else None, ensure_ascii=False).encode())
    return digest.hexdigest()


def read_bytes(file: SourceFile, settings: Settings) -> bytes:
    size = file.path.stat().st_size
    if size > settings.max_file_bytes:
        raise ExtractionError(f"{file.source}: {size / 1e6:.0f} MB, larger than the limit of "
                              f"{settings.max_file_bytes / 1e6:.0f} MB (BOUSSOLE_MAX_FILE_BYTES)")
    if size == 0:
        raise ExtractionError(f"{file.source}: the file is empty")
    return file.path.read_bytes()


def load_document(file: SourceFile, raw: bytes, digest: str, settings: Settings) -> tuple[Document, list[str]]:
    """Extract one file; raises ExtractionError with the reason. Returns warnings too."""
    kind = KINDS[file.path.suffix.lower()]
    warnings: list[str] = []
    name = file.source
    ocr_pages: tuple[int, ...] = ()
    if kind == "pdf":
        pdf = load_pdf(raw, name, settings.max_pdf_pages, settings.max_seconds_per_file)
        units, found, ocr_pages = pdf.units, pdf.metadata, pdf.ocr_pages
        warnings += pdf.warnings
    elif kind in OFFICE:
        unit, found = OFFICE[kind](raw, name)
        units = [unit]
        found = replace(found, title=found.title or first_heading(unit) or first_line(unit.text))
    elif kind == "html":
        unit, found = load_html(raw, name)
        units = [unit]
    else:
        text, encoding_warning = _decode_text(raw, name)
        if encoding_warning:
            warnings.append(encoding_warning)
        unit = markdown_unit(text) if kind == "markdown" else text_unit(text)
        units = [unit]
        found = Metadata(title=first_heading(unit) or first_line(unit.text))
    units = [u for u in units if u.text.strip()] if kind != "pdf" else units
    if not any(u.text.strip() for u in units):
        raise ExtractionError(f"{name}: no text found in the file")
    metadata = _merge(file.catalogued, found, file.path)
    return Document(
        doc_id=file.doc_id, source=file.source, root=file.root, kind=kind,
        metadata=metadata, units=tuple(units), content_hash=digest,
        pages=len(units) if kind == "pdf" else 0, ocr_pages=len(ocr_pages)), warnings


def _decode_text(raw: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in raw[:4096]:
        raise ExtractionError(f"{name}: binary content in a text file")
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        # Windows editors still write cp1252; a file that decodes cleanly goes in, with a note.
        try:
            return raw.decode("cp1252"), f"{name}: not UTF-8; read as Windows-1252 (re-save it as UTF-8)"
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"{name}: not UTF-8 text ({exc}); re-save it as UTF-8") from exc


def _merge(catalogued: Metadata | None, found: Metadata, path: Path) -> Metadata:
    """Catalogue values win; the file's own metadata fills what the catalogue leaves empty."""
    base = catalogued or Metadata()
    return replace(base, title=base.title or found.title or path.stem,
                   url=base.url or found.url, date=base.date or found.date)
