"""Work done by requests small in bytes, before and after the bounds of issue 39, in one run.

    python benchmarks/bounded_work.py

Filters: a search reads its filters once per document, twice (the passage mask, the whole-document
ranking); over the 535 service-public sheets' real catalogue rows, the time of those two passes
for 100 types (the cap) folded per document (as before) and folded once per request (now), and
for 40,000 types (refused now, at the cap, before any document is read). Themes: 3,000 kept
questions (random vectors, as the issue measured), every one clustered with a search per theme
(before) against the 1,000 most recent with 30 searches (now): clusterings' size, themes,
searches, seconds. One JSON line.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import ROOT  # noqa: E402
from core.analysis import fold  # noqa: E402
from core.bounds import TooLarge, check_filter_values  # noqa: E402
from insights.store import KeptQuestion  # noqa: E402
from insights.themes import SAMPLE, SEARCHED, themes  # noqa: E402
from retrieval.filters import Filters  # noqa: E402


def catalogue_documents() -> list[SimpleNamespace]:
    with open(ROOT.parent / "shared" / "corpus" / "service-public" / "catalogue.csv", encoding="utf-8") as f:
        return [SimpleNamespace(type=row["type"], themes=tuple(t for t in row["themes"].split(";") if t),
                                root="service-public", source=row["file"], date=row["date"])
                for row in csv.DictReader(f)]


def folded_per_document(types: tuple[str, ...], doc) -> bool:
    """The test as it was: the request's list folded again for every document."""
    return fold(doc.type) in {fold(t) for t in types}


def two_passes(test, docs) -> float:
    started = time.perf_counter()
    for _ in range(2):
        [test(d) for d in docs]
    return round(time.perf_counter() - started, 4)


def filters_figures() -> dict:
    docs = catalogue_documents()
    types = tuple(f"type {n}" for n in range(100))
    now = Filters(types=types)
    many = tuple(f"t{n}" for n in range(40_000))
    started = time.perf_counter()
    try:
        check_filter_values("types", many)
    except TooLarge:
        refused = round(time.perf_counter() - started, 4)
    return {"documents": len(docs), "s_100_types_folded_per_document": two_passes(lambda d: folded_per_document(types, d), docs),
            "s_100_types_folded_once": two_passes(now.allows, docs),
            "s_40000_types_folded_per_document": two_passes(lambda d: folded_per_document(many, d), docs[:20]) * len(docs) / 20,
            "s_40000_types_refused": refused}


class RandomEmbedder:
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        vectors = np.random.default_rng(len(texts)).standard_normal((len(texts), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def themes_figures(count: int = 3_000) -> dict:
    kept = [KeptQuestion(date(2026, 12, 1), "declined", f"question {n}") for n in range(count)]
    figures = {}
    for name, sample, searched in (("before", count, count), ("now", SAMPLE, SEARCHED)):
        searches = []
        started = time.perf_counter()
        found = themes(kept, RandomEmbedder(), date(2026, 12, 1), lambda q: searches.append(q) or [], sample, searched)
        figures[name] = {"clustered": min(sample, count), "distance_matrix_mb": round(min(sample, count) ** 2 * 8 / 1e6, 1),
                         "themes": len(found), "searches": len(searches),
                         "seconds": round(time.perf_counter() - started, 2)}
    return figures


if __name__ == "__main__":
    print(json.dumps({"filters": filters_figures(), "themes": themes_figures()}))
