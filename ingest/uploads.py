"""Files added by staff from the web page: checked, renamed safely, written atomically.

A name can never escape the sources folder: only its last component is kept, reduced to
letters, digits, dots, dashes and underscores.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from core.documents import Metadata
from core.errors import BoussoleError, CatalogueError, ExtractionError
from core.files import atomic_write
from ingest.catalogue import (
    CATALOGUE_NAME,
    check_metadata,
    decode_catalogue,
    drop_row,
    set_row,
)
from ingest.office import check_archive
from ingest.sources import KINDS, Catalogues

ALLOWED = tuple(sorted(KINDS)) + (".csv",)


class UploadRefused(BoussoleError):
    """An uploaded file was refused (type, size or name)."""


def safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-_")
    base = re.sub(r"\.{2,}", ".", base)
    if not base or base.startswith("."):
        raise UploadRefused(f"{name!r}: unusable file name")
    return base


@dataclass(frozen=True)
class Upload:
    name: str  # as the browser sent it
    data: bytes


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    saved: Path | None
    error: str = ""


def save_uploads(sources: Path, uploads: list[Upload], max_bytes: int,
                 replace_existing: bool = False) -> list[UploadOutcome]:
    """Save each upload, or say why not; two uploads that reduce to one name never overwrite
    each other, and an existing file is replaced only when staff asked for it."""
    outcomes, taken = [], set()
    for upload in uploads:
        try:
            clean = safe_name(upload.name)
            if clean in taken:
                raise UploadRefused(f"{upload.name}: another file of this batch is already saved as {clean}; "
                                    "rename one of them")
            saved = save_upload(sources, upload.name, upload.data, max_bytes, replace_existing)
            taken.add(clean)
            outcomes.append(UploadOutcome(upload.name, saved))
        except BoussoleError as exc:
            outcomes.append(UploadOutcome(upload.name, None, str(exc)))
    return outcomes


def save_upload(sources: Path, name: str, data: bytes, max_bytes: int,
                replace_existing: bool = False) -> Path:
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in ALLOWED:
        raise UploadRefused(f"{name}: type {suffix or '(none)'} not accepted; accepted: {', '.join(ALLOWED)}")
    if suffix == ".csv" and clean != CATALOGUE_NAME:
        raise UploadRefused(f"{name}: the only CSV accepted is {CATALOGUE_NAME}")
    if len(data) > max_bytes:
        raise UploadRefused(f"{name}: {len(data) / 1e6:.1f} MB, above the limit of {max_bytes / 1e6:.0f} MB")
    if not data:
        raise UploadRefused(f"{name}: the file is empty")
    if suffix in (".docx", ".odt"):
        try:
            check_archive(data, name)  # a zip bomb is not even saved
        except ExtractionError as exc:
            raise UploadRefused(str(exc)) from exc
    sources = Path(sources).resolve()
    target = (sources / clean).resolve()
    if target.parent != sources:
        raise UploadRefused(f"{name}: unusable file name")
    sources.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(target, data, replace_existing)
    except FileExistsError:
        raise UploadRefused(f"{name}: a file named {clean} already exists; tick « remplacer » to replace "
                            "it, or rename the file") from None
    return target


def update_catalogue(root: Path, source: str, metadata: Metadata) -> Path:
    """Set one document's row in the catalogue that describes it (the nearest one holding its
    row, else the root's); every other line of that file is kept as it was. Returns the file."""
    metadata = replace(metadata, themes=tuple(t.strip() for t in metadata.themes if t.strip()))
    check_metadata(metadata)
    return edit_catalogue(root, source, lambda text, key: set_row(text, key, metadata))


def remove_catalogue_row(root: Path, source: str) -> Path:
    """Remove one document's row from the catalogue that holds it; every other line is kept."""
    return edit_catalogue(root, source, drop_row)


def edit_catalogue(root: Path, source: str, edit) -> Path:
    """Apply ``edit(text, key)`` to the catalogue holding ``source``'s row (its BOM kept)."""
    folder, key = Catalogues(Path(root)).holding(source)
    path = folder / CATALOGUE_NAME
    raw = path.read_bytes() if path.exists() else b""
    text = decode_catalogue(raw)
    try:
        edited = edit(text, key)
    except CatalogueError as exc:
        raise CatalogueError(f"{path.name} in {folder}: {exc}") from exc
    if edited != text:  # when nothing changes, the file is left alone (or not created)
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        atomic_write(path, (bom + edited).encode("utf-8"), replace_existing=True)
    return path
