"""Where the answers' sentence vectors are best computed: at ingest, or when a question first
cites them (a cache filled on first use).

    python benchmarks/sentence_vectors.py [--folders etalab-guides] [--questions 60]

Builds a fresh index of the folders (the real model), then reports:
- ingest: seconds embedding the passages and the quotable sentences, their counts and rates,
  the pipeline's passages/s against the bare model's on the same passages, the bytes of
  sentence vectors per passage;
- question time: ms per answer (``respond``) with the vectors stored at ingest, and with them
  hidden (as a build without them is served): the first time each question is asked (cold
  cache) and again (warm), over on-topic questions of the dev sets;
- the same figures carried to 2 M passages.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import ROOT  # noqa: E402
from benchmarks.ingest import bare_encode_rate  # noqa: E402
from core.model import load_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.store import current_build  # noqa: E402
from ingest.refresh import refresh  # noqa: E402
from retrieval.index import IndexHandle  # noqa: E402
from retrieval.respond import respond  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

AT_SCALE = 2_000_000
QUESTION_SETS = ("facts-dev.jsonl", "facts-dev2.jsonl", "facts-mixed-dev.jsonl")


def questions(count: int, folders: list[str]) -> list[str]:
    """The dev sets' answerable questions about documents of ``folders``."""
    seen: list[str] = []
    for name in QUESTION_SETS:
        for line in (ROOT / "data" / "eval" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if (row.get("source") or "").split("/")[0] in folders and row["question"] not in seen:
                seen.append(row["question"])
    return seen[:count]


def ms_per_answer(settings: Settings, searcher: Searcher, asked: list[str]) -> float:
    started = time.perf_counter()
    for question in asked:
        respond(settings, searcher, question)
    return (time.perf_counter() - started) * 1000 / len(asked)


def question_time(settings: Settings, embedder, asked: list[str]) -> dict:
    """Each pass with a Searcher of its own (its questions' vectors not yet known); the warm pass
    shares the cold pass's sentence cache."""
    def searcher(hidden: bool) -> Searcher:
        made = Searcher(settings, embedder, IndexHandle(settings.index_path))
        if hidden:
            made.handle.get()._sentence_vectors = None  # as a build without them is served
        return made

    ms_per_answer(settings, searcher(False), ["Qu'est-ce qu'un guide ?"])  # files opened, first calls made
    with_stored = ms_per_answer(settings, searcher(False), asked)
    cold = searcher(True)
    cold_ms = ms_per_answer(settings, cold, asked)
    warm = searcher(True)
    warm.answer_embedder = cold.answer_embedder
    warm_ms = ms_per_answer(settings, warm, asked)
    return {"stored_ms": round(with_stored, 1), "on_first_use_cold_ms": round(cold_ms, 1),
            "on_first_use_warm_ms": round(warm_ms, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--folders", nargs="+", default=["etalab-guides"])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--sample", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_(index_dir=Path(tmp) / "index")
        embedder = load_embedder(settings)
        started = time.perf_counter()
        report = refresh(settings, [args.shared / "corpus" / f for f in args.folders], embedder=embedder)
        total = time.perf_counter() - started
        build = current_build(settings.index_path)
        sentences = sqlite3.connect(build / "passages.sqlite").execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        bare = bare_encode_rate(build, embedder, args.sample)
        asked = questions(args.questions, args.folders)
        at_question = question_time(settings, embedder, asked)
    passages, seconds = report.passages, report.seconds
    per_passage_s = total / passages
    sentence_share = seconds["sentences"] / total
    print(json.dumps({
        "folders": args.folders, "passages": passages, "sentences": sentences,
        "sentences_per_passage": round(sentences / passages, 2),
        "seconds": {k: round(v, 1) for k, v in seconds.items()}, "total_s": round(total, 1),
        "pipeline_passages_per_s": round(passages / total, 2), "bare_encode_passages_per_s": round(bare, 2),
        "bare_over_pipeline": round(bare / (passages / total), 2), "sentences_share_of_ingest": round(sentence_share, 3),
        "sentence_vector_bytes_per_passage": round(sentences / passages * embedder.dimension * 4),
        "questions": len(asked), "ms_per_answer": at_question,
        "at_2M_passages": {"ingest_hours": round(AT_SCALE * per_passage_s / 3600, 1),
                           "of_which_sentences_hours": round(AT_SCALE * per_passage_s * sentence_share / 3600, 1),
                           "sentence_vectors_gb": round(AT_SCALE * sentences / passages * embedder.dimension * 4 / 1e9, 1)},
    }))


if __name__ == "__main__":
    main()
