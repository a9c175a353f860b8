"""Browse documents (not passages): filter them, and rank them for a few words."""

from __future__ import annotations

from retrieval.filters import Filters
from retrieval.index import DocumentInfo, Index
from retrieval.search import Searcher


def list_documents(index: Index, filters: Filters) -> list[DocumentInfo]:
    docs = [d for d in index.documents.values() if filters.allows(d)]
    return sorted(docs, key=lambda d: (d.date or "0000"), reverse=True)


def search_documents(searcher: Searcher, query: str, filters: Filters, limit: int = 30) -> list[DocumentInfo]:
    """Documents ranked by their best passages for ``query`` (no abstention: browsing)."""
    index = searcher.handle.get()
    result = searcher.search(query, k=limit, filters=filters, per_doc=1)
    return [index.documents[doc_id] for doc_id, _ in result.documents[:limit]
            if filters.allows(index.documents[doc_id])]


def cited_unit(index: Index, doc_id: str, passage_id: int | None) -> tuple[int | None, tuple[int, int] | None]:
    """The unit and character span of a cited passage, if it belongs to this document."""
    if passage_id is None:
        return None, None
    record = index.passages([passage_id]).get(passage_id)
    if record is None or record.doc_id != doc_id:
        return None, None
    return record.unit, (record.char_start, record.char_end)
