"""Assemble a ready-to-query searcher from settings (model + index handle)."""

from __future__ import annotations

from ingest.model import load_embedder
from ingest.settings import Settings
from retrieval.index import IndexHandle
from retrieval.search import Searcher


def open_searcher(settings: Settings) -> Searcher:
    handle = IndexHandle(settings.index_path)
    handle.get()  # fail early, before loading the model, when there is no index
    return Searcher(settings, load_embedder(settings), handle)
