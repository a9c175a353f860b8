"""A loaded build: FAISS, BM25 and the SQLite chunk store, opened read-only.

Texts stay in SQLite and are fetched only for the passages a query returns. A reader keeps the
build it opened; ``IndexHandle`` reopens when CURRENT points to a newer build.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.dense import load_dense
from core.errors import IndexOutdated
from core.lexical import LexicalIndex
from core.roots import root_folders
from core.store import Manifest, read_manifest, require_build, servable


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    source: str
    root: str
    kind: str
    title: str
    url: str
    date: str
    type: str
    themes: tuple[str, ...]
    pages: int
    passages: int
    ocr_pages: int = 0
    description: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class PassageRecord:
    id: int
    doc_id: str
    ordinal: int
    unit: int
    page: int | None
    section: str
    char_start: int
    char_end: int
    text: str


@dataclass(frozen=True)
class UnitRecord:
    unit: int
    page: int | None
    section: str
    headings: tuple[tuple[int, int, str], ...]
    text: str


class Index:
    def __init__(self, build: Path):
        self.build = build
        self.manifest: Manifest = read_manifest(build)
        # another format, or BM25 terms from another French analysis than the questions': never
        # answered from (ingest/upgrade.py rebuilds it when the server starts)
        if not servable(self.manifest):
            raise IndexOutdated(f"the index in {build.parent.parent} was built by another version of "
                                "Boussole: it is rebuilt when the server starts, or run `boussole ingest`")
        self.roots: dict[str, Path] = root_folders(self.manifest.roots, build.parent.parent)
        self.size = int(self.manifest.counts.get("passages", 0))
        self.dense = load_dense(str(build / "dense.faiss"), self.manifest.dense)
        self.lexical = LexicalIndex(build / "lexical", self.size)
        self._db = sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._db_lock = threading.Lock()
        self.documents: dict[str, DocumentInfo] = self._read_documents()
        # whole-document BM25 rows follow the documents' insertion order
        self.lexical_doc_ids = [d for (d,) in self._query("SELECT doc_id FROM documents ORDER BY rowid")]
        self.lexical_row = {d: i for i, d in enumerate(self.lexical_doc_ids)}
        docs_folder = build / "lexical-docs"
        self.lexical_docs = (LexicalIndex(docs_folder, len(self.lexical_doc_ids))
                             if docs_folder.is_dir() else None)
        # passage id -> row of its document, for filters and grouping without touching texts
        self.passage_doc = self._passage_documents()
        stored = build / "sentences.npy"  # absent from builds of earlier versions
        self._sentence_vectors = np.load(stored, mmap_mode="r") if stored.is_file() else None

    @classmethod
    def open(cls, index_dir: Path) -> "Index":
        return cls(require_build(index_dir))

    @property
    def build_id(self) -> str:
        return self.manifest.build_id

    def _query(self, sql: str, args=()):
        with self._db_lock:
            return self._db.execute(sql, args).fetchall()

    def _read_documents(self) -> dict[str, DocumentInfo]:
        rows = self._query("SELECT doc_id, source, root, kind, title, url, date, type, themes, "
                           "pages, passages, ocr_pages, description, content_hash FROM documents ORDER BY title")
        return {r[0]: DocumentInfo(*r[:8], tuple(json.loads(r[8])), r[9], r[10], r[11], r[12] or "", r[13]) for r in rows}

    def _passage_documents(self) -> np.ndarray:
        self.doc_ids = list(self.documents)
        position = {d: i for i, d in enumerate(self.doc_ids)}
        out = np.zeros(self.size, dtype=np.int32)
        for pid, doc_id in self._query("SELECT id, doc_id FROM passages"):
            out[pid] = position[doc_id]
        return out

    def passages(self, ids: list[int]) -> dict[int, PassageRecord]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._query(f"SELECT id, doc_id, ordinal, unit, page, section, char_start, char_end, "
                           f"text FROM passages WHERE id IN ({marks})", [int(i) for i in ids])
        return {r[0]: PassageRecord(*r) for r in rows}

    @property
    def has_sentence_vectors(self) -> bool:
        return self._sentence_vectors is not None

    def sentence_vectors(self, passages: list[PassageRecord]) -> dict[str, np.ndarray]:
        """The vectors computed at ingest for the quotable sentences of ``passages``, by the
        sentence's text (spaces made single); empty when the build has none."""
        if self._sentence_vectors is None or not passages:
            return {}
        by_id = {p.id: p for p in passages}
        marks = ",".join("?" * len(by_id))
        rows = self._query(f"SELECT row, passage, start, end FROM sentences WHERE passage IN ({marks})",
                           list(by_id))
        return {" ".join(by_id[pid].text[start:end].split()): np.asarray(self._sentence_vectors[row])
                for row, pid, start, end in rows}

    def units(self, doc_id: str) -> list[UnitRecord]:
        rows = self._query("SELECT unit, page, section, headings, text FROM units WHERE doc_id = ? "
                           "ORDER BY unit", (doc_id,))
        return [UnitRecord(r[0], r[1], r[2] or "", tuple(tuple(h) for h in json.loads(r[3])), r[4])
                for r in rows]

    def passage_at(self, doc_id: str, ordinal: int) -> PassageRecord | None:
        rows = self._query("SELECT id, doc_id, ordinal, unit, page, section, char_start, char_end, "
                           "text FROM passages WHERE doc_id = ? AND ordinal = ?", (doc_id, ordinal))
        return PassageRecord(*rows[0]) if rows else None

    def document_passages(self, doc_id: str) -> list[PassageRecord]:
        rows = self._query("SELECT id, doc_id, ordinal, unit, page, section, char_start, char_end, "
                           "text FROM passages WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [PassageRecord(*r) for r in rows]

    def close(self) -> None:
        self._db.close()


class IndexHandle:
    """Gives the current build, reopening it when a refresh has swapped in a new one."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._index: Index | None = None
        self._lock = threading.Lock()

    def get(self) -> Index:
        build = require_build(self.index_dir)
        with self._lock:
            if self._index is None or self._index.build != build:
                self._index = Index(build)
            return self._index
