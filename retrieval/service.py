"""Assemble a ready-to-query searcher from settings (model + index handle)."""

from __future__ import annotations

from core.model import load_embedder
from core.settings import Settings
from retrieval.index import IndexHandle
from retrieval.search import Searcher


def open_searcher(settings: Settings, require_index: bool = True) -> Searcher:
    """The CLI requires an index (and fails before loading the model); the web app starts
    without one, so that staff can add the first documents."""
    handle = IndexHandle(settings.index_path)
    if require_index:
        handle.get()
    return Searcher(settings, load_embedder(settings), handle)
