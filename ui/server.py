"""The ASGI server: Streamlit's app, the routes that serve indexed files, and the HTTP API
(``/api/v1/``, ``/v1/``: see ``api.py``).

``/fichiers/<doc_id>`` answers only for documents of the live index, with the file found at
the place the index recorded; ``/fichiers/<doc_id>/pages/<n>.png[?passage=<id>]`` draws page
n of an indexed PDF, the passage highlighted. Anything else is a 404 (a malformed passage, 400).
"""

from __future__ import annotations

import asyncio.base_events
import functools
import gc
import html
import logging
import mimetypes
import socket
import sqlite3
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pypdfium2 as pdfium
import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from core.errors import BoussoleError
from core.files import atomic_write
from core.roots import root_folders, source_path
from core.settings import Settings
from core.store import current_build, read_manifest
from retrieval.pageimage import render_page
from retrieval.service import shared_searcher
from ui.access import Access
from ui.api import json_api
from ui.navigation import PAGES
from ui.openai_api import openai_api

log = logging.getLogger("boussole.ui")
HERE = Path(__file__).parent


def indexed_file(index_dir: Path, doc_id: str) -> Path | None:
    """The file of a document of the live index, if it still lies inside the folder it came
    from. Reads one row of the chunk store: the route does not load the index."""
    build = current_build(index_dir)
    if build is None:
        return None
    with closing(sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT root, source FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    return source_path(root_folders(read_manifest(build).roots, index_dir), *row)


# Served documents are data: nothing in them may run, fetch or frame on the app's origin.
DOCUMENT_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def document_headers(media: str) -> dict[str, str]:
    """The browser must not guess another type, and the document gets no rights on the app's
    origin. A sandboxed document cannot show in the browser's PDF viewer, so PDFs get the
    viewer's embed instead (they run no script of ours either way)."""
    policy = DOCUMENT_POLICY + ("; object-src 'self'" if media == "application/pdf" else "; sandbox")
    return {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": policy}


def make_file_endpoint(index_dir: Path):
    async def serve(request):
        path = indexed_file(index_dir, request.path_params["doc_id"])
        if path is None:
            return PlainTextResponse("Document introuvable.", status_code=404)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # Saved HTML pages are shown as text: their scripts must not run on our origin.
        if media == "text/html":
            media = "text/plain; charset=utf-8"
        return FileResponse(path, media_type=media, content_disposition_type="inline",
                            headers=document_headers(media))
    return serve


def page_png(index_dir: Path, doc_id: str, page: int, passage: int | None) -> bytes | None:
    """Page ``page`` of an indexed PDF as a PNG, ``passage`` highlighted on it; None when there is
    no such page of a PDF of the live index, or the passage is another document's or page's.
    Images are kept in the build's folder, so they go when the build goes."""
    build = current_build(index_dir)
    if build is None:
        return None
    with closing(sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT root, source, kind, pages FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        cited = db.execute("SELECT doc_id, page, text FROM passages WHERE id = ?",
                           (passage,)).fetchone() if passage is not None else None
    if row is None or row[2] != "pdf" or not 1 <= page <= row[3]:
        return None
    if passage is not None and (cited is None or cited[0] != doc_id or cited[1] != page):
        return None
    cache = build / "pages" / f"{doc_id}-{page}-{passage if passage is not None else 'page'}.png"
    if cache.is_file():
        return cache.read_bytes()
    path = source_path(root_folders(read_manifest(build).roots, index_dir), row[0], row[1])
    if path is None:
        return None
    try:
        image = render_page(path.read_bytes(), page, cited[2] if cited else "")
    except (pdfium.PdfiumError, IndexError, ValueError):
        return None  # the file changed since it was indexed: no page to show
    atomic_write(cache, image)
    return image


def make_page_endpoint(index_dir: Path):
    async def serve(request):
        raw, page = request.query_params.get("passage", ""), request.path_params["page"]
        if (raw and not raw.isdigit()) or not page.isdigit():
            return PlainTextResponse("Numéro de page ou de passage invalide.", status_code=400)
        image = await run_in_threadpool(page_png, index_dir, request.path_params["doc_id"], int(page),
                                        int(raw) if raw else None)
        if image is None:
            return PlainTextResponse("Page introuvable.", status_code=404)
        return Response(image, media_type="image/png", headers={
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})
    return serve


def file_routes(index_dir: Path) -> list[Route]:
    return [Route("/fichiers/{doc_id}/pages/{page}.png", make_page_endpoint(index_dir)),
            Route("/fichiers/{doc_id}", make_file_endpoint(index_dir))]


STREAMLIT_SHELL = Path(st.__file__).parent / "static" / "index.html"
# put in every page: Streamlit's words in French, the live region that reads answers out, and
# corrections of Streamlit's markup
SHELL_SCRIPTS = tuple(HERE / "static" / name for name in ("francais.js", "annonces.js", "corrections.js"))


def french_shell(shell: str, title: str, scripts: str) -> str:
    """Streamlit's HTML page, in French: screen readers read the app with French phonetics, the
    tab says which page it is before the app's script has run, Streamlit's own words are put in
    French as they are drawn (``static/francais.js``) and answers are read out (``annonces.js``)."""
    return (shell.replace('<html lang="en">', '<html lang="fr">', 1)
                 .replace("<title>Streamlit</title>", f"<title>{html.escape(title)} — Boussole</title>", 1)
                 .replace("</head>", f"<script>{scripts}</script></head>", 1))


def shell_routes(shell: str, scripts: str) -> list[Route]:
    """Each page's address answered with the French shell; /question, the default page's former
    address (links already sent), leads to the app's root."""
    def page(body: str):
        async def serve(request):
            return HTMLResponse(body, headers={"Cache-Control": "no-cache"})
        return serve

    async def former_default(request):
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"./{query}", status_code=308)  # relative: works under a path prefix

    return [*(Route(f"/{p.url_path}", page(french_shell(shell, p.title, scripts))) for p in PAGES),
            Route("/question", former_default)]


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


def api_routes(settings: Settings) -> list[BaseRoute]:
    """The JSON API and the OpenAI-compatible one; one rate limit counts calls to both."""
    access = Access.from_settings(settings.api_keys, settings.api_rate_limit)
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
app = st.App(str(HERE / "app.py"),
             routes=[*file_routes(settings.index_path), *api_routes(settings),
                     *shell_routes(STREAMLIT_SHELL.read_text(encoding="utf-8"),
                                   "\n".join(f.read_text(encoding="utf-8") for f in SHELL_SCRIPTS))],
             lifespan=warm_up(settings),
             on_script_error=on_script_error)
