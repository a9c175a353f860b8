"""The HTTP API, served by the web app's own server (mounted in ``server/asgi.py``).

``/api/v1/`` answers with exactly the JSON of the CLI (``search --json``, ``ask --json``), plus
the catalogue and a health check; ``/v1/`` speaks the OpenAI chat API (``openai_api.py``).
Both share the process's one searcher, the optional keys, the rate limit and CORS.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Annotated, Callable
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.bounds import MAX_BODY_BYTES, MAX_QUESTION_CHARS, TooLarge, check_conversation, check_filter_values
from core.documents import valid_date
from core.errors import BoussoleError, IndexBusy, IndexMissing, IndexOutdated, ModelUnavailable, SettingsError
from core.metrics import metrics_for
from core.params import InvalidNumber
from core.settings import Settings
from insights.keeping import Keeper
from core.store import current_build, read_last_harvest, read_manifest, servable
from retrieval.documents import citation_params, list_documents
from retrieval.filters import Filters
from retrieval.index import DocumentInfo, Index
from retrieval.respond import respond
from retrieval.search import Searcher
from api.guards import Access, ApiError, split_list
from core.messages import french_message
from retrieval.output import answer_json, search_json

log = logging.getLogger("boussole.api")
WIDGET = Path(__file__).with_name("static") / "boussole-recherche.js"
MAX_K = 50

_UNAVAILABLE = (IndexMissing, IndexBusy, IndexOutdated, ModelUnavailable)


def error_response(error: ApiError) -> JSONResponse:
    """OpenAI's error shape, for both APIs: one format for every client."""
    body = {"error": {"message": error.message, "type": _error_type(error.status),
                      "param": error.param, "code": error.code}}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _error_type(status: int) -> str:
    return {401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error",
            503: "service_unavailable"}.get(status, "invalid_request_error" if status < 500 else "server_error")


def as_api_error(exc: BoussoleError) -> ApiError:
    """The caller's answer: what to do, in French, never the server's folders or internals
    (the detail goes to the log)."""
    if isinstance(exc, TooLarge):
        return ApiError(exc.status, exc.french, "request_too_large")
    if isinstance(exc, InvalidNumber):
        return ApiError(400, exc.french, "invalid_parameter", exc.name)
    log.error("API: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, _UNAVAILABLE):
        return ApiError(503, french_message(exc, detail=False), "index_unavailable")
    if isinstance(exc, SettingsError):
        return ApiError(503, french_message(exc, detail=False), "misconfigured")
    return ApiError(500, french_message(exc, detail=False), "internal_error")


# pydantic's error types, said in French (the rest: « valeur refusée »)
_INVALID = {
    "missing": "champ requis",
    "greater_than_equal": "doit valoir au moins {ge}",
    "less_than_equal": "doit valoir au plus {le}",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "bool_parsing": "true ou false attendu",
    "bool_type": "true ou false attendu",
    "string_type": "texte attendu",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "too_short": "ne doit pas être vide",
    "list_type": "liste attendue",
    "model_attributes_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "union_tag_invalid": "type de contenu inconnu",
    "dict_type": "objet JSON attendu",
    "json_invalid": "JSON invalide",
}


def validation_message(exc: RequestValidationError) -> ApiError:
    # of a union's errors (« text or a list of parts »), the one that went deepest says what is wrong
    first = max(exc.errors(), key=lambda e: len(e.get("loc", ())), default={})
    where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body") and not _branch(x))
    where = "" if first.get("type") == "json_invalid" else where  # its place is a character's offset
    said = _INVALID.get(first.get("type", ""), "valeur refusée").format(**first.get("ctx", {}))
    return ApiError(400, f"Paramètre invalide « {where or 'corps'} » : {said}.", "invalid_parameter",
                    param=where or None)


def _branch(place) -> bool:
    """A union's member in an error's place (« str », « list[…] », a tag): not a field."""
    return isinstance(place, str) and ("[" in place or place in ("str", "text-part", "other-part"))


def install_errors(app: FastAPI) -> None:
    """Every error leaves as JSON with a French message; a stack trace never does."""
    async def api_error(request, exc: ApiError):
        return error_response(exc)

    async def boussole_error(request, exc: BoussoleError):
        return error_response(as_api_error(exc))

    async def invalid(request, exc: RequestValidationError):
        return error_response(validation_message(exc))

    async def http_error(request, exc: StarletteHTTPException):
        text = {404: "Adresse inconnue de l'API.", 405: "Méthode non acceptée à cette adresse.",
                400: "Corps de la requête illisible : JSON invalide ou trop imbriqué."}  # FastAPI's body parsing
        return error_response(ApiError(exc.status_code, text.get(exc.status_code, str(exc.detail)),
                                       "not_found" if exc.status_code == 404 else "http_error"))

    async def unexpected(request, exc: Exception):
        log.exception("API error", exc_info=exc)
        return error_response(ApiError(500, "Erreur interne du serveur ; réessayez plus tard.", "internal_error"))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(BoussoleError, boussole_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def api_app(settings: Settings, **kwargs) -> FastAPI:
    """A FastAPI app whose errors are French JSON and which browsers of the configured origins
    may call (CORS)."""
    app = FastAPI(**kwargs)
    install_errors(app)
    app.add_middleware(BodyLimit)
    origins = split_list(settings.cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    return app


class _BodyOverLimit(BaseException):
    """Raised from the body's reader: a BaseException, so that no route's ``except Exception``
    (FastAPI's body parsing has one) turns it into another answer."""


class BodyLimit:
    """Refuse a request body over ``MAX_BODY_BYTES`` (413) — announced by its Content-Length, or
    counted as it arrives when it is sent in chunks — before the route parses any of it."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared and (not declared.isdigit() or int(declared) > self.limit):
            return await error_response(self.too_large())(scope, receive, send)
        received, started = 0, False

        async def counted():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _BodyOverLimit()
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, counted, watched)
        except _BodyOverLimit:
            if not started:
                await error_response(self.too_large())(scope, receive, send)

    def too_large(self) -> ApiError:
        error = TooLarge("le corps de la requête", self.limit // 1024, "Kio", status=413)
        return ApiError(413, error.french, "request_too_large")


def guard(access: Access):
    """The dependency of every route that answers questions: key, then rate limit."""
    def checked(request: Request) -> None:
        caller = access.caller(request.headers.get("authorization", ""), client_host(request))
        access.count(caller)
    return Depends(checked)


def client_host(request: Request) -> str:
    return request.client.host if request.client else "?"


def app_url(request: Request, settings: Settings) -> str:
    """Where the web app is reached: the configured public address, else the request's host."""
    return settings.public_url.rstrip("/") or f"{request.url.scheme}://{request.url.netloc}"


def document_link(base: str, index: Index, doc_id: str, passage=None) -> str:
    params = citation_params(index, passage) if passage is not None else {"doc": doc_id}
    return f"{base}/document?{urlencode(params)}"


class FiltersIn(BaseModel):
    types: list[str] = []
    themes: list[str] = []
    since: str = ""
    until: str = ""
    folders: list[str] = []

    def filters(self) -> Filters:
        return Filters(check_filter_values("types", tuple(self.types)), check_filter_values("themes", tuple(self.themes)),
                       checked_date("filters.since", self.since), checked_date("filters.until", self.until),
                       check_filter_values("folders", tuple(self.folders)))


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(default=5, ge=1, le=MAX_K)
    filters: FiltersIn = FiltersIn()
    conversation: list[str] = Field(default=[], description="The conversation's previous questions, oldest first.")


def query_filters(type: Annotated[list[str], Query()] = [],  # noqa: A002 - the parameter's public name
                  theme: Annotated[list[str], Query()] = [],
                  since: str = "", until: str = "",
                  folder: Annotated[list[str], Query()] = []) -> Filters:
    return Filters(check_filter_values("type", tuple(type)), check_filter_values("theme", tuple(theme)),
                   checked_date("since", since), checked_date("until", until),
                   check_filter_values("folder", tuple(folder)))


def checked_date(name: str, bound: str) -> str:
    if bound and not valid_date(bound):
        raise ApiError(400, f"Paramètre invalide « {name} » : date attendue sous la forme AAAA, "
                            f"AAAA-MM ou AAAA-MM-JJ (reçu « {bound[:40]} »).", "invalid_parameter", name)
    return bound


def json_api(settings: Settings, access: Access, searcher_of: Callable[[], Searcher]) -> FastAPI:
    # keeps declined questions when BOUSSOLE_INSIGHTS=1, else nothing; so many per address, counted
    # where the API's calls are
    keeper = Keeper(settings, storage=access.limiter.storage)
    app = api_app(settings, title="Boussole", version="1",
                  description="Recherche dans les ressources du centre de ressources politique de la ville.",
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    checked = [guard(access)]

    @app.get("/search", dependencies=checked, summary="Passages answering a question (the JSON of `boussole search --json`)")
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS)],
               filters: Annotated[Filters, Depends(query_filters)],
               k: Annotated[int | None, Query(ge=1, le=MAX_K)] = None) -> dict:
        return search_json(searcher_of().search(q, k=k, filters=filters))

    @app.post("/ask", dependencies=checked, summary="A verified answer citing its excerpts (the JSON of `boussole ask --json`)")
    def ask(body: AskIn, request: Request) -> dict:
        check_conversation(body.conversation)
        filters = body.filters.filters()
        searcher = searcher_of()
        answer = respond(settings, searcher, body.question, k=body.k, filters=filters,
                         previous=body.conversation)
        metrics_for(settings).answered(answer.no_answer, "api")
        if answer.no_answer:
            keeper.keep(body.question, "declined", who=client_host(request))
        return answer_json(answer, settings.contact)

    @app.get("/documents", dependencies=checked, summary="The catalogue of indexed documents, newest first, by pages")
    def documents(request: Request, filters: Annotated[Filters, Depends(query_filters)],
                  page: Annotated[int, Query(ge=1)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
        index = searcher_of().handle.get()
        docs = list_documents(index, filters)
        shown = docs[(page - 1) * per_page: page * per_page]
        base = app_url(request, settings)
        return {"total": len(docs), "page": page, "per_page": per_page,
                "pages": max(1, math.ceil(len(docs) / per_page)),
                "documents": [document_json(d, document_link(base, index, d.doc_id)) for d in shown]}

    @app.get("/health", summary="The index being served (503 while none is built)")
    def health() -> dict:
        build = current_build(settings.index_path)
        if build is None:
            raise IndexMissing(f"no index in {settings.index_path}")
        manifest = read_manifest(build)
        if not servable(manifest):  # being rebuilt by ingest/upgrade.py: 503 for the monitor too
            raise IndexOutdated(f"the index in {settings.index_path} is being rebuilt for this release")
        return {"status": "ok", "build": manifest.build_id, "created_at": manifest.created_at,
                "model": manifest.model.get("name", ""), "documents": manifest.counts.get("documents", 0),
                "passages": manifest.counts.get("passages", 0), "last_harvest": harvest_health(settings.index_path)}

    @app.get("/boussole-recherche.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(WIDGET, media_type="text/javascript; charset=utf-8",
                            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"})

    return app


def harvest_health(index_dir) -> dict | None:
    """When the last harvest ended, whether it succeeded and how many addresses failed: no
    address nor reason (a monitor is not staff; Administration shows those)."""
    last = read_last_harvest(index_dir)
    if not last:
        return None
    return {"finished_at": last["finished_at"], "ok": bool(last.get("ok")), "failures": len(last.get("failures", []))}


def document_json(doc: DocumentInfo, link: str) -> dict:
    return {"doc_id": doc.doc_id, "title": doc.title, "type": doc.type, "date": doc.date,
            "themes": list(doc.themes), "description": doc.description, "url": doc.url,
            "kind": doc.kind, "pages": doc.pages, "passages": doc.passages, "link": link}
