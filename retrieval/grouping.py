"""Turn a passage ranking into a page of results that no single document fills."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from retrieval.fusion import Ranking

DocOf = Mapping[int, str] | Callable[[int], str]


def group_by_document(ranking: Ranking, doc_of: DocOf, per_doc: int, limit: int) -> Ranking:
    """Keep at most ``per_doc`` passages of each document and ``limit`` in all.

    Documents come in the order of their best passage; a document's passages stay together,
    best first, so the page reads document by document.
    """
    lookup = doc_of if callable(doc_of) else doc_of.__getitem__
    by_doc: dict[str, list[tuple[int, float]]] = defaultdict(list)
    order: list[str] = []
    for item, score in ranking:
        doc = lookup(item)
        if doc not in by_doc:
            order.append(doc)
        if len(by_doc[doc]) < per_doc:
            by_doc[doc].append((item, score))
    out: Ranking = []
    for doc in order:
        for entry in by_doc[doc]:
            if len(out) == limit:
                return out
            out.append(entry)
    return out


def rank_documents(ranking: Ranking, doc_of: DocOf) -> list[tuple[str, float]]:
    """Documents scored by their best passage, best first."""
    lookup = doc_of if callable(doc_of) else doc_of.__getitem__
    best: dict[str, float] = {}
    for item, score in ranking:
        doc = lookup(item)
        if doc not in best or score > best[doc]:
            best[doc] = score
    return sorted(best.items(), key=lambda x: -x[1])
