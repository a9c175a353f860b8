"""The index on disk: one folder per build, and a CURRENT pointer swapped atomically.

    INDEX/CURRENT                  name of the live build (replaced with os.replace)
    INDEX/builds/<id>/manifest.json
    INDEX/builds/<id>/passages.sqlite   documents, their units (page/section text), passages
    INDEX/builds/<id>/vectors.npy       one L2-normalised row per passage (row = passage id)
    INDEX/builds/<id>/dense.faiss       FAISS index over those rows
    INDEX/builds/<id>/sentences.npy     one row per quotable sentence of a passage (table sentences)
    INDEX/builds/<id>/lexical/          BM25 over the same passages (bm25s)
    INDEX/builds/<id>/lexical-docs/     BM25 over whole documents, in documents' rowid order

A build is written in ``builds/.tmp-<id>`` and renamed when complete; only then does
CURRENT change. A crash at any point leaves the previous build live and whole.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import faiss
import numpy as np

from core.analysis import ANALYZER_VERSION
from core.documents import Document, Heading, Metadata, Passage, Unit
from core.errors import IndexMissing
from core.files import atomic_write

CURRENT = "CURRENT"
# Bump when what a build holds changes shape: older builds are rebuilt, never misread.
# 2: documents named by root and relative path, roots recorded, pages read by OCR;
# 3: documents' descriptions.
FORMAT = 3
BUILDS = "builds"
SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT, root TEXT, kind TEXT, title TEXT, url TEXT,
    date TEXT, type TEXT, themes TEXT, pages INTEGER, content_hash TEXT, passages INTEGER,
    ocr_pages INTEGER DEFAULT 0, description TEXT DEFAULT '');
CREATE TABLE units (
    doc_id TEXT, unit INTEGER, page INTEGER, section TEXT, headings TEXT, text TEXT,
    PRIMARY KEY (doc_id, unit));
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, doc_id TEXT, ordinal INTEGER, unit INTEGER, page INTEGER,
    section TEXT, char_start INTEGER, char_end INTEGER, text TEXT);
CREATE INDEX passages_doc ON passages (doc_id, ordinal);
CREATE TABLE sentences (row INTEGER PRIMARY KEY, passage INTEGER, start INTEGER, end INTEGER);
CREATE INDEX sentences_passage ON sentences (passage);
"""


@dataclass
class Manifest:
    build_id: str
    created_at: str
    model: dict  # name, origin
    dimension: int
    chunking: dict
    identity: str  # hash of model, weights and chunking (ingest.refresh.index_identity): a change re-embeds all
    dense: dict = field(default_factory=dict)  # FAISS index kind and parameters
    counts: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)  # doc_id -> {source, root (name), content_hash, passages}
    seconds: dict = field(default_factory=dict)
    lexical: str = ""  # analyzer version the BM25 indexes were built with
    roots: dict = field(default_factory=dict)  # root name -> {relative (to the index folder), absolute}
    format: int = 1  # FORMAT of the code that wrote it (1: before the field existed)
    extractor: str = ""  # ingest.sources.EXTRACTOR_VERSION of the code that wrote it ("": before the field)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        known = {f.name for f in fields(cls)}  # a newer release's fields are not this one's to read
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


def servable(manifest: Manifest) -> bool:
    """Whether answers may come from this build: this code's format, and BM25 terms made by the
    French analysis the questions' are (ingest/upgrade.py rebuilds any other at start)."""
    return manifest.format == FORMAT and manifest.lexical == ANALYZER_VERSION


def current_build(index_dir: Path) -> Path | None:
    pointer = Path(index_dir) / CURRENT
    if not pointer.is_file():
        return None
    build = Path(index_dir) / BUILDS / pointer.read_text().strip()
    return build if (build / "manifest.json").is_file() else None


def require_build(index_dir: Path) -> Path:
    build = current_build(index_dir)
    if build is None:
        raise IndexMissing(f"No index in {index_dir}: run `boussole ingest` first")
    return build


def read_manifest(build: Path) -> Manifest:
    return Manifest.from_json((build / "manifest.json").read_text(encoding="utf-8"))


@dataclass
class IndexedDocument:
    """A document with its passages and their vectors, ready to be written; with the vectors of
    its quotable sentences when they are known (``sentences``: passage ordinal, start, end)."""
    document: Document
    passages: list[Passage]
    vectors: np.ndarray
    sentences: list[tuple[int, int, int]] = field(default_factory=list)
    sentence_vectors: np.ndarray | None = None


def write_build(index_dir: Path, manifest: Manifest, docs: list[IndexedDocument],
                lexical_texts: list[str], document_texts: list[str], build_dense, build_lexical) -> Path:
    """Write a complete build beside the live one, then swap CURRENT to it."""
    builds = Path(index_dir) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    tmp = builds / f".tmp-{manifest.build_id}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    vectors = (np.concatenate([d.vectors for d in docs]) if docs
               else np.zeros((0, manifest.dimension), dtype=np.float32)).astype(np.float32)
    _write_sqlite(tmp / "passages.sqlite", docs)
    np.save(tmp / "vectors.npy", vectors)
    if all(d.sentence_vectors is not None for d in docs):
        np.save(tmp / "sentences.npy", np.concatenate(
            [d.sentence_vectors for d in docs] + [np.zeros((0, manifest.dimension))]).astype(np.float32))
    index, manifest.dense = build_dense(vectors)
    faiss.write_index(index, str(tmp / "dense.faiss"))
    build_lexical(lexical_texts, tmp / "lexical")
    build_lexical(document_texts, tmp / "lexical-docs")
    (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    _fsync_tree(tmp)
    final = builds / manifest.build_id
    os.rename(tmp, final)
    _fsync_folder(builds)  # the rename itself must survive a power loss before CURRENT names it
    _swap_current(Path(index_dir), manifest.build_id)
    return final


def _write_sqlite(path: Path, docs: list[IndexedDocument]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        next_id = next_row = 0
        for item in docs:
            d, m = item.document, item.document.metadata
            db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                d.doc_id, d.source, d.root, d.kind, m.title, m.url, m.date, m.type,
                json.dumps(list(m.themes), ensure_ascii=False), d.pages, d.content_hash,
                len(item.passages), d.ocr_pages, m.description))
            db.executemany("INSERT INTO units VALUES (?,?,?,?,?,?)", [
                (d.doc_id, i, u.page, u.section,
                 json.dumps([[h.offset, h.level, h.title] for h in u.headings], ensure_ascii=False),
                 u.text) for i, u in enumerate(d.units)])
            db.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?)", [
                (next_id + j, p.doc_id, p.ordinal, p.unit, p.page, p.section, p.char_start,
                 p.char_end, p.text) for j, p in enumerate(item.passages)])
            if item.sentence_vectors is not None:  # row: of sentences.npy
                db.executemany("INSERT INTO sentences VALUES (?,?,?,?)", [
                    (next_row + j, next_id + ordinal, start, end) for j, (ordinal, start, end) in enumerate(item.sentences)])
                next_row += len(item.sentences)
            next_id += len(item.passages)
        db.commit()
    finally:
        db.close()


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        _fsync_folder(sub)
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_current(index_dir: Path, build_id: str) -> None:
    tmp = index_dir / f".{CURRENT}.tmp"
    tmp.write_text(build_id + "\n")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_folder(index_dir)


LAST_REFRESH = "last-refresh.json"


def write_last_refresh(index_dir: Path, report: dict) -> None:
    """What the last refresh did and what failed, for staff to see in Administration."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(index_dir) / LAST_REFRESH, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))


def read_last_refresh(index_dir: Path) -> dict:
    path = Path(index_dir) / LAST_REFRESH
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


LAST_HARVEST = "last-harvest.json"


def write_last_harvest(index_dir: Path, report: dict) -> None:
    """When the last harvest ended, what it did and which addresses failed and why: for
    Administration, the health check and the monitoring."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(index_dir) / LAST_HARVEST, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))


def read_last_harvest(index_dir: Path) -> dict:
    path = Path(index_dir) / LAST_HARVEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def prune_builds(index_dir: Path, keep: int = 2) -> None:
    """Remove unfinished builds and all but the ``keep`` newest complete ones.

    Readers that still hold an older build keep working: their files stay open on Linux.
    """
    builds = Path(index_dir) / BUILDS
    if not builds.is_dir():
        return
    live = current_build(index_dir)
    complete = sorted((p for p in builds.iterdir() if not p.name.startswith(".")),
                      key=lambda p: p.name, reverse=True)
    for stale in [p for p in builds.iterdir() if p.name.startswith(".tmp-")] + complete[keep:]:
        if live is None or stale.resolve() != live.resolve():
            shutil.rmtree(stale, ignore_errors=True)


def load_documents(build: Path, doc_ids: set[str]) -> list[IndexedDocument]:
    """Read documents back from a build (to carry unchanged ones into the next build)."""
    if not doc_ids:
        return []
    vectors = np.load(build / "vectors.npy", mmap_mode="r")
    # builds written before sentences were embedded at ingest have none: the refresh embeds them
    stored = build / "sentences.npy"
    sentence_vectors = np.load(stored, mmap_mode="r") if stored.is_file() else None
    db = sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)
    try:
        out = []
        for doc_id in sorted(doc_ids):
            row = db.execute("SELECT doc_id, source, root, kind, title, url, date, type, themes, "
                             "pages, content_hash, ocr_pages, description FROM documents WHERE doc_id = ?",
                             (doc_id,)).fetchone()
            if row is None:
                continue
            units = tuple(
                Unit(text=text, page=page, section=section or "",
                     headings=tuple(Heading(*h) for h in json.loads(headings)))
                for page, section, headings, text in db.execute(
                    "SELECT page, section, headings, text FROM units WHERE doc_id = ? ORDER BY unit",
                    (doc_id,)))
            document = Document(
                doc_id=row[0], source=row[1], root=row[2], kind=row[3],
                metadata=Metadata(title=row[4], url=row[5], date=row[6], type=row[7],
                                  themes=tuple(json.loads(row[8])), description=row[12] or ""),
                units=units, pages=row[9], content_hash=row[10], ocr_pages=row[11] or 0)
            rows = db.execute("SELECT id, ordinal, unit, page, section, char_start, char_end, text "
                              "FROM passages WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
            passages = [Passage(doc_id, r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]
            ids = [r[0] for r in rows]
            item = IndexedDocument(document, passages, np.asarray(vectors[ids], dtype=np.float32))
            if sentence_vectors is not None:
                found = db.execute("SELECT s.row, p.ordinal, s.start, s.end FROM sentences s JOIN passages p "
                                   "ON p.id = s.passage WHERE p.doc_id = ? ORDER BY s.row", (doc_id,)).fetchall()
                item.sentences = [(ordinal, start, end) for _, ordinal, start, end in found]
                item.sentence_vectors = np.asarray(sentence_vectors[[r[0] for r in found]], dtype=np.float32)
            out.append(item)
        return out
    finally:
        db.close()
