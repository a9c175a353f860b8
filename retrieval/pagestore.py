"""The index's files as the server hands them out: the file of a document of the live index,
and the PNG of a page of an indexed PDF with a passage highlighted, kept in the build's folder
(so the images go when the build goes). Each reads a row or two of the chunk store: the routes
do not load the index."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from core.files import atomic_write
from core.roots import root_folders, source_path
from core.store import current_build, read_manifest

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent  # where the worker's package is importable


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


@dataclass(frozen=True)
class PageToDraw:
    """A page not drawn yet: where its source is, what to highlight, where its image is kept."""
    path: Path
    page: int
    passage_text: str
    cache: Path


def find_page(index_dir: Path, doc_id: str, page: int, passage: int | None) -> bytes | PageToDraw | None:
    """Page ``page`` of an indexed PDF, ``passage`` highlighted on it: its image when already
    drawn, else what drawing it needs; None when there is no such page of a PDF of the live
    index, or the passage is another document's or page's. A few rows read: quick."""
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
    return PageToDraw(path, page, cited[2] if cited else "", cache)


def draw_page(job: PageToDraw, renderer: "PageRenderer") -> bytes | None:
    """Draws the page and keeps its image in the build's folder (so it goes when the build goes)."""
    image = renderer.render(job.path, job.page, job.passage_text)
    if image is not None:  # not a page too complex, nor a file changed since it was indexed
        atomic_write(job.cache, image)
    return image


def page_png(index_dir: Path, doc_id: str, page: int, passage: int | None,
             renderer: "PageRenderer | None" = None) -> bytes | None:
    """Page ``page`` of an indexed PDF as a PNG, ``passage`` highlighted on it (``find_page``),
    drawn now if it was not yet."""
    found = find_page(index_dir, doc_id, page, passage)
    return draw_page(found, renderer or PageRenderer()) if isinstance(found, PageToDraw) else found


@dataclass
class PageRenderer:
    """Draws pages in worker processes (``retrieval/pagerender.py``) with a time and a memory
    limit each, at most ``workers`` at once; a render over its time is killed, leaving nothing."""
    seconds: float = 15.0
    memory_bytes: int = 1536 * 1024 * 1024
    workers: int = 2
    _slots: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self):
        self._slots = threading.BoundedSemaphore(self.workers)

    def render(self, path: Path, page: int, passage_text: str) -> bytes | None:
        request = json.dumps({"path": str(path), "page": page, "passage": passage_text,
                              "memory": self.memory_bytes}).encode()
        with self._slots:
            try:
                done = subprocess.run([sys.executable, "-m", "retrieval.pagerender"], input=request,
                                      capture_output=True, timeout=self.seconds, cwd=ROOT)
            except subprocess.TimeoutExpired:  # run() has killed the worker and reaped it
                log.warning("page %s of %s: not drawn within %.0f s", page, path.name, self.seconds)
                return None
        if done.returncode != 0:
            log.warning("page %s of %s not drawn (exit %s): %s", page, path.name, done.returncode,
                        done.stderr.decode("utf-8", "replace").strip()[:300])
            return None
        return done.stdout


