"""Browse documents (not passages): filter them, and rank them for a few words."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from core.params import request_int_or
from retrieval.filters import Filters
from retrieval.index import DocumentInfo, Index, PassageRecord
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


@dataclass(frozen=True)
class CitedView:
    """What a Document-page address shows: the cited passage (if still the one the link meant)."""
    passage: PassageRecord | None = None
    changed: bool = False  # the link was made for another version of the document


def citation_version(index: Index, doc_id: str) -> str:
    """Changes when the document's content, or how passages are cut, changes: a link made for
    one version must not highlight the same ordinal in another."""
    doc = index.documents[doc_id]
    return hashlib.sha1(f"{doc.content_hash}\0{index.manifest.identity}".encode()).hexdigest()[:12]


def citation_params(index: Index, passage: PassageRecord) -> dict[str, str]:
    """The Document page's address for a citation: it survives a refresh (passage ids do not —
    they are positions in one build — ordinals within an unchanged document do)."""
    return {"doc": passage.doc_id, "passage": str(passage.id), "ord": str(passage.ordinal),
            "v": citation_version(index, passage.doc_id)}


def resolve_citation(index: Index, doc_id: str, passage_id: str = "", ordinal: str = "",
                     version: str = "") -> CitedView:
    if version and version != citation_version(index, doc_id):
        return CitedView(changed=True)
    ordinal_number = request_int_or(ordinal, "ord", None)
    if ordinal_number is not None:
        return CitedView(index.passage_at(doc_id, ordinal_number))
    passage_number = request_int_or(passage_id, "passage", None)
    if passage_number is not None:
        record = index.passages([passage_number]).get(passage_number)
        return CitedView(record if record and record.doc_id == doc_id else None)
    return CitedView()
