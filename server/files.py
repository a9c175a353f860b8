"""The routes that serve indexed files: ``/fichiers/<doc_id>`` answers only for documents of the
live index, with the file found at the place the index recorded;
``/fichiers/<doc_id>/pages/<n>.png[?passage=<id>]`` draws page n of an indexed PDF, the passage
highlighted. Anything else is a 404 (a malformed number, 400).

Pages are drawn on threads of their own (``RenderQueue``), never on the threads the API's
routes share, and each address may ask for so many page images a minute (``PageGuard``)."""

from __future__ import annotations

import asyncio
import mimetypes
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from api.guards import Access, ApiError
from core.metrics import process_metrics
from core.params import InvalidNumber, request_int
from retrieval.pagestore import PageRenderer, PageToDraw, draw_page, find_page, indexed_file

MAX_PAGES = 100_000  # more than any PDF the index accepts (BOUSSOLE_MAX_PDF_PAGES)
# Pages waiting for a renderer beyond those being drawn: with two renderers and a page drawn in
# 0.3–2 s (15 s at most, then killed), the last of eight waits a few seconds; more are told to
# come back (503) rather than hold a connection for minutes.
MAX_WAITING_PAGES = 8
RETRY_AFTER_SECONDS = 5


class RenderersBusy(Exception):
    """Every renderer is drawing and the queue is full."""


@dataclass
class RenderQueue:
    """Page drawings on ``workers`` threads of their own, at most ``waiting`` more queued: the
    threads the API's routes run on are never held by a page being drawn or waiting to be."""
    workers: int = 2
    waiting: int = MAX_WAITING_PAGES
    _taken: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _pool: ThreadPoolExecutor = field(init=False, repr=False)

    def __post_init__(self):
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="page-render")

    async def run(self, function, *args):
        with self._lock:
            if self._taken >= self.workers + self.waiting:
                raise RenderersBusy()
            self._taken += 1
        # released when the drawing ends, not when the request does: a client that hangs up
        # does not free a place while its page is still being drawn
        future = self._pool.submit(function, *args)
        future.add_done_callback(lambda _: self._release())
        return await asyncio.wrap_future(future)

    def _release(self) -> None:
        with self._lock:
            self._taken -= 1


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


def make_page_endpoint(index_dir: Path, renderer: PageRenderer, queue: RenderQueue, limit: Access | None):
    async def serve(request):
        if limit is not None:  # counted before any work, even a malformed request's
            try:
                limit.count(f"page-images:{request.client.host if request.client else '?'}")
            except ApiError as exc:
                return PlainTextResponse(exc.message, status_code=exc.status, headers=exc.headers)
        try:
            page = request_int(request.path_params["page"], "page", 1, MAX_PAGES)
            passage = request_int(request.query_params.get("passage"), "passage")
        except InvalidNumber as exc:
            return PlainTextResponse(exc.french, status_code=400)
        if page is None:
            return PlainTextResponse("Numéro de page manquant.", status_code=400)
        image = await run_in_threadpool(find_page, index_dir, request.path_params["doc_id"], page, passage)
        if isinstance(image, PageToDraw):
            try:
                image = await queue.run(draw_page, image, renderer)
                process_metrics(index_dir).page_images.inc()
            except RenderersBusy:
                return PlainTextResponse("Trop de pages demandées en même temps : réessayez dans quelques secondes.",
                                         status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        if image is None:
            return PlainTextResponse("Page introuvable.", status_code=404)
        return Response(image, media_type="image/png", headers={
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})
    return serve


def file_routes(index_dir: Path, limit: Access | None = None, queue: RenderQueue | None = None) -> list[Route]:
    """``limit``: page images per address (None: unlimited)."""
    renderer = PageRenderer()
    queue = queue or RenderQueue(workers=renderer.workers)
    return [Route("/fichiers/{doc_id}/pages/{page}.png", make_page_endpoint(index_dir, renderer, queue, limit)),
            Route("/fichiers/{doc_id}", make_file_endpoint(index_dir))]


