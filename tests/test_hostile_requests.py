"""Hostile requests against the running server: each is refused with a French 400 or 413
naming its limit, the server keeps answering others, and no answer shows the server's folders."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest
from drive import running_ui
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from api.guards import Access
from api.json_api import json_api
from api.openai_api import openai_api, streamed
from core.bounds import MAX_BODY_BYTES, MAX_CONVERSATION_TURNS, MAX_MESSAGES
from core.errors import IndexMissing, SettingsError
from core.settings import Settings

QUESTION = "Comment intégrer l'égalité femmes-hommes dans nos actions ?"


@pytest.fixture(scope="module")
def server(seed_index):
    with running_ui(seed_index.index_path, {"BOUSSOLE_API_RATE_LIMIT": "1000/minute"}) as url:
        with httpx.Client(base_url=url, timeout=120) as http:
            yield http


def still_answering(http: httpx.Client) -> None:
    assert http.get("/api/v1/search", params={"q": QUESTION, "k": 1}).status_code == 200


def refused(answer: httpx.Response, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    message = answer.json()["error"]["message"]
    assert words in message
    assert "Requête refusée" in message or "Paramètre invalide" in message


def test_a_question_over_the_limit_is_refused_on_every_route(server):
    long = "égalité " * 200
    refused(server.get("/api/v1/search", params={"q": long}), 400, "au plus 1000 caractères")
    refused(server.post("/api/v1/ask", json={"question": long}), 400, "au plus 1000 caractères")
    refused(server.post("/v1/chat/completions", json={"model": "boussole", "messages": [{"role": "user", "content": long}]}),
            400, "la question dépasse la limite de 1")
    still_answering(server)


def test_a_one_megabyte_question_is_refused_as_too_large_a_body(server):
    refused(server.post("/api/v1/ask", json={"question": "x" * 1_000_000}), 413, "le corps de la requête")
    still_answering(server)


def test_ten_thousand_conversation_turns_are_refused(server):
    answer = server.post("/api/v1/ask", json={"question": QUESTION, "conversation": ["et pour les jeunes ?"] * 10_000})
    refused(answer, 400, f"la conversation dépasse la limite de {MAX_CONVERSATION_TURNS}")
    turn = server.post("/api/v1/ask", json={"question": QUESTION, "conversation": ["x" * 5_000]})
    refused(turn, 400, "une question précédente de la conversation dépasse")
    still_answering(server)


def test_five_thousand_messages_are_refused(server):
    messages = [{"role": "user", "content": "et pour les jeunes ?"}] * 5_000
    refused(server.post("/v1/chat/completions", json={"model": "boussole", "messages": messages}), 400,
            f"« messages » dépasse la limite de {MAX_MESSAGES}")
    still_answering(server)


def _raw_post(base: str, path: str, headers: str, body_chunks) -> str:
    """What the server answers to a body sent by hand (httpx would not send a lying one)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n{headers}\r\n".encode())
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server hung up on the body: as it should
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            piece = sock.recv(65536)
            if not piece:
                break
            answer += piece
        return answer.decode("utf-8", "replace")


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def test_a_hundred_megabyte_body_is_refused_before_it_is_read(server):
    announced = _raw_post(str(server.base_url), "/api/v1/ask", f"Content-Length: {100 * 1024 * 1024}\r\n",
                          [b"{" + b" " * 65536])
    assert announced.startswith("HTTP/1.1 413") and "Kio" in announced
    chunked = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in [b" " * 65536] * 1600)
    sent_in_chunks = _raw_post(str(server.base_url), "/api/v1/ask", "Transfer-Encoding: chunked\r\n", chunked)
    assert sent_in_chunks.startswith("HTTP/1.1 413")
    still_answering(server)


@pytest.mark.parametrize("params", [{"k": "²"}, {"k": "99999999999999999999"}, {"k": "-1"}])
def test_a_malformed_number_in_the_api_is_a_400(server, params):
    assert server.get("/api/v1/search", params={"q": QUESTION, **params}).status_code == 400


def _local_api(settings: Settings, searcher_of) -> TestClient:
    access = Access.from_settings("", "1000/minute")
    return TestClient(Starlette(routes=[Mount("/api/v1", json_api(settings, access, searcher_of)),
                                        Mount("/v1", openai_api(settings, access, searcher_of))]))


def test_no_answer_names_the_index_folder(tmp_path):
    settings = Settings(index_dir=tmp_path / "secret-index-folder")

    def searcher_of():
        raise IndexMissing(f"no index in {settings.index_path}")
    with _local_api(settings, searcher_of) as client:
        answers = [client.get("/api/v1/health"), client.get("/api/v1/search", params={"q": QUESTION}),
                   client.post("/api/v1/ask", json={"question": QUESTION}), client.get("/api/v1/documents"),
                   client.post("/v1/chat/completions", json={"model": "boussole", "messages": [{"role": "user", "content": QUESTION}]})]
    for answer in answers:
        assert answer.status_code == 503 and "boussole ingest" in answer.json()["error"]["message"]
        assert "secret-index-folder" not in answer.text and str(tmp_path) not in answer.text


def test_a_misconfigured_server_says_so_in_french_with_a_503_and_logs_the_detail(tmp_path, caplog):
    def searcher_of():
        raise SettingsError("BOUSSOLE_MODEL_DIR=/srv/secret/models: no such folder")
    with _local_api(Settings(index_dir=tmp_path), searcher_of) as client:
        answer = client.get("/api/v1/search", params={"q": QUESTION})
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "misconfigured"
    assert "mal configuré" in answer.json()["error"]["message"] and "/srv/secret" not in answer.text
    assert "/srv/secret/models" in caplog.text


def _events(stream) -> list:
    return [line.removeprefix("data: ").strip() for line in stream if line.startswith("data: ")]


def test_a_streamed_answer_whose_generator_raises_ends_with_an_error_event_and_done():
    def breaks(on_sentence):
        on_sentence(type("S", (), {"text": "Une première phrase.", "n": 1})())
        raise RuntimeError("/srv/boussole/data/index: disk I/O error")
    events = _events(streamed(breaks, lambda a: "", "chatcmpl-1", 0))
    assert events[-1] == "[DONE]"
    error = json.loads(events[-2])["error"]
    assert error["message"].startswith("Erreur interne du serveur") and "/srv" not in events[-2]


def test_a_stalled_streamed_answer_is_cut_off_and_frees_its_thread():
    def stalls(on_sentence):
        time.sleep(5)
    started = time.perf_counter()
    events = _events(streamed(stalls, lambda a: "", "chatcmpl-2", 0, stall_seconds=0.5))
    assert time.perf_counter() - started < 3
    assert events[-1] == "[DONE]" and "n'est pas venue en" in json.loads(events[-2])["error"]["message"]


def test_the_body_limit_is_above_the_largest_legitimate_request():
    messages = [{"role": "user" if n % 2 else "assistant", "content": "Une réponse avec ses sources. " * 120}
                for n in range(MAX_MESSAGES)]
    assert len(json.dumps({"model": "boussole", "messages": messages}).encode()) < MAX_BODY_BYTES
