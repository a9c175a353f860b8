"""The routes that serve indexed files: ``/fichiers/<doc_id>`` answers only for documents of the
live index, with the file found at the place the index recorded;
``/fichiers/<doc_id>/pages/<n>.png[?passage=<id>]`` draws page n of an indexed PDF, the passage
highlighted. Anything else is a 404 (a malformed number, 400)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.params import InvalidNumber, request_int
from retrieval.pagestore import PageRenderer, indexed_file, page_png

MAX_PAGES = 100_000  # more than any PDF the index accepts (BOUSSOLE_MAX_PDF_PAGES)


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


def make_page_endpoint(index_dir: Path, renderer: PageRenderer):
    async def serve(request):
        try:
            page = request_int(request.path_params["page"], "page", 1, MAX_PAGES)
            passage = request_int(request.query_params.get("passage"), "passage")
        except InvalidNumber as exc:
            return PlainTextResponse(exc.french, status_code=400)
        if page is None:
            return PlainTextResponse("Numéro de page manquant.", status_code=400)
        image = await run_in_threadpool(page_png, index_dir, request.path_params["doc_id"], page, passage, renderer)
        if image is None:
            return PlainTextResponse("Page introuvable.", status_code=404)
        return Response(image, media_type="image/png", headers={
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})
    return serve


def file_routes(index_dir: Path) -> list[Route]:
    return [Route("/fichiers/{doc_id}/pages/{page}.png", make_page_endpoint(index_dir, PageRenderer())),
            Route("/fichiers/{doc_id}", make_file_endpoint(index_dir))]


