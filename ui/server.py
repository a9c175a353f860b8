"""The ASGI server: Streamlit's app plus one route that serves indexed files.

``/fichiers/<doc_id>`` answers only for documents of the live index, with the file found at
the place the index recorded; any other path is a 404.
"""

from __future__ import annotations

import logging
import mimetypes
import sqlite3
from contextlib import closing
from pathlib import Path

import streamlit as st
from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route

from core.roots import root_folders, source_path
from core.settings import Settings
from core.store import current_build, read_manifest

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


def make_file_endpoint(index_dir: Path):
    async def serve(request):
        path = indexed_file(index_dir, request.path_params["doc_id"])
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


app = st.App(str(HERE / "app.py"),
             routes=[Route("/fichiers/{doc_id}", make_file_endpoint(Settings.from_env().index_path))],
             on_script_error=on_script_error)
