"""The index's files as the server hands them out: the file of a document of the live index,
and the PNG of a page of an indexed PDF with a passage highlighted, kept in the build's folder
(so the images go when the build goes). Each reads a row or two of the chunk store: the routes
do not load the index."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pypdfium2 as pdfium

from core.files import atomic_write
from core.roots import root_folders, source_path
from core.store import current_build, read_manifest
from retrieval.pageimage import render_page


def indexed_file(index_dir: Path, doc_id: str) -> Path | None:
    """The file of a document of the live index, if it still lies inside the folder it came
    from. Reads one row of the chunk store: the route does not load the index."""
    build = current_build(index_dir)
    if build is None:
        return None
    with closing(sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT root, source FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    return source_path(root_folders(read_manifest(build).roots, index_dir), *row)


def page_png(index_dir: Path, doc_id: str, page: int, passage: int | None) -> bytes | None:
    """Page ``page`` of an indexed PDF as a PNG, ``passage`` highlighted on it; None when there is
    no such page of a PDF of the live index, or the passage is another document's or page's.
    Images are kept in the build's folder, so they go when the build goes."""
    build = current_build(index_dir)
    if build is None:
        return None
    with closing(sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT root, source, kind, pages FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        cited = db.execute("SELECT doc_id, page, text FROM passages WHERE id = ?",
                           (passage,)).fetchone() if passage is not None else None
    if row is None or row[2] != "pdf" or not 1 <= page <= row[3]:
        return None
    if passage is not None and (cited is None or cited[0] != doc_id or cited[1] != page):
        return None
    cache = build / "pages" / f"{doc_id}-{page}-{passage if passage is not None else 'page'}.png"
    if cache.is_file():
        return cache.read_bytes()
    path = source_path(root_folders(read_manifest(build).roots, index_dir), row[0], row[1])
    if path is None:
        return None
    try:
        image = render_page(path.read_bytes(), page, cited[2] if cited else "")
    except (pdfium.PdfiumError, IndexError, ValueError):
        return None  # the file changed since it was indexed: no page to show
    atomic_write(cache, image)
    return image


