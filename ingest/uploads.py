"""Files added by staff from the web page: checked, renamed safely, written atomically.

A name can never escape the sources folder: only its last component is kept, reduced to
letters, digits, dots, dashes and underscores.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

from ingest.catalogue import CATALOGUE_NAME, parse_catalogue, valid_date, write_catalogue
from ingest.documents import Metadata
from ingest.errors import BoussoleError, CatalogueError
from ingest.sources import KINDS

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


def save_upload(sources: Path, name: str, data: bytes, max_bytes: int) -> Path:
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
    sources = Path(sources).resolve()
    target = (sources / clean).resolve()
    if target.parent != sources:
        raise UploadRefused(f"{name}: unusable file name")
    sources.mkdir(parents=True, exist_ok=True)
    _atomic_write(target, data)
    return target


def update_catalogue(sources: Path, file: str, metadata: Metadata) -> None:
    """Set one file's row of the folder's catalogue (created if missing)."""
    if metadata.date and not valid_date(metadata.date):
        raise CatalogueError(f"date {metadata.date!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    path = Path(sources) / CATALOGUE_NAME
    rows = parse_catalogue(path.read_bytes()).rows if path.exists() else {}
    rows[file] = replace(metadata, themes=tuple(t.strip() for t in metadata.themes if t.strip()))
    _atomic_write(path, write_catalogue(rows).encode("utf-8"))


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
