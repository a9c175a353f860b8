"""Refresh an index from folders: extract what changed, embed it, write a new build, swap.

Unchanged documents (same content hash, same index identity) are carried over with their
vectors; changed ones are re-extracted and re-embedded; documents gone from the given folders
are removed. A file that fails keeps its previous version in the index, if it had one. When the
identity changes (model, weights, chunking), nothing is carried: every document is re-embedded.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core.abstention import calibrate, load_probes
from core.analysis import ANALYZER_VERSION
from core.dense import build_dense
from core.documents import Document, Failure, RefreshReport
from core.errors import BoussoleError
from core.formats import (
    ChunkParams,
    chunk_params,
    document_text,
    embedding_text,
    index_identity,
    lexical_text,
)
from core.lexical import build_lexical
from core.model import Embedder, ModelSource, resolve_model
from core.roots import Placement, Root, known_roots, place
from core.sentences import quotable_sentences
from core.settings import Settings
from core.store import (
    FORMAT,
    IndexedDocument,
    Manifest,
    current_build,
    load_documents,
    prune_builds,
    read_manifest,
    write_build,
    write_last_refresh,
)
from ingest.chunking import chunk_units
from ingest.copies import Copy, primaries, text_hash
from ingest.limits import time_limit
from ingest.lock import refresh_lock
from ingest.sources import EXTRACTOR_VERSION, Catalogues, SourceFile, content_hash, load_document, read_bytes, scan

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # stage, done, total
EMBED_BATCH = 256


def refresh(settings: Settings, paths: list[Path] | None = None, full: bool = False,
            progress: Progress | None = None, embedder: Embedder | None = None,
            show_bars: bool = False) -> RefreshReport:
    index_dir = settings.index_path
    with refresh_lock(index_dir, "mise à jour de l'index", settings.lock_wait):
        report = _refresh(settings, paths or [settings.sources_path], full, progress, embedder, show_bars)
        write_last_refresh(index_dir, {
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "summary": report.summary(), "build_id": report.build_id,
            "failures": [{"path": f.path, "reason": f.reason} for f in report.failures],
            "warnings": report.warnings})
        return report


def _refresh(settings, paths, full, progress, embedder, show_bars) -> RefreshReport:
    started = time.perf_counter()
    report = RefreshReport()
    index_dir = settings.index_path
    prune_builds(index_dir)
    params = chunk_params(settings)
    source = embedder.source if embedder else resolve_model(settings)
    identity = index_identity(source, params, settings.title_fields)
    live = current_build(index_dir)
    old = read_manifest(live) if live else None
    if old and old.format != FORMAT:
        # its documents cannot be carried over: every folder it was built from is read again
        folders = [r.path for r in known_roots(old.roots, index_dir) if r.path.is_dir()]
        paths = list(dict.fromkeys([*paths, *folders]))
        report.warnings.append(f"index built by another version of Boussole (format {old.format}): rebuilt "
                               f"from {len(paths)} folder(s)")
        live = old = None
    re_embed = bool(old) and old.identity != identity
    if re_embed:
        report.warnings.append("model or chunking changed: every document is re-embedded")
    old_docs = old.documents if old else {}

    roots = {r.name: r for r in known_roots(old.roots if old else {}, index_dir)}
    placements = _place(paths, roots, settings.sources_path, report)
    files = _scan(placements, roots, report)
    fresh, keep, seen = _extract(files, old_docs, full or re_embed, settings, report, progress, show_bars)
    in_run = lambda info: any(p.root.name == info["root"] and p.covers(info["source"]) for p in placements)
    removed = {d for d, info in old_docs.items() if in_run(info) and d not in seen}
    # Documents outside this run's folders stay as they are.
    keep = (keep | {d for d, info in old_docs.items() if not in_run(info)}) - removed
    report.removed = len(removed)
    report.added = sum(1 for d in fresh if d.doc_id not in old_docs)
    report.updated = len(fresh) - report.added
    records = _root_records(roots, fresh, keep, old_docs, index_dir)
    if (old and not fresh and not removed and not re_embed and old.lexical == ANALYZER_VERSION
            and records == old.roots):
        report.documents = sum(1 for info in old_docs.values() if not info.get("copy_of"))
        report.build_id = old.build_id
        report.passages = old.counts.get("passages", 0)
        report.seconds["total"] = time.perf_counter() - started
        return report

    embedder = embedder or Embedder(source, settings.batch_size)
    carried = load_documents(live, keep) if live else []
    if re_embed:
        # Nothing crosses an identity change: kept documents are cut and embedded again from
        # the text stored with them (their files may be gone, broken, or in another folder).
        report.warnings.append(f"{len(carried)} document(s) outside this run re-embedded from their stored text")
        fresh, carried = fresh + [item.document for item in carried], []
    fresh, carried, copies = _one_per_text(fresh, carried, keep, old_docs, roots, settings, report)
    new_items = _chunk_and_embed(fresh, params, settings.title_fields, embedder, report, progress, show_bars)
    items = carried + new_items
    if sum(len(item.passages) for item in items) <= settings.sentence_vectors_up_to:
        _embed_sentences(items, embedder, report, progress, show_bars)
    t0 = time.perf_counter()
    items.sort(key=lambda item: (item.document.root, item.document.source))
    manifest = _manifest(items, source, params, identity, embedder.dimension, report, records, copies)
    if progress:
        progress("write", 0, 1)
    _write(index_dir, manifest, items, embedder, settings)
    report.seconds["write"] = time.perf_counter() - t0
    report.seconds["total"] = time.perf_counter() - started
    report.documents, report.build_id = len(items), manifest.build_id
    report.passages, report.pages = manifest.counts["passages"], manifest.counts["pages"]
    if progress:
        progress("write", 1, 1)
    return report


def _root_records(roots: dict[str, Root], fresh: list[Document], keep: set[str], old_docs: dict,
                  index_dir: Path) -> dict[str, dict]:
    """Where each root that still holds a document lies now."""
    used = {d.root for d in fresh} | {old_docs[d]["root"] for d in keep}
    return {name: roots[name].record(index_dir) for name in sorted(used) if name in roots}


def _extract(files: list[SourceFile], old_docs: dict, full: bool, settings: Settings,
             report: RefreshReport, progress, show_bars) -> tuple[list[Document], set[str], set[str]]:
    """Read the files that changed. Returns them, the ids to carry over, and every id seen."""
    fresh: list[Document] = []
    keep: set[str] = set()
    seen: set[str] = set()
    t0 = time.perf_counter()
    for done, file in enumerate(tqdm(files, desc="Extraction", unit="fichier", disable=not show_bars), start=1):
        if progress:
            progress("extract", done, len(files))
        seen.add(file.doc_id)
        previous = old_docs.get(file.doc_id)
        try:
            raw = read_bytes(file, settings)
            digest = content_hash(raw, file.catalogued)
            if previous and previous["content_hash"] == digest and not full:
                keep.add(file.doc_id)
                report.unchanged += 1
                continue
            with time_limit(settings.max_seconds_per_file, file.source):
                document, warnings = load_document(file, raw, digest, settings)
            report.warnings.extend(warnings)
            fresh.append(document)
        except Exception as exc:  # noqa: BLE001 — one unreadable file must not stop the refresh
            if not isinstance(exc, (BoussoleError, OSError)):
                log.exception("unexpected error while reading %s", file.path)
            report.failures.append(Failure(str(file.path), _reason(exc, file)))
            if previous:
                keep.add(file.doc_id)  # a broken update loses nothing: the old version stays
    report.seconds["extract"] = time.perf_counter() - t0
    return fresh, keep, seen


def _one_per_text(fresh: list[Document], carried: list[IndexedDocument], keep: set[str], old_docs: dict,
                  roots: dict[str, Root], settings: Settings, report: RefreshReport
                  ) -> tuple[list[Document], list[IndexedDocument], dict[str, dict]]:
    """One document per text (ingest/copies.py): the copies leave ``fresh`` and ``carried`` and
    become manifest entries naming the document indexed in their place (``copy_of``). A copy
    recorded by an earlier build that must now be indexed (the file indexed in its place changed
    or went) is read again from its file."""
    loaded = {d.doc_id: d for d in fresh} | {item.document.doc_id: item.document for item in carried}
    recorded = {d: old_docs[d] for d in keep if d in old_docs and old_docs[d].get("copy_of")}
    catalogues = {name: Catalogues(root.path) for name, root in roots.items()}
    described = lambda root, source: root in catalogues and catalogues[root].row(source) is not None
    while True:
        listed = ([Copy(d.doc_id, d.root, d.source, text_hash(d.units), described(d.root, d.source))
                   for d in loaded.values()]
                  + [Copy(d, info["root"], info["source"], info["text"], described(info["root"], info["source"]))
                     for d, info in recorded.items() if d not in loaded])
        groups = primaries(listed)
        missing = [d for d in groups if d not in loaded]
        if not missing:
            break
        for doc_id in missing:
            document = _read_again(recorded.pop(doc_id), roots, settings, report)
            if document is not None:
                loaded[doc_id] = document
                fresh = fresh + [document]
    copy_of = {c.doc_id: (primary, c) for primary, others in groups.items() for c in others}
    entries = {doc_id: {"source": c.source, "root": c.root, "passages": 0, "ocr_pages": 0, "text": c.text,
                        "content_hash": loaded[doc_id].content_hash if doc_id in loaded
                        else recorded[doc_id]["content_hash"], "copy_of": primary}
               for doc_id, (primary, c) in copy_of.items()}
    return ([d for d in fresh if d.doc_id not in copy_of],
            [item for item in carried if item.document.doc_id not in copy_of], entries)


def _read_again(entry: dict, roots: dict[str, Root], settings: Settings, report: RefreshReport) -> Document | None:
    """Extract a file recorded as a copy, now to be indexed; None when it cannot be read (the
    failure is reported)."""
    root = roots.get(entry["root"])
    if root is None:
        report.failures.append(Failure(f"{entry['root']}/{entry['source']}", "its folder is no longer known"))
        return None
    file = SourceFile(root.path / entry["source"], root.name, entry["source"],
                      Catalogues(root.path).row(entry["source"]))
    alone = RefreshReport()
    fresh, _, _ = _extract([file], {}, True, settings, alone, None, False)
    report.failures += alone.failures
    report.warnings += alone.warnings
    return fresh[0] if fresh else None


def _chunk_and_embed(fresh: list[Document], params: ChunkParams, title_fields: bool, embedder: Embedder,
                     report: RefreshReport, progress, show_bars) -> list[IndexedDocument]:
    t0 = time.perf_counter()
    chunked = []
    for document in fresh:
        passages = chunk_units(document.doc_id, document.units, params)
        if passages:
            chunked.append((document, passages))
        else:
            report.failures.append(Failure(f"{document.root}/{document.source}",
                                           "no passage could be cut from its text"))
    report.seconds["chunk"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    texts = [embedding_text(d, p, title_fields) for d, ps in chunked for p in ps]
    vectors = _embed(embedder, texts, progress, show_bars) if texts else None
    report.embedded = len(texts)
    report.seconds["embed"] = time.perf_counter() - t0
    items, offset = [], 0
    for document, passages in chunked:
        items.append(IndexedDocument(document, passages, vectors[offset:offset + len(passages)]))
        offset += len(passages)
    return items


def _embed_sentences(items: list[IndexedDocument], embedder: Embedder, report: RefreshReport,
                     progress, show_bars) -> None:
    """Embed, once at ingest, the sentences answers quote: composing an answer then only looks
    their vectors up, where embedding them was most of a question's cost (benchmarks/load.py).
    About four sentences a passage, embedded after the passages: about as long again as the
    passages' own embedding, and 6 KB a passage. Above ``sentence_vectors_up_to`` passages
    (the 2 M of a national collection: 12 GB and days of CPU for sentences mostly never cited)
    answers embed a sentence when first cited instead (benchmarks/sentence_vectors.py)."""
    t0 = time.perf_counter()
    missing = [item for item in items if item.sentence_vectors is None]
    found = [[(p.ordinal, start, end, text) for p in item.passages
              for start, end, text in quotable_sentences(p.text)] for item in missing]
    texts = [text for sentences in found for *_, text in sentences]
    vectors = _embed(embedder, texts, progress, show_bars, stage="sentences") if texts else None
    offset = 0
    for item, sentences in zip(missing, found):
        item.sentences = [(ordinal, start, end) for ordinal, start, end, _ in sentences]
        item.sentence_vectors = (vectors[offset:offset + len(sentences)] if sentences
                                 else np.zeros((0, embedder.dimension), dtype=np.float32))
        offset += len(sentences)
    report.seconds["sentences"] = time.perf_counter() - t0


def _write(index_dir: Path, manifest: Manifest, items: list[IndexedDocument], embedder: Embedder,
           settings: Settings) -> None:
    t0 = time.perf_counter()
    probes = load_probes()
    vectors_of_probes = embedder.embed_queries([p.question for p in probes])
    embedding = time.perf_counter() - t0

    def dense(vectors):
        index, described = build_dense(vectors, settings.hnsw_threshold)
        calibration = calibrate(index, vectors_of_probes, [p.category for p in probes])
        return index, {**described, "abstention": {**calibration, "seconds": round(embedding, 3)}}

    write_build(index_dir, manifest, items,
                [lexical_text(i.document, p, settings.title_fields) for i in items for p in i.passages],
                [document_text(i.document, settings.title_fields) for i in items], dense, build_lexical)
    prune_builds(index_dir)


def _place(paths: list[Path], roots: dict[str, Root], default: Path,
           report: RefreshReport) -> list[Placement]:
    """Where each given path belongs; ``roots`` gains new roots and moved ones' new locations."""
    placements = []
    for path in map(Path, paths):
        if not path.exists():
            report.failures.append(Failure(str(path), "no such file or folder"))
            continue
        placement = place(path, list(roots.values()), default)
        roots[placement.root.name] = placement.root
        placements.append(placement)
    return placements


def _scan(placements: list[Placement], roots: dict[str, Root], report: RefreshReport) -> list[SourceFile]:
    files: list[SourceFile] = []
    for placement in placements:
        others = frozenset(r.path for r in roots.values() if r.name != placement.root.name)
        found = scan(placement, others)
        files += found.files
        report.warnings += found.problems
        report.failures += [Failure(str(p), reason) for p, reason in found.unsupported]
    return files


def _reason(exc: Exception, file: SourceFile) -> str:
    if not isinstance(exc, BoussoleError):
        return f"could not be read ({type(exc).__name__}: {str(exc)[:200]})"
    message = str(exc)
    prefix = f"{file.source}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _embed(embedder: Embedder, texts: list[str], progress: Progress | None, show_bars: bool,
           stage: str = "embed"):
    parts = []
    unit = "sentence" if stage == "sentences" else "passage"
    with tqdm(total=len(texts), desc="Embedding", unit=unit, disable=not show_bars) as bar:
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start:start + EMBED_BATCH]
            parts.append(embedder.embed_passages(batch))
            bar.update(len(batch))
            if progress:
                progress(stage, min(start + EMBED_BATCH, len(texts)), len(texts))
    return np.concatenate(parts)


def _manifest(items, source: ModelSource, params: ChunkParams, identity: str, dimension: int,
              report: RefreshReport, roots: dict[str, dict], copies: dict[str, dict]) -> Manifest:
    now = datetime.now(timezone.utc)
    return Manifest(
        build_id=now.strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3),
        created_at=now.isoformat(timespec="seconds"),
        model={"name": source.name, "origin": source.origin, "weights": source.weights},
        dimension=dimension, chunking=asdict(params), identity=identity,
        counts={"documents": len(items), "passages": sum(len(i.passages) for i in items),
                "pages": sum(i.document.pages for i in items)},
        documents={i.document.doc_id: {"source": i.document.source, "root": i.document.root,
                                       "content_hash": i.document.content_hash,
                                       "passages": len(i.passages),
                                       "ocr_pages": i.document.ocr_pages} for i in items} | copies,
        seconds={k: round(v, 3) for k, v in report.seconds.items()}, lexical=ANALYZER_VERSION,
        roots=roots, format=FORMAT, extractor=EXTRACTOR_VERSION)
