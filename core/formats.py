"""How passages are written into the index: their sizes, the text embedded and the text BM25
reads, and the identity those choices give an index (a change re-embeds everything)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from core.documents import Document, Passage
from core.model import ModelSource
from core.settings import Settings

PASSAGE_FORMAT = "title-section-text/1"
DOCUMENT_NAMING = "root-name/relative-path"


@dataclass(frozen=True)
class ChunkParams:
    """Passage sizes in words; the defaults live in one place, ``Settings``."""
    min_words: int
    target_words: int
    max_words: int
    overlap_words: int


def chunk_params(settings: Settings) -> ChunkParams:
    return ChunkParams(settings.chunk_min_words, settings.chunk_target_words,
                       settings.chunk_max_words, settings.chunk_overlap_words)


def index_identity(source: ModelSource, params: ChunkParams, title_fields: bool = True) -> str:
    """What the vectors depend on: the model, where its weights came from and their hash, the
    chunking, the passage format and how documents are named. Any change re-embeds everything."""
    passage_format = PASSAGE_FORMAT if title_fields else "text/1"
    key = json.dumps([source.name, source.origin, source.weights, asdict(params), passage_format,
                      DOCUMENT_NAMING])
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def embedding_text(document: Document, passage: Passage, title_fields: bool = True) -> str:
    """Title and heading path go into the vector: a passage is read in its context."""
    if not title_fields:
        return passage.text
    head = " — ".join(x for x in (document.metadata.title, passage.section) if x)
    return f"{head}\n{passage.text}" if head else passage.text


def lexical_text(document: Document, passage: Passage, title_fields: bool = True) -> str:
    m = document.metadata
    if not title_fields:
        return passage.text
    return "\n".join([m.title, passage.section, " ".join(m.themes), m.description, passage.text])


def document_text(document: Document, title_fields: bool = True) -> str:
    m = document.metadata
    if not title_fields:
        return "\n".join(u.text for u in document.units)
    return "\n".join([m.title, " ".join(m.themes), m.description] + [u.text for u in document.units])
