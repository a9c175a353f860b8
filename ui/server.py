"""The ASGI server: Streamlit's app plus one route that serves indexed files.

``/fichiers/<doc_id>`` answers only for documents of the live index, with the file found at
the place the index recorded; any other path is a 404.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

import streamlit as st
from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route

from ingest.errors import BoussoleError
from ingest.settings import Settings
from retrieval.index import IndexHandle

log = logging.getLogger("boussole.ui")
HERE = Path(__file__).parent


def indexed_file(handle: IndexHandle, doc_id: str) -> Path | None:
    """The file of an indexed document, if it still lies inside the folder it came from."""
    try:
        document = handle.get().documents.get(doc_id)
    except BoussoleError:
        return None
    if document is None:
        return None
    root = Path(document.root).resolve()
    path = (root / document.source).resolve()
    return path if path.is_file() and root in path.parents else None


def make_file_endpoint(handle: IndexHandle):
    async def serve(request):
        path = indexed_file(handle, request.path_params["doc_id"])
        if path is None:
            return PlainTextResponse("Document introuvable.", status_code=404)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # Saved HTML pages are shown as text: their scripts must not run on our origin.
        if media == "text/html":
            media = "text/plain; charset=utf-8"
        return FileResponse(path, media_type=media, content_disposition_type="inline")
    return serve


def on_script_error(exc: Exception) -> bool:
    log.exception("page error", exc_info=exc)
    st.error("Une erreur inattendue est survenue. Réessayez ; si elle persiste, "
             "prévenez l'équipe du centre de ressources.")
    return True  # no stack trace for users


_handle = IndexHandle(Settings.from_env().index_path)
app = st.App(str(HERE / "app.py"),
             routes=[Route("/fichiers/{doc_id}", make_file_endpoint(_handle))],
             on_script_error=on_script_error)
