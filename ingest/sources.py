"""Find the files of a folder, join them with its catalogue, and load each into a Document."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ingest.catalogue import CATALOGUE_NAME, Catalogue, parse_catalogue
from ingest.documents import Document, Metadata
from ingest.errors import ExtractionError
from ingest.html import load_html
from ingest.markdown import first_heading, first_line, markdown_unit, text_unit
from ingest.pdf import load_pdf
from ingest.settings import Settings

KINDS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown",
         ".markdown": "markdown", ".txt": "text"}
# Bump when a loader changes what it extracts: every document is then re-extracted.
EXTRACTOR_VERSION = "3"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    root: Path
    source: str  # relative to root, "/"-separated
    catalogued: Metadata | None

    @property
    def doc_id(self) -> str:
        return document_id(self.root, self.source)


@dataclass
class Scan:
    files: list[SourceFile]
    problems: list[str]  # catalogue rows that are malformed or name missing files
    unsupported: list[tuple[Path, str]]


def document_id(root: Path, source: str) -> str:
    return hashlib.sha1(f"{root}\0{source}".encode()).hexdigest()[:16]


def scan_folder(root: Path) -> Scan:
    """Every file under ``root`` (hidden files and the catalogue excepted), sorted."""
    root = root.resolve()
    catalogue = _read_catalogue(root)
    files, unsupported = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            source = path.relative_to(root).as_posix()
            if name.startswith(".") or source == CATALOGUE_NAME:
                continue
            if path.suffix.lower() not in KINDS:
                unsupported.append((path, f"unsupported file type {path.suffix or '(none)'}; "
                                          f"accepted: {', '.join(sorted(KINDS))}"))
                continue
            files.append(SourceFile(path, root, source, catalogue.rows.get(source)))
    seen = {f.source for f in files} | {p.relative_to(root).as_posix() for p, _ in unsupported}
    problems = list(catalogue.problems)
    problems += [f"{CATALOGUE_NAME}: row for {name} but no such file in {root}"
                 for name in catalogue.rows if name not in seen]
    return Scan(files, problems, unsupported)


def source_file(path: Path) -> SourceFile:
    """One file given by path: its folder is the root, its catalogue row (if any) applies."""
    path = path.resolve()
    if path.suffix.lower() not in KINDS:
        raise ExtractionError(f"{path.name}: unsupported file type {path.suffix or '(none)'}; "
                              f"accepted: {', '.join(sorted(KINDS))}")
    return SourceFile(path, path.parent, path.name, _read_catalogue(path.parent).rows.get(path.name))


def _read_catalogue(root: Path) -> Catalogue:
    path = root / CATALOGUE_NAME
    return parse_catalogue(path.read_bytes(), str(path)) if path.is_file() else Catalogue()


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
    if kind == "pdf":
        units, found = load_pdf(raw, name, settings.max_pdf_pages, settings.max_seconds_per_file)
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
        doc_id=file.doc_id, source=file.source, root=str(file.root), kind=kind,
        metadata=metadata, units=tuple(units), content_hash=digest,
        pages=len(units) if kind == "pdf" else 0), warnings


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
