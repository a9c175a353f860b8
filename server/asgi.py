"""The ASGI server: Streamlit's web app (``ui/``), the routes that serve indexed files
(``files.py``), and the HTTP API (``/api/v1/``, ``/v1/``: see ``api/``), in one process.

`boussole ui` runs this file with Streamlit.
"""

from __future__ import annotations

import asyncio.base_events
import functools
import gc
import logging
import socket
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from limits.storage import Storage
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from api.guards import Access, shared_storage
from api.json_api import json_api
from api.openai_api import openai_api
from core.errors import BoussoleError
from core.metrics import metrics_for
from core.settings import Settings
from ingest.upgrade import upgrade_in_background
from retrieval.service import shared_searcher
from server.files import file_routes
from server.guide import guide_routes
from server.metrics import MetricsMiddleware, metrics_route
from ui.shell import SHELL_SCRIPTS, STREAMLIT_SHELL, shell_routes

log = logging.getLogger("boussole.server")
UI = Path(__file__).resolve().parent.parent / "ui"


def enable_tcp_nodelay() -> None:
    """Send small responses at once on every TCP connection of this process.

    asyncio turns Nagle's algorithm off only for sockets whose protocol number is TCP's, and
    Streamlit binds its listening socket with the default protocol 0, which the accepted
    connections inherit: on a kept-alive connection each response's body then waited for the
    client's delayed ACK of its headers, 40 ms per API request and per WebSocket burst
    (benchmarks/api.py)."""
    def set_nodelay(sock: socket.socket) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    asyncio.base_events._set_nodelay = set_nodelay


def api_routes(settings: Settings, storage: Storage) -> list[BaseRoute]:
    """The JSON API and the OpenAI-compatible one; one rate limit counts calls to both."""
    access = Access.from_settings(settings.api_keys, settings.api_rate_limit, storage)
    searcher_of = functools.partial(shared_searcher, settings)  # the model loads at the first question
    return [Mount("/api/v1", json_api(settings, access, searcher_of)),
            Mount("/v1", openai_api(settings, access, searcher_of))]


def warm_up(settings: Settings):
    """At start: load the model (the first question then waits for nothing), then freeze the
    heap. The model and libraries are long-lived objects that a full collection would walk
    again after every question — Streamlit collects after each script run, holding the GIL: a
    third of the server's CPU with eight sessions (benchmarks/load.py). Frozen, they are skipped."""
    @asynccontextmanager
    async def lifespan(app):
        upgrade_in_background(settings, lambda: shared_searcher(settings).embedder)
        try:
            # the follow-ups' general documents too: computed once per build
            await run_in_threadpool(lambda: shared_searcher(settings).hub_shares())
        except BoussoleError as exc:  # the pages say what is missing
            log.error("model not loaded at start: %s", exc)
        gc.collect()
        gc.freeze()
        yield
    return lifespan


def on_script_error(exc: Exception) -> bool:
    log.exception("page error", exc_info=exc)
    st.error("Une erreur inattendue est survenue. Réessayez ; si elle persiste, "
             "prévenez l'équipe du centre de ressources.")
    return True  # no stack trace for users


enable_tcp_nodelay()
settings = Settings.from_env()
storage = shared_storage(settings.state_url)  # the guards' counts: this process's, or the replicas' (Redis)
app = st.App(str(UI / "app.py"),
             routes=[*file_routes(settings.index_path, Access.from_settings("", settings.page_rate_limit, storage)),
                     *api_routes(settings, storage),
                     *guide_routes(),
                     metrics_route(metrics_for(settings), Access.from_settings(settings.api_keys, settings.api_rate_limit)),
                     *shell_routes(STREAMLIT_SHELL.read_text(encoding="utf-8"),
                                   "\n".join(f.read_text(encoding="utf-8") for f in SHELL_SCRIPTS))],
             middleware=[Middleware(MetricsMiddleware, metrics=metrics_for(settings))],
             lifespan=warm_up(settings),
             on_script_error=on_script_error)
