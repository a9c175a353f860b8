"""The OpenAI chat API, as its clients use it (``/v1/chat/completions``, ``/v1/models``): one
model, ``boussole``, whose reply is the verified answer with its ``[n]`` markers followed by
the numbered sources. Open WebUI and the official ``openai`` package connect to it as is."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from core.bounds import (
    MAX_CONVERSATION_TURNS,
    check_content_parts,
    check_conversation,
    check_messages,
    check_question,
)
from core.errors import BoussoleError
from core.metrics import metrics_for
from core.settings import Settings
from insights.keeping import Keeper
from retrieval.answer import Answer
from retrieval.index import Index
from retrieval.respond import respond
from retrieval.search import Searcher
from api.guards import Access, ApiError
from api.json_api import api_app, app_url, client_host, document_link, guard
from core.messages import french_message

log = logging.getLogger("boussole.api")
MODEL = "boussole"
EXCERPTS = 5
_DONE = object()


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["text"]
    text: str


class OtherPart(BaseModel):
    """An image, a file, audio…: accepted, not read."""
    model_config = ConfigDict(extra="allow")
    type: str


def _part_kind(part) -> str | None:
    kind = part.get("type") if isinstance(part, dict) else getattr(part, "type", None)
    return "text-part" if kind == "text" else "other-part"


# [{"type": "text", "text": …}, {"type": "image_url", …}]: a text part must carry text
ContentPart = Annotated[Annotated[TextPart, Tag("text-part")] | Annotated[OtherPart, Tag("other-part")],
                        Discriminator(_part_kind)]


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(part.text for part in self.content if isinstance(part, TextPart))
        return self.content or ""


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens…: accepted, not used
    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False


def question_and_conversation(messages: list[Message]) -> tuple[str, list[str]]:
    """The last user message is the question; the earlier ones are the conversation."""
    asked = [m.text.strip() for m in messages if m.role == "user" and m.text.strip()]
    if not asked:
        raise ApiError(400, "Aucune question : le dernier message « user » est vide.", "invalid_parameter", "messages")
    return asked[-1], asked[:-1]


def sources_text(answer: Answer, index: Index, base: str) -> str:
    if answer.no_answer or not answer.citations:
        return ""
    lines = ["", "", "Sources :"]
    for c in answer.citations:
        page = f", p. {c.hit.passage.page}" if c.hit.passage.page else ""
        lines.append(f"[{c.n}] {c.hit.document.title}{page} — {document_link(base, index, c.hit.document.doc_id, c.hit.passage)}")
    return "\n".join(lines)


def completion(content: str, completion_id: str, created: int) -> dict:
    return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}]}


def chunk(completion_id: str, created: int, delta: dict, finish: str | None = None) -> str:
    body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def error_event(message: str) -> str:
    """An error in the stream, as OpenAI sends one (its clients raise it as an APIError)."""
    body = {"error": {"message": message, "type": "server_error", "param": None, "code": "answer_failed"}}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def streamed(answer_with: Callable[[Callable], Answer], tail: Callable[[Answer], str],
             completion_id: str, created: int, stall_seconds: float = 30.0) -> Iterator[str]:
    """Server-sent events as OpenAI sends them: the role, then the text as it is verified (an
    LLM's sentences one by one; an extractive answer at once), the sources, a stop, [DONE]."""
    pieces: queue.Queue = queue.Queue()
    outcome: dict[str, Answer | str] = {}

    def run() -> None:
        try:
            outcome["answer"] = answer_with(lambda s: pieces.put(f"{s.text} [{s.n}]"))
        except BoussoleError as exc:
            log.error("streamed answer: %s: %s", type(exc).__name__, exc)
            outcome["error"] = french_message(exc, detail=False)
        except Exception:  # noqa: BLE001 - whatever breaks, the client gets an error event and [DONE]
            log.exception("streamed answer failed")
            outcome["error"] = "Erreur interne du serveur ; réessayez plus tard."
        finally:
            pieces.put(_DONE)

    threading.Thread(target=run, daemon=True).start()
    yield chunk(completion_id, created, {"role": "assistant", "content": ""})
    sent = 0
    while True:
        try:
            # a stalled answer must not hold one of the server's threads for ever
            piece = pieces.get(timeout=stall_seconds)
        except queue.Empty:
            outcome.setdefault("error", f"La réponse n'est pas venue en {stall_seconds:.0f} s ; réessayez plus tard.")
            break
        if piece is _DONE:
            break
        yield chunk(completion_id, created, {"content": (" " if sent else "") + piece})
        sent += 1
    if "error" in outcome:
        yield error_event(outcome["error"])
        yield "data: [DONE]\n\n"
        return
    answer = outcome["answer"]
    # an LLM's answer was streamed whole; an extractive one (or the fallback) comes now
    text = "" if answer.mode == "llm" and sent else (("\n\n" if sent else "") + answer.text)
    try:
        text += tail(answer)
    except Exception:  # noqa: BLE001 - the answer stands without its list of sources
        log.exception("sources of a streamed answer")
    if text:
        yield chunk(completion_id, created, {"content": text})
    yield chunk(completion_id, created, {}, finish="stop")
    yield "data: [DONE]\n\n"


def openai_api(settings: Settings, access: Access, searcher_of: Callable[[], Searcher]) -> FastAPI:
    keeper = Keeper(settings, storage=access.limiter.storage)  # as the JSON API's (json_api.py)
    app = api_app(settings, title="Boussole (API compatible OpenAI)", version="1",
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)
    checked = [guard(access)]

    def model_card() -> dict:
        return {"id": MODEL, "object": "model", "created": 0, "owned_by": "boussole"}

    @app.get("/models", dependencies=checked)
    def models() -> dict:
        return {"object": "list", "data": [model_card()]}

    @app.get("/models/{name}", dependencies=checked)
    def model(name: str) -> dict:
        require_model(name)
        return model_card()

    @app.post("/chat/completions", dependencies=checked, response_model=None)
    def chat(body: ChatIn, request: Request) -> dict | StreamingResponse:
        require_model(body.model)
        check_messages(len(body.messages), 0)
        check_content_parts(max(len(m.content) if isinstance(m.content, list) else 1 for m in body.messages))
        check_messages(len(body.messages), max(len(m.text) for m in body.messages))
        question, conversation = question_and_conversation(body.messages)
        check_question(question)
        # a client sends the whole chat back each time: its latest turns are the conversation
        conversation = check_conversation(conversation[-MAX_CONVERSATION_TURNS:])
        searcher = searcher_of()
        searcher.handle.get()  # no index: 503 now, before a stream has begun
        base = app_url(request, settings)
        def answer_with(on_sentence=None) -> Answer:
            answer = respond(settings, searcher, question, k=EXCERPTS, previous=conversation,
                             on_sentence=on_sentence)
            metrics_for(settings).answered(answer.no_answer, "openai")
            if answer.no_answer:
                keeper.keep(question, "declined", who=client_host(request))
            return answer

        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if body.stream:
            return StreamingResponse(streamed(answer_with, lambda a: sources_text(a, searcher.handle.get(), base),
                                              completion_id, created, settings.llm_timeout),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        answer = answer_with()
        # the build that answered: a refresh may have swapped it in since the question came
        return completion(answer.text + sources_text(answer, searcher.handle.get(), base), completion_id, created)

    return app


def require_model(name: str) -> None:
    if name != MODEL:
        raise ApiError(404, f"Le modèle « {name} » n'existe pas : le seul modèle servi est « {MODEL} ».",
                       "model_not_found", "model")
