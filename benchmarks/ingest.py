"""Ingest benchmark: a fresh index of the shared corpus, then an unchanged re-run.

    python benchmarks/ingest.py [--shared ../shared] [--sample 256]

Prints one JSON line: documents, pages, passages, seconds per stage, passages/s of the whole
pipeline, the bare SentenceTransformer.encode rate on a sample of the same passages (same
texts, same batch size), PDF extraction pages/s, OCR pages/s on a scan of a real guide, and
the unchanged re-run's time.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.model import load_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.store import current_build  # noqa: E402
from ingest.pdf import load_pdf  # noqa: E402
from ingest.refresh import refresh  # noqa: E402

FOLDERS = ["seed", "loi-ville-2014", "etalab-guides", "barometre", "barometre-pdf", "fiches-travail"]


def pdf_pages_per_second(corpus: Path, settings: Settings) -> float:
    pdfs = sorted(corpus.glob("etalab-guides/*.pdf")) + sorted(corpus.glob("barometre-pdf/*.pdf"))
    started, pages = time.perf_counter(), 0
    for pdf in pdfs:
        pages += len(load_pdf(pdf.read_bytes(), pdf.name, settings.max_pdf_pages,
                              settings.max_seconds_per_file).units)
    return pages / (time.perf_counter() - started)


def ocr_pages_per_second(corpus: Path, settings: Settings, pages: int = 6) -> float:
    """Pages/s of a scan: the first pages of a real guide printed to images (150 dpi) and put in a
    PDF without text layer, then read by the loader (render at 300 dpi + Tesseract)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(corpus / "etalab-guides" / "guide-logiciels.pdf")
    images = [source[i].render(scale=150 / 72).to_pil().convert("L") for i in range(min(pages, len(source)))]
    scan = io.BytesIO()
    images[0].save(scan, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    started = time.perf_counter()
    read = load_pdf(scan.getvalue(), "scan.pdf", settings.max_pdf_pages, settings.max_seconds_per_file)
    assert len(read.ocr_pages) == len(images)
    return len(images) / (time.perf_counter() - started)


def bare_encode_rate(build: Path, embedder, sample: int) -> float:
    """Passages/s of the model alone, on a random sample of the embedded texts."""
    db = sqlite3.connect(build / "passages.sqlite")
    rows = db.execute("SELECT d.title, p.section, p.text FROM passages p JOIN documents d USING (doc_id)").fetchall()
    random.Random(0).shuffle(rows)
    texts = [f"{t} — {s}\n{x}" if s else f"{t}\n{x}" for t, s, x in rows[:sample]]
    started = time.perf_counter()
    embedder._model.encode(texts, prompt_name="passage", batch_size=embedder.batch_size,
                           normalize_embeddings=True, show_progress_bar=False)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sample", type=int, default=256)
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_(index_dir=Path(tmp) / "index")
        embedder = load_embedder(settings)
        paths = [corpus / f for f in FOLDERS]
        started = time.perf_counter()
        first = refresh(settings, paths, embedder=embedder)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = refresh(settings, paths, embedder=embedder)
        again_s = time.perf_counter() - started
        bare = bare_encode_rate(current_build(settings.index_path), embedder, args.sample)
    pipeline_rate = first.passages / first_s
    print(json.dumps({
        "documents": first.documents, "pages": first.pages, "passages": first.passages,
        "failed": first.failed, "seconds": {k: round(v, 2) for k, v in first.seconds.items()},
        "first_run_s": round(first_s, 1), "pipeline_passages_per_s": round(pipeline_rate, 2),
        "bare_encode_passages_per_s": round(bare, 2), "bare_over_pipeline": round(bare / pipeline_rate, 3),
        "pdf_pages_per_s": round(pdf_pages_per_second(corpus, settings), 1),
        "ocr_pages_per_s": round(ocr_pages_per_second(corpus, settings), 2),
        "unchanged_rerun_s": round(again_s, 2), "unchanged_rerun_share": round(again_s / first_s, 4),
        "unchanged_rerun_embedded": again.embedded, "unchanged": again.unchanged,
    }))


if __name__ == "__main__":
    main()
