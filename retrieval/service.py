"""Assemble a ready-to-query searcher from settings (model + index handle)."""

from __future__ import annotations

import functools
import threading

from core.model import load_embedder
from core.settings import Settings
from retrieval.index import IndexHandle
from retrieval.search import Searcher
from retrieval.shapes import typos_of_kinds


def open_searcher(settings: Settings, require_index: bool = True) -> Searcher:
    """The CLI requires an index (and fails before loading the model); the web app starts
    without one, so that staff can add the first documents."""
    handle = IndexHandle(settings.index_path)
    if require_index:
        handle.get()
    typos_of_kinds()  # read once here (about a second), not during the first question
    return Searcher(settings, load_embedder(settings), handle)


_loading = threading.Lock()  # two first requests at once must not load the model twice


def shared_searcher(settings: Settings) -> Searcher:
    """The one searcher of a server process: the web pages and the HTTP API share its model
    (900 MB) and index handle. Searches are safe from many threads."""
    with _loading:
        return _cached_searcher(settings)


@functools.lru_cache(maxsize=1)
def _cached_searcher(settings: Settings) -> Searcher:
    return open_searcher(settings, require_index=False)
