"""Page images: time to draw a PDF page with its cited passage highlighted, first and cached.

    python benchmarks/pages.py [--index /tmp/boussole-bench/etalab-guides] [--questions 30]
    python benchmarks/pages.py --highlights   # the share of PDF passages found on their page

Uses (and builds once, if missing) an index of ../shared/corpus/etalab-guides. For the first
passage of each of ``--questions`` pages (30 by default), calls what the route ``/fichiers/<doc>/pages/<n>.png?passage=<id>``
calls, twice: the first call renders (1,200 px wide) and stores the image in the build's folder,
the second reads it back. For comparison in the same run, the same pages drawn in this
process (``render_page``, as before the worker process existed). Prints one JSON line:
milliseconds p50 / p95 / max for each, and the images' mean size.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import corpus_arguments, indexed_settings  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from core.formats import chunk_params  # noqa: E402
from core.sentences import quotable_sentences  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.chunking import chunk_units  # noqa: E402
from ingest.pdf import load_pdf  # noqa: E402
from retrieval.index import Index  # noqa: E402
from core.roots import source_path  # noqa: E402
from retrieval.pageimage import passage_boxes, render_page  # noqa: E402
from retrieval.pagestore import page_png  # noqa: E402


def _figures(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 1), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max": round(ordered[-1], 1)}


def highlighted(shared: Path, settings: Settings) -> dict:
    """Of every passage of the shared corpus's PDFs, chunked as ingest does, the share found on
    its page (what the highlight can paint); and of the sentences an answer may quote there, how
    many stop inside a sentence (on a lower-case word or a comma: cut by a page break, say)."""
    found = total = sentences = cut = 0
    for path in sorted((shared / "corpus").glob("*/*.pdf")):
        raw = path.read_bytes()
        passages = chunk_units(path.name, load_pdf(raw, path.name, settings.max_pdf_pages,
                                                   settings.max_seconds_per_file).units, chunk_params(settings))
        pdf = pdfium.PdfDocument(raw)
        for passage in passages:
            found += bool(passage_boxes(pdf[passage.page - 1].get_textpage(), passage.text))
            total += 1
            quotable = [sentence for _, _, sentence in quotable_sentences(passage.text)]
            sentences += len(quotable)
            cut += sum(bool(_STOPS_INSIDE.search(sentence)) for sentence in quotable)
    return {"pdf_passages": total, "found_on_their_page": round(found / max(1, total), 4),
            "quotable_sentences": sentences, "stopping_inside_a_sentence": cut}


_STOPS_INSIDE = re.compile(r"[a-zà-ÿ,]$")


def main() -> None:
    args = corpus_arguments(__doc__, "etalab-guides", extra=lambda p: p.add_argument(
        "--highlights", action="store_true", help="Only the share of PDF passages found on their page."))
    if args.highlights:
        print(json.dumps(highlighted(args.shared, Settings.from_env())))
        return
    settings = indexed_settings(args)
    index = Index.open(settings.index_path)
    shutil.rmtree(index.build / "pages", ignore_errors=True)  # start cold
    cited = {}
    for doc in index.documents.values():
        for passage in index.document_passages(doc.doc_id):
            cited.setdefault((doc.doc_id, passage.page), passage.id)
    sample = sorted(cited.items())[:max(1, args.questions or 30)]
    first, cached, sizes = [], [], []
    for (doc_id, page), passage in sample:
        for times in (first, cached):
            started = time.perf_counter()
            image = page_png(settings.index_path, doc_id, page, passage)
            times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(image))
    in_process = []
    for (doc_id, page), passage in sample:
        text = index.passages([passage])[passage].text
        path = source_path(index.roots, index.documents[doc_id].root, index.documents[doc_id].source)
        started = time.perf_counter()
        render_page(path.read_bytes(), page, text)
        in_process.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"pages": len(sample), "first_ms": _figures(first), "cached_ms": _figures(cached),
                      "in_process_ms": _figures(in_process), "mean_kb": round(statistics.mean(sizes) / 1024)}))


if __name__ == "__main__":
    main()
