"""What the pages share, loaded once per process: settings, model, index handle, searcher.

The index handle reopens the index when a refresh has swapped in a new build, so the next
question uses it without restarting the server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import streamlit as st

from core.model import Embedder
from core.settings import Settings
from retrieval.answer import Answer
from retrieval.filters import Filters
from retrieval.glossary import Glossary
from retrieval.index import IndexHandle
from retrieval.respond import respond
from retrieval.search import Searcher
from retrieval.service import shared_searcher
from api.guards import LoginGuard, shared_storage
from insights.keeping import Keeper, insight_store
from insights.store import KeptQuestion
from insights.themes import Theme, closest_documents, themes, themes_of_batch

log = logging.getLogger("boussole.ui")


@dataclass(frozen=True)
class Services:
    """The searcher, and short names for what it holds."""
    searcher: Searcher

    @property
    def settings(self) -> Settings:
        return self.searcher.settings

    @property
    def embedder(self) -> Embedder:
        return self.searcher.embedder

    @property
    def handle(self) -> IndexHandle:
        return self.searcher.handle

    @property
    def glossary(self) -> Glossary:
        return self.searcher.glossary

    def answer(self, question: str, previous: list[str], k: int, filters: Filters, on_sentence=None) -> Answer:
        return respond(self.settings, self.searcher, question, k=k, filters=filters, previous=previous,
                       on_sentence=on_sentence)


@st.cache_resource(show_spinner="Chargement du modèle de recherche…")
def services() -> Services:
    return Services(shared_searcher(Settings.from_env()))


@st.cache_resource
def keeper() -> Keeper:
    """One per process, like the settings it reads; what each address had kept is counted where
    the settings say (``BOUSSOLE_STATE_URL``: shared by the replicas)."""
    settings = Settings.from_env()
    return Keeper(settings, storage=shared_storage(settings.state_url))


def visitor_themes(kept: list[KeptQuestion], today: date, build_id: str) -> list[Theme]:
    """The themes of the kept questions, computed once per batch of questions, day and build and
    stored with them (``themes_of_batch``): every click in Administration reruns the page, and
    grouping embeds the questions and searches for the themes' documents. ``build_id`` empty: no
    index, no documents."""
    svc = services()
    closest = closest_documents(svc.searcher) if build_id else None
    with st.spinner("Regroupement des questions…"):
        return themes_of_batch(insight_store(svc.settings), kept, today, build_id,
                               lambda batch: themes(batch, svc.embedder, today, closest))


@st.cache_resource
def login_guard() -> LoginGuard:
    """One per process, counting where the settings say (``BOUSSOLE_STATE_URL``: shared by the
    replicas): a new browser session, another replica or a restart must not reset the count."""
    return LoginGuard(shared_storage(Settings.from_env().state_url))


def client_address() -> str:
    """The visitor's address (behind a local proxy, the one it forwards); "?" when unknown
    (Streamlit's test harness gives none)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "?"


def admin_password(settings: Settings) -> str:
    if settings.admin_password:
        return settings.admin_password
    try:
        return str(st.secrets.get("BOUSSOLE_ADMIN_PASSWORD", "") or "")
    except Exception:  # no secrets.toml: the page explains how to enable it
        return ""
