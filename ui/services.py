"""What the pages share, loaded once per process: settings, model, index handle, searcher.

The index handle reopens the index when a refresh has swapped in a new build, so the next
question uses it without restarting the server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from ingest.model import Embedder, load_embedder
from ingest.settings import Settings
from retrieval.answer import Answer
from retrieval.filters import Filters
from retrieval.glossary import Glossary, load_glossary
from retrieval.index import IndexHandle
from retrieval.respond import respond
from retrieval.search import Searcher

log = logging.getLogger("boussole.ui")


@dataclass
class Services:
    settings: Settings
    embedder: Embedder
    handle: IndexHandle
    searcher: Searcher
    glossary: Glossary

    def answer(self, question: str, query: str, k: int, filters: Filters, on_token=None) -> Answer:
        return respond(self.settings, self.searcher, question, k=k, filters=filters, query=query,
                       on_token=on_token)


@st.cache_resource(show_spinner="Chargement du modèle de recherche…")
def services() -> Services:
    settings = Settings.from_env()
    embedder = load_embedder(settings)
    handle = IndexHandle(settings.index_path)
    return Services(settings, embedder, handle, Searcher(settings, embedder, handle), load_glossary())


def admin_password(settings: Settings) -> str:
    if settings.admin_password:
        return settings.admin_password
    try:
        return str(st.secrets.get("BOUSSOLE_ADMIN_PASSWORD", "") or "")
    except Exception:  # no secrets.toml: the page explains how to enable it
        return ""
