"""A held-out set for choosing passage settings without reading the PIAF questions.

    python benchmarks/heldout.py

The 269 labour-ministry pages of ``../shared/corpus/fiches-travail`` are indexed with their
catalogue titles replaced by « Fiche N »; each real title then becomes a question whose answer
is its page (title → page, like the PIAF set's title → sheet). The folder, the question file
and one index per passage setting are built under /tmp/boussole-bench/ if missing. Prints
recall@1/@5/@10 and MRR@10 for the default, without neighbour windows, and with the previous
170-word and shorter 60-word passages.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import (  # noqa: E402
    BENCH_INDEXES,
    PREVIOUS_PASSAGES,
    ROOT,
    indexed_settings,
    variant_path,
)
from retrieval.evaluation import evaluate, load_questions  # noqa: E402
from retrieval.search import SearchOptions  # noqa: E402
from retrieval.service import open_searcher  # noqa: E402

SHORTER_PASSAGES = {"chunk_min_words": 40, "chunk_target_words": 60, "chunk_max_words": 110,
                    "chunk_overlap_words": 10}
# (name, index settings, search settings)
VARIANTS = [("default (90 words, neighbour windows)", {}, {}),
            ("90 words without neighbour windows", {}, {"neighbour_windows": False}),
            ("previous (170 words)", PREVIOUS_PASSAGES, {}),
            ("shorter (60 words)", SHORTER_PASSAGES, {})]


def untitled_corpus(shared: Path, folder: Path) -> Path:
    """Links to the pages and a catalogue whose titles are placeholders; returns the questions."""
    source = shared / "corpus" / "fiches-travail"
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with (source / "catalogue.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    questions = folder / "questions.jsonl"
    with (corpus / "catalogue.csv").open("w", newline="", encoding="utf-8") as out, \
            questions.open("w", encoding="utf-8") as q:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for number, row in enumerate(rows, start=1):
            q.write(json.dumps({"question": row["title"], "relevant": [row["file"]]}, ensure_ascii=False) + "\n")
            writer.writerow({**row, "title": f"Fiche {number}"})
    for page in source.glob("*.html"):
        link = corpus / page.name
        if not link.exists():
            link.symlink_to(page)
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    folder = BENCH_INDEXES / "fiches-travail-untitled"
    questions = load_questions(untitled_corpus(args.shared, folder))
    print("| passages | recall@1 | recall@5 | recall@10 | MRR@10 |")
    print("| --- | --- | --- | --- | --- |")
    for name, changes, search_changes in VARIANTS:
        target = argparse.Namespace(index=variant_path(folder / "index", changes), shared=folder, corpus="")  # builds from folder/corpus
        settings = indexed_settings(target, **changes).with_(**search_changes)
        report = evaluate(open_searcher(settings), questions, k=10, options=SearchOptions())
        m = report.metrics
        print(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['mrr@10']:.3f} |",
              flush=True)


if __name__ == "__main__":
    main()
